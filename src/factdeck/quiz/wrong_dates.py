"""Wrong dates within a fact's bounds (records/bounds.py): years, months and days, chosen as a set (option_sets.py).

An answer given as a year is varied by year; one given as a month ('July 1988') by month, and one given as a day
('20 August 1988') by day, so that a fact in a short era still gets wrong options the era allows ('March 1988',
not 'July 1993'). Every wrong date lies wholly within the bounds, and the set keeps the answer's rank uniform and
its parts unshared (option_sets.py): wrong days either all fall in the answer's month or each changes both the
day and the month; wrong months either all fall in the answer's year or each changes both the month and the year
(or any mix no part of which singles the answer out).
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable

from factdeck.quiz.option_sets import Candidate, balanced, choose_set, ranks_to_try, skip_sample
from factdeck.records.bounds import DateBounds, Span
from factdeck.text.dates import MONTHS
from factdeck.text.edtf import Day, days_in_month

MONTH_GAP = 2  # months between a wrong month and the answer: next door is a quibble
MONTH_WINDOWS = (8, 14, 24, 36)  # months either side of the answer, tried nearest first
YEAR_WINDOWS = (6, 12, 20, 30)  # years either side of the answer, tried nearest first
DAY_GAP = 6  # days between a wrong day and the answer or another wrong day


def years_within(
    year: int, bounds: DateBounds, usable: Callable[[int], bool], count: int, gap: int, rng: random.Random
) -> list[int] | None:
    """`count` wrong years wholly within `bounds` that `usable` allows, at least `gap` from the answer and each
    other (1 where the bounds leave no room), nearest the answer first; the answer's rank among them uniform."""
    low = bounds.low.year if (bounds.low.month, bounds.low.day) == (1, 1) else bounds.low.year + 1
    high = bounds.high.year if (bounds.high.month, bounds.high.day) == (12, 31) else bounds.high.year - 1
    answer = Candidate(year, (year,), str(year))
    ranks = ranks_to_try(count, rng)
    # The same for every rank tried (choose_set only reads it): each window's years, how many of them below and
    # above the answer a set can hold at most, and its pool of candidates, made only where a rank is tried in it.
    windows: dict[tuple[int, int], tuple[range, int, int]] = {}
    pools: dict[tuple[int, int], list[Candidate]] = {}
    allowed: dict[int, bool] = {}  # `usable` of each year, asked once
    for step in (gap, 1) if gap > 1 else (gap,):  # next-door years only where no rank leaves room otherwise
        for below in ranks:
            for window in YEAR_WINDOWS:
                known = windows.get((step, window))
                if known is None:
                    years = range(max(low, year - window), min(high, year + window) + 1)
                    known = windows[step, window] = (years, *_room(year, years, step, usable, allowed))
                years, room_below, room_above = known
                if below > room_below or count - below > room_above:
                    # No set of this rank lies in the window (most tries at 10,000 facts: the bounds or the banned
                    # years leave too few), so choose_set's search would fail: only its shuffle of the pool (the
                    # window's years `step` or more from the answer) is drawn, so that every later draw is the same.
                    skip_sample(rng, _pool_size(year, years, step))
                    continue
                pool = pools.get((step, window))
                if pool is None:
                    pool = pools[step, window] = [Candidate(y, (y,), str(y)) for y in years if abs(y - year) >= step]
                chosen = choose_set(
                    answer,
                    pool,
                    count,
                    rng,
                    lambda a, b, step=step: abs(a.key - b.key) >= step,  # type: ignore[misc]
                    below_first=[below],
                    usable=lambda c: usable(int(c.key)),
                )
                if chosen is not None:
                    return [int(c.key) for c in chosen]
    return None


def _pool_size(year: int, years: range, step: int) -> int:
    """How many of `years` are `step` or more from `year` (the pool `years_within` would make of them)."""
    return len(years) - len(range(max(years.start, year - step + 1), min(years.stop, year + step)))


def _room(
    year: int, years: range, step: int, usable: Callable[[int], bool], allowed: dict[int, bool]
) -> tuple[int, int]:
    """How many of `years` below `year`, and how many above, a set of wrong years can hold at most: usable ones,
    `step` apart from the answer and from each other (counted greedily from the answer outwards, which fits the
    most on a line). A set of years below and above the answer needs nothing more: one on each side are at least
    twice `step` apart."""
    room = []
    for side in (range(year - step, years.start - 1, -1), range(year + step, years.stop)):
        held, last = 0, None
        for y in side:
            if last is not None and abs(y - last) < step:
                continue
            ok = allowed.get(y)
            if ok is None:
                ok = allowed[y] = usable(y)
            if ok:
                held, last = held + 1, y
        room.append(held)
    return room[0], room[1]


def months_within(
    answer: Span, bounds: DateBounds, usable: Callable[[str], bool], count: int, rng: random.Random
) -> list[str] | None:
    """`count` wrong months ('March 1988') wholly within `bounds` and allowed by `usable` (their text), in other
    months of the year than the answer's and of each other, MONTH_GAP from the answer, no year singling it out."""
    here = answer.start.year * 12 + answer.start.month - 1
    mine = Candidate(here, (MONTHS[answer.start.month - 1], answer.start.year), answer.text)

    def candidate(offset: int) -> Candidate | None:
        index = here + offset
        year, month = divmod(index, 12)
        if month + 1 == answer.start.month or year < 1:
            return None
        first, last = Day(year, month + 1, 1), Day(year, month + 1, days_in_month(year, month + 1))
        if not bounds.contains(first, last):
            return None
        return Candidate(index, (MONTHS[month], year), f"{MONTHS[month]} {year}")

    def fits(a: Candidate, b: Candidate) -> bool:
        return abs(a.key - b.key) >= (MONTH_GAP if b is mine or a is mine else 1) and a.parts[0] != b.parts[0]

    return _chosen(
        mine, candidate, range(-MONTH_WINDOWS[-1], MONTH_WINDOWS[-1] + 1), MONTH_WINDOWS, 1, count, rng, fits, usable
    )


def days_within(
    answer: Span,
    bounds: DateBounds,
    usable: Callable[[str], bool],
    count: int,
    rng: random.Random,
    within: tuple[_dt.date, _dt.date] | None = None,
) -> list[str] | None:
    """`count` wrong days for an answer given to the day, wholly within `bounds` (and `within`, a short era's
    days, when given) and allowed by `usable` (their text): other day numbers than the answer's and each other's,
    DAY_GAP apart, in the answer's month or in other months so that no month or year singles the answer out."""
    day = answer.start
    if day.year < 1:
        return None
    here = _dt.date(day.year, day.month, day.day).toordinal()
    mine = Candidate(here, (day.day, MONTHS[day.month - 1], day.year), answer.text)

    def candidate(offset: int) -> Candidate | None:
        try:
            d = _dt.date.fromordinal(here + offset)
        except (ValueError, OverflowError):
            return None
        if d.day == day.day or (within and not within[0] <= d <= within[1]):
            return None
        as_day = Day(d.year, d.month, d.day)
        if not bounds.contains(as_day, as_day):
            return None
        return Candidate(here + offset, (d.day, MONTHS[d.month - 1], d.year), f"{d.day} {MONTHS[d.month - 1]} {d.year}")

    gap = 1 if within is not None else DAY_GAP  # a history told in days: its neighbouring days are its options

    def fits(a: Candidate, b: Candidate) -> bool:
        return abs(a.key - b.key) >= gap and a.parts[0] != b.parts[0]

    if within is not None:
        span = max(abs(within[0].toordinal() - here), abs(within[1].toordinal() - here))
        return _chosen(mine, candidate, range(-span, span + 1), (span,), 1, count, rng, fits, usable)
    reach = MONTH_WINDOWS[-1] * 31
    return _chosen(mine, candidate, range(-reach, reach + 1), MONTH_WINDOWS, 31, count, rng, fits, usable)


def _chosen(
    answer: Candidate,
    make: Callable[[int], Candidate | None],
    offsets: range,
    windows: tuple[int, ...],
    unit: int,
    count: int,
    rng: random.Random,
    fits: Callable[[Candidate, Candidate], bool],
    usable: Callable[[str], bool],
) -> list[str] | None:
    """The texts of `count` candidates (`make(offset)` from the answer), nearest window first for each rank
    drawn, the set's parts balanced (option_sets.balanced)."""
    made: dict[int, Candidate | None] = {}  # built window by window: most sets are found in the nearest

    def whole(chosen: list[Candidate]) -> bool:
        return balanced(answer.parts, [c.parts for c in chosen])

    for below in ranks_to_try(count, rng):
        for window in windows:
            reach = range(max(offsets.start, -window * unit), min(offsets.stop, window * unit + 1))
            for offset in reach:
                if offset not in made:
                    made[offset] = make(offset) if offset else None
            pool = [c for offset in reach if (c := made[offset]) is not None]
            chosen = choose_set(
                answer, pool, count, rng, fits, whole, below_first=[below], usable=lambda c: usable(c.text)
            )
            if chosen is not None:
                return [c.text for c in chosen]
    return None
