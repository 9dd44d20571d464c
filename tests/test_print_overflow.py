"""No printed text leaves the page's text area: a question taller than a page breaks across pages, its
number and first lines together. Word positions read back from the PDFs with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from conftest import Project, sample_project

CM = 72 / 2.54
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 2 * CM, 1.8 * CM, 2.2 * CM  # templates/quiz/_setup.typ
VERSIONS = 10
STORY = (
    "the river rose over the lower wharf before dawn and the guild's boatmen rowed between the warehouses "
    "carrying families to the hall while the water kept rising through the morning and into the night"
)
WORDS = STORY.split(" ")


def tall_dispute() -> str:
    """A disputed fact with ten versions, each citing a 38-word quote from its own source."""
    versions = []
    for n in range(1, VERSIONS + 1):
        quote = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(38))
        versions.append(
            f"""      - id: count-{n}
        claim: "{n * 7} members died in the flood, as account number {n} tells it at some length."
        answer: "{n * 7}"
        claimed_by: "witness account {n}, collected from the survivors of the lower wharf"
        citations:
          - source: account-{n}
            locator: "page {n * 11}, the second paragraph after the list of the drowned"
            quote: "{quote}"
"""
        )
    return f"""- id: flood-deaths-disputed
  kind: number
  era: decline
  date: "1927"
  question: "What do the witness accounts say about how many guild members died in the flood of 1927?"
  answer: "Between 7 and 70, depending on the account"
  statement: "Ten witness accounts disagree on how many guild members died in the 1927 flood."
  citations:
    - source: chronicle
      locator: "chapter 4, para. 3"
      quote: "twelve members drowned"
  dispute:
    summary: "Ten accounts of the flood give ten different numbers of dead."
    versions:
{"".join(versions)}  status: vetted
  vetted: 2026-11-22
  reviewer: fact-editor
"""


def accounts() -> str:
    return "".join(
        f"""
- id: account-{n}
  title: "Witness account {n}: the flood of 1927 as the survivors of the lower wharf remembered it"
  publisher: "The Millford Oral History Project"
  author: "Interviewer {n}"
  accessed: 2026-11-20
  url: "https://example.org/oral-history/flood-1927/accounts/{n}/transcript?format=full&lang=en&page=all"
  kind: academic
  stance: neutral
  perspective: "A transcribed interview with a survivor, recorded decades later."
"""
        for n in range(1, VERSIONS + 1)
    )


@pytest.fixture(scope="module")
def tall(tmp_path_factory) -> Project:
    project = sample_project(tmp_path_factory.mktemp("overflow") / "proj")
    project.write("facts/flood.yaml", tall_dispute())
    project.write("facts/sources.yaml", project.read("facts/sources.yaml") + accounts())
    project.write(
        "decks/tall.yaml",
        'id: tall\nname: "The flood"\ndescription: "The disputed flood."\n'
        "select:\n  include:\n    facts: [flood-deaths-disputed]\n"
        "quiz:\n  counts: {source-analysis: 1}\n  versions: 1\n  answer_sheet: true\n",
    )
    for paper in ("a4", "us-letter"):
        result = project.run(
            "quiz", "tall", "--paper", paper, "--output", str(project.path(f"out-{paper}")), "--large-print"
        )
        assert result.exit_code == 0, result.output
    return project


def runs(path: Path) -> list[tuple[int, float, float, float, str, float, float]]:
    """(page, x, y, size, text, page width, page height) of every text run printed."""
    found = []
    for number, page in enumerate(pypdf.PdfReader(path).pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, width=width, height=height):
            if text.strip():
                x = tm[4] * cm[0] + cm[4]
                y = tm[5] * cm[3] + cm[5]
                found.append((number, x, y, size * abs(tm[3]) * abs(cm[3]), text, width, height))

        page.extract_text(visitor_text=visit)
    return found


FOOTER = re.compile(r"^(?:The flood · (?:Worksheet|Answer key|Answer sheet)|Version A · page \d+ of \d+)$")


@pytest.mark.parametrize("paper", ["a4", "us-letter"])
@pytest.mark.parametrize("stem", ["worksheet-A", "key-A", "worksheet-A-large-print", "key-A-large-print"])
def test_no_text_outside_the_text_area(tall, paper, stem):
    path = tall.path(f"out-{paper}/tall/{stem}.pdf")
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) >= 2  # the question does not fit on one page: it was broken, not cut
    printed = runs(path)
    assert any(f"witness account {VERSIONS}" in r[4] for r in printed) or stem.startswith("worksheet")
    body = 0
    for page, x, y, size, text, width, height in printed:
        where = f"{stem} ({paper}) page {page + 1}: {text!r} at ({x:.0f}, {y:.0f})"
        # Every run starts inside the page's text area, left to right; at least 0.3 em a character wide.
        assert x >= MARGIN_X - 0.5 and x + 0.3 * size * len(text.strip()) <= width - MARGIN_X + 0.5, where
        if y < MARGIN_BOTTOM:  # below the text area: only the footer may be there
            assert FOOTER.match(" ".join(text.split())) and y > 0.3 * CM, where
        else:
            body += 1
            assert y + 0.7 * size <= height - MARGIN_TOP + 1, where
    assert body > 50


@pytest.mark.parametrize("paper", ["a4", "us-letter"])
def test_the_broken_question_keeps_its_number_with_its_first_lines(tall, paper):
    printed = runs(tall.path(f"out-{paper}/tall/worksheet-A.pdf"))
    number = next(r for r in printed if r[4].strip() == "1.")
    same_page = [r for r in printed if r[0] == number[0] and abs(r[2] - number[2]) < 2 and r[1] > number[1]]
    assert any("witness accounts" in r[4] for r in same_page)  # the prompt starts beside the number
    excerpts = [r for r in printed if r[4].startswith("“")]
    assert len({r[0] for r in excerpts}) >= 2  # the excerpts run on to the next page


def test_long_urls_break_inside_the_text_area(tall):
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(tall.path("out-a4/tall/key-A.pdf")).pages)
    assert "transcript?" in text.replace("\n", "")
