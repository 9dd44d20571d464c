"""The lazily loaded subcommands: the registry (entry.py's, which cli.py's group uses) agrees with the commands it
points to, `--help` lists them without importing them, and no command module imports cli.py (no import
circle)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest

import factdeck
from factdeck.cli import COMMANDS, cli

PACKAGE = Path(factdeck.__file__).parent


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_registered_command_loads_with_the_help_the_registry_shows(name):
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command)
    assert command.name == name
    listed = click.Command(name, help=COMMANDS[name][1])
    for width in range(20, 240, 7):  # what --help lists at any terminal width
        assert listed.get_short_help_str(width) == command.get_short_help_str(width)


def test_clicks_help_lists_every_command_importing_no_other_factdeck_module():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom factdeck.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\nassert result.exit_code == 0, result.output\n"
        "print(result.output)\n"
        "program = ('factdeck.cli', 'factdeck.entry', 'factdeck.process_end')\n"  # the program's own modules
        "print(sorted(m for m in sys.modules if m.startswith('factdeck.') and m not in program))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    help_text, loaded = out.rstrip().rsplit("\n", 1)
    assert loaded == "[]"
    for name in COMMANDS:
        assert f"  {name} " in help_text


def test_check_imports_no_other_command_module():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom factdeck.cli import cli\n"
        "CliRunner().invoke(cli, ['check', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('factdeck.cli_')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['factdeck.cli_check', 'factdeck.cli_common']"


def test_no_command_module_imports_the_group():
    for path in sorted(PACKAGE.glob("cli_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "factdeck.cli", f"{path.name} imports factdeck.cli"
            elif isinstance(node, ast.Import):
                assert all(alias.name != "factdeck.cli" for alias in node.names), f"{path.name} imports factdeck.cli"
