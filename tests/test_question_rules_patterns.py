"""The real-people rule's word patterns (records/question_rules.py) find what they found before their first-letter
lookahead was added: the lookahead only turns word starts away sooner, it never changes a match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.records import question_rules
from factdeck.text.patterns import LazyPattern

_LOOKAHEAD = re.compile(r"^\\b\(\?=\[([a-z]+)\]\)")

# A word (or phrase) for every alternative of both patterns, as texts write them.
_WORDS = [
    "bombing",
    "bombed",
    "assassination",
    "assassinated",
    "killed",
    "killing",
    "murdered",
    "shooting",
    "shot",
    "executed",
    "execution",
    "massacre",
    "tortured",
    "attack",
    "attacked",
    "alleged",
    "charged",
    "responsible",
    "repression",
    "crackdown",
    "suppressed",
    "kidnapped",
    "hostages",
    "spied",
    "spying",
    "espionage",
    "plotted",
    "plot",
    "crime",
    "crimes",
    "criminal",
    "perpetrated",
    "guilty",
    "convicted",
    "died",
    "dies",
    "dead",
    "slain",
    "accused the group of",
    "accused of",
    "arrest warrant",
    "war crimes",
    "war-crime",
    "complaint against",
    "death of",
]
# Case and Unicode forms that IGNORECASE folds onto the lookahead's letters (KELVIN SIGN for k, long s for s).
_FORMS = ["KILLED", "Shot", "\u212aidnapped", "\u017fpied", "Espionage", "DEATH OF", "convicted.", "(guilty)"]
_FILLER = ["the", "a", "leader", "skill", "unshot", "Tehran", "1981", "was", "by", "of", "—", ",", "'", "\u0130"]


def _without_lookahead(pattern: LazyPattern) -> re.Pattern[str]:
    found = _LOOKAHEAD.match(pattern.source)
    assert found, pattern.source
    return re.compile(r"\b" + pattern.source[found.end() :], pattern.flags)


def _alternatives(pattern: LazyPattern) -> list[str]:
    """The top-level alternatives of the pattern's `(?:...)` group."""
    body = pattern.source[_LOOKAHEAD.match(pattern.source).end() :]  # type: ignore[union-attr]
    assert body.startswith("(?:") and body.endswith(r")\b")
    body, depth, part, parts = body[3:-3], 0, "", []
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += char
    return [*parts, part]


PATTERNS = pytest.mark.parametrize("name", ["_ACT", "_DEATH"])


@PATTERNS
def test_lookahead_holds_every_alternatives_first_letter(name):
    pattern = getattr(question_rules, name)
    letters = set(_LOOKAHEAD.match(pattern.source).group(1))  # type: ignore[union-attr]
    firsts = {alternative[0].casefold() for alternative in _alternatives(pattern)}
    assert firsts == letters


@PATTERNS
def test_every_listed_word_is_found_as_without_the_lookahead(name):
    pattern = getattr(question_rules, name)
    plain = _without_lookahead(pattern)
    text = " ".join(_WORDS + _FORMS + _FILLER)
    spans = [m.span() for m in pattern.finditer(text)]
    assert spans == [m.span() for m in plain.finditer(text)]
    assert spans  # the sample text holds words both patterns match


@PATTERNS
@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(_WORDS + _FORMS + _FILLER) | st.text(max_size=6), max_size=14))
def test_any_text_matches_as_without_the_lookahead(name, words):
    pattern = getattr(question_rules, name)
    text = " ".join(words)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in _without_lookahead(pattern).finditer(text)]
