"""What a deck's release record keeps of what its notes were made from, so that comparing a deck with its record
needs no note of an unchanged fact made again.

Comparing a deck's package with its release record (release.py: `factdeck check`, `factdeck changes`) needs every
note's GUID and content hash, and a content hash needs the note's fields: without a build folder or cache folder
holding them (a fresh clone, a CI job), every note of every deck was rendered, most of a cold check. A note's GUID
and content hash depend only on its fact's record and on what every card may show (the card-field store's shared
hash, engine/incremental.py's `shared_key`: factdeck's code, the card templates, the configuration, sources, eras,
glossary, translations and catalogs). So a release writes into the record (`inputs`, records/identity.py), beside
the notes:

- `cards`: a hash of that shared hash and every note of the record (identity, GUID, content hash, withdrawn). It
  holds only while what every card shows is what it was at the release and the notes are those the release wrote:
  a hand edit of a note, or two releases' records merged, fails it;
- `facts`: for each fact of the deck, a hash of its whole record (JSON) and of its notes in the record.

Where both hold now, the fact's notes are the record's: their GUIDs and content hashes are given to the card
maker as if an earlier build had kept them (rendered.py), and the fact is not rendered. Anything else is made as
it always was. A release writes a record only when its notes change (release.py's `_same`), so a record from
before these were kept, or whose `cards` another version of factdeck wrote, stays as it is until then and costs
the rendering it always did. A deck in another language keeps none: its cards show the original facts too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from factdeck.outputs.anki.cards import CardMaker, identity_parts
from factdeck.outputs.anki.rendered import kinds_key
from factdeck.records.identity import PublishedDeck, PublishedNote
from factdeck.records.schema import DeckSpec, Fact


def _notes_text(notes: Iterable[PublishedNote]) -> str:
    return "".join(
        f"{n.identity}\0{n.guid}\0{n.hash}\0{int(n.withdrawn)}\n" for n in sorted(notes, key=lambda n: n.identity)
    )


def _cards_key(shared: str, deck: DeckSpec, notes: Iterable[PublishedNote]) -> str:
    kinds = ",".join(sorted(deck.cards.kinds))
    return hashlib.sha256(f"{shared}\0{kinds}\0{_notes_text(notes)}".encode("utf-8", "surrogatepass")).hexdigest()


def _record_cards_key(shared: str, deck: DeckSpec, record: PublishedDeck) -> str:
    """`_cards_key` of the notes of `record`, a record read from its file, kept in the cache folder under `shared`,
    the deck's kinds and the SHA-256 of the file's text (which its notes are read from): sorting and hashing every
    note of a large deck's record was a tenth of comparing it after an edit."""
    from factdeck.engine.incremental import code_fingerprint
    from factdeck.engine.parse_cache import ContentStore, cache_folder

    folder = cache_folder(CARDS_KEYS) if record.digest else None
    store = ContentStore(folder, code_fingerprint())
    name = f"{shared}\0{','.join(sorted(deck.cards.kinds))}\0{record.digest}"
    kept = store.load(name)
    if type(kept) is str:
        return kept
    made = _cards_key(shared, deck, record.notes.values())
    store.save(name, made)
    store.trim()
    return made


CARDS_KEYS = "release-cards"


def _fact_key(fact_json: str, notes: Iterable[PublishedNote]) -> str:
    digest = hashlib.sha256(f"{fact_json}\0{_notes_text(notes)}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _by_fact(notes: Iterable[PublishedNote]) -> dict[str, list[PublishedNote]]:
    grouped: dict[str, list[PublishedNote]] = {}
    for note in notes:
        grouped.setdefault(note.fact, []).append(note)
    return grouped


def inputs_of(cards: CardMaker, deck: DeckSpec, notes: dict[str, PublishedNote], facts: list[Fact]) -> dict[str, Any]:
    """The `inputs` a release writes for `deck`, whose notes `cards` made (their records: `notes`), `facts` being
    the deck's facts."""
    grouped = _by_fact(notes.values())
    fact_json = cards.base.fact_json
    return {
        "cards": _cards_key(cards.rendered_fields.shared, deck, notes.values()),
        "facts": {fact.id: _fact_key(fact_json(fact), grouped.get(fact.id, ())) for fact in facts},
    }


def reuse(cards: CardMaker, deck: DeckSpec, record: PublishedDeck | None, facts: list[Fact]) -> int:
    """Give the card maker `cards` the GUID and content hash of every live note the release `record` of `deck`
    holds for each of `facts` whose inputs are what the record says they were, and whether its statement makes a
    cloze where the record tells (where the card maker holds none yet); returns how many facts were given any."""
    if record is None or not record.inputs:
        return 0
    rendered, fact_json, namespace = cards.rendered_fields, cards.base.fact_json, cards.namespace
    # A fact whose live notes are kept whole (the note keys cache of a check after an edit) is not looked at: the
    # card maker takes its notes from there without asking for any value. With every fact's kept, the record's
    # notes are not even hashed to check its inputs.
    live, kinds = rendered.live, kinds_key(deck.cards.kinds)
    if live is not None:
        facts = [fact for fact in facts if live.get(fact, kinds) is None]
        if not facts:
            return 0
    if record.inputs["cards"] != _record_cards_key(rendered.shared, deck, record):
        return 0
    kept: dict[str, str] = record.inputs["facts"]
    # Only the notes of `facts` grouped, picked in loops in C (`notes_of`: a restored record makes only those): after
    # an edit `facts` is the edited file's few, and grouping every note of a large deck's record (29,000 at 10,000
    # facts) was most of this.
    grouped = _by_fact(record.notes_of({fact.id for fact in facts}))
    # The deck's kinds are those of the release (they are in `cards`): with clozes asked for, an undisputed fact
    # had its cloze note exactly when its statement makes one. A live cloze note (the deck's own, or kept because
    # another deck still made it, lifecycle.py's `still_made`) says so in any case.
    told = "cloze" in deck.cards.kinds
    reused = 0
    for fact in facts:
        own = grouped.get(fact.id)
        key = kept.get(fact.id)
        if own is None or key is None:
            continue
        values = {}
        for note in own:
            if not note.withdrawn:
                _, kind, version_id = identity_parts(note.identity)
                values[f"{version_id or ''}\0note\0{kind}\0{namespace}"] = f"{note.guid}\0{note.hash}"
                if kind == "cloze":
                    values["\0clozable"] = "1"
        if told and fact.dispute is None:
            values.setdefault("\0clozable", "")
        held = rendered.fields(fact)  # another deck's record, or a cache, may have given some already
        new = {name: value for name, value in values.items() if name not in held}
        # Only what is not held is given, so a fact whose every value is held already (the note keys cache of a
        # check after an edit) is passed by without making its JSON and key (a third of comparing a deck).
        if not new or _fact_key(fact_json(fact), own) != key:
            continue
        rendered.adopt(fact, new)
        reused += 1
    return reused
