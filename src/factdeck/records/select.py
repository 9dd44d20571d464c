"""Select stage: a deck spec to the ordered list of facts it teaches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, compress, groupby, repeat
from operator import add, attrgetter, eq, is_, itemgetter, lt, mod, mul
from typing import Any

from factdeck.records.by_file import facts_by_file, files_of
from factdeck.records.dates import parse_date
from factdeck.records.fact_columns import FileFacts
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
        kept = base.__dict__.get("_matches", {}).get(selection)  # found by `deck_groups` first
        if kept is None:
            kept = _kept_matches(base, selection, deck.select.matcher())
        matches: Sequence[int] = (
            kept
            if kept is not None
            else base.session.fact_memo("select.matches").values(base.facts, selection, deck.select.matcher())
        )
        # The base's vetted facts in the history's order, filtered: a stable sort keeps equal keys in the order
        # given, so filtering the sorted facts is sorting the filtered ones, and the base is sorted once for every
        # deck. A selection takes vetted facts only (`DeckSelection.matches`); one that took another is sorted here.
        order, facts = chronological_order(base), base.facts
        chosen = tuple(compress(map(facts.__getitem__, order), map(matches.__getitem__, order)))
        if len(chosen) != sum(map(bool, matches)):
            key = partial(chronological_key, base)
            chosen = tuple(sorted(compress(facts, matches), key=key))
        made[selection] = chosen
        base.__dict__.setdefault("_matches", {})[selection] = matches  # for `selected_by_file`
    return list(made[selection])


def selected_by_file(base: FactBase, deck: DeckSpec, facts: list[Fact]) -> dict[str, Sequence[Fact]]:
    """`facts` grouped by file ({file: its facts}; the caller must not change it). Where `facts` are the very facts
    `select_facts` gives for `deck`, the groups are made once per base and selection, of each file's facts in the
    base's order (the files too) picked by the selection's matches, where a deck's facts in the history's order have
    their files' facts in thousands of runs (the duplicate fronts and the release comparison each grouped them);
    other facts are grouped as `facts_by_file` groups them, in the order given. Either way a file's group holds the
    same facts, and its share of what a check keeps (the fronts' hashes, the drift's counts) does not depend on
    their order."""
    return selected_groups(base, deck, facts)[0]


def selected_groups(
    base: FactBase, deck: DeckSpec, facts: list[Fact]
) -> tuple[dict[str, Sequence[Fact]], dict[str, bytes]]:
    """`selected_by_file`, and by file the selection's matches of its facts in the base (one byte 0 or 1 a fact, in
    the file's order) where its group was picked by them and none of its facts is held back: with the file's content
    key they stand for the group (its facts are the file's records, each with its record's status). {} for facts
    grouped as given."""
    selection = selection_key(deck.select)
    chosen = base.__dict__.get("_selected", {}).get(selection)
    if chosen is None or len(chosen) != len(facts) or not all(map(is_, chosen, facts)):
        return _as_given(facts), {}
    made: dict[tuple, tuple[dict[str, Sequence[Fact]], dict[str, bytes]]] = base.__dict__.setdefault(
        "_selected_by_file", {}
    )
    grouped = made.get(selection)
    if grouped is None:
        grouped = made[selection] = _matched_by_file(base, base.__dict__.get("_matches", {}).get(selection), chosen)
    return grouped


def deck_groups(base: FactBase, deck: DeckSpec) -> tuple[dict[str, Sequence[Fact]], dict[str, bytes]] | None:
    """`selected_groups(base, deck, select_facts(base, deck))` without selecting the deck's facts: from the selection's
    matches kept per file (`_kept_matches`) and the base's file groups, a file taken back from its kept columns being
    a `TakenFacts`, whose records are made only if read (a check after an edit counts and hashes a deck's facts a file
    at a time from each file's kept share, and read every fact's record to select them first). None where the matches
    are not kept per file or the facts cannot be grouped by file: then select, and `selected_groups`."""
    selection = selection_key(deck.select)
    made: dict[tuple, tuple[dict[str, Sequence[Fact]], dict[str, bytes]]] = base.__dict__.setdefault(
        "_selected_by_file", {}
    )
    grouped = made.get(selection)
    if grouped is not None:
        return grouped
    matches = base.__dict__.get("_matches", {}).get(selection)
    if matches is None:
        matches = _kept_matches(base, selection, deck.select.matcher())
        if matches is None:
            return None
        base.__dict__.setdefault("_matches", {})[selection] = matches  # what `select_facts` takes
    groups = base_file_groups(base) if len(matches) == base.fact_count else None
    if groups is None:
        return None
    made[selection] = grouped = _matched_by_file(base, matches, ())
    return grouped


def _as_given(facts: Iterable[Fact]) -> dict[str, Sequence[Fact]]:
    """`facts` by file, in the order given (`facts_by_file`)."""
    grouped: dict[str, Sequence[Fact]] = {}
    grouped.update(facts_by_file(facts))
    return grouped


class TakenFacts(Sequence[Fact]):
    """The facts a selection's matches `part` (one byte 0 or 1 a fact, in the file's order) pick of one file taken
    back from its kept columns (`facts`), in order, their records made only when one is read."""

    def __init__(self, facts: FileFacts, part: bytes):
        self.facts, self.part, self.file = facts, part, facts.file
        self._count = part.count(1)
        self._taken: list[Fact] | None = None

    def _records(self) -> list[Fact]:
        if self._taken is None:
            self._taken = list(compress(self.facts, self.part))
        return self._taken

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self._records()[index]

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._records())


def _matched_by_file(
    base: FactBase, matches: Sequence[int] | None, chosen: Sequence[Fact]
) -> tuple[dict[str, Sequence[Fact]], dict[str, bytes]]:
    """The facts `matches` picks of `base.facts`, by file, in the base's order, from the files' groups, with each kept
    file's matches (`selected_groups`); or `facts_by_file(chosen)` where those are not known (each file's facts not
    together, or no matches kept)."""
    groups = base_file_groups(base) if matches is not None and len(matches) == base.fact_count else None
    if groups is None or matches is None:
        return _as_given(chosen), {}
    grouped: dict[str, Sequence[Fact]] = {}
    bits: dict[str, bytes] = {}
    offset = 0
    for key, _, facts in groups:
        part = matches[offset : offset + len(facts)]
        offset += len(facts)
        if key is not None and isinstance(facts, FileFacts) and not facts.restored:
            picked = part if type(part) is bytes else bytes(map(bool, part))
            if 1 in picked:  # the file's facts as the kept matches pick them, no record made (`deck_groups`)
                grouped[facts.file], bits[facts.file] = TakenFacts(facts, picked), picked
            continue
        taken = list(compress(facts, part))
        if taken:
            grouped[taken[0].file] = taken
            if key is not None:
                bits[taken[0].file] = part if type(part) is bytes else bytes(map(bool, part))
    return grouped, bits


def chronological_order(base: FactBase) -> list[int]:
    """The positions of `base.facts`' vetted facts sorted by `chronological_key`, worked out once per base, the keys
    made in loops in C from each distinct (date, era) pair's day (the facts share a few hundred: a deck of 10,000
    facts had each fact's key worked out in Python, and each deck's facts were sorted apart)."""
    known: list[int] | None = base.__dict__.get("_chronological")
    if known is not None:
        return known
    kept = _kept_order(base)
    if kept is not None:
        base.__dict__["_chronological"] = kept
        return kept
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


def _kept_matches(base: FactBase, selection: tuple, matcher: Callable[[Fact], bool]) -> bytes | None:
    """Whether each of `base.facts` matches (1 or 0, in order), from each fact file's share kept under the selection
    (`_parts_by_file`): a check after an edit tests the edited file's facts alone. None where nothing is kept."""
    parts = _parts_by_file(
        base,
        _share_name(selection),
        lambda facts: bytes(map(bool, map(matcher, facts))),
        lambda part, count: type(part) is bytes and len(part) == count and (not count or max(part) <= 1),
    )
    return None if parts is None else b"".join(part for _, part in parts)


def _parts_by_file(
    base: FactBase, name: str, make: Callable[[list[Fact]], Any], valid: Callable[[Any, int], bool]
) -> list[tuple[Sequence[Fact], Any]] | None:
    """(facts, part) of each fact file of the base, in order: its part kept in `base.kept_shares` under `name`, the
    file's content key (`FactBase.file_keys`: its records) and its facts' ids, where `valid(part, number of facts)`
    holds of it, else `make(facts)` (kept for the next command); the per-file contract of records/by_file.py's
    `by_file` for the stages after validation. None where nothing is kept (no engine caches), in a watching session
    (its memo keeps each fact's answer by the record itself), where the base's facts cannot be grouped by file, or
    where `make` gives None for a file."""
    keeper = base.kept_shares
    if keeper is None or base.session.keeping:
        return None
    groups = base_file_groups(base)
    if groups is None:
        return None
    loaded = keeper.load(name)
    kept: dict[str, Any] = loaded if type(loaded) is dict else {}
    now: dict[str, tuple[str, Any]] = {}
    parts: list[tuple[Sequence[Fact], Any]] = []
    made = False
    for key, ids, facts in groups:
        share = kept.get(key) if key is not None else None
        if type(share) is tuple and len(share) == 2 and share[0] == ids and valid(share[1], len(facts)):
            part = share[1]
        else:
            part = make(list(facts))  # its records (a file taken back from its columns: made now)
            if part is None:
                return None
            made = True
        if key is not None:
            now[key] = (ids, part)
        parts.append((facts, part))
    if made:
        # The shares kept under other keys stay, as many as the files at most, the latest kept last: a build (no
        # archived texts: other record-cache keys) and a check each find theirs, where either's wrote the other's
        # over and the next check made every file's share again (and with it every file's records).
        others = [(key, share) for key, share in kept.items() if key not in now]
        keeper.save(name, dict(others[max(0, len(others) - len(groups)) :]) | now)
    return parts


def _share_name(selection: tuple) -> str:
    """The name a selection's shares are kept under: its every criterion (`selection_key`)."""
    return f"select\0{selection!r}"


def _share_key(base: FactBase, file: str, held: set[str]) -> str | None:
    """The key `file`'s share is kept under in its selection's: the file's content key, which stands for its
    records; None (not kept) without one, or where one of its facts is held back (`held`: their files)."""
    return base.file_keys.get(file) if file not in held else None


def base_file_groups(base: FactBase) -> Sequence[tuple[str | None, str, Sequence[Fact]]] | None:
    """`base.facts` a file at a time, in order: (the key its share is kept under, the ids of its facts, its facts),
    worked out once per base; the key None for a file a share of which cannot be kept (no content key, or one of its
    facts held back: the base holds another record for it than the file's). None if a file's facts are not all
    together (each file's shares would not make the base's order)."""
    if "_file_groups" in base.__dict__:
        known: list[tuple[str | None, str, Sequence[Fact]]] | None = base.__dict__["_file_groups"]
        return known
    held = {fact.file for fact in base.held_back.values()}
    groups: list[tuple[str | None, str, Sequence[Fact]]] = []
    files: set[str] = set()
    # A file taken back from its kept columns is a group as it is (its ids from them, its records not made); the
    # other facts a run of one file at a time.
    for part in base.parts().parts:
        runs: Any = (
            [(part.file, part)]
            if isinstance(part, FileFacts) and not part.restored
            else (
                (file, list(map(itemgetter(1), run))) for file, run in groupby(zip(files_of(part), part), itemgetter(0))
            )
        )
        for file, facts in runs:
            if file in files:
                base.__dict__["_file_groups"] = None
                return None
            files.add(file)
            ids = facts.columns.ids if isinstance(facts, FileFacts) else map(attrgetter("id"), facts)
            groups.append((_share_key(base, file, held), "\n".join(ids), facts))
    base.__dict__["_file_groups"] = groups
    return groups


# A vetted fact's place in the history's order as one whole number (`chronological_key` but the fact's place in the
# base: its era's place, then its day's year, month and day, each in as many bits as it can take): whole numbers
# sort in C several times faster than the keys' tuples, and a file's are kept with its facts.
_YEARS = 1 << 40  # years from -2**39 to 2**39 - 1
_MONTHS, _DAYS = 16, 32


def _day_number(era: int, day: tuple[int, int, int]) -> int | None:
    """`(era, day)` as one whole number sorting as the pair does; None if a part is out of its range."""
    year, month, day_of_month = day
    if not (-_YEARS // 2 <= year < _YEARS // 2 and 0 <= month < _MONTHS and 0 <= day_of_month < _DAYS):
        return None
    return ((era * _YEARS + year + _YEARS // 2) * _MONTHS + month) * _DAYS + day_of_month


def _order_share(base: FactBase, facts: list[Fact]) -> tuple[list[int], list[int]] | None:
    """A file's share of the base's order: the positions of its vetted facts among `facts` and the `_day_number` of
    each (its era's place and its day: `chronological_key` but its place); None if a day has no number."""
    vetted = list(compress(range(len(facts)), map(eq, map(attrgetter("status"), facts), repeat("vetted"))))
    by_id, order = base.eras_by_id, base.era_order
    numbers = []
    for i in vetted:
        fact = facts[i]
        number = _day_number(order[fact.era], parse_date(fact.date or by_id[fact.era].start).sort_key())
        if number is None:
            return None
        numbers.append(number)
    return vetted, numbers


def _is_order_part(part: Any, count: int) -> bool:
    """Whether `part` is a file's share of the order for its `count` facts: (the vetted facts' positions, ascending
    and among them, and as many day numbers)."""
    if type(part) is not tuple or len(part) != 2 or type(part[0]) is not list or type(part[1]) is not list:
        return False
    positions, numbers = part
    if len(positions) != len(numbers) or not set(map(type, chain(positions, numbers))) <= {int}:
        return False
    return not positions or (positions[0] >= 0 and positions[-1] < count and all(map(lt, positions, positions[1:])))


def _order_name(base: FactBase) -> str:
    """What the shares of the order are kept under: the eras' ids in order and their starts (an undated fact's day)."""
    return "order\0" + repr([(era.id, era.start) for era in base.eras])


def _kept_order(base: FactBase) -> list[int] | None:
    """`chronological_order` from each fact file's share kept under the eras (`_order_name`, `_parts_by_file`):
    a check after an edit works out the edited file's. None where nothing is kept, where an id is twice (the order
    then places a fact by its id's place) or a day has no number."""
    if not base.ids_unique:
        return None
    parts = _parts_by_file(base, _order_name(base), partial(_order_share, base), _is_order_part)
    if parts is None:
        return None
    count, offset = base.fact_count, 0
    numbers: list[int] = []
    for facts, (positions, days) in parts:
        # Each vetted fact's day number, then its place in the base: the key `chronological_key` sorts by, in one
        # whole number (a place is less than `count`).
        numbers.extend(map(add, map(mul, days, repeat(count)), map(add, positions, repeat(offset))))
        offset += len(facts)
    return list(map(mod, sorted(numbers), repeat(count)))
