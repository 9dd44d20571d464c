"""Why a fact's wrong options are what they are: what `factdeck options FACT` prints for an editor.

For each fact: the bounds a made-up wrong date keeps within and the rule that set each side (records/bounds.py),
the multiple-choice options a deck's worksheet shows and where each came from (the editor's distractors or the
rules) with how the set keeps the answer hidden (option_sets.py), the false statement a true/false question may show (the editor's, or the statement with one value
changed), or why the fact is asked another way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factdeck.quiz.option_sets import describe_set
from factdeck.quiz.planning import QuizMaker
from factdeck.quiz.types import QUESTION_TYPES
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact


@dataclass
class OptionsReport:
    """What an editor sees for one fact: `lines` of text, in order."""

    fact_id: str
    lines: list[str] = field(default_factory=list)


def explain_options(base: FactBase, fact: Fact, deck: DeckSpec) -> OptionsReport:
    """The report for `fact` as `deck`'s worksheets (its seed) make its questions. Raises nothing: a fact that
    cannot make a question says why."""
    maker = QuizMaker(base, deck, deck.quiz)
    report = OptionsReport(fact.id)
    say = report.lines.append
    if fact.disputed:
        say("disputed: never asked with one right answer (source analysis or short answer instead)")
        return report
    bounds = maker.distractors.bounds(fact)
    if bounds is not None:
        say(f"wrong dates lie {bounds.describe()}")
    numbers = maker.distractors.number_bounds(fact)
    if numbers is not None and (numbers.low_because or numbers.high_because):
        say(f"wrong numbers lie {numbers.describe()}")
    choice = QUESTION_TYPES["multiple-choice"].make(maker, fact)
    if choice is None:
        why = (
            "no distractors written (names are never made up)"
            if fact.kind not in ("date", "number")
            else "too few wrong values within the bounds"
        )
        say(f"multiple choice: not made ({why}); the fact is asked another way")
    else:
        authored = {d.text for d in fact.distractors}
        say(f"multiple choice (deck '{deck.id}', seed {deck.quiz.seed}): answer '{choice.options[0]}'")
        for option in choice.options[1:]:
            say(f"  - '{option}' ({'the editor' if option in authored else 'made by the rules'})")
        if fact.kind in ("date", "number") and any(option not in authored for option in choice.options[1:]):
            say(f"  {describe_set(choice.options, fact.kind)}")
    truefalse = QUESTION_TYPES["true-false"]
    false = truefalse.false_statement(maker, fact)  # type: ignore[attr-defined]  # TrueFalse's own method
    if false is None:
        say("true/false: not made (no false statement written, and no date or number to change consistently)")
    elif false[1] is None:
        say(f"true/false: the editor's false statements ({len(fact.false_statements)})")
    else:
        say(f"true/false: '{false[1][0]}' changed to '{false[1][1]}': {false[0]}")
    return report
