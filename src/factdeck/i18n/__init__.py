"""Languages: message catalogs (gettext, through Babel) and the CLDR formats of the language an output is
written in. The lowest layer: the text helpers and every stage above may use it; it uses none of them."""

from factdeck.i18n.catalogs import CatalogError, shipped_languages
from factdeck.i18n.language import DigitChoice, Language, LanguageError, available

__all__ = ["CatalogError", "DigitChoice", "Language", "LanguageError", "available", "shipped_languages"]
