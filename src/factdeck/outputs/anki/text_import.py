"""The Anki text file: the question notes of a deck in the layout Anki's text importer reads, as the `.apkg`
has them.

Anki's text importer (rslib `import_export/text`) matches a row to a note by the GUID column and updates the
note only when the row declares the note's own note type; any other note type makes the row "conflicting".
So each row is the fact's question note exactly as the package makes it: the package's note type (by id, which
a learner's renaming cannot break; the header comment names it), its fields in their order with the same HTML,
its tags (each once) and its GUID. Importing the file over a collection that holds the package updates the
notes whose text changed, and a later package updates the notes the file made, like any other.

The note type must already be in the collection: Anki's text importer cannot create one (import a package of
the project once first).
"""

from __future__ import annotations

from factdeck.outputs.anki.cards import CARD, NOTE_FIELDS, CardMaker, CardPlan
from factdeck.outputs.anki.note_types import NOTE_TYPES
from factdeck.records.factbase import FactBase
from factdeck.records.identity import namespace_of, note_type_id, note_type_prefix
from factdeck.records.schema import DeckSpec, Fact

_QUOTED = ('"', "\t", "\n", "\r")


def text_field(text: str) -> str:
    """A field as Anki's text importer reads it back unchanged: one holding a double quote, a tab or a line break,
    or starting with `#`, is quoted with its quotes doubled (RFC 4180; a line starting with `#` is a comment)."""
    return '"' + text.replace('"', '""') + '"' if text.startswith("#") or any(c in text for c in _QUOTED) else text


def anki_text_file(base: FactBase, facts: list[Fact], deck: DeckSpec | None) -> bytes:
    """The question (`qa`) note of each fact of `facts`, one tab-separated row each: the fields of the package's
    card note type, then the tags, then the GUID; header lines give Anki's importer the separator, HTML, note
    type id, deck (`deck`'s name, else Default) and the tag and GUID columns. UTF-8; raises `RenderError` if a
    field template fails."""
    namespace = namespace_of(base.config)
    spec = next(s for s in NOTE_TYPES if s.note_type == CARD)
    fields = NOTE_FIELDS[CARD]
    deck_name = " ".join(deck.name.split()) if deck is not None else "Default"
    lines = [
        "#separator:tab",
        "#html:true",
        f"#notetype:{note_type_id(namespace, spec.key)}",
        f"#deck:{deck_name}",
        f"#tags column:{len(fields) + 1}",
        f"#guid column:{len(fields) + 2}",
        f"# note type: {spec.full_name(note_type_prefix(base.config))} ({', '.join(fields)}); import a package of this project first",
    ]
    maker = CardMaker(base)
    for fact in facts:
        note = maker.note(fact, CardPlan("qa"), deck_name)
        values = [*note.fields, " ".join(note.tags), note.guid]
        lines.append("\t".join(text_field(value) for value in values))
    return ("\n".join(lines) + "\n").encode("utf-8")
