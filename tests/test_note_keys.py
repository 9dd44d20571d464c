"""The release comparison's note keys cache (outputs/anki/note_keys.py): `factdeck check` compares each deck with
its release record from GUIDs and content hashes kept per fact file, and must report exactly what a comparison
that makes every note afresh reports, after any change, whatever the cache holds from before it."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import weakref
from pathlib import Path

import pytest
from conftest import Project

from factdeck.build import load_and_validate
from factdeck.outputs.anki import cards, note_keys, rendered
from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.note_keys import FOLDER, NoteKeys
from factdeck.outputs.anki.release import comparison_stage, drift, release_problems
from factdeck.records.identity import load_published
from factdeck.records.select import select_facts
from test_release_inputs import _edit_fact, _edit_template, released_sample, without_inputs
from test_release_inputs import _edit_kinds as _edit_deck


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The sample project released at a fixed time, its records without inputs."""
    project = released_sample(tmp_path, monkeypatch)
    without_inputs(project)  # this module tests the cache alone; test_release_inputs.py the records' inputs
    return project


class Made:
    """Counts the notes made (rendered) while it is installed: fact id -> notes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.facts: dict[str, int] = {}
        note = cards.CardMaker.note

        def counted(maker, fact, plan, deck_name):
            self.facts[fact.id] = self.facts.get(fact.id, 0) + 1
            return note(maker, fact, plan, deck_name)

        monkeypatch.setattr(cards.CardMaker, "note", counted)


def comparison(project: Project, cached: bool) -> tuple[dict, tuple[list[str], list[str]]]:
    """Each deck's release record as the comparison makes it now, with the cache or without (every note made
    afresh), and what `check` says about the records."""
    base = load_and_validate(project.root)
    notes = NoteKeys(base)
    if not cached:
        notes.folder = None  # as with FACTDECK_NO_CACHE: every note is made (no build folder to reuse either)
    stage = comparison_stage(base, project.root / "build", notes)
    records = {deck.id: stage.release_record(deck, select_facts(base, deck)) for deck in base.decks}
    notes.save()
    said = release_problems(base, project.root / "build") if cached else None
    if not cached:
        os.environ["FACTDECK_NO_CACHE"] = "1"
        try:
            said = release_problems(base, project.root / "build")
        finally:
            del os.environ["FACTDECK_NO_CACHE"]
    return records, said


def same_as_fresh(project: Project) -> tuple[dict, tuple[list[str], list[str]]]:
    """The cached comparison, after asserting it equals the fresh one record for record, note for note."""
    cached = comparison(project, cached=True)
    fresh = comparison(project, cached=False)
    assert cached[0] == fresh[0]
    assert cached[1] == fresh[1]
    return cached


def drifts(project: Project, records: dict) -> dict[str, object]:
    published, _ = load_published(project.root)
    return {deck: drift(published[deck], record) for deck, record in records.items()}


def warm(project: Project) -> None:
    """Fill the cache from the project as it is (what an earlier check left)."""
    records, (errors, warnings) = same_as_fresh(project)
    assert not errors and not warnings
    assert not any(drifts(project, records).values())


def test_an_unchanged_project_is_compared_without_making_a_note(released, monkeypatch):
    warm(released)
    made = Made(monkeypatch)
    records, (errors, warnings) = comparison(released, cached=True)
    assert not errors and not warnings and records
    assert made.facts == {}


def test_an_edited_file_makes_only_its_own_facts_notes_again(released, monkeypatch):
    warm(released)
    released.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?")
    base = load_and_validate(released.root)
    guild = {fact.id for fact in base.facts if fact.file == "facts/guild.yaml"}
    made = Made(monkeypatch)
    records, (_, warnings) = comparison(released, cached=True)
    assert made.facts and set(made.facts) <= guild
    assert drifts(released, records)["guild-history"].changed == 2 and "(2 notes changed)" in warnings[0]
    made.facts.clear()
    assert same_as_fresh(released)[0] == records
    made.facts.clear()
    comparison(released, cached=True)
    assert made.facts == {}  # the edited file's facts kept in turn


def test_a_changed_fact_is_reported_as_the_fresh_comparison_reports_it(released):
    warm(released)
    released.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?")
    records, (_, warnings) = same_as_fresh(released)
    changed = drifts(released, records)["guild-history"]
    assert changed.changed == 2 and not changed.added and not changed.withdrawn
    assert "(2 notes changed)" in warnings[0]


def test_a_changed_template_changes_every_note(released):
    warm(released)
    template = "templates/anki/fields/details.html"
    released.write(template, released.read(template) + "\n<p>printed by the guild</p>\n")
    records, (_, warnings) = same_as_fresh(released)
    changed = drifts(released, records)["guild-history"]
    assert changed.changed == len(records["guild-history"].notes) and warnings


def test_a_changed_source_changes_the_notes_that_show_it(released):
    warm(released)
    released.replace("facts/sources.yaml", "title: ", "title: The ", vet=False)
    records, (_, warnings) = same_as_fresh(released)
    assert drifts(released, records)["guild-history"].changed and warnings


def test_a_changed_deck_is_reported(released):
    warm(released)
    released.replace("decks/all.yaml", "  subdecks: true\n", "  subdecks: true\n  kinds: [qa, dispute]\n")
    records, (_, warnings) = same_as_fresh(released)
    changed = drifts(released, records)["guild-history"]
    assert changed.withdrawn and warnings  # the reverse and cloze cards are withdrawn
    released.replace("decks/all.yaml", 'name: "River Guild history"', 'name: "The River Guild"')
    records, (_, warnings) = same_as_fresh(released)
    assert "name" in drifts(released, records)["guild-history"].other


def test_a_withdrawn_fact_is_reported(released):
    warm(released)
    text = released.read("facts/guild.yaml")
    head, tail = text.split("- id: guild-hall", 1)
    released.write(
        "facts/guild.yaml", head + "- id: guild-hall" + tail.replace("status: vetted", "status: retracted", 1)
    )
    records, (_, warnings) = same_as_fresh(released)
    assert drifts(released, records)["guild-history"].withdrawn >= 2 and warnings


def test_a_fact_changed_since_it_was_vetted_is_held_back_as_the_fresh_comparison_holds_it(released):
    warm(released)
    released.replace(
        "facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?", vet=False
    )
    records, (_, warnings) = same_as_fresh(released)
    assert drifts(released, records)["guild-history"].withdrawn and warnings


def test_a_stale_release_record_is_reported(released):
    warm(released)
    path = released.path("decks/published/guild-history.json")
    record = json.loads(path.read_text(encoding="utf-8"))
    identity = next(iter(record["notes"]))
    record["notes"][identity]["hash"] = "0" * 64
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    records, (_, warnings) = same_as_fresh(released)
    assert drifts(released, records)["guild-history"].changed == 1 and "(1 note changed)" in warnings[0]


def test_a_damaged_cache_entry_is_a_miss(released, parse_cache_folder, monkeypatch):
    warm(released)
    entries = [p for p in (parse_cache_folder.parent / FOLDER).glob("*/*") if p.is_file()]
    assert entries
    for number, entry in enumerate(entries):
        entry.write_bytes(entry.read_bytes()[: 30 + number])  # cut short: unreadable, or not an entry
    made = Made(monkeypatch)
    records, (errors, warnings) = same_as_fresh(released)
    assert not errors and not warnings and made.facts
    assert not any(drifts(released, records).values())


def _edit_record(project: Project) -> None:
    path = project.path("decks/published/guild-history.json")
    record = json.loads(path.read_text(encoding="utf-8"))
    record["notes"][next(iter(record["notes"]))]["hash"] = "0" * 64
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")


def _edit_source(project: Project) -> None:
    project.replace("facts/sources.yaml", "title: ", "title: The ", vet=False)


def _hold_back(project: Project) -> None:
    project.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what?", vet=False)


@pytest.mark.parametrize("edit", [_edit_fact, _edit_template, _edit_deck, _edit_record, _edit_source, _hold_back])
def test_check_with_everything_kept_reports_any_drift_as_a_fresh_check_does(released, edit, monkeypatch):
    first = released.run("check")
    assert first.exit_code == 0 and "release record" not in first.stderr
    assert released.run("check").stderr == first.stderr  # from what the first check kept
    edit(released)
    warned = released.run("check")
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    fresh = released.run("check")
    assert warned.exit_code == fresh.exit_code == 0
    assert "its package differs from its release record" in warned.stderr
    assert warned.stderr == fresh.stderr


def test_the_shipped_decks_compare_from_kept_keys_as_afresh_in_every_language(tmp_path, monkeypatch):
    """The shipped project, Persian deck (a translated edition with its own notes) included: kept keys give
    every deck's record as a fresh comparison does, and no deck drifts from its release record."""
    from conftest import REPO

    monkeypatch.setattr(anki, "current_time", lambda: 1_800_000_000)
    project = Project(tmp_path / "shipped")
    for name in ("factdeck.yaml", "facts", "decks", "translations"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project.root / name)
        else:
            project.root.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, project.root / name)
    records, _ = same_as_fresh(project)  # fills the cache
    assert any(deck for deck in records if deck.endswith("-fa"))
    assert same_as_fresh(project)[0] == records  # from it
    assert not any(drifts(project, records).values())


def test_entries_kept_after_an_edit_are_those_an_empty_cache_keeps(released, tmp_path, monkeypatch):
    # Saving passes by the facts whose keys are as loaded: every file's entry must be what a comparison
    # starting from an empty cache writes.
    warm(released)
    released.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?")
    comparison(released, cached=True)
    base = load_and_validate(released.root)

    def kept(notes: NoteKeys) -> dict:
        stage = comparison_stage(base, released.root / "build", notes)
        rendered = stage.parts(base.decks[0]).cards.rendered_fields
        return {file: notes._made[0][0].load(key) for file, key in base.file_keys.items()} | {"": rendered.shared}

    warm_entries = kept(NoteKeys(base))
    monkeypatch.setenv("FACTDECK_CACHE_DIR", str(tmp_path / "empty-cache"))
    comparison(released, cached=True)  # into an empty cache
    assert kept(NoteKeys(base)) == warm_entries
    assert all(warm_entries[file] for file in base.file_keys)


def test_an_entry_holding_anything_but_note_keys_is_a_miss():
    from factdeck.outputs.anki.note_keys import _entry

    good = {"a": ("k", {"\0note\0qa\0ns": "g\0h", "\0clozable": "1"}), "b": ("k", {"\0note\0qa\0ns": "g\0h"})}
    note = ("a/qa", "g", "h", "a", ("era::x", "card::qa"))
    live = {"a": ("k", {"qa,reverse": (note,)}), "b": ("k", {"qa": ()})}
    assert _entry((good, live)) == (good, live)
    assert _entry(good) is None and _entry((good,)) is None  # an entry from before the live notes were kept
    for bad_values in ({"\0front.html": "a field's text"}, {"\0note\0qa\0ns": 1}, {1: "x"}, {"\0clozable": None}):
        assert _entry(({**good, "c": ("k", bad_values)}, live)) is None  # after facts whose names were fine
    bad_notes = [
        (note[:4],),
        ((*note[:4], "era::x"),),
        ((*note[:3], None, note[4]),),
        ((*note[:4], ("era::x", 1)),),
        [note],
        "a/qa",
    ]
    for notes in bad_notes:
        assert _entry((good, {**live, "c": ("k", {"qa": notes})})) is None
    for kept in (("k", {1: (note,)}), ("k",), (1, {"qa": (note,)}), ["k", {"qa": (note,)}]):
        assert _entry((good, {**live, "c": kept})) is None


class LiveMade:
    """Records, while installed, the facts whose live note keys were made rather than taken from the cache: file ->
    fact ids."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: dict[str, set[str]] = {}
        put = rendered.LiveNoteKeys.put

        def counted(live, fact, kinds, notes):
            self.files.setdefault(fact.file, set()).add(fact.id)
            return put(live, fact, kinds, notes)

        monkeypatch.setattr(rendered.LiveNoteKeys, "put", counted)


HALL = '  statement: "The River Guild built its hall in Millford in 1910."\n'


def _edit_statement(project: Project) -> None:
    project.replace("facts/guild.yaml", HALL, HALL.replace(" in 1910.", " in 1910, by the river."))


def _edit_answer(project: Project) -> None:
    project.replace("facts/guild.yaml", '  answer: "Millford"\n', '  answer: "Millford town"\n')


def _new_fact(project: Project) -> None:
    text = project.read("facts/guild.yaml")
    block = "- id: guild-hall" + text.split("- id: guild-hall", 1)[1].split("\n\n", 1)[0] + "\n"
    new = block.replace("- id: guild-hall", "- id: guild-hall-opened").replace("build its hall", "open its hall")
    new = re.sub("vetted_hash: .*", "vetted_hash: aaaaaaaaaaaaaaaa", new)  # vetted afresh by `write`
    project.write("facts/guild.yaml", text.rstrip("\n") + "\n\n" + new)


def _removed_fact(project: Project) -> None:
    text = project.read("facts/guild.yaml")
    head, tail = text.split("- id: guild-hall", 1)
    project.write("facts/guild.yaml", head + tail.split("\n\n", 1)[1])


@pytest.mark.parametrize(
    "edit", [_edit_statement, _edit_answer, _new_fact, _removed_fact, _edit_fact, _hold_back, _edit_source]
)
def test_after_an_edit_only_the_edited_files_live_notes_are_made_again(released, monkeypatch, edit):
    warm(released)
    before = load_and_validate(released.root)
    edit(released)
    made = LiveMade(monkeypatch)
    records, said = same_as_fresh(released)  # as every note made afresh (the cached comparison runs first)
    base = load_and_validate(released.root)
    changed = {file for file, key in base.file_keys.items() if before.file_keys.get(file) != key}
    assert changed == ({fact.file for fact in base.facts} if edit is _edit_source else {"facts/guild.yaml"})
    if edit is _edit_source:  # what every card may show changed: no note is kept
        assert set(made.files) == changed
    else:
        # Only the facts whose record changed (or that are new): the edited file's other facts' live notes are
        # carried from its earlier entry (`_Entries._carried`).
        assert {fact_id for ids in made.files.values() for fact_id in ids} == _changed_in_decks(before, base)
    assert any(drifts(released, records).values()) and said[1]
    made.files.clear()
    assert comparison(released, cached=True) == (records, said)
    assert made.files == {}  # the edited file's live notes kept in turn


def _changed_in_decks(before, base) -> set[str]:  # type: ignore[no-untyped-def]
    """The facts of `base` some deck takes whose record is not the one `before` held under their id at its place."""
    then = {fact.id: fact for fact in before.facts}
    taken = {fact.id for deck in base.decks for fact in select_facts(base, deck)}
    return {
        fact.id
        for fact in base.facts
        if fact.id in taken and (then.get(fact.id) != fact or (then[fact.id].file, then[fact.id].line) != fact._where)
    }


@pytest.mark.parametrize("edit", [_edit_statement, _edit_answer, _new_fact, _removed_fact, _hold_back, _edit_deck])
def test_an_edited_file_s_unchanged_facts_are_carried_and_its_entry_is_what_an_empty_cache_keeps(
    released, monkeypatch, tmp_path, edit
):
    warm(released)
    before = load_and_validate(released.root)
    edit(released)
    made = Made(monkeypatch)
    comparison(released, cached=True)
    remade = set(made.facts)
    records, said = same_as_fresh(released)
    base = load_and_validate(released.root)
    guild = [fact.id for fact in base.facts if fact.file == "facts/guild.yaml"]
    if edit is not _edit_deck:  # a deck's kinds (no fact file edited): the notes come from the kept values
        assert remade == _changed_in_decks(before, base) and len(guild) > len(remade)
    # What was kept under the edited file's new key is what a comparison starting from an empty cache keeps.
    stage = comparison_stage(base, released.root / "build", NoteKeys(base))
    shared = stage.parts(base.decks[0]).cards.rendered_fields.shared
    store = note_keys.ContentStore(note_keys.cache_folder(FOLDER), note_keys.code_fingerprint(), f"{FOLDER}\0{shared}")
    carried = store.load(base.file_keys["facts/guild.yaml"])
    monkeypatch.setenv("FACTDECK_CACHE_DIR", str(tmp_path / "empty-cache"))
    assert same_as_fresh(released) == (records, said)
    empty = load_and_validate(released.root)
    store = note_keys.ContentStore(note_keys.cache_folder(FOLDER), note_keys.code_fingerprint(), f"{FOLDER}\0{shared}")
    assert carried is not None
    if edit is not _edit_deck:  # (an entry keeps the values of the kinds asked before too: more than a new one)
        assert carried == store.load(empty.file_keys["facts/guild.yaml"])


def test_an_earlier_entry_carried_whatever_each_fact_s_record_would_be_caught(released, monkeypatch):
    # The comparisons above must fail for a cache that carries every fact of the edited file's earlier entry, not
    # only those whose record is the same.
    warm(released)
    _edit_answer(released)

    def every_fact(entries, file, key):
        earlier = entries.earlier(file, lambda key: note_keys._entry(entries.store.load(key)))
        if earlier is None:
            return None
        entry = earlier[2]
        rekeyed = [{i: (f"{key}\0{v[0].rpartition(chr(0))[2]}", v[1]) for i, v in part.items()} for part in entry]
        return rekeyed[0], rekeyed[1]

    monkeypatch.setattr(note_keys._Entries, "_carried", every_fact)
    with pytest.raises(AssertionError):
        same_as_fresh(released)


def test_live_notes_kept_for_other_card_kinds_would_be_caught(released, monkeypatch):
    # The comparison above must fail for a cache that gives a fact's live notes back whatever card kinds the deck
    # asks for now.
    warm(released)
    _edit_deck(released)

    def any_kinds(live, fact, kinds):
        entry = live.previous.get(fact.id)
        return next(iter(entry[1].values())) if entry is not None and entry[0] == live.fact_key(fact) else None

    monkeypatch.setattr(rendered.LiveNoteKeys, "get", any_kinds)
    with pytest.raises(AssertionError):
        same_as_fresh(released)


def _rename_deck(project: Project) -> None:
    project.replace("decks/all.yaml", 'name: "River Guild history"', 'name: "The River Guild"')


def _drifts_counted(project: Project, edit) -> list:
    """After `edit`, each deck's drift as `deck_drift` counts it (with the cache and without), asserted equal to
    the drift from the deck's whole record as the comparison makes it."""
    from factdeck.outputs.anki.release import deck_drift

    warm(project)
    edit(project)
    base = load_and_validate(project.root)
    published, _ = load_published(project.root)
    found = []
    for cached in (True, False):
        notes = NoteKeys(base)
        if not cached:
            notes.folder = None
        counted = comparison_stage(base, project.root / "build", notes)
        whole = comparison_stage(base, project.root / "build", NoteKeys(base))
        for deck in base.decks:
            facts = select_facts(base, deck)
            made = deck_drift(counted, deck, facts, published[deck.id])
            assert made == drift(published[deck.id], whole.release_record(deck, facts))
            found.append(made)
    return found


@pytest.mark.parametrize(
    "edit",
    [_edit_statement, _new_fact, _removed_fact, _edit_deck, _rename_deck, _edit_record, _edit_source, _hold_back,
     _edit_template],
)  # fmt: skip
def test_each_decks_drift_is_counted_as_from_its_whole_record(released, edit):
    assert any(_drifts_counted(released, edit))


def test_the_drifts_compared_count_every_kind_of_change(released):
    # Between them, these edits add, change and withdraw notes and change what else a record holds: a count that
    # left any of them out would differ from the whole record's.
    seen = {"added": False, "changed": False, "withdrawn": False, "other": False}
    for edit in (_new_fact, _edit_statement, _removed_fact, _rename_deck):
        project = Project(released.root.parent / f"copy-{edit.__name__}")
        shutil.copytree(released.root, project.root)
        for made in _drifts_counted(project, edit):
            for name in seen:
                seen[name] = seen[name] or bool(getattr(made, name))
    assert all(seen.values()), seen


def test_live_notes_made_for_new_card_kinds_are_kept_in_the_files_entries_loaded(released, monkeypatch):
    # A deck asking for other kinds makes every fact's live notes for them, in files whose entries were loaded
    # (their keys unchanged): saving must not pass those files by.
    warm(released)
    _edit_deck(released)
    made = LiveMade(monkeypatch)
    first = same_as_fresh(released)
    base = load_and_validate(released.root)
    assert set(made.files) == {fact.file for fact in base.facts}
    made.files.clear()
    assert comparison(released, cached=True) == first
    assert made.files == {}


def test_what_the_cache_loaded_is_freed_with_it_without_the_collector(released):
    # Nothing the cache hands out refers back to it: what it loaded (every file's note keys and live notes) is
    # freed as soon as the comparison lets go of it, not left to a pass of the cyclic collector.
    warm(released)
    base = load_and_validate(released.root)
    collecting = gc.isenabled()
    gc.disable()
    try:
        notes = NoteKeys(base)
        rendered = notes.fields("shared", base)
        fields, live = weakref.ref(rendered), weakref.ref(rendered.live)
        notes.save()
        del notes, rendered
        assert fields() is None and live() is None
    finally:
        if collecting:
            gc.enable()


class SharesMade:
    """Records, while installed, the file keys whose share of a deck's drift was made rather than taken back."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.keys: list[str] = []
        put = note_keys.DriftShares.put

        def counted(shares, file_key, share):
            self.keys.append(file_key)
            return put(shares, file_key, share)

        monkeypatch.setattr(note_keys.DriftShares, "put", counted)


def _exclude_hall(project: Project) -> None:
    # The deck no longer takes one fact of a file whose text (and key) stays the same.
    project.replace("decks/all.yaml", "cards:\n", "select:\n  exclude:\n    facts: [guild-hall]\ncards:\n")


def _drifts_now(project: Project) -> list:
    """Each deck's drift as `deck_drift` counts it with the note keys cache (what it keeps is saved), asserted equal
    to the drift from the deck's whole record made afresh."""
    from factdeck.outputs.anki.release import deck_drift

    base = load_and_validate(project.root)
    published, _ = load_published(project.root)
    notes = NoteKeys(base)
    counted = comparison_stage(base, project.root / "build", notes)
    fresh = NoteKeys(base)
    fresh.folder = None
    whole = comparison_stage(base, project.root / "build", fresh)
    found = []
    for deck in base.decks:
        facts = select_facts(base, deck)
        made = deck_drift(counted, deck, facts, published[deck.id])
        assert made == drift(published[deck.id], whole.release_record(deck, facts))
        found.append(made)
    notes.save()
    return found


@pytest.mark.parametrize(
    "edit",
    [_edit_statement, _edit_answer, _new_fact, _removed_fact, _hold_back, _edit_source, _edit_deck, _exclude_hall,
     _edit_record],
)  # fmt: skip
def test_after_an_edit_only_the_edited_files_drift_shares_are_made_again(released, monkeypatch, edit):
    warm(released)
    before = load_and_validate(released.root)
    edit(released)
    made = SharesMade(monkeypatch)
    assert any(_drifts_now(released))
    base = load_and_validate(released.root)
    taken = {fact.file for deck in base.decks for fact in select_facts(base, deck)}
    assert len(taken) == 2
    # The card kinds, the release record and what every card shows name a deck's shares: all made again.
    every = edit in (_edit_source, _edit_deck, _edit_record)
    files = taken if every else {"facts/guild.yaml"}
    assert sorted(made.keys) == sorted(base.file_keys[file] for file in files)
    if edit is _exclude_hall:
        assert base.file_keys == before.file_keys  # the share missed by which facts it reads, not by the file's key
    made.keys.clear()
    _drifts_now(released)
    assert made.keys == []  # kept in turn


def test_drift_shares_kept_whatever_facts_the_deck_takes_would_be_caught(released, monkeypatch):
    # The comparison above must fail for shares kept under the file's key alone (not which of its facts the deck
    # takes): the excluded fact's notes would still count as live.
    from factdeck.outputs.anki import release

    monkeypatch.setattr(release, "facts_key", lambda fact_key, facts: fact_key(facts[0]))
    monkeypatch.setattr(release, "_group_key", lambda fact_key, file, file_key, matched, group: fact_key(group[0]))
    warm(released)
    _exclude_hall(released)
    with pytest.raises(AssertionError):
        _drifts_now(released)


def test_drift_shares_kept_under_the_file_s_key_without_the_selection_s_matches_would_be_caught(released, monkeypatch):
    # A file's group picked by the selection's kept matches is keyed by the file's key and those matches: kept
    # without the matches, the excluded fact's notes would still count as live.
    from factdeck.outputs.anki import release

    group_key = release._group_key
    keyed = []

    def without_matches(fact_key, file, file_key, matched, group):  # type: ignore[no-untyped-def]
        keyed.append(matched is not None)
        return group_key(fact_key, file, file_key, b"" if matched is not None else None, group)

    monkeypatch.setattr(release, "_group_key", without_matches)
    warm(released)
    assert any(keyed)  # the kept matches' way taken
    _exclude_hall(released)
    with pytest.raises(AssertionError):
        _drifts_now(released)


def test_drift_shares_kept_whatever_the_record_says_would_be_caught(released, monkeypatch):
    drift_shares = NoteKeys.drift_shares
    monkeypatch.setattr(
        NoteKeys,
        "drift_shares",
        lambda notes, deck, record, kinds, shared: drift_shares(notes, deck, "-", kinds, shared),
    )
    warm(released)
    _edit_record(released)
    with pytest.raises(AssertionError):
        _drifts_now(released)


def test_a_damaged_drift_share_is_a_miss():
    share = ("k", 1, 0, 0, "a/qa\nb/qa")
    assert note_keys._shares({"f": share}) == {"f": share} and note_keys.identities_of(share) == ["a/qa", "b/qa"]
    assert note_keys.identities_of(("k", 0, 0, 0, "")) == []
    for bad in (("k", 1, 0, 0), ("k", "1", 0, 0, ""), (1, 1, 0, 0, ""), ("k", 1, 0, 0, ("a", "b")), ["k", 1, 0, 0, ""]):
        assert note_keys._shares({"f": bad}) is None
    assert note_keys._shares([("f", share)]) is None
    assert note_keys._shares({1: share}) is None


def test_after_an_edit_only_the_edited_files_entry_is_read(released, monkeypatch):
    # Every other file's drift share is kept, so none of its facts is looked up and its entry is not read.
    warm(released)
    _edit_statement(released)
    read: list[set[str]] = []
    init = note_keys._Entries.__init__

    def recorded(entries, *args):
        init(entries, *args)
        read.append(entries.read)

    monkeypatch.setattr(note_keys._Entries, "__init__", recorded)
    _drifts_now(released)
    assert read and set().union(*read) == {"facts/guild.yaml"}


def test_a_check_after_an_edit_measures_each_cache_folder_once(released, monkeypatch):
    # The note keys' stores (each file's entries, each deck's drift shares) and the fronts' shares save into folders
    # the command's other stores save into: they share the validation's measure of each folder.
    from factdeck.engine import parse_cache

    assert released.run("check").exit_code == 0
    _edit_statement(released)
    walks: list[str] = []
    measure = parse_cache.ContentStore._measure
    monkeypatch.setattr(
        parse_cache.ContentStore, "_measure", lambda self: walks.append(self.folder.name) or measure(self)
    )
    # No measure kept by the check before (it would spare the walks: tests/test_cache.py).
    monkeypatch.setattr(parse_cache.ContentStore, "_kept_measure", lambda self, now: None)
    assert released.run("check").exit_code == 0
    assert {"notes", "fronts"} <= set(walks) and len(walks) == len(set(walks)), walks
