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
