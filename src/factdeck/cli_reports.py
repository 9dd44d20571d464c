"""`factdeck stats`, `factdeck changes` and `factdeck release`: what the fact base holds, what changed since a
revision or the last build, and the record of what each deck's Anki package publishes. Loaded by cli.py's
group when one of them is asked for; errors become messages and exit codes in cli_common.py."""

from __future__ import annotations

from pathlib import Path

import click

from factdeck.build import load_and_validate
from factdeck.cli_common import _report, command


@command(None, "stats")
def stats(project: Path) -> None:
    """Counts by era, kind, status and source."""
    from rich.console import Console
    from rich.table import Table

    from factdeck.reports.stats import BALANCE_TARGET, compute_stats

    s = compute_stats(load_and_validate(project))
    console = Console()
    eras = Table(title=f"Facts by era ({s.total} facts, retracted not counted)")
    for col in ("era", "title", "facts", "vetted"):
        eras.add_column(col, justify="right" if col in ("facts", "vetted") else "left")
    for era_id, title, total, vetted in s.by_era:
        eras.add_row(era_id, title, str(total), str(vetted))
    console.print(eras)
    for title, column, counts in (("Facts by kind", "kind", s.by_kind), ("Facts by status", "status", s.by_status)):
        table = Table(title=title)
        table.add_column(column)
        table.add_column("facts", justify="right")
        for name, n in counts:
            table.add_row(name, str(n))
        console.print(table)
    sources = Table(title="Citations by source")
    for col in ("source", "stance", "citations", "facts", "only source"):
        sources.add_column(col, justify="left" if col in ("source", "stance") else "right")
    alone = dict(s.single_by_source)
    for source_id, stance, citations, facts in s.by_source:
        sources.add_row(source_id, stance, str(citations), str(facts), str(alone.get(source_id, 0)))
    console.print(sources)
    share = 100 * (s.total - s.single_source) / s.total if s.total else 0
    console.print(
        f"disputed: {s.disputed}   single-source: {s.single_source}   "
        f"two or more sources: {s.total - s.single_source} ({share:.0f}%)"
    )
    verdict = "within" if s.critical_share <= BALANCE_TARGET else "above"
    console.print(
        f"balance: {s.critical_only} of {s.total} facts ({100 * s.critical_share:.0f}%) rest only on critical or "
        f"state-aligned sources ({verdict} the {100 * BALANCE_TARGET:.0f}% target); "
        f"only on supportive sources: {s.supportive_only}"
    )


@command(None, "changes")
@click.option(
    "--since", "revision", metavar="REV", help="A git revision to compare facts/ with (default: the last build)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="The output folder of the last build (default: the project's build/ folder).",
)
@click.option(
    "--corrections",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --since: write each deck's corrections package (the notes corrected since REV's release) here.",
)
def changes(project: Path, revision: str | None, output: Path | None, corrections: Path | None) -> None:
    """List vetted facts added, changed and withdrawn since a git revision or the last build."""
    from factdeck.build import JSON_EXPORT, output_folder
    from factdeck.reports.changes import anki_searches, changes_since

    if corrections is not None and revision is None:
        raise click.UsageError("--corrections needs --since REV (the release the learners last imported)")

    base = load_and_validate(project)
    result = changes_since(base, revision, output_folder(base, output) / JSON_EXPORT)
    marks = {"added": "+", "changed": "~", "withdrawn": "-"}
    for change in result.items:
        click.echo(f"{marks[change.what]} {change.fact_id}: {change.detail}")
    counts = ", ".join(f"{len(result.of(w))} {w}" for w in marks)
    click.echo(f"since {result.since}: {counts}")
    from factdeck.outputs.anki.note_types import NOTE_TYPES
    from factdeck.outputs.anki.release import release_drift
    from factdeck.records.identity import LEGACY_NAMESPACE, namespace_of, note_type_prefix

    if revision is None:  # the last build may itself differ from what learners have: say that too
        for record, drift in release_drift(base, output_folder(base, output)):
            click.echo(f"against the release record {record.file}: {drift.summary() or 'no change'}")
    namespace = namespace_of(base.config)
    # Only the shipped namespace's note types were published before they had spare fields.
    for line in anki_searches(
        result, NOTE_TYPES[0].full_name(note_type_prefix(base.config)), legacy=namespace == LEGACY_NAMESPACE
    ):
        click.echo(line)
    if corrections is not None:
        assert revision is not None  # checked above
        from factdeck.outputs.anki.corrections import write_corrections

        packs = write_corrections(base, revision, corrections)
        for pack in packs:
            noun = "note" if pack.notes == 1 else "notes"
            click.echo(f"wrote {pack.path}: {pack.notes} {noun} corrected since {revision}")
        if packs:
            click.echo("learners whose notes kept their old text import it once with 'Update notes: Always'")
        else:
            click.echo(f"no note was corrected since {revision}: no corrections package")


@command(None, "release")
@click.argument("decks", nargs=-1)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="The build folder whose stored card fields are reused (default: the project's build/ folder).",
)
def release(project: Path, decks: tuple[str, ...], output: Path | None) -> None:
    """Record what each deck's Anki package publishes (decks/published/<deck id>.json); commit it."""
    from factdeck.build import output_folder
    from factdeck.outputs.anki.release import release_decks

    base = load_and_validate(project)
    _report(base.warnings)
    for done in release_decks(base, list(decks), output_folder(base, output)):
        counts = f"{done.added} added, {done.changed} changed, {done.withdrawn} withdrawn, {done.unchanged} unchanged"
        what = f"wrote {done.path}" if done.written else "already current"
        click.echo(f"{done.deck}: {counts}; {what}")
    in_git = (project / ".git").exists() or any((p / ".git").exists() for p in project.resolve().parents)
    click.echo(
        "commit decks/published/ with the facts it was made from: later builds reproduce its notes"
        + ("" if in_git else " (the project is not in git yet: `git init`, then commit everything)")
    )


@command(None, "options")
@click.argument("fact_ids", metavar="FACT...", nargs=-1, required=True)
@click.option(
    "--deck", "deck_id", help="The deck whose worksheet seed to use (default: the first deck taking the fact)."
)
def options(project: Path, fact_ids: tuple[str, ...], deck_id: str | None) -> None:
    """Why each FACT's wrong options and false statements are what they are: the bounds of its wrong dates and
    the rule behind each side, the multiple-choice options and who made them, the true/false swap."""
    from factdeck.exceptions import UsageError
    from factdeck.quiz.explain import explain_options

    base = load_and_validate(project)
    _report(base.warnings)
    for fact_id in fact_ids:
        fact = base.facts_by_id.get(fact_id)
        if fact is None:
            raise UsageError(f"no fact with id '{fact_id}'")
        decks = [base.deck(deck_id)] if deck_id else [d for d in base.decks if d.select.matches(fact)]
        note = ""
        if not decks:  # a fact not vetted yet: its options as the first deck would make them
            if not base.decks:
                raise UsageError("the project has no deck to make questions with: add one under decks/")
            decks, note = base.decks[:1], f" (no deck takes it yet: as deck '{base.decks[0].id}' would ask it)"
        click.echo(f"{fact.id} ({fact.file}:{fact.line}): {fact.question}{note}")
        for line in explain_options(base, fact, decks[0]).lines:
            click.echo(f"  {line}")
