"""What a validation reads besides the fact files, kept in the cache folder under the hash of its text: the release
records parsed (`KeptPublished`) and the archived texts' words (`archive_index`). engine/validation.py passes
them to the records stages; they change only with a release or an archived text, and making them again was a
tenth of a check after an edit at 10,000 facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from factdeck.engine.apart import computed_apart
from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.parse_cache import ContentStore, cache_folder
from factdeck.engine.session import Session
from factdeck.records import verbatim
from factdeck.records.identity import PublishedDeck, dump_published, parse_published, restore_published
from factdeck.records.validate import FileContext
from factdeck.records.verbatim import Index

# A record's text from this long (about 2,000 facts' notes) is parsed in a forked copy of the process.
APART_TEXT = 1_000_000


class KeptPublished:
    """Release records parsed from their text, kept in the cache folder (`…/factdeck/published`) under the file's
    name and the text's SHA-256: a record changes only with a release, and parsing the JSON of a large deck's
    record and making each of its notes was a tenth of a check after an edit (10,000 facts)."""

    def __init__(self, session: Session) -> None:
        self.store = ContentStore(cache_folder("published"), code_fingerprint(), "", session)

    def parse(self, text_of: Callable[[], str], display: str, digest: str) -> PublishedDeck:
        """The record of the text `text_of()` gives (file `display`, SHA-256 `digest`): as kept, else parsed
        (raising as `parse_published` does, or as `text_of` does) and kept."""
        name = f"{display}\0{digest}"
        kept = self.store.load(name)
        if kept is not None:
            try:
                record = restore_published(kept)
                if record.file == display:
                    return record
            except (ValueError, TypeError):
                pass  # parsed again, and kept anew
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
        made = _restored(dumped) if sent else None
        if made is None or made.file != display:
            made = parse_published(text, display)
            dumped = dump_published(made)
        self.store.save(name, dumped)
        self.store.trim()
        return made


def _restored(value: object) -> PublishedDeck | None:
    """`restore_published(value)`, None if `value` is not what `dump_published` gives."""
    try:
        return restore_published(value)
    except (ValueError, TypeError):
        return None


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
