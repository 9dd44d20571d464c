"""factdeck's own wording for Jinja2's template errors (records/messages.py's rule: the library's exception stays
chained, the user reads factdeck's words), and the `StrictUndefined` the template environments use.

Apart from records/messages.py so that what loads and checks records (`factdeck check`) does not import Jinja2.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2


class UndefinedVariable(jinja2.UndefinedError):
    """A template used a name or attribute that does not exist; `name` is it, `owner` what it was looked up on
    (None for a top-level name)."""

    def __init__(self, name: str, owner: Any):
        self.name = name
        self.owner = owner
        super().__init__(name)


class StrictUndefined(jinja2.StrictUndefined):
    """Jinja2's `StrictUndefined`, raising `UndefinedVariable` with the name and owner instead of a sentence.

    `_undefined_name` and `_undefined_obj` are the documented attributes of Jinja2's `Undefined`."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        name = self._undefined_name
        owner = self._undefined_obj
        if name is None:  # an undefined made with only a hint (e.g. a missing item): no name to give
            name = "?"
        raise UndefinedVariable(str(name), None if owner is jinja2.utils.missing else owner)

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return self._fail_with_undefined_error()


# Jinja2's StrictUndefined binds every operator to its own failure function; bind them to ours.
for _base in jinja2.StrictUndefined.__mro__:
    for _name, _value in vars(_base).items():
        if _value is jinja2.Undefined._fail_with_undefined_error and _name != "_fail_with_undefined_error":
            setattr(StrictUndefined, _name, StrictUndefined._fail_with_undefined_error)
del _base, _name, _value


def _owner_words(owner: Any) -> str:
    if isinstance(owner, dict):
        return "a mapping"
    if isinstance(owner, list) or (isinstance(owner, tuple) and not hasattr(owner, "_fields")):
        return "a list"  # a named tuple (a value class such as a locator) is named by its class below
    if isinstance(owner, str):
        return "a text"
    return f"a {type(owner).__name__}"


def undefined_message(exc: jinja2.UndefinedError) -> str:
    """factdeck's words for a name a template used that does not exist."""
    if isinstance(exc, UndefinedVariable):
        if exc.owner is None:
            return f"undefined variable '{exc.name}'"
        return f"undefined variable: {_owner_words(exc.owner)} has no '{exc.name}'"
    return "undefined variable (run with --debug for details)"


_END_TAG = re.compile(r"needs to be closed is '(\w+)'")
_UNKNOWN_TAG = re.compile(r"unknown tag '([^']+)'", re.IGNORECASE)


def template_syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    """factdeck's words for a Jinja2 syntax error (the line comes from `exc.lineno`)."""
    text = exc.message or ""
    low = text.lower()
    if "unexpected end of template" in low:
        block = _END_TAG.search(text)
        if block:
            return f"template syntax error: a '{{% {block.group(1)} %}}' block is never closed: add '{{% end{block.group(1)} %}}'"
        return "template syntax error: a block is never closed: add its '{% end... %}' tag"
    tag = _UNKNOWN_TAG.search(text)
    if tag:
        return f"template syntax error: unknown tag '{tag.group(1)}' (an end tag without its block, or a misspelling?)"
    if "expected an expression" in low or "expected token" in low or "unexpected" in low:
        return "template syntax error: an expression is missing or incomplete inside '{{ }}' or '{% %}'"
    return "template syntax error: check the '{{ }}' and '{% %}' on this line"
