"""Historical dates as the fact base writes them: EDTF levels 0 and 1, plus one-of sets (text/edtf.py).

`1965`, `1965-09`, `1965-09-05`; `1965~` approximate, `1965?` uncertain, `1965%` both; `196X`; `-0043`
(44 BCE); intervals `1986/1988`, `1985/..`; one of a set `[1986,1988]`. A date that cannot exist is an error.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import NamedTuple

from factdeck.text.edtf import Day, Edtf, parse_edtf
from factdeck.text.patterns import LazyPattern

__all__ = ["Day", "HistoricalDate", "parse_date", "parse_calendar_date", "parse_plain_date", "latest_today"]

# The time zone where a day begins first, UTC+14 (the Line Islands). See `latest_today`.
_EARLIEST_ZONE = _dt.timezone(_dt.timedelta(hours=14))


def latest_today(now: _dt.datetime | None = None) -> _dt.date:
    """The latest date it is anywhere on Earth at `now` (default: this moment): today in UTC+14.

    A day recorded as "today" (`vetted`, `accessed`) is in the future only if it is after this date. The
    editor's machine writes its own local date, which is never later, so a fact vetted just after midnight in
    Tehran is not "in the future" on a machine in California, and the answer does not depend on the time zone
    of the machine that checks (README, "Dates of today").
    """
    moment = now if now is not None else _dt.datetime.now(_dt.UTC)
    return moment.astimezone(_EARLIEST_ZONE).date()


class HistoricalDate(NamedTuple):
    """A parsed date: its first and last possible day (`Day`, comparable; years may be zero or negative), how
    sure it is, and the precision it is written at ('day', 'month', 'season', 'year', 'decade', …)."""

    text: str
    start: Day
    end: Day
    approximate: bool = False
    uncertain: bool = False
    precision: str = "year"
    kind: str = "date"  # 'date', 'interval' or 'set'

    @property
    def year(self) -> int:
        return self.start.year

    def sort_key(self) -> tuple[int, int, int]:
        return (self.start.year, self.start.month, self.start.day)


# A day written as on a form, 10/27/1962 or 27.10.1962: US order (month first) or most other countries' (day
# first). Read as EDTF it would be an interval with two '/', which says nothing useful.
_DAY_MONTH_YEAR = re.compile(r"\s*(\d{1,2})([/.])(\d{1,2})\2(\d{4})\s*")


def _form_style(text: str) -> str | None:
    """The message for a day written as 10/27/1962 or 27.10.1962, or None if `text` is not one."""
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match is None:
        return None
    a, b, year = int(match.group(1)), int(match.group(3)), match.group(4)
    readings = []
    for month, day, order in ((a, b, "month first, as in the US"), (b, a, "day first")):
        try:
            readings.append((_dt.date(int(year), month, day).isoformat(), order))
        except ValueError:
            continue
    if not readings:
        return f"invalid date '{text}': write dates as YYYY-MM-DD (no such day either way it is read)"
    if len(readings) == 1 or readings[0][0] == readings[1][0]:
        return f"invalid date '{text}': write dates as YYYY-MM-DD: {readings[0][0]}"
    return (
        f"invalid date '{text}': write dates as YYYY-MM-DD: {readings[0][0]} if it is written "
        f"{readings[0][1]}, {readings[1][0]} if {readings[1][1]}"
    )


@lru_cache(maxsize=1 << 14)  # dates repeat across facts, cards and questions; the result is immutable
def parse_date(text: str) -> HistoricalDate:
    """Parse a fact-base date, raising ValueError with a reader-facing message."""
    said = _form_style(text)
    if said is not None:
        raise ValueError(said)
    parsed: Edtf = parse_edtf(text)
    return HistoricalDate(
        parsed.text, parsed.start, parsed.end, parsed.approximate, parsed.uncertain, parsed.precision, parsed.kind
    )


_PLAIN = LazyPattern(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?")


def parse_plain_date(text: str) -> HistoricalDate:
    """A date known to its precision, YYYY[-MM[-DD]] (EDTF level 0, no interval): a publication date."""
    if not _PLAIN.fullmatch(text.strip()):
        raise ValueError(_form_style(text) or f"invalid date '{text}': use YYYY, YYYY-MM or YYYY-MM-DD")
    return parse_date(text)


def parse_calendar_date(text: str) -> _dt.date:
    """A full calendar day, YYYY-MM-DD (used for `vetted` and `accessed`)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(_form_style(text) or f"invalid date '{text}': use YYYY-MM-DD, a day that exists")
