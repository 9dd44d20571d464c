"""Right-to-left runs in mixed text: Persian or Arabic words inside an English sentence, and the reverse.

The Unicode bidi algorithm places a run of Arabic letters correctly on its own,
but the neutral characters around it (brackets, full stops, spaces) take the
paragraph's direction and can land on the wrong side. Wrapping each run in an
element with `dir="rtl"` isolates it (HTML gives `[dir]` elements
`unicode-bidi: isolate`), so the run reads right to left and its neighbours stay put.

A text is English with Persian runs, or Persian with Latin runs (`text_direction`): a Persian sentence
keeps its own punctuation on its left end, its Latin words (an acronym, a name) isolated left to right.
The web quiz applies the same rule in its script, from the patterns `BIDI_PATTERNS` gives it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from factdeck.text.patterns import LazyPatterns

# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic Extended and the
# Hebrew/Arabic presentation forms: the scripts written right to left.
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
# Letters of the left-to-right scripts a fact base mixes with Persian: Latin, Greek, Cyrillic.
_LTR = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1e00-\u1eff"
_SOURCES = {
    "rtl": f"[{_RTL}]",
    "ltr": f"[{_LTR}]",
    # A run starts and ends with a right-to-left letter; inside it, the spaces, joiners,
    # digits and punctuation that Persian and Arabic text carries belong to the run.
    "rtlRun": rf"[{_RTL}](?:[{_RTL}\s\u200c\u200d0-9.,:;!?'\"()\-]*[{_RTL}])?",
    "ltrRun": rf"[{_LTR}](?:[{_LTR}\s0-9.,:;!?'\"()\-]*[{_LTR}0-9])?",
    "strong": f"[{_RTL}{_LTR}]",  # a letter of either direction
}
# Compiled where first used (`_PATTERNS`): a check imports this module (for the cards' `BIDI_PATTERNS["rtl"]`) and
# uses none of them, and compiling the five was nearly all of its import (2.5 ms).
_PATTERNS = LazyPatterns(_SOURCES)


# The same patterns for the web quiz's script. JavaScript reads them with the "u" flag, which refuses
# escaping a character that needs none (the quote).
BIDI_PATTERNS = {name: _SOURCES[name].replace('\\"', '"') for name in ("rtl", "ltr", "rtlRun", "ltrRun")}


def text_direction(text: str) -> str:
    """ "rtl" for a right-to-left text (its first letter right to left, and no fewer right-to-left letters than
    left-to-right ones), else "ltr": "کریم جعفری succeeded Ada Ferrier" is English with a Persian name."""
    first = _PATTERNS["strong"].search(text)
    if first is None or not _PATTERNS["rtl"].match(first.group()):
        return "ltr"
    return "rtl" if len(_PATTERNS["rtl"].findall(text)) >= len(_PATTERNS["ltr"].findall(text)) else "ltr"


def reads_ltr(text: str) -> bool:
    """True for a text with left-to-right letters that reads left to right (`text_direction`): an English
    sentence, or a name in Latin letters; False for a Persian sentence, a bare number or punctuation."""
    return _PATTERNS["ltr"].search(text) is not None and text_direction(text) == "ltr"


def other_direction_runs(text: str) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each with whether it is a run in the other direction than the text's own
    (`text_direction`): in an English text its right-to-left runs, in a Persian text its left-to-right runs
    (a Latin name, an acronym, a locator in English). The pieces joined are `text`."""
    rtl = text_direction(text) == "rtl"
    if not rtl and not _PATTERNS["rtl"].search(text):
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    last = 0
    for run in _PATTERNS["ltrRun" if rtl else "rtlRun"].finditer(text):
        if run.start() > last:
            pieces.append((text[last : run.start()], False))
        pieces.append((run.group(), True))
        last = run.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def isolate_rtl(text: object) -> Markup:
    """`text` escaped for HTML, with every right-to-left run wrapped in `<span dir="rtl">`; in a right-to-left
    text (`text_direction`), every left-to-right run wrapped in `<span dir="ltr">` instead."""
    source = str(text)
    if not _PATTERNS["rtl"].search(source):
        return escape(source)
    wrap = '<span dir="ltr">{}</span>' if text_direction(source) == "rtl" else '<span dir="rtl">{}</span>'
    return Markup("").join(
        Markup(wrap).format(piece) if other else escape(piece) for piece, other in other_direction_runs(source)
    )
