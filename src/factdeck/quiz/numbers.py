"""Numbers in fact texts: words and digits read as values, wrong numbers scaled from the answer and written as
it writes its number, and whether a statement's count may change (quiz/distractors.py uses these)."""

from __future__ import annotations

import re
from collections.abc import Callable

NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
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
    """Whether a value lies on the answer's side of every number the question gives (rule 6)."""
    limits = [n for n in numbers_in(question) if n != answer]

    def same_side(value: float) -> bool:
        return all((value - limit) * (answer - limit) > 0 for limit in limits)

    return same_side


_LIST_OPENER = re.compile(r":|\bnamely\b|\bincluding\b|\(")
_CLAUSE_END = re.compile(r"[;.](?:\s|$)")


def swappable_count(statement: str, token: str) -> bool:
    """Whether changing the number `token` keeps `statement` consistent: not where the statement goes on to
    list that many items ('five smaller camps: A, B, C, D and E')."""
    value = number_value(token)
    for match in _whole_word(token).finditer(statement):
        rest = statement[match.end() :]
        end = _CLAUSE_END.search(rest)
        clause = rest[: end.start()] if end else rest
        opener = _LIST_OPENER.search(clause)
        if opener is None:
            continue
        items = []
        for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", clause[opener.end() :].strip(" )")):
            if not item.strip()[:1].isupper():  # the list of names ends where the sentence goes on
                break
            items.append(item)
        if len(items) == value:
            return False
    return True


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


def format_number(value: int, like: str) -> str:
    """`value` written as the answer writes its number: in words, with thousands commas, or plain."""
    if like.casefold() in NUMBER_WORDS:
        word = NUMBER_WORDS[value] if value < len(NUMBER_WORDS) else str(value)
        return word.capitalize() if like[:1].isupper() else word
    if "," in like:
        return f"{value:,}"
    return str(value)
