"""An option's text read back as a value to order by: a day, a month, a year or a number (for `factdeck options`
and the tests that measure where the answer falls among its options)."""

from __future__ import annotations

import re

from factdeck.text.dates import MONTHS

_DATE = re.compile(rf"^(?:(?:(?P<day>\d{{1,2}}) )?(?P<month>{'|'.join(MONTHS)}) )?(?P<year>\d{{4}})$")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]  # fmt: skip


def order_key(text: str) -> tuple[float, int, int] | None:
    """(year or number, month, day) for '20 August 1988', 'July 1988', '1988', 'About 1,200' or 'Three a day';
    None for a text that is none of these."""
    text = text.strip()
    date = _DATE.match(text)
    if date:
        month = MONTHS.index(date["month"]) + 1 if date["month"] else 0
        return (float(date["year"]), month, int(date["day"] or 0))
    number = _NUMBER.search(text)
    if number:
        return (float(number.group(0).replace(",", "")), 0, 0)
    words = [w for w in re.findall(r"[a-z]+", text.casefold()) if w in _WORDS]
    return (float(_WORDS.index(words[0])), 0, 0) if len(words) == 1 else None
