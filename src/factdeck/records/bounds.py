"""Where a made-up wrong date for a fact may fall: its bounds, and why (what `factdeck options` prints).

A wrong date a student can rule out by logic alone gives the answer away: a year before the organization
existed for "when did X join it", a ceasefire dated after the war had ended. The records say when things could
have happened, and a wrong date keeps within what they say:

1. the fact's era (`eras.yaml`), widened by the era's `option_margin` years where the era allows it;
2. an editor's `not_before` / `not_after` on the fact, a date or another fact's id (that fact's date), which
   replace the era's bound on their side;
3. the other dates the fact's own question and statement give: a wrong date stays on the answer's side of each
   ("after the Shah left in January 1979" keeps a wrong month of SAVAK's end after January 1979), and within a
   date that contains the answer ("the year 1988" keeps a wrong day of 1988 in 1988);
4. never after the latest source (the latest year a source was published, else read).

Where these leave too little room for the wrong dates a question needs, the quiz asks the fact another way.

A made-up wrong number keeps within the `not_below` / `not_above` an editor gives a number fact: a number, or the
id of a fact whose answer is a number (a part never larger than its whole), see `number_bounds`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from factdeck.records.dates import Day, parse_date
from factdeck.records.schema import Era, Fact, Record
from factdeck.text.dates import MONTHS
from factdeck.text.edtf import days_in_month
from factdeck.text.numerals import number_words
from factdeck.text.patterns import LazyPattern

_MONTH_RE = "|".join(MONTHS)
# A date as fact texts write one: '20 August 1988', 'July 1988', '1988', 'the 1980s' (years 1000-2199 only: a
# bare number such as '4,000' or '159' is not a date).
DATE_IN_TEXT = LazyPattern(
    r"(?:(?P<part>early|mid|late)[- ](?=\d{4}s))?"
    rf"(?<![\w])(?<!\d[,.])(?:(?P<day>\d{{1,2}})\s+)?(?:(?P<month>{_MONTH_RE})\s+)?(?P<year>1\d{{3}}|2[01]\d{{2}})"
    rf"(?P<decade>s)?(?![\w]|[,.]\d)"
)


class Span(NamedTuple):
    """A stretch of days, first and last included, and the text it was read from."""

    start: Day
    end: Day
    text: str


def span_of(match: re.Match[str]) -> Span:
    """The days a DATE_IN_TEXT match names ('July 1988': 1-31 July 1988; 'the 1980s': 1980-1989)."""
    year = int(match["year"])
    if match["decade"]:
        first, last = {"early": (0, 3), "mid": (3, 7), "late": (7, 9)}.get(match["part"] or "", (0, 9))
        return Span(Day(year + first, 1, 1), Day(year + last, 12, 31), match.group(0))
    if match["month"]:
        month = MONTHS.index(match["month"]) + 1
        if match["day"]:
            day = min(int(match["day"]), days_in_month(year, month))
            return Span(Day(year, month, day), Day(year, month, day), match.group(0))
        return Span(Day(year, month, 1), Day(year, month, days_in_month(year, month)), match.group(0))
    return Span(Day(year, 1, 1), Day(year, 12, 31), match.group(0))


def dates_in(text: str) -> list[Span]:
    """Every date `text` writes, in order."""
    return [span_of(m) for m in DATE_IN_TEXT.finditer(text)]


def _before(day: Day) -> Day:
    if day.day > 1:
        return Day(day.year, day.month, day.day - 1)
    if day.month > 1:
        return Day(day.year, day.month - 1, days_in_month(day.year, day.month - 1))
    return Day(day.year - 1, 12, 31)


def _after(day: Day) -> Day:
    if day.day < days_in_month(day.year, day.month):
        return Day(day.year, day.month, day.day + 1)
    if day.month < 12:
        return Day(day.year, day.month + 1, 1)
    return Day(day.year + 1, 1, 1)


class DateBounds(NamedTuple):
    """The first and last day a wrong date may name, and the rule that set each side (for `factdeck options`)."""

    low: Day
    high: Day
    low_because: str
    high_because: str

    @property
    def empty(self) -> bool:
        return self.high < self.low

    def contains(self, start: Day, end: Day) -> bool:
        """Whether the stretch start-end lies wholly within the bounds."""
        return self.low <= start and end <= self.high

    def describe(self) -> str:
        return f"from {_label(self.low)} ({self.low_because}) to {_label(self.high)} ({self.high_because})"


def _label(day: Day) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _bound_span(value: str, facts: dict[str, Fact]) -> tuple[Day, Day, str] | None:
    """A `not_before`/`not_after` value as (first day, last day, how to name it); None for an unknown or undated
    fact (reported by `check_bounds`)."""
    if value in facts:
        other = facts[value]
        if not other.date:
            return None
        when = parse_date(other.date)
        return when.start, when.end, f"fact '{value}', {other.date}"
    try:
        when = parse_date(value)
    except ValueError:
        return None
    return when.start, when.end, value


def date_bounds(
    fact: Fact, era: Era, facts: dict[str, Fact], present: Day, answer: Span, keep: str | None = None
) -> DateBounds:
    """The bounds of a wrong date for `fact`, whose answer names the days `answer`; `present` is the latest
    day a source could know (rule 4). The question's and statement's other dates bound it as rule 3 says,
    except those whose text contains `keep` (a year a true/false swap changes with the answer's)."""
    margin = era.option_margin
    low, low_because = parse_date(era.start).start, f"the start of era '{era.id}'"
    if margin:
        low, low_because = Day(low.year - margin, 1, 1), f"era '{era.id}' less its option_margin"
    if era.end == "present":
        high, high_because = present, "the latest source"
    else:
        high, high_because = parse_date(era.end).end, f"the end of era '{era.id}'"
        if margin:
            high, high_because = Day(high.year + margin, 12, 31), f"era '{era.id}' plus its option_margin"
    if fact.not_before and (found := _bound_span(fact.not_before, facts)):
        low, low_because = found[0], f"not_before: {found[2]}"
    if fact.not_after and (found := _bound_span(fact.not_after, facts)):
        high, high_because = found[1], f"not_after: {found[2]}"
    if present < high:
        high, high_because = present, "the latest source"
    texts = f"{fact.question}\n{fact.statement}"
    for other in dates_in(texts):
        if (other.start, other.end) == (answer.start, answer.end) or (keep and keep in other.text):
            continue
        if answer.start > other.end and low <= other.end:  # the answer is after it: so is every wrong date
            low, low_because = _after(other.end), f"after '{other.text}', which the fact's text gives"
        elif answer.end < other.start and other.start <= high:
            high, high_because = _before(other.start), f"before '{other.text}', which the fact's text gives"
        elif other.start <= answer.start and answer.end <= other.end:  # within it
            if low < other.start:
                low, low_because = other.start, f"within '{other.text}', which the fact's text gives"
            if other.end < high:
                high, high_because = other.end, f"within '{other.text}', which the fact's text gives"
    return DateBounds(low, high, low_because, high_because)


_NUMBER = LazyPattern(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w]|[.,]\d)|\b("
    + "|".join(number_words(n) for n in range(21))
    + r")\b",
    re.IGNORECASE,
)
_WORD_VALUES = {number_words(n): n for n in range(21)}


def answer_number(text: str) -> float | None:
    """The one number an answer writes ('Nearly 12,000' -> 12000.0, 'Three' -> 3.0); None for none or several."""
    found = _NUMBER.findall(text)
    if len(found) != 1:
        return None
    digits, word = found[0]
    return float(digits.replace(",", "")) if digits else float(_WORD_VALUES[word.casefold()])


class NumberBounds(NamedTuple):
    """The least and most a made-up wrong number may be, and why (for `factdeck options`)."""

    low: float
    high: float
    low_because: str
    high_because: str

    def describe(self) -> str:
        def show(value: float, because: str) -> str:
            return f"{value:,.10g} ({because})" if because else "no bound"

        return f"from {show(self.low, self.low_because)} to {show(self.high, self.high_because)}"


def _number_bound(value: float | str, facts: dict[str, Fact]) -> tuple[float, str] | None:
    """A `not_below`/`not_above` value and how to name it; None for an unknown fact or one whose answer is not
    one number (reported by `check_bounds`)."""
    if isinstance(value, float):
        return value, f"{value:,.10g}"
    other = facts.get(value)
    number = answer_number(other.answer) if other is not None and other.kind == "number" else None
    return None if number is None else (number, f"fact '{value}', {other.answer}")  # type: ignore[union-attr]


def number_bounds(fact: Fact, facts: dict[str, Fact]) -> NumberBounds:
    """Where a made-up wrong number for `fact` may fall: within its `not_below` / `not_above` (unbounded where
    there is none), wrong numbers being whole and above zero."""
    low, low_because, high, high_because = 1.0, "", float("inf"), ""
    if fact.not_below is not None and (found := _number_bound(fact.not_below, facts)):
        low, low_because = found[0], f"not_below: {found[1]}"
    if fact.not_above is not None and (found := _number_bound(fact.not_above, facts)):
        high, high_because = found[0], f"not_above: {found[1]}"
    return NumberBounds(low, high, low_because, high_because)


def _check_number_bounds(fact: Fact, by_id: dict[str, Fact]) -> list[BoundProblem]:
    found: list[BoundProblem] = []
    keys = [k for k in ("not_below", "not_above") if getattr(fact, k) is not None]
    if keys and fact.kind != "number":
        return [
            BoundProblem(
                fact,
                f"fact '{fact.id}': {keys[0]} bounds a number fact's wrong options, and this fact is a {fact.kind}: use not_before/not_after for dates, or remove it",
            )
        ]
    values: dict[str, tuple[float, str]] = {}
    for key in keys:
        value = getattr(fact, key)
        bound = _number_bound(value, by_id)
        if bound is None:
            why = (
                f"fact '{value}' does not answer with one number (a number fact's)"
                if value in by_id
                else f"'{value}' is neither a number nor a fact id"
            )
            found.append(
                BoundProblem(
                    fact, f"fact '{fact.id}': {key} {why}: give a number (1500) or the id of a fact answered by one"
                )
            )
            continue
        values[key] = bound
    own = answer_number(fact.answer)
    below, above = values.get("not_below"), values.get("not_above")
    if below and above and above[0] < below[0]:
        found.append(
            BoundProblem(fact, f"fact '{fact.id}': not_above ({above[1]}) is less than not_below ({below[1]})")
        )
    if own is not None and below and own < below[0]:
        found.append(
            BoundProblem(
                fact,
                f"fact '{fact.id}': its own answer {fact.answer} is below its not_below ({below[1]}): correct one of them",
            )
        )
    if own is not None and above and own > above[0]:
        found.append(
            BoundProblem(
                fact,
                f"fact '{fact.id}': its own answer {fact.answer} is above its not_above ({above[1]}): correct one of them",
            )
        )
    return found


class BoundProblem(NamedTuple):
    where: Record
    message: str
    severity: str = "error"


def check_bounds(facts: list[Fact]) -> list[BoundProblem]:
    """`not_before`/`not_after` that name no fact, an undated fact, or contradict the fact's own date; and
    `not_below`/`not_above` on a fact that is not a number, naming no fact or one not answered by a number, or
    contradicting the fact's own answer."""
    from factdeck.records.fact_columns import with_bounds

    found: list[BoundProblem] = []
    # Nothing below can be found without a bound (most facts have none: no answer or date read), and the facts by
    # id are made only for a base where one has one.
    bounded = [fact for fact in with_bounds(facts) if fact.status != "retracted"]
    by_id = {f.id: f for f in facts} if bounded else {}
    for fact in bounded:
        found += _check_number_bounds(fact, by_id)
        spans: dict[str, tuple[Day, Day, str]] = {}
        for key in ("not_before", "not_after"):
            value = getattr(fact, key)
            if value is None:
                continue
            span = _bound_span(value, by_id)
            if span is None:
                why = (
                    f"fact '{value}' has no date to bound it"
                    if value in by_id
                    else f"'{value}' is neither a date nor a fact id"
                )
                found.append(
                    BoundProblem(fact, f"fact '{fact.id}': {key} {why}: give a date (1980-01) or a dated fact's id")
                )
                continue
            spans[key] = span
        own = parse_date(fact.date) if fact.date else None
        before, after = spans.get("not_before"), spans.get("not_after")
        if before and after and after[1] < before[0]:
            found.append(
                BoundProblem(fact, f"fact '{fact.id}': not_after ({after[2]}) comes before not_before ({before[2]})")
            )
        if own and before and own.end < before[0]:
            found.append(
                BoundProblem(
                    fact,
                    f"fact '{fact.id}': its own date {fact.date} is before its not_before ({before[2]}): correct one of them",
                )
            )
        if own and after and after[1] < own.start:
            found.append(
                BoundProblem(
                    fact,
                    f"fact '{fact.id}': its own date {fact.date} is after its not_after ({after[2]}): correct one of them",
                )
            )
    return found
