"""Worksheets and answer keys as PDFs, read back with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from conftest import Project, sample_project

from factdeck.build import load_and_validate
from factdeck.quiz import make_quiz, with_overrides
from factdeck.records.select import select_facts
from factdeck.text.compare import answer_comparison_form

PERSIAN_WORDS = ("کریم", "جعفری")


def text_of(path: Path) -> list[str]:
    """Each page's text with runs of whitespace made single spaces."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


def shown(question, placed) -> list[str]:
    """Texts that identify a question on the worksheet."""
    q = question
    if q.type in ("matching", "timeline"):
        return [item.text for item in q.items]
    if q.type == "fill-blank":
        return [max(q.parts, key=len).strip()]
    return [q.prompt]


def flat(text: str) -> str:
    return " ".join(text.split())


RTL = re.compile("[\u0590-\u08ff]")


def appears(snippet: str, text: str) -> bool:
    """Whether `snippet` is printed in `text`. A PDF stores a right-to-left run in visual order, so
    pypdf reads Persian words back to front: text holding one is compared word by word."""
    if RTL.search(snippet):
        words = set(re.sub(r"[()]", " ", text).split())
        return all(word in words for word in re.sub(r"[()]", " ", snippet).split())
    return flat(snippet) in text


def same_words(a: str, b: str) -> bool:
    return sorted(flat(a).replace("(", " ").replace(")", " ").split()) == sorted(
        flat(b).replace("(", " ").replace(")", " ").split()
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The sample project with the quiz facts, worksheets made once for the module: 14 questions, 3 versions."""
    root = tmp_path_factory.mktemp("worksheets") / "proj"
    project = sample_project(root, more_facts=True)
    result = project.run("quiz", "guild-history", "--questions", "14", "--versions", "3", "--seed", "5")
    assert result.exit_code == 0, result.output
    base = load_and_validate(root)
    deck = base.deck("guild-history")
    quiz = make_quiz(base, deck, select_facts(base, deck), with_overrides(deck.quiz, questions=14, versions=3, seed=5))
    return project, base, quiz


def pdf(project: Project, name: str) -> Path:
    return project.path(f"build/guild-history/{name}.pdf")


def test_quiz_writes_a_worksheet_and_a_key_per_version(made):
    project, _, quiz = made
    files = sorted(p.name for p in project.path("build/guild-history").iterdir())
    assert files == ["key-A.pdf", "key-B.pdf", "key-C.pdf", "worksheet-A.pdf", "worksheet-B.pdf", "worksheet-C.pdf"]
    assert len(quiz.questions) == 14


def test_every_question_is_on_the_worksheet_once(made):
    project, _, quiz = made
    for version in quiz.versions:
        text = " ".join(text_of(pdf(project, f"worksheet-{version.letter}")))
        for placed in version.questions:
            for snippet in shown(placed.question, placed):
                assert text.count(flat(snippet).replace("_____", "").strip()) == 1, snippet
            assert re.search(rf"(?<!\d){placed.number}\. ", text)


def test_worksheet_layout_header_footer_and_whole_questions(made):
    project, _, quiz = made
    for version in quiz.versions:
        pages = text_of(pdf(project, f"worksheet-{version.letter}"))
        assert len(pages) >= 2
        assert "River Guild history" in pages[0] and "Name:" in pages[0] and "Date:" in pages[0]
        assert "Group:" in pages[0] and "Instructions." in pages[0] and "V E R S I O N " + version.letter in pages[0]
        for number, page in enumerate(pages, 1):
            assert f"Version {version.letter} · page {number} of {len(pages)}" in page
        # No question split across pages: a multiple-choice prompt and its four options share a page.
        for placed in version.questions:
            if placed.type == "multiple-choice":
                page = next(p for p in pages if flat(placed.question.prompt) in p)
                assert all(appears(option, page) for option in placed.options)


def test_the_key_answers_each_question_of_its_version(made):
    project, _, quiz = made
    for version in quiz.versions:
        key = " ".join(text_of(pdf(project, f"key-{version.letter}")))
        sheet = " ".join(text_of(pdf(project, f"worksheet-{version.letter}")))
        assert "Answer key: River Guild history" in key
        for placed in version.questions:
            q = placed.question
            if q.type in ("multiple-choice", "true-false", "matching", "timeline"):
                assert f"{placed.number}. {placed.answer_label}" in key, placed.answer_label
            else:
                assert flat(q.explanation) in key
            if q.type == "multiple-choice":
                # The printed letter of the answer is the one the key gives.
                letter = placed.correct_letter
                assert re.search(rf"{letter} {re.escape(flat(q.options[0]))}", sheet)
            for ref in q.references:
                assert f"{flat(ref.source)}, {flat(ref.locator)}" in key
            for v in q.versions:  # a disputed item lists every version
                assert flat(v.claim) in key and flat(v.claimed_by) in key


def test_the_key_ends_with_the_sources_and_their_stances(made):
    project, base, quiz = made
    # The sources follow the last answer (on its page when there is room: no near-empty last page).
    text = " ".join(text_of(pdf(project, "key-A")))
    last = text[text.rindex("Sources Every source the questions") :]
    for source in quiz.sources:
        assert flat(source.title) in last and f"stance: {source.stance}" in last
    assert {s.id for s in quiz.sources} == {"chronicle", "pamphlet"}


def test_versions_differ_in_order_but_not_content(made):
    project, _, quiz = made
    texts = {v.letter: " ".join(text_of(pdf(project, f"worksheet-{v.letter}"))) for v in quiz.versions}
    orders = []
    for version in quiz.versions:
        text = texts[version.letter]
        snippets = [flat(s).replace("_____", "").strip() for p in version.questions for s in shown(p.question, p)]
        assert all(s in text for s in snippets)
        orders.append(sorted(snippets, key=text.index))
    assert all(sorted(o) == sorted(orders[0]) for o in orders)
    assert len({tuple(o) for o in orders}) == len(orders)


def test_no_version_of_a_dispute_is_printed_as_a_wrong_option(made):
    project, base, quiz = made
    attested = {answer_comparison_form(v.answer) for f in base.facts if f.dispute for v in f.dispute.versions}
    for version in quiz.versions:
        sheet = " ".join(text_of(pdf(project, f"worksheet-{version.letter}")))
        for placed in version.questions:
            if placed.type != "multiple-choice":
                continue
            printed = re.search(
                re.escape(flat(placed.question.prompt)) + r" A (.*?) B (.*?) C (.*?) D (.*?)(?= \d+\. | Part )", sheet
            )
            assert printed, placed.question.prompt
            options = [o.strip() for o in printed.groups()]
            assert all(same_words(printed, o) for printed, o in zip(options, placed.options))
            for i, option in enumerate(options):
                if "ABCD"[i] != placed.correct_letter:
                    assert answer_comparison_form(option) not in attested, option


def test_the_same_seed_gives_the_same_text(made, tmp_path):
    project, _, _ = made
    again = tmp_path / "again"
    result = project.run(
        "quiz", "guild-history", "--questions", "14", "--versions", "3", "--seed", "5", "--output", str(again)
    )
    assert result.exit_code == 0, result.output
    for name in ("worksheet-A", "worksheet-C", "key-B"):
        assert text_of(again / "guild-history" / f"{name}.pdf") == text_of(pdf(project, name))
        assert (again / "guild-history" / f"{name}.pdf").read_bytes() == pdf(project, name).read_bytes()
    other = tmp_path / "other"
    project.run("quiz", "guild-history", "--questions", "14", "--versions", "3", "--seed", "6", "--output", str(other))
    assert text_of(other / "guild-history" / "worksheet-A.pdf") != text_of(pdf(project, "worksheet-A"))


def test_persian_names_render_with_an_embedded_arabic_script_font(made):
    project, _, quiz = made
    assert any("کریم" in o for q in quiz.questions for o in (*q.options, *(i.answer for i in q.items), q.prompt)), (
        "the fixture's Persian name should be on the worksheet"
    )
    reader = pypdf.PdfReader(pdf(project, "worksheet-A"))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert all(word in text for word in PERSIAN_WORDS)
    embedded = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            embedded[font["/BaseFont"].split("+")[-1]] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert embedded.get("NotoNaskhArabic-Regular") is True, embedded


# --- injection: fact text is text, never Typst ---------------------------------------------------

MARKUP = [
    '#read("/etc/passwd")',
    "#set page(width: 1cm)",
    "$x^2$",
    "*bold*",
    "_under_",
    "] [",
    "#{1 + 1}",
    "<label> @ref",
    "// not a comment",
    "= not a heading",
    "\\",
    "`raw`",
    '#import "x.typ"',
]


def test_typst_markup_in_facts_renders_as_literal_text(project):
    payload = " ".join(MARKUP)
    yaml_payload = payload.replace("\\", "\\\\").replace('"', '\\"')
    project.write(
        "facts/inject.yaml",
        f"""
- id: inject-person
  kind: person
  era: founding
  date: "1902"
  question: "Who wrote {yaml_payload}?"
  answer: "Eve {yaml_payload}"
  statement: "Eve {yaml_payload} wrote it in 1902."
  citations:
    - source: chronicle
      locator: "page {yaml_payload}"
      quote: "quote {yaml_payload}"
  status: vetted
  vetted: 2026-11-22
- id: inject-dispute
  kind: event
  era: founding
  question: "What happened {yaml_payload}?"
  answer: "Both {yaml_payload}"
  statement: "Sources disagree {yaml_payload}."
  citations:
    - source: chronicle
      locator: "locator {yaml_payload}"
      quote: "quote {yaml_payload}"
  dispute:
    summary: "Summary {yaml_payload}"
    versions:
      - id: one
        claim: "Claim one {yaml_payload}"
        answer: "One {yaml_payload}"
        claimed_by: "Claimant {yaml_payload}"
        citations:
          - source: chronicle
            locator: "ch. {yaml_payload}"
            quote: "one {yaml_payload}"
      - id: two
        claim: "Claim two {yaml_payload}"
        answer: "Two {yaml_payload}"
        claimed_by: "Other {yaml_payload}"
        citations:
          - source: pamphlet
            locator: "sec. {yaml_payload}"
            quote: "two {yaml_payload}"
  status: vetted
  vetted: 2026-11-22
""",
    )
    project.replace(
        "facts/sources.yaml", 'title: "A Chronicle of the River Guild"', f'title: "Chronicle {yaml_payload}"'
    )
    project.write(
        "decks/inject.yaml",
        'id: inject\nname: "Inject #set page(width: 1cm)"\ndescription: d\n'
        "select:\n  include:\n    facts: [inject-person, inject-dispute]\n",
    )
    result = project.run("quiz", "inject", "--types", "short-answer,source-analysis,fill-blank", "--versions", "1")
    assert result.exit_code == 0, result.output
    for name in ("worksheet-A", "key-A"):
        path = project.path(f"build/inject/{name}.pdf")
        reader = pypdf.PdfReader(path)
        text = flat(" ".join(p.extract_text() for p in reader.pages))
        assert flat(payload) in text, name
        assert "root:" not in text  # /etc/passwd was not read
        assert all(abs(float(p.mediabox.width) - 595.28) < 1 for p in reader.pages)  # A4, not 1cm wide
        assert "Inject #set page(width: 1cm)" in text


# --- the command and the build ------------------------------------------------------------------


def test_build_makes_worksheets_from_the_decks_quiz_settings(project):
    result = project.run("build", "--format", "pdf")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in project.path("build/guild-history").glob("*.pdf"))
    assert names == ["key-A.pdf", "key-B.pdf", "worksheet-A.pdf", "worksheet-B.pdf"]  # quiz: versions: 2
    text = " ".join(text_of(project.path("build/guild-history/worksheet-A.pdf")))
    assert "5 questions" in text


def test_build_skips_decks_whose_quiz_is_disabled(project):
    project.replace("decks/all.yaml", "quiz:\n", "quiz:\n  enabled: false\n")
    assert project.run("build", "--format", "pdf").exit_code == 0
    assert not list(project.path("build").rglob("*.pdf"))


def test_fewer_versions_remove_the_old_ones(project):
    assert project.run("quiz", "guild-history", "--versions", "3").exit_code == 0
    assert project.path("build/guild-history/worksheet-C.pdf").exists()
    assert project.run("quiz", "guild-history", "--versions", "1").exit_code == 0
    names = sorted(p.name for p in project.path("build/guild-history").iterdir())
    assert names == ["key-A.pdf", "worksheet-A.pdf"]


def test_a_deck_that_cannot_make_questions_is_a_one_line_error(project):
    result = project.run("quiz", "guild-history", "--types", "matching")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "decks/all.yaml:1: deck 'guild-history': no worksheet question can be made" in result.output
    assert not project.path("build/guild-history").exists()


def test_unknown_question_type_is_a_usage_error(project):
    result = project.run("quiz", "guild-history", "--types", "multiple-choice,essay")
    assert result.exit_code == 2 and "unknown question type 'essay'" in result.output


def test_fewer_questions_than_asked_is_a_warning(project):
    result = project.run("quiz", "guild-history", "--questions", "50")
    assert result.exit_code == 0
    assert "warning: deck 'guild-history': only" in result.output


def test_a_broken_template_names_the_template_and_writes_nothing(project):
    project.write("templates/quiz/worksheet.typ", "#let x = (\n")
    result = project.run("quiz", "guild-history")
    assert result.exit_code == 1
    assert result.output == (
        "error: templates/quiz/worksheet.typ: Typst could not compile the document: a bracket, "
        "string or markup is opened and never closed (run with --debug for Typst's own message)\n"
    )
    assert not project.path("build/guild-history").exists()


def test_us_letter_paper(project):
    assert project.run("quiz", "guild-history", "--paper", "us-letter", "--versions", "1").exit_code == 0
    page = pypdf.PdfReader(project.path("build/guild-history/worksheet-A.pdf")).pages[0]
    assert round(float(page.mediabox.width)) == 612 and round(float(page.mediabox.height)) == 792


def test_missing_arabic_font_is_a_clear_error(project, monkeypatch):
    import factdeck.outputs.print.fonts

    monkeypatch.setattr(factdeck.outputs.print.fonts, "_SHIPPED", ())
    factdeck.outputs.print.fonts._load_fonts.cache_clear()
    try:
        result = project.run("quiz", "guild-history")
    finally:
        factdeck.outputs.print.fonts._load_fonts.cache_clear()
    assert result.exit_code == 1
    assert result.output.startswith("error: fonts/: font Noto Naskh Arabic not found")


def test_a_template_naming_an_unknown_font_fails_rather_than_dropping_glyphs(project):
    project.replace("templates/quiz/_setup.typ", '"Noto Naskh Arabic")', '"No Such Font")')
    result = project.run("quiz", "guild-history")
    assert result.exit_code == 1
    assert (
        "templates/quiz/worksheet.typ: the font 'no such font' is not available: name a font that fonts/ holds "
        "or that Typst embeds"
    ) in result.output
