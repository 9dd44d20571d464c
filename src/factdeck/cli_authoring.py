"""The `factdeck` commands for writing facts from the sources: `cite` (find a passage, print its citation),
`read` (an archived text with each block's locator, in the terminal or as an HTML page) and `new` (a fact
skeleton from a passage). Loaded by cli.py's group when one of them is
asked for; errors become messages and exit codes in cli_common.py."""

from __future__ import annotations

from pathlib import Path

import click

from factdeck.cli_common import _err, command

_archive_option = click.option(
    "--archive",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of archived source texts (default: factdeck.yaml's archive).",
)


@command(None, "cite")
@click.argument("source")
@click.argument("words", nargs=-1, required=True)
@click.option("--candidates", "-n", type=click.IntRange(1, 20), default=3, show_default=True, help="How many to show.")
@click.option("--no-selector", is_flag=True, help="Leave out the TextQuoteSelector (prefix and suffix).")
@_archive_option
def cite(
    project: Path, source: str, words: tuple[str, ...], candidates: int, no_selector: bool, archive: Path | None
) -> None:
    """Find WORDS in SOURCE's archived text (id or archive file name) and print its citation, ready to paste
    under a fact's `citations:`: the locator, a quote of at most 40 words and a selector. Words re-ordered or
    slightly misspelled are found too; several candidates are ranked, best first."""
    from factdeck.exceptions import UsageError
    from factdeck.project.cite import cite as find

    found = find(project, source, " ".join(words), candidates, archive)
    if not found:
        raise UsageError(
            f"no passage of '{source}' is like '{' '.join(words)}' (`factdeck read {source}` shows it all)"
        )
    close = [c for c in found if c.score >= found[0].score - 3]
    if len(close) > 1:
        _err(f"{len(close)} passages match about as well: the best first (`factdeck new --candidate N` takes the N-th)")
    for rank, candidate in enumerate(found, 1):
        how = "exact" if candidate.exact else f"close match, score {candidate.score:.0f}"
        click.echo(f"# {rank}. {candidate.block.locator} ({how})")
        click.echo(candidate.yaml(selector=not no_selector), nl=False)
        if rank < len(found):
            click.echo()


@command(None, "read")
@click.argument("source")
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the reading view as a self-contained HTML page with copy-citation buttons.",
)
@_archive_option
def read(project: Path, source: str, html: Path | None, archive: Path | None) -> None:
    """Show SOURCE's archived text block by block, each under its locator (or, with --html, as a page with a
    "copy citation" button per block and per selected passage)."""
    from factdeck.project.cite import ProjectSources
    from factdeck.project.reading import reading_page, terminal_view

    sources = ProjectSources.read(project, archive)
    record = sources.source(source)
    raw = sources.text(record)
    if html is not None:
        from factdeck.outputs.write import OutputWriter

        writer = OutputWriter(html.resolve().parent)
        writer.write_bytes(html.name, reading_page(record.id, record.title, raw).encode("utf-8"))
        writer.commit()
        click.echo(f"wrote {html}")
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=False)
    console.print(f"[bold]{escape(record.title)}[/bold]  ({record.id}, {record.archive})")
    for locator, kind, text in terminal_view(raw):
        console.print(f"\n[cyan]{escape(locator)}[/cyan]")
        console.print(f"[bold]{escape(text)}[/bold]" if kind == "heading" else escape(text))


@command(None, "new")
@click.argument("source")
@click.argument("words", nargs=-1, required=True)
@click.option(
    "--candidate", type=click.IntRange(1, 20), default=1, show_default=True, help="Which of cite's candidates."
)
@click.option("--id", "fact_id", help="The fact's id (default: made from WORDS).")
@click.option("--era", help="The fact's era (default: the era of the date the passage gives).")
@click.option("--kind", help="The fact's kind (default: a guess from the words, marked as one).")
@click.option(
    "--file", "file", help="The fact file, facts/NAME.yaml (default: the file holding most facts of the era)."
)
@_archive_option
def new(
    project: Path,
    source: str,
    words: tuple[str, ...],
    candidate: int,
    fact_id: str | None,
    era: str | None,
    kind: str | None,
    file: str | None,
    archive: Path | None,
) -> None:
    """Add a fact skeleton citing the passage of SOURCE that WORDS find (as `cite` does): id, era, date, a
    guessed kind, the citation and status review, with question, answer and statement left for you to write."""
    from factdeck.project.new_fact import new_fact

    made = new_fact(
        project, source, " ".join(words), candidate=candidate, fact_id=fact_id, era=era, kind=kind, file=file,
        archive=archive,
    )  # fmt: skip
    click.echo(f"added fact '{made.id}' to {made.file} (status review)")
    click.echo(f"  era: {made.era}" + (f" (from the date {made.date} in the passage)" if made.date and not era else ""))
    if made.note:
        click.echo(f"  note: {made.note}")
    click.echo(f"  kind: {made.kind}" + (" (a guess: check it)" if made.kind_guessed else ""))
    click.echo(f'  cites: {made.citation.block.locator}: "{made.citation.quote}"')
    _err(f"next: write its question, answer and statement in {made.file}, then `factdeck check`")
