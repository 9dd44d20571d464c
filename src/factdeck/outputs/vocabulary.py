"""The names of factdeck's fixed vocabularies (question types, source kinds, stances; records/fields.py) in a
language, shared by every output that shows them."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from factdeck.i18n import Language


def kind_names(language: Language) -> dict[str, str]:
    """Each question type's name as the page shows it above a question."""
    return {
        "multiple-choice": language.pgettext("question type", "Multiple choice"),
        "true-false": language.pgettext("question type", "True or false"),
        "fill-blank": language.pgettext("question type", "Fill in the blank"),
        "matching": language.pgettext("question type", "Matching"),
        "timeline": language.pgettext("question type", "Timeline"),
        "short-answer": language.pgettext("question type", "Short answer"),
        "source-analysis": language.pgettext("question type", "Source analysis"),
        "according": language.pgettext("question type", "Who says what"),
    }


def stance_names(language: Language) -> dict[str, str]:
    """A source's stance (records/fields.py's vocabulary) as learners read it."""
    return {
        "critical": language.pgettext("stance", "critical"),
        "supportive": language.pgettext("stance", "supportive"),
        "state-aligned": language.pgettext("stance", "state-aligned"),
        "neutral": language.pgettext("stance", "neutral"),
        "mixed": language.pgettext("stance", "mixed"),
        "unknown": language.pgettext("stance", "unknown"),
    }


def source_kind_names(language: Language) -> dict[str, str]:
    """A source's kind (records/fields.py's vocabulary) as learners read it."""
    return {
        "encyclopedia": language.pgettext("source kind", "encyclopedia"),
        "news": language.pgettext("source kind", "news"),
        "analysis": language.pgettext("source kind", "analysis"),
        "opinion": language.pgettext("source kind", "opinion"),
        "government": language.pgettext("source kind", "government"),
        "academic": language.pgettext("source kind", "academic"),
        "advocacy": language.pgettext("source kind", "advocacy"),
        "web": language.pgettext("source kind", "web"),
        "book": language.pgettext("source kind", "book"),
        "primary-document": language.pgettext("source kind", "primary document"),
        "speech": language.pgettext("source kind", "speech"),
        "interview": language.pgettext("source kind", "interview"),
        "letter": language.pgettext("source kind", "letter"),
        "report": language.pgettext("source kind", "report"),
    }


class Vocabulary(NamedTuple):
    """The vocabularies' names in one language."""

    question_types: dict[str, str]
    source_kinds: dict[str, str]
    stances: dict[str, str]

    @staticmethod
    @lru_cache(maxsize=16)
    def of(language: Language) -> Vocabulary:
        """Made once per language (a Language is hashable by its tag, locale and digits)."""
        return Vocabulary(kind_names(language), source_kind_names(language), stance_names(language))
