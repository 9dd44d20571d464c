"""What a validation reads besides the fact files, kept in the cache folder under the hash of its text: the release
records parsed (`KeptPublished`) and the archived texts' words (`archive_index`). engine/validation.py passes
them to the records stages; they change only with a release or an archived text, and making them again was a
tenth of a check after an edit at 10,000 facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from factdeck.engine.apart import computed_apart
from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.parse_cache import ContentStore, cache_folder
from factdeck.engine.session import Session
from factdeck.records import verbatim
from factdeck.records.identity import (
    PublishedDeck,
    dump_published,
    parse_published,
    read_published,
    record_file,
    restore_published,
)
from factdeck.records.validate import FileContext
from factdeck.records.verbatim import Index

# A record's text from this long (about 2,000 facts' notes) is parsed in a forked copy of the process.
APART_TEXT = 1_000_000


class KeptPublished:
    """Release records parsed from their files, kept in the cache folder (`…/factdeck/published`) under the file's
    name and the SHA-256 of its bytes: a record changes only with a release, and parsing the JSON of a large deck's
    record and making each of its notes was a tenth of a check after an edit (10,000 facts). Each file's SHA-256 is
    taken through file stamps kept for its folder (engine/stamps.py: a file whose size, times and inode are those
    recorded with its hash is not read again), so a record kept is not read at all: reading and hashing the bench's
    two records (6.3 MB) was 4 ms of a check after an edit, and a twentieth of its instructions under valgrind."""

    def __init__(self, session: Session) -> None:
        self.store = ContentStore(cache_folder("published"), code_fingerprint(), "bytes", session)
        self.stamps: dict[Path, tuple[Path | None, Any]] = {}  # by records folder: where kept, and the stamps

    def parse(self, path: Path, display: str) -> PublishedDeck:
        """The record of the file at `path` (named `display`): as kept, else read and parsed (raising as
        identity.py's `read_published` does) and kept."""
        if self.store.folder is None:
            return read_published(path, display)
        known = self._digest(path)
        if known is not None:
            kept = _restored(self.store.load(f"{display}\0{known}"), display)
            if kept is not None:
                return kept
        text_of, digest, raw = record_file(path)
        text = text_of()
        # The JSON parser's dict per note is let go once the notes are made, but Python keeps the memory it took
        # for the rest of the process (a 27 MB record at 50,000 facts): parsed in a copy (engine/apart.py), only the record's
        # plain values come back, made into the record as a kept one is. A text that does not parse is parsed here,
        # which raises as usual.
        sent, dumped = (
            computed_apart(lambda: dump_published(parse_published(text, display)))
            if len(text) >= APART_TEXT
            else (False, None)
        )
        made = _restored((digest, dumped), display) if sent else None
        if made is None:
            made = parse_published(text, display)
            made.digest = digest
            dumped = dump_published(made)
        self.store.save(f"{display}\0{raw}", (digest, dumped))
        self.store.trim()
        return made

    def _digest(self, path: Path) -> str | None:
        """The SHA-256 of the file's bytes through its folder's stamps (None if it cannot be read)."""
        from factdeck.engine.incremental import _stamps_path
        from factdeck.engine.stamps import FileStamps

        folder = path.parent
        if folder not in self.stamps:
            kept = _stamps_path(folder, "published-")
            self.stamps[folder] = (kept, FileStamps.load(kept))
        kept, stamps = self.stamps[folder]
        hashed = stamps.hashed
        digest = stamps.hexdigest(path)
        if stamps.hashed != hashed:
            stamps.save(kept)
        return digest


def _restored(value: object, display: str) -> PublishedDeck | None:
    """The record of file `display` a store keeps (`KeptPublished`: its digest, and what `dump_published` gave),
    None if `value` is not one."""
    if type(value) is not tuple or len(value) != 2 or type(value[0]) is not str:
        return None
    try:
        record = restore_published(value[1])
    except (ValueError, TypeError):
        return None
    if record.file != display:
        return None
    record.digest = value[0]
    return record


class KeptShares:
    """records/by_file.py's `SharesKeeper` in the cache folder (`…/factdeck/shares`), each value under its name and
    factdeck's code: what later stages make of each file's facts (a deck selection's matches, records/select.py),
    kept by the file's content key inside the value, so a check after an edit works out the edited file's share."""

    def __init__(self, session: Session) -> None:
        self.store = ContentStore(cache_folder("shares"), code_fingerprint(), "", session)

    def load(self, name: str) -> Any:
        """The value kept under `name`, or None."""
        return self.store.load(name)

    def save(self, name: str, value: Any) -> None:
        """Keep `value` under `name` (marshal's plain values)."""
        self.store.save(name, value)
        self.store.trim()


def archive_index(context: FileContext, session: Session) -> Index:
    """records/verbatim.py's `index` of the archived texts, kept under their hashes (it reads nothing else)."""
    texts = {source: text.raw for source, text in context.archives.items()}
    store = ContentStore(cache_folder("archive-words"), code_fingerprint(), "index", session)
    name = "\n".join(f"{source}\0{text.digest}" for source, text in context.archives.items())
    kept = store.load(name)
    if (
        type(kept) is tuple
        and len(kept) == 2
        and type(kept[0]) is list
        and type(kept[1]) is dict
        and list(kept[1]) == list(texts)
        and all(type(w) is str for w in kept[0])
        and all(type(k) is str for k in kept[1].values())
    ):
        return kept
    made = verbatim.index(texts)
    store.save(name, made)
    store.trim()
    return made
