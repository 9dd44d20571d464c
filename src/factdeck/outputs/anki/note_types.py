"""factdeck's note types: their permanent keys, names and template files, and the genanki model that writes one
with its own modification time (so a rebuilt package does not make an unchanged note type look changed)."""

from __future__ import annotations

from dataclasses import dataclass

import genanki

from factdeck.outputs.anki.cards import CARD, CLOZE

NOTE_TYPE_FOLDER = "anki/note-types"


@dataclass(frozen=True)
class NoteTypeSpec:
    """A factdeck note type: its permanent key (the id derives from it), name, and template files."""

    key: str
    name: str  # after the project's title (else namespace): `<title>: <name>`
    note_type: str  # CARD or CLOZE, the cards.py field layout
    front: str
    back: str

    def full_name(self, prefix: str) -> str:
        """The name learners see in Anki: `prefix` (identity.py's `note_type_prefix`: the project's title, else
        its namespace), then the note type's own name, so that two projects' note types never share a name
        (Anki would add "+" to the second). For the shipped project (`factdeck`) this is the name every factdeck
        note type has had."""
        return f"{prefix}: {self.name}"


NOTE_TYPES = (
    NoteTypeSpec("factdeck-card-v1", "fact card", CARD, "card-front.html", "card-back.html"),
    NoteTypeSpec("factdeck-cloze-v1", "fact cloze", CLOZE, "cloze-front.html", "cloze-back.html"),
)
STYLE = "style.css"


class NoteTypeModel(genanki.Model):
    """A genanki note type whose modification time is its own (kept by published.py's `ModTimes`, unchanged
    while its templates are), not the time the package is written."""

    def __init__(self, *args, mod: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict:
        return super().to_json(self.mod, deck_id)
