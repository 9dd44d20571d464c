"""Writing facts from the sources: the locator scheme, `cite`, `new`, batch `vet`, re-anchoring on a re-fetched
archive, and the whole workflow from two archived texts to 20 checked and vetted facts (docs/authoring.md)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from factdeck.cli import cli
from factdeck.project.cite import Citer
from factdeck.records.locators import locator_problem, parse_locator, text_blocks
from factdeck.records.quotes import quote_in_text

TEXTS = Path(__file__).parent / "fixtures" / "authoring"

SOURCES = """\
- id: harbour-history
  title: "The Harrowfield Harbour Light"
  publisher: "factdeck tests"
  accessed: 2026-11-22
  kind: book
  stance: neutral
  perspective: "An invented local history written for factdeck's tests."
  archive: harbour.txt
- id: board-minutes
  title: "Harrowfield Harbour Board: a summary of the minutes"
  publisher: "factdeck tests"
  accessed: 2026-11-22
  kind: primary-document
  stance: neutral
  perspective: "An invented summary of a board's minutes written for factdeck's tests."
  archive: ledger.txt
"""
ERAS = """\
# The eras, in order.
- id: building
  title: "Planning and building"
  start: 1858
  end: 1866
- id: working
  title: "The working light"
  start: 1867
  end: 1947
- id: today
  title: "Automation and today"
  start: 1948
  end: present
"""
# (source, words, era where the passage gives no date): the 20 facts of the workflow.
FACTS = [
    ("harbour-history", "agreed in 1862 to build a lighthouse", None),
    ("harbour-history", "tower rose forty metres granite", None),
    ("harbour-history", "first lit on 14 October 1866", None),
    ("harbour-history", "lamp burned colza oil until 1891", None),
    ("harbour-history", "fog bell hung beside the lantern", None),
    ("harbour-history", "Four keepers served the light", "working"),
    ("harbour-history", "rule book forbade a keeper to leave the lantern", "working"),
    ("harbour-history", "school boat took their children", "working"),
    ("harbour-history", "great storm of March 1881 cracked the lantern glass", None),
    ("harbour-history", "steamer Alder ran aground on the bar", None),
    ("harbour-history", "light was automated in 1978", None),
    ("harbour-history", "tower is now a museum", None),
    ("harbour-history", "later guidebook gives forty-two", "building"),
    ("harbour-history", "rule book of 1866 survives", None),
    ("board-minutes", "board first met in 1858", None),
    ("board-minutes", "six votes to three", None),
    ("board-minutes", "loan was repaid in full by 1880", None),
    ("board-minutes", "lifeboat saved eleven men from the Alder", None),
    ("board-minutes", "paraffin lamps cost of 300 pounds", None),
    ("board-minutes", "board was dissolved in 1948", None),
]


def run(*args: str, project: Path | None = None, stdin: str | None = None) -> str:
    extra = ["--project", str(project)] if project else []
    result = CliRunner().invoke(cli, [*args, *extra], input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A new project (`factdeck init`) turned to the two test texts by file edits only."""
    root = tmp_path / "harbour"
    run("init", str(root), "--title", "Harrowfield harbour")
    for starter in ("facts/canal.yaml", "archive/brackwater-history.txt"):
        (root / starter).unlink()
    header = "# yaml-language-server: $schema=../schemas/sources.schema.json\n"
    (root / "facts/sources.yaml").write_text(header + SOURCES, encoding="utf-8")
    (root / "facts/eras.yaml").write_text(ERAS, encoding="utf-8")
    for name in ("harbour.txt", "ledger.txt"):
        shutil.copy(TEXTS / name, root / "archive" / name)
    return root


def test_blocks_get_locators_from_the_texts_structure() -> None:
    blocks = {b.locator: b for b in text_blocks((TEXTS / "harbour.txt").read_text(encoding="utf-8"))}
    assert blocks["section 'Building the light', ¶ 2"].text.startswith("The lamp burned colza oil")
    assert blocks["section 'The keepers', heading"].kind == "heading"
    assert blocks["footnote 2"].text.startswith("2. ^ The rule book")
    assert parse_locator("section 'The keepers', ¶ 2") is not None
    assert parse_locator("footnote 35 (Sinkaya 2015)") is not None
    assert parse_locator("section 'The keepers', para. 2") is None  # the editor's own words: not verified


@pytest.mark.parametrize(
    "words",
    [
        "school boat took their children",  # exact
        "children school boat took",  # re-ordered
        "scool boat tok their childen",  # misspelled
    ],
)
def test_cite_finds_the_passage(words: str) -> None:
    citer = Citer("harbour-history", (TEXTS / "harbour.txt").read_text(encoding="utf-8"))
    best = citer.find(words)[0]
    assert best.block.locator == "section 'The keepers', ¶ 2"
    assert best.quote.startswith("Keepers' families lived in two cottages")
    assert len(best.quote.split()) <= 40
    # What check --archive verifies: the quote is in the text, in the block its locator names.
    assert quote_in_text(best.quote, citer.text.normalized)
    assert locator_problem(citer.structure, best.block.locator, best.quote) is None


def test_a_long_sentence_is_cut_at_clause_boundaries() -> None:
    sentence = (
        "The board met in the old custom house, which stood by the quay, and it heard the harbour master, "
        "the pilots, the ship owners and the fishermen, who had all asked for a light, before it voted, late "
        "in the evening, to borrow the money for the tower."
    )
    citer = Citer("s", "Heading\n\n" + sentence + "\n")
    quote = citer.find("pilots ship owners fishermen")[0].quote
    assert len(quote.split()) <= 40 and "the pilots, the ship owners and the fishermen" in quote
    assert sentence.startswith(quote) or f" {quote}" in sentence  # whole clauses, the text's own words
    assert not quote.endswith(",")


def test_cite_and_new_say_what_is_wrong(project: Path) -> None:
    unknown = CliRunner().invoke(cli, ["cite", "nosuch", "words", "--project", str(project)])
    assert unknown.exit_code == 2 and "no source 'nosuch' in facts/sources.yaml" in unknown.output
    no_date = CliRunner().invoke(cli, ["new", "harbour-history", "Four keepers served", "--project", str(project)])
    assert no_date.exit_code == 2
    assert "the passage gives no date: give --era (eras: building, working, today)" in no_date.output
    assert not (project / "facts/working.yaml").exists()
    wrong_file = CliRunner().invoke(
        cli, ["new", "harbour-history", "first lit", "--file", "facts/eras.yaml", "--project", str(project)]
    )
    assert wrong_file.exit_code == 2 and "not sources, eras or glossary" in wrong_file.output
    sources = project / "facts/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("archive: ledger.txt", "archive: ../ledger.txt"))
    escape = CliRunner().invoke(cli, ["cite", "board-minutes", "board", "--project", str(project)])
    assert escape.exit_code == 2 and "must be a file name inside the archive folder" in escape.output
    assert "Traceback" not in escape.output


def test_cite_prints_a_citation_that_check_verifies(project: Path) -> None:
    out = run("cite", "harbour-history", "children", "school", "boat", "--candidates", "2", project=project)
    assert out.startswith("# 1. section 'The keepers', ¶ 2")
    ambiguous = CliRunner().invoke(cli, ["cite", "harbour-history", "rule", "book", "--project", str(project)])
    assert ambiguous.stderr.startswith("2 passages match about as well")
    assert (
        "# 1. section 'The keepers', ¶ 1 (exact)" in ambiguous.stdout and "# 2. footnote 2 (exact)" in ambiguous.stdout
    )
    block = out.split("\n\n")[0]
    assert "locator: \"section 'The keepers', ¶ 2\"" in block and "selector: {prefix:" in block


def test_check_refuses_a_scheme_locator_that_does_not_hold_the_quote(project: Path) -> None:
    run("new", "harbour-history", "Four keepers served the light", "--era", "working", project=project)
    facts = project / "facts/working.yaml"
    text = facts.read_text(encoding="utf-8").replace("The keepers', ¶ 1", "The keepers', ¶ 2")
    facts.write_text(_fill(text), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(project)])
    assert result.exit_code == 1
    assert "locator 'section 'The keepers', ¶ 2' does not hold the quote (the quote is in " in result.output
    assert "'section \\'The keepers\\', ¶ 1'" in result.output or "¶ 1" in result.output


def _fill(text: str, tag: str = "") -> str:
    """An editor writing each skeleton's question, answer and statement in their own words."""
    counter = iter(range(1, 1000))

    def write(match: re.Match[str]) -> str:
        # Lettered, not numbered: a date or number answer that no quote writes is a reviewer's warning.
        n = "".join("abcdefghij"[int(d)] for d in str(next(counter)))
        words = {"question": f"What does the text report ({tag} item {n})?", "answer": f"{tag} item {n}"}
        words["statement"] = f"The text reports {tag} item {n}."
        return f'{match[1]}: "{words[match[1]]}"'

    return re.sub(r'(question|answer|statement): "" # [^\n]*', write, text)


def test_from_two_archived_texts_to_twenty_vetted_facts(project: Path) -> None:
    for source, words, era in FACTS:
        run("new", source, words, *(["--era", era] if era else []), project=project)
    files = sorted((project / "facts").glob("*.yaml"))
    fact_files = [f for f in files if f.name not in ("sources.yaml", "eras.yaml")]
    assert {f.name for f in fact_files} == {"building.yaml", "working.yaml", "today.yaml"}
    for path in fact_files:  # the editor's part: their own words, and a kind where the guess was wrong
        text = _fill(path.read_text(encoding="utf-8"), path.stem)
        text = text.replace("kind: characterization  # a guess", "kind: event  # a guess")
        path.write_text(text, encoding="utf-8")
    run("hash-archives", project=project)
    review = run("review", project=project)
    assert "20 facts to review" in review
    listing = run("vet", "--review", "--reviewer", "fact-editor", project=project, stdin="y\n")
    assert listing.count("vetted ") == 20
    out = run("check", "--strict", project=project)
    assert "ok: 20 facts (20 vetted), 2 sources, 3 eras, 1 deck" in out
    assert "quotes: 20 verified, 0 not verified" in out
    assert "every fact is vetted" in run("review", project=project)
    first = (project / "facts/building.yaml").read_text(encoding="utf-8")
    assert first.startswith("# yaml-language-server: $schema=../schemas/facts.schema.json\n# Era: Planning")
    assert re.search(r"\n  kind: [a-z]+ +# a guess from the passage: check it\n", first)


def test_vet_a_batch_shows_it_and_asks(project: Path) -> None:
    for source, words, era in FACTS[:3]:
        run("new", source, words, *(["--era", era] if era else []), project=project)
    path = project / "facts/building.yaml"
    path.write_text(_fill(path.read_text(encoding="utf-8"), path.stem), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["vet", "--era", "building", "--reviewer", "fact-editor", "--project", str(project)], input="n\n"
    )
    assert result.exit_code == 2 and "agreed-1862-build-lighthouse" in result.output
    assert "status: review" in path.read_text(encoding="utf-8")
    out = run("vet", "--file", "facts/building.yaml", "--yes", "--reviewer", "fact-editor", project=project)
    assert out.count("vetted ") == 3


def test_a_refetched_archive_re_anchors_its_quotes(project: Path) -> None:
    run("new", "harbour-history", "great storm of March 1881 cracked the lantern glass", project=project)
    run("new", "harbour-history", "tower is now a museum", project=project)
    for name in ("working.yaml", "today.yaml"):
        path = project / "facts" / name
        path.write_text(_fill(path.read_text(encoding="utf-8"), path.stem), encoding="utf-8")
    run("hash-archives", project=project)
    archive = project / "archive/harbour.txt"
    text = archive.read_text(encoding="utf-8")
    text = text.replace("cracked the lantern glass", "cracked the glass of the lantern")
    text = text.replace(
        "Automation and today\n\n", "Automation and today\n\nA paragraph that the new copy of the page adds here.\n\n"
    )
    text = text.replace("left in May of that year.", "left in the May of that year.")  # before the museum quote
    archive.write_text(text, encoding="utf-8")
    out = run("hash-archives", project=project)
    assert "quote re-anchored in \"section 'Storms and wrecks', ¶ 1\"" in out
    assert "cracked the glass of the lantern" in (project / "facts/working.yaml").read_text(encoding="utf-8")
    assert "quote moved from \"section 'Automation and today', ¶ 1\" to \"section 'Automation and today', ¶ 2\"" in out
    museum = (project / "facts/today.yaml").read_text(encoding="utf-8")
    assert 'selector: {prefix: "rs left in the May of that year. ", suffix: ' in museum  # the anchor follows too
    assert "quotes: 2 verified" in run("check", project=project)
    assert "fact '" not in run("hash-archives", project=project)  # nothing left to follow


CHROMIUM = Path("/usr/bin/chromium")


def test_reading_view_in_the_terminal(project: Path) -> None:
    out = run("read", "harbour-history", project=project)
    assert "section 'The keepers', ¶ 2\nKeepers' families lived" in out
    assert "footnote 1\n1. ^ The board's minutes" in out


def test_reading_page_copies_citations_in_headless_chromium(project: Path, tmp_path: Path) -> None:
    """The HTML reading view: a block's button and a selected passage each copy a citation that check accepts."""
    import yaml

    from factdeck.records.locators import TextStructure, locator_problem
    from factdeck.records.quotes import quote_in_text, quote_search_form

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (sh tests/install-browser.sh, as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    page_file = tmp_path / "read.html"
    run("read", "harbour-history", "--html", str(page_file), project=project)
    text = (TEXTS / "harbour.txt").read_text(encoding="utf-8")
    structure, normalized = TextStructure(text), quote_search_form(text)
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        try:
            page = browser.new_page(bypass_csp=True)  # axe-core is injected below
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            # Record what the page copies (the clipboard itself needs a user's permission).
            page.add_init_script(
                "window.copied = []; Object.defineProperty(navigator, 'clipboard', {value: {writeText: "
                "function (t) { window.copied.push(t); return Promise.resolve(); }}});"
                "Object.defineProperty(window, 'isSecureContext', {value: true});"
            )
            page.goto(page_file.as_uri())
            block = page.locator(".block[data-locator=\"section 'The keepers', ¶ 2\"]")
            block.locator("button").click()
            # Select "a school boat took their children to the town" inside that paragraph.
            page.evaluate(
                """() => {
                  const text = document.querySelector(".block[data-locator=\\"section 'The keepers', ¶ 2\\"] .text");
                  const node = text.firstChild, at = node.textContent.indexOf("a school boat");
                  const range = document.createRange();
                  range.setStart(node, at); range.setEnd(node, at + "a school boat took their children".length);
                  const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
                  document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                }"""
            )
            page.locator("#selection").click()
            copied = page.evaluate("window.copied")
            from axe_playwright_python.sync_playwright import Axe

            violations = Axe().run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        finally:
            browser.close()
    assert errors == [] and all(url.startswith("file:") for url in requests)
    assert serious == []
    assert len(copied) == 2
    for citation_text, expected_start in zip(copied, ("Keepers' families lived", "a school boat took"), strict=True):
        assert citation_text.startswith("    - source: harbour-history\n      locator: ")  # as cite prints it
        citation = yaml.safe_load(citation_text)[0]
        assert citation["source"] == "harbour-history"
        assert citation["locator"] == "section 'The keepers', ¶ 2"
        assert citation["quote"].startswith(expected_start) and len(citation["quote"].split()) <= 40
        assert quote_in_text(citation["quote"], normalized)
        assert locator_problem(structure, citation["locator"], citation["quote"]) is None
        selector = citation["selector"]
        assert quote_in_text(selector["prefix"] + citation["quote"] + selector["suffix"], normalized)


WEB_PAGE = """\
Home » Guides » The harbour
# The Harbour's Story
The harbour was dug by hand in the years after the great flood, and it still serves the fishing fleet today.
Harbour at dawn
The first quay seen from the lighthouse gallery. (Photo: harbour archive)
The quay was rebuilt in stone after a storm broke the timber one, as the minutes record.[3]
- Tide tables
References
1. ^ The minutes of the board.
    • A second work cited in the same note.
[7] A reference in brackets.
"""


def test_locator_scheme_on_a_saved_web_page() -> None:
    structure_blocks = text_blocks(WEB_PAGE)
    located = {b.locator: b.text for b in structure_blocks}
    assert located['section "The Harbour\'s Story", ¶ 1'].startswith("The harbour was dug by hand")
    assert located["section 'Harbour at dawn', caption 1"].endswith("(Photo: harbour archive)")
    assert located["section 'Harbour at dawn', ¶ 1"].startswith("The quay was rebuilt")
    assert located["section 'Harbour at dawn', item 1"] == "- Tide tables"
    assert located["footnote 1"] == "1. ^ The minutes of the board.\n• A second work cited in the same note."
    assert located["footnote 7"] == "[7] A reference in brackets."
    assert located["line 1"].startswith("Home »")
    from factdeck.records.locators import TextStructure

    structure = TextStructure(WEB_PAGE)
    assert locator_problem(structure, "section \u2018Harbour at dawn\u2019, \u00b6 1", "rebuilt in stone") is None
    assert locator_problem(structure, "section 'Harbour at d...', ¶ 1", "rebuilt in stone") is None
    assert locator_problem(structure, "footnote 1 (the board)", "a second work cited") is None
    problem = locator_problem(structure, "section 'Harbour at dawn', ¶ 2", "rebuilt in stone")
    assert problem == (
        "locator 'section 'Harbour at dawn', ¶ 2' names no block of the archived text "
        "(the quote is in \"section 'Harbour at dawn', ¶ 1\")"
    )
    assert locator_problem(structure, "the second paragraph", "rebuilt in stone") is None  # not in the scheme


def test_a_hard_wrapped_text_has_one_block_per_paragraph() -> None:
    text = "A Title\n\nThe first paragraph runs over\ntwo lines of text, as a wrapped\nfile does.\n\nSecond one.\n"
    blocks = text_blocks(text)
    assert [b.locator for b in blocks] == [
        "section 'A Title', heading",
        "section 'A Title', ¶ 1",
        "section 'A Title', line 1",
    ]
    assert blocks[1].text == "The first paragraph runs over two lines of text, as a wrapped file does."


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("It was first lit on 14 October 1866.", "1866-10-14"),
        ("On June 19, 1981, the board met.", "1981-06-19"),
        ("In March 1881 the storm came; in 1891 the lamps changed.", "1881-03"),
        ("The war (1980-1988) changed everything.", "1980/1988"),
        ("A text without a year.", None),
    ],
)
def test_the_date_a_passage_gives(text: str, edtf: str | None) -> None:
    from factdeck.project.new_fact import date_in

    assert date_in(text) == edtf


def test_new_names_the_date_of_the_words_and_leaves_out_a_date_outside_the_era(project: Path) -> None:
    out = run("new", "harbour-history", "first lit on 14 October 1866", "--era", "today", project=project)
    assert "note: the passage's date 1866-10-14 is outside era 'today': left out" in out
    assert "date:" not in (project / "facts/today.yaml").read_text(encoding="utf-8")
    out = run("new", "board-minutes", "loan repaid in full by 1880", project=project)
    assert "era: working (from the date 1880 in the passage)" in out


def test_a_selector_is_the_text_around_the_quote() -> None:
    citer = Citer("guide", WEB_PAGE)
    best = citer.find("rebuilt in stone after a storm")[0]
    assert best.quote == "The quay was rebuilt in stone after a storm broke the timber one, as the minutes record."
    assert best.suffix.startswith("[3] - Tide tables")
    assert quote_in_text(best.prefix + best.quote + best.suffix, citer.text.normalized)
