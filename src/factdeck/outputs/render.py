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

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from factdeck.exceptions import TemplateError
from factdeck.records.messages import StrictUndefined, template_syntax_message, undefined_message
from factdeck.records.templates import TEMPLATES, display_name, search_path
from factdeck.text.bidi import text_direction

__all__ = ["TEMPLATES", "html_environment", "typst_environment", "render", "load_template", "render_template"]

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


class _Environment(jinja2.Environment):
    """Jinja2's environment with each template's globals in a plain dict.

    Jinja2 gives every template a ChainMap over the environment's globals and walks it twice per render
    (copying it into the render's context); tens of thousands of card fields made that a tenth of their
    rendering time. factdeck never changes an environment's globals once its templates load.
    """

    def make_globals(self, d: dict[str, Any] | None) -> dict[str, Any]:  # type: ignore[override]
        return {**self.globals, **(d or {})}


def _environment(root: Path, typst: bool) -> jinja2.Environment:
    # A project's own file of a name wins over the built-in one (the loader searches its folders in order).
    env = _Environment(
        loader=jinja2.FileSystemLoader(search_path(root)),
        undefined=StrictUndefined,
        autoescape=False if typst else jinja2.select_autoescape(["html", "htm", "xml", "css"]),
        finalize=_finalize_typst if typst else None,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    if typst:
        env.filters["typst_raw"] = TypstRaw
        env.filters["typst_string"] = typst_string
    return env


@lru_cache(maxsize=8)
def html_environment(root: Path) -> jinja2.Environment:
    return _environment(root, typst=False)


@lru_cache(maxsize=8)
def typst_environment(root: Path) -> jinja2.Environment:
    return _environment(root, typst=True)


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
