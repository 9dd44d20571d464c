"""Quiz stage: a deck's facts to worksheet questions and shuffled versions (pure data).

Modules, by role:

- model.py: the content (Question, Item, Excerpt, Reference, VersionAnswer, Quiz);
- types.py: the question type registry, QUESTION_TYPES, and the QuestionType interface;
  single_types.py and group_types.py: the types themselves;
- wording.py: what a fact's wording allows (blanks, timeline rows, matching roles, giveaways);
- distractors.py: wrong options the fact base never says are true;
- planning.py: which facts make which question types (QuizMaker, make_quiz);
- versions.py: versions A, B, … (Placed, Section, Version).

Callers import from here.
"""

from factdeck.quiz.model import Excerpt, Item, Question, Quiz, Reference, VersionAnswer
from factdeck.quiz.planning import (
    GROUP_TYPES,
    SINGLE_TYPES,
    TYPE_WEIGHTS,
    QuizMaker,
    make_quiz,
    seeded,
    with_overrides,
)
from factdeck.quiz.types import (
    QUESTION_TYPES,
    QuestionType,
    QuestionTypes,
    accepted_answers,
    item_data,
    item_rows,
    reference_data,
)
from factdeck.quiz.versions import LETTERS, Placed, Section, Version

__all__ = [
    "Excerpt",
    "GROUP_TYPES",
    "Item",
    "LETTERS",
    "Placed",
    "QUESTION_TYPES",
    "Question",
    "QuestionType",
    "QuestionTypes",
    "Quiz",
    "QuizMaker",
    "Reference",
    "SINGLE_TYPES",
    "Section",
    "TYPE_WEIGHTS",
    "Version",
    "VersionAnswer",
    "accepted_answers",
    "item_data",
    "item_rows",
    "make_quiz",
    "reference_data",
    "seeded",
    "with_overrides",
]
