"""English's digits and counts made without CLDR's data for English (i18n/language.py): the same text as Babel's,
and no locale data loaded for them (loading it was most of what a check in English asked Babel for)."""

from __future__ import annotations

from collections.abc import Callable

import babel.localedata
import pytest
from babel import Locale
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from factdeck.i18n import Language
from factdeck.i18n.language import _numbering_system

# Babel's decimal context writes no count of 26 digits or more (it raises); a count here is of facts, notes or years.
_LARGEST = 10**25 - 1
_SAMPLE = (0, 1, -1, 7, 999, 1000, -1000, 1965, 12345, 999_999, 1_000_000, -98_765_432, 10**21, -_LARGEST)


def _babels(value: int | float) -> str:
    return format_decimal(value, locale=Locale.parse("en"), numbering_system="latn")


def _first_difference(number: Callable[[int], str]) -> int | None:
    """The first of a sample of counts that `number` writes otherwise than Babel's English, or None."""
    return next((value for value in _SAMPLE if number(value) != _babels(value)), None)


@given(st.integers(min_value=-_LARGEST, max_value=_LARGEST))
def test_an_english_count_is_babels(value):
    assert Language.load("en").number(value) == _babels(value)


def test_english_counts_of_a_sample_and_other_numbers_are_babels():
    english = Language.load("en")
    assert _first_difference(english.number) is None
    for value in (1.5, 0.125, 1234.5678, -2.0):  # not counts: Babel writes them
        assert english.number(value) == _babels(value)
    assert english.year(1965) == "1965"


def test_the_comparison_catches_counts_written_without_groups():
    assert _first_difference(str) == 1000  # a shortcut that forgot the "," between groups


@pytest.mark.parametrize("digits", ["default", "latin"])
def test_englishs_digits_are_babels(digits):
    locale = Locale.parse("en")
    babels = "latn" if digits == "latin" else locale.default_numbering_system
    assert _numbering_system("en", locale, digits) == babels == Language.load("en", digits=digits).system


def test_english_loads_no_locale_data_for_its_counts_years_and_messages(monkeypatch):
    loaded = []
    load = babel.localedata.load
    monkeypatch.setattr(babel.localedata, "load", lambda name, *args: loaded.append(name) or load(name, *args))
    english = Language.load("en")
    said = english.ngettext("%(n)s fact", "%(n)s facts", 1965) + english.year(1492) + english.number(-12)
    assert (said, loaded) == ("1,965 facts1492-12", [])
    assert Language.load("de").number(1965) == "1.965" and loaded  # German's come from its data
