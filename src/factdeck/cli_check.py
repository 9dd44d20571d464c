"""`factdeck check` and `factdeck schema`: validating a project, and the record schema as Markdown."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

import click

from factdeck.cli_common import command, counted, report_texts
from factdeck.exceptions import Problem, ValidationFailed

if TYPE_CHECKING:
    from factdeck.records.factbase import FactBase


@command(None, "check")
@click.option("--strict", is_flag=True, help="Treat warnings (such as a source never cited) as errors.")
@click.option(
    "--archive",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of archived source texts: verify that every quote appears in its source.",
)
def check(project: Path, strict: bool, archive: Path | None) -> object:
    """Validate every record and report every problem as path:line: message."""
    # A project nothing has changed in since a check that passed gets that check's answer again without loading
    # anything (engine/kept_check.py: kept under a hash of every byte and setting the check reads).
    from factdeck.engine.kept_check import KeptCheck

    kept = KeptCheck(project, strict, archive)
    said = kept.said()
    base = None
    if said is None:
        said, base = _checked(project, strict, archive)
        kept.keep(said)
    for text, err in said:
        click.echo(text, err=err)
    return base  # the loaded base, freed with the process (cli_common.command)


def _checked(project: Path, strict: bool, archive: Path | None) -> tuple[list[tuple[str, bool]], FactBase]:
    """What `check` prints when the project passes (each text, and whether it goes to standard error), and the
    base it checked; raises `ValidationFailed` (every problem) when it does not."""
    from factdeck.build import load_and_validate
    from factdeck.engine.collector import collector_paused

    # The loaded base lives until the command ends: frozen, the collector's passes during the checks below do not
    # walk its hundreds of thousands of objects (a third of a second at 10,000 facts); unfrozen at the end, so a
    # caller in the same process (the tests) gets its collector back as it was. Frozen before the collector
    # resumes: loading pauses it, and the first pass after the pause (the young generation then holds every
    # object loading made) walked the whole base once more before the freeze.
    with collector_paused():
        base = load_and_validate(project, archive=archive, strict=strict)
        gc.freeze()
    try:
        from factdeck.outputs.anki.builtin_fields import uses_builtin_fields

        # The checks below make many objects and, with the built-in card fields, no reference cycles (the note keys
        # read back, the release records' note times, the notes of the edited facts): the collector's passes over
        # them found nothing (a tenth of a check after an edit at 10,000 facts). A project's own Jinja2 field
        # templates make a cycle at each render (a check without caches renders every note), so with them the
        # collector runs as usual.
        with collector_paused(when=uses_builtin_fields(base.root)):
            return _check_base(base, strict), base
    finally:
        gc.unfreeze()


def _check_base(base: FactBase, strict: bool) -> list[tuple[str, bool]]:
    """What `check` adds to validation: the output folder, Anki's duplicate fronts, fonts, languages and the
    release records; returns what `check` prints, or raises `ValidationFailed` as `check` does."""
    from factdeck.build import configuration_problem, output_folder
    from factdeck.exceptions import OutputError
    from factdeck.outputs.anki.checks import anki_warnings, release_problems
    from factdeck.outputs.fact_files import vetted_count
    from factdeck.outputs.print.coverage import font_problems
    from factdeck.project.languages import language_problems

    try:
        folder: Path | None = output_folder(base, None)
        misplaced = []
    except OutputError as exc:  # the build would refuse it: so does check
        folder = None
        misplaced = [configuration_problem(base, "output", str(exc))]
    more = anki_warnings(base, folder) + font_problems(base)
    languages = language_problems(base)  # deck languages without a catalog; fact translations stale or wrong
    more += [p for p in languages if p.severity == "warning"]
    misplaced += [p for p in languages if p.severity == "error"]
    refused, stale = release_problems(base, folder)
    more += [_published_problem(message, "warning") for message in stale]
    if misplaced or refused or (strict and more):
        errors = misplaced + [_published_problem(message, "error") for message in refused]
        refusals = [Problem(p.path, p.line, p.message, "error" if strict else p.severity) for p in base.warnings + more]
        raise ValidationFailed(errors + refusals)
    said = [(text, True) for text in report_texts(sorted(base.warnings + more))]
    said.append(
        (
            f"ok: {counted(base.fact_count, 'fact')} ({vetted_count(base)} vetted), "
            f"{counted(len(base.sources), 'source')}, {counted(len(base.eras), 'era')}, "
            f"{counted(len(base.decks), 'deck')}",
            False,
        )
    )
    if base.quotes is not None:
        said.append((base.quotes.summary(), False))
    return said


def _published_problem(message: str, severity: str) -> Problem:
    """A problem about a published record: `<file>: <message>` where the message names its file."""
    path, _, rest = message.partition(": ")
    return (
        Problem(path, 0, rest, severity) if rest and path.endswith(".json") else Problem("decks", 0, message, severity)
    )


@click.command("schema")
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
