"""What a fact's wording allows: a blank, a dateless timeline row, a matching description, a giveaway.

These read only the fact's own text, so what they find is kept per fact across a
watch's rounds (memo.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from factdeck.quiz.distractors import answer_form, replace_token, token_in
from factdeck.records.memo import Keeper
from factdeck.records.schema import Fact
from factdeck.text.compare import answer_comparison_form, core, name_variants
from factdeck.text.dates import MONTHS

T = TypeVar("T")

BLANK = "_____"
MAX_BLANK_WORDS = 5  # a longer blank is an essay, not a gap
MAX_ITEM_WORDS = 28  # a matching or timeline row longer than this does not fit the layout


# The wide month names (as a date writes them, and standing alone) of the languages factdeck ships, as the Babel
# release constraints.txt pins gives them (its CLDR data): loading German's and Persian's locale data for them took
# 10-15 ms of every worksheet. A test holds the table to that release's data; with another release installed, or
# a language not here, the names come from Babel.
_MONTHS_BABEL = "2.18.0"
_SHIPPED_MONTHS: dict[str, frozenset[str]] = {
    "de": frozenset(
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ]
    ),
    "en": frozenset(MONTHS),  # English writes its months alone as in a date, as text/dates.py does
    "fa": frozenset(
        [
            "ژانویهٔ",
            "فوریهٔ",
            "مارس",
            "آوریل",
            "مهٔ",
            "ژوئن",
            "ژوئیهٔ",
            "اوت",
            "سپتامبر",
            "اکتبر",
            "نوامبر",
            "دسامبر",
            "ژانویه",
            "فوریه",
            "مه",
            "ژوئیه",
        ]
    ),
}


def month_names(tag: str) -> frozenset[str]:
    """The wide month names of the language `tag` (a shipped language's tag), in a date ('format') and standing
    alone, as Babel's CLDR data gives them (from `_SHIPPED_MONTHS` where that is the installed release's)."""
    import babel

    if babel.__version__ == _MONTHS_BABEL and tag in _SHIPPED_MONTHS:
        return _SHIPPED_MONTHS[tag]
    months = babel.Locale.parse(tag).months
    return frozenset(str(name) for context in ("format", "stand-alone") for name in months[context]["wide"].values())


@lru_cache(maxsize=1)
def _date_expression() -> re.Pattern[str]:
    """A date as a statement writes it: a year or decade, with a month and a day before it, the month in English
    or in any shipped language, as the Unicode CLDR writes it (through Babel: Persian's with its ezafe,
    'ژانویهٔ ۱۹۷۹'; German's day with its full stop, '20. Juni 1981'), so that a timeline row of a translated
    fact blanks the whole date and never leaves its month as a hint. Digits of any script (Python's `\\d`)."""
    from factdeck.i18n import shipped_languages

    names = set(MONTHS)
    for tag in shipped_languages():
        names.update(month_names(tag))
    names |= {name.removesuffix("\u0654") for name in names}  # the ezafe is not always written
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"(?<![\w-])(?:\d{{1,2}}\.?\s+)?(?:(?:{alternatives})\s+)?\d{{4}}s?(?![\w-])")


_WHO = re.compile(r"^who\s+(?:(?:was|is|were|became|served as)\s+)?(?P<role>.+?)\?$", re.IGNORECASE)
# What weighing found per fact, kept across a watch's rounds (memo.py).


def blank_parts(statement: str, spans: list[tuple[int, int]]) -> tuple[str, ...] | None:
    """The statement cut at `spans` (every whole-word occurrence of the blanked token), if enough words remain.

    `spans` are (start, end) offsets, left to right; None when there are none or fewer than four words remain.
    """
    if not spans:
        return None
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(statement[last:start])
        last = end
    pieces.append(statement[last:])
    if len(" ".join(pieces).split()) < 4:
        return None
    return tuple(pieces)


def _undated(statement: str) -> str | None:
    """The statement with its one date blanked, for a timeline (None if it holds no date or several).

    Blanking keeps the sentence whole ('the _____ referendum'), where cutting the date out would not.
    """
    # One scan, up to a second date (the search of the alternation of every shipped language's months is slow):
    # the one date found blanked is what `sub` would make of it.
    found = _date_expression().finditer(statement)
    date = next(found, None)
    if date is None or next(found, None) is not None:
        return None
    text = f"{statement[: date.start()]}{BLANK}{statement[date.end() :]}"
    if re.search(r"\d{4}|\d0s", text) or not 4 <= len(text.split()) <= MAX_ITEM_WORDS:
        return None
    return text


def _findable_answer(fact: Fact) -> bool:
    """Whether the answer could appear word for word in another question (names and terms, not years or
    numbers, nor very short answers that would match by chance)."""
    return (
        not fact.disputed
        and fact.kind not in ("date", "number")
        and len(answer_comparison_form(core(fact.answer))) >= 4
    )


def gives_away(a: Fact, b: Fact, session: Keeper | None = None) -> bool:
    """Whether either fact's question or statement states the other's answer (as `mentions` finds names);
    what it works out per fact is kept in `session`'s memos."""
    return words_give_away(giveaway_words(a, session), giveaway_words(b, session))


# What `gives_away` compares of a fact: its answer's names, each padded for a whole-word search (none where no
# other question could give the answer away), and its question and statement as `_asked_text` gives them.
GiveawayWords = tuple[tuple[str, ...], str]


def giveaway_words(fact: Fact, session: Keeper | None = None) -> GiveawayWords:
    """What `gives_away` compares of `fact` (kept in `session`'s memos): a fact compared with many others (each
    worksheet candidate with every fact chosen before it) is read once, not once per comparison."""
    return _kept(
        session,
        "quiz.giveaway-words",
        fact,
        lambda: (tuple(f" {name} " for name in _answer_names(fact, session)), _asked_text(fact, session)),
    )


def words_give_away(a: GiveawayWords, b: GiveawayWords) -> bool:
    """`gives_away` of two facts, given their `giveaway_words`."""
    (names_a, asked_a), (names_b, asked_b) = a, b
    return any(name in asked_b for name in names_a) or any(name in asked_a for name in names_b)


def _kept(session: Keeper | None, name: str, fact: Fact, make: Callable[[], T]) -> T:
    """`make()`, kept for `fact` in `session`'s memo called `name` (if there is a session)."""
    return make() if session is None else session.fact_memo(name).get(fact, None, make)


def _answer_names(fact: Fact, session: Keeper | None = None) -> frozenset[str]:
    """The comparison forms of the answer, if another question could give it away (else none)."""
    return _kept(
        session,
        "quiz.answer-names",
        fact,
        lambda: frozenset(name_variants(fact.answer)) if _findable_answer(fact) else frozenset(),
    )


def _asked_text(fact: Fact, session: Keeper | None = None) -> str:
    """The question and statement in comparison form, padded for whole-word search."""
    return _kept(
        session, "quiz.asked-text", fact, lambda: f" {answer_comparison_form(f'{fact.question} {fact.statement}')} "
    )


def timeline_text(fact: Fact, session: Keeper | None = None) -> str | None:
    """A timeline row's text: the statement with its date blanked, if the fact can be one (else None)."""
    return _kept(
        session,
        "quiz.timeline-text",
        fact,
        lambda: None if fact.disputed or not fact.date else _undated(fact.statement),
    )


def matching_role(fact: Fact, session: Keeper | None = None) -> str | None:
    """A matching row's description, if the fact can be one (else None)."""

    def make() -> str | None:
        if fact.disputed or fact.kind not in ("person", "organization") or answer_form(fact) is None:
            return None
        return _role(fact)

    return _kept(session, "quiz.matching-role", fact, make)


def _role(fact: Fact) -> str | None:
    """What a person or organization did, without their name (for a matching question): the shorter of
    the statement with the name blanked and the question's 'Who …?' turned into a description."""
    name = fact.answer.strip()
    roles = []
    if len(re.findall(rf"(?<![\w]){re.escape(name)}(?![\w])", fact.statement)) == 1:
        roles.append(replace_token(fact.statement, name, BLANK))
    match = _WHO.match(fact.question.strip())
    if match and not token_in(match["role"], name):
        roles.append(match["role"][0].upper() + match["role"][1:] + ".")
    roles = [r for r in roles if len(r.split()) <= MAX_ITEM_WORDS]
    return min(roles, key=len) if roles else None
