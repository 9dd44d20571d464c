"""The command line: exit codes, exact messages, help everywhere, tracebacks only on --debug."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from factdeck.cli import cli


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):  # loads the lazily registered commands too
        command = group.get_command(context, name)
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(all_commands(cli)), ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command.help, f"{' '.join(path)} has no help text"


def test_check_ok(project):
    result = project.run("check", "--strict", "--archive", str(project.archive))
    assert result.exit_code == 0
    assert result.stdout == "ok: 6 facts (5 vetted), 2 sources, 2 eras, 1 deck\nquotes: 9 verified, 0 not verified\n"


def test_invalid_input_exit_1_without_traceback(project):
    project.write("facts/broken.yaml", "- id: a\n  kind: [\n")
    result = project.run("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        result.stderr.splitlines()[0]
        == "facts/broken.yaml:2: a list opened with '[' on this line is not closed with ']'"
    )


def test_debug_shows_the_traceback(project):
    project.write("facts/broken.yaml", "- id: a\n  kind: [\n")
    result = CliRunner().invoke(cli, ["check", "--project", str(project.root), "--debug"])
    assert result.exit_code == 1
    assert result.exception is not None and type(result.exception).__name__ == "ValidationFailed"
    # Every problem is listed first, as without --debug.
    assert (
        result.stderr.splitlines()[0]
        == "facts/broken.yaml:2: a list opened with '[' on this line is not closed with ']'"
    )


def test_usage_error_exit_2(project):
    result = project.run("check", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr and "--no-such-option" in result.stderr


def test_not_a_project(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path.resolve()}: not a factdeck project (no facts/ folder)\n"


def test_missing_archive_folder(project, tmp_path):
    result = project.run("check", "--archive", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'nope'}: archive folder does not exist\n"


def test_export_json_to_stdout_and_file(project, tmp_path):
    result = project.run("export", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"sources", "eras", "facts", "decks"}
    out = tmp_path / "out.json"
    assert project.run("export", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_stats_tables(project):
    result = project.run("stats")
    assert result.exit_code == 0
    for word in (
        "Facts by era",
        "founding",
        "Facts by kind",
        "characterization",
        "Citations by source",
        "chronicle",
        "neutral",
    ):
        assert word in result.stdout
    assert "disputed: 1   single-source: 4   two or more sources: 2 (33%)" in result.stdout


def test_build_writes_json_export(project):
    result = project.run("build")
    assert result.exit_code == 0, result.output
    assert (project.root / "build" / "factdeck.json").is_file()


def test_failed_build_leaves_previous_outputs(project):
    assert project.run("build").exit_code == 0
    before = (project.root / "build" / "factdeck.json").read_bytes()
    project.write("facts/broken.yaml", "- id: [\n")
    result = project.run("build")
    assert result.exit_code == 1
    assert (project.root / "build" / "factdeck.json").read_bytes() == before


@pytest.mark.parametrize(
    "command", [("build",), ("quiz",), ("sessions", "--meetings", "2"), ("export", "gift"), ("export", "csv")]
)
def test_an_unknown_deck_on_the_command_line_is_a_usage_error(project, command):
    result = project.run(*command, "no-such-deck")
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: no deck with id 'no-such-deck' (decks: guild-history)\n"
    assert not project.path("build").exists()


def test_config_output_outside_project_refused(project):
    project.write("factdeck.yaml", "output: ../elsewhere\n")
    result = project.run("build")
    assert result.exit_code == 1
    assert result.stderr == "error: factdeck.yaml: output folder '../elsewhere' is outside the project\n"
    assert not (project.root.parent / "elsewhere").exists()
