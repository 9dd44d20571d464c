"""The language an output is written in: its catalog, direction, digits, number and list formats.

A `Language` is an explicit object: every function that writes words takes one (there is no process-wide
"current language"; two builds in two languages may run side by side in one process). Its messages come
from gettext catalogs (catalogs.py) and its formats from the Unicode CLDR through Babel.

Messages use Python's named placeholders (`"Question %(n)s of %(total)s"`), so a translation may put them
in any order; integer values are written with the language's digits and separators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations

from factdeck.i18n.catalogs import (
    SOURCE_LANGUAGE,
    CatalogError,
    project_languages,
    project_translations,
    shipped_languages,
    shipped_translations,
)

DigitChoice = Literal["default", "latin", "native"]

# The digits of the numbering systems CLDR gives as a language's default or native one (CLDR's
# numberingSystems.xml); Babel formats with a system's separators but leaves the digits to the caller.
_DIGITS = {
    "latn": "0123456789",
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "deva": "०१२३४५६७८९",
    "beng": "০১২৩৪৫৬৭৮৯",
    "mymr": "၀၁၂၃၄၅၆၇၈၉",
}


class LanguageError(ValueError):
    """A language tag no catalog serves; the message lists the languages that are."""


@dataclass(frozen=True)
class Language:
    """One output language. `tag`: its BCP 47 tag as catalogs name it (`fa`, `de`, `en`); `locale`: Babel's
    CLDR data for it; `translations`: its messages; `system`: the CLDR numbering system its digits come from."""

    tag: str
    locale: Locale
    translations: NullTranslations = field(repr=False, compare=False)
    system: str = "latn"

    # -- construction ------------------------------------------------------------------------------

    @classmethod
    def load(cls, tag: str, root: Path | None = None, digits: DigitChoice = "default") -> Language:
        """The language `tag` with its catalog: the project's own (`root/locale/<tag>/...`) over the shipped
        one. `digits`: "default" (CLDR's default for the language: Persian digits for `fa`), "latin" (0-9)
        or "native" (the language's own). Raises `LanguageError` for a tag without a catalog, `CatalogError`
        for a malformed project catalog."""
        try:
            locale = Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError) as exc:
            raise LanguageError(f"unknown language '{tag}' ({available_text(root)})") from exc
        translations: NullTranslations | None = project_translations(root, tag) if root is not None else None
        if translations is None:
            if tag not in shipped_languages():
                raise LanguageError(
                    f"no catalog for language '{tag}' ({available_text(root)}; `factdeck language add {tag}` starts one)"
                )
            translations = shipped_translations(tag)
        return cls(tag, locale, translations, _numbering_system(tag, locale, digits))

    @classmethod
    def source(cls) -> Language:
        """English, the language factdeck's messages are written in (its catalog only confirms them). Made once
        per process: the shipped catalog cannot change while it runs, and loading it (listing the shipped
        catalogs, parsing the locale) cost a millisecond for each of the thousands of dates a check labels."""
        return _source_language()

    # -- messages ----------------------------------------------------------------------------------

    def gettext(self, message: str, **values: Any) -> str:
        """`message` in this language, its `%(name)s` placeholders filled from `values`."""
        return self._fill(self.translations.ugettext(message), values)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        """`message` in `context` (to tell apart two uses of one English word), filled from `values`."""
        return self._fill(self.translations.upgettext(context, message), values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The plural form for `n` (by the language's CLDR plural rule), `%(n)s` and `values` filled in."""
        return self._fill(self.translations.ungettext(singular, plural, n), {"n": n, **values})

    def _fill(self, text: str, values: Mapping[str, Any]) -> str:
        if not values:
            return text
        return text % {
            k: self.number(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in values.items()
        }

    # -- formats -----------------------------------------------------------------------------------

    @property
    def direction(self) -> Literal["ltr", "rtl"]:
        """The language's writing direction (CLDR's character order)."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def name(self) -> str:
        """The language's name in itself ("فارسی", "Deutsch", "English")."""
        return self.locale.get_display_name(self.locale) or self.tag

    @property
    def numbering(self) -> str:
        """Typst's numbering pattern for this language's digits: "1", "۱" (Persian) or "١" (Arabic)."""
        return {"arabext": "۱", "arab": "١"}.get(self.system, "1")

    def digits(self, text: str) -> str:
        """`text` with its ASCII digits written in this language's digits."""
        if self.system == "latn":
            return text
        return text.translate(str.maketrans("0123456789", _DIGITS[self.system]))

    def number(self, value: int | float) -> str:
        """A count or quantity with the language's separators and digits (1,965 / 1.965 / ۱٬۹۶۵)."""
        if self.tag == SOURCE_LANGUAGE and type(value) is int:
            # CLDR's English writes a count as "#,##0", "," between groups and "-" before (tests hold it to Babel's).
            return f"{value:,}"
        return self.digits(format_decimal(value, locale=self.locale, numbering_system=_babel_system(self.system)))

    def year(self, value: int) -> str:
        """A year: no group separator (1965, ۱۹۶۵)."""
        return self.digits(str(value))

    def month(self, month: int) -> str:
        """The month's name as a date writes it (1 = January)."""
        return str(self.locale.months["format"]["wide"][month])

    def join(self, items: Iterable[str], style: Literal["standard", "or"] = "standard") -> str:
        """ "a, b and c" or "a, b or c" in this language (CLDR list patterns)."""
        return format_list(list(items), style=style, locale=self.locale)

    def isolate(self, text: str) -> str:
        """`text` in Unicode first-strong isolates (FSI … PDI): a run of another direction (an English name in
        a Persian sentence) keeps its own order without reordering what surrounds it (UAX #9)."""
        return f"\u2068{text}\u2069" if text else text


@cache
def _source_language() -> Language:
    return Language.load(SOURCE_LANGUAGE)


def _numbering_system(tag: str, locale: Locale, digits: DigitChoice) -> str:
    # English's digits and its count formats (`number`) are known without CLDR's data for it: loading the data (en's
    # merged with root's, about 9 ms) was most of what a check in English asked Babel for. Tests hold both to Babel's.
    if digits == "latin" or (tag == SOURCE_LANGUAGE and digits == "default"):
        return "latn"
    systems = locale.other_numbering_systems if digits == "native" else {}
    found = systems.get("native") or locale.default_numbering_system
    return found if found in _DIGITS else "latn"


def _babel_system(system: str) -> str:
    # Babel knows the separators of the systems CLDR defines symbols for; others share latn's.
    return system if system in ("latn", "arab", "arabext") else "latn"


def available(root: Path | None = None) -> tuple[str, ...]:
    """Every language a project can build in: the shipped catalogs' and its own, sorted."""
    own = project_languages(root) if root is not None else ()
    return tuple(sorted({*shipped_languages(), *own}))


def available_text(root: Path | None = None) -> str:
    return "languages with a catalog: " + ", ".join(available(root))


__all__ = ["CatalogError", "DigitChoice", "Language", "LanguageError", "available"]
