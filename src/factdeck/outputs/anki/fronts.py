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
    # The first note of each front, per note type: a dict per note type, not a (note type, front) tuple per note
    # (10 MB at the build's peak, deck `all` at 50,000 facts).
    first: dict[str, dict[str, Any]] = {}
    warnings = []
    for record in records:
        if WITHDRAWN_TAG in record.tags:
            continue
        fields = getattr(record, "fields", None)
        front = plain(fields[0]) if fields is not None else record.front
        if fronts is not None:
            fronts[record.identity] = front
        of_type = first.get(record.note_type)
        if of_type is None:
            of_type = first[record.note_type] = {}
        seen = of_type.setdefault(front, record)
        if seen is not record and _back(seen, back) != _back(record, back):
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
