"""Record defaults made without validation (`model_construct` as a field's default factory, records/schema.py):
each is the record the model validates from nothing, and validating a deck that leaves every setting out builds
no validator but the deck's."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from pydantic import field_validator

from factdeck.records import languages, schema
from factdeck.records.record import Record


def _unvalidated_defaults() -> list[tuple[str, Any]]:
    """(model.field, factory) of every record field whose default is a record made by `model_construct`."""
    found = []
    for module in (schema, languages):
        for model in vars(module).values():
            if not (isinstance(model, type) and issubclass(model, Record)):
                continue
            for name, field in model.model_fields.items():
                factory = field.default_factory
                if getattr(factory, "__name__", "") == "model_construct":
                    found.append((f"{model.__name__}.{name}", factory))
    return found


def _differences(made: Record, validated: Record) -> list[str]:
    """How a default made unvalidated differs from the record validated from nothing ([] if in nothing)."""
    said = []
    if type(made) is not type(validated):
        said.append(f"type {type(made).__name__} is not {type(validated).__name__}")
    if made != validated or made.model_dump() != validated.model_dump():
        said.append(f"{made!r} is not {validated!r}")
    if made.model_fields_set != validated.model_fields_set:
        said.append(f"fields given {made.model_fields_set} are not {validated.model_fields_set}")
    for name in type(validated).model_fields:
        inner, other = getattr(made, name), getattr(validated, name)
        if isinstance(other, Record):
            said += _differences(inner, other)
    return said


def test_every_record_default_of_the_schema_is_made_unvalidated() -> None:
    names = {name for name, _ in _unvalidated_defaults()}
    assert names == {
        "DeckSelection.include",
        "DeckSelection.exclude",
        "QuizSettings.labels",
        "DeckSpec.select",
        "DeckSpec.cards",
        "DeckSpec.quiz",
        "DeckSpec.sessions",
        "DeckSpec.translation",
    }


@pytest.mark.parametrize(("name", "factory"), _unvalidated_defaults(), ids=lambda value: str(value))
def test_a_default_made_unvalidated_is_the_validated_one(name: str, factory: Any) -> None:
    assert _differences(factory(), factory.__self__.model_validate({})) == [], name


def test_a_default_that_validation_changes_is_told_apart() -> None:
    """What the comparison above would say of a model whose validation changes its default."""

    class Shouting(Record):
        word: str = "name"

        @field_validator("word")
        @classmethod
        def _loud(cls, value: str) -> str:
            return value.upper()

    assert _differences(Shouting.model_construct(), Shouting.model_validate({})) != []


def test_validating_a_deck_without_settings_builds_only_the_decks_validator() -> None:
    """In a fresh interpreter (this one's models may have been built by other tests)."""
    code = (
        "from factdeck.records import schema\n"
        "deck = schema.DeckSpec.model_validate({'id': 'd', 'name': 'D', 'description': 'A deck.'})\n"
        "assert deck.select.include.eras == [] and deck.quiz.labels.name == 'Name'\n"
        "built = [m.__name__ for m in vars(schema).values()\n"
        "         if isinstance(m, type) and issubclass(m, schema.Record) and m.__pydantic_complete__]\n"
        "print(sorted(built))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "['DeckSpec']"
