"""The benchmarks' synthetic base (bench/synth.py) is written like a real project: it passes `check --strict`
with its archived texts, so every rule a real project meets runs on it, and no benchmark times thousands of
warnings. A rule added later that the synthetic base breaks fails here, not silently in the figures."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner
from conftest import REPO, bench_base

from factdeck.cli import cli


def test_the_synthetic_base_checks_clean_under_every_rule(tmp_path, monkeypatch):
    root = bench_base(300, tmp_path / "synth")
    result = CliRunner().invoke(cli, ["check", "--strict", "--archive", str(root / "archive"), "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert "0 not verified" in result.output


def test_the_parse_and_model_rows_run_on_the_synthetic_base(tmp_path):
    """bench_check.py's and bench_apkg.py's rows of factdeck's parse and schema models (bench/common.py) are scripts
    of factdeck's own code: they must keep running as it changes, or the rows would time an error."""
    root = bench_base(100, tmp_path / "synth")
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from common import PARSE_ALONE, PARSE_AND_MODELS
    finally:
        sys.path.pop(0)
    paths = [str(REPO / "src"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    for script in (PARSE_ALONE, PARSE_AND_MODELS):
        done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, env=env)
        assert (done.returncode, done.stderr) == (0, "")
