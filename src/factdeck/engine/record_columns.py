"""Each fact file's columns (records/fact_columns.py) and problems, kept beside its record-cache entry under the same
name, so that a check after an edit takes an unchanged file back without making its records.

A file's record-cache entry holds every record of its facts (about 100 KB a file of 100 facts, 47,000 records at
10,000 facts: reading and unmarshalling them was 0.06 CPU s of a check after an edit, making the records as much
again). What the rules over every fact read of an unchanged file is a few columns (`FactColumns`), and its problems:
both are kept in an entry of their own (a few KB), by the same name (a hash of the file's name and text, factdeck's
code and what its validation read) in a folder of their own. A file taken back from them is a `FileFacts`, whose
records are made from the full entry the first time a reader goes through them (and, should that entry be gone since,
by validating the file again: the same records).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from factdeck.engine.parse_cache import ContentStore
from factdeck.engine.session import Session
from factdeck.exceptions import Problem
from factdeck.records.fact_columns import FileFacts, columns_of, restore_columns
from factdeck.records.schema import Fact


class KeptColumns:
    """Fact files' columns and problems, by their record-cache entry's name (see the module's doc), in `folder` (None:
    nothing kept) under factdeck's `code` and the files' validation `context` (the record cache's own)."""

    def __init__(self, folder: Path | None, code: str, context: str, session: Session):
        self.store = ContentStore(folder, code, context, session, by_name=True)
        self.made = 0  # files taken back whose records were made afterwards (for tests)

    def lazy(
        self, name: str, display: str, restore: Callable[[], list[Fact]]
    ) -> tuple[FileFacts, list[Problem]] | None:
        """The file `display`'s facts (a `FileFacts` whose records `restore` makes) and problems, from the columns kept
        under `name`; None if none are kept there (or what is kept is not that)."""
        if self.store.folder is None:
            return None
        entry = self.store.load(name)
        if type(entry) is not tuple or len(entry) != 2:
            return None
        columns = restore_columns(entry[0])
        problems = _restore_problems(entry[1], display)
        if columns is None or problems is None:
            return None

        def counted() -> list[Fact]:
            self.made += 1
            return restore()

        return FileFacts(columns, counted, display), problems

    def keep(self, name: str, facts: Sequence[Fact], problems: list[Problem]) -> None:
        """Keep the columns of `facts` (a file's records) and its `problems` under `name`, its record-cache entry's."""
        if self.store.folder is not None:
            from factdeck.engine.record_cache import dump_problems

            self.store.save_made(name, lambda: (tuple(columns_of(facts)), dump_problems(problems)))

    def trim(self) -> None:
        self.store.trim()


def _restore_problems(entry: Any, display: str) -> list[Problem] | None:
    from factdeck.engine.record_cache import restore_problems

    return restore_problems(entry, display) if type(entry) is list else None
