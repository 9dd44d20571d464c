"""Digits of every script: which numeral system a text writes its digits in, and a number written in it.

Python's `\\d` and `int()` read any script's decimal digits ('۱۳۵۹' is 1359), so an answer in Persian digits is
varied like any other; the options made from it must then be written in the same digits, or the answer is the
only option in its script (Unicode's decimal digits, category Nd, come in runs of ten from their zero).
"""

from __future__ import annotations

import unicodedata

ASCII_ZERO = ord("0")


def digit_zero(text: str) -> int:
    """The code point of the zero of the first decimal digit in `text` (ord('0') when it has none)."""
    for char in text:
        if char.isdecimal():
            return ord(char) - unicodedata.decimal(char)
    return ASCII_ZERO


def in_digits_of(text: str, like: str) -> str:
    """`text` with its ASCII digits written in the digits `like` uses ('1988', like '۱۳۵۹' -> '۱۹۸۸')."""
    zero = digit_zero(like)
    if zero == ASCII_ZERO:
        return text
    return "".join(chr(zero + ord(c) - ASCII_ZERO) if "0" <= c <= "9" else c for c in text)


def scripts_of(text: str) -> set[int]:
    """The zeros of every digit script `text` uses (empty for a text without digits)."""
    return {ord(c) - unicodedata.decimal(c) for c in text if c.isdecimal()}


# English number words below twenty, by value (the tens follow in _TENS).
UNITS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """`n` (0 to 999,999) in English words: 13 -> 'thirteen', 5000 -> 'five thousand', 42 -> 'forty-two'."""
    if n < 20:
        return UNITS[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{UNITS[n % 10]}" if n % 10 else "")
    if n < 1000:
        return f"{UNITS[n // 100]} hundred" + (f" and {number_words(n % 100)}" if n % 100 else "")
    if n < 1_000_000:
        return f"{number_words(n // 1000)} thousand" + (f" {number_words(n % 1000)}" if n % 1000 else "")
    raise ValueError(f"{n} is outside 0-999,999")


def number_forms(n: int) -> set[str]:
    """The ways a text may write `n`: digits ('5000'; thousands separators are removed before comparing) and,
    below a million, words ('five thousand', 'forty-two' and 'forty two'). A '13-day' compound is found by
    comparing with hyphens read as spaces."""
    forms = {str(n)}
    if 0 <= n < 1_000_000:
        words = number_words(n)
        forms |= {words, words.replace("-", " ")}
    return forms
