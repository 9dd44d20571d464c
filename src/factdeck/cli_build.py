"""`factdeck build` and `factdeck watch`: the outputs of every deck, once or on every change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from factdeck.build import FORMATS
from factdeck.build import build as run_build
from factdeck.cli_common import _err, _report, command
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
def build(project: Path, decks: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Validate, then write decks, worksheets and the JSON export (default: every deck, every format)."""
    formats = FORMATS if fmt == "all" else (fmt,)
    result = run_build(project, list(decks), formats, output)
    _report(result.warnings)
    unchanged = f" ({len(result.unchanged)} unchanged)" if result.unchanged else ""
    click.echo(f"wrote {len(result.written)} file{'s' * (len(result.written) != 1)} to {result.output}{unchanged}")


@command(None, "watch", one_off=False)
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
            lambda session: run_build(project, list(decks), formats, output, session=session),
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
            _report(result.warnings)
            unchanged = f" ({len(result.unchanged)} unchanged)" if result.unchanged else ""
            click.echo(
                f"built in {done.seconds:.2f} s: wrote {len(result.written)} "
                f"file{'s' * (len(result.written) != 1)} to {result.output}{unchanged}"
            )
    except KeyboardInterrupt:
        click.echo("stopped")
