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
from typing import NamedTuple

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


class Copied(NamedTuple):
    """A fact's `field` repeats `run` words of source `source` word for word, starting with `opening`."""

    fact: Fact
    field: str
    source: str
    run: int
    opening: str


# A word is written as one character (its number among the archived texts' words) while they have fewer words
# than Unicode has characters, else as two (the number in base 0x10000); UNKNOWN stands for any other word, and
# is no word's (the first of two is always below 0x10000).
_ONE_LETTER = 0x10FFFF
UNKNOWN = chr(0x10FFFF)


# The archived texts' words, each once, and each text's words as letters (`SourceShingles.key`): what making the
# word runs reads of the texts.
Index = tuple[list[str], dict[str, str]]


def _width(count: int) -> int:
    return 1 if count < _ONE_LETTER else 2


def _letters(count: int) -> Iterator[str]:
    """The letters of the words numbered 0 to `count` - 1."""
    numbers = range(count)
    return map(chr, numbers) if _width(count) == 1 else (chr(n >> 16) + chr(n & 0xFFFF) for n in numbers)


def index(texts: dict[str, str]) -> Index:
    """The words of `texts` (by source), each once in order of first use, and each text as their letters."""
    found = {source: words(text) for source, text in texts.items()}
    vocabulary = list(dict.fromkeys(w for tokens in found.values() for w in tokens))
    letters = dict(zip(vocabulary, _letters(len(vocabulary))))
    return vocabulary, {source: "".join(map(letters.__getitem__, tokens)) for source, tokens in found.items()}


class SourceShingles:
    """The word runs of each archived source text, built once per check (a few hundred thousand per text).

    A run is kept as the string of its words' letters (`letters`: one or two characters standing for each word of
    the archived texts), not as a tuple of its words: making and hashing a short string per position costs a
    fraction of a tuple of RUN_WORDS strings, and two runs have equal keys exactly when they have equal words (a
    word of a fact that no archived text has is UNKNOWN, so a run holding one is in no text's `runs`)."""

    def __init__(self, texts: dict[str, str], made: Index | None = None):
        """`made`: `index(texts)`, if kept (engine/validation.py keeps it under the texts' hashes)."""
        vocabulary, keys = made if made is not None else index(texts)
        self.width = _width(len(vocabulary))
        self.letters = dict(zip(vocabulary, _letters(len(vocabulary))))
        self.runs = {source: TextRuns(key, self.width) for source, key in keys.items()}

    def key(self, tokens: list[str]) -> str:
        """The letters of `tokens` (words as `words` gives them), UNKNOWN for a word of no archived text."""
        get, unknown = self.letters.get, UNKNOWN * self.width
        return "".join([get(w, unknown) for w in tokens])

    def _shingles(self, text: str) -> list[str]:
        """The key of every run of RUN_WORDS words of `text`, in order (`shingles`' runs)."""
        return list(_slices(self.key(words(text)), self.width))

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
            if len(text) >= _SHORTEST_RUN and (own := self._shingles(text))
        ]
        for source in sources:
            runs = self.runs[source].lookup()
            quoted: set[str] | None = None  # the fact's own quotes of the source, if anything is shared
            for field, text, own in fields:
                hits = [i for i, s in enumerate(own) if s in runs]
                if hits:
                    if quoted is None:
                        quoted = {s for c in citations if c.source == source for s in self._shingles(c.quote)}
                    hits = [i for i in hits if own[i] not in quoted]
                if hits:
                    found.append(Copied(fact, field, source, _longest(hits) + RUN_WORDS - 1,
                                        " ".join(_WORD.findall(text)[hits[0] : hits[0] + 6])))  # fmt: skip
        return found


def _slices(key: str, width: int) -> Iterator[str]:
    """The key of every run of RUN_WORDS words of the words whose letters (`width` characters each) are `key`."""
    size = RUN_WORDS * width
    return (key[i : i + size] for i in range(0, len(key) - size + 1, width))


# Lookups in one text's runs answered by searching its letters before its set of runs is made: making the set costs
# about as much as this many searches (a text of 30,000 words: 10 ms, a search 7 µs), so a check after an edit (one
# file's facts: a few hundred lookups a text) searches, and a cold check (every fact) makes the set after at most
# twice the work of making it at once.
SEARCHES_BEFORE_SET = 1_000


class TextRuns:
    """The runs of RUN_WORDS words of one archived text whose words' letters are `key` (`width` characters a
    word): `run in runs` for a run's key. Answered by searching `key` (at a word's start) for the first
    SEARCHES_BEFORE_SET lookups, then from the set of every run, made once: the same answer either way."""

    def __init__(self, key: str, width: int) -> None:
        self.key = key
        self.width = width
        self.searches = 0
        self._set: set[str] | None = None

    def __bool__(self) -> bool:
        return len(self.key) >= RUN_WORDS * self.width

    def __contains__(self, run: object) -> bool:
        if self._set is not None:
            return run in self._set
        if self.searches >= SEARCHES_BEFORE_SET:
            return run in self.every()
        self.searches += 1
        if type(run) is not str or len(run) != RUN_WORDS * self.width:
            return False
        if self.width == 1:
            return run in self.key
        # Two letters a word: a match must start at a word's first letter (an even place).
        place = self.key.find(run)
        while place >= 0 and place % self.width:
            place = self.key.find(run, place + 1)
        return place >= 0

    def lookup(self) -> set[str] | TextRuns:
        """What `run in …` asks: the set of every run once it is made (a test in C), else this object (a search)."""
        return self._set if self._set is not None else self

    def every(self) -> set[str]:
        """Every run's key (made on first use)."""
        if self._set is None:
            self._set = set(_slices(self.key, self.width))
        return self._set


def _longest(starts: Iterable[int]) -> int:
    """The length of the longest stretch of consecutive shingle starts (a run of n+RUN_WORDS-1 words)."""
    best = current = 0
    previous = None
    for start in starts:
        current = current + 1 if previous is not None and start == previous + 1 else 1
        best = max(best, current)
        previous = start
    return best
