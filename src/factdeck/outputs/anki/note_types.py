"""factdeck's note types: their permanent keys, names and template files, and the genanki model that writes one
with its own modification time (so a rebuilt package does not make an unchanged note type look changed).

`NoteTypeModel` holds what a note type is (id, name, fields, templates, style, kind, time) without genanki:
`factdeck check` compares each deck with its release record by the note types' hashes and layouts and writes no
package, and importing genanki (with asyncio, chevron and PyYAML) was a tenth of a check after one edit at
10,000 facts. Only a package being written asks for the genanki model (`NoteTypeModel.genanki`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from factdeck.outputs.anki.cards import CARD, CLOZE

if TYPE_CHECKING:
    import genanki

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


# genanki's `Model.FRONT_BACK` and `Model.CLOZE` (tests/test_start_imports.py holds them to genanki's).
FRONT_BACK_MODEL = 0
CLOZE_MODEL = 1


@dataclass(eq=False)
class NoteTypeModel:
    """A note type as genanki's `Model` takes it (`layout`: cards.py's CARD or CLOZE, genanki's FRONT_BACK_MODEL or
    CLOZE_MODEL), with its own modification time `mod` (kept by published.py's `ModTimes`, unchanged while its
    templates are), not the time the package is written."""

    model_id: int
    name: str
    fields: list[dict[str, Any]]
    templates: list[dict[str, Any]]
    css: str
    layout: str
    mod: int
    _model: genanki.Model | None = field(default=None, init=False, repr=False)

    def genanki(self) -> genanki.Model:
        """The genanki model that writes this note type into a package, made once (it shares `fields` and
        `templates`, which genanki adds its own keys to as it writes)."""
        if self._model is None:
            self._model = _model_class()(
                self.model_id,
                self.name,
                fields=self.fields,
                templates=self.templates,
                css=self.css,
                model_type=CLOZE_MODEL if self.layout == CLOZE else FRONT_BACK_MODEL,
                mod=self.mod,
            )
        return self._model


@lru_cache(maxsize=1)
def _model_class() -> type[genanki.Model]:
    """genanki's `Model` writing the note type's own modification time: defined where a package is first
    written, so that importing this module imports no genanki."""
    import genanki

    class TimedModel(genanki.Model):
        def __init__(self, *args: Any, mod: int, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.mod = mod

        def to_json(self, timestamp: float, deck_id: int) -> dict:
            return super().to_json(self.mod, deck_id)

    return TimedModel
