"""What the system refuses that no factdeck stage names (standard output on a full disk, here /dev/full): one line
naming the fix, exit 1, no traceback (unless --debug); the program's own --help and --version answers too."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sample_project

from factdeck.process_end import system_error_text

FULL = Path("/dev/full")
NO_ROOM = "error: could not write: No space left on device (free some space, or write the output elsewhere)\n"


def test_the_text_names_the_file_and_the_fix():
    assert system_error_text(OSError(errno.ENOSPC, "No space left on device")) == NO_ROOM[7:-1]
    assert system_error_text(PermissionError(errno.EACCES, "Permission denied", "build/x.pdf")) == (
        "build/x.pdf: Permission denied"
    )
    assert system_error_text(OSError(errno.EDQUOT, "Disk quota exceeded", "out.json")) == (
        "out.json: Disk quota exceeded (free some space, or write the output elsewhere)"
    )
    assert system_error_text(OSError(errno.ECONNRESET, "Connection reset by peer")) == "Connection reset by peer"
    assert system_error_text(OSError("something odd")) == "something odd"


def _program(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "_FACTDECK_COMPLETE")}
    with FULL.open("wb") as full:
        return subprocess.run(
            [sys.executable, "-m", "factdeck", *argv],
            cwd=cwd,
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system (Linux has one)")
@pytest.mark.parametrize(
    "argv", [["check"], ["stats"], ["export", "json"], ["export", "csv"], ["--version"], ["--help"], ["schema"]]
)
def test_output_on_a_full_device_is_one_line(tmp_path: Path, argv: list[str]):
    root = sample_project(tmp_path / "proj").root
    done = _program(argv, root)
    assert (done.returncode, done.stderr.decode()) == (1, NO_ROOM)


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system (Linux has one)")
def test_debug_keeps_the_traceback(tmp_path: Path):
    root = sample_project(tmp_path / "proj").root
    done = _program(["stats", "--debug"], root)
    assert done.returncode == 1
    assert b"Traceback" in done.stderr and b"No space left on device" in done.stderr
