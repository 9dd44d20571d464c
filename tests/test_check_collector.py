"""`factdeck check` freezes the loaded base before the cyclic collector resumes after loading (cli_check.py): the
first pass after the pause would otherwise walk every object loading made."""

from __future__ import annotations

import gc

from click.testing import CliRunner
from conftest import sample_project

from factdeck.cli import cli


def test_no_collector_pass_walks_what_loading_made(tmp_path, monkeypatch):
    project = sample_project(tmp_path / "proj", more_facts=True)
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")  # the check loads and validates (no kept answer)
    young: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            young.append(gc.get_count()[0])  # objects made since the last pass, which this pass walks

    threshold = gc.get_threshold()[0]
    gc.collect()
    gc.callbacks.append(seen)
    try:
        result = CliRunner().invoke(cli, ["check", "--project", str(project.root)])
    finally:
        gc.callbacks.remove(seen)
    assert result.exit_code == 0, result.output
    assert young  # the collector ran during the check
    assert max(young) < 4 * threshold, young
