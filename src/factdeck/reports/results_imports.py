"""Responses read from factdeck's own responses.csv (`factdeck scan`) or from ZipGrade's results export.

Each reader returns [{student, version, answers: {question number: letter}}] or raises ResultsFileError with
one line naming the file and what is wrong.

ZipGrade's export (the "Full export" CSV of a quiz's results): a header row with, among others,
`Key Version`, `Student ID` (or `ZipGrade ID`) and, per question N, `StuN` (the student's response, e.g.
`B`, blank when none; a true/false question is bubbled on ZipGrade's forms as A = True, B = False).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path


class ResultsFileError(Exception):
    """A results file laid out otherwise than its tool documents; one line."""


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultsFileError(f"{path}: cannot be read as CSV ({exc})") from None


def read_responses(path: Path) -> list[dict]:
    """factdeck's responses.csv, with the answers the teacher confirmed in review.csv beside it (a line whose
    `confirmed` column says yes, or whose `answer` column is filled in, replaces that question's "?")."""
    header, rows = _rows(path)
    if "version" not in header or "sheet" not in header:
        raise ResultsFileError(f"{path}: not a factdeck responses file (no 'sheet' and 'version' columns)")
    confirmed: dict[tuple[str, str], str] = {}
    review = path.with_name("review.csv")
    if review.exists():
        _, flags = _rows(review)
        for flag in flags:
            answer = (flag.get("answer") or "").strip().upper()
            if answer or (flag.get("confirmed") or "").strip().lower() == "yes":
                confirmed[(flag.get("sheet", ""), flag.get("question", ""))] = answer
    out = []
    for r in rows:
        answers = {k[1:]: (r[k] or "").strip() for k in header if re.fullmatch(r"q\d+", k)}
        for number, answer in answers.items():
            if answer == "?" and (r["sheet"], number) in confirmed:
                answers[number] = confirmed[(r["sheet"], number)]
        out.append({"student": r.get("student_id") or r["sheet"], "version": r["version"], "answers": answers})
    return out


def read_zipgrade(path: Path, default_version: str = "A") -> list[dict]:
    """ZipGrade's full results export."""
    header, rows = _rows(path)
    numbers = [m.group(1) for h in header if (m := re.fullmatch(r"Stu(\d+)", h.strip()))]
    if not numbers:
        raise ResultsFileError(
            f"{path}: no 'Stu1', 'Stu2', … columns: export the quiz's results from ZipGrade as its full CSV export"
        )
    id_column = next((h for h in header if h.strip() in ("Student ID", "ZipGrade ID", "External Id")), None)
    out = []
    for index, r in enumerate(rows, start=2):
        version = (r.get("Key Version") or default_version).strip() or default_version
        if not re.fullmatch(r"[A-Z]", version):
            raise ResultsFileError(f"{path}:{index}: key version '{version}' is not a letter")
        out.append(
            {
                "student": (r.get(id_column) or "").strip() if id_column else str(index - 1),
                "version": version,
                "answers": {n: (r.get(f"Stu{n}") or "").strip().upper()[:1] for n in numbers},
            }
        )
    return out


READERS = {"factdeck": read_responses, "zipgrade": read_zipgrade}
