"""The quiz's content as data: questions, their items, excerpts and references, and the whole quiz.

Plain frozen dataclasses, the same in every version of a worksheet; how one
version shows a question (its number, the order of its options) is in
versions.py. `Question.type` is the question type's name ("multiple-choice", …),
as deck YAML, templates and the web quiz's JSON write it; code that depends on
the type asks the registry (types.py) rather than comparing the name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from factdeck.i18n import Language
from factdeck.records.schema import Source

if TYPE_CHECKING:
    from factdeck.quiz.versions import Version


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


# How learners read each dispute reason type (records/schema.py's DisputeReason): the key's, the guide's and
# the web quiz's words for it.
REASON_LABELS = {
    "stance": "the texts' points of view",
    "self-contradiction": "one text contradicts itself",
    "time": "they describe different times",
    "scope": "they describe or count different things",
    "slip": "a probable slip in one text",
}


def reason_label(reason_type: str, language: Language) -> str:
    """A dispute reason type's label (REASON_LABELS) in `language`."""
    labels = {
        "stance": language.gettext("the texts' points of view"),
        "self-contradiction": language.gettext("one text contradicts itself"),
        "time": language.gettext("they describe different times"),
        "scope": language.gettext("they describe or count different things"),
        "slip": language.gettext("a probable slip in one text"),
    }
    return labels[reason_type]


@dataclass(frozen=True)
class DisputeReasonNote:
    """Why the versions of a dispute probably differ, as the editor judged it: `type` (a key of
    REASON_LABELS), its `label` for learners, and the editor's sentence `why`."""

    type: str
    label: str
    why: str


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
    """One question's content, the same in every version.

    `prompt` is the stem; `options` holds a multiple-choice question's correct option first, then its
    distractors.
    """

    id: str
    type: str  # the question type's name, a key of QUESTION_TYPES
    prompt: str
    fact_ids: tuple[str, ...]
    answer: str  # the key's answer, as text
    explanation: str  # one line: why
    references: tuple[Reference, ...] = ()
    options: tuple[str, ...] = ()  # multiple choice: the correct option first
    option_notes: tuple[str, ...] = ()  # multiple choice: why each option is wrong, where an editor wrote it ('')
    truth: bool | None = None  # true/false
    swapped: tuple[str, str] | None = None  # a false statement: (the true value, the value put in its place)
    parts: tuple[str, ...] = ()  # fill in the blank: the text around the blanks
    items: tuple[Item, ...] = ()  # matching; timeline (in date order)
    excerpts: tuple[Excerpt, ...] = ()  # source analysis
    versions: tuple[VersionAnswer, ...] = ()  # disputed facts: every version
    reason: DisputeReasonNote | None = None  # disputed facts: why the versions probably differ, if recorded
    # Words its type shows, in the deck's language, by key ("true", "false", "instructions", …): made with the
    # question, where the deck's language is known (planning.py's `QuizMaker.language`).
    words: tuple[tuple[str, str], ...] = ()

    @property
    def disputed(self) -> bool:
        return bool(self.versions)

    def word(self, key: str, default: str) -> str:
        """The word `key` as the question was made with it, else the English `default`."""
        return next((text for k, text in self.words if k == key), default)


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
