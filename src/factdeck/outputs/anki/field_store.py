"""The card-field store, `build/.factdeck/anki-fields.bin`: the fields (and note GUIDs and content hashes) an
earlier build rendered, read into `RenderedFields` (rendered.py) by the next build, `factdeck release`,
`changes` and `check`. One marshal record per fact after a magic line and the shared hash."""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterable
from pathlib import Path

from factdeck.outputs.anki.rendered import RenderedFields

FIELDS_FILE = ".factdeck/anki-fields.bin"
_FIELDS_MAGIC = b"factdeck-anki-fields-1\0"


def load_fields(path: Path, shared: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The fields the last build saved, if it saved them for the same `shared` hash; anything unreadable or
    unexpected counts as nothing saved (a full render, never a crash)."""
    entries: dict[str, tuple[str, dict[str, str]]] = {}
    try:
        with open(path, "rb") as saved:
            if saved.read(len(_FIELDS_MAGIC)) != _FIELDS_MAGIC or marshal.load(saved) != shared:
                return {}
            while True:
                try:
                    fact_id, entry = marshal.load(saved)
                except EOFError:
                    return entries
                digest, fields = entry
                if not (
                    type(fact_id) is str
                    and type(digest) is str
                    and type(fields) is dict
                    and all(type(k) is str and type(v) is str for k, v in fields.items())
                ):
                    return {}
                entries[fact_id] = (digest, fields)
    except (OSError, ValueError, EOFError, TypeError):
        return {}


def save_fields(path: Path, fields: RenderedFields, fact_ids: Iterable[str]) -> None:
    """Write the store at `path`: the fields of the facts `fact_ids` (those of facts no longer in the base go;
    those of facts this build did not render stay). One small record per fact, streamed: one dump of them all
    would need their size again in memory."""
    with open(path, "wb") as out:
        out.write(_FIELDS_MAGIC)
        marshal.dump(fields.shared, out)
        for record in fields.to_keep(fact_ids):
            marshal.dump(record, out)
        out.flush()
        os.fsync(out.fileno())
