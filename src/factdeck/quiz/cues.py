"""Cues that tell a true statement from a false one without knowing the history: measured, so a test can hold
them near chance.

A student who learns that false statements are the short ones (or the ones without a second clause) scores
without knowing anything. `statement_pairs` lists every statement a deck's true/false questions can show, each
labelled true or false; `best_single_cue` finds how well the best threshold on one surface feature (length in
characters, in words, the number of clauses) separates them, as balanced accuracy (the mean of the share of
true statements and the share of false ones it classifies right: 0.5 is chance whatever the class sizes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from factdeck.records.schema import Fact

_CLAUSE = re.compile(r"[;:]|, (?:and|but|which|while|after|as|though|although) ")


@dataclass(frozen=True)
class LabelledStatement:
    fact_id: str
    text: str
    true: bool


FEATURES: dict[str, Callable[[str], float]] = {
    "characters": lambda text: float(len(text)),
    "words": lambda text: float(len(text.split())),
    "clauses": lambda text: float(len(_CLAUSE.findall(text))),
}


def statement_pairs(facts: list[Fact], false_for: Callable[[Fact], list[str]]) -> list[LabelledStatement]:
    """Each fact's statement (true) and the false statements `false_for(fact)` says it can show (false), for
    the facts that have at least one false statement."""
    out: list[LabelledStatement] = []
    for fact in facts:
        falses = false_for(fact)
        if not falses:
            continue
        out.append(LabelledStatement(fact.id, fact.statement, True))
        out += [LabelledStatement(fact.id, text, False) for text in falses]
    return out


def balanced_accuracy(statements: list[LabelledStatement], feature: Callable[[str], float]) -> float:
    """The best balanced accuracy of a rule 'feature below t means X' (either way round) over every t."""
    trues = [feature(s.text) for s in statements if s.true]
    falses = [feature(s.text) for s in statements if not s.true]
    if not trues or not falses:
        return 0.5
    best = 0.5
    for t in sorted(set(trues) | set(falses)) + [float("inf")]:
        below_true = sum(v < t for v in trues) / len(trues)
        below_false = sum(v < t for v in falses) / len(falses)
        # 'below t means false' gets the false ones below and the true ones above right; the reverse rule the rest.
        score = ((1 - below_true) + below_false) / 2
        best = max(best, score, 1 - score)
    return best


def best_single_cue(statements: list[LabelledStatement]) -> dict[str, float]:
    """Balanced accuracy of the best threshold on each feature of FEATURES."""
    return {name: balanced_accuracy(statements, feature) for name, feature in FEATURES.items()}
