"""The claim lists (docs/claims/*.yaml) against the archived texts and the fact base, and docs/coverage.md
against the lists: "no open gap" can only be said when every claim is covered or excused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from claim_lists import REPO, REPORT, ClaimList, load_all, report

# Every claim of these texts must be covered or excused (issue 31, "Done when"); the other texts' open
# claims would be listed in docs/coverage.md, but none is left open today either.
NO_OPEN_GAP = {"mko-controversy", "atalayar-glance", "gidss-half-century", "wiki-pmoi", "sepinoud-2013"}


def _seeds() -> Path | None:
    """The folder of archived texts: $FACTDECK_SEEDS, or `shared/seeds` beside the repository (or its parent,
    for a worktree); None when no copy is on this machine."""
    candidates = [os.environ.get("FACTDECK_SEEDS", "")]
    candidates += [str(REPO.parent / "shared" / "seeds"), str(REPO.parent.parent / "shared" / "seeds")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "README.md").is_file():
            return Path(candidate)
    return None


def _plain(text: str) -> str:
    """A line with its no-break spaces made plain and runs of spaces made one (the mirrored texts mix them)."""
    return " ".join(text.replace("\xa0", " ").split())


def _lines_starting(lines: list[str], wanted: list[int], words: str) -> list[int]:
    """The lines equal to `words` if there are any (a pull quote repeats the start of a paragraph), else those
    starting with them."""
    exact = [n for n in wanted if lines[n] == words]
    return exact or [n for n in wanted if lines[n].startswith(words)]


@pytest.fixture(scope="module")
def lists() -> list[ClaimList]:
    return load_all()


def _facts() -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {}
    for path in sorted((REPO / "facts").glob("*.yaml")):
        if path.name in {"sources.yaml", "eras.yaml", "glossary.yaml"}:
            continue
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            facts[record["id"]] = record
    return facts


def _cited_sources(fact: dict[str, Any]) -> set[str]:
    citations = list(fact.get("citations") or [])
    for version in (fact.get("dispute") or {}).get("versions") or []:
        citations += version.get("citations") or []
    return {citation["source"] for citation in citations}


def test_one_list_per_source(lists: list[ClaimList]) -> None:
    sources = yaml.safe_load((REPO / "facts" / "sources.yaml").read_text(encoding="utf-8"))
    assert sorted(item.source for item in lists) == sorted(entry["id"] for entry in sources)


def test_every_line_of_every_text_is_on_its_list(lists: list[ClaimList]) -> None:
    seeds = _seeds()
    if seeds is None:
        pytest.skip("no copy of the archived texts (set FACTDECK_SEEDS to the seeds folder)")
    problems = []
    for item in lists:
        lines = [_plain(line) for line in (seeds / item.archive).read_text(encoding="utf-8").splitlines()]
        wanted = [number for number, line in enumerate(lines) if line]
        covered: list[int] = []
        for part in item.parts:
            starts = _lines_starting(lines, wanted, _plain(part.at))
            ends = _lines_starting(lines, wanted, _plain(part.through))
            if len(starts) != 1 or len(ends) != 1:
                problems.append(f"{item.path.name}: part {part.where!r} must start (and end) at exactly one line")
                continue
            if ends[0] < starts[0]:
                problems.append(f"{item.path.name}: part {part.where!r} ends before it starts")
                continue
            covered += [n for n in wanted if starts[0] <= n <= ends[0]]
        if covered != sorted(covered) or len(covered) != len(set(covered)):
            problems.append(f"{item.path.name}: parts overlap or are out of the text's order")
        missing = [lines[n][:60] for n in wanted if n not in set(covered)]
        problems += [f"{item.path.name}: line not on the list: {line!r}" for line in missing]
    assert not problems, "\n".join(problems)


def test_every_covering_fact_is_vetted_and_cites_the_text(lists: list[ClaimList]) -> None:
    facts = _facts()
    problems = []
    for item in lists:
        for claim in item.claims:
            for fact_id in claim.covered:
                fact = facts.get(fact_id)
                if fact is None:
                    problems.append(f"{item.path.name}: {claim.where}: no fact {fact_id!r}")
                elif fact.get("status") != "vetted":
                    problems.append(f"{item.path.name}: {claim.where}: {fact_id} is {fact.get('status')}, not vetted")
                elif item.source not in _cited_sources(fact):
                    problems.append(f"{item.path.name}: {claim.where}: {fact_id} does not cite {item.source}")
    assert not problems, "\n".join(problems)


def test_no_open_gap_where_none_is_allowed(lists: list[ClaimList]) -> None:
    open_claims = [
        f"{item.path.name}: {claim.where}: {claim.text}"
        for item in lists
        if item.source in NO_OPEN_GAP
        for claim in item.claims
        if claim.state == "open"
    ]
    assert not open_claims, "open claims:\n" + "\n".join(open_claims)


def test_coverage_page_is_what_the_lists_give(lists: list[ClaimList]) -> None:
    expected = report(lists)
    assert REPORT.read_text(encoding="utf-8") == expected, (
        "docs/coverage.md differs from docs/claims/*.yaml: run `python tests/claim_lists.py --write`"
    )


def test_report_says_open_gaps_when_there_are() -> None:
    """The page never says "none" while a claim is open (a fresh copy of the lists, one claim reopened)."""
    lists = load_all()
    claim = next(item for item in lists if item.claims).claims[0]
    claim.covered, claim.excused = [], ""
    text = report(lists)
    assert "## Open gaps" in text and "None: every claim" not in text and "**open**" in text
