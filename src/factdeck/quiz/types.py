"""Question types: one class per type, registered under the name decks, the CLI and templates use.

Each type knows whether a fact can make it, how to make the question, how a
version arranges it, its answer label in the key, its fields in the web quiz's
JSON and in the quiz document that every platform export reads (its `form`:
how a platform asks it). Planning (planning.py), versions (versions.py), the
web quiz and the exports ask the registry, `QUESTION_TYPES`, instead of
comparing type names.

Single types make one question from one fact (single_types.py: multiple choice,
true/false, fill in the blank, short answer, source analysis); group types make
one question from several facts (group_types.py: matching, timeline). Importing
this module registers them all.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from factdeck.quiz.model import Item, Question, Reference
from factdeck.records.schema import Fact
from factdeck.text.compare import core

if TYPE_CHECKING:
    from factdeck.quiz.planning import QuizMaker
    from factdeck.quiz.versions import Placed


def reference_data(refs: tuple[Reference, ...]) -> list[dict[str, str]]:
    """References as the web quiz's JSON lists them: [{"source": title, "locator": …}, …]."""
    return [{"source": r.source, "locator": r.locator} for r in refs]


def item_data(item: Item) -> dict:
    """A matching or timeline row as the web quiz's key lists it: {"text", "answer", "references"}."""
    return {"text": item.text, "answer": item.answer, "references": reference_data(item.references)}


class QuestionType:
    """One question type. Instances are registered once, in QUESTION_TYPES, under `name`.

    Subclasses fill in what their type needs: single types `can` and `make`, group types `make_group`.
    Every method that takes a `Placed` reads one version's arrangement of the question.
    """

    name: ClassVar[str]
    section: ClassVar[int]  # the type's part of a worksheet: quick questions first, writing last
    single: ClassVar[bool] = True  # one fact per question; False: a group of facts (matching, timeline)
    needs: ClassVar[str] = ""  # what facts a deck needs for one question of the type, when that is not obvious
    weight: ClassVar[float] = 0.0  # a single type's relative share when choosing facts
    for_disputes: ClassVar[bool] = False  # made only from disputed facts, and a disputed fact takes it first
    shuffles_options: ClassVar[bool] = False  # a version shuffles its options, spreading the correct letters

    # --- making (planning.py) --------------------------------------------------------

    def can(self, maker: QuizMaker, fact: Fact) -> bool:
        """Whether `make(maker, fact)` gives a question (single types)."""
        raise NotImplementedError(f"{self.name} is not a single question type")

    def make(self, maker: QuizMaker, fact: Fact) -> Question | None:
        """The fact's question of this type, or None when the fact cannot make one (single types)."""
        raise NotImplementedError(f"{self.name} is not a single question type")

    def make_several(self, maker: QuizMaker, facts: list[Fact], rng: random.Random) -> list[Question | None]:
        """Questions of this type for `facts`, in their order; `rng` draws what is balanced across them."""
        return [maker.made(fact, self.name) for fact in facts]

    def make_group(
        self, maker: QuizMaker, number: int, facts: Iterable[Fact], size: int, taken: Sequence[Fact]
    ) -> Question | None:
        """A group question from the first suitable facts of `facts`, `size` items at most, none giving away
        the answer of a fact in `taken`; None when too few fit (group types)."""
        raise NotImplementedError(f"{self.name} is not a group question type")

    def admits(self, maker: QuizMaker, fact: Fact) -> bool:
        """Whether `fact` can be a row of this type's group question at all (`make_group` passes by the others):
        the planner weighs and orders only these in a group's pool (group types)."""
        return True

    # --- one version (versions.py) ---------------------------------------------------

    def arrange(
        self, question: Question, rng: random.Random, positions: list[int]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """A version's (order, names) of the question's options or items; `positions` are the correct
        letters still to hand out to types that shuffle options. Default: nothing to arrange."""
        return (), ()

    def answer_label(self, placed: Placed) -> str:
        """The answer in the key's short form."""
        return placed.question.answer

    # --- outputs ---------------------------------------------------------------------

    def web_fields(self, question: Question, order: tuple[int, ...], names: tuple[int, ...]) -> dict[str, Any]:
        """The type's own fields in the web quiz's JSON (added after the common ones); `correct` indexes
        what the page shows."""
        return {}

    def data(self, placed: Placed) -> dict[str, Any]:
        """The type's own fields in the quiz document (`factdeck quiz --format json`) for one version's
        arrangement: `form`, how a platform asks it (choice, true-false, blank, text, matching, ordering or
        essay), and what that form needs. Default: a short answer, `text`, with its accepted answers."""
        return {"form": "text", "accepted": accepted_answers(placed.question.answer)}


def accepted_answers(answer: str) -> list[str]:
    """A short answer's accepted forms: the answer, and its core without a bracketed note
    ('Karim Jafari (کریم جعفری)' also accepts 'Karim Jafari')."""
    return list(dict.fromkeys(f for f in (answer.strip(), core(answer)) if f))


def item_rows(items: list[Item]) -> list[dict[str, Any]]:
    """Matching or timeline rows as the quiz document lists them: {"fact", "text", "answer"}."""
    return [{"fact": i.fact_id, "text": i.text, "answer": i.answer} for i in items]


_T = TypeVar("_T", bound=type[QuestionType])


class QuestionTypes(Mapping[str, QuestionType]):
    """The registry: question type name -> its QuestionType, in worksheet section order.

    Iterating gives the names, so `name in QUESTION_TYPES` and `", ".join(QUESTION_TYPES)` read as the
    tuple of names did.
    """

    def __init__(self) -> None:
        self._types: dict[str, QuestionType] = {}

    def register(self, cls: _T) -> _T:
        """Class decorator: add one instance of `cls` under `cls.name`, keeping section order.

        Raises ValueError when the name or the section is taken.
        """
        if cls.name in self._types or any(t.section == cls.section for t in self._types.values()):
            raise ValueError(f"question type '{cls.name}': name or section {cls.section} registered twice")
        types = [*self._types.values(), cls()]
        self._types = {t.name: t for t in sorted(types, key=lambda t: t.section)}
        return cls

    def __getitem__(self, name: str) -> QuestionType:
        """The type named `name`; raises KeyError naming the unknown type."""
        try:
            return self._types[name]
        except KeyError:
            raise KeyError(f"unknown question type '{name}'") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def of(self, question: Question) -> QuestionType:
        """The type of `question` (KeyError as `[]`)."""
        return self[question.type]

    @property
    def single_names(self) -> tuple[str, ...]:
        """The single types' names, in section order."""
        return tuple(name for name, t in self._types.items() if t.single)

    @property
    def group_names(self) -> tuple[str, ...]:
        """The group types' names, in section order."""
        return tuple(name for name, t in self._types.items() if not t.single)


QUESTION_TYPES = QuestionTypes()

# The types register themselves when their modules load; importing them here means that whoever imports
# the registry finds it whole. Last, because they import the names above.
from factdeck.quiz import group_types, single_types  # noqa: E402,F401
