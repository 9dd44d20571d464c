"""A release record's notes as a cache keeps them (records/identity.py's `dump_published`): a column a value, each note
made only when asked for. A check after an edit reads a few notes of each record (the edited file's) and every
identity, and making all 29,000 notes of the bench's two records was a fifth of reading them back."""

from __future__ import annotations

from functools import partial
from itertools import compress, repeat
from operator import and_, is_not, not_
from typing import Any

from factdeck.records.identity import PublishedNote

# The columns kept packed (`packed`): the GUIDs and the content hashes. A check after an edit reads the notes of the
# edited file's facts alone, and unmarshalling and type-testing both columns' 29,000 strings each at the bench's size
# was a quarter of restoring the records; a packed column is one string, read back at once.
PACKED = (1, 2)
_PAD = "\0"
_WIDEST = 128  # a column with a longer value is kept as a list (its every value padded to that width)


def packed(values: list[str]) -> tuple[int, str] | list[str]:
    """A column of text as (width, every value padded with NULs to `width`, one after another), `unpacked` gives it
    back; `values` as they are where there are none, one ends with a NUL, or is longer than `_WIDEST`."""
    width = max(map(len, values), default=0)
    if not values or not 0 < width <= _WIDEST or any(value.endswith(_PAD) for value in values):
        return values
    return width, "".join(value.ljust(width, _PAD) for value in values)


def packed_rows(column: Any) -> int:
    """How many values a packed column holds; -1 if it is not one."""
    if type(column) is not tuple or len(column) != 2 or type(column[0]) is not int or type(column[1]) is not str:
        return -1
    width, text = column
    return len(text) // width if 0 < width <= _WIDEST and len(text) % width == 0 else -1


def unpacked(column: tuple[int, str]) -> list[str]:
    """A packed column's values, in order (made in loops in C)."""
    width, text = column
    ends = range(width, len(text) + 1, width)
    return list(map(str.rstrip, map(text.__getitem__, map(slice, range(0, len(text), width), ends)), repeat(_PAD)))


class NoteColumns:
    """A restored record's notes as `dump_published` keeps them, a column a value (identity, GUID, hash, time, fact,
    era, withdrawn), each note made only when asked for (`PublishedDeck.note`, `identities`, `notes_of`)."""

    def __init__(self, columns: tuple[Any, ...]) -> None:
        self.columns = columns  # each a list, but those in `PACKED`, which may be packed (`packed`)
        self._rows: dict[str, int] | None = None  # each identity's place, made at the first look-up
        # Each packed column's width (0: a list).
        self._widths = [column[0] if i in PACKED and type(column) is tuple else 0 for i, column in enumerate(columns)]

    def _note(self, row: int) -> PublishedNote:
        return tuple.__new__(
            PublishedNote,
            [
                column[1][row * width : (row + 1) * width].rstrip(_PAD) if width else column[row]
                for column, width in zip(self.columns, self._widths)
            ],
        )

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
        columns = [unpacked(column) if width else column for column, width in zip(self.columns, self._widths)]
        return dict(zip(columns[0], map(partial(tuple.__new__, PublishedNote), zip(*columns))))

    def first_eras(self) -> dict[str, str]:
        """`_first_eras` of these notes, in loops in C: the pairs of the live notes with an era, the first of each
        fact's kept (a dict of the pairs reversed keeps each fact's last, that is its first)."""
        _, _, _, _, facts, eras, withdrawn = self.columns
        if True not in withdrawn and None not in eras:  # every note live with an era (most records): no pairs made
            return dict(zip(reversed(facts), reversed(eras)))
        live = map(and_, map(is_not, eras, repeat(None)), map(not_, withdrawn))
        return dict(reversed(list(compress(zip(facts, eras), live))))
