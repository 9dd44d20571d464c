"""What `factdeck check` and `factdeck review` say about a project's languages: every deck's language served
by a catalog, the project's own catalogs readable, and every fact translation current (records/translations.py)."""

from __future__ import annotations

from factdeck.exceptions import Problem
from factdeck.i18n import CatalogError, Language, LanguageError
from factdeck.records.factbase import FactBase
from factdeck.records.translations import FactTranslations, base_translations, project_translation_languages


def translation_languages(base: FactBase) -> list[str]:
    """Every language the project translates facts into or builds a deck in, other than the facts' own."""
    wanted = {*project_translation_languages(base.root), *(d.language for d in base.decks if d.language)}
    return sorted(wanted - {base.config.language})


def all_translations(base: FactBase) -> dict[str, FactTranslations]:
    """Each of `translation_languages`' translations, loaded and checked."""
    return {language: base_translations(base, language) for language in translation_languages(base)}


def language_problems(base: FactBase, translations: dict[str, FactTranslations] | None = None) -> list[Problem]:
    """Every problem with the project's languages: a language without a catalog (at the deck, or at
    factdeck.yaml), a malformed project catalog, and every translation's problems (stale ones as warnings)."""
    problems: list[Problem] = []
    try:
        Language.load(base.config.language, base.root)
    except (LanguageError, CatalogError) as exc:
        problems.append(Problem("factdeck.yaml", base.config.line, f"language: {exc}"))
    for deck in base.decks:
        if deck.language is None:
            continue
        try:
            Language.load(deck.language, base.root, deck.translation.digits)
        except (LanguageError, CatalogError) as exc:
            problems.append(Problem(deck.file, deck.line, f"deck '{deck.id}': {exc}"))
    for found in (translations if translations is not None else all_translations(base)).values():
        problems.extend(found.problems)
    return problems


def stale_translations(base: FactBase) -> list[Problem]:
    """The warnings of every translation (not stamped, stale), for `factdeck review`, in file order."""
    return sorted(p for found in all_translations(base).values() for p in found.problems if p.severity == "warning")
