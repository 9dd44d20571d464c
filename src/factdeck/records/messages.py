"""factdeck's own wording for what a library raises on a user's input.

A library's message text changes between its releases (PyYAML 6.0.4's libyaml began to refuse deep
nesting with its own words), and it speaks of the library's internals ("while scanning a simple key").
Users see factdeck's words instead, the same whichever release produced the error, each saying the fix
where one is known. The library's own exception stays chained to factdeck's (`raise ... from exc`), so
`--debug` still shows it.

Each function classifies an exception by its type, its structured fields (marks, error kinds) and the
user's own text at the reported place; the library's wording is only a last hint, and anything not
recognized gets a general message of factdeck's, never the library's text.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import pydantic

from factdeck.records.introspect import is_text_field, record_class
from factdeck.records.schema import Record

if TYPE_CHECKING:  # PyYAML is imported where a text is parsed (records/yaml_parse.py), not with this module
    import yaml

# Every check imports this module (through collect.py and yaml_parse.py) and a valid project's words none of its
# messages: the patterns below are compiled where a message is worded (re keeps them), and difflib is imported
# where a name is suggested (with heapq, a millisecond of the import).

# --- YAML (PyYAML with or without libyaml) -------------------------------------------------------------

YAML_FALLBACK = "this is not valid YAML: check the indentation, colons and quote marks on this line and the one above"


def _line_text(text: str, line: int) -> str:
    """Line `line` (1-based) of `text`, or ''."""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _char_at(text: str, mark: Any) -> str:
    index = getattr(mark, "index", None)
    return text[index] if isinstance(index, int) and 0 <= index < len(text) else ""


def _key_column(line: str) -> int:
    """Where a line's content starts, after its indentation and any list markers ('- ')."""
    column = len(line) - len(line.lstrip(" "))
    while line[column : column + 2] == "- ":
        column += 2
        column += len(line[column:]) - len(line[column:].lstrip(" "))
    return column


def _previous_content_line(text: str, line: int) -> str:
    lines = text.splitlines()
    for candidate in reversed(lines[: max(line - 1, 0)]):
        if candidate.strip() and not candidate.lstrip().startswith("#"):
            return candidate
    return ""


def _unclosed_bracket(text: str, end: int) -> tuple[str, int] | None:
    """The innermost '[' or '{' still open at index `end` of `text`, with its line; quoted text and comments
    are skipped."""
    stack: list[tuple[str, int]] = []
    line, quote, comment = 1, "", False
    previous = "\n"
    for char in text[:end]:
        if char == "\n":
            line, comment = line + 1, False
        elif comment:
            pass
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and (previous in " \t[{,:" or previous == "\n"):
            quote = char
        elif char == "#" and previous in " \t\n":
            comment = True
        elif char in "[{":
            stack.append((char, line))
        elif char in "]}" and stack:
            stack.pop()
        previous = char
    return stack[-1] if stack else None


def _unclosed_quote_above(text: str, line: int, reach: int = 12) -> int:
    """The line (1-based) within `reach` lines above `line` whose value opens a double-quoted text it does not
    close (the parser then reads on into the next lines and fails there), or 0."""
    lines = text.splitlines()
    for number in range(max(line - 1, 1), max(line - reach, 1) - 1, -1):
        candidate = lines[number - 1] if number - 1 < len(lines) else ""
        value = candidate.split(": ", 1)[1] if ": " in candidate else candidate.lstrip(" -")
        value = value.strip()
        if value.startswith('"') and (value.count('"') - value.count('\\"')) % 2 == 1:
            return number
    return 0


_TEXT_AFTER_QUOTE = r"""(^|[:\-]\s+)("[^"]*"|'[^']*')\s*[^\s#]"""


def yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """The (line, message) to show for a YAML parse error in `text` (line 1-based; 0 when unknown).

    Recognizes, for the C and the pure-Python parser alike: tabs used for indentation, a missing colon, an
    unclosed quote or bracket, bad indentation, a ': ' inside a plain value, text after a closing quote,
    a reserved first character (@, `, %, &, *), an undefined alias, an unknown escape, several documents
    in one file, too deep nesting. Anything else gets `YAML_FALLBACK`.
    """
    import yaml

    if isinstance(exc, yaml.reader.ReaderError):
        # A character YAML forbids: no mark, but its position in the text.
        line = text[: exc.position].count("\n") + 1
        return line, (
            f"control character U+{exc.character:04X} is not allowed in YAML: remove it "
            "(write a line break as a real line break in a block text '|')"
        )
    if not isinstance(exc, yaml.MarkedYAMLError):
        return 0, YAML_FALLBACK
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    problem_line = problem_mark.line + 1 if problem_mark else 0
    context_line = context_mark.line + 1 if context_mark else problem_line
    words = f"{exc.context or ''} {exc.problem or ''}".lower()
    here = _line_text(text, problem_line)
    char = _char_at(text, problem_mark)

    if "nesting" in words or "depth" in words:
        return problem_line or context_line, "nesting is too deep"
    leading = here[: len(here) - len(here.lstrip())]
    if "\t" in leading or char == "\t" or "tab" in words:
        tab_line = problem_line if "\t" in leading or char == "\t" else context_line
        return tab_line, "a tab is used for indentation, and YAML allows only spaces: replace the tab with spaces"
    if "quoted scalar" in words and "end of stream" in words:
        return context_line, "a quote mark opened on this line is never closed: add the closing quote mark"
    if "escape" in words:
        half = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", here)
        if half:  # what JSON writes for a character beyond U+FFFF; YAML wants it whole
            return problem_line, (
                f"{half.group()} is half of a UTF-16 surrogate pair, not a character: write the character itself "
                "(or \\U and its eight hex digits, e.g. \\U0001F30D)"
            )
        return problem_line, (
            "unknown escape sequence in double-quoted text: write \\\\ for a backslash, "
            "or put the text in single quotes"
        )
    if "single document" in words or "another document" in words:
        return problem_line, "the file holds more than one YAML document ('---'): keep one document per file"
    if "flow" in words:
        opened = _unclosed_bracket(text, getattr(problem_mark, "index", len(text)))
        bracket, line = opened if opened else ("[" if "sequence" in words else "{", context_line)
        closer = "]" if bracket == "[" else "}"
        noun = "list" if bracket == "[" else "mapping"
        return line, f"a {noun} opened with '{bracket}' on this line is not closed with '{closer}'"
    if "simple key" in words:
        return context_line, (
            "a line without 'key: value': add the colon and a space after the key, "
            "or indent the line to continue the text above"
        )
    if "alias" in words and "undefined" in words:
        return (
            problem_line,
            "an alias ('*name') refers to no anchor ('&name') above it: define the anchor or quote the text",
        )
    if "anchor" in words or "alias" in words:
        return problem_line, "'&' and '*' start YAML anchors and aliases: put a value that starts with them in quotes"
    if "directive" in words or "document start" in words:
        return problem_line, (
            "unexpected text outside the document ('%', '---' or '...' above it?): "
            "put a value starting with '%' in quotes"
        )
    if "cannot start any token" in words or "cannot start" in words:
        shown = char if char.strip() else "this character"
        return problem_line, f"a value cannot start with {shown!r}: put the value in quotes"
    if "mapping values are not allowed" in words:
        previous = _previous_content_line(text, problem_line)
        if previous and _key_column(here) > _key_column(previous) and not previous.rstrip().endswith(":"):
            return problem_line, (
                "this line is indented more than the line above: line it up with the keys "
                "of its record (or put a text that runs on in quotes)"
            )
        return problem_line, "a ': ' inside a value: put the whole value in quotes"
    if re.search(_TEXT_AFTER_QUOTE, here):
        return problem_line, "text follows a closing quote mark: put the whole value inside the quotes"
    quote_line = _unclosed_quote_above(text, problem_line)
    if quote_line and ("block" in words or "expected key" in words):
        return quote_line, "a quote mark opened on this line is never closed: add the closing quote mark"
    if "block" in words or "expected key" in words or "indicator" in words:
        if here.lstrip().startswith("- "):
            return problem_line, (
                "a list item ('- ') where a key was expected: indent it under its key, "
                "or line it up with the other items"
            )
        return problem_line, (
            "this line's indentation does not match the lines above: line up the keys of one "
            "record, and the items ('- ') of one list"
        )
    return problem_line or context_line, YAML_FALLBACK


# --- Typst --------------------------------------------------------------------------------------------


_TYPST_UNKNOWN = r"unknown variable:\s*(\S+)"
_TYPST_FONT = r"font family:\s*(.+)"
TYPST_FAILED = "Typst could not compile the document"


def typst_message(message: str) -> str:
    """factdeck's words for a Typst compile error or warning (Typst reports no place in factdeck's terms)."""
    low = message.lower()
    unknown = re.search(_TYPST_UNKNOWN, message)
    if unknown:
        return f"{TYPST_FAILED}: it uses '{unknown.group(1)}', which Typst does not know (a misspelt function or variable?)"
    if "font" in low:
        family = re.search(_TYPST_FONT, message)
        named = f"the font '{family.group(1).strip()}'" if family else "a font the document names"
        return f"{named} is not available: name a font that fonts/ holds or that Typst embeds"
    if "unclosed" in low:
        return f"{TYPST_FAILED}: a bracket, string or markup is opened and never closed"
    if "expected" in low or "unexpected" in low:
        return f"{TYPST_FAILED}: a syntax error in the Typst code"
    return TYPST_FAILED


# --- pydantic (record validation) -------------------------------------------------------------------

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "float_type": "a number",
    "int_from_float": "a whole number",
}


# pydantic's number bounds: error type -> (words, key of the bound in the error's context).
_BOUND_WORDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}


def describe_input(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return f"the number {value:g}"  # "a whole number, not a number" would say nothing
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def dotted_key(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def model_at(model: type[Record] | None, loc: tuple[Any, ...]) -> type[Record] | None:
    """The record model that holds the key at `loc` (for did-you-mean hints)."""
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, pydantic.BaseModel)) or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        model = record_class(annotation)
        if model is None:
            return None
    return model


# Unknown keys that mean a known one under another name, by the model that has them: suggested by meaning
# before any spelling match ("ids" is nearer "kinds" than "facts" in spelling, and means the facts).
_SAME_MEANING = {"Selection": {"ids": "facts", "fact_ids": "facts", "fact": "facts", "id": "facts"}}


def _key_hint(holder: Any, name: str) -> str:
    """What an unknown key `name` of `holder` (a model) probably is: a key of the same meaning, a key one level
    down (`select: tags:` belongs under `include` or `exclude`), else the nearest in spelling."""
    if holder is None:
        return ""
    meant = _SAME_MEANING.get(holder.__name__, {}).get(name)
    if meant is not None:
        return f" (did you mean '{meant}'?)"
    below = [
        field_name
        for field_name, field in holder.model_fields.items()
        if isinstance(field.annotation, type) and name in getattr(field.annotation, "model_fields", {})
    ]
    if below:
        return f" ('{name}' goes under {_or_list(below)}: {below[0]}: {{{name}: …}})"
    from difflib import get_close_matches

    close = get_close_matches(name, list(holder.model_fields), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def pydantic_message(model: type[Record], error: Mapping[str, Any]) -> str:
    """factdeck's words for one of pydantic's errors (`ValidationError.errors()`) validating `model`: its
    error kind and context, never its message text, decide the wording."""
    loc = tuple(error["loc"])
    key = dotted_key(loc)
    kind = error["type"]
    if kind == "missing":
        return f"missing required key '{key}'"
    if kind == "extra_forbidden":
        return f"unknown key '{key}'{_key_hint(model_at(model, loc[:-1]), str(loc[-1]))}"
    text_field = kind == "string_type" and _is_text(model, loc)
    if text_field and isinstance(error.get("input"), bool):
        return (
            f"'{key}' must be text, not true/false: YAML reads an unquoted yes, no, on, off, true or false as "
            f'true/false; put the value in quotes ({key.rsplit(".", 1)[-1]}: "No")'
        )
    if text_field and isinstance(error.get("input"), (int, float)):
        return f'\'{key}\' must be text, not a number: put it in quotes (as written, e.g. "1.50" or "007")'
    if kind in _TYPE_WORDS:
        return f"'{key}' must be {_TYPE_WORDS[kind]}, not {describe_input(error.get('input'))}"
    if kind in _BOUND_WORDS:
        words, bound = _BOUND_WORDS[kind]
        return f"'{key}' must be {words} {error['ctx'][bound]}, not {error.get('input')}"
    if kind == "literal_error":
        options = _literal_options(model, loc) or re.findall(
            r"'([^']*)'", str(error.get("ctx", {}).get("expected", ""))
        )
        hint = suggest(str(error.get("input")), options)
        return f"'{key}' must be one of {_or_list(options)}, not '{error.get('input')}'{hint}"
    if kind in ("value_error", "assertion_error"):
        # One of factdeck's own validators: its message is factdeck's (pydantic only adds a prefix).
        cause = error.get("ctx", {}).get("error")
        message = str(cause) if cause is not None else "invalid value"
        return f"{key}: {message}" if key else message
    # A rule factdeck has no words for yet: factdeck's general message, never pydantic's wording.
    value = describe_input(error.get("input"))
    return f"'{key}' has a value that is not allowed here ({value})" if key else f"not allowed here ({value})"


def _is_text(model: type[Record], loc: tuple[Any, ...]) -> bool:
    """Whether the field at `loc` in `model` holds free text (where quoting a value is the fix)."""
    holder = model_at(model, tuple(p for p in loc[:-1] if not isinstance(p, int)))
    name = next((p for p in reversed(loc) if not isinstance(p, int)), None)
    return holder is not None and is_text_field(holder, str(name))


def _or_list(options: list[str]) -> str:
    quoted = [f"'{o}'" for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _literal_options(model: type[Record], loc: tuple[Any, ...]) -> list[str]:
    """The allowed values of the Literal-typed field at `loc` in `model`, in declaration order."""
    holder = model_at(model, tuple(p for p in loc if not isinstance(p, int))[:-1])
    field_name = next((p for p in reversed(loc) if not isinstance(p, int)), None)
    if holder is None or field_name not in getattr(holder, "model_fields", {}):
        return []
    found: list[str] = []

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is Literal:
            found.extend(str(a) for a in typing.get_args(annotation))
        else:
            for arg in typing.get_args(annotation):
                walk(arg)

    walk(holder.model_fields[str(field_name)].annotation)
    return found


def suggest(name: str, known: Iterable[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
