"""Fact translations: a starter in Persian or German that checks and builds in that language, translations
bound to their originals' fingerprints (stale ones reported at their lines by check and review, stamped
current again), fall-back or refusal by the deck's setting, and no English word of factdeck's in a Persian page."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import Project

from factdeck.cli import cli
from factdeck.i18n.catalogs import TEMPLATE


def init(folder, *args: str):
    return CliRunner().invoke(cli, ["init", str(folder), *args], catch_exceptions=False)


@pytest.fixture
def persian(tmp_path) -> Project:
    result = init(tmp_path / "canal", "--language", "fa", "--title", "تاریخ کانال")
    assert result.exit_code == 0, result.output
    return Project(tmp_path / "canal")


def _line_of(project: Project, relative: str, text: str) -> int:
    for number, line in enumerate(project.read(relative).splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {relative}")


def _page_data(html: str) -> dict:
    return json.loads(re.search(r'id="quiz-data">(.*?)</script>', html, re.S).group(1))


def _english_pieces() -> list[str]:
    """The English words of every message factdeck writes (the catalog template's msgids), as the literal runs
    between placeholders that hold a word of three letters or more."""
    with TEMPLATE.open("rb") as handle:
        catalog = read_po(handle)
    pieces = set()
    for message in catalog:
        for msgid in [message.id] if isinstance(message.id, str) else list(message.id or ()):
            for piece in re.split(r"%\(\w+\)s", msgid):
                piece = piece.strip(" .:;,–—“”()…✓✗")
                if re.search(r"[A-Za-z]{3,}", piece):
                    pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def _visible_text(html: str) -> str:
    """What a reader sees of the page before its script runs, and every word its script may show."""
    data = _page_data(html)
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"%\(\w+\)s", " ", body + " " + " ".join(_values(data["messages"])))  # placeholders are no words


def _values(data) -> list[str]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [str(data)]


def test_a_persian_starter_checks_and_builds_in_persian_right_to_left(persian):
    check = persian.run("check", "--strict", "--archive", str(persian.path("archive")))
    assert check.exit_code == 0, check.output
    build = persian.run("build")
    assert build.exit_code == 0, build.output
    html = persian.read("build/starter/starter-quiz.html")
    assert '<html lang="fa" dir="rtl">' in html
    data = _page_data(html)
    assert data["messages"]["nextQuestion"] == "پرسش بعدی"
    prompts = " ".join(q["prompt"] for q in data["questions"])
    assert "کانال" in prompts and "Brackwater" not in prompts  # the facts' translations, not their originals
    text = _visible_text(html)
    for source_text in ("A Short History of the Brackwater Canal", "factdeck starter project", "factdeck"):
        text = text.replace(source_text, " ")  # the source's own title and publisher stay as it gives them
    found = [piece for piece in _english_pieces() if re.search(rf"\b{re.escape(piece)}\b", text)]
    assert found == [], f"English words factdeck wrote in the Persian page: {found}"


def test_the_english_page_has_the_words_the_persian_one_lacks(tmp_path):
    """The comparison above can fail: the English page is full of the catalog's words."""
    assert init(tmp_path / "en").exit_code == 0
    english = Project(tmp_path / "en")
    assert english.run("build").exit_code == 0
    html = english.read("build/starter/starter-quiz.html")
    assert '<html lang="en" dir="ltr">' in html
    text = _visible_text(html)
    found = [piece for piece in _english_pieces() if re.search(rf"\b{re.escape(piece)}\b", text)]
    assert {"Next question", "Show the answer", "Sources"} <= set(found)


def test_a_german_starter_builds_in_german(tmp_path):
    assert init(tmp_path / "de", "--language", "de").exit_code == 0
    german = Project(tmp_path / "de")
    assert german.run("check", "--strict").exit_code == 0
    assert german.run("build").exit_code == 0
    html = german.read("build/starter/starter-quiz.html")
    assert '<html lang="de" dir="ltr">' in html
    assert "Nächste Frage" in html
    assert "Schleusen" in json.dumps(_page_data(html)["questions"], ensure_ascii=False)


def test_an_edited_original_makes_its_translation_stale_at_its_line(persian):
    persian.replace(
        "facts/canal.yaml", "How many locks did the Brackwater Canal need?", "How many locks did the canal need?"
    )
    translation = "translations/fa/canal.yaml"
    line = _line_of(persian, translation, "کانال براک‌واتر به چند آب‌بند نیاز داشت؟") - 1  # its `question:` key
    check = persian.run("check")
    assert check.exit_code == 0, check.output  # a warning: the deck falls back to the edited original
    expected = f"{translation}:{line}: warning: translation (fa) of fact 'canal-locks': question is stale"
    assert expected in check.stderr
    assert persian.run("check", "--strict").exit_code != 0
    review = persian.run("review")
    assert f"{translation}:{line}: translation (fa) of fact 'canal-locks': question is stale" in review.output
    # The deck falls back to the original for that text alone.
    assert persian.run("build").exit_code == 0
    questions = json.dumps(_page_data(persian.read("build/starter/starter-quiz.html"))["questions"], ensure_ascii=False)
    assert "How many locks did the canal need?" in questions  # the edited original, not the stale translation
    assert "کانال براک‌واتر به چند آب‌بند نیاز داشت؟" not in questions
    assert "کانال براک‌واتر در _____" in questions  # the other facts' translations are current
    # The original vetted again, its translation checked and stamped: current.
    assert persian.run("vet", "canal-locks", "--reviewer", "fact-editor").exit_code == 0
    stamp = persian.run("translate", "stamp", "fa", "canal-locks")
    assert stamp.exit_code == 0, stamp.output
    assert persian.run("check", "--strict").exit_code == 0
    assert "of: " in persian.read(translation)


def test_a_deck_that_refuses_untranslated_facts_names_them(persian):
    persian.replace(
        "facts/canal.yaml",
        "The eleven-mile Brackwater Canal needed fourteen locks.",
        "The eleven-mile canal needed fourteen locks.",
    )
    persian.replace("decks/starter.yaml", "language: fa\n", "language: fa\ntranslation:\n  missing: refuse\n")
    build = persian.run("build")
    assert build.exit_code != 0
    assert "deck 'starter' (fa) refuses facts without a current translation: canal-locks (statement)" in build.output


def test_a_translation_of_an_unknown_fact_or_version_is_an_error_at_its_line(persian):
    persian.replace("translations/fa/canal.yaml", "- fact: canal-locks", "- fact: canal-lock")
    persian.replace("translations/fa/canal.yaml", "- id: union", "- id: unions")
    check = persian.run("check")
    assert check.exit_code != 0
    assert "translations/fa/canal.yaml:" in check.stderr
    assert "unknown fact 'canal-lock' (did you mean 'canal-locks'?" in check.stderr
    assert "unknown dispute version 'unions' (did you mean 'union'?" in check.stderr


def test_a_deck_in_a_language_without_a_catalog_is_refused_at_its_line(persian):
    persian.replace("decks/starter.yaml", "language: fa", "language: it")
    check = persian.run("check")
    assert check.exit_code != 0
    assert "decks/starter.yaml:" in check.stderr and "no catalog for language 'it'" in check.stderr
    assert "factdeck language add it" in check.stderr


def test_a_started_translation_is_used_only_once_stamped(persian):
    persian.run("translate", "stamp", "fa")  # nothing changes for current translations
    assert persian.run("check", "--strict").exit_code == 0
    persian.write("translations/fa/canal.yaml", "")
    start = persian.run("translate", "start", "fa", "canal-locks")
    assert start.exit_code == 0, start.output
    status = persian.run("translate", "status", "fa")
    assert "not stamped" in status.output
    assert "fa: 0 of 4 vetted facts read wholly in fa; 1 have a translation" in status.output
    persian.replace(
        "translations/fa/canal.yaml", "How many locks did the Brackwater Canal need?", "کانال به چند آب‌بند نیاز داشت؟"
    )
    assert persian.run("translate", "stamp", "fa", "canal-locks").exit_code == 0
    assert "کانال به چند آب‌بند نیاز داشت؟" in persian.read("translations/fa/canal.yaml")
    assert "not stamped" not in persian.run("translate", "status", "fa").output


def test_translate_and_language_commands_run_from_inside_the_project(persian, monkeypatch):
    """Run as users do, from the project folder with no --project: every path printed relative to it."""
    from click.testing import CliRunner

    from factdeck.cli import cli

    monkeypatch.chdir(persian.root)
    persian.write("translations/fa/canal.yaml", "")
    start = CliRunner().invoke(cli, ["translate", "start", "fa", "canal-locks"])
    assert start.exit_code == 0, start.output
    assert "added 1 fact to translations/fa/" in start.output
    added = CliRunner().invoke(cli, ["language", "add", "it"])
    assert added.exit_code == 0, added.output
    assert "made locale/it/LC_MESSAGES/factdeck.po" in added.output


def test_language_list_shows_each_language_and_its_direction(persian):
    listing = persian.run("language", "list")
    assert listing.exit_code == 0, listing.output
    assert re.search(r"^fa\tفارسی\trtl\tshipped\t(\d+)/\1 messages translated$", listing.output, re.M)
    add = persian.run("language", "add", "it")
    assert add.exit_code == 0, add.output
    assert persian.path("locale/it/LC_MESSAGES/factdeck.po").is_file()
    assert re.search(
        r"^it\titaliano\tltr\tproject\t0/\d+ messages translated$", persian.run("language", "list").output, re.M
    )


def _notes_and_types(apkg) -> tuple[dict[str, str], list[dict]]:
    import sqlite3
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki2", folder)
        db = sqlite3.connect(f"{folder}/collection.anki2")
        try:
            notes = dict(db.execute("select guid, flds from notes"))
            types = list(json.loads(db.execute("select models from col").fetchone()[0]).values())
        finally:
            db.close()
    return notes, types


def test_a_persian_deck_is_an_edition_with_its_own_notes_and_note_types(persian, tmp_path):
    assert persian.run("build").exit_code == 0
    notes, types = _notes_and_types(persian.path("build/starter/starter.apkg"))
    assert sorted(t["name"].split(": ", 1)[1] for t in types) == ["fact card (fa)", "fact cloze (fa)"]
    for note_type in types:
        assert '<div lang="fa" dir="rtl" class="fd-card' in note_type["tmpls"][0]["qfmt"]
    cloze = next(t for t in types if t["name"].endswith("cloze (fa)"))
    assert "جای خالی را پر کنید." in cloze["tmpls"][0]["qfmt"] and "Fill in the blank" not in cloze["tmpls"][0]["qfmt"]
    fields = " ".join(notes.values())
    assert "منابع هم‌داستان نیستند" in fields and "Sources disagree" not in fields
    assert "کتاب" in fields and "بی‌طرف" in fields  # the source's kind and stance
    # The same project's deck in English has other notes: importing one never overwrites the other's.
    persian.replace("decks/starter.yaml", "language: fa\n", "")
    assert persian.run("build").exit_code == 0
    english, english_types = _notes_and_types(persian.path("build/starter/starter.apkg"))
    assert not set(english) & set(notes)
    assert {t["id"] for t in english_types}.isdisjoint({t["id"] for t in types})
    assert "Sources disagree" in " ".join(english.values())


def test_bilingual_cards_show_the_original_on_the_back(persian):
    persian.replace("decks/starter.yaml", "language: fa\n", "language: fa\ntranslation:\n  bilingual: true\n")
    assert persian.run("build").exit_code == 0
    notes, _ = _notes_and_types(persian.path("build/starter/starter.apkg"))
    fields = " ".join(notes.values())
    assert 'class="fd-original" lang="en"' in fields
    assert "How many locks did the Brackwater Canal need?" in fields
    assert "کانال براک‌واتر به چند آب‌بند نیاز داشت؟" in fields


@pytest.mark.parametrize("platform", ["moodle-xml", "gift", "qti"])
def test_platform_exports_of_a_persian_deck_give_feedback_in_persian(persian, platform):
    import io
    import zipfile

    target = persian.path(f"export.{platform}")
    result = persian.run("export", platform, "starter", "-o", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    if platform == "qti":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    text = html_text(data.decode("utf-8"))
    assert "منبع: " in text and "کانال براک‌واتر به چند آب‌بند نیاز داشت؟" in text
    assert "Source:" not in text and "stance:" not in text and "Sources disagree" not in text


def html_text(text: str) -> str:
    import html

    return re.sub(r"\\([:~=#{}])", r"\1", html.unescape(html.unescape(text)))  # GIFT's escapes too


def test_an_edited_translation_is_rebuilt(persian):
    assert persian.run("build").exit_code == 0
    page = persian.path("build/starter/starter-quiz.html")
    before = page.read_text(encoding="utf-8")
    persian.replace("translations/fa/canal.yaml", "حفاری و گشایش", "کندن و گشودن")
    persian.run("translate", "stamp", "fa")
    rebuilt = persian.run("build")
    assert rebuilt.exit_code == 0, rebuilt.output
    notes, _ = _notes_and_types(persian.path("build/starter/starter.apkg"))
    assert "کندن و گشودن" in " ".join(notes.values())
    assert page.read_text(encoding="utf-8") == before  # the web quiz shows no era title: the same bytes


def test_the_persian_worksheets_keys_and_answer_sheets_are_persian_and_right_to_left(persian):
    import pypdf

    from test_persian_build import _factdeck_words, _found, _project_texts

    persian.replace(
        "decks/starter.yaml", "  versions: 2\n", "  versions: 2\n  answer_sheet: true\n  large_print: true\n"
    )
    built = persian.run("build", "--format", "pdf")
    assert built.exit_code == 0, built.output
    project_texts = _project_texts(persian.root)
    pdfs = sorted(persian.path("build/starter").glob("*.pdf"))
    assert {p.name for p in pdfs} >= {
        "worksheet-A.pdf",
        "key-A.pdf",
        "answer-sheet-A.pdf",
        "worksheet-B-large-print.pdf",
    }
    for pdf in pdfs:
        reader = pypdf.PdfReader(pdf)
        assert reader.trailer["/Root"]["/Lang"] == "fa", pdf.name  # PDF/UA's language entry
        text = " ".join(page.extract_text() for page in reader.pages)
        words = _factdeck_words(text, project_texts)
        assert _found(words) == [], f"{pdf.name}: {_found(words)}"
        assert re.search("[\u06f0-\u06f9]", text), pdf.name  # page and question numbers in Persian digits


def test_a_translation_of_a_withdrawn_dispute_is_stale_not_an_error(persian):
    """An editor who turns a dispute into a single fact does not stop `check` for its translations: the
    translated summary and versions are reported stale at their lines (a warning; an error under --strict)."""
    import yaml

    facts = persian.path("facts/canal.yaml")
    records = yaml.safe_load(facts.read_text(encoding="utf-8"))
    record = next(r for r in records if r.get("dispute"))
    text = facts.read_text(encoding="utf-8")
    start = text.index("  dispute:", text.index(f"id: {record['id']}"))
    end = text.index("\n  status:", start)
    persian.write("facts/canal.yaml", text[:start] + text[end + 1 :])
    assert persian.run("vet", record["id"], "--reviewer", "fact-editor").exit_code == 0
    check = persian.run("check")
    assert check.exit_code == 0, check.output
    assert re.search(
        r"translations/fa/canal\.yaml:\d+: warning: .*dispute\.summary is stale: the fact no longer has it",
        check.stderr,
    )
    assert persian.run("check", "--strict").exit_code != 0
