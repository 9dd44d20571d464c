"""Interrupted builds: a build killed (SIGKILL) at any moment leaves every previous output whole.

A good build is made first; then an input changes (so the next build has real work to do) and a
`python -m factdeck build` process is killed part-way, at several moments: as soon as its first
temporary file appears, and after a few fixed delays. After each kill every output must be whole
(the .apkg a zip holding its collection, every PDF parseable) and, unless the build got as far as
renaming its outputs into place, byte-identical to the previous one. The next build must sweep the
leftover temporary files and succeed.

Outputs are replaced one rename at a time: a kill between two renames can leave some outputs of
the new build beside some of the old one, each file whole (per-file atomicity).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import REPO, SAMPLE, Project

from factdeck.outputs.write import TEMP_SUFFIX

DECK = "guild-history"
MORE_FACTS = Path(__file__).parent / "fixtures" / "quiz" / "more-guild.yaml"
FIXED_DELAYS = (0.4, 0.9, 1.6)  # seconds after the start; where they land depends on the machine


def outputs(folder: Path) -> dict[str, bytes]:
    """The output files (not the temporary ones a killed build leaves) and their bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(TEMP_SUFFIX)
    }


def assert_whole(name: str, data: bytes) -> None:
    if name.endswith(".apkg"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert archive.read("collection.anki2").startswith(b"SQLite format 3\x00")
    elif name.endswith(".pdf"):
        assert data.startswith(b"%PDF") and len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 1
    elif name.endswith(".json"):
        json.loads(data)
    elif name.endswith(".html"):
        assert data.rstrip().endswith(b"</html>")


def start_build(root: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "factdeck", "build", "--project", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def wait_for_temp_file(process: subprocess.Popen, folder: Path, timeout: float = 60) -> bool:
    """Poll until the build has a temporary file; False if it finished (or timed out) first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and process.poll() is None:
        if any(folder.rglob(f"*{TEMP_SUFFIX}")):
            return True
        time.sleep(0.002)
    return False


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The sample project with more facts and six worksheet versions (a build that takes a moment), built once."""
    project = Project(tmp_path / "proj")
    shutil.copytree(SAMPLE, project.root)
    shutil.copy(MORE_FACTS, project.path("facts/more-guild.yaml"))
    project.replace("decks/all.yaml", "versions: 2", "versions: 6")
    result = project.run("build")
    assert result.exit_code == 0, result.output
    return project


def test_killed_build_leaves_previous_outputs_whole(project: Project):
    build = project.path("build")
    assert sum(name.endswith(".pdf") for name in outputs(build)) == 12
    untouched = 0
    for n, moment in enumerate(("first temporary file", *FIXED_DELAYS), start=1):
        # A new answer each time, so the build has everything to write again.
        project.replace(
            "facts/guild.yaml", f'answer: "Millford{"" if n == 1 else f" {n - 1}"}"', f'answer: "Millford {n}"'
        )
        previous = outputs(build)
        process = start_build(project.root)
        if moment == "first temporary file":
            assert wait_for_temp_file(process, build), "the build finished before writing a temporary file"
        else:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=moment)
        finished = process.poll() is not None
        kill(process)
        now = outputs(build)
        assert set(previous) <= set(now), f"killed at {moment}: outputs lost: {set(previous) - set(now)}"
        for name, data in now.items():
            assert_whole(name, data)
        same = all(now[name] == data for name, data in previous.items())
        if moment == "first temporary file":
            assert same, "killed while staging, yet an output changed"
        untouched += same and not finished
    assert untouched >= 1

    # The next build sweeps what the killed ones left and succeeds.
    result = project.run("build")
    assert result.exit_code == 0, result.output
    after = outputs(build)
    assert not list(build.rglob(f"*{TEMP_SUFFIX}"))
    for name, data in after.items():
        assert_whole(name, data)
    assert f"Millford {len(FIXED_DELAYS) + 1}" in after["factdeck.json"].decode("utf-8")
