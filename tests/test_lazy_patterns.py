"""text/patterns.py: patterns compiled the first time they are asked for, kept, and refused for unknown names."""

from __future__ import annotations

import re

import pytest

from factdeck.text.patterns import LazyPatterns


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
