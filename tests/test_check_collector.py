"""`factdeck check` freezes the loaded base before the cyclic collector resumes after loading (cli_check.py): the
first pass after the pause would otherwise walk every object loading made; and with the built-in card fields it
keeps the collector paused for the checks after validation, which make no reference cycles."""

from __future__ import annotations

import gc

from click.testing import CliRunner
from conftest import sample_project

from factdeck.cli import cli
from test_release_inputs import released_sample


def test_no_collector_pass_walks_what_loading_made(tmp_path, monkeypatch):
    project = sample_project(tmp_path / "proj", more_facts=True)
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")  # the check loads and validates (no kept answer)
    young: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start" and not gc.get_freeze_count():
            young.append(gc.get_count()[0])  # objects made since the last pass, which this pass walks

    thresholds = gc.get_threshold()
    gc.collect()
    # A pass every few objects: a small project's loading makes far more than that, even with every module imported.
    gc.set_threshold(10)
    gc.callbacks.append(seen)
    try:
        result = CliRunner().invoke(cli, ["check", "--project", str(project.root)])
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*thresholds)
    assert result.exit_code == 0, result.output
    # No pass walked what loading made before the base was frozen: every pass that ran unfrozen (before the
    # loading, as imports make objects) walked about the threshold's worth.
    assert max(young, default=0) < 40, young


def test_the_checks_after_validation_run_without_the_collector_unless_a_project_has_its_own_fields(
    tmp_path, monkeypatch
):
    from factdeck import cli_check

    project = released_sample(tmp_path, monkeypatch)
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")  # no kept answer: the check validates, then renders every note
    checks = cli_check._check_base
    passes: list[str] = []
    state = {"checking": False}

    def checking(*args, **kwargs):
        state["checking"] = True
        try:
            return checks(*args, **kwargs)
        finally:
            state["checking"] = False

    def seen(phase: str, info: dict) -> None:
        if phase == "start" and state["checking"]:
            passes.append(phase)

    monkeypatch.setattr(cli_check, "_check_base", checking)
    counts = []
    for own_fields in (False, True):
        if own_fields:  # a project's own field template (its renders make cycles): the collector runs
            project.write("templates/anki/fields/details.html", "<p>{{ fact.statement|text }}</p>\n")
        passes.clear()
        threshold = gc.get_threshold()
        gc.set_threshold(10)  # a pass every few objects: a small project's checks would otherwise make too few
        gc.callbacks.append(seen)
        try:
            result = CliRunner().invoke(cli, ["check", "--project", str(project.root)])
        finally:
            gc.callbacks.remove(seen)
            gc.set_threshold(*threshold)
        assert result.exit_code == 0, result.output
        counts.append(len(passes))
    assert counts[0] == 0 and counts[1] > 0, counts
