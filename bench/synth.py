"""Generate a synthetic project of N facts, written like the shipped one, for the benchmarks.

Usage: python bench/synth.py N DIR [--no-release]

What makes it like a real project (the shipped facts/ and decks/ are the model):
- eight sources with a `short_name` (the one name every text uses) and `variants` (older names that check
  warns about), a kind, a stance, a perspective and an archived text holding every quote, with its hash;
- facts in files of 100 (the shipped files hold 20 to 30; a large project grows by files), eras of 1,000
  facts; questions, answers and statements in varied words, statements that name the sources they follow
  by their short names ("according to …"), attributions on characterizations, `accept` lists, notes;
- on name facts (person, place, organization, term), three or four editors' distractors, some with a `why`
  that names a source, and one or two false statements, as the shipped name facts have;
- one fact in seven disputed, each version claimed by the source it cites (by short name);
- a glossary of the names the texts mention, every fact vetted with its fingerprint;
- a deck `all` holding every fact with subdecks per era (100-question worksheets in two versions) and a deck
  `disputes` of the disputed facts;
- a release record of both decks (`decks/published/`), made by `factdeck release`, as a project that has
  published its decks has (without it the Anki build has no released notes to keep).

Everything comes from one seeded random generator, so a size always gives the same project.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

FACTS_PER_FILE = 100
FACTS_PER_ERA = 1000
KINDS = ["date", "person", "number", "place", "organization", "event", "term", "characterization"]
NAMED = {"person", "place", "organization", "term"}

# (id, short_name, variants, kind, stance): invented outlets; the variants are the names editors used first.
SOURCES = [
    ("alder-survey", "the Alder survey", ["Alder", "the survey"], "academic", "neutral"),
    ("brook-chronicle", "the Brook chronicle", ["Brook", "the chronicle"], "book", "neutral"),
    ("cedar-report", "the Cedar report", ["Cedar"], "report", "critical"),
    ("dune-gazette", "the Dune Gazette", ["Dune"], "news", "mixed"),
    ("elm-essay", "the Elm essay (Ostrova)", ["Ostrova", "the essay"], "analysis", "state-aligned"),
    ("fern-encyclopedia", "the Fern encyclopedia", ["Fern", "the encyclopedia"], "encyclopedia", "neutral"),
    ("grove-statement", "the Grove statement", ["Grove"], "primary-document", "supportive"),
    ("heath-opinion", "Heath", ["Heath's column"], "opinion", "critical"),
]
FIRST = [
    "Arin",
    "Bexa",
    "Corin",
    "Dalen",
    "Esra",
    "Faro",
    "Galen",
    "Hadi",
    "Ilya",
    "Jora",
    "Kasim",
    "Lev",
    "Mira",
    "Nadir",
    "Oren",
    "Pari",
    "Rasa",
    "Sami",
    "Tavi",
    "Vera",
]
LAST_HEAD = [
    "Ar",
    "Bel",
    "Cas",
    "Dor",
    "Esf",
    "Far",
    "Gol",
    "Har",
    "Is",
    "Jov",
    "Kar",
    "Lis",
    "Mor",
    "Nur",
    "Ost",
    "Pel",
]
LAST_TAIL = [
    "dani",
    "kov",
    "pari",
    "an",
    "andi",
    "rukh",
    "ani",
    "row",
    "andro",
    "et",
    "imo",
    "andr",
    "avi",
    "ek",
    "en",
    "ari",
]
PLACE_HEAD = [
    "Kesh",
    "Varn",
    "Tolo",
    "Amar",
    "Birs",
    "Colan",
    "Dersh",
    "Elan",
    "Firu",
    "Gosk",
    "Halm",
    "Iskar",
    "Jeb",
    "Kavar",
    "Lomas",
    "Meru",
]
PLACE_TAIL = ["abad", "grad", "ovo", "stan", "ar", "esh", "ia", "ora"]
PLACE_FORM = ["{}{}", "Port {}{}", "Lake {}{}", "Camp {}{}"]
ORG_FORM = ["the {} Front", "the {} League", "the {} Council", "the {} Movement", "the {} Union", "the {} Society"]
ORG_WORD = [
    "Northern",
    "Crimson",
    "Free",
    "United",
    "Popular",
    "Democratic",
    "Patriotic",
    "Workers'",
    "Students'",
    "Coastal",
    "Highland",
]
TERM_ROOT = ["taval", "sorin", "mekar", "belun", "kastor", "drevan", "ilmar", "oskel", "vantar", "rimel"]
TERM_TAIL = ["ism", "ity", "ation", "ance"]
TERM_KIND = ["doctrine", "pledge", "purge", "charter", "revolution", "circle", "oath", "line"]
TOPICS = [
    "the first congress",
    "the armed wing",
    "the exile office",
    "the border camp",
    "the printing house",
    "the radio station",
    "the winter offensive",
    "the leadership meeting",
    "the student branch",
    "the ceasefire talks",
    "the prisoner exchange",
    "the relocation",
    "the listing",
    "the delisting campaign",
    "the rally",
    "the newspaper",
]
VERBS = ["founded", "led", "named", "announced", "moved", "opposed", "negotiated", "reported on", "ran", "closed"]


def _name(rng: random.Random, kind: str) -> str:
    if kind == "person":
        return f"{rng.choice(FIRST)} {rng.choice(LAST_HEAD)}{rng.choice(LAST_TAIL)}"
    if kind == "place":
        return rng.choice(PLACE_FORM).format(rng.choice(PLACE_HEAD), rng.choice(PLACE_TAIL))
    if kind == "organization":
        return rng.choice(ORG_FORM).format(" ".join(rng.sample(ORG_WORD, rng.choice((1, 2)))))
    return f"{rng.choice(TERM_ROOT).capitalize()}{rng.choice(TERM_TAIL)} {rng.choice(TERM_KIND)}"


def _stems(text: str) -> set[str]:
    """The first five letters of the text's words of five letters or more (records/options.py's stems)."""
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 5}


def _version_name(rng: random.Random, kind: str) -> str:
    """A name the other version of a dispute gives: from names no distractor is drawn from, since a distractor
    must not be an answer the fact base gives anywhere."""
    if kind == "person":
        return f"{rng.choice(FIRST)} {rng.choice('BDKMRT')}. {rng.choice(LAST_HEAD)}{rng.choice(LAST_TAIL)}"
    return f"{_name(rng, kind)} Committee"


_DIGIT_LETTERS = str.maketrans("0123456789", "abcdefghij")


class _Writer:
    """Facts as YAML text, and the quotes each source's archived text must hold."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # Words of letters only: digits in a quote's filler could read as part of a quoted number.
        self.words = ["w" + str(i).translate(_DIGIT_LETTERS) for i in range(4000)]
        self.archive: dict[str, list[str]] = {s[0]: [] for s in SOURCES}
        self.era_answers: dict[int, set[str]] = {}

    def quote(self, carrying: str | None = None) -> str:
        words = [self.rng.choice(self.words) for _ in range(self.rng.randint(8, 20))]
        if carrying is not None:  # a statement's year and number are quoted from the passage that gives them
            words.insert(len(words) // 2, carrying)
        return " ".join(words)

    def citation(self, indent: str, source: str, carrying: str | None = None) -> str:
        q = self.quote(carrying)
        self.archive[source].append(q)
        section = self.rng.choice(TOPICS)
        return (
            f"{indent}- source: {source}\n"
            f"{indent}  locator: \"section '{section}', para. {self.rng.randint(1, 40)}\"\n"
            f'{indent}  quote: "{q}"\n'
        )

    def fact(self, i: int, era: int) -> str:
        rng = self.rng
        kind = KINDS[i % len(KINDS)]
        year = 1000 + era * 10 + rng.randint(0, 9)
        cited = rng.sample(range(len(SOURCES)), 2 if i % 3 == 0 else 1)
        first = SOURCES[cited[0]]
        # The topic's own word in letters: questions that differ only in a number ask the same thing (check's rule).
        topic = f"{rng.choice(TOPICS)} {'x' + str(i).translate(_DIGIT_LETTERS)}"
        verb = rng.choice(VERBS)
        out = [f"- id: fact-{i}\n  kind: {kind}\n  era: era-{era}\n"]
        if i % 11 != 5:
            out.append(f'  date: "{year}"\n')
        out.append(f"  tags: [{rng.choice(TOPICS).split()[-1]}-{i % 13}, theme-{i % 7}]\n")
        disputed = i % 7 == 0
        if kind in NAMED:
            question = f"Who or what, according to {first[1]}, {verb} {topic} in {year}?"
            answer = _name(rng, kind)
            # Fronts of reverse cards stay distinct, and no answer echoes its question ('the student branch' and
            # 'the Democratic Students' Union': check's give-away rule compares words by stem).
            while answer in self.era_answers.setdefault(era, set()) or _stems(answer) & _stems(question):
                answer = _name(rng, kind)
            self.era_answers[era].add(answer)
            statement = f"According to {first[1]}, {answer} {verb} {topic} in {year}, a turn its account dwells on."
        elif kind == "date":
            answer = str(year)
            question = f"In which year, according to {first[1]}, was {topic} {verb}?"
            statement = f"According to {first[1]}, {topic} was {verb} in {year}, after long preparation."
        elif kind == "number":
            answer = f"{rng.randint(2, 900) * 10:,}"
            question = f"How many people, according to {first[1]}, took part when {topic} was {verb}?"
            statement = f"According to {first[1]}, {answer} people took part when {topic} was {verb} in {year}."
        elif kind == "characterization":
            answer = f"a {rng.choice(['disciplined', 'secretive', 'popular', 'divided'])} body, per {first[1]}"
            question = f"How does {first[1]} characterize the group behind {topic}?"
            statement = (
                f"{first[1][0].upper()}{first[1][1:]} characterizes the group behind {topic} as {answer.split(',')[0]}."
            )
        else:
            answer = f"{topic[0].upper()}{topic[1:]}"
            question = f"Which event, according to {first[1]}, followed the split of {year} (entry {i})?"
            statement = f"According to {first[1]}, {topic} followed the split of {year} and changed the group."
        out.append(f'  question: "{question}"\n  answer: "{answer}"\n')
        if kind == "person" and i % 2:
            out.append(f'  accept: ["{answer.split()[-1]}"]\n')
        out.append(f'  statement: "{statement}"\n')
        if kind == "characterization":
            out.append(f'  attribution:\n    by: "{first[1]}"\n    verb: "said"\n')
        if kind in NAMED and not disputed:
            out.append(self._options(kind, answer, statement))
        # Every year and number a statement or question gives is in a quote (check's rule on unquoted details).
        carrying = {"date": answer, "number": f"{answer} in {year}", "characterization": None}.get(kind, str(year))
        out.append("  citations:\n" + "".join(self.citation("    ", SOURCES[s][0], carrying) for s in cited))
        if disputed:
            other = SOURCES[(cited[0] + 3) % len(SOURCES)]
            reason = ("stance", "scope", "time", "slip")[i % 4]
            out.append(
                f'  dispute:\n    summary: "The sources give different answers for {topic}."\n'
                f'    reason:\n      type: {reason}\n      why: "The two texts may describe {topic} from different records."\n'
                "    versions:\n"
            )
            given: set[str] = set()
            for v, source in enumerate((first, other)):
                claim_answer = _version_name(rng, kind) if kind in NAMED else f"{year + v}"
                while claim_answer in given:  # a dispute is between different answers
                    claim_answer = _version_name(rng, kind)
                given.add(claim_answer)
                out.append(
                    f"      - id: v{v}\n"
                    f'        claim: "{source[1][0].upper()}{source[1][1:]} gives {claim_answer} for {topic}."\n'
                    f'        answer: "{claim_answer}"\n'
                    f'        claimed_by: "{source[1][0].upper()}{source[1][1:]}"\n'
                    "        citations:\n"
                    + self.citation("          ", source[0], None if kind in NAMED else claim_answer)
                )
        out.append("  status: vetted\n  vetted: 2026-11-22\n  reviewer: fact-editor\n")
        if i % 5 == 0:
            out.append(f'  notes: "Dated by {first[1]}; checked against the archived text."\n')
        return "".join(out) + "\n"

    def _options(self, kind: str, answer: str, statement: str) -> str:
        rng = self.rng
        taken = {answer.lower()}
        options: list[str] = []
        while len(options) < rng.choice((3, 3, 4)):
            option = _name(rng, kind)
            words = {w.lower() for w in option.split() if len(w) > 3}
            if option.lower() in taken or words & {w.lower() for w in answer.split()}:
                continue
            taken.add(option.lower())
            options.append(option)
        lines = ["  distractors:\n"]
        for k, option in enumerate(options):
            if k == 0:
                source = rng.choice(SOURCES)[1]
                lines.append(
                    f'    - text: "{option}"\n      why: "{source[0].upper()}{source[1:]} gives another role to {option}."\n'
                )
            else:
                lines.append(f'    - "{option}"\n')
        lines.append("  false_statements:\n")
        for option in options[: rng.choice((1, 2))]:
            lines.append(f'    - "{statement.replace(answer, option, 1)}"\n')
        return "".join(lines)


def generate(n: int, root: Path, seed: int = 7, release: bool = True) -> Path:
    rng = random.Random(seed)
    writer = _Writer(rng)
    for folder in ("facts", "decks", "archive"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    eras = max(1, (n + FACTS_PER_ERA - 1) // FACTS_PER_ERA)
    with open(root / "facts" / "eras.yaml", "w") as f:
        for e in range(eras):
            f.write(f'- id: era-{e}\n  title: "Era {e}"\n  start: {1000 + e * 10}\n  end: {1009 + e * 10}\n')
    for start in range(0, n, FACTS_PER_FILE):
        with open(root / "facts" / f"part-{start // FACTS_PER_FILE:04d}.yaml", "w") as f:
            f.write("# Synthetic facts, written like the shipped ones.\n")
            for i in range(start, min(n, start + FACTS_PER_FILE)):
                f.write(writer.fact(i, i // FACTS_PER_ERA))
    with open(root / "facts" / "glossary.yaml", "w") as f:
        for k, word in enumerate(ORG_WORD[:8]):
            source = SOURCES[k % len(SOURCES)]
            f.write(
                f'- term: "{word} Bulletin"\n  description: "A newsletter that {source[1]} cites. No text says more."\n'
                "  citations:\n" + writer.citation("    ", source[0])
            )
    _fingerprint(root)
    (root / "factdeck.yaml").write_text("namespace: factdeck-bench\n")
    with open(root / "facts" / "sources.yaml", "w") as f:
        for k, (sid, short, variants, kind, stance) in enumerate(SOURCES):
            text = "\n".join(writer.archive[sid]) + "\n"
            (root / "archive" / f"{sid}.txt").write_text(text)
            digest = hashlib.sha256(text.encode()).hexdigest()
            f.write(
                f'- id: {sid}\n  title: "Synthetic source {k}: {short}"\n  short_name: "{short}"\n'
                f"  variants: {json.dumps(variants)}\n"
                f'  publisher: "Publisher {k}"\n  accessed: 2026-11-22\n  kind: {kind}\n  stance: {stance}\n'
                f'  perspective: "A synthetic {kind} text, read by the editors as {stance}."\n'
                f'  archive: {sid}.txt\n  archive_sha256: "{digest}"\n\n'
            )
    (root / "decks" / "all.yaml").write_text(
        "id: all\nname: All\ndescription: Every synthetic fact.\ncards:\n  subdecks: true\n"
        "quiz:\n  questions: 100\n  versions: 2\n"
    )
    (root / "decks" / "disputes.yaml").write_text(
        'id: disputes\nname: "All: where the sources disagree"\ndescription: Every disputed synthetic fact.\n'
        "select:\n  include:\n    disputed: true\nquiz:\n  questions: 15\n  versions: 2\n  seed: 2\n"
        "  types: [source-analysis, multiple-choice, true-false, short-answer]\n"
    )
    if release:
        _release(root)
    return root


def _release(root: Path) -> None:
    """Record both decks' released notes as `factdeck release` does (in a scratch build folder)."""
    scratch = root / "build-release"
    subprocess.run(
        [sys.executable, "-m", "factdeck", "release", "--project", str(root), "--output", str(scratch)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(["rm", "-rf", str(scratch)], check=True)


def _fingerprint(root: Path) -> None:
    """Record each fact's vetting fingerprint (`vetted_hash`), as `factdeck vet` would, so that the synthetic
    base is as vetted as a real one and a check does not report ten thousand unfingerprinted facts."""
    for path in sorted((root / "facts").glob("part-*.yaml")):
        refingerprint(path)


def refingerprint(path: Path) -> None:
    """Write the vetting fingerprint of every fact of one file after its `reviewer` line (replacing any)."""
    from factdeck.records.load import parse_document
    from factdeck.records.schema import Fact
    from factdeck.records.vetting import fingerprint

    text = "".join(line for line in path.read_text().splitlines(keepends=True) if not line.startswith("  vetted_hash:"))
    records = parse_document(text, path, path.name).data  # dates as written, as factdeck reads them
    hashes = iter(fingerprint(Fact.model_validate(record)) for record in records)
    path.write_text("".join(
        line + (f'  vetted_hash: "{next(hashes)}"\n' if line == "  reviewer: fact-editor\n" else "")
        for line in text.splitlines(keepends=True)
    ))  # fmt: skip


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]), release="--no-release" not in sys.argv[3:])
