"""Every fact file's part of a set the rules across facts read (records/by_file.py), merged into one part that
stands for all of them: a rule given the merged part alone, as if every fact were in one file, makes the same sets
as it makes from each file's part in the files' order.

A cache keeps the merged parts beside each file's (engine/kept_across.py): a check after an edit then makes the sets
from the kept merged part and tests that the edited file's own part is the one it had, where it read and merged a
part of every file. Each merge keeps what its rule's fold reads: where the fold depends on the files' order (a later
name or statement wins), the merged part is what the fold leaves, written so that folding it alone leaves the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from itertools import chain, repeat, starmap
from typing import Any


def _people(parts: list[Any]) -> list[tuple[str, str, bool]]:
    # question_rules.py's `_people` folds each file's entries in order (a name sets its form, a surname only where the
    # form has no name yet), then the glossary's: what the files' entries leave is each form's name, as entries that
    # set it (none a surname), which the glossary's then fold onto as before.
    people: dict[str, str] = {}
    for form, name, surname in chain.from_iterable(parts):
        if surname:
            people.setdefault(form, name)
        else:
            people[form] = name
    return [(form, name, False) for form, name in people.items()]


def _names(parts: list[Any]) -> list[str]:
    # question_rules.py's answer names: the parts' union.
    return sorted(set().union(*parts))


def _counts(parts: list[Any]) -> dict[str, int]:
    # The subject's names and the date rule's stems: counts by name, added up (each name repeated as often as it is
    # counted and counted in C: adding 100 files' counts a dict at a time was a loop over 100,000 counts in Python).
    each = chain.from_iterable(chain.from_iterable(starmap(repeat, part.items())) for part in parts)
    return dict(Counter(each))


def _joined(parts: list[Any]) -> list[Any]:
    # The date facts and the dated answers: each file's, in the files' order.
    return list(chain.from_iterable(parts))


def _option_sets(parts: list[Any]) -> tuple[dict[str, list[str]], list[str], list[tuple[str, str]]]:
    # options.py's `OptionRules`: the answers by question and the versions' answers are unions; what vetted facts state
    # is a dict in which a later file's fact wins.
    by_question: dict[str, set[str]] = {}
    versions: set[str] = set()
    statements: dict[str, str] = {}
    for questions, answers, stated in parts:
        for question, given in questions.items():
            by_question.setdefault(question, set()).update(given)
        versions.update(answers)
        statements.update(stated)
    return {q: sorted(a) for q, a in by_question.items()}, sorted(versions), list(statements.items())


MERGES: dict[str, Callable[[list[Any]], Any]] = {
    "option-sets": _option_sets,
    "people": _people,
    "answer-names": _names,
    "subject-names": _counts,
    "stem-counts": _counts,
    "date-facts": _joined,
    "dated-answers": _joined,
}


def merged(name: str, parts: list[Any]) -> Any:
    """The part `name` of all files, from each file's `parts` in the files' order. Raises KeyError for a part with no
    merge here (a cache then keeps no merged sets)."""
    return MERGES[name](parts)


def option_sets_read(parts: list[Any], forms: Collection[str]) -> Any:
    """The option sets of each file's `parts` merged as the rules read them for a base's own facts: the questions to
    which the base gives two answers or more, and what vetted facts state only at `forms` (comparison forms). A fact's
    distractor is looked up among the answers to its question besides its own answer (options.py), which is all a
    question of one answer gives; and the only statements a rule reads are the false statements', so those of a
    base's stand for all. Only the questions of two answers or more in a part, or asked in two parts, are merged."""
    asked_in = Counter(chain.from_iterable(questions.keys() for questions, _, _ in parts))
    by_question: dict[str, set[str]] = {}
    versions: set[str] = set()
    statements: dict[str, str] = {}
    for questions, answers, stated in parts:
        for question, given in questions.items():
            if len(given) > 1 or asked_in[question] > 1:
                by_question.setdefault(question, set()).update(given)
        versions.update(answers)
        statements.update(stated)
    asked = {question: sorted(given) for question, given in by_question.items() if len(given) > 1}
    return asked, sorted(versions), [(form, statements[form]) for form in statements.keys() & forms]


def statements_moved(then: Any, now: Any) -> set[str] | None:
    """The forms whose stating fact differs between two option-set parts of one file (`then`, `now`: each a
    `option_sets` part); None if the parts differ in anything but what their facts state (their answers or versions)."""
    if then[0] != now[0] or then[1] != now[1]:
        return None
    before, after = dict(then[2]), dict(now[2])
    return {form for form in before.keys() | after.keys() if before.get(form) != after.get(form)}
