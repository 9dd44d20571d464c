"""Group question types: several facts make one question (matching, timeline).

A group takes GROUP_MIN to GROUP_PREFERRED facts; the planner (planning.py)
decides how many groups a worksheet gets and which facts they may take.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from factdeck.quiz.model import Item, Question
from factdeck.quiz.types import QUESTION_TYPES, QuestionType, item_data, item_rows
from factdeck.quiz.wording import gives_away, matching_role, timeline_text
from factdeck.records.dates import parse_date
from factdeck.records.schema import Fact
from factdeck.records.select import chronological_key as chronological
from factdeck.text.compare import answer_comparison_form, mentions
from factdeck.text.dates import date_label

if TYPE_CHECKING:
    from factdeck.quiz.planning import QuizMaker
    from factdeck.quiz.versions import Placed

# Items in a matching or timeline question: five fit half a page and are enough to reason about; never under four.
GROUP_MIN = 4
GROUP_PREFERRED = 5


class _GroupType(QuestionType):
    single = False


@QUESTION_TYPES.register
class Matching(_GroupType):
    """People and organizations: match each description (what they did) to a name."""

    name = "matching"
    section = 4
    needs = (
        f"at least {GROUP_MIN} undisputed person or organization facts, each naming the answer once in its "
        "statement or asked as 'Who …?', with different names"
    )

    def admits(self, maker: QuizMaker, fact: Fact) -> bool:
        return matching_role(fact, maker.memos) is not None

    def item(self, maker: QuizMaker, fact: Fact) -> Item | None:
        """The fact's row (its role, its name), or None when it cannot be one."""
        role = matching_role(fact, maker.memos)
        if role is None:
            return None
        return Item(fact.id, role, fact.answer.strip(), maker.references(fact.citations, limit=1))

    def make_group(
        self,
        maker: QuizMaker,
        number: int,
        facts: Iterable[Fact],
        size: int = GROUP_PREFERRED,
        taken: Sequence[Fact] = (),
    ) -> Question | None:
        candidates = (
            (f, item)
            for f in facts
            if (item := self.item(maker, f)) and not any(gives_away(f, t, maker.memos) for t in taken)
        )  # lazily, as for a timeline
        chosen: list[tuple[Fact, Item]] = []
        for fact, item in candidates:
            # No description may name another option, and no name may appear twice.
            if all(
                answer_comparison_form(item.answer) != answer_comparison_form(i.answer)
                and not mentions(i.text, item.answer)
                and not mentions(item.text, i.answer)
                for _, i in chosen
            ):
                chosen.append((fact, item))
            if len(chosen) == size:
                break
        if len(chosen) < GROUP_MIN:
            return None
        chosen.sort(key=lambda pair: chronological(maker.base, pair[0]))
        items = tuple(item for _, item in chosen)
        answer = _key_rows(maker, items)
        return Question(
            f"{self.name}:{number}",
            self.name,
            maker.language.gettext("Match each description to a name."),
            tuple(f.id for f, _ in chosen),
            answer,
            "",
            items=items,
        )

    def arrange(
        self, question: Question, rng: random.Random, positions: list[int]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        order = tuple(rng.sample(range(len(question.items)), len(question.items)))
        return order, _unaligned(order, rng)

    def answer_label(self, placed: Placed) -> str:
        return ", ".join(f"{n}–{letter}" for n, letter in enumerate(placed.matches, 1))

    def data(self, placed: Placed) -> dict[str, Any]:
        # Descriptions and names as the version prints them.
        return {"form": "matching", "items": item_rows(placed.items), "names": placed.name_list}

    def web_fields(self, question: Question, order: tuple[int, ...], names: tuple[int, ...]) -> dict[str, Any]:
        # Descriptions in the version's order; names listed in another; `correct[i]` is the name of description i.
        return {
            "items": [question.items[i].text for i in order],
            "names": [question.items[i].answer for i in names],
            "correct": [names.index(i) for i in order],
            "key": [item_data(question.items[i]) for i in order],
        }  # in the order shown


@QUESTION_TYPES.register
class Timeline(_GroupType):
    """Dated events, their dates blanked: put them in order."""

    name = "timeline"
    section = 5
    needs = f"at least {GROUP_MIN} dated, undisputed facts"

    def admits(self, maker: QuizMaker, fact: Fact) -> bool:
        return timeline_text(fact, maker.memos) is not None

    def item(self, maker: QuizMaker, fact: Fact) -> Item | None:
        """The fact's row (its statement with the date blanked, the date), or None when it cannot be one."""
        text = timeline_text(fact, maker.memos)
        if text is None:
            return None
        return Item(fact.id, text, date_label(fact.date, maker.language), maker.references(fact.citations, limit=1))

    def make_group(
        self,
        maker: QuizMaker,
        number: int,
        facts: Iterable[Fact],
        size: int = GROUP_PREFERRED,
        taken: Sequence[Fact] = (),
    ) -> Question | None:
        def candidates() -> Iterator[Fact]:
            # Events make the best timelines: every suitable event in the pool's order, then the rest. Drawn
            # lazily, since a group is filled long before a large deck's pool runs out.
            for events in (True, False):
                for f in facts:
                    if (
                        (f.kind in ("event", "date")) == events
                        and timeline_text(f, maker.memos) is not None
                        and not any(gives_away(f, t, maker.memos) for t in taken)
                    ):
                        yield f

        chosen: list[tuple[Fact, Item]] = []
        for fact in candidates():
            span = parse_date(fact.date)
            # Events must be strictly ordered: no two whose dates could overlap.
            if all(span.end < parse_date(f.date).start or parse_date(f.date).end < span.start for f, _ in chosen):
                item = self.item(maker, fact)
                assert item is not None  # candidates() yields facts that make an item
                chosen.append((fact, item))
            if len(chosen) == size:
                break
        if len(chosen) < GROUP_MIN:
            return None
        chosen.sort(key=lambda pair: parse_date(pair[0].date).sort_key())
        items = tuple(item for _, item in chosen)
        ids = tuple(f.id for f, _ in chosen)
        answer = _key_rows(maker, items)
        return Question(
            f"{self.name}:{number}",
            self.name,
            maker.language.gettext("Put these events in order, earliest first."),
            ids,
            answer,
            maker.language.gettext("Dates from the cited sources."),
            items=items,
        )

    def arrange(
        self, question: Question, rng: random.Random, positions: list[int]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return _unsorted(len(question.items), rng), ()

    def answer_label(self, placed: Placed) -> str:
        return " → ".join(placed.chronology)

    def data(self, placed: Placed) -> dict[str, Any]:
        # Events as the version prints them, each with its place in date order (1: earliest).
        rows = item_rows(placed.items)
        for row, i in zip(rows, placed.order):
            row["rank"] = i + 1
        return {"form": "ordering", "items": rows}

    def web_fields(self, question: Question, order: tuple[int, ...], names: tuple[int, ...]) -> dict[str, Any]:
        # Events shuffled; `correct` lists the shown events' positions in date order.
        return {
            "items": [question.items[i].text for i in order],
            "correct": [order.index(i) for i in range(len(question.items))],
            "key": [item_data(i) for i in question.items],
        }  # in date order


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


def _key_rows(maker: QuizMaker, items: tuple[Item, ...]) -> str:
    """A group's answer as the key writes it: 'answer: text; …', in the deck's language's punctuation."""
    language = maker.language
    return language.pgettext("separator", "; ").join(
        language.gettext("%(label)s: %(value)s", label=item.answer, value=item.text) for item in items
    )
