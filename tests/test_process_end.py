"""The program's end (entry.py's `ProcessEnd`): a command run as the program ends its process without freeing what
it made, and ends it as Python would have: the same exit statuses, messages, output flushed into a pipe, a closed
pipe answered as before, atexit handlers run, outputs written whole. Each case runs the program (`python -m
factdeck`, which runs `entry.main`) and the click group as `entry.main` hands over to it without an end (what
the program did before, and what an in-process caller gets), in real processes, and compares the two."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_project

from factdeck import entry
from factdeck.cli import cli
from factdeck.records.factbase import FactBase

# The click group without an end: objects freed as the command returns, Python's own teardown after.
BY_CLICK = "import sys\nsys.argv[0] = 'factdeck'\nfrom factdeck.cli import main\nmain()"
# The program, as the console script and `python -m factdeck` run it.
BY_PROGRAM = "import sys\nsys.argv[0] = 'factdeck'\nfrom factdeck.entry import main\nmain()"

# The program, with a witness kept beside whatever a command hands to its end: an object whose freeing writes
# "freed" to stderr (os.write: it needs no Python stream, which a late teardown may have closed), and an atexit
# handler that says it ran.
WITNESSED = """
import atexit, os, sys
from factdeck import entry

class Witness:
    def __del__(self):
        os.write(2, b"freed\\n")

keep = entry.ProcessEnd.keep
entry.ProcessEnd.keep = lambda self, made: (keep(self, made), keep(self, Witness()))[0]
atexit.register(lambda: os.write(2, b"atexit ran\\n"))
sys.argv[0] = "factdeck"
entry.main()
"""


def run(code: str, argv: list[str], cwd: Path, **streams: object) -> subprocess.CompletedProcess[bytes]:
    options: dict[str, object] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **streams}
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "_FACTDECK_COMPLETE")}
    return subprocess.run([sys.executable, "-c", code, *argv], cwd=cwd, env=env, check=False, **options)  # type: ignore[call-overload]


def program(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """`factdeck *argv`, as the console script (and `python -m factdeck`) runs it."""
    return run(BY_PROGRAM, argv, cwd)


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders each holding the same sample project (with the facts worksheets need) as `proj/`."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    sample_project(first / "proj", more_facts=True)
    shutil.copytree(first, second)
    return first, second


COMMAND_LINES = [
    ["build", "--project", "proj", "--format", "apkg"],  # a build: the loaded base is kept
    ["quiz", "guild", "--project", "proj", "--questions", "5", "--versions", "1", "--format", "json"],
    ["quiz", "nosuch", "--project", "proj"],  # an unknown deck: 2
    ["check", "--project", "missing"],  # no project there: 1
    ["quiz"],  # click's usage error: 2
    ["nosuch"],  # click's unknown command: 2
    ["build", "--project", "proj", "--bogus"],
    ["schema"],  # output flushed into a pipe
    ["check", "--debug", "--project", "missing"],  # a traceback: Python's own end
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=" ".join)
def test_the_program_ends_as_python_ends_the_click_group(argv, twins):
    ended, by_click = program(argv, twins[0]), run(BY_CLICK, argv, twins[1])
    stdout, stderr = (getattr(ended, name).replace(bytes(twins[0]), bytes(twins[1])) for name in ("stdout", "stderr"))
    assert (ended.returncode, stdout) == (by_click.returncode, by_click.stdout)
    if "--debug" in argv:  # the traceback's frames differ (entry.main's is above click's): its last line does not
        assert stderr.splitlines()[-1] == by_click.stderr.splitlines()[-1]
        assert b"Traceback" in stderr
    else:
        assert stderr == by_click.stderr
    assert ended.stdout or ended.stderr  # not a vacuous comparison
    if argv[0] == "build":
        made = sorted(p.relative_to(twins[0]) for p in (twins[0] / "proj" / "build").rglob("*") if p.is_file())
        assert made == sorted(p.relative_to(twins[1]) for p in (twins[1] / "proj" / "build").rglob("*") if p.is_file())
        for name in made:
            if name.suffix == ".apkg":  # written whole (the same notes; the zip's times may differ)
                assert (twins[0] / name).stat().st_size > 0


def test_what_a_command_made_is_never_freed_and_the_atexit_handlers_run(twins):
    argv = ["build", "--project", "proj", "--format", "apkg"]
    ended = run(WITNESSED, argv, twins[0])
    assert ended.returncode == 0, ended.stderr
    assert b"wrote" in ended.stdout
    assert ended.stderr.splitlines()[-1:] == [b"atexit ran"]
    assert b"freed" not in ended.stderr


def test_the_witness_sees_an_end_that_frees(twins, tmp_path):
    """The test above can fail: with `exit` doing nothing (Python's own end), the witness is freed."""
    doing_nothing = WITNESSED.replace("sys.argv[0]", "entry.ProcessEnd.exit = lambda self, code: None\nsys.argv[0]")
    ended = run(doing_nothing, ["build", "--project", "proj", "--format", "apkg"], twins[0])
    assert ended.returncode == 0, ended.stderr
    assert b"freed" in ended.stderr and b"atexit ran" in ended.stderr


def test_a_closed_output_pipe_is_answered_as_before(twins):
    results = []
    for code in (BY_PROGRAM, BY_CLICK):
        read_end, write_end = os.pipe()
        os.close(read_end)
        proc = run(code, ["schema"], twins[0], stdout=write_end)
        os.close(write_end)
        results.append((proc.returncode, proc.stderr))
    assert results[0] == results[1]
    assert results[0][0] != 0  # the closed pipe was met


def test_an_end_that_cannot_be_sure_leaves_it_to_python(monkeypatch):
    """Where Python's end would do more than flush and run the atexit handlers, `exit` returns: a code Python
    prints, another thread running, a stream that cannot be flushed."""
    ended: list[int] = []
    monkeypatch.setattr(os, "_exit", ended.append)
    monkeypatch.setattr("atexit._run_exitfuncs", lambda: None)
    end = entry.ProcessEnd()
    for code in ("a message", 256, -1, 2.0, True):
        end.exit(code)
    assert ended == []

    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        end.exit(0)
    finally:
        release.set()
        other.join()
    assert ended == []

    class Closed:
        def flush(self) -> None:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    end.exit(0)
    assert ended == []
    monkeypatch.undo()


def test_an_end_ends_with_the_status(monkeypatch):
    ended: list[int] = []
    monkeypatch.setattr(os, "_exit", ended.append)
    ran: list[bool] = []
    monkeypatch.setattr("atexit._run_exitfuncs", lambda: ran.append(True))
    end = entry.ProcessEnd()
    for code in (None, 0, 1, 2, 255):
        end.exit(code)
    monkeypatch.undo()
    assert ended == [0, 0, 1, 2, 255]
    assert ran == [True] * 5


def test_in_process_the_command_frees_what_it_made(twins, monkeypatch):
    """A command run in-process (CliRunner, no end) keeps nothing: what it made is freed as it returns."""
    kept: list[object] = []
    monkeypatch.setattr(entry.ProcessEnd, "keep", lambda self, made: kept.append(made))
    monkeypatch.chdir(twins[0])
    result = CliRunner().invoke(cli, ["build", "--project", "proj", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    assert kept == []
    (twins[0] / "proj" / "build").rename(twins[0] / "proj" / "earlier")  # not up to date: loads the project
    result = CliRunner().invoke(cli, ["build", "--project", "proj", "--format", "apkg"], obj=entry.ProcessEnd())
    assert result.exit_code == 0, result.output
    assert len(kept) == 1 and isinstance(kept[0].made[0], FactBase)  # the build's result, with what it loaded


def test_the_program_asks_pydantic_for_no_plugins_unless_the_user_says(tmp_path):
    """factdeck's models take no pydantic plugins, so the program spares pydantic its search for them (every
    installed distribution's entry points); a value the user set, an empty one letting plugins load, stays."""
    telling = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: os.write(2, repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')).encode()))\n"
        "sys.argv[0] = 'factdeck'\nfrom factdeck.entry import main\nmain()"
    )
    for given, seen in ((None, b"'__all__'"), ("", b"''"), ("logfire", b"'logfire'")):
        env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
        if given is not None:
            env["PYDANTIC_DISABLE_PLUGINS"] = given
        ran = subprocess.run([sys.executable, "-c", telling, "schema"], capture_output=True, env=env, cwd=tmp_path)
        assert ran.returncode == 0 and ran.stdout
        assert ran.stderr.endswith(seen)
