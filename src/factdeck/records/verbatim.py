"""Facts copied from their sources: a fact's own text that repeats a long run of its archived source word for
word, beyond what its citations quote.

The project's rule is that every statement, question, answer, claim and option is in its own words; a cited
quote is the only verbatim text. A run of `RUN_WORDS` consecutive words shared with a cited source is copying,
not coincidence (word shingles, as in plagiarism detection: Broder, "On the resemblance and containment of
documents", 1997); runs that lie inside the fact's own quotes of that source are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from factdeck.records.schema import Fact

RUN_WORDS = 12  # consecutive words shared with a source that count as copied
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SHORTEST_RUN = 2 * RUN_WORDS - 1  # characters of the shortest text with RUN_WORDS words: 'a b c …'


def words(text: str) -> list[str]:
    """The words of `text`, case-folded (punctuation and spacing do not break a copied run)."""
    found = _WORD.findall(text)
    # Folded in one pass: case folding maps each character on its own, and no word holds a NUL.
    return "\0".join(found).casefold().replace("’", "'").split("\0") if found else []


def shingles(tokens: list[str], size: int = RUN_WORDS) -> Iterator[tuple[str, ...]]:
    """Every run of `size` consecutive words of `tokens`."""
    return (tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def fact_texts(fact: Fact) -> Iterator[tuple[str, str]]:
    """(field, text) of everything a fact says in its own words."""
    yield "statement", fact.statement
    yield "question", fact.question
    yield "answer", fact.answer
    for text in fact.false_statements:
        yield "false statement", text
    for distractor in fact.distractors:
        yield "wrong option", distractor.text
    if fact.dispute is not None:
        yield "dispute summary", fact.dispute.summary
        for version in fact.dispute.versions:
            yield f"version '{version.id}' claim", version.claim


@dataclass(frozen=True)
class Copied:
    """A fact's `field` repeats `run` words of source `source` word for word, starting with `opening`."""

    fact: Fact
    field: str
    source: str
    run: int
    opening: str


class SourceShingles:
    """The word runs of each archived source text, built once per check (a few hundred thousand per text)."""

    def __init__(self, texts: dict[str, str]):
        self.runs = {source: set(shingles(words(text))) for source, text in texts.items()}

    def copied(self, fact: Fact) -> list[Copied]:
        """Each field of `fact` that shares a run of RUN_WORDS words with a source it cites, outside the fact's
        quotes of that source; one per field and source, with the longest run."""
        found: list[Copied] = []
        citations = list(fact.all_citations())
        sources = [s for s in dict.fromkeys(c.source for c in citations) if self.runs.get(s)]
        if not sources:
            return found
        # Each field's runs made once for all its sources; a field shorter than a run has none (RUN_WORDS words
        # take at least as many characters and one between each two: most answers and options are not read).
        fields = [
            (field, text, own)
            for field, text in fact_texts(fact)
            if len(text) >= _SHORTEST_RUN and (own := list(shingles(words(text))))
        ]
        for source in sources:
            runs = self.runs[source]
            quoted: set[tuple[str, ...]] | None = None  # the fact's own quotes of the source, if anything is shared
            for field, text, own in fields:
                hits = [i for i, s in enumerate(own) if s in runs]
                if hits:
                    if quoted is None:
                        quoted = {s for c in citations if c.source == source for s in shingles(words(c.quote))}
                    hits = [i for i in hits if own[i] not in quoted]
                if hits:
                    found.append(Copied(fact, field, source, _longest(hits) + RUN_WORDS - 1,
                                        " ".join(_WORD.findall(text)[hits[0] : hits[0] + 6])))  # fmt: skip
        return found


def _longest(starts: Iterable[int]) -> int:
    """The length of the longest stretch of consecutive shingle starts (a run of n+RUN_WORDS-1 words)."""
    best = current = 0
    previous = None
    for start in starts:
        current = current + 1 if previous is not None and start == previous + 1 else 1
        best = max(best, current)
        previous = start
    return best
