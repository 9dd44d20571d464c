"""GIFT export: a deck's quiz questions in Moodle's GIFT format, for a Moodle question bank.

Format: Moodle's GIFT documentation (https://docs.moodle.org/en/GIFT_format) and its importer,
question/format/gift/format.php; the ordering type's GIFT form, `{>N ALL VERTICAL ABSOLUTE_POSITION SHOW`
then one item a line, is qtype_ordering's `import_from_gift` (question/type/ordering/questiontype.php,
core since Moodle 4.4).

The questions are the quiz document's (document.py, version A), so distractor and dispute rules are the
worksheets'. Each form becomes the nearest GIFT type:

- choice, true-false: multiple choice, true/false;
- blank: short answer with the blank where the braces are (the text around it keeps its spaces);
- text: short answer, accepting the answer and its core without a bracketed note;
- matching: matching;
- ordering (timelines): Moodle's ordering type (Moodle 4.4 and later); with `timeline_as_matching`, the
  old form, matching each event to its date, for older Moodles. Moodle's ordering importer reads every
  line up to the closing brace as an item, so an ordering question has no general feedback;
- essay (source analysis, short answers of disputed facts): an essay, the sources' excerpts in the question.

Every question starts with `// [id:…]`, its Moodle ID number, from the fact id (group questions: the
deck id, type and number), so the same fact keeps the same ID number in every export. General feedback
(`####`) gives the fact, each source with its locator, author and stance, and for a disputed fact every
version with its claimant. Text is HTML-escaped (questions are `[html]`) and GIFT's special characters
~ = # { } : and the backslash are escaped with a backslash.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from factdeck.i18n import Language
from factdeck.outputs.exports.document import quiz_document
from factdeck.outputs.exports.platforms import Export, excerpt_line, feedback_lines, one_line, version_a
from factdeck.outputs.languages import deck_language, localized_base
from factdeck.quiz import with_overrides
from factdeck.quiz.wording import BLANK
from factdeck.records.schema import DeckSpec, Fact
from factdeck.records.validate import FactBase

_GIFT_SPECIAL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"})
# Ordering items are read raw, line by line, up to the first closing brace: braces and the
# feedback marker become character references, which Moodle shows as the characters.
_ORDERING_ITEM = str.maketrans({"{": "&#123;", "}": "&#125;", "#": "&#35;"})
ORDERING_OPTIONS = "ALL VERTICAL ABSOLUTE_POSITION SHOW"


def gift_escape(text: str) -> str:
    """Text that GIFT reads literally: special characters escaped, on one line."""
    return one_line(text).translate(_GIFT_SPECIAL)


def gift_html(text: str) -> str:
    """Fact text for an `[html]` question: markup-inert, then GIFT-escaped."""
    return gift_escape(html.escape(one_line(text), quote=False))


def _gift_html_spaced(text: str) -> str:
    """As gift_html, keeping one space where the text starts or ends with white space (the text around a
    blank: 'founded in ' + blank + ' by ferry workers')."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + gift_html(text) + trail


def _accepted(q: dict[str, Any]) -> str:
    """Short-answer forms Moodle accepts (compared as plain text, so only GIFT-escaped)."""
    return " ".join(f"={gift_escape(a)}" for a in q["accepted"])


def _choice(q: dict[str, Any], head: str, fb: str) -> str:
    options = " ".join(("=" if i == q["correct"] else "~") + gift_html(o) for i, o in enumerate(q["options"]))
    return f"{head}{gift_html(q['prompt'])} {{{options} {fb}}}"


def _true_false(q: dict[str, Any], head: str, fb: str) -> str:
    return f"{head}{gift_html(q['statement'])} {{{'TRUE' if q['answer'] else 'FALSE'}{fb}}}"


def _blank(q: dict[str, Any], head: str, fb: str) -> str:
    # The blank where the braces are (one blank), or at the end (a statement with the answer twice, or with
    # the blank as its first word: the community GIFT grammar, unlike Moodle, reads no question text before
    # an answer block that opens the question, so the text shows the blank as `_____`).
    if len(q["parts"]) == 2 and q["parts"][0].strip():
        before, after = q["parts"]
        return f"{head}{_gift_html_spaced(before)}{{{_accepted(q)} {fb}}}{_gift_html_spaced(after)}"
    return _blank_in_text(q, head, fb) if q["parts"] else _text(q, head, fb)


def _text(q: dict[str, Any], head: str, fb: str) -> str:
    return f"{head}{gift_html(q['prompt'])} {{{_accepted(q)} {fb}}}"


def _blank_in_text(q: dict[str, Any], head: str, fb: str) -> str:
    return f"{head}{gift_html(BLANK.join(q['parts']))} {{{_accepted(q)} {fb}}}"


def _pairs(prompt: str, q: dict[str, Any], head: str, fb: str) -> str:
    # Matching answers are plain text in Moodle: escaped for GIFT only.
    body = " ".join(f"={gift_html(row['text'])} -> {gift_escape(row['answer'])}" for row in q["items"])
    return f"{head}{gift_html(prompt)} {{{body} {fb}}}"


def _matching(q: dict[str, Any], head: str, fb: str) -> str:
    return _pairs(q["prompt"], q, head, fb)


def _timeline_as_matching(language: Language) -> Writer:
    return lambda q, head, fb: _pairs(language.gettext("Match each event to its date."), q, head, fb)


def _ordering(q: dict[str, Any], head: str, fb: str) -> str:
    # Items in date order (Moodle shuffles them); one a line, read as they stand (HTML-escaped only).
    rows = sorted(q["items"], key=lambda row: row["rank"])
    items = "\n".join(html.escape(one_line(row["text"]), quote=False).translate(_ORDERING_ITEM) for row in rows)
    return f"{head}{gift_html(q['prompt'])} {{>{len(rows)} {ORDERING_OPTIONS}\n{items}\n}}"


def _essay(q: dict[str, Any], head: str, fb: str, language: Language | None = None) -> str:
    lines = [gift_html(excerpt_line(e, language)) for e in q.get("excerpts", [])]
    lines.append(gift_html(f"{q['prompt']} {q.get('instructions', '')}"))
    return f"{head}{'<br>'.join(lines)} {{{fb}}}"


def _essay_in(language: Language) -> Writer:
    return lambda q, head, fb: _essay(q, head, fb, language)


Writer = Callable[[dict[str, Any], str, str], str]
# Each form's GIFT question (form: how a question type is asked; quiz/types.py).
WRITERS: dict[str, Writer] = {
    "choice": _choice,
    "true-false": _true_false,
    "blank": _blank,
    "text": _text,
    "matching": _matching,
    "ordering": _ordering,
    "essay": _essay,
}


def question_id(deck_id: str, q: dict[str, Any]) -> str:
    """A question's ID number: its fact's id, or for a group question the deck id, type and number
    ('guild-history-matching-1'). The same fact keeps it in every export."""
    return q["fact"] or f"{deck_id}-{q['id'].replace(':', '-')}"


def gift_question(
    q: dict[str, Any], deck_id: str, writers: dict[str, Writer] = WRITERS, language: Language | None = None
) -> str:
    """One question in GIFT, without blank lines (a blank line ends a question); its feedback's words in
    `language` (English by default)."""
    title = gift_escape(f"{deck_id} {q['number']:02d} {q['fact'] or q['type']}")
    head = f"::{title}::[html]"
    fb = "####" + "<br>".join(gift_html(line) for line in feedback_lines(q, language))
    return f"// [id:{question_id(deck_id, q)}]\n{writers[q['form']](q, head, fb)}"


def export_gift(
    base: FactBase,
    decks: list[tuple[DeckSpec, list[Fact]]],
    questions: int | None = None,
    timeline_as_matching: bool = False,
) -> Export:
    """The decks' quiz questions as one GIFT file (UTF-8), each deck in its own question-bank category;
    `questions` overrides each deck's `quiz.questions`. The questions are version A of the worksheets'.
    Every form has a GIFT type, so nothing is skipped."""
    blocks = ["// factdeck: quiz questions for Moodle (GIFT). Import: Question bank > Import > GIFT format."]
    written = 0
    for deck, selected in decks:
        # Each deck in its own language, its facts' translations in place (outputs/languages.py).
        language = deck_language(base, deck)
        deck_base, _ = localized_base(base, deck)
        facts = [deck_base.facts_by_id[f.id] for f in selected]
        writers = {**WRITERS, "essay": _essay_in(language)}
        if timeline_as_matching:
            writers["ordering"] = _timeline_as_matching(language)
        document = quiz_document(deck_base, deck, facts, with_overrides(deck.quiz, questions=questions, versions=1))
        blocks.append(f"$CATEGORY: $course$/factdeck/{deck.id}")
        for q in version_a(document):
            blocks.append(gift_question(q, deck.id, writers, language))
            written += 1
    return Export(("\n\n".join(blocks) + "\n").encode("utf-8"), written)
