"""Game exports (Kahoot!, Blooket, Gimkit, Wayground): questions chosen for the platform from every fact.

Each file is read back (openpyxl; Python's csv) and every row checked against the fact records themselves:
its right answer is the fact's, a true/false row is true exactly when it states the fact, a dispute is
asked once per version and never from one side only, and every text is within the platform's limits.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, Project, sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.exports.csv_cells import original
from factdeck.outputs.exports.games import according_stems, claimant_forms, sentence_stem
from factdeck.records.schema import Fact
from factdeck.text.compare import core

LONG_CLAIMANT = (
    "the Rival Society pamphlet (section 'The Flood', its long passage on the losses of 1927), "
    "paragraph beginning 'No fewer than forty'"
)


def norm(text: object) -> str:
    return " ".join(str(text).split())


@pytest.fixture(scope="module")
def game_project(tmp_path_factory) -> Project:
    project = sample_project(tmp_path_factory.mktemp("games") / "proj", more_facts=True)
    project.replace("facts/guild.yaml", 'claimed_by: "the Rival Society pamphlet"', f'claimed_by: "{LONG_CLAIMANT}"')
    return project


@pytest.fixture(scope="module")
def facts(game_project: Project) -> list[Fact]:
    return [f for f in load_and_validate(game_project.root).facts if f.status == "vetted"]


def run_export(project: Project, platform: str, *extra: str, deck: str = "guild-history") -> tuple[Path, str]:
    suffix = "xlsx" if platform in ("kahoot", "wayground") else "csv"
    out = project.root.parent / f"{deck}-{platform}{'-'.join(extra)}.{suffix}"
    result = project.run("export", platform, deck, "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out, result.stderr


def kahoot_rows(path: Path) -> list[tuple[str, list[str], int]]:
    ws = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=9) if any(c.value for c in row)]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert all(r[6] in (5, 10, 20, 30, 60, 90, 120, 240) for r in rows)
    return [(r[1], [o for o in r[2:6] if o], int(r[7]) - 1) for r in rows]


def csv_rows(path: Path) -> list[list[str]]:
    return [[original(c) for c in row] for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))]


def check_row(prompt: str, options: list[str], correct: int, facts: list[Fact]) -> Fact:
    """The fact a game row asks, after checking that its right answer is that fact's (raises otherwise)."""
    answer = options[correct]
    if options == ["True", "False"]:
        stated = [f for f in facts if norm(f.statement) == prompt]
        false = [f for f in facts if prompt in map(norm, f.false_statements)]
        assert stated or false, prompt
        assert correct == (0 if stated else 1), prompt
        return (stated or false)[0]
    disputed = [f for f in facts if f.dispute and sorted(v.answer for v in f.dispute.versions) == sorted(options)]
    if disputed:
        fact = disputed[0]
        assert fact.dispute is not None
        version = next(v for v in fact.dispute.versions if v.answer == answer)
        others = [v for v in fact.dispute.versions if v is not version]
        # The row names the claimant of the right answer (in full or shortened), not another's.
        named = re.split(r"[(,;]", version.claimed_by)[0].strip().removeprefix("the ").lower()
        assert named in prompt.lower(), (prompt, version.claimed_by)
        assert not any(re.split(r"[(,;]", v.claimed_by)[0].strip() in prompt for v in others)
        return fact
    asked = [
        f
        for f in facts
        if norm(f.question) == prompt or ("_____" in prompt and norm(f.statement) == prompt.replace("_____", answer))
    ]
    assert asked, prompt
    assert answer.casefold() in norm(asked[0].answer).casefold() or core(asked[0].answer) == answer, prompt
    assert len(set(options)) == len(options)
    return asked[0]


def test_kahoot_asks_the_facts_that_fit_within_its_limits(game_project: Project, facts: list[Fact]):
    out, stderr = run_export(game_project, "kahoot")
    rows = kahoot_rows(out)
    assert len(rows) >= 12  # a game, not the worksheet's handful
    asked: dict[str, int] = {}
    for prompt, options, correct in rows:
        assert len(prompt) <= 120 and all(len(o) <= 75 for o in options) and 2 <= len(options) <= 4
        fact = check_row(prompt, options, correct, facts)
        asked[fact.id] = asked.get(fact.id, 0) + 1
    # Every disputed fact the game asks, it asks once per version: never one side only.
    for fact in facts:
        if fact.dispute and fact.id in asked:
            assert asked[fact.id] == len(fact.dispute.versions)
    # The long claimant is shortened to fit; its locator is dropped, the pamphlet still named.
    assert any("the Rival Society pamphlet" in p and "paragraph beginning" not in p for p, _, _ in rows)
    assert re.search(r"\d+ of \d+ candidate facts fit Kahoot! \(\d+%\); \d+ questions written", stderr)
    assert f"kahoot: wrote {len(rows)} questions" in stderr


def test_kahoot_default_count_and_n(game_project: Project):
    out, stderr = run_export(game_project, "kahoot", "-n", "3")
    rows = kahoot_rows(out)
    assert 1 <= len(rows) <= 3
    assert re.search(r"\d+ more suitable facts? not asked: 3 questions asked for \(-n N for more\)", stderr)
    _, stderr = run_export(game_project, "kahoot", "-n", "200")
    assert "more suitable" not in stderr


def test_what_is_left_out_is_summed_up_with_why(game_project: Project, facts: list[Fact]):
    _, stderr = run_export(game_project, "blooket")
    lines = [line for line in stderr.splitlines() if line.startswith("left out")]
    named = {i for line in lines for i in re.search(r"\(([^)]*)\)$", line)[1].split(", ")}
    assert named and named <= {f.id for f in facts}
    assert all(re.match(r"left out \d+ facts?: .+ \(", line) for line in lines)
    # A fact that has neither distractors nor false statements nor a number to change is one of them.
    assert "guild-called-cartel" in named or "guild-dissolved" in named


@pytest.mark.parametrize("platform", ["blooket", "gimkit"])
def test_csv_games_keep_every_candidate_and_are_right(game_project: Project, facts: list[Fact], platform: str):
    out, stderr = run_export(game_project, platform)
    rows = csv_rows(out)
    assert rows[0][0] == ("Blooket Import Template" if platform == "blooket" else "Gimkit Spreadsheet Import Template")
    body = rows[2:]
    if platform == "blooket":
        assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))
        asked = [(r[1], [o for o in r[2:6] if o], int(r[7]) - 1) for r in body]
        assert all(0 < int(r[6]) <= 300 for r in body)
    else:
        asked = []
        for r in body:
            wrong = [x for x in r[2:] if x]
            options = [r[1], *wrong]
            # True/false: Gimkit's correct answer comes first; compare in True, False order.
            if sorted(options) == ["False", "True"]:
                asked.append((r[0], ["True", "False"], ["True", "False"].index(r[1])))
            else:
                asked.append((r[0], options, 0))
    for prompt, options, correct in asked:
        check_row(prompt, options, correct, facts)
    fit, candidates, percent = map(
        int, re.search(r"(\d+) of (\d+) candidate facts fit \w+ \((\d+)%\)", stderr).groups()
    )
    assert percent >= 90 and fit >= 0.9 * candidates


def test_wayground_asks_every_fact(game_project: Project, facts: list[Fact]):
    out, stderr = run_export(game_project, "wayground")
    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3) if any(c.value for c in row)]
    kinds = {r[1] for r in rows}
    assert kinds <= {"Multiple Choice", "Fill-in-the-Blank", "Open-Ended"}
    for r in rows:
        assert r[10]  # the explanation cites
        if r[1] == "Multiple Choice":
            options = [o for o in r[2:7] if o]
            check_row(r[0], options, int(r[7]) - 1, facts)
    assert re.search(r"(\d+) of \1 candidate facts fit Wayground \(100%\)", stderr)


def test_claimants_shorten_to_locators_dropped_then_the_cited_sources():
    forms = claimant_forms(
        "The GIDSS essay (Ebrahimi), paragraph beginning 'Since the organization's method'",
        ["the GIDSS essay (Ebrahimi)"],
        ["the GIDSS essay (Ebrahimi)"],
    )
    assert forms[0].startswith("The GIDSS essay (Ebrahimi), paragraph")
    assert "The GIDSS essay (Ebrahimi)" in forms  # the short name's own brackets kept
    assert claimant_forms("The NCRI, as reported by Atalayar", [], ["Atalayar"])[1:] == ["The NCRI", "Atalayar"]
    question = "What do the sources say about when the MEK moved to Albania?"
    stems = according_stems(question, "The NCRI, as reported by Atalayar", [], ["Atalayar"])
    assert stems[0] == "What does the NCRI say about when the MEK moved to Albania?"
    assert stems[1] == f"{question} — according to the NCRI, as reported by Atalayar"  # a name in running text
    assert stems[-1] == f"{question} — according to Atalayar"
    assert sentence_stem("What do the sources say Operation Mersad was?", "Sepinoud; Atalayar") == (
        "What do Sepinoud and Atalayar say Operation Mersad was?"
    )
    assert sentence_stem("When was it, according to Atalayar?", "Sepinoud") is None


def test_shipped_history_deck_makes_games_of_useful_length(tmp_path: Path):
    """The issue's measure: `mek-history` with default options."""
    shipped = Project(REPO)
    out = tmp_path / "k.xlsx"
    result = shipped.run("export", "kahoot", "mek-history", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(kahoot_rows(out)) >= 20
    for platform in ("blooket", "gimkit", "wayground"):
        result = shipped.run("export", platform, "mek-history", "-o", str(tmp_path / f"{platform}.out"))
        assert result.exit_code == 0, result.output
        fit, candidates = map(int, re.search(r"(\d+) of (\d+) candidate facts fit", result.stderr).groups())
        assert candidates >= 100 and fit >= 0.9 * candidates, result.stderr
