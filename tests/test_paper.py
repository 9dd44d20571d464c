"""Paper that works in a classroom and a study group, measured from the PDFs of the shipped main deck: large
print at 18 pt and up, an answer grid atop every key that matches the quiz document, meeting packs sized to the
meeting, timelines without hidden markers, real headings with bookmarks, tagged tables, no near-empty page and
no heading left alone at a page's foot."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pypdf
import pytest
from conftest import Project, sample_project, shipped_copy

from factdeck.build import load_and_validate
from factdeck.outputs.print.guide import timeline
from factdeck.outputs.print.layout import LARGE_PRINT_MINIMUM
from factdeck.outputs.sessions.agenda import (
    CLOSING_MINUTES,
    DISPUTE_SHARE,
    OPENING_MINUTES,
    QUESTION_MINUTES,
    dispute_minutes,
    question_minutes,
)
from factdeck.outputs.sessions.meetings import split_meetings
from factdeck.outputs.sessions.packs import meeting_plan
from factdeck.records.select import select_facts
from factdeck.text.words import in_running_text
from printed import blank_shares, bottom_margin, flat, outline, page_texts, ruled_lines, runs, structure

DECK = "mek-history"
MOST_BLANK = 0.85


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[Project, Path]:
    """The shipped fact base with the main deck's worksheets, keys and meeting packs, in large print too."""
    project = shipped_copy(tmp_path_factory.mktemp("shipped") / "proj")
    root = project.root
    project.replace(f"decks/{DECK}.yaml", "quiz:\n", "quiz:\n  large_print: true\n")
    out = root / "out"
    for command in (("quiz", DECK), ("sessions", DECK), ("quiz", DECK, "--format", "json", "-o", str(out / "q.json"))):
        result = project.run(*command, "--output" if command[-1] != str(out / "q.json") else "--seed", *(
            [str(out)] if command[-1] != str(out / "q.json") else ["1965"]
        ))  # fmt: skip
        assert result.exit_code == 0, result.output
    return project, out / DECK


def pdfs(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pdf"))


def test_every_output_was_made(shipped):
    _, folder = shipped
    names = {p.relative_to(folder).as_posix() for p in pdfs(folder)}
    assert {"worksheet-A-large-print.pdf", "key-C-large-print.pdf", "sessions/meeting-6/guide-large-print.pdf"} <= names
    assert len(names) == 12 + 6 * 6  # 3 versions x (worksheet, key) x 2 sizes; 6 meetings x 3 documents x 2 sizes


def test_large_print_is_18_pt_and_up_and_headings_larger(shipped):
    _, folder = shipped
    large = [p for p in pdfs(folder) if p.name.endswith("-large-print.pdf")]
    assert {p.name.split("-")[0] for p in large} == {"worksheet", "key", "guide"}
    for path in large:
        sizes = [r.size for r in runs(path)]
        assert min(sizes) >= LARGE_PRINT_MINIMUM - 0.01, (path, min(sizes))
        heads = [r for r in runs(path) if r.size > LARGE_PRINT_MINIMUM + 2]  # the headings
        assert heads and max(r.size for r in heads) >= 30, path


def expected_grid(question: dict) -> str:
    """What the key's answer grid should say for a question of the quiz document."""
    letters = string.ascii_uppercase
    form = question["form"]
    if form == "choice":
        return letters[question["options"].index(question["answer"])]
    if form == "true-false":
        return "True" if question["answer"] is True else "False"
    if form == "matching":
        names = question["names"]
        return ", ".join(f"{n}–{letters[names.index(i['answer'])]}" for n, i in enumerate(question["items"], 1))
    if form == "ordering":
        ranked = sorted(range(len(question["items"])), key=lambda i: question["items"][i]["rank"])
        return " → ".join(letters[i] for i in ranked)
    if question["type"] == "source-analysis":
        return "(a) each version and whose; (b) why they differ"
    if question["dispute"]:
        return "any version, with whose (see below)"
    return flat(question["answer"])


def test_every_key_starts_with_an_answer_grid_that_matches_the_quiz_document(shipped):
    _, folder = shipped
    document = json.loads((folder.parent / "q.json").read_text(encoding="utf-8"))
    assert [v["letter"] for v in document["versions"]] == ["A", "B", "C"]
    for version in document["versions"]:
        for suffix in ("", "-large-print"):
            path = folder / f"key-{version['letter']}{suffix}.pdf"
            heads = [b.title for b in outline(path)]
            assert heads[:2] == ["Answer key: MEK history", "Answers at a glance"]
            text = " ".join(page_texts(path))
            grid = text[text.index("Answers at a glance") : text.index("Each answer comes with")]
            assert "Answers at a glance" in page_texts(path)[0]
            for question in version["questions"]:
                want = expected_grid(question)
                assert re.search(rf"(?<![\d–]){question['number']} {re.escape(want)}", grid), (path, want)


@pytest.fixture(scope="module")
def meetings(shipped):
    project, folder = shipped
    base = load_and_validate(project.root)
    deck = base.deck(DECK)
    split = split_meetings(select_facts(base, deck), deck.sessions.meetings, deck, base.eras)
    return base, deck, split


def test_a_meeting_pack_fits_a_60_minute_meeting(shipped, meetings):
    _, folder = shipped
    base, deck, split = meetings
    assert deck.sessions.minutes == 60  # the default
    for meeting in split:
        plan = meeting_plan(base, deck, meeting)
        assert sum(item.minutes for item in plan.items) == 60
        # The worksheet: its questions' minutes by the rule fit its part of the agenda; it asks every question
        # the PDF prints.
        worksheet = next(item for item in plan.items if item.title == "Worksheet")
        assert plan.quiz is not None and question_minutes(plan.quiz) <= plan.worksheet_minutes <= worksheet.minutes
        sheet = " ".join(page_texts(folder / f"sessions/{meeting.folder}/worksheet-A.pdf"))
        count = len(plan.quiz.questions)
        assert f"{count} questions" in sheet and f"{count + 1}." not in sheet
        # The disputes discussed fit their share; the rest are optional extra; none is dropped.
        talk = sum(dispute_minutes(f) for f in plan.disputes)
        assert talk <= (60 - OPENING_MINUTES - CLOSING_MINUTES) * DISPUTE_SHARE or len(plan.disputes) == 1
        disputed = [f.id for f in meeting.facts if f.disputed]
        assert sorted(f.id for f in plan.disputes + plan.extra) == sorted(disputed)
        assert len(plan.disputes) >= 1
        # The guide says all of it, with the cards' relation to the meeting and what to cut.
        guide = " ".join(page_texts(folder / f"sessions/{meeting.folder}/guide.pdf"))
        agenda = guide[guide.index("Agenda") : guide.index("In all")]
        for item in plan.items:
            assert f"{item.minutes} {item.title}" in agenda
        assert "60 In all" in guide
        assert f"holds all {len(meeting.facts)} facts" in guide and "if time runs short" in guide
        assert all(flat(cut) in guide for cut in plan.cuts) and len(plan.cuts) >= 2
        extra = guide.index("Optional extra") if plan.extra else len(guide)
        for fact in plan.disputes:
            assert guide.index(flat(fact.question)) < extra
        for fact in plan.extra:
            assert guide.rindex(flat(fact.question)) > extra
        heads = [b.title for b in outline(folder / f"sessions/{meeting.folder}/guide.pdf")]
        assert heads[:4] == [meeting.title, "Agenda", "Facilitator notes: if time runs short", "Timeline"]
        # A worksheet a group can work through in the time: a few pages, not nine.
        assert len(pypdf.PdfReader(folder / f"sessions/{meeting.folder}/worksheet-A.pdf").pages) <= 4


def test_the_timing_rule(meetings):
    """More minutes never buys fewer questions or disputes; each part's minutes follow the rule."""
    base, deck, split = meetings
    meeting = split[1]  # 1979–1981: eight disputes
    plans = {m: meeting_plan(base, deck.model_copy(update={"sessions": deck.sessions.model_copy(update={"minutes": m})}), meeting) for m in (30, 60, 90, 120)}  # fmt: skip
    for minutes, plan in plans.items():
        assert sum(item.minutes for item in plan.items) == minutes
        assert plan.items[0].minutes == OPENING_MINUTES and plan.items[-1].minutes == CLOSING_MINUTES
        by_rule = [QUESTION_MINUTES[q.type] + 2 * max(0, len(q.versions) - 2) * (q.type == "source-analysis") for q in plan.quiz.questions]  # fmt: skip
        assert plan.worksheet_minutes == -(-sum(by_rule) // 1)
        discussed = [i for i in plan.items if i.title.startswith("Dispute")]
        for item, fact in zip(discussed, plan.disputes):
            assert item.minutes >= 6 + 2 * len(fact.dispute.versions)  # the rule, plus any spare minutes
    counts = [(len(p.quiz.questions), len(p.disputes)) for p in plans.values()]
    assert [d for _, d in counts] == sorted(d for _, d in counts) and counts[0][1] < counts[-1][1]
    assert counts[0][0] < counts[-1][0]


def test_meeting_length_is_a_deck_setting(project: Project):
    project.replace("decks/all.yaml", "quiz:", "sessions:\n  minutes: 10\nquiz:")
    result = project.run("check")
    assert result.exit_code == 1 and "decks/all.yaml" in result.output and "minutes" in result.output


def test_timelines_show_every_marker_on_the_meetings_period(meetings):
    base, deck, split = meetings
    for meeting in split:
        made = timeline(meeting.facts, (meeting.first_year, meeting.last_year))
        assert (made.start, made.end) == (meeting.first_year, meeting.last_year + 1)
        assert [e.number for e in made.entries] == list(range(1, len(made.entries) + 1))
        # Every fact is drawn, alone or in a group of consecutive numbers, exactly once.
        drawn = [n for m in made.markers for n in range(m.first, m.last + 1)]
        assert drawn == [e.number for e in made.entries]
        for a in made.markers:
            assert a.left >= 0 and a.left < 1
            for b in made.markers:
                if a.first < b.first and a.lane == b.lane:
                    assert a.end <= b.left or b.end <= a.left, (meeting.title, a.label, b.label)
    # A range running on past the meeting's period ends in an arrow at the axis' end.
    late = [m for meeting in split for m in timeline(meeting.facts, (meeting.first_year, meeting.last_year)).markers]
    assert any(m.beyond and m.bar == pytest.approx(1.0) for m in late)


def test_timeline_markers_do_not_overlap_on_the_page(shipped, meetings):
    """The markers' numbers as printed: two on one lane are at least a marker's width apart."""
    _, folder = shipped
    for meeting in meetings[2]:
        for suffix, width in (("", 0.6), ("-large-print", 1.0)):
            path = folder / f"sessions/{meeting.folder}/guide{suffix}.pdf"
            printed = runs(path)
            head = next(r for r in printed if r.text == "Timeline")
            axis = next(r for r in printed if r.page == head.page and r.text.startswith("Axis:"))
            labels = [
                r
                for r in printed
                if r.page == head.page and axis.y < r.y < head.y and re.fullmatch(r"\d+(–\d+)?", r.text)
            ]
            labels = [r for r in labels if not re.fullmatch(r"\d{4}", r.text)]  # the axis' years
            assert labels
            centres = [(r.y, r.x + 0.25 * r.size * len(r.text)) for r in labels]
            for i, (y1, x1) in enumerate(centres):
                for y2, x2 in centres[i + 1 :]:
                    if abs(y1 - y2) < 1:
                        assert abs(x1 - x2) >= width * 72 / 2.54 - 2, (path.name, y1, x1, x2)


def test_every_pdf_has_headings_bookmarks_and_tagged_tables(shipped):
    _, folder = shipped
    for path in pdfs(folder):
        marks = outline(path)
        assert marks and marks[0].level == 1 and len(marks) >= 3, path
        tags = structure(path)
        assert tags.count("/H1") == 1 and "/H2" in tags, path
        if path.name.startswith(("key", "guide")):
            assert "/Table" in tags and "/TH" in tags, path
    guide = structure(folder / "sessions/meeting-2/guide.pdf")
    assert guide.count("/Table") >= 3  # the agenda, the disputes' versions, the sources
    assert "/H3" in guide  # each dispute


def test_no_page_is_near_empty_and_no_heading_is_left_alone(shipped):
    _, folder = shipped
    for path in pdfs(folder):
        shares = blank_shares(path)
        assert max(shares) <= MOST_BLANK, (path, [round(s, 2) for s in shares])
        printed = runs(path)
        bottom = bottom_margin(path)
        for mark in outline(path)[1:]:
            # Below a heading's line and the note under it (one or two lines), something follows on its page:
            # a line of text or an answer space's rule.
            lines = {round(r.y) for r in printed if r.page == mark.page and bottom < r.y < mark.top}
            lines |= {round(y) for page, y in ruled_lines(path) if page == mark.page and bottom < y < mark.top}
            assert len(lines) >= 4, (path.name, mark.title)


def test_claimants_read_as_names_in_running_text(shipped):
    assert in_running_text("The unattributed web article") == "the unattributed web article"
    assert in_running_text("The NCRI, as reported by Atalayar") == "the NCRI, as reported by Atalayar"
    assert in_running_text("Atalayar") == "Atalayar" and in_running_text("The") == "The"
    _, folder = shipped
    guides = " ".join(t for p in folder.rglob("guide.pdf") for t in page_texts(p))
    assert "might the unattributed web article" in guides or "does the encyclopedia article" in guides
    assert not re.search(r"(?:might|does|about|trusting) The [a-z]", guides)


PERSIAN_QUESTION = (
    "- id: persian-question\n"
    + """  kind: event
  era: founding
  date: "1903"
  question: "آدا فریر در چه سالی رئیس انجمن شد؟"
  answer: "1903"
  statement: "آدا فریر در سال ۱۹۰۳ نخستین رئیس انجمن رودخانه شد."
  citations:
    - source: chronicle
      locator: "chapter 1, para. 2"
      quote: "Ada Ferrier was elected the guild's first master"
  status: vetted
  vetted: 2026-11-22
  reviewer: fact-editor
"""
)


def test_a_persian_paragraph_starts_at_the_right_edge(tmp_path):
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.write("facts/persian.yaml", PERSIAN_QUESTION)
    assert project.run("vet", "persian-question", "--reviewer", "fact-editor").exit_code == 0
    result = project.run("quiz", "guild-history", "--types", "short-answer", "-n", "30", "-k", "1")
    assert result.exit_code == 0, result.output
    path = project.path("build/guild-history/worksheet-A.pdf")
    persian = [r for r in runs(path) if re.search("[\u0600-\u06ff]", r.text)]
    assert persian
    width = float(pypdf.PdfReader(path).pages[0].mediabox.width)
    # A one-line Persian question, aligned to its start edge: on the right, its first glyph right of centre.
    assert min(r.x for r in persian) > width / 2
    english = [r for r in runs(path) if r.text.startswith("What") or r.text.startswith("Who")]
    assert english and min(r.x for r in english) < width / 3  # English still starts on the left


def test_a_near_empty_last_page_is_filled_by_moving_a_page_break(tmp_path):
    """`refitted` on a document whose last page holds one line: a break before one of the last paragraphs
    fills it, without adding a page."""
    from factdeck.outputs.print.pdf import (
        MOST_BLANK,
        Refit,
        compile_pdf,
        font_folders,
        last_page_blank,
        measured,
        refitted,
    )

    folders = tuple(str(f) for f in font_folders(tmp_path))
    margins = (1.8 * 72 / 2.54, 2.2 * 72 / 2.54)

    def source(count: int, point: str = "") -> str:
        head = '#set document(title: "t")\n#set page(margin: (top: 1.8cm, bottom: 2.2cm))\n'
        return head + "".join(f"{'#pagebreak()' if point == f'p{n}' else ''}\n\nParagraph {n}.\n" for n in range(count))

    # The fewest one-line paragraphs that spill onto a second page: one line there, the page near-empty.
    count = next(n for n in range(30, 80) if last_page_blank(compile_pdf(source(n), "t", folders), margins)[0] == 2)
    first = compile_pdf(source(count), "t", folders)
    assert last_page_blank(first, margins)[1] > MOST_BLANK
    points = tuple(f"p{n}" for n in range(count - 1, count - 30, -1))
    refit = Refit(points, lambda directives: source(count, directives[-1] if directives else ""), margins, False)
    better = refitted(measured(first, refit), lambda text: measured(compile_pdf(text, "t", folders), refit), refit)
    pages, blank = last_page_blank(better, margins)
    assert pages == 2 and blank <= MOST_BLANK
