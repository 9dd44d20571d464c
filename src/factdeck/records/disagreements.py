"""Date and number facts that disagree (question_rules.py's `QuestionRules.disagreements`), read from each fact
file's part.

Two vetted, undisputed facts of one kind whose questions have the same content words and whose answers share no
number disagree. What the rule reads of a fact (its kind, its question's content words, its answer's numbers) is a
part of each file (records/by_file.py): after an edit only the edited file's facts are read again, and the groups
are merged from every file's part, in the facts' order (a loop over every fact's question and answer was a tenth
of the rules across facts at 10,000 facts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import methodcaller

from factdeck.records.fact_forms import Forms
from factdeck.records.quoted_details import number_values
from factdeck.records.schema import Fact
from factdeck.text.compare import core

# (file, line, kind, the question's content words, the answer's numbers) of a fact the rule compares.
Dated = tuple[str, int, str, frozenset[str], frozenset[int]]


def dated_answers(
    facts: Iterable[Fact], forms: Forms, content_words: Callable[[str], frozenset[str]], min_words: int
) -> list[Dated]:
    """What the rule reads of `facts` (one file's, in order): each vetted, undisputed date or number fact whose
    question has `min_words` content words or more and whose answer gives a number, as plain values a cache keeps."""
    found: list[Dated] = []
    for f in facts:
        if f.status == "vetted" and f.kind in ("date", "number") and f.dispute is None:
            words = content_words(forms(f).question)
            values = number_values(core(f.answer))
            if len(words) >= min_words and values:
                found.append((f.file, f.line, f.kind, words, values))
    return found


def is_dated_answers(value: object) -> bool:
    """Whether a kept part is what `dated_answers` makes (tested a column at a time, in C)."""
    if type(value) is not list:
        return False
    if not set(map(type, value)) <= {tuple} or not set(map(len, value)) <= {5}:
        return False
    if not value:
        return True
    files, lines, kinds, words, values = zip(*value)
    return (
        set(map(type, files)) <= {str}
        and set(map(type, lines)) <= {int}
        and set(map(type, kinds)) <= {str}
        and set(map(type, words)) <= {frozenset}
        and set(map(type, values)) <= {frozenset}
    )


def grouped(
    facts: Sequence[Fact], parts: Iterable[list[Dated]]
) -> dict[tuple[str, frozenset[str]], list[tuple[Fact, frozenset[int]]]] | None:
    """The compared facts by (kind, content words), each with its answer's numbers, in `facts`' order, from the parts
    (in `facts`' files' order); None if a part names a place no one fact of `facts` is at (facts made in memory
    share a place: the caller reads the facts themselves)."""
    places = dict(zip(map(methodcaller("get", "_where", ("", 0)), map(vars, facts)), facts))
    if len(places) != len(facts):
        return None
    groups: dict[tuple[str, frozenset[str]], list[tuple[Fact, frozenset[int]]]] = {}
    for part in parts:
        for file, line, kind, words, values in part:
            fact = places.get((file, line))
            if fact is None:
                return None
            groups.setdefault((kind, words), []).append((fact, values))
    return groups


def disagreeing(groups: dict[tuple[str, frozenset[str]], list[tuple[Fact, frozenset[int]]]]) -> list[tuple[Fact, Fact]]:
    """Each compared fact of `groups` (`grouped`'s) with the first other fact of its group whose answer shares no number
    with its own, where there is one, in the groups' order."""
    found: list[tuple[Fact, Fact]] = []
    for group in groups.values():
        for x, values in group:
            other = next((y for y, theirs in group if y is not x and not theirs & values), None)
            if other is not None:
                found.append((x, other))
    return found


def message(x: Fact, other: Fact) -> str:
    """The warning at `x`, which disagrees with `other`."""
    return (
        f"fact '{x.id}' answers '{x.answer}' where fact '{other.id}' ({other.file}:{other.line}) answers "
        f"'{other.answer}' to the same kind of question: correct one, or record the disagreement as a dispute"
    )
