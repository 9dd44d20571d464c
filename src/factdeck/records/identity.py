"""Permanent Anki identities that derive from a project's permanent ids (never from its text).

Anki matches decks and note types by numeric id and notes by GUID; these functions give the same number for
the same ids in every build, on every machine.
"""

from __future__ import annotations

import hashlib

from factdeck.records.schema import DeckSpec


def stable_id(*parts: object) -> int:
    """An Anki id (int in [2**30, 2**31)) from parts that never change: the range genanki recommends for
    note-type and deck ids."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def deck_id(deck: DeckSpec) -> int:
    """The deck's Anki deck id: `cards.anki_deck_id` if set, else derived from the deck's id."""
    return deck.cards.anki_deck_id or stable_id("factdeck deck", deck.id)


def subdeck_id(parent_id: int, name: str) -> int:
    """The Anki deck id of the subdeck `name` of the deck with id `parent_id`."""
    return stable_id("factdeck subdeck", parent_id, name)
