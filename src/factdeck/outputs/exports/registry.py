"""The platform exports by name, as `factdeck export FORMAT DECK` offers them.

Each reads the deck's quiz document (document.py) and returns an `Export` (platforms.py): the file's
bytes, the number of questions written and the questions skipped with why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from factdeck.outputs.exports.platforms import Export

if TYPE_CHECKING:  # the command line reads the table at start-up: the quiz machinery loads when used
    from factdeck.i18n import Language
    from factdeck.records.factbase import FactBase
    from factdeck.records.schema import DeckSpec, Fact, QuizSettings


@dataclass(frozen=True)
class Platform:
    """One platform export: its name on the command line, its file's extension, whether the file is
    binary (a spreadsheet or a zip archive), a one-line description, and its writer."""

    name: str
    extension: str
    binary: bool
    description: str
    write: Callable[[dict[str, Any], Language | None], Export]
    game: str | None = None  # a game's rules in games.py (its questions chosen from every fact); None: the worksheet's


def _kahoot(document: dict[str, Any], language: Language | None = None) -> Export:
    from factdeck.outputs.exports.spreadsheets import export_kahoot

    return export_kahoot(document, language)


def _wayground(document: dict[str, Any], language: Language | None = None) -> Export:
    from factdeck.outputs.exports.spreadsheets import export_wayground

    return export_wayground(document, language)


def _blooket(document: dict[str, Any], language: Language | None = None) -> Export:
    from factdeck.outputs.exports.game_csv import export_blooket

    return export_blooket(document, language)


def _gimkit(document: dict[str, Any], language: Language | None = None) -> Export:
    from factdeck.outputs.exports.game_csv import export_gimkit

    return export_gimkit(document, language)


def _qti(document: dict[str, Any], language: Language | None = None) -> Export:
    from factdeck.outputs.exports.qti import export_qti

    return export_qti(document, language)


def _moodle_xml(document: dict[str, Any], language: Language | None = None) -> Export:
    from factdeck.outputs.exports.moodle_xml import export_moodle_xml

    return export_moodle_xml(document, language)


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform(
            "kahoot", "xlsx", True, "Kahoot! quiz spreadsheet (multiple choice and true/false).", _kahoot, "KAHOOT"
        ),
        Platform(
            "wayground",
            "xlsx",
            True,
            "Wayground (formerly Quizizz) spreadsheet: multiple choice, fill-in-the-blank, open-ended.",
            _wayground,
            "WAYGROUND",
        ),
        Platform("blooket", "csv", False, "Blooket's CSV import template (multiple choice).", _blooket, "BLOOKET"),
        Platform(
            "gimkit",
            "csv",
            False,
            "Gimkit's CSV import (one correct and up to three wrong answers).",
            _gimkit,
            "GIMKIT",
        ),
        Platform("qti", "zip", True, "QTI 1.2 package as Canvas imports it (classic quizzes).", _qti),
        Platform("moodle-xml", "xml", False, "Moodle XML for a Moodle question bank, a category per era.", _moodle_xml),
    )
}


def platform_export(
    base: FactBase,
    deck: DeckSpec,
    facts: list[Fact],
    platform: str,
    settings: QuizSettings | None = None,
    count: int | None = None,
) -> Export:
    """The deck's questions in the format of `platform` (a key of PLATFORMS; KeyError otherwise): for a game,
    questions chosen for it from every fact (games.py; `count` questions, default the game's), with a summary
    of what was left out; otherwise version A of the worksheet with `settings` (default the deck's `quiz`;
    `count` overrides its number of questions)."""
    from factdeck.outputs.exports import games
    from factdeck.outputs.exports.document import quiz_document
    from factdeck.outputs.languages import deck_language, localized_base

    # The deck's language, and its facts' translations in place of their texts (outputs/languages.py).
    language = deck_language(base, deck)
    base, _ = localized_base(base, deck)
    facts = [base.facts_by_id[f.id] for f in facts]

    chosen = (settings or deck.quiz).model_copy(update={"versions": 1})
    target = PLATFORMS[platform]
    if target.game is None:
        if count is not None:
            chosen = chosen.model_copy(update={"questions": count})
        return target.write(quiz_document(base, deck, facts, chosen), language)
    rules: games.GameRules = getattr(games, target.game)
    choice = games.choose_for_game(base, deck, facts, chosen, rules, count)
    made = target.write(choice.document, language)
    made.skipped = [*choice.left_out, *made.skipped]
    made.summary = games.summary(choice, rules, made.written, count)
    return made
