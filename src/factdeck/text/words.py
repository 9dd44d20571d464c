"""Whole-word search in prose: where a name, number or phrase occurs in a statement as whole words."""

from __future__ import annotations

import re


def whole_word_spans(text: str, word: str) -> list[tuple[int, int]]:
    """Where `word` occurs in `text` as whole words, ignoring case, left to right without overlaps."""
    if not (text.isascii() and word.isascii()):
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        return [match.span() for match in pattern.finditer(text)]
    # ASCII: the same answer as the pattern above, without compiling a pattern per fact (which dominated
    # making a large deck's cards). For ASCII, IGNORECASE is lower(), and \w is alphanumeric or "_".
    haystack, needle, spans, start = text.lower(), word.lower(), [], 0
    while needle:
        at = haystack.find(needle, start)
        if at < 0:
            break
        end = at + len(needle)
        if (at == 0 or not _is_word(haystack[at - 1])) and (end == len(haystack) or not _is_word(haystack[end])):
            spans.append((at, end))
            start = end
        else:
            start = at + 1
    return spans


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def in_running_text(name: str) -> str:
    """A name as it reads inside a sentence: a leading article lowercased ('The unattributed web article' ->
    'the unattributed web article', 'The NCRI, as reported by Atalayar' -> 'the NCRI, as reported by
    Atalayar'), as style guides lowercase 'the' before a name mid-sentence (Chicago 8.69, 8.170); the rest
    is kept as written."""
    first, _, rest = name.partition(" ")
    if rest and first in ("The", "A", "An"):
        return f"{first.lower()} {rest}"
    return name
