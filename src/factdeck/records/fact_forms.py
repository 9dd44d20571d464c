"""What the rules across facts read of each fact, in comparison form (text/compare.py): made once per fact, and
kept with each fact file's findings (engine/validation.py), so that a check whose files are unchanged makes
the sets those rules compare every fact with (records/across.py) without putting every text in comparison form
again.

A `FactForms` depends on the fact alone; `forms_of` makes it. The rules take a function giving each fact's
forms, so a caller may hand them kept ones; a test holds kept forms to fresh ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from factdeck.records.date_giveaways import stems
from factdeck.records.schema import Fact
from factdeck.text.compare import answer_comparison_form, core, name_variants

SUBJECT_WORDS = 4  # a subject is a short name (question_rules.py's subject rule)


class FactForms(NamedTuple):
    """One fact's texts in comparison form: `question`, `answer` (its core), the dispute versions' answers
    (`versions`, cores) and claims (`claims`), `statement`, the words of its question and statement together
    (`words`, for counting the names most facts use) and the short names its answer gives (`names`: the
    answer's name variants of fewer than SUBJECT_WORDS words; none for a date or number, or an answer of 80
    characters or more), the content-word stems of its question and statement (`stems`, sorted: what the
    date give-away rule compares, date_giveaways.py), and its false statements (`false_statements`, in order: what
    the false-statement rule looks up among what vetted facts state, options.py)."""

    question: str
    answer: str
    versions: tuple[str, ...]
    statement: str
    claims: tuple[str, ...]
    words: tuple[str, ...]
    names: tuple[str, ...]
    stems: tuple[str, ...]
    false_statements: tuple[str, ...]


Forms = Callable[[Fact], FactForms]


def forms_of(fact: Fact) -> FactForms:
    """`fact`'s forms, made afresh."""
    versions = fact.dispute.versions if fact.dispute else []
    answer = fact.answer.strip()
    names = (
        sorted(v for v in name_variants(answer) if v.count(" ") < SUBJECT_WORDS)
        if fact.kind not in ("date", "number") and len(answer) < 80
        else []
    )
    return FactForms(
        answer_comparison_form(fact.question),
        answer_comparison_form(core(fact.answer)),
        tuple(answer_comparison_form(core(v.answer)) for v in versions),
        answer_comparison_form(fact.statement),
        tuple(answer_comparison_form(v.claim) for v in versions),
        tuple(answer_comparison_form(f"{fact.question} {fact.statement}").split()),
        tuple(names),
        tuple(sorted(stems(f"{fact.question} {fact.statement}"))),
        tuple(answer_comparison_form(statement) for statement in fact.false_statements),
    )
