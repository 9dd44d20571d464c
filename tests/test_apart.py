"""Stages run in a forked copy of the process (engine/apart.py) so that their working memory goes back to the system:
the rules across facts of a cold validation and the parsing of a large release record. The parent must get exactly
what it would have made itself, and must not make the working set (counted: the comparison forms it makes, the
records it parses), or the copy spares nothing."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
from conftest import Project, bench_base

from factdeck.build import load_and_validate
from factdeck.engine import apart, kept_inputs, validation
from factdeck.engine.apart import computed_apart
from factdeck.exceptions import ValidationFailed
from factdeck.records.identity import load_published
from test_across_parts import _disagrees
from test_kept_published import Parsed, _same
from test_release_inputs import RECORD, released_sample

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="stages are run apart on Linux only (engine/apart.py)")


def test_the_copy_s_value_comes_back_and_its_changes_stay_there():
    seen: list[int] = []

    def work():
        seen.append(1)  # made in the copy's memory
        return {"facts": [("a", 1), ("b", None)], "size": 2**40}

    assert computed_apart(work) == (True, {"facts": [("a", 1), ("b", None)], "size": 2**40})
    assert seen == []


@pytest.mark.parametrize("work", [lambda: 1 / 0, lambda: object(), lambda: os._exit(3)])
def test_a_copy_that_fails_sends_nothing(work):
    # An error, a value marshal cannot send, a copy that dies: the caller does the work itself.
    assert computed_apart(work) == (False, None)


def test_no_copy_while_other_threads_run(monkeypatch):
    forked: list[int] = []
    monkeypatch.setattr(apart.os, "fork", lambda: forked.append(1) or 0)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert computed_apart(lambda: 1) == (False, None)
    finally:
        release.set()
        other.join()
    assert forked == []


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_no_copy_away_from_linux(monkeypatch, platform):
    # macOS's system libraries may run threads a forked copy cannot use; Windows cannot fork.
    forked: list[int] = []
    monkeypatch.setattr(apart.os, "fork", lambda: forked.append(1) or 0)
    monkeypatch.setattr(apart.sys, "platform", platform)
    assert computed_apart(lambda: 1) == (False, None)
    assert forked == []


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """The bench base at 300 facts (three fact files), two of its facts disagreeing across files."""
    root = bench_base(300, tmp_path_factory.mktemp("apart") / "synth")
    _disagrees(root)
    return root


class Forms:
    """Counts the facts whose comparison forms this process makes while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[str] = []
        make = validation.forms_of

        def counted(fact):
            self.made.append(fact.id)
            return make(fact)

        monkeypatch.setattr(validation, "forms_of", counted)


def _outcome(root: Path) -> tuple:
    try:
        base = load_and_validate(root)
    except ValidationFailed as failed:
        return ("failed", [str(p) for p in failed.problems])
    return ("passed", [str(w) for w in base.warnings], [(f.file, f.line, f.model_dump()) for f in base.facts])


@pytest.mark.parametrize("cached", [False, True])
def test_a_cold_validation_finds_across_facts_in_a_copy_what_it_finds_alone(synthetic, tmp_path, monkeypatch, cached):
    if not cached:
        monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    forms = Forms(monkeypatch)
    monkeypatch.setattr(validation, "PARALLEL_TEXT", 10**12)  # nothing is large enough to fork
    alone = _outcome(shutil.copytree(synthetic, tmp_path / "alone"))
    assert len(forms.made) >= 300
    assert "to the same kind of question" in str(alone[1])  # the rules across facts found something
    forms.made.clear()
    monkeypatch.setattr(validation, "PARALLEL_TEXT", 0)  # every cold validation forks
    assert _outcome(shutil.copytree(synthetic, tmp_path / "apart")) == alone
    assert forms.made == []  # made in the copy, not here


def test_a_validation_after_an_edit_finds_across_facts_here(synthetic, tmp_path, monkeypatch):
    # Few files validated again: the working set is small, and a copy would only cost the fork.
    root = shutil.copytree(synthetic, tmp_path / "edited")
    texts = [len(path.read_text(encoding="utf-8")) for path in (root / "facts").glob("part-*.yaml")]
    assert len(texts) == 3
    monkeypatch.setattr(validation, "PARALLEL_TEXT", sum(texts) - min(texts))  # more than any file holds
    forms = Forms(monkeypatch)
    load_and_validate(root)
    assert forms.made == []  # cold: made in the copy
    path = root / "facts" / "part-0001.yaml"
    # A statement edited (the file's other facts' forms are carried from its earlier entry, only the edited fact's made).
    path.write_text(
        path.read_text(encoding="utf-8").replace('  statement: "', '  statement: "Edited. ', 1), encoding="utf-8"
    )
    load_and_validate(root)
    assert forms.made  # one file validated again: made here


@pytest.fixture
def released(tmp_path, monkeypatch) -> Project:
    return released_sample(tmp_path, monkeypatch)


def test_a_large_record_parsed_in_a_copy_is_the_parsed_one(released, monkeypatch):
    expected = load_published(released.root)[0]
    monkeypatch.setattr(kept_inputs, "APART_TEXT", 0)
    parsed = Parsed(monkeypatch)
    kept = load_and_validate(released.root).published
    assert parsed.files == []  # parsed in the copy, not here
    _same(kept, expected)
    _same(load_and_validate(released.root).published, expected)  # as the cache keeps it


def test_a_damaged_large_record_is_reported_as_usual(released, monkeypatch):
    released.write(RECORD, released.read(RECORD)[:-40])
    said = released.run("check")
    monkeypatch.setattr(kept_inputs, "APART_TEXT", 0)
    monkeypatch.setenv("FACTDECK_CACHE_DIR", str(released.root.parent / "other-cache"))
    again = released.run("check")
    assert again.exit_code == said.exit_code != 0
    assert again.stderr == said.stderr and "not valid JSON" in said.stderr
