"""Sessions stage: a study group's meeting packs, staged for writing.

For each meeting k (meetings.py decides which facts), under
`<deck id>/sessions/meeting-<k>/`:

- `<deck id>-meeting-<k>.apkg`: the meeting's notes as the subdeck
  `<Deck>::Meeting k: <period>`, with the full deck's GUIDs (anki.py);
- `worksheet-A.pdf`, `key-A.pdf`: the worksheet stage on the facts the meeting's plan
  gives it (agenda.py: as many questions as fit the deck's `sessions.minutes`);
- `guide.pdf`: the discussion guide (guide.py) with the agenda;
- with the deck's `quiz.large_print`, a `-large-print` copy of each PDF.

Every meeting's PDFs compile in one batch, so pdf.py keeps both cores busy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from factdeck.outputs.anki.package import ApkgStage
from factdeck.outputs.base import Output
from factdeck.outputs.languages import deck_language, localized_base
from factdeck.outputs.print.guide import GUIDE_TEMPLATE, guide_refit, guide_source
from factdeck.outputs.print.layout import LARGE_PRINT_SUFFIX
from factdeck.outputs.print.pdf import Refit, compile_all
from factdeck.outputs.print.worksheets import worksheet_documents
from factdeck.outputs.sessions.agenda import MeetingPlan, plan_meeting
from factdeck.outputs.sessions.meetings import Meeting, split_meetings
from factdeck.outputs.write import OutputWriter, remove_unwritten
from factdeck.quiz import Quiz, make_quiz
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact

SESSIONS = "sessions"
_MEETING_FOLDER = re.compile(r"^meeting-\d+$")
_MEETING_PDF = re.compile(r"^(?:worksheet-A|key-A|answer-sheet-A|guide)(?:-large-print)?\.pdf$")


@dataclass
class SessionPacks:
    meetings: list[Meeting]
    notes: list[str] = field(default_factory=list)


def meeting_folder(deck: DeckSpec, meeting: Meeting) -> str:
    return f"{deck.id}/{SESSIONS}/{meeting.folder}"


def meeting_plan(base: FactBase, deck: DeckSpec, meeting: Meeting) -> MeetingPlan:
    """The meeting's agenda, worksheet and disputes, sized to the deck's `sessions.minutes` (agenda.py), in
    the deck's language (`base`: the fact base as the deck's outputs read it, outputs/languages.py)."""
    language = deck_language(base, deck)
    # One version: a study group works through the same sheet together.
    settings = deck.quiz.model_copy(
        update={"versions": 1, "counts": {}, "title": f"{deck.quiz.title or deck.name} · {meeting.title_in(language)}"}
    )

    def worksheet(facts: list[Fact], count: int) -> Quiz:
        return make_quiz(base, deck, facts, settings.model_copy(update={"questions": count}))

    return plan_meeting(meeting.facts, deck.sessions.minutes, worksheet, deck.quiz.questions, language)


def meeting_documents(
    base: FactBase, deck: DeckSpec, meeting: Meeting, notes: list[str], refits: dict[str, Refit] | None = None
) -> dict[str, tuple[str, str]]:
    """Typst source of the meeting's worksheet, key and guide (and their large-print copies when the deck's
    quiz asks for large print): {output path: (template, source)}; the worksheets' and keys' refits are added
    to `refits`."""
    folder = meeting_folder(deck, meeting)
    plan = meeting_plan(base, deck, meeting)
    language = deck_language(base, deck)
    documents: dict[str, tuple[str, str]] = {}
    if plan.quiz is not None:
        sources, refit = worksheet_documents(base, deck, plan.quiz, deck.quiz.paper)
        for relative, document in sources.items():
            documents[f"{folder}/{Path(relative).name}"] = document
            if refits is not None and relative in refit:
                refits[f"{folder}/{Path(relative).name}"] = refit[relative]
    else:
        notes.append(
            f"{meeting.label}: no worksheet question can be made from its {len(meeting.facts)} facts "
            f"with question types {', '.join(deck.quiz.types)} in {deck.sessions.minutes} minutes"
        )
    for large, suffix in ((False, ""), (True, LARGE_PRINT_SUFFIX))[: 1 + deck.quiz.large_print]:
        output = f"{folder}/guide{suffix}.pdf"
        documents[output] = (
            f"templates/{GUIDE_TEMPLATE}",
            guide_source(base, deck, meeting, plan, deck.quiz.paper, large, language=language),
        )
        if refits is not None:
            refits[output] = guide_refit(base, deck, meeting, plan, deck.quiz.paper, large, language)
    return documents


def stage_sessions(
    writer: OutputWriter,
    base: FactBase,
    deck: DeckSpec,
    facts: list[Fact],
    count: int,
    apkg: ApkgStage | None,
    pdf: bool = True,
    jobs: int | None = None,
) -> SessionPacks:
    """Split the deck into `count` meetings and stage each meeting's pack (its Anki deck if `apkg` is given,
    its worksheet, key and guide if `pdf`). The worksheets, keys and guides are in the deck's language, on
    the facts' current translations (outputs/languages.py); the notes say which facts keep their own text."""
    base, untranslated = localized_base(base, deck) if pdf else (base, [])
    facts = [base.facts_by_id[f.id] for f in facts]
    packs = SessionPacks(split_meetings(facts, count, deck, base.eras), list(untranslated))
    documents: dict[str, tuple[str, str]] = {}
    refits: dict[str, Refit] = {}
    # Every pack withdraws what the full deck withdraws: a group that imported an earlier pack gets the banners.
    withdrawn = apkg.withdrawn_notes(deck, facts) if apkg is not None else ()
    for meeting in packs.meetings:
        folder = meeting_folder(deck, meeting)
        if apkg is not None:
            relative = f"{folder}/{deck.id}-{meeting.folder}.apkg"
            # The subdeck's name is the meeting's title in the deck's language, as the guide names it.
            title = meeting.title_in(deck_language(base, deck))
            apkg.write_subdeck(deck, list(meeting.facts), title, relative, withdrawn)
        if pdf:
            documents.update(meeting_documents(base, deck, meeting, packs.notes, refits))
    if documents:
        for relative, data in compile_all(base.root, documents, jobs=jobs, session=base.session, refits=refits).items():
            writer.write_bytes(relative, data)
    return packs


def remove_stale_meetings(folder: Path, deck_ids: list[str], written: list[Path], pdfs: bool = True) -> list[Path]:
    """Delete meeting folders this run did not write (after lowering the number of meetings) and, if this run
    made the packs' PDFs (`pdfs`), the PDFs it did not write in the others (large print turned off)."""
    files = {p.resolve() for p in written}
    keep = {p.parent for p in files}
    removed = []
    for deck_id in deck_ids:
        removed += remove_unwritten(folder / deck_id / SESSIONS, _MEETING_FOLDER, keep)
        for meeting in sorted((folder / deck_id / SESSIONS).glob("meeting-*")) if pdfs else []:
            removed += remove_unwritten(meeting, _MEETING_PDF, files)
    return removed


class MeetingPacks(Output):
    """Study-group meeting packs (docs/study-groups.md): each meeting's Anki subdeck (apkg) and its worksheet,
    key and guide (pdf). The packs' worksheets read every fact, their guides every template."""

    name = "sessions"
    formats = ("apkg", "pdf")
    reads = ("quiz", "sessions")

    def __init__(self, base: FactBase, writer: OutputWriter, formats: tuple[str, ...], apkg: ApkgStage | None) -> None:
        super().__init__(base, writer, formats)
        self.apkg = apkg

    def wanted(self, deck: DeckSpec) -> bool:
        return bool(self.made) and bool(deck.sessions.meetings)

    def key_extra(self, deck: DeckSpec) -> str:
        # A pack's Anki subdeck carries the deck's notes with their times: it depends on what the deck's own
        # package depends on (the source's time, the published records).
        anki = self.apkg.key_extra(deck) if self.apkg is not None else ""
        return f"{deck.sessions.meetings}:{deck.sessions.minutes}:{','.join(self.made)}:{anki}"

    def stage(self, deck: DeckSpec, facts: list[Fact]) -> list[str]:
        assert deck.sessions.meetings is not None
        packs = stage_sessions(
            self.writer, self.base, deck, facts, deck.sessions.meetings, self.apkg, "pdf" in self.made
        )
        return list(packs.notes)

    def remove_stale(self, folder: Path, deck_ids: list[str], kept: list[Path]) -> None:
        decks = [d.id for d in self.base.decks if d.id in deck_ids and d.sessions.meetings]
        remove_stale_meetings(folder, decks, kept, "pdf" in self.made)  # meetings (and copies) no longer made
