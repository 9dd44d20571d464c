"""The language a deck's outputs are written in: the deck's `language`, else the project's (factdeck.yaml),
with the deck's choice of digits and the project's own catalogs over the shipped ones."""

from __future__ import annotations

from factdeck.exceptions import UsageError
from factdeck.i18n import CatalogError, Language, LanguageError
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec


def deck_language_tag(base: FactBase, deck: DeckSpec) -> str:
    """The tag of the deck's language (`fa`, `de`, `en`)."""
    return deck.language or base.config.language


def deck_language(base: FactBase, deck: DeckSpec) -> Language:
    """The deck's language with its catalog. Raises `UsageError` naming the deck file and line when no catalog
    serves it (`check` reports the same beforehand), or a project catalog is malformed."""
    try:
        return Language.load(deck_language_tag(base, deck), base.root, deck.translation.digits)
    except (LanguageError, CatalogError) as exc:
        where = f"{deck.file}:{deck.line}: " if deck.file else ""
        raise UsageError(f"{where}deck '{deck.id}': {exc}") from exc
