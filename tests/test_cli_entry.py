"""The program's entry point (entry.py): `factdeck --help`, `-h`, `--version` and no arguments answered without
click give click's answer byte for byte (text, stream, exit status) at every terminal width, and every case the
plain path cannot be sure of goes to click."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.formatting import wrap_text
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck import entry
from factdeck.cli import cli

REPO = Path(__file__).resolve().parent.parent

# The click group answering, as `entry.main` hands over to it.
BY_CLICK = "import sys\nsys.argv[0] = 'factdeck'\nfrom factdeck.cli import main\nmain()"

# The program as installed (`python -m factdeck` runs the same `entry.main`), reporting on stderr's last line
# whether click was imported.
BY_ENTRY = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('click imported:', 'click' in sys.modules, file=sys.stderr))\n"
    "sys.argv[0] = 'factdeck'\nfrom factdeck.entry import main\nmain()"
)

ARGVS = [[], ["--help"], ["-h"], ["--version"]]

# Whether the click installed is the release entry.py models (constraints.txt's): with another (the newest
# releases, .ci/latest) the program hands every command line to click, and the tests below hold it to that.
MODELLED = entry._installed_click_release() == entry.CLICK_RELEASE


def clicks_help(columns: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    return cli.get_help(click.Context(cli, info_name="factdeck", **cli.context_settings))


def run_environment(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without what sets the terminal's width, the streams' encoding or asks for
    completion, plus `env`."""
    unset = ("COLUMNS", "LINES", "_FACTDECK_COMPLETE", "PYTHONIOENCODING", "PYTHONUTF8")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    return {**environment, **env}


def run(code: str, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, env=run_environment(env))


@pytest.mark.parametrize("columns", [*range(1, 131), 200, 1000])
def test_the_top_level_help_is_clicks_at_every_width(columns, monkeypatch):
    # Every width click can lay help out at (the terminal's, at most 78 and at least 50) is among these.
    assert entry.top_level_help(columns) == clicks_help(columns, monkeypatch)


@pytest.mark.parametrize("argv", ARGVS, ids=lambda argv: " ".join(argv) or "(none)")
@pytest.mark.parametrize(
    ("env", "plain"),
    [
        ({}, True),  # output to a pipe: 80 columns
        ({"COLUMNS": "57"}, True),
        ({"COLUMNS": "300", "NO_COLOR": "1", "TERM": "dumb"}, True),
        ({"COLUMNS": "0"}, True),  # shutil then asks the terminal (none: 80)
        ({"LANG": "C", "LC_ALL": "C"}, True),
        ({"COLUMNS": " 70"}, "--version"),  # a form of COLUMNS the plain path does not read (no width in --version)
        ({"PYTHONIOENCODING": "latin-1"}, False),  # a stream that cannot write every character
        ({"LC_ALL": "C", "PYTHONUTF8": "0"}, False),  # ASCII streams, which click rewraps as UTF-8
        ({"_FACTDECK_COMPLETE": "bash_source"}, False),  # a shell asking for its completion script
    ],
    ids=lambda value: str(value),
)
def test_the_program_answers_as_click_does(argv, env, plain):
    by_entry = run(BY_ENTRY, argv, env)
    by_click = run(BY_CLICK, argv, env)
    *stderr, imported = by_entry.stderr.decode().split("\n")[:-1] or [""]
    assert (by_entry.returncode, by_entry.stdout) == (by_click.returncode, by_click.stdout)
    assert "\n".join(stderr).encode() + (b"\n" if stderr else b"") == by_click.stderr
    if env.get("_FACTDECK_COMPLETE") is None:
        assert by_click.stdout or by_click.stderr  # not a vacuous comparison
    if isinstance(plain, str):
        plain = argv == [plain]
    assert imported == f"click imported: {not (plain and MODELLED)}"


def test_python_m_factdeck_answers_help_without_click():
    code = "import runpy, sys\nsys.argv = ['factdeck', '--help']\nrunpy.run_module('factdeck', run_name='__main__')"
    wrapped = f"try:\n    exec({code!r})\nexcept SystemExit as end:\n    print(end.code, 'click' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", "import sys\n" + wrapped],
        capture_output=True,
        text=True,
        check=True,
        env=run_environment({}),
    )
    assert out.stdout.startswith("Usage: factdeck [OPTIONS] COMMAND [ARGS]...\n")
    assert out.stdout.rstrip().endswith(f"0 {not MODELLED}")


def test_a_closed_output_pipe_is_answered_as_click_answers_it():
    for argv in (["--help"], []):
        results = []
        for code in (BY_ENTRY, BY_CLICK):
            read_end, write_end = os.pipe()
            os.close(read_end)
            stream = "stdout" if argv else "stderr"
            other = "stderr" if argv else "stdout"
            proc = subprocess.run([sys.executable, "-c", code, *argv], **{stream: write_end, other: subprocess.PIPE})
            os.close(write_end)
            output = getattr(proc, other).decode()
            results.append((proc.returncode, re.sub(r"click imported: \w+\n", "", output)))
        assert results[0] == results[1], argv


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["--help", "check"], {}),
        (["check"], {}),
        (["--versio"], {}),
        (["-h", "-h"], {}),
        (["--help"], {"COLUMNS": "80 "}),
        (["--help"], {"COLUMNS": "-3"}),
        (["--help"], {"COLUMNS": "٨٠"}),  # digits int() reads but the plain path does not
        (["--version"], {"_FACTDECK_COMPLETE": "zsh_complete"}),
    ],
)
def test_what_the_plain_path_does_not_model_goes_to_click(argv, env):
    assert entry.plain_answer(argv, env) is None


def test_the_plain_answers_streams_and_statuses():
    assert entry.plain_answer(["--version"], {}) == (f"factdeck, version {entry.__version__}\n", False, 0)
    help_text = entry.top_level_help(80)
    assert help_text is not None
    assert entry.plain_answer(["--help"], {"COLUMNS": "80"}) == (help_text + "\n", False, 0)
    assert entry.plain_answer(["-h"], {"COLUMNS": "80"}) == (help_text + "\n", False, 0)
    assert entry.plain_answer([], {"COLUMNS": "80"}) == (help_text + "\n", True, 2)


def utf8_text() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8")


def test_streams_click_would_treat_otherwise_go_to_click(monkeypatch):
    monkeypatch.setattr(entry, "_installed_click_release", lambda: entry.CLICK_RELEASE)
    monkeypatch.setattr(sys, "stdout", utf8_text())
    monkeypatch.setattr(sys, "stderr", utf8_text())
    assert entry._click_is_modelled_here()
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert not entry._click_is_modelled_here()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert not entry._click_is_modelled_here()
    monkeypatch.setattr(sys, "stdout", utf8_text())
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    assert not entry._click_is_modelled_here()


def test_the_installed_click_release_is_read_as_its_metadata_gives_it_and_constraints_pin_the_modelled_one():
    from importlib.metadata import version

    assert entry._installed_click_release() == version("click")
    assert f"click=={entry.CLICK_RELEASE}\n" in (REPO / "constraints.txt").read_text(encoding="utf-8")


def test_another_click_release_goes_to_click(monkeypatch):
    monkeypatch.setattr(sys, "stdout", utf8_text())
    monkeypatch.setattr(sys, "stderr", utf8_text())
    monkeypatch.setattr(entry, "_installed_click_release", lambda: entry.CLICK_RELEASE)
    assert entry._click_is_modelled_here()
    monkeypatch.setattr(entry, "_installed_click_release", lambda: "8.1.7")
    assert not entry._click_is_modelled_here()
    monkeypatch.setattr(entry, "_installed_click_release", lambda: None)  # not found, or several installed
    assert not entry._click_is_modelled_here()


def test_a_message_catalog_for_clicks_words_goes_to_click(tmp_path, monkeypatch):
    assert not entry._click_words_could_be_translated()
    catalog = tmp_path / "share" / "locale" / "de" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path))
    assert not entry._click_words_could_be_translated()
    (catalog / "messages.mo").write_bytes(b"")
    assert entry._click_words_could_be_translated()


def test_the_entry_module_imports_neither_click_nor_typing():
    code = "import sys, factdeck.entry; print(sorted(m for m in ('click', 'textwrap', 'shutil', 're', 'typing', 'collections') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# Texts like help text: words of letters, digits and punctuation (hyphens among them), single spaces.
WORD = st.text(alphabet="abcdeXY_-19.,:'`()…", min_size=1, max_size=14)
TEXT = st.lists(WORD, min_size=1, max_size=25).map(" ".join)
RAGGED = st.text(alphabet="ab- \t\n\b.…", min_size=0, max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(TEXT, RAGGED),
    width=st.integers(1, 90),
    indents=st.sampled_from([("", ""), ("  ", "  "), ("Usage: factdeck ", " " * 16)]),
)
def test_wrap_is_clicks_wherever_it_answers(text, width, indents):
    initial, subsequent = indents
    wrapped = entry.wrap(text, width, initial, subsequent)
    if wrapped is not None:
        assert wrapped == wrap_text(text, width, initial, subsequent)
        if not initial:
            assert wrapped == wrap_text(text, width, preserve_paragraphs=True)
    elif text.isascii() and text.isprintable() and all(text.split(" ")) and "--" not in text:
        # the plain case it must answer: ASCII words between single spaces, each fitting on a line
        assert text == "" or any(len(word) > width - len(subsequent) for word in text.split(" "))


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(TEXT, TEXT.map(lambda t: t + ". And more."), RAGGED), limit=st.integers(0, 90))
def test_short_help_is_clicks_wherever_it_answers(text, limit):
    short = entry.short_help(text, limit)
    if short is not None:
        assert short == click.Command("x", help=text).get_short_help_str(limit)
    else:
        assert any(len(word) > limit for word in text.split())


def test_the_comparisons_catch_a_wrong_rendering(monkeypatch):
    # A wrapper that never breaks after a hyphen, and short help one column too wide, each differ from click
    # where the tests above look.
    monkeypatch.setattr(entry, "_hyphenated_pieces", lambda word: [word])
    assert entry.wrap("Turn vetted, source-cited fact records", 20) != wrap_text(
        "Turn vetted, source-cited fact records", 20
    )
    monkeypatch.undo()
    original = entry.short_help
    monkeypatch.setattr(entry, "short_help", lambda text, limit: original(text, limit + 1))
    assert any(entry.top_level_help(columns) != clicks_help(columns, monkeypatch) for columns in range(1, 131))


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
@pytest.mark.parametrize("columns", [52, 66, 120])
def test_in_a_terminal_the_help_is_laid_out_for_its_width_as_click_lays_it_out(columns):
    import fcntl
    import pty
    import struct
    import termios

    outputs = []
    for code in (BY_ENTRY, BY_CLICK):
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        proc = subprocess.run(
            [sys.executable, "-c", code, "--help"], stdout=follower, stderr=subprocess.PIPE, env=run_environment({})
        )
        os.close(follower)
        text = b""
        with contextlib.suppress(OSError):  # Linux ends a closed pseudo-terminal's output with EIO
            while chunk := os.read(leader, 65536):
                text += chunk
        os.close(leader)
        outputs.append((proc.returncode, text, proc.stderr))
    assert outputs[0][:2] == outputs[1][:2]
    expected = entry.top_level_help(columns)
    assert expected is not None
    assert outputs[0][1] == (expected + "\n").replace("\n", "\r\n").encode()  # the terminal's width, not 80
    assert outputs[0][2] == f"click imported: {not MODELLED}\n".encode()


def test_the_help_options_names_are_listed_as_click_lists_them_in_any_order(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(entry, "HELP_OPTION_NAMES", ("--help", "-h"))
    by_click = cli.get_help(click.Context(cli, info_name="factdeck", help_option_names=["--help", "-h"]))
    assert "  -h, --help  " in by_click
    assert entry.top_level_help(80) == by_click
    assert entry.plain_answer(["-h"], {"COLUMNS": "80"}) == (by_click + "\n", False, 0)


def test_the_click_release_is_told_only_where_one_distribution_of_it_sits_beside_it(tmp_path, monkeypatch):
    import importlib.util

    (tmp_path / "click").mkdir()
    (tmp_path / "click" / "__init__.py").write_text("", encoding="utf-8")

    class Finder:
        def find_spec(self, name, path, target=None):
            return importlib.util.spec_from_file_location(name, tmp_path / name / "__init__.py")

    monkeypatch.setattr(sys, "meta_path", [Finder()])
    assert entry._installed_click_release() is None
    (tmp_path / "click-8.5.1.dist-info").mkdir()
    assert entry._installed_click_release() == "8.5.1"
    (tmp_path / "click-8.1.7.dist-info").mkdir()  # a damaged environment: which one is installed is not known
    assert entry._installed_click_release() is None


def test_the_console_script_and_python_m_start_at_the_entry_point():
    """An installed `factdeck` runs what `[project.scripts]` names: were it still `factdeck.cli:main`, every
    `factdeck --help` would import click, and only `python -m factdeck` would answer without it."""
    tomllib = pytest.importorskip("tomllib")
    repo = Path(__file__).resolve().parent.parent
    scripts = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"factdeck": "factdeck.entry:main"}
    assert "from factdeck.entry import main" in (repo / "src" / "factdeck" / "__main__.py").read_text(encoding="utf-8")
