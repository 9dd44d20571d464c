"""Worksheet stage: a deck's quiz to PDF worksheets and answer keys, staged for writing.

For each version X it stages `<deck id>/worksheet-X.pdf` and `<deck id>/key-X.pdf`
(the key ends with the sources page); with `quiz.answer_sheet`, `answer-sheet-X.pdf`
and one `zipgrade-key.csv` for every version; with `quiz.large_print`, a
`-large-print` copy of each PDF. Files of versions (or options) that no longer
exist are removed after a successful write, so a folder never mixes runs.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import partial
from pathlib import Path

from factdeck.exceptions import PartlyMade, RenderError
from factdeck.outputs.base import Output
from factdeck.outputs.languages import deck_language, localized_base
from factdeck.outputs.print.answer_sheet import sheet_context, sheet_map
from factdeck.outputs.print.layout import (
    LARGE_MARGIN_BOTTOM,
    LARGE_PRINT_SUFFIX,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    REFIT_QUESTIONS,
    PrintLayout,
    bubbled,
    grid_answer,
    print_layout,
    print_quiz,
    zipgrade_key,
)
from factdeck.outputs.print.pdf import MOST_BLANK, Refit, Source, WorkerPool, compile_all, source_text
from factdeck.outputs.render import render, typst_environment
from factdeck.outputs.write import OutputWriter, remove_unwritten
from factdeck.quiz import QUESTION_TYPES, Quiz
from factdeck.records.factbase import FactBase
from factdeck.records.naming import glossary_for
from factdeck.records.schema import DeckSpec, Fact, QuizSettings

WORKSHEET_TEMPLATE = "quiz/worksheet.typ"
KEY_TEMPLATE = "quiz/key.typ"
ANSWER_SHEET_TEMPLATE = "quiz/answer-sheet.typ"
ZIPGRADE_KEY = "zipgrade-key.csv"
_OUTPUT_NAME = re.compile(
    r"^(?:(?:worksheet|key|answer-sheet)-[A-Z](?:-large-print)?\.pdf|answer-sheet-[A-Z](?:-large-print)?\.json"
    r"|zipgrade-key\.csv)$"
)


def soft_breaks(text: object) -> str:
    """`text` with a zero-width space after each slash, dot, hyphen, underscore, `?`, `&`, `=` and `#` of a
    long word (a URL, say), so a printed line may break there instead of running off the page."""
    words = str(text).split(" ")
    return " ".join(re.sub(r"([/.\-_?&=#])(?=.)", "\\1\u200b", w) if len(w) > 24 else w for w in words)


def worksheet_sources(
    base: FactBase, deck: DeckSpec, quiz: Quiz, paper: str, settings: QuizSettings | None = None
) -> dict[str, tuple[str, str]]:
    """Typst source of every worksheet, key and (if `settings` ask) answer sheet and large-print copy:
    {output path: (template, source)}."""
    return worksheet_documents(base, deck, quiz, paper, settings)[0]


def worksheet_documents(
    base: FactBase, deck: DeckSpec, quiz: Quiz, paper: str, settings: QuizSettings | None = None
) -> tuple[dict[str, tuple[str, str]], dict[str, Refit]]:
    """`worksheet_sources`, and how to refit each worksheet and key whose last page would be near-empty
    ({output path: Refit}: a page break before the sources, the names, or one of the last questions)."""
    documents, refits = _documents(base, deck, quiz, paper, settings)
    return {output: (template, source_text(source)) for output, (template, source) in documents.items()}, refits


def _documents(
    base: FactBase, deck: DeckSpec, quiz: Quiz, paper: str, settings: QuizSettings | None = None
) -> tuple[dict[str, tuple[str, Source]], dict[str, Refit]]:
    """`worksheet_documents` with each document's source rendered where `compile_all` first reads it (a
    worksheet or key whose self-fitting version settles it never renders its plain source: 25 ms for a
    100-question worksheet and key)."""
    settings = settings or deck.quiz
    language = deck_language(base, deck)
    env = typst_environment(base.root, language)
    layouts = [print_layout(settings, language)]
    if settings.large_print:
        layouts.append(layouts[0].large_print())
    kinds = [
        (WORKSHEET_TEMPLATE, "worksheet", language.gettext("Worksheet")),
        (KEY_TEMPLATE, "key", language.gettext("Answer key")),
    ]
    if settings.answer_sheet:
        kinds.append((ANSWER_SHEET_TEMPLATE, "answer-sheet", language.gettext("Answer sheet")))
    documents: dict[str, tuple[str, Source]] = {}
    refits: dict[str, Refit] = {}
    asked = [base.facts_by_id[i] for q in quiz.questions for i in q.fact_ids if i in base.facts_by_id]
    glossary = glossary_for(base.glossary, asked)  # the key introduces the names its questions use
    for layout in layouts:
        suffix = LARGE_PRINT_SUFFIX if layout.large else ""
        margins = (MARGIN_TOP, LARGE_MARGIN_BOTTOM if layout.large else MARGIN_BOTTOM)
        for version in quiz.versions:
            last = [f"q{p.number}" for p in version.questions[::-1][:REFIT_QUESTIONS]]
            for template, stem, kind in kinds:
                sheet = None
                if stem == "answer-sheet":
                    sheet = sheet_context(sheet_map(quiz, version, layout, paper), layout)
                args = (env, base, template, quiz, version, paper, kind, layout, glossary, sheet)
                output = f"{deck.id}/{stem}-{version.letter}{suffix}.pdf"
                documents[output] = (f"templates/{template}", partial(_render, *args))
                if template != ANSWER_SHEET_TEMPLATE:
                    tail = ["sources"] if template == WORKSHEET_TEMPLATE else ["names"] * bool(glossary) + ["sources"]
                    # The document that makes the first of these page breaks itself where it is needed (pdf.py).
                    fitting = partial(_render, *args, fit=tail[0])
                    refits[output] = Refit(tuple(tail + last), partial(_render, *args), margins, fitting=fitting)
    return documents, refits


def _render(
    env,
    base: FactBase,
    template: str,
    quiz: Quiz,
    version,
    paper: str,
    kind: str,
    layout: PrintLayout,
    glossary: list,
    sheet: dict | None = None,
    directives: tuple[str, ...] = (),
    fit: str = "",
) -> str:
    """The document's Typst source; `directives` mend a near-empty page (pdf.py's Refit): "loose:N" lets
    question N break across pages, any other is the point a page break goes before. `fit`: the point where the
    document breaks the page itself if that fills a near-empty last page (Refit.fitting; the source is the
    same but for that point and a mark at the end)."""
    loose = {int(d.removeprefix("loose:")) for d in directives if d.startswith("loose:")}
    pull = next((d for d in directives if not d.startswith("loose:")), "")
    return render(
        env,
        template,
        base.root,
        quiz=quiz,
        version=version,
        paper=paper,
        kind=kind,
        layout=layout,
        soft=soft_breaks,
        grid_answer=partial(grid_answer, language=env.globals["language"]),
        glossary=glossary,
        sources=base.sources,
        sheet=sheet,
        pull=pull,
        loose=loose,
        fit=fit,
        most_blank=MOST_BLANK,
    )


def make_worksheets(
    base: FactBase,
    deck: DeckSpec,
    facts: list[Fact],
    settings: QuizSettings | None = None,
    jobs: int | None = None,
    pool: WorkerPool | None = None,
) -> tuple[Quiz, dict[str, bytes]]:
    """The deck's quiz and its files, {output path: bytes} (PDFs, and the ZipGrade key with answer sheets);
    nothing is written. `pool`: Typst workers started ahead (pdf.py's `compile_all`)."""
    settings = settings or deck.quiz
    quiz = print_quiz(base, deck, facts, settings)
    if not quiz.questions:
        where = f"{deck.file}:{deck.line}: " if deck.file else ""
        types = ", ".join(settings.counts or settings.types)
        needs = "; ".join(f"{t} needs {QUESTION_TYPES[t].needs}" for t in settings.counts or settings.types
                          if QUESTION_TYPES[t].needs)  # fmt: skip
        raise RenderError(
            f"{where}deck '{deck.id}': no worksheet question can be made from its "
            f"{len(facts)} vetted facts with question types {types}" + (f" ({needs})" if needs else "")
        )
    documents, refits = _documents(base, deck, quiz, settings.paper, settings)
    files = compile_all(base.root, documents, jobs=jobs, session=base.session, refits=refits, pool=pool)
    if settings.answer_sheet:
        files.update(answer_sheet_files(deck.id, quiz, print_layout(settings), settings))
        if not any(bubbled(q) for q in quiz.questions):
            note = "no multiple-choice or true/false question, so no ZipGrade key and nothing on the sheet to scan"
            quiz = dataclasses.replace(quiz, notes=(*quiz.notes, note))
    return quiz, files


def answer_sheet_files(deck_id: str, quiz: Quiz, layout: PrintLayout, settings: QuizSettings) -> dict[str, bytes]:
    """The sheet map (`answer-sheet-X[-large-print].json`, what `factdeck scan` reads) of every version in
    every layout, and ZipGrade's key (`zipgrade-key.csv`) when some question has bubbles."""
    files: dict[str, bytes] = {}
    layouts = [layout, layout.large_print()] if settings.large_print else [layout]
    for each in layouts:
        suffix = LARGE_PRINT_SUFFIX if each.large else ""
        for version in quiz.versions:
            data = sheet_map(quiz, version, each, settings.paper)
            text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
            files[f"{deck_id}/answer-sheet-{version.letter}{suffix}.json"] = text.encode("utf-8")
    if any(bubbled(q) for q in quiz.questions):
        files[f"{deck_id}/{ZIPGRADE_KEY}"] = zipgrade_key(quiz, layout)
    return files


def stage_worksheets(
    writer: OutputWriter,
    base: FactBase,
    deck: DeckSpec,
    facts: list[Fact],
    settings: QuizSettings | None = None,
    pool: WorkerPool | None = None,
) -> Quiz:
    """Make the deck's worksheets and stage them in `writer` (with Typst workers from `pool` where given)."""
    quiz, pdfs = make_worksheets(base, deck, facts, settings, pool=pool)
    for relative, data in pdfs.items():
        writer.write_bytes(relative, data)
    return quiz


def remove_stale(folder: Path, deck_ids: list[str], written: list[Path]) -> list[Path]:
    """Delete worksheets, keys and answer sheets in the decks' folders that this run did not write (old
    versions, options no longer asked for)."""
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

        # The deck's language: its facts' translations, or their own text where none is current (said here).
        base, untranslated = localized_base(self.base, deck)
        facts = [base.facts_by_id[f.id] for f in facts]
        quiz, failed = None, None
        if "pdf" in self.made:
            try:
                quiz = stage_worksheets(self.writer, base, deck, facts)
            except RenderError as exc:  # the web quiz, drawn by the browser's fonts, may still be made
                failed = exc
        if "html" in self.made:
            stage_web_quiz(self.writer, base, deck, facts, quiz)
        if failed is not None:
            made = " (the web quiz is made)" if "html" in self.made else ""
            raise PartlyMade(f"worksheets and keys not made{made}: {failed}") from failed
        return untranslated + (list(quiz.notes) if quiz is not None else [])

    def remove_stale(self, folder: Path, deck_ids: list[str], kept: list[Path]) -> None:
        if "pdf" in self.made:
            remove_stale(folder, deck_ids, kept)  # worksheets of versions no longer made
