"""Single question types: one fact makes one question.

Multiple choice, true/false and fill in the blank need an answer the fact's
statement repeats or a same-kind answer with distractors (distractors.py);
short answer suits every fact; source analysis suits only disputed facts, and a
disputed fact never becomes a question with one version as the answer.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

from factdeck.i18n import Language
from factdeck.quiz.distractors import answer_form, replace_token
from factdeck.quiz.model import REASON_LABELS, DisputeReasonNote, Excerpt, Question, reason_label
from factdeck.quiz.types import QUESTION_TYPES, QuestionType, accepted_answers
from factdeck.quiz.wording import BLANK, MAX_BLANK_WORDS, blank_parts
from factdeck.records.fields import NAMED_KINDS
from factdeck.records.question_rules import blank_leftovers, blank_token
from factdeck.records.schema import Fact
from factdeck.text.compare import core
from factdeck.text.words import whole_word_spans

if TYPE_CHECKING:
    from factdeck.quiz.planning import QuizMaker
    from factdeck.quiz.versions import Placed

OPTIONS = 4  # a multiple-choice question's options: the answer and three distractors
_BRACKETED = re.compile(r"\s*\([^()]*\)")


class _SingleType(QuestionType):
    def can(self, maker: QuizMaker, fact: Fact) -> bool:
        """Whether `make` gives a question, without making the cheap-to-decide ones (every fact of the deck is
        weighed this way; a test holds the two to the same answers). Kept across a watch's rounds."""
        memo = maker.base.session.fact_memo(f"quiz.can.{self.name}")
        return memo.get(fact, self.weighing_context(maker), lambda: self.weigh(maker, fact))

    def weighing_context(self, maker: QuizMaker) -> object:
        """What weighing depends on besides the fact: distractors depend on the pools (the same while their
        state's number is) and on the seed."""
        return maker.options_context

    def weigh(self, maker: QuizMaker, fact: Fact) -> bool:
        # A disputed fact is never asked with one right answer; otherwise the question is made to see, and kept
        # for the worksheet to take back (`QuizMaker.made`).
        if fact.disputed:
            return False
        question = self.make(maker, fact)
        maker.weighed[(self.name, fact.id)] = (maker.options_context, question)
        return question is not None


@QUESTION_TYPES.register
class MultipleChoice(_SingleType):
    """The question with the answer among three same-kind distractors."""

    name = "multiple-choice"
    section = 1
    weight = 4.0
    shuffles_options = True

    def make(self, maker: QuizMaker, fact: Fact) -> Question | None:
        if fact.disputed:
            return None
        wrong = maker.distractors.wrong_options(fact, OPTIONS - 1, maker.rng(self.name, fact.id))
        if wrong is None:
            return None
        form = answer_form(fact, maker.memos)
        correct = form.option if form is not None else core(fact.answer)
        if not any("(" in text for text, _ in wrong):  # brackets only the answer has would mark it
            correct = " ".join(_BRACKETED.sub("", correct).split()) or correct
        return Question(
            f"{self.name}:{fact.id}",
            self.name,
            fact.question,
            (fact.id,),
            correct,
            fact.statement,
            maker.references(fact.citations),
            options=(correct, *(text for text, _ in wrong)),
            option_notes=("", *(why for _, why in wrong)),
        )

    def arrange(
        self, question: Question, rng: random.Random, positions: list[int]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        wrong = rng.sample(range(1, len(question.options)), len(question.options) - 1)
        return tuple(wrong[: (p := positions.pop())] + [0] + wrong[p:]), ()

    def answer_label(self, placed: Placed) -> str:
        return f"{placed.correct_letter}. {placed.question.options[0]}"

    def web_fields(self, question: Question, order: tuple[int, ...], names: tuple[int, ...]) -> dict[str, Any]:
        return {"options": [question.options[i] for i in order], "correct": order.index(0)}

    def data(self, placed: Placed) -> dict[str, Any]:
        q = placed.question
        notes = [q.option_notes[i] if i < len(q.option_notes) else "" for i in placed.order]
        return {
            "form": "choice",
            "options": placed.options,
            "correct": placed.order.index(0),
            "answer": q.options[0],
            "why_wrong": notes,  # per printed option: why it is wrong, where an editor wrote it ('' otherwise)
        }


@QUESTION_TYPES.register
class TrueFalse(_SingleType):
    """The statement as given, or a false one: an editor's (`false_statements`), or the statement with its
    year or number changed; never a name pasted into it. Half of them each way."""

    name = "true-false"
    section = 2
    weight = 2.0

    def false_statement(self, maker: QuizMaker, fact: Fact) -> tuple[str, tuple[str, str] | None] | None:
        """A false statement for `fact` and, where a value was changed, (the true value, the one put in its
        place); None when the fact has none."""
        rng = maker.rng(self.name, fact.id)
        if fact.false_statements:
            return rng.choice(fact.false_statements), None
        swap = maker.distractors.false_swap(fact, rng)  # dates and numbers only
        if swap is None:
            return None
        return replace_token(fact.statement, *swap), (swap.token, swap.replacement)

    def make(self, maker: QuizMaker, fact: Fact, truth: bool = True) -> Question | None:
        if fact.disputed:
            return None
        false = self.false_statement(maker, fact)  # a fact that cannot be false is not asked: the set balances
        if false is None:
            return None
        refs = maker.references(fact.citations)
        _ = maker.language.gettext
        words: tuple[tuple[str, str], ...] = (("true", _("True")), ("false", _("False")))
        if truth:
            return Question(
                f"{self.name}:{fact.id}",
                self.name,
                fact.statement,
                (fact.id,),
                words[0][1],
                fact.statement,
                refs,
                truth=True,
                words=words,
            )
        text, swapped = false
        if swapped is not None:
            words += (("swapped", _("(The statement put “%(put)s” for “%(true)s”.)", put=swapped[1], true=swapped[0])),)
        return Question(
            f"{self.name}:{fact.id}",
            self.name,
            text,
            (fact.id,),
            words[1][1],
            fact.statement,
            refs,
            truth=False,
            swapped=swapped,
            words=words,
        )

    def make_several(self, maker: QuizMaker, facts: list[Fact], rng: random.Random) -> list[Question | None]:
        # Half true, half false, in an order drawn from `rng`.
        truths = [i % 2 == 0 for i in range(len(facts))]
        rng.shuffle(truths)
        return [self.make(maker, fact, truth) for fact, truth in zip(facts, truths)]

    def answer_label(self, placed: Placed) -> str:
        q = placed.question
        return q.word("true", "True") if q.truth else q.word("false", "False")

    def web_fields(self, question: Question, order: tuple[int, ...], names: tuple[int, ...]) -> dict[str, Any]:
        options = [question.word("true", "True"), question.word("false", "False")]
        fields: dict[str, Any] = {"options": options, "correct": 0 if question.truth else 1}
        if question.swapped:
            put = f"(The statement put “{question.swapped[1]}” for “{question.swapped[0]}”.)"
            fields["explanation"] = f"{question.explanation} {question.word('swapped', put)}"
        return fields

    def data(self, placed: Placed) -> dict[str, Any]:
        q = placed.question
        swapped = {"true": q.swapped[0], "put": q.swapped[1]} if q.swapped else None
        return {
            "form": "true-false",
            "options": ["True", "False"],
            "correct": 0 if q.truth else 1,
            "answer": bool(q.truth),
            "statement": q.prompt,
            "swapped": swapped,
        }


@QUESTION_TYPES.register
class FillBlank(_SingleType):
    """The statement with the answer's words blanked."""

    name = "fill-blank"
    section = 3
    weight = 2.0

    def weighing_context(self, maker: QuizMaker) -> object:
        return None  # a blank depends on the fact alone

    def weigh(self, maker: QuizMaker, fact: Fact) -> bool:
        return self.blank(fact) is not None

    def blank(self, fact: Fact) -> tuple[tuple[str, ...], str] | None:
        """A fill-in-the-blank's parts and the blanked words as the statement writes them, if it can make one."""
        if fact.disputed:
            return None
        form = answer_form(fact)
        if form is not None and fact.kind in ("date", "number"):
            token = form.token  # the year or the number, as the statement writes it
        else:  # a name: as the statement writes it, with its bracketed short name where it has one
            token = blank_token(fact.statement, fact.answer) or core(fact.answer)
        if len(token.split()) > MAX_BLANK_WORDS:
            return None
        if fact.kind in NAMED_KINDS and blank_leftovers(fact.statement, fact.answer, fact.kind):
            return None  # the sentence names the answer again in another form: the blank gives it away
        spans = whole_word_spans(fact.statement, token)
        parts = blank_parts(fact.statement, spans)
        if parts is None:
            return None
        start, end = spans[0]
        return parts, fact.statement[start:end]

    def make(self, maker: QuizMaker, fact: Fact) -> Question | None:
        blank = self.blank(fact)
        if blank is None:
            return None
        parts, shown = blank
        return Question(
            f"{self.name}:{fact.id}",
            self.name,
            BLANK.join(parts),
            (fact.id,),
            shown,
            fact.statement,
            maker.references(fact.citations),
            parts=parts,
        )

    def web_fields(self, question: Question, order: tuple[int, ...], names: tuple[int, ...]) -> dict[str, Any]:
        return {"parts": list(question.parts)}

    def data(self, placed: Placed) -> dict[str, Any]:
        q = placed.question
        return {"form": "blank", "parts": list(q.parts), "accepted": accepted_answers(q.answer)}


@QUESTION_TYPES.register
class ShortAnswer(QuestionType):
    """The question, answered in the learner's words; a disputed fact's key lists every version."""

    name = "short-answer"
    section = 6
    weight = 1.5

    def can(self, maker: QuizMaker, fact: Fact) -> bool:
        return True

    def make(self, maker: QuizMaker, fact: Fact) -> Question:
        explanation = fact.dispute.summary if fact.dispute else fact.statement
        return Question(
            f"{self.name}:{fact.id}",
            self.name,
            fact.question,
            (fact.id,),
            fact.answer,
            explanation,
            maker.references(fact.citations),
            versions=maker.version_answers(fact),
            words=(("instructions", maker.language.gettext("Give every version, with who makes it.")),),
        )

    def data(self, placed: Placed) -> dict[str, Any]:
        if placed.question.disputed:  # every version is right: written, not matched against one answer
            instructions = placed.question.word("instructions", "Give every version, with who makes it.")
            return {"form": "essay", "instructions": instructions, "excerpts": []}
        return super().data(placed)


def reason_note(fact: Fact, language: Language | None = None) -> DisputeReasonNote | None:
    """The fact's dispute reason as the key, the guide and the web quiz show it (None where none is recorded),
    its label in `language` (English by default)."""
    reason = fact.dispute.reason if fact.dispute else None
    if reason is None:
        return None
    label = reason_label(reason.type, language) if language is not None else REASON_LABELS[reason.type]
    return DisputeReasonNote(reason.type, label, reason.why)


SOURCE_ANALYSIS_INSTRUCTIONS = (
    "Who makes each claim, and why might the sources differ (their points of view, one text contradicting "
    "itself, different times, different things described, or a slip)?"
)


@QUESTION_TYPES.register
class SourceAnalysis(QuestionType):
    """A disputed fact: each version's source in its own words; who claims what, and why."""

    name = "source-analysis"
    section = 7
    weight = 2.5
    for_disputes = True

    def can(self, maker: QuizMaker, fact: Fact) -> bool:
        return fact.dispute is not None

    def make(self, maker: QuizMaker, fact: Fact) -> Question | None:
        if not fact.dispute:
            return None
        excerpts = []
        for version in fact.dispute.versions:
            c = version.citations[0]
            s = maker.base.sources[c.source]
            excerpts.append(Excerpt(s.id, s.title, s.publisher, s.kind, s.stance, s.perspective, c.locator, c.quote))
        return Question(
            f"{self.name}:{fact.id}",
            self.name,
            fact.question,
            (fact.id,),
            fact.answer,
            fact.dispute.summary,
            maker.references(fact.all_citations(), limit=4),
            excerpts=tuple(excerpts),
            versions=maker.version_answers(fact),
            reason=reason_note(fact, maker.language),
            words=(
                (
                    "instructions",
                    maker.language.gettext(
                        "Who makes each claim, and why might the sources differ (their points of view, one text "
                        "contradicting itself, different times, different things described, or a slip)?"
                    ),
                ),
            ),
        )

    def web_fields(self, question: Question, order: tuple[int, ...], names: tuple[int, ...]) -> dict[str, Any]:
        reason = question.reason
        return {
            "reason": {"type": reason.type, "label": reason.label, "why": reason.why} if reason else None,
            "excerpts": [
                {
                    "source": e.source,
                    "publisher": e.publisher,
                    "stance": e.stance,
                    "perspective": e.perspective,
                    "locator": e.locator,
                    "quote": e.quote,
                }
                for e in question.excerpts
            ],
        }

    def data(self, placed: Placed) -> dict[str, Any]:
        fields = self.web_fields(placed.question, (), ())
        return {
            "form": "essay",
            "instructions": placed.question.word("instructions", SOURCE_ANALYSIS_INSTRUCTIONS),
            "excerpts": fields["excerpts"],
            "reason": fields["reason"],  # the reason the key credits: {type, label, why}, or null
        }
