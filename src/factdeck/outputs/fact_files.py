"""A base's facts a file at a time, each file named by its record-cache key: what the checks `factdeck check` adds after
validation (the Anki checks' kept key, the fonts, the note keys saved, the count of vetted facts) read of every fact
file without reading an unchanged file's records.

A fact's file is part of its record, so grouping the base's facts by file read every fact (10,000 at the bench's size,
five times in a check after an edit). The decks' selections group them once per base already (records/select.py's
`base_file_groups`, which a check's selections read from each file's kept shares): a group whose file has a content key
(`FactBase.file_keys`: a hash of the file's name and text, factdeck's code and what its validation read) is named by
that key, which stands for the file's name and records; only a group without one (no caches, or a fact held back) is
named by its first fact's file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from factdeck.records.factbase import FactBase
from factdeck.records.schema import Fact
from factdeck.records.select import base_file_groups, chronological_order


class FileGroup(NamedTuple):
    """One fact file's facts in a base: the file's display path, its record-cache key (None where its facts are not
    its records as kept: no key, or one of them held back), and its facts in the base's order."""

    file: str
    key: str | None
    facts: Sequence[Fact]


def file_groups(base: FactBase) -> list[FileGroup] | None:
    """The base's facts a file at a time, in the base's order (every fact once); None if a file's facts are not all
    together in the base (then the caller groups the facts themselves)."""
    groups = base_file_groups(base)
    if groups is None:
        return None
    displays = {key: display for display, key in base.file_keys.items()}
    made = []
    for key, _, facts in groups:
        display = displays.get(key) if key is not None else None
        if display is None:  # no key (no caches) or a fact held back: the group's file read from its first fact
            made.append(FileGroup(facts[0].file, None, facts))
        else:
            made.append(FileGroup(display, key, facts))
    return made


def vetted_count(base: FactBase) -> int:
    """How many of the base's facts are vetted (`len(base.vetted)`), from the history's order of the vetted facts the
    decks' selections work out once per base (records/select.py, from each file's kept share of it), not from each
    fact's status. A base without decks counts each fact's status (nothing worked out that order)."""
    return len(chronological_order(base)) if base.decks else len(base.vetted)
