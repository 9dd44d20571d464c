"""Historical dates as the fact base writes them: partial, approximate, uncertain or ranges.

`1965`, `1965-09`, `1965-09-05`, each optionally followed by `~` (approximate)
or `?` (uncertain), or a range `A/B` of two such dates.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?])?$")


@dataclass(frozen=True)
class HistoricalDate:
    """A parsed date: its first and last possible day, and how sure it is."""

    text: str
    start: _dt.date
    end: _dt.date
    approximate: bool = False
    uncertain: bool = False

    @property
    def year(self) -> int:
        return self.start.year

    def sort_key(self) -> tuple[int, int, int]:
        return (self.start.year, self.start.month, self.start.day)


def _parse_part(text: str) -> tuple[_dt.date, _dt.date, bool, bool]:
    match = _PART.match(text)
    if not match:
        raise ValueError(
            f"invalid date '{text}': use YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ or ?, or a range A/B"
        )
    year, month, day, mark = match.groups()
    y = int(year)
    try:
        if day:
            start = end = _dt.date(y, int(month), int(day))
        elif month:
            m = int(month)
            start = _dt.date(y, m, 1)
            end = _dt.date(y + (m == 12), m % 12 + 1, 1) - _dt.timedelta(days=1)
        else:
            start, end = _dt.date(y, 1, 1), _dt.date(y, 12, 31)
    except ValueError:
        raise ValueError(f"invalid date '{text}': no such day") from None
    return start, end, mark == "~", mark == "?"


@lru_cache(maxsize=1 << 14)  # dates repeat across facts, cards and questions; the result is immutable
def parse_date(text: str) -> HistoricalDate:
    """Parse a fact-base date, raising ValueError with a reader-facing message."""
    text = text.strip()
    if "/" in text:
        first, _, last = text.partition("/")
        a_start, _, a_approx, a_unc = _parse_part(first.strip())
        _, b_end, b_approx, b_unc = _parse_part(last.strip())
        if b_end < a_start:
            raise ValueError(f"invalid date range '{text}': it ends before it starts")
        return HistoricalDate(text, a_start, b_end, a_approx or b_approx, a_unc or b_unc)
    start, end, approx, unc = _parse_part(text)
    return HistoricalDate(text, start, end, approx, unc)


def parse_calendar_date(text: str) -> _dt.date:
    """A full calendar day, YYYY-MM-DD (used for `vetted` and `accessed`)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"invalid date '{text}': use YYYY-MM-DD, a day that exists")
