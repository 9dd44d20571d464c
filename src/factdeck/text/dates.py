"""Fact-base dates as learners read them: '1965-09-05' -> '5 September 1965'.

One label for every output (cards, guide, worksheets, keys, web quiz, GIFT), so a
date reads the same wherever a learner meets it. The notation is the fact base's
(`factdeck.records.dates`): YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in `~`
(approximate) or `?` (uncertain), or a range A/B. It is read here without the
records layer: by the time a date is labelled it has been validated.
"""

from __future__ import annotations

import re

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?])?$")


def date_label(text: str | None) -> str:
    """A fact-base date as a learner reads it.

    '1965' -> '1965', '1965-09' -> 'September 1965', '1965-09-05' -> '5 September 1965',
    '1935~' -> 'c. 1935', '1981?' -> '1981 (uncertain)', '1980/1981-06' -> '1980–June 1981';
    None or '' -> ''. Raises ValueError for text outside the notation.
    """
    if not text:
        return ""
    if "/" in text:
        first, _, last = text.partition("/")
        return f"{date_label(first)}–{date_label(last)}"
    match = _PART.match(text.strip())
    if not match:
        raise ValueError(f"invalid date '{text}': use YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ or ?")
    year, month, day, mark = match.groups()
    words = [year]
    if month:
        words.insert(0, MONTHS[int(month) - 1])
    if day:
        words.insert(0, str(int(day)))
    label = " ".join(words)
    if mark == "~":
        return f"c. {label}"
    if mark == "?":
        return f"{label} (uncertain)"
    return label
