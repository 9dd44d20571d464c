"""Right-to-left runs in mixed text: Persian or Arabic words inside an English sentence.

The Unicode bidi algorithm places a run of Arabic letters correctly on its own,
but the neutral characters around it (brackets, full stops, spaces) take the
paragraph's direction and can land on the wrong side. Wrapping each run in an
element with `dir="rtl"` isolates it (HTML gives `[dir]` elements
`unicode-bidi: isolate`), so the run reads right to left and its neighbours stay put.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic Extended and the
# Hebrew/Arabic presentation forms: the scripts written right to left.
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
# A run starts and ends with a right-to-left letter; inside it, the spaces, joiners,
# digits and punctuation that Persian and Arabic text carries belong to the run.
_RTL_RUN = re.compile(rf"[{_RTL}](?:[{_RTL}\s\u200c\u200d0-9.,:;!?'\"()\-]*[{_RTL}])?")


_ANY_RTL = re.compile(f"[{_RTL}]")


def isolate_rtl(text: object) -> Markup:
    """`text` escaped for HTML, with every right-to-left run wrapped in `<span dir="rtl">`."""
    source = str(text)
    if not _ANY_RTL.search(source):
        return escape(source)
    parts: list[str] = []
    last = 0
    for run in _RTL_RUN.finditer(source):
        parts.append(escape(source[last : run.start()]))
        parts.append(Markup('<span dir="rtl">{}</span>').format(run.group()))
        last = run.end()
    parts.append(escape(source[last:]))
    return Markup("").join(parts)
