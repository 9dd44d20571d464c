"""Library errors in factdeck's words: one case per translated message, for every library that reads a
user's input (PyYAML with and without libyaml, pydantic, Jinja2, Typst).

Each YAML case is parsed by both of PyYAML's parsers, whose wordings differ, and must give the same
factdeck message: that is what keeps a message stable when a library release rewords its own.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pydantic
import pytest
import typst
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.exceptions import InputError, TemplateError
from factdeck.outputs.render import _template_error
from factdeck.records.load import parse_document
from factdeck.records.messages import pydantic_message as _message
from factdeck.records.messages import typst_message, yaml_problem
from factdeck.records.schema import DeckSpec, Era, Fact, Source
from factdeck.records.template_messages import (
    StrictUndefined,
    UndefinedVariable,
    template_syntax_message,
    undefined_message,
)
from factdeck.text.edtf import Day

TAB = "a tab is used for indentation, and YAML allows only spaces: replace the tab with spaces"
YAML_CASES = [
    ("tab-in-mapping", "- id: a\n\tkind: date\n", 2, TAB),
    ("tab-before-item", "a:\n\t- b\n", 2, TAB),
    (
        "missing-colon",
        "- id: a\n  kind date\n  era: x\n",
        2,
        "a line without 'key: value': add the colon and a space after the key, or indent the line to continue the text above",
    ),
    (
        "unclosed-double-quote",
        '- id: a\n  question: "What\n  era: x\n',
        2,
        "a quote mark opened on this line is never closed: add the closing quote mark",
    ),
    (
        "unclosed-single-quote",
        "a: 'x",
        1,
        "a quote mark opened on this line is never closed: add the closing quote mark",
    ),
    (
        "unclosed-quote-before-more-keys",
        '- id: a\n  answer: "USS Hornet\n  statement: "It was recovered."\n  status: draft\n',
        2,
        "a quote mark opened on this line is never closed: add the closing quote mark",
    ),
    ("colon-in-value", "- id: a\n  question: Why: this\n", 2, "a ': ' inside a value: put the whole value in quotes"),
    (
        "indented-too-far",
        "- id: a\n  kind: date\n   era: x\n",
        3,
        "this line is indented more than the line above: line it up with the keys of its record "
        "(or put a text that runs on in quotes)",
    ),
    (
        "indented-too-little",
        "- id: a\n  kind: date\n era: x\n",
        3,
        "this line's indentation does not match the lines above: line up the keys of one record, "
        "and the items ('- ') of one list",
    ),
    (
        "item-where-key",
        "a: b\n- c\n",
        2,
        "a list item ('- ') where a key was expected: indent it under its key, or line it up with the other items",
    ),
    ("text-after-quote", 'a: "x" y\n', 1, "text follows a closing quote mark: put the whole value inside the quotes"),
    (
        "unclosed-list",
        "- id: a\n  kind: [date\n  era: founding\n",
        2,
        "a list opened with '[' on this line is not closed with ']'",
    ),
    ("unclosed-list-at-end", "a: [\n", 1, "a list opened with '[' on this line is not closed with ']'"),
    ("unclosed-mapping", "a: {b: 1\n", 1, "a mapping opened with '{' on this line is not closed with '}'"),
    ("at-sign", "a: @foo\n", 1, "a value cannot start with '@': put the value in quotes"),
    ("backtick", "a: `foo\n", 1, "a value cannot start with '`': put the value in quotes"),
    (
        "undefined-alias",
        "a: *nope\n",
        1,
        "an alias ('*name') refers to no anchor ('&name') above it: define the anchor or quote the text",
    ),
    (
        "empty-anchor",
        "a: &\n",
        1,
        "'&' and '*' start YAML anchors and aliases: put a value that starts with them in quotes",
    ),
    (
        "unknown-escape",
        'a: "C:\\q"\n',
        1,
        "unknown escape sequence in double-quoted text: write \\\\ for a backslash, or put the text in single quotes",
    ),
    (
        "two-documents",
        "a: 1\n---\nb: 2\n",
        2,
        "the file holds more than one YAML document ('---'): keep one document per file",
    ),
    (
        "repeated-directive",
        "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
        2,
        "unexpected text outside the document ('%', '---' or '...' above it?): put a value starting with '%' in quotes",
    ),
]
LOADERS = [pytest.param(yaml.SafeLoader, id="python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))
LIBRARY_WORDS = (
    "while scanning",
    "while parsing",
    "could not find",
    "did not find",
    "found character",
    "found unexpected",
    "<block",
    "<stream",
    "Input should",
    "Value error",
    "is undefined",
    "has no attribute",
    "Expected an expression",
)


def _yaml_error(text: str, loader: type) -> yaml.YAMLError:
    with pytest.raises(yaml.YAMLError) as info:
        yaml.compose(text, Loader=loader)
    return info.value


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("case", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_yaml_errors_in_factdecks_words_whichever_parser(case, loader) -> None:
    _, text, line, message = case
    assert yaml_problem(_yaml_error(text, loader), text) == (line, message)


@pytest.mark.parametrize(
    "text",
    ["[" * 5000 + "]" * 5000 + "\n", "".join("  " * i + "k:\n" for i in range(1200)) + "  " * 1200 + "v\n"],
    ids=["flow", "block"],
)
def test_deep_nesting_is_too_deep_whichever_way_it_is_refused(text) -> None:
    with pytest.raises(InputError) as info:
        parse_document(text, Path("f.yaml"), "facts/f.yaml")
    assert info.value.problem.message == "nesting is too deep"


def test_control_character() -> None:
    with pytest.raises(InputError) as info:
        parse_document('a: "x\x07y"\n', Path("f.yaml"), "facts/f.yaml")
    assert str(info.value) == (
        "facts/f.yaml:1: control character U+0007 is not allowed in YAML: remove it "
        "(write a line break as a real line break in a block text '|')"
    )


def test_the_librarys_exception_stays_chained_for_debug() -> None:
    with pytest.raises(InputError) as info:
        parse_document("a: [\n", Path("f.yaml"), "facts/f.yaml")
    assert isinstance(info.value.__cause__, yaml.YAMLError)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab :-'\"[]{}#&*!|>%@`\t\n,?", max_size=40))
def test_no_yaml_input_shows_the_parsers_wording(text: str) -> None:
    try:
        parse_document(text, Path("f.yaml"), "facts/f.yaml")
    except InputError as exc:
        assert not any(words in exc.problem.message for words in LIBRARY_WORDS), (text, exc.problem.message)


# --- pydantic ----------------------------------------------------------------------------------------

WRONG_VALUES = [None, True, 7, 1.5, "text", ["a"], {"a": 1}, "x" * 300]


@pytest.mark.parametrize("model", [Source, Era, Fact, DeckSpec], ids=lambda m: m.__name__)
def test_no_record_error_shows_pydantics_wording(model) -> None:
    for name in model.model_fields:
        for value in WRONG_VALUES:
            try:
                model.model_validate({name: value})
            except pydantic.ValidationError as exc:
                for error in exc.errors(include_url=False):
                    message = _message(model, error)
                    assert not any(words in message for words in LIBRARY_WORDS), (name, value, message)


def test_literal_choices_listed_from_the_schema() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Source.model_validate({"stance": "netural"})
    error = next(e for e in info.value.errors(include_url=False) if e["loc"] == ("stance",))
    assert _message(Source, error) == (
        "'stance' must be one of 'critical', 'supportive', 'state-aligned', 'neutral', "
        "'mixed' or 'unknown', not 'netural' (did you mean 'neutral'?)"
    )


def test_a_rule_without_words_gets_factdecks_general_message() -> None:
    error = {"loc": ("question",), "type": "some_future_kind", "msg": "Library words", "input": 5}
    assert _message(Fact, error) == "'question' has a value that is not allowed here (a number)"


def test_own_validator_message_without_pydantics_prefix() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Source.model_validate({"id": "Not A Slug"})
    error = next(e for e in info.value.errors(include_url=False) if e["loc"] == ("id",))
    assert (
        _message(Source, error)
        == "id: 'Not A Slug' is not a valid id: use lower-case letters, digits and single hyphens"
    )


# --- Jinja2 ------------------------------------------------------------------------------------------


def _render(source: str, **context) -> Exception:
    env = jinja2.Environment(undefined=StrictUndefined)
    with pytest.raises(jinja2.TemplateError) as info:
        env.from_string(source).render(**context)
    return info.value


@pytest.mark.parametrize(
    "source, context, message",
    [
        ("{{ nosuch }}", {}, "undefined variable 'nosuch'"),
        ("{{ 'a' ~ nosuch }}", {}, "undefined variable 'nosuch'"),
        ("{% for x in nosuch %}{% endfor %}", {}, "undefined variable 'nosuch'"),
        ("{{ quiz.title }}", {"quiz": {}}, "undefined variable: a mapping has no 'title'"),
        ("{{ quiz['title'] }}", {"quiz": {}}, "undefined variable: a mapping has no 'title'"),
        ("{{ quiz.nosuch }}", {"quiz": Path("x")}, "undefined variable: a PosixPath has no 'nosuch'"),
        ("{{ quiz.nosuch }}", {"quiz": ("a", "b")}, "undefined variable: a list has no 'nosuch'"),
        # a value class made a named tuple is named by its class, as a dataclass was, not as a list
        ("{{ day.nosuch }}", {"day": Day(1979, 2, 11)}, "undefined variable: a Day has no 'nosuch'"),
    ],
)
def test_undefined_names_in_factdecks_words(source, context, message) -> None:
    error = _render(source, **context)
    assert isinstance(error, UndefinedVariable)
    assert undefined_message(error) == message


def test_defined_tests_still_work_with_the_strict_undefined() -> None:
    env = jinja2.Environment(undefined=StrictUndefined)
    assert env.from_string("{{ 'yes' if x is defined else 'no' }}").render() == "no"


@pytest.mark.parametrize(
    "source, message",
    [
        (
            "{% if %}x{% endif %}",
            "template syntax error: an expression is missing or incomplete inside '{{ }}' or '{% %}'",
        ),
        ("{% for x in y %}", "template syntax error: a '{% for %}' block is never closed: add '{% endfor %}'"),
        ("{% endif %}", "template syntax error: unknown tag 'endif' (an end tag without its block, or a misspelling?)"),
        (
            "{% frobnicate %}",
            "template syntax error: unknown tag 'frobnicate' (an end tag without its block, or a misspelling?)",
        ),
    ],
)
def test_template_syntax_errors_in_factdecks_words(source, message) -> None:
    with pytest.raises(jinja2.TemplateSyntaxError) as info:
        jinja2.Environment().from_string(source)
    assert template_syntax_message(info.value) == message


def test_an_unrecognized_syntax_error_gets_the_general_message() -> None:
    error = jinja2.TemplateSyntaxError("Some wording of a future release", 3, name="x.html")
    assert (
        str(_template_error(error, "x.html"))
        == "templates/x.html:3: template syntax error: check the '{{ }}' and '{% %}' on this line"
    )
    assert isinstance(_template_error(error, "x.html"), TemplateError)


# --- Typst -------------------------------------------------------------------------------------------


def _typst_error(source: str) -> str:
    with pytest.raises(typst.TypstError) as info:
        typst.Compiler().compile(input=source.encode(), format="pdf")
    return info.value.message


@pytest.mark.parametrize(
    "source, message",
    [
        (
            "#nosuch(1)",
            "Typst could not compile the document: it uses 'nosuch', which Typst does not know (a misspelt function or variable?)",
        ),
        (
            "#let x = (\n",
            "Typst could not compile the document: a bracket, string or markup is opened and never closed",
        ),
    ],
)
def test_typst_errors_in_factdecks_words(source, message) -> None:
    assert typst_message(_typst_error(source)) == message


def test_typst_font_warning_and_unknown_error() -> None:
    assert typst_message("unknown font family: no such font") == (
        "the font 'no such font' is not available: name a font that fonts/ holds or that Typst embeds"
    )
    assert typst_message("a wording no release has used yet") == "Typst could not compile the document"
