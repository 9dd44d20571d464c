"""A language's messages as HTML templates call them (`_`, `gettext`, `ngettext`, `pgettext`), without Jinja2.

render.py installs them as the HTML environment's globals; the built-in card fields (outputs/anki/
builtin_fields.py) call the same functions without an environment, so a command that makes cards from the
built-in fields (`factdeck check` after an edit, comparing the edited facts' notes with the release record)
imports no Jinja2 (about a twentieth of that check at 10,000 facts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from factdeck.i18n import Language


def html_messages(language: Language) -> dict[str, Callable[..., Markup]]:
    """`{"_", "gettext", "ngettext", "pgettext"}`: `language`'s messages, each escaped and then filled with the
    values given by name (`ngettext` gives `n` too; an int is written in the language's digits), so a value that
    is already markup (a fact text through `|text`, a `{% set %}` block) stays markup, any other value is
    escaped once, and a translation can never add markup."""
    translations = language.translations

    def gettext(message: str, **values: Any) -> Markup:
        return _filled(escape(translations.ugettext(message)), language, values)

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> Markup:
        return _filled(escape(translations.ungettext(singular, plural, n)), language, {"n": n, **values})

    def pgettext(context: str, message: str, **values: Any) -> Markup:
        return _filled(escape(translations.upgettext(context, message)), language, values)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext}


def _filled(message: Markup, language: Language, values: dict[str, Any]) -> Markup:
    if not values:
        return message
    return message % {k: language.number(v) if type(v) is int else v for k, v in values.items()}
