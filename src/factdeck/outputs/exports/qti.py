"""QTI export: a deck's questions as a QTI 1.2 package the way Canvas exports and imports classic quizzes.

Format: IMS Question & Test Interoperability 1.2 (namespace http://www.imsglobal.org/xsd/ims_qtiasiv1p2)
in an IMS content package, as Canvas writes it ("QTI .zip file" under Settings → Import course content;
Canvas's own quiz exports, e.g. those kept in the notch8/viva repository's examples/canvas-export): a zip
holding `imsmanifest.xml` (namespace http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1) with two
resources, the assessment (`imsqti_xmlv1p2`, `<id>/<id>.xml`) and its Canvas settings
(`associatedcontent/imscc_xmlv1p1/learning-application-resource`, `<id>/assessment_meta.xml`, namespace
http://canvas.instructure.com/xsd/cccv1p0). Each item's `itemmetadata` names its Canvas `question_type`:

- choice → multiple_choice_question; true-false → true_false_question (a `response_lid`, one
  `response_label` per option, 100 points for the correct one);
- blank, text → short_answer_question (Canvas's "fill in the blank"; every accepted answer a `varequal`);
- matching → matching_question (a `response_lid` per description, every name as a label);
- ordering → matching_question, each event to its date (Canvas classic quizzes have no ordering type);
- essay → essay_question (source analysis with the sources' excerpts; disputed short answers).

Every item has general feedback (`itemfeedback ident="general_fb"`) with the fact, each source with its
locator, author and stance, and for a disputed fact every version with its claimant. Question text and
feedback are HTML (`texttype="text/html"`, fact text HTML-escaped, then XML-escaped by ElementTree);
options are plain text. Identifiers derive from the deck id and fact ids, so an export is the same each
time. Nothing is skipped: Canvas has a type for every form.
"""

from __future__ import annotations

import hashlib
import html
import io
import zipfile
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from factdeck.i18n import Language
from factdeck.outputs.exports.platforms import (
    Export,
    feedback_lines,
    html_prompts,
    one_line,
    version_a,
)
from factdeck.quiz.wording import BLANK

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2 http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed times in the zip: the same questions give the same bytes


def ident(*parts: str) -> str:
    """A Canvas-style identifier ('g' and 32 hex digits) from text: the same text, the same identifier."""
    return "g" + hashlib.md5(":".join(("factdeck", *parts)).encode("utf-8")).hexdigest()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _html(text: str) -> str:
    return f"<div><p>{html.escape(one_line(text), quote=False)}</p></div>"


def _metadata(item: ET.Element, question_type: str, answer_ids: list[str], ref: str) -> None:
    fields = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in (
        ("question_type", question_type),
        ("points_possible", "1.0"),
        ("original_answer_ids", ",".join(answer_ids)),
        ("assessment_question_identifierref", ref),
    ):
        field = _sub(fields, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _material(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    _sub(_sub(parent, "material"), "mattext", text, texttype=texttype)


def _scoring(item: ET.Element) -> ET.Element:
    """`resprocessing` with the score variable and the general feedback shown for any response."""
    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    shown = _sub(processing, "respcondition", continue_="Yes")
    _sub(_sub(shown, "conditionvar"), "other")
    _sub(shown, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    return processing


def _choices(q: dict[str, Any], item: ET.Element, presentation: ET.Element, kind: str) -> tuple[str, list[str]]:
    ids = [str(1000 + i) for i in range(len(q["options"]))]
    choice = _sub(_sub(presentation, "response_lid", ident="response1", rcardinality="Single"), "render_choice")
    for answer_id, option in zip(ids, q["options"]):
        _material(_sub(choice, "response_label", ident=answer_id), one_line(option), "text/plain")
    right = _sub(_scoring(item), "respcondition", continue_="No")
    _sub(_sub(right, "conditionvar"), "varequal", ids[q["correct"]], respident="response1")
    _sub(right, "setvar", "100", action="Set", varname="SCORE")
    return kind, ids


def _choice(q: dict[str, Any], item: ET.Element, presentation: ET.Element) -> tuple[str, list[str]]:
    return _choices(q, item, presentation, "multiple_choice_question")


def _true_false(q: dict[str, Any], item: ET.Element, presentation: ET.Element) -> tuple[str, list[str]]:
    return _choices(q, item, presentation, "true_false_question")


def _short(q: dict[str, Any], item: ET.Element, presentation: ET.Element) -> tuple[str, list[str]]:
    fib = _sub(_sub(presentation, "response_str", ident="response1", rcardinality="Single"), "render_fib")
    _sub(fib, "response_label", ident="answer1", rshuffle="No")
    right = _sub(_scoring(item), "respcondition", continue_="No")
    condition = _sub(right, "conditionvar")
    for accepted in q["accepted"]:
        _sub(condition, "varequal", one_line(accepted), respident="response1")
    _sub(right, "setvar", "100", action="Set", varname="SCORE")
    return "short_answer_question", []


def _pairs(q: dict[str, Any], item: ET.Element, presentation: ET.Element, names: list[str]) -> tuple[str, list[str]]:
    labels = {name: str(2000 + i) for i, name in enumerate(dict.fromkeys(one_line(n) for n in names))}
    ids = [str(1000 + i) for i in range(len(q["items"]))]
    processing = _scoring(item)
    share = f"{100 / len(ids):.2f}"
    for answer_id, row in zip(ids, q["items"]):
        lid = _sub(presentation, "response_lid", ident=f"response_{answer_id}")
        _material(lid, one_line(row["text"]), "text/plain")
        choice = _sub(lid, "render_choice")
        for name, label in labels.items():
            _material(_sub(choice, "response_label", ident=label), name, "text/plain")
        right = _sub(processing, "respcondition")
        _sub(
            _sub(right, "conditionvar"), "varequal", labels[one_line(row["answer"])], respident=f"response_{answer_id}"
        )
        _sub(right, "setvar", share, varname="SCORE", action="Add")
    return "matching_question", ids


def _matching(q: dict[str, Any], item: ET.Element, presentation: ET.Element) -> tuple[str, list[str]]:
    return _pairs(q, item, presentation, q["names"])


def _ordering(q: dict[str, Any], item: ET.Element, presentation: ET.Element) -> tuple[str, list[str]]:
    dates = [row["answer"] for row in sorted(q["items"], key=lambda row: row["rank"])]
    return _pairs(q, item, presentation, dates)


def _essay(q: dict[str, Any], item: ET.Element, presentation: ET.Element) -> tuple[str, list[str]]:
    fib = _sub(_sub(presentation, "response_str", ident="response1", rcardinality="Single"), "render_fib")
    _sub(fib, "response_label", ident="answer1", rshuffle="No")
    done = _sub(_scoring(item), "respcondition", continue_="No")
    _sub(_sub(done, "conditionvar"), "other")
    return "essay_question", []


_text_prompt, _statement_prompt, _blank_prompt = html_prompts(_html, BLANK)


def _ordering_prompt(q: dict[str, Any], language: Language | None = None) -> str:
    words = language or Language.source()
    return _html(words.gettext("Match each event to its date (the dates put the events in order)."))


ItemWriter = Callable[[dict[str, Any], ET.Element, ET.Element], tuple[str, list[str]]]
# Each form's question text, and its presentation and scoring (which return the Canvas question_type and
# the answer ids).
ITEMS: dict[str, tuple[Callable[[dict[str, Any], Language | None], str], ItemWriter]] = {
    "choice": (_text_prompt, _choice),
    "true-false": (_statement_prompt, _true_false),
    "blank": (_blank_prompt, _short),
    "text": (_text_prompt, _short),
    "matching": (_text_prompt, _matching),
    "ordering": (_ordering_prompt, _ordering),
    "essay": (_text_prompt, _essay),
}


def qti_item(deck_id: str, q: dict[str, Any], language: Language | None = None) -> ET.Element:
    """One question as a QTI `item`, its identifiers from the deck id and the question's fact (or id)."""
    key = q["fact"] or q["id"]
    item = ET.Element("item", ident=ident(deck_id, "item", key), title=one_line(f"{q['number']}. {key}"))
    prompt, write = ITEMS[q["form"]]
    presentation = _sub(item, "presentation")
    _material(presentation, prompt(q, language))
    question_type, answer_ids = write(q, item, presentation)
    metadata = ET.Element("tmp")
    _metadata(metadata, question_type, answer_ids, ident(deck_id, "bank", key))
    item.insert(0, metadata[0])  # itemmetadata comes first
    fb = _sub(_sub(_sub(item, "itemfeedback", ident="general_fb"), "flow_mat"), "material")
    lines = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in feedback_lines(q, language))
    _sub(fb, "mattext", lines, texttype="text/html")
    return item


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    # ElementTree cannot write "continue" as a keyword argument: it is written "continue_" and renamed here.
    for element in root.iter("respcondition"):
        if "continue_" in element.attrib:
            element.set("continue", element.attrib.pop("continue_"))
    return (_XML_HEAD + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def _assessment(
    deck_id: str, aid: str, title: str, questions: list[dict[str, Any]], language: Language | None = None
) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": QTI_SCHEMA})
    assessment = _sub(root, "assessment", ident=aid, title=title)
    field = _sub(_sub(assessment, "qtimetadata"), "qtimetadatafield")
    _sub(field, "fieldlabel", "cc_maxattempts")
    # Canvas's own exports write "unlimited" here when the quiz allows unlimited attempts, as assessment_meta's
    # allowed_attempts -1 says; the two must agree.
    _sub(field, "fieldentry", "unlimited")
    section = _sub(assessment, "section", ident="root_section")
    for q in questions:
        section.append(qti_item(deck_id, q, language))
    return _xml(root)


def _meta(aid: str, title: str, description: str, points: int) -> bytes:
    root = ET.Element(
        "quiz",
        {"identifier": aid, "xmlns": CANVAS_NS, "xmlns:xsi": XSI_NS,
         "xsi:schemaLocation": f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd"},
    )  # fmt: skip
    for tag, text in (
        ("title", title),
        ("description", description),
        ("shuffle_answers", "true"),
        ("scoring_policy", "keep_highest"),
        ("hide_results", ""),
        ("quiz_type", "practice_quiz"),
        ("points_possible", f"{points:.1f}"),
        ("show_correct_answers", "true"),
        ("allowed_attempts", "-1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
    ):
        _sub(root, tag, text)
    return _xml(root)


def _manifest(deck_id: str, aid: str, title: str) -> bytes:
    root = ET.Element(
        "manifest",
        {"identifier": ident(deck_id, "manifest"), "xmlns": MANIFEST_NS, "xmlns:imsmd": IMSMD_NS},
    )
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    lom_title = _sub(_sub(_sub(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    _sub(lom_title, "imsmd:string", f"QTI quiz export: {title}")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    meta_id = ident(deck_id, "assessment-meta")
    quiz = _sub(resources, "resource", identifier=aid, type="imsqti_xmlv1p2")
    _sub(quiz, "file", href=f"{aid}/{aid}.xml")
    _sub(quiz, "dependency", identifierref=meta_id)
    meta = _sub(
        resources,
        "resource",
        identifier=meta_id,
        type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
        href=f"{aid}/assessment_meta.xml",
    )
    _sub(meta, "file", href=f"{aid}/assessment_meta.xml")
    return _xml(root)


def export_qti(document: dict[str, Any], language: Language | None = None) -> Export:
    """Version A's questions as one Canvas quiz in a QTI 1.2 zip (bytes); every question written."""
    deck_id = document["deck"]["id"]
    title = one_line(document["deck"]["title"])
    questions = version_a(document)
    aid = ident(deck_id, "assessment")
    description = (language or Language.source()).gettext(
        "Questions from the deck's worksheet (version A), made by factdeck; each answer's feedback cites its source."
    )
    files = {
        "imsmanifest.xml": _manifest(deck_id, aid, title),
        f"{aid}/{aid}.xml": _assessment(deck_id, aid, title, questions, language),
        f"{aid}/assessment_meta.xml": _meta(aid, title, description, len(questions)),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, _EPOCH), data, zipfile.ZIP_DEFLATED)
    return Export(out.getvalue(), len(questions))
