"""What every wrong option of a quiz is checked against, drawn from the whole fact base (distractors.py's rules
1-3 and the bans on made-up years and numbers): each fact's share of it (`Share`), the pools made of every
fact's share (`pools`), and those pools kept in a store between commands (`kept_pools`).

Making every fact's share is most of the pools' cost (about 0.1 s at 10,000 facts, a tenth of a fresh worksheet's
own work before Typst), yet a share is a function of a few of the fact's fields (`share_inputs`), and the pools of
the shares and the sources' latest year. So a one-off command given a store (the worksheets': outputs/print)
keeps the pools under a hash of exactly those fields of every fact, in order, and of that year, and takes them
back while none of them changed: any deck, seed or settings, and edits that leave every fact's share as it was
(a statement, a citation), find them. A watch keeps the shares in its session instead (memo.py).

Hashing those fields of every fact is itself a few hundredths of a second at 10,000 facts. A fact base taken back
from a kept validation (engine/kept_validation.py) carries that validation's key, a hash of every input its facts
were made from (`MADE_FROM`); the store keeps which pools key those inputs give, so a worksheet of a project
nothing has changed in finds its pools without reading a fact.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Sequence
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

from factdeck.quiz.numbers import numbers_in
from factdeck.records.dates import parse_date
from factdeck.records.schema import Fact
from factdeck.text.compare import answer_comparison_form, core
from factdeck.text.dates import MONTHS

# Where a fact base holds the key of the inputs it was made from (in its `__dict__`, as the base's other per-base
# results are kept, so a copy of it, such as a base in another language, has none): the engine's kept validation
# sets it to its key, which hashes every file, setting and code that made the base's facts. Equal keys, equal facts
# (and equal decks: the engine keeps a deck's selection under it too, kept_validation.py's `kept_selection`).
MADE_FROM = "_made_from"

YEAR_ANSWER = re.compile(rf"^(?P<head>(?:\d{{1,2}} )?(?:(?:{'|'.join(MONTHS)}) )?)(?P<year>\d{{4}})$")


class Share(NamedTuple):
    """What one fact adds to the pools and bans every wrong option is checked against. (A named tuple: one is
    made for every fact of the base each time a quiz is made, and a frozen dataclass took three times as long
    to make.)"""

    live: bool  # not retracted
    question: str  # comparison forms
    answer: str
    version_answers: tuple[str, ...]
    version_numbers: frozenset[float]
    kind_numbers: frozenset[float]  # a number-kind answer's values
    kind_year: int | None  # a date-kind answer's year
    end_year: int | None  # the last year of the fact's date

    @classmethod
    def of(cls, fact: Fact) -> Share:
        # Reads only what `share_inputs` gives (a test holds the two to each other).
        versions = fact.dispute.versions if fact.dispute else []
        year = YEAR_ANSWER.match(core(fact.answer)) if fact.kind == "date" else None
        return cls(
            fact.status != "retracted",
            answer_comparison_form(fact.question),
            answer_comparison_form(fact.answer),
            tuple(answer_comparison_form(v.answer) for v in versions),
            frozenset().union(*(numbers_in(v.answer) for v in versions)),
            frozenset(numbers_in(core(fact.answer))) if fact.kind == "number" else frozenset(),
            int(year["year"]) if year else None,
            parse_date(fact.date).end.year if fact.date else None,
        )


_PLAIN_INPUTS = attrgetter("status", "question", "answer", "kind", "date")
_DISPUTE = attrgetter("dispute")


def share_inputs(facts: Sequence[Fact]) -> tuple[list[tuple], list[tuple[int, tuple[str, ...]]]]:
    """Every field of the facts that `Share.of` reads, as plain values: each fact's (status, question, answer,
    kind, date), and each disputed fact's place among them with its versions' answers. (Read by attrgetter, in C:
    a call per fact took twice as long.)"""
    disputes = enumerate(map(_DISPUTE, facts))
    return list(map(_PLAIN_INPUTS, facts)), [(i, tuple(v.answer for v in d.versions)) for i, d in disputes if d]


# The pools' shape, as `pools` returns them: every value a marshal round trip gives back as it was.
_POOL_TYPES = (set, set, dict, set, set, int)


class PoolStore(Protocol):
    """Where pools are kept between commands: the engine's `ContentStore` (values marshalled by a text's hash,
    the folder trimmed to its size limit)."""

    def load(self, text: str) -> Any:
        """The value kept under `text`'s hash, or None if none is (or the entry cannot be read)."""
        ...

    def save(self, text: str, value: Any) -> None:
        """Keep `value` (marshal's types) under `text`'s hash; what cannot be written is not kept (a later miss),
        never an error."""
        ...

    def trim(self) -> None:
        """Remove the oldest entries until the store's folder is within its size limit."""
        ...


def _is(value: object, kind: type) -> bool:
    return type(value) is kind


def pools_key(facts: Sequence[Fact], accessed: tuple[int, ...]) -> str:
    """A hash of everything `pools` of these facts' shares and `accessed` reads: the facts' `share_inputs`, in
    order, and `accessed`. (marshal's format 2 shares no object between values, so equal inputs give equal
    bytes.)"""
    return hashlib.sha256(marshal.dumps((share_inputs(facts), accessed), 2)).hexdigest()


def kept_pools(
    facts: Sequence[Fact], accessed: tuple[int, ...], store: PoolStore, made_from: str | None = None
) -> tuple:
    """`pools` of the facts' shares and `accessed`, taken from `store` where kept under `pools_key`, else made
    and kept there. Anything unreadable or of another shape in the store is a miss. `made_from`: a key of every
    input the facts were made from (`MADE_FROM`), under which the store keeps their `pools_key`, so that the
    facts are not read again while it is the same."""
    named = f"pools key of the facts made from {made_from} with {accessed}" if made_from is not None else None
    key = store.load(named) if named is not None else None
    if type(key) is not str:
        try:
            key = pools_key(facts, accessed)
        except ValueError:  # a value marshal cannot write (a record made in an unusual way): made, not kept
            return pools(tuple(map(Share.of, facts)), accessed)
        if named is not None:
            store.save(named, key)
    kept = store.load(key)
    if type(kept) is tuple and len(kept) == len(_POOL_TYPES) and all(map(_is, kept, _POOL_TYPES)):
        return kept
    made = pools(tuple(map(Share.of, facts)), accessed)
    store.save(key, made)
    store.trim()
    return made


def pools(shares: tuple[Share, ...], accessed: tuple[int, ...]) -> tuple:
    """What every wrong option is checked against, given each fact's share."""
    version_answers: set[str] = set()
    version_numbers: set[float] = set()
    by_question: dict[str, set[str]] = {}
    kind_numbers: set[float] = set()  # every number-kind fact's answer values
    kind_years: set[int] = set()  # every date-kind fact's answer year
    years = []
    for share in shares:
        if share.live:
            by_question.setdefault(share.question, set()).add(share.answer)
            version_answers.update(share.version_answers)
            version_numbers |= share.version_numbers
            kind_numbers |= share.kind_numbers
            if share.kind_year is not None:
                kind_years.add(share.kind_year)
            if share.end_year is not None:
                years.append(share.end_year)
    # The history's "now": the latest year the data knows, so output does not depend on today's date.
    present = max([*years, *accessed]) if years or accessed else 9999
    return version_answers, version_numbers, by_question, kind_numbers, kind_years, present
