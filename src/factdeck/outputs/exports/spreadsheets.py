"""Spreadsheet exports (.xlsx, through openpyxl): Kahoot! and Wayground (formerly Quizizz).

Kahoot!'s quiz spreadsheet template ("Import spreadsheet" in the Kahoot! creator; the template linked
from https://support.kahoot.com, "How to import questions from a spreadsheet"): rows 1-7 are free text,
row 8 holds the header, columns A-H: blank (the question's number below it), "Question - max 120
characters", "Answer 1 - max 75 characters" … "Answer 4 - max 75 characters", "Time limit (sec) – 5, 10,
20, 30, 60, 90, 120, or 240 secs", "Correct answer(s) - choose at least one" (answer numbers 1-4,
comma-separated); questions from row 9. Only quiz questions (multiple choice, true/false as two answers)
import; a question or answer over its limit is refused, so such a question is left out, never cut.

Wayground's spreadsheet template ("Import from spreadsheet" in the Wayground quiz editor, the sample
spreadsheet it links): row 1 the header, Question Text, Question Type, Option 1-5, Correct Answer, Time
in seconds, Image Link, Answer explanation; row 2 notes on each column; questions from row 3. Question
Type is "Multiple Choice" (Correct Answer: the option's number, 1-5), "Fill-in-the-Blank" (the accepted
answers in the options, Correct Answer blank) or "Open-Ended" (no options). The answer explanation
carries the citation and the source's stance.

Every text cell is written as a string (never a formula, whatever it starts with), on one line.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from factdeck.i18n import Language
from factdeck.outputs.exports.platforms import (
    Export,
    Skip,
    excerpt_line,
    feedback,
    lacks,
    one_line,
    reading_seconds,
    single_answer,
    too_long,
    version_a,
)
from factdeck.quiz.wording import BLANK

KAHOOT_HEADER_ROW = 8
KAHOOT_HEADER = [
    "",
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
]
KAHOOT_QUESTION_MAX = 120
KAHOOT_ANSWER_MAX = 75
KAHOOT_ANSWERS = 4
KAHOOT_TIMES = (5, 10, 20, 30, 60, 90, 120, 240)

WAYGROUND_HEADER = [
    "Question Text",
    "Question Type",
    "Option 1",
    "Option 2",
    "Option 3",
    "Option 4",
    "Option 5",
    "Correct Answer",
    "Time in seconds",
    "Image Link",
    "Answer explanation",
]
WAYGROUND_NOTES = [
    "The question (required)",
    "Multiple Choice, Fill-in-the-Blank or Open-Ended",
    "Option 1 (for Fill-in-the-Blank: an accepted answer)",
    "Option 2",
    "Option 3 (optional)",
    "Option 4 (optional)",
    "Option 5 (optional)",
    "The correct option's number, 1-5 (blank for Fill-in-the-Blank and Open-Ended)",
    "Seconds to answer",
    "Image address (optional)",
    "Why, with the source and its stance",
]
WAYGROUND_OPTIONS = 5
WAYGROUND_TIMES = (10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900)


def _put(ws: Worksheet, row: int, column: int, value: object) -> None:
    """A cell's value; text stays text even when it starts with '=' (openpyxl would make it a formula)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def _workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_kahoot(document: dict[str, Any], language: Language | None = None) -> Export:
    """The document's multiple-choice and true/false questions (and a disputed fact's questions of each
    claimant) in Kahoot!'s template; every other question, and any over Kahoot!'s limits, skipped (games.py
    chooses questions that fit, so none is, unless a caller gives another document)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    _put(ws, 2, 2, one_line(f"Quiz: {document['deck']['title']}"))
    _put(ws, 3, 2, "Made by factdeck from the deck's facts, chosen to fit Kahoot!'s limits. Questions from row 9.")
    _put(ws, 4, 2, "Import: Kahoot! creator, Add question, Import spreadsheet; then choose this file.")
    _put(
        ws, 5, 2, "Turn on 'Randomize answer order' in the game options: the correct answers here follow the worksheet."
    )
    for column, title in enumerate(KAHOOT_HEADER, 1):
        _put(ws, KAHOOT_HEADER_ROW, column, title)
    row = KAHOOT_HEADER_ROW + 1
    skipped: list[Skip] = []
    for q in version_a(document):
        singles = single_answer(q, language)
        if not singles:
            skipped.append(Skip(q["number"], q["id"], lacks("Kahoot!", q)))
            continue
        for s in singles:
            reason = too_long("the question", s.prompt, KAHOOT_QUESTION_MAX) or next(
                (r for o in s.options if (r := too_long(f"the answer “{o}”", o, KAHOOT_ANSWER_MAX))), None
            )
            if reason is None and len(s.options) > KAHOOT_ANSWERS:
                reason = f"{len(s.options)} answers; Kahoot! takes {KAHOOT_ANSWERS} at most"
            if reason:
                which = f" ({s.label})" if s.label else ""
                skipped.append(Skip(q["number"], q["id"], f"over Kahoot!'s limits{which}: {reason}"))
                continue
            cells = [row - KAHOOT_HEADER_ROW, s.prompt, *s.options, *[""] * (KAHOOT_ANSWERS - len(s.options))]
            cells += [reading_seconds([s.prompt, *s.options], KAHOOT_TIMES), s.correct + 1]
            for column, value in enumerate(cells, 1):
                _put(ws, row, column, value)
            row += 1
    return Export(_workbook_bytes(wb), row - KAHOOT_HEADER_ROW - 1, skipped)


WaygroundRow = list[object]


def _wg_choice(q: dict[str, Any], language: Language | None = None) -> list[WaygroundRow] | str:
    singles = single_answer(q, language)
    return [[s.prompt, "Multiple Choice", *s.options, s.correct + 1, s.feedback] for s in singles]


def _wg_blank(q: dict[str, Any], language: Language | None = None) -> list[WaygroundRow] | str:
    if len(q["accepted"]) > WAYGROUND_OPTIONS:
        return f"{len(q['accepted'])} accepted answers; Wayground takes {WAYGROUND_OPTIONS}"
    prompt = one_line(BLANK.join(q["parts"])) if q.get("parts") else one_line(q["prompt"])
    return [[prompt, "Fill-in-the-Blank", *[one_line(a) for a in q["accepted"]], None, feedback(q, language=language)]]


def _wg_essay(q: dict[str, Any], language: Language | None = None) -> list[WaygroundRow] | str:
    if q["according"]:  # a disputed fact asked of each claimant in turn: answerable, and marked by Wayground
        return _wg_choice(q, language)
    excerpts = [excerpt_line(e, language) + "." for e in q.get("excerpts", [])]
    text = one_line(" ".join([*excerpts, q["prompt"], q.get("instructions", "")]))
    return [[text, "Open-Ended", None, feedback(q, language=language)]]


def _wg_none(what: str) -> Callable[[dict[str, Any], Language | None], list[WaygroundRow] | str]:
    def none(q: dict[str, Any], language: Language | None = None) -> list[WaygroundRow] | str:
        return f"Wayground's spreadsheet import has no {what}"

    return none


# Each form as Wayground rows: [question, type, *options, correct, explanation], or why it is skipped.
WAYGROUND_FORMS: dict[str, Callable[[dict[str, Any], Language | None], list[WaygroundRow] | str]] = {
    "choice": _wg_choice,
    "true-false": _wg_choice,
    "blank": _wg_blank,
    "text": _wg_blank,
    "matching": _wg_none("matching questions"),
    "ordering": _wg_none("ordering (reorder) questions"),
    "essay": _wg_essay,
}


def export_wayground(document: dict[str, Any], language: Language | None = None) -> Export:
    """The document's questions in Wayground's template: multiple choice (true/false as two options; a
    disputed fact once per version, "What does X say about …?"), fill in the blank (fill-in-the-blank and
    short answers, every accepted answer as an option) and open-ended (a disputed fact whose versions give
    the same answer); matching and timelines skipped."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for column, (title, note) in enumerate(zip(WAYGROUND_HEADER, WAYGROUND_NOTES), 1):
        _put(ws, 1, column, title)
        _put(ws, 2, column, note)
    row = 3
    skipped: list[Skip] = []
    for q in version_a(document):
        made = WAYGROUND_FORMS[q["form"]](q, language)
        if isinstance(made, str):
            skipped.append(Skip(q["number"], q["id"], made))
            continue
        for text, kind, *rest in made:
            *options, correct, explanation = rest
            seconds = reading_seconds([str(text), *map(str, options)], WAYGROUND_TIMES)
            padded = [*options, *[None] * (WAYGROUND_OPTIONS - len(options))]
            cells = [text, kind, *padded, correct, seconds, None, explanation]
            for column, value in enumerate(cells, 1):
                if value is not None:
                    _put(ws, row, column, value)
            row += 1
    return Export(_workbook_bytes(wb), row - 3, skipped)
