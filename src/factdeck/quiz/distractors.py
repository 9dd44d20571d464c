"""Wrong options: the editor's distractors first, then same-kind years and numbers no source makes true.

A worksheet that offers a disputed value as "wrong" teaches one side of the
dispute as fact, so every wrong option passes these rules:

1. It is not an answer the fact base attests for the same question: the fact's
   own answer, its dispute versions' answers, or the answer of another fact
   asking the same question.
2. It is not the answer of any dispute version anywhere in the fact base.
3. It is not a value the fact itself mentions (its question, statement,
   answer, dispute summary or version claims), such as the other founders
   listed beside the one asked about.
4. Generated years and numbers are not the answer of any fact of the same kind (for years, given up
   before rule 5 where a short era leaves too few).

Names, places, organizations and terms are never made up from other facts' answers: an answer of the same
coarse kind is too often a different kind of thing (a province offered for a university), so a fact of those
kinds is asked as multiple choice only with the distractors an editor wrote (`distractors:`, checked by
records/options.py), and made false for true/false only by the false statements an editor wrote
(`false_statements:`). Years and numbers are varied automatically, within what the question and the deck
leave open:

5. A date lies within the fact's bounds (records/bounds.py: its era, the editor's `not_before`/`not_after`,
   the other dates of its own question and statement, the latest source), so no option falls in a time the
   deck teaches the thing could not have happened; an answer given to the month is varied by month within
   them. Where the bounds leave too little room, the fact is asked another way.
6. An option lies on the same side as the answer of every year or number the question itself gives
   ("70 of 159 members": no 280), so the question never rules an option out; a number within the fact's
   `not_below`/`not_above`.
7. The made-up options are chosen as a set that does not mark the answer (option_sets.py): its rank drawn
   evenly, no part of a date shared more than another value, at most one multiple or divisor of a number.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from factdeck.quiz.numbers import (
    _BOUNDS,
    _NUMBER_ANSWER,
    NUMBER_WORDS,
    copies_to_swap,
    count_floor,
    format_number,
    number_value,
    numbers_in,
    sides_of,
    wrong_numbers,
)
from factdeck.quiz.option_pools import MADE_FROM, YEAR_ANSWER, PoolStore, Share, kept_pools, pools
from factdeck.quiz.wrong_dates import days_within, months_within, years_within
from factdeck.records.bounds import DateBounds, NumberBounds, Span, date_bounds, number_bounds
from factdeck.records.dates import Day, parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.memo import Keeper
from factdeck.records.schema import Fact
from factdeck.text.compare import answer_comparison_form, core, mentions
from factdeck.text.dates import MONTHS
from factdeck.text.edtf import days_in_month
from factdeck.text.numerals import in_digits_of

OPTION_KINDS = ("date", "number", "person", "place", "organization", "term")
_VARIED = ("date", "number")  # the kinds whose wrong options may be made automatically
SHORT_ERA_DAYS = 366  # an era this short is a history told in days: wrong dates are other days

_YEAR_ANSWER = YEAR_ANSWER
_MONTH_ANSWER = re.compile(rf"^(?:\d{{1,2}} )?(?:{'|'.join(MONTHS)}) \d{{4}}$")


def answer_span(fact: Fact) -> Span | None:
    """The days a date fact's answer names ('July 1988': 1-31 July 1988), if it is a year, a month or a day."""
    match = _YEAR_ANSWER.match(core(fact.answer)) if fact.kind == "date" else None
    if match is None:
        return None
    year = int(match["year"])
    head = match["head"].split()
    if not head:
        return Span(Day(year, 1, 1), Day(year, 12, 31), match.group(0))
    month = MONTHS.index(head[-1]) + 1
    last = days_in_month(year, month)
    if len(head) == 2:
        day = min(int(head[0]), last)
        return Span(Day(year, month, day), Day(year, month, day), match.group(0))
    return Span(Day(year, month, 1), Day(year, month, last), match.group(0))


# Compiled once: this runs for every fact of a deck (a pattern given as text is looked up in re's cache each call).
_DIGIT = re.compile(r"\d")
_MAX_NAME_WORDS = 8


def _whole_word(token: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(token)}(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class AnswerForm:
    """How an answer is shown as an option and varied into wrong options of the same kind.

    `token` is the part of the answer that the statement repeats and that a swap
    or a blank replaces: the year, the number as written, or the whole name.
    """

    option: str  # the correct option as shown
    token: str
    render: Callable[[str], str]  # a replacement token -> the option showing it


def answer_form(fact: Fact, session: Keeper | None = None) -> AnswerForm | None:
    """The answer as an option, or None when its kind has no same-kind wrong options (kept in `session`'s
    memo: it is asked of each fact several times a round)."""
    if session is None:
        return _answer_form(fact)
    return session.fact_memo("quiz.answer-form").get(fact, None, lambda: _answer_form(fact))


def _answer_form(fact: Fact) -> AnswerForm | None:
    if fact.kind not in OPTION_KINDS:
        return None
    if fact.kind == "date":
        match = _YEAR_ANSWER.match(core(fact.answer))
        if not match or (fact.date and int(match["year"]) != parse_date(fact.date).year):
            return None
        head, like = match["head"], match["year"]
        return AnswerForm(match.group(0), match["year"], lambda year: f"{head}{in_digits_of(year, like)}")
    if fact.kind == "number":
        match = _NUMBER_ANSWER.match(core(fact.answer))
        if not match or match["pre"].strip().casefold() in _BOUNDS:
            return None
        pre, post, like = match["pre"], match["post"], match["num"]
        return AnswerForm(match.group(0), match["num"], lambda num: f"{pre}{in_digits_of(num, like)}{post}")
    text = fact.answer.strip()
    if len(text.split()) > _MAX_NAME_WORDS or _DIGIT.search(text):
        return None
    return AnswerForm(text, text, lambda name: name)


def token_in(text: str, token: str) -> bool:
    return bool(_whole_word(token).search(text))


class Swap(NamedTuple):
    """A true/false swap: `token` in the statement becomes `replacement`, at the whole-word copies `copies`
    (0-based, left to right; None: every copy). `replace_token(statement, *swap)` makes the false statement."""

    token: str
    replacement: str
    copies: tuple[int, ...] | None = None


def replace_token(text: str, token: str, replacement: str, copies: tuple[int, ...] | None = None) -> str:
    """Every whole-word occurrence of `token` in `text` (or those numbered in `copies`, 0-based) replaced,
    keeping a capital at the start."""
    seen = [-1]

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        seen[0] += 1
        if copies is not None and seen[0] not in copies:
            return found
        if found[:1].isupper() and replacement[:1].islower():
            return replacement[:1].upper() + replacement[1:]
        if found[:1].islower() and replacement[:1].isupper() and replacement.casefold() in NUMBER_WORDS:
            return replacement.lower()  # 'peaked at three a day' -> 'peaked at one a day', not 'One'
        return replacement

    return _whole_word(token).sub(swap, text)


class Distractors:
    """Same-kind wrong options for the facts of one fact base."""

    def __init__(self, base: FactBase, memos: Keeper | None = None, kept: PoolStore | None = None):
        """`kept`: where a one-off command keeps the pools between commands (option_pools.py's `kept_pools`);
        a watch keeps them in its session instead."""
        self._base = base
        self._memos = memos or base.session  # where per-fact results are kept (a quiz's: run_memos.py)
        self._own: dict[int, tuple[Fact, tuple[tuple[str, ...], str, frozenset[str]]]] = {}  # by the fact's id()
        # The history's "now" (with the facts' own latest year, in _pools): the latest year a source was
        # published, else read, so no option is later than what the sources could know, and output does not
        # depend on today's date.
        accessed = tuple(int(s.published[:4]) for s in base.sources.values() if s.published) or tuple(
            int(s.accessed[:4]) for s in base.sources.values()
        )
        if kept is not None and not base.session.keeping:
            state = kept_pools(base.facts, accessed, kept, base.__dict__.get(MADE_FROM))
        else:
            shares = tuple(base.session.fact_memo("quiz.shares").values(base.facts, None, Share.of))
            # In a watch, a round whose facts add the same shares as the last round's reuses its pools whole.
            state = base.session.keyed_memo("quiz.pools", size=2).get(
                (shares, accessed), lambda: pools(shares, accessed)
            )
        (
            self._version_answers,
            self._version_numbers,
            self._by_question,
            self._kind_numbers,
            self._kind_years,
            self._present,
        ) = state
        # Equal pools from one watch round to the next share a number, under which what was decided with
        # them (which facts can be multiple choice) is kept (single_types.py).
        self.token = base.session.state_number("distractors", (state, dict(base.era_order)))

    # --- rules 1-3: what a fact's wrong options may never be ------------------------

    def _own_texts(self, fact: Fact) -> list[str]:
        texts = [fact.question, fact.statement, fact.answer]
        if fact.dispute:
            texts.append(fact.dispute.summary)
            for version in fact.dispute.versions:
                texts += [version.claim, version.answer]
        return texts

    def _forbidden(self, fact: Fact) -> set[str]:
        banned = {answer_comparison_form(fact.answer)} | self._version_answers
        banned |= self._by_question.get(answer_comparison_form(fact.question), set())
        if fact.dispute:
            banned |= {answer_comparison_form(v.answer) for v in fact.dispute.versions}
        return banned

    def allowed(self, fact: Fact, option: str) -> bool:
        """Whether `option` may be shown as a wrong answer to `fact` (rules 1-3)."""
        key = answer_comparison_form(option)
        # `key in self._forbidden(fact)` without copying the base's version answers into a new set each time,
        # and the fact's own texts in comparison form made once (a test holds this to the plain rules).
        own, question, answers = self._own_forms(fact)
        if not key or key in answers or key in self._version_answers or key in self._by_question.get(question, ()):
            return False
        if any(f" {text} " in f" {key} " for text in own):
            return False
        return not any(mentions(text, option) for text in own)

    def _own_forms(self, fact: Fact) -> tuple[tuple[str, ...], str, frozenset[str]]:
        """`fact`'s own texts, its question, and its answer with its versions', in comparison form."""
        kept = self._own.get(id(fact))
        if kept is None or kept[0] is not fact:
            versions = fact.dispute.versions if fact.dispute else []
            answers = frozenset(
                [answer_comparison_form(fact.answer), *(answer_comparison_form(v.answer) for v in versions)]
            )
            own = tuple(answer_comparison_form(t) for t in self._own_texts(fact))
            kept = self._own[id(fact)] = (fact, (own, answer_comparison_form(fact.question), answers))
        return kept[1]

    # --- wrong options ----------------------------------------------------------------

    def wrong_options(self, fact: Fact, count: int, rng: random.Random) -> list[tuple[str, str]] | None:
        """`count` wrong options as (text, why): the editor's distractors first (`why` as written, else ''),
        then, for a year or a number, ones varied from the answer; None when there are not enough."""
        authored = [(d.text, d.why or "") for d in fact.distractors if self.allowed(fact, d.text)]
        if len(authored) >= count:
            return rng.sample(authored, count)
        form = answer_form(fact, self._memos)
        if form is None or fact.kind not in _VARIED:
            return None
        days = self._days(fact, count - len(authored), rng, avoid=[text for text, _ in authored])
        if days is None and not fact.disputed:  # an answer to the month or day: others the bounds allow
            days = self._months(fact, count - len(authored), rng, avoid=[text for text, _ in authored])
        if days is not None:  # a history told day by day, or a date to the month: wrong days or months
            return [*authored, *((day, "") for day in days)]
        tokens = self.wrong_tokens(fact, count, rng, avoid=[text for text, _ in authored])
        if tokens is None:
            return None
        made = [(form.render(t), "") for t in tokens]
        return [*authored, *made][:count]

    def wrong_tokens(
        self,
        fact: Fact,
        count: int,
        rng: random.Random,
        avoid: Sequence[str] = (),
        statement: bool = False,
        floor: int = 0,
    ) -> list[str] | None:
        """The varied part of `count` wrong options for a year or a number (never a name: see the module's
        doc), to show as options or (`statement`) swap into a statement; none equal to an option in `avoid`."""
        form = answer_form(fact, self._memos)
        if form is None or fact.disputed or fact.kind not in _VARIED:
            return None
        avoided = {answer_comparison_form(a) for a in avoid}
        want = count + len(avoided)
        if fact.kind == "date":
            tokens = self._years(fact, form, want, rng)
        else:
            tokens = self._numbers(fact, form, want, rng, statement, floor)
        if tokens is None:
            return None
        tokens = [t for t in tokens if answer_comparison_form(form.render(t)) not in avoided][:count]
        options = [form.render(t) for t in tokens]
        if (
            len(tokens) < count
            or not all(self.allowed(fact, o) for o in options)
            or len({answer_comparison_form(o) for o in options}) < count
        ):
            return None
        return tokens

    def false_swap(self, fact: Fact, rng: random.Random) -> Swap | None:
        """The swap that makes `fact`'s statement false, keeping it grammatical and consistent: an editor's
        distractor of the answer's form first, else a made-up value (a date to the month or day changes month
        or day, else the year). A number never becomes or stops being one (the noun after it would disagree),
        nor changes where the statement lists that many items, nor falls below the items a partial list names;
        only the copy the fact asks about changes, with the copies that restate it (`copies_to_swap`). None
        when no such swap exists."""
        form = answer_form(fact, self._memos)
        if form is None or fact.disputed or fact.kind not in _VARIED:
            return None
        statement = fact.statement
        if fact.kind == "date" and form.option != form.token and token_in(statement, form.option):
            made = (
                self._authored_swaps(fact, form.option, rng) or self._days(fact, 1, rng) or self._months(fact, 1, rng)
            )
            if made:
                return Swap(form.option, made[0], copies_to_swap(statement, form.option, is_year=False))
        if not token_in(statement, form.token):
            return None
        floor = count_floor(statement, form.token) if fact.kind == "number" else 0
        if floor is None:
            return None
        copies = copies_to_swap(statement, form.token, is_year=fact.kind == "date")
        authored = self._authored_swaps(fact, form.token, rng, floor)
        if authored:
            return Swap(form.token, authored[0], copies)
        wrong = self.wrong_tokens(fact, 1, rng, statement=True, floor=floor)
        return Swap(form.token, in_digits_of(wrong[0], form.token), copies) if wrong else None

    def _authored_swaps(self, fact: Fact, token: str, rng: random.Random, floor: int = 0) -> list[str]:
        """The editor's distractors that can take `token`'s place in the statement (a date to the same precision,
        a number with the same words around it, never one nor below `floor`), in a random order."""
        form = answer_form(fact, self._memos)
        out = []
        for distractor in fact.distractors:
            text = core(distractor.text)
            if form is None or not self.allowed(fact, distractor.text):
                continue
            if token == form.option and fact.kind == "date":
                match = _YEAR_ANSWER.match(text)
                shape = _YEAR_ANSWER.match(form.option)
                if match and shape and len(match["head"].split()) == len(shape["head"].split()):
                    out.append(text)
                continue
            pattern = _YEAR_ANSWER if fact.kind == "date" else _NUMBER_ANSWER
            match = pattern.match(text)
            if match is None:
                continue
            value = match["year"] if fact.kind == "date" else match["num"]
            if form.render(value).casefold() != text.casefold():
                continue  # other words around it: it would not fit the sentence
            if fact.kind == "number" and (number_value(value) == 1 or number_value(form.token) == 1):
                continue
            if fact.kind == "number" and number_value(value) < floor:
                continue
            out.append(value)
        return rng.sample(out, len(out))

    def _days(self, fact: Fact, count: int, rng: random.Random, avoid: Sequence[str] = ()) -> list[str] | None:
        """`count` wrong days ('21 July 1969') for a fact answered to the day whose era lasts at most
        SHORT_ERA_DAYS (a mission, a campaign): days of that era, else of the weeks around the answer; None
        when the era is longer, or the answer is not a day."""
        match = _YEAR_ANSWER.match(core(fact.answer))
        head = match["head"].split() if match else []
        era = self._base.eras_by_id.get(fact.era)
        if len(head) != 2 or not head[0].isdigit() or head[1] not in MONTHS or era is None or era.end == "present":
            return None
        try:
            answer = _dt.date(int(match["year"]), MONTHS.index(head[1]) + 1, int(head[0]))  # type: ignore[index]
            first, last = (parse_date(era.start).start, parse_date(era.end).end)
            start, end = _dt.date(first.year, first.month, first.day), _dt.date(last.year, last.month, last.day)
        except ValueError:  # a year before 1 (datetime's range): not a history told in days
            return None
        if (end - start).days > SHORT_ERA_DAYS:
            return None
        if (end - start).days < count:  # too few other days in the era: the weeks around the answer
            start, end = answer - _dt.timedelta(days=7), answer + _dt.timedelta(days=7)
        never = {answer_comparison_form(a) for a in avoid} | self._forbidden(fact)
        # The editor's bounds and the fact's own dates hold in a short era too.
        bounds = self.bounds(fact)
        span = answer_span(fact)
        if bounds is None or span is None:
            return None

        def usable(text: str) -> bool:
            return answer_comparison_form(text) not in never and self.allowed(fact, text)

        made = days_within(span, bounds, usable, count, rng, within=(start, end))
        return None if made is None else [in_digits_of(t, fact.answer) for t in made]

    def bounds(self, fact: Fact, keep: str | None = None) -> DateBounds | None:
        """Where a wrong date for `fact` may fall, and why (records/bounds.py); None for an answer that is not a
        date. `keep`: a year a true/false swap changes together with the answer (its other dates move too)."""
        answer = answer_span(fact)
        era = self._base.eras_by_id.get(fact.era)
        if answer is None or era is None:
            return None
        present = Day(self._present, 12, 31)
        return date_bounds(fact, era, self._base.facts_by_id, present, answer, keep)

    def _years(self, fact: Fact, form: AnswerForm, count: int, rng: random.Random) -> list[str] | None:
        year = number_value(form.token)
        bounds = self.bounds(fact, keep=form.token)
        if bounds is None or bounds.empty or year != int(year):
            return None
        year = int(year)
        approximate = bool(fact.date and parse_date(fact.date).approximate)
        gap = 3 if approximate else 2  # an approximate year needs wider room to be clearly wrong
        own = set().union(*(numbers_in(t) for t in self._own_texts(fact)))
        never = {int(n) for n in own | self._version_numbers}
        other_answers = self._kind_years - {year}  # rule 4, given up where years are scarce
        sides = sides_of(fact.question, year)
        for banned in (never | other_answers, never):

            def usable(y: int, banned: set[int] = banned) -> bool:
                return y not in banned and sides(y)

            chosen = years_within(year, bounds, usable, count, gap, rng)
            if chosen is not None:
                return [str(y) for y in chosen]
        return None

    def _months(self, fact: Fact, count: int, rng: random.Random, avoid: Sequence[str] = ()) -> list[str] | None:
        """`count` wrong months (or days of other months) for an answer given to the month or the day."""
        answer = answer_span(fact)
        if answer is None or answer.start.month == 0 or not _MONTH_ANSWER.match(core(fact.answer)):
            return None
        bounds = self.bounds(fact)
        if bounds is None or bounds.empty:
            return None
        never = {answer_comparison_form(a) for a in avoid} | self._forbidden(fact)

        def usable(text: str) -> bool:
            return answer_comparison_form(text) not in never and self.allowed(fact, text)

        if answer.start == answer.end:  # a day
            made = days_within(answer, bounds, usable, count, rng)
        else:
            made = months_within(answer, bounds, usable, count, rng)
        return None if made is None else [in_digits_of(t, fact.answer) for t in made]

    def number_bounds(self, fact: Fact) -> NumberBounds | None:
        """Where a made-up wrong number for `fact` may fall, and why (records/bounds.py); None for a fact that is
        not a number."""
        return number_bounds(fact, self._base.facts_by_id) if fact.kind == "number" else None

    def _numbers(
        self, fact: Fact, form: AnswerForm, count: int, rng: random.Random, statement: bool = False, floor: int = 0
    ) -> list[str] | None:
        value = number_value(form.token)
        if value != int(value) or value < 0:
            return None  # decimals and negatives are too rare in the base to vary well
        n = int(value)
        if statement and n == 1:
            return None  # 'one camp' -> 'three camp': the noun after it is singular
        own = set().union(*(numbers_in(t) for t in self._own_texts(fact)))
        banned = own | self._version_numbers | (self._kind_numbers - {value})
        if statement:
            banned |= {1.0}  # and 'three camps' -> 'one camps'
        sides = sides_of(fact.question, n)  # rule 6
        limits = number_bounds(fact, self._base.facts_by_id)
        chosen = wrong_numbers(
            n, lambda c: c not in banned and sides(c), count, rng, max(limits.low, floor), limits.high
        )
        if chosen is None:
            return None
        return [format_number(c, form.token) for c in chosen]
