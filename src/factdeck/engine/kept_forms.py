"""Each fact's comparison forms (records/fact_forms.py) as the rules across facts keep them per fact file
(engine/validation.py's `_cached_across`): without their words and stems, which are kept apart."""

from __future__ import annotations

from itertools import chain
from typing import Any

from factdeck.records.fact_forms import FactForms

# A fact's forms as kept: `FactForms` without its words and stems (kept apart, `_restore_words`).
_FORM_TYPES = (str, str, tuple, str, tuple, tuple, tuple)
_WORDS, _STEMS = FactForms._fields.index("words"), FactForms._fields.index("stems")


def without_words(form: FactForms) -> tuple:
    """What is kept of `form` with the file's forms: all but its words and stems."""
    return tuple(value for i, value in enumerate(form) if i not in (_WORDS, _STEMS))


def restore_words(entry: Any, count: int) -> list[tuple[tuple[str, ...], tuple[str, ...]]] | None:
    """The `count` facts' (words, stems) as kept; None if `entry` is not that (tested a column at a time)."""
    if type(entry) is not list or len(entry) != count:
        return None
    if not set(map(type, entry)) <= {tuple} or not set(map(len, entry)) <= {2}:
        return None
    for column in zip(*entry):
        if not set(map(type, column)) <= {tuple} or not set(map(type, chain.from_iterable(column))) <= {str}:
            return None
    return entry


def restore_forms(entry: Any, count: int) -> list[FactForms] | None:
    """The `count` facts' forms kept as plain tuples (`without_words`), their words and stems None; None if `entry`
    is not that. Tested a column at a time, by the set of types each holds (loops in C: a check restores every
    fact's forms)."""
    if type(entry) is not list or len(entry) != count:
        return None
    if not set(map(type, entry)) <= {tuple} or not set(map(len, entry)) <= {len(_FORM_TYPES)}:
        return None
    if entry and not all(set(map(type, column)) <= {kind} for column, kind in zip(zip(*entry), _FORM_TYPES)):
        return None
    # Without their words and stems (None until `_cached_across` reads them for a part it makes again).
    make = FactForms._make
    return [make((q, a, v, s, c, None, n, None, f)) for q, a, v, s, c, n, f in entry]
