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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from factdeck.exceptions import Problem
from factdeck.records.by_file import ByFile
from factdeck.records.fact_forms import Forms, forms_of
from factdeck.records.load import FactFile
from factdeck.records.options import OptionRules
from factdeck.records.question_rules import QuestionProblem, QuestionRules
from factdeck.records.schema import Fact, GlossaryEntry, Source

FileResults = dict[str, tuple[Sequence[Fact], list[Problem]]]
# What the rules across facts find: the disagreements between facts across the base (question_rules.py), and by
# file the problems with its facts.
AcrossFound = tuple[list[QuestionProblem], dict[str, list[Problem]]]
AcrossFiles = Callable[[list[FactFile], FileResults, Any, list[GlossaryEntry], list[Source]], AcrossFound]


class AcrossRules:
    """The rules above for the facts of one fact base (`facts`: every fact, whatever its status)."""

    def __init__(
        self,
        facts: Sequence[Fact],
        glossary: Iterable[GlossaryEntry],
        sources: Iterable[Source],
        forms: Forms = forms_of,
        by_file: ByFile | None = None,
        false_statements: Callable[[list[Fact]], Iterable[str]] | None = None,
    ) -> None:
        """`forms`: each fact's texts in comparison form (records/fact_forms.py; kept ones may be given).
        `by_file`: `facts` by file, for the parts of the sets a cache keeps per file (records/by_file.py).
        `false_statements`: the false statements (comparison forms) of one file's facts, as their forms give them
        (a cache keeps each file's: the false statements' key then reads no unchanged file's forms)."""
        self._false_statements = false_statements
        # Authored wrong options and false statements (records/options.py).
        self.options = OptionRules(facts, forms, by_file)
        self._forms = forms
        self._by_file = by_file
        # Real people, the subject, dated events (question_rules.py).
        self.questions = QuestionRules(facts, glossary, sources, forms, by_file)

    def key(self) -> str:
        """A hash of everything these rules read besides the fact they check (sorted, so the facts' order and
        files do not matter)."""
        return _digest((*self.options.inputs(), *self.questions.inputs(), *self.questions.date_inputs()))

    def parts(
        self, known: Mapping[str, str] | None = None
    ) -> list[tuple[str, Callable[[list[Fact]], str], Callable[[Fact], list[Problem]]]]:
        """The rules in parts that read different sets, in the order `problems` gives their findings: each part's
        name, a function giving a hash of what it reads of the sets when it checks some facts (a cache keeps a
        file's findings under it), and its check of one fact. An edited answer or question moves the distractors'
        sets; an edited statement moves the false statements' hash only for facts one of whose false statements
        was or is that statement (the part reads what vetted facts state only at its facts' false statements).
        `known`: the hashes of the parts `questions` and `date-give-aways` where a cache knows them (the sets they
        read are the ones it kept them with: engine/kept_across.py), not made again (sorting and hashing every
        person, subject and date fact)."""
        known = known or {}
        distractors = self._distractors_key()
        questions = known.get("questions") or _digest(self.questions.inputs())
        dates = known.get("date-give-aways") or _digest(self.questions.date_inputs())
        return [
            ("distractors", lambda facts: distractors, self.distractor_problems),
            ("false-statements", self._false_statements_key, self.false_statement_problems),
            ("questions", lambda facts: questions, self.question_problems),
            ("date-give-aways", lambda facts: dates, self.date_problems),
        ]

    def _false_statements_key(self, facts: list[Fact]) -> str:
        """A hash of what the false statements' part reads of the sets when it checks `facts` (one file's)."""
        if self._false_statements is None:
            return _digest(self.options.statement_inputs_of(facts))
        return _digest(self.options.statement_inputs_among(self._false_statements(facts)))

    def _distractors_key(self) -> str:
        """A hash of what the distractors' part reads of the sets (`OptionRules.distractor_inputs`). With the facts
        by file, a hash of each file's answers (`OptionRules.answers_of`), kept with the file's shares: the sets are
        their union, so equal hashes mean equal sets, and a check after an edit does not sort and hash every fact's
        answers (a fifth of making the sets at 10,000 facts). A fact moved to another file changes it (a miss)."""
        if self._by_file is None:
            return _digest(self.options.distractor_inputs())
        forms = self._forms
        return _digest(
            self._by_file("answers", "", lambda facts: _digest(OptionRules.answers_of(facts, forms)), _is_digest)
        )

    def problems(self, facts: Iterable[Fact]) -> list[Problem]:
        """Every problem these rules find with `facts`: by fact, its parts' problems in `parts`' order."""
        checks = [check for _, _, check in self.parts()]
        return [p for fact in facts for check in checks for p in check(fact)]

    def distractor_problems(self, fact: Fact) -> list[Problem]:
        """The problems with `fact`'s distractors (records/options.py)."""
        return [
            Problem(o.where.file, o.where.line, o.message, o.severity) for o in self.options.check_distractors(fact)
        ]

    def false_statement_problems(self, fact: Fact) -> list[Problem]:
        """The problems with `fact`'s false statements (records/options.py)."""
        found = self.options.check_false_statements(fact)
        return [Problem(o.where.file, o.where.line, o.message, o.severity) for o in found]

    def question_problems(self, fact: Fact) -> list[Problem]:
        """The problems with the questions `fact` makes that read other facts (question_rules.py's `across`)."""
        return [Problem(q.where.file, q.where.line, q.message, q.severity) for q in self.questions.across(fact)]

    def date_problems(self, fact: Fact) -> list[Problem]:
        """A question or statement of `fact` naming the date another fact asks (date_giveaways.py)."""
        found = self.questions.date_give_aways(fact)
        return [Problem(q.where.file, q.where.line, q.message, q.severity) for q in found]


def _is_digest(value: Any) -> bool:
    return type(value) is str and len(value) == 64


def _digest(parts: Iterable[Any]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        text = repr(part)
        digest.update(f"{len(text)}:{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def across_files(
    files: list[FactFile], found: FileResults, context: Any, glossary: list[GlossaryEntry], sources: list[Source]
) -> AcrossFound:
    """What the rules for every fact of the fact files `files` (`found`: by file, its facts and problems) find,
    afresh: the disagreements across the base, and by file what they find with its facts. `context`: what the files' records were validated against
    (validate.py's `FileContext`; a cache keys what it keeps by it)."""
    rules = AcrossRules([fact for file in files for fact in found[file.display][0]], glossary, sources)
    problems = {file.display: rules.problems(found[file.display][0]) for file in files}
    return rules.questions.disagreements(), problems
