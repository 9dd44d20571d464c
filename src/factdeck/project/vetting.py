"""The vetting workflow: which facts need a reviewer (`factdeck review`), and marking them vetted (`factdeck vet`).

`vet` writes `status: vetted`, the day, the reviewer and the fingerprint of the content vetted
(records/vetting.py) into the fact's own file, keeping the file's comments and layout (yaml_edit.py).
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections import defaultdict
from typing import Any

from factdeck.exceptions import UsageError
from factdeck.project.yaml_edit import set_in_list_file
from factdeck.records.factbase import FactBase
from factdeck.records.fields import SLUG
from factdeck.records.load import Document, load_document
from factdeck.records.schema import Fact
from factdeck.records.vetting import ReviewNeed, fingerprint, review_need

# Where new keys go in a fact's mapping: after the status (then in this order).
VETTING_KEYS_AFTER = ("status", "vetted", "reviewer")


def vetted_values(fact: Fact, reviewer: str, day: _dt.date) -> dict[str, Any]:
    """The keys that mark `fact` vetted on `day` by `reviewer`, with the fingerprint of its content."""
    # A date object of its own per fact: ruamel.yaml writes one object met twice as an anchor and an alias.
    day = _dt.date(day.year, day.month, day.day)
    return {"status": "vetted", "vetted": day, "reviewer": reviewer, "vetted_hash": fingerprint(fact)}


def needing_review(base: FactBase) -> list[ReviewNeed]:
    """Every fact that is not vetted (drafts, facts under review) or whose content changed since it was vetted,
    in file order; retracted facts are left out."""
    return [need for fact in base.facts if (need := review_need(fact)) is not None]


def batch(base: FactBase, ids: list[str], file: str | None, era: str | None, listed: bool) -> list[str]:
    """The ids to vet: `ids`, then every fact (not retracted) of `file` (a path relative to the project), of
    `era`, and, with `listed`, every fact `factdeck review` lists; in file order, each once. Raises
    `UsageError` for an unknown file or era, or for nothing to vet."""
    chosen = list(ids)
    live = [f for f in base.facts if f.status != "retracted"]
    if file is not None:
        name = file.replace("\\", "/").removeprefix("./")
        if not any(f.file == name for f in base.facts):
            files = sorted({f.file for f in base.facts})
            raise UsageError(f"no facts in '{file}' (fact files: {', '.join(files)})")
        chosen += [f.id for f in live if f.file == name]
    if era is not None:
        era_ids = [e.id for e in base.eras]
        if era not in era_ids:
            raise UsageError(f"unknown era '{era}' (eras: {', '.join(era_ids)})")
        chosen += [f.id for f in live if f.era == era]
    if listed:
        chosen += [need.fact.id for need in needing_review(base)]
    if not chosen:
        raise UsageError("nothing to vet: give fact ids, --file FILE, --era ERA or --review")
    return list(dict.fromkeys(chosen))


def _facts(base: FactBase, ids: list[str]) -> list[Fact]:
    facts = []
    for fact_id in dict.fromkeys(ids):
        fact = base.facts_by_id.get(fact_id)
        if fact is None:
            close = difflib.get_close_matches(fact_id, list(base.facts_by_id), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else " (`factdeck review` lists the facts to vet)"
            raise UsageError(f"no fact with id '{fact_id}'{hint}")
        if fact.status == "retracted":
            raise UsageError(f"fact '{fact_id}' is retracted: set its status to review first if it should return")
        facts.append(fact)
    return facts


def vet(
    base: FactBase, ids: list[str], reviewer: str, today: _dt.date | None = None, keep_record: bool = False
) -> list[Fact]:
    """Mark the facts `ids` vetted today by `reviewer` (a role or handle), with the fingerprint of their
    content, in their files. With `keep_record`, facts already vetted keep their vetted date and reviewer and
    only gain the fingerprint (for facts vetted before fingerprints existed; `reviewer` is then unused).
    Returns the facts vetted. Raises `UsageError` (an unknown or retracted fact, a reviewer that is not a
    role or handle, `keep_record` on a fact not vetted) or `InputError` (a file that cannot be edited)."""
    facts = _facts(base, ids)
    if not keep_record and not SLUG.match(reviewer):
        raise UsageError(
            f"reviewer '{reviewer}' is not a role or handle: use lower-case letters, digits and hyphens (e.g. fact-editor)"
        )
    day = today or _dt.date.today()
    by_file: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    documents: dict[str, Document] = {}
    for fact in facts:
        if keep_record:
            if fact.status != "vetted":
                raise UsageError(f"fact '{fact.id}' is not vetted yet: vet it with --reviewer ROLE")
            values: dict[str, Any] = {"vetted_hash": fingerprint(fact)}
        else:
            values = vetted_values(fact, reviewer, day)
        by_file[fact.file][_index(base, fact, documents)] = values
    for display, changes in by_file.items():
        set_in_list_file(base.root / display, display, changes, VETTING_KEYS_AFTER)
    return facts


def _index(base: FactBase, fact: Fact, documents: dict[str, Document]) -> int:
    """The position of `fact` in its file's list (found by its id and line in the file as loaded)."""
    document = documents.get(fact.file)
    if document is None:
        document = documents[fact.file] = load_document(base.root / fact.file, fact.file)
    for i, item in enumerate(document.data if isinstance(document.data, list) else []):
        if isinstance(item, dict) and item.get("id") == fact.id and document.line(i) == fact.line:
            return i
    raise UsageError(f"{fact.file}: changed while factdeck read it; run the command again")
