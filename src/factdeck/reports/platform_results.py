"""Results exported by quiz platforms, mapped to the deck's questions: Kahoot!, Moodle and Canvas.

Each reader gives `PlatformAnswers`: per student, per platform question, the text of the answer chosen, and
per question what identifies it (its text, the fact id in a Moodle question name). `to_responses` maps them
to the deck's questions, the ones factdeck's exports wrote to the platform, and gives responses and a sheet
map as `results.analyse` reads them (each question's options in factdeck's order, the key first).

Layouts read (each header row found by its column names, so title rows above it do no harm):
- Kahoot! results spreadsheet (.xlsx), sheet "Raw Report Data": one row per player and question with
  "Question Number", "Question", "Answer 1"-"Answer 4", "Correct Answers", "Player", "Answer".
- Moodle quiz "Responses" report (CSV download): per attempt "Last name"/"First name" (or "Surname"),
  "ID number" or "Email address", then per slot "Response N" (the chosen answer's text), and with the
  report's question-text option "Question N". Where the question text is absent (or matches no prompt), a
  slot maps to the question whose options its responses are.
- Canvas quiz "Student Analysis" report (CSV): "name", "id", "sis_id", …, "attempt", then per question a
  column headed "<Canvas id>: <question text>" holding the answer text, followed by its points column.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from factdeck.quiz import Question
from factdeck.reports.results_imports import ResultsFileError

MATCH = 85  # rapidfuzz ratio (0-100) a question text or an answer must reach to be taken as the same


@dataclass
class PlatformAnswers:
    """Answers read from one platform file."""

    tool: str
    path: Path
    questions: dict[str, str] = field(default_factory=dict)  # platform question key: its text ("" unknown)
    rows: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (student, {question key: answer text})


def _norm(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


def read_kahoot(path: Path) -> PlatformAnswers:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ResultsFileError(f"{path}: not a Kahoot! results spreadsheet (.xlsx): {exc.__class__.__name__}") from None
    if "Raw Report Data" not in book.sheetnames:
        raise ResultsFileError(
            f"{path}: no 'Raw Report Data' sheet: download the results from Kahoot! as a spreadsheet"
        )
    rows = [list(r) for r in book["Raw Report Data"].iter_rows(values_only=True)]
    header_at = next((i for i, r in enumerate(rows) if "Question Number" in r and "Player" in r), None)
    if header_at is None:
        raise ResultsFileError(f"{path}: sheet 'Raw Report Data' has no header row with 'Question Number' and 'Player'")
    header = [str(c or "").strip() for c in rows[header_at]]
    col = {name: header.index(name) for name in header if name}
    for needed in ("Question", "Player", "Answer"):
        if needed not in col:
            raise ResultsFileError(f"{path}: sheet 'Raw Report Data' has no '{needed}' column")
    out = PlatformAnswers("kahoot", path)
    students: dict[str, dict[str, str]] = {}
    for r in rows[header_at + 1 :]:
        if not r or r[col["Question Number"]] in (None, ""):
            continue
        key = str(r[col["Question Number"]]).strip()
        out.questions[key] = str(r[col["Question"]] or "")
        player = str(r[col["Player"]] or "").strip()
        students.setdefault(player, {})[key] = str(r[col["Answer"]] or "")
    out.rows = list(students.items())
    return out


def _csv(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultsFileError(f"{path}: cannot be read as CSV ({exc})") from None
    if not rows:
        raise ResultsFileError(f"{path}: is empty")
    return [h.strip() for h in rows[0]], rows[1:]


def read_moodle(path: Path) -> PlatformAnswers:
    header, rows = _csv(path)
    slots = [m.group(1) for h in header if (m := re.fullmatch(r"Response (\d+)", h))]
    if not slots:
        raise ResultsFileError(
            f"{path}: no 'Response 1', 'Response 2', … columns: download the quiz's Responses report"
        )
    who = [h for h in ("ID number", "Email address", "Username") if h in header]
    names = [h for h in ("Last name", "Surname", "First name") if h in header]
    out = PlatformAnswers("moodle", path, {s: "" for s in slots})
    for n, r in enumerate(rows, start=2):
        cells = dict(zip(header, r))
        if not any(cells.get(f"Response {s}") for s in slots):
            continue  # the report's closing "Overall average" row
        student = next((cells[h] for h in who if cells.get(h)), " ".join(cells.get(h, "") for h in names) or str(n))
        out.rows.append((student, {s: cells.get(f"Response {s}", "") for s in slots}))
        for s in slots:
            if cells.get(f"Question {s}"):
                out.questions[s] = cells[f"Question {s}"]
    return out


def read_canvas(path: Path) -> PlatformAnswers:
    header, rows = _csv(path)
    if "attempt" not in header:
        raise ResultsFileError(f"{path}: no 'attempt' column: download the quiz's Student Analysis report from Canvas")
    questions = {h: h.partition(": ")[2] for h in header if re.match(r"^\d+: ", h)}
    if not questions:
        raise ResultsFileError(f"{path}: no question columns ('<id>: <question text>') in the Student Analysis report")
    out = PlatformAnswers("canvas", path, dict(questions))
    for n, r in enumerate(rows, start=2):
        cells = dict(zip(header, r))
        student = cells.get("sis_id") or cells.get("id") or cells.get("name") or str(n)
        out.rows.append((student, {h: cells.get(h, "") for h in questions}))
    return out


PLATFORM_READERS = {"kahoot": read_kahoot, "moodle": read_moodle, "canvas": read_canvas}


def _option_texts(q: Question) -> list[str]:
    return ["True", "False"] if q.type == "true-false" else list(q.options)


def to_responses(
    answers: PlatformAnswers, questions: list[Question], version: str
) -> tuple[list[dict], dict, list[str]]:
    """(responses, sheet map for `version`, notes on what could not be mapped) from a platform's answers.

    A platform question maps to the deck question whose prompt its text matches (or, for Moodle, whose
    fact id its name carries); without a text, to the question whose options best hold its answers."""
    bubbled = [q for q in questions if q.options or q.truth is not None]
    prompts = {q.id: _norm(q.prompt) for q in bubbled}
    mapping: dict[str, Question] = {}
    notes = []
    for key, text in answers.questions.items():
        found = None
        if text:
            best = process.extractOne(_norm(text), prompts, scorer=fuzz.ratio)
            if best and best[1] >= MATCH:
                found = next(q for q in bubbled if q.id == best[2])
        if found is None:  # no text, or a text the platform changed: the question whose options were chosen
            seen = {_norm(row.get(key, "")) for _, row in answers.rows} - {""}
            scored = [
                (sum(_norm(o) in seen for o in _option_texts(q)), q) for q in bubbled if q not in mapping.values()
            ]
            scored = [s for s in scored if s[0] >= 2]
            if scored:
                found = max(scored, key=lambda s: s[0])[1]
        if found is None:
            notes.append(f"{answers.path}: question {key} matches no question of the deck: left out")
        else:
            mapping[key] = found
    entries: dict[str, dict] = {}
    for number, q in enumerate(mapping.values(), start=1):
        tf = q.type == "true-false"
        entries[str(number)] = {
            "id": q.id,
            "type": q.type,
            "facts": list(q.fact_ids),
            "stem": q.prompt,
            "points": 1,
            "options": _option_texts(q),
            "origins": [] if tf else list(range(len(q.options))),
            "key": ("T" if q.truth else "F") if tf else "A",
        }
    responses = []
    for student, row in answers.rows:
        letters = {}
        for number, (key, q) in enumerate(mapping.items(), start=1):
            chosen = _norm(row.get(key, ""))
            options = [_norm(o) for o in _option_texts(q)]
            letter = ""
            if chosen:
                match = process.extractOne(chosen, options, scorer=fuzz.ratio)
                if match and match[1] >= MATCH:
                    letter = ("TF" if q.type == "true-false" else "ABCDEFGH")[int(match[2])]
                else:
                    letter = "-"  # an answer that is none of the options: wrong, no option counted
            letters[str(number)] = letter
        responses.append({"student": student, "version": version, "answers": letters})
    return responses, {"questions": entries, "version": version}, notes


def platform_questions(base, deck) -> list[Question]:
    """The questions factdeck's exports can have written for `deck`: its quiz as the deck sets it, and every
    multiple-choice and true/false question its vetted facts make (an export may ask for those types only)."""
    from factdeck.quiz import make_quiz, with_overrides
    from factdeck.records.select import select_facts

    facts = select_facts(base, deck)
    found: dict[str, Question] = {}
    for settings in (
        deck.quiz,
        with_overrides(deck.quiz, types=["multiple-choice"], questions=max(1, len(facts)), versions=1),
        with_overrides(deck.quiz, types=["true-false"], questions=max(1, len(facts)), versions=1),
    ):
        for q in make_quiz(base, deck, facts, settings).questions:
            found.setdefault(q.id, q)
    return list(found.values())
