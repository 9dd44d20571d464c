"""Numbers in fact texts: words and digits read as values, wrong numbers scaled from the answer and written as
it writes its number, and whether a statement's count may change (quiz/distractors.py uses these)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from factdeck.quiz.option_sets import Candidate, at_most_one_multiple, choose_set, multiple_or_divisor
from factdeck.records.bounds import DATE_IN_TEXT
from factdeck.text.dates import MONTHS
from factdeck.text.numerals import UNITS

# English number words a fact may write a count in, by value: "one" to "twenty".
NUMBER_WORDS = (*UNITS, "twenty")
_QUALIFIERS = (
    "almost",
    "about",
    "around",
    "nearly",
    "over",
    "more than",
    "fewer than",
    "less than",
    "at least",
    "at most",
    "some",
    "roughly",
    "approximately",
    "up to",
    "under",
)
# "More than 6,000" makes "More than 3,000" true as well: a bound cannot be varied into a wrong option.
_BOUNDS = ("over", "more than", "fewer than", "less than", "at least", "at most", "up to", "under")
_NUMBER_ANSWER = re.compile(
    rf"^(?P<pre>(?:(?:{'|'.join(_QUALIFIERS)})\s+)?)"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{'|'.join(NUMBER_WORDS)})"
    r"(?P<post>(?:\s+[A-Za-z][A-Za-z'-]*){0,3})$",
    re.IGNORECASE,
)
_ANY_NUMBER = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|\b(?:{'|'.join(NUMBER_WORDS)})\b", re.IGNORECASE)


def _whole_word(token: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(token)}(?![\w])", re.IGNORECASE)


def number_value(text: str) -> float:
    lowered = text.casefold()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS.index(lowered))
    return float(text.replace(",", ""))


def numbers_in(text: str) -> set[float]:
    return {number_value(m.group(0)) for m in _ANY_NUMBER.finditer(text)}


def sides_of(question: str, answer: float) -> Callable[[float], bool]:
    """Whether a value lies on the answer's side of every number the question gives (rule 6); a date's numbers
    ('on 20 June 1981') are not limits of a count."""
    limits = [n for n in numbers_in(DATE_IN_TEXT.sub(" ", question)) if n != answer]

    def same_side(value: float) -> bool:
        return all((value - limit) * (answer - limit) > 0 for limit in limits)

    return same_side


_LIST_OPENER = re.compile(
    r":|\bnamely\b|\bincluding\b|\bsuch as\b|\bamong (?:them|whom|which|others)\b|\(", re.IGNORECASE
)
# A list that only names some of the counted things: a wrong count may be larger, never smaller than it.
_SUBSET = re.compile(r"^\W*(?:including|such as|among (?:them|whom|which|others)|e\.g\.)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;.](?:\s|$)")
_LOWER_ITEM_WORDS = 3  # a list item in lower case longer than this is the sentence going on


def listed_items(statement: str, token: str) -> list[tuple[int, bool]]:
    """For each list that follows a copy of the number `token` in its clause: (how many items it names, whether
    it names only some of them: 'including', 'among them'). Items are names ('Gull, Tern and Petrel') or short
    lower-case phrases ('foreign affairs, women's, defence and cultural committees'); two at least."""
    found = []
    for match in _whole_word(token).finditer(statement):
        rest = statement[match.end() :]
        end = _CLAUSE_END.search(rest)
        clause = rest[: end.start()] if end else rest
        opener = _LIST_OPENER.search(clause)
        if opener is None:
            continue
        body = clause[opener.start() :] if opener.group(0) != "(" else clause[opener.end() :]
        if opener.group(0) == "(":
            body = body.split(")", 1)[0]
        subset = bool(_SUBSET.match(body))
        body = (
            _SUBSET.sub("", body, count=1)
            if subset
            else body[len(opener.group(0)) :]
            if opener.group(0) != "("
            else body
        )
        items = []
        for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", body.strip(" )")):
            words = item.split()
            if not words or not (words[0][:1].isupper() or len(words) <= _LOWER_ITEM_WORDS):
                break  # the list ends where the sentence goes on
            items.append(item)
        if len(items) >= 2:
            found.append((len(items), subset))
    return found


def count_floor(statement: str, token: str) -> int | None:
    """The least a swapped count may be and keep `statement` consistent with the lists it goes on to give: None
    where a list names exactly that many items ('five smaller camps: A, B, C, D and E'), so no swap is made; the
    number of items a partial list names ('25 committees (among them six named)'); else 0."""
    value = number_value(token)
    floor = 0
    for items, subset in listed_items(statement, token):
        if not subset and items == value:
            return None
        if subset and items <= value:
            floor = max(floor, items)
    return floor


def swappable_count(statement: str, token: str) -> bool:
    """Whether changing the number `token` can keep `statement` consistent (see `count_floor`)."""
    return count_floor(statement, token) is not None


_RANGE_BEFORE = re.compile(r"(?:\bbetween|\bfrom|[-\u2013])\s*$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"^\s*(?:[-\u2013]|and\b|to\b)", re.IGNORECASE)
_RESTATES = re.compile(r"\b(?:the|all|these|those|its|their)\s+$", re.IGNORECASE)


def copies_to_swap(statement: str, token: str, is_year: bool) -> tuple[int, ...]:
    """Which whole-word copies of `token` (0-based, left to right) a true/false swap changes: the copy the fact
    asks about (the first not in a range such as 'between 1997 and 2013'), and the copies that restate it (a year
    within a fuller date, '5 September 1965'; a count referred back to, 'the 25 ministers'); a copy that is
    another detail ('between 1997 and 2013') keeps its value."""
    spans = [(m.start(), m.end()) for m in _whole_word(token).finditer(statement)]
    if len(spans) <= 1:
        return tuple(range(len(spans)))

    def in_range(start: int, end: int) -> bool:
        return bool(_RANGE_BEFORE.search(statement[max(0, start - 9) : start])) or bool(
            _RANGE_AFTER.search(statement[end : end + 5])
        )

    asked = next((i for i, span in enumerate(spans) if not in_range(*span)), 0)
    chosen = [asked]
    for i, (start, _) in enumerate(spans):
        if i == asked:
            continue
        before = statement[max(0, start - 12) : start].split()
        if is_year and before and before[-1] in MONTHS or not is_year and _RESTATES.search(" ".join(before) + " "):
            chosen.append(i)
    return tuple(sorted(chosen))


def place_value(n: int) -> int:
    """The unit of the answer's last non-zero digit: 15,000 -> 1,000; 1,234 -> 1."""
    unit = 1
    while n and n % (unit * 10) == 0:
        unit *= 10
    return unit


def scaled(n: int, factors: tuple[float, ...], unit: int, banned: set[float]) -> list[int]:
    out = []
    for factor in factors:
        value = max(unit, round(n * factor / unit) * unit)
        if value != n and value not in banned and value not in out:
            out.append(value)
    return out


# Factors a large answer is scaled by: many, so that the answer's rank can be drawn evenly, and few whole ones
# (x2, x3, x4 put several exact multiples in one set, which makes the answer their common divisor).
_BELOW = (0.3, 0.4, 0.45, 0.55, 0.6, 0.7, 0.75, 0.8)
_ABOVE = (1.25, 1.35, 1.5, 1.65, 1.8, 2.2, 2.5, 2.8)
SMALL = 20  # an answer up to this is varied by whole steps, not by factors


def wrong_numbers(
    n: int, allowed: Callable[[int], bool], count: int, rng: random.Random, low: float = 0, high: float = float("inf")
) -> list[int] | None:
    """`count` wrong whole numbers for the answer `n`, within `low`..`high` (the fact's `not_below`/`not_above`)
    and allowed by `allowed`, pairwise apart (1 for a small answer, 15% of the larger above SMALL); the answer's
    rank among them drawn evenly and at most one an exact multiple or divisor of it (option_sets.py), values a
    student cannot derive from the answer tried first. None when there are too few."""
    answer = Candidate(n, (n,), str(n))
    if n <= SMALL:  # whole steps, wider where the nearest leave too few
        gap, ratio = 1, 0.0
        pools = [range(max(1, n - spread), n + spread + 1) for spread in (max(3, n // 2), max(5, n))]
    else:
        gap, ratio = 1, 0.15
        pools = [scaled(n, _BELOW + _ABOVE, place_value(n), set())]  # type: ignore[list-item]

    def fits(a: Candidate, b: Candidate) -> bool:
        return abs(a.key - b.key) >= gap and abs(a.key - b.key) >= ratio * max(a.key, b.key)

    chosen = None
    for values in pools:
        pool = [Candidate(v, (v,), str(v)) for v in values if v != n and low <= v <= high and allowed(v)]
        chosen = choose_set(
            answer, pool, count, rng, fits, at_most_one_multiple(n), prefer=lambda c: multiple_or_divisor(c.key, n)
        )
        if chosen is not None:
            break
    return None if chosen is None else [int(c.key) for c in chosen]


def format_number(value: int, like: str) -> str:
    """`value` written as the answer writes its number: in words, with thousands commas, or plain."""
    if like.casefold() in NUMBER_WORDS:
        word = NUMBER_WORDS[value] if value < len(NUMBER_WORDS) else str(value)
        return word.capitalize() if like[:1].isupper() else word
    if "," in like:
        return f"{value:,}"
    return str(value)
