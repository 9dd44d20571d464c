"""The schema reference (docs/schema.md), generated from the models so it cannot drift."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from factdeck.records.fields import text_limit
from factdeck.records.schema import (
    Attribution,
    CardSettings,
    Citation,
    DeckSelection,
    DeckSpec,
    Dispute,
    DisputeVersion,
    Era,
    Fact,
    GlossaryEntry,
    ProjectConfig,
    QuestionType,
    QuizLabels,
    QuizSettings,
    Selection,
    SessionSettings,
    Source,
    TextQuoteSelector,
)

# Documented in the order an editor meets them.
DOCUMENTED: tuple[tuple[str, type[BaseModel]], ...] = (
    ("Source (`facts/sources.yaml`, a list)", Source),
    ("Era (`facts/eras.yaml`, a list)", Era),
    ("Glossary entry (`facts/glossary.yaml`, a list, optional)", GlossaryEntry),
    ("Fact (every other file under `facts/`, a list)", Fact),
    ("Citation", Citation),
    ("Quote selector (a citation's `selector`, optional)", TextQuoteSelector),
    ("Attribution", Attribution),
    ("Dispute", Dispute),
    ("Dispute version", DisputeVersion),
    ("Deck (`decks/*.yaml`, one per file)", DeckSpec),
    ("Deck selection (`select`)", DeckSelection),
    ("Selection criteria (`include`, `exclude`)", Selection),
    ("Card settings (`cards`)", CardSettings),
    ("Quiz settings (`quiz`)", QuizSettings),
    ("Worksheet field labels (`quiz.labels`)", QuizLabels),
    ("Session settings (`sessions`)", SessionSettings),
    ("Project configuration (`factdeck.yaml`, optional)", ProjectConfig),
)


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " \\| ".join(names)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of question type to {_type_name(args[1])}" if args[0] is QuestionType else "mapping"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return {str: "text", int: "integer", bool: "true/false"}.get(annotation, str(annotation))


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "optional"
        return f"default `{value}`" if value else "optional"
    if field.default is None or field.default is PydanticUndefined:
        return "optional"
    return f"default `{str(field.default).lower() if isinstance(field.default, bool) else field.default}`"


def _inner_metadata(annotation: Any) -> list[Any]:
    """The validators of a list's items (`list[AnswerText]`) or of an optional value's type."""
    found: list[Any] = []
    for arg in typing.get_args(annotation):
        found.extend(getattr(arg, "__metadata__", ()))
        found.extend(_inner_metadata(arg))
    return found


def schema_markdown() -> str:
    lines = [
        "# Record schema",
        "",
        "Generated from `src/factdeck/records/schema.py` by `factdeck schema`; do not edit by hand.",
        "Unknown keys are errors. Dates in facts are EDTF (the Library of Congress's Extended Date/Time",
        "Format, levels 0 and 1, and one-of sets): `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, optionally ending in",
        "`~` (approximate), `?` (uncertain) or `%` (both); `196X`; `-0043` (44 BCE); seasons `2001-21`;",
        "intervals `A/B` (`..` for an open end); one of a set `[A,B]`.",
        "Texts learners read have length limits (characters): what a printed worksheet or answer key shows",
        "in a few lines and an Anki card shows without scrolling; Anki, Moodle and Canvas accept longer texts.",
        "",
    ]
    for title, model in DOCUMENTED:
        lines += [
            f"## {title}",
            "",
            (model.__doc__ or "").strip(),
            "",
            "| key | type | | description |",
            "|---|---|---|---|",
        ]
        for name, field in model.model_fields.items():
            limit = text_limit([*field.metadata, *_inner_metadata(field.annotation)])
            shown = _type_name(field.annotation) + (f" (at most {limit} characters)" if limit else "")
            lines.append(f"| `{name}` | {shown} | {_default(field)} | {field.description or ''} |")
        lines.append("")
    return "\n".join(lines)
