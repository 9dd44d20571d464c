"""The claim lists of the five source texts (docs/claims/*.yaml) and the coverage report made from them.

A claim list walks one archived text from its first line to its last in `parts`. Each part names the
line it starts at (`at`, the first words of the line) and, when it runs over several lines, the line it
ends at (`through`); `where` is the locator in the style the facts use (facts/README.md, "Citing").
A part holds either `claims` or, when it has nothing a learner could be asked about (a bibliography
line, page furniture, a heading), `excused` with the reason. Each claim has a `holder` (whose claim it
is: the text itself, or the work or person it reports) and one of

- `covered`: the ids of the facts that hold it (each must be vetted and cite this text);
- `excused`: why no fact holds it (repeated elsewhere, no checkable content, a slip the texts do not
  support, ...);
- neither: an open gap, listed as such in docs/coverage.md.

docs/coverage.md is written from the lists by this module, so that "no open gap" is said only when it
is true: `python tests/claim_lists.py --write` rewrites it, and tests/test_claim_lists.py fails when the
file differs from what the lists give.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
CLAIMS = REPO / "docs" / "claims"
REPORT = REPO / "docs" / "coverage.md"
SOURCES = REPO / "facts" / "sources.yaml"


@dataclass
class Claim:
    """One checkable claim: its words, whose it is, where it stands, and what became of it."""

    text: str
    holder: str
    where: str
    covered: list[str] = field(default_factory=list)
    excused: str = ""

    @property
    def state(self) -> str:
        """'covered', 'excused' or 'open'."""
        if self.covered:
            return "covered"
        return "excused" if self.excused else "open"


@dataclass
class Part:
    """A run of lines of the archived text, from the line starting with `at` through the one starting with `through`."""

    at: str
    through: str
    where: str
    claims: list[Claim]
    excused: str


@dataclass
class ClaimList:
    """The claim list of one source text (a `docs/claims/*.yaml` file)."""

    path: Path
    source: str
    archive: str
    short_name: str
    parts: list[Part]
    archive_sha256: str = ""

    @property
    def claims(self) -> list[Claim]:
        return [claim for part in self.parts for claim in part.claims]


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: `{key}` must be a non-empty text")
    return value.strip()


def load(path: Path, sources: dict[str, dict[str, Any]]) -> ClaimList:
    """Read one claim list. Raises ValueError naming the file and part for a malformed entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    name = path.name
    source = _text(data.get("source"), name, "source")
    if source not in sources:
        raise ValueError(f"{name}: source {source!r} is not in facts/sources.yaml")
    parts = []
    for number, raw in enumerate(data.get("parts") or [], start=1):
        here = f"{name}, part {number}"
        at = _text(raw.get("at"), here, "at")
        where = _text(raw.get("where"), here, "where")
        claims = []
        for index, item in enumerate(raw.get("claims") or [], start=1):
            spot = f"{here}, claim {index}"
            covered = item.get("covered") or []
            if isinstance(covered, str):
                covered = [covered]
            excused = item.get("excused") or ""
            if covered and excused:
                raise ValueError(f"{spot}: a claim is either `covered` or `excused`, not both")
            claims.append(
                Claim(
                    text=_text(item.get("claim"), spot, "claim"),
                    holder=_text(item.get("holder"), spot, "holder"),
                    where=str(item.get("where") or where).strip(),
                    covered=[str(fact) for fact in covered],
                    excused=str(excused).strip(),
                )
            )
        excused = str(raw.get("excused") or "").strip()
        if bool(claims) == bool(excused):
            raise ValueError(f"{here}: a part has either `claims` or `excused` (why it holds no claim)")
        parts.append(Part(at, str(raw.get("through") or at).strip(), where, claims, excused))
    info = sources[source]
    return ClaimList(
        path, source, str(info["archive"]), str(info["short_name"]), parts, str(info.get("archive_sha256") or "")
    )


def load_all() -> list[ClaimList]:
    """Every claim list, in the order of the archived texts' file names."""
    sources = {entry["id"]: entry for entry in yaml.safe_load(SOURCES.read_text(encoding="utf-8"))}
    lists = [load(path, sources) for path in sorted(CLAIMS.glob("*.yaml"))]
    return sorted(lists, key=lambda item: item.archive)


def _plain(text: str) -> str:
    """A line with its no-break spaces made plain and runs of spaces made one (the mirrored texts mix them)."""
    return " ".join(text.replace("\xa0", " ").split())


def _lines_starting(lines: list[str], wanted: list[int], words: str) -> list[int]:
    """The lines equal to `words` if there are any (a pull quote repeats the start of a paragraph), else those
    starting with them."""
    exact = [n for n in wanted if lines[n] == words]
    return exact or [n for n in wanted if lines[n].startswith(words)]


def problems_against_text(item: ClaimList, text: str) -> list[str]:
    """What keeps the list from walking the archived `text` whole: a part that starts (or ends) at no line or at
    several, parts overlapping or out of order, and every non-blank line that no part reaches. One message per
    problem, naming the list file; empty when the list is complete."""
    lines = [_plain(line) for line in text.splitlines()]
    wanted = [number for number, line in enumerate(lines) if line]
    problems, covered = [], []
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
    reached = set(covered)
    problems += [f"{item.path.name}: line not on the list: {lines[n][:60]!r}" for n in wanted if n not in reached]
    return problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(lists: list[ClaimList]) -> str:
    """The text of docs/coverage.md for these claim lists."""
    lines = [
        "# Coverage of the five texts",
        "",
        "<!-- Written by `python tests/claim_lists.py --write` from docs/claims/*.yaml; do not edit by hand."
        " tests/test_claim_lists.py fails when this file and the lists differ. -->",
        "",
        "Every checkable claim of the five source texts (`../shared/seeds`), read part by part (lead, body,",
        "infobox, captions, footnotes that quote their source, appendix), with whose claim it is, where it",
        "stands, and what became of it: **covered** by the named facts, **excused** with the reason no fact",
        "holds it, or **open** (no fact yet). The lists are `docs/claims/*.yaml`; a test checks that every",
        "line of each archived text belongs to a part of its list, that every fact named exists, is vetted",
        "and cites that text, and that this page is what the lists give. Texts are named by their",
        "`short_name` (facts/sources.yaml).",
        "",
        "| text | archive | claims | covered | excused | open |",
        "|---|---|---|---|---|---|",
    ]
    for item in lists:
        states = [claim.state for claim in item.claims]
        lines.append(
            f"| {item.short_name} | `{item.archive}` | {len(states)} | {states.count('covered')} "
            f"| {states.count('excused')} | {states.count('open')} |"
        )
    open_claims = [(item, claim) for item in lists for claim in item.claims if claim.state == "open"]
    lines += ["", "## Open gaps", ""]
    if open_claims:
        lines += ["| text | where | claim | holder |", "|---|---|---|---|"]
        lines += [
            f"| {item.short_name} | {_cell(claim.where)} | {_cell(claim.text)} | {_cell(claim.holder)} |"
            for item, claim in open_claims
        ]
    else:
        lines.append("None: every claim on the lists is covered by a fact or excused with a reason below.")
    for item in lists:
        lines += ["", f"## {item.short_name} (`{item.archive}`)", ""]
        lines += ["| where | claim | holder | covered by, or why not |", "|---|---|---|---|"]
        for part in item.parts:
            if part.excused:
                lines.append(f"| {_cell(part.where)} | (no claim) | | {_cell(part.excused)} |")
                continue
            for claim in part.claims:
                if claim.covered:
                    outcome = ", ".join(f"`{fact}`" for fact in claim.covered)
                elif claim.excused:
                    outcome = "excused: " + claim.excused
                else:
                    outcome = "**open**"
                cells = [claim.where, claim.text, claim.holder, outcome]
                lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = report(load_all())
    if "--write" in argv:
        REPORT.write_text(text, encoding="utf-8")
        print(f"wrote {REPORT.relative_to(REPO)}")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
