"""Accepted answers: the forms of a short answer a platform marks right.

Platforms forgive differently: Moodle's short answer ignores case (`usecase` 0) and trims, Canvas's fill in
the blank ignores case and trims, GIFT is read by Moodle's importer; none forgives accents. So each answer
is listed as written, without a trailing bracketed note ('Karim Jafari (کریم جعفری)' -> 'Karim Jafari'),
and without accents where that differs ('Bahonar' for 'Bāhonar'); spacing is made single. The web quiz
compares more loosely still (case folding, punctuation, a leading article: quiz.js).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from factdeck.text.compare import core


def without_accents(text: str) -> str:
    """`text` without combining marks on Latin letters ('Mosaddegh' for 'Mosaddēgh'); other scripts kept
    whole (a Persian vowel mark is part of the word)."""
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and out and out[-1].isascii():
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def accepted_forms(answers: Iterable[str]) -> list[str]:
    """Every accepted form of `answers` (an answer, then other accepted answers), in order, each once
    (case-insensitively): as written on one line, without a bracketed note, and without accents."""
    forms: dict[str, str] = {}
    for answer in answers:
        text = " ".join(answer.split())
        for form in (text, core(text), without_accents(text), without_accents(core(text))):
            if form:
                forms.setdefault(form.casefold(), form)
    return list(forms.values())
