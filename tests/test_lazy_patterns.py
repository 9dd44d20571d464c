"""text/patterns.py: patterns compiled the first time they are asked for, kept, and refused for unknown names; a
module's LazyPattern answers as its compiled pattern."""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.text.patterns import LazyPattern, LazyPatterns


def test_a_pattern_is_compiled_when_first_asked_for_and_kept():
    patterns = LazyPatterns({"word": r"\w+", "digit": r"\d"})
    assert dict(patterns) == {}  # nothing compiled with the table
    word = patterns["word"]
    assert word.pattern == r"\w+" and word.findall("two words") == ["two", "words"]
    assert patterns["word"] is word  # kept: found again, not compiled again
    assert list(patterns) == ["word"]  # the other is still not compiled


def test_an_unknown_name_or_a_broken_source_is_refused():
    patterns = LazyPatterns({"broken": r"(unclosed"})
    with pytest.raises(KeyError):
        patterns["missing"]
    with pytest.raises(re.error):
        patterns["broken"]
    assert "broken" not in patterns  # nothing kept for a source that does not compile


# -- one pattern compiled at its first use (LazyPattern) -------------------------------------------------------

# The modules whose patterns a check after an edit may leave unused (docs/performance.md, "What a check after an
# edit imports and builds").
_MODULES = (
    "factdeck.records.bounds",
    "factdeck.records.date_giveaways",
    "factdeck.records.dates",
    "factdeck.records.options",
    "factdeck.records.question_rules",
    "factdeck.records.quoted_details",
    "factdeck.records.quotes",
    "factdeck.text.compare",
)


def _lazy_patterns() -> list[tuple[str, LazyPattern]]:
    found = []
    for name in _MODULES:
        module = importlib.import_module(name)
        found += [(f"{name}.{k}", v) for k, v in vars(module).items() if isinstance(v, LazyPattern)]
    return found


def _answers(pattern: re.Pattern[str] | LazyPattern, text: str) -> tuple:
    """What every method of `pattern` answers for `text`, as comparable values."""

    def found(match: re.Match[str] | None) -> tuple | None:
        return None if match is None else (match.span(), match.groups(), match.groupdict())

    return (
        found(pattern.search(text)),
        found(pattern.match(text)),
        found(pattern.fullmatch(text)),
        [found(m) for m in pattern.finditer(text)],
        pattern.findall(text),
        pattern.sub("<>", text),
        pattern.subn("<>", text),
        pattern.split(text),
    )


_TEXTS = st.lists(
    st.sampled_from(
        [
            "1988",
            "1,965",
            "12",
            "the 1980s",
            "20 August",
            "July",
            "Early",
            "mid-",
            "killed",
            "Was",
            "KILLED",
            "Assassinated",
            "MEK",
            "(note)",
            "...",
            "\u2026",
            " and ",
            ", ",
            "&",
            "footnote 3",
            "two",
            "Twenty",
            "-",
            "to",
            "thousand",
            "million",
            "1950s",
            "2004-05",
            "x",
            " ",
        ]  # fmt: skip
    ),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS)
def test_every_lazy_pattern_answers_as_its_compiled_pattern(text):
    patterns = _lazy_patterns()
    assert len(patterns) >= 15  # each module's were found
    for name, lazy in patterns:
        assert _answers(lazy, text) == _answers(re.compile(lazy.source, lazy.flags), text), name


def test_the_comparison_catches_a_pattern_compiled_without_its_flags():
    """A shortcut that dropped the flags (compiling the source alone) is caught by the comparison above."""

    class WithoutFlags(LazyPattern):
        __slots__ = ()

        def __init__(self, source: str, flags: int = 0) -> None:
            super().__init__(source)

    from factdeck.records import question_rules

    text = "He was KILLED in 1981"
    death = question_rules._DEATH
    assert death.flags & re.IGNORECASE
    assert _answers(WithoutFlags(death.source, death.flags), text) != _answers(
        re.compile(death.source, death.flags), text
    )


def test_a_lazy_pattern_compiles_at_its_first_use_once_and_then_calls_the_patterns_own_methods(monkeypatch):
    compiled = []
    compile_ = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or compile_(*args))
    word = LazyPattern(r"[a-z]+", re.IGNORECASE)
    assert compiled == []  # nothing compiled when the module defines it
    assert word.findall("Two words") == ["Two", "words"]
    assert word.sub("-", "ab 1") == "- 1" and word.search("1 a") is not None
    assert compiled == [(r"[a-z]+", re.IGNORECASE)]  # once, with its flags
    assert isinstance(word.search.__self__, re.Pattern)  # the compiled pattern's own method, no step between


def test_a_lazy_pattern_refuses_a_broken_source_at_first_use_and_an_unknown_attribute():
    broken = LazyPattern(r"(unclosed")  # defining it compiles nothing, so raises nothing
    with pytest.raises(re.error):
        broken.search("x")
    with pytest.raises(AttributeError):
        LazyPattern(r"x").groupindex  # noqa: B018  (only the methods are answered)
