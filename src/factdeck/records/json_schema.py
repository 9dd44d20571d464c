"""JSON Schema (draft 2020-12) of each kind of project file, made from the record models (records/schema.py),
for editors: yaml-language-server (VS Code's YAML extension and others) reads the schema a file names in its
`# yaml-language-server: $schema=...` line and gives completion, hover text and inline errors.

The schema says what one record may hold (keys, types, vocabularies, slugs, non-empty text, dates); the
rules across records (ids that must exist, quotes in the archived text) are `factdeck check`'s alone.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from factdeck.records.fields import MAX_DECK_ID, WINDOWS_RESERVED
from factdeck.records.schema import DeckSpec, Era, Fact, GlossaryEntry, ProjectConfig, Source

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Text: something besides white space, and none of the controls records/fields.py refuses.
TEXT = {"type": "string", "pattern": r"\S", "not": {"pattern": "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]"}}
DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
YEAR_OR_DATE = {"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}]}
HISTORICAL = {"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}, {"type": "array"}]}

# (file name in schemas/, title, model, whether the file is a list of records)
FILE_KINDS: tuple[tuple[str, str, type, bool], ...] = (
    ("facts", "factdeck fact file (facts/*.yaml)", Fact, True),
    ("sources", "factdeck sources (facts/sources.yaml)", Source, True),
    ("eras", "factdeck eras (facts/eras.yaml)", Era, True),
    ("glossary", "factdeck glossary (facts/glossary.yaml)", GlossaryEntry, True),
    ("deck", "factdeck deck (decks/*.yaml)", DeckSpec, False),
    ("project", "factdeck project settings (factdeck.yaml)", ProjectConfig, False),
)


def _constrain(defs: dict[str, Any]) -> None:
    """Put the constraints of factdeck's value types (records/fields.py) into the generated definitions."""
    from factdeck.records import schema as records

    for name, definition in defs.items():
        model = getattr(records, name, None)
        if model is None or not hasattr(model, "model_fields"):
            continue
        for field_name, field in model.model_fields.items():
            prop = definition.get("properties", {}).get(field_name)
            if prop is None:
                continue
            kind = _value_type(field)
            if kind is None:
                continue
            described = {k: prop[k] for k in ("description", "default", "title") if k in prop}
            nullable = not field.is_required() and field.default is None
            listed = "items" in prop or any("items" in p for p in prop.get("anyOf", ()))
            value = _VALUE_SCHEMAS[kind]
            if listed:
                value = {"type": "array", "items": value}
            if nullable:
                value = {"anyOf": [value, {"type": "null"}]}
            prop.clear()
            prop.update({**value, **described})


_VALUE_SCHEMAS: dict[str, dict[str, Any]] = {
    "_slug": {"type": "string", "pattern": SLUG},
    # A deck id names folders and files (records/fields.py): no name Windows reserves, at most MAX_DECK_ID.
    "_deck_id": {
        "type": "string",
        "pattern": SLUG,
        "maxLength": MAX_DECK_ID,
        "not": {"enum": sorted(WINDOWS_RESERVED)},
    },
    "_sha256": {"type": "string", "pattern": r"^[0-9a-f]{64}$"},
    "_text": TEXT,
    "_calendar": DAY,
    "_partial": YEAR_OR_DATE,
    "_historical": HISTORICAL,
    "_year_to_text": YEAR_OR_DATE,
}


def _value_type(field: Any) -> str | None:
    """The name of the validator of records/fields.py a field's type carries (directly or in a list)."""
    import typing

    metadata = list(field.metadata)
    for arg in typing.get_args(field.annotation):
        metadata += list(getattr(arg, "__metadata__", ()))
        for inner in typing.get_args(arg):
            metadata += list(getattr(inner, "__metadata__", ()))
    names = [getattr(getattr(m, "func", None), "__name__", "") for m in metadata]
    for name in ("_historical", "_partial", "_calendar", "_sha256", "_deck_id", "_slug", "_text", "_year_to_text"):
        if name in names:
            return name
    return None


def file_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of file (`facts`, `sources`, `eras`, `glossary`, `deck`, `project`).
    Raises `KeyError` for another kind."""
    name, title, model, is_list = next(k for k in FILE_KINDS if k[0] == kind)
    adapter: TypeAdapter[Any] = TypeAdapter(list[model] if is_list else model)  # type: ignore[valid-type]
    generated = adapter.json_schema(ref_template="#/$defs/{model}")
    defs = generated.pop("$defs", {})
    if not is_list:
        defs[model.__name__] = {k: v for k, v in generated.items()}
        generated = {"$ref": f"#/$defs/{model.__name__}"}
    _constrain(defs)
    # Anki reads '::' in a deck's name as a subdeck, and in an era's title (a subdeck's name) as a further one.
    for model_name, field_name in (("DeckSpec", "name"), ("Era", "title")):
        if model_name in defs:
            defs[model_name]["properties"][field_name]["allOf"] = [{"not": {"pattern": "::"}}]
    if "Distractor" in defs:  # written as plain text too (its model turns that into {text: ...})
        defs["Distractor"] = {"anyOf": [{**TEXT, "description": "The wrong option."}, defs["Distractor"]]}
    top: dict[str, Any] = {"$schema": DIALECT, "$id": f"https://factdeck.invalid/schemas/{name}.schema.json"}
    top["title"] = title
    if not is_list:
        # An empty factdeck.yaml is allowed (every setting has a default).
        generated = {"anyOf": [generated, {"type": "null"}]} if kind == "project" else generated
    return {**top, **generated, "$defs": defs}


def every_schema() -> dict[str, Any]:
    """One document with every record type in `$defs` and each kind of file under `$defs/<kind>-file`
    (what `factdeck schema --json` prints)."""
    defs: dict[str, Any] = {}
    kinds: dict[str, Any] = {}
    for name, *_ in FILE_KINDS:
        one = file_schema(name)
        defs.update(one.pop("$defs"))
        kinds[f"{name}-file"] = {k: v for k, v in one.items() if not k.startswith("$") or k == "$ref"}
    return {
        "$schema": DIALECT,
        "$id": "https://factdeck.invalid/schemas/factdeck.schema.json",
        "title": "factdeck records",
        "description": "Every record type of a factdeck project; each kind of file is $defs/<kind>-file.",
        "anyOf": [{"$ref": f"#/$defs/{name}-file"} for name, *_ in FILE_KINDS],
        "$defs": {**defs, **kinds},
    }


def schema_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def schema_files() -> dict[str, str]:
    """Each file kind's schema as JSON text, by file name (`facts.schema.json`, …): what `init` writes into a
    project's schemas/ folder and `factdeck schema --json --output DIR` writes into DIR."""
    return {f"{name}.schema.json": schema_json(file_schema(name)) for name, *_ in FILE_KINDS}


def header_line(kind: str, depth: int) -> str:
    """The yaml-language-server line that names the schema of a file `depth` folders below the project's top."""
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json\n"
