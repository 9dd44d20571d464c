"""What the rules over every fact read of a fact file's facts, kept as a few columns, and the file's records made only
when something asks for them.

After an edit, a check validates the edited file and takes every other file's records back from the record cache
(engine/record_cache.py): 47,000 records at 10,000 facts, a fifth of the command. The rules that run over every fact
afterwards read a few values of each: its id (unique ids, the facts by id), its status (the facts not retracted, the
vetted ones), its era (the eras used, the facts moved since a release), the day it was vetted, its tags, the sources
its citations name, and whether it has a bound. `FactColumns` keeps those of one file (a small entry the cache keeps
beside the file's records); `FileFacts` is the file's facts as a sequence that makes its records from the cache's entry
the first time one is asked for; `FactParts` is every file's facts in the base's order, answering the columns' questions
from each file's columns (or from its records, where they are made) and making a file's records only where a reader
goes through them. A reader that asks for records gets them (the answer is the same; only its cost differs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter, ne
from typing import Any, NamedTuple, overload

from factdeck.exceptions import InputError
from factdeck.records.collect import Collector, unique_ids
from factdeck.records.schema import Fact


class FactColumns(NamedTuple):
    """What the rules over every fact read of one file's facts: for each fact in order its id, status, era and day
    vetted (None: none); then of the file, every tag its facts have (each once, sorted), how many citations (each fact's
    own and its dispute versions', `Fact.all_citations`) name each source (pairs sorted by source), and whether a fact
    has a bound (`not_below`, `not_above`, `not_before` or `not_after`)."""

    ids: tuple[str, ...]
    statuses: tuple[str, ...]
    eras: tuple[str, ...]
    vetted: tuple[str | None, ...]
    tags: tuple[str, ...]
    cited: tuple[tuple[str, int], ...]
    bounded: bool


_BOUNDS = attrgetter("not_below", "not_above", "not_before", "not_after")
_NO_BOUNDS = (None, None, None, None)


def with_bounds(facts: Sequence[Fact]) -> Iterator[Fact]:
    """The facts of `facts` that have a bound (`not_below`, `not_above`, `not_before` or `not_after`), in order, picked
    in loops in C (most facts have none)."""
    return compress(facts, map(ne, map(_BOUNDS, facts), repeat(_NO_BOUNDS)))


def columns_of(facts: Sequence[Fact]) -> FactColumns:
    """`facts`' columns, read from their records."""
    from factdeck.records.archive import citation_counts

    return FactColumns(
        ids=tuple(map(attrgetter("id"), facts)),
        statuses=tuple(map(attrgetter("status"), facts)),
        eras=tuple(map(attrgetter("era"), facts)),
        vetted=tuple(map(attrgetter("vetted"), facts)),
        tags=tuple(sorted(set(chain.from_iterable(map(attrgetter("tags"), facts))))),
        cited=tuple(sorted(citation_counts(facts).items())),
        bounded=next(with_bounds(facts), None) is not None,
    )


def restore_columns(entry: Any) -> FactColumns | None:
    """`entry` (a `FactColumns` as marshal keeps it: a tuple) as columns; None if it is not that (each column tested a
    column at a time, in C)."""
    if type(entry) is not tuple or len(entry) != len(FactColumns._fields):
        return None
    ids, statuses, eras, vetted, tags, cited, bounded = entry
    if not {type(ids), type(statuses), type(eras), type(vetted), type(tags), type(cited)} <= {tuple}:
        return None
    if not len(ids) == len(statuses) == len(eras) == len(vetted) or type(bounded) is not bool:
        return None
    if not set(map(type, chain(ids, statuses, eras, tags))) <= {str} or not set(map(type, vetted)) <= {str, type(None)}:
        return None
    if not set(map(type, cited)) <= {tuple} or not set(map(len, cited)) <= {2}:
        return None
    sources, counts = (tuple(zip(*cited)) or ((), ()))[:2]
    if not set(map(type, sources)) <= {str} or not set(map(type, counts)) <= {int}:
        return None
    return FactColumns(ids, statuses, eras, vetted, tags, cited, bounded)


class FileFacts(Sequence[Fact]):
    """The facts of one fact file (`file`, as messages name it): its columns, and its records made by `restore` (from
    the record cache's entry) the first time one is asked for, then kept. Records whose ids are not the columns' (the
    file validated again, its entry gone since, and its text changed meanwhile) raise InputError: a reader gets that
    rather than another text's answer."""

    def __init__(self, columns: FactColumns, restore: Callable[[], list[Fact]], file: str):
        self.columns = columns
        self.file = file
        self._restore: Callable[[], list[Fact]] | None = restore
        self._records: list[Fact] | None = None

    @property
    def restored(self) -> bool:
        """Whether the records were made (something asked for one)."""
        return self._records is not None

    @property
    def records(self) -> list[Fact]:
        """The file's records (made now if they were not)."""
        if self._records is None:
            assert self._restore is not None
            made = self._restore()
            if list(map(attrgetter("id"), made)) != list(self.columns.ids):  # made again from a text changed since
                raise InputError(self.file, 0, "changed while factdeck was reading it: run the command again")
            self._records, self._restore = made, None
        return self._records

    def __len__(self) -> int:
        return len(self.columns.ids)

    @overload
    def __getitem__(self, index: int) -> Fact: ...

    @overload
    def __getitem__(self, index: slice) -> list[Fact]: ...

    def __getitem__(self, index: int | slice) -> Fact | list[Fact]:
        return self.records[index]

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.records)

    def __bool__(self) -> bool:
        return bool(self.columns.ids)


class FactParts(Sequence[Fact]):
    """Every fact of a base in order, as its files' parts (each a list of records or a `FileFacts`): the columns'
    questions answered from each part's columns where its records were not made, and the records made only where a
    reader goes through them (iterating goes file by file, so `any` stops at the first file it needs)."""

    def __init__(self, parts: Iterable[Sequence[Fact]]):
        self.parts: list[Sequence[Fact]] = [part for part in parts if len(part)]
        self._count = sum(map(len, self.parts))  # read in loops (a rule's share of every fact, item by item)
        self._flat: list[Fact] | None = None
        self._identities: tuple[int, set[int]] | None = None  # `holds`: how many parts were made, their records' id()s

    def _columns(self, part: Sequence[Fact]) -> FactColumns | None:
        return part.columns if isinstance(part, FileFacts) and not part.restored else None

    def _each(self, column: str, field: str) -> list[Any]:
        """Each fact's `field`, in order: a part's `column` where its records are not made."""
        values: list[Any] = []
        for part in self.parts:
            columns = self._columns(part)
            values.extend(getattr(columns, column) if columns is not None else map(attrgetter(field), part))
        return values

    def ids(self) -> list[str]:
        """Each fact's id, in order."""
        return self._each("ids", "id")

    def statuses(self) -> list[str]:
        """Each fact's status, in order."""
        return self._each("statuses", "status")

    def eras(self) -> list[str]:
        """Each fact's era, in order."""
        return self._each("eras", "era")

    def files(self) -> list[str]:
        """Each fact's file (`Record.file`), in order."""
        values: list[str] = []
        for part in self.parts:
            columns = self._columns(part)
            if columns is not None and isinstance(part, FileFacts):
                values.extend(repeat(part.file, len(columns.ids)))
            else:
                values.extend(map(attrgetter("file"), part))
        return values

    def vetted_days(self) -> list[str | None]:
        """Each fact's `vetted` day (None: none), in order."""
        return self._each("vetted", "vetted")

    def tags(self) -> set[str]:
        """Every tag a fact has."""
        found: set[str] = set()
        for part in self.parts:
            columns = self._columns(part)
            found.update(columns.tags if columns is not None else chain.from_iterable(map(attrgetter("tags"), part)))
        return found

    def cited(self) -> Counter[str]:
        """How many citations name each source (`archive.citation_counts` of every fact)."""
        from factdeck.records.archive import citation_counts

        counts: Counter[str] = Counter()
        for part in self.parts:
            columns = self._columns(part)
            counts.update(dict(columns.cited) if columns is not None else citation_counts(part))
        return counts

    def bounded(self) -> bool:
        """Whether some fact has a bound (`not_below`, `not_above`, `not_before`, `not_after`)."""
        for part in self.parts:
            columns = self._columns(part)
            if columns.bounded if columns is not None else next(with_bounds(part), None) is not None:
                return True
        return False

    def not_retracted(self) -> FactParts:
        """The facts but the retracted ones, in order: a part none of whose facts is retracted as it is."""
        kept: list[Sequence[Fact]] = []
        for part in self.parts:
            columns = self._columns(part)
            statuses = columns.statuses if columns is not None else list(map(attrgetter("status"), part))
            if "retracted" in statuses:
                kept.append(list(compress(part, map(ne, statuses, repeat("retracted")))))
            else:
                kept.append(part)
        return FactParts(kept)

    def holds(self, fact: Fact) -> bool:
        """Whether `fact` (the record itself) is one of these: a file's records not made yet hold no record alive, so
        only the parts made are looked in (their records' identities, gathered again, for a record not among them,
        when another part was made since)."""
        if self._identities is not None and id(fact) in self._identities[1]:
            return True
        made = [part for part in self.parts if self._columns(part) is None]
        if self._identities is None or self._identities[0] != len(made):
            self._identities = (len(made), set(map(id, chain.from_iterable(made))))
        return id(fact) in self._identities[1]

    def restored_first(self) -> Iterator[Fact]:
        """Every fact, the parts whose records are made first: for a question whose answer does not depend on the
        order (`any`), asked where no record need be made."""
        made = [part for part in self.parts if self._columns(part) is None]
        return chain(chain.from_iterable(made), chain.from_iterable(p for p in self.parts if self._columns(p)))

    def records(self) -> list[Fact]:
        """Every fact's record, in order (each file's made now if it was not)."""
        if self._flat is None:
            self._flat = list(chain.from_iterable(self.parts))
        return self._flat

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Fact: ...

    @overload
    def __getitem__(self, index: slice) -> list[Fact]: ...

    def __getitem__(self, index: int | slice) -> Fact | list[Fact]:
        if isinstance(index, slice):
            return self.records()[index]
        if index < 0:
            index += len(self)
        for part in self.parts:  # only the fact's own file's records made
            if 0 <= index < len(part):
                return part[index]
            index -= len(part)
        raise IndexError("fact index out of range")

    def __iter__(self) -> Iterator[Fact]:
        return chain.from_iterable(self.parts)


class FactsById(Mapping[str, Fact]):
    """The facts of a `FactParts` by id, where no id is given twice: the ids from the files' columns, and a fact's record
    made (its file's) only when it is looked up."""

    def __init__(self, facts: FactParts, ids: list[str]):
        self._facts = facts
        self._ids = ids
        self._where = dict(zip(ids, range(len(ids))))

    @classmethod
    def of(cls, facts: FactParts, collector: Collector) -> Mapping[str, Fact]:
        """`facts` by id; where an id is given twice, `collect.unique_ids`' answer and errors (every record made)."""
        ids = facts.ids()
        if len(set(ids)) != len(ids):
            return unique_ids(collector, facts.records(), "fact")
        return cls(facts, ids)

    def eras(self) -> dict[str, str]:
        """Each fact's era, by id (from the files' columns)."""
        return dict(zip(self._ids, self._facts.eras()))

    def __getitem__(self, key: str) -> Fact:
        return self._facts[self._where[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)
