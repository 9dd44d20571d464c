"""Rules for the wrong options and false statements editors write (`distractors`, `false_statements`).

A worksheet is only as good as its wrong options: a teacher would not print an option that is true according
to some source, that repeats the answer in other words, or that a learner can rule out without knowing the
history. What a program can check of that is checked here, over the whole fact base:

Errors (a wrong option that would teach something false, or could never be used):
- fewer than three distractors (a multiple-choice question shows three);
- a distractor that is an answer the fact base gives to the same question (the fact's, a dispute version's,
  another fact's asking the same question), that names the answer, that the fact's own question, statement
  or answer mentions (the answer in another form, or a name listed beside it), or that repeats another;
- a false statement that is the fact's own statement, repeats another, or is what a vetted fact states.

Warnings (errors under `--strict`), the give-aways item-writing guides warn of:
- the question gives initials or an abbreviation and only the answer matches them;
- the answer shares a distinctive word (or its stem: 'communist', 'Communists') with the question and no
  distractor does;
- a distractor of a different form (a list among single names, digits among words, a common phrase among
  proper names) or far longer or shorter than the answer;
- a distractor whose number lies on the other side of a number the question gives than the answer does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache, partial
from itertools import chain
from typing import NamedTuple

from factdeck.records.by_file import ByFile, not_retracted, whole
from factdeck.records.fact_forms import Forms, forms_of
from factdeck.records.schema import Fact, Record
from factdeck.text.compare import answer_comparison_form, core, name_variants
from factdeck.text.patterns import LazyPattern

MIN_DISTRACTORS = 3
_STEM = 5  # letters two words must share to count as one word in another form
MAX_LENGTH_RATIO = 2.5  # in words: an option this much longer or shorter than the others stands out
_ABBREVIATION = LazyPattern(r"\b[A-Z]{2,6}\b")
_MINOR_WORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "to", "de", "e", "al", "el"}
# Words too common in questions to give an answer away when the answer shares them.
_COMMON_WORDS = {
    "which", "what", "where", "when", "whose", "their", "there", "these", "those", "about", "after", "before",
    "organization", "organisation", "group", "party", "people", "iranian", "country", "government", "called",
    "named", "according", "other", "first", "later", "years", "state", "states", "national", "during",
}  # fmt: skip
_NUMBER = LazyPattern(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")
# Compiled once: these run for every option of every fact (a pattern given as text is looked up in re's cache).
_INITIAL_WORD = LazyPattern(r"[A-Za-z][\w'-]*")
_DIGIT = re.compile(r"\d")
_LIST = LazyPattern(r",|\band\b|&")


def option_sets(facts: Iterable[Fact], forms: Forms = forms_of) -> tuple[dict, list, list]:
    """What `facts` (one file's, in order) add to `OptionRules`' sets, as plain values a cache keeps: the answers
    of the facts not retracted by question (each question's once, sorted), their dispute versions' answers, and
    (what a vetted fact states or claims, its id) in order, all in comparison form."""
    by_question: dict[str, set[str]] = {}
    versions: list[str] = []
    statements: list[tuple[str, str]] = []
    for fact in facts:
        if fact.status == "retracted":
            continue
        form = forms(fact)
        by_question.setdefault(form.question, set()).add(form.answer)
        versions.extend(form.versions)
        if fact.status == "vetted":
            statements.append((form.statement, fact.id))
            statements.extend((claim, fact.id) for claim in form.claims)
    return {question: sorted(answers) for question, answers in by_question.items()}, versions, statements


def _is_option_sets(value: object) -> bool:
    """Whether a kept part is what `option_sets` makes (tested a column at a time)."""
    if type(value) is not tuple or len(value) != 3:
        return False
    by_question, versions, statements = value
    if type(by_question) is not dict or type(versions) is not list or type(statements) is not list:
        return False
    return (
        set(map(type, by_question.values())) <= {list}
        and set(map(type, statements)) <= {tuple}
        and set(map(len, statements)) <= {2}
        and set(map(type, chain(by_question, chain.from_iterable(by_question.values())))) <= {str}
        and set(map(type, chain(versions, chain.from_iterable(statements)))) <= {str}
    )


class OptionProblem(NamedTuple):
    """One finding about a fact's authored options: where (the record), what, and how serious."""

    where: Record
    message: str
    severity: str  # "error" or "warning"


class OptionRules:
    """The rules above, for the facts of one fact base (`facts`: every fact, whatever its status)."""

    def __init__(self, facts: Iterable[Fact], forms: Forms = forms_of, by_file: ByFile | None = None) -> None:
        """`forms`: each fact's texts in comparison form (records/fact_forms.py; kept ones may be given).
        `by_file`: the facts by file, for the sets' parts kept per file (records/by_file.py; default: all facts
        at once)."""
        self._forms = forms
        self._version_answers: set[str] = set()
        self._statements: dict[str, str] = {}  # comparison form of what a vetted fact states -> fact id
        # Each file's part (`option_sets`), merged in the files' order: the same sets as a loop over every fact (a
        # later fact stating the same as an earlier one names it, as it would), and after an edit only the edited
        # file's facts are read (the loop over 10,000 facts' forms was a fifth of making the rules' sets). The
        # answers by question stay in their parts, looked up part by part, until looking up costs more than
        # merging them would have (`answers_to`): a check after an edit asks for one file's questions.
        self._question_parts: list[dict[str, list[str]]] = []
        # The facts but the retracted ones are read only without parts by file (picking them was 2 ms at 10,000 facts).
        for by_question, versions, statements in (by_file or whole(not_retracted(facts)))(
            "option-sets", "", partial(option_sets, forms=forms), _is_option_sets
        ):
            if by_question:
                self._question_parts.append(by_question)
            self._version_answers.update(versions)
            self._statements.update(statements)
        self._merged: dict[str, set[str]] | None = None
        self._lookups = 0
        self._questions_kept = sum(map(len, self._question_parts))  # what merging them would walk

    @property
    def _by_question(self) -> dict[str, set[str]]:
        """Every answer the base gives to each question (comparison forms), merged from the parts once."""
        if self._merged is None:
            merged: dict[str, set[str]] = {}
            for part in self._question_parts:
                for question, answers in part.items():
                    known = merged.get(question)
                    if known is None:
                        merged[question] = set(answers)
                    else:
                        known.update(answers)
            self._merged = merged
        return self._merged

    def answers_to(self, question: str) -> set[str]:
        """The answers the base gives to `question` (comparison form): looked up in each file's part while those
        lookups cost less than merging every part (about as many as the parts hold questions), then merged."""
        if self._merged is None and self._lookups * len(self._question_parts) < self._questions_kept:
            self._lookups += 1
            found: set[str] = set()
            for part in self._question_parts:
                answers = part.get(question)
                if answers is not None:
                    found.update(answers)
            return found
        return self._by_question.get(question, set())

    def inputs(self) -> tuple:
        """Everything `check` reads besides the fact it checks, sorted (a cache keys its findings by it)."""
        return (*self.distractor_inputs(), *self.statement_inputs())

    def distractor_inputs(self) -> tuple:
        """What `check_distractors` reads besides the fact: the answers the fact base gives, sorted."""
        return (
            sorted((question, sorted(answers)) for question, answers in self._by_question.items()),
            sorted(self._version_answers),
        )

    @staticmethod
    def answers_of(facts: Iterable[Fact], forms: Forms = forms_of) -> tuple:
        """What `facts` (some of a base's, e.g. one file's) add to `distractor_inputs`: the (question, answer) pairs
        and the dispute versions' answers of those not retracted, in comparison form, sorted. A base's is the union
        of its files', so a hash of each file's stands for the base's (engine/validation.py keeps one per file)."""
        pairs: set[tuple[str, str]] = set()
        versions: set[str] = set()
        for fact in facts:
            if fact.status != "retracted":
                form = forms(fact)
                pairs.add((form.question, form.answer))
                versions.update(form.versions)
        return sorted(pairs), sorted(versions)

    def statement_inputs(self) -> tuple:
        """What `check_false_statements` reads besides the fact: what vetted facts state, sorted."""
        return (sorted(self._statements.items()),)

    def statement_inputs_of(self, facts: Iterable[Fact]) -> tuple:
        """What `check_false_statements` reads besides `facts` when it checks them: each of their false statements
        (in comparison form) that a vetted fact states, with that fact, sorted (it looks up nothing else among what
        vetted facts state, and which of the facts' false statements no vetted fact states follows from the facts
        themselves, which a cache keeps the findings with). Unlike `statement_inputs`, this stays the same when a
        statement no false statement of `facts` is changes; most facts' false statements are stated by none, so
        the lookups are one set intersection (in C) rather than one per false statement (every file's key is
        worked out after an edit)."""
        return self.statement_inputs_among(
            chain.from_iterable(form.false_statements for form in map(self._forms, facts))
        )

    def statement_inputs_among(self, false_statements: Iterable[str]) -> tuple:
        """`statement_inputs_of` some facts, given their false statements in comparison form (in any order, repeats
        allowed): a cache keeps each file's, so a file's key needs none of its facts' forms."""
        statements = self._statements
        return tuple((key, statements[key]) for key in sorted(statements.keys() & false_statements))

    def check(self, fact: Fact) -> list[OptionProblem]:
        """Every problem with `fact`'s distractors and false statements."""
        return self.check_distractors(fact) + self.check_false_statements(fact)

    def check_false_statements(self, fact: Fact) -> list[OptionProblem]:
        """The problems with `fact`'s false statements."""
        return self._false_statements(fact)

    def check_distractors(self, fact: Fact) -> list[OptionProblem]:
        """The problems with `fact`'s distractors (and with options a disputed fact never uses)."""
        found: list[OptionProblem] = []
        if fact.disputed and (fact.distractors or fact.false_statements):
            found.append(
                OptionProblem(
                    fact,
                    f"fact '{fact.id}': a disputed fact is never asked with one right answer, so its distractors "
                    "and false statements are never used: remove them",
                    "warning",
                )
            )
        found += self._distractors(fact)
        return found

    # --- distractors --------------------------------------------------------------------------------

    def _distractors(self, fact: Fact) -> list[OptionProblem]:
        found: list[OptionProblem] = []
        if not fact.distractors:
            return found
        if len(fact.distractors) < MIN_DISTRACTORS:
            found.append(
                OptionProblem(
                    fact,
                    f"fact '{fact.id}': {len(fact.distractors)} distractor(s); a multiple-choice question needs "
                    f"{MIN_DISTRACTORS} or more: add more, or remove them and the quiz asks another question type",
                    "error",
                )
            )
        # Answers the fact base gives to this question: the fact's own and its versions', every dispute version's,
        # and those of other facts asking the same question (looked up in place: copying the shared sets for
        # every fact cost more than the rest of the rule).
        own_answers = {answer_comparison_form(core(fact.answer))}
        if fact.dispute:
            own_answers |= {answer_comparison_form(core(v.answer)) for v in fact.dispute.versions}
        same_question = self.answers_to(answer_comparison_form(fact.question))
        # The texts compared with every distractor, in comparison form once per fact (as `mentions` pads them).
        own = [f" {answer_comparison_form(t)} " for t in (fact.question, fact.statement, fact.answer)]
        answer_forms = name_variants(fact.answer)
        seen: dict[str, str] = {}
        for distractor in fact.distractors:
            text = distractor.text
            key = answer_comparison_form(text)
            said = f"fact '{fact.id}': distractor '{text}'"
            if key in seen:
                found.append(OptionProblem(distractor, f"{said} repeats distractor '{seen[key]}'", "error"))
                continue
            seen[key] = text
            if key in own_answers or key in self._version_answers or key in same_question or key in answer_forms:
                found.append(
                    OptionProblem(
                        distractor,
                        f"{said} is an answer the fact base gives to this question; a wrong option must be false "
                        "according to every source",
                        "error",
                    )
                )
            elif any(f" {v} " in f" {key} " for v in answer_forms):  # mentions(text, fact.answer)
                found.append(OptionProblem(distractor, f"{said} names the answer '{fact.answer}'", "error"))
            elif any(f" {v} " in padded for v in name_variants(text) for padded in own):  # mentions(own, text)
                found.append(
                    OptionProblem(
                        distractor,
                        f"{said} is named in the fact's own question, statement or answer: it may be the answer "
                        "in other words, or a name the fact lists beside it",
                        "error",
                    )
                )
        if not found and not fact.disputed:
            found += self._give_aways(fact)
        return found

    def _give_aways(self, fact: Fact) -> list[OptionProblem]:
        found: list[OptionProblem] = []
        answer = core(fact.answer)
        options = [d.text for d in fact.distractors]

        def warn(where: Record, message: str) -> None:
            found.append(OptionProblem(where, f"fact '{fact.id}': {message}", "warning"))

        initials = _initials(answer)
        for abbreviation in set(_ABBREVIATION.findall(fact.question)):
            if abbreviation == initials:
                odd = [o for o in options if _initials(o) != abbreviation]
                if odd:
                    warn(
                        fact,
                        f"the question gives the initials '{abbreviation}' and only the answer matches them; "
                        f"write distractors with those initials (not: {', '.join(repr(o) for o in odd)})",
                    )
        # Compared by their first letters, so 'Communists' in the answer echoes 'communist' in the question and
        # 'Kurdistan' in an option answers 'Kurdish' in the answer.
        question_stems = {w[:_STEM] for w in _distinctive(fact.question)}
        option_stems = [{w[:_STEM] for w in answer_comparison_form(o).split()} for o in options]
        for word in _distinctive(answer):
            if word[:_STEM] in question_stems and not any(word[:_STEM] in stems for stems in option_stems):
                warn(
                    fact,
                    f"the answer shares the word '{word}' with the question and no distractor does: "
                    "a learner can pick it without knowing",
                )
        for distractor in fact.distractors:
            text = distractor.text
            difference = _form_difference(answer, text)
            if difference:
                warn(distractor, f"distractor '{text}' {difference}; options should look alike")
        question_numbers = [_value(n) for n in _NUMBER.findall(fact.question)]
        answer_numbers = [_value(n) for n in _NUMBER.findall(answer)]
        if question_numbers and len(answer_numbers) == 1:
            for distractor in fact.distractors:
                numbers = [_value(n) for n in _NUMBER.findall(distractor.text)]
                for limit in question_numbers:
                    if any((n - limit) * (answer_numbers[0] - limit) < 0 for n in numbers):
                        warn(
                            distractor,
                            f"distractor '{distractor.text}' lies on the other side of {limit:g}, which the "
                            "question gives, than the answer does: the question rules it out",
                        )
                        break
        return found

    # --- false statements ---------------------------------------------------------------------------

    def _false_statements(self, fact: Fact) -> list[OptionProblem]:
        found: list[OptionProblem] = []
        true_form = answer_comparison_form(fact.statement)
        seen: set[str] = set()
        for statement in fact.false_statements:
            key = answer_comparison_form(statement)
            said = f"fact '{fact.id}': false statement '{statement}'"
            if key == true_form:
                found.append(OptionProblem(fact, f"{said} is the fact's own statement", "error"))
            elif key in seen:
                found.append(OptionProblem(fact, f"{said} is given twice", "error"))
            elif key in self._statements:
                found.append(
                    OptionProblem(
                        fact,
                        f"{said} is what fact '{self._statements[key]}' states: a false statement must be false "
                        "according to every source",
                        "error",
                    )
                )
            seen.add(key)
        return found


def _initials(text: str) -> str:
    """'Foreign Terrorist Organization' -> 'FTO' (minor words skipped); a short all-capitals name is its own."""
    words = [w for w in _INITIAL_WORD.findall(core(text))]
    if len(words) == 1 and words[0].isupper():
        return words[0]
    return "".join(w[0].upper() for w in words if w.lower() not in _MINOR_WORDS)


def _distinctive(text: str) -> list[str]:
    return [w for w in answer_comparison_form(text).split() if len(w) >= 5 and w not in _COMMON_WORDS]


def _form_difference(answer: str, option: str) -> str:
    """How `option` looks unlike `answer` ('' when it does not)."""
    a, b = len(answer.split()), len(option.split())
    if max(a, b) > MAX_LENGTH_RATIO * min(a, b) and max(a, b) - min(a, b) >= 3:
        return "is far longer than the answer" if b > a else "is far shorter than the answer"
    if _is_list(answer) != _is_list(option):
        return "is a list among single names" if _is_list(option) else "is a single name where the answer is a list"
    if bool(_DIGIT.search(answer)) != bool(_DIGIT.search(option)):
        return "has digits where the answer has none" if _DIGIT.search(option) else "has no digits where the answer has"
    if answer[:1].isupper() != option[:1].isupper():
        return (
            "starts in lower case where the answer is a name"
            if answer[:1].isupper()
            else "is a name where the answer is a phrase"
        )
    return ""


@lru_cache(maxsize=1024)  # asked of the answer again for each of its options
def _is_list(text: str) -> bool:
    return bool(_LIST.search(core(text)))


def _value(text: str) -> float:
    return float(text.replace(",", ""))
