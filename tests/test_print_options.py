"""What a teacher sets for printing: points and totals, questions per type, title, instructions and labels,
answer sheets with the ZipGrade key, large print; and PDF/UA. PDFs read back with pypdf."""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from conftest import Project, sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.print.layout import print_layout, print_quiz
from factdeck.quiz import with_overrides
from factdeck.records.select import select_facts

FOLDER = "build/guild-history"
POINTS = {"multiple-choice": 1, "true-false": 1, "short-answer": 3, "source-analysis": 5}


def text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages)


def sizes(path: Path) -> list[float]:
    """The size each text run is printed at, in points (the font size times the text and page matrices)."""
    found: list[float] = []

    def visit(t, cm, tm, font, size):
        if t.strip():
            found.append(round(size * abs(tm[3]) * abs(cm[3]), 2))

    for page in pypdf.PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return found


def line_gaps(path: Path) -> list[float]:
    """The distances between one printed line and the next, in points (every page)."""
    gaps: list[float] = []
    for page in pypdf.PdfReader(path).pages:
        ys: set[float] = set()

        def visit(t, cm, tm, font, size, ys=ys):
            if t.strip():
                ys.add(round(tm[5] * cm[3] + cm[5], 1))

        page.extract_text(visitor_text=visit)
        ordered = sorted(ys, reverse=True)
        gaps += [a - b for a, b in zip(ordered, ordered[1:]) if a - b > 3]
    return gaps


@pytest.fixture(scope="module")
def teacher(tmp_path_factory) -> tuple[Project, object]:
    """Worksheets with every print option set on the command line: 2 versions."""
    project = sample_project(tmp_path_factory.mktemp("print") / "proj", more_facts=True)
    args = ["quiz", "guild-history", "--versions", "2", "--answer-sheet", "--large-print"]
    args += ["--count", "multiple-choice=3,true-false=2", "--count", "short-answer=2", "--count", "source-analysis=1"]
    args += [f"--points={k}={v}" for k, v in POINTS.items()]
    args += ["--title", "Guild quiz, spring term", "--instructions", "Work alone. Use a pen."]
    args += ["--label", "group=Class", "--label", "date=", "--label", "id=Student number"]
    result = project.run(*args)
    assert result.exit_code == 0, result.output
    base = load_and_validate(project.root)
    deck = base.deck("guild-history")
    settings = with_overrides(
        deck.quiz,
        versions=2,
        counts={"multiple-choice": 3, "true-false": 2, "short-answer": 2, "source-analysis": 1},
        points=POINTS,
    )
    return project, print_quiz(base, deck, select_facts(base, deck), settings)


def test_every_file_per_version_and_one_zipgrade_key(teacher):
    project, _ = teacher
    names = sorted(p.name for p in project.path(FOLDER).iterdir())
    pdfs = [
        f"{stem}-{v}{large}.pdf"
        for stem in ("answer-sheet", "key", "worksheet")
        for v in "AB"
        for large in ("", "-large-print")
    ]
    maps = [f"answer-sheet-{v}{large}.json" for v in "AB" for large in ("", "-large-print")]  # for factdeck scan
    assert names == sorted([*pdfs, *maps, "zipgrade-key.csv"])


def test_questions_per_type_as_asked(teacher):
    _, quiz = teacher
    for version in quiz.versions:
        got = Counter(p.type for p in version.questions)
        assert got == {"multiple-choice": 3, "true-false": 2, "short-answer": 2, "source-analysis": 1}
    # No fact makes two questions.
    facts = [f for q in quiz.questions for f in q.fact_ids]
    assert len(facts) == len(set(facts))


def test_points_and_totals_on_worksheet_and_key(teacher):
    project, quiz = teacher
    total = sum(POINTS[q.type] for q in quiz.questions)
    assert total == 3 + 2 + 6 + 5
    for v in "AB":
        sheet = text(project.path(f"{FOLDER}/worksheet-{v}.pdf"))
        assert f"{total} points" in sheet and re.search(rf"Score: / {total} points", sheet)
        assert "3 points each, 6 in all" in sheet and "5 points" in sheet
        key = text(project.path(f"{FOLDER}/key-{v}.pdf"))
        assert f"total {total} points" in key and "3 points each, 6 in all" in key


def test_title_instructions_and_labels(teacher):
    project, _ = teacher
    sheet = text(project.path(f"{FOLDER}/worksheet-A.pdf"))
    assert sheet.startswith("Guild quiz, spring term")
    assert "Instructions. Work alone. Use a pen." in sheet
    assert "Name:" in sheet and "Class:" in sheet and "Group:" not in sheet and "Date:" not in sheet
    answers = text(project.path(f"{FOLDER}/answer-sheet-A.pdf"))
    assert "Name:" in answers and "Student number:" in answers


def test_answer_sheet_bubbles_and_boxes(teacher):
    project, quiz = teacher
    for version in quiz.versions:
        answers = text(project.path(f"{FOLDER}/answer-sheet-{version.letter}.pdf"))
        assert f"Version {version.letter} · page 1" in answers
        for p in version.questions:
            assert f"{p.number}." in answers
        assert answers.count("A B C D") == 3 and answers.count("T F") == 2  # a row of bubbles each
        assert "Written answers" in answers and "(a)" in answers and "(b)" in answers


def test_zipgrade_key_has_every_version(teacher):
    project, quiz = teacher
    rows = list(csv.reader(io.StringIO(project.read(f"{FOLDER}/zipgrade-key.csv"))))
    assert rows[0] == ["Key", "Question Number", "Response", "Points"]
    expected = []
    for version in quiz.versions:
        for p in version.questions:
            if p.type == "multiple-choice":
                expected.append([version.letter, str(p.number), p.correct_letter, "1"])
            elif p.type == "true-false":
                expected.append([version.letter, str(p.number), "A" if p.question.truth else "B", "1"])
    assert rows[1:] == expected and len(expected) == 10
    # The key PDF gives the same letters.
    key = text(project.path(f"{FOLDER}/key-A.pdf"))
    for _, number, letter, _ in (r for r in expected if r[0] == "A"):
        if letter in "CD":
            assert f"{number}. {letter}." in key


@pytest.mark.parametrize("stem", ["worksheet-A", "key-A", "answer-sheet-A"])
def test_large_print_is_larger_and_more_spaced(teacher, stem):
    project, _ = teacher
    normal = sizes(project.path(f"{FOLDER}/{stem}.pdf"))
    large = sizes(project.path(f"{FOLDER}/{stem}-large-print.pdf"))
    assert min(large) >= 1.3 * min(normal) - 0.01
    assert statistics.median(large) >= 1.3 * statistics.median(normal) - 0.01
    assert statistics.median(large) >= 13.5  # body text at 14.85 pt, the bubbles at 11.5 pt
    assert statistics.median(line_gaps(project.path(f"{FOLDER}/{stem}-large-print.pdf"))) >= 1.3 * statistics.median(
        line_gaps(project.path(f"{FOLDER}/{stem}.pdf"))
    )
    assert len(pypdf.PdfReader(project.path(f"{FOLDER}/{stem}-large-print.pdf")).pages) >= len(
        pypdf.PdfReader(project.path(f"{FOLDER}/{stem}.pdf")).pages
    )


def test_deck_settings_do_the_same(project):
    project.replace(
        "decks/all.yaml",
        "  versions: 2",
        "  versions: 1\n  answer_sheet: true\n  points: {true-false: 2}\n  labels: {group: Form}\n"
        "  instructions: Answer in ink.",
    )
    assert project.run("check").exit_code == 0
    result = project.run("build", "--format", "pdf")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in project.path(FOLDER).iterdir())
    assert names == ["answer-sheet-A.json", "answer-sheet-A.pdf", "key-A.pdf", "worksheet-A.pdf", "zipgrade-key.csv"]
    sheet = text(project.path(f"{FOLDER}/worksheet-A.pdf"))
    assert "Form:" in sheet and "Answer in ink." in sheet
    # Dropping the option removes its files.
    project.replace("decks/all.yaml", "  answer_sheet: true\n", "")
    assert project.run("build", "--format", "pdf").exit_code == 0
    assert sorted(p.name for p in project.path(FOLDER).iterdir()) == ["key-A.pdf", "worksheet-A.pdf"]


def test_default_layout_gives_one_point_a_question(project):
    base = load_and_validate(project.root)
    layout = print_layout(base.deck("guild-history").quiz)
    assert set(layout.points.values()) == {1}
    assert [label for label, _ in layout.labels] == ["Name", "Date", "Group"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--count", "essay=3"], "unknown question type 'essay'"),
        (["--points", "multiple-choice=lots"], "TYPE=N"),
        (["--label", "school=X"], "FIELD=LABEL"),
        (["--count", "multiple-choice=0"], "at least one question"),
        (["--title", " "], "must not be empty"),
    ],
)
def test_bad_print_options_are_usage_errors(project, args, message):
    result = project.run("quiz", "guild-history", *args)
    assert result.exit_code == 2 and message in result.output


def test_bad_deck_settings_are_located_errors(project):
    project.replace("decks/all.yaml", "  versions: 2", "  versions: 2\n  points: {essay: 2}\n  counts: {matching: -1}")
    result = project.run("check")
    assert result.exit_code == 1
    assert "decks/all.yaml:" in result.output and "essay" in result.output


def test_every_pdf_declares_pdf_ua_and_carries_a_title(teacher):
    project, _ = teacher
    assert project.run("sessions", "guild-history", "--meetings", "2").exit_code == 0
    pdfs = sorted(project.path(FOLDER).rglob("*.pdf"))
    assert {p.name for p in pdfs} >= {"worksheet-A.pdf", "key-A.pdf", "answer-sheet-A.pdf", "guide.pdf"}
    for path in pdfs:
        reader = pypdf.PdfReader(path)
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", xmp), path.name
        title = reader.metadata.title
        assert title and title.strip(), path.name
        assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
        # The viewer shows the title, not the file name (PDF/UA-1, 7.1).
        assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    assert pypdf.PdfReader(project.path(f"{FOLDER}/answer-sheet-B-large-print.pdf")).metadata.title == (
        "Guild quiz, spring term · Answer sheet · Version B · Large print"
    )
