"""The JSON export: its documented shape, and the schema reference generated from the models."""

from __future__ import annotations

import json

from factdeck.build import load_and_validate
from factdeck.export import export_document, export_json
from factdeck.schema import DeckSpec, Era, Fact, Source
from factdeck.schema_doc import schema_markdown

from conftest import REPO


def test_shape(project):
    doc = export_document(load_and_validate(project.root))
    assert list(doc) == ["sources", "eras", "facts", "decks"]
    assert [s["id"] for s in doc["sources"]] == ["chronicle", "pamphlet"]
    assert set(doc["sources"][0]) == set(Source.model_fields)
    assert set(doc["eras"][0]) == set(Era.model_fields)
    assert set(doc["decks"][0]) == set(DeckSpec.model_fields)
    facts = {f["id"]: f for f in doc["facts"]}
    assert set(facts["flood-deaths"]) == set(Fact.model_fields) | {"disputed", "corroboration"}
    assert facts["flood-deaths"]["disputed"] is True
    assert facts["flood-deaths"]["corroboration"] == 2
    assert facts["guild-founded"]["disputed"] is False
    assert facts["guild-founded"]["corroboration"] == 1
    assert facts["first-master"]["corroboration"] == 2
    # Every status is exported; the draft fact included.
    assert facts["guild-dissolved"]["status"] == "draft"
    # Values as loaded: dates stay text.
    assert facts["guild-dissolved"]["date"] == "1935~"
    assert facts["flood-deaths"]["dispute"]["versions"][1]["claimed_by"] == "the Rival Society pamphlet"


def test_export_is_deterministic_json(project):
    base = load_and_validate(project.root)
    first = export_json(base)
    assert first == export_json(load_and_validate(project.root))
    json.loads(first)


def test_schema_reference_is_up_to_date():
    assert (REPO / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown(), (
        "docs/schema.md is stale: run `factdeck schema > docs/schema.md`"
    )
