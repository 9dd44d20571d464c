"""Fact-base dates as learners read them: '1965-09-05' -> '5 September 1965'.

One label for every output (cards, guide, worksheets, keys, web quiz, GIFT), so a date reads the same
wherever a learner meets it, at the precision it is written (a day, a month, a season, a year, a decade).
The notation is EDTF (text/edtf.py); by the time a date is labelled it has been validated.
"""

from __future__ import annotations

from factdeck.text.edtf import SEASONS, Moment, parse_edtf

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


def _year(year: int) -> str:
    # EDTF numbers years astronomically: 0000 is 1 BCE, -0043 is 44 BCE.
    return f"{1 - year} BCE" if year <= 0 else str(year)


def _plain(moment: Moment, with_year: bool = True, with_month: bool = True) -> str:
    """A date without its qualifiers; `with_year`/`with_month` False leave them out (for '16–24 July 1969')."""
    start = moment.start
    if moment.precision in ("decade", "century", "millennium"):
        first, last = moment.start.year, moment.end.year
        if first < 0:
            return f"{_year(last)}–{_year(first)}"
        return f"the {first}s"
    year = _year(start.year) if with_year else ""
    if moment.precision == "season":
        return f"{SEASONS[moment.season][0]} {year}".strip()
    if moment.precision == "year":
        return year
    month = MONTHS[start.month - 1] if with_month else ""
    if moment.precision == "month":
        return f"{month} {year}".strip()
    return " ".join(p for p in (str(start.day), month, year) if p)


def _moment_label(moment: Moment) -> str:
    label = _plain(moment)
    if moment.approximate:
        label = f"c. {label}"
    if moment.uncertain:
        label = f"{label} (uncertain)"
    return label


def _range(a: Moment, b: Moment) -> str:
    """'16–24 July 1969', 'June–August 1969', '16 July–2 August 1969', else 'A–B'."""
    if a.precision == b.precision and not (a.approximate or a.uncertain or b.approximate or b.uncertain):
        same_year = a.start.year == b.start.year
        if a.precision == "day" and same_year and a.start.month == b.start.month:
            return f"{a.start.day}–{_plain(b)}"
        if a.precision in ("day", "month") and same_year:
            return f"{_plain(a, with_year=False)}–{_plain(b)}"
    return f"{_moment_label(a)}–{_moment_label(b)}"


def date_label(text: str | None) -> str:
    """A fact-base date as a learner reads it.

    '1965' -> '1965', '1965-09' -> 'September 1965', '1965-09-05' -> '5 September 1965', '1935~' -> 'c. 1935',
    '1981?' -> '1981 (uncertain)', '1981%' -> 'c. 1981 (uncertain)', '196X' -> 'the 1960s', '-0043' -> '44 BCE',
    '2001-21' -> 'Spring 2001', '1980/1981-06' -> '1980–June 1981', '1969-07-16/1969-07-24' -> '16–24 July 1969',
    '1985/..' -> 'from 1985', '../1985' -> 'until 1985', '1985/' -> '1985–(end unknown)', '[1986,1988]' ->
    '1986 or 1988'; None or '' -> ''. Raises ValueError for text outside the notation.
    """
    if not text:
        return ""
    parsed = parse_edtf(text)
    if parsed.kind == "date":
        return _moment_label(parsed.parts[0])
    if parsed.kind == "interval":
        a, b = parsed.parts
        if a is None:
            return f"until {_moment_label(b)}" if parsed.open_start == ".." else f"(start unknown)–{_moment_label(b)}"
        if b is None:
            return f"from {_moment_label(a)}" if parsed.open_end == ".." else f"{_moment_label(a)}–(end unknown)"
        return _range(a, b)
    labels = [_range(*m) if isinstance(m, tuple) else _moment_label(m) for m in parsed.parts]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
