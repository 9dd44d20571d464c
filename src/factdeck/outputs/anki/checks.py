"""The checks `factdeck check` adds for Anki that validation cannot make (it renders no cards): two notes of one
deck with the same front and different backs, which Anki's importer flags as duplicates.

Kept apart from the package code so that a check whose decks have no candidate pair imports none of it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from factdeck.exceptions import Problem
from factdeck.records.factbase import FactBase
from factdeck.records.identity import PUBLISHED_FOLDER
from factdeck.records.schema import Fact
from factdeck.records.select import select_facts


def _texts(fact: Fact) -> tuple[str, ...]:
    return (" ".join(fact.question.casefold().split()), " ".join(fact.answer.casefold().split()),
            " ".join(fact.statement.casefold().split()))  # fmt: skip


def anki_warnings(base: FactBase, output: Path | None) -> list[Problem]:
    """Warnings about the notes of every deck that validation cannot see: two notes of one deck with the same
    front and different backs. Only the facts that share a question, answer or statement with another fact
    of the deck are rendered (a front shows one of them), so the check stays cheap on a large base, and the
    card code and the stored fields (reused from the last build in `output`) are loaded only when there are
    such facts; the build checks every note it writes."""
    suspects_by_deck = []
    texts: dict[str, tuple[str, ...]] = {}  # each fact's texts, worked out once for every deck
    for deck in base.decks:
        facts = select_facts(base, deck)
        keys = [texts[f.id] if f.id in texts else texts.setdefault(f.id, _texts(f)) for f in facts]
        seen = Counter((i, text) for key in keys for i, text in enumerate(key))
        suspects = [f for f, key in zip(facts, keys) if any(seen[(i, text)] > 1 for i, text in enumerate(key))]
        if suspects:
            suspects_by_deck.append((deck, suspects))
    if not suspects_by_deck:
        return []
    from factdeck.engine.incremental import shared_key
    from factdeck.outputs.anki.cards import CardMaker, RenderedFields
    from factdeck.outputs.anki.package import FIELDS_FILE, _load_fields, duplicate_fronts

    shared = shared_key(base, base.root, "apkg")
    stored = _load_fields(output / FIELDS_FILE, shared) if output is not None else {}
    maker = CardMaker(base, RenderedFields(shared, stored, base.fact_json))
    return [
        Problem(deck.file, deck.line, f"deck '{deck.id}': {message}", "warning")
        for deck, suspects in suspects_by_deck
        for message in duplicate_fronts(maker.deck_notes(deck, suspects))
    ]


def release_problems(base: FactBase, output: Path | None) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the release records (release.py's `release_problems`): loads the package code
    only for a project that has released."""
    if not (base.root / PUBLISHED_FOLDER).is_dir():
        return [], []
    from factdeck.outputs.anki.release import release_problems as problems

    return problems(base, output if output is not None else base.root / "build")
