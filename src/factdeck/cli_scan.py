"""`factdeck scan` (answer-sheet photos and scanner PDFs to responses.csv) and `factdeck results` (item
analysis tied to the facts). Loaded by cli.py's group when asked for.

Both write into the results folder (default: the project's results/, outside build/): it holds students'
numbers and answers, so it stays on the teacher's machine and out of git."""

from __future__ import annotations

from pathlib import Path

import click

from factdeck.cli_common import _err, command, counted
from factdeck.exceptions import FactdeckError, UsageError

_results_option = click.option(
    "--results",
    "results",
    type=click.Path(file_okay=False, path_type=Path),
    help="The results folder (default: the project's results/; it holds students' data: keep it out of build/ and git).",
)


def _build_folder(project: Path) -> Path:
    import yaml

    try:
        config = yaml.safe_load((project / "factdeck.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return project / str(config.get("output") or "build") if isinstance(config, dict) else project / "build"


def _results_folder(project: Path, results: Path | None) -> Path:
    folder = (results or project / "results").resolve()
    build = _build_folder(project).resolve()
    if folder == build or build in folder.parents:
        raise UsageError(f"{folder}: results hold students' data and go outside the build folder ({build})")
    return folder


@command(None, "scan")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_results_option
@click.option(
    "--sheets",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the answer sheets were built (their answer-sheet-X.json maps; default: the build folder).",
)
def scan(project: Path, inputs: tuple[Path, ...], results: Path | None, sheets: Path | None) -> None:
    """Read answer-sheet photos (JPEG, PNG, HEIC) and scanner PDFs into results/<deck>/responses.csv.

    One row per sheet; a re-scan replaces the earlier reading. Ambiguous marks (two filled, faint, crossed
    out) are written as "?" and listed in results/<deck>/review.csv with a crop to confirm. A file that
    cannot be read is named with the reason, and the others are still read."""
    from factdeck.scan import require

    require()
    from factdeck.scan.inputs import PageImage, page_images
    from factdeck.scan.read import SheetError, SheetMaps, read_page
    from factdeck.scan.store import ResponseStore

    folder = _results_folder(project, results)
    maps = SheetMaps([sheets or _build_folder(project)])
    if not maps.maps:
        raise FactdeckError(
            f"{sheets or _build_folder(project)}: no answer-sheet maps found: build the answer sheets first "
            "(factdeck quiz DECK --answer-sheet)"
        )
    stores: dict[str, ResponseStore] = {}
    files = [p for i in inputs for p in (sorted(x for x in i.rglob("*") if x.is_file()) if i.is_dir() else [i])]
    read = failed = 0
    for path in files:
        for page in page_images(path):
            if not isinstance(page, PageImage):
                where, number, reason = page
                _err(f"{where}{f' page {number}' if number else ''}: {reason}")
                failed += 1
                continue
            try:
                reading = read_page(page.pixels, maps)
            except SheetError as exc:
                _err(f"{page.label}: {exc}")
                failed += 1
                continue
            data = maps.maps[(reading.deck, reading.version, reading.layout)]
            store = stores.setdefault(reading.deck, ResponseStore(folder, reading.deck))
            name = store.add(reading, data, page.label)
            flagged = f", {len(reading.flags)} mark(s) to confirm" if reading.flags else ""
            click.echo(f"{page.label}: {reading.deck} version {reading.version}, sheet {name}{flagged}")
            read += 1
    for deck, store in stores.items():
        path = store.save()
        replaced = f" ({store.replaced} re-scanned page(s) replaced)" if store.replaced else ""
        click.echo(f"{deck}: {counted(len(store.rows), 'sheet')} in {path}{replaced}")
    click.echo(f"{read} page(s) read, {failed} could not be read")
    if failed and not read:
        raise FactdeckError("no answer sheet could be read")


@command(None, "results")
@click.argument("deck_id")
@_results_option
@click.option(
    "--from",
    "sources",
    multiple=True,
    metavar="TOOL=FILE",
    help=(
        "Read responses exported by a tool: factdeck=FILE (responses.csv), zipgrade=FILE (its CSV export), "
        "kahoot=FILE (its results .xlsx), moodle=FILE (the Responses report CSV), canvas=FILE (Student Analysis "
        "CSV); repeat to add several. Default: results/<deck>/responses.csv."
    ),
)
@click.option(
    "--sheets",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the deck's answer sheets were built (default: the build folder).",
)
def results(project: Path, deck_id: str, results: Path | None, sources: tuple[str, ...], sheets: Path | None) -> None:
    """Item analysis of a deck's answers: difficulty, discrimination, options chosen and flags pointing at
    each fact's file and line; writes report.html, items.csv, facts.csv, flags.txt, an Anki search for the
    missed facts and focus.txt into results/<deck>/."""
    from factdeck.build import load_and_validate
    from factdeck.reports.platform_results import PLATFORM_READERS, platform_questions, to_responses
    from factdeck.reports.results import analyse, fact_stats
    from factdeck.reports.results_imports import READERS, ResultsFileError
    from factdeck.reports.results_report import flag_lines, write_report
    from factdeck.scan.maps import SheetMaps

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise FactdeckError("the results report needs matplotlib: pip install 'factdeck[scan]'") from None
    folder = _results_folder(project, results)
    base = load_and_validate(project)
    deck = base.deck(deck_id)
    sheet_maps = SheetMaps([sheets or _build_folder(project)]).maps
    maps = {
        version: data
        for (d, version, layout), data in sorted(sheet_maps.items())
        if d == deck_id and layout.endswith("-n")
    }
    if not maps:
        raise FactdeckError(
            f"deck '{deck_id}': no answer-sheet maps in the build folder: run factdeck quiz {deck_id} --answer-sheet"
        )
    wanted = [s.partition("=") for s in sources] or [("factdeck", "=", str(folder / deck_id / "responses.csv"))]
    tools = [*READERS, *PLATFORM_READERS]
    responses: list[dict] = []
    for index, (tool, _, file) in enumerate(wanted):
        if tool not in tools or not file:
            raise UsageError(f"--from {tool}={file}: say TOOL=FILE with TOOL one of {', '.join(tools)}")
        try:
            if tool in READERS:
                responses += READERS[tool](Path(file))
                continue
            answers = PLATFORM_READERS[tool](Path(file))
            version = f"{tool}-{index}"
            rows, maps[version], notes = to_responses(answers, platform_questions(base, deck), version)
            responses += rows
            for note in notes:
                _err(f"warning: {note}")
        except ResultsFileError as exc:
            _err(f"error: {exc}")
    if not responses:
        raise FactdeckError(f"deck '{deck_id}': no responses read")
    items = analyse(responses, maps)

    def locate(fact_id: str) -> tuple[str, int]:
        fact = base.facts_by_id.get(fact_id)
        return (fact.file, fact.line) if fact is not None else ("", 0)

    facts = fact_stats(items, locate)
    written = write_report(folder / deck_id, deck.name, items, facts, len(responses))
    for line in flag_lines(items, facts):
        click.echo(line)
    click.echo(
        f"{deck_id}: {counted(len(responses), 'answer sheet')}, {counted(len(items), 'question')}; "
        f"wrote {counted(len(written), 'file')} to {folder / deck_id}"
    )
