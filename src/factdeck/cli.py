"""The `factdeck` command: a thin click layer over the library.

This is the only module that turns errors into messages and exit codes:
0 success, 1 invalid input (or a failed build), 2 a usage error.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from factdeck import __version__
from factdeck.build import FORMATS, load_and_validate
from factdeck.build import build as run_build
from factdeck.cli_options import counted, labels_option, per_type_option, question_types_option, text_option
from factdeck.exceptions import FactdeckError, Problem, UsageError, ValidationFailed

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


def _err(message: str) -> None:
    click.echo(message, err=True)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        _err(str(problem))
        for consequence in problem.folded:  # what follows from it, under it
            _err(f"    which causes: {consequence}")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    folded = sum(len(p.folded) for p in problems)
    if problems:
        follow = f" (and {folded} caused by {'it' if len(problems) == 1 else 'them'}, indented)" if folded else ""
        _err(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}{follow}")


# Commands that write only through a staging writer, so that an interrupted one leaves every file as it was.
_STAGED = frozenset({"build", "quiz", "sessions", "release"})
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def command(group: click.Group, name: str, **kwargs: Any) -> Callable:
    """Register a command with --project and --debug, and map factdeck errors to messages and exit codes."""

    def decorate(fn: Callable) -> Callable:
        @group.command(name, **kwargs)
        @_project_option
        @_debug_option
        @functools.wraps(fn)
        def wrapper(project: Path, debug: bool, **options: Any) -> None:
            try:
                fn(project=project, **options)
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

        return wrapper

    return decorate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factdeck")
def cli() -> None:
    """Turn vetted, source-cited fact records into Anki decks, worksheets and study materials."""


@command(cli, "check")
@click.option("--strict", is_flag=True, help="Treat warnings (such as a source never cited) as errors.")
@click.option(
    "--archive",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of archived source texts: verify that every quote appears in its source.",
)
def check(project: Path, strict: bool, archive: Path | None) -> None:
    """Validate every record and report every problem as path:line: message."""
    from factdeck.build import configuration_problem, output_folder
    from factdeck.exceptions import OutputError
    from factdeck.outputs.anki.checks import anki_warnings, release_problems
    from factdeck.outputs.print.coverage import font_problems

    base = load_and_validate(project, archive=archive, strict=strict)
    try:
        folder: Path | None = output_folder(base, None)
        misplaced = []
    except OutputError as exc:  # the build would refuse it: so does check
        folder = None
        misplaced = [configuration_problem(base, "output", str(exc))]
    more = anki_warnings(base, folder) + font_problems(base)
    refused, stale = release_problems(base, folder)
    more += [_published_problem(message, "warning") for message in stale]
    if misplaced or refused or (strict and more):
        errors = misplaced + [_published_problem(message, "error") for message in refused]
        said = [Problem(p.path, p.line, p.message, "error" if strict else p.severity) for p in base.warnings + more]
        raise ValidationFailed(errors + said)
    _report(sorted(base.warnings + more))
    click.echo(
        f"ok: {counted(len(base.facts), 'fact')} ({len(base.vetted)} vetted), "
        f"{counted(len(base.sources), 'source')}, {counted(len(base.eras), 'era')}, {counted(len(base.decks), 'deck')}"
    )
    if base.quotes is not None:
        click.echo(base.quotes.summary())


def _published_problem(message: str, severity: str) -> Problem:
    """A problem about a published record: `<file>: <message>` where the message names its file."""
    path, _, rest = message.partition(": ")
    return (
        Problem(path, 0, rest, severity) if rest and path.endswith(".json") else Problem("decks", 0, message, severity)
    )


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


@command(cli, "build")
@_build_options
def build(project: Path, decks: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Validate, then write decks, worksheets and the JSON export (default: every deck, every format)."""
    formats = FORMATS if fmt == "all" else (fmt,)
    result = run_build(project, list(decks), formats, output, waiting=_err)
    _report_build(result)
    if result.failed:
        sys.exit(EXIT_INVALID)


def _report_build(result: Any, prefix: str = "") -> None:
    """A build's warnings, the outputs it could not make (errors), what it removed and what it wrote."""
    _report(sorted(result.warnings + result.failed))
    if result.removed:
        shown = ", ".join(_shown(p, result.output) for p in result.removed[:3])
        more = f" and {len(result.removed) - 3} more" if len(result.removed) > 3 else ""
        click.echo(f"removed {len(result.removed)} output{'s' * (len(result.removed) != 1)} the inputs no longer "
                   f"make: {shown}{more}")  # fmt: skip
    unchanged = f" ({len(result.unchanged)} unchanged)" if result.unchanged else ""
    not_made = f"; {len(result.failed)} not made (see the errors above)" if result.failed else ""
    click.echo(
        f"{prefix}wrote {len(result.written)} file{'s' * (len(result.written) != 1)} to {result.output}"
        f"{unchanged}{not_made}"
    )


def _shown(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


@command(cli, "watch")
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


@command(cli, "quiz")
@click.argument("deck")
@click.option(
    "--questions",
    "-n",
    type=click.IntRange(1, 500),
    help="Questions per worksheet (default: the deck's quiz.questions).",
)
@click.option(
    "--versions",
    "-k",
    type=click.IntRange(1, 26),
    help="Shuffled versions A, B, … (default: the deck's quiz.versions).",
)
@click.option(
    "--seed", type=int, help="Random seed; the same seed gives the same worksheets (default: the deck's quiz.seed)."
)
@click.option(
    "--types",
    multiple=True,
    callback=question_types_option,
    metavar="TYPE[,TYPE…]",
    help="Question types to use, comma-separated or repeated: multiple-choice, true-false, fill-blank, "
    "matching, timeline, short-answer, source-analysis (default: the deck's quiz.types).",
)
@click.option("--paper", type=click.Choice(["a4", "us-letter"]), help="Paper size (default: the deck's quiz.paper).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "json"]),
    default="pdf",
    show_default=True,
    help="pdf: worksheets and keys; json: every version's questions as data (the document exports read).",
)
@click.option(
    "--count",
    "counts",
    multiple=True,
    callback=per_type_option,
    metavar="TYPE=N",
    help="How many questions of a type, repeated or comma-separated, e.g. --count multiple-choice=10 "
    "(replaces --questions, --types and the deck's quiz.counts).",
)
@click.option(
    "--points",
    multiple=True,
    callback=per_type_option,
    metavar="TYPE=N",
    help="Points per question of a type, e.g. --points source-analysis=4 (others: 1; replaces the deck's quiz.points).",
)
@click.option("--title", callback=text_option, help="Worksheet title (default: the deck's quiz.title or name).")
@click.option(
    "--instructions", callback=text_option, help="Instructions at the top of each worksheet (default: the deck's)."
)
@click.option(
    "--label",
    "labels",
    multiple=True,
    callback=labels_option,
    metavar="FIELD=LABEL",
    help="Label of a field to fill in: name, date, group or id, e.g. --label group=Class; an empty LABEL "
    "leaves the field out (replaces the deck's quiz.labels).",
)
@click.option(
    "--answer-sheet/--no-answer-sheet",
    default=None,
    help=(
        "Also write answer-sheet-<V>.pdf per version for factdeck scan (with its map, answer-sheet-<V>.json) and "
        "zipgrade-key.csv (default: the deck's quiz.answer_sheet)."
    ),
)
@click.option(
    "--large-print/--no-large-print",
    default=None,
    help="Also write large-print copies, *-large-print.pdf (default: the deck's quiz.large_print).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="pdf: output folder, files go to DIR/<deck id>/ (default: the project's build/ folder); "
    "json: the file to write (default: standard output).",
)
def quiz(
    project: Path,
    deck: str,
    questions: int | None,
    versions: int | None,
    seed: int | None,
    types: list[str] | None,
    paper: str | None,
    fmt: str,
    counts: dict[str, int] | None,
    points: dict[str, int] | None,
    title: str | None,
    instructions: str | None,
    labels: Any,
    answer_sheet: bool | None,
    large_print: bool | None,
    output: Path | None,
) -> None:
    """Print-ready worksheets and answer keys for DECK: worksheet-A.pdf, key-A.pdf, … in <output>/<deck id>/
    (with answer sheets, a ZipGrade key and large-print copies where asked for); with --format json, the
    questions of every version as one JSON document."""
    from factdeck.build import make_worksheets, output_folder

    if counts is not None and not any(counts.values()):
        raise UsageError("--count: ask for at least one question")
    if fmt == "json":
        from factdeck.outputs.exports.document import quiz_document, quiz_json
        from factdeck.quiz import with_overrides
        from factdeck.records.select import select_facts

        base = load_and_validate(project)
        spec = base.deck(deck)
        settings = with_overrides(
            spec.quiz, questions=questions, versions=versions, seed=seed, types=types, counts=counts, points=points,
            title=title, instructions=instructions, labels=labels,
        )  # fmt: skip
        document = quiz_document(base, spec, select_facts(base, spec), settings)
        _report(base.warnings)
        for note in document["notes"]:
            _err(f"warning: deck '{spec.id}': {note}")
        _emit(quiz_json(document), output)
        return
    if output is not None and output.exists() and not output.is_dir():
        raise UsageError(f"--output {output} is a file; worksheets go to a folder")
    base, made, written = make_worksheets(
        project,
        deck,
        output,
        waiting=_err,
        questions=questions,
        versions=versions,
        seed=seed,
        types=types,
        paper=paper,
        counts=counts,
        points=points,
        title=title,
        instructions=instructions,
        labels=labels,
        answer_sheet=answer_sheet,
        large_print=large_print,
    )
    spec, folder = base.deck(deck), output_folder(base, output)
    _report(base.warnings)
    for note in made.notes:
        _err(f"warning: deck '{spec.id}': {note}")
    letters = made.versions[0].letter + (f"–{made.versions[-1].letter}" if len(made.versions) > 1 else "")
    click.echo(
        f"{spec.id}: {counted(len(made.questions), 'question')}, version{'s' * (len(made.versions) > 1)} {letters}; "
        f"wrote {counted(len(written), 'file')} to {folder / spec.id}"
    )


@command(cli, "sessions")
@click.argument("deck")
@click.option(
    "--meetings", "-m", type=click.IntRange(1, 100), help="Number of meetings (default: the deck's sessions.meetings)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder; packs go to DIR/<deck id>/sessions/ (default: the project's build/ folder).",
)
def sessions(project: Path, deck: str, meetings: int | None, output: Path | None) -> None:
    """Study-group packs: DECK split into meetings, each with its Anki deck, worksheet, key and discussion guide."""
    from factdeck.build import make_sessions, output_folder
    from factdeck.outputs.sessions.packs import SESSIONS

    base, packs, written = make_sessions(project, deck, meetings, output, waiting=_err)
    spec, folder = base.deck(deck), output_folder(base, output)
    _report(base.warnings)
    for note in packs.notes:
        _err(f"warning: deck '{spec.id}': {note}")
    for meeting in packs.meetings:
        disputed = sum(f.disputed for f in meeting.facts)
        click.echo(f"{meeting.title}: {counted(len(meeting.facts), 'fact')}, {disputed} disputed")
    click.echo(f"wrote {counted(len(written), 'file')} to {folder / spec.id / SESSIONS}")


@cli.command("schema")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON Schema of every record type instead.")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --json: write one schema per kind of file (facts.schema.json, …) into this folder.",
)
def schema(as_json: bool, output: Path | None) -> None:
    """Print the record schema as Markdown (docs/schema.md is this output), or with --json as JSON Schema
    for editors (yaml-language-server: completion and inline errors; README, "Editor support")."""
    if not as_json:
        if output is not None:
            raise click.UsageError("--output goes with --json")
        from factdeck.records.schema_doc import schema_markdown

        click.echo(schema_markdown(), nl=False)
        return
    from factdeck.records.json_schema import every_schema, schema_files, schema_json

    if output is None:
        click.echo(schema_json(every_schema()), nl=False)
        return
    from factdeck.outputs.write import OutputWriter

    writer = OutputWriter(output.resolve())
    for name, text in schema_files().items():
        writer.write_bytes(name, text.encode("utf-8"))
    writer.commit()
    click.echo(f"wrote {len(schema_files())} schemas to {output}")


def main() -> None:
    cli(prog_name="factdeck")


# The commands that make and edit a project's files (init, review, vet, hash-archives, templates) are in
# cli_project.py, `factdeck export …` in cli_exports.py, stats, changes and release in cli_reports.py, and
# cite, read and new in cli_authoring.py, scan and results in cli_scan.py;
# importing them registers them on `cli`.
from factdeck import cli_authoring, cli_exports, cli_project, cli_reports, cli_scan  # noqa: E402, F401
