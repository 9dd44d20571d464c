"""factdeck's note types: their permanent keys, names and template files, and the genanki model that writes one
with its own modification time (so a rebuilt package does not make an unchanged note type look changed).

`NoteTypeModel` holds what a note type is (id, name, fields, templates, style, kind, time) without genanki:
`factdeck check` compares each deck with its release record by the note types' hashes and layouts and writes no
package, and importing genanki (with asyncio, chevron and PyYAML) was a tenth of a check after one edit at
10,000 facts. Only a package being written asks for the genanki model (`NoteTypeModel.genanki`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from factdeck.exceptions import TemplateError
from factdeck.outputs.anki.cards import CARD, CLOZE
from factdeck.outputs.anki.editions import localized_note_type
from factdeck.records.templates import display_name, template_path

if TYPE_CHECKING:
    import genanki

    from factdeck.i18n import Language

NOTE_TYPE_FOLDER = "anki/note-types"


class NoteTypeSpec(NamedTuple):
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


def note_type_texts(root: Path, spec: NoteTypeSpec, language: Language | None = None) -> tuple[str, str, str]:
    """The note type's front and back templates and its style, as written (`language`: an edition's, editions.py).
    Raises `TemplateError` if one cannot be read."""
    # Read as they are: these use Anki's {{Field}} syntax and must never pass through Jinja2. Each is the
    # project's own file if it has one, else the built-in one.
    names = [f"{NOTE_TYPE_FOLDER}/{name}" for name in (spec.front, spec.back, STYLE)]
    try:
        front, back, css = (template_path(root, name).read_text(encoding="utf-8") for name in names)
    except OSError as exc:
        name = f"{NOTE_TYPE_FOLDER}/{Path(exc.filename or '').name}"
        raise TemplateError(
            f"{display_name(name, exc.filename)}: cannot read Anki card template ({exc.strerror})"
        ) from None
    if language is not None:  # an edition's own note type (editions.py); the original's stays as it is
        front, back = localized_note_type(front, language), localized_note_type(back, language)
    return front, back, css
