"""Versions A, B, …: the same questions in another order, their options and items shuffled.

Each version draws from its own `random.Random` (seeded by the deck's seed, the
deck id and the version's letter), so versions never depend on one another.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

from factdeck.quiz.model import Item, Question
from factdeck.quiz.single_types import OPTIONS
from factdeck.quiz.types import QUESTION_TYPES

LETTERS = string.ascii_uppercase


@dataclass(frozen=True)
class Placed:
    """A question as one version shows it: its number and the order of its options or items."""

    number: int
    question: Question
    order: tuple[int, ...] = ()  # options (multiple choice) or items (matching descriptions, timeline events)
    names: tuple[int, ...] = ()  # matching: items in the order their names are listed

    @property
    def type(self) -> str:
        """The question type's name."""
        return self.question.type

    @property
    def options(self) -> list[str]:
        """Multiple choice: the options as this version lists them."""
        return [self.question.options[i] for i in self.order]

    @property
    def items(self) -> list[Item]:
        """Matching, timeline: the rows as this version lists them."""
        return [self.question.items[i] for i in self.order]

    @property
    def name_list(self) -> list[str]:
        """Matching: the names as this version lists them (another order than the descriptions)."""
        return [self.question.items[i].answer for i in self.names]

    @property
    def correct_letter(self) -> str:
        """Multiple choice: the correct option's letter (ValueError for a question without options)."""
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
        return QUESTION_TYPES.of(self.question).answer_label(self)


@dataclass(frozen=True)
class Section:
    """One part of a version: the questions of one type, numbered on from the part before."""

    type: str
    questions: tuple[Placed, ...]


@dataclass(frozen=True)
class Version:
    """One worksheet version, A, B, …: its parts in section order."""

    letter: str
    sections: tuple[Section, ...]

    @property
    def questions(self) -> list[Placed]:
        """Every question of the version, in number order."""
        return [p for s in self.sections for p in s.questions]


def draw_versions(
    questions: list[Question], count: int, rng_for: Callable[[str], random.Random]
) -> tuple[Version, ...]:
    """`count` versions (at most 26) of `questions`, lettered A, B, …; `rng_for(letter)` gives a version's
    generator. A version whose question order repeats another's is drawn again (20 tries)."""
    versions: list[Version] = []
    seen: set[tuple[str, ...]] = set()
    for letter in LETTERS[:count]:
        rng = rng_for(letter)
        for _attempt in range(20):
            version = _shuffle(letter, questions, rng)
            key = tuple(p.question.id for p in version.questions)
            if key not in seen:
                break
        seen.add(key)
        versions.append(version)
    return tuple(versions)


def _shuffle(letter: str, questions: list[Question], rng: random.Random) -> Version:
    sections = []
    number = 1
    shuffled_total = sum(QUESTION_TYPES.of(q).shuffles_options for q in questions)
    # Correct letters spread evenly: each of A-D as often as the others, give or take one.
    positions = [i % OPTIONS for i in range(shuffled_total)]
    rng.shuffle(positions)
    for kind, question_type in QUESTION_TYPES.items():
        group = [q for q in questions if q.type == kind]
        if not group:
            continue
        rng.shuffle(group)
        placed = []
        for q in group:
            order, names = question_type.arrange(q, rng, positions)
            placed.append(Placed(number, q, order, names))
            number += 1
        sections.append(Section(kind, tuple(placed)))
    return Version(letter, tuple(sections))
