"""`factdeck export …`: the fact base as JSON, a deck as CSV/TSV (Quizlet, Anki) or GIFT, and a deck's
worksheet questions for classroom games and learning platforms. Loaded by cli.py's group when asked for; errors
become messages and exit codes in cli_common.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from factdeck.build import load_and_validate
from factdeck.cli_common import _emit, _err, _file_output, command
from factdeck.cli_options import question_types_option
from factdeck.exceptions import FactdeckError, UsageError


@click.group("export")
def export() -> None:
    """Export the fact base, or a deck's worksheet questions for a game or learning platform."""


@command(export, "json")
@_file_output
def export_json_command(project: Path, output: Path | None) -> None:
    """The whole fact base as one JSON document (sources, eras, facts, decks)."""
    from factdeck.outputs.exports.export import export_json

    _emit(export_json(load_and_validate(project)), output)


@command(export, "csv")
@click.argument("deck", required=False)
@_file_output
@click.option("--anki-headers", is_flag=True, help="Add the header lines Anki's text importer reads (not for Quizlet).")
def export_csv_command(project: Path, deck: str | None, output: Path | None, anki_headers: bool) -> None:
    """A deck's facts (default: every vetted fact) as tab-separated term, definition and tags."""
    from factdeck.outputs.exports.export import export_tsv
    from factdeck.records.select import select_facts

    base = load_and_validate(project)
    spec = base.deck(deck) if deck else None
    facts = select_facts(base, spec) if spec else [f for f in base.facts if f.status == "vetted"]
    _emit(export_tsv(base, facts, anki_headers, spec), output)


@command(export, "gift")
@click.argument("deck", required=False)
@_file_output
@click.option(
    "--questions", "-n", type=click.IntRange(1, 500), help="Questions per deck (default: the deck's quiz.questions)."
)
@click.option(
    "--timeline-as-matching",
    is_flag=True,
    help="Timelines as matching (event to date) instead of Moodle's ordering type, for Moodle before 4.4.",
)
def export_gift_command(
    project: Path, deck: str | None, output: Path | None, questions: int | None, timeline_as_matching: bool
) -> None:
    """A deck's quiz questions (default: every deck's) in Moodle GIFT format, with cited feedback."""
    from factdeck.outputs.exports.gift import export_gift
    from factdeck.records.select import select_facts

    base = load_and_validate(project)
    decks = [base.deck(deck)] if deck else list(base.decks)
    made = export_gift(base, [(d, select_facts(base, d)) for d in decks], questions, timeline_as_matching)
    _emit(made.data, output)
    _err(f"gift: wrote {made.written} question{'s' * (made.written != 1)}, skipped 0")


def _platform_command(name: str) -> None:
    """Register `factdeck export NAME DECK [-o FILE] [-n N] [--seed S] [--types T,...]` for one platform
    (exports/registry.py)."""
    from factdeck.outputs.exports.registry import PLATFORMS

    platform = PLATFORMS[name]

    def run(
        project: Path, deck: str, output: Path | None, questions: int | None, seed: int | None, types: list[str] | None
    ) -> None:
        from factdeck.outputs.exports.platforms import nothing_fits
        from factdeck.outputs.exports.registry import platform_export
        from factdeck.quiz import with_overrides
        from factdeck.records.select import select_facts

        if output is None and platform.binary and sys.stdout.isatty():
            raise UsageError(f"a {platform.extension} file is not for the terminal: give -o FILE.{platform.extension}")
        base = load_and_validate(project)
        spec = base.deck(deck)
        settings = with_overrides(spec.quiz, seed=seed, types=types)
        made = platform_export(base, spec, select_facts(base, spec), name, settings, questions)
        for line in made.summary or map(str, made.skipped):
            _err(line)
        if made.written == 0:
            raise FactdeckError(f"{spec.file}:{spec.line}: {nothing_fits(name, made.skipped)}")
        _emit(made.data, output)
        wrote = f"{name}: wrote {made.written} question{'s' * (made.written != 1)}"
        left = len(made.skipped)
        _err(f"{wrote}, left out {left} fact{'s' * (left != 1)}" if platform.game else f"{wrote}, skipped {left}")

    run.__name__ = run.__qualname__ = f"export_{name.replace('-', '_')}_command"
    run.__doc__ = (
        f"{platform.description} Questions chosen for it from every fact of DECK; what is left out is summed up."
        if platform.game
        else f"{platform.description} DECK's worksheet questions (version A); skipped ones listed."
    )
    fn = click.option(
        "--types",
        multiple=True,
        callback=question_types_option,
        metavar="TYPE,...",
        help="Question types to ask, e.g. --types multiple-choice,true-false (default: the deck's quiz.types).",
    )(run)
    fn = click.option("--seed", type=int, help="Random seed (default: the deck's quiz.seed).")(fn)
    default = "the game's own: Kahoot! 30, the others every suitable fact" if platform.game else "quiz.questions"
    fn = click.option("--questions", "-n", type=click.IntRange(1, 500), help=f"Questions (default: {default}).")(fn)
    command(export, name)(click.argument("deck")(_file_output(fn)))


for _name in ("kahoot", "wayground", "blooket", "gimkit", "qti", "moodle-xml"):
    _platform_command(_name)
