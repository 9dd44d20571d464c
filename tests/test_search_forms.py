"""The archived texts' search forms kept (engine/search_forms.py): a check takes each text's `quote_search_form` back
from what an earlier one kept under the text, and its answer is a check's without caches."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from conftest import Project, cli_check, sample_project

from factdeck.build import load_and_validate
from factdeck.engine import search_forms
from factdeck.engine.session import Session
from factdeck.exceptions import ValidationFailed
from factdeck.records.quotes import quote_search_form

CHRONICLE = "archive/chronicle.txt"
FOUNDED = "The guild was founded in 1901 by ferry workers"


pytestmark = pytest.mark.usefixtures("every_check_validates")


@pytest.fixture
def project(tmp_path: Path, parse_cache_folder: Path) -> Project:
    return sample_project(tmp_path / "proj", more_facts=True)


def check(project: Project, cache: bool = True) -> tuple[int, str]:
    return cli_check(project, "--archive", str(project.archive), cache=cache)


def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts whose search forms are made (not taken back) from now on."""
    texts: list[str] = []

    def counted(text: str) -> str:
        texts.append(text)
        return quote_search_form(text)

    monkeypatch.setattr(search_forms, "quote_search_form", counted)
    return texts


def test_a_check_takes_the_forms_back_and_answers_as_without_caches(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = check(project, cache=False)
    assert "quotes: 0 verified" not in cold[1]  # the archived texts are read and quotes verified in them
    first = made(monkeypatch)
    assert check(project) == cold
    assert len(first) == 2  # both archived texts
    first.clear()
    assert check(project) == cold
    assert first == []


def _problems(project: Project) -> list[str]:
    try:
        base = load_and_validate(project.root, archive=project.archive, unhashed=frozenset({"chronicle"}))
    except ValidationFailed as failed:
        return [str(p) for p in failed.problems]
    return [str(p) for p in base.warnings]


def test_a_changed_text_s_form_is_made_again(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _problems(project)
    project.replace(CHRONICLE, FOUNDED, "The guild was set up in 1901 by ferry workers", vet=False)
    texts = made(monkeypatch)
    after = _problems(project)
    assert after != before and any("founded in 1901" in p for p in after)  # the quote is no longer in the text
    assert len(texts) == 1  # the changed text's form, not the other's


def test_forms_kept_under_less_than_the_whole_text_would_be_caught(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept by something else than the text (here: its first line, which the edit below keeps), a changed text's quotes
    are searched in its earlier form, and the answer is the earlier one: what the comparison above catches."""
    kept_by: dict[str, str] = {}

    def by_first_line(self: search_forms.KeptSearchForms, text: str) -> str:
        return kept_by.setdefault(text.splitlines()[0], quote_search_form(text))

    monkeypatch.setattr(search_forms.KeptSearchForms, "form", by_first_line)
    before = _problems(project)
    project.replace(CHRONICLE, FOUNDED, "The guild was set up in 1901 by ferry workers", vet=False)
    assert _problems(project) == before  # wrong: the quote is no longer in the text


@pytest.mark.parametrize("damage", [b"", b"garbage", "not-a-string"])
def test_a_damaged_entry_is_made_again(project: Project, parse_cache_folder: Path, damage: object) -> None:
    text = project.read(CHRONICLE)
    forms = search_forms.KeptSearchForms(Session.one_off())
    assert forms.form(text) == quote_search_form(text) and forms.made == 1
    [entry] = [p for p in (parse_cache_folder.parent / "search-forms").glob("*/*") if p.is_file()]
    if damage == "not-a-string":
        raw = entry.read_bytes()
        entry.write_bytes(raw[: raw.index(b"\0") + 1] + marshal.dumps(["a", "list"]))
    else:
        assert isinstance(damage, bytes)
        entry.write_bytes(damage)
    again = search_forms.KeptSearchForms(Session.one_off())
    assert again.form(text) == quote_search_form(text) and again.made == 1
    assert search_forms.KeptSearchForms(Session.one_off()).form(text) == quote_search_form(text)
