"""Generate a synthetic fact base of N facts (with citations and disputes) for the benchmarks.

Usage: python bench/synth.py N DIR
The facts are spread over files of 500 facts, eras of 1,000, and one fact in
seven is disputed; the archive texts contain every quote, so `check --archive`
does real work.
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

FACTS_PER_FILE = 500
FACTS_PER_ERA = 1000
SOURCES = 8
KINDS = ["date", "number", "person", "place", "organization", "event", "term", "characterization"]


def _quote(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 20)))


def generate(n: int, root: Path, seed: int = 7) -> Path:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(4000)]
    (root / "facts").mkdir(parents=True, exist_ok=True)
    (root / "decks").mkdir(exist_ok=True)
    (root / "archive").mkdir(exist_ok=True)
    archive: dict[int, list[str]] = {s: [] for s in range(SOURCES)}
    eras = max(1, (n + FACTS_PER_ERA - 1) // FACTS_PER_ERA)
    with open(root / "facts" / "eras.yaml", "w") as f:
        for e in range(eras):
            f.write(f'- id: era-{e}\n  title: "Era {e}"\n  start: {1000 + e * 10}\n  end: {1009 + e * 10}\n')
    with open(root / "facts" / "sources.yaml", "w") as f:
        for s in range(SOURCES):
            f.write(
                f'- id: source-{s}\n  title: "Source {s}"\n  publisher: "Publisher {s}"\n  accessed: 2026-11-22\n'
                f'  kind: academic\n  stance: neutral\n  perspective: "Synthetic source {s}."\n  archive: source-{s}.txt\n'
            )

    def citation(indent: str) -> str:
        s = rng.randrange(SOURCES)
        q = _quote(rng, words)
        archive[s].append(q)
        return (
            f'{indent}- source: source-{s}\n{indent}  locator: "para. {rng.randint(1, 99)}"\n{indent}  quote: "{q}"\n'
        )

    for start in range(0, n, FACTS_PER_FILE):
        with open(root / "facts" / f"part-{start // FACTS_PER_FILE:04d}.yaml", "w") as f:
            for i in range(start, min(n, start + FACTS_PER_FILE)):
                era = i // FACTS_PER_ERA
                kind = KINDS[i % len(KINDS)]
                year = 1000 + era * 10 + rng.randint(0, 9)
                f.write(
                    f'- id: fact-{i}\n  kind: {kind}\n  era: era-{era}\n  date: "{year}"\n  tags: [tag-{i % 13}, tag-{i % 7}]\n'
                    f'  question: "Synthetic question number {i} about {rng.choice(words)}?"\n  answer: "Answer {i}"\n'
                    f'  statement: "Synthetic statement {i} says answer {i} about {rng.choice(words)}."\n'
                )
                if kind == "characterization":
                    f.write('  attribution:\n    by: "a party"\n    verb: "said"\n')
                f.write("  citations:\n" + citation("    ") + (citation("    ") if i % 3 == 0 else ""))
                if i % 7 == 0:
                    f.write('  dispute:\n    summary: "Sources differ."\n    versions:\n')
                    for v in range(2):
                        f.write(
                            f'      - id: v{v}\n        claim: "Version {v} of fact {i}."\n        answer: "Answer {i}-{v}"\n'
                            f'        claimed_by: "Source {v}"\n        citations:\n' + citation("          ")
                        )
                f.write("  status: vetted\n  vetted: 2026-11-22\n  reviewer: bench\n")
    _fingerprint(root)
    (root / "factdeck.yaml").write_text("namespace: factdeck-bench\n")
    for s, quotes in archive.items():
        (root / "archive" / f"source-{s}.txt").write_text("\n".join(quotes) + "\n")
    # Each archive's fingerprint, as `factdeck hash-archives` records it once the quotes pass.
    sources = (root / "facts" / "sources.yaml").read_text()
    for s in range(SOURCES):
        digest = hashlib.sha256((root / "archive" / f"source-{s}.txt").read_bytes()).hexdigest()
        sources = sources.replace(
            f"archive: source-{s}.txt\n", f'archive: source-{s}.txt\n  archive_sha256: "{digest}"\n'
        )
    (root / "facts" / "sources.yaml").write_text(sources)
    (root / "decks" / "all.yaml").write_text(
        "id: all\nname: All\ndescription: Every synthetic fact.\ncards:\n  subdecks: true\nquiz:\n  questions: 100\n  versions: 2\n"
    )
    return root


def _fingerprint(root: Path) -> None:
    """Record each fact's vetting fingerprint (`vetted_hash`), as `factdeck vet` would, so that the synthetic
    base is as vetted as a real one and a check does not report ten thousand unfingerprinted facts."""
    from factdeck.records.load import parse_document
    from factdeck.records.schema import Fact
    from factdeck.records.vetting import fingerprint

    for path in sorted((root / "facts").glob("part-*.yaml")):
        records = parse_document(path.read_text(), path, path.name).data  # dates as written, as factdeck reads
        hashes = iter(fingerprint(Fact.model_validate(record)) for record in records)
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(
            line + (f'  vetted_hash: "{next(hashes)}"\n' if line == "  reviewer: bench\n" else "") for line in lines
        ))  # fmt: skip


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
