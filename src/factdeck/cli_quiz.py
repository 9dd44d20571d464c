"""`factdeck quiz` and `factdeck sessions`: a deck's worksheets and keys, and its study-group packs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from factdeck.cli_common import _emit, _err, _report, command, counted
from factdeck.cli_options import labels_option, per_type_option, question_types_option, text_option
from factdeck.exceptions import UsageError


@command(None, "quiz")
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
) -> object:
    """Print-ready worksheets and answer keys for DECK: worksheet-A.pdf, key-A.pdf, … in <output>/<deck id>/
    (with answer sheets, a ZipGrade key and large-print copies where asked for); with --format json, the
    questions of every version as one JSON document."""
    from factdeck.build import load_and_validate, make_worksheets, output_folder

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
        from factdeck.outputs.languages import localized_base

        deck_base, untranslated = localized_base(base, spec)  # in the deck's language, as its worksheets are
        facts = [deck_base.facts_by_id[f.id] for f in select_facts(base, spec)]
        document = quiz_document(deck_base, spec, facts, settings)
        _report(base.warnings)
        for note in untranslated:
            _err(f"warning: deck '{spec.id}': {note}")
        for note in document["notes"]:
            _err(f"warning: deck '{spec.id}': {note}")
        _emit(quiz_json(document), output)
        return base, deck_base, document  # freed with the process (cli_common.command)
    if output is not None and output.exists() and not output.is_dir():
        raise UsageError(f"--output {output} is a file; worksheets go to a folder")
    base, made, written = make_worksheets(
        project,
        deck,
        output,
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
        waiting=_err,
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
    return base, made  # freed with the process (cli_common.command)


@command(None, "sessions")
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
def sessions(project: Path, deck: str, meetings: int | None, output: Path | None) -> object:
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
    return base, packs  # freed with the process (cli_common.command)
