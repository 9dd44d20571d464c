"""`factdeck cite SOURCE WORDS...`: find a passage of an archived text and make the citation for it.

The words are looked for as `check` looks for a quote (records/quotes.py's search form: case, quote marks,
dashes and spaces folded): first as they are, then as close matches scored with rapidfuzz, sentence by
sentence (`token_set_ratio` finds re-ordered words, `partial_ratio` misspelled ones, as the "quote not
found" hint does). Each candidate becomes a citation: the source, the locator of its block in the locator
scheme (records/locators.py), a quote of at most 40 words cut at sentence or clause boundaries, and a W3C
Web Annotation TextQuoteSelector (prefix and suffix) that re-finds the quote in a re-fetched text.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from factdeck.exceptions import UsageError, ValidationFailed
from factdeck.records.collect import Collector
from factdeck.records.load import load_document, read_text
from factdeck.records.locators import FOOTNOTE, Block, TextStructure
from factdeck.records.quotes import _TRANSLATION, quote_search_form
from factdeck.records.schema import ProjectConfig, Source

MAX_WORDS = 40  # the schema's limit for a quote
CONTEXT = 32  # characters of prefix and suffix kept in a selector (Hypothesis keeps 32 too)
CUTOFF = 60.0  # the least score (0-100) of a close match shown
_SENTENCE_END = re.compile(
    r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*(?:\[[^\]\s]{1,12}\])*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])"
)
_ABBREVIATIONS = frozenset(
    ("p", "pp", "vol", "no", "nos", "ed", "eds", "est", "ca", "cf", "fig", "mr", "mrs", "ms", "dr", "st", "mt", "jr")
    + ("sr", "vs", "etc", "al", "op", "ibid")
)
_CLAUSE_END = re.compile(r"[,;:\u2014\u2013]\s+|\s+[\u2014\u2013-]\s+")
_FOOTNOTE_MARK = re.compile(r"\s*(?:(?:\d{1,4}|[a-z])\.\s+\^\s*(?:[a-z]\s+)*|\[(?:\d{1,4}|[a-z])\]\s*|\^\s*)")
_TRAILING = re.compile(r"(?:\[[^\]\s]{1,12}\])+$|[\s,;:\u2014\u2013-]+$")


@dataclass(frozen=True)
class Candidate:
    """One passage `cite` found: its block, the quote cut from it, the selector's context and the score
    (0-100; 100 for the words found as given)."""

    source: str
    block: Block
    quote: str
    prefix: str
    suffix: str
    score: float
    exact: bool

    def citation(self, selector: bool = True) -> dict[str, object]:
        found: dict[str, object] = {"source": self.source, "locator": self.block.locator, "quote": self.quote}
        if selector:
            found["selector"] = {"prefix": self.prefix, "suffix": self.suffix}
        return found

    def yaml(self, selector: bool = True, indent: int = 4) -> str:
        """The citation as it goes in a fact's `citations:` list (each value a YAML double-quoted scalar)."""
        pad = " " * indent
        lines = [
            f"{pad}- source: {self.source}",
            f"{pad}  locator: {_scalar(self.block.locator)}",
            f"{pad}  quote: {_scalar(self.quote)}",
        ]
        if selector:
            lines.append(f"{pad}  selector: {{prefix: {_scalar(self.prefix)}, suffix: {_scalar(self.suffix)}}}")
        return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON's string syntax is YAML's double-quoted scalar


@dataclass(frozen=True)
class SearchText:
    """A text in the quote search form, with the offset in the text as read of each character of it."""

    raw: str
    normalized: str
    offsets: tuple[int, ...]

    @classmethod
    def of(cls, raw: str) -> SearchText:
        out: list[str] = []
        offsets: list[int] = []
        for i, char in enumerate(raw):
            if char.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    offsets.append(i)
                continue
            folded = char.lower() if char.isascii() else unicodedata.normalize("NFKC", char).translate(_TRANSLATION)
            for piece in folded.casefold() if not char.isascii() else folded.replace("`", "'"):
                out.append(piece)
                offsets.append(i)
        while out and out[-1] == " ":
            out.pop()
            offsets.pop()
        return cls(raw, "".join(out), tuple(offsets))

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the text as read that the search-form span [start, end) came from."""
        end = max(end, start + 1)
        return self.offsets[start], self.offsets[min(end, len(self.offsets)) - 1] + 1


def _spans(text: str, pattern: re.Pattern[str], start: int) -> list[tuple[int, int]]:
    """[start, end) of each piece of `text` between matches of `pattern`, as offsets from `start` (a full
    stop after an abbreviation or an initial, "p. 208", "J. Smith", ends no sentence)."""
    spans, position = [], 0
    for match in pattern.finditer(text):
        word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        if pattern is _SENTENCE_END and (word.lower().rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", word)):
            continue
        spans.append((start + position, start + match.start()))
        position = match.end()
    spans.append((start + position, start + len(text)))
    return [(a, b) for a, b in spans if b > a]


def _words(text: str) -> int:
    return len(text.split())


def _cut(raw: str, block: Block, start: int, end: int) -> tuple[int, int]:
    """The quote's span around the match [start, end): whole sentences if they fit in MAX_WORDS, else whole
    clauses, else the first MAX_WORDS words of the match."""
    opening = block.start
    marker = _FOOTNOTE_MARK.match(raw, block.start, block.end) if block.kind == FOOTNOTE else None
    if marker:  # a footnote's quote starts after its label ("12. ^ ", "[3] ")
        opening = marker.end()
        start = max(start, opening)
    sentences = _spans(raw[opening : block.end], _SENTENCE_END, opening)
    chosen = [s for s in sentences if s[0] < end and s[1] > start] or sentences[:1]
    first, last = chosen[0][0], chosen[-1][1]
    if _words(raw[first:last]) <= MAX_WORDS:
        return first, last
    clauses = _spans(raw[first:last], _CLAUSE_END, first)
    inside = [i for i, c in enumerate(clauses) if c[0] < end and c[1] > start] or [0]
    low, high = inside[0], inside[-1]
    if _words(raw[clauses[low][0] : clauses[high][1]]) > MAX_WORDS:
        begin = max(start, clauses[low][0])
        words = list(re.finditer(r"\S+", raw[begin:last]))[:MAX_WORDS]
        return begin, begin + words[-1].end()
    while True:  # widen by whole clauses, forward first, while the quote stays within the limit
        grown = False
        for low2, high2 in ((low, high + 1), (low - 1, high)):
            if low2 >= 0 and high2 < len(clauses) and _words(raw[clauses[low2][0] : clauses[high2][1]]) <= MAX_WORDS:
                low, high, grown = low2, high2, True
                break
        if not grown:
            return clauses[low][0], clauses[high][1]


def _quote(raw: str, start: int, end: int) -> str:
    text = " ".join(raw[start:end].split()).lstrip("\u2022*- ")
    while True:
        trimmed = _TRAILING.sub("", text)
        if trimmed == text:
            return trimmed
        text = trimmed


def selector_context(raw: str, start: int, end: int) -> tuple[str, str]:
    """A TextQuoteSelector's prefix and suffix for the span [start, end) of `raw`: up to CONTEXT characters
    either side, white space folded (a space kept where the text has one next to the span)."""
    before = " ".join(raw[max(0, start - CONTEXT * 2) : start].split())[-CONTEXT:]
    after = " ".join(raw[end : end + CONTEXT * 2].split())[:CONTEXT]
    spaced_before = raw[start - 1 : start].isspace() and before
    spaced_after = raw[end : end + 1].isspace() and after
    return (before + " " if spaced_before else before), (" " + after if spaced_after else after)


class Citer:
    """Finds passages in one source's archived text (its structure and search form are made once)."""

    def __init__(self, source: str, raw: str):
        self.source = source
        self.text = SearchText.of(raw)
        self.structure = TextStructure(raw)

    def candidate(self, start: int, end: int, score: float, exact: bool) -> Candidate | None:
        """The citation for the raw span [start, end) of the text, or None outside every block."""
        raw = self.text.raw
        block = self.structure.block_at(start)
        if block is None:
            return None
        end = min(end, block.end)
        first, last = _cut(raw, block, start, end)
        quote = _quote(raw, first, last)
        if not quote:
            return None
        # Where the quote (trimmed of marks and bullets) lies exactly, so that prefix + quote + suffix is the text.
        form = quote_search_form(quote)
        found = self.text.normalized.find(form, bisect.bisect_left(self.text.offsets, first))
        quote_start, quote_end = self.text.raw_span(found, found + len(form)) if found >= 0 else (first, last)
        prefix, suffix = selector_context(raw, quote_start, quote_end)
        return Candidate(self.source, block, quote, prefix, suffix, score, exact)

    def find(self, words: str, limit: int = 3) -> list[Candidate]:
        """Up to `limit` candidates for `words`, best first: every place they occur as given (score 100), then
        the sentences most like them (rapidfuzz, score >= CUTOFF). Raises `UsageError` for no words."""
        from rapidfuzz import fuzz, process

        query = quote_search_form(words)
        if len(query) < 3:
            raise UsageError("give a few words of the passage to cite")
        found: list[Candidate] = []

        def keep(candidate: Candidate | None) -> None:
            if candidate is None:
                return
            for other in found:  # one passage once: not again within or around a quote already shown
                if other.block == candidate.block and (
                    candidate.quote in other.quote or other.quote in candidate.quote
                ):
                    return
            found.append(candidate)

        position = self.text.normalized.find(query)
        while position >= 0 and len(found) < limit:
            keep(self.candidate(*self.text.raw_span(position, position + len(query)), 100.0, True))
            position = self.text.normalized.find(query, position + 1)
        if len(found) >= limit:
            return found
        sentences = []
        for block in self.structure.blocks:
            spans = _spans(self.text.raw[block.start : block.end], _SENTENCE_END, block.start)
            sentences += spans
            # Each two sentences in a row too: words may run across a full stop ("Sinkaya (2015). The …").
            sentences += [(a[0], b[1]) for a, b in zip(spans, spans[1:], strict=False)]
        forms = [quote_search_form(self.text.raw[a:b]) for a, b in sentences]

        # A first cut by rapidfuzz's token_set_ratio, then each sentence scored on how many of the words it
        # holds (each word's best match, so re-ordered and misspelled words count) or, for a sentence at least
        # as long as the words, how well they align in it (partial_ratio, as the "quote not found" hint).
        shortlist = process.extract(query, forms, scorer=fuzz.token_set_ratio, limit=max(50, limit * 10))
        terms = [t for t in query.split() if len(t) > 1 or t.isdigit()] or query.split()

        def score(form: str) -> float:
            tokens = form.split()
            covered = sum(max((fuzz.ratio(t, u) for u in tokens), default=0) for t in terms) / len(terms)
            aligned = fuzz.partial_ratio(query, form) if len(form) >= len(query) else 0.0
            return max(covered, aligned)

        ranked = [(form, score(form), index) for form, _, index in shortlist]
        ranked = [r for r in ranked if r[1] >= CUTOFF]
        # Ties (common with re-ordered words) go to the sentence most like the words as a whole.
        ranked.sort(key=lambda r: (-r[1], -fuzz.ratio(query, r[0])))
        for form, value, index in ranked:
            if len(found) >= limit:
                break
            start, end = sentences[index]
            alignment = fuzz.partial_ratio_alignment(query, form)
            if alignment is not None and alignment.score >= 80 and len(query) <= len(form):
                offsets = SearchText.of(self.text.raw[start:end])
                a, b = offsets.raw_span(alignment.dest_start, alignment.dest_end)
                start, end = start + a, start + b
            keep(self.candidate(start, end, round(value, 1), False))
        return found


@dataclass(frozen=True)
class ProjectSources:
    """A project's sources and its archive folder, read without validating the rest of the project (facts
    being written need not check yet)."""

    root: Path
    sources: dict[str, Source]
    archive: Path | None

    @classmethod
    def read(cls, root: Path, archive: Path | None = None) -> ProjectSources:
        """Raises `UsageError` (not a project), `InputError` (a file that does not parse) or `ValidationFailed`
        (a setting or source that does not validate, in `factdeck check`'s words)."""
        if not (root / "facts").is_dir():
            raise UsageError(f"{root}: not a factdeck project (no facts/ folder)")
        # Validated as `factdeck check` validates them, so that both say the same at the same line.
        collector = Collector()
        config = ProjectConfig()
        if (root / "factdeck.yaml").is_file():
            settings = load_document(root / "factdeck.yaml", "factdeck.yaml")
            if isinstance(settings.data, dict):
                config = collector.model(ProjectConfig, settings, (), "configuration") or config
        document = load_document(root / "facts/sources.yaml", "facts/sources.yaml")
        sources = {source.id: source for source in collector.records(Source, document, "source")}
        errors = [p for p in collector.problems if p.severity == "error"]
        if errors:
            raise ValidationFailed(errors)
        folder = archive or (root / config.archive if config.archive else None)
        return cls(root, sources, folder)

    def source(self, name: str) -> Source:
        """The source named by id or archive file name; `UsageError` if none."""
        for source in self.sources.values():
            if name in (source.id, source.archive):
                return source
        if self.archive is not None and (self.archive / Path(name).name).is_file():
            raise UsageError(
                f"'{Path(name).name}' is in the archive folder but no source in facts/sources.yaml names it: add a "
                f"source to facts/sources.yaml with `archive: {Path(name).name}` (and its id, title, publisher, "
                "kind and perspective), then cite it by its id"
            )
        raise UsageError(f"no source '{name}' in facts/sources.yaml (sources: {', '.join(self.sources) or 'none'})")

    def text(self, source: Source) -> str:
        """The source's archived text as read; `UsageError` if it has none."""
        if self.archive is None:
            raise UsageError("no archive folder: give --archive DIR or set `archive:` in factdeck.yaml")
        if not source.archive:
            raise UsageError(f"source '{source.id}' has no `archive:` file: add one in facts/sources.yaml")
        if Path(source.archive).is_absolute() or ".." in Path(source.archive).parts:
            raise UsageError(
                f"source '{source.id}': archive file '{source.archive}' must be a file name inside the archive folder"
            )
        path = self.archive / source.archive
        if not path.is_file():
            raise UsageError(f"source '{source.id}': archive file '{source.archive}' not found in {self.archive}")
        return read_text(path, str(path))


def cite(root: Path, source_name: str, words: str, limit: int = 3, archive: Path | None = None) -> list[Candidate]:
    """The candidates for `words` in the archived text of the source named (by id or archive file name).
    Raises `UsageError` (unknown source, no archive), `InputError` or `ValidationFailed` (sources or config
    that do not parse or validate)."""
    project = ProjectSources.read(root, archive)
    source = project.source(source_name)
    return Citer(source.id, project.text(source)).find(words, limit)
