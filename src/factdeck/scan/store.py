"""Readings to the results folder: `<results>/<deck>/responses.csv`, one row per answer sheet.

A sheet is one student's answers to one version: the pages of a sheet with several pages join by student
number. A re-scan of a sheet (the same deck, version, student number and page) replaces the earlier reading
instead of adding a row; a sheet without a readable student number is known by its file and page. Flagged
marks are written as "?" with a crop in `<results>/<deck>/review/` and a line in review.csv, for the
teacher to confirm: type the answer (a letter, T or F, or nothing for none) in that line's `answer` column.
`factdeck results` uses the confirmed answer, and a later re-scan keeps it; a "?" scores nothing.

The results folder holds students' numbers and answers: it lives outside build/ (the default is the
project's `results/`, which the .gitignore `factdeck init` writes leaves out of git).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

import cv2

from factdeck.scan.read import Reading

RESPONSES = "responses.csv"
REVIEW = "review.csv"
FIXED = (
    "sheet",
    "student_id",
    "version",
    "layout",
    "key",
    "pages",
    "score",
    "max_score",
    "confidence",
    "flags",
    "files",
)


def sheet_name(reading: Reading, source: str) -> str:
    if reading.student_id and "?" not in reading.student_id:
        return f"{reading.version}-{reading.student_id}"
    return f"{reading.version}-file-{hashlib.sha1(source.encode()).hexdigest()[:10]}"


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8", newline="")
    os.replace(temporary, path)


def _score(answers: dict[str, str], data: dict) -> tuple[float, float]:
    earned = possible = 0.0
    for number, q in data["questions"].items():
        if "key" not in q:
            continue  # marked by hand
        possible += q["points"]
        if answers.get(number) == q["key"]:
            earned += q["points"]
    return earned, possible


class ResponseStore:
    """The responses of one deck in the results folder; `add` a reading, then `save`."""

    def __init__(self, folder: Path, deck: str):
        self.folder = folder / deck
        self.rows = {row["sheet"]: row for row in _read_rows(self.folder / RESPONSES)}
        self.review = _read_rows(self.folder / REVIEW)
        self.replaced = 0

    def add(self, reading: Reading, data: dict, source: str) -> str:
        """Merge one page's reading; returns the sheet's name. `data` is the sheet map it was read with."""
        name = sheet_name(reading, source)
        row = self.rows.get(name)
        if row is None or row.get("key") != reading.key:
            row = {"sheet": name, "version": reading.version, "layout": reading.layout, "key": reading.key}
            pages: dict[str, str] = {}
        else:
            pages = json.loads(row.get("pages") or "{}")
            if str(reading.page) in pages:
                self.replaced += 1
        pages[str(reading.page)] = source
        row["pages"] = json.dumps(pages, sort_keys=True)
        row["student_id"] = reading.student_id
        for number, answer in reading.answers.items():
            row[f"q{number}"] = answer
        # Flags of this page replace the page's earlier ones.
        mine = {str(q["number"]) for q in data["pages"][reading.page - 1]["questions"]} | {"id"}
        confirmed = {
            r["question"]: (r.get("answer") or "").strip().upper()
            for r in self.review
            if r["sheet"] == name
            and r["question"] in mine
            and ((r.get("answer") or "").strip() or (r.get("confirmed") or "").strip().lower() == "yes")
        }
        self.review = [r for r in self.review if not (r["sheet"] == name and r["question"] in mine)]
        for flag in reading.flags:
            crop_name = ""
            if flag.crop is not None and flag.crop.size:
                crop_name = f"review/{name}-{'id' if flag.question == 'id' else 'q' + flag.question}.png"
                (self.folder / "review").mkdir(parents=True, exist_ok=True)
                cv2.imwrite(str(self.folder / crop_name), flag.crop)
            self.review.append(
                {
                    "sheet": name,
                    "question": flag.question,
                    "reason": flag.reason,
                    "candidates": " ".join(flag.candidates),
                    "crop": crop_name,
                    "source": source,
                    "answer": confirmed.get(flag.question, ""),
                    "confirmed": "yes" if flag.question in confirmed else "",
                }
            )
            if flag.question in confirmed and flag.question != "id":
                row[f"q{flag.question}"] = confirmed[flag.question]
        answers = {k[1:]: v for k, v in row.items() if k.startswith("q") and k[1:].isdigit()}
        earned, possible = _score(answers, data)
        row["score"], row["max_score"] = f"{earned:g}", f"{possible:g}"
        previous = float(row.get("confidence") or 1.0) if pages.keys() - {str(reading.page)} else 1.0
        row["confidence"] = f"{min(previous, reading.confidence):.2f}"
        row["flags"] = str(sum(1 for r in self.review if r["sheet"] == name))
        row["files"] = " ".join(sorted(set(pages.values())))
        self.rows[name] = row
        return name

    def save(self) -> Path:
        numbers = sorted(
            {int(k[1:]) for row in self.rows.values() for k in row if k.startswith("q") and k[1:].isdigit()}
        )
        columns = [*FIXED, *(f"q{n}" for n in numbers)]
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        for name in sorted(self.rows):
            writer.writerow({c: self.rows[name].get(c, "") for c in columns})
        _write_atomically(self.folder / RESPONSES, out.getvalue())
        review = io.StringIO()
        fields = ["sheet", "question", "reason", "candidates", "crop", "source", "answer", "confirmed"]
        writer = csv.DictWriter(review, fields, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(self.review)
        _write_atomically(self.folder / REVIEW, review.getvalue())
        return self.folder / RESPONSES
