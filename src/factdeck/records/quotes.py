"""Quote verification: does a cited quote appear in the archived source text?

Archived copies and hand-typed quotes differ in ways that carry no meaning:
case, line breaks, curly versus straight quote marks, en dashes versus hyphens.
Both sides are normalized the same way before comparing, and an ellipsis in a
quote may stand for any omitted stretch of text between two parts.
"""

from __future__ import annotations

import re
import unicodedata

from factdeck.text.patterns import LazyPattern

# Characters that differ only typographically, mapped to one plain form.
_QUOTE_MARKS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
# Invisible characters that an archived web page may carry inside words.
_INVISIBLE = {c: None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}
_TRANSLATION = str.maketrans({**_QUOTE_MARKS, **_DASHES, **_INVISIBLE})
# "..." or the single ellipsis character, possibly with brackets: "[...]".
_ELLIPSIS = LazyPattern(r"\s*\[?(?:\.\s*\.\s*\.|\u2026)\]?\s*")
# What every ellipsis holds: two dots with only white space between them, or '…'. Searched for first, since a
# pattern that starts with `\s*` is tried at every character and most quotes have no ellipsis.
_ELLIPSIS_HINT = re.compile(r"\.\s*\.|\u2026")


def quote_search_form(text: str) -> str:
    """The form a quote and an archived text are searched in: case, quote marks, dashes and white space
    folded, so typography never decides a match. Takes and returns a str; raises nothing."""
    if text.isascii():  # the common case, much faster: NFKC changes no ASCII, and only ` is translated
        text = text.replace("`", "'").lower()
    else:
        text = unicodedata.normalize("NFKC", text).translate(_TRANSLATION).casefold()
    # str.split() splits at exactly the characters \s matches, and drops them at both ends.
    return " ".join(text.split())


def split_at_ellipses(text: str) -> list[str]:
    """`text` split at each ellipsis ('...', '…', '[...]', with the white space around it): `_ELLIPSIS.split`."""
    return _ELLIPSIS.split(text) if _ELLIPSIS_HINT.search(text) else [text]


def quote_parts(quote: str) -> list[str]:
    """The normalized pieces of a quote that must appear in order (split at ellipses)."""
    return [p for p in (quote_search_form(part) for part in split_at_ellipses(quote)) if p]


def quote_in_text(quote: str, normalized_text: str) -> bool:
    """True if every part of `quote` occurs in `normalized_text`, in order, without overlapping.

    `normalized_text` must already have gone through `quote_search_form` (a source is
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


class QuoteFinder:
    """Which of many quotes occur in one normalized text, in one pass over the text.

    Searching the text once per quote costs (quotes x text length), and both grow with a fact base. Instead
    each quote is filed under an anchor: the ANCHOR characters after its first space. In the text that
    point is always the start of a word (a space precedes it there too), so one walk over the text's word
    starts finds every candidate, and a candidate is confirmed by comparing the whole quote in place. The
    answer is exactly `quote_in_text`'s; quotes the anchor cannot serve (several parts, too short) use it.
    """

    ANCHOR = 8

    def __init__(self, normalized_text: str):
        self.text = normalized_text
        self._anchored: dict[str, list[tuple[str, int, int]]] = {}  # anchor -> (part, offset, key)
        self._others: list[tuple[str, int]] = []
        self._count = 0

    def add(self, quote: str) -> int:
        """File a quote; the number returned is its key in `found()`."""
        key = self._count
        self._count += 1
        parts = quote_parts(quote)
        if len(parts) == 1:
            part = parts[0]
            offset = part.find(" ") + 1
            if offset and len(part) - offset >= self.ANCHOR:
                self._anchored.setdefault(part[offset : offset + self.ANCHOR], []).append((part, offset, key))
                return key
        self._others.append((quote, key))
        return key

    # Up to this many anchored quotes are each looked for with one `str.find` over the text (in C) rather than in
    # the walk (in Python, one step a word): a glossary's few quotes against a long archived text.
    FEW = 32

    def found(self) -> set[int]:
        """Keys of the quotes that occur in the text."""
        text, width, anchored = self.text, self.ANCHOR, self._anchored
        hits: set[int] = {key for quote, key in self._others if quote_in_text(quote, text)}
        pending = sum(len(v) for v in anchored.values())
        if pending <= self.FEW:
            # The same answer: an anchored quote is one part, and where it occurs its anchor starts a word.
            return hits | {key for filed in anchored.values() for part, _, key in filed if part in text}
        position = 0
        while pending and position >= 0:
            candidates = anchored.get(text[position : position + width])
            if candidates:
                for part, offset, key in candidates:
                    if position >= offset and key not in hits and text.startswith(part, position - offset):
                        hits.add(key)
                        pending -= 1
            position = text.find(" ", position)
            position = position + 1 if position >= 0 else -1
        return hits


def word_count(quote: str) -> int:
    """Words in a quote, not counting ellipses."""
    return sum(len(part.split()) for part in split_at_ellipses(quote))
