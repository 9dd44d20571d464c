"""Fact-base dates as learners read them: '1965-09-05' -> '5 September 1965'.

One label for every output (cards, guide, worksheets, keys, web quiz, GIFT), so a date reads the same
wherever a learner meets it, at the precision it is written (a day, a month, a season, a year, a decade).
The notation is EDTF (text/edtf.py); by the time a date is labelled it has been validated.
"""

from __future__ import annotations

from factdeck.i18n import Language
from factdeck.text.edtf import Moment, parse_edtf

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


def _year(year: int, language: Language) -> str:
    # EDTF numbers years astronomically: 0000 is 1 BCE, -0043 is 44 BCE.
    if year <= 0:
        return language.gettext("%(year)s BCE", year=language.year(1 - year))
    return language.year(year)


def _plain(moment: Moment, language: Language, with_year: bool = True, with_month: bool = True) -> str:
    """A date without its qualifiers; `with_year`/`with_month` False leave them out (for '16–24 July 1969')."""
    start = moment.start
    if moment.precision in ("decade", "century", "millennium"):
        first, last = moment.start.year, moment.end.year
        if first < 0:
            return _dash(language, _year(last, language), _year(first, language))
        return language.pgettext("decade", "the %(year)ss", year=language.year(first))
    year = _year(start.year, language) if with_year else ""
    if moment.precision == "season":
        return _season(moment.season, year, language)
    if moment.precision == "year":
        return year
    month = language.month(start.month) if with_month else ""
    day = language.year(start.day)
    if moment.precision == "month":
        return language.pgettext("date", "%(month)s %(year)s", month=month, year=year).strip()
    if not with_month:
        return day
    if not with_year:
        return language.pgettext("date", "%(day)s %(month)s", day=day, month=month)
    return language.pgettext("date", "%(day)s %(month)s %(year)s", day=day, month=month, year=year)


def _season(season: int, year: str, language: Language) -> str:
    # One message a season, so a language may put the year where it reads naturally.
    labels = {
        21: language.gettext("Spring %(year)s", year=year),
        22: language.gettext("Summer %(year)s", year=year),
        23: language.gettext("Autumn %(year)s", year=year),
        24: language.gettext("Winter %(year)s", year=year),
    }
    return labels[season].strip()


def _dash(language: Language, start: str, end: str) -> str:
    return language.pgettext("date range", "%(start)s–%(end)s", start=start, end=end)


def _moment_label(moment: Moment, language: Language) -> str:
    label = _plain(moment, language)
    if moment.approximate:
        label = language.gettext("c. %(date)s", date=label)
    if moment.uncertain:
        label = language.gettext("%(date)s (uncertain)", date=label)
    return label


def _range(a: Moment, b: Moment, language: Language) -> str:
    """'16–24 July 1969', 'June–August 1969', '16 July–2 August 1969', else 'A–B'."""
    if a.precision == b.precision and not (a.approximate or a.uncertain or b.approximate or b.uncertain):
        same_year = a.start.year == b.start.year
        if a.precision == "day" and same_year and a.start.month == b.start.month:
            day = language.pgettext("date", "%(day)s", day=language.year(a.start.day))
            return _dash(language, day, _plain(b, language))
        if a.precision in ("day", "month") and same_year:
            return _dash(language, _plain(a, language, with_year=False), _plain(b, language))
    return _dash(language, _moment_label(a, language), _moment_label(b, language))


def date_label(text: str | None, language: Language | None = None) -> str:
    """A fact-base date as a learner reads it, in `language` (default English, the messages as written).

    '1965' -> '1965', '1965-09' -> 'September 1965', '1965-09-05' -> '5 September 1965', '1935~' -> 'c. 1935',
    '1981?' -> '1981 (uncertain)', '1981%' -> 'c. 1981 (uncertain)', '196X' -> 'the 1960s', '-0043' -> '44 BCE',
    '2001-21' -> 'Spring 2001', '1980/1981-06' -> '1980–June 1981', '1969-07-16/1969-07-24' -> '16–24 July 1969',
    '1985/..' -> 'from 1985', '../1985' -> 'until 1985', '1985/' -> '1985–(end unknown)', '[1986,1988]' ->
    '1986 or 1988'; None or '' -> ''. In Persian '196X' is 'دههٔ ۱۹۶۰' and '1965~' 'حدود ۱۹۶۵' (month names
    from CLDR, the rest from the catalog). Raises ValueError for text outside the notation.
    """
    if not text:
        return ""
    language = language or Language.source()
    parsed = parse_edtf(text)
    if parsed.kind == "date":
        return _moment_label(parsed.parts[0], language)
    if parsed.kind == "interval":
        a, b = parsed.parts
        if a is None:
            if parsed.open_start == "..":
                return language.gettext("until %(date)s", date=_moment_label(b, language))
            return language.gettext("(start unknown)–%(date)s", date=_moment_label(b, language))
        if b is None:
            if parsed.open_end == "..":
                return language.gettext("from %(date)s", date=_moment_label(a, language))
            return language.gettext("%(date)s–(end unknown)", date=_moment_label(a, language))
        return _range(a, b, language)
    labels = [
        _moment_label(m, language) if isinstance(m, Moment) else _range(m[0], m[1], language) for m in parsed.parts
    ]
    if len(labels) == 1:
        return labels[0]
    some = language.pgettext("separator", ", ").join(labels[:-1])
    return language.pgettext("one of", "%(some)s or %(last)s", some=some, last=labels[-1])
