"""Notes of a deck that Anki takes for duplicates: the same front (first field) in the same note type."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from factdeck.records.identity import WITHDRAWN_TAG

_TAG = re.compile(r"<[^>]*>")


def plain(field: str) -> str:
    """A field as Anki compares it for duplicates: without HTML, entities read, white space folded."""
    return " ".join(html.unescape(_TAG.sub(" ", field)).split())


def front_of(record: Any) -> str:
    """A note's front as Anki compares it (`plain` of its first field), or a kept note's (kept_collection.py) as
    kept."""
    fields = getattr(record, "fields", None)
    return plain(fields[0]) if fields is not None else record.front


def duplicate_fronts(
    records: Sequence[Any],
    fronts: dict[str, str] | None = None,
    back: Callable[[Any], str] | None = None,
) -> list[str]:
    """A warning for each note whose front (first field) another note of the same note type in the deck has, with
    a different back: Anki marks such a note as a duplicate in its browser and when adding.

    `records`: note records (cards.py) or kept notes (kept_collection.py: their plain front kept, their back read
    through `back` only when another note has the same front). `fronts` gets each live note's plain front by
    identity."""
    check = FrontCheck(fronts, back)
    for record in records:
        check.add(record)
    return check.warnings


class FrontCheck:
    """`duplicate_fronts` given the deck's notes one at a time (`add`), its warnings in `warnings`."""

    def __init__(self, fronts: dict[str, str] | None = None, back: Callable[[Any], str] | None = None) -> None:
        # The first note of each front, per note type, by the front's hash: no front is held (each is made, hashed
        # and let go), nor a (note type, front) key per note: together 30 MB of deck `all`'s check at 50,000 facts.
        # Notes whose fronts have the same hash are told apart by their fronts, made again (a list of them under
        # the hash).
        self.first: dict[str, dict[int, Any]] = {}
        self.warnings: list[str] = []
        self.fronts = fronts
        self.back = back

    def add(self, record: Any, held: Any = None) -> None:
        """Check the next note `record`; `held`: what stands for it to the later notes, if not itself (the same note
        without its fields, whose front and back are read again if a later note has the same front: spilled.py)."""
        if WITHDRAWN_TAG in record.tags:
            return
        front = front_of(record)
        if self.fronts is not None:
            self.fronts[record.identity] = front
        of_type = self.first.get(record.note_type)
        if of_type is None:
            of_type = self.first[record.note_type] = {}
        key = hash(front)
        kept = record if held is None else held
        seen = of_type.setdefault(key, kept)
        if seen is kept:
            return
        alike = seen if type(seen) is list else [seen]
        seen = next((other for other in alike if front_of(other) == front), None)
        if seen is None:  # another front with the same hash: the first of its own
            of_type[key] = [*alike, kept]
        elif _back(seen, self.back) != _back(record, self.back):
            shown = front if len(front) <= 70 else front[:67] + "..."
            self.warnings.append(
                f"notes '{seen.identity}' and '{record.identity}' have the same front ('{shown}') but different "
                "backs: Anki takes the second for a duplicate of the first; word one of them differently"
            )


def _back(record: Any, back: Callable[[Any], str] | None) -> str:
    fields = getattr(record, "fields", None)
    if fields is not None:
        return "\x1f".join(fields[1:])
    assert back is not None, "a kept note's back is read from its collection"
    return back(record)
