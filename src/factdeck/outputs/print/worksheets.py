"""Worksheet stage: a deck's quiz to PDF worksheets and answer keys, staged for writing.

For each version X it stages `<deck id>/worksheet-X.pdf` and `<deck id>/key-X.pdf`
(the key ends with the sources page). Worksheets of versions that no longer
exist are removed after a successful write, so a folder never mixes runs.
"""

from __future__ import annotations

import re
from pathlib import Path

from factdeck.exceptions import RenderError
from factdeck.outputs.base import Output
from factdeck.outputs.print.pdf import compile_all
from factdeck.outputs.render import render, typst_environment
from factdeck.outputs.write import OutputWriter, remove_unwritten
from factdeck.quiz import Quiz, make_quiz
from factdeck.records.factbase import FactBase
from factdeck.records.naming import glossary_for
from factdeck.records.schema import DeckSpec, Fact, QuizSettings

WORKSHEET_TEMPLATE = "quiz/worksheet.typ"
KEY_TEMPLATE = "quiz/key.typ"
_OUTPUT_NAME = re.compile(r"^(?:worksheet|key)-[A-Z]\.pdf$")


def worksheet_sources(base: FactBase, deck: DeckSpec, quiz: Quiz, paper: str) -> dict[str, tuple[str, str]]:
    """Typst source of every worksheet and key: {output path: (template, source)}."""
    env = typst_environment(base.root)
    documents: dict[str, tuple[str, str]] = {}
    asked = [base.facts_by_id[i] for q in quiz.questions for i in q.fact_ids if i in base.facts_by_id]
    glossary = glossary_for(base.glossary, asked)  # the key introduces the names its questions use
    for version in quiz.versions:
        for template, stem, kind in (
            (WORKSHEET_TEMPLATE, "worksheet", "Worksheet"),
            (KEY_TEMPLATE, "key", "Answer key"),
        ):
            source = render(
                env,
                template,
                base.root,
                quiz=quiz,
                version=version,
                paper=paper,
                kind=kind,
                glossary=glossary,
                sources=base.sources,
            )
            documents[f"{deck.id}/{stem}-{version.letter}.pdf"] = (f"templates/{template}", source)
    return documents


def make_worksheets(
    base: FactBase, deck: DeckSpec, facts: list[Fact], settings: QuizSettings | None = None, jobs: int | None = None
) -> tuple[Quiz, dict[str, bytes]]:
    """The deck's quiz and its PDFs, {output path: bytes}; nothing is written."""
    settings = settings or deck.quiz
    quiz = make_quiz(base, deck, facts, settings)
    if not quiz.questions:
        where = f"{deck.file}:{deck.line}: " if deck.file else ""
        raise RenderError(
            f"{where}deck '{deck.id}': no worksheet question can be made from its "
            f"{len(facts)} vetted facts with question types {', '.join(settings.types)}"
        )
    documents = worksheet_sources(base, deck, quiz, settings.paper)
    return quiz, compile_all(base.root, documents, jobs=jobs, session=base.session)


def stage_worksheets(
    writer: OutputWriter, base: FactBase, deck: DeckSpec, facts: list[Fact], settings: QuizSettings | None = None
) -> Quiz:
    """Make the deck's worksheets and stage them in `writer`."""
    quiz, pdfs = make_worksheets(base, deck, facts, settings)
    for relative, data in pdfs.items():
        writer.write_bytes(relative, data)
    return quiz


def remove_stale(folder: Path, deck_ids: list[str], written: list[Path]) -> list[Path]:
    """Delete worksheets and keys in the decks' folders that this run did not write (old versions)."""
    keep = {p.resolve() for p in written}
    return [path for deck_id in deck_ids for path in remove_unwritten(folder / deck_id, _OUTPUT_NAME, keep)]


class WorksheetsAndWebQuiz(Output):
    """The deck's worksheets and keys (pdf) and its web quiz (html), made together: the web quiz asks the
    worksheets' version A questions."""

    name = "quiz"
    formats = ("pdf", "html")
    reads = ("quiz",)

    def wanted(self, deck: DeckSpec) -> bool:
        return bool(self.made) and deck.quiz.enabled

    def stage(self, deck: DeckSpec, facts: list[Fact]) -> list[str]:
        from factdeck.outputs.web.webquiz import stage_web_quiz

        quiz = stage_worksheets(self.writer, self.base, deck, facts) if "pdf" in self.made else None
        if "html" in self.made:
            stage_web_quiz(self.writer, self.base, deck, facts, quiz)
        return list(quiz.notes) if quiz is not None else []

    def remove_stale(self, folder: Path, deck_ids: list[str], kept: list[Path]) -> None:
        if "pdf" in self.made:
            remove_stale(folder, deck_ids, kept)  # worksheets of versions no longer made
