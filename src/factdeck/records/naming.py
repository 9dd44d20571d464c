"""Names in the facts' text: one learner-facing name per source, and the glossary of other names.

Rules (facts/README.md, "One name per source" and "The glossary"):

- A fact whose learner-facing text (question, answer, statement, attribution, dispute, options) names a
  source by its `short_name` must cite that source (error): a learner who reads "according to Atalayar"
  must find Atalayar among the fact's sources. A distractor's `why` is the exception: it says what a source
  says against the wrong option, so it may name a source the fact does not cite (it is printed with its
  locator).
- A source's `variants` (names editors used before there was one name) are warned about wherever they
  appear outside the short name itself, so that every output says the same name.
- A glossary entry is unique by term, cites at least one source, and its quotes are checked like a fact's.

Names are matched case-insensitively on word boundaries; a trailing possessive ("Atalayar's") still counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import NamedTuple

from factdeck.records.schema import Fact, GlossaryEntry, Record, Source


class NameProblem(NamedTuple):
    """One problem found: where, what, and `error` or `warning`."""

    where: Record
    message: str
    severity: str


def learner_text(fact: Fact) -> Iterator[tuple[Record, str, str]]:
    """(record, field name, text) of every text of `fact` that a learner reads (never locators, quotes or notes).
    A distractor's `why` comes as field "distractor's why": it may name a source the fact does not cite (it
    says what that source says against the option), so only the variant rule applies to it."""
    yield fact, "question", fact.question
    yield fact, "answer", fact.answer
    yield fact, "statement", fact.statement
    if fact.attribution:
        yield fact.attribution, "attribution", fact.attribution.by
    if fact.dispute:
        yield fact.dispute, "summary", fact.dispute.summary
        for v in fact.dispute.versions:
            yield v, f"version '{v.id}'", f"{v.claim} {v.answer} {v.claimed_by}"
    for d in fact.distractors:
        yield d, "distractor", d.text
        if d.why:
            yield d, WHY, d.why
    for text in fact.false_statements:
        yield fact, "false statement", text


WHY = "distractor's why"


@cache
def _pattern(name: str) -> re.Pattern[str]:
    # Word boundaries only where the name starts or ends with a word character ("(Ebrahimi)" ends with ')').
    head = r"\b" if name[:1].isalnum() else ""
    tail = r"\b" if name[-1:].isalnum() else ""
    return re.compile(head + re.escape(name) + tail, re.IGNORECASE)


def spans(name: str, text: str) -> list[tuple[int, int]]:
    """Where `name` occurs in `text` (case-insensitive, on word boundaries)."""
    return [m.span() for m in _pattern(name).finditer(text)]


def mentions(name: str, text: str) -> bool:
    """Whether `text` names `name`."""
    return _pattern(name).search(text) is not None


def _inside(span: tuple[int, int], covers: Iterable[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in covers)


def check_source_names(facts: Iterable[Fact], sources: dict[str, Source]) -> list[NameProblem]:
    """Uncited sources named by their short name (errors) and variant names (warnings), for every fact that
    is not retracted."""
    named = [s for s in sources.values() if s.short_name]
    if not named:
        return []
    # Each name in lower case, looked for in a lower-cased text with a plain substring search (in C, a hundred
    # times cheaper than the word-boundary search): the word-boundary search runs only for the names a text
    # holds, and only the sources one of whose names it holds are looked at. Only for ASCII texts: outside
    # ASCII, case-insensitive matching is not a plain lower(), so every source's names are searched for.
    lowered = [
        (s, short, [(v, v.lower()) for v in s.variants], frozenset((short, *(v.lower() for v in s.variants))))
        for s in named
        for short in [(s.short_name or "").lower()]
    ]
    names = sorted({name for *_, own in lowered for name in own})
    # Whether a lowered ASCII text holds any name at all, in one search (most texts hold none).
    holds_any = re.compile("|".join(map(re.escape, names))).search
    problems: list[NameProblem] = []
    for fact in facts:
        if fact.status == "retracted":
            continue
        cited: set[str] | None = None
        for record, field, text in learner_text(fact):
            if text.isascii():
                low = text.lower()
                if holds_any(low) is None:
                    continue
                found = {name for name in names if name in low}
                present = [
                    (source, short in found, [v for v, lv in variants if lv in found])
                    for source, short, variants, own in lowered
                    if not found.isdisjoint(own)
                ]
            else:
                present = [(source, True, [v for v, _ in variants]) for source, _, variants, _ in lowered]
            # A source none of whose names the text holds has no short-name spans and no variants: nothing to say.
            short_spans_of = [
                (source, variants, spans(source.short_name or "", text) if has_short else [])
                for source, has_short, variants in present
            ]
            short_spans = [sp for _, _, of in short_spans_of for sp in of]
            for source, variants, of in short_spans_of:
                if of and field != WHY:
                    if cited is None:
                        cited = {c.source for c in fact.all_citations()}
                    if source.id not in cited:
                        problems.append(
                            NameProblem(
                                record,
                                f"fact '{fact.id}': its {field} names '{source.short_name}' but the fact does not "
                                f"cite source '{source.id}': cite it or take the name out",
                                "error",
                            )
                        )
                for variant in variants:
                    if any(not _inside(sp, short_spans) for sp in spans(variant, text)):
                        problems.append(
                            NameProblem(
                                record,
                                f"fact '{fact.id}': its {field} calls source '{source.id}' '{variant}': "
                                f"use its one name, '{source.short_name}'",
                                "warning",
                            )
                        )
    return problems


def check_glossary(entries: list[GlossaryEntry]) -> list[NameProblem]:
    """Repeated terms and uncited entries (errors); citations' sources and quotes are checked by the caller."""
    problems: list[NameProblem] = []
    seen: dict[str, GlossaryEntry] = {}
    for entry in entries:
        for name in (entry.term, *entry.aliases):
            key = name.casefold()
            first = seen.get(key)
            if first is not None and first is not entry:
                problems.append(
                    NameProblem(
                        entry,
                        f"glossary: '{name}' is already an entry's name (first at {first.file}:{first.line})",
                        "error",
                    )
                )
            seen.setdefault(key, entry)
        if not entry.citations:
            problems.append(NameProblem(entry, f"glossary entry '{entry.term}' has no citations", "error"))
    return problems


def glossary_for(entries: Iterable[GlossaryEntry], facts: Iterable[Fact]) -> list[GlossaryEntry]:
    """The entries whose term or an alias some fact's learner-facing text names, in glossary order."""
    texts = [text for fact in facts for _, _, text in learner_text(fact)]
    return [e for e in entries if any(mentions(name, t) for name in (e.term, *e.aliases) for t in texts)]
