"""`factdeck export gift`: Moodle GIFT, read back with a small parser of its structure."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import Project, sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.exports.gift import gift_escape
from factdeck.quiz import make_quiz, with_overrides
from factdeck.records.select import select_facts
from node_tools import node_with, run_node

# GIFT's special characters and markup in a source title, which every citation shows, and in a question.
ODD_TITLE = "A Chronicle {of} the ~River= Guild #1: <b>bold</b> \\ end"
ODD_QUESTION = "How many died in the flood of 1927 {per ~source}? = # : <i>"


def unescape(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


ORDERING = re.compile(
    r"::((?:[^:\\]|\\.)*)::\[html\]([^{]*)\{>(\d+) ALL VERTICAL ABSOLUTE_POSITION SHOW\n(.*)\n\}", re.S
)


def parse(gift: str) -> list[dict]:
    """Each question's id, title, text before and after its answer braces, and answer body (still escaped).

    A question is one line after its `// [id:…]` comment, except Moodle's ordering type, whose items
    follow its `{>N …` header one a line (as qtype_ordering's importer reads them)."""
    questions = []
    for block in gift.strip().split("\n\n"):
        comments = [line for line in block.splitlines() if line.startswith("//")]
        lines = [line for line in block.splitlines() if not line.startswith("//")]
        if not lines or lines[0].startswith("$CATEGORY:"):
            continue
        ids = [m.group(1) for c in comments if (m := re.fullmatch(r"// \[id:([^\]]+)\]", c))]
        assert len(ids) == 1, block
        ordering = ORDERING.fullmatch("\n".join(lines))
        if ordering:
            title, text, count, items = ordering.groups()
            rows = [html.unescape(item) for item in items.split("\n")]
            assert int(count) == len(rows)
            questions.append({"id": ids[0], "title": unescape(title), "text": unescape(text), "items": rows})
            continue
        assert len(lines) == 1, block
        match = re.fullmatch(
            r"::((?:[^:\\]|\\.)*)::\[html\]((?:[^{}\\]|\\.)*)\{((?:[^{}\\]|\\.)*)\}((?:[^{}\\]|\\.)*)", lines[0]
        )
        assert match, f"not one GIFT question with one answer block: {lines[0]}"
        title, before, body, after = match.groups()
        answers, _, feedback = body.partition("####")
        questions.append(
            {
                "id": ids[0],
                "title": unescape(title),
                "before": unescape(before),
                "after": unescape(after),
                "text": unescape(before + " " + after),
                "answers": answers.strip(),
                "feedback": unescape(feedback.replace("<br>", "\n")),
            }
        )
    return questions


def options(answers: str) -> list[tuple[str, str]]:
    """Multiple choice / short answer: (mark, text) per answer."""
    found = re.findall(r"(?:^|(?<=\s))([=~])((?:[^=~\\]|\\.)*)", answers)
    return [(mark, unescape(text).strip()) for mark, text in found]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("gift") / "proj"
    project = sample_project(root, more_facts=True)
    project.replace(
        "facts/sources.yaml",
        'title: "A Chronicle of the River Guild"',
        f'title: "{ODD_TITLE.replace(chr(92), chr(92) * 2)}"',
    )
    project.replace(
        "facts/guild.yaml",
        'question: "What do the sources say about how many guild members died in the flood of 1927?"',
        f'question: "{ODD_QUESTION}"',
    )
    out = root / "out" / "guild.gift"
    result = project.run("export", "gift", "guild-history", "-n", "14", "-o", str(out))
    assert result.exit_code == 0, result.output
    base = load_and_validate(root)
    deck = base.deck("guild-history")
    quiz = make_quiz(base, deck, select_facts(base, deck), with_overrides(deck.quiz, questions=14, versions=1))
    return out.read_text(encoding="utf-8"), quiz


def test_every_question_parses_and_answers_as_the_key(exported):
    gift, quiz = exported
    parsed = parse(gift)
    version = quiz.versions[0]
    assert len(parsed) == len(version.questions) == 14
    for p, placed in zip(parsed, version.questions):
        q = placed.question
        assert p["title"].startswith(f"guild-history {placed.number:02d} ")
        if q.type == "multiple-choice":
            marks = options(p["answers"])
            assert [t for m, t in marks if m == "="] == [q.options[0]]
            assert sorted(t for _, t in marks) == sorted(q.options)
            assert unescape(q.prompt) in p["text"]
        elif q.type == "true-false":
            assert p["answers"] == ("TRUE" if q.truth else "FALSE")
        elif q.type == "fill-blank":
            assert options(p["answers"])[0] == ("=", q.answer)
        elif q.type in ("matching", "timeline"):
            pairs = re.findall(r"=((?:[^=\\]|\\.)*?) -> ((?:[^=\\]|\\.)*)", p["answers"])
            assert sorted((unescape(a).strip(), unescape(b).strip()) for a, b in pairs) == sorted(
                (i.text, i.answer) for i in q.items
            )
        elif q.type == "short-answer" and not q.disputed:
            assert options(p["answers"])[0] == ("=", q.answer)
        else:  # an essay: no answers, the excerpts in the question
            assert p["answers"] == ""
            assert all(e.quote in p["text"] for e in q.excerpts)


def test_feedback_cites_the_sources_and_every_version(exported):
    gift, quiz = exported
    for p, placed in zip(parse(gift), quiz.versions[0].questions):
        q = placed.question
        refs = [
            *q.references,
            *(r for i in q.items for r in i.references),
            *(r for v in q.versions for r in v.references),
        ]
        assert refs
        for ref in refs:
            assert f"{ref.source}, {ref.locator}" in p["feedback"]
        for v in q.versions:
            assert f"{v.claimed_by}: {v.claim}" in p["feedback"]


def test_special_characters_and_markup_are_escaped(exported):
    gift, _ = exported
    assert ODD_TITLE not in gift and gift_escape(ODD_TITLE) not in gift  # markup too is escaped
    assert "&lt;b&gt;bold&lt;/b&gt;" in gift and "<b>" not in gift and "<i>" not in gift
    parsed = parse(gift)
    assert any(ODD_TITLE in p["feedback"] for p in parsed)
    assert any(ODD_QUESTION in p["text"] for p in parsed)


def test_gift_escape_escapes_each_special_character():
    assert gift_escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    assert gift_escape("two\n\nlines") == "two lines"  # a blank line would end the question


def test_every_deck_by_default_and_errors(project: Project):
    result = project.run("export", "gift")
    assert result.exit_code == 0, result.output
    assert "$CATEGORY: $course$/factdeck/guild-history" in result.stdout
    assert parse(result.stdout)
    assert result.stderr.strip().endswith("skipped 0")
    missing = project.run("export", "gift", "no-such-deck")
    assert missing.exit_code == 2 and "no-such-deck" in missing.output and "Traceback" not in missing.output


# qtype_ordering's import_from_gift pattern (question/type/ordering/questiontype.php), in Python's syntax.
MOODLE_ORDERING = re.compile(
    r"^([^{]*)\s*\{>\s*(\d+)\s*((?:ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?)\s*"
    r"((?:HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)?)\s*"
    r"((?:ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|RELATIVE_NEXT_EXCLUDE_LAST|RELATIVE_NEXT_INCLUDE_LAST|"
    r"RELATIVE_ONE_PREVIOUS_AND_NEXT|RELATIVE_ALL_PREVIOUS_AND_NEXT|RELATIVE_TO_CORRECT|RELATIVE|REL)?)\s*"
    r"((?:SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?)\s*(.*?)\s*\}\s*$",
    re.S,
)


@pytest.fixture(scope="module")
def with_groups(tmp_path_factory):
    """A quiz holding every form, its quiz document, and its GIFT with and without --timeline-as-matching."""
    import json

    root = tmp_path_factory.mktemp("gift-groups") / "proj"
    project = sample_project(root, more_facts=True)
    project.replace(
        "facts/more-guild.yaml",
        'statement: "The guild opened its school for pilots in 1912."',
        'statement: "The guild opened its {school} for <b>pilots</b> #1 in 1912."',
    )
    doc = root / "doc.json"
    assert project.run("quiz", "guild-history", "--format", "json", "-n", "12", "--versions", "1", "-o", str(doc))
    gifts = []
    for extra in ((), ("--timeline-as-matching",)):
        result = project.run("export", "gift", "guild-history", "-n", "12", *extra)
        assert result.exit_code == 0, result.output
        gifts.append(result.stdout)
    return json.loads(doc.read_text(encoding="utf-8"))["versions"][0]["questions"], *gifts


def test_question_ids_come_from_fact_ids(with_groups):
    questions, gift, _ = with_groups
    ids = [p["id"] for p in parse(gift)]
    assert ids == [q["fact"] or f"guild-history-{q['id'].replace(':', '-')}" for q in questions]
    assert "guild-history-timeline-1" in ids and "guild-history-matching-1" in ids


def test_timelines_are_moodle_ordering_questions(with_groups):
    questions, gift, _ = with_groups
    timeline = next(q for q in questions if q["form"] == "ordering")
    block = next(b for b in gift.split("\n\n") if b.startswith("// [id:guild-history-timeline-1]"))
    # As Moodle's importer reads it: comment lines blanked, then its pattern over the whole question.
    lines = "\n".join(" " if line.startswith("//") else line for line in block.splitlines())
    match = MOODLE_ORDERING.fullmatch(lines)
    assert match, block
    _, count, select, layout, grading, show, items = match.groups()
    assert (count, select, layout, grading, show) == (
        str(len(timeline["items"])),
        "ALL",
        "VERTICAL",
        "ABSOLUTE_POSITION",
        "SHOW",
    )
    ranked = [r["text"] for r in sorted(timeline["items"], key=lambda r: r["rank"])]
    assert [html.unescape(line.strip()) for line in items.split("\n")] == ranked


def test_timelines_as_matching_behind_a_flag(with_groups):
    questions, _, gift = with_groups
    timeline = next(q for q in questions if q["form"] == "ordering")
    parsed = next(p for p in parse(gift) if p["id"] == "guild-history-timeline-1")
    assert "Match each event to its date." in parsed["text"]
    pairs = re.findall(r"=((?:[^=\\]|\\.)*?) -> ((?:[^=\\]|\\.)*)", parsed["answers"])
    assert [(unescape(a).strip(), unescape(b).strip()) for a, b in pairs] == [
        (r["text"], r["answer"]) for r in timeline["items"]
    ]
    assert "{>" not in gift


def test_fill_in_blanks_keep_their_spaces(with_groups):
    questions, gift, _ = with_groups
    blanks = [q for q in questions if q["form"] == "blank" and len(q["parts"]) == 2]
    assert blanks
    for q in blanks:
        p = next(p for p in parse(gift) if p["id"] == q["fact"])
        before, after = q["parts"]
        assert p["before"].endswith(" ") == before.endswith(" ") and p["before"].strip().endswith(before.split()[-1])
        assert p["after"].startswith(" ") == after.startswith(" ")
        assert [t for _, t in options(p["answers"])] == q["accepted"]


def test_short_answers_accept_the_core_answer_without_its_note():
    from factdeck.outputs.exports.gift import gift_question
    from factdeck.quiz import accepted_answers

    assert accepted_answers("Karim Jafari (کریم جعفری)") == ["Karim Jafari (کریم جعفری)", "Karim Jafari"]
    assert accepted_answers("Millford") == ["Millford"]
    q = {
        "number": 3,
        "id": "short-answer:second-master",
        "type": "short-answer",
        "form": "text",
        "fact": "second-master",
        "prompt": "Who succeeded Ada Ferrier?",
        "explanation": "",
        "citations": [],
        "dispute": None,
        "accepted": accepted_answers("Karim Jafari (کریم جعفری)"),
    }
    parsed = parse(gift_question(q, "deck"))[0]
    assert [t for _, t in options(parsed["answers"])] == ["Karim Jafari (کریم جعفری)", "Karim Jafari"]


def test_special_characters_in_ordering_items_stay_text(with_groups):
    questions, gift, _ = with_groups
    timeline = next(q for q in questions if q["form"] == "ordering")
    odd = [r["text"] for r in timeline["items"] if "{school} for <b>pilots</b> #1" in r["text"]]
    assert odd  # compared item by item with the document in test_timelines_are_moodle_ordering_questions
    assert "<b>" not in gift and "&#123;school&#125;" in gift


BLANK_FIRST_DECK = """id: blanks
name: "Blanks"
description: "Fill-in-the-blank questions, one with the blank as its first word."
select:
  include:
    facts: [first-treasurer, second-master, guild-founded]
quiz:
  questions: 3
  versions: 1
  types: [fill-blank]
"""


@pytest.fixture(scope="module")
def blanks(tmp_path_factory) -> str:
    project = sample_project(tmp_path_factory.mktemp("gift-blanks") / "proj", more_facts=True)
    project.write("decks/blanks.yaml", BLANK_FIRST_DECK)
    result = project.run("export", "gift", "blanks")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_blank_that_is_the_first_word_keeps_question_text_before_the_braces(blanks: str):
    """The community GIFT grammar reads no question whose answer block opens it (Moodle does): the blank is
    then written as `_____` in the text, the accepted answers in braces after it."""
    questions = {q["id"]: q for q in parse(blanks)}
    first = questions["first-treasurer"]
    assert first["text"].startswith("_____ became the River Guild") and first["after"] == ""
    assert re.findall(r"=([^=~#]+?)\s*(?==|####|$)", first["answers"]) == ["Tomas Reed"]
    assert all(q["text"].strip() for q in questions.values())


def test_every_question_passes_the_community_gift_grammar(blanks: str, exported, tmp_path):
    env = node_with("gift-pegjs")
    script = (
        "const {parse} = require('gift-pegjs'); const fs = require('fs');"
        "const qs = parse(fs.readFileSync(process.argv[1], 'utf8'));"
        "process.stdout.write(JSON.stringify(qs.map(q => [q.type, q.title])));"
    )
    for name, text in (("blanks", blanks), ("deck", exported[0])):
        path = tmp_path / f"{name}.gift"
        path.write_text(text, encoding="utf-8")
        done = run_node(script, env, str(path))
        assert done.returncode == 0, (name, done.stderr)
        parsed = json.loads(done.stdout)
        assert len([t for t, _ in parsed if t != "Category"]) == len(parse(text)), name
