"""The `factdeck` commands that make or edit a project's own files: `init`, `review`, `vet`, `hash-archives`
and `templates`. Registered on cli.py's group, with its error handling and exit codes (cli.py imports this
module at its end)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from factdeck.build import load_and_validate
from factdeck.cli_common import EXIT_USAGE, _debug_option, _err, command
from factdeck.exceptions import UsageError


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", default="My factdeck project", show_default=True, help="The project's title: its deck's name.")
@click.option(
    "--language",
    default="en",
    show_default=True,
    metavar="TAG",
    help="The starter deck's language (en, fa, de): its outputs' words and its facts' translations.",
)
@_debug_option
def init(folder: Path, title: str, language: str, debug: bool) -> None:
    """Start a new project in FOLDER (new or empty): a starter subject that checks and builds at once."""
    from factdeck.project.init import write_starter

    try:
        write_starter(folder, title, language=language)
    except UsageError as exc:
        if debug:
            raise
        _err(f"error: {exc}")
        sys.exit(EXIT_USAGE)
    click.echo(f"made a factdeck project in {folder}")
    click.echo(f"next: cd {folder} && factdeck check --strict && factdeck build   (README.md says more)")


@command(None, "review")
def review(project: Path) -> None:
    """List the facts that need a reviewer: not vetted yet, or changed since they were vetted, and why."""
    from factdeck.project.languages import stale_translations
    from factdeck.project.vetting import needing_review

    base = load_and_validate(project)
    needs = needing_review(base)
    for need in needs:
        click.echo(f"{need.fact.file}:{need.fact.line}: {need.fact.id}: {need.describe()}")
    if needs:
        click.echo(
            f"{len(needs)} fact{'s' * (len(needs) != 1)} to review; vet each with: factdeck vet ID --reviewer ROLE"
        )
    else:
        click.echo(f"every fact is vetted and unchanged since ({len(base.facts)} facts)")
    stale = stale_translations(base)
    for problem in stale:
        click.echo(f"{problem.path}:{problem.line}: {problem.message}")
    if stale:
        click.echo(
            f"{len(stale)} translated text{'s' * (len(stale) != 1)} to bring up to date (factdeck translate stamp)"
        )


@command(None, "vet")
@click.argument("ids", nargs=-1, metavar="[ID...]")
@click.option("--reviewer", metavar="ROLE", help="Who vetted them: a role or handle (e.g. fact-editor).")
@click.option("--file", "file", metavar="FILE", help="Every fact of this file (e.g. facts/origins.yaml).")
@click.option("--era", metavar="ERA", help="Every fact of this era.")
@click.option("--review", "listed", is_flag=True, help="Every fact `factdeck review` lists.")
@click.option("--yes", "-y", is_flag=True, help="Vet a batch without asking (it is listed all the same).")
@click.option(
    "--keep-record",
    is_flag=True,
    help="For facts vetted before fingerprints existed: record the fingerprint, keep their vetted date and reviewer.",
)
def vet(
    project: Path,
    ids: tuple[str, ...],
    reviewer: str | None,
    file: str | None,
    era: str | None,
    listed: bool,
    yes: bool,
    keep_record: bool,
) -> None:
    """Mark facts vetted today by --reviewer, recording a fingerprint of the content vetted (a later edit is
    then flagged by `check` until the fact is vetted again). Name them by id, or vet a batch: every fact of a
    --file, of an --era, or listed by `factdeck review` (--review); a batch is listed first and vetted once
    you confirm (--yes: without asking). Comments and layout of the files are kept."""
    from factdeck.project.vetting import batch
    from factdeck.project.vetting import vet as vet_facts

    if not reviewer and not keep_record:
        raise UsageError("give --reviewer ROLE (a role or handle, e.g. fact-editor)")
    base = load_and_validate(project)
    chosen = batch(base, list(ids), file, era, listed)
    if file or era or listed:
        for fact_id in chosen:
            fact = base.facts_by_id.get(fact_id)
            click.echo(f"  {fact_id}" + (f" ({fact.file}, status {fact.status})" if fact else ""))
        if not yes and not click.confirm(
            f"vet {'this fact' if len(chosen) == 1 else f'these {len(chosen)} facts'}"
            + (f" as {reviewer}?" if reviewer else " (keeping their record)?"),
            default=False,
        ):
            raise UsageError("nothing vetted")
    vetted = vet_facts(base, chosen, reviewer or "", keep_record=keep_record)
    for fact in vetted:
        click.echo(f"vetted {fact.id} ({fact.file})")


@click.group("templates")
def templates() -> None:
    """The built-in templates, and copies of them in the project for editing."""


@command(templates, "list")
def templates_list(project: Path) -> None:
    """Every template a build reads, and whether it is the project's own copy or the built-in one."""
    from factdeck.records.templates import BUILTIN, effective_files

    for name, path in effective_files(project.resolve()):
        click.echo(f"{name}  ({'built-in' if BUILTIN in path.parents else 'templates/' + name})")


@command(templates, "copy")
@click.argument("names", nargs=-1, metavar="[NAME...]")
@click.option("--force", is_flag=True, help="Overwrite the project's own copies of these templates.")
def templates_copy(project: Path, names: tuple[str, ...], force: bool) -> None:
    """Copy built-in templates (default: all; NAME is a file such as quiz/worksheet.typ or a folder such as
    quiz) into the project's templates/ folder, where they override the built-in ones."""
    from factdeck.records.templates import copy_templates

    if not (project / "facts").is_dir():
        raise UsageError(f"{project}: not a factdeck project (no facts/ folder)")
    copied, kept = copy_templates(project.resolve(), list(names), overwrite=force)
    for name in copied:
        click.echo(f"copied templates/{name}")
    for name in kept:
        _err(f"kept templates/{name}: the project has its own copy (--force replaces it)")
    click.echo(f"{len(copied)} template{'s' * (len(copied) != 1)} copied into {project / 'templates'}")


@command(None, "hash-archives")
@click.argument("sources", nargs=-1, metavar="[SOURCE...]")
@click.option(
    "--archive",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of archived source texts (default: factdeck.yaml's archive).",
)
def hash_archives(project: Path, sources: tuple[str, ...], archive: Path | None) -> None:
    """Record the SHA-256 of each source's archive file (default: every source with one) in
    facts/sources.yaml, after checking every quote against the files as they are now. Citations follow a
    re-fetched text first: a locator in the locator scheme moves with its quote, and a quote with a selector
    is found again and rewritten; each change is listed."""
    from factdeck.project.anchors import follow_archives
    from factdeck.project.archives import record_archive_hashes

    moves = follow_archives(project, list(sources), archive)
    for move in moves:
        click.echo(move.describe())
    written = record_archive_hashes(project, list(sources), archive, load_and_validate)
    for source_id, digest in written:
        click.echo(f"{source_id}: archive_sha256 {digest}")
    click.echo(f"recorded {len(written)} archive fingerprint{'s' * (len(written) != 1)} in facts/sources.yaml")
