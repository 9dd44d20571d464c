"""Historical dates as the fact base writes them: EDTF levels 0 and 1, plus one-of sets (text/edtf.py).

`1965`, `1965-09`, `1965-09-05`; `1965~` approximate, `1965?` uncertain, `1965%` both; `196X`; `-0043`
(44 BCE); intervals `1986/1988`, `1985/..`; one of a set `[1986,1988]`. A date that cannot exist is an error.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from factdeck.text.edtf import Day, Edtf, parse_edtf

__all__ = ["Day", "HistoricalDate", "parse_date", "parse_calendar_date", "parse_plain_date"]


@dataclass(frozen=True)
class HistoricalDate:
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


@lru_cache(maxsize=1 << 14)  # dates repeat across facts, cards and questions; the result is immutable
def parse_date(text: str) -> HistoricalDate:
    """Parse a fact-base date, raising ValueError with a reader-facing message."""
    parsed: Edtf = parse_edtf(text)
    return HistoricalDate(
        parsed.text, parsed.start, parsed.end, parsed.approximate, parsed.uncertain, parsed.precision, parsed.kind
    )


_PLAIN = re.compile(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?")


def parse_plain_date(text: str) -> HistoricalDate:
    """A date known to its precision, YYYY[-MM[-DD]] (EDTF level 0, no interval): a publication date."""
    if not _PLAIN.fullmatch(text.strip()):
        raise ValueError(f"invalid date '{text}': use YYYY, YYYY-MM or YYYY-MM-DD")
    return parse_date(text)


def parse_calendar_date(text: str) -> _dt.date:
    """A full calendar day, YYYY-MM-DD (used for `vetted` and `accessed`)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"invalid date '{text}': use YYYY-MM-DD, a day that exists")
