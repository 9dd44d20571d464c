"""A meeting's plan: an agenda whose minutes add up to the meeting's length, the worksheet and the disputes
that fit in it, what is left as optional extra, and what to cut if time runs short.

The timing rule (docs/study-groups.md, "Sizing a meeting"):

- opening and closing take OPENING_MINUTES and CLOSING_MINUTES;
- a dispute takes DISPUTE_MINUTES plus VERSION_MINUTES per version (reading every version aloud and working
  through the guide's prompts); disputes get at most DISPUTE_SHARE of the time between opening and closing,
  and at least one is discussed whenever the meeting has one that fits;
- a worksheet question takes QUESTION_MINUTES[its type] (answering it alone or in pairs, then going over the
  answer together), a source analysis ANALYSIS_VERSION_MINUTES more for each version beyond two (each is read
  and weighed, as in a dispute's discussion); the worksheet gets the rest of the time, as many questions as
  fit, on the facts the discussion does not cover, of which at most MOST_ANALYSES disputes not discussed
  (each a source analysis, which takes a printed page and a dispute's minutes; the others stay extra);
- minutes left over go to the disputes' discussion (or, without disputes, to going over the worksheet).

The disputes discussed are spread over the meeting's period (evenly spaced in its chronological order); the
others are optional extra.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from factdeck.i18n import Language
from factdeck.outputs.vocabulary import Vocabulary
from factdeck.quiz import Question, Quiz
from factdeck.records.schema import Fact

OPENING_MINUTES = 5  # welcome; the meeting's period on the timeline; how the cards relate to the meeting
CLOSING_MINUTES = 5  # what to review on the cards before the next meeting
DISPUTE_MINUTES = 6  # the prompts of one dispute (sourcing, corroboration, context) ...
VERSION_MINUTES = 2  # ... and reading each of its versions aloud
DISPUTE_SHARE = 0.5  # disputes take at most this share of the time between opening and closing
# Minutes per worksheet question, by type: answering it, then going over the answer together.
QUESTION_MINUTES = {
    "multiple-choice": 1.0,
    "true-false": 0.5,
    "fill-blank": 1.0,
    "matching": 3.0,
    "timeline": 3.0,
    "short-answer": 3.0,
    "source-analysis": 6.0,  # two versions; see ANALYSIS_VERSION_MINUTES
}
MOST_ANALYSES = 1  # source-analysis questions on a meeting's worksheet, at most
ANALYSIS_VERSION_MINUTES = 2.0  # each version of a source analysis beyond two: read and weighed (VERSION_MINUTES)


@dataclass(frozen=True)
class AgendaItem:
    title: str
    minutes: int
    what: str


@dataclass(frozen=True)
class MeetingPlan:
    """What one meeting does in its `minutes`: `items` add up to exactly `minutes`."""

    minutes: int
    items: tuple[AgendaItem, ...]
    quiz: Quiz | None  # the worksheet (None: no question could be made)
    worksheet_minutes: int  # by the rule, rounded up
    disputes: tuple[Fact, ...]  # discussed, in chronological order
    extra: tuple[Fact, ...]  # the meeting's other disputes: optional extra
    cuts: tuple[str, ...]  # what to cut if time runs short, first cut first


def dispute_minutes(fact: Fact) -> int:
    """Minutes to discuss one disputed fact (DISPUTE_MINUTES + VERSION_MINUTES per version)."""
    assert fact.dispute is not None
    return DISPUTE_MINUTES + VERSION_MINUTES * len(fact.dispute.versions)


def minutes_of(question: Question) -> float:
    """Minutes a group needs for one question: QUESTION_MINUTES of its type, and ANALYSIS_VERSION_MINUTES for
    each version of a source analysis beyond two (a four-version analysis takes 10 minutes and most of a page)."""
    extra = max(0, len(question.versions) - 2) if question.type == "source-analysis" else 0
    return QUESTION_MINUTES[question.type] + ANALYSIS_VERSION_MINUTES * extra


def question_minutes(quiz: Quiz) -> float:
    """Minutes a group needs for the quiz's questions (`minutes_of` each)."""
    return sum(minutes_of(q) for q in quiz.questions)


def _spread(items: list[Fact], count: int) -> list[Fact]:
    """`count` of `items`, evenly spaced through them (the middle of each of `count` equal stretches)."""
    return [items[int((i + 0.5) * len(items) / count)] for i in range(count)]


def choose_disputes(disputed: list[Fact], budget: float, available: int) -> list[Fact]:
    """As many disputes as fit in `budget` minutes, spread over the list; one if none fits the budget but
    one fits the `available` minutes."""
    for count in range(len(disputed), 0, -1):
        chosen = _spread(disputed, count)
        if sum(dispute_minutes(f) for f in chosen) <= budget:
            return chosen
    shortest = min(disputed, key=dispute_minutes, default=None)
    return [shortest] if shortest is not None and dispute_minutes(shortest) <= available else []


def plan_meeting(
    facts: tuple[Fact, ...],
    minutes: int,
    make_quiz: Callable[[list[Fact], int], Quiz],
    most_questions: int,
    language: Language | None = None,
) -> MeetingPlan:
    """The plan of a meeting of `minutes` on `facts` (chronological). `make_quiz(facts, n)` makes a worksheet
    of at most n questions on `facts`; the worksheet has the most questions, up to `most_questions`, whose
    minutes fit the time the rule leaves it (found by bisection: about five worksheets made), on the facts not
    discussed, of which at most MOST_ANALYSES disputed ones (each a source analysis).
    Every word of the agenda and the cuts is in `language` (default English).
    Raises ValueError for a meeting with no time between opening and closing."""
    language = language or Language.source()
    _ = language.gettext
    available = minutes - OPENING_MINUTES - CLOSING_MINUTES
    if available <= 0:
        raise ValueError(f"a meeting of {minutes} minutes leaves no time between opening and closing")
    disputed = [f for f in facts if f.disputed]
    chosen = choose_disputes(disputed, available * DISPUTE_SHARE, available)
    discussed = {f.id for f in chosen}
    budget = available - sum(dispute_minutes(f) for f in chosen)
    # A disputed fact is asked as a source analysis: the worksheet takes at most MOST_ANALYSES of the disputes
    # not discussed (spread over the period); the others stay the guide's optional extra.
    undiscussed = [f for f in disputed if f.id not in discussed]
    analysed = {f.id for f in _spread(undiscussed, min(MOST_ANALYSES, len(undiscussed)))}
    asked = [f for f in facts if f.id not in discussed and (not f.disputed or f.id in analysed)]
    made: dict[int, Quiz] = {}

    def fits(count: int) -> bool:
        made[count] = made.get(count) or make_quiz(asked, count)
        return bool(made[count].questions) and math.ceil(question_minutes(made[count])) <= budget

    # The most questions that fit, by bisection: more questions take more minutes (the types' mix aside).
    low, high = 0, min(most_questions, len(asked))
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    quiz = made[low] if low else None
    worksheet = math.ceil(question_minutes(quiz)) if quiz is not None else 0
    spare = budget - worksheet
    items = [
        AgendaItem(_("Opening"), OPENING_MINUTES, _("The meeting's period on the timeline; what the cards cover."))
    ]
    shares = [dispute_minutes(f) for f in chosen]
    if quiz is not None:
        last = len(quiz.versions[0].questions)
        extra = 0 if chosen else spare
        items.append(
            AgendaItem(
                _("Worksheet"),
                worksheet + extra,
                _(
                    "Questions %(first)s–%(last)s alone or in pairs, then the answers together (the key's grid).",
                    first=1,
                    last=last,
                ),
            )
        )
    for i in range(len(chosen)):  # the spare minutes go to the discussion, the first disputes first
        shares[i] += spare // len(chosen) + (1 if i < spare % len(chosen) else 0)
    for number, (fact, share) in enumerate(zip(chosen, shares), 1):
        items.append(AgendaItem(_("Dispute %(n)s", n=number), share, fact.question))
    if not chosen and quiz is None:
        items.append(AgendaItem(_("Sources"), spare, _("Whose accounts the period rests on (the guide's prompts).")))
    items.append(AgendaItem(_("Closing"), CLOSING_MINUTES, _("What to review on the cards before the next meeting.")))
    assert sum(i.minutes for i in items) == minutes
    return MeetingPlan(
        minutes,
        tuple(items),
        quiz,
        worksheet,
        tuple(chosen),
        tuple(f for f in disputed if f.id not in discussed),
        tuple(_cuts(quiz, chosen, language)),
    )


def _cuts(quiz: Quiz | None, chosen: list[Fact], language: Language) -> list[str]:
    """What to cut if time runs short, the cheapest loss first: the last dispute (as reading), the worksheet's
    costliest part (as homework), going over only the answers the group disagrees on, then two of each
    dispute's three prompts."""
    cuts = []
    if len(chosen) > 1:
        cuts.append(
            language.ngettext(
                "Leave dispute %(number)s for reading at home (saves about %(n)s minute).",
                "Leave dispute %(number)s for reading at home (saves about %(n)s minutes).",
                dispute_minutes(chosen[-1]),
                number=len(chosen),
            )
        )
    if quiz is not None:
        sections = list(quiz.versions[0].sections)
        costliest = max(sections, key=lambda s: sum(QUESTION_MINUTES[p.type] for p in s.questions))
        first, last = costliest.questions[0].number, costliest.questions[-1].number
        numbers = (
            language.gettext("question %(n)s", n=first)
            if first == last
            else language.gettext("questions %(first)s–%(last)s", first=first, last=last)
        )
        saved = math.ceil(sum(QUESTION_MINUTES[p.type] for p in costliest.questions))
        if len(sections) > 1:
            cuts.append(
                language.ngettext(
                    "Set the part “%(part)s” (%(numbers)s) as homework (saves about %(n)s minute).",
                    "Set the part “%(part)s” (%(numbers)s) as homework (saves about %(n)s minutes).",
                    saved,
                    part=Vocabulary.of(language).question_types[costliest.type],
                    numbers=numbers,
                )
            )
        cuts.append(
            language.gettext(
                "Go over only the worksheet answers the group disagrees on; read the rest from the key's grid."
            )
        )
    if chosen:
        cuts.append(
            language.gettext(
                "Take the Sourcing and Context prompts of each dispute, and leave Corroboration for the cards."
            )
        )
    return cuts
