"""Languages: the shipped catalogs complete and current, the Language object explicit (no process-wide
switch), dates and numbers in the language's forms, and documents that declare their language and direction."""

from __future__ import annotations

import ast
import datetime
import io
import json
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import REPO

from factdeck.i18n import Language, LanguageError, shipped_languages
from factdeck.i18n.catalogs import SHIPPED, TEMPLATE, catalog_path, untranslated
from factdeck.outputs.render import html_environment, typst_environment
from factdeck.text.dates import date_label

PACKAGE = REPO / "src" / "factdeck"


def _catalog(language: str) -> Catalog:
    with catalog_path(SHIPPED, language).open("rb") as handle:
        return read_po(handle)


def _ids(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_english_persian_and_a_third_left_to_right_language_ship():
    assert {"en", "fa", "de"} <= set(shipped_languages())
    assert Language.load("fa").direction == "rtl"
    assert Language.load("de").direction == "ltr"


@pytest.mark.parametrize("language", ["en", "fa", "de"])
def test_every_shipped_catalog_is_complete_and_its_placeholders_match(language):
    catalog = _catalog(language)
    assert untranslated(catalog) == []
    # Babel's own checks: the python-format placeholders of each translation are those of its message.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
    assert _ids(catalog) == _ids(_template())


def _template() -> Catalog:
    with TEMPLATE.open("rb") as handle:
        return read_po(handle)


def test_a_message_left_untranslated_is_found():
    catalog = Catalog(locale="fa")
    catalog.add("Check", "بررسی")
    catalog.add("Start over", "")
    catalog.add("Next question", "پرسش بعدی", flags=["fuzzy"])
    assert untranslated(catalog) == ["Start over", "Next question"]


def test_the_template_holds_every_message_of_the_code_and_templates(tmp_path, monkeypatch):
    from factdeck.i18n import maintain

    monkeypatch.setattr(maintain, "TEMPLATE", tmp_path / "factdeck.pot")
    # The checkout these tests run from (babel.cfg, src/): an installed factdeck lives elsewhere.
    maintain.extract(Path(__file__).resolve().parents[1])
    with (tmp_path / "factdeck.pot").open("rb") as handle:
        fresh = read_po(handle)
    assert _ids(fresh) == _ids(_template()), "run `python -m factdeck.i18n.maintain all` and translate what is new"


@pytest.mark.parametrize("language", ["en", "fa", "de"])
def test_each_compiled_catalog_is_its_po_file_compiled(language):
    with catalog_path(SHIPPED, language, ".mo").open("rb") as handle:
        compiled = read_mo(handle)
    source = _catalog(language)

    def context(m):  # Babel's .mo reader gives the context as bytes
        return m.context.decode() if isinstance(m.context, bytes) else m.context

    def entries(catalog, context):
        return {
            (context(m), tuple(m.id) if isinstance(m.id, list | tuple) else m.id): (
                tuple(m.string) if isinstance(m.string, list | tuple) else m.string
            )
            for m in catalog
            if m.id
        }

    assert entries(compiled, context) == entries(source, lambda m: m.context), (
        "run `python -m factdeck.i18n.maintain compile`"
    )


def test_the_wheel_ships_the_compiled_catalogs():
    # hatchling puts every file under src/factdeck in the wheel (pyproject.toml); a .gitignore'd .mo would not be.
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8")
    assert ".mo" not in ignored
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["src/factdeck"]' in config


def test_no_module_switches_the_language_for_the_process():
    """Every function that writes words takes its Language: no gettext.install, setlocale or global."""
    for path in [*(PACKAGE / "i18n").glob("*.py"), PACKAGE / "outputs" / "render.py", PACKAGE / "text" / "dates.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not isinstance(node, ast.Global), f"{path.name}: a global statement"
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("install", "setlocale", "textdomain"), f"{path.name}: {node.attr}"


def test_two_languages_render_side_by_side_in_one_process(tmp_path):
    fa, de = Language.load("fa"), Language.load("de")
    english = html_environment(tmp_path)
    persian = html_environment(tmp_path, fa)
    german = typst_environment(tmp_path, de)
    assert persian is not english
    template = '{{ _("Next question") }} {{ ngettext("To review: %(n)s question", "To review: %(n)s questions", 3) }}'
    assert english.from_string(template).render() == "Next question To review: 3 questions"
    assert persian.from_string(template).render() == "پرسش بعدی برای مرور: ۳ پرسش"
    assert german.from_string(template).render() == "Nächste Frage Zu wiederholen\\: 3 Fragen"
    assert english.from_string(template).render() == "Next question To review: 3 questions"


def test_plural_forms_follow_each_language():
    de = Language.load("de")
    assert de.ngettext("To review: %(n)s question", "To review: %(n)s questions", 1) == "Zu wiederholen: 1 Frage"
    assert de.ngettext("To review: %(n)s question", "To review: %(n)s questions", 2) == "Zu wiederholen: 2 Fragen"
    fa = Language.load("fa")  # Persian counts with the singular noun: one form
    assert fa.ngettext("To review: %(n)s question", "To review: %(n)s questions", 1) == "برای مرور: ۱ پرسش"
    assert fa.ngettext("To review: %(n)s question", "To review: %(n)s questions", 12) == "برای مرور: ۱۲ پرسش"


_FA_JULY = str(Locale.parse("fa").months["format"]["wide"][7])


@pytest.mark.parametrize(
    ("text", "english", "persian", "german"),
    [
        ("1965", "1965", "۱۹۶۵", "1965"),
        ("1965-09-05", "5 September 1965", "۵ سپتامبر ۱۹۶۵", "5. September 1965"),
        ("196X", "the 1960s", "دههٔ ۱۹۶۰", "die 1960er"),
        ("1965~", "c. 1965", "حدود ۱۹۶۵", "ca. 1965"),
        ("1981?", "1981 (uncertain)", "۱۹۸۱ (نامطمئن)", "1981 (unsicher)"),
        ("-0043", "44 BCE", "۴۴ پیش از میلاد", "44 v. Chr."),
        ("2001-21", "Spring 2001", "بهار ۲۰۰۱", "Frühjahr 2001"),
        # Persian month names come from Babel's CLDR data, whose spelling of July changes between releases.
        ("1969-07-16/1969-07-24", "16–24 July 1969", f"۱۶–۲۴ {_FA_JULY} ۱۹۶۹", "16.–24. Juli 1969"),
        ("1985/..", "from 1985", "از ۱۹۸۵", "ab 1985"),
        ("[1986,1988,1990]", "1986, 1988 or 1990", "۱۹۸۶، ۱۹۸۸ یا ۱۹۹۰", "1986, 1988 oder 1990"),
    ],
)
def test_edtf_labels_in_each_language(text, english, persian, german):
    assert date_label(text) == english
    assert date_label(text, Language.load("en")) == english
    assert date_label(text, Language.load("fa")) == persian
    assert date_label(text, Language.load("de")) == german


def test_persian_digits_are_an_option():
    assert Language.load("fa").number(1965) == "۱٬۹۶۵"
    assert Language.load("fa", digits="latin").number(1965) == "1,965"
    assert date_label("1965-09", Language.load("fa", digits="latin")) == "سپتامبر 1965"
    assert Language.load("de").number(1965) == "1.965"


def test_a_language_without_a_catalog_is_refused_with_the_ones_there_are():
    with pytest.raises(LanguageError, match=r"no catalog for language 'it' \(languages with a catalog: de, en, fa"):
        Language.load("it")


def test_a_project_catalog_adds_a_language(tmp_path):
    catalog = Catalog(locale="it")
    catalog.add("Next question", "Domanda successiva")
    target = catalog_path(tmp_path / "locale", "it")
    target.parent.mkdir(parents=True)
    from babel.messages.pofile import write_po

    with target.open("wb") as handle:
        write_po(handle, catalog)
    italian = Language.load("it", tmp_path)
    assert italian.gettext("Next question") == "Domanda successiva"
    assert italian.gettext("Check") == "Check"  # not translated yet: the English message


def test_json_for_the_page_keeps_every_script_message(tmp_path):
    from factdeck.outputs.web.messages import script_messages

    messages = script_messages(Language.load("fa"), 3)
    assert messages["digits"] == "۰۱۲۳۴۵۶۷۸۹"
    assert messages["counter"] == "پرسش %(n)s از %(total)s"
    assert len(messages["toReview"]) == 4
    json.dumps(messages)
    script = (PACKAGE / "templates" / "web" / "quiz.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bT\.(\w+)", script))
    assert used <= set(messages), used - set(messages)
    # The script holds no English word of its own: every string literal is a key, a tag or a class name.
    literals = re.findall(r'"([^"\\]*)"', re.sub(r"//[^\n]*", "", script))
    worded = [s for s in literals if re.search(r"[A-Z][a-z]+ [a-z]+", s)]
    assert worded == []


def test_a_persian_po_file_reads_back():
    assert io.BytesIO(catalog_path(SHIPPED, "fa").read_bytes()).read(3)
    assert isinstance(Path(TEMPLATE), Path)


def _persian_date(day: datetime.date, pattern: str) -> str:
    """A date as Babel's CLDR data writes it in Persian (the spelling of a month changes between releases), in
    Persian digits."""
    from babel.dates import format_date

    return format_date(day, format=pattern, locale="fa").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


@pytest.mark.parametrize(
    "statement",
    [
        lambda: f"انقلاب در {_persian_date(datetime.date(1979, 1, 1), 'MMMM y')} به پیروزی رسید و شاه از ایران رفت.",
        lambda: f"انقلاب در {_persian_date(datetime.date(1981, 6, 20), 'long')} به پیروزی رسید و شاه از ایران رفت.",
        lambda: "Die Gruppe wurde am 20. Juni 1981 verboten, sagte die Quelle später.",  # the day's full stop
        lambda: "The group was banned on 20 June 1981 by the state, the text says.",
    ],
)
def test_a_timeline_row_blanks_the_whole_date_in_every_shipped_language(statement):
    """A translated fact's timeline row leaves no month beside its blank (the month would give the date away):
    Persian with its month as the CLDR writes it (with its ezafe), German, English."""
    from factdeck.quiz.wording import BLANK, _undated

    row = _undated(statement())
    assert row is not None and row.count(BLANK) == 1
    before = row.split(BLANK)[0].split()
    assert before[-1] in ("در", "am", "on"), row


def test_a_latin_run_in_a_persian_sentence_is_isolated_in_print():
    """In a right-to-left document, the Latin run of a Persian sentence (a passage's English opening words) is
    wrapped in first-strong isolates, as cards wrap it in <span dir="ltr">; the Persian words around it, a bare
    Latin word and code the templates build are left as they are."""
    from factdeck.outputs.render import TypstRaw, _finalize_typst_rtl

    sentence = "این بند با 'In April 1992' آغاز می‌شود."
    assert _finalize_typst_rtl(sentence) == "این بند با \\'\u2068In April 1992\u2069\\' آغاز می‌شود\\."
    assert _finalize_typst_rtl("سلام") == "سلام"
    assert _finalize_typst_rtl("Atalayar") == "Atalayar"
    assert _finalize_typst_rtl(TypstRaw("#text(dir: ltr)[x]")) == "#text(dir: ltr)[x]"
