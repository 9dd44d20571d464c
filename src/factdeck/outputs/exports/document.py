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
    dispute (null, or {"summary", "versions": [{"id", "claimed_by", "claim", "answer", "citations"}]}),
    according [single-answer forms of a disputed fact: {"claimed_by", "prompt", "options", "correct",
    "answer", "citations"}, one per version],
    and what the question's form needs (the question type's `data`, quiz/types.py):
    choice: correct (index into options); true-false: correct, statement, swapped;
    blank: parts, accepted; text: accepted; matching: items [{"fact", "text", "answer", "citations"}]
    and names (printed order); ordering: items with "rank" (1: earliest); essay: instructions, excerpts.
"""

from __future__ import annotations

import json
from typing import Any

from factdeck.quiz import QUESTION_TYPES, Placed, Quiz, Reference, make_quiz
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact, QuizSettings
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
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "author": s.author,
                "publisher": s.publisher,
                "kind": s.kind,
                "stance": s.stance,
                "perspective": s.perspective,
                "url": s.url,
            }
            for s in quiz.sources
        ],
        "versions": [
            {"letter": v.letter, "questions": [_question(base, p) for p in v.questions]} for v in quiz.versions
        ],
    }


def quiz_json(document: dict) -> bytes:
    """The document as UTF-8 JSON, indented, keys in the order above (stable across runs)."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _citations(base: FactBase, refs: tuple[Reference, ...], fact_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """References with their source's author, publisher and stance, and the quote the fact cites there."""
    quotes = {(c.source, c.locator): c.quote for f in fact_ids for c in base.facts_by_id[f].all_citations() if c.quote}
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


def _first_per_source(base: FactBase, citations: list, limit: int = 2) -> tuple[Reference, ...]:
    """The first citation of each of the first `limit` sources, as the key shows them (QuizMaker.references)."""
    seen: dict[str, Reference] = {}
    for c in citations:
        if c.source not in seen and len(seen) < limit:
            seen[c.source] = Reference(c.source, base.sources[c.source].title, c.locator)
    return tuple(seen.values())


def _era(base: FactBase, fact_ids: tuple[str, ...]) -> dict[str, str] | None:
    eras = {base.facts_by_id[f].era for f in fact_ids}
    if len(eras) != 1:
        return None
    era = base.eras_by_id[eras.pop()]
    return {"id": era.id, "title": era.title}


def _question(base: FactBase, placed: Placed) -> dict[str, Any]:
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
    if fact is not None and fact.dispute is not None:
        data["dispute"] = {
            "summary": fact.dispute.summary,
            "versions": [
                {
                    "id": v.id,
                    "claimed_by": v.claimed_by,
                    "claim": v.claim,
                    "answer": v.answer,
                    "citations": _citations(base, _first_per_source(base, v.citations), (fact.id,)),
                }
                for v in fact.dispute.versions
            ],
        }
        data["according"] = _according(fact, data["dispute"]["versions"])
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
            "citations": v["citations"],
        }
        for i, v in enumerate(versions)
    ]
