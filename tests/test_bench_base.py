"""The benchmarks' synthetic base (bench/synth.py) is written like a real project: it passes `check --strict`
with its archived texts, so every rule a real project meets runs on it, and no benchmark times thousands of
warnings. A rule added later that the synthetic base breaks fails here, not silently in the figures."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import bench_base

from factdeck.cli import cli


def test_the_synthetic_base_checks_clean_under_every_rule(tmp_path, monkeypatch):
    root = bench_base(300, tmp_path / "synth")
    result = CliRunner().invoke(cli, ["check", "--strict", "--archive", str(root / "archive"), "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert "0 not verified" in result.output
