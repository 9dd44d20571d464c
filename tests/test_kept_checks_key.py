"""The key the Anki checks' findings are kept under (outputs/anki/kept_checks.py's `inputs_key`) reads each fact's
id, file and status in loops in C: the same key as made fact by fact, and another one when a fact's file or status
is another."""

from __future__ import annotations

import hashlib
import os

from conftest import REPO

from factdeck.build import load_and_validate
from factdeck.engine.incremental import shared_key
from factdeck.outputs.anki.kept_checks import inputs_key


def _key_fact_by_fact(base) -> str | None:
    keys = base.file_keys
    if not keys or base.published is None or any(fact.file not in keys for fact in base.facts):
        return None
    digest = hashlib.sha256(shared_key(base, base.root, "apkg").encode())
    for display, key in sorted(keys.items()):
        digest.update(f"\0file\0{display}\0{key}".encode("utf-8", "surrogatepass"))
    digest.update(b"\0facts\0")
    digest.update("\n".join(f"{f.id}\0{f.file}\0{f.status}" for f in base.facts).encode("utf-8", "surrogatepass"))
    for deck in base.decks:
        digest.update(f"\0deck\0{deck.model_dump_json()}".encode("utf-8", "surrogatepass"))
    for name, record in sorted(base.published.items()):
        digest.update(f"\0published\0{name}\0{record.file}\0{record.digest}".encode("utf-8", "surrogatepass"))
    digest.update(f"\0epoch\0{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def test_the_key_is_the_one_made_fact_by_fact():
    base = load_and_validate(REPO)
    key = inputs_key(base)
    assert key is not None and key == _key_fact_by_fact(base)
    fact = base.facts[len(base.facts) // 2]
    base.facts[len(base.facts) // 2] = fact.model_copy(update={"status": "review"})
    assert inputs_key(base) == _key_fact_by_fact(base) != key
    moved = fact.model_copy()
    moved.locate(base.facts[0].file, fact.line)
    base.facts[len(base.facts) // 2] = moved
    assert inputs_key(base) == _key_fact_by_fact(base) not in (key, None)
    moved.locate("facts/no-such-file.yaml", 1)  # a file without a record-cache key: no key at all
    assert inputs_key(base) is None


def test_a_files_facts_key_is_the_one_made_fact_by_fact():
    # outputs/anki/note_keys.py's `facts_key` of one file's facts, keyed by the file's key, is made in loops in C:
    # the same key as each fact's `_fact_key` read in turn, and for facts of two files or of a file without a key.
    from functools import partial

    from factdeck.outputs.anki import note_keys

    base = load_and_validate(REPO)
    keys = dict(base.file_keys)
    file = base.facts[0].file
    own = [f for f in base.facts if f.file == file]
    other = next(f for f in base.facts if f.file != file)
    fact_key = partial(note_keys._fact_key, keys)

    def fact_by_fact(facts):
        text = "".join(f"{fact.id}\0{fact_key(fact)}\n" for fact in facts)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    for facts in (own, own[:1], [], [*own, other], own[::-1]):
        assert note_keys.facts_key(fact_key, facts) == fact_by_fact(facts)
    held = [own[0].model_copy(update={"status": "review"}), *own[1:]]
    assert note_keys.facts_key(fact_key, held) == fact_by_fact(held) != fact_by_fact(own)
    del keys[file]  # no key for the file: each fact's record is hashed
    assert note_keys.facts_key(fact_key, own[:2]) == fact_by_fact(own[:2])
