"""Choosing a whole set of made-up wrong options, so that the set as a whole does not give the answer away.

Each wrong option alone may be plausible while the set still marks the answer. A sharp student spots:

1. the answer's rank: made-up values drawn on both sides of the answer leave it in the middle (the smallest or
   largest option in 21% of the shipped base's questions, against 50% by chance). The number of wrong options
   below the answer is drawn evenly from those the bounds allow, so the answer's rank is uniform;
2. shared parts: wrong days that each change only the day or only the month make the answer the option sharing
   most parts with the others. No part of the answer (day, month, year where shown) is shared by more options
   than any other value of that part, nor is the answer the only option with its value of a part that the
   others share (`balanced`);
3. derivable numbers: several exact multiples of the answer (23 / 46 / 69 / 92) make it the common divisor. At
   most one wrong option is an exact multiple or divisor of the answer (`at_most_one_multiple`).

The search below is complete within a budget (backtracking over the candidates in a random order), so a fact
whose bounds leave room gets its question at every seed, not only where a greedy draw happened to succeed.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from factdeck.quiz.option_keys import order_key

SEARCH_BUDGET = 4000  # candidate sets tried per rank before giving that rank up (a search, not a time limit)


@dataclass(frozen=True)
class Candidate:
    """A possible wrong option: `key` orders it against the answer (a day's ordinal, a month index, a year, a
    number), `parts` are what a student compares across options (day, month, year as shown), `text` is shown."""

    key: float
    parts: tuple[Hashable, ...]
    text: str


def balanced(answer: Sequence[Hashable], others: Sequence[Sequence[Hashable]]) -> bool:
    """Whether no part of `answer` gives it away among the options (`answer` and `others`, the parts of each):
    for every part, the answer's value is shared by no more options than any other value of that part, and is
    not the only value met fewer times than all the others; nor is the answer the one option sharing the most
    or the fewest parts with the others."""
    options = [tuple(answer), *(tuple(o) for o in others)]
    for index in range(len(answer)):
        counts = Counter(o[index] for o in options)
        if len(counts) == 1:
            continue
        mine = counts[answer[index]]
        rest = [n for value, n in counts.items() if value != answer[index]]
        if mine > min(rest) or (mine < min(rest) and len(set(rest)) == 1 and len(rest) > 1):
            return False
    shared = [
        sum(sum(1 for other in options if other[i] == option[i]) - 1 for i in range(len(option))) for option in options
    ]
    top, bottom = max(shared), min(shared)
    return not (top != bottom and shared[0] in (top, bottom) and shared.count(shared[0]) == 1)


def ranks_to_try(count: int, rng: random.Random, fixed_below: int = 0, fixed: int = 0) -> list[int]:
    """How many of `count` made-up options to put below the answer, in the order to try: the answer's rank among
    all the options (with `fixed` options already chosen, `fixed_below` of them below it) is drawn evenly, and
    the other ranks follow in a random order for where the bounds leave no room for the first."""
    totals = list(range(fixed_below, fixed_below + count + 1))
    rng.shuffle(totals)
    return [t - fixed_below for t in totals]


def skip_sample(rng: random.Random, n: int) -> None:
    """Draw from `rng` what `rng.sample(population, n)` of an `n`-long population draws, and make nothing: what
    is drawn after it is then the same. A sample of the whole population always takes random.sample's pool
    branch (its set branch is for samples much smaller than the population), one `_randbelow` per pick."""
    randbelow = rng._randbelow  # type: ignore[attr-defined]  # what random.sample draws with
    for i in range(n):
        randbelow(n - i)


def choose_set(
    answer: Candidate,
    candidates: Sequence[Candidate],
    count: int,
    rng: random.Random,
    fits: Callable[[Candidate, Candidate], bool],
    whole: Callable[[list[Candidate]], bool] = lambda chosen: True,
    below_first: Sequence[int] | None = None,
    prefer: Callable[[Candidate], int] = lambda candidate: 0,
    usable: Callable[[Candidate], bool] = lambda candidate: True,
) -> list[Candidate] | None:
    """`count` candidates, pairwise and with the answer allowed by `fits`, whose whole set passes `whole`, with
        as many below the answer as the first feasible entry of `below_first` (default: `ranks_to_try`). Candidates
        are tried in a random order, those with a lower `prefer` first; `usable` (a costlier test of one candidate)
    is asked only of the candidates the search reaches. None when no rank can be met."""
    possible = [c for c in candidates if c.key != answer.key and fits(c, answer)]
    order = sorted(rng.sample(possible, len(possible)), key=prefer)
    known: dict[str, bool] = {}

    def ok(candidate: Candidate) -> bool:
        if candidate.text not in known:
            known[candidate.text] = usable(candidate)
        return known[candidate.text]

    below = [c for c in order if c.key < answer.key]
    above = [c for c in order if c.key > answer.key]
    for k in below_first if below_first is not None else ranks_to_try(count, rng):
        if k < 0 or k > count or len(below) < k or len(above) < count - k:
            continue
        found = _search(below, above, k, count - k, fits, whole, ok)
        if found is not None:
            return sorted(found, key=lambda c: c.key)
    return None


def _search(
    below: list[Candidate],
    above: list[Candidate],
    want_below: int,
    want_above: int,
    fits: Callable[[Candidate, Candidate], bool],
    whole: Callable[[list[Candidate]], bool],
    usable: Callable[[Candidate], bool],
) -> list[Candidate] | None:
    """Backtracking: `want_below` from `below` then `want_above` from `above`, within SEARCH_BUDGET steps."""
    pools = [below] * want_below + [above] * want_above
    chosen: list[Candidate] = []
    found = _extend(_Search(pools, chosen, [SEARCH_BUDGET], fits, whole, usable), 0, 0)
    return list(chosen) if found else None


class _Search(NamedTuple):
    """One search's state. Not a closure calling itself: that is a reference cycle, which kept each search's
    candidates and callbacks alive until the cyclic collector's next pass (125,000 objects when a 100-question
    worksheet was planned from 10,000 facts, all walked by that pass)."""

    pools: list[list[Candidate]]
    chosen: list[Candidate]
    budget: list[int]
    fits: Callable[[Candidate, Candidate], bool]
    whole: Callable[[list[Candidate]], bool]
    usable: Callable[[Candidate], bool]


def _extend(search: _Search, slot: int, start: int) -> bool:
    pools, chosen, budget = search.pools, search.chosen, search.budget
    if slot == len(pools):
        return search.whole(chosen)
    pool = pools[slot]
    # Two slots on the same side take candidates in order, so no set is tried twice.
    first = start if slot and pools[slot - 1] is pool else 0
    for index in range(first, len(pool)):
        budget[0] -= 1
        if budget[0] < 0:
            return False
        candidate = pool[index]
        if all(search.fits(candidate, c) for c in chosen) and search.usable(candidate):
            chosen.append(candidate)
            if _extend(search, slot + 1, index + 1):
                return True
            chosen.pop()
    return False


def multiple_or_divisor(value: float, answer: float) -> bool:
    """Whether `value` is an exact multiple or divisor of `answer` (both whole and non-zero)."""
    if value <= 0 or answer <= 0 or value != int(value) or answer != int(answer):
        return False
    big, small = max(value, answer), min(value, answer)
    return int(big) % int(small) == 0


def at_most_one_multiple(answer: float) -> Callable[[list[Candidate]], bool]:
    """A `whole` test: at most one option is an exact multiple or divisor of `answer` (a set of several makes
    the answer their common divisor, which a sharp student works out)."""

    def test(chosen: list[Candidate]) -> bool:
        return sum(multiple_or_divisor(c.key, answer) for c in chosen) <= 1

    return test


_ORDER_WORDS = ("smallest (earliest)", "second", "third", "largest (latest)")


def describe_set(options: Sequence[str], kind: str) -> str:
    """For `factdeck options`: the answer's (`options[0]`) rank among the options of a `kind` ('date' or
    'number') fact and the rules its set keeps, one line."""
    keys = [order_key(o) for o in options]
    rule = (
        "no part of it (day, month, year) is shared by more options than another value"
        if kind == "date"
        else "at most one wrong option is an exact multiple or divisor of it"
    )
    if any(k is None for k in keys):
        return f"the set: {rule}"
    rank = sorted(keys).index(keys[0])  # type: ignore[type-var]
    word = _ORDER_WORDS[rank] if len(options) == len(_ORDER_WORDS) else f"number {rank + 1} from the smallest"
    return (
        f"the set: the answer is the {word} of {len(options)} options (how many fall below it is drawn evenly); {rule}"
    )
