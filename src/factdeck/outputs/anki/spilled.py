"""A large deck's live notes held without their fields while its package is written (package.py).

The notes are made a batch of facts at a time (`STREAM_BATCH`, on two cores as ever: cards.py's `deck_notes`), and
after each batch its facts' fields go to the card-field store (`field_store.spill_fields`) and are let go; each
note is kept as a `SpilledNote`, its identity, GUID, content hash, note type, tags and subdeck (the release
record's own strings where they are equal). The duplicate-front check reads each note while its batch is
at hand; the passes that read fields afterwards (the collection's rows, which make each note again as its row is
inserted, and the kept record's fronts) read them back from the store a fact at a time, in the notes' order
(`SpilledFields`: the last fact's stored fields, nothing else). At 50,000 facts deck `all`'s notes held whole with
their fields were about 235 MB on top of the validated base while its package was written, the building
process's peak; no deck's fields are now all held at once. The notes, their rows and the package are the same:
the fields read back are the ones the notes were made with (a fact the store does not hold, as when it cannot be
written, keeps its fields in memory as before, `RenderedFields.stored`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from factdeck.records.identity import released_strings

if TYPE_CHECKING:
    from factdeck.outputs.anki.cards import CardMaker, NoteRecord
    from factdeck.outputs.anki.fronts import FrontCheck
    from factdeck.records.identity import PublishedNote
    from factdeck.records.schema import DeckSpec, Fact

# Facts whose notes are made, and whose fields are held, at once: about 50 MB of fields and notes at a time (half
# of them made in a forked copy). Each batch forks once, and writes its facts' records and the store's index once:
# at 50,000 facts, 5,000 a batch cost 0.13 CPU s a batch more than 10,000 for 13 MB less at the peak.
STREAM_BATCH = 10_000
# A deck of fewer facts holds its notes with their fields, as a deck always did (about 60 MB at 10,000 facts): the
# passes that read the fields back cost about 0.025 CPU s per 1,000 facts, a twentieth of making the notes.
STREAM_FACTS = 12_000


class SpilledNote:
    """A live note of a deck (cards.py's `NoteRecord`) without its fields, which `source` reads back from the
    card-field store when asked for (`front`, `SpilledFields.fields`). (Slots: a deck of 50,000 facts holds
    150,000.)"""

    __slots__ = ("identity", "guid", "content", "fact_id", "kind", "version_id", "note_type", "tags", "deck", "source")

    def __init__(self, note: NoteRecord, released: Mapping[str, PublishedNote], source: SpilledFields) -> None:
        """`note` without its fields; its identity, GUID and content hash are the strings of its note in
        `released` (the deck's release record's notes by identity) where they are equal."""
        known = released.get(note.identity)
        strings = note.identity, note.guid, note.content
        self.identity, self.guid, self.content = released_strings(known, *strings) if known is not None else strings
        self.fact_id, self.kind, self.version_id = note.fact_id, note.kind, note.version_id
        self.note_type, self.tags, self.deck = note.note_type, note.tags, note.deck
        self.source = source

    @property
    def front(self) -> str:
        """The note's front as Anki compares it (fronts.py's `front_of` reads this of a note without fields)."""
        from factdeck.outputs.anki.fronts import plain  # here: a check imports this module without comparing fronts

        return plain(self.source.fields(self)[0])

    def content_hash(self) -> str:
        return self.content


class SpilledFields:
    """The fields of spilled notes, read back from their card maker's stored fields a fact at a time: the last
    fact's are held, so a pass over a deck's notes (each fact's together) reads each fact once."""

    def __init__(self, cards: CardMaker, facts_by_id: Mapping[str, Fact]) -> None:
        self.cards = cards
        self.facts_by_id = facts_by_id
        self.reads = 0  # facts' fields read (tests count them)
        self._last: tuple[str, dict[str, str]] = ("", {})

    def fields(self, note: SpilledNote) -> tuple[str, ...]:
        """`note`'s fields, in its note type's order, as the note was made with them."""
        fact = self.facts_by_id[note.fact_id]
        last, entries = self._last
        if last != note.fact_id or not last:
            entries = self.cards.rendered_fields.stored(fact)
            self._last = (note.fact_id, entries)
            self.reads += 1
        return self.cards.note_fields(fact, note.kind, note.version_id, entries)

    def back(self, note: SpilledNote) -> str:
        """The note's fields after the front, joined as the collection joins them (the duplicate-front check)."""
        return "\x1f".join(self.fields(note)[1:])

    def let_go(self) -> None:
        """Hold no fact's fields (once a pass is done)."""
        self._last = ("", {})


def spilled_back(note: SpilledNote) -> str:
    """`SpilledFields.back` of a spilled note (what the duplicate-front check asks of a note without fields)."""
    return note.source.back(note)


def spilled_notes(
    cards: CardMaker,
    deck: DeckSpec,
    facts: list[Fact],
    released: Mapping[str, PublishedNote],
    spill: Callable[[], object],
    check: FrontCheck,
) -> list[SpilledNote]:
    """The notes of `facts` in `deck` (cards.py's `deck_notes`, in the same order), made `STREAM_BATCH` facts at a
    time, each given to the duplicate-front `check` while its fields are at hand and `spill` called after each batch
    to write them to the store and let them go; each note held as a `SpilledNote` (see `SpilledNote` for
    `released`). Raises what `deck_notes` raises."""
    source = SpilledFields(cards, cards.base.facts_by_id)
    notes: list[SpilledNote] = []
    for start in range(0, len(facts), STREAM_BATCH):
        for note in cards.deck_notes(deck, facts[start : start + STREAM_BATCH]):
            spilled = SpilledNote(note, released, source)
            check.add(note, spilled)
            notes.append(spilled)
        spill()
    return notes
