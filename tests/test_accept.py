"""Other accepted answers (`accept:` on a fact) reach Moodle XML, GIFT and Canvas QTI, read back from each
file; every citation of a disputed fact (a source the fact cites and none of its versions does, too)
reaches every export that carries citations."""

from __future__ import annotations

import html
import re
import zipfile
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from conftest import Project, sample_project

from factdeck.outputs.exports.document import quiz_document
from factdeck.text.accept import accepted_forms, without_accents

TYPED_DECK = """id: typed
name: "Typed answers"
description: "Every fact as a short answer."
select:
  include:
    facts: [first-treasurer, flood-deaths]
quiz:
  questions: 2
  versions: 1
  types: [short-answer]
"""
EXTRA_CITATION = """  citations:
    - source: chronicle
      locator: "chapter 4, para. 3"
      quote: "In the great flood of 1927, twelve members drowned"
    - source: pamphlet
      locator: "cover"
      quote: "Published by the Rival Society"
  dispute:"""


@pytest.fixture(scope="module")
def typed(tmp_path_factory) -> Project:
    project = sample_project(tmp_path_factory.mktemp("accept") / "proj", more_facts=True)
    project.replace(
        "facts/more-guild.yaml",
        '  answer: "Tomas Reed"\n',
        '  answer: "Tomas Reed"\n  accept: ["Reed", "Tomás  Reed"]\n',
    )
    text = project.read("facts/guild.yaml")
    start = text.index("- id: flood-deaths")
    head, tail = text[:start], text[start:]
    tail = tail.replace(
        '  citations:\n    - source: chronicle\n      locator: "chapter 4, para. 3"\n'
        '      quote: "In the great flood of 1927, twelve members drowned"\n  dispute:',
        EXTRA_CITATION,
        1,
    )
    project.write("facts/guild.yaml", head + tail)
    project.write("decks/typed.yaml", TYPED_DECK)
    return project


def run(project: Project, *args: str) -> str:
    result = project.run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_accepted_forms_forgive_notes_accents_and_spacing():
    assert accepted_forms(["Karim Jafari (کریم جعفری)", "Tomás  Reed"]) == [
        "Karim Jafari (کریم جعفری)",
        "Karim Jafari",
        "Tomás Reed",
        "Tomas Reed",
    ]
    assert without_accents("Bāhonar Ferrière") == "Bahonar Ferriere"
    assert without_accents("کِریم") == "کِریم"  # a Persian vowel mark is part of the word


def test_the_document_lists_every_accepted_answer(typed: Project):
    from factdeck.build import load_and_validate
    from factdeck.records.select import select_facts

    base = load_and_validate(typed.root)
    deck = base.deck("typed")
    questions = quiz_document(base, deck, select_facts(base, deck))["versions"][0]["questions"]
    treasurer = next(q for q in questions if q["fact"] == "first-treasurer")
    assert treasurer["accepted"] == ["Tomas Reed", "Reed", "Tomás Reed"]
    flood = next(q for q in questions if q["fact"] == "flood-deaths")
    assert [c["locator"] for c in flood["dispute"]["citations"]] == ["cover"]


def test_moodle_xml_accepts_them_case_insensitively(typed: Project, tmp_path):
    out = tmp_path / "m.xml"
    run(typed, "export", "moodle-xml", "typed", "-o", str(out))
    root = ET.parse(out).getroot()
    question = next(q for q in root.iter("question") if q.findtext("idnumber") == "first-treasurer")
    assert question.get("type") == "shortanswer" and question.findtext("usecase") == "0"
    answers = [(a.findtext("text"), a.get("fraction")) for a in question.iter("answer")]
    assert answers == [("Tomas Reed", "100"), ("Reed", "100"), ("Tomás Reed", "100")]
    flood = next(q for q in root.iter("question") if q.findtext("idnumber") == "flood-deaths")
    assert "cover" in flood.find("generalfeedback").findtext("text")


def test_gift_accepts_them(typed: Project):
    text = run(typed, "export", "gift", "typed")
    block = next(b for b in text.split("\n\n") if "[id:first-treasurer]" in b)
    assert re.findall(r"=([^=~#}]+?)\s*(?==|####)", block) == ["Tomas Reed", "Reed", "Tomás Reed"]
    flood = next(b for b in text.split("\n\n") if "[id:flood-deaths]" in b)
    assert "cover" in flood


def test_canvas_qti_accepts_them(typed: Project, tmp_path):
    out = tmp_path / "q.zip"
    run(typed, "export", "qti", "typed", "-o", str(out))
    with zipfile.ZipFile(out) as z:
        name = next(n for n in z.namelist() if n.endswith(".xml") and "meta" not in n and "manifest" not in n)
        root = ET.fromstring(z.read(name))
        meta = next(n for n in z.namelist() if n.endswith("assessment_meta.xml"))
        attempts = ET.fromstring(z.read(meta)).find("{*}allowed_attempts").text
    ns = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    items = {i.get("title"): i for i in root.iter(f"{ns}item")}
    treasurer = next(
        i for t, i in items.items() if "first-treasurer" in (t or "") or "treasurer" in ET.tostring(i, "unicode")
    )
    assert [v.text for v in treasurer.iter(f"{ns}varequal")] == ["Tomas Reed", "Reed", "Tomás Reed"]
    flood = next(i for i in items.values() if "flood" in ET.tostring(i, "unicode"))
    assert "cover" in html.unescape(ET.tostring(flood, "unicode"))
    # Attempts: the assessment's metadata and Canvas's settings say the same.
    field = root.find(f".//{ns}qtimetadatafield")
    assert (field.findtext(f"{ns}fieldlabel"), field.findtext(f"{ns}fieldentry")) == ("cc_maxattempts", "unlimited")
    assert attempts == "-1"


def test_wayground_and_the_web_quiz_carry_the_fact_own_citation(typed: Project, tmp_path):
    out = tmp_path / "w.xlsx"
    run(typed, "export", "wayground", "typed", "-o", str(out))
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=3)]
    flood_rows = [r for r in rows if r[0] and "flood of 1927" in r[0]]
    assert flood_rows and all("cover" in r[10] for r in flood_rows)
    run(typed, "build", "typed", "--format", "html")
    page = typed.read("build/typed/typed-quiz.html")
    assert '"otherReferences":[{"id":"pamphlet"' in page and '"locator":"cover"' in page
