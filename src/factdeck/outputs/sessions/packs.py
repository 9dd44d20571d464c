"""Sessions stage: a study group's meeting packs, staged for writing.

For each meeting k (meetings.py decides which facts), under
`<deck id>/sessions/meeting-<k>/`:

- `<deck id>-meeting-<k>.apkg`: the meeting's notes as the subdeck
  `<Deck>::Meeting k: <period>`, with the full deck's GUIDs (anki.py);
- `worksheet-A.pdf`, `key-A.pdf`: the worksheet stage on the meeting's facts;
- `guide.pdf`: the discussion guide (guide.py).

Every meeting's PDFs compile in one batch, so pdf.py keeps both cores busy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from factdeck.outputs.anki.package import ApkgStage
from factdeck.outputs.base import Output
from factdeck.outputs.print.guide import GUIDE_TEMPLATE, guide_source
from factdeck.outputs.print.pdf import compile_all
from factdeck.outputs.print.worksheets import worksheet_sources
from factdeck.outputs.sessions.meetings import Meeting, split_meetings
from factdeck.outputs.write import OutputWriter, remove_unwritten
from factdeck.quiz import make_quiz
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact

SESSIONS = "sessions"
_MEETING_FOLDER = re.compile(r"^meeting-\d+$")


@dataclass
class SessionPacks:
    meetings: list[Meeting]
    notes: list[str] = field(default_factory=list)


def meeting_folder(deck: DeckSpec, meeting: Meeting) -> str:
    return f"{deck.id}/{SESSIONS}/{meeting.folder}"


def meeting_documents(base: FactBase, deck: DeckSpec, meeting: Meeting, notes: list[str]) -> dict[str, tuple[str, str]]:
    """Typst source of the meeting's worksheet, key and guide: {output path: (template, source)}."""
    folder = meeting_folder(deck, meeting)
    # One version: a study group works through the same sheet together. As many questions as the deck's
    # worksheets ask for, or as the meeting has facts.
    settings = deck.quiz.model_copy(
        update={
            "versions": 1,
            "questions": min(deck.quiz.questions, len(meeting.facts)),
            "title": f"{deck.quiz.title or deck.name} · {meeting.title}",
        }
    )
    documents: dict[str, tuple[str, str]] = {}
    quiz = make_quiz(base, deck, list(meeting.facts), settings)
    if quiz.questions:
        for relative, document in worksheet_sources(base, deck, quiz, settings.paper).items():
            documents[f"{folder}/{Path(relative).name}"] = document
    else:
        notes.append(
            f"{meeting.label}: no worksheet question can be made from its {len(meeting.facts)} facts "
            f"with question types {', '.join(settings.types)}"
        )
    documents[f"{folder}/guide.pdf"] = (
        f"templates/{GUIDE_TEMPLATE}",
        guide_source(base, deck, meeting, settings.paper),
    )
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
    its worksheet, key and guide if `pdf`)."""
    packs = SessionPacks(split_meetings(facts, count, deck, base.eras))
    documents: dict[str, tuple[str, str]] = {}
    # Every pack withdraws what the full deck withdraws: a group that imported an earlier pack gets the banners.
    withdrawn = apkg.withdrawn_notes(deck, facts) if apkg is not None else ()
    for meeting in packs.meetings:
        folder = meeting_folder(deck, meeting)
        if apkg is not None:
            relative = f"{folder}/{deck.id}-{meeting.folder}.apkg"
            apkg.write_subdeck(deck, list(meeting.facts), meeting.title, relative, withdrawn)
        if pdf:
            documents.update(meeting_documents(base, deck, meeting, packs.notes))
    if documents:
        for relative, data in compile_all(base.root, documents, jobs=jobs, session=base.session).items():
            writer.write_bytes(relative, data)
    return packs


def remove_stale_meetings(folder: Path, deck_ids: list[str], written: list[Path]) -> list[Path]:
    """Delete meeting folders this run did not write (after lowering the number of meetings)."""
    keep = {p.resolve().parent for p in written}
    return [
        path for deck_id in deck_ids for path in remove_unwritten(folder / deck_id / SESSIONS, _MEETING_FOLDER, keep)
    ]


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
        return f"{deck.sessions.meetings}:{','.join(self.made)}:{anki}"

    def stage(self, deck: DeckSpec, facts: list[Fact]) -> list[str]:
        assert deck.sessions.meetings is not None
        packs = stage_sessions(
            self.writer, self.base, deck, facts, deck.sessions.meetings, self.apkg, "pdf" in self.made
        )
        return list(packs.notes)

    def remove_stale(self, folder: Path, deck_ids: list[str], kept: list[Path]) -> None:
        decks = [d.id for d in self.base.decks if d.id in deck_ids and d.sessions.meetings]
        remove_stale_meetings(folder, decks, kept)  # meetings no longer made
