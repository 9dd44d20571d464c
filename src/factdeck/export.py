"""Export: the validated fact base as one JSON document."""

from __future__ import annotations

import json
from typing import Any

from .validate import FactBase


def export_document(base: FactBase) -> dict[str, Any]:
    """Every record with every field as loaded, plus `disputed` and `corroboration` per fact."""
    return {
        "sources": [s.model_dump(mode="json") for s in base.sources.values()],
        "eras": [e.model_dump(mode="json") for e in base.eras],
        "facts": [
            {**f.model_dump(mode="json"), "disputed": f.disputed, "corroboration": f.corroboration}
            for f in base.facts
        ],
        "decks": [d.model_dump(mode="json") for d in base.decks],
    }


def export_json(base: FactBase) -> bytes:
    """The export document as UTF-8 JSON, stable across runs (keys in schema order)."""
    return (json.dumps(export_document(base), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
