"""Historical dates in EDTF (levels 0 and 1, and one-of sets), tested against the specification's examples
(https://www.loc.gov/standards/datetime/), and their labels."""

from __future__ import annotations

import datetime as dt

import pytest

from factdeck.records.dates import Day, parse_calendar_date, parse_date, parse_plain_date
from factdeck.text.dates import date_label


@pytest.mark.parametrize(
    ("text", "start", "end", "approx", "uncertain"),
    [
        # Every form the shipped facts used before EDTF.
        ("1965", Day(1965, 1, 1), Day(1965, 12, 31), False, False),
        ("1965-09", Day(1965, 9, 1), Day(1965, 9, 30), False, False),
        ("1964-02", Day(1964, 2, 1), Day(1964, 2, 29), False, False),
        ("1965-12", Day(1965, 12, 1), Day(1965, 12, 31), False, False),
        ("1965-09-05", Day(1965, 9, 5), Day(1965, 9, 5), False, False),
        ("1981~", Day(1981, 1, 1), Day(1981, 12, 31), True, False),
        ("1981-06?", Day(1981, 6, 1), Day(1981, 6, 30), False, True),
        ("1986/1988", Day(1986, 1, 1), Day(1988, 12, 31), False, False),
        ("2003-04/2016-09~", Day(2003, 4, 1), Day(2016, 9, 30), True, False),
        # Level 0, the specification's examples.
        ("1985-04-12", Day(1985, 4, 12), Day(1985, 4, 12), False, False),
        ("1985-04", Day(1985, 4, 1), Day(1985, 4, 30), False, False),
        ("1985", Day(1985, 1, 1), Day(1985, 12, 31), False, False),
        ("1964/2008", Day(1964, 1, 1), Day(2008, 12, 31), False, False),
        ("2004-06/2006-08", Day(2004, 6, 1), Day(2006, 8, 31), False, False),
        ("2004-02-01/2005-02-08", Day(2004, 2, 1), Day(2005, 2, 8), False, False),
        ("2004-02-01/2005-02", Day(2004, 2, 1), Day(2005, 2, 28), False, False),
        ("2004-02-01/2005", Day(2004, 2, 1), Day(2005, 12, 31), False, False),
        ("2005/2006-02", Day(2005, 1, 1), Day(2006, 2, 28), False, False),
        ("0000", Day(0, 1, 1), Day(0, 12, 31), False, False),
        ("-1985", Day(-1985, 1, 1), Day(-1985, 12, 31), False, False),
        # Level 1.
        ("Y170000002", Day(170000002, 1, 1), Day(170000002, 12, 31), False, False),
        ("Y-170000002", Day(-170000002, 1, 1), Day(-170000002, 12, 31), False, False),
        ("2001-21", Day(2001, 3, 1), Day(2001, 5, 31), False, False),
        ("2001-24", Day(2001, 12, 1), Day(2002, 2, 28), False, False),
        ("1984?", Day(1984, 1, 1), Day(1984, 12, 31), False, True),
        ("2004-06~", Day(2004, 6, 1), Day(2004, 6, 30), True, False),
        ("2004-06-11%", Day(2004, 6, 11), Day(2004, 6, 11), True, True),
        ("201X", Day(2010, 1, 1), Day(2019, 12, 31), False, False),
        ("20XX", Day(2000, 1, 1), Day(2099, 12, 31), False, False),
        ("2004-XX", Day(2004, 1, 1), Day(2004, 12, 31), False, False),
        ("1985-04-XX", Day(1985, 4, 1), Day(1985, 4, 30), False, False),
        ("1985-XX-XX", Day(1985, 1, 1), Day(1985, 12, 31), False, False),
        ("1985-04-12/..", Day(1985, 4, 12), Day(1985, 4, 12), False, False),
        ("1985-04-12/", Day(1985, 4, 12), Day(1985, 4, 12), False, False),
        ("../1985-04-12", Day(1985, 4, 12), Day(1985, 4, 12), False, False),
        ("/1985-04-12", Day(1985, 4, 12), Day(1985, 4, 12), False, False),
        ("1985-04/..", Day(1985, 4, 1), Day(1985, 4, 30), False, False),
        ("2004-06~/2004-06-11%", Day(2004, 6, 1), Day(2004, 6, 11), True, True),
        ("2004?/2005~", Day(2004, 1, 1), Day(2005, 12, 31), True, True),
        ("-0043", Day(-43, 1, 1), Day(-43, 12, 31), False, False),
        # One of a set (level 2's, for dates the sources give as alternatives).
        ("[1986,1988]", Day(1986, 1, 1), Day(1988, 12, 31), False, False),
        ("[1667,1668,1670..1672]", Day(1667, 1, 1), Day(1672, 12, 31), False, False),
        ("[1760-01,1760-02,1760-12]", Day(1760, 1, 1), Day(1760, 12, 31), False, False),
    ],
)
def test_valid_dates(text, start, end, approx, uncertain):
    parsed = parse_date(text)
    assert (parsed.start, parsed.end, parsed.approximate, parsed.uncertain) == (start, end, approx, uncertain)


@pytest.mark.parametrize(
    "text",
    [
        "65",
        "1965-13",
        "1965-02-30",
        "1965-02-29",  # not a leap year
        "1900-02-29",  # a century, not a leap year
        "1965-9",
        "1965~~",
        "1988/1986",
        "c. 1965",
        "",
        "-0000",
        "2001-25",
        "2001-21-01",
        "1X85",
        "XXXX",
        "201X-05",
        "1985-X4",
        "1985-XX-12",
        "../..",
        "1985/1986/1987",
        "[]",
        "[1988..1986]",
        "Y1985",  # a Y year has five or more digits
        "1985-04-12T10:00",
    ],
)
def test_invalid_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_leap_days_exist_only_in_leap_years():
    assert parse_date("2000-02-29").start == Day(2000, 2, 29)
    assert parse_date("1964-02-29").start == Day(1964, 2, 29)


def test_precision_is_the_finest_written():
    assert parse_date("1969-07-16/1969-07-24").precision == "day"
    assert parse_date("196X").precision == "decade"
    assert parse_date("1965-09").precision == "month"
    assert parse_date("2001-22").precision == "season"


def test_a_publication_date_is_plain():
    assert parse_plain_date("2001-05").start == Day(2001, 5, 1)
    for bad in ("2001~", "2001/2002", "196X"):
        with pytest.raises(ValueError):
            parse_plain_date(bad)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("1965", "1965"),
        ("1965-09", "September 1965"),
        ("1965-09-05", "5 September 1965"),
        ("1935~", "c. 1935"),
        ("1981?", "1981 (uncertain)"),
        ("1981%", "c. 1981 (uncertain)"),
        ("196X", "the 1960s"),
        ("19XX", "the 1900s"),
        ("-0043", "44 BCE"),
        ("0000", "1 BCE"),
        ("0800", "800"),
        ("2001-21", "Spring 2001"),
        ("1985-04-XX", "April 1985"),
        ("1980/1981-06", "1980–June 1981"),
        ("1969-07-16/1969-07-24", "16–24 July 1969"),
        ("1969-07-16/1969-08-02", "16 July–2 August 1969"),
        ("1969-06/1969-08", "June–August 1969"),
        ("1986/1988", "1986–1988"),
        ("1985/..", "from 1985"),
        ("../1985", "until 1985"),
        ("1985/", "1985–(end unknown)"),
        ("[1986,1988]", "1986 or 1988"),
        ("[1667,1668,1670..1672]", "1667, 1668 or 1670–1672"),
        (None, ""),
    ],
)
def test_labels_read_at_the_dates_precision(text, label):
    assert date_label(text) == label


def test_a_year_typed_as_a_number_becomes_edtf(project):
    base = project.read("facts/guild.yaml")
    project.write("facts/guild.yaml", base.replace('date: "1901"', "date: 801", 1))
    assert "date 0801 is outside era" in project.run("check").stderr
    project.write("facts/guild.yaml", base.replace('date: "1901"', "date: '[1901, 1902]'", 1))
    result = project.run("check")
    assert "invalid date" not in result.stderr and "must be text" not in result.stderr


def test_a_date_written_as_a_yaml_list_is_refused_with_the_quoted_set_to_write(project):
    """`[1887, 3]` unquoted is a YAML list whose 3 would become the year 0003: refused, not guessed."""
    project.replace("facts/guild.yaml", 'date: "1901"', "date: [1901, 3]")
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "facts/guild.yaml:4: fact 'guild-founded': date: a date must be a string or a year number, not a list: "
        "write the EDTF set as a quoted string, e.g. '[1887, 1888]'\n1 error, 0 warnings\n"
    )
    project.replace("facts/guild.yaml", "date: [1901, 3]", "date: '1801'")
    assert "fact 'guild-founded': date 1801 is outside era 'founding'" in project.run("check").stderr


def test_calendar_dates():
    assert parse_calendar_date("2026-11-22") == dt.date(2026, 11, 22)
    for bad in ("2026-11", "2026-02-30", "22/11/2026"):
        with pytest.raises(ValueError):
            parse_calendar_date(bad)
