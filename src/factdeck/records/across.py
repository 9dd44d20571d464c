"""The rules about each fact that read the other facts too: the wrong options and false statements editors
write (options.py) and the real people and the subject a question may offer (question_rules.py's `across`).

What they find in one fact file depends only on that file's records and on a few sets made from every fact
(`AcrossRules.key`: the answers each question is given, the dispute versions' answers, what vetted facts
state, the real people's names, the subject the facts are about). Those sets change only when an answer, a
question, a statement or a name changes, so a file's findings can be kept under the file's text, its records'
context and that key (engine/validation.py does, beside the record cache): a check with nothing edited then
makes the sets and looks nothing else up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from factdeck.exceptions import Problem
from factdeck.records.load import FactFile
from factdeck.records.options import OptionRules
from factdeck.records.question_rules import QuestionRules
from factdeck.records.schema import Fact, GlossaryEntry, Source

FileResults = dict[str, tuple[list[Fact], list[Problem]]]
AcrossFiles = Callable[[list[FactFile], FileResults, "AcrossRules", Any], dict[str, list[Problem]]]


class AcrossRules:
    """The rules above for the facts of one fact base (`facts`: every fact, whatever its status)."""

    def __init__(self, facts: list[Fact], glossary: Iterable[GlossaryEntry], sources: Iterable[Source]) -> None:
        self.options = OptionRules(facts)  # authored wrong options and false statements (records/options.py)
        self.questions = QuestionRules(facts, glossary, sources)  # real people, subject (records/question_rules.py)

    def key(self) -> str:
        """A hash of everything these rules read besides the fact they check (sorted, so the facts' order and
        files do not matter)."""
        parts = (*self.options.inputs(), *self.questions.inputs())
        digest = hashlib.sha256()
        for part in parts:
            text = repr(part)
            digest.update(f"{len(text)}:{text}".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def problems(self, facts: Iterable[Fact]) -> list[Problem]:
        """Every problem these rules find with `facts`."""
        found = []
        for fact in facts:
            for option in self.options.check(fact):
                found.append(Problem(option.where.file, option.where.line, option.message, option.severity))
            for asked in self.questions.across(fact):
                found.append(Problem(asked.where.file, asked.where.line, asked.message, asked.severity))
        return found


def across_files(
    files: list[FactFile], found: FileResults, rules: AcrossRules, context: Any = None
) -> dict[str, list[Problem]]:
    """By fact file (`found`: its facts and problems), what `rules` find with its facts, afresh. `context`: what
    the files' records were validated against (validate.py's `FileContext`; a cache keys findings by it)."""
    return {file.display: rules.problems(found[file.display][0]) for file in files}
