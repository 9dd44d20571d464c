"""The quiz document: a deck's worksheet questions as data (`factdeck quiz DECK --format json`).

Every platform export (Kahoot, Wayground, Blooket, Gimkit, Canvas QTI, Moodle XML,
GIFT) reads this document and nothing else, so a platform never asks something
the worksheet would not: the same questions, options, answers and citations.

Shape (JSON; every string is fact text as loaded, never markup):

    {"deck": {"id", "name", "title"}, "seed", "requested", "notes": [str],
     "sources": [{"id", "title", "author", "publisher", "kind", "stance", "perspective", "url"}],
     "versions": [{"letter": "A", "questions": [question, …]}, …]}

A question (in the version's printed order):

    number, id, type, form, fact (the fact id; null for a group question), facts,
    era ({"id", "title"}; null when a group's facts span eras), prompt,
    options (printed order; [] when there are none), answer (the correct option's
    text; true/false for true/false; the key's text otherwise), explanation,
    citations [{"source", "title", "author", "publisher", "stance", "locator", "quote"}],
    dispute (null, or {"summary", "versions": [{"id", "claimed_by", "claim", "answer", "accepted",
    "citations"}], "citations": the fact's own citations that no version gives}; every citation of the
    fact is in one of the two),
    according [single-answer forms of a disputed fact: {"claimed_by", "prompt", "options", "correct",
    "answer", "accepted", "citations"}, one per version],
    and what the question's form needs (the question type's `data`, quiz/types.py):
    choice: correct (index into options); true-false: correct, statement, swapped;
    blank: parts, accepted; text: accepted (the answer, its core without a bracketed note, the fact's
    `accept:` answers, and each without accents where that differs: text/accept.py); matching: items [{"fact", "text", "answer", "citations"}]
    and names (printed order); ordering: items with "rank" (1: earliest); essay: instructions, excerpts.
"""

from __future__ import annotations

import json
from typing import Any

from factdeck.quiz import QUESTION_TYPES, Placed, Quiz, Reference, make_quiz
from factdeck.records.factbase import FactBase
from factdeck.records.schema import Citation, DeckSpec, Fact, QuizSettings, Source
from factdeck.text.accept import accepted_forms
from factdeck.text.words import in_running_text


def quiz_document(base: FactBase, deck: DeckSpec, facts: list[Fact], settings: QuizSettings | None = None) -> dict:
    """The deck's quiz (`make_quiz` with `settings`, default the deck's `quiz`) as the document above.

    Pure and deterministic: the same inputs and seed give the same document. Raises nothing for a deck too
    small (see "notes")."""
    quiz = make_quiz(base, deck, facts, settings)
    return document_of(base, quiz)


def document_of(base: FactBase, quiz: Quiz) -> dict:
    """The document of an already made quiz (what `quiz_document` returns)."""
    return {
        "deck": {"id": quiz.deck_id, "name": quiz.deck_name, "title": quiz.title},
        "seed": quiz.seed,
        "requested": quiz.requested,
        "notes": list(quiz.notes),
        "sources": [_source(s) for s in quiz.sources],
        "versions": [
            {"letter": v.letter, "questions": [question_data(base, p) for p in v.questions]} for v in quiz.versions
        ],
    }


def _source(s: Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "author": s.author,
        "publisher": s.publisher,
        "kind": s.kind,
        "stance": s.stance,
        "perspective": s.perspective,
        "url": s.url,
    }


def document_head(
    base: FactBase, deck: DeckSpec, settings: QuizSettings, questions: list[dict[str, Any]]
) -> dict[str, Any]:
    """The document's fields before "versions" for `questions` chosen otherwise than by a worksheet (a game's,
    games.py): its sources are those the questions cite."""
    cited = {c["source"] for q in questions for c in _all_citations(q)}
    return {
        "deck": {"id": deck.id, "name": deck.name, "title": settings.title or deck.name},
        "seed": settings.seed,
        "requested": len(questions),
        "notes": [],
        "sources": [_source(s) for s in base.sources.values() if s.id in cited],
    }


def _all_citations(q: dict[str, Any]) -> list[dict[str, Any]]:
    dispute = q.get("dispute") or {"versions": [], "citations": []}
    return [
        *q["citations"],
        *(c for row in q.get("items", []) for c in row["citations"]),
        *(c for v in dispute["versions"] for c in v["citations"]),
        *dispute["citations"],
    ]


def quiz_json(document: dict) -> bytes:
    """The document as UTF-8 JSON, indented, keys in the order above (stable across runs)."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _citations(
    base: FactBase, refs: tuple[Reference, ...], fact_ids: tuple[str, ...], own: list | None = None
) -> list[dict[str, Any]]:
    """References with their source's author, publisher and stance, and the quote cited there: from `own`
    citations where given (a dispute version's, so that two versions citing one passage keep their own
    quotes), else the facts' own citations first."""
    cited = own if own is not None else [c for f in fact_ids for c in base.facts_by_id[f].citations]
    if own is None:  # then the versions' citations, for a reference only they make
        cited += [c for f in fact_ids for c in base.facts_by_id[f].all_citations()]
    quotes: dict[tuple[str, str], str] = {}
    for c in cited:
        quotes.setdefault((c.source, c.locator), c.quote)
    out = []
    for r in refs:
        source = base.sources[r.source_id]
        out.append(
            {
                "source": r.source_id,
                "title": source.title,
                "author": source.author,
                "publisher": source.publisher,
                "stance": source.stance,
                "locator": r.locator,
                "quote": quotes.get((r.source_id, r.locator)),
            }
        )
    return out


def _era(base: FactBase, fact_ids: tuple[str, ...]) -> dict[str, str] | None:
    eras = {base.facts_by_id[f].era for f in fact_ids}
    if len(eras) != 1:
        return None
    era = base.eras_by_id[eras.pop()]
    return {"id": era.id, "title": era.title}


def _every_citation(base: FactBase, citations: list[Citation], fact_id: str) -> list[dict[str, Any]]:
    """Each citation once (by source and locator), with its source's details and quote."""
    refs = {(c.source, c.locator): Reference(c.source, base.sources[c.source].title, c.locator) for c in citations}
    return _citations(base, tuple(refs.values()), (fact_id,), citations)  # their own quotes, not the fact's


def question_data(base: FactBase, placed: Placed) -> dict[str, Any]:
    """One placed question as the document lists it (the shape above)."""
    q = placed.question
    fact = base.facts_by_id[q.fact_ids[0]] if len(q.fact_ids) == 1 and QUESTION_TYPES.of(q).single else None
    data: dict[str, Any] = {
        "number": placed.number,
        "id": q.id,
        "type": q.type,
        "form": "",
        "fact": fact.id if fact else None,
        "facts": list(q.fact_ids),
        "era": _era(base, q.fact_ids),
        "prompt": q.prompt,
        "options": [],
        "answer": q.answer,
        "explanation": q.explanation,
        "citations": _citations(base, q.references, q.fact_ids),
        "dispute": None,
        "according": [],
    }
    data.update(QUESTION_TYPES.of(q).data(placed))
    items = {i.fact_id: i for i in q.items}
    for row in data.get("items", []):
        data_item = items[row["fact"]]
        row["citations"] = _citations(base, data_item.references, (data_item.fact_id,))
    if "accepted" in data and fact is not None:
        data["accepted"] = accepted_forms([*data["accepted"], *fact.accept])
    if fact is not None and fact.dispute is not None:
        versions = [
            {
                "id": v.id,
                "claimed_by": v.claimed_by,
                "claim": v.claim,
                "answer": v.answer,
                "accepted": accepted_forms([v.answer, *v.accept]),
                "citations": _every_citation(base, v.citations, fact.id),
            }
            for v in fact.dispute.versions
        ]
        # The fact's own citations that no version gives (a source cited for the fact as a whole).
        in_versions = {(c.source, c.locator) for v in fact.dispute.versions for c in v.citations}
        own = [c for c in fact.citations if (c.source, c.locator) not in in_versions]
        data["dispute"] = {
            "summary": fact.dispute.summary,
            "versions": versions,
            "citations": _every_citation(base, own, fact.id),
        }
        data["according"] = _according(fact, versions)
    return data


def according_prompt(question: str, claimed_by: str) -> str:
    """A disputed fact's question asked of one claimant, which has one right answer: "…? — according to X"."""
    return f"{question.rstrip()} — according to {in_running_text(claimed_by)}"


def _according(fact: Fact, versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One single-answer question per version ("…? — according to X"), its options every version's answer in
    the record's order; none when two versions give the same answer (the options would not tell them apart)."""
    options = [v["answer"] for v in versions]
    if len(set(options)) != len(options):
        return []
    return [
        {
            "claimed_by": v["claimed_by"],
            "prompt": according_prompt(fact.question, v["claimed_by"]),
            "options": options,
            "correct": i,
            "answer": v["answer"],
            "accepted": v["accepted"],
            "citations": v["citations"],
        }
        for i, v in enumerate(versions)
    ]
