"""`factdeck build` and `factdeck watch`: the outputs of every deck, once or on every change."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from factdeck.build import FORMATS
from factdeck.build import build as run_build
from factdeck.cli_common import EXIT_INVALID, _err, _report, command, shown_path
from factdeck.exceptions import ValidationFailed


def _build_options(fn: Callable) -> Callable:
    """The arguments `build` and `watch` share: which decks, which formats, where to."""
    fn = click.option(
        "--output",
        "-o",
        type=click.Path(file_okay=False, path_type=Path),
        help="Output folder (default: the project's build/ folder).",
    )(fn)
    fn = click.option(
        "--format",
        "fmt",
        type=click.Choice([*FORMATS, "all"]),
        default="all",
        show_default=True,
        help="Which outputs to write.",
    )(fn)
    return click.argument("decks", nargs=-1)(fn)


@command(None, "build")
@_build_options
def build(project: Path, decks: tuple[str, ...], fmt: str, output: Path | None) -> object:
    """Validate, then write decks, worksheets and the JSON export (default: every deck, every format)."""
    formats = FORMATS if fmt == "all" else (fmt,)
    result = run_build(project, list(decks), formats, output, waiting=_err)
    _report_build(result)
    if result.failed:
        sys.exit(EXIT_INVALID)
    return result  # with the fact base it loaded, freed with the process (cli_common.command)


def _report_build(result: Any, prefix: str = "") -> None:
    """A build's warnings, the outputs it could not make (errors), what it removed and what it wrote."""
    _report(sorted(result.warnings + result.failed))
    if result.removed:
        shown = ", ".join(shown_path(p, result.output) for p in result.removed[:3])
        more = f" and {len(result.removed) - 3} more" if len(result.removed) > 3 else ""
        click.echo(f"removed {len(result.removed)} output{'s' * (len(result.removed) != 1)} the inputs no longer "
                   f"make: {shown}{more}")  # fmt: skip
    unchanged = f" ({len(result.unchanged)} unchanged)" if result.unchanged else ""
    not_made = f"; {len(result.failed)} not made (see the errors above)" if result.failed else ""
    click.echo(
        f"{prefix}wrote {len(result.written)} file{'s' * (len(result.written) != 1)} to {result.output}"
        f"{unchanged}{not_made}"
    )


@command(None, "watch")
@_build_options
@click.option(
    "--interval",
    type=click.FloatRange(0.05, 60),
    default=0.3,
    show_default=True,
    help="Seconds between polls of the input files (reported changes start a round sooner).",
)
@click.option("--poll", is_flag=True, help="Only poll: do not ask the file system to report changes.")
def watch(project: Path, decks: tuple[str, ...], fmt: str, output: Path | None, interval: float, poll: bool) -> None:
    """Build as `build` does, then again whenever a file under facts/, decks/, templates/ or fonts/ (or
    factdeck.yaml, or the archive) changes, until Ctrl-C. Errors are shown and the watch goes on."""
    import traceback

    from factdeck.engine.watch import watch as watch_inputs

    formats = FORMATS if fmt == "all" else (fmt,)
    debug = click.get_current_context().params.get("debug", False)
    click.echo(f"watching {project.resolve()} (Ctrl-C to stop)")
    try:
        for done in watch_inputs(
            project,
            lambda session: run_build(project, list(decks), formats, output, session=session, waiting=_err),
            interval=interval,
            notify=not poll,
        ):
            if done.notice:
                click.echo(done.notice)
            if done.changed:
                more = f" and {len(done.changed) - 3} more" if len(done.changed) > 3 else ""
                click.echo(f"changed: {', '.join(done.changed[:3])}{more}")
            if done.error is not None:
                if debug:
                    traceback.print_exception(done.error)
                elif isinstance(done.error, ValidationFailed):
                    _report(done.error.problems)
                else:
                    _err(f"error: {done.error}")
                click.echo(f"build failed ({done.seconds:.2f} s); nothing written; waiting for changes")
                continue
            result = done.result
            assert result is not None  # a round without an error has the build's result
            _report_build(result, prefix=f"built in {done.seconds:.2f} s: ")
    except KeyboardInterrupt:
        click.echo("stopped")
