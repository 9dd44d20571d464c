"""Dates in EDTF, the Library of Congress's Extended Date/Time Format (https://www.loc.gov/standards/datetime/),
levels 0 and 1, plus level 2's one-of sets: the notation of every date in a fact base.

Level 0: `1985`, `1985-04`, `1985-04-12`, intervals `1964/2008`. Level 1: qualifiers after a date (`?`
uncertain, `~` approximate, `%` both), unspecified digits (`201X`, `20XX`, `2004-XX`, `1985-04-XX`,
`1985-XX-XX`), years beyond four digits (`Y170000002`, `Y-170000002`), seasons (`2001-21` spring … `-24`
winter), open and unknown interval ends (`1985-04-12/..`, `../1985`, `1985/`, `/1985`), negative years
(`-0043`: EDTF counts years astronomically, so 0000 is 1 BCE and -0043 is 44 BCE). One of a set:
`[1667,1668,1670..1672]`. Dates are proleptic Gregorian; a day that does not exist (1965-02-29) is an error.

Parsed here, in the text layer, so that every layer reads dates the same way (records/dates.py validates
with it, text/dates.py labels with it). The `edtf` package was measured at about 8 ms a parse and accepts
1965-02-29; this parser is small and strict.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

FORMS = (
    "use an EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ (approximate), ? (uncertain) or % "
    "(both); 196X for an unknown digit; -0043 for 44 BCE; A/B for an interval (.. for an open end); "
    "[A,B] for one of several"
)


class Day(NamedTuple):
    """A proleptic Gregorian day; `year` may be zero or negative (astronomical numbering)."""

    year: int
    month: int
    day: int

    @property
    def day_of_year(self) -> int:
        """1 for 1 January … 365 or 366 for 31 December."""
        return sum(days_in_month(self.year, m) for m in range(1, self.month)) + self.day

    def timetuple(self) -> _DayOfYear:
        """As `datetime.date.timetuple()` gives it, its `tm_yday` only (for code written against dates)."""
        return _DayOfYear(self.day_of_year)


class _DayOfYear(NamedTuple):
    tm_yday: int


class Moment(NamedTuple):
    """One EDTF date (not an interval or set): its first and last possible day, the precision it is written
    at, and its qualifiers. `precision`: 'day', 'month', 'season', 'year', 'decade', 'century' or
    'millennium'; `unknown_month`/`unknown_day` mark 2004-XX and 1985-04-XX."""

    start: Day
    end: Day
    precision: str
    approximate: bool = False
    uncertain: bool = False
    season: int = 0
    unknown_month: bool = False
    unknown_day: bool = False


class Edtf(NamedTuple):
    """A parsed EDTF value: `kind` is 'date', 'interval' or 'set'; `parts` its dates (one; two for an
    interval, either None when open ('..') or unknown (''); the members of a set, each a Moment or a
    (Moment, Moment) range). `start` and `end` bound every day it may mean (an open or unknown end is bounded
    by the known one)."""

    text: str
    kind: str
    start: Day
    end: Day
    parts: tuple
    approximate: bool
    uncertain: bool
    open_start: str = ""  # '..' (open) or '' (unknown) when the interval has no start, else 'no'
    open_end: str = ""

    @property
    def precision(self) -> str:
        """The finest precision of its dates."""
        order = ("day", "month", "season", "year", "decade", "century", "millennium")
        found = [m.precision for m in _moments(self.parts)]
        return min(found, key=order.index) if found else "year"


def _moments(parts: tuple) -> list[Moment]:
    out: list[Moment] = []
    for part in parts:
        if isinstance(part, Moment):  # a Moment is a named tuple: asked first
            out.append(part)
        elif isinstance(part, tuple):
            out.extend(m for m in part if isinstance(m, Moment))
    return out


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


_DATE = re.compile(
    r"^(?:Y(?P<long>-?[1-9]\d{4,})"  # a year of five or more digits (level 1)
    r"|(?P<year>-?[0-9X]{4})(?:-(?P<month>[0-9X]{2})(?:-(?P<day>[0-9X]{2}))?)?)"
    r"(?P<mark>[?~%])?$"
)
# Seasons (level 1): northern-hemisphere months.
SEASONS = {21: ("Spring", 3, 5), 22: ("Summer", 6, 8), 23: ("Autumn", 9, 11), 24: ("Winter", 12, 14)}


def _fail(text: str, why: str = "") -> ValueError:
    return ValueError(f"invalid date '{text}': {why or FORMS}")


def parse_moment(text: str) -> Moment:
    """One EDTF date (no interval, no set); ValueError with a reader-facing message otherwise."""
    match = _DATE.match(text)
    if not match:
        raise _fail(text)
    mark = match["mark"] or ""
    approx, unsure = mark in ("~", "%"), mark in ("?", "%")
    if match["long"]:
        y = int(match["long"])
        return Moment(Day(y, 1, 1), Day(y, 12, 31), "year", approx, unsure)
    year, month, day = match["year"], match["month"], match["day"]
    negative = year.startswith("-")
    digits = year.lstrip("-")
    if "X" in digits:
        known = digits.rstrip("X")
        if "X" in known or len(known) == 0 or month is not None:
            raise _fail(text, "only the last digits of a year may be X (196X, 19XX), with no month or day")
        width = 10 ** (4 - len(known))
        base = int(known) * width
        low, high = (-(base + width - 1), -base) if negative else (base, base + width - 1)
        precision = {10: "decade", 100: "century", 1000: "millennium"}[width]
        return Moment(Day(low, 1, 1), Day(high, 12, 31), precision, approx, unsure)
    y = int(year)
    if year == "-0000":
        raise _fail(text, "-0000 is not a year: write 0000 (1 BCE)")
    if month is None:
        return Moment(Day(y, 1, 1), Day(y, 12, 31), "year", approx, unsure)
    if month == "XX":
        if day not in (None, "XX"):
            raise _fail(text, "a day cannot be known when its month is not (write YYYY-XX-XX)")
        return Moment(Day(y, 1, 1), Day(y, 12, 31), "year", approx, unsure, unknown_month=True, unknown_day=True)
    if "X" in month:
        raise _fail(text, "a month is either known or XX")
    m = int(month)
    if m in SEASONS:
        if day is not None:
            raise _fail(text, "a season has no day")
        _, first, last = SEASONS[m]
        end_year, end_month = (y + 1, last - 12) if last > 12 else (y, last)
        return Moment(
            Day(y, first, 1), Day(end_year, end_month, days_in_month(end_year, end_month)), "season", approx, unsure, m
        )
    if not 1 <= m <= 12:
        raise _fail(text, "no such month (01–12, or 21–24 for a season)")
    if day is None:
        return Moment(Day(y, m, 1), Day(y, m, days_in_month(y, m)), "month", approx, unsure)
    if day == "XX":
        return Moment(Day(y, m, 1), Day(y, m, days_in_month(y, m)), "month", approx, unsure, unknown_day=True)
    if "X" in day:
        raise _fail(text, "a day is either known or XX")
    d = int(day)
    if not 1 <= d <= days_in_month(y, m):
        raise _fail(text, "no such day")
    return Moment(Day(y, m, d), Day(y, m, d), "day", approx, unsure)


@lru_cache(maxsize=1 << 14)  # dates repeat across facts, cards and questions; the result is immutable
def parse_edtf(text: str) -> Edtf:
    """Parse an EDTF value (see the module's docstring); raises ValueError with a reader-facing message.
    White space around the whole value and around '/' is ignored."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return _parse_set(text)
    if "/" in text:
        first, _, last = (p.strip() for p in text.partition("/"))
        if "/" in last:
            raise _fail(text, "an interval has one '/'")
        a = None if first in ("..", "") else parse_moment(first)
        b = None if last in ("..", "") else parse_moment(last)
        if a is None and b is None:
            raise _fail(text, "an interval needs at least one of its ends")
        if a is not None and b is not None and b.end < a.start:
            raise ValueError(f"invalid date range '{text}': it ends before it starts")
        start = a.start if a else b.start  # type: ignore[union-attr]  # one of them is set
        end = b.end if b else a.end  # type: ignore[union-attr]
        known = [m for m in (a, b) if m]
        return Edtf(
            text,
            "interval",
            start,
            end,
            (a, b),
            any(m.approximate for m in known),
            any(m.uncertain for m in known),
            "no" if a else first,
            "no" if b else last,
        )
    moment = parse_moment(text)
    return Edtf(text, "date", moment.start, moment.end, (moment,), moment.approximate, moment.uncertain, "no", "no")


def _parse_set(text: str) -> Edtf:
    inner = text[1:-1].strip()
    if not inner:
        raise _fail(text, "a set needs at least one date")
    members: list = []
    for item in (i.strip() for i in inner.split(",")):
        if ".." in item and not item.startswith("..") and not item.endswith(".."):
            first, _, last = item.partition("..")
            a, b = parse_moment(first.strip()), parse_moment(last.strip())
            if b.end < a.start:
                raise ValueError(f"invalid date range '{item}' in '{text}': it ends before it starts")
            members.append((a, b))
        else:
            if ".." in item:
                raise _fail(text, "an open range in a set is not supported: name its dates")
            members.append(parse_moment(item))
    moments = _moments(tuple(members))
    return Edtf(
        text,
        "set",
        min(m.start for m in moments),
        max(m.end for m in moments),
        tuple(members),
        any(m.approximate for m in moments),
        any(m.uncertain for m in moments),
        "no",
        "no",
    )
