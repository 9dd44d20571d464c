"""The record models' defaults (records/defaults.py, schema.py): made with the least work a model's build asks
for, and the same records as the plain way of making them."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
from pydantic import BaseModel

from factdeck.records import languages, schema, translated
from factdeck.records.defaults import empty_dict, empty_list, made_as_is
from factdeck.records.record import Record


def _record_models() -> list[type[Record]]:
    found = {
        value
        for module in (schema, languages, translated)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Record) and value is not Record
    }
    return sorted(found, key=lambda model: model.__name__)


FACTORIES = [
    (model, name, field.default_factory)
    for model in _record_models()
    for name, field in model.model_fields.items()
    if field.default_factory is not None
]


def test_every_models_fields_are_found():
    assert {"Fact", "DeckSpec", "DeckSelection", "QuizSettings", "TranslationSettings", "FactTranslation"} <= {
        model.__name__ for model in _record_models()
    }
    assert len(FACTORIES) > 20


@pytest.mark.parametrize(("model", "name", "factory"), FACTORIES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_no_default_factory_is_a_builtin(model, name, factory):
    """pydantic reads each factory's signature as it builds a model: a builtin's (`list`, `dict`) is parsed from
    its text signature, tokenize and ast (defaults.py); a Python function's or a model's own is read at once."""
    assert not inspect.isbuiltin(factory) and factory not in (list, dict, set, tuple), (model, name)


@pytest.mark.parametrize(("model", "name", "factory"), FACTORIES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_a_default_is_what_validating_nothing_makes(model, name, factory):
    """Each default equals the value the model validates for that field when its input gives none: a model's
    default made without validation (`defaults.made_as_is`) is the model validated from an empty mapping, with the
    same fields set (none)."""
    made = factory()
    annotation = model.model_fields[name].annotation
    if isinstance(made, BaseModel):
        validated = type(made).model_validate({})
        assert type(made) is annotation
        assert made == validated and made.model_dump() == validated.model_dump()
        assert made.model_fields_set == validated.model_fields_set == set()
    else:
        assert type(made) in (list, dict), (model, name, made)
        assert factory not in (empty_list, empty_dict) or made == type(made)()
    assert factory() is not made  # a new value each time: records never share a mutable default


def test_a_decks_default_sections_are_its_sections_given_empty():
    given = {"id": "all", "name": "All", "description": "Every fact."}
    sections = {"select": {}, "cards": {}, "quiz": {}, "sessions": {}, "translation": {}}
    plain = schema.DeckSpec.model_validate(given)
    explicit = schema.DeckSpec.model_validate({**given, **sections})
    assert plain == explicit and plain.model_dump() == explicit.model_dump()
    assert plain.model_fields_set == set(given) and explicit.model_fields_set == set(given) | set(sections)


def test_a_model_made_as_is_reads_no_factorys_signature(monkeypatch):
    """pydantic's `model_construct` reads each default factory's signature at every call (is it given the
    validated data?); `made_as_is` gives it every value, so a deck's default sections read none (a tenth of a
    millisecond a deck)."""
    from pydantic._internal import _fields

    asked = []
    monkeypatch.setattr(_fields, "takes_validated_data_argument", lambda factory: asked.append(factory) or False)
    schema.DeckSpec.model_validate({"id": "all", "name": "All", "description": "Every fact."})
    made = made_as_is(schema.QuizSettings)()
    assert asked == [] and made == schema.QuizSettings.model_validate({})


def test_validating_a_deck_builds_no_model_of_its_default_sections():
    """A deck file without `select:`, `cards:`, … takes their defaults: made without validation, they build no
    validator of their own beside the deck's (six models, half of what a check's validation built)."""
    code = (
        "from factdeck.records import schema\n"
        "schema.DeckSpec.model_validate({'id': 'all', 'name': 'All', 'description': 'Every fact.'})\n"
        "print(sorted(m.__name__ for m in schema.Record.__subclasses__() if m.__pydantic_complete__))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "['DeckSpec']", run.stdout + run.stderr
