"""Anki note GUIDs as genanki's `guid_for` makes them, without importing genanki.

Every factdeck package has given its notes genanki's `guid_for` of the project's namespace, the fact id, the
card kind and the version id (outputs/anki/cards.py's `note_guid`). `factdeck check` and `factdeck changes`
make the GUIDs of edited facts' notes to compare decks with their release records, and need nothing else of
genanki: importing it (its note types load `cached_property`, which imports asyncio, and chevron and PyYAML)
was a tenth of a check after one edit at 10,000 facts. tests/test_anki_guid.py holds this function to
genanki's own.
"""

from __future__ import annotations

import hashlib

# Anki's base-91 digits, in genanki's order (genanki.util.BASE91_TABLE).
_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def guid_for(*values: object) -> str:
    """genanki's `guid_for(*values)`: the first 8 bytes of the SHA-256 of the values' texts joined by `__`
    (UTF-8), as a big-endian number written in `_BASE91`'s digits, most significant first ("" for 0). Raises
    `UnicodeEncodeError` for a text holding a lone surrogate, as genanki does."""
    digest = hashlib.sha256("__".join(str(value) for value in values).encode("utf-8")).digest()
    number = int.from_bytes(digest[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, 91)
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))
