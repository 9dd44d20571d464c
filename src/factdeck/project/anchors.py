"""Citations that follow their passage when an archived text is re-fetched with small changes.

`factdeck hash-archives` runs `reanchor` before it checks the quotes against the new text. For each citation
of a re-fetched source:
- the quote is still in the text: where its locator is in the locator scheme (records/locators.py) and
  names another block now (a paragraph added above it), the locator is moved to the quote's block;
- the quote is no longer there but the citation has a TextQuoteSelector (W3C Web Annotation): the passage
  is found again from the selector's prefix, exact text and suffix (rapidfuzz alignment; a score of at least
  REANCHOR_SCORE), and the quote, locator and selector are rewritten from the new text.
Each change is reported, and a vetted fact whose quote changed is then flagged for review by `check`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from factdeck.exceptions import InputError
from factdeck.project.cite import Citer, selector_context
from factdeck.project.yaml_edit import set_at_paths
from factdeck.records.load import load_project
from factdeck.records.locators import locator_problem, parse_locator
from factdeck.records.quotes import quote_in_text, quote_parts, quote_search_form

REANCHOR_SCORE = 80.0


@dataclass(frozen=True)
class Move:
    """One citation `reanchor` changed: where (file, fact id), what it was and what it is now. `how` is
    'moved' (same quote, another block) or 're-anchored' (the quote re-found from its selector)."""

    file: str
    fact: str
    source: str
    how: str
    old_locator: str
    new_locator: str
    old_quote: str
    new_quote: str

    def describe(self) -> str:
        if self.how == "refreshed":
            return f"{self.file}: fact '{self.fact}': selector of the quote in {self.new_locator!r} refreshed"
        if self.how == "moved":
            return f"{self.file}: fact '{self.fact}': quote moved from {self.old_locator!r} to {self.new_locator!r}"
        return (
            f"{self.file}: fact '{self.fact}': quote re-anchored in {self.new_locator!r}: "
            f'"{self.old_quote}" is now "{self.new_quote}" (review the fact)'
        )


def _citations(item: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path inside the fact, citation) of each citation of a fact mapping, as written."""
    for i, citation in enumerate(item.get("citations") or []):
        if isinstance(citation, dict):
            yield ("citations", i), citation
    dispute = item.get("dispute")
    versions = dispute.get("versions") if isinstance(dispute, dict) else None
    for v, version in enumerate(versions or []):
        for i, citation in enumerate((version or {}).get("citations") or []):
            if isinstance(citation, dict):
                yield ("dispute", "versions", v, "citations", i), citation


def _refind(citer: Citer, quote: str, selector: dict[str, Any]) -> tuple[int, int] | None:
    """The span of the text as read where the selector's passage is now, or None."""
    from rapidfuzz import fuzz

    exact = str(selector.get("exact") or quote)
    prefix, suffix = str(selector.get("prefix") or ""), str(selector.get("suffix") or "")
    text = citer.text
    whole = quote_search_form(prefix + exact + suffix)
    around = fuzz.partial_ratio_alignment(whole, text.normalized, score_cutoff=REANCHOR_SCORE)
    if around is None:
        return None
    low = max(0, around.dest_start - len(whole))
    window = text.normalized[low : around.dest_end + len(whole)]
    exact_form = quote_search_form(exact)
    span = _between(window, quote_search_form(prefix), quote_search_form(suffix), len(exact_form))
    if span is None:
        inner = fuzz.partial_ratio_alignment(exact_form, window, score_cutoff=REANCHOR_SCORE)
        if inner is None:
            return None
        span = inner.dest_start, inner.dest_end
    start, end = low + span[0], low + span[1]
    # Whole words at both ends.
    start = text.normalized.rfind(" ", 0, start) + 1
    stop = text.normalized.find(" ", max(start, end - 1))
    end = stop if stop >= 0 else len(text.normalized)
    return text.raw_span(start, end)


def _between(window: str, prefix: str, suffix: str, length: int) -> tuple[int, int] | None:
    """The span of `window` after the best match of `prefix` and before the best match of `suffix` after it,
    if both match well and what lies between is from half to twice `length` long."""
    from rapidfuzz import fuzz

    if not prefix or not suffix:
        return None
    before = fuzz.partial_ratio_alignment(prefix, window, score_cutoff=REANCHOR_SCORE)
    if before is None:
        return None
    start = before.dest_end
    after = fuzz.partial_ratio_alignment(suffix, window[start:], score_cutoff=REANCHOR_SCORE)
    if after is None:
        return None
    end = start + after.dest_start
    inside = window[start:end].strip()
    if not length / 2 <= len(inside) <= length * 2:
        return None
    offset = len(window[start:end]) - len(window[start:end].lstrip())
    return start + offset, start + offset + len(inside)


def reanchor(root: Path, texts: dict[str, str]) -> list[Move]:
    """Follow every citation of the sources in `texts` (source id -> the archived text as read now) into the
    new text, rewriting locators and quotes in the fact files (comments and layout kept). Returns the
    changes, file by file. Raises `InputError` for a fact file that cannot be edited."""
    citers = {source: Citer(source, raw) for source, raw in texts.items()}
    moves: list[Move] = []
    for file in load_project(root).facts:
        try:
            data = file.parse().data
        except InputError:
            continue  # the check that follows reports it
        changes: dict[tuple[Any, ...], Any] = {}
        for index, item in enumerate(data if isinstance(data, list) else []):
            if not isinstance(item, dict):
                continue
            for where, citation in _citations(item):
                citer = citers.get(str(citation.get("source")))
                quote, locator = citation.get("quote"), citation.get("locator")
                if citer is None or not isinstance(quote, str) or not isinstance(locator, str):
                    continue
                path = (index, *where)
                selector = citation.get("selector")
                move = _follow(citer, quote, locator, selector)
                if move is None:
                    continue
                new_locator, new_quote, context = move
                how = "re-anchored" if new_quote != quote else "moved" if new_locator != locator else "refreshed"
                moves.append(
                    Move(file.display, str(item.get("id")), citer.source, how, locator, new_locator, quote, new_quote)
                )
                if new_locator != locator:
                    changes[(*path, "locator")] = DoubleQuotedScalarString(new_locator)
                if new_quote != quote:
                    changes[(*path, "quote")] = DoubleQuotedScalarString(new_quote)
                for key, value in context.items():
                    if isinstance(selector, dict) and key in selector:
                        changes[(*path, "selector", key)] = DoubleQuotedScalarString(value)
        if changes:
            set_at_paths(file.path, file.display, changes)
    return moves


def _fresh_context(citer: Citer, quote: str, selector: Any) -> dict[str, str]:
    """New prefix and suffix for a selector whose quote is still in the text (once) but no longer between
    them; {} where the selector still fits, or cannot be made anew (no selector, a quote with '...')."""
    if not isinstance(selector, dict) or quote_parts(quote) != [quote_search_form(quote)]:
        return {}
    prefix, suffix = str(selector.get("prefix") or ""), str(selector.get("suffix") or "")
    if quote_in_text(prefix + quote + suffix, citer.text.normalized):
        return {}
    form = quote_search_form(quote)
    first = citer.text.normalized.find(form)
    if first < 0 or citer.text.normalized.find(form, first + 1) >= 0:
        return {}
    start, end = citer.text.raw_span(first, first + len(form))
    new_prefix, new_suffix = selector_context(citer.text.raw, start, end)
    return {"prefix": new_prefix, "suffix": new_suffix}


def _follow(citer: Citer, quote: str, locator: str, selector: Any) -> tuple[str, str, dict[str, str]] | None:
    """(new locator, new quote, new selector context) for one citation, or None if it needs no change (or
    cannot be followed: check reports it)."""
    if quote_in_text(quote, citer.text.normalized):
        new_locator = locator
        if parse_locator(locator) is not None and locator_problem(citer.structure, locator, quote) is not None:
            holding = citer.structure.where(quote)
            new_locator = holding[0].locator if holding else locator
        context = _fresh_context(citer, quote, selector)
        return None if new_locator == locator and not context else (new_locator, quote, context)
    if not isinstance(selector, dict):
        return None
    span = _refind(citer, quote, selector)
    if span is None:
        return None
    found = citer.candidate(span[0], span[1], 100.0, True)
    if found is None:
        return None
    raw = citer.text.raw
    new_quote = " ".join(raw[span[0] : span[1]].split())
    if len(new_quote.split()) > 40:
        new_quote = found.quote
    new_locator = found.block.locator if parse_locator(locator) is not None else locator
    start = raw.find(new_quote.split()[0], span[0])
    prefix, suffix = selector_context(raw, start, span[1])
    return new_locator, new_quote, {"prefix": prefix, "suffix": suffix}


def follow_archives(root: Path, ids: list[str], archive: Path | None) -> list[Move]:
    """`reanchor` for the named sources (none named: every source with an archive file), reading the sources
    and the archive folder as `cite` does. Raises `UsageError` (no archive folder) or `InputError`."""
    from factdeck.project.cite import ProjectSources

    project = ProjectSources.read(root, archive)
    chosen = [project.source(i) for i in ids] if ids else [s for s in project.sources.values() if s.archive]
    if project.archive is None or not chosen:
        return []
    texts = {}
    for source in chosen:
        if source.archive and (project.archive / source.archive).is_file():
            texts[source.id] = project.text(source)
    return reanchor(root, texts)
