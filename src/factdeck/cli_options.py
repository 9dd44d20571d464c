"""Parsing of `factdeck quiz`'s options (click callbacks): question types, TYPE=N pairs, field labels.

Each raises `click.BadParameter`, which click reports as a usage error (exit status 2).
"""

from __future__ import annotations

from typing import Any

import click


def question_types_option(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str] | None:
    """`--types a,b --types c` as a list, each checked against the known question types."""
    if not values:  # not given: nothing to check, and nothing imported (click runs this before the command, whose
        return None  # Typst workers start before it imports the quiz code and its models)
    from factdeck.quiz import QUESTION_TYPES

    chosen = [t.strip() for value in values for t in value.split(",") if t.strip()]
    for t in chosen:
        if t not in QUESTION_TYPES:
            raise click.BadParameter(f"unknown question type '{t}' (choose from {', '.join(QUESTION_TYPES)})")
    return list(dict.fromkeys(chosen)) or None


def per_type_option(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, int] | None:
    """`--points TYPE=N` (or `--count`), repeated or comma-separated, as {type: N}."""
    if not values:  # not given (as `question_types_option`)
        return None
    from factdeck.quiz import QUESTION_TYPES

    limit = 100 if param.name == "points" else 500
    chosen: dict[str, int] = {}
    for pair in (p.strip() for value in values for p in value.split(",") if p.strip()):
        kind, _, number = pair.partition("=")
        kind = kind.strip()
        if kind not in QUESTION_TYPES:
            raise click.BadParameter(f"unknown question type '{kind}' (choose from {', '.join(QUESTION_TYPES)})")
        if not number.strip().isdigit() or int(number) > limit:
            raise click.BadParameter(f"'{pair}': give TYPE=N with N a whole number from 0 to {limit}")
        chosen[kind] = int(number)
    return chosen or None


_LABELS = {"name": "name", "date": "date", "group": "group", "id": "student_id"}


def labels_option(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    """`--label group=Class` (repeated) as the quiz's labels; unnamed fields keep their default labels."""
    if not values:  # not given (as `question_types_option`)
        return None
    from factdeck.records.schema import QuizLabels

    chosen: dict[str, str] = {}
    for value in values:
        field, sep, label = value.partition("=")
        if not sep or field.strip() not in _LABELS:
            raise click.BadParameter(f"'{value}': give FIELD=LABEL with FIELD one of {', '.join(_LABELS)}")
        chosen[_LABELS[field.strip()]] = label.strip()
    return QuizLabels(**chosen) if chosen else None


def text_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A text option that, given, must not be blank."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty")
    return value
