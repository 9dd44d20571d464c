"""A build freezes the validated base without a collector pass (build.py), so validation must leave no reference
cycles behind: frozen, they would stay until the process ends."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from conftest import sample_project

from factdeck.build import load_and_validate
from factdeck.records import yaml_parse


@pytest.fixture
def collector_off():
    """The cyclic collector paused (as while a build validates), and resumed afterwards."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_reading_a_fact_file_leaves_nothing_for_the_cyclic_collector(collector_off) -> None:
    text = (Path(__file__).parent / "fixtures" / "sample" / "facts" / "guild.yaml").read_text(encoding="utf-8")
    data, lines = yaml_parse._fast_parse(text)
    assert data and lines
    del data, lines
    assert gc.collect() == 0


def test_validating_every_file_afresh_leaves_nothing_for_the_cyclic_collector(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")  # every file read and validated, none restored
    project = sample_project(tmp_path / "proj")
    load_and_validate(project.root)  # first: whatever is made once per process (imports, validators)
    gc.collect()
    gc.disable()
    try:
        base = load_and_validate(project.root)
        assert base.facts
        del base
        assert gc.collect() == 0
    finally:
        gc.enable()
