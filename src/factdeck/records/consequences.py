"""One mistake, one message: problems that follow from another are folded under it, the cause first.

A misspelt key gives "unknown key 'citation'" and "missing required key 'citations'"; a misspelt source id in
sources.yaml gives "unknown source" at every citation of the source and "never cited" at the id itself, the
real cause sorted last. `fold_consequences` finds these patterns in the validator's problems and returns the
cause with its consequences in `Problem.folded` (shown indented under it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from factdeck.exceptions import Problem
from factdeck.text.patterns import LazyPatterns

# The messages a cause and its consequences are told by: compiled where a project's problems are first folded
# (`_PATTERNS`), not with the module, which every check imports and a check that finds no problem never needs.
_PATTERNS = LazyPatterns(
    {
        "subject": r"^((?:fact|deck|source|era) '[^']*'): ",
        "unknown key": r"unknown key '([^']*)' \(did you mean '([^']*)'\?\)",
        "missing key": r"missing required key '([^']*)'",
        "unknown id": r"unknown (source|era) '([^']*)' \(did you mean '([^']*)'\?",
        "include names": r"^deck '([^']*)': include names (?:tag '[^']*', which no fact has|unknown )",
        "empty deck": r"^deck '([^']*)': its selection matches no vetted fact",
        "never cited": r"^source '([^']*)' is never cited$",
    }
)


Where = tuple[str, int]


def fold_consequences(
    problems: list[Problem], defined: dict[tuple[str, str], Where], unused: set[tuple[str, str]]
) -> list[Problem]:
    """`problems` with consequences folded under their cause. `defined`: where each (kind, id) of a source or
    era is defined; `unused`: those that no fact uses (a misspelt definition is one of them)."""
    problems = _fold_missing_keys(problems)
    problems = _fold_empty_decks(problems)
    return _fold_unknown_ids(problems, defined, unused)


def _fold_under(problems: list[Problem], cause_of: dict[int, int]) -> list[Problem]:
    """`problems` with each index in `cause_of` folded under the problem at its value."""
    folded: dict[int, list[Problem]] = defaultdict(list)
    for consequence, cause in cause_of.items():
        folded[cause].append(problems[consequence])
    return [
        replace(p, folded=p.folded + tuple(folded[i])) if i in folded else p
        for i, p in enumerate(problems)
        if i not in cause_of
    ]


def _subject(problem: Problem) -> str | None:
    match = _PATTERNS["subject"].match(problem.message)
    return match.group(1) if match else None


def _fold_missing_keys(problems: list[Problem]) -> list[Problem]:
    """ "missing required key 'M'" folded under "unknown key 'K' (did you mean 'M'?)" of the same record (for
    a nested key, "unknown key 'a[0].K'" and "missing required key 'a[0].M'")."""
    causes: dict[tuple[str, str | None, str], int] = {}
    for i, problem in enumerate(problems):
        match = _PATTERNS["unknown key"].search(problem.message)
        if match:
            prefix = match.group(1).rpartition(".")[0]
            meant = f"{prefix}.{match.group(2)}" if prefix else match.group(2)
            causes.setdefault((problem.path, _subject(problem), meant), i)
    cause_of = {}
    for i, problem in enumerate(problems):
        match = _PATTERNS["missing key"].search(problem.message)
        cause = causes.get((problem.path, _subject(problem), match.group(1))) if match else None
        if cause is not None:
            cause_of[i] = cause
    return _fold_under(problems, cause_of)


def _fold_empty_decks(problems: list[Problem]) -> list[Problem]:
    """A deck's "selection matches no vetted fact" folded under what its include names that does not exist."""
    causes: dict[str, int] = {}
    for i, problem in enumerate(problems):
        match = _PATTERNS["include names"].match(problem.message)
        if match:
            causes.setdefault(match.group(1), i)
    cause_of = {}
    for i, problem in enumerate(problems):
        match = _PATTERNS["empty deck"].match(problem.message)
        if match and match.group(1) in causes:
            cause_of[i] = causes[match.group(1)]
    return _fold_under(problems, cause_of)


def _fold_unknown_ids(
    problems: list[Problem], defined: dict[tuple[str, str], Where], unused: set[tuple[str, str]]
) -> list[Problem]:
    """Every "unknown source/era 'V'" of one value under one problem: the definition of the id it was
    probably meant to be when that id is used nowhere and several records name 'V' alike (a misspelt
    definition), else the first of them (one record's misspelt reference: the cause is at that record)."""
    groups: dict[tuple[str, str, str], list[Problem]] = defaultdict(list)
    rest: list[Problem] = []
    for problem in problems:
        match = _PATTERNS["unknown id"].search(problem.message)
        if match and problem.severity == "error":
            groups[(match.group(1), match.group(2), match.group(3))].append(problem)
        else:
            rest.append(problem)
    if not groups:
        return problems
    causes: list[Problem] = []
    definitions_named: set[str] = set()
    for (kind, value, meant), found in groups.items():
        found.sort()
        if (kind, meant) in defined and (kind, meant) in unused and len(found) > 1:
            path, line = defined[(kind, meant)]
            uses = "citation" if kind == "source" else "fact"
            count = f"{len(found)} {uses}s"
            causes.append(
                Problem(
                    path,
                    line,
                    f"{kind} '{meant}': no fact uses this id, and {count} name the unknown {kind} '{value}': if "
                    f"'{meant}' is a misspelling of '{value}', correct it here (the errors it causes follow)",
                    "error",
                    tuple(found),
                )
            )
            if kind == "source":
                definitions_named.add(meant)
        elif len(found) > 1:
            head, *others = found
            more = f" (and {len(others)} more with the same unknown {kind}, below)"
            causes.append(replace(head, message=head.message + more, folded=head.folded + tuple(others)))
        else:
            causes.extend(found)
    # "never cited" at a definition now reported as the cause says the same thing twice.
    rest = [
        p
        for p in rest
        if not (
            (m := _PATTERNS["never cited"].match(p.message))
            and m.group(1) in definitions_named
            and p.severity == "warning"
        )
    ]
    return sorted(rest + causes)
