"""Wrong dates within a fact's bounds (records/bounds.py): years, and months for an answer given to the month.

An answer given as a month ('July 1988') or a day ('20 August 1988') is varied by month and year, keeping the
day, so that a fact in a short era still gets wrong options the era allows ('March 1988', not 'July 1993');
an answer given as a year is varied by year. Every wrong date lies wholly within the bounds.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable

from factdeck.records.bounds import DateBounds, Span
from factdeck.text.dates import MONTHS
from factdeck.text.edtf import Day, days_in_month

MONTH_GAP = 2  # months between a wrong month and the answer or another wrong month: next door is a quibble
MONTH_WINDOWS = (8, 14, 24, 36)  # months either side of the answer, tried nearest first


def choose_spread(
    below: list[int], above: list[int], count: int, gap: int, answer: int, rng: random.Random, ratio: float = 0.0
) -> list[int] | None:
    """`count` values from both sides of the answer, pairwise and from the answer at least `gap` (and `ratio`
    of the larger) apart."""
    want_below = rng.randint(1, count - 1) if count > 1 else rng.randint(0, 1)
    if not below:
        want_below = 0
    elif not above:
        want_below = count
    pools = [rng.sample(below, len(below)), rng.sample(above, len(above))]
    chosen: list[int] = []

    def fits(v: int) -> bool:
        return all(abs(v - c) >= max(gap, 1) and abs(v - c) >= ratio * max(v, c) for c in [*chosen, answer])

    for side, want in ((0, want_below), (1, count - want_below)):
        for v in pools[side]:
            if sum(1 for c in chosen if (c < answer) == (side == 0)) >= want:
                break
            if fits(v):
                chosen.append(v)
    for v in pools[0] + pools[1]:
        if len(chosen) >= count:
            break
        if v not in chosen and fits(v):
            chosen.append(v)
    return sorted(chosen) if len(chosen) == count else None


def years_within(
    year: int, bounds: DateBounds, usable: Callable[[int], bool], count: int, gap: int, rng: random.Random
) -> list[int] | None:
    """`count` wrong years wholly within `bounds` that `usable` allows, nearest the answer first."""
    low = bounds.low.year if (bounds.low.month, bounds.low.day) == (1, 1) else bounds.low.year + 1
    high = bounds.high.year if (bounds.high.month, bounds.high.day) == (12, 31) else bounds.high.year - 1
    for step in (gap, 1) if gap > 1 else (gap,):
        for window in (6, 12, 20, 30):
            below = [y for y in range(max(low, year - window), year - step + 1) if usable(y)]
            above = [y for y in range(year + step, min(high, year + window) + 1) if usable(y)]
            chosen = choose_spread(below, above, count, step, year, rng)
            if chosen is not None:
                return chosen
    return None


def months_within(
    answer: Span, day: int | None, bounds: DateBounds, usable: Callable[[str], bool], count: int, rng: random.Random
) -> list[str] | None:
    """`count` wrong months ('March 1988'), or days of other months ('20 March 1988') when `day` is given,
    wholly within `bounds` and allowed by `usable` (their text)."""
    here = answer.start.year * 12 + answer.start.month - 1

    def text(index: int) -> str | None:
        year, month = divmod(index, 12)
        if day is None:
            first, last = Day(year, month + 1, 1), Day(year, month + 1, days_in_month(year, month + 1))
            label = f"{MONTHS[month]} {year}"
        else:
            if day > days_in_month(year, month + 1):
                return None
            first = last = Day(year, month + 1, day)
            label = f"{day} {MONTHS[month]} {year}"
        return label if bounds.contains(first, last) and usable(label) else None

    for window in MONTH_WINDOWS:
        below = [i for i in range(here - window, here - MONTH_GAP + 1) if text(i)]
        above = [i for i in range(here + MONTH_GAP, here + window + 1) if text(i)]
        chosen = choose_spread(below, above, count, MONTH_GAP, here, rng)
        if chosen is not None:
            return [t for i in chosen if (t := text(i))]
    return None


DAY_GAP = 6  # days between a wrong day and the answer or another wrong day of the same month


def days_within(
    answer: Span, bounds: DateBounds, usable: Callable[[str], bool], count: int, rng: random.Random
) -> list[str] | None:
    """`count` wrong days for an answer given to the day: the same day of other months and other days of the
    answer's month (DAY_GAP apart), wholly within `bounds` and allowed by `usable` (their text)."""
    day = answer.start
    if day.year < 1:
        return None
    here = _dt.date(day.year, day.month, day.day).toordinal()

    def label(d: _dt.date) -> str | None:
        text = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        as_day = Day(d.year, d.month, d.day)
        return text if bounds.contains(as_day, as_day) and usable(text) else None

    for window in MONTH_WINDOWS:
        candidates: dict[int, str] = {}
        for offset in range(-window * 31, window * 31 + 1):
            d = _dt.date.fromordinal(here + offset)
            same_month = (d.year, d.month) == (day.year, day.month)
            if (d.day == day.day or same_month) and offset and (text := label(d)):
                candidates[d.toordinal()] = text
        below = [o for o in candidates if o < here]
        above = [o for o in candidates if o > here]
        chosen = choose_spread(below, above, count, DAY_GAP, here, rng)
        if chosen is not None:
            return [candidates[o] for o in chosen]
    return None
