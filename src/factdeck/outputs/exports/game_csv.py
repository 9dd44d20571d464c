"""CSV exports for classroom games: Blooket and Gimkit (standard library `csv`, UTF-8 with a byte-order
mark so spreadsheet programs read Persian and other non-Latin text correctly).

Blooket's spreadsheet import template ("How to Import Questions from a Spreadsheet into Blooket",
https://help.blooket.com): row 1 the title cell ("Blooket\\nImport Template" there; on one line here), row 2 the header, Question #,
Question Text, Answer 1, Answer 2, "Answer 3\\n(Optional)", "Answer 4\\n(Optional)", "Time Limit
(sec)\\n(Max: 300 seconds)", "Correct Answer(s)\\n(Only include Answer #)"; one question a row from row 3,
the correct answer as its number (1-4).

Gimkit's CSV import ("Create a Kit with a CSV file", https://help.gimkit.com): row 1 the title cell
"Gimkit Spreadsheet Import Template", row 2 the header, Question, Correct Answer, Incorrect Answer 1,
"Incorrect Answer 2 (Optional)", "Incorrect Answer 3 (Optional)"; one question a row from row 3.

Both games ask questions with one correct answer: multiple choice, true/false (two answers), and for a
disputed fact one question per version ("What does X say about …?", every version's answer as the
options), chosen for the game from every fact (games.py). Values are quoted as CSV needs (commas,
quotes); text is on one line; a cell that a spreadsheet would run as a formula starts with `'`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from factdeck.i18n import Language
from factdeck.outputs.exports.csv_cells import neutralised
from factdeck.outputs.exports.platforms import Export, Skip, lacks, reading_seconds, single_answer, version_a

# The template's title cell is "Blooket\nImport Template" on two lines; written on one, so the file does not
# start with a byte-order mark followed by a quoted cell, which strict CSV readers refuse (RFC 4180 has no
# BOM) and which makes Python's `csv` read the quote as text and join rows.
BLOOKET_TITLE = ["Blooket Import Template", "", "", "", "", "", "", ""]
BLOOKET_HEADER = [
    "Question #",
    "Question Text",
    "Answer 1",
    "Answer 2",
    "Answer 3\n(Optional)",
    "Answer 4\n(Optional)",
    "Time Limit (sec)\n(Max: 300 seconds)",
    "Correct Answer(s)\n(Only include Answer #)",
]
BLOOKET_ANSWERS = 4
BLOOKET_TIMES = (10, 20, 30, 45, 60, 90, 120, 180, 240, 300)

GIMKIT_TITLE = ["Gimkit Spreadsheet Import Template", "", "", "", ""]
GIMKIT_HEADER = [
    "Question",
    "Correct Answer",
    "Incorrect Answer 1",
    "Incorrect Answer 2 (Optional)",
    "Incorrect Answer 3 (Optional)",
]
GIMKIT_WRONG = 3


def _csv_bytes(rows: list[list[object]]) -> bytes:
    """RFC 4180 CSV (CRLF line ends, quotes where needed), every cell neutralised against formulas
    (csv_cells.py), UTF-8 with a byte-order mark."""
    out = io.StringIO()
    csv.writer(out).writerows([[neutralised(cell) for cell in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def export_blooket(document: dict[str, Any], language: Language | None = None) -> Export:
    """The document's single-answer questions in Blooket's import template; the rest skipped with why."""
    rows: list[list[object]] = [list(BLOOKET_TITLE), list(BLOOKET_HEADER)]
    skipped: list[Skip] = []
    for q in version_a(document):
        singles = single_answer(q, language)
        if not singles:
            skipped.append(Skip(q["number"], q["id"], lacks("Blooket", q)))
        for s in singles:
            if len(s.options) > BLOOKET_ANSWERS:
                skipped.append(
                    Skip(
                        q["number"],
                        q["id"],
                        f"{len(s.options)} answers{f' ({s.label})' if s.label else ''}; Blooket takes 4 at most",
                    )
                )
                continue
            padding = [""] * (BLOOKET_ANSWERS - len(s.options))
            seconds = reading_seconds([s.prompt, *s.options], BLOOKET_TIMES)
            rows.append([len(rows) - 1, s.prompt, *s.options, *padding, seconds, s.correct + 1])
    return Export(_csv_bytes(rows), len(rows) - 2, skipped)


def export_gimkit(document: dict[str, Any], language: Language | None = None) -> Export:
    """The document's single-answer questions as Gimkit's CSV (correct answer, then the wrong ones in the
    document's order); the rest skipped with why."""
    rows: list[list[object]] = [list(GIMKIT_TITLE), list(GIMKIT_HEADER)]
    skipped: list[Skip] = []
    for q in version_a(document):
        singles = single_answer(q, language)
        if not singles:
            skipped.append(Skip(q["number"], q["id"], lacks("Gimkit", q)))
        for s in singles:
            wrong = [o for i, o in enumerate(s.options) if i != s.correct]
            if len(wrong) > GIMKIT_WRONG:
                skipped.append(
                    Skip(
                        q["number"],
                        q["id"],
                        f"{len(wrong)} wrong answers{f' ({s.label})' if s.label else ''}; Gimkit takes 3 at most",
                    )
                )
                continue
            rows.append([s.prompt, s.options[s.correct], *wrong, *[""] * (GIMKIT_WRONG - len(wrong))])
    return Export(_csv_bytes(rows), len(rows) - 2, skipped)
