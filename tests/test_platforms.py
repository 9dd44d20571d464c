"""Platform exports (Kahoot, Wayground, Blooket, Gimkit, Canvas QTI, Moodle XML) and the quiz document.

Each file is read back with a parser of its format (openpyxl, csv, ElementTree, zipfile) and compared
question by question with `factdeck quiz --format json`; hostile text (markup, quotes, commas, newlines,
GIFT's special characters, a formula, right-to-left Persian) must arrive as text.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import Project, sample_project

from factdeck.build import load_and_validate
from factdeck.quiz import make_quiz, with_overrides
from factdeck.records.select import select_facts

N = "12"  # with the sample's extra facts, 12 questions hold every form (choice … essay)
ODD_TITLE = 'A "Chronicle", {of} the ~River= Guild #1: <b>bold</b> \\ end'
ODD_QUESTION = 'How many ferry "workers", with <i>{=~#:}</i> signs, signed the charter?'
PERSIAN = "تالار"
FORMULA = '=HYPERLINK("http://example.invalid") In which town did the ferry workers first meet?'


def norm(text: object) -> str:
    return " ".join(str(text).split())


def html_text(markup: str) -> str:
    """What an HTML field shows: tags removed, entities decoded, white space collapsed."""
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def singles(q: dict) -> list[tuple[str, list[str], int]]:
    """The single-answer questions a game makes of `q`: itself, or one per version of a dispute."""
    if q["form"] == "choice":
        return [(norm(q["prompt"]), [norm(o) for o in q["options"]], q["correct"])]
    if q["form"] == "true-false":
        return [(norm(q["statement"]), ["True", "False"], q["correct"])]
    return [(norm(a["prompt"]), [norm(o) for o in a["options"]], a["correct"]) for a in q["according"]]


def _yaml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("platforms") / "proj"
    project = sample_project(root, more_facts=True)
    project.replace("facts/sources.yaml", 'title: "A Chronicle of the River Guild"', f'title: "{_yaml(ODD_TITLE)}"')
    project.replace(
        "facts/more-guild.yaml",
        'question: "How many ferry workers signed the guild\'s charter?"',
        f'question: "{_yaml(ODD_QUESTION)}"',
    )
    project.replace(
        "facts/more-guild.yaml",
        'question: "What do the sources say about when the guild hall burned?"',
        f'question: "What do the sources say about when the guild hall ({PERSIAN}) burned?"',
    )
    project.replace(
        "facts/more-guild.yaml",
        'question: "In which town did the ferry workers first meet?"',
        f'question: "{_yaml(FORMULA)}"',
    )
    project.replace(
        "facts/more-guild.yaml",
        'statement: "The ferry workers first met at Calder Quay in 1900."',
        'statement: "The ferry workers, tired,\\nfirst met at Calder Quay in 1900."',
    )
    return project


@pytest.fixture(scope="module")
def document(hostile: Project) -> dict:
    out = hostile.root / "quiz.json"
    result = hostile.run("quiz", "guild-history", "--format", "json", "-n", N, "--versions", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def questions(document: dict) -> list[dict]:
    qs = document["versions"][0]["questions"]
    assert {q["form"] for q in qs} == {"choice", "true-false", "blank", "text", "matching", "ordering", "essay"}
    return qs


def export(project: Project, fmt: str, *extra: str) -> tuple[Path, str]:
    extension = {"kahoot": "xlsx", "wayground": "xlsx", "blooket": "csv", "gimkit": "csv", "qti": "zip"}
    out = project.root / "out" / f"guild-{fmt}.{extension.get(fmt, 'xml')}"
    result = project.run("export", fmt, "guild-history", "-n", N, "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out, result.stderr


def test_hostile_text_reaches_the_document(document: dict, questions: list[dict]):
    text = json.dumps(document, ensure_ascii=False)
    for odd in (ODD_TITLE, ODD_QUESTION, PERSIAN, FORMULA, "tired,\nfirst"):
        assert json.dumps(odd, ensure_ascii=False)[1:-1] in text, odd


def test_quiz_json_holds_every_version_as_the_worksheet_prints_it(tmp_path: Path):
    project = sample_project(tmp_path / "proj", more_facts=True)
    result = project.run("quiz", "guild-history", "--format", "json", "-n", N, "--versions", "3")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    base = load_and_validate(project.root)
    deck = base.deck("guild-history")
    quiz = make_quiz(base, deck, select_facts(base, deck), with_overrides(deck.quiz, questions=12, versions=3))
    assert [v["letter"] for v in doc["versions"]] == ["A", "B", "C"]
    for version, made in zip(doc["versions"], quiz.versions):
        for q, placed in zip(version["questions"], made.questions, strict=True):
            assert (q["number"], q["id"], q["type"]) == (placed.number, placed.question.id, placed.type)
            assert q["prompt"] == placed.question.prompt
            assert q["facts"] == list(placed.question.fact_ids)
            assert q["citations"] or all(r["citations"] for r in q["items"])
            if q["form"] == "choice":
                assert q["options"] == placed.options
                assert q["answer"] == placed.question.options[0] == q["options"][q["correct"]]
            elif q["form"] == "true-false":
                assert q["answer"] is placed.question.truth and q["statement"] == placed.question.prompt
            elif q["form"] == "matching":
                assert [r["text"] for r in q["items"]] == [i.text for i in placed.items]
                assert q["names"] == placed.name_list
            elif q["form"] == "ordering":
                ranked = sorted(q["items"], key=lambda r: r["rank"])
                assert [r["fact"] for r in ranked] == [i.fact_id for i in placed.question.items]
            if placed.question.disputed:
                assert [v["claimed_by"] for v in q["dispute"]["versions"]] == [
                    v.claimed_by for v in placed.question.versions
                ]
                assert [a["answer"] for a in q["according"]] == [v.answer for v in placed.question.versions]
    assert doc["versions"][0]["questions"] != doc["versions"][1]["questions"]  # shuffled


def test_quiz_json_and_pdf_output_errors(project: Project):
    a_file = project.write("out.txt", "")
    result = project.run("quiz", "guild-history", "-o", str(a_file))
    assert result.exit_code == 2 and "is a file" in result.stderr


def test_nothing_fits_is_an_error_and_writes_nothing(project: Project):
    project.replace("decks/all.yaml", "quiz:\n", "quiz:\n  types: [fill-blank]\n")
    out = project.root / "k.xlsx"
    result = project.run("export", "kahoot", "guild-history", "-o", str(out))
    assert result.exit_code == 1
    assert (
        "decks/all.yaml:1: no question of the deck fits kahoot (Kahoot! asks multiple choice and true/false"
        in result.stderr
    )
    assert "Traceback" not in result.output and not out.exists()


QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
QTI_TYPES = {
    "choice": "multiple_choice_question",
    "true-false": "true_false_question",
    "blank": "short_answer_question",
    "text": "short_answer_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "essay": "essay_question",
}


def test_qti_package_as_canvas_imports_it(hostile: Project, questions: list[dict]):
    out, stderr = export(hostile, "qti")
    archive = zipfile.ZipFile(out)
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    cp = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
    assert manifest.tag == f"{cp}manifest"
    resources = {r.get("type"): r for r in manifest.iter(f"{cp}resource")}
    quiz_file = resources["imsqti_xmlv1p2"].find(f"{cp}file").get("href")
    meta = resources["associatedcontent/imscc_xmlv1p1/learning-application-resource"]
    meta_file = meta.find(f"{cp}file").get("href")
    assert set(archive.namelist()) == {"imsmanifest.xml", quiz_file, meta_file}
    assert meta_file.endswith("/assessment_meta.xml")
    assert resources["imsqti_xmlv1p2"].find(f"{cp}dependency").get("identifierref") == meta.get("identifier")
    settings = ET.fromstring(archive.read(meta_file))
    assert settings.tag == "{http://canvas.instructure.com/xsd/cccv1p0}quiz"
    root = ET.fromstring(archive.read(quiz_file))
    assert root.tag == f"{QTI}questestinterop"
    items = list(root.iter(f"{QTI}item"))
    assert len(items) == len(questions) and "skipped 0" in stderr
    for item, q in zip(items, questions):
        fields = {
            f.find(f"{QTI}fieldlabel").text: f.find(f"{QTI}fieldentry").text
            for f in item.iter(f"{QTI}qtimetadatafield")
        }
        assert fields["question_type"] == QTI_TYPES[q["form"]]
        prompt = html_text(item.find(f"{QTI}presentation/{QTI}material/{QTI}mattext").text)
        if q["form"] in ("choice", "text", "essay"):
            assert norm(q["prompt"]) in prompt
        feedback = html_text(item.find(f"{QTI}itemfeedback/{QTI}flow_mat/{QTI}material/{QTI}mattext").text)
        for c in q["citations"]:
            assert f"{norm(c['title'])}, {norm(c['locator'])}" in feedback and c["stance"] in feedback
        for v in (q["dispute"] or {"versions": []})["versions"]:
            assert f"{norm(v['claimed_by'])}: {norm(v['claim'])}" in feedback
        labels = {
            lab.get("ident"): lab.find(f"{QTI}material/{QTI}mattext").text
            for lab in item.iter(f"{QTI}response_label")
            if lab.find(f"{QTI}material") is not None
        }
        right = [v.text for v in item.iter(f"{QTI}varequal")]
        if q["form"] in ("choice", "true-false"):
            assert list(labels.values()) == [norm(o) for o in q["options"]]
            assert [labels[r] for r in right] == [norm(q["options"][q["correct"]])]
        elif q["form"] in ("blank", "text"):
            assert right == [norm(a) for a in q["accepted"]]
        elif q["form"] in ("matching", "ordering"):
            lefts = [lid.find(f"{QTI}material/{QTI}mattext").text for lid in item.iter(f"{QTI}response_lid")]
            assert lefts == [norm(r["text"]) for r in q["items"]]
            assert [labels[r] for r in right] == [norm(r["answer"]) for r in q["items"]]
    raw = archive.read(quiz_file).decode("utf-8")
    assert "<b>" not in raw and "&amp;lt;b&amp;gt;" in raw  # markup is text: HTML-escaped, then XML-escaped


def test_moodle_xml(hostile: Project, questions: list[dict]):
    out, stderr = export(hostile, "moodle-xml")
    root = ET.parse(out).getroot()
    assert root.tag == "quiz"
    categories = [c.find("category/text").text for c in root.findall("question[@type='category']")]
    assert "$course$/top/factdeck/guild-history/Founding years" in categories
    assert "$course$/top/factdeck/guild-history/Decline" in categories
    written = [q for q in root.findall("question") if q.get("type") != "category"]
    assert len(written) == len(questions) and "skipped 0" in stderr
    by_id = {q.find("idnumber").text: q for q in written}
    kinds = {
        "choice": "multichoice",
        "true-false": "truefalse",
        "blank": "shortanswer",
        "text": "shortanswer",
        "matching": "matching",
        "ordering": "ordering",
        "essay": "essay",
    }
    for q in questions:
        element = by_id[q["fact"] or f"guild-history-{q['id'].replace(':', '-')}"]
        assert element.get("type") == kinds[q["form"]]
        answers = [a.find("text").text for a in element.findall("answer")]
        feedback = html_text(element.find("generalfeedback/text").text)
        for c in q["citations"]:
            assert f"{norm(c['title'])}, {norm(c['locator'])}" in feedback and c["stance"] in feedback
        if q["form"] == "choice":
            assert [html_text(a) for a in answers] == [norm(o) for o in q["options"]]
            fractions = [a.get("fraction") for a in element.findall("answer")]
            assert fractions.index("100") == q["correct"]
            assert html_text(element.find("questiontext/text").text) == norm(q["prompt"])
        elif q["form"] == "true-false":
            right = [a.find("text").text for a in element.findall("answer") if a.get("fraction") == "100"]
            assert right == [str(q["answer"]).lower()]
        elif q["form"] in ("blank", "text"):
            assert answers == [norm(a) for a in q["accepted"]]
        elif q["form"] == "matching":
            pairs = [
                (html_text(s.find("text").text), s.find("answer/text").text) for s in element.findall("subquestion")
            ]
            assert pairs == [(norm(r["text"]), norm(r["answer"])) for r in q["items"]]
        elif q["form"] == "ordering":
            ranked = sorted(q["items"], key=lambda r: r["rank"])
            assert [html_text(a) for a in answers] == [norm(r["text"]) for r in ranked]
            assert element.find("selectcount").text == str(len(ranked))
        elif q["form"] == "essay":
            assert norm(q["prompt"]) in html_text(element.find("questiontext/text").text)
    raw = out.read_text(encoding="utf-8")
    assert "<b>" not in raw and "<i>" not in raw and PERSIAN in raw


def test_platform_errors(project: Project):
    missing = project.run("export", "blooket", "no-such-deck")
    assert missing.exit_code == 2 and "no-such-deck" in missing.output and "Traceback" not in missing.output
    usage = project.run("export", "kahoot")
    assert usage.exit_code == 2


def test_gift_carries_hostile_text_as_text(hostile: Project, questions: list[dict]):
    from test_gift import parse

    result = hostile.run("export", "gift", "guild-history", "-n", N)
    assert result.exit_code == 0, result.output
    parsed = parse(result.stdout)
    assert [p["id"] for p in parsed] == [q["fact"] or f"guild-history-{q['id'].replace(':', '-')}" for q in questions]
    texts = " ".join(p.get("text", "") + " " + p.get("feedback", "") for p in parsed)
    for odd in (ODD_TITLE, ODD_QUESTION, PERSIAN, norm(FORMULA)):
        assert odd in texts, odd
    assert "<b>" not in result.stdout and "<i>" not in result.stdout
