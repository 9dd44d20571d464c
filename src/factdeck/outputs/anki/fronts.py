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
    # The first note of each front, per note type, by the front's hash: no front is held (each is made, hashed and
    # let go), nor a (note type, front) key per note: together 30 MB of deck `all`'s check at 50,000 facts. Notes
    # whose fronts have the same hash are told apart by their fronts, made again (a list of them under the hash).
    first: dict[str, dict[int, Any]] = {}
    warnings = []
    for record in records:
        if WITHDRAWN_TAG in record.tags:
            continue
        front = front_of(record)
        if fronts is not None:
            fronts[record.identity] = front
        of_type = first.get(record.note_type)
        if of_type is None:
            of_type = first[record.note_type] = {}
        key = hash(front)
        seen = of_type.setdefault(key, record)
        if seen is record:
            continue
        alike = seen if type(seen) is list else [seen]
        seen = next((other for other in alike if front_of(other) == front), None)
        if seen is None:  # another front with the same hash: the first of its own
            of_type[key] = [*alike, record]
        elif _back(seen, back) != _back(record, back):
            shown = front if len(front) <= 70 else front[:67] + "..."
            warnings.append(
                f"notes '{seen.identity}' and '{record.identity}' have the same front ('{shown}') but different "
                "backs: Anki takes the second for a duplicate of the first; word one of them differently"
            )
    return warnings


def _back(record: Any, back: Callable[[Any], str] | None) -> str:
    fields = getattr(record, "fields", None)
    if fields is not None:
        return "\x1f".join(fields[1:])
    assert back is not None, "a kept note's back is read from its collection"
    return back(record)
