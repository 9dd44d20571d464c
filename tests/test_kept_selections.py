"""A deck's selection answered from each fact file's kept share of its matches (records/select.py's `_kept_matches`):
the same facts, in the same order, as a check with no caches, after any edit; only the edited file's facts tested."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Project, sample_project
from hypothesis import given
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.records import select

LEADERS = """id: leaders
name: "The guild's leaders"
description: "The leaders."
select:
  include:
    tags: [leadership]
  exclude:
    kinds: [date]
"""
ADDED = """
- id: guild-ledger
  kind: place
  era: decline
  tags: [leadership]
  question: "Where did the River Guild keep its ledger?"
  answer: "Millford"
  statement: "The River Guild kept its ledger at Millford."
  citations:
    - source: chronicle
      locator: "chapter 2, para. 1"
      quote: "the hall at Millford, finished in 1910"
  status: review
"""


@pytest.fixture
def two_files(tmp_path: Path) -> Project:
    """The sample project with a second fact file and a second deck taking some facts of each."""
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.write("decks/leaders.yaml", LEADERS)
    return project


def _selected(root: Path) -> dict[str, list[str]]:
    """Each deck's facts (ids, in order) as `select_facts` gives them after loading the project."""
    base = load_and_validate(root)
    return {deck.id: [fact.id for fact in select.select_facts(base, deck)] for deck in base.decks}


def _plainly(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """`_selected` with every cache off: each fact tested."""
    with monkeypatch.context() as patch:
        patch.setenv("FACTDECK_NO_CACHE", "1")
        return _selected(root)


def _tested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files (once each, in order) some of whose facts a deck's selection tests while installed (validation's
    own test of whether a deck takes any fact apart)."""
    files: list[str] = []
    kept_matches = select._kept_matches

    def counted(base, selection, matcher):  # type: ignore[no-untyped-def]
        def tested(fact):  # type: ignore[no-untyped-def]
            if fact.file not in files:
                files.append(fact.file)
            return matcher(fact)

        return kept_matches(base, selection, tested)

    monkeypatch.setattr(select, "_kept_matches", counted)
    return files


def _as_plainly(project: Project, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The decks' facts with the kept shares, asserted equal to those of a check with no caches."""
    kept = _selected(project.root)
    assert kept == _plainly(project.root, monkeypatch)
    return kept


def test_each_edit_tests_its_own_file_s_facts_alone_and_selects_as_plainly(two_files, monkeypatch):
    first = _as_plainly(two_files, monkeypatch)
    assert first["leaders"] and first["leaders"] != first["guild-history"]
    tested = _tested(monkeypatch)
    assert _selected(two_files.root) == first and tested == []  # nothing changed: every share kept
    # A statement: the file's key changes, its share is made again, every other kept.
    two_files.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?")
    tested.clear()
    assert _as_plainly(two_files, monkeypatch) == first
    assert tested == ["facts/guild.yaml"]
    # A tag that takes a fact into the second deck.
    two_files.replace("facts/more-guild.yaml", "tags: [leadership]", "tags: [founding]")
    tested.clear()
    now = _as_plainly(two_files, monkeypatch)
    assert now["leaders"] != first["leaders"] and tested == ["facts/more-guild.yaml"]
    # A fact added (under review: no deck takes it), then vetted, then removed.
    text = two_files.read("facts/guild.yaml")
    two_files.write("facts/guild.yaml", text + ADDED)
    tested.clear()
    assert _as_plainly(two_files, monkeypatch) == now and tested == ["facts/guild.yaml"]
    two_files.replace("facts/guild.yaml", "  status: review\n", "  status: vetted\n  vetted: 2026-11-22\n")
    vetted = _as_plainly(two_files, monkeypatch)
    assert "guild-ledger" in vetted["leaders"]
    two_files.write("facts/guild.yaml", text)
    tested.clear()
    assert _as_plainly(two_files, monkeypatch) == now and tested == []  # its text as before: its share kept then


def test_a_fact_held_back_leaves_the_decks_as_plainly(two_files, monkeypatch):
    before = _as_plainly(two_files, monkeypatch)
    # Changed since it was vetted, not vetted again: the base holds it under review, so no deck takes it.
    two_files.replace("facts/guild.yaml", "tags: [leadership]", "tags: [leadership, origins]", vet=False)
    base = load_and_validate(two_files.root)
    assert base.held_back
    held = next(iter(base.held_back))
    after = _as_plainly(two_files, monkeypatch)
    assert held in before["guild-history"] and held not in after["guild-history"]
    assert _selected(two_files.root) == after  # again, with the shares of the first


def test_a_deck_s_new_selection_tests_every_file(two_files, monkeypatch):
    _as_plainly(two_files, monkeypatch)
    tested = _tested(monkeypatch)
    two_files.replace("decks/leaders.yaml", "tags: [leadership]", "tags: [leadership, buildings]")
    after = _as_plainly(two_files, monkeypatch)
    assert tested == ["facts/guild.yaml", "facts/more-guild.yaml"] and after["leaders"]


def test_a_share_kept_under_a_key_missing_a_part_is_caught(two_files, monkeypatch):
    # Kept without the selection in its name, a deck's new selection would be answered with the old one's shares.
    with monkeypatch.context() as patch:
        patch.setattr(select, "_share_name", lambda selection: "select")
        _selected(two_files.root)
        two_files.replace("decks/leaders.yaml", "tags: [leadership]", "tags: [leadership, buildings]")
        with pytest.raises(AssertionError):
            _as_plainly(two_files, monkeypatch)
    # Kept under the file's name, not its content key, an edited file would be answered with its old share.
    with monkeypatch.context() as patch:
        patch.setattr(select, "_share_key", lambda base, file, held: file)
        _selected(two_files.root)
        two_files.replace("facts/more-guild.yaml", "tags: [leadership]", "tags: [founding]")
        with pytest.raises(AssertionError):
            _as_plainly(two_files, monkeypatch)
    assert _as_plainly(two_files, monkeypatch)  # the shares' own keys: as plainly again


def test_without_the_engine_s_caches_nothing_is_kept(two_files, monkeypatch):
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    base = load_and_validate(two_files.root)
    assert base.kept_shares is None and select._kept_matches(base, (), lambda fact: True) is None


def _in_the_base_s_order(base, grouped):  # type: ignore[no-untyped-def]
    """`grouped` (facts by file) with each file's facts, and the files, in the base's order."""
    place = {id(fact): i for i, fact in enumerate(base.facts)}
    groups = sorted(
        (sorted(facts, key=lambda f: place[id(f)]) for facts in grouped.values()), key=lambda g: place[id(g[0])]
    )
    return [(group[0].file, [id(fact) for fact in group]) for group in groups]


def test_a_deck_s_facts_by_file_are_grouped_once_and_only_for_its_own_selection(two_files, monkeypatch):
    from factdeck.records import by_file

    base = load_and_validate(two_files.root)
    grouped = []
    facts_by_file = by_file.facts_by_file
    monkeypatch.setattr(select, "facts_by_file", lambda facts: grouped.append(len(facts)) or facts_by_file(facts))
    for deck in base.decks:
        facts = select.select_facts(base, deck)
        first = select.selected_by_file(base, deck, facts)
        # The same facts by file as grouping the deck's facts gives, each file's and the files in the base's order.
        assert [(file, [id(f) for f in group]) for file, group in first.items()] == _in_the_base_s_order(
            base, facts_by_file(facts)
        )
        assert len(first) == 2  # both files give the deck facts
        assert select.selected_by_file(base, deck, select.select_facts(base, deck)) is first  # made once
    assert grouped == []  # from the selection's matches, without grouping the deck's facts
    # Other facts than the selection's (another base's copies, or some of them): grouped as given, every time.
    deck = base.decks[0]
    copies = [fact.model_copy() for fact in select.select_facts(base, deck)]
    assert list(select.selected_by_file(base, deck, copies).items()) == list(facts_by_file(copies).items())
    assert select.selected_by_file(base, deck, copies[1:]) == facts_by_file(copies[1:])
    assert grouped == [len(copies), len(copies) - 1]


def test_without_kept_matches_a_deck_s_facts_are_grouped_as_given(two_files, monkeypatch):
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    base = load_and_validate(two_files.root)
    for deck in base.decks:
        facts = select.select_facts(base, deck)
        grouped = select.selected_by_file(base, deck, facts)
        assert [(file, [id(f) for f in group]) for file, group in grouped.items()] == _in_the_base_s_order(
            base, select.facts_by_file(facts)
        )


def _ordered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many facts each file's share of the base's order was made for (not kept), in order, while installed."""
    made: list[int] = []
    order_share = select._order_share

    def counted(base, facts):  # type: ignore[no-untyped-def]
        made.append(len(facts))
        return order_share(base, facts)

    monkeypatch.setattr(select, "_order_share", counted)
    return made


SWAPPED_ERAS = """- id: decline
  title: "Decline"
  start: 1920
  end: present
- id: founding
  title: "Founding years"
  start: 1900
  end: 1920
"""


def test_the_history_s_order_is_made_from_each_file_s_kept_share_as_plainly(two_files, monkeypatch):
    first = _as_plainly(two_files, monkeypatch)
    made = _ordered(monkeypatch)
    assert _selected(two_files.root) == first and made == []  # nothing changed: every file's share kept
    # A date moved: the edited file's share made again, the order as a check with no caches gives it.
    two_files.replace("facts/guild.yaml", 'date: "1910"', 'date: "1902"')
    now = _as_plainly(two_files, monkeypatch)
    assert now["guild-history"] != first["guild-history"]
    assert made == [sum(fact.file == "facts/guild.yaml" for fact in load_and_validate(two_files.root).facts)]
    # The eras in another order: every file's share made again.
    made.clear()
    two_files.write("facts/eras.yaml", SWAPPED_ERAS)
    swapped = _as_plainly(two_files, monkeypatch)
    assert swapped["guild-history"] != now["guild-history"] and len(made) == 2


def test_shares_of_the_order_kept_under_the_file_s_name_would_be_caught(two_files, monkeypatch):
    # Kept under the file's name, not its content key, a moved date would leave the fact where it was.
    monkeypatch.setattr(select, "_share_key", lambda base, file, held: file)
    _selected(two_files.root)
    two_files.replace("facts/guild.yaml", 'date: "1910"', 'date: "1902"')
    with pytest.raises(AssertionError):
        _as_plainly(two_files, monkeypatch)


def test_a_day_out_of_the_numbers_range_is_ordered_plainly(two_files, monkeypatch):
    # A day whose year takes more bits than a whole number of the order keeps for it: no share, the plain sort.
    assert select._day_number(0, (1 << 45, 1, 1)) is None and select._day_number(1, (1901, 1, 1)) is not None
    base = load_and_validate(two_files.root)
    monkeypatch.setattr(select, "_day_number", lambda era, day: None)
    assert select._kept_order(base) is None
    assert _selected(two_files.root) == _plainly(two_files.root, monkeypatch)


_YEARS = st.integers(-(1 << 39), (1 << 39) - 1)
_DAYS = st.tuples(st.integers(0, 30), st.tuples(_YEARS, st.integers(1, 12), st.integers(1, 31)))


@given(a=_DAYS, b=_DAYS)
def test_day_numbers_sort_as_the_era_and_day_they_stand_for(a, b):
    first, second = select._day_number(*a), select._day_number(*b)
    assert first is not None and second is not None
    assert (first < second) == (a < b) and (first == second) == (a == b)


def test_shares_kept_under_other_keys_serve_when_those_keys_come_back(two_files, monkeypatch):
    # Another context gives every file another record-cache key (a build reads no archived texts, a check with
    # `--archive` does; here a source's title): its shares are made and kept beside the first context's, not over
    # them, so going back to the first finds every file's share kept (a check after a build made all of them again).
    first = _as_plainly(two_files, monkeypatch)
    tested = _tested(monkeypatch)
    text = two_files.read("facts/sources.yaml")
    two_files.replace("facts/sources.yaml", "title: ", "title: The ", vet=False)
    assert _selected(two_files.root) == first and tested == ["facts/guild.yaml", "facts/more-guild.yaml"]
    two_files.write("facts/sources.yaml", text)
    tested.clear()
    assert _as_plainly(two_files, monkeypatch) == first and tested == []  # the first context's shares, kept
    # Only as many others as the files are kept: after a third context the first one's are made again.
    for title in ("The ", "A "):
        two_files.write("facts/sources.yaml", text.replace("title: ", f"title: {title}"))
        _selected(two_files.root)
    two_files.write("facts/sources.yaml", text)
    tested.clear()
    assert _as_plainly(two_files, monkeypatch) == first and tested == ["facts/guild.yaml", "facts/more-guild.yaml"]
