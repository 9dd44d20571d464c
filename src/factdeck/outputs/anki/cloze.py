"""Cloze cards: where a fact's answer occurs in its statement, and the statement split around it."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from factdeck.text.words import whole_word_spans

# A cloze needs something left to read: fewer words than this around the blank teach nothing.
MIN_CLOZE_CONTEXT_WORDS = 3


class ClozePart(NamedTuple):
    text: str
    blank: bool


# Compiled once: each fact asks for its answer's forms (which cards it gets, and its cloze card).
_NUMBER_QUALIFIER = re.compile(
    r"^(?:about|around|approximately|roughly|nearly|almost|some|over|more than|at least|up to|c\.|ca\.)\s+(?=[$£€]?\d)",
    re.IGNORECASE,
)
_BRACKETED_END = re.compile(r"\s*\([^()]*\)\s*$")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _answer_variants(answer: str) -> list[str]:
    """Forms of the answer to look for in the statement, most specific first."""
    variants = [answer.strip().rstrip(".")]
    bare = _BRACKETED_END.sub("", variants[0])  # "1965 (5 September per …)" -> "1965"
    variants.append(bare)
    for form in list(variants):
        variants.append(_ARTICLE.sub("", form))
        # "About 70" where the statement says "some 70": the number is what the learner recalls.
        variants.append(_NUMBER_QUALIFIER.sub("", form))
    return [form for form in dict.fromkeys(variants) if form]


@lru_cache(maxsize=1024)  # asked twice per fact: which cards it gets, then the cloze card itself
def cloze_parts(statement: str, answer: str) -> tuple[ClozePart, ...] | None:
    """The statement split around every occurrence of the answer, or None where no sensible cloze exists.

    The answer must occur in the statement as whole words (case-insensitive), and enough words must
    remain around the blanks to recall it from.
    """
    for form in _answer_variants(answer):
        spans = whole_word_spans(statement, form)
        if not spans:
            continue
        parts: list[ClozePart] = []
        last = 0
        for start, end in spans:
            if start > last:
                parts.append(ClozePart(statement[last:start], False))
            parts.append(ClozePart(statement[start:end], True))
            last = end
        if last < len(statement):
            parts.append(ClozePart(statement[last:], False))
        context = " ".join(p.text for p in parts if not p.blank)
        if len(_WORD.findall(context)) < MIN_CLOZE_CONTEXT_WORDS:
            return None
        return tuple(parts)
    return None
