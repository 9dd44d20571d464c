"""The note keys cache: what `factdeck check` needs to compare each deck with its release record, kept between
checks so that an unchanged fact's notes are not made again.

Comparing a deck's package with its record (release.py's `release_problems`) needs each note's identity and
content hash, and the content hash needs the note's fields: without a build folder whose stored fields are
current (card fields, package.py), that meant rendering every note of every deck on every check, three
quarters of a check with every file in the record cache. A note's GUID and content hash (and whether its fact's
statement makes a cloze) depend only on its fact's record and on what every card may show (`shared`: factdeck's
code, the card templates, every source and era, the glossary, translations and catalogs; engine/incremental.py's
`shared_key`), and the record depends only on its file's record-cache key (`FactBase.file_keys`: the file's name
and text, factdeck's code and what its validation read). So they are kept per fact file, in the user's cache
folder beside the record cache (`…/factdeck/notes`), under a hash of the file's key and `shared`, each fact's
entries beside its key and status (a fact changed since it was vetted is held back as under review). An edited
file changes its own key, so only its facts are made again; a change to anything shared changes every entry's
name. Field texts are not kept: a note whose keys are kept is not rendered at all.

Beside them each file's entry keeps its facts' live notes per set of card kinds (rendered.py's `LiveNoteKeys`:
each note's identity, GUID, content hash, fact id and tags, what comparing a deck with its record reads), which
depend on nothing more (the card kinds decide which notes a fact has; the rest is the fact's record and `shared`).
A check after an edit then takes every unchanged fact's notes whole, in file order, without planning, tagging or
looking up its notes one by one: that was most of comparing two decks of 10,000 facts with their records.

And per deck, release record and card kinds, each file's share of the deck's drift from its record (`DriftShares`:
how many of its facts' live notes the record lacks, holds with another content hash, or holds live while they are
withdrawn now, and those notes' identities), under what the share reads of the file: which of its facts the deck
takes, and each one's key. Counting is adding up, so a check after an edit counts the edited file's notes and
merges the other files' shares, without looking at their notes one by one.

An entry that cannot be read or is not what this code writes is a miss, never an error (engine/parse_cache.py's
store); `FACTDECK_NO_CACHE=1` turns the cache off, and a base validated without the engine's caches (no file
keys) makes every note afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain, compress, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.parse_cache import ContentStore, cache_folder
from factdeck.engine.record_cache import same_record
from factdeck.engine.session import Session
from factdeck.outputs.anki.rendered import LiveNoteKeys, LiveNotes, RenderedFields
from factdeck.outputs.fact_files import file_groups
from factdeck.records.by_file import facts_by_file, files_of
from factdeck.records.factbase import FactBase
from factdeck.records.schema import Fact

FOLDER = "notes"


def _kept(name: str) -> bool:
    """Whether a stored value (`version\\0template`, rendered.py) is one this cache keeps: a note's GUID and content
    hash (cards.py's `note\\0kind\\0namespace`) or whether the statement makes a cloze; never a field's text."""
    template = name.partition("\0")[2]
    return template == "clozable" or template.startswith("note\0")


def _values(value: Any) -> dict[str, tuple[str, dict[str, str]]] | None:
    """A file's kept values: {fact id: (fact key, {name: value})}; None if `value` is not one."""
    if type(value) is not dict:
        return None
    names: set[str] = set()  # the few names every fact's values have (a note kind's, the cloze's), each tested once
    for fact_id, kept in value.items():
        if type(fact_id) is not str or type(kept) is not tuple or len(kept) != 2:
            return None
        key, values = kept
        if type(key) is not str or type(values) is not dict:
            return None
        if not all(type(v) is str for v in values.values()):
            return None
        for name in values.keys() - names:
            if type(name) is not str or not _kept(name):
                return None
            names.add(name)
    return value


def _notes(notes: list[Any]) -> bool:
    """Whether every one of `notes` is a kept live note: (identity, GUID, content hash, fact id, tags), all text;
    tested a column at a time, by the set of types each holds (loops in C: a file's entry holds hundreds)."""
    if not set(map(type, notes)) <= {tuple} or not set(map(len, notes)) <= {5}:
        return False
    if not notes:
        return True
    *texts, tags = zip(*notes)
    return (
        all(set(map(type, column)) <= {str} for column in texts)
        and set(map(type, tags)) <= {tuple}
        and set(map(type, chain.from_iterable(tags))) <= {str}
    )


def _live(value: Any) -> dict[str, tuple[str, dict[str, LiveNotes]]] | None:
    """A file's kept live notes: {fact id: (fact key, {card kinds: notes})}; None if `value` is not that."""
    if type(value) is not dict:
        return None
    every: list[Any] = []
    for fact_id, kept in value.items():
        if type(fact_id) is not str or type(kept) is not tuple or len(kept) != 2:
            return None
        key, by_kinds = kept
        if type(key) is not str or type(by_kinds) is not dict:
            return None
        for kinds, notes in by_kinds.items():
            if type(kinds) is not str or type(notes) is not tuple:
                return None
            every.extend(notes)
    return value if _notes(every) else None


def _entry(
    value: Any,
) -> tuple[dict[str, tuple[str, dict[str, str]]], dict[str, tuple[str, dict[str, LiveNotes]]]] | None:
    """A file's kept entry: its facts' values (`_values`) and live notes (`_live`); None if `value` is not one."""
    if type(value) is not tuple or len(value) != 2:
        return None
    values, live = _values(value[0]), _live(value[1])
    return None if values is None or live is None else (values, live)


def _fact_key(keys: dict[str, str], fact: Fact) -> str:
    """`NoteKeys.fact_key`, with the base's file keys `keys`."""
    file_key = keys.get(fact.file)
    if file_key is None:
        return hashlib.sha256(fact.model_dump_json().encode()).hexdigest()
    return f"{file_key}\0{fact.status}"


# A file's share of a deck's drift (release.py's `deck_drift`): a hash of what it reads of the file (`facts_key`),
# then the counts of its live notes added, changed and withdrawn, and their identities one a line (`identities_of`):
# one string a file, which marshal reads and writes at once, where a string a note was 29,000 made and written again
# after every edit at 10,000 facts (only a deck whose record holds notes no file makes reads them one by one).
DriftShare = tuple[str, int, int, int, str]


def identities_of(share: DriftShare) -> list[str]:
    """The identities of a file's live notes its drift share holds."""
    return share[4].split("\n") if share[4] else []


def keyed_by_file(fact_key: Callable[[Fact], str]) -> dict[str, str] | None:
    """The file keys `fact_key` keys each fact by, with its status (`NoteKeys.fact_key`), or None if it keys facts
    otherwise."""
    if isinstance(fact_key, partial) and fact_key.func is _fact_key and not fact_key.keywords:
        keys: dict[str, str] = fact_key.args[0]
        return keys
    return None


def facts_key(fact_key: Callable[[Fact], str], facts: Iterable[Fact]) -> str:
    """What a file's share of a deck's drift reads of the file: the facts the deck takes of it, in order, each with
    its key (`NoteKeys.fact_key`, which stands for its record)."""
    if isinstance(fact_key, partial) and fact_key.func is _fact_key and not fact_key.keywords:
        facts = list(facts)
        files = set(files_of(facts))
        file_key = fact_key.args[0].get(next(iter(files))) if len(files) == 1 else None
        if file_key is not None:
            # One file's facts, each keyed by the file's key and its status (`_fact_key`): the same text made in
            # loops in C (every file's key is worked out for each deck after an edit).
            lines = map(
                "\0".join, zip(map(attrgetter("id"), facts), repeat(file_key), map(attrgetter("status"), facts))
            )
            text = "".join(map("{}\n".format, lines))
            return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    text = "".join([f"{fact.id}\0{fact_key(fact)}\n" for fact in facts])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _shares(value: Any) -> dict[str, DriftShare] | None:
    """A deck's kept drift shares, by file key; None if `value` is not that."""
    if type(value) is not dict:
        return None
    for file_key, share in value.items():
        if type(file_key) is not str or type(share) is not tuple or len(share) != 5:
            return None
        key, added, changed, withdrawn, identities = share
        if type(key) is not str or not {type(added), type(changed), type(withdrawn)} <= {int}:
            return None
        if type(identities) is not str:
            return None
    return value


class DriftShares:
    """Each file's share of one deck's drift from its release record (`DriftShare`), kept in the note keys folder
    under the deck, the record's SHA-256, the card kinds and `shared` (what every card may show), by the file's
    record-cache key: one entry a deck, read once and written again only if a share was made."""

    def __init__(self, folder: Path | None, name: str, session: Session | None = None) -> None:
        self.store = ContentStore(folder, code_fingerprint(), f"{FOLDER}\0drift-lines", session)
        self.name = name
        self.loaded = _shares(self.store.load(name)) or {}
        self.now: dict[str, DriftShare] = {}
        self.made = 0  # shares made (not taken back), for tests

    def get(self, file_key: str, key: str) -> DriftShare | None:
        """The share kept for the file of key `file_key`, if it read what `key` (`facts_key`) stands for."""
        share = self.loaded.get(file_key)
        if share is None or share[0] != key:
            return None
        self.now[file_key] = share
        return share

    def put(self, file_key: str, share: DriftShare) -> None:
        self.now[file_key] = share
        self.made += 1

    def save(self) -> None:
        """Keep the shares given or made this time (those of files no longer in the deck are dropped)."""
        if self.made:
            self.store.save(self.name, self.now)
            self.store.trim()


class _Entries:
    """The entries kept in `store` for the files of `base` whose keys `keys` holds, each read the first time one
    of its facts is looked up (`load`): `values` and `live` by fact id, and `loaded` by file."""

    def __init__(self, store: ContentStore, keys: Mapping[str, str], base: FactBase) -> None:
        self.store = store
        self.keys = keys
        # Each fact's file by its id from the files' kept columns, and its record only where one is compared
        # (`_carried`): a file taken back from its columns has no record made (a check after an edit makes one file's).
        self.facts_by_id = base.fact_lookup()
        self.file_by_id = base.files_by_id()
        self.earlier = base.earlier_facts
        self.loaded: dict[str, tuple[dict, dict]] = {}
        self.read: set[str] = set()  # files whose entries were looked for
        self.carried: set[str] = set()  # files whose entries were carried from an earlier key (`_carried`)
        self.values: dict[str, tuple[str, dict[str, str]]] = {}
        self.live: dict[str, tuple[str, dict[str, LiveNotes]]] = {}

    def load(self, fact_id: str) -> None:
        """Read the entry of the file of fact `fact_id`, unless it was looked for already."""
        file = self.file_by_id.get(fact_id)
        if file is None or file in self.read:
            return
        self.read.add(file)
        key = self.keys.get(file)
        entry = _entry(self.store.load(key)) if key is not None else None
        if entry is not None:
            self.loaded[file] = entry  # saved again only if it changes
        elif key is not None and self.earlier is not None:
            entry = self._carried(file, key)  # not loaded under `key`: saved under it, whatever is asked
            if entry is not None:
                self.carried.add(file)
        if entry is not None:
            self.values.update(entry[0])
            self.live.update(entry[1])

    def _carried(self, file: str, key: str) -> tuple[dict, dict] | None:
        """For `file`, whose entry under its key `key` is missing (an edit), the entry kept under the latest key it had
        before (`FactBase.earlier_facts`), with only the facts whose record is the one that entry was made of, at the
        same place (its other facts, after an edit of one fact), kept under `key`: a fact's note keys and live notes
        depend on its record and `shared` alone (this store's name), as keeping them per file assumes. None if the
        file has no earlier entry."""
        assert self.earlier is not None
        earlier = self.earlier(file, lambda earlier_key: _entry(self.store.load(earlier_key)))
        if earlier is None:
            return None
        earlier_key, facts, entry = earlier
        then = {fact.id: fact for fact in facts}
        now = self.facts_by_id
        values: dict[str, tuple[str, dict[str, str]]] = {}
        live: dict[str, tuple[str, dict[str, LiveNotes]]] = {}
        for kept, carried in ((entry[0], values), (entry[1], live)):
            for fact_id, (fact_key, value) in kept.items():
                fact, was = now.get(fact_id), then.get(fact_id)
                # The same record (its fields, its status among them: a fact held back differs) at the same place,
                # under the key `_fact_key` gave it then.
                if (
                    fact is not None
                    and was is not None
                    and same_record(was, fact)
                    and fact_key == _fact_key({file: earlier_key}, was)
                ):
                    carried[fact_id] = (_fact_key({file: key}, fact), value)
        return values, live


class _Looked(Mapping[str, Any]):
    """One of `entries`' dictionaries by fact id (`values` or `live`), whose file's entry is read at a fact's first
    look-up."""

    def __init__(self, entries: _Entries, found: dict[str, Any]) -> None:
        self.entries = entries
        self.found = found

    def __getitem__(self, fact_id: str) -> Any:
        self.entries.load(fact_id)
        return self.found[fact_id]

    def get(self, fact_id: str, default: Any = None) -> Any:
        self.entries.load(fact_id)
        return self.found.get(fact_id, default)

    def __contains__(self, fact_id: object) -> bool:
        if isinstance(fact_id, str):
            self.entries.load(fact_id)
        return fact_id in self.found

    def __iter__(self) -> Iterator[str]:
        for fact_id in self.entries.facts_by_id:
            self.entries.load(fact_id)
        return iter(self.found)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _facts_of_files(base: FactBase, files: set[str]) -> Mapping[str, Sequence[Fact]]:
    """The facts of each of `files` in the base, in the base's order (the files too): a file at a time as the decks'
    selections grouped them (outputs/fact_files.py), without reading an unchanged file's records (each fact's file
    was read to find the few files whose entries change: every fact's record after an edit); else picked from each
    fact's file in loops in C."""
    groups = file_groups(base)
    if groups is None:
        return facts_by_file(compress(base.facts, map(files.__contains__, files_of(base.facts))))
    return {group.file: group.facts for group in groups if group.file in files}


class NoteKeys:
    """The note keys cache of one fact base (see the module's doc). `fields(shared, base)` gives the
    `RenderedFields` a card maker of `base` (the base or a translation of it) reads and fills; `save()` keeps
    what they hold afterwards, for every file one of whose facts has new values."""

    def __init__(self, base: FactBase):
        self.keys = base.file_keys
        self.folder = cache_folder(FOLDER) if self.keys else None
        # The validation's session, whose stores measure each cache folder once for the command (trimming walked the
        # whole folder for each store that saved).
        self.session = base.session if isinstance(base.session, Session) else None
        # Per `fields` call: its store, fields, base, entries loaded, files carried and each fact's file by id.
        self._made: list[
            tuple[ContentStore, RenderedFields, FactBase, dict[str, tuple[dict, dict]], set[str], dict[str, str]]
        ] = []
        self._drifts: list[DriftShares] = []

    def drift_shares(self, deck: str, record: str, kinds: str, shared: str) -> DriftShares | None:
        """The kept shares of the drift of deck `deck` from the release record whose text's SHA-256 is `record`,
        for card kinds `kinds` (rendered.py's `kinds_key`) and what every card may show `shared`; None without a
        cache folder (the shares are then not kept)."""
        if self.folder is None or not record:
            return None
        shares = DriftShares(self.folder, f"{deck}\0{record}\0{kinds}\0{shared}", self.session)
        self._drifts.append(shares)
        return shares

    def fact_key(self, fact: Fact) -> str:
        """What a fact's kept values are kept under: its file's key and its status (a fact changed since it was
        vetted is held back with status `review`), or a hash of its whole record if its file has no key."""
        return _fact_key(self.keys, fact)

    def fields(self, shared: str, base: FactBase) -> RenderedFields:
        """Stored values for the facts of `base` whose entries were kept under `shared`, and a place for new ones;
        with them (`RenderedFields.live`), each fact's live note keys kept per set of card kinds."""
        store = ContentStore(self.folder, code_fingerprint(), f"{FOLDER}\0{shared}", self.session)
        # Each file's entry is read when one of its facts is first looked up: a check after an edit whose every
        # other file's drift share is kept (`DriftShares`) looks up one file's facts.
        entries = _Entries(store, self.keys if self.folder is not None else {}, base)
        loaded = entries.loaded
        previous: Mapping[str, tuple[str, dict[str, str]]] = _Looked(entries, entries.values)
        live: Mapping[str, tuple[str, dict[str, LiveNotes]]] = _Looked(entries, entries.live)
        # Given as a function of the file keys alone, not this object's method: the fields it is given to are held
        # by this object (`_made`), and the cycle would leave everything loaded (a hundred thousand objects at
        # 10,000 facts) to the cyclic collector instead of freeing it with this object.
        fact_key = partial(_fact_key, self.keys)
        rendered = RenderedFields(shared, previous, base.fact_json, fact_key)
        if self.folder is not None:
            rendered.live = LiveNoteKeys(live, fact_key)
        self._made.append((store, rendered, base, loaded, entries.carried, entries.file_by_id))
        return rendered

    def save(self) -> None:
        """Keep, for each file with a key, its facts' note keys and live notes as they are now, where they differ
        from those loaded, and the drift shares made."""
        for shares in self._drifts:
            shares.save()
        for store, rendered, base, loaded, carried, file_of in self._made:
            if store.folder is None:
                continue
            live = rendered.live
            asked, made = rendered.used, live.made if live is not None else {}
            touched = asked.keys() | made.keys()  # the facts anything was asked of or made for
            # Only their files: where nothing of a file's facts was asked for or made, its entry would be the one kept
            # (under the file's key, so of these very facts), if any, as a check after an edit finds every file but
            # one. Their facts picked in loops in C (a base's ids are unique, so each id names one fact); each fact's
            # file as the entries found it (`_Entries.file_by_id`).
            files = {file_of[fact_id] for fact_id in touched if fact_id in file_of} | carried
            for file, facts in _facts_of_files(base, files).items():
                key = self.keys.get(file)
                if key is None:
                    continue
                entry = {}
                previous = rendered.previous
                for fact in facts:
                    used = rendered.used.get(fact.id)
                    kept = previous.get(fact.id)
                    if used is not None and kept is not None and kept[1] and used == kept:
                        # As loaded (every value one this cache keeps, _entry): what filtering would give.
                        entry[fact.id] = kept
                    elif used is not None:
                        values = {name: value for name, value in used[1].items() if _kept(name)}
                        if values:
                            entry[fact.id] = (used[0], values)
                    elif fact.id in rendered.previous:  # not asked for this time: kept as it was
                        entry[fact.id] = rendered.previous[fact.id]
                notes = {}
                if live is not None:
                    for fact in facts:
                        now = live.now(fact)
                        if now is not None:
                            notes[fact.id] = now
                if (entry, notes) != loaded.get(file, ({}, {})):
                    store.save(key, (entry, notes))
            store.trim()
