"""The `FactBase`: a validated project, the object every later stage reads."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factdeck.exceptions import Problem, UsageError
from factdeck.records.by_file import SharesKeeper
from factdeck.records.fact_columns import FactParts, FactsById
from factdeck.records.memo import Keeper
from factdeck.records.schema import DeckSpec, Era, Fact, GlossaryEntry, ProjectConfig, Source

if TYPE_CHECKING:
    from factdeck.records.archive import QuoteTally
    from factdeck.records.identity import PublishedDeck
    from factdeck.records.load import ParsedTextCache


def _dump_json(fact: Fact) -> str:
    return fact.model_dump_json()


def json_digest(text: str) -> str:
    """SHA-256 (hex) of `text` (a fact's JSON) in UTF-8: what stands for a fact's whole record in keys."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class FactBase:
    """A validated project: every record typed, located and cross-checked. `session` is the session it was
    validated in (engine/session.py): later stages keep what they work out from its records there."""

    root: Path
    config: ProjectConfig
    sources: dict[str, Source]
    eras: list[Era]
    facts: list[Fact]  # every fact, in file order, whatever its status
    decks: list[DeckSpec]
    session: Keeper
    warnings: list[Problem] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)  # facts/glossary.yaml, in file order
    quotes: QuoteTally | None = None  # how many quotes the check verified, and why not the others
    # Vetted facts changed since they were vetted, as they are (in `facts` they are held back with status review).
    held_back: dict[str, Fact] = field(default_factory=dict)
    # Each fact file's content key, by file (its `display`): a hash of its name and text, factdeck's code and what
    # its validation read (the engine's record-cache key), so equal keys mean equal records. Empty unless the
    # engine's caches validated the base; the release comparison's note cache keys its entries by them.
    file_keys: dict[str, str] = field(default_factory=dict)
    # `earlier_facts(file, kept)`: for a fact file validated afresh, the latest key it had before for which
    # `kept(key)` (a later stage's entry under it) is not None, with the file's records then (in file order) and what
    # `kept` gave; None if there is none (the engine's record cache keeps a few earlier keys). A later stage keeps
    # each file's share under its key and may take from an earlier entry the share of each fact whose record is the
    # same (an edit of one fact leaves its file's other facts as they were). None: no engine caches.
    earlier_facts: Callable[[str, Callable[[str], Any]], tuple[str, list[Fact], Any] | None] | None = None
    # The release records (decks/published/) as validation read them, by deck id; None if not read.
    published: dict[str, PublishedDeck] | None = None
    # The parse cache the project was loaded with, for the files later stages read (translations); None: none.
    parse_cache: ParsedTextCache | None = None
    # Where later stages keep each file's shares of what they make of every fact, under `file_keys` (the decks'
    # selections, records/select.py); None: nothing kept (no engine caches).
    kept_shares: SharesKeeper | None = None
    # Every fact as its files' parts (records/fact_columns.py), `facts` made of them when first read (`take_facts`):
    # what reads only ids, statuses and the like of every fact reads them here, and makes no unchanged file's records.
    fact_parts: FactParts | None = field(default=None, init=False, repr=False, compare=False)
    # Each fact by id, and its position in `facts`: made when first read (a check after an edit reads neither).
    facts_by_id: dict[str, Fact] = field(init=False, repr=False, compare=False)
    fact_order: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.era_order = {era.id: i for i, era in enumerate(self.eras)}
        self.eras_by_id = {era.id: era for era in self.eras}
        # Each fact's JSON, made once per build (kept across a watch's rounds in a watching session).
        self._json = self.session.fact_memo("factbase.json")
        self._fact_json: dict[int, tuple[Fact, str]] = {}  # by id(); the fact is kept so its id stays its own
        # Each fact's `json_digest`, made once per build like its JSON, by id() as above.
        self._digests = self.session.fact_memo("factbase.digest")
        self._fact_digest: dict[int, tuple[Fact, str]] = {}

    def take_facts(self, facts: FactParts) -> None:
        """Take `facts` (every fact, as its files' parts) as the base's: `facts` becomes their records when first read."""
        self.fact_parts = facts
        del self.facts

    def __getattr__(self, name: str) -> Any:
        # Only for the attributes made when first read (not in the instance's dict until then).
        if name == "facts":
            parts = self.__dict__.get("fact_parts")
            if parts is None:
                raise AttributeError(name)
            self.facts = parts.records()
            return self.facts
        if name in ("facts_by_id", "fact_order"):
            ids = list(map(attrgetter("id"), self.facts))  # in C: every command but a check makes these of every fact
            self.facts_by_id = dict(zip(ids, self.facts))
            self.fact_order = dict(zip(ids, range(len(ids))))
            return self.__dict__[name]
        raise AttributeError(name)

    def parts(self) -> FactParts:
        """Every fact as its files' parts (`take_facts`'), or as one part of `facts` if the base was made of records."""
        return self.fact_parts if self.fact_parts is not None else FactParts([self.facts])

    def fact_lookup(self) -> Mapping[str, Fact]:
        """Each fact by id, as `facts_by_id`, but a fact's file's records made only when one of its facts is looked up
        (`FactsById`) where `facts` were not made and no id is given twice (a check after an edit looks up one file's)."""
        if "facts_by_id" in self.__dict__ or "facts" in self.__dict__ or self.fact_parts is None or not self.ids_unique:
            return self.facts_by_id
        return FactsById(self.fact_parts, self.fact_parts.ids())

    def files_by_id(self) -> dict[str, str]:
        """Each fact's file by id (an id given twice: its last fact's, as `facts_by_id`), from the files' columns
        where their records were not made."""
        parts = self.parts()
        return dict(zip(parts.ids(), parts.files()))

    @property
    def fact_count(self) -> int:
        """How many facts there are (`len(facts)`, without making any record)."""
        return len(self.fact_parts) if "facts" not in self.__dict__ and self.fact_parts is not None else len(self.facts)

    @property
    def ids_unique(self) -> bool:
        """Whether no id is given to two facts (read from the files' columns where the records were not made)."""
        if "fact_order" in self.__dict__ or "facts" in self.__dict__ or self.fact_parts is None:
            return len(self.fact_order) == len(self.facts)
        ids = self.fact_parts.ids()
        return len(set(ids)) == len(ids)

    def fact_json(self, fact: Fact) -> str:
        """The fact's record as compact JSON, made once per build (kept across a watch's rounds): the export,
        the build's step keys and the card-field store all read it, and a large base has tens of thousands."""
        if self.session.keeping:
            return self._json.get(fact, None, fact.model_dump_json)
        known = self._fact_json.get(id(fact))
        if known is None:
            known = self._fact_json[id(fact)] = (fact, fact.model_dump_json())
        return known[1]

    def facts_json(self, facts: Iterable[Fact]) -> list[str]:
        """`fact_json` of each of `facts`."""
        if self.session.keeping:
            return self._json.values(list(facts), None, _dump_json)
        return [self.fact_json(f) for f in facts]

    def fact_digest(self, fact: Fact) -> str:
        """`json_digest` of the fact's JSON, made once per build (kept across a watch's rounds): what the build's
        step keys and the card fields' reuse compare. A one-off session does not keep the JSON for it: every
        fact's JSON was 70 MB at 50,000 facts, held through the build for these keys (a digest is 113 bytes)."""
        if self.session.keeping:
            return self._digests.get(fact, None, lambda: json_digest(self.fact_json(fact)))
        known = self._fact_digest.get(id(fact))
        if known is None:
            kept = self._fact_json.get(id(fact))
            text = kept[1] if kept is not None else fact.model_dump_json()
            known = self._fact_digest[id(fact)] = (fact, json_digest(text))
        return known[1]

    def facts_digests(self, facts: Iterable[Fact]) -> list[str]:
        """`fact_digest` of each of `facts`."""
        return [self.fact_digest(f) for f in facts]

    def passing_json(self, fact: Fact) -> str:
        """`fact_json(fact)`, kept only where `fact_json` already keeps it (a watching session, a fact whose JSON
        was asked for); otherwise made, its digest kept (`fact_digest`) and the JSON itself not: the JSON
        export reads each fact's JSON once, and the keys after it read only the digests."""
        if self.session.keeping or id(fact) in self._fact_json:
            return self.fact_json(fact)
        text = fact.model_dump_json()
        if id(fact) not in self._fact_digest:
            self._fact_digest[id(fact)] = (fact, json_digest(text))
        return text

    @property
    def vetted(self) -> list[Fact]:
        return [f for f in self.facts if f.status == "vetted"]

    def deck(self, deck_id: str) -> DeckSpec:
        """The deck with id `deck_id`; raises `UsageError` (the command line named a deck that does not exist)."""
        for deck in self.decks:
            if deck.id == deck_id:
                return deck
        known = ", ".join(d.id for d in self.decks) or "none"
        raise UsageError(f"no deck with id '{deck_id}' (decks: {known})")
