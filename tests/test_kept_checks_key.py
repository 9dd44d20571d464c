"""The key the Anki checks' findings are kept under (outputs/anki/kept_checks.py's `inputs_key`) stands for each fact's
id, file and status: a file whose facts are its records as kept (none held back) by its record-cache key, the others
fact by fact. Two bases get the same key exactly when every fact's id, file and status (and all else the key reads)
are the same."""

from __future__ import annotations

import hashlib

import pytest
from conftest import REPO

from factdeck.build import load_and_validate
from factdeck.outputs.anki import kept_checks
from factdeck.outputs.anki.kept_checks import inputs_key
from factdeck.outputs.fact_files import FileGroup
from factdeck.records.fact_columns import FactParts


def _listed(base) -> tuple:
    """What the key stands for of the facts, read plainly: the files' keys and every fact's id, file and status."""
    return tuple(sorted(base.file_keys.items())), tuple((f.id, f.file, f.status) for f in base.facts)


def _held_back(base):
    """The base with its middle fact held back (as records/vetting.py's `hold_back_changed` holds one)."""
    middle = len(base.facts) // 2
    fact = base.facts[middle]
    base.held_back[fact.id] = fact
    base.facts[middle] = fact.model_copy(update={"status": "review"})
    return _remade(base)


def _moved(base):
    """The base with its middle fact placed in its first fact's file."""
    middle = len(base.facts) // 2
    moved = base.facts[middle].model_copy()
    moved.locate(base.facts[0].file, moved.line)
    base.facts[middle] = moved
    return _remade(base)


def _remade(base):
    """The base made of its changed records: what reads every fact's columns (`FactBase.parts`) reads them too, as
    validation gives a base whose facts it held back or placed (the records are not changed after it)."""
    base.take_facts(FactParts([list(base.facts)]))
    return base


def _keys_follow_the_facts() -> None:
    plain = load_and_validate(REPO)
    key = inputs_key(plain)
    assert key is not None and inputs_key(load_and_validate(REPO)) == key
    for change in (_held_back, _moved):
        changed = change(load_and_validate(REPO))
        assert _listed(changed) != _listed(plain)
        assert inputs_key(changed) not in (key, None)
    nowhere = load_and_validate(REPO)
    nowhere.facts[0].locate("facts/no-such-file.yaml", 1)  # a file without a record-cache key: no key at all
    assert inputs_key(nowhere) is None


def test_the_key_changes_exactly_with_a_facts_id_file_or_status():
    _keys_follow_the_facts()


def test_a_file_named_by_its_key_whatever_its_facts_would_be_caught(monkeypatch):
    # A key naming a file by its record-cache key where a fact of it is held back (not the file's record) would keep
    # the answer of the file's records for it.
    from factdeck.outputs import fact_files

    def by_key_alone(base):
        groups = fact_files.file_groups(base)
        return groups and [FileGroup(g.file, base.file_keys.get(g.file), g.facts) for g in groups]

    monkeypatch.setattr(kept_checks, "file_groups", by_key_alone)
    with pytest.raises(AssertionError):
        _keys_follow_the_facts()


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
