"""Historical dates: partial, approximate, uncertain and ranged."""

from __future__ import annotations

import datetime as dt

import pytest

from factdeck.records.dates import parse_calendar_date, parse_date


@pytest.mark.parametrize(
    ("text", "start", "end", "approx", "uncertain"),
    [
        ("1965", dt.date(1965, 1, 1), dt.date(1965, 12, 31), False, False),
        ("1965-09", dt.date(1965, 9, 1), dt.date(1965, 9, 30), False, False),
        ("1964-02", dt.date(1964, 2, 1), dt.date(1964, 2, 29), False, False),
        ("1965-12", dt.date(1965, 12, 1), dt.date(1965, 12, 31), False, False),
        ("1965-09-05", dt.date(1965, 9, 5), dt.date(1965, 9, 5), False, False),
        ("1981~", dt.date(1981, 1, 1), dt.date(1981, 12, 31), True, False),
        ("1981-06?", dt.date(1981, 6, 1), dt.date(1981, 6, 30), False, True),
        ("1986/1988", dt.date(1986, 1, 1), dt.date(1988, 12, 31), False, False),
        ("2003-04/2016-09~", dt.date(2003, 4, 1), dt.date(2016, 9, 30), True, False),
    ],
)
def test_valid_dates(text, start, end, approx, uncertain):
    parsed = parse_date(text)
    assert (parsed.start, parsed.end, parsed.approximate, parsed.uncertain) == (start, end, approx, uncertain)


@pytest.mark.parametrize("text", ["65", "1965-13", "1965-02-30", "1965-9", "1965~~", "1988/1986", "c. 1965", ""])
def test_invalid_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_calendar_dates():
    assert parse_calendar_date("2026-11-22") == dt.date(2026, 11, 22)
    for bad in ("2026-11", "2026-02-30", "22/11/2026"):
        with pytest.raises(ValueError):
            parse_calendar_date(bad)
