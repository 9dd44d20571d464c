"""A deck's Anki cards in another language than its facts' (an *edition*): its language, its own note types
(their ids from the note type's key and the language, their few words translated and every card given the
language's `lang` and `dir`), and, for bilingual cards, the facts as written.

An edition's notes and note types are its own: importing a Persian deck never changes a learner's English
notes, and the English note types and notes stay exactly as they were.
"""

from __future__ import annotations

from typing import NamedTuple

from factdeck.i18n import Language
from factdeck.records.schema import Fact


class Edition(NamedTuple):
    """A deck's cards in `language`; `source`: the facts' own language; `originals`: the facts as written, by
    id; `bilingual`: whether the back shows them beside the translation."""

    language: Language
    source: str
    originals: dict[str, Fact]
    bilingual: bool


def note_type_words(language: Language) -> dict[str, str]:
    """The words of the note-type templates (templates/anki/note-types/), each English text with its
    translation: they are HTML read as it is (Anki's own syntax), so the words are put in by text."""
    return {"Fill in the blank.": language.gettext("Fill in the blank.")}


def localized_note_type(template: str, language: Language) -> str:
    """A note-type template (front, back) for an edition: its words translated and each card's wrapper
    (`class="fd-card …"`) given the language's `lang` and `dir`, so a screen reader reads it by the language's
    rules and a right-to-left language lays out from the right."""
    for english, translated in note_type_words(language).items():
        template = template.replace(f">{english}<", f">{translated}<")
    return template.replace('class="fd-card', f'lang="{language.tag}" dir="{language.direction}" class="fd-card')
