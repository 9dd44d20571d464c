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
from functools import partial

from factdeck.i18n import Language
from factdeck.outputs.print.layout import (
    LARGE_MARGIN_BOTTOM,
    LARGE_PRINT_MINIMUM,
    LARGE_PRINT_SCALE,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    REFIT_QUESTIONS,
)
from factdeck.outputs.print.pdf import Refit
from factdeck.outputs.render import TypstRaw, render, typst_environment
from factdeck.outputs.sessions.agenda import MeetingPlan
from factdeck.outputs.sessions.meetings import Meeting
from factdeck.quiz.model import REASON_LABELS, reason_label
from factdeck.records.dates import parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.naming import glossary_for
from factdeck.records.schema import DeckSpec, Fact, Source
from factdeck.text.dates import date_label
from factdeck.text.words import in_running_text

GUIDE_TEMPLATE = "guide/guide.typ"
# A marker's diameter as a share of the axis (0.6 cm of A4's 17 cm text width; 1 cm in large print).
MARKER_SHARE = 0.6 / 17
LARGE_MARKER_SHARE = 1.0 / 17
GROUP_WIDTH = 2.2  # a group's label ('12–15') is this many markers wide
MAX_LANES = 5  # beyond this, a marker with no room joins the marker before it as a group ('12–15')


def stance_prompts(language: Language) -> dict[str, str]:
    """Questions for a version, by the stance of the source behind it; `%(who)s` is the claimant."""
    _ = language.translations.ugettext  # filled later, once the claimant is known
    return {
        "critical": _(
            "This version comes from a source critical of the subject. What might %(who)s gain from this "
            "account, and what might it leave out?"
        ),
        "supportive": _(
            "This version comes from a source sympathetic to the subject. What might %(who)s want readers "
            "to believe, and what might it leave out?"
        ),
        "state-aligned": _(
            "This version comes from a source aligned with a state. Whose interests could this "
            "account serve, and what could the state's records show that others cannot?"
        ),
        "neutral": _(
            "This version comes from a source that presents itself as neutral. What evidence does %(who)s "
            "rest on, and whose records might it depend on?"
        ),
        "mixed": _("This source mixes perspectives. Which parts of %(who)s's account can be checked elsewhere?"),
        "unknown": _(
            "We know little about this source's stance. What would you want to know about %(who)s before "
            "trusting this account?"
        ),
    }


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
class Entry:
    """One dated fact in the timeline's numbered list."""

    number: int
    when: str
    text: str
    disputed: bool
    fact_id: str = ""


@dataclass(frozen=True)
class Marker:
    """A drawn marker: one fact (`first == last`), or a group of consecutive facts with no room of their own."""

    first: int
    last: int
    left: float  # share of the axis: the marker's left edge
    end: float  # share of the axis: the right end of the marker or of its range's bar
    bar: float  # share of the axis: the right end of a range's bar (the left edge: no bar)
    lane: int
    beyond: bool  # the range runs on past the axis' end (drawn with an arrow)
    disputed: bool  # any of its facts

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    def label_in(self, language: Language) -> str:
        """The label in the language's digits."""
        return language.digits(self.label)

    @property
    def x(self) -> TypstRaw:
        return _ratio(self.left)

    @property
    def width(self) -> TypstRaw:
        return _ratio(self.end - self.left)

    @property
    def bar_width(self) -> TypstRaw:
        return _ratio(max(0.0, self.bar - self.left))


@dataclass(frozen=True)
class Timeline:
    start: int
    end: int
    ticks: tuple[tuple[str, TypstRaw], ...]  # (year, or '16 Jul' on an axis of days; position)
    markers: tuple[Marker, ...]
    entries: tuple[Entry, ...]
    lanes: int
    undated: int  # facts without a date, left off the figure
    marker_share: float


def _ratio(share: float) -> TypstRaw:
    return TypstRaw(f"{100 * share:.2f}%")


DAY_AXIS_DAYS = 120  # dates all within this many days of the first: an axis of days, not years


def _days_between(first, last) -> int | None:
    """Days from `first` to `last` (records/dates' days), or None outside datetime's years."""
    try:
        return (_dt.date(last.year, last.month, last.day) - _dt.date(first.year, first.month, first.day)).days
    except ValueError:
        return None


def _day_label(first, offset: int, language: Language) -> str:
    day = _dt.date(first.year, first.month, first.day) + _dt.timedelta(days=offset)
    month = str(language.locale.months["format"]["abbreviated"][day.month])
    return language.pgettext("date", "%(day)s %(month)s", day=language.year(day.day), month=month)


def _tick_step(span: int) -> int:
    return next(step for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if span / step <= 8)


def timeline(
    facts: tuple[Fact, ...],
    period: tuple[int, int] | None = None,
    marker_share: float = MARKER_SHARE,
    language: Language | None = None,
) -> Timeline | None:
    """Where each dated fact sits on an axis from the first year of `period` (default: of the facts) to the
    end of its last year; when every date falls within DAY_AXIS_DAYS of the first, the axis counts days instead
    (an eight-day mission gets eight columns, not one), with ticks labelled '16 Jul'.

    Markers (`marker_share` of the axis wide) never overlap: each goes on the lowest of MAX_LANES lanes where
    it has room (a range's bar included); one with no room joins the marker placed before it, which then
    shows a group ('12–15'); the numbered list (`entries`) gives every fact. A range running past the axis'
    end is cut there and drawn with an arrow. Tick labels and entries' dates are in `language` (default
    English): its digits, its month names."""
    language = language or Language.source()
    dated = sorted(((f, parse_date(f.date)) for f in facts if f.date), key=lambda pair: pair[1].sort_key())
    if not dated:
        return None
    first_day = min((d.start for _, d in dated), key=lambda day: (day.year, day.month, day.day))
    last_day = max((d.end for _, d in dated), key=lambda day: (day.year, day.month, day.day))
    if period is None:
        period = (min(d.start.year for _, d in dated), max(d.end.year for _, d in dated))
    start, end = period[0], period[1] + 1  # the axis runs to the end of the last year
    days = _days_between(first_day, last_day)
    ticks: tuple[tuple[str, TypstRaw], ...]
    if days is not None and days < DAY_AXIS_DAYS and all(d.precision == "day" for _, d in dated):
        span_days = days + 1  # the axis runs to the end of the last day

        def share(day) -> float:
            return (_days_between(first_day, day) or 0) / span_days

        step = next(s for s in (1, 2, 5, 7, 14, 30, 61) if span_days / s <= 8)
        ticks = tuple(
            (_day_label(first_day, n, language), _ratio(n / span_days)) for n in range(0, span_days + 1, step)
        )
    else:
        span = end - start

        def share(day) -> float:
            return (day.year - start + (day.timetuple().tm_yday - 1) / 366) / span

        step = _tick_step(span)
        first_tick = -(-start // step) * step
        ticks = tuple((language.year(year), _ratio((year - start) / span)) for year in range(first_tick, end + 1, step))
    gap = marker_share / 6
    markers: list[Marker] = []
    lane_ends = [-1.0] * MAX_LANES
    entries = []
    for number, (fact, when) in enumerate(dated, 1):
        entries.append(Entry(number, date_label(fact.date, language), fact.statement, fact.disputed, fact.id))
        # A marker's left edge: its date, kept on the axis (the last marker's whole circle too).
        left = min(max(0.0, share(when.start) - marker_share / 2), 1.0 - marker_share)
        right = share(when.end)
        beyond = right > 1.0
        bar = min(right, 1.0) if when.kind == "interval" and right - share(when.start) > marker_share / 2 else left
        extent = max(left + marker_share, bar)
        lane = next((i for i, e in enumerate(lane_ends) if e + gap <= left), None)
        if lane is not None:
            markers.append(Marker(number, number, left, extent, bar, lane, beyond, fact.disputed))
            lane_ends[lane] = extent
            continue
        # No room: the marker before it (the last one in its lane) becomes a group and takes this fact in.
        before = markers.pop()
        group = Marker(
            before.first, number, before.left, max(before.end, before.left + GROUP_WIDTH * marker_share),
            before.left, before.lane, False, before.disputed or fact.disputed,
        )  # fmt: skip
        markers.append(group)
        lane_ends[group.lane] = group.end
    lanes = max(m.lane for m in markers) + 1
    return Timeline(start, end, ticks, tuple(markers), tuple(entries), lanes, len(facts) - len(dated), marker_share)


def _embedded(name: str, language: Language) -> str:
    """A name inside a sentence: isolated (UAX #9) in a right-to-left language, where it may run the other way."""
    return language.isolate(name) if language.rtl else name


def _stance_prompt(sources: list[Source], who: str, language: Language) -> str:
    stances = list(dict.fromkeys(s.stance for s in sources))
    return stance_prompts(language)[stances[0] if len(stances) == 1 else "mixed"] % {"who": _embedded(who, language)}


def dispute_view(base: FactBase, fact: Fact, period: str, language: Language | None = None) -> DisputeView:
    """A disputed fact as the guide shows it, its prompts in `language` (default English)."""
    language = language or Language.source()
    running = in_running_text if language.tag == "en" else str
    assert fact.dispute is not None
    versions = []
    for v in fact.dispute.versions:
        cited = tuple((base.sources[c.source], c.locator, c.quote) for c in v.citations)
        versions.append(
            VersionView(
                v.claimed_by,
                v.claim,
                v.answer,
                cited,
                _stance_prompt([s for s, _, _ in cited], running(v.claimed_by), language),
            )
        )
    context = language.gettext(
        "What was happening in %(period)s that might shape how each side tells this? "
        "When was each source written, and for whom?",
        period=period,
    )
    return DisputeView(fact, date_label(fact.date, language), fact.dispute.summary, tuple(versions), context)


def cards_note(deck: DeckSpec, meeting: Meeting, plan: MeetingPlan, language: Language | None = None) -> str:
    """How the meeting's Anki cards relate to what the meeting discusses, in a sentence or three, in
    `language` (default English)."""
    language = language or Language.source()
    facts = meeting.facts
    disputed = sum(f.disputed for f in facts)
    asked = len({i for q in plan.quiz.questions for i in q.fact_ids}) if plan.quiz is not None else 0
    deck_name = _embedded(f"{deck.name}::{meeting.title_in(language)}", language)
    period = meeting.period_in(language)
    if disputed:
        held = language.ngettext(
            "The meeting's Anki deck (%(deck)s) holds all %(n)s facts of %(period)s, %(disputed)s of them "
            "disputed, each version on its own card.",
            "The meeting's Anki deck (%(deck)s) holds all %(n)s facts of %(period)s, %(disputed)s of them "
            "disputed, each version on its own card.",
            len(facts),
            deck=deck_name,
            period=period,
            disputed=disputed,
        )
    else:
        held = language.ngettext(
            "The meeting's Anki deck (%(deck)s) holds the %(n)s fact of %(period)s.",
            "The meeting's Anki deck (%(deck)s) holds all %(n)s facts of %(period)s.",
            len(facts),
            deck=deck_name,
            period=period,
        )
    said = [held]
    covered = []
    if asked:
        covered.append(language.gettext("the worksheet asks about %(n)s", n=asked))
    if plan.disputes:
        covered.append(language.gettext("the group discusses %(n)s of the disputes", n=len(plan.disputes)))
    if covered:
        said.append(
            language.gettext(
                "In the meeting %(covered)s; the other facts are for the cards alone.", covered=language.join(covered)
            )
        )
    if plan.extra:
        said.append(
            language.ngettext(
                "The other %(n)s dispute is optional extra at the end of this guide, for a longer meeting or for "
                "reading at home.",
                "The other %(n)s disputes are optional extra at the end of this guide, for a longer meeting or for "
                "reading at home.",
                len(plan.extra),
            )
        )
    return " ".join(said)


def guide_context(
    base: FactBase,
    deck: DeckSpec,
    meeting: Meeting,
    plan: MeetingPlan,
    large: bool = False,
    language: Language | None = None,
) -> dict:
    """What templates/guide/guide.typ reads, every word factdeck writes in `language` (default English)."""
    language = language or Language.source()
    facts = meeting.facts
    period_text = meeting.period_in(language)
    cited = {c.source for f in facts for c in f.all_citations()}
    period = (meeting.first_year, meeting.last_year) if meeting.first_year and meeting.last_year else None
    drawn = timeline(facts, period, LARGE_MARKER_SHARE if large else MARKER_SHARE, language)
    return {
        "deck": deck,
        "meeting": meeting,
        "plan": plan,
        "title": meeting.title_in(language),
        "period": period_text,
        "cards": cards_note(deck, meeting, plan, language),
        "disputes": [dispute_view(base, f, period_text, language) for f in plan.disputes],
        "extra": [dispute_view(base, f, period_text, language) for f in plan.extra],
        "timeline": drawn,
        # The facilitator notes point to the timeline's list for a fact's statement rather than repeat it.
        "on_timeline": {e.fact_id: e.number for e in drawn.entries} if drawn is not None else {},
        "facts": [(f, date_label(f.date, language), base.eras_by_id[f.era]) for f in facts],
        "sources": [s for s in base.sources.values() if s.id in cited],
        "titles": {s.id: s.title for s in base.sources.values()},
        "names": {s.id: s.display_name for s in base.sources.values()},
        "glossary": glossary_for(base.glossary, facts),
        "single_source": [f for f in facts if f.corroboration == 1],
        "prompts": {
            "sourcing": language.gettext(
                "Who says this, and why might they? Look at each claimant and the source that reports them."
            ),
            "corroboration": language.gettext(
                "Which version do independent sources agree on, if any? What evidence would settle it?"
            ),
        },
        "large": large,
        "group_width": str(GROUP_WIDTH),
        "minimum": LARGE_PRINT_MINIMUM if large else 0.0,
        "scale": LARGE_PRINT_SCALE if large else 1.0,
        # how each dispute's recorded reason type reads
        "reason_labels": {kind: reason_label(kind, language) for kind in REASON_LABELS},
    }


def guide_source(
    base: FactBase,
    deck: DeckSpec,
    meeting: Meeting,
    plan: MeetingPlan,
    paper: str,
    large: bool = False,
    directives: tuple[str, ...] = (),
    language: Language | None = None,
) -> str:
    """The meeting's discussion guide as Typst source (`large`: the large-print copy, every text >= 18 pt;
    `directives`: a page break before the facilitator notes' fact 'f<n>', for `guide_refit`), in `language`
    (default English)."""
    return render(
        typst_environment(base.root, language),
        GUIDE_TEMPLATE,
        base.root,
        paper=paper,
        pull=directives[-1] if directives else "",
        **guide_context(base, deck, meeting, plan, large, language),
    )


def guide_refit(
    base: FactBase,
    deck: DeckSpec,
    meeting: Meeting,
    plan: MeetingPlan,
    paper: str,
    large: bool,
    language: Language | None = None,
) -> Refit:
    """How to fill a near-empty last page of the guide: a page break before one of the last facilitator notes."""
    count = len(meeting.facts)
    points = tuple(f"f{n}" for n in range(count, max(0, count - REFIT_QUESTIONS), -1))
    source = partial(guide_source, base, deck, meeting, plan, paper, large, language=language)
    return Refit(points, source, (MARGIN_TOP, LARGE_MARGIN_BOTTOM if large else MARGIN_BOTTOM), numbered=False)
