"""Moodle XML export: a deck's questions for a Moodle question bank (Question bank → Import → Moodle XML).

Format: Moodle XML (https://docs.moodle.org/en/Moodle_XML_format; Moodle's question/format/xml/format.php):
a `<quiz>` of `<question type="…">` elements, each with `name`, `questiontext format="html"`,
`generalfeedback`, `defaultgrade`, `penalty`, `hidden`, `idnumber` and its type's own elements; a
`<question type="category">` sets the category of the questions after it. The ordering type's elements
(`layouttype`, `selecttype`, `selectcount`, `gradingtype`, `showgrading`, one `answer` per item in the
correct order) are qtype_ordering's `export_to_xml` (question/type/ordering, core since Moodle 4.4).

Forms → types: choice → multichoice; true-false → truefalse; blank, text → shortanswer (the accepted
answers, each worth 100%); matching → matching; ordering (timelines) → ordering; essay → essay (the
sources' excerpts in the question, the versions in the grader information).

Each question's general feedback gives the fact, each source with its locator, author and stance, and
for a disputed fact every version with its claimant; each era of the deck is a category
(`$course$/top/factdeck/<deck id>/<era>`, group questions spanning eras in "Several eras"). The ID
number comes from the fact id (group questions: deck id, type and number). HTML text is escaped once
for HTML, then by ElementTree for XML; answers Moodle compares as plain text are only XML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from factdeck.i18n import Language
from factdeck.outputs.exports.gift import question_id
from factdeck.outputs.exports.platforms import (
    Export,
    feedback_lines,
    html_prompts,
    one_line,
    version_a,
)
from factdeck.quiz.wording import BLANK

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SEVERAL_ERAS = "Several eras"  # the category of questions spanning eras (translated where written)


def _several_eras_message(language: Language) -> str:
    return language.gettext("Several eras")  # the message SEVERAL_ERAS names, for `pybabel extract`


def _text(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    """`<tag …><text>text</text></tag>`, Moodle's way of holding a text."""
    element = ET.SubElement(parent, tag, attrib)
    ET.SubElement(element, "text").text = text
    return element


def _value(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _html(text: str) -> str:
    return f"<p>{html.escape(one_line(text), quote=False)}</p>"


def _choice(q: dict[str, Any], question: ET.Element) -> str:
    _value(question, "single", "true")
    _value(question, "shuffleanswers", "true")
    _value(question, "answernumbering", "abc")
    for i, option in enumerate(q["options"]):
        answer = _text(question, "answer", _html(option), fraction="100" if i == q["correct"] else "0", format="html")
        _text(answer, "feedback", "", format="html")
    return "multichoice"


def _true_false(q: dict[str, Any], question: ET.Element) -> str:
    for value in (True, False):
        fraction = "100" if q["answer"] is value else "0"
        answer = _text(question, "answer", "true" if value else "false", fraction=fraction, format="moodle_auto_format")
        _text(answer, "feedback", "", format="html")
    return "truefalse"


def _short(q: dict[str, Any], question: ET.Element) -> str:
    _value(question, "usecase", "0")
    for accepted in q["accepted"]:
        answer = _text(question, "answer", one_line(accepted), fraction="100", format="moodle_auto_format")
        _text(answer, "feedback", "", format="html")
    return "shortanswer"


def _matching(q: dict[str, Any], question: ET.Element) -> str:
    _value(question, "shuffleanswers", "true")
    for row in q["items"]:
        sub = _text(question, "subquestion", _html(row["text"]), format="html")
        _text(sub, "answer", one_line(row["answer"]))
    return "matching"


def _ordering(q: dict[str, Any], question: ET.Element) -> str:
    rows = sorted(q["items"], key=lambda row: row["rank"])
    for tag, value in (
        ("layouttype", "VERTICAL"),
        ("selecttype", "ALL"),
        ("selectcount", str(len(rows))),
        ("gradingtype", "ABSOLUTE_POSITION"),
        ("showgrading", "SHOW"),
    ):
        _value(question, tag, value)
    for rank, row in enumerate(rows, 1):
        _text(question, "answer", _html(row["text"]), fraction=f"{rank}.0000000", format="html")
    return "ordering"


def _essay(q: dict[str, Any], question: ET.Element) -> str:
    _value(question, "responseformat", "editor")
    _value(question, "responserequired", "1")
    _value(question, "responsefieldlines", "10")
    _value(question, "attachments", "0")
    _value(question, "attachmentsrequired", "0")
    versions = q["dispute"]["versions"] if q["dispute"] else []
    info = "".join(_html(f"{v['claimed_by']}: {v['answer']} — {v['claim']}") for v in versions)
    _text(question, "graderinfo", info or _html(q["answer"]), format="html")
    _text(question, "responsetemplate", "", format="html")
    return "essay"


_text_prompt, _statement_prompt, _blank_prompt = html_prompts(_html, BLANK)


# Each form's question text, and its Moodle question type (writes the type's own elements, returns its name).
TYPES: dict[
    str, tuple[Callable[[dict[str, Any], Language | None], str], Callable[[dict[str, Any], ET.Element], str]]
] = {
    "choice": (_text_prompt, _choice),
    "true-false": (_statement_prompt, _true_false),
    "blank": (_blank_prompt, _short),
    "text": (_text_prompt, _short),
    "matching": (_text_prompt, _matching),
    "ordering": (_text_prompt, _ordering),
    "essay": (_text_prompt, _essay),
}


def moodle_question(deck_id: str, q: dict[str, Any], language: Language | None = None) -> ET.Element:
    """One question as Moodle XML's `<question type="…">`."""
    prompt, write = TYPES[q["form"]]
    question = ET.Element("question", type="")
    _text(question, "name", one_line(f"{deck_id} {q['number']:02d} {q['fact'] or q['type']}"))
    _text(question, "questiontext", prompt(q, language), format="html")
    _text(question, "generalfeedback", "".join(_html(line) for line in feedback_lines(q, language)), format="html")
    _value(question, "defaultgrade", "1")
    _value(question, "penalty", "0.3333333")
    _value(question, "hidden", "0")
    _value(question, "idnumber", question_id(deck_id, q))
    question.set("type", write(q, question))
    return question


def _category(root: ET.Element, path: str) -> None:
    category = ET.SubElement(root, "question", type="category")
    _text(category, "category", path)
    _text(category, "info", "", format="html")


def export_moodle_xml(document: dict[str, Any], language: Language | None = None) -> Export:
    """Version A's questions as Moodle XML (UTF-8 bytes), in a category per era (in the order the eras first appear);
    every question written (Moodle has a type for every form)."""
    deck_id = document["deck"]["id"]
    root = ET.Element("quiz")
    questions = version_a(document)
    by_era: dict[str, list[dict[str, Any]]] = {}
    for q in questions:
        several = (language or Language.source()).gettext(SEVERAL_ERAS)
        by_era.setdefault(q["era"]["title"] if q["era"] else several, []).append(q)
    for era, members in by_era.items():
        # A '/' in a Moodle category path starts a subcategory; doubled, it is a slash in the name.
        _category(root, f"$course$/top/factdeck/{deck_id}/{one_line(era).replace('/', '//')}")
        for q in members:
            root.append(moodle_question(deck_id, q, language))
    ET.indent(root)
    return Export((_XML_HEAD + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8"), len(questions))
