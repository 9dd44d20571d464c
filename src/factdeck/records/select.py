"""Select stage: a deck spec to the ordered list of facts it teaches."""

from __future__ import annotations

from functools import partial
from itertools import compress, repeat
from operator import attrgetter, eq

from factdeck.records.dates import parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSelection, DeckSpec, Fact, Selection


def chronological_key(base: FactBase, fact: Fact) -> tuple:
    """Era order first, then date (undated facts at their era's start), then file order."""
    era = base.eras_by_id[fact.era]
    when = parse_date(fact.date) if fact.date else parse_date(era.start)
    return (base.era_order[fact.era], when.sort_key(), base.fact_order[fact.id])


# The criteria of a selection (`Selection`'s fields), read once: `model_fields` is a descriptor.
_CRITERIA = tuple(Selection.model_fields)


def selection_key(select: DeckSelection) -> tuple:
    """Every criterion of the selection's `include` and `exclude`, as a hashable key: equal keys, equal matches.
    (Not `model_dump_json`: a worksheet of a kept validation built the selection's serializer for it, and with it
    pydantic's plugin scan, 20 ms.)"""
    return tuple(
        tuple(tuple(value) if isinstance(value, list) else value for value in map(part.__dict__.get, _CRITERIA))
        for part in (select.include, select.exclude)
    )


def select_facts(base: FactBase, deck: DeckSpec) -> list[Fact]:
    """The vetted facts the deck takes, in the history's order (a new list each time)."""
    selection = selection_key(deck.select)  # whether a fact matches depends on it and the fact alone
    # Selected once per base and selection: `check` asks for every deck's facts in several of its checks.
    made: dict[tuple, tuple[Fact, ...]] = base.__dict__.setdefault("_selected", {})
    if selection not in made:
        matches = base.session.fact_memo("select.matches").values(base.facts, selection, deck.select.matcher())
        # The base's vetted facts in the history's order, filtered: a stable sort keeps equal keys in the order
        # given, so filtering the sorted facts is sorting the filtered ones, and the base is sorted once for every
        # deck. A selection takes vetted facts only (`DeckSelection.matches`); one that took another is sorted here.
        order, facts = _chronological_order(base), base.facts
        chosen = tuple(compress(map(facts.__getitem__, order), map(matches.__getitem__, order)))
        if len(chosen) != sum(map(bool, matches)):
            key = partial(chronological_key, base)
            chosen = tuple(sorted(compress(facts, matches), key=key))
        made[selection] = chosen
    return list(made[selection])


def _chronological_order(base: FactBase) -> list[int]:
    """The positions of `base.facts`' vetted facts sorted by `chronological_key`, worked out once per base, the keys
    made in loops in C from each distinct (date, era) pair's day (the facts share a few hundred: a deck of 10,000
    facts had each fact's key worked out in Python, and each deck's facts were sorted apart)."""
    known: list[int] | None = base.__dict__.get("_chronological")
    if known is not None:
        return known
    facts = base.facts
    vetted = list(compress(range(len(facts)), map(eq, map(attrgetter("status"), facts), repeat("vetted"))))
    taken = list(map(facts.__getitem__, vetted))
    dates, eras = list(map(attrgetter("date"), taken)), list(map(attrgetter("era"), taken))
    by_id = base.eras_by_id
    # Undated: its era's start, as `chronological_key`.
    days = {(date, era): parse_date(date or by_id[era].start).sort_key() for date, era in set(zip(dates, eras))}
    keys = dict(
        zip(
            vetted,
            zip(
                map(base.era_order.__getitem__, eras),
                map(days.__getitem__, zip(dates, eras)),
                # Each fact's place in the base, as `fact_order` gives it where no id is twice (a later fact of an
                # id takes the place of an earlier one there).
                vetted
                if len(base.fact_order) == len(facts)
                else map(base.fact_order.__getitem__, map(attrgetter("id"), taken)),
            ),
        )
    )
    made = base.__dict__["_chronological"] = sorted(vetted, key=keys.__getitem__)
    return made
