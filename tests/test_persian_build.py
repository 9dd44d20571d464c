"""The shipped decks built in Persian: every word factdeck writes into the cards and the web quiz is Persian
(none of the catalog's English messages left), every document declares `fa` and right to left, and the
facts without a Persian translation keep their English text, which the build reports."""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, Project
from pypdf import PdfReader

from factdeck.build import load_and_validate
from test_translations import _english_pieces, _page_data, _values


@pytest.fixture(scope="module")
def persian_base(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("persian") / "mek"
    root.mkdir()
    for name in ("facts", "decks", "translations"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("published"))
    shutil.copy(REPO / "factdeck.yaml", root / "factdeck.yaml")
    for deck in (root / "decks").glob("*.yaml"):
        text = deck.read_text(encoding="utf-8")
        if not re.search(r"^language:", text, re.M):  # the shipped Persian deck says so itself
            deck.write_text(text + "language: fa\n", encoding="utf-8")
    project = Project(root)
    built = project.run("build", "--format", "apkg")
    assert built.exit_code == 0, built.output
    assert "facts keep their en text where no current fa translation exists" in built.output
    assert project.run("build", "--format", "html").exit_code == 0
    return project


def _project_texts(root: Path) -> list[str]:
    """Every text of the fact base (facts, sources, eras, glossary, decks, in both languages), longest first:
    what is the project's, not factdeck's."""
    base = load_and_validate(root)
    texts: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            texts.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for record in [*base.facts, *base.sources.values(), *base.eras, *base.glossary, *base.decks]:
        walk(record.model_dump())
    for path in (root / "translations").rglob("*.yaml"):
        texts.update(re.findall(r'"([^"]+)"', path.read_text(encoding="utf-8")))
    return sorted((t for t in texts if len(t) > 2), key=len, reverse=True)


def _factdeck_words(text: str, project_texts: list[str]) -> str:
    text = re.sub(r"\{\{c\d+::(.*?)\}\}", r"\1", text)  # a cloze is its statement, whole
    text = re.sub(r"</?span[^>]*>", "", text)  # the isolating spans of a run in the other direction
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.replace("\u2068", "").replace("\u2069", "").split())  # a wrapped line as one
    for own in project_texts:
        text = text.replace(" ".join(own.split()), " ")
    return text


def _found(text: str) -> list[str]:
    return [piece for piece in _english_pieces() if re.search(rf"\b{re.escape(piece)}\b", text)]


def test_the_cards_of_every_shipped_deck_are_persian(persian_base):
    project_texts = _project_texts(persian_base.root)
    for apkg in sorted(persian_base.root.glob("build/*/*.apkg")):
        with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(apkg) as archive:
            archive.extract("collection.anki2", folder)
            db = sqlite3.connect(f"{folder}/collection.anki2")
            fields = [row[0] for row in db.execute("select flds from notes")]
            models = json.loads(db.execute("select models from col").fetchone()[0])
            db.close()
        assert fields, apkg
        words = _factdeck_words(" ".join(fields), project_texts)
        assert _found(words) == [], f"{apkg.name}: English words factdeck wrote: {_found(words)}"
        for model in models.values():
            template = model["tmpls"][0]["qfmt"] + model["tmpls"][0]["afmt"]
            assert 'lang="fa" dir="rtl"' in template
            assert _found(_factdeck_words(re.sub(r"\{\{[^}]*\}\}", " ", template), project_texts)) == []
        assert "منابع" in words  # the factdeck words are there, in Persian


def test_the_web_quiz_of_every_shipped_deck_is_persian(persian_base):
    pages = sorted(persian_base.root.glob("build/*/*-quiz.html"))
    assert len(pages) == len(list((REPO / "decks").glob("*.yaml")))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="fa" dir="rtl">' in text
        data = _page_data(text)
        chrome = re.sub(r"<script.*?</script>|<style.*?</style>|<li dir=\"auto\">.*?</li>", " ", text, flags=re.S)
        words = re.sub(r"%\(\w+\)s", " ", _factdeck_words(chrome, []) + " " + " ".join(_values(data["messages"])))
        words = words.replace(data["title"], " ")
        assert _found(words) == [], f"{page.name}: {_found(words)}"
        according = [item for q in data["questions"] if q["type"] == "according" for item in q["items"]]
        assert according and all(item.startswith("به گفتهٔ ") for item in according)
        # The prompts factdeck writes itself (a group question's, a true/false's options) are Persian too.
        for q in data["questions"]:
            if q["type"] in ("matching", "timeline"):
                assert _found(q["prompt"]) == [] and re.search("[\u0600-\u06ff]", q["prompt"]), q["prompt"]
            if q["type"] == "true-false":
                assert q["options"] == ["درست", "نادرست"]


def _pdf_words(path: Path, project_texts: list[str]) -> str:
    """The text of a PDF as pypdf reads it back, the project's own texts taken out. pypdf gives a right-to-left
    line's words in visual order, so project texts are removed word by word where a whole one is not found."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    text = _factdeck_words(text, project_texts)
    for own in project_texts:
        for word in own.split():
            if re.search(r"[A-Za-z]{3,}", word):
                text = re.sub(rf"(?<![A-Za-z]){re.escape(word.strip('.,;:()'))}(?![A-Za-z])", " ", text)
    return text


def test_a_meeting_pack_and_its_guide_are_persian(tmp_path):
    """The guide (agenda, prompts, timeline, facilitator notes) and the meeting's worksheet and key: no English
    message of the catalogs, `fa` right to left, Persian digits on the timeline."""
    root = tmp_path / "mek"
    root.mkdir()
    for name in ("facts", "decks", "translations"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("published"))
    shutil.copy(REPO / "factdeck.yaml", root / "factdeck.yaml")
    deck = root / "decks" / "mek-history.yaml"
    deck.write_text(re.sub(r"meetings: \d+", "meetings: 2", deck.read_text(encoding="utf-8")) + "language: fa\n")
    project = Project(root)
    built = project.run("build", "--format", "pdf", "mek-history")
    assert built.exit_code == 0, built.output
    project_texts = _project_texts(root)
    folder = root / "build" / "mek-history" / "sessions" / "meeting-1"
    made = sorted(folder.glob("*.pdf"))
    assert {p.name for p in made} >= {"guide.pdf", "worksheet-A.pdf", "key-A.pdf"}
    for pdf in made:
        words = _pdf_words(pdf, project_texts)
        assert _found(words) == [], f"{pdf.name}: English words factdeck wrote: {_found(words)}"
    guide = " ".join(page.extract_text() or "" for page in PdfReader(folder / "guide.pdf").pages)
    guide = guide.replace("\u2068", "").replace("\u2069", "")  # isolates, which pypdf attaches to other words
    # pypdf reads a right-to-left line's letters in visual order: words and digits are compared either way.
    assert {"راهنمای", "دستور", "زمان"} <= set(guide.split())
    assert "۱۹۶۵" in guide or "۵۶۹۱" in guide  # the timeline's years in Persian digits
    # The document declares Persian, right to left, and mirrors the timeline.
    from factdeck.outputs.languages import localized_base
    from factdeck.outputs.sessions.meetings import split_meetings
    from factdeck.outputs.sessions.packs import meeting_documents

    base = load_and_validate(root)
    spec = next(d for d in base.decks if d.id == "mek-history")
    localized, _ = localized_base(base, spec)
    facts = [localized.facts_by_id[f.id] for f in base.facts if spec.select.matches(f)]
    meeting = split_meetings(facts, 2, spec, localized.eras)[0]
    documents = meeting_documents(localized, spec, meeting, [])
    typst = documents[f"mek-history/sessions/{meeting.folder}/guide.pdf"][1]
    assert 'lang: "fa", dir: rtl' in typst and "#let mirrored = true" in typst


def test_an_english_text_on_a_persian_worksheet_keeps_its_full_stop_at_its_own_end(tmp_path):
    """A fact whose question has no Persian translation yet is printed in English inside the right-to-left
    page: its question mark stays after its last word (at the right end), not at the left as the page's
    direction would set it without isolating the run (UAX #9). Read back from the PDF's glyph positions."""
    import pypdfium2 as pdfium

    from test_translations import init

    assert init(tmp_path / "canal", "--language", "fa", "--title", "کانال").exit_code == 0
    project = Project(tmp_path / "canal")
    translation = project.read("translations/fa/canal.yaml")
    start = translation.index("- fact: canal-locks")
    project.write(
        "translations/fa/canal.yaml",
        translation[:start] + "- fact: canal-locks\n" + translation[translation.index("  answer:", start) :],
    )
    built = project.run("build", "--format", "pdf")
    assert built.exit_code == 0, built.output
    assert "canal-locks (question)" in built.output
    page = pdfium.PdfDocument(project.root / "build" / "starter" / "worksheet-A.pdf")[0]
    text = page.get_textpage()
    boxes = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]

    def first(word: str) -> tuple[float, ...]:
        return next(box for i, (_, box) in enumerate(boxes) if text.get_text_range(i, len(word)) == word)

    how = first("How")
    line = [(char, box) for char, box in boxes if abs(box[1] - how[1]) < 2]  # the question's own line
    latin = [box for char, box in line if char.isascii() and char.isalpha()]
    mark = next(box for char, box in line if char == "?")
    assert mark[0] >= max(box[2] for box in latin) - 0.5, "the question mark is not at the English text's end"
    assert how[0] <= min(box[0] for box in latin) + 0.5

    # A fill-in statement printed in pieces around its blank (`factdeck quiz`, which reads the translations as
    # `build` does): the pieces of an English one keep the English order; a translated one is Persian.
    translation = project.read("translations/fa/canal.yaml")
    start = translation.index("- fact: canal-opened")  # its question, answer and statement all in English
    rest = translation[translation.index("- fact:", start + 1) :]
    project.write("translations/fa/canal.yaml", translation[:start] + rest)
    made = project.run("quiz", "starter", "--types", "fill-blank")
    assert made.exit_code == 0, made.output
    assert "canal-opened" in made.output
    page = pdfium.PdfDocument(project.root / "build" / "starter" / "worksheet-A.pdf")[0]
    text = page.get_textpage()
    boxes = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
    assert "آب‌بند نیاز داشت" in text.get_text_range()
    before, after = first("Brackwater"), first("five")  # either side of the blank
    same_line = abs(before[1] - after[1]) < 2
    assert (same_line and before[0] < after[0]) or (not same_line and before[1] > after[1]), (before, after)
