"""What a re-import will bring: vetted facts added, changed and withdrawn since an earlier state.

The earlier state is either a git revision of `facts/` or the JSON export
that the last `factdeck build` left in the output folder. Only what a learner
sees counts as a change; editors' notes and vetting metadata do not.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from factdeck.exceptions import FactdeckError, InputError
from factdeck.records.factbase import FactBase
from factdeck.records.identity import WITHDRAWN_SEARCH
from factdeck.records.load import SPECIAL_FACT_FOLDER_FILES, parse_document
from factdeck.records.schema import Fact

# The fields that reach cards and worksheets.
VISIBLE = ("kind", "era", "date", "tags", "question", "answer", "statement", "attribution", "citations", "dispute")
SPECIAL_FILES = set(SPECIAL_FACT_FOLDER_FILES)


@dataclass
class Change:
    fact_id: str
    what: str  # "added", "changed" or "withdrawn"
    detail: str  # the question, the changed fields, or the new status


@dataclass
class Changes:
    since: str
    items: list[Change] = field(default_factory=list)

    def of(self, what: str) -> list[Change]:
        return [c for c in self.items if c.what == what]


def _visible(record: dict[str, Any]) -> dict[str, Any]:
    """A fact's learner-visible fields in canonical form (validated where the record allows it)."""
    with contextlib.suppress(pydantic.ValidationError):  # an old record that no longer validates: as written
        record = Fact.model_validate(record).model_dump(mode="json")
    return {key: record.get(key) for key in VISIBLE}


def _facts_at_revision(root: Path, revision: str) -> dict[str, dict[str, Any]]:
    def git(*args: str) -> str:
        try:
            proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise FactdeckError("git is not installed") from None
        if proc.returncode != 0:
            message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "git failed"
            raise FactdeckError(f"cannot read facts/ at revision '{revision}': {message}")
        return proc.stdout

    facts: dict[str, dict[str, Any]] = {}
    prefix = git("rev-parse", "--show-prefix").strip()
    for name in git("ls-tree", "-r", "--name-only", revision, "--", "facts/").splitlines():
        relative = name[len(prefix) :] if prefix and name.startswith(prefix) else name
        if not relative.endswith((".yaml", ".yml")) or Path(relative).name in SPECIAL_FILES:
            continue
        display = f"{relative}@{revision}"
        try:
            data = parse_document(git("show", f"{revision}:{name}"), root / relative, display).data
        except InputError:
            continue  # a file that did not parse then contributed no facts
        for record in data if isinstance(data, list) else []:
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                facts[record["id"]] = record
    return facts


def _facts_in_export(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        raise FactdeckError(f"{path}: no previous build to compare with (run `factdeck build`, or give --since REV)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {f["id"]: f for f in data["facts"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise FactdeckError(f"{path}: not a factdeck JSON export (delete it, or give --since REV)") from exc


def compare(base: FactBase, before: dict[str, dict[str, Any]], since: str) -> Changes:
    changes = Changes(since)
    now = {f.id: f for f in base.facts}
    for fact in base.facts:
        old = before.get(fact.id)
        was_vetted = old is not None and old.get("status") == "vetted"
        if fact.status != "vetted":
            if was_vetted:
                changes.items.append(Change(fact.id, "withdrawn", fact.status))
            continue
        if not was_vetted:
            changes.items.append(Change(fact.id, "added", fact.question))
            continue
        assert old is not None  # was_vetted
        old_fields, new_fields = _visible(old), _visible(fact.model_dump(mode="json"))
        differing = [key for key in VISIBLE if old_fields[key] != new_fields[key]]
        if differing:
            changes.items.append(Change(fact.id, "changed", ", ".join(differing)))
    for fact_id, old in before.items():
        if fact_id not in now and old.get("status") == "vetted":
            changes.items.append(Change(fact_id, "withdrawn", "deleted"))
    return changes


def changes_since(base: FactBase, revision: str | None, export: Path) -> Changes:
    """The vetted facts added, changed and withdrawn since `revision` of facts/ (git), or, when it is None,
    since the JSON export `export` of the last build. Raises `FactdeckError` when git is missing or cannot
    read the revision, or when there is no usable previous export."""
    if revision is not None:
        return compare(base, _facts_at_revision(base.root, revision), revision)
    return compare(base, _facts_in_export(export), "the last build")


def anki_searches(changes: Changes, note_type: str = "factdeck: fact card", legacy: bool = True) -> list[str]:
    """Lines for the learner, about what an import of the new packages cannot do by itself (docs/anki.md):

    - the Anki searches for every withdrawn note (a package tags each `factdeck::withdrawn`) and for the notes
      of the facts withdrawn since `changes`' start (by the FactId field);
    - the notes of changed facts that Anki's importer keeps as they are because the learner's copy is newer
      (marked, tagged leech, or edited since the learner's last import: Anki updates a note only if the
      package's copy is newer), and the one import that applies the correction to them;
    - with `legacy` (a project whose note types were published before they had spare fields: the shipped
      namespace's), how to recognise a collection from before the spare fields (`note_type` is the card note
      type's name) and the one-time import that fixes it.
    """
    lines = [f"in Anki, every withdrawn note: {WITHDRAWN_SEARCH}"]
    withdrawn = [c.fact_id for c in changes.of("withdrawn")]
    if withdrawn:
        lines.append(
            "in Anki, the notes of the facts withdrawn here: " + " OR ".join(f'"FactId:{f}"' for f in withdrawn)
        )
    changed = [c.fact_id for c in changes.of("changed")]
    if changed:
        facts = " OR ".join(f'"FactId:{f}"' for f in changed)
        lines.append(
            f"in Anki, changed notes you marked, edited or that became leeches since your last import may keep "
            f"their old text: ({facts}) (tag:marked OR tag:leech), and any of them you edited; if one lacks the "
            "correction, import the corrections package (else the package) once with 'Update notes: Always' "
            "(docs/anki.md)"
        )
    if legacy:
        lines.append(
            f"in Anki, a collection from before the spare fields shows '{note_type}+' and 'conflicting' notes: "
            "import once with 'Merge note types' and 'Update notes: Always' (docs/anki.md)"
        )
    return lines
