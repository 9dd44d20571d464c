"""The wrong options' pools kept between commands (quiz/option_pools.py's `kept_pools`): the key holds every field
a fact's share reads, so kept pools are the pools made afresh after any change to any of them; a key that left a
field out would hand stale pools back, which these tests catch; worksheets take them back and are the same."""

from __future__ import annotations

import marshal
from typing import Any

import pytest
from conftest import sample_project, shipped_copy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from factdeck.build import load_and_validate
from factdeck.engine.parse_cache import ContentStore
from factdeck.outputs.print import layout
from factdeck.quiz import option_pools
from factdeck.quiz.option_pools import Share, kept_pools, pools, share_inputs
from factdeck.records.schema import Fact
from factdeck.records.select import select_facts

ACCESSED = (1950,)
# The fields of a fact (and of a dispute version) a share may read, and the facts they are swapped between.
FIELDS = ("status", "question", "answer", "kind", "date", "versions")


class DictStore:
    """A store in memory, marshalled as the engine's ContentStore keeps values."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}
        self.saved = 0

    def load(self, text: str) -> Any:
        raw = self.entries.get(text)
        return marshal.loads(raw) if raw is not None else None

    def save(self, text: str, value: Any) -> None:
        self.entries[text] = marshal.dumps(value)
        self.saved += 1

    def trim(self) -> None:
        pass


@pytest.fixture(scope="module")
def shipped_facts(tmp_path_factory) -> list[Fact]:
    """The shipped project's facts: dates, numbers, names, disputes, a retracted fact."""
    with pytest.MonkeyPatch.context() as patch:  # a cache of its own, as every test's
        patch.setenv("FACTDECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        return load_and_validate(shipped_copy(tmp_path_factory.mktemp("shipped") / "proj").root).facts


def fresh(facts: list[Fact]) -> tuple:
    return pools(tuple(map(Share.of, facts)), ACCESSED)


class Recording:
    """A record that notes every attribute read from it (and from the records and lists it hands out)."""

    def __init__(self, record: Any, path: str, read: set[str]) -> None:
        self._record, self._path, self._read = record, path, read

    def __getattr__(self, name: str) -> Any:
        self._read.add(self._path + name)
        return wrapped(getattr(self._record, name), f"{self._path}{name}.", self._read)

    def __bool__(self) -> bool:
        return bool(self._record)


def wrapped(value: Any, path: str, read: set[str]) -> Any:
    if isinstance(value, BaseModel):
        return Recording(value, path, read)
    if isinstance(value, list):
        return [wrapped(item, path, read) for item in value]
    return value


def test_the_key_holds_every_field_a_share_reads(shipped_facts):
    of_share: set[str] = set()
    of_key: set[str] = set()
    for fact in shipped_facts:
        Share.of(Recording(fact, "", of_share))  # type: ignore[arg-type]
        share_inputs([Recording(fact, "", of_key)])  # type: ignore[list-item]
    assert {"dispute.versions.answer", "date", "kind", "status"} <= of_share  # the facts exercise every branch
    assert of_share <= of_key


def swapped(facts: list[Fact], index: int, donor: int, field: str) -> list[Fact]:
    """`facts` with one fact's `field` taken from another fact (`versions`: the dispute versions' answers)."""
    changed = list(facts)
    fact, other = facts[index], facts[donor]
    if field == "versions":
        if not fact.dispute or not other.dispute:
            return changed
        versions = [
            v.model_copy(update={"answer": o.answer}) for v, o in zip(fact.dispute.versions, other.dispute.versions)
        ]
        update = {"dispute": fact.dispute.model_copy(update={"versions": versions})}
    elif field == "status":
        update = {"status": "retracted" if fact.status != "retracted" else "vetted"}
    else:
        update = {field: getattr(other, field)}
    changed[index] = fact.model_copy(update=update)
    return changed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_kept_pools_are_the_pools_made_afresh_after_any_change(shipped_facts, data):
    store = DictStore()
    assert kept_pools(shipped_facts, ACCESSED, store) == fresh(shipped_facts)
    assert kept_pools(shipped_facts, ACCESSED, store) == fresh(shipped_facts) and store.saved == 1  # taken back
    n = len(shipped_facts)
    index, donor = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(FIELDS))
    changed = swapped(shipped_facts, index, donor, field)
    assert kept_pools(changed, ACCESSED, store) == fresh(changed)
    assert kept_pools(changed, (2001,), store) == pools(tuple(map(Share.of, changed)), (2001,))


def test_a_key_that_leaves_a_field_out_is_caught(shipped_facts, monkeypatch):
    """What the test above holds fails for a key without the answers: the pools of the base before an answer
    changed come back."""
    index = next(i for i, f in enumerate(shipped_facts) if f.status != "retracted")
    changed = list(shipped_facts)
    changed[index] = shipped_facts[index].model_copy(update={"answer": "Quite another answer"})
    assert fresh(changed) != fresh(shipped_facts)
    monkeypatch.setattr(option_pools, "share_inputs", lambda facts: [(f.status, f.question, f.kind) for f in facts])
    store = DictStore()
    kept_pools(shipped_facts, ACCESSED, store)
    assert kept_pools(changed, ACCESSED, store) != fresh(changed)


@pytest.mark.parametrize("damage", [b"", b"not marshal", marshal.dumps(("a", "tuple")), marshal.dumps([1, 2])])
def test_an_unreadable_or_misshapen_entry_is_a_miss(shipped_facts, tmp_path, damage):
    store = ContentStore(tmp_path / "pools", "code")
    kept_pools(shipped_facts, ACCESSED, store)
    (entry,) = (p for p in (tmp_path / "pools").glob("*/*") if p.is_file())
    entry.write_bytes(entry.read_bytes()[:8] + damage if damage else b"")
    assert kept_pools(shipped_facts, ACCESSED, store) == fresh(shipped_facts)


def test_a_worksheet_takes_the_pools_back_and_is_the_same(tmp_path, monkeypatch):
    """`factdeck quiz` (print_quiz) keeps the pools; the next quiz of any deck or seed makes no share, and its
    questions and options are those of a quiz made without a store."""
    project = sample_project(tmp_path / "proj", more_facts=True)
    base = load_and_validate(project.root)
    deck = base.deck("guild-history")
    facts = select_facts(base, deck)
    made: list[Fact] = []
    original = Share.of
    monkeypatch.setattr(Share, "of", classmethod(lambda cls, fact: made.append(fact) or original(fact)))
    first = layout.print_quiz(base, deck, facts, deck.quiz)
    assert len(made) == len(base.facts)
    for seed in (deck.quiz.seed, 7):
        quiz_settings = deck.quiz.model_copy(update={"seed": seed})
        made.clear()
        kept = layout.print_quiz(base, deck, facts, quiz_settings)
        assert made == []
        assert kept == option_pools_free(base, deck, facts, quiz_settings)
    assert first == option_pools_free(base, deck, facts, deck.quiz)


def option_pools_free(base, deck, facts, quiz_settings):
    """The quiz made without a store (the pools made from every fact's share)."""
    from factdeck.quiz import make_quiz

    return make_quiz(base, deck, facts, quiz_settings)


def test_no_store_in_a_watch_or_with_the_cache_off(tmp_path, monkeypatch):
    from factdeck.engine.session import Session

    project = sample_project(tmp_path / "proj")
    assert layout._pool_store(load_and_validate(project.root)) is not None
    assert layout._pool_store(load_and_validate(project.root, session=Session.watching())) is None
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    assert layout._pool_store(load_and_validate(project.root)) is None


def test_facts_marshal_cannot_write_are_pooled_without_the_store(shipped_facts):
    class Text(str):  # a str subclass marshal refuses
        pass

    odd = list(shipped_facts)
    odd[0] = shipped_facts[0].model_copy(update={"question": Text(shipped_facts[0].question)})
    store = DictStore()
    assert kept_pools(odd, ACCESSED, store) == fresh(odd) and store.saved == 0


def _answer_changed(facts: list[Fact]) -> list[Fact]:
    index = next(i for i, f in enumerate(facts) if f.status != "retracted")
    changed = list(facts)
    changed[index] = facts[index].model_copy(update={"answer": "Quite another answer"})
    assert fresh(changed) != fresh(facts)
    return changed


def test_pools_found_by_what_the_facts_were_made_from_are_the_pools_made_afresh(shipped_facts, monkeypatch):
    """A base's facts named by the inputs they were made from (a kept validation's key) find their pools without
    a fact being read; other inputs, and another year, find the pools of their own facts."""
    store = DictStore()
    assert kept_pools(shipped_facts, ACCESSED, store, "inputs A") == fresh(shipped_facts)
    read: list[int] = []
    original = option_pools.share_inputs
    monkeypatch.setattr(option_pools, "share_inputs", lambda facts: read.append(len(facts)) or original(facts))
    assert kept_pools(shipped_facts, ACCESSED, store, "inputs A") == fresh(shipped_facts)
    assert read == []  # taken back without reading a fact
    changed = _answer_changed(shipped_facts)
    assert kept_pools(changed, ACCESSED, store, "inputs B") == fresh(changed)
    assert kept_pools(changed, (2001,), store, "inputs B") == pools(tuple(map(Share.of, changed)), (2001,))
    assert len(read) == 2
    # Inputs whose facts have the same shares (a statement edited) find the pools kept for those shares.
    saved = store.saved
    assert kept_pools(shipped_facts, ACCESSED, store, "inputs C") == fresh(shipped_facts)
    assert store.saved == saved + 1  # the name of the pools' key only: the pools were found


def test_a_name_that_is_not_the_facts_inputs_is_caught(shipped_facts):
    """What the test above holds fails where one name stands for two sets of facts: the pools of the facts before
    the answer changed come back (hence the kept validation's key, which hashes every input of the facts)."""
    store = DictStore()
    kept_pools(shipped_facts, ACCESSED, store, "inputs A")
    changed = _answer_changed(shipped_facts)
    assert kept_pools(changed, ACCESSED, store, "inputs A") != fresh(changed)
