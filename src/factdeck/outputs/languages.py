"""The language a deck's outputs are written in: the deck's `language`, else the project's (factdeck.yaml),
with the deck's choice of digits and the project's own catalogs over the shipped ones."""

from __future__ import annotations

from dataclasses import replace

from factdeck.exceptions import UsageError
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec
from factdeck.records.translations import (
    FOLDER,
    base_translations,
    deck_language,
    deck_language_tag,
    localize,
    localize_record,
)

__all__ = ["deck_language", "deck_language_tag", "localized_base"]


def localized_base(base: FactBase, deck: DeckSpec) -> tuple[FactBase, list[str]]:
    """The fact base as the deck's outputs read it: in a language other than the facts' own, every fact with
    its current translation (records/translations.py; quotes and citations as they are), else `base` itself.
    Returns it and the build's notes on the deck's facts that keep original text. Raises `UsageError` when
    the deck's `translation.missing` is `refuse` and one of its facts lacks a current translation."""
    tag = deck_language_tag(base, deck)
    if tag == base.config.language or base.__dict__.get("_language") == tag:
        return base, []
    made: dict[str, tuple[FactBase, dict[str, list[str]]]] = base.__dict__.setdefault("_localized", {})
    if tag not in made:
        translations = base_translations(base, tag)
        localized = {f.id: localize(f, translations.by_fact.get(f.id)) for f in base.facts}
        others = translations.others
        made[tag] = (
            replace(
                base,
                facts=[localized[f.id].fact for f in base.facts],
                eras=[localize_record(e, others.get(("era", e.id))) for e in base.eras],
                sources={k: localize_record(s, others.get(("source", k))) for k, s in base.sources.items()},
                glossary=[localize_record(g, others.get(("term", g.term))) for g in base.glossary],
            ),
            {fact_id: found.untranslated for fact_id, found in localized.items() if found.untranslated},
        )
    translated, untranslated = made[tag]
    translated.__dict__["_language"] = tag  # already in the deck's language: localizing it again changes nothing
    chosen = [f.id for f in base.facts if deck.select.matches(f)]
    lacking = {fact_id: untranslated[fact_id] for fact_id in chosen if fact_id in untranslated}
    if not lacking:
        return translated, []
    whole = {fact_id for fact_id, fields in lacking.items() if "question" in fields and "statement" in fields}
    listed = "; ".join(
        fact_id if fact_id in whole else f"{fact_id} ({', '.join(fields)})"
        for fact_id, fields in list(lacking.items())[:8]
    )
    more = f"; and {len(lacking) - 8} more" if len(lacking) > 8 else ""
    where = f"{deck.file}:{deck.line}: " if deck.file else ""
    if deck.translation.missing == "refuse":
        raise UsageError(
            f"{where}deck '{deck.id}' ({tag}) refuses facts without a current translation: {listed}{more} "
            f"(translate them under {FOLDER}/{tag}/, or set translation.missing: fall-back)"
        )
    source = base.config.language
    return translated, [
        f"{len(lacking)} of {len(chosen)} facts keep their {source} text where no current {tag} translation "
        f"exists: {listed}{more}"
    ]
