"""What every `factdeck` command shares: the --project and --debug options, the one place where factdeck's
errors become messages and exit codes, and writing an export to a file or standard output.

Exit codes: 0 success, 1 invalid input (or a failed build), 2 a usage error.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from factdeck.exceptions import FactdeckError, Problem, UsageError, ValidationFailed
from factdeck.process_end import ProcessEnd

EXIT_INVALID = 1
EXIT_USAGE = 2  # click's own status for a usage error

_project_option = click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The project folder (holding facts/ and decks/).",
)
_debug_option = click.option("--debug", is_flag=True, help="Show a traceback for errors.")
_file_output = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file, not standard output."
)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`1 fact`, `2 facts`: a count with its noun in the number it takes (`plural` when not noun + s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def shown_path(path: Path, folder: Path) -> str:
    """`path` as a user reads it: relative to `folder` (the project, or an output folder) when inside it, either
    of them relative or absolute; else the path as it is."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(path)


def _err(message: str) -> None:
    click.echo(message, err=True)


def _report(problems: list[Problem]) -> None:
    for text in report_texts(problems):
        _err(text)


def report_texts(problems: list[Problem]) -> list[str]:
    """What `_report` writes to standard error, one text per write: every problem (with what it causes), then
    the count; [] for no problems."""
    if not problems:
        return []
    lines = []
    for problem in problems:
        lines.append(str(problem))
        lines += [f"    which causes: {consequence}" for consequence in problem.folded]  # what follows from it
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    folded = sum(len(p.folded) for p in problems)
    follow = f" (and {folded} caused by {'it' if len(problems) == 1 else 'them'}, indented)" if folded else ""
    # One write for the problems: click.echo costs as much as formatting, and a large base has thousands.
    return ["\n".join(lines), f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}{follow}"]


# Commands that write only through a staging writer, so that an interrupted one leaves every file as it was.
_STAGED = frozenset({"build", "quiz", "sessions", "release"})
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def command(group: click.Group | None, name: str, **kwargs: Any) -> Callable:
    """A command with --project and --debug that maps factdeck errors to messages and exit codes, registered on
    `group` (a subcommand group such as `export`), or standalone with `group=None` for cli.py's registry of
    commands loaded when first asked for. What the decorated function returns (None, or what it made) is kept
    until the process ends where the program runs it (entry.py's `ProcessEnd`), not freed as it returns."""

    def decorate(fn: Callable) -> click.Command:
        @(group.command if group is not None else click.command)(name, **kwargs)
        @_project_option
        @_debug_option
        @functools.wraps(fn)
        def wrapper(project: Path, debug: bool, **options: Any) -> None:
            try:
                made = fn(project=project, **options)
            except ValidationFailed as exc:
                _report(exc.problems)  # every problem, then (with --debug) the traceback
                if debug:
                    raise
                sys.exit(EXIT_INVALID)
            except UsageError as exc:
                if debug:
                    raise
                _err(f"error: {exc}")
                sys.exit(EXIT_USAGE)
            except FactdeckError as exc:
                if debug:
                    raise
                _err(f"error: {exc}")
                sys.exit(EXIT_INVALID)
            except KeyboardInterrupt:  # Ctrl-C: staged outputs were discarded (outputs/write.py)
                if debug:
                    raise
                _err("interrupted; nothing was written" if name in _STAGED else "interrupted")
                sys.exit(EXIT_INTERRUPTED)
            if made is not None:
                # What the command made (its function's return value: a loaded fact base, say) lives until the
                # process ends, where the program ends it (entry.py's ProcessEnd); run in-process, it is freed now.
                end = click.get_current_context().find_object(ProcessEnd)
                if end is not None:
                    end.keep(made)

        return wrapper

    return decorate


def _emit(data: bytes, output: Path | None) -> None:
    """Write an export to standard output, or to a file through a temporary name."""
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from factdeck.outputs.write import OutputWriter

    writer = OutputWriter(output.resolve().parent)
    writer.write_bytes(output.name, data)
    writer.commit()
