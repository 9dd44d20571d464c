"""GIFT export: a deck's quiz questions in Moodle's GIFT format, for a Moodle question bank.

The questions come from the quiz stage (factdeck.quiz, version A), so distractor and
dispute rules are the worksheets'. Each question becomes the nearest GIFT type:

- multiple choice, true/false: the same;
- fill in the blank: short answer, the blank where the braces are (one blank) or
  at the end (a statement with the answer twice);
- short answer: short answer (accepting the answer with and without its note in
  brackets); a disputed fact's short answer is an essay, since every version is right;
- matching: matching; timeline (GIFT has no ordering type): matching each event to its date;
- source analysis: an essay with the sources' excerpts in the question.

Every question has general feedback (`####`) with the fact and where to read it
(source title, locator), and for a disputed fact every version with its claimant.
Text is HTML-escaped (questions are marked `[html]`) and GIFT's special
characters ~ = # { } : and the backslash are escaped with a backslash.
"""

from __future__ import annotations

import html

from factdeck.quiz import QUESTION_TYPES, Placed, Question, Quiz, Reference, make_quiz, with_overrides
from factdeck.records.schema import DeckSpec, Fact
from factdeck.records.validate import FactBase
from factdeck.text.compare import core

_GIFT_SPECIAL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"})


def gift_escape(text: str) -> str:
    """Text that GIFT reads literally: special characters escaped, on one line."""
    return " ".join(str(text).split()).translate(_GIFT_SPECIAL)


def gift_html(text: str) -> str:
    """Fact text for an `[html]` question: markup-inert, then GIFT-escaped."""
    return gift_escape(html.escape(" ".join(str(text).split()), quote=False))


def _cites(refs: tuple[Reference, ...]) -> str:
    return "; ".join(f"{r.source}, {r.locator}" for r in refs)


def _feedback(q: Question) -> str:
    """General feedback: why, where to read it, and every version of a dispute."""
    parts = [gift_html(q.explanation)] if q.explanation else []
    if q.references and not q.versions:
        parts.append(gift_html(f"Source: {_cites(q.references)}."))
    for item in q.items:
        parts.append(gift_html(f"{item.answer}: {item.text} ({_cites(item.references)})"))
    if q.versions:
        parts.append(gift_html("Sources disagree. Every version, with who makes it:"))
        parts += [gift_html(f"{v.claimed_by}: {v.claim} ({_cites(v.references)})") for v in q.versions]
    return "<br>".join(parts)


def gift_question(placed: Placed, deck_id: str) -> str:
    """One question in GIFT, without blank lines (a blank line ends a question); its type writes the body."""
    q = placed.question
    title = gift_escape(f"{deck_id} {placed.number:02d} {q.fact_ids[0] if len(q.fact_ids) == 1 else q.type}")
    head = f"::{title}::[html]"
    feedback = f"####{_feedback(q)}"
    return QUESTION_TYPES.of(q).gift(placed, head, feedback, _GIFT_TEXT)


def _accepted(answer: str) -> str:
    """Short-answer forms Moodle accepts (compared as plain text, so only GIFT-escaped)."""
    forms = dict.fromkeys(f for f in (answer.strip(), core(answer)) if f)
    return " ".join(f"={gift_escape(f)}" for f in forms)


class _GiftText:
    """GIFT's escaping, as the question types (factdeck.quiz) write their GIFT form with it."""

    html = staticmethod(gift_html)
    escape = staticmethod(gift_escape)
    accepted = staticmethod(_accepted)


_GIFT_TEXT = _GiftText()


def export_gift(base: FactBase, decks: list[tuple[DeckSpec, list[Fact]]], questions: int | None = None) -> bytes:
    """The decks' quiz questions as one GIFT file (UTF-8 bytes), each deck in its own question-bank category;
    `questions` overrides each deck's `quiz.questions`. The questions are version A of the worksheets'."""
    blocks = ["// factdeck: quiz questions for Moodle (GIFT). Import: Question bank > Import > GIFT format."]
    for deck, facts in decks:
        settings = with_overrides(deck.quiz, questions=questions, versions=1)
        quiz: Quiz = make_quiz(base, deck, facts, settings)
        blocks.append(f"$CATEGORY: $course$/factdeck/{deck.id}")
        blocks += [f"// {p.question.id}\n{gift_question(p, deck.id)}" for p in quiz.versions[0].questions]
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
