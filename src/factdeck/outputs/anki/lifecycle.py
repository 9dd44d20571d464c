"""Notes a deck published before and no longer makes: kept in every later package, live or withdrawn.

Anki never deletes a note on import, so a package that simply drops a note leaves the learner studying it
with no sign that it is wrong. Every note in a deck's published record (`decks/published/<deck>.json`) is
therefore in each later package of the deck:

- as the live note, when some deck of the project still makes it (the deck stopped selecting the fact, or
  stopped making that card kind, but the note is still right: a note is one note in every deck);
- otherwise as a *withdrawn* note: the same GUID and note type, fields replaced by a banner that says why and
  what replaces it, tagged `factdeck::withdrawn`. Its content differs, so it gets a newer time and Anki
  updates the learner's copy (docs/anki.md tells the learner to suspend or delete it). It carries no card:
  Anki's importer keeps the cards a learner already has when it updates a note, and adds a note's cards only
  from the package, so a learner who has the note sees the banner and a new learner gets nothing to study.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup, escape

from factdeck.i18n import Language
from factdeck.outputs.anki.cards import (
    CARD,
    CLOZE,
    SPARE_VALUES,
    CardMaker,
    CardPlan,
    NoteRecord,
    anki_text,
    cloze_parts,
    identity_parts,
    note_guid,
    plan_cards,
)
from factdeck.records.factbase import FactBase
from factdeck.records.fields import NAMED_KINDS
from factdeck.records.identity import WITHDRAWN_TAG, PublishedDeck, released_strings
from factdeck.records.schema import DeckSpec, Fact

if TYPE_CHECKING:
    from factdeck.outputs.anki.spilled import SpilledNote


class Withdrawal(NamedTuple):
    """Why a published note no longer applies, and what the learner studies instead (plain text)."""

    reason: str
    instead: str


def still_made(base: FactBase, fact: Fact | None, kind: str, version_id: str | None) -> CardPlan | None:
    """The card plan that makes this note in some deck of the project, or None if no deck makes it any more."""
    if fact is None or fact.status != "vetted":
        return None
    for deck in base.decks:
        if deck.select.matches(fact):
            for plan in plan_cards(fact, deck.cards.kinds):
                if plan.kind == kind and (plan.version.id if plan.version else None) == version_id:
                    return plan
    return None


def withdrawal(
    base: FactBase, fact: Fact | None, kind: str, version_id: str | None, language: Language | None = None
) -> Withdrawal:
    """Why the note `kind`/`version_id` of `fact` (None: no fact of that id any more) is no longer made, in
    `language` (English by default)."""
    _ = (language or Language.source()).gettext
    question_card = _("Study its question card instead.")
    nothing = _("Nothing replaces it.")
    if fact is None:
        return Withdrawal(_("This fact was removed from the fact base."), nothing)
    if fact.status == "retracted":
        return Withdrawal(_("This fact was retracted."), nothing)
    if fact.status != "vetted":
        return Withdrawal(
            _("This fact was taken back for review (status: %(status)s).", status=fact.status),
            _("It comes back once it is vetted again."),
        )
    if not any(deck.select.matches(fact) for deck in base.decks):
        return Withdrawal(_("No deck includes this fact any more."), nothing)
    if kind == "dispute":
        if fact.dispute is None:
            return Withdrawal(_("The sources no longer disagree on this fact."), question_card)
        return Withdrawal(
            _("The version '%(version)s' was removed from this fact's dispute.", version=version_id),
            _("Its 'Sources disagree' card lists every version."),
        )
    if fact.dispute is not None and kind in ("reverse", "cloze"):
        return Withdrawal(
            _("The sources now disagree on this fact, so no card may present one answer."),
            _("Study its 'Sources disagree' card, which lists every version."),
        )
    if kind == "cloze" and cloze_parts(fact.statement, fact.answer) is None:
        return Withdrawal(
            _("The answer no longer appears in the statement, so this cloze cannot be made."), question_card
        )
    if kind == "reverse" and fact.kind not in NAMED_KINDS:
        return Withdrawal(_("This fact is no longer a person, place, organization or term."), question_card)
    return Withdrawal(_("No deck makes %(kind)s cards any more.", kind=kind), question_card)


def banner(withdrawn: Withdrawal, fact_id: str, fact: Fact | None, language: Language | None = None) -> str:
    """The withdrawn note's visible banner (HTML; every text escaped and inert to Anki's syntax)."""
    language = language or Language.source()
    question = f'<div class="fd-question" dir="auto">{anki_text(fact.question)}</div>' if fact is not None else ""
    suspend = anki_text(language.gettext("Suspend or delete this card: find every withdrawn card with"))
    badge = anki_text(language.gettext("Withdrawn"))
    fact_word = anki_text(language.gettext("Fact"))
    return (
        f'<div class="fd-withdrawn"><div class="fd-badge fd-badge-withdrawn">{badge}</div>'
        f'<p class="fd-withdrawn-reason">{anki_text(withdrawn.reason)}</p>'
        f'<p class="fd-withdrawn-instead">{anki_text(withdrawn.instead)}</p>'
        f"{question}"
        f'<p class="fd-note">{suspend} '
        f"<code>tag:{WITHDRAWN_TAG}</code>. {fact_word} <code>{escape(fact_id)}</code>.</p></div>"
    )


class PublishedNotes:
    """The notes of a deck's published record that its current notes no longer hold."""

    def __init__(self, base: FactBase, maker: CardMaker, records: dict[str, PublishedDeck]):
        self.base = base
        self.maker = maker
        self.records = records

    def outside(self, deck: DeckSpec, identities: set[str]) -> list[str]:
        """The published identities of `deck` not among `identities`, sorted."""
        record = self.records.get(deck.id)
        # Not a set of every published identity less the live ones: a copy of the record's 145,000 keys at 50,000
        # facts, for the few a deck no longer makes.
        listed = record.identities() if record is not None else ()  # a restored record's notes are not made
        return sorted(identity for identity in listed if identity not in identities)

    def shared_identities(self, deck: DeckSpec, live: Sequence[NoteRecord | SpilledNote]) -> set[str]:
        """The identities of the notes `live` of `deck`. Each note whose identity the deck's release record holds
        takes the record's own strings (identity.py's `released_strings`: 36 MB for the notes of a deck of 50,000
        facts). The values do not change, only which equal string object holds them (the notes are frozen
        dataclasses: their values are set as `cached_property` sets `identity`). A spilled note (spilled.py) took
        them when it was made."""
        record = self.records.get(deck.id)
        released = record.notes if record is not None else {}
        identities: set[str] = set()
        for note in live:
            if type(note) is not NoteRecord:
                identities.add(note.identity)
                continue
            known = released.get(note.identity)
            if known is not None:
                values = note.__dict__
                values["identity"], values["guid"], values["content"] = released_strings(
                    known, note.identity, note.guid, note.content
                )
            identities.add(note.identity)
        return identities

    def withdrawn_only(self, deck: DeckSpec, facts: list[Fact]) -> list[NoteRecord]:
        """The withdrawn notes of `deck`'s package, `facts` being the deck's facts; renders no live note."""
        identities = {
            "/".join(part for part in (fact.id, plan.kind, plan.version.id if plan.version else None) if part)
            for fact in facts
            for plan in plan_cards(fact, deck.cards.kinds)
        }
        return self.extra_notes(deck, identities, keep=False)[1]

    def extra_notes(
        self, deck: DeckSpec, live: Sequence[NoteRecord | SpilledNote] | set[str], keep: bool = True
    ) -> tuple[list[NoteRecord], list[NoteRecord]]:
        """(kept, withdrawn): the published notes of `deck` that `live` (notes, or their identities) does not
        hold, as they are now; without `keep`, the kept ones are not made (an empty list)."""
        kept: list[NoteRecord] = []
        withdrawn: list[NoteRecord] = []
        identities = live if isinstance(live, set) else self.shared_identities(deck, live)
        for identity in self.outside(deck, identities):
            fact_id, kind, version_id = identity_parts(identity)
            fact = self.base.facts_by_id.get(fact_id)
            deck_name = self._deck_name(deck, fact)
            plan = still_made(self.base, fact, kind, version_id)
            if plan is not None:
                assert fact is not None  # still_made made it from the fact
                if keep:
                    kept.append(self.maker.note(fact, plan, deck_name))
            else:
                withdrawn.append(self.withdrawn_note(fact_id, kind, version_id, fact, deck_name))
        return kept, withdrawn

    def _deck_name(self, deck: DeckSpec, fact: Fact | None) -> str:
        if fact is None or fact.era not in self.base.eras_by_id:
            return deck.name
        return self.maker.deck_name(deck, fact)

    def withdrawn_note(
        self, fact_id: str, kind: str, version_id: str | None, fact: Fact | None, deck_name: str
    ) -> NoteRecord:
        language = self.maker.language
        why = withdrawal(self.base, fact, kind, version_id, language)
        live = fact is not None and fact.status == "vetted"
        text = banner(why, fact_id, fact if live else None, language)
        # A still-vetted fact's back stays readable; a retracted or removed fact's text is not shown again.
        details = self.maker.details(fact) if live and fact is not None else ""
        if kind == "cloze":
            # A cloze note must keep a cloze, or Anki has no card to show.
            withdrawn_word = anki_text((language or Language.source()).gettext("withdrawn"))
            before, after = (
                (language or Language.source()).gettext("This card is %(withdrawn)s.").split("%(withdrawn)s")
            )
            text += str(
                Markup(
                    f'<div class="fd-statement">{anki_text(before)}{{{{c1::{withdrawn_word}}}}}{anki_text(after)}</div>'
                )
            )
            note_type, fields = CLOZE, (text, details, fact_id, *SPARE_VALUES)
        else:
            note_type, fields = CARD, (text, "", details, fact_id, *SPARE_VALUES)
        tags = [WITHDRAWN_TAG, f"card::{kind}", *([f"era::{fact.era}"] if fact is not None else [])]
        return NoteRecord(
            guid=note_guid(fact_id, kind, version_id, self.maker.namespace),
            fact_id=fact_id,
            kind=kind,
            version_id=version_id,
            note_type=note_type,
            fields=fields,
            tags=tuple(tags),
            deck=deck_name,
        )
