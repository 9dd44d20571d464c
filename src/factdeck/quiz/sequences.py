"""The order a plan draws facts in and where each fact stands in the facts left (quiz/planning.py)."""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from collections.abc import Iterator, Sequence

from factdeck.records.schema import Fact


class Places:
    """Where each fact stands in a list of facts that facts leave, a group's at a time (`make`'s `remaining`),
    by id (unique: validation refuses a repeated one). Each group's facts were looked up with `list.index` in the
    list of ids left, compared in C with thousands of others (70 look-ups, a tenth of a worksheet's planning at
    10,000 facts); here each id's first place is kept and the places that left before it are counted instead."""

    def __init__(self, ids: list[str]) -> None:
        self._first = {fact_id: place for place, fact_id in enumerate(ids)}  # each id's place in the first list
        self._gone: list[int] = []  # the first places of the ids that left, in order

    def take(self, wanted: set[str]) -> list[int]:
        """Where each id of `wanted` still in the list stands in it now, in order (as
        `[i for i, x in enumerate(ids_left) if x in wanted]`); they leave it."""
        first = sorted(place for fact_id in wanted if (place := self._first.pop(fact_id, None)) is not None)
        now = [place - bisect_left(self._gone, place) for place in first]
        for place in first:
            insort(self._gone, place)
        return now


def shuffled(rng: random.Random, facts: Sequence[Fact]) -> Iterator[Fact]:
    """`rng.sample(facts, len(facts))`, one fact at a time: the same facts in the same order from the same
    generator, but only as far as they are read (a group question reads a few windows of a 10,000-fact deck).

    For a sample of the whole population `random.sample` always takes its pool branch (its set branch is for
    samples much smaller than the population), whose i-th pick depends only on the generator's first i draws:
    this is that loop, yielding as it goes. A test holds it to `random.sample`."""
    pool = list(facts)
    n = len(pool)
    randbelow = rng._randbelow  # type: ignore[attr-defined]  # what random.sample draws with
    for i in range(n):
        j = randbelow(n - i)
        yield pool[j]
        pool[j] = pool[n - i - 1]
