"""Quote verification: typography never decides a match; wording always does."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factdeck.records import quotes
from factdeck.records.quotes import QuoteFinder, quote_in_text, quote_search_form, word_count

TEXT = quote_search_form(
    "He said: \u201cThe group\u2019s founders \u2013 students \u2014 met in  Tehran\nin 1965.\u201d Later, much later, they left."
)


@pytest.mark.parametrize(
    "quote",
    [
        "the group's founders - students - met in Tehran in 1965",  # straight marks, hyphens, case
        "THE GROUP’S FOUNDERS",
        "\"The group's founders",
        "founders ... in 1965",  # ellipsis joins parts in order
        "founders…Tehran",  # the single ellipsis character
        "founders [...] they left",
        "met in Tehran in\t1965",  # white space of any kind
    ],
)
def test_quotes_that_match(quote):
    assert quote_in_text(quote, TEXT)


@pytest.mark.parametrize(
    "quote",
    [
        "the group's founders met in Tehran",  # words left out without an ellipsis
        "in 1965 ... founders",  # parts out of order
        "founders ... founders",  # one occurrence cannot serve two parts
        "met in Tehran in 1966",
        "...",
        "",
    ],
)
def test_quotes_that_do_not_match(quote):
    assert not quote_in_text(quote, TEXT)


def test_invisible_characters_and_compatibility_forms_are_ignored():
    assert quote_search_form("Mojahe\u00addin \ufb01ght") == "mojahedin fight"


def test_persian_text_matches_itself():
    text = quote_search_form("سازمان مجاهدین خلق ایران")
    assert quote_in_text("مجاهدین خلق", text)


def test_word_count_ignores_ellipses():
    assert word_count("one two ... three") == 3
    assert word_count("one…two") == 2


# Letters, digits, punctuation and spaces: combining marks could fuse with a neighbour.
_TEXT = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Po", "Pd", "Pi", "Pf", "Zs")), max_size=60)


@given(_TEXT, _TEXT, _TEXT)
def test_any_excerpt_of_a_text_is_found_in_it(middle, before, after):
    if not quote_search_form(middle):
        return
    text = quote_search_form(before + " " + middle + " " + after)
    # An excerpt always matches the text it was cut from (ellipsis marks inside it aside).
    if "..." in middle or "\u2026" in middle:
        return
    assert quote_in_text(middle, text)


def test_the_finder_answers_as_the_search_does_on_the_fixed_cases():
    for few in (QuoteFinder.FEW, -1):  # each quote searched for, and the walk over the text
        _finder_agrees(TEXT, few)


def _finder_agrees(text: str, few: int) -> None:
    finder = QuoteFinder(text)
    finder.FEW = few
    quotes = [
        "the group's founders - students - met in Tehran in 1965",
        "founders ... in 1965",
        "oup's founders - st",
        "they left.",
        "the group's founders met in Tehran",
        "met in Tehran in 1966",
        "roup",
        "",
        "later, they left.",
    ]
    keys = [finder.add(q) for q in quotes]
    assert {k for k, q in zip(keys, quotes) if quote_in_text(q, text)} == finder.found()


_WORDS = st.lists(st.sampled_from(["al", "b", "ali", "ba", "lib", "alibab", "a", "-", "ba.", "…"]), max_size=40)


@given(
    text=_WORDS,
    cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), max_size=12),
    extra=st.lists(_WORDS.map(" ".join), max_size=4),
)
def test_the_finder_agrees_with_the_search(text, cuts, extra):
    # Few distinct words, so anchors repeat and candidates often fail: every path of the finder is taken.
    normalized = quote_search_form(" ".join(text))
    quotes = [normalized[start : start + length] for start, length in cuts] + extra
    for few in (QuoteFinder.FEW, -1):  # each quote searched for, and the walk over the text
        finder = QuoteFinder(normalized)
        finder.FEW = few
        keys = [finder.add(q) for q in quotes]
        assert finder.found() == {k for k, q in zip(keys, quotes) if quote_in_text(q, normalized)}


# Texts made of what an ellipsis is made of (dots, '…', brackets, white space of every kind) and words.
_ellipsis_texts = st.lists(
    st.sampled_from(
        [".", "..", "...", ". . .", ".\t.\n.", "…", "[", "]", "[...]", " ", "\u00a0", "\u2003", "a", "word"]
    )
    | st.text(max_size=3)
).map("".join)


@given(_ellipsis_texts)
def test_texts_are_split_at_ellipses_as_by_the_full_search(text):
    assert quotes.split_at_ellipses(text) == quotes._ELLIPSIS.split(text)


def test_an_ellipsis_the_first_search_missed_would_be_caught(monkeypatch):
    monkeypatch.setattr(quotes, "_ELLIPSIS_HINT", re.compile(r"\.\.|\u2026"))  # no '. . .'
    assert quotes.split_at_ellipses("one . . . two") != quotes._ELLIPSIS.split("one . . . two")
