"""Discussion guides: disputes side by side, prompts, timeline, facilitator notes; fact text stays text."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from conftest import SAMPLE, sample_project

from factdeck.build import load_and_validate
from factdeck.i18n import Language
from factdeck.outputs.print.guide import stance_prompts, timeline
from factdeck.outputs.sessions.meetings import split_meetings
from factdeck.records.select import select_facts

ENGLISH = Language.source()
SOURCING = "Who says this, and why might they? Look at each claimant and the source that reports them."
CORROBORATION = "Which version do independent sources agree on, if any? What evidence would settle it?"
STANCE_PROMPTS = stance_prompts(ENGLISH)

# Typst code and markup in a fact's statement: the guide must print it, not run it.
HOSTILE = '#read("/etc/passwd") $x^2$ *bold* <label> @ref = heading #{ panic() }'


def flat(text: str) -> str:
    return " ".join(text.split())


def latin(text: str) -> str:
    """Text without right-to-left runs and brackets (pypdf reads a right-to-left run back to front)."""
    return flat(re.sub(r"[\u0590-\u08ff]+|[()]", " ", text))


def pages(path: Path) -> list[str]:
    return [flat(p.extract_text()) for p in pypdf.PdfReader(path).pages]


@pytest.fixture(scope="module")
def guides(tmp_path_factory):
    root = tmp_path_factory.mktemp("guides") / "proj"
    project = sample_project(root, more_facts=True)
    project.replace(
        "facts/guild.yaml",
        'statement: "Ada Ferrier became the River Guild\'s first master in 1903."',
        f"statement: 'Ada Ferrier became the River Guild''s first master in 1903. {HOSTILE}'",
    )
    result = project.run("sessions", "guild-history", "--meetings", "3")
    assert result.exit_code == 0, result.output
    base = load_and_validate(root)
    deck = base.deck("guild-history")
    meetings = split_meetings(select_facts(base, deck), 3, deck, base.eras)
    texts = {m.number: pages(root / f"build/guild-history/sessions/meeting-{m.number}/guide.pdf") for m in meetings}
    return base, meetings, texts


def test_every_dispute_side_by_side_with_claimant_source_and_stance(guides):
    base, meetings, texts = guides
    meeting = meetings[2]
    text = " ".join(texts[3])
    disputed = [f for f in meeting.facts if f.disputed]
    assert len(disputed) == 2
    for fact in disputed:
        assert flat(fact.question) in text and flat(fact.dispute.summary) in text
        for version in fact.dispute.versions:
            assert version.claimed_by in text and flat(version.claim) in text
            for citation in version.citations:
                source = base.sources[citation.source]
                assert f"{source.title} ({source.publisher}; {source.kind}; stance: {source.stance})" in text
                assert flat(citation.quote) in text
    assert text.count(SOURCING) == 2 and text.count(CORROBORATION) == 2
    assert "What was happening in 1927–2001" in text
    # Prompts tailored to the stance of each version's source.
    assert flat(STANCE_PROMPTS["critical"] % {"who": "the Rival Society pamphlet"}) in text
    assert flat(STANCE_PROMPTS["neutral"] % {"who": "the chronicle"}) in text


def test_timeline_and_facilitator_notes(guides):
    base, meetings, texts = guides
    for meeting in meetings:
        text = " ".join(texts[meeting.number])
        first = texts[meeting.number][0]
        assert first.startswith("DISCUSSION GUIDE") and f"{meeting.title} Meeting {meeting.number} of 3" in first
        assert "Timeline" in text and "Facilitator notes" in text
        notes = text[text.index("Facilitator notes") :]
        for fact in meeting.facts:
            assert flat(fact.question) in notes and latin(fact.answer) in latin(notes)
            for citation in fact.citations if not fact.disputed else []:
                assert f"{base.sources[citation.source].title}, {citation.locator}" in notes
        for number, page in enumerate(texts[meeting.number], 1):
            assert f"page {number} of {len(texts[meeting.number])}" in page


def test_a_meeting_without_disputes_discusses_its_sources(guides):
    _, meetings, texts = guides
    assert not any(f.disputed for f in meetings[0].facts)
    text = " ".join(texts[1])
    assert "No source disputes a fact of this meeting" in text and "Where the sources disagree" not in text
    assert "Sources in this meeting" in text and "A scholarly history that weighs" in text
    assert "Whose perspective on 1900–1910 is missing" in text


def test_fact_text_is_printed_not_run(guides):
    _, _, texts = guides
    text = " ".join(texts[1])
    assert flat(HOSTILE) in text  # in the timeline legend and the facilitator notes
    assert "root:" not in text


def overlaps(made) -> list[tuple[str, str]]:
    """Pairs of markers on one lane whose extents (the marker, a group's label or a range's bar) meet."""
    found = []
    for a in made.markers:
        for b in made.markers:
            if a.first < b.first and a.lane == b.lane and b.left < a.end and a.left < b.end:
                found.append((a.label, b.label))
    return found


def test_timeline_positions():
    base = load_and_validate(SAMPLE)
    facts = tuple(f for f in base.facts if f.status == "vetted")
    made = timeline(facts)
    assert (made.start, made.end) == (1901, 1931)
    shares = [float(m.x.rstrip("%")) for m in made.markers]
    assert shares == sorted(shares) and shares[0] >= 0 and shares[-1] < 100
    assert [e.when for e in made.entries] == ["1901", "1903", "1910", "1927", "1930"]
    assert [e.disputed for e in made.entries] == [False, False, False, True, False]
    assert all(0 <= float(x.rstrip("%")) <= 100 for _, x in made.ticks)
    assert not overlaps(made)
    assert timeline(tuple(f for f in facts if not f.date)) is None


def test_a_history_of_days_gets_an_axis_of_days():
    """An eight-day mission: eight places on the axis, not one column; ticks name days."""
    from factdeck.outputs.print.guide import timeline
    from factdeck.records.schema import Fact

    common = {"kind": "event", "era": "e", "question": "What happened?", "answer": "It did",
              "statement": "It did.", "status": "draft",
              "citations": [{"source": "s", "locator": "l", "quote": "q"}]}  # fmt: skip
    facts = tuple(Fact.model_validate({**common, "id": f"day-{i}", "date": f"1969-07-{16 + i:02d}"}) for i in range(9))
    made = timeline(facts)
    assert made is not None
    assert len({m.x for m in made.markers}) == 9
    assert made.ticks[0][0] == "16 Jul" and all(isinstance(label, str) for label, _ in made.ticks)
    yearly = timeline(tuple(f.model_copy(update={"date": f"{1960 + i}"}) for i, f in enumerate(facts)))
    assert yearly is not None and all(label.isdigit() for label, _ in yearly.ticks)
