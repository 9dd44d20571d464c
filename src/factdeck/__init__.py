"""factdeck: vetted, source-cited fact records to Anki decks, worksheets and study materials.

The library API, as the `factdeck` command uses it (cli.py is a thin layer over these):

- `load_and_validate(root, archive=None, strict=False, session=None) -> FactBase`
- `build(root, deck_ids=None, formats=..., output=None, archive=None, session=None, waiting=None) -> BuildResult`
  (`BuildResult.failed`: outputs that could not be made while the others were; `removed`: stale outputs)
- `make_worksheets(root, deck_id, output=None, session=None, *, waiting=None, **quiz_overrides)`,
  `make_sessions(root, deck_id, meetings, output=None, session=None, waiting=None)`
- `make_quiz(base, deck, facts, settings=None) -> Quiz`, `select_facts(base, deck) -> list[Fact]`
- `export_json(base)`, `export_tsv(base, facts, anki_headers=False)`, `export_gift(base, decks, questions=None)`
- `changes_since(base, revision, export) -> Changes`, `compute_stats(base) -> Stats`
- `Session.one_off()` / `Session.watching()`; the errors in `factdeck.exceptions`.

Names are imported when first used, so that `import factdeck` (and the command's start) stays cheap.
"""

from __future__ import annotations

import importlib

# For the annotations only: importing typing (with re, enum and collections) was two fifths of `factdeck --help`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_API = {
    "load_and_validate": "factdeck.build",
    "build": "factdeck.build",
    "BuildResult": "factdeck.build",
    "make_worksheets": "factdeck.build",
    "make_sessions": "factdeck.build",
    "Session": "factdeck.engine.session",
    "FactBase": "factdeck.records.factbase",
    "select_facts": "factdeck.records.select",
    "make_quiz": "factdeck.quiz",
    "Quiz": "factdeck.quiz",
    "export_json": "factdeck.outputs.exports.export",
    "export_tsv": "factdeck.outputs.exports.export",
    "export_gift": "factdeck.outputs.exports.gift",
    "changes_since": "factdeck.reports.changes",
    "compute_stats": "factdeck.reports.stats",
    "FactdeckError": "factdeck.exceptions",
    "InputError": "factdeck.exceptions",
    "ValidationFailed": "factdeck.exceptions",
    "UsageError": "factdeck.exceptions",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    """The library API's names, imported on first use (PEP 562)."""
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'factdeck' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
