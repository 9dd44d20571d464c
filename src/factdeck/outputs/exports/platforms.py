"""What every platform export shares: the result with its skipped questions, text on one line, feedback
that cites its sources, single-answer forms of a question, and reading-time limits.

Every export reads a quiz document (document.py) with its questions in version A: the learning platforms
(Canvas, Moodle) the worksheet's, the games (Kahoot!, Blooket, Gimkit, Wayground) questions chosen for
the platform from every fact (games.py). Each platform shuffles questions or answers itself (Kahoot's and
Blooket's game options, Gimkit, Wayground, Canvas's "shuffle answers", Moodle's "shuffle the choices"), so
one version is what a class needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from factdeck.i18n import Language
from factdeck.outputs.vocabulary import Vocabulary

Prompt = Callable[[dict[str, Any], "Language | None"], str]

# C0 and C1 control characters other than white space: no platform shows them, and XML 1.0 forbids most.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Skip:
    """A question left out of a platform's file, and why (printed on standard error)."""

    number: int | None  # the question's number in the worksheet version; None: a fact a game left out
    question: str  # the question's id ("fill-blank:guild-founded"), or the fact's id
    reason: str

    def __str__(self) -> str:
        if self.number is None:
            return f"left out {self.question}: {self.reason}"
        return f"skipped question {self.number} ({self.question}): {self.reason}"


@dataclass
class Export:
    """A platform file: its bytes, how many questions it holds, and the questions it left out."""

    data: bytes
    written: int
    skipped: list[Skip] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # what a game's choice left out, for the user


def one_line(text: object) -> str:
    """Text on one line: runs of white space (newlines, tabs) as one space, control characters removed."""
    return " ".join(_CONTROL.sub("", str(text)).split())


def cite(c: dict[str, Any], language: Language | None = None) -> str:
    """One citation: 'Title, locator (author; stance: critical)', in `language` (English by default)."""
    language = language or Language.source()
    stance = language.gettext(
        "stance: %(stance)s", stance=Vocabulary.of(language).stances.get(c["stance"], c["stance"])
    )
    about = language.pgettext("separator", "; ").join([*([c["author"]] if c.get("author") else []), stance])
    return f"{c['title']}, {c['locator']} ({about})"


def cites(citations: list[dict[str, Any]], language: Language | None = None) -> str:
    return " | ".join(cite(c, language) for c in citations)


def feedback_lines(q: dict[str, Any], language: Language | None = None) -> list[str]:
    """Why the answer is right and where to read it: the explanation, each source with its stance, each
    matching or timeline row's source, and for a disputed fact every version with who claims it; the words
    in `language` (English by default)."""
    language = language or Language.source()
    _ = language.gettext
    summary = q["dispute"]["summary"] if q["dispute"] else None
    lines = [one_line(q["explanation"])] if q["explanation"] and q["explanation"] != summary else []
    swapped = q.get("swapped")
    if swapped:
        lines.append(
            one_line(_("The statement put “%(put)s” for “%(true)s”.", put=swapped["put"], true=swapped["true"]))
        )
    if q["citations"] and not q["dispute"]:
        lines.append(one_line(_("Source: %(sources)s", sources=cites(q["citations"], language))))
    for row in q.get("items", []):
        source = _("Source: %(sources)s", sources=cites(row["citations"], language))
        lines.append(one_line(f"{_('%(label)s: %(value)s', label=row['answer'], value=row['text'])} ({source})"))
    if q["dispute"]:
        lines.append(one_line(_("Sources disagree: %(summary)s", summary=q["dispute"]["summary"])))
        for v in q["dispute"]["versions"]:
            source = _("Source: %(sources)s", sources=cites(v["citations"], language))
            lines.append(one_line(f"{_('%(label)s: %(value)s', label=v['claimed_by'], value=v['claim'])} ({source})"))
        if q["dispute"].get("citations"):
            lines.append(
                one_line(_("Also cited for the fact: %(sources)s", sources=cites(q["dispute"]["citations"], language)))
            )
    return lines


def feedback(q: dict[str, Any], separator: str = " ", language: Language | None = None) -> str:
    return separator.join(feedback_lines(q, language))


@dataclass(frozen=True)
class Single:
    """A question with exactly one correct option, as game platforms ask it."""

    prompt: str
    options: list[str]
    correct: int
    kind: str  # "choice" or "true-false"
    feedback: str
    label: str = ""  # for a disputed fact's form: "the version of X"


def _choice(q: dict[str, Any], language: Language | None = None) -> list[Single]:
    options = [one_line(o) for o in q["options"]]
    return [Single(one_line(q["prompt"]), options, q["correct"], "choice", feedback(q, language=language))]


def _true_false(q: dict[str, Any], language: Language | None = None) -> list[Single]:
    language = language or Language.source()
    options = [language.gettext("True"), language.gettext("False")]
    return [Single(one_line(q["statement"]), options, q["correct"], "true-false", feedback(q, language=language))]


# The forms that have one correct option, as a single-answer platform writes them.
SINGLE_FORMS: dict[str, Callable[[dict[str, Any], Language | None], list[Single]]] = {
    "choice": _choice,
    "true-false": _true_false,
}


def single_answer(q: dict[str, Any], language: Language | None = None) -> list[Single]:
    """The question as single-answer questions: itself for multiple choice and true/false; for a disputed
    fact, one question per version ("… — according to X"), whose options are every version's answer, so
    the dispute is taught and no version is presented as the answer; otherwise none."""
    make = SINGLE_FORMS.get(q["form"])
    if make:
        return make(q, language)
    return [
        Single(
            one_line(a["prompt"]),
            [one_line(o) for o in a["options"]],
            a["correct"],
            "choice",
            feedback(q, language=language),
            one_line(f"the version of {a['claimed_by']}"),
        )
        for a in q["according"]
    ]


NO_SINGLE = {
    "blank": "fill-in-the-blank questions",
    "text": "short-answer questions",
    "matching": "matching questions",
    "ordering": "ordering (timeline) questions",
    "essay": "written (essay) questions",
}


def lacks(platform: str, q: dict[str, Any]) -> str:
    """Why a platform with only single-answer questions cannot take `q`."""
    what = NO_SINGLE.get(q["form"], f"{q['form']} questions")
    return f"{platform} has no {what}"


def too_long(what: str, text: str, limit: int) -> str | None:
    """The reason a text does not fit `limit` characters, or None. Text is never cut: a question that does
    not fit is left out."""
    if len(text) > limit:
        return f"{what} has {len(text)} characters; {limit} at most"
    return None


def reading_seconds(texts: list[str], allowed: tuple[int, ...]) -> int:
    """A time limit for reading and answering: 10 s plus 0.4 s a word (about 150 words a minute), rounded up
    to the smallest of the platform's `allowed` values (seconds, ascending; the largest if none is enough)."""
    words = sum(len(t.split()) for t in texts)
    needed = 10 + math.ceil(words * 0.4)
    return next((s for s in allowed if s >= needed), allowed[-1])


def version_a(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions every export writes: version A's, in its printed order."""
    return list(document["versions"][0]["questions"])


def nothing_fits(platform: str, skipped: list[Skip]) -> str:
    """Why no question of a deck fits a platform, every reason once."""
    reasons = "; ".join(sorted({s.reason for s in skipped})) or (
        "the deck made no questions of the types asked: multiple choice and true/false need distractors and "
        "false statements on facts with a named answer (see the editors' guide), or a year or a number"
    )
    return f"no question of the deck fits {platform} ({reasons}); nothing written (try --types)"


def excerpt_line(e: dict[str, Any], language: Language | None = None) -> str:
    """A source analysis's excerpt: '“quote” — source (publisher; stance: critical), locator', its words in
    `language` (English by default); the quote stays in its source's language."""
    language = language or Language.source()
    stance = language.gettext(
        "stance: %(stance)s", stance=Vocabulary.of(language).stances.get(e["stance"], e["stance"])
    )
    quoted = language.gettext("“%(text)s”", text=e["quote"])
    return f"{quoted} — {e['source']} ({e['publisher']}{language.pgettext('separator', '; ')}{stance}), {e['locator']}"


def prompt_paragraphs(q: dict[str, Any], language: Language | None = None) -> list[str]:
    """A question's text as paragraphs, for the platforms that take HTML: a source analysis's excerpts (with
    source, publisher, stance and locator) first, then the prompt and its instructions."""
    excerpts = [excerpt_line(e, language) for e in q.get("excerpts", [])]
    return [*excerpts, f"{q['prompt']} {q.get('instructions', '')}"]


def blank_paragraph(q: dict[str, Any], blank: str) -> str | None:
    """A fill-in-the-blank's text with `blank` in its gap; None when the question has no parts."""
    return blank.join(q["parts"]) if q["parts"] else None


def html_prompts(paragraph: Callable[[str], str], blank: str) -> tuple[Prompt, Prompt, Prompt]:
    """The question-text functions of a platform that takes HTML, given how it wraps one paragraph: the text
    (excerpts, then prompt), a true/false statement, and a fill-in-the-blank with `blank` in its gap."""

    def text(q: dict[str, Any], language: Language | None = None) -> str:
        return "".join(paragraph(p) for p in prompt_paragraphs(q, language))

    def statement(q: dict[str, Any], language: Language | None = None) -> str:
        return paragraph(q["statement"])

    def with_blank(q: dict[str, Any], language: Language | None = None) -> str:
        filled = blank_paragraph(q, blank)
        return paragraph(filled) if filled is not None else text(q, language)

    return text, statement, with_blank
