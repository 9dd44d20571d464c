"""Quiz stage: a deck's facts to worksheet questions and shuffled versions (pure data).

The content (which facts, which question types, which wrong options, which
true/false statements are false) is drawn once; versions A, B, … show the same
questions in another order with their options shuffled. Every random choice
comes from a `random.Random` seeded with text built from the deck's seed, the
deck id and what is being chosen (a fact id, a version letter), so the same
seed always gives the same worksheets, and adding a fact does not reshuffle the
wrong options of the others.

Disputed facts never become multiple-choice or true/false questions with one
version as the answer: they become source-analysis questions (or short-answer
questions whose key lists every version).
"""

from __future__ import annotations

import operator
import random
import re
import string
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from factdeck.records.dates import parse_date
from factdeck.text.compare import answer_comparison_form
from factdeck.quiz.distractors import (
    Distractors, answer_form, core, mentions, name_variants, replace_token, token_in,
)
from factdeck.engine.memo import FactMemo, KeyedMemo
from factdeck.records.schema import DeckSpec, Fact, QuestionType, QuizSettings, Source
from factdeck.records.select import chronological_key as chronological
from factdeck.records.validate import FactBase
from factdeck.text.dates import MONTHS, date_label
from factdeck.text.words import whole_word_spans

QUESTION_TYPES: tuple[str, ...] = QuestionType.__args__  # type: ignore[attr-defined]
SINGLE_TYPES = ("multiple-choice", "true-false", "fill-blank", "short-answer", "source-analysis")
GROUP_TYPES = ("matching", "timeline")
# The order of a worksheet's parts: quick questions first, writing last.
SECTION_ORDER = ("multiple-choice", "true-false", "fill-blank", "matching", "timeline", "short-answer", "source-analysis")
# Relative share of each single type when choosing facts; a disputed fact always gets source analysis.
TYPE_WEIGHTS = {"multiple-choice": 4.0, "true-false": 2.0, "fill-blank": 2.0, "short-answer": 1.5, "source-analysis": 2.5}
OPTIONS = 4
# Items in a matching or timeline question: five fit half a page and are enough to reason about; never under four.
GROUP_MIN = 4
GROUP_PREFERRED = 5
QUESTIONS_PER_GROUP = 15  # one matching and one timeline question per this many questions
LETTERS = string.ascii_uppercase

_MONTH_RE = "|".join(MONTHS)
_DATE_EXPRESSION = re.compile(rf"(?<![\w-])(?:\d{{1,2}}\s+)?(?:(?:{_MONTH_RE})\s+)?\d{{4}}s?(?![\w-])")
BLANK = "_____"
MAX_BLANK_WORDS = 5  # a longer blank is an essay, not a gap
MAX_ITEM_WORDS = 28  # a matching or timeline row longer than this does not fit the layout
_WHO = re.compile(r"^who\s+(?:(?:was|is|were|became|served as)\s+)?(?P<role>.+?)\?$", re.IGNORECASE)
# What weighing found per fact, kept across a watch's rounds (memo.py).
_CAN = {kind: FactMemo() for kind in ("multiple-choice", "true-false", "fill-blank")}
_ELIGIBLE = FactMemo()
_ORDERS = KeyedMemo()
_ID = operator.attrgetter("id")
_SHAPE = operator.attrgetter("id", "era", "dispute")
_NAMES = FactMemo()
_ASKED = FactMemo()
_TIMELINE_TEXTS = FactMemo()
_ROLES = FactMemo()


# --- the content ---------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """A citation as the key shows it."""

    source_id: str
    source: str  # the source's title
    locator: str


@dataclass(frozen=True)
class VersionAnswer:
    """One side of a dispute, as the key lists it."""

    claimed_by: str
    claim: str
    answer: str
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class Excerpt:
    """A source's own words, shown in a source-analysis question."""

    source_id: str
    source: str
    publisher: str
    kind: str
    stance: str
    perspective: str
    locator: str
    quote: str


@dataclass(frozen=True)
class Item:
    """One row of a matching question (description, name) or a timeline (event, date)."""

    fact_id: str
    text: str
    answer: str
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class Question:
    """One question's content, the same in every version."""

    id: str
    type: str
    prompt: str
    fact_ids: tuple[str, ...]
    answer: str  # the key's answer, as text
    explanation: str  # one line: why
    references: tuple[Reference, ...] = ()
    options: tuple[str, ...] = ()  # multiple choice: the correct option first
    truth: bool | None = None  # true/false
    swapped: tuple[str, str] | None = None  # a false statement: (the true value, the value put in its place)
    parts: tuple[str, ...] = ()  # fill in the blank: the text around the blanks
    items: tuple[Item, ...] = ()  # matching; timeline (in date order)
    excerpts: tuple[Excerpt, ...] = ()  # source analysis
    versions: tuple[VersionAnswer, ...] = ()  # disputed facts: every version

    @property
    def disputed(self) -> bool:
        return bool(self.versions)


@dataclass(frozen=True)
class Placed:
    """A question as one version shows it: its number and the order of its options or items."""

    number: int
    question: Question
    order: tuple[int, ...] = ()  # options (multiple choice) or items (matching descriptions, timeline events)
    names: tuple[int, ...] = ()  # matching: items in the order their names are listed

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def options(self) -> list[str]:
        return [self.question.options[i] for i in self.order]

    @property
    def items(self) -> list[Item]:
        return [self.question.items[i] for i in self.order]

    @property
    def name_list(self) -> list[str]:
        return [self.question.items[i].answer for i in self.names]

    @property
    def correct_letter(self) -> str:
        return LETTERS[self.order.index(0)]

    @property
    def matches(self) -> list[str]:
        """Matching: for each description as shown, the letter of its name."""
        return [LETTERS[self.names.index(i)] for i in self.order]

    @property
    def chronology(self) -> list[str]:
        """Timeline: the events' letters in date order."""
        return [LETTERS[self.order.index(i)] for i in range(len(self.question.items))]

    @property
    def answer_label(self) -> str:
        """The answer in the key's short form: a letter, True/False, a letter sequence, or the answer."""
        q = self.question
        if q.type == "multiple-choice":
            return f"{self.correct_letter}. {q.options[0]}"
        if q.type == "true-false":
            return "True" if q.truth else "False"
        if q.type == "matching":
            return ", ".join(f"{n}–{letter}" for n, letter in enumerate(self.matches, 1))
        if q.type == "timeline":
            return " → ".join(self.chronology)
        return q.answer


@dataclass(frozen=True)
class Section:
    type: str
    questions: tuple[Placed, ...]


@dataclass(frozen=True)
class Version:
    letter: str
    sections: tuple[Section, ...]

    @property
    def questions(self) -> list[Placed]:
        return [p for s in self.sections for p in s.questions]


@dataclass(frozen=True)
class Quiz:
    """A deck's worksheet content and its versions."""

    deck_id: str
    deck_name: str
    title: str
    seed: int
    requested: int
    questions: tuple[Question, ...]  # in section order
    versions: tuple[Version, ...]
    sources: tuple[Source, ...]  # every source the questions cite, in sources.yaml order
    notes: tuple[str, ...] = field(default=())  # why fewer questions were made than requested, etc.


# --- randomness ----------------------------------------------------------------------

def seeded(seed: int, deck_id: str, *purpose: object) -> random.Random:
    """A generator for one purpose; `random.Random` hashes text seeds with SHA-512, the same in every run."""
    return random.Random(":".join(str(p) for p in (seed, deck_id, *purpose)))


# --- helpers on facts ------------------------------------------------------------------

def _blank_parts(statement: str, spans: list[tuple[int, int]]) -> tuple[str, ...] | None:
    """The statement cut at `spans` (every whole-word occurrence of the blanked token), if enough words remain."""
    if not spans:
        return None
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(statement[last:start])
        last = end
    pieces.append(statement[last:])
    if len(" ".join(pieces).split()) < 4:
        return None
    return tuple(pieces)


def _undated(statement: str) -> str | None:
    """The statement with its one date blanked, for a timeline (None if it holds no date or several).

    Blanking keeps the sentence whole ('the _____ referendum'), where cutting the date out would not.
    """
    if len(_DATE_EXPRESSION.findall(statement)) != 1:
        return None
    text = _DATE_EXPRESSION.sub(BLANK, statement)
    if re.search(r"\d{4}|\d0s", text) or not 4 <= len(text.split()) <= MAX_ITEM_WORDS:
        return None
    return text


def _findable_answer(fact: Fact) -> bool:
    """Whether the answer could appear word for word in another question (names and terms, not years or
    numbers, nor very short answers that would match by chance)."""
    return not fact.disputed and fact.kind not in ("date", "number") and len(answer_comparison_form(core(fact.answer))) >= 4


def gives_away(a: Fact, b: Fact) -> bool:
    """Whether either fact's question or statement states the other's answer (as `mentions` finds names)."""
    for x, y in ((a, b), (b, a)):
        names = _answer_names(x)
        if names:
            asked = _asked_text(y)
            if any(f" {name} " in asked for name in names):
                return True
    return False


def _answer_names(fact: Fact) -> frozenset[str]:
    """The comparison forms of the answer, if another question could give it away (else none)."""
    return _NAMES.get(fact, None, lambda: frozenset(name_variants(fact.answer)) if _findable_answer(fact) else frozenset())


def _asked_text(fact: Fact) -> str:
    """The question and statement in comparison form, padded for whole-word search."""
    return _ASKED.get(fact, None, lambda: f" {answer_comparison_form(f'{fact.question} {fact.statement}')} ")


def _timeline_text(fact: Fact) -> str | None:
    """A timeline row's text: the statement with its date blanked, if the fact can be one."""
    return _TIMELINE_TEXTS.get(fact, None, lambda: None if fact.disputed or not fact.date else _undated(fact.statement))


def _matching_role(fact: Fact) -> str | None:
    """A matching row's description, if the fact can be one."""
    def make() -> str | None:
        if fact.disputed or fact.kind not in ("person", "organization") or answer_form(fact) is None:
            return None
        return _role(fact)

    return _ROLES.get(fact, None, make)


def _role(fact: Fact) -> str | None:
    """What a person or organization did, without their name (for a matching question): the shorter of
    the statement with the name blanked and the question's 'Who …?' turned into a description."""
    name = fact.answer.strip()
    roles = []
    if len(re.findall(rf"(?<![\w]){re.escape(name)}(?![\w])", fact.statement)) == 1:
        roles.append(replace_token(fact.statement, name, BLANK))
    match = _WHO.match(fact.question.strip())
    if match and not token_in(match["role"], name):
        roles.append(match["role"][0].upper() + match["role"][1:] + ".")
    roles = [r for r in roles if len(r.split()) <= MAX_ITEM_WORDS]
    return min(roles, key=len) if roles else None


# --- building questions ------------------------------------------------------------------

class QuizMaker:
    """Draws a deck's questions and versions from the fact base."""

    def __init__(self, base: FactBase, deck: DeckSpec, settings: QuizSettings):
        self.base = base
        self.deck = deck
        self.settings = settings
        self.distractors = Distractors(base)

    def _rng(self, *purpose: object) -> random.Random:
        return seeded(self.settings.seed, self.deck.id, *purpose)

    def _references(self, citations: Iterable, limit: int = 2) -> tuple[Reference, ...]:
        """The first citation of each of the first `limit` sources."""
        seen: dict[str, Reference] = {}
        for c in citations:
            if c.source not in seen and len(seen) < limit:
                seen[c.source] = Reference(c.source, self.base.sources[c.source].title, c.locator)
        return tuple(seen.values())

    def _versions(self, fact: Fact) -> tuple[VersionAnswer, ...]:
        if not fact.dispute:
            return ()
        return tuple(VersionAnswer(v.claimed_by, v.claim, v.answer, self._references(v.citations))
                     for v in fact.dispute.versions)

    # single-fact question types; each returns None when the fact cannot make one

    def multiple_choice(self, fact: Fact) -> Question | None:
        form = answer_form(fact)
        wrong = self.distractors.wrong_options(fact, OPTIONS - 1, self._rng("multiple-choice", fact.id))
        if form is None or wrong is None:
            return None
        return Question(f"multiple-choice:{fact.id}", "multiple-choice", fact.question, (fact.id,),
                        form.option, fact.statement, self._references(fact.citations), options=(form.option, *wrong))

    def true_false(self, fact: Fact, truth: bool) -> Question | None:
        form = answer_form(fact)
        if form is None or not token_in(fact.statement, form.token):
            return None
        wrong = self.distractors.wrong_tokens(fact, 1, self._rng("true-false", fact.id))
        if wrong is None:
            return None
        refs = self._references(fact.citations)
        if truth:
            return Question(f"true-false:{fact.id}", "true-false", fact.statement, (fact.id,),
                            "True", fact.statement, refs, truth=True)
        replacement = wrong[0]
        false = replace_token(fact.statement, form.token, replacement)
        return Question(f"true-false:{fact.id}", "true-false", false, (fact.id,), "False", fact.statement, refs,
                        truth=False, swapped=(form.token, replacement))

    def _blank(self, fact: Fact) -> tuple[tuple[str, ...], str] | None:
        """A fill-in-the-blank's parts and the blanked words as the statement writes them, if it can make one."""
        if fact.disputed:
            return None
        form = answer_form(fact)
        token = form.token if form else core(fact.answer)
        if len(token.split()) > MAX_BLANK_WORDS:
            return None
        spans = whole_word_spans(fact.statement, token)
        parts = _blank_parts(fact.statement, spans)
        if parts is None:
            return None
        start, end = spans[0]
        return parts, fact.statement[start:end]

    def fill_blank(self, fact: Fact) -> Question | None:
        blank = self._blank(fact)
        if blank is None:
            return None
        parts, shown = blank
        return Question(f"fill-blank:{fact.id}", "fill-blank", BLANK.join(parts), (fact.id,), shown,
                        fact.statement, self._references(fact.citations), parts=parts)

    def short_answer(self, fact: Fact) -> Question:
        explanation = fact.dispute.summary if fact.dispute else fact.statement
        return Question(f"short-answer:{fact.id}", "short-answer", fact.question, (fact.id,), fact.answer,
                        explanation, self._references(fact.citations), versions=self._versions(fact))

    def source_analysis(self, fact: Fact) -> Question | None:
        if not fact.dispute:
            return None
        excerpts = []
        for version in fact.dispute.versions:
            c = version.citations[0]
            s = self.base.sources[c.source]
            excerpts.append(Excerpt(s.id, s.title, s.publisher, s.kind, s.stance, s.perspective, c.locator, c.quote))
        return Question(f"source-analysis:{fact.id}", "source-analysis", fact.question, (fact.id,), fact.answer,
                        fact.dispute.summary, self._references(fact.all_citations(), limit=4),
                        excerpts=tuple(excerpts), versions=self._versions(fact))

    def can(self, fact: Fact, kind: str) -> bool:
        """Whether `single(fact, kind)` makes a question, without making the cheap-to-decide ones (every fact
        of the deck is weighed this way; a test holds the two to the same answers)."""
        if kind == "short-answer":
            return True
        if kind == "source-analysis":
            return fact.dispute is not None
        # Kept across a watch's rounds (memo.py): a fill-in-the-blank depends on the fact alone; wrong options
        # on the pools as well (the same while their state's number is) and on the seed.
        context = None if kind == "fill-blank" else (self.settings.seed, self.deck.id, self.distractors.token)
        return _CAN[kind].get(fact, context, lambda: self._can(fact, kind))

    def _can(self, fact: Fact, kind: str) -> bool:
        if kind == "fill-blank":
            return self._blank(fact) is not None
        # Multiple choice and true/false need a same-kind answer; only then are wrong options drawn.
        form = None if fact.disputed else answer_form(fact)
        if form is None or (kind == "true-false" and not token_in(fact.statement, form.token)):
            return False
        return self.single(fact, kind) is not None

    def eligible(self, facts: list[Fact], types: list[str]) -> list[tuple[str, ...]]:
        """For each fact, the single question types of `types` it can make (kept across a watch's rounds, as
        `can`)."""
        context = (tuple(types), self.settings.seed, self.deck.id, self.distractors.token)
        return _ELIGIBLE.values(facts, context, lambda f: tuple(t for t in SINGLE_TYPES if t in types and self.can(f, t)))

    def single(self, fact: Fact, kind: str) -> Question | None:
        if kind == "multiple-choice":
            return None if fact.disputed else self.multiple_choice(fact)
        if kind == "true-false":
            return None if fact.disputed else self.true_false(fact, truth=True)
        if kind == "fill-blank":
            return self.fill_blank(fact)
        if kind == "short-answer":
            return self.short_answer(fact)
        return self.source_analysis(fact)

    # group question types

    def timeline_item(self, fact: Fact) -> Item | None:
        text = _timeline_text(fact)
        if text is None:
            return None
        return Item(fact.id, text, date_label(fact.date), self._references(fact.citations, limit=1))

    def matching_item(self, fact: Fact) -> Item | None:
        role = _matching_role(fact)
        if role is None:
            return None
        return Item(fact.id, role, fact.answer.strip(), self._references(fact.citations, limit=1))

    def timeline(self, number: int, facts: list[Fact], size: int = GROUP_PREFERRED,
                 taken: list[Fact] = ()) -> Question | None:
        """A timeline question from the first suitable facts of `facts`, `size` items at most."""
        def candidates() -> Iterator[Fact]:
            # Events make the best timelines: every suitable event in the pool's order, then the rest. Drawn
            # lazily, since a group is filled long before a large deck's pool runs out.
            for events in (True, False):
                for f in facts:
                    if ((f.kind in ("event", "date")) == events and _timeline_text(f) is not None
                            and not any(gives_away(f, t) for t in taken)):
                        yield f

        chosen: list[tuple[Fact, Item]] = []
        for fact in candidates():
            span = parse_date(fact.date)
            # Events must be strictly ordered: no two whose dates could overlap.
            if all(span.end < parse_date(f.date).start or parse_date(f.date).end < span.start for f, _ in chosen):
                chosen.append((fact, self.timeline_item(fact)))
            if len(chosen) == size:
                break
        if len(chosen) < GROUP_MIN:
            return None
        chosen.sort(key=lambda pair: parse_date(pair[0].date).sort_key())
        items = tuple(item for _, item in chosen)
        ids = tuple(f.id for f, _ in chosen)
        answer = "; ".join(f"{item.answer}: {item.text}" for item in items)
        return Question(f"timeline:{number}", "timeline", "Put these events in order, earliest first.", ids,
                        answer, "Dates from the cited sources.", items=items)

    def matching(self, number: int, facts: list[Fact], size: int = GROUP_PREFERRED,
                 taken: list[Fact] = ()) -> Question | None:
        """A matching question from the first suitable facts of `facts`, `size` items at most."""
        candidates = ((f, item) for f in facts if (item := self.matching_item(f))
                      and not any(gives_away(f, t) for t in taken))  # lazily, as for a timeline
        chosen: list[tuple[Fact, Item]] = []
        for fact, item in candidates:
            # No description may name another option, and no name may appear twice.
            if all(answer_comparison_form(item.answer) != answer_comparison_form(i.answer) and not mentions(i.text, item.answer)
                   and not mentions(item.text, i.answer) for _, i in chosen):
                chosen.append((fact, item))
            if len(chosen) == size:
                break
        if len(chosen) < GROUP_MIN:
            return None
        chosen.sort(key=lambda pair: chronological(self.base, pair[0]))
        items = tuple(item for _, item in chosen)
        answer = "; ".join(f"{item.answer}: {item.text}" for item in items)
        return Question(f"matching:{number}", "matching", "Match each description to a name.",
                        tuple(f.id for f, _ in chosen), answer, "", items=items)

    # the whole worksheet

    def make(self, facts: list[Fact]) -> Quiz:
        wanted = self.settings.questions
        types = [t for t in QUESTION_TYPES if t in self.settings.types]
        notes: list[str] = []
        questions: list[Question] = []
        remaining = list(facts)
        grouped: list[Fact] = []  # the facts group questions took

        eligible = dict(zip(map(_ID, facts), self.eligible(facts, types)))
        usable = sum(map(bool, eligible.values()))  # facts of `remaining` that can make a single question
        only_groups = set(types) <= set(GROUP_TYPES)
        if only_groups:  # every question is a group: share them between the group types asked for
            groups_wanted = -(-wanted // len([t for t in GROUP_TYPES if t in types]))
        else:
            groups_wanted = max(1, round(wanted / QUESTIONS_PER_GROUP)) if wanted >= 4 else 0
        for kind in GROUP_TYPES:
            if kind not in types:
                continue
            for number in range(1, groups_wanted + 1):
                # A group takes 4-6 facts; it may only take facts that single questions can spare.
                singles_left = wanted - len(questions) - 1
                spare = len(remaining) if only_groups else usable - singles_left
                if singles_left < 0 or spare < GROUP_MIN:
                    break
                pool = self._group_pool(kind, number, remaining, eligible)
                size = min(GROUP_PREFERRED, spare)
                build = self.timeline if kind == "timeline" else self.matching
                made = build(number, pool, size, grouped)
                if made is None:
                    break
                questions.append(made)
                taken = [f for f in remaining if f.id in made.fact_ids]
                grouped += taken
                usable -= sum(1 for f in taken if eligible[f.id])
                remaining = [f for f in remaining if f.id not in made.fact_ids]

        slots = wanted - len(questions)
        chosen = self._choose_facts([f for f in remaining if eligible[f.id]], slots, eligible, grouped)
        questions += self._assign_types(chosen, eligible)
        if len(questions) < wanted:
            notes.append(f"only {len(questions)} of {wanted} questions could be made from the deck's "
                         f"{len(facts)} facts with question types {', '.join(types)}")
        questions.sort(key=lambda q: (SECTION_ORDER.index(q.type), self._position(q)))
        versions = self._versions_of(questions)
        return Quiz(self.deck.id, self.deck.name, self.settings.title or self.deck.name, self.settings.seed,
                    wanted, tuple(questions), versions, self._sources(questions), tuple(notes))

    def _group_pool(self, kind: str, number: int, facts: list[Fact],
                    eligible: dict[str, tuple[str, ...]]) -> list[Fact]:
        """The facts in the order a group question tries them: shuffled, then those with the fewest other
        uses first, leaving the rest for single questions."""
        ids = tuple(map(_ID, facts))
        uses = tuple(map(len, map(eligible.__getitem__, ids)))

        def order() -> list[int]:
            shuffled = self._rng(kind, number).sample(range(len(facts)), len(facts))  # as sampling the facts
            shuffled.sort(key=uses.__getitem__)
            return shuffled

        # The order depends only on the facts' ids and uses: kept across a watch's rounds.
        key = ("pool", kind, number, self.settings.seed, self.deck.id, ids, uses)
        return [facts[i] for i in _ORDERS.get(key, order)]

    def _position(self, question: Question) -> tuple:
        return chronological(self.base, self.base.facts_by_id[question.fact_ids[0]])

    def _choose_facts(self, facts: list[Fact], slots: int, eligible: dict[str, tuple[str, ...]],
                      taken: list[Fact]) -> list[Fact]:
        """`slots` facts spread across eras, disputed and undisputed in proportion (at least one disputed),
        keeping the mix of question types near TYPE_WEIGHTS and no fact giving away another's answer,
        as far as the deck allows."""
        shape = tuple(map(_SHAPE, facts))  # (id, era, dispute): what the order depends on

        def order() -> list[int]:
            rng = self._rng("choose")
            position = {f.id: i for i, f in enumerate(facts)}
            disputed = _spread_by_era([f for f in facts if f.disputed], rng)
            undisputed = _spread_by_era([f for f in facts if not f.disputed], rng)
            return [position[f.id] for f in disputed[:1] + _round_robin_merge(disputed[1:], undisputed)]

        # The order depends only on the facts' ids, eras and disputes: kept across a watch's rounds.
        preference = [facts[i] for i in _ORDERS.get(("choose", self.settings.seed, self.deck.id, shape), order)]
        weights = {t: w for t, w in TYPE_WEIGHTS.items() if t in self.settings.types}
        quota = {t: -(-slots * w // sum(weights.values())) for t, w in weights.items()} if weights else {}
        counts = {t: 0 for t in quota}
        chosen: list[Fact] = []
        passed_over: list[Fact] = []
        # The type a fact would take depends only on its types, whether it is disputed, and the counts; once
        # the quotas of the common types fill, most of a large deck is passed over for the same reason, so the
        # type is worked out once per kind of fact until the counts change.
        decided: dict[tuple[tuple[str, ...], bool], str | None] = {}
        for fact in preference:
            if len(chosen) == slots:
                break
            disputed = fact.disputed
            key = (eligible[fact.id], disputed)
            if key in decided:
                kind = decided[key]
            else:
                kinds = [t for t in key[0] if t in quota]
                if disputed and "source-analysis" in kinds:
                    kinds = ["source-analysis"]
                kind = decided[key] = min(kinds, key=lambda t: counts[t] / weights[t]) if kinds else None
            # The quota first: it is cheap, and once the quotas fill most of a large deck is passed over.
            if (kind and counts[kind] >= quota[kind]) or any(gives_away(fact, other) for other in [*taken, *chosen]):
                passed_over.append(fact)
                continue
            chosen.append(fact)
            if kind:
                counts[kind] += 1
                decided.clear()
        return chosen + passed_over[: slots - len(chosen)]  # a full worksheet over a perfect one

    def _assign_types(self, facts: list[Fact], eligible: dict[str, tuple[str, ...]]) -> list[Question]:
        """Give each fact a type, keeping the mix near TYPE_WEIGHTS; true/false half true, half false."""
        rng = self._rng("types")
        order = rng.sample(facts, len(facts))
        order.sort(key=lambda f: len(eligible[f.id]))  # the most constrained choose first
        counts = {t: 0 for t in SINGLE_TYPES}
        assigned: list[tuple[Fact, str]] = []
        for fact in order:
            options = eligible[fact.id]
            if fact.disputed and "source-analysis" in options:
                kind = "source-analysis"
            else:
                options = [t for t in options if t != "source-analysis"] or options
                kind = min(options, key=lambda t: ((counts[t] + 1) / TYPE_WEIGHTS[t], SINGLE_TYPES.index(t)))
            counts[kind] += 1
            assigned.append((fact, kind))
        tf_facts = [f for f, k in assigned if k == "true-false"]
        truths = [i % 2 == 0 for i in range(len(tf_facts))]
        rng.shuffle(truths)
        truth_of = {f.id: t for f, t in zip(tf_facts, truths)}
        out = []
        for fact, kind in assigned:
            if kind == "true-false":
                out.append(self.true_false(fact, truth_of[fact.id]))
            else:
                out.append(self.single(fact, kind))
        return out

    def _versions_of(self, questions: list[Question]) -> tuple[Version, ...]:
        versions: list[Version] = []
        seen: set[tuple[str, ...]] = set()
        for letter in LETTERS[: self.settings.versions]:
            rng = self._rng("version", letter)
            for _attempt in range(20):  # a version whose order repeats another's is drawn again
                version = _shuffle(letter, questions, rng)
                key = tuple(p.question.id for p in version.questions)
                if key not in seen:
                    break
            seen.add(key)
            versions.append(version)
        return tuple(versions)

    def _sources(self, questions: list[Question]) -> tuple[Source, ...]:
        used: set[str] = set()
        for q in questions:
            used |= {r.source_id for r in q.references} | {e.source_id for e in q.excerpts}
            used |= {r.source_id for v in q.versions for r in v.references}
            used |= {r.source_id for i in q.items for r in i.references}
        return tuple(s for s in self.base.sources.values() if s.id in used)


def _spread_by_era(facts: list[Fact], rng: random.Random) -> list[Fact]:
    """The facts shuffled, then taken one era at a time in turn, so any prefix covers the eras evenly."""
    by_era: dict[str, list[Fact]] = {}
    for fact in facts:
        by_era.setdefault(fact.era, []).append(fact)
    queues = [rng.sample(group, len(group)) for group in by_era.values()]
    out: list[Fact] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop())
    return out


def _round_robin_merge(a: list[Fact], b: list[Fact]) -> list[Fact]:
    """Interleave two lists in proportion to their lengths (disputed and undisputed facts)."""
    out: list[Fact] = []
    i = j = 0
    while i < len(a) or j < len(b):
        if j >= len(b) or (i < len(a) and i * len(b) <= j * len(a)):
            out.append(a[i])
            i += 1
        else:
            out.append(b[j])
            j += 1
    return out


def _shuffle(letter: str, questions: list[Question], rng: random.Random) -> Version:
    sections = []
    number = 1
    mc_total = sum(q.type == "multiple-choice" for q in questions)
    # Correct letters spread evenly: each of A-D as often as the others, give or take one.
    positions = [i % OPTIONS for i in range(mc_total)]
    rng.shuffle(positions)
    for kind in SECTION_ORDER:
        group = [q for q in questions if q.type == kind]
        if not group:
            continue
        rng.shuffle(group)
        placed = []
        for q in group:
            order: tuple[int, ...] = ()
            names: tuple[int, ...] = ()
            if q.type == "multiple-choice":
                wrong = rng.sample(range(1, len(q.options)), len(q.options) - 1)
                order = tuple(wrong[: (p := positions.pop())] + [0] + wrong[p:])
            elif q.type == "timeline":
                order = _unsorted(len(q.items), rng)
            elif q.type == "matching":
                order = tuple(rng.sample(range(len(q.items)), len(q.items)))
                names = _unaligned(order, rng)
            placed.append(Placed(number, q, order, names))
            number += 1
        sections.append(Section(kind, tuple(placed)))
    return Version(letter, tuple(sections))


def _unsorted(n: int, rng: random.Random) -> tuple[int, ...]:
    """A shuffled order that is not already the answer (not in date order)."""
    while True:
        order = tuple(rng.sample(range(n), n))
        if n < 2 or order != tuple(range(n)):
            return order


def _unaligned(order: tuple[int, ...], rng: random.Random) -> tuple[int, ...]:
    """Names in an order where no name sits beside its own description."""
    n = len(order)
    while True:
        names = tuple(rng.sample(range(n), n))
        if n < 2 or all(a != b for a, b in zip(order, names)):
            return names


def make_quiz(base: FactBase, deck: DeckSpec, facts: list[Fact], settings: QuizSettings | None = None) -> Quiz:
    """The deck's worksheets as data: questions and shuffled versions."""
    return QuizMaker(base, deck, settings or deck.quiz).make(facts)


def with_overrides(settings: QuizSettings, **overrides: object) -> QuizSettings:
    """The deck's settings with the command line's choices (None: keep the deck's)."""
    chosen = {k: v for k, v in overrides.items() if v is not None}
    return settings.model_copy(update=chosen) if chosen else settings


