"""Card fields rendered by an earlier build, kept for the next (cards.py renders, package.py stores them)."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from factdeck.records.schema import Fact

if TYPE_CHECKING:
    from factdeck.outputs.anki.cards import NoteRecord


class NoteKeysOf(NamedTuple):
    """What a release record keeps of a note (identity, GUID, content hash) and what it reads to fill the rest
    (fact id, tags): a note record (cards.py) without its fields. A named tuple: a check makes one per live note
    of every deck (tens of thousands), from the plain tuples the live keys keep (`LiveNoteKeys`)."""

    identity: str
    guid: str
    content: str
    fact_id: str
    tags: tuple[str, ...]

    @classmethod
    def of(cls, record: NoteRecord) -> NoteKeysOf:
        return cls(record.identity, record.guid, record.content, record.fact_id, record.tags)


# One fact's live notes for one set of card kinds, as kept: each note's (identity, GUID, content hash, fact id, tags).
LiveNotes = tuple[tuple[str, str, str, str, tuple[str, ...]], ...]


def kinds_key(kinds: Iterable[str]) -> str:
    """What a deck's card kinds are kept under (a fact's live notes depend on the kinds, not on their order)."""
    return ",".join(sorted(set(kinds)))


class LiveNoteKeys:
    """Each fact's live note keys (`NoteKeysOf`: what comparing a deck with its release record reads of its notes)
    per set of card kinds, kept by note_keys.py per fact file and given back while the fact's key (its file's
    record-cache key and its status) is the one they were kept under: a fact whose keys are held is not planned,
    tagged or looked up note by note (the release comparison's cost for every unchanged fact of a check after
    an edit)."""

    def __init__(
        self, previous: Mapping[str, tuple[str, Mapping[str, LiveNotes]]], fact_key: Callable[[Fact], str]
    ) -> None:
        """`previous`: by fact id, the key its notes were kept under and its notes by `kinds_key`; `fact_key`: the
        key of a fact now."""
        self.previous = previous
        self.fact_key = fact_key
        self.made: dict[str, tuple[str, dict[str, LiveNotes]]] = {}  # what `put` was given, as `previous` holds it

    def get(self, fact: Fact, kinds: str) -> LiveNotes | None:
        """The live notes kept for `fact` under the card kinds `kinds` (`kinds_key`), or None."""
        entry = self.previous.get(fact.id)
        if entry is None or entry[0] != self.fact_key(fact):
            return None
        return entry[1].get(kinds)

    def put(self, fact: Fact, kinds: str, notes: Iterable[NoteKeysOf]) -> None:
        """Keep the live notes made for `fact` under `kinds`."""
        key = self.fact_key(fact)
        made = self.made.get(fact.id)
        if made is None or made[0] != key:
            made = self.made[fact.id] = (key, {})
        made[1][kinds] = tuple(tuple(note) for note in notes)  # type: ignore[misc]

    def now(self, fact: Fact) -> tuple[str, Mapping[str, LiveNotes]] | None:
        """What is known of `fact` now, as `previous` holds it: what was kept under its key (if it is the key
        now: a fact's notes kept under another key are never given again) with what was made since; None if
        neither."""
        made = self.made.get(fact.id)
        entry = self.previous.get(fact.id)
        if made is None:
            return entry if entry is not None and entry[0] == self.fact_key(fact) else None
        if entry is not None and entry[0] == made[0]:
            return made[0], {**entry[1], **made[1]}
        return made


class RenderedFields:
    """Card fields rendered by an earlier build, reused while everything they were rendered from is the same.

    Rendering the fields through Jinja2 is most of the cost of making a large deck, and when one fact is
    edited the other facts' fields come out the same. What a fact's fields may show is its own record
    (compared by a hash of all of it) and what every fact shares: factdeck's code, the card templates,
    every source and era, hashed into `shared`. A change to the shared part drops every field; a change to
    a fact drops that fact's. Entries are kept per fact id: (fact hash, {version and template: text}).
    """

    def __init__(
        self,
        shared: str,
        previous: Mapping[str, tuple[str, dict[str, str]]] | None = None,
        record_json: Callable[[Fact], str] = Fact.model_dump_json,
        fact_key: Callable[[Fact], str] | None = None,
        record_digest: Callable[[Fact], str] | None = None,
    ):
        """`previous`: the entries saved by a build whose `shared` hash was this one; `record_json`: a fact's
        whole record as JSON (the build passes the base's, made once per fact); `fact_key`: instead of a hash of
        that JSON, a key that stands for the whole record some cheaper way (note_keys.py: its file's record-cache
        key), compared with the key stored in `previous`; `record_digest`: the hash of that JSON made elsewhere
        (the build passes `FactBase.fact_digest`, which does not keep every fact's JSON for it)."""
        self.shared = shared
        self.previous = previous if previous is not None else {}
        self.record_json = record_json
        self.fact_key = fact_key
        self.record_digest = record_digest
        self.used: dict[str, tuple[str, dict[str, str]]] = {}
        # Each fact's live note keys kept by note_keys.py (a check's release comparison), else None.
        self.live: LiveNoteKeys | None = None
        self._digests: dict[str, tuple[Fact, str]] = {}  # of facts whose fields were not asked for

    def digest(self, fact: Fact) -> str:
        """What stands for the fact's whole record: its fields are reused while this is the same."""
        entry = self.used.get(fact.id)
        if entry is not None:
            return entry[0]
        known = self._digests.get(fact.id)
        if known is None or known[0] is not fact:
            if self.fact_key is not None:
                digest = self.fact_key(fact)
            elif self.record_digest is not None:
                digest = self.record_digest(fact)
            else:
                digest = hashlib.sha256(self.record_json(fact).encode()).hexdigest()
            known = self._digests[fact.id] = (fact, digest)
        return known[1]

    def entries(self, fact: Fact) -> dict[str, str]:
        """The fact's stored fields, by `version id NUL template` (what `get` and `put` read and write): the
        card maker reads and fills it directly, once per note instead of once per field."""
        return self._entries(fact)

    def _entries(self, fact: Fact) -> dict[str, str]:
        entry = self.used.get(fact.id)
        if entry is None:
            digest = self.digest(fact)
            old = self.previous.get(fact.id)
            entry = self.used[fact.id] = (digest, dict(old[1]) if old is not None and old[0] == digest else {})
        return entry[1]

    def get(self, fact: Fact, version_id: str | None, template: str) -> str | None:
        return self._entries(fact).get(f"{version_id or ''}\0{template}")

    def put(self, fact: Fact, version_id: str | None, template: str, text: str) -> None:
        # Interned, as cards.py's keys are: every fact has the same few, and the build keeps every fact's entries.
        self._entries(fact)[sys.intern(f"{version_id or ''}\0{template}")] = text

    def stored(self, fact: Fact) -> dict[str, str]:
        """The fact's stored fields as `entries` gives them, but read from the store without being kept in `used`
        when this build let them go there (field_store.spill_fields): a deck's notes held without their fields
        (spilled.py) read them back a fact at a time. A fact the store does not hold for its record is read as
        `entries` reads it (made afresh and kept)."""
        entry = self.used.get(fact.id)
        if entry is not None:
            return entry[1]
        old = self.previous.get(fact.id)
        if old is not None and old[0] == self.digest(fact):
            return old[1]
        return self._entries(fact)

    def empty(self, fact: Fact) -> bool:
        """Whether no field of `fact` is stored (from an earlier build or this one)."""
        return not self._entries(fact)

    def fields(self, fact: Fact) -> dict[str, str]:
        """Every stored field of `fact`, by version and template."""
        return dict(self._entries(fact))

    def adopt(self, fact: Fact, fields: dict[str, str]) -> None:
        """Fields of `fact` rendered elsewhere from this same record (a second process), as `fields` gives them."""
        self._entries(fact).update((k, v) for k, v in fields.items() if isinstance(k, str) and isinstance(v, str))
