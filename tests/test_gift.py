"""`factdeck export gift`: Moodle GIFT, read back with a small parser of its structure."""

from __future__ import annotations

import html
import re

import pytest
from conftest import Project, sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.exports.gift import gift_escape
from factdeck.quiz import make_quiz, with_overrides
from factdeck.records.select import select_facts

# GIFT's special characters and markup in a source title, which every citation shows, and in a question.
ODD_TITLE = "A Chronicle {of} the ~River= Guild #1: <b>bold</b> \\ end"
ODD_QUESTION = "How many died in the flood of 1927 {per ~source}? = # : <i>"


def unescape(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def parse(gift: str) -> list[dict]:
    """Each question's title, text before and after its answer braces, and answer body (still escaped)."""
    questions = []
    for block in gift.strip().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("//")]
        if not lines or lines[0].startswith("$CATEGORY:"):
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
                "title": unescape(title),
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
    assert "$CATEGORY: $course$/factdeck/guild-history" in result.output
    assert parse(result.output)
    missing = project.run("export", "gift", "no-such-deck")
    assert missing.exit_code == 2 and "no-such-deck" in missing.output and "Traceback" not in missing.output
