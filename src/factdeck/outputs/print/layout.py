"""What a teacher sets for printing: questions per type, points and totals, labels, large print, and the
ZipGrade answer key.

`print_quiz` makes the quiz a deck's `quiz.counts` asks for (so many questions of each type) on top of the
quiz stage; `PrintLayout` is what the Typst templates read besides the quiz (points, totals, labels,
instructions, the text scale); `zipgrade_key` writes the answer key ZipGrade imports.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from factdeck.i18n import Language
from factdeck.quiz import QUESTION_TYPES, Question, Quiz, make_quiz
from factdeck.quiz.versions import Placed, Version
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact, QuizSettings

if TYPE_CHECKING:
    from factdeck.engine.parse_cache import ContentStore

DEFAULT_POINTS = 1
# Large print: every text at least 18 pt, the size large-print guidance asks for (APH's and UKAAF's
# guidelines: 16 pt at the least, usually 18 pt, everything enlarged, nothing left small). The 11 pt body
# becomes 18 pt; headings grow in proportion and stay larger; small print (citations, footers, option
# letters) is raised to the minimum rather than scaled below it. Lines and paragraphs are further apart.
LARGE_PRINT_MINIMUM = 18.0  # pt
LARGE_PRINT_SCALE = LARGE_PRINT_MINIMUM / 11  # the body's 11 pt to 18 pt
LARGE_PRINT_SUFFIX = "-large-print"
# The page's text area (templates/quiz/_setup.typ, templates/guide/guide.typ), in pt: the top margin; the
# bottom margin, normal and large print (where the footer's 18 pt text may take two lines).
MARGIN_TOP, MARGIN_BOTTOM, LARGE_MARGIN_BOTTOM = (cm * 72 / 2.54 for cm in (1.8, 2.2, 3.2))
REFIT_QUESTIONS = 3  # a near-empty last page may take up to this many questions (or notes) from the page before
DEFAULT_INSTRUCTIONS = (
    "Answer every question on this sheet. Read each part's own instructions. Where the sources disagree, "
    "a question says so: give what each source says, and say who says it, rather than choosing one side."
)
# ZipGrade's standard forms bubble A-E; a true/false question is answered A (true) or B (false) there.
ZIPGRADE_TRUE_FALSE = {"True": "A", "False": "B"}
ZIPGRADE_HEADER = ("Key", "Question Number", "Response", "Points")


@dataclass(frozen=True)
class PrintLayout:
    """What the worksheet, key and answer-sheet templates read besides the quiz.

    `points` maps every question type to its points per question; `scale` multiplies every text size
    (1 normally, LARGE_PRINT_SCALE for large print) and `minimum` (pt; 0 normally, LARGE_PRINT_MINIMUM for
    large print) is the smallest size any text may have; `labels` are (label, width in em) of the fields to
    fill in, empty labels left out.
    """

    points: dict[str, int]
    instructions: str
    labels: tuple[tuple[str, float], ...]
    name_label: str
    id_label: str
    scale: float = 1.0
    large: bool = False
    notes: tuple[str, ...] = field(default=())
    minimum: float = 0.0

    def of(self, question: Question) -> int:
        """The points one question is worth."""
        return self.points[question.type]

    def total(self, version: Version) -> int:
        """Every question's points added up (the same in every version)."""
        return sum(self.of(p.question) for p in version.questions)

    def section_total(self, section) -> int:
        return sum(self.of(p.question) for p in section.questions)

    def large_print(self) -> PrintLayout:
        return replace(self, scale=LARGE_PRINT_SCALE, large=True, minimum=LARGE_PRINT_MINIMUM)


def print_layout(settings: QuizSettings, language: Language | None = None) -> PrintLayout:
    """The layout a deck's (or the command line's) quiz settings ask for, at normal size; the default
    instructions and field labels in `language` (English by default; labels a deck sets are kept)."""
    points = {name: settings.points.get(name, DEFAULT_POINTS) for name in QUESTION_TYPES}  # type: ignore[call-overload]
    words = language or Language.source()
    labels = settings.labels
    defaults = {
        "Name": words.pgettext("field label", "Name"),
        "Date": words.pgettext("field label", "Date"),
        "Group": words.pgettext("field label", "Group"),
        "ID": words.pgettext("field label", "ID"),
    }
    date, group = (defaults.get(label, label) for label in (labels.date, labels.group))
    fields = tuple((label, width) for label, width in ((date, 8.0), (group, 6.0)) if label.strip())
    name = defaults.get(labels.name, labels.name).strip()
    instructions = settings.instructions or words.gettext(DEFAULT_INSTRUCTIONS)
    return PrintLayout(
        points,
        instructions,
        (((name, 0.0),) if name else ()) + fields,  # width 0: the name takes the rest of the line
        name,
        defaults.get(labels.student_id, labels.student_id).strip(),
    )


def _instructions_message(language: Language) -> str:
    # The default instructions as a message `pybabel extract` finds (DEFAULT_INSTRUCTIONS is its English).
    return language.gettext(
        "Answer every question on this sheet. Read each part's own instructions. Where the sources disagree, "
        "a question says so: give what each source says, and say who says it, rather than choosing one side."
    )


POOLS_FOLDER = "option-pools"  # the wrong options' pools kept between commands, in the cache folder


def print_quiz(base: FactBase, deck: DeckSpec, facts: list[Fact], settings: QuizSettings) -> Quiz:
    """The deck's quiz as `make_quiz` makes it (with `settings.counts`, that many questions of each type), its
    wrong options' pools kept in the cache folder (`…/factdeck/option-pools`) between one-off commands."""
    return make_quiz(base, deck, facts, settings, kept_pools=_pool_store(base))


def _pool_store(base: FactBase) -> ContentStore | None:
    """Where the pools are kept (quiz/option_pools.py's `kept_pools`); None in a watch (its session keeps them)
    or with the cache turned off."""
    from factdeck.engine.incremental import code_fingerprint
    from factdeck.engine.parse_cache import ContentStore, cache_folder
    from factdeck.engine.session import Session

    folder = cache_folder(POOLS_FOLDER)
    if folder is None or base.session.keeping:
        return None
    session = base.session if isinstance(base.session, Session) else None
    return ContentStore(folder, code_fingerprint(), POOLS_FOLDER, session)


def bubbled(question: Question) -> bool:
    """Whether an answer sheet gives the question a row of bubbles (multiple choice, true/false)."""
    return bool(question.options) or question.truth is not None


def grid_answer(placed: Placed, language: Language | None = None) -> str:
    """A question's answer as the key's answer grid shows it, for marking at a glance: the letter of a
    multiple-choice answer, True or False, the missing words, the matching pairs ('1–C, 2–A'), the timeline's
    letters in date order ('C → A → B'); for a disputed fact (whose every version is right when attributed)
    and a source analysis, what to accept, the versions being listed below the grid."""
    q = placed.question
    words = language or Language.source()
    if q.type == "multiple-choice":
        return placed.correct_letter
    if q.type == "source-analysis":
        return words.gettext("(a) each version and whose; (b) why they differ")
    if q.disputed:
        return words.gettext("any version, with whose (see below)")
    return placed.answer_label


def zipgrade_key(quiz: Quiz, layout: PrintLayout) -> bytes:
    """ZipGrade's answer-key import file for every version: one row per bubbled question, with the columns
    Key (the version's letter), Question Number, Response and Points (ZipGrade's "CSV Answer Key Import
    File Requirements": one file holds every key version, a header row starting with "Key" is allowed).
    Questions answered in boxes are marked by hand and left out."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ZIPGRADE_HEADER)
    for version in quiz.versions:
        for placed in version.questions:
            q = placed.question
            if not bubbled(q):
                continue
            response = placed.correct_letter if q.options else ZIPGRADE_TRUE_FALSE["True" if q.truth else "False"]
            writer.writerow((version.letter, placed.number, response, layout.of(q)))
    return out.getvalue().encode("utf-8")
