"""Item analysis of a class's answers, tied back to the facts: `factdeck results`.

Input: one row per student (their version and the letter they chose per question number) and the sheet
maps of the versions (answer-sheet-X.json: per number, the question's id, facts, options in the version's
order, and which original option each shows). The same question has another number and option order in
each version; everything here is counted per question id and per original option, so the versions pool.

Per question (classical test theory, as in Crocker & Algina, *Introduction to Classical and Modern Test
Theory*, ch. 14): difficulty p (the share answering correctly; a blank is wrong, an unconfirmed "?" left
out); the corrected point-biserial discrimination (the Pearson correlation of the item's 0/1 score with the
rest score, the total without the item); and how often each option was chosen, overall and by the upper
group (the top 27 % by rest score). Flags a teacher acts on, each naming the fact's file and line:
- an unchosen distractor (no student chose it: it distracts nobody; MIN_STUDENTS students or more);
- the upper group chose a distractor more often than the key (a key error, or a real dispute);
- negative discrimination (the stronger the student, the likelier wrong);
- a fact missed by most (its questions' difficulty below MISSED).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

MIN_STUDENTS = 10
UPPER_SHARE = 0.27
MISSED = 0.5


@dataclass
class ItemStats:
    """One question across versions."""

    id: str
    type: str
    facts: list[str]
    options: list[str]  # the original options: key first for multiple choice; True, False for true/false
    key: int  # index into options
    stem: str = ""
    answered: int = 0
    correct: int = 0
    counts: list[int] = field(default_factory=list)
    upper_counts: list[int] = field(default_factory=list)
    upper_n: int = 0
    difficulty: float | None = None
    discrimination: float | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class FactStats:
    id: str
    file: str
    line: int
    answered: int
    correct: int
    questions: list[str]

    @property
    def difficulty(self) -> float | None:
        return self.correct / self.answered if self.answered else None


def _choice(entry: dict, letter: str) -> int | None:
    """The original option index a letter of this version stands for (None: blank or not an option)."""
    if entry["type"] == "true-false":
        return {"T": 0, "F": 1, "A": 0, "B": 1}.get(letter)
    labels = "ABCDEFGH"[: len(entry["origins"])]
    return entry["origins"][labels.index(letter)] if letter and letter in labels else None


def analyse(responses: list[dict], maps: dict[str, dict]) -> list[ItemStats]:
    """Item statistics of `responses` ([{version, answers: {number: letter}}]) under the sheet maps
    ({version letter: map}). A response of a version without a map is left out."""
    items: dict[str, ItemStats] = {}
    scored: list[dict[str, int]] = []  # per student: {question id: 1/0}
    chosen: list[dict[str, int | None]] = []
    for response in responses:
        data = maps.get(response["version"])
        if data is None:
            continue
        marks: dict[str, int] = {}
        picks: dict[str, int | None] = {}
        for number, entry in data["questions"].items():
            if "key" not in entry:
                continue
            letter = response["answers"].get(number, "")
            if letter == "?":
                continue  # flagged and not yet confirmed
            if entry["id"] not in items:
                tf = entry["type"] == "true-false"
                options = ["True", "False"] if tf else [""] * len(entry["options"])
                if not tf:
                    for shown, origin in zip(entry["options"], entry["origins"]):
                        options[origin] = shown
                key = (0 if entry["key"] == "T" else 1) if tf else 0
                items[entry["id"]] = ItemStats(
                    entry["id"],
                    entry["type"],
                    entry["facts"],
                    options,
                    key,
                    entry.get("stem", ""),
                    counts=[0] * len(options),
                )
            pick = _choice(entry, letter)
            picks[entry["id"]] = pick
            marks[entry["id"]] = int(pick is not None and pick == items[entry["id"]].key)
        scored.append(marks)
        chosen.append(picks)
    totals = [sum(m.values()) for m in scored]
    for item in items.values():
        takers = [i for i, m in enumerate(scored) if item.id in m]
        xs = [scored[i][item.id] for i in takers]
        rests = [totals[i] - scored[i][item.id] for i in takers]
        item.answered, item.correct = len(xs), sum(xs)
        item.difficulty = item.correct / item.answered if item.answered else None
        item.discrimination = _pearson(xs, rests)
        for i in takers:
            pick = chosen[i][item.id]
            if pick is not None:
                item.counts[pick] += 1
        ranked = [i for _, i in sorted(zip(rests, takers), reverse=True)]
        upper = ranked[: max(1, round(UPPER_SHARE * len(takers)))] if takers else []
        item.upper_n = len(upper)
        item.upper_counts = [0] * len(item.options)
        for i in upper:
            pick = chosen[i][item.id]
            if pick is not None:
                item.upper_counts[pick] += 1
        _flag(item)
    return list(items.values())


def _pearson(xs: list[int], ys: list[int]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _flag(item: ItemStats) -> None:
    if item.answered < MIN_STUDENTS:
        return
    for index, option in enumerate(item.options):
        if index == item.key:
            continue
        if item.type != "true-false" and item.counts[index] == 0:
            item.flags.append(f"no student chose the wrong option \u201c{option}\u201d: it distracts nobody")
        if item.upper_counts[index] > item.upper_counts[item.key]:
            item.flags.append(
                f"the strongest students chose \u201c{option}\u201d ({item.upper_counts[index]} of {item.upper_n}) more "
                f"often than the key ({item.upper_counts[item.key]}): check the key, or whether the sources dispute it"
            )
    if item.discrimination is not None and item.discrimination < 0:
        item.flags.append(
            f"negative discrimination ({item.discrimination:.2f}): stronger students were likelier to get it wrong"
        )


def fact_stats(items: list[ItemStats], locate) -> list[FactStats]:
    """Per fact: its questions pooled. `locate(fact id)` gives (file, line), ("", 0) for a fact not found."""
    by_fact: dict[str, list[ItemStats]] = defaultdict(list)
    for item in items:
        for fact_id in item.facts:
            by_fact[fact_id].append(item)
    out = []
    for fact_id, its in by_fact.items():
        file, line = locate(fact_id)
        out.append(
            FactStats(
                fact_id,
                file,
                line,
                sum(i.answered for i in its),
                sum(i.correct for i in its),
                [i.id for i in its],
            )
        )
    return sorted(out, key=lambda f: (f.difficulty if f.difficulty is not None else 2, f.id))


def missed_facts(facts: list[FactStats]) -> list[FactStats]:
    """The facts most of the class missed (difficulty below MISSED), hardest first."""
    return [f for f in facts if f.difficulty is not None and f.difficulty < MISSED and f.answered >= 1]


def anki_search(deck_name: str, fact_ids: list[str]) -> str:
    """An Anki search for the notes of these facts in the deck (for a filtered deck): the notes' FactId
    field holds the fact's id (Anki's search syntax: `field:value`, `or`, quoted deck names)."""
    if not fact_ids:
        return ""
    terms = " or ".join(f'"FactId:{_anki_escape(fact_id)}"' for fact_id in fact_ids)
    return f'"deck:{_anki_escape(deck_name)}" ({terms})'


def _anki_escape(text: str) -> str:
    """Text matched literally in an Anki search: backslash, quote and the wildcards `*` and `_` escaped
    (Anki manual, "Searching": "Matching special characters")."""
    return "".join("\\" + c if c in '\\"*_' else c for c in text)
