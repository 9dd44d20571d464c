"""Planning a worksheet: which facts make which question types, and the whole quiz.

The content (which facts, which question types, which distractors, which
true/false statements are false) is drawn once; versions A, B, … show the same
questions in another order with their options shuffled (versions.py). Every
random choice comes from a `random.Random` seeded with text built from the
deck's seed, the deck id and what is being chosen (a fact id, a version letter),
so the same seed always gives the same worksheets, and adding a fact does not
reshuffle the distractors of the others.

Disputed facts never become multiple-choice or true/false questions with one
version as the answer: they become source-analysis questions (or short-answer
questions whose key lists every version).
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, compress, islice, repeat, zip_longest
from operator import is_, not_
from typing import TypeVar

from factdeck.quiz.distractors import Distractors
from factdeck.quiz.group_types import GROUP_MIN, GROUP_PREFERRED
from factdeck.quiz.model import Question, Quiz, Reference, VersionAnswer
from factdeck.quiz.option_pools import PoolStore
from factdeck.quiz.run_memos import RunMemos
from factdeck.quiz.sequences import Places, shuffled
from factdeck.quiz.types import QUESTION_TYPES
from factdeck.quiz.versions import draw_versions
from factdeck.quiz.wording import giveaway_words, words_give_away
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact, QuizSettings, Source
from factdeck.records.select import chronological_key as chronological
from factdeck.records.translations import deck_language

SINGLE_TYPES = QUESTION_TYPES.single_names
GROUP_TYPES = QUESTION_TYPES.group_names
# Relative share of each single type when choosing facts; a disputed fact always gets source analysis.
TYPE_WEIGHTS = {name: QUESTION_TYPES[name].weight for name in SINGLE_TYPES}
QUESTIONS_PER_GROUP = 15  # one matching and one timeline question per this many questions
# A group question prefers the facts with the fewest other uses among this many of its shuffled pool at a time.
POOL_WINDOW = 32
# What weighing found per fact, kept across a watch's rounds (memo.py).
_ID = operator.attrgetter("id")
_SHAPE = operator.attrgetter("id", "era", "dispute")
_ERA = operator.attrgetter("era")
_DISPUTE = operator.attrgetter("dispute")
T = TypeVar("T")


def seeded(seed: int, deck_id: str, *purpose: object) -> random.Random:
    """A generator for one purpose; `random.Random` hashes text seeds with SHA-512, the same in every run."""
    return random.Random(":".join(str(p) for p in (seed, deck_id, *purpose)))


class QuizMaker:
    """Draws a deck's questions and versions from the fact base.

    The question types (types.py) make the questions; they read the fact base, the distractors and the
    seeded generators from here.
    """

    def __init__(self, base: FactBase, deck: DeckSpec, settings: QuizSettings, kept_pools: PoolStore | None = None):
        """`kept_pools`: where a one-off command keeps the wrong options' pools between commands (none: made)."""
        self.base = base
        self.deck = deck
        self.settings = settings
        # Per-fact results read many times while this quiz is made, kept until it is made (run_memos.py).
        self.memos = RunMemos(base.session)
        self.distractors = Distractors(base, self.memos, kept_pools)
        # The deck's language: the words its questions' types show (Question.words), dates, key answers.
        self.language = deck_language(base, deck)
        # The questions made to weigh facts (single_types.py's `weigh`), by type and fact id, with the options
        # context they were made in: made again in the same context, a question is the same (what the `can`
        # memo relies on), so the worksheet takes it back (`made`) instead of drawing its wrong options again.
        self.weighed: dict[tuple[str, str], tuple[tuple, Question | None]] = {}

    def rng(self, *purpose: object) -> random.Random:
        """The generator for one purpose of this deck and seed (see `seeded`)."""
        return seeded(self.settings.seed, self.deck.id, *purpose)

    @property
    def options_context(self) -> tuple:
        """What a fact's distractors depend on besides the fact: the seed, the deck and the pools' state."""
        return (self.settings.seed, self.deck.id, self.distractors.token)

    def references(self, citations: Iterable, limit: int = 2) -> tuple[Reference, ...]:
        """The first citation of each of the first `limit` sources."""
        seen: dict[str, Reference] = {}
        for c in citations:
            if c.source not in seen and len(seen) < limit:
                seen[c.source] = Reference(c.source, self.base.sources[c.source].title, c.locator)
        return tuple(seen.values())

    def version_answers(self, fact: Fact) -> tuple[VersionAnswer, ...]:
        """Every version of a disputed fact, as the key lists them (none for an undisputed fact)."""
        if not fact.dispute:
            return ()
        return tuple(
            VersionAnswer(v.claimed_by, v.claim, v.answer, self.references(v.citations)) for v in fact.dispute.versions
        )

    def can(self, fact: Fact, kind: str) -> bool:
        """Whether `single(fact, kind)` makes a question (KeyError for an unknown type)."""
        return QUESTION_TYPES[kind].can(self, fact)

    def single(self, fact: Fact, kind: str) -> Question | None:
        """The fact's question of single type `kind`, or None when it cannot make one."""
        return QUESTION_TYPES[kind].make(self, fact)

    def made(self, fact: Fact, kind: str) -> Question | None:
        """`single(fact, kind)`: the question made when the fact was weighed, if it was weighed in the options
        context of now (taken once), else made now."""
        kept = self.weighed.pop((kind, fact.id), None)
        if kept is not None and kept[0] == self.options_context:
            return kept[1]
        return QUESTION_TYPES[kind].make(self, fact)

    def eligible(self, facts: list[Fact], types: Sequence[str]) -> list[tuple[str, ...]]:
        """For each fact, the single question types of `types` it can make (kept across a watch's rounds, as
        `can`)."""
        return list(map(Eligibility(self, types).of, facts))

    # the whole worksheet

    def make(self, facts: list[Fact]) -> Quiz:
        """The quiz from `facts` (the deck's, in the history's order), with a note when it falls short."""
        wanted = self.settings.questions
        types = [t for t in QUESTION_TYPES if t in self.settings.types]
        notes: list[str] = []
        questions: list[Question] = []
        remaining = list(facts)
        places = Places(list(map(_ID, remaining)))  # where each fact stands in `remaining`
        grouped: list[Fact] = []  # the facts group questions took

        # What each fact can be asked as is worked out only for the facts the plan looks at, in the order it
        # prefers them: a worksheet of 100 questions from 10,000 facts looks at a few hundred.
        eligible = Eligibility(self, types)
        preference = self._preference(facts)
        taken_ids: set[str] = set()
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
                if singles_left < 0:
                    break
                if only_groups:
                    spare = len(remaining)
                else:  # counted only as far as the group's size needs: the facts left that can be singles
                    usable = eligible.count_usable(preference, taken_ids, singles_left + GROUP_PREFERRED)
                    spare = usable - singles_left
                if spare < GROUP_MIN:
                    break
                admits = partial(QUESTION_TYPES[kind].admits, self)
                pool = _GroupPool(shuffled(self.rng(kind, number), remaining), eligible, admits)
                size = min(GROUP_PREFERRED, spare)
                made = QUESTION_TYPES[kind].make_group(self, number, pool, size, grouped)
                if made is None:
                    break
                questions.append(made)
                # The group's facts leave `remaining` (and join `grouped`) in `remaining`'s order: found by id
                # rather than by a pass over every fact in Python for each group.
                made_ids = set(made.fact_ids)
                took = places.take(made_ids)
                grouped += (remaining[i] for i in took)
                taken_ids |= made_ids
                for i in reversed(took):
                    del remaining[i]

        slots = wanted - len(questions)
        chosen = self._choose_facts(preference, taken_ids, slots, eligible, grouped)
        questions += self._assign_types(chosen, eligible)
        if len(questions) < wanted:
            notes.append(
                f"only {len(questions)} of {wanted} questions could be made from the deck's "
                f"{len(facts)} facts with question types {', '.join(types)}"
            )
        questions.sort(key=lambda q: (QUESTION_TYPES.of(q).section, self._position(q)))
        versions = draw_versions(questions, self.settings.versions, lambda letter: self.rng("version", letter))
        return Quiz(
            self.deck.id,
            self.deck.name,
            self.settings.title or self.deck.name,
            self.settings.seed,
            wanted,
            tuple(questions),
            versions,
            self._sources(questions),
            tuple(notes),
        )

    def _position(self, question: Question) -> tuple:
        return chronological(self.base, self.base.facts_by_id[question.fact_ids[0]])

    def _preference(self, facts: list[Fact]) -> list[Fact]:
        """The deck's facts in the order single questions are drawn from them: shuffled, spread across eras,
        disputed and undisputed in proportion (a disputed one first). Depends only on the facts' ids, eras and
        disputes, so it is kept across a watch's rounds."""

        def order() -> list[int]:
            rng = self.rng("choose")
            # The facts by their places in `facts` (a shuffle depends only on how many it shuffles), their eras
            # and disputes read in C: a whole deck is ordered, and reading each fact's in Python was most of it.
            eras = list(map(_ERA, facts))
            plain = list(map(is_, map(_DISPUTE, facts), repeat(None)))  # whether each fact is undisputed
            disputed = list(compress(range(len(facts)), map(not_, plain)))
            undisputed = list(compress(range(len(facts)), plain))
            disputed = _spread_by_era(disputed, eras, rng)
            undisputed = _spread_by_era(undisputed, eras, rng)
            return disputed[:1] + _round_robin_merge(disputed[1:], undisputed)

        if not self.base.session.keeping:  # nothing is kept: no key to make
            return [facts[i] for i in order()]
        key = ("choose", self.settings.seed, self.deck.id, tuple(map(_SHAPE, facts)))
        return [facts[i] for i in self.base.session.keyed_memo("quiz.orders").get(key, order)]

    def _choose_facts(
        self, preference: list[Fact], taken_ids: set[str], slots: int, eligible: Eligibility, taken: list[Fact]
    ) -> list[Fact]:
        """`slots` facts, drawn in the order of `preference` (those group questions took and those that make no
        single question passed by), keeping the mix of question types near TYPE_WEIGHTS and no fact giving away
        another's answer, as far as the deck allows."""
        weights: dict[str, float] = {t: w for t, w in TYPE_WEIGHTS.items() if t in self.settings.types}
        quota: dict[str, float] = (
            {t: -(-slots * w // sum(weights.values())) for t, w in weights.items()} if weights else {}
        )
        counts: dict[str, int] = {t: 0 for t in quota}
        chosen: list[Fact] = []
        passed_over: list[Fact] = []
        # The type a fact would take depends only on its types, whether it is disputed, and the counts; once
        # the quotas of the common types fill, most of a large deck is passed over for the same reason, so the
        # type is worked out once per kind of fact until the counts change.
        decided: dict[tuple[tuple[str, ...], bool], str | None] = {}
        # What a candidate is compared with for give-aways: every fact taken or chosen so far, read once each.
        held = [giveaway_words(f, self.memos) for f in taken]
        for fact in preference:
            if len(chosen) == slots:
                break
            if fact.id in taken_ids or not eligible.of(fact):
                continue
            disputed = fact.disputed
            key = (eligible.of(fact), disputed)
            if key in decided:
                kind = decided[key]
            else:
                kinds = [t for t in key[0] if t in quota]
                if disputed:
                    kinds = _for_disputes(kinds) or kinds
                kind = decided[key] = min(kinds, key=lambda t: counts[t] / weights[t]) if kinds else None
            # The quota first: it is cheap, and once the quotas fill most of a large deck is passed over.
            if kind and counts[kind] >= quota[kind]:
                passed_over.append(fact)
                continue
            words = giveaway_words(fact, self.memos)
            if any(map(partial(words_give_away, words), held)):  # gives_away(fact, other) for any of them
                passed_over.append(fact)
                continue
            chosen.append(fact)
            held.append(words)
            if kind:
                counts[kind] += 1
                decided.clear()
        return chosen + passed_over[: slots - len(chosen)]  # a full worksheet over a perfect one

    def _assign_types(self, facts: list[Fact], eligible: Eligibility) -> list[Question]:
        """Give each fact a type, keeping the mix near TYPE_WEIGHTS; true/false half true, half false."""
        rng = self.rng("types")
        order = rng.sample(facts, len(facts))
        order.sort(key=lambda f: len(eligible.of(f)))  # the most constrained choose first
        counts = {t: 0 for t in SINGLE_TYPES}
        assigned: list[tuple[Fact, str]] = []
        for fact in order:
            options: Sequence[str] = eligible.of(fact)
            dispute_kinds = _for_disputes(options)
            if fact.disputed and dispute_kinds:
                kind = dispute_kinds[0]
            else:
                options = [t for t in options if t not in dispute_kinds] or options
                kind = min(options, key=lambda t: ((counts[t] + 1) / TYPE_WEIGHTS[t], SINGLE_TYPES.index(t)))
            counts[kind] += 1
            assigned.append((fact, kind))
        # Each type makes its questions together, so it can balance them (true/false: half true).
        by_kind: dict[str, list[Fact]] = {}
        for fact, kind in assigned:
            by_kind.setdefault(kind, []).append(fact)
        made: dict[str, Question | None] = {}
        for kind, group in by_kind.items():
            made.update(zip(map(_ID, group), QUESTION_TYPES[kind].make_several(self, group, rng)))
        return [question for fact, _ in assigned if (question := made[fact.id]) is not None]

    def _sources(self, questions: list[Question]) -> tuple[Source, ...]:
        used: set[str] = set()
        for q in questions:
            used |= {r.source_id for r in q.references} | {e.source_id for e in q.excerpts}
            used |= {r.source_id for v in q.versions for r in v.references}
            used |= {r.source_id for i in q.items for r in i.references}
        return tuple(s for s in self.base.sources.values() if s.id in used)


class Eligibility:
    """The single question types of `types` each fact can make, worked out the first time a fact is asked about
    (`QuizMaker.can`, which makes the question where deciding needs it: a fact's multiple-choice question
    draws its distractors). Kept across a watch's rounds per fact and context."""

    def __init__(self, maker: QuizMaker, types: Sequence[str]) -> None:
        self._maker = maker
        self._types = tuple(t for t in SINGLE_TYPES if t in types)
        self._memo = maker.base.session.fact_memo("quiz.eligible")
        self._context = (tuple(types), maker.settings.seed, maker.deck.id, maker.distractors.token)
        self._known: dict[str, tuple[str, ...]] = {}

    def of(self, fact: Fact) -> tuple[str, ...]:
        """The types `fact` can make, in SINGLE_TYPES' order (empty: only a group question can use it)."""
        known = self._known.get(fact.id)
        if known is None:
            known = self._known[fact.id] = self._memo.get(fact, self._context, lambda: self._weigh(fact))
        return known

    def _weigh(self, fact: Fact) -> tuple[str, ...]:
        return tuple(t for t in self._types if self._maker.can(fact, t))

    def count_usable(self, facts: Iterable[Fact], skip: set[str], enough: int) -> int:
        """How many of `facts` (less the ids in `skip`) make a single question, counted in their order and no
        further than `enough`: min(the count, enough)."""
        count = 0
        for fact in facts:
            if count >= enough:
                break
            if fact.id not in skip and self.of(fact):
                count += 1
        return count


class _GroupPool:
    """The facts in the order a group question tries them: shuffled, then, a window of POOL_WINDOW facts at a
    time, those with the fewest other uses first, leaving the rest for single questions. Lazy and re-iterable:
    a group fills long before a large deck's pool runs out, and only the windows it reaches are drawn and
    weighed. Only the facts the group type `admits` are given (and weighed): the group passes by the others
    wherever they stand, and a stable sort orders the admitted ones among themselves as it orders them among all
    (weighing a fact means drawing its options; most of a window's facts are not admitted)."""

    def __init__(
        self, shuffled: Iterator[Fact], eligible: Eligibility, admits: Callable[[Fact], bool] = lambda fact: True
    ) -> None:
        self._shuffled = shuffled
        self._eligible = eligible
        self._admits = admits
        self._windows: list[list[Fact]] = []

    def __iter__(self) -> Iterator[Fact]:
        n = 0
        while True:
            if n == len(self._windows):
                drawn = list(islice(self._shuffled, POOL_WINDOW))
                if not drawn:
                    return
                window = [f for f in drawn if self._admits(f)]
                window.sort(key=lambda f: len(self._eligible.of(f)))  # stable: the shuffle breaks ties
                self._windows.append(window)
            yield from self._windows[n]
            n += 1


def _for_disputes(kinds: Iterable[str]) -> list[str]:
    """The types of `kinds` that disputed facts take first (source analysis)."""
    return [t for t in kinds if QUESTION_TYPES[t].for_disputes]


def _spread_by_era(places: list[int], eras: Sequence[str], rng: random.Random) -> list[int]:
    """The places (in a list of facts whose eras `eras` gives by place) shuffled, then taken one era at a time in
    turn, so any prefix covers the eras evenly."""
    by_era: dict[str, list[int]] = {}
    for place in places:
        by_era.setdefault(eras[place], []).append(place)
    queues = [rng.sample(group, len(group)) for group in by_era.values()]
    # Round by round, each era's next from the end of its queue (as popping each queue in turn takes them), in C.
    rounds = chain.from_iterable(zip_longest(*map(reversed, queues), fillvalue=-1))
    return [place for place in rounds if place >= 0]


def _round_robin_merge(a: list[T], b: list[T]) -> list[T]:
    """Interleave two lists in proportion to their lengths (disputed and undisputed facts): a[i] comes before
    b[j] where i·len(b) <= j·len(a), each list in its order (a merge by those keys, as a sort in C)."""
    la, lb = len(a), len(b)
    keyed = [(i * lb, 0, i) for i in range(la)]
    keyed += [(j * la, 1, j) for j in range(lb)]
    keyed.sort()
    lists = (a, b)
    return [lists[side][n] for _, side, n in keyed]


def make_quiz(
    base: FactBase,
    deck: DeckSpec,
    facts: list[Fact],
    settings: QuizSettings | None = None,
    kept_pools: PoolStore | None = None,
) -> Quiz:
    """The deck's worksheets as data (`Quiz`: questions, shuffled versions, notes on what could not be made),
    from `facts` (the deck's selection, in history order) with `settings` (default: the deck's `quiz`); with
    `settings.counts`, exactly that many questions of each type (fewer where the deck cannot make them, said
    in `Quiz.notes`), whatever the output (worksheets, the quiz document, the web quiz).

    Pure: nothing is written and nothing raised for a deck too small (see `Quiz.notes`); the same inputs and
    seed always give the same quiz. Per-fact results are kept in `base.session` (a watch's); `kept_pools`, where
    given, keeps the wrong options' pools between one-off commands (option_pools.py's `kept_pools`)."""
    settings = settings or deck.quiz
    if settings.counts:
        return _by_counts(base, deck, facts, settings, kept_pools)
    return QuizMaker(base, deck, settings, kept_pools).make(facts)


def _by_counts(
    base: FactBase, deck: DeckSpec, facts: list[Fact], settings: QuizSettings, kept_pools: PoolStore | None
) -> Quiz:
    """`settings.counts` questions of each type. Each type's questions are drawn from the facts no earlier type
    took: group types (matching, timeline) first, then the types made only from disputed facts, then the rest;
    the versions are drawn as `QuizMaker.make` draws them, from the same seeds."""

    def turn(name: str) -> tuple:
        t = QUESTION_TYPES[name]
        return (t.single, not t.for_disputes, t.section)

    questions: list[Question] = []
    notes: list[str] = []
    remaining = list(facts)
    for name in sorted((n for n, count in settings.counts.items() if count), key=turn):
        wanted = settings.counts[name]
        part = QuizMaker(
            base,
            deck,
            settings.model_copy(update={"types": [name], "questions": wanted, "versions": 1, "counts": {}}),
            kept_pools,
        ).make(remaining)
        questions += part.questions
        if len(part.questions) < wanted:
            notes.append(f"only {len(part.questions)} of {wanted} {name} questions could be made")
        used = {fact_id for q in part.questions for fact_id in q.fact_ids}
        remaining = [f for f in remaining if f.id not in used]
    maker = QuizMaker(base, deck, settings, kept_pools)
    questions.sort(key=lambda q: (QUESTION_TYPES.of(q).section, maker._position(q)))
    versions = draw_versions(questions, settings.versions, lambda letter: maker.rng("version", letter))
    return Quiz(
        deck.id,
        deck.name,
        settings.title or deck.name,
        settings.seed,
        sum(settings.counts.values()),
        tuple(questions),
        versions,
        maker._sources(questions),
        tuple(notes),
    )


def with_overrides(settings: QuizSettings, **overrides: object) -> QuizSettings:
    """The deck's settings with the command line's choices (None: keep the deck's)."""
    chosen = {k: v for k, v in overrides.items() if v is not None}
    return settings.model_copy(update=chosen) if chosen else settings
