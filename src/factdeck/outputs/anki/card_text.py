"""Fact text as card HTML: escaped, right-to-left runs isolated, inert to Anki's own syntax (cards.py's `text`
filter, which builtin_fields.py and the card templates apply to every fact text)."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup

from factdeck.text.bidi import BIDI_PATTERNS, isolate_rtl, reads_ltr

_INERT = str.maketrans(
    {
        "{": "&#123;",
        "}": "&#125;",  # cloze markers and Anki field syntax
        "[": "&#91;",
        "]": "&#93;",  # [sound:…], [latex], [$]
        "\\": "\\\u2060",  # MathJax \( \) and \[ \]: a word joiner breaks the delimiter invisibly
    }
)


def anki_text(value: object) -> Markup:
    """Fact text as card HTML: escaped, right-to-left runs isolated, inert to Anki's own syntax."""
    return _anki_text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=4096)
def _anki_text(text: str) -> Markup:
    # Cached: a source's title and perspective appear beside every citation of it, on every card. Small:
    # the texts that repeat stay, a fact's own texts pass through without holding memory.
    if _ANY_RTL.search(text) is None:  # escaped and made inert in one pass: no escape makes a character _INERT changes
        return Markup(text.translate(_ESCAPED_INERT))
    return Markup(str(isolate_rtl(text)).translate(_INERT))


# markupsafe's `escape` (&, <, >, ", ') and _INERT in one table, for a text with no right-to-left letter (which
# isolate_rtl would wrap). tests/test_cards.py holds the one pass to escaping then translating.
_ANY_RTL = re.compile(BIDI_PATTERNS["rtl"])
_ESCAPED_INERT = {**_INERT, **str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})}


def anki_text_rtl(value: object) -> Markup:
    """`anki_text` for a right-to-left deck: a left-to-right text (an English name or title, a fact not yet
    translated) wrapped whole in `<span dir="ltr">`, which HTML isolates, so its closing full stop or bracket
    stays at its own end inside a Persian sentence or block."""
    text = value if isinstance(value, str) else str(value)
    if reads_ltr(text):
        return Markup('<span dir="ltr">%s</span>') % _anki_text(text)
    return _anki_text(text)
