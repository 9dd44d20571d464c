"""What a reviewer vetted: a fingerprint of a fact's content, recorded when it is vetted (`vetted_hash`).

A fact edited after it was vetted would otherwise reach learners unreviewed. `factdeck vet` records the
fingerprint of the content it vets; `factdeck check` compares it with the content now and flags a difference
(a warning naming the fact; an error under --strict) until the fact is vetted again. Until then the fact is
held back exactly as a fact under review (`hold_back_changed`): no output includes it, and `factdeck release`
refuses while a deck would select it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from factdeck.records.fact_columns import FactParts, FileFacts
from factdeck.records.schema import Fact

CHANGED = "changed since it was vetted"
# What vetting records about itself, and the editors' notes (never shown to learners): not vetted content.
_NOT_CONTENT = {"status", "vetted", "reviewer", "vetted_hash", "notes"}
FINGERPRINT_DIGITS = 16  # hex digits of SHA-256 kept: 64 bits tell an edit from none


def fingerprint(fact: Fact) -> str:
    """A fingerprint of everything a learner may see of `fact`: every field as validated (so `date: 1979` and
    `date: "1979"` are the same content) except the status, the vetting record and the notes. Fields left at
    their defaults are left out, so a new optional key in a later factdeck changes no fingerprint.
    Returns FINGERPRINT_DIGITS lower-case hex digits (a SHA-256 prefix)."""
    content = fact.model_dump(mode="json", exclude=_NOT_CONTENT, exclude_defaults=True)
    # A citation's selector only anchors its quote in the archive (records/locators.py): not what learners see.
    for citation in [*content.get("citations", ()), *_version_citations(content)]:
        citation.pop("selector", None)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_DIGITS]


def _version_citations(content: dict[str, Any]) -> list[dict[str, Any]]:
    versions = (content.get("dispute") or {}).get("versions", ())
    return [c for v in versions for c in v.get("citations", ())]


class ReviewNeed(NamedTuple):
    """Why a fact needs a reviewer: `reason` is one of 'not vetted', 'changed', 'no fingerprint'."""

    fact: Fact
    reason: str

    def describe(self) -> str:
        fact = self.fact
        if self.reason == "changed":
            return f"{CHANGED} on {fact.vetted} by {fact.reviewer or 'an unnamed reviewer'}"
        if self.reason == "no fingerprint":
            return f"vetted on {fact.vetted} without a fingerprint of what was vetted"
        return f"status is {fact.status}"


def review_need(fact: Fact) -> ReviewNeed | None:
    """Whether `fact` needs vetting (again), and why; None for a vetted, unchanged fact or a retracted one."""
    if fact.status == "retracted":
        return None
    if fact.status == "review" and fact.vetted and fact.vetted_hash not in (None, fingerprint(fact)):
        return ReviewNeed(fact, "changed")  # held back by `hold_back_changed`, or put back under review after an edit
    if fact.status != "vetted":
        return ReviewNeed(fact, "not vetted")
    if fact.vetted_hash is None:
        return ReviewNeed(fact, "no fingerprint")
    if fact.vetted_hash != fingerprint(fact):
        return ReviewNeed(fact, "changed")
    return None


def hold_back_changed_parts(facts: FactParts, flagged: set[tuple[str, int]]) -> tuple[FactParts, dict[str, Fact]]:
    """`hold_back_changed` of every fact, part by part: a file taken back from its kept columns none of whose facts was
    warned about (`flagged`: (file, line) places) is kept as it is, its records not made (a fact edited without being
    vetted again held every file's records to be made)."""
    files = {file for file, _ in flagged}
    parts: list[Sequence[Fact]] = []
    held: dict[str, Fact] = {}
    for part in facts.parts:
        if isinstance(part, FileFacts) and part.file not in files:
            parts.append(part)
            continue
        kept, part_held = hold_back_changed(list(part), flagged)
        parts.append(kept)
        held.update(part_held)
    return FactParts(parts), held


def hold_back_changed(facts: list[Fact], flagged: set[tuple[str, int]]) -> tuple[list[Fact], dict[str, Fact]]:
    """`facts` with each vetted fact whose content changed since it was vetted replaced by a copy with status
    `review` (so every output leaves it out, as any fact under review), and those facts as they are, by id.
    `flagged`: the (file, line) of the facts validation warned about (only those are fingerprinted again)."""
    held: dict[str, Fact] = {}
    if not flagged:  # nothing was warned about: no fact is looked at (most checks)
        return list(facts), held
    kept = []
    for fact in facts:
        if (fact.file, fact.line) in flagged and fact.status == "vetted":
            need = review_need(fact)
            if need is not None and need.reason == "changed":
                held[fact.id] = fact
                fact = fact.model_copy(update={"status": "review"})
        kept.append(fact)
    return kept, held
