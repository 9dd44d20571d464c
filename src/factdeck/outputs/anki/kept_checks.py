"""What `factdeck check`'s Anki checks found, kept under a hash of everything they read, so that a check of an
unchanged project neither compares every note with the release records nor looks for duplicate fronts again.

Both checks (release.py's `release_problems`, checks.py's `anki_warnings`) are functions of: factdeck's code
and what every card may show (engine/incremental.py's `shared_key` for the Anki step: factdeck.yaml, every
source, era and glossary entry, translations, catalogs, `templates/anki/`), every fact's record (each fact
file's record-cache key, `FactBase.file_keys`, and each fact's id, file and status: a fact changed since it was
vetted is held back), every deck's spec, the release records' texts (their SHA-256, read by validation), and
SOURCE_DATE_EPOCH (which the comparison refuses if it is not whole seconds).
The key hashes all of these; a change to any one of them is a miss, and the checks run as before (the release
comparison then reads each unchanged fact's note keys from note_keys.py's cache). A base validated without
the engine's caches, or a fact without a file key, is never kept. Entries live beside the record cache
(`…/factdeck/checks`); an unreadable one is a miss.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from factdeck.engine.incremental import code_fingerprint, shared_key
from factdeck.engine.parse_cache import ContentStore, cache_folder
from factdeck.exceptions import Problem
from factdeck.outputs.fact_files import file_groups
from factdeck.records.by_file import files_of
from factdeck.records.factbase import FactBase
from factdeck.records.schema import Fact

FOLDER = "checks"
_SEVERITIES = ("error", "warning")


def inputs_key(base: FactBase) -> str | None:
    """The hash of everything the Anki checks read (see the module's doc), or None if it cannot be known."""
    keys = base.file_keys
    if not keys or base.published is None:
        return None
    facts = _facts_part(base)
    if facts is None:
        return None
    digest = hashlib.sha256(shared_key(base, base.root, "apkg").encode())
    for display, key in sorted(keys.items()):
        digest.update(f"\0file\0{display}\0{key}".encode("utf-8", "surrogatepass"))
    digest.update(facts.encode("utf-8", "surrogatepass"))
    for deck in base.decks:
        digest.update(f"\0deck\0{deck.model_dump_json()}".encode("utf-8", "surrogatepass"))
    for name, record in sorted(base.published.items()):
        digest.update(f"\0published\0{name}\0{record.file}\0{record.digest}".encode("utf-8", "surrogatepass"))
    # The comparison refuses a SOURCE_DATE_EPOCH that is not whole seconds: a kept answer must not hide that.
    digest.update(f"\0epoch\0{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _facts_part(base: FactBase) -> str | None:
    """What the key holds of every fact's id, file and status, in the base's order; None if a fact's file has no
    record-cache key. A file whose facts are its records as kept (outputs/fact_files.py: not held back) stands for
    them by its key, which stands for its name and records (each fact's id and status is its record's): a check
    after an edit reads no unchanged file's records here. The others' facts are listed one by one."""
    keys = base.file_keys
    groups = file_groups(base)
    if groups is None:
        files = list(files_of(base.facts))  # each fact's file, read in C
        if not keys.keys() >= set(files):
            return None
        return _listed(base.facts, files)
    parts = ["\0groups\0"]
    for group in groups:
        if group.key is not None:
            parts.append(f"\0kept\0{group.key}")
            continue
        files = list(files_of(group.facts))
        if not keys.keys() >= set(files):
            return None
        parts.append(_listed(group.facts, files))
    return "".join(parts)


def _listed(facts: Sequence[Fact], files: list[str]) -> str:
    """Each of `facts`' id, file (`files`, in order) and status, a line each after a mark, made in loops in C."""
    listed = zip(map(attrgetter("id"), facts), files, map(attrgetter("status"), facts))
    return "\0facts\0" + "\n".join(map("\0".join, listed))


class KeptChecks:
    """The Anki checks' findings for one base, by check name (see the module's doc)."""

    def __init__(self, base: FactBase):
        self.key = inputs_key(base)
        folder = cache_folder(FOLDER) if self.key is not None else None
        self.store = ContentStore(folder, code_fingerprint(), FOLDER)

    def _load(self, name: str) -> Any:
        return self.store.load(f"{name}\0{self.key}") if self.key is not None else None

    def _save(self, name: str, value: Any) -> None:
        if self.key is not None:
            self.store.save(f"{name}\0{self.key}", value)
            self.store.trim()

    def release_problems(self) -> tuple[list[str], list[str]] | None:
        """The kept (errors, warnings) of the release comparison, or None."""
        kept = self._load("release")
        if type(kept) is not tuple or len(kept) != 2:
            return None
        errors, warnings = kept
        if not all(type(part) is list and all(type(m) is str for m in part) for part in kept):
            return None
        return list(errors), list(warnings)

    def keep_release_problems(self, found: tuple[list[str], list[str]]) -> None:
        self._save("release", (list(found[0]), list(found[1])))

    def anki_warnings(self) -> list[Problem] | None:
        """The kept duplicate-front warnings, or None."""
        kept = self._load("fronts")
        if type(kept) is not list:
            return None
        problems = []
        for entry in kept:
            if type(entry) is not tuple or len(entry) != 4:
                return None
            path, line, message, severity = entry
            if type(path) is not str or type(line) is not int or type(message) is not str:
                return None
            if severity not in _SEVERITIES:
                return None
            problems.append(Problem(path, line, message, severity))
        return problems

    def keep_anki_warnings(self, found: list[Problem]) -> None:
        self._save("fronts", [(p.path, p.line, p.message, p.severity) for p in found])
