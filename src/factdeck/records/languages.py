"""The language settings of a project and a deck, and the fingerprint a translated text is bound to.

Every translated text is bound to a fingerprint of the original text it translates (`of`, written by
`factdeck translate stamp`), as a vetted fact is bound to what was vetted (vetting.py): when the original is
edited, the fingerprint no longer matches and `check` and `review` report the translation stale at its line.
The records of a translation file are in translated.py, imported where a translation file is read: every
command imports this module (the deck and project settings), most read no translation, and defining those
nine models was 2.5 ms of every check.
"""

# Annotations are evaluated as written (no `from __future__ import annotations`): pydantic would otherwise
# compile each field's annotation from its text as each model is defined, a quarter of this module's import.
import hashlib
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from factdeck.records.record import Record

# BCP 47's shape as gettext catalogs name languages: a language subtag, then script or region subtags
# (`fa`, `de`, `pt-BR`, `sr-Latn`); RFC 5646 section 2.1.
_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
TEXT_FINGERPRINT_DIGITS = 16  # hex digits of SHA-256 kept, as vetting keeps


def _tag(value: str) -> str:
    if not _TAG.match(value):
        raise ValueError(f"'{value}' is not a language tag: use a BCP 47 tag such as en, fa, de or pt-BR")
    return value


LanguageTag = Annotated[str, AfterValidator(_tag)]


class TranslationSettings(Record):
    """How a deck in another language than its facts' uses their translations."""

    missing: Literal["fall-back", "refuse"] = Field(
        default="fall-back",
        description="A fact text with no current translation: `fall-back` uses the original (and the build says "
        "which facts and fields), `refuse` stops the build naming them.",
    )
    bilingual: bool = Field(
        default=False, description="Anki cards show the original text beside the translation on the back."
    )
    digits: Literal["default", "latin", "native"] = Field(
        default="default",
        description="Digits of numbers and dates: the language's usual ones (`default`; Persian digits for `fa`), "
        "`latin` (0-9) or `native`.",
    )


def text_fingerprint(value: Any) -> str:
    """The fingerprint of an original text (or of a list or mapping of texts, as JSON-like data): SHA-256 of its
    NFC form with runs of white space as one space, TEXT_FINGERPRINT_DIGITS lower-case hex digits. A change of
    spacing or Unicode normalization leaves it; any other edit changes it."""
    if isinstance(value, str):
        text = " ".join(unicodedata.normalize("NFC", value).split())
    elif isinstance(value, dict):
        text = "\x1e".join(f"{k}\x1f{text_fingerprint(v)}" for k, v in sorted(value.items()) if v is not None)
    else:
        text = "\x1e".join(text_fingerprint(v) for v in value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:TEXT_FINGERPRINT_DIGITS]
