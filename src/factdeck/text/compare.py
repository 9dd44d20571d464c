"""Comparison form of short answers: when two answers, options or names count as the same.

Used to keep a wrong option from being a right answer in other words, and to find
where one question's text names another's answer. Not the form quotes are found
in archived texts (that is `factdeck.records.quotes.quote_search_form`, which keeps
punctuation and articles).
"""

from __future__ import annotations

import re
from functools import lru_cache

from factdeck.text.patterns import LazyPattern

# Compiled once: this runs for every fact of a deck (a pattern given as text is looked up in re's cache each call).
_PUNCTUATION = re.compile(r"[^\w\s]")
_ARTICLES = ("the", "a", "an")


@lru_cache(maxsize=4096)
def answer_comparison_form(text: str) -> str:
    """`text` as answers are compared: case-folded words without punctuation or a leading article.

    'The National Council' and 'national council.' both give 'national council'. Takes any str
    (an empty or all-punctuation text gives ''); raises nothing. Kept for the last few thousand texts: the rules
    about a fact put its question, answer, statement and options in this form one after another (at 10,000
    facts, 268,000 calls for 52,000 texts; two thirds of them repeat one of the last 4,096).
    """
    words = _PUNCTUATION.sub(" ", text.casefold()).split()
    if words and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_BRACKETED = LazyPattern(r"\(([^()]+)\)")


def core(answer: str) -> str:
    """The answer without a trailing note in brackets: '1965 (5 September per X)' -> '1965'."""
    if ")" not in answer:  # no note to take off (the search for one tries every position of the text)
        return answer.strip()
    return _TRAILING_NOTE.sub("", answer).strip()


def name_variants(name: str) -> set[str]:
    """The comparison forms a text may name something by: 'National Council of Resistance of Iran (NCRI)'
    is named by the whole, by the name before the brackets, or by the bracketed short name."""
    forms = [name, core(name), *_BRACKETED.findall(name)] if ")" in name else [name, name.strip()]
    variants = {answer_comparison_form(form) for form in forms}
    return {v for v in variants if v}


def mentions(text: str, name: str) -> bool:
    """Whether `text` (in comparison form or not) names `name` in any of its forms, as whole words."""
    padded = f" {answer_comparison_form(text)} "
    return any(f" {v} " in padded for v in name_variants(name))
