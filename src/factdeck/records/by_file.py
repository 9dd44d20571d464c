"""What the rules across facts make of each fact file's facts, kept per file.

The sets those rules read are made from every fact (records/across.py), and parts of them are sums of what each
fact gives, read with a set made from every fact first (the names a text mentions, counted among the names the
answers give; the dated events, told apart by the words too common to tell them). Such a part is asked for as
`by_file(name, key, make, valid)`: `make` gives the part of one file's facts (records, in the file's order;
plain values a cache can keep), `key` stands for everything else it reads, and the answer is each file's part
in the files' order, which the rule then merges. A cache keeps each file's part under its name, the file's
records and `key` (engine/validation.py), and takes a kept one back where `valid` holds of it, so after an edit
only the edited file's part is made again; without one, `whole` makes the part of every fact at once, as one
file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, groupby, repeat
from operator import attrgetter, itemgetter, methodcaller, ne
from typing import Any, Protocol

from factdeck.records.fact_columns import FactParts
from factdeck.records.schema import Fact

ByFile = Callable[[str, str, Callable[[list[Fact]], Any], Callable[[Any], bool]], list[Any]]


class SharesKeeper(Protocol):
    """Where later stages keep each fact file's shares of what they work out from every fact (the engine's: a
    cache folder under factdeck's code, engine/kept_inputs.py's `KeptShares`), one value by name: plain values
    marshal keeps, and None for a name with nothing (or nothing readable) kept."""

    def load(self, name: str) -> Any: ...

    def save(self, name: str, value: Any) -> None: ...


def facts_by_file(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    """`facts` grouped by the file each comes from ({file's display path: its facts, in the order given}), the files
    in the order their first facts come."""
    facts = list(facts)
    # The facts taken a run of one file at a time, in loops in C: a check after an edit groups every fact of the
    # base and of each deck by file, and the file property read for each was most of it.
    grouped: dict[str, list[Fact]] = {}
    for file, run in groupby(zip(files_of(facts), facts), key=itemgetter(0)):
        group = grouped.get(file)
        if group is None:
            group = grouped[file] = []
        group.extend(map(itemgetter(1), run))
    return grouped


def files_of(facts: Iterable[Fact]) -> Iterator[str]:
    """Each fact's file, as `Record.file` reads it (its location in its dict), in a loop in C."""
    return map(itemgetter(0), map(methodcaller("get", "_where", _NOWHERE), map(vars, facts)))


def not_retracted(facts: Iterable[Fact]) -> Sequence[Fact]:
    """`facts` but the retracted ones, in order, picked in loops in C (the rules across facts make this of every fact
    of the base on every validation); of a `FactParts`, its own (from the files' statuses, no record made)."""
    if isinstance(facts, FactParts):
        return facts.not_retracted()
    facts = list(facts)
    return list(compress(facts, map(ne, map(attrgetter("status"), facts), repeat("retracted"))))


def file_by_id(facts: Sequence[Fact]) -> dict[str, str]:
    """{fact id: its file} of `facts` (a later fact of the same id wins, as a dict made fact by fact)."""
    return dict(zip(map(attrgetter("id"), facts), files_of(facts)))


_NOWHERE = ("", 0)  # where `Record.file` places a record read from nowhere


def whole(facts: Sequence[Fact]) -> ByFile:
    """A `ByFile` that makes the part of all of `facts` at once."""
    return lambda name, key, make, valid: [make(list(facts))]


def digest(values: Iterable[str]) -> str:
    """A hash of `values` (strings, in the order given): a `key`."""
    made = hashlib.sha256()
    for value in values:
        made.update(f"{len(value)}:{value}".encode("utf-8", "surrogatepass"))
    return made.hexdigest()
