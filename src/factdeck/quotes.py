"""Quote verification: does a cited quote appear in the archived source text?

Archived copies and hand-typed quotes differ in ways that carry no meaning:
case, line breaks, curly versus straight quote marks, en dashes versus hyphens.
Both sides are normalized the same way before comparing, and an ellipsis in a
quote may stand for any omitted stretch of text between two parts.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that differ only typographically, mapped to one plain form.
_QUOTE_MARKS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
# Invisible characters that an archived web page may carry inside words.
_INVISIBLE = {c: None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}
_TRANSLATION = str.maketrans({**_QUOTE_MARKS, **_DASHES, **_INVISIBLE})
_SPACE = re.compile(r"\s+")
# "..." or the single ellipsis character, possibly with brackets: "[...]".
_ELLIPSIS = re.compile(r"\s*\[?(?:\.\s*\.\s*\.|\u2026)\]?\s*")


def normalize(text: str) -> str:
    """Fold case, quote marks, dashes and white space so typography never decides a match."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATION)
    return _SPACE.sub(" ", text.casefold()).strip()


def quote_parts(quote: str) -> list[str]:
    """The normalized pieces of a quote that must appear in order (split at ellipses)."""
    return [p for p in (normalize(part) for part in _ELLIPSIS.split(quote)) if p]


def quote_in_text(quote: str, normalized_text: str) -> bool:
    """True if every part of `quote` occurs in `normalized_text`, in order, without overlapping.

    `normalized_text` must already have gone through `normalize` (a source is
    normalized once, then checked against many quotes).
    """
    parts = quote_parts(quote)
    if not parts:
        return False
    position = 0
    for part in parts:
        found = normalized_text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def word_count(quote: str) -> int:
    """Words in a quote, not counting ellipses."""
    return sum(len(part.split()) for part in _ELLIPSIS.split(quote))
