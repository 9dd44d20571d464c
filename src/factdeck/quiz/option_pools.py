"""What every wrong option of a quiz is checked against, drawn from the whole fact base (distractors.py's rules
1-3 and the bans on made-up years and numbers): each fact's share of it (`Share`), and the pools made of every
fact's share (`pools`)."""

from __future__ import annotations

import re
from typing import NamedTuple

from factdeck.quiz.numbers import numbers_in
from factdeck.records.dates import parse_date
from factdeck.records.schema import Fact
from factdeck.text.compare import answer_comparison_form, core
from factdeck.text.dates import MONTHS

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
