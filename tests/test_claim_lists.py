"""The claim lists (docs/claims/*.yaml) against the archived texts and the fact base, and docs/coverage.md
against the lists: "no open gap" can only be said when every claim is covered or excused."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from claim_lists import REPO, REPORT, ClaimList, Part, load_all, problems_against_text, report

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
        data = (seeds / item.archive).read_bytes()
        if item.archive_sha256 and hashlib.sha256(data).hexdigest() != item.archive_sha256:
            problems.append(
                f"{item.archive}: not the text the list was made from (its SHA-256 differs from sources.yaml)"
            )
            continue
        problems += problems_against_text(item, data.decode("utf-8"))
    assert not problems, "\n".join(problems)


def test_a_line_left_off_a_list_is_reported(tmp_path: Path) -> None:
    """The completeness check itself: a paragraph or footnote no part reaches, a part starting at no line or at
    two, and parts out of order are each named."""
    item = ClaimList(
        tmp_path / "x.yaml",
        "x",
        "x.txt",
        "X",
        [Part("Title", "Title", "title", [], "no claim"), Part("2. ^", "2. ^", "footnote 2", [], "no quote")],
    )
    text = "Title\n\nFirst paragraph.\n  1. ^ A book.\n  2. ^ Another\u00a0book.\n"
    problems = problems_against_text(item, text)
    assert any("'First paragraph.'" in problem for problem in problems)
    assert any("'1. ^ A book.'" in problem for problem in problems)
    assert not any("Another" in problem for problem in problems)
    item.parts.append(Part("Nowhere", "Nowhere", "missing", [], "none"))
    assert any("'missing' must start" in problem for problem in problems_against_text(item, text))
    item.parts[:] = [item.parts[1], item.parts[0]]
    assert any("out of the text's order" in problem for problem in problems_against_text(item, text))


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
