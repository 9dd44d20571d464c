"""Injection: HTML, script, Anki syntax and Typst markup in every fact field stay text.

One project, built once for the module, has a payload in every text field a learner can see (fact,
citation, attribution, dispute, source, era, deck). The Anki deck is imported with the official
`anki` package and every note field and rendered card is parsed as HTML; the worksheets are read
back with pypdf; the web quiz (where the build makes one) is opened in headless Chromium.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
import yaml
from anki.collection import Collection, ImportAnkiPackageRequest
from conftest import SAMPLE, Project

DECK = "guild-history"
DRAFT = "guild-dissolved"  # the sample's draft fact, in no output
SECRET = "TOPSECRET-c4f1e"  # in files beside and inside the project: no output may contain it
PASSWD = "root:x:0:0"

HTML = (
    '<script>window.__pwned=1;document.title="pwned"</script>'
    '<img src=x onerror="window.__pwned=2"><a href="javascript:window.__pwned=3">go</a>'
)
ANKI = "{{c1::cloze}} [sound:x.mp3] \\(x\\)"
TYPST = (
    '#read("/etc/passwd") #read("../secret.txt") #include "secret.typ" #set page(width: 1cm) '
    "$x$ *b* ] \\ // /* <label> @ref"
)
# Typst pieces that must be printed literally, spaces removed (a PDF's text breaks lines anywhere).
TYPST_LITERALS = [
    '#read("/etc/passwd")',
    '#include"secret.typ"',
    "#setpage(width:1cm)",
    "$x$",
    "*b*",
    "<label>",
    "@ref",
    "/*",
]


def payload(marker: str, subdeck_safe: bool = False) -> str:
    """The payload; deck names and era titles may not hold `::` (Anki's subdeck separator)."""
    anki = ANKI.replace("::", ":") if subdeck_safe else ANKI
    return f"{marker} {HTML} {anki} {TYPST}"


def poison(project: Project) -> list[str]:
    """Put a payload in every shown field; returns the markers used (one per field)."""
    markers: list[str] = []

    def mark(name: str, subdeck_safe: bool = False) -> str:
        markers.append(name)
        return payload(name, subdeck_safe)

    def edit(relative: str, change) -> None:
        data = yaml.safe_load(project.read(relative))
        change(data)
        project.write(relative, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    quotes: dict[str, list[str]] = {}

    def facts(data: list[dict]) -> None:
        for fact in data:
            n = fact["id"]
            fact["question"] = mark(f"q-{n}")
            fact["answer"] = mark(f"a-{n}")
            # The answer inside the statement, so the cloze card carries the payload too.
            fact["statement"] = f"{mark(f's-{n}')} so {fact['answer']} is stated."
            if "attribution" in fact:
                fact["attribution"] = {"by": mark(f"by-{n}"), "verb": mark(f"verb-{n}")}
            for i, citation in enumerate(fact["citations"]):
                citation["locator"] = mark(f"loc-{n}-{i}")
                citation["quote"] = f"quote-{n}-{i} {HTML} {TYPST}"
                quotes.setdefault(citation["source"], []).append(citation["quote"])
            if "dispute" in fact:
                fact["dispute"]["summary"] = mark(f"sum-{n}")
                for version in fact["dispute"]["versions"]:
                    v = version["id"]
                    version["claim"] = mark(f"claim-{v}")
                    version["claimed_by"] = mark(f"by-{v}")
                    version["answer"] = mark(f"ans-{v}")
                    for citation in version["citations"]:
                        citation["quote"] = f"quote-{v} {HTML} {TYPST}"
                        quotes.setdefault(citation["source"], []).append(citation["quote"])

    def sources(data: list[dict]) -> None:
        for source in data:
            for key in ("title", "publisher", "perspective"):
                source[key] = mark(f"{key}-{source['id']}")

    def eras(data: list[dict]) -> None:
        for era in data:
            era["title"] = mark(f"era-{era['id']}", subdeck_safe=True)

    def deck(data: dict) -> None:
        data["name"] = mark("deck-name", subdeck_safe=True)
        data["description"] = mark("deck-description")

    edit("facts/guild.yaml", facts)
    edit("facts/sources.yaml", sources)
    edit("facts/eras.yaml", eras)
    edit("decks/all.yaml", deck)
    # The quotes are verified against the archived texts, so the texts hold them too.
    for source, added in quotes.items():
        path = project.archive / f"{source}.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\n".join(added) + "\n", encoding="utf-8")
    project.write("factdeck.yaml", "archive: archive\n")
    # The poisoned texts are what the reviewer vetted and what the quotes were checked against.
    hashed = project.run("hash-archives")
    assert hashed.exit_code == 0, hashed.output
    vetted = [f["id"] for f in yaml.safe_load(project.read("facts/guild.yaml")) if f["status"] == "vetted"]
    assert project.run("vet", *vetted, "--keep-record").exit_code == 0
    for folder in (project.root, project.root.parent):
        (folder / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
        (folder / "secret.typ").write_text(SECRET + "\n", encoding="utf-8")
    return markers


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> tuple[Project, list[str]]:
    project = Project(tmp_path_factory.mktemp("injection") / "proj")
    shutil.copytree(SAMPLE, project.root)
    markers = poison(project)
    result = project.run("build")
    assert result.exit_code == 0, result.output
    return project, markers


class Markup(HTMLParser):
    """Every element and attribute an HTML fragment really has, and its text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


def assert_inert(html: str, where: str) -> None:
    markup = Markup(html)
    for tag, attrs in markup.tags:
        assert tag not in ("script", "img", "iframe", "object", "embed", "svg", "math"), f"{where}: <{tag}> element"
        for name, value in attrs:
            assert not name.startswith("on"), f"{where}: {name}= attribute on <{tag}>"
            if name in URL_ATTRIBUTES:
                assert "javascript:" not in (value or "").lower().replace(" ", ""), f"{where}: javascript: URL"
            if name == "data-cloze":  # Anki's reviewer shows this as HTML when the cloze is revealed
                assert_inert(value or "", f"{where} (revealed cloze)")
    assert "[sound:" not in html and "[anki:" not in html, f"{where}: Anki media syntax"


@pytest.fixture(scope="module")
def collection(poisoned, tmp_path_factory) -> Collection:
    project, _ = poisoned
    col = Collection(str(tmp_path_factory.mktemp("anki") / "collection.anki2"))
    apkg = project.path(f"build/{DECK}/{DECK}.apkg")
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg)))
    yield col
    col.close()


def test_anki_fields_and_cards_hold_no_markup(collection, poisoned):
    _, markers = poisoned
    col = collection
    seen = ""
    note_ids = col.find_notes("")
    assert len(note_ids) >= 8
    for note_id in note_ids:
        note = col.get_note(note_id)
        for name, value in zip(note.keys(), note.fields):
            assert_inert(value, f"note {note.guid} field {name}")
        cards = note.cards()
        if note.note_type()["type"] == 1:  # cloze: the text's own {{c1::…}} made no second card
            assert len(cards) == 1
        for card in cards:
            question, answer = card.question(), card.answer()
            assert_inert(question, f"card {card.id} question")
            assert_inert(answer, f"card {card.id} answer")
            assert not card.question_av_tags() and not card.answer_av_tags()
            seen += " ".join(Markup(answer).text)
    # The payloads are shown, as text: every marker that belongs on a card, with its markup visible.
    assert "<script>window.__pwned=1" in seen and 'onerror="window.__pwned=2"' in seen
    on_cards = [
        m
        for m in markers
        if m.split("-")[0] in ("q", "a", "s", "by", "verb", "loc", "sum", "claim", "ans", "title") and DRAFT not in m
    ]
    missing = [m for m in on_cards if m not in seen]
    assert not missing, missing
    # A deck's description is HTML in Anki; its name is plain text, kept exactly as written.
    names = {deck["name"] for deck in col.decks.all()}
    assert any(name.startswith(payload("deck-name", subdeck_safe=True)) for name in names), names
    for deck in col.decks.all():
        assert_inert(deck.get("desc", ""), f"deck {deck['name']} description")


def pdf_text(path: Path) -> tuple[str, list[float]]:
    reader = pypdf.PdfReader(path)
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    return text, [float(page.mediabox.width) for page in reader.pages]


def test_typst_markup_prints_as_text_and_reads_no_file(poisoned):
    project, markers = poisoned
    pdfs = sorted(project.path(f"build/{DECK}").glob("*.pdf"))
    assert len(pdfs) == 4  # two versions, worksheet and key each: every compile succeeded
    printed = ""
    for pdf in pdfs:
        text, widths = pdf_text(pdf)
        assert SECRET not in text and PASSWD not in text, pdf.name
        assert min(widths) > 500, f"{pdf.name}: a field changed the page size"  # A4 is 595 pt wide
        for literal in TYPST_LITERALS:
            assert literal in text, f"{pdf.name}: {literal!r} not printed"
        printed += text
    # Fields from every record kind reach the PDFs, as text.
    for marker in ("title-chronicle", "publisher-pamphlet", "perspective-chronicle", "deck-name"):
        assert marker in printed
    assert "<script>window.__pwned=1" in printed


def test_no_output_holds_a_secret(poisoned):
    project, _ = poisoned
    for path in project.path("build").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


# --- the web quiz, where the build makes one ---------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DANGEROUS = (
    "img, iframe, object, embed, svg, math, [onerror], [onload], [onclick], "
    "a[href^='javascript:'], script:not(#quiz-data):not(:last-of-type)"
)


def test_web_quiz_runs_no_injected_script(poisoned, tmp_path):
    project, _ = poisoned
    page_path = project.path(f"build/{DECK}/{DECK}-quiz.html")
    if not page_path.exists():
        pytest.skip("this build makes no web quiz")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
            page.goto(page_path.resolve().as_uri())
            shown = ""
            # Walk through every question: whatever can be clicked, filled or chosen, is.
            for _ in range(80):
                assert page.locator(DANGEROUS).count() == 0
                assert page.evaluate("window.__pwned === undefined && document.title !== 'pwned'")
                shown += page.locator("main").inner_text()
                if page.locator("#score").is_visible():
                    break
                if page.locator("#next").is_visible():
                    page.locator("#next").click()
                    continue
                for field in page.locator("#question input:enabled").all():
                    field.fill("x")
                for select in page.locator("#question select:enabled").all():
                    select.select_option(index=1)
                button = page.locator("#question button:enabled:visible, #feedback button:enabled:visible").first
                if button.count():
                    button.click()
            assert page.locator("#score").is_visible(), "the quiz did not reach its end"
            assert page.evaluate("window.__pwned === undefined && document.title !== 'pwned'")
        finally:
            browser.close()
    assert errors == []
    assert "<script>window.__pwned=1" in shown  # the payload was shown, as text
