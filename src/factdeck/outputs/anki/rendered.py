"""Card fields rendered by an earlier build, kept for the next (cards.py renders, package.py stores them)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factdeck.records.schema import Fact

if TYPE_CHECKING:
    from factdeck.outputs.anki.cards import NoteRecord


@dataclass(frozen=True)
class NoteKeysOf:
    """What a release record keeps of a note (identity, GUID, content hash) and what it reads to fill the rest
    (fact id, tags): a note record (cards.py) without its fields."""

    identity: str
    guid: str
    content: str
    fact_id: str
    tags: tuple[str, ...]

    @classmethod
    def of(cls, record: NoteRecord) -> NoteKeysOf:
        return cls(record.identity, record.guid, record.content, record.fact_id, record.tags)


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
    ):
        """`previous`: the entries saved by a build whose `shared` hash was this one; `record_json`: a fact's
        whole record as JSON (the build passes the base's, made once per fact); `fact_key`: instead of a hash of
        that JSON, a key that stands for the whole record some cheaper way (note_keys.py: its file's record-cache
        key), compared with the key stored in `previous`."""
        self.shared = shared
        self.previous = previous or {}
        self.record_json = record_json
        self.fact_key = fact_key
        self.used: dict[str, tuple[str, dict[str, str]]] = {}
        self._digests: dict[str, tuple[Fact, str]] = {}  # of facts whose fields were not asked for

    def digest(self, fact: Fact) -> str:
        """What stands for the fact's whole record: its fields are reused while this is the same."""
        entry = self.used.get(fact.id)
        if entry is not None:
            return entry[0]
        known = self._digests.get(fact.id)
        if known is None or known[0] is not fact:
            digest = (
                self.fact_key(fact)
                if self.fact_key is not None
                else hashlib.sha256(self.record_json(fact).encode()).hexdigest()
            )
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
        self._entries(fact)[f"{version_id or ''}\0{template}"] = text

    def empty(self, fact: Fact) -> bool:
        """Whether no field of `fact` is stored (from an earlier build or this one)."""
        return not self._entries(fact)

    def fields(self, fact: Fact) -> dict[str, str]:
        """Every stored field of `fact`, by version and template."""
        return dict(self._entries(fact))

    def adopt(self, fact: Fact, fields: dict[str, str]) -> None:
        """Fields of `fact` rendered elsewhere from this same record (a second process), as `fields` gives them."""
        self._entries(fact).update((k, v) for k, v in fields.items() if isinstance(k, str) and isinstance(v, str))
