"""Meeting packs: the split into meetings, the per-meeting Anki deck, worksheet, key and guide."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import MORE_FACTS, Project, sample_project
from hypothesis import given
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.i18n import Language
from factdeck.outputs.sessions.meetings import meeting_sizes, split_meetings
from factdeck.records.select import select_facts

SESSIONS = "build/guild-history/sessions"


def notes_and_decks(apkg: Path) -> tuple[dict[str, str], list[str]]:
    """{guid: fact id} and the deck names of a package."""
    with zipfile.ZipFile(apkg) as archive, open(apkg.with_suffix(".anki2"), "wb") as db:
        db.write(archive.read("collection.anki2"))
    connection = sqlite3.connect(apkg.with_suffix(".anki2"))
    try:
        # The fact id is the last field that is not a spare (the spare fields come last, empty).
        notes = {
            guid: [f for f in fields.split("\x1f") if f][-1]
            for guid, fields in connection.execute("select guid, flds from notes")
        }
        decks = [d["name"] for d in json.loads(connection.execute("select decks from col").fetchone()[0]).values()]
    finally:
        connection.close()
        apkg.with_suffix(".anki2").unlink()
    return notes, decks


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """The sample project with the quiz facts (19 vetted, 2 eras), split into 3 meetings once."""
    root = tmp_path_factory.mktemp("sessions") / "proj"
    project = sample_project(root, more_facts=True)
    result = project.run("sessions", "guild-history", "--meetings", "3")
    assert result.exit_code == 0, result.output
    base = load_and_validate(root)
    deck = base.deck("guild-history")
    meetings = split_meetings(select_facts(base, deck), 3, deck, base.eras)
    return project, base, meetings, result.output


@given(st.lists(st.sampled_from("abcd"), min_size=1, max_size=60).map(sorted), st.integers(1, 60))
def test_sizes_are_balanced_and_contiguous(eras, count):
    if count > len(eras):
        return
    sizes = meeting_sizes(eras, count)
    assert len(sizes) == count and sum(sizes) == len(eras)
    assert max(sizes) - min(sizes) <= 1


def test_the_slack_goes_where_an_era_ends():
    # 10 facts, 3 meetings: one meeting of 4. Put it where era a ends (after 4 facts), not first by default.
    assert meeting_sizes(list("aaabbbbccc"), 3) == [3, 4, 3]
    assert meeting_sizes(list("aaaabbbccc"), 3) == [4, 3, 3]
    assert meeting_sizes(list("aaaaaaaaaa"), 3) == [4, 3, 3]  # no era boundary: larger meetings first


def test_meetings_are_chronological_and_cover_every_fact_once(packs):
    _, base, meetings, output = packs
    deck = base.deck("guild-history")
    facts = select_facts(base, deck)
    assert [f.id for m in meetings for f in m.facts] == [f.id for f in facts]
    assert [len(m.facts) for m in meetings] == [7, 6, 6]
    assert [m.title for m in meetings] == ["Meeting 1: 1900–1910", "Meeting 2: 1912–1925", "Meeting 3: 1927–2001"]
    assert "Meeting 3: 1927–2001: 6 facts, 2 disputed" in output


def test_layout_of_the_packs(packs):
    project, _, meetings, _ = packs
    for m in meetings:
        folder = project.path(f"{SESSIONS}/meeting-{m.number}")
        assert sorted(p.name for p in folder.iterdir()) == [
            "guide.pdf",
            f"guild-history-meeting-{m.number}.apkg",
            "key-A.pdf",
            "worksheet-A.pdf",
        ]


def test_meeting_decks_share_the_full_deck_notes(packs, tmp_path):
    project, _, meetings, _ = packs
    assert project.run("build", "--format", "apkg").exit_code == 0
    full, _ = notes_and_decks(project.path("build/guild-history/guild-history.apkg"))
    seen: dict[str, str] = {}
    for m in meetings:
        notes, decks = notes_and_decks(
            project.path(f"{SESSIONS}/meeting-{m.number}/guild-history-meeting-{m.number}.apkg")
        )
        assert f"River Guild history::{m.title}" in decks and "River Guild history" in decks
        assert set(notes.values()) == {f.id for f in m.facts}
        assert not set(notes) & set(seen)
        seen.update(notes)
    assert seen == full  # the same notes, with the same GUIDs, as the full deck


def test_each_worksheet_asks_about_its_own_meeting_only(packs):
    project, base, meetings, _ = packs
    for m in meetings:
        key = " ".join(
            " ".join(p.extract_text().split())
            for p in pypdf.PdfReader(project.path(f"{SESSIONS}/meeting-{m.number}/key-A.pdf")).pages
        )
        assert m.title in key
        others = [f for other in meetings if other is not m for f in other.facts]
        assert not [f.statement for f in others if f.statement in key]


def test_build_makes_packs_for_decks_that_ask_and_removes_stale_meetings(project: Project):
    project.write("facts/more-guild.yaml", MORE_FACTS.read_text(encoding="utf-8"))
    project.replace("decks/all.yaml", "quiz:", "sessions:\n  meetings: 3\nquiz:")
    assert project.run("build").exit_code == 0
    assert sorted(p.name for p in project.path(SESSIONS).iterdir()) == ["meeting-1", "meeting-2", "meeting-3"]
    project.replace("decks/all.yaml", "meetings: 3", "meetings: 2")
    assert project.run("build").exit_code == 0
    assert sorted(p.name for p in project.path(SESSIONS).iterdir()) == ["meeting-1", "meeting-2"]


def test_too_many_meetings_and_no_meeting_count(project: Project):
    result = project.run("sessions", "guild-history", "--meetings", "9")
    assert result.exit_code == 1
    assert "decks/all.yaml:1: deck 'guild-history' has 5 vetted facts, too few for 9 meetings" in result.output
    assert not project.path(SESSIONS).exists()
    result = project.run("sessions", "guild-history")
    assert result.exit_code == 1
    assert (
        result.stderr == "error: decks/all.yaml:1: deck 'guild-history' sets no sessions.meetings: give --meetings N\n"
    )


def test_ten_or_more_meetings_sort_in_order():
    from factdeck.outputs.sessions.meetings import Meeting

    m = Meeting(3, 12, (), (), 1979, 1981)
    assert (m.label, m.folder, m.title) == ("Meeting 03", "meeting-03", "Meeting 03: 1979–1981")
    assert m.title_in(Language.load("fa")) == "جلسهٔ ۰۳: ۱۹۷۹–۱۹۸۱"


def test_large_print_packs_and_their_removal(project: Project):
    """With the deck's quiz.large_print, every PDF of a pack comes in large print too; turned off, the copies go."""
    project.write("facts/more-guild.yaml", MORE_FACTS.read_text(encoding="utf-8"))
    project.replace("decks/all.yaml", "quiz:", "quiz:\n  large_print: true")
    assert project.run("sessions", "guild-history", "--meetings", "2").exit_code == 0
    folder = project.path(f"{SESSIONS}/meeting-1")
    assert {p.name for p in folder.glob("*-large-print.pdf")} == {
        "guide-large-print.pdf",
        "key-A-large-print.pdf",
        "worksheet-A-large-print.pdf",
    }
    project.replace("decks/all.yaml", "  large_print: true", "  large_print: false")
    assert project.run("sessions", "guild-history", "--meetings", "2").exit_code == 0
    assert not list(folder.glob("*-large-print.pdf")) and (folder / "guide.pdf").exists()


def test_a_build_of_the_web_quiz_alone_keeps_the_meeting_packs(tmp_path):
    """A build with fewer formats keeps the other formats' files: an html-only build makes no meeting pack
    (packs are Anki decks and PDFs), so it neither sets the packs up nor clears their folders."""
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.write("decks/all.yaml", project.read("decks/all.yaml") + "sessions:\n  meetings: 3\n")
    assert project.run("build").exit_code == 0
    sessions = project.path("build/guild-history/sessions")
    before = sorted(str(p.relative_to(sessions)) for p in sessions.rglob("*"))
    assert any(name.endswith(".apkg") for name in before) and any(name.endswith(".pdf") for name in before)
    result = project.run("build", "--format", "html")
    assert result.exit_code == 0, result.output
    assert sorted(str(p.relative_to(sessions)) for p in sessions.rglob("*")) == before
