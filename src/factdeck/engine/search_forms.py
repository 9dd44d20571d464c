"""The archived texts' search forms, kept: each text's `quote_search_form` (records/quotes.py), which every check with
an archive makes of every archived text (the glossary's and the fact files' quotes are searched in it), kept under the
text itself (its hash, with factdeck's code: the form depends on nothing else). Making them was 13 ms of a check after
an edit of the 10,000-fact bench (eight texts, 1.4 million characters); reading them back is a fraction of a
millisecond each."""

from __future__ import annotations

from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.parse_cache import ContentStore, cache_folder
from factdeck.engine.session import Session
from factdeck.records.quotes import quote_search_form


class KeptSearchForms:
    """`form(text)`: `quote_search_form(text)`, kept in `…/factdeck/search-forms` under the text; an entry that is not a
    string is a miss (made again and kept)."""

    def __init__(self, session: Session) -> None:
        self.store = ContentStore(cache_folder("search-forms"), code_fingerprint(), "", session)
        self.made = 0  # forms made, not taken back (for tests)

    def form(self, text: str) -> str:
        kept = self.store.load(text)
        if type(kept) is str:
            return kept
        self.made += 1
        made = quote_search_form(text)
        self.store.save(text, made)
        self.store.trim()
        return made
