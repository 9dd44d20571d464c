"""`factdeck language …` (the catalogs of factdeck's own words) and `factdeck translate …` (the facts' texts in
other languages). Listed in cli.py's COMMANDS and imported when first asked for; cli_common turns their errors
into messages and exit codes."""

from __future__ import annotations

from pathlib import Path

import click

from factdeck.build import load_and_validate
from factdeck.cli_common import _report, command, shown_path
from factdeck.exceptions import UsageError


@click.group("language")
def language() -> None:
    """The languages factdeck writes its own words in: list them, add one to a project, update its catalog."""


@command(language, "list")
def language_list(project: Path) -> None:
    """Every language a deck of the project can be built in, with its direction and how complete its catalog is."""
    from babel.messages.pofile import read_po

    from factdeck.i18n import Language, available
    from factdeck.i18n.catalogs import PROJECT_FOLDER, SHIPPED, catalog_path, untranslated

    for tag in available(project):
        own = catalog_path(project / PROJECT_FOLDER, tag)
        path = own if own.is_file() else catalog_path(SHIPPED, tag)
        with path.open("rb") as handle:
            catalog = read_po(handle)
        total = sum(1 for m in catalog if m.id)
        missing = len(untranslated(catalog))
        where = "project" if own.is_file() else "shipped"
        lang = Language.load(tag, project)
        click.echo(f"{tag}\t{lang.name}\t{lang.direction}\t{where}\t{total - missing}/{total} messages translated")


@command(language, "add")
@click.argument("tag")
def language_add(project: Path, tag: str) -> None:
    """Start the project's own catalog of factdeck's words in language TAG (a BCP 47 tag such as it or pt-BR),
    at locale/TAG/LC_MESSAGES/factdeck.po: translate each msgstr, and decks with `language: TAG` use it."""
    from babel import Locale, UnknownLocaleError
    from babel.messages.pofile import read_po, write_po

    from factdeck.i18n.catalogs import PROJECT_FOLDER, SHIPPED, TEMPLATE, catalog_path, shipped_languages

    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise UsageError(f"unknown language '{tag}': give a BCP 47 tag such as it, fa or pt-BR") from exc
    target = catalog_path(project / PROJECT_FOLDER, tag)
    if target.exists():
        raise UsageError(
            f"{shown_path(target, project)} exists already: `factdeck language update` brings it up to date"
        )
    # Start from the shipped catalog where one exists (to adjust its words), else from the empty template.
    source = catalog_path(SHIPPED, tag) if tag in shipped_languages() else TEMPLATE
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    catalog.locale = locale
    catalog.project = "factdeck"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, catalog, width=120)
    click.echo(f"made {shown_path(target, project)}: translate each msgstr (a .po editor such as Poedit helps)")


@command(language, "update")
def language_update(project: Path) -> None:
    """Bring the project's own catalogs up to date with this factdeck's messages (new ones added empty)."""
    from babel.messages.pofile import read_po, write_po

    from factdeck.i18n.catalogs import PROJECT_FOLDER, TEMPLATE, catalog_path, project_languages, untranslated

    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    for tag in project_languages(project):
        path = catalog_path(project / PROJECT_FOLDER, tag)
        with path.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=120, ignore_obsolete=True)
        click.echo(f"{shown_path(path, project)}: {len(untranslated(catalog))} messages to translate")


@click.group("translate")
def translate() -> None:
    """The facts' texts in another language: start a translation, stamp it current, see what is stale."""


@command(translate, "start")
@click.argument("tag")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
def translate_start(project: Path, tag: str, ids: tuple[str, ...]) -> None:
    """Add the facts IDS to translations/TAG/, their original texts in place to be written over in TAG."""
    from factdeck.project.translations import start
    from factdeck.records.translations import base_translations

    base = load_and_validate(project)
    found = base_translations(base, tag)
    written = start(base, found, tag, list(ids))
    click.echo(f"added {len(ids)} fact{'s' * (len(ids) != 1)} to {shown_path(written.parent, project)}/")
    click.echo(f"next: translate each text, then `factdeck translate stamp {tag} {' '.join(ids)}`")


@command(translate, "stamp")
@click.argument("tag")
@click.argument("ids", nargs=-1, metavar="[ID...]")
def translate_stamp(project: Path, tag: str, ids: tuple[str, ...]) -> None:
    """Record that the translations of IDS (default: every translated fact) are current: each text is bound to
    the fingerprint of the original it translates, so a later edit of the original marks it stale."""
    from factdeck.project.translations import stamp
    from factdeck.records.translations import base_translations

    base = load_and_validate(project)
    found = base_translations(base, tag)
    errors = [p for p in found.problems if p.severity == "error"]
    if errors:
        from factdeck.exceptions import ValidationFailed

        raise ValidationFailed(errors)
    stamped = stamp(base, found, list(ids))
    facts = sum(1 for s in stamped if "'" not in s)
    others = len(stamped) - facts
    click.echo(
        f"stamped {facts} translated fact{'s' * (facts != 1)} and {others} other entr{'ies' if others != 1 else 'y'} ({tag})"
    )


@command(translate, "status")
@click.argument("tag")
def translate_status(project: Path, tag: str) -> None:
    """How much of the fact base reads in TAG: facts translated, stale or unstamped texts (at their lines)."""
    from factdeck.records.translations import base_translations, localize

    base = load_and_validate(project)
    found = base_translations(base, tag)
    _report(sorted(found.problems))
    vetted = [f for f in base.facts if f.status == "vetted"]
    complete = sum(1 for f in vetted if not localize(f, found.by_fact.get(f.id)).untranslated)
    click.echo(
        f"{tag}: {complete} of {len(vetted)} vetted facts read wholly in {tag}; {len(found.by_fact)} have a translation"
    )
