"""Render stage: Jinja2 templates, the project's `templates/` over the built-in ones (records/templates.py).

Two environments, both with `StrictUndefined` so a misspelt variable is an
error rather than an empty string:

- HTML (`.html`, `.css`): autoescaped, so no fact text can become markup.
- Typst (`.typ`): every `{{ … }}` value is escaped for Typst markup by default
  (through `finalize`), so no fact text can run Typst code, read a file or
  change the layout. Template authors opt out only with `|typst_raw`, for
  values the code itself builds.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from factdeck.exceptions import TemplateError
from factdeck.i18n import Language
from factdeck.outputs.html_messages import html_messages
from factdeck.outputs.vocabulary import Vocabulary
from factdeck.records.template_messages import StrictUndefined, template_syntax_message, undefined_message
from factdeck.records.templates import TEMPLATES, display_name, own_names, search_path
from factdeck.text.bidi import other_direction_runs, reads_ltr, text_direction
from factdeck.text.dates import date_label

__all__ = [
    "TEMPLATES",
    "html_environment",
    "typst_environment",
    "forget_environments",
    "render",
    "load_template",
    "render_template",
]

# Characters with a meaning in Typst markup; each is escaped with a backslash.
_TYPST_SPECIAL = set("\\#*_`$<>@[]=-+/~'\".:;,!?()&{}|^%")


class TypstRaw(str):
    """Typst source the code built itself; passes through the escaping untouched."""


def typst_escape(value: Any) -> str:
    """Text that Typst markup shows literally, on one line."""
    if isinstance(value, TypstRaw):
        return value
    text = " ".join(str(value).split())
    return "".join("\\" + c if c in _TYPST_SPECIAL else c for c in text)


def typst_string(value: Any) -> TypstRaw:
    """A Typst string literal holding `value` (for use in code: `#text({{ x|typst_string }})`)."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return TypstRaw(f'"{text}"')


def _finalize_typst(value: Any) -> Any:
    """`value` escaped; a right-to-left text (a Persian sentence, text/bidi.py's `text_direction`) set right to
    left, so that a paragraph of it reads from, and is aligned to, its start edge on the right."""
    escaped = typst_escape(value)
    if isinstance(value, str) and not isinstance(value, TypstRaw) and text_direction(value) == "rtl":
        return f"#text(dir: rtl)[{escaped}]"
    return escaped


def _finalize_typst_rtl(value: Any) -> Any:
    """`value` escaped for a right-to-left document: a left-to-right text (an English quote, a source's title, a
    fact not yet translated) in Unicode isolates (FSI … PDI, UAX #9), so its closing full stop or bracket stays
    at its own end instead of taking the page's direction, while the paragraph keeps the page's alignment."""
    if not isinstance(value, str) or isinstance(value, TypstRaw):
        return typst_escape(value)
    # A single word needs no isolate: a run of letters alone keeps its order, and neutral characters are
    # what the bidi algorithm misplaces.
    if not value.isalnum() and reads_ltr(value):
        return f"\u2068{typst_escape(value)}\u2069"
    # A Persian sentence holding a Latin run ("… (the paragraph beginning 'In April 1992')"): the run isolated.
    text = " ".join(value.split())  # as typst_escape joins lines, before the runs are found
    return "".join(
        f"\u2068{_escape_piece(piece)}\u2069" if other and not piece.isalnum() else _escape_piece(piece)
        for piece, other in other_direction_runs(text)
    )


def _escape_piece(piece: str) -> str:
    """`typst_escape` of one piece of a text, keeping the spaces at its edges (it sits between other pieces)."""
    return "".join("\\" + c if c in _TYPST_SPECIAL else c for c in piece)


def _isolates(text: str, language: Language) -> tuple[TypstRaw, TypstRaw]:
    """The Typst that opens and closes a text printed in pieces (a fill-in statement around its blank) as one
    run of its own direction, when that is not the document's: the pieces then read in the text's order, not in
    the page's. ("", "") when the text reads in the document's direction."""
    if language.rtl and reads_ltr(text):
        return TypstRaw("\u2068"), TypstRaw("\u2069")
    if not language.rtl and text_direction(text) == "rtl":
        return TypstRaw("#text(dir: rtl)["), TypstRaw("]")
    return TypstRaw(""), TypstRaw("")


class _Environment(jinja2.Environment):
    """Jinja2's environment with each template's globals in a plain dict.

    Jinja2 gives every template a ChainMap over the environment's globals and walks it twice per render
    (copying it into the render's context); tens of thousands of card fields made that a tenth of their
    rendering time. factdeck never changes an environment's globals once its templates load.
    """

    def make_globals(self, d: dict[str, Any] | None) -> dict[str, Any]:  # type: ignore[override]
        return {**self.globals, **(d or {})}


def _environment(root: Path, typst: bool, language: Language | None) -> jinja2.Environment:
    finalize = (_finalize_typst_rtl if language is not None and language.rtl else _finalize_typst) if typst else None
    options: dict[str, Any] = {
        "extensions": ["jinja2.ext.i18n"],
        "undefined": StrictUndefined,
        "autoescape": False if typst else jinja2.select_autoescape(["html", "htm", "xml", "css"]),
        "finalize": finalize,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    # A project's own file of a name wins over the built-in one (the loader searches its folders in order).
    env = _Environment(
        loader=jinja2.FileSystemLoader(search_path(root)), bytecode_cache=_bytecode_cache(options), **options
    )
    if typst:
        env.filters["typst_raw"] = TypstRaw
        env.filters["typst_string"] = typst_string
    _install_language(env, language or Language.source(), markup=not typst)
    return env


def _bytecode_cache(options: dict[str, Any]) -> jinja2.BytecodeCache | None:
    """Where Jinja2 keeps the templates it compiled (a worksheet's two templates took longer to compile than
    to render), in factdeck's cache folder (`engine/parse_cache.py: cache_folder`); none when caching is off.

    Jinja2 finds an entry by the template's name and file and uses it only while the file's text and Jinja2's
    own version are those it was compiled from; it does not see the environment's options, which shape the
    code compiled (escaping, finalizing, white space), so each set of options has its own folder."""
    from factdeck.engine.parse_cache import cache_folder

    folder = cache_folder("templates")
    if folder is None:
        return None
    shape = repr({key: getattr(value, "__qualname__", value) for key, value in options.items()})
    folder = folder / hashlib.sha256(shape.encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _install_language(env: jinja2.Environment, language: Language, markup: bool) -> None:
    """The language's messages as the templates' `_`, `gettext`, `ngettext` and `pgettext` (the names
    `pybabel extract` looks for; `{% trans %}` blocks work too), and the language itself as `language` (its
    `tag`, `direction`, `number`, `digits`). The functions return plain text, which the environment then
    escapes like any value, so a translation can never add markup. Each environment has one language: two
    languages are two environments (no process-wide switch). In HTML (`markup`), a message is escaped and then
    filled, so a value that is already markup (a fact text through `|text`, a `{% set %}` block) stays markup
    and any other value is escaped once."""
    if markup:
        env.globals.update(html_messages(language), language=language)
        return
    translations = language.translations

    def typst_gettext(message: str, **values: Any) -> TypstRaw:
        return _typst_filled(translations.ugettext(message), language, values)

    def typst_ngettext(singular: str, plural: str, n: int, **values: Any) -> TypstRaw:
        return _typst_filled(translations.ungettext(singular, plural, n), language, {"n": n, **values})

    env.globals.update(
        _=language.gettext,
        gettext=language.gettext,
        ngettext=language.ngettext,
        pgettext=language.pgettext,
        # A message some of whose values are Typst code (`|typst_raw`, a macro's result): the message's own
        # text escaped, the code as it is, other values escaped.
        typst_gettext=typst_gettext,
        typst_ngettext=typst_ngettext,
        language=language,
        words=Vocabulary.of(language),  # the names of question types, source kinds and stances
        date_label=lambda text: date_label(text, language),  # an EDTF date as the language writes it
        typst_escape=typst_escape,
        isolates=lambda text: _isolates(str(text), language),
    )
    env.filters["digits"] = lambda value: language.digits(str(value))  # a number in the language's digits


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _typst_filled(message: str, language: Language, values: dict[str, Any]) -> TypstRaw:
    out = []
    for i, part in enumerate(_PLACEHOLDER.split(message)):
        if i % 2 == 0:
            out.append("".join("\\" + c if c in _TYPST_SPECIAL else c for c in part.replace("%%", "%")))
            continue
        value = values[part]
        if isinstance(value, TypstRaw | Markup):
            out.append(str(value))
        elif type(value) is int:
            out.append(typst_escape(language.number(value)))
        else:
            out.append(typst_escape(value))
    return TypstRaw("".join(out))


def html_environment(root: Path, language: Language | None = None) -> jinja2.Environment:
    """The HTML environment of `root`'s templates in `language` (default English). Kept for the process per
    project, language and set of the project's own template files (records/templates.py: `own_names`), so a
    long-running `factdeck watch` sees an override the project adds; an edited file is reloaded by Jinja2."""
    return _html_environment(root, language, own_names(root))


def typst_environment(root: Path, language: Language | None = None) -> jinja2.Environment:
    """The Typst environment of `root`'s templates in `language` (default English), kept as
    `html_environment` is."""
    return _typst_environment(root, language, own_names(root))


@lru_cache(maxsize=16)
def _html_environment(root: Path, language: Language | None, own: tuple[str, ...]) -> jinja2.Environment:
    return _environment(root, typst=False, language=language)


@lru_cache(maxsize=16)
def _typst_environment(root: Path, language: Language | None, own: tuple[str, ...]) -> jinja2.Environment:
    return _environment(root, typst=True, language=language)


def forget_environments() -> None:
    """Drop every kept environment, as a new process starts (tests of what is compiled or cached use it)."""
    _html_environment.cache_clear()
    _typst_environment.cache_clear()


def render(env: jinja2.Environment, name: str, root: Path, **context: Any) -> str:
    """Render template `name`, turning every Jinja2 failure into a located `TemplateError`."""
    return render_template(load_template(env, name), name, root, context)


def load_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    """Template `name`, or a located `TemplateError` (fetch once, render many times: see `render_template`)."""
    try:
        return env.get_template(name)
    except _JINJA_ERRORS as exc:
        raise _template_error(exc, name) from exc


def render_template(template: jinja2.Template, name: str, root: Path, context: dict[str, Any]) -> str:
    """Render a loaded template; errors (also from templates it imports) become a located `TemplateError`."""
    try:
        return template.render(context)
    except _JINJA_ERRORS as exc:
        raise _template_error(exc, name, template.filename) from exc


_JINJA_ERRORS = (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound, jinja2.UndefinedError)


def _template_error(exc: Exception, name: str, filename: str | None = None) -> TemplateError:
    """A Jinja2 failure in template `name` (or one it imports) as one located line, naming the project's file
    or the built-in one it came from (`filename`, the file rendered, finds the line of an undefined variable
    in the traceback)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(
            f"{display_name(exc.name or name, exc.filename)}:{exc.lineno}: {template_syntax_message(exc)}"
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(f"{TEMPLATES}/{exc.name}: template not found")
    line = _template_line(exc, Path(filename)) if filename else 0
    assert isinstance(exc, jinja2.UndefinedError)
    return TemplateError(f"{display_name(name, filename)}{':' + str(line) if line else ''}: {undefined_message(exc)}")


def _template_line(exc: BaseException, path: Path) -> int:
    """The template line an exception was raised at, from its traceback."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
