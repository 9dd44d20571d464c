"""`factdeck results` on a simulated class: answers drawn from a known ability model (a Rasch model, one hard
question, one distractor nobody is drawn to) recover which questions are hard and which distractors go
unpicked, with flags at the right fact lines; ZipGrade's export read as ZipGrade documents it."""

from __future__ import annotations

import csv
import json
import math
import random

import pytest
from conftest import sample_project

from factdeck.build import load_and_validate
from factdeck.reports.results import analyse
from factdeck.reports.results_imports import ResultsFileError, read_zipgrade

DECK = "guild-history"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = sample_project(tmp_path_factory.mktemp("results") / "proj", more_facts=True)
    result = project.run("quiz", DECK, "--versions", "2", "--answer-sheet", "--count", "multiple-choice=6,true-false=2")
    assert result.exit_code == 0, result.output
    maps = {v: json.loads(project.read(f"build/{DECK}/answer-sheet-{v}.json")) for v in "AB"}
    return project, maps


def simulate(maps, hard_id: str, dead: tuple[str, int], students: int = 60, seed: int = 1):
    """Responses of `students`: P(correct) = logistic(ability - difficulty), the hard question at
    difficulty 2.5, the others at -1; a wrong answer picks a distractor at random, never the `dead` one."""
    rng = random.Random(seed)
    rows = []
    for s in range(students):
        version = "AB"[s % 2]
        ability = rng.gauss(0, 1)
        answers = {}
        for number, q in maps[version]["questions"].items():
            if "key" not in q:
                continue
            b = 2.5 if q["id"] == hard_id else -1.0
            correct = rng.random() < 1 / (1 + math.exp(-(ability - b)))
            if q["type"] == "true-false":
                answers[number] = q["key"] if correct else ("F" if q["key"] == "T" else "T")
                continue
            letters = "ABCD"[: len(q["origins"])]
            if correct:
                answers[number] = q["key"]
            else:
                wrong = [letters[i] for i, o in enumerate(q["origins"]) if o != 0 and (q["id"], o) != dead]
                answers[number] = rng.choice(wrong)
        rows.append({"student": str(s), "version": version, "answers": answers})
    return rows


def test_results_recover_hard_items_and_unpicked_distractors_with_fact_lines(built, tmp_path):
    project, maps = built
    mc = [q for q in maps["A"]["questions"].values() if q["type"] == "multiple-choice"]
    hard, deadly = mc[0], mc[1]
    responses = simulate(maps, hard["id"], (deadly["id"], 2))
    items = {i.id: i for i in analyse(responses, maps)}
    assert min(items.values(), key=lambda i: i.difficulty).id == hard["id"]
    assert items[hard["id"]].difficulty < 0.3
    assert items[deadly["id"]].counts[2] == 0
    assert any("distracts nobody" in f for f in items[deadly["id"]].flags)
    assert sum("distracts nobody" in f for i in items.values() for f in i.flags) == 1
    # The command: the responses file factdeck scan writes, the report and its flags at the fact's line.
    folder = tmp_path / "results" / DECK
    folder.mkdir(parents=True)
    numbers = sorted({int(n) for m in maps.values() for n in m["questions"]})
    with (folder / "responses.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sheet", "student_id", "version", *(f"q{n}" for n in numbers)])
        for r in responses:
            writer.writerow(
                [r["student"], r["student"], r["version"], *(r["answers"].get(str(n), "") for n in numbers)]
            )
    result = project.run("results", DECK, "--results", str(tmp_path / "results"))
    assert result.exit_code == 0, result.output
    base = load_and_validate(project.root)
    hard_fact = base.facts_by_id[hard["facts"][0]]
    dead_fact = base.facts_by_id[deadly["facts"][0]]
    flags = (folder / "flags.txt").read_text()
    assert f"{dead_fact.file}:{dead_fact.line}: {dead_fact.id}" in flags and "distracts nobody" in flags
    assert f"{hard_fact.file}:{hard_fact.line}: {hard_fact.id}: missed by most" in flags
    assert hard_fact.id in (folder / "focus.txt").read_text().split()
    assert f'"FactId:{hard_fact.id}"' in (folder / "missed-facts-anki-search.txt").read_text()
    report = (folder / "report.html").read_text()
    assert report.count("<svg") >= 2 and hard["id"] in report
    rows = list(csv.DictReader((folder / "items.csv").open()))
    assert {r["question"] for r in rows} == {q["id"] for q in maps["A"]["questions"].values() if "key" in q}


def test_a_key_error_and_negative_discrimination_are_flagged(built):
    _, maps = built
    mc = [q for q in maps["A"]["questions"].values() if q["type"] == "multiple-choice"][2]
    responses = simulate(maps, "", ("", 0), students=60, seed=5)
    # The strongest students all choose the same distractor of this question: its key is suspect.
    totals = sorted(responses, key=lambda r: -sum(1 for _ in r["answers"]))
    for r in responses[:]:
        q = next(q for n, q in maps[r["version"]]["questions"].items() if q["id"] == mc["id"])
        number = next(n for n, x in maps[r["version"]]["questions"].items() if x["id"] == mc["id"])
        right = sum(
            r["answers"].get(n) == x.get("key")
            for n, x in maps[r["version"]]["questions"].items()
            if x["id"] != mc["id"]
        )
        letters = "ABCD"
        r["answers"][number] = letters[q["origins"].index(1)] if right >= 6 else q["key"]
    assert totals
    item = next(i for i in analyse(responses, maps) if i.id == mc["id"])
    assert any("more often than the key" in f for f in item.flags)
    assert any("negative discrimination" in f for f in item.flags)


def test_zipgrade_export_read_and_a_misformatted_one_refused(built, tmp_path):
    _, maps = built
    export = tmp_path / "zipgrade.csv"
    header = [
        "Quiz Name",
        "Student ID",
        "Key Version",
        "Earned Points",
        *[f"{c}{n}" for n in (1, 2) for c in ("Stu", "PriKey", "Mark")],
    ]
    export.write_text(
        ",".join(header) + "\r\nGuild,1001,A,1,B,B,C,A,B,X\r\nGuild,1002,B,0,,A,X,b,A,X\r\n", encoding="utf-8"
    )
    rows = read_zipgrade(export)
    assert rows == [
        {"student": "1001", "version": "A", "answers": {"1": "B", "2": "A"}},
        {"student": "1002", "version": "B", "answers": {"1": "", "2": "B"}},
    ]
    bad = tmp_path / "other.csv"
    bad.write_text("name,score\r\nx,1\r\n")
    with pytest.raises(ResultsFileError, match="no 'Stu1'"):
        read_zipgrade(bad)


def platform_files(project, tmp_path):
    """A class's answers to three questions as Kahoot!, Moodle and Canvas export them."""
    from openpyxl import Workbook

    from factdeck.reports.platform_results import platform_questions

    base = load_and_validate(project.root)
    questions = [q for q in platform_questions(base, base.deck(DECK)) if q.type == "multiple-choice"][:3]
    picks = [[0, 0, 1], [0, 2, 0], [0, 0, 0], [0, 1, 0]]  # per student: the option index per question (0 = key)
    book = Workbook()
    sheet = book.active
    sheet.title = "Raw Report Data"
    sheet.append(
        [
            "Question Number",
            "Question",
            "Answer 1",
            "Answer 2",
            "Answer 3",
            "Answer 4",
            "Correct Answers",
            "Time Allotted to Answer (seconds)",
            "Player",
            "Answer",
            "Correct / Incorrect",
        ]
    )
    for s, row in enumerate(picks):
        for n, (q, pick) in enumerate(zip(questions, row), start=1):
            sheet.append(
                [
                    n,
                    q.prompt,
                    *q.options,
                    q.options[0],
                    20,
                    f"player{s}",
                    q.options[pick],
                    "Correct" if pick == 0 else "Incorrect",
                ]
            )
    kahoot = tmp_path / "kahoot.xlsx"
    book.save(kahoot)
    moodle = tmp_path / "moodle.csv"
    with moodle.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "Last name",
                "First name",
                "Email address",
                "State",
                "Started on",
                "Completed",
                "Time taken",
                "Grade/3.00",
                *[c for n in (1, 2, 3) for c in (f"Question {n}", f"Response {n}")],
            ]
        )
        for s, row in enumerate(picks):
            cells = [c for q, pick in zip(questions, row) for c in (q.prompt, q.options[pick])]
            w.writerow([f"L{s}", f"F{s}", f"s{s}@example.org", "Finished", "", "", "", "1.00", *cells])
        w.writerow(["Overall average", "", "", "", "", "", "", "2.00", "", "", "", "", "", ""])
    canvas = tmp_path / "canvas.csv"
    with canvas.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "name",
                "id",
                "sis_id",
                "section",
                "section_id",
                "section_sis_id",
                "submitted",
                "attempt",
                *[c for n, q in enumerate(questions) for c in (f"{900 + n}: {q.prompt}", "1.0")],
                "n correct",
                "n incorrect",
                "score",
            ]
        )
        for s, row in enumerate(picks):
            cells = [c for q, pick in zip(questions, row) for c in (q.options[pick], "1" if pick == 0 else "0")]
            w.writerow([f"S{s}", str(s), f"sis{s}", "A", "1", "", "2026-01-01", "1", *cells, "", "", ""])
    return questions, picks, {"kahoot": kahoot, "moodle": moodle, "canvas": canvas}


@pytest.mark.parametrize("tool", ["kahoot", "moodle", "canvas"])
def test_platform_results_read_as_each_tool_lays_them_out(built, tmp_path, tool):
    from factdeck.reports.platform_results import PLATFORM_READERS, platform_questions, to_responses

    project, _ = built
    questions, picks, files = platform_files(project, tmp_path)
    base = load_and_validate(project.root)
    responses, data, notes = to_responses(
        PLATFORM_READERS[tool](files[tool]), platform_questions(base, base.deck(DECK)), "x"
    )
    assert not notes and len(responses) == 4
    items = {i.id: i for i in analyse(responses, {"x": data})}
    for n, q in enumerate(questions):
        counts = [0] * len(q.options)
        for row in picks:
            counts[row[n]] += 1
        assert items[q.id].counts == counts


def test_platform_results_through_the_command_and_a_misformatted_file(built, tmp_path):
    project, _ = built
    _, _, files = platform_files(project, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("just,some\r\ncolumns,here\r\n")
    args = [f"--from={tool}={path}" for tool, path in files.items()] + [f"--from=canvas={bad}"]
    result = project.run("results", DECK, "--results", str(tmp_path / "results"), *args)
    assert result.exit_code == 0, result.output
    assert "bad.csv: no 'attempt' column" in result.output and "Traceback" not in result.output
    assert "12 answer sheets" in result.output


def test_the_anki_search_finds_the_missed_facts_notes_in_anki(built, tmp_path):
    """The search, pasted into Anki (the official anki package), finds every note of the missed facts and
    nothing else."""
    from anki.collection import Collection, ImportAnkiPackageRequest

    from factdeck.reports.results import anki_search

    project, _ = built
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 0, result.output
    base = load_and_validate(project.root)
    deck = base.deck(DECK)
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        apkg = next(project.path("build").rglob(f"{DECK}*.apkg"))
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg)))
        facts = sorted({col.get_note(n)["FactId"] for n in col.find_notes("")})[:2]
        found = col.find_notes(anki_search(deck.name, facts))
        assert found and {col.get_note(n)["FactId"] for n in found} == set(facts)
        assert len(found) == sum(col.get_note(n)["FactId"] in facts for n in col.find_notes(""))
    finally:
        col.close()
