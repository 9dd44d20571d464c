"""Discussion guide: one meeting's disputes, sources and timeline as Typst source (templates/guide/).

For each disputed fact: the question, every version side by side with its
claimant, source and the source's stance, and prompts that practise sourcing,
corroboration and context (tailored by the sources' stances). A timeline figure
of the meeting's period, drawn by the template with Typst's built-ins from the
positions computed here. Facilitator notes: every fact's answer and citations.
A meeting without a dispute gets the timeline and a discussion of its sources.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from factdeck.outputs.render import TypstRaw, render, typst_environment
from factdeck.outputs.sessions.meetings import Meeting
from factdeck.quiz.model import REASON_LABELS
from factdeck.records.dates import parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.naming import glossary_for
from factdeck.records.schema import DeckSpec, Fact, Source
from factdeck.text.dates import MONTHS, date_label

GUIDE_TEMPLATE = "guide/guide.typ"
# Markers closer than this (a share of the axis: a marker's width on the page) go on separate lanes.
LANE_GAP = 0.04
MAX_LANES = 8  # beyond this a dense meeting's markers share the least crowded lane

# Questions for a version, by the stance of the source behind it; {who} is the claimant.
STANCE_PROMPTS = {
    "critical": "This version comes from a source critical of the subject. What might {who} gain from this "
    "account, and what might it leave out?",
    "supportive": "This version comes from a source sympathetic to the subject. What might {who} want readers "
    "to believe, and what might it leave out?",
    "state-aligned": "This version comes from a source aligned with a state. Whose interests could this "
    "account serve, and what could the state's records show that others cannot?",
    "neutral": "This version comes from a source that presents itself as neutral. What evidence does {who} "
    "rest on, and whose records might it depend on?",
    "mixed": "This source mixes perspectives. Which parts of {who}'s account can be checked elsewhere?",
    "unknown": "We know little about this source's stance. What would you want to know about {who} before "
    "trusting this account?",
}
SOURCING = "Who says this, and why might they? Look at each claimant and the source that reports them."
CORROBORATION = "Which version do independent sources agree on, if any? What evidence would settle it?"


@dataclass(frozen=True)
class VersionView:
    claimed_by: str
    claim: str
    answer: str
    sources: tuple[tuple[Source, str, str], ...]  # (source, locator, quote)
    prompt: str


@dataclass(frozen=True)
class DisputeView:
    fact: Fact
    when: str
    summary: str
    versions: tuple[VersionView, ...]
    context: str  # the context prompt, naming the period


@dataclass(frozen=True)
class Marker:
    number: int  # the legend's number
    x: TypstRaw  # left edge, as a Typst ratio
    width: TypstRaw  # a date range's bar (0% for a point)
    lane: int
    when: str
    text: str
    disputed: bool


@dataclass(frozen=True)
class Timeline:
    start: int
    end: int
    ticks: tuple[tuple[int | str, TypstRaw], ...]  # (year, or '16 Jul' on an axis of days; position)
    markers: tuple[Marker, ...]
    lanes: int
    undated: int  # facts without a date, left off the figure


def _ratio(share: float) -> TypstRaw:
    return TypstRaw(f"{100 * share:.2f}%")


DAY_AXIS_DAYS = 120  # dates all within this many days of the first: an axis of days, not years


def _days_between(first, last) -> int | None:
    """Days from `first` to `last` (records/dates' days), or None outside datetime's years."""
    try:
        return (_dt.date(last.year, last.month, last.day) - _dt.date(first.year, first.month, first.day)).days
    except ValueError:
        return None


def _day_label(first, offset: int) -> str:
    day = _dt.date(first.year, first.month, first.day) + _dt.timedelta(days=offset)
    return f"{day.day} {MONTHS[day.month - 1][:3]}"


def _tick_step(span: int) -> int:
    return next(step for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if span / step <= 8)


def timeline(facts: tuple[Fact, ...]) -> Timeline | None:
    """Where each dated fact sits on an axis from its first year to the year after its last; when every date
    falls within DAY_AXIS_DAYS of the first, the axis counts days instead (an eight-day mission gets eight
    columns, not one), with ticks labelled '16 Jul'."""
    dated = [(f, parse_date(f.date)) for f in facts if f.date]
    if not dated:
        return None
    start = min(d.start.year for _, d in dated)
    end = max(d.end.year for _, d in dated) + 1  # the axis runs to the end of the last year
    first_day = min((d.start for _, d in dated), key=lambda day: (day.year, day.month, day.day))
    last_day = max((d.end for _, d in dated), key=lambda day: (day.year, day.month, day.day))
    days = _days_between(first_day, last_day)
    ticks: tuple[tuple[int | str, TypstRaw], ...]
    if days is not None and days < DAY_AXIS_DAYS and all(d.precision == "day" for _, d in dated):
        span_days = days + 1  # the axis runs to the end of the last day

        def share(day) -> float:
            return (_days_between(first_day, day) or 0) / span_days

        step = next(s for s in (1, 2, 5, 7, 14, 30, 61) if span_days / s <= 8)
        ticks = tuple((_day_label(first_day, n), _ratio(n / span_days)) for n in range(0, span_days + 1, step))
    else:
        span = end - start

        def share(day) -> float:
            return (day.year - start + (day.timetuple().tm_yday - 1) / 366) / span

        step = _tick_step(span)
        first_tick = -(-start // step) * step
        ticks = tuple((year, _ratio((year - start) / span)) for year in range(first_tick, end + 1, step))
    markers, lane_ends = [], [-1.0] * MAX_LANES
    for number, (fact, when) in enumerate(sorted(dated, key=lambda pair: pair[1].sort_key()), 1):
        left, right = share(when.start), share(when.end)
        # The lowest lane whose last marker is far enough to the left, else the one whose last marker is furthest.
        lane = next(
            (i for i, e in enumerate(lane_ends) if left - e >= LANE_GAP),
            min(range(MAX_LANES), key=lane_ends.__getitem__),
        )
        lane_ends[lane] = max(right, left)
        markers.append(
            Marker(
                number,
                _ratio(left),
                _ratio(max(0.0, right - left)),
                lane,
                date_label(fact.date),
                fact.statement,
                fact.disputed,
            )
        )
    lanes = max(m.lane for m in markers) + 1
    return Timeline(start, end, ticks, tuple(markers), lanes, len(facts) - len(dated))


def _stance_prompt(sources: list[Source], who: str) -> str:
    stances = list(dict.fromkeys(s.stance for s in sources))
    return STANCE_PROMPTS[stances[0] if len(stances) == 1 else "mixed"].format(who=who)


def dispute_view(base: FactBase, fact: Fact, period: str) -> DisputeView:
    assert fact.dispute is not None
    versions = []
    for v in fact.dispute.versions:
        cited = tuple((base.sources[c.source], c.locator, c.quote) for c in v.citations)
        versions.append(
            VersionView(v.claimed_by, v.claim, v.answer, cited, _stance_prompt([s for s, _, _ in cited], v.claimed_by))
        )
    context = (
        f"What was happening in {period} that might shape how each side tells this? "
        f"When was each source written, and for whom?"
    )
    return DisputeView(fact, date_label(fact.date), fact.dispute.summary, tuple(versions), context)


def guide_context(base: FactBase, deck: DeckSpec, meeting: Meeting) -> dict:
    facts = meeting.facts
    cited = {c.source for f in facts for c in f.all_citations()}
    return {
        "deck": deck,
        "meeting": meeting,
        "disputes": [dispute_view(base, f, meeting.period) for f in facts if f.disputed],
        "timeline": timeline(facts),
        "facts": [(f, date_label(f.date), base.eras_by_id[f.era]) for f in facts],
        "sources": [s for s in base.sources.values() if s.id in cited],
        "titles": {s.id: s.title for s in base.sources.values()},
        "names": {s.id: s.display_name for s in base.sources.values()},
        "glossary": glossary_for(base.glossary, facts),
        "single_source": [f for f in facts if f.corroboration == 1],
        "prompts": {"sourcing": SOURCING, "corroboration": CORROBORATION},
        "reason_labels": REASON_LABELS,  # how each dispute's recorded reason type reads
    }


def guide_source(base: FactBase, deck: DeckSpec, meeting: Meeting, paper: str) -> str:
    """The meeting's discussion guide as Typst source."""
    return render(
        typst_environment(base.root), GUIDE_TEMPLATE, base.root, paper=paper, **guide_context(base, deck, meeting)
    )
