"""A release record's notes as a cache keeps them (records/identity.py's `dump_published`): a column a value, each note
made only when asked for. A check after an edit reads a few notes of each record (the edited file's) and every
identity, and making all 29,000 notes of the bench's two records was a fifth of reading them back."""

from __future__ import annotations

from functools import partial
from itertools import compress, repeat
from operator import and_, is_not, not_
from typing import Any

from factdeck.records.identity import PublishedNote


class NoteColumns:
    """A restored record's notes as `dump_published` keeps them, a column a value (identity, GUID, hash, time, fact,
    era, withdrawn), each note made only when asked for (`PublishedDeck.note`, `identities`, `notes_of`)."""

    def __init__(self, columns: tuple[list[Any], ...]) -> None:
        self.columns = columns
        self._rows: dict[str, int] | None = None  # each identity's place, made at the first look-up

    def _note(self, row: int) -> PublishedNote:
        return tuple.__new__(PublishedNote, [column[row] for column in self.columns])

    def get(self, identity: str) -> PublishedNote | None:
        if self._rows is None:
            self._rows = dict(zip(self.columns[0], range(len(self.columns[0]))))  # the last of an identity, as `notes`
        row = self._rows.get(identity)
        return self._note(row) if row is not None else None

    def of_facts(self, facts: set[str]) -> list[PublishedNote]:
        rows = compress(range(len(self.columns[4])), map(facts.__contains__, self.columns[4]))
        return list(map(self._note, rows))

    def notes(self) -> dict[str, PublishedNote]:
        """Every note by identity, each made as `PublishedNote._make` makes it (of one value of each column), in a
        loop in C."""
        return dict(zip(self.columns[0], map(partial(tuple.__new__, PublishedNote), zip(*self.columns))))

    def first_eras(self) -> dict[str, str]:
        """`_first_eras` of these notes, in loops in C: the pairs of the live notes with an era, the first of each
        fact's kept (a dict of the pairs reversed keeps each fact's last, that is its first)."""
        _, _, _, _, facts, eras, withdrawn = self.columns
        if True not in withdrawn and None not in eras:  # every note live with an era (most records): no pairs made
            return dict(zip(reversed(facts), reversed(eras)))
        live = map(and_, map(is_not, eras, repeat(None)), map(not_, withdrawn))
        return dict(reversed(list(compress(zip(facts, eras), live))))
