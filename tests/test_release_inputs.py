"""What a release record keeps of what its notes were made from (outputs/anki/release_inputs.py): comparing a deck
with its record takes an unchanged fact's notes from the record instead of making them, and must give exactly
the records and report of a comparison that makes every note, after any change; records without them (older
ones, damaged ones) are read as before, and a release with no changed note writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Project, sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.anki import cards, release_inputs
from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.note_keys import NoteKeys
from factdeck.outputs.anki.release import comparison_stage
from factdeck.records.identity import PUBLISHED_FOLDER, PublishedDeck, load_published
from factdeck.records.select import select_facts

RECORD = "decks/published/guild-history.json"


def without_inputs(project: Project) -> None:
    """Rewrite the project's release records as a release from before inputs were kept wrote them."""
    records, problems = load_published(project.root)
    assert not problems
    for deck, record in records.items():
        record.inputs = {}
        project.write(f"{PUBLISHED_FOLDER}/{deck}.json", record.to_json())


def released_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The sample project with its extra facts (two fact files), released at a fixed time."""
    monkeypatch.setattr(anki, "current_time", lambda: 1_700_000_000)
    project = sample_project(tmp_path / "proj", more_facts=True)
    result = project.run("release")
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    return released_sample(tmp_path, monkeypatch)


def records_now(project: Project, tmp_path: Path, reuse: bool = True) -> tuple[dict[str, str], dict[str, int]]:
    """Each deck's record as a comparison without any cache or build folder makes it now (to_json, its inputs
    included), with the record's inputs or (`reuse` False) making every note; and how many notes of each fact
    were made."""
    made: dict[str, int] = {}
    note = cards.CardMaker.note

    def counted(maker, fact, plan, deck_name):
        made[fact.id] = made.get(fact.id, 0) + 1
        return note(maker, fact, plan, deck_name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cards.CardMaker, "note", counted)
        if not reuse:
            patch.setattr(release_inputs, "reuse", lambda *args: 0)
        base = load_and_validate(project.root)
        notes = NoteKeys(base)
        notes.folder = None  # no cache folder
        empty = tmp_path / "no-build"
        stage = comparison_stage(base, empty, notes)
        records = {
            deck.id: stage.release_record(deck, select_facts(base, deck), inputs=True).to_json() for deck in base.decks
        }
    return records, made


def checked(project: Project, monkeypatch: pytest.MonkeyPatch, reuse: bool = True) -> tuple[int, str]:
    """`factdeck check` with no cache and no build folder, with the records' inputs or without."""
    with monkeypatch.context() as patch:
        patch.setenv("FACTDECK_NO_CACHE", "1")
        if not reuse:
            patch.setattr(release_inputs, "reuse", lambda *args: 0)
        result = project.run("check")
    return result.exit_code, result.stderr


def same_as_fresh(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Assert that the comparison from the records' inputs gives the records and the report of one that makes
    every note; returns the notes it made, by fact."""
    records, made = records_now(project, tmp_path)
    fresh, made_fresh = records_now(project, tmp_path, reuse=False)
    assert records == fresh
    base = load_and_validate(project.root)
    assert set(made_fresh) == {fact.id for deck in base.decks for fact in select_facts(base, deck)}
    assert checked(project, monkeypatch) == checked(project, monkeypatch, reuse=False)
    return made


def test_a_release_writes_its_inputs_after_the_notes_it_wrote_before(released):
    text = released.read(RECORD)
    record = json.loads(text)
    assert list(record)[-2:] == ["notes", "inputs"]
    assert set(record["inputs"]) == {"cards", "facts"}
    assert set(record["inputs"]["facts"]) == {note["fact"] for note in record["notes"].values()}
    # Everything before the inputs is what a release from before they were kept writes.
    parsed, _ = load_published(released.root)
    old = PublishedDeck(**{**parsed["guild-history"].__dict__, "inputs": {}}).to_json()
    assert text.startswith(old[: -len("\n}\n")] + ',\n "inputs": {\n')


def test_an_unchanged_project_is_compared_without_making_a_note(released, tmp_path, monkeypatch):
    assert released.run("check").exit_code == 0
    assert same_as_fresh(released, tmp_path, monkeypatch) == {}
    code, said = checked(released, monkeypatch)
    assert code == 0 and "release record" not in said


def _edit_fact(project: Project) -> None:
    project.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?")


def _edit_template(project: Project) -> None:
    template = "templates/anki/fields/details.html"
    project.write(template, project.read(template) + "\n<p>printed by the guild</p>\n")


def _edit_kinds(project: Project) -> None:
    project.replace("decks/all.yaml", "  subdecks: true\n", "  subdecks: true\n  kinds: [qa, dispute]\n")


def _edit_note(project: Project) -> None:
    # A hand edit (or a merge of two releases' records): the inputs no longer certify the notes.
    record = json.loads(project.read(RECORD))
    record["notes"][next(iter(record["notes"]))]["hash"] = "0" * 64
    project.write(RECORD, json.dumps(record, indent=1))


def _edit_fact_input(project: Project) -> None:
    record = json.loads(project.read(RECORD))
    fact = next(iter(record["inputs"]["facts"]))
    record["inputs"]["facts"][fact] = "0" * 32
    project.write(RECORD, json.dumps(record, indent=1))


def _edit_source(project: Project) -> None:
    project.replace("facts/sources.yaml", "title: ", "title: The ", vet=False)


def _hold_back(project: Project) -> None:
    project.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what?", vet=False)


def _retract(project: Project) -> None:
    head, tail = project.read("facts/guild.yaml").split("- id: guild-hall", 1)
    project.write(
        "facts/guild.yaml", head + "- id: guild-hall" + tail.replace("status: vetted", "status: retracted", 1)
    )


def _no_cloze(project: Project) -> None:
    # The statement no longer holds its answer: the fact's cloze note is withdrawn.
    project.replace(
        "facts/guild.yaml", "built its hall in Millford in 1910", "built its hall in the market town in 1910"
    )


def _damage_inputs(project: Project) -> None:
    record = json.loads(project.read(RECORD))
    record["inputs"]["facts"] = ["not", "a", "map"]
    project.write(RECORD, json.dumps(record, indent=1))


def _old_record(project: Project) -> None:
    without_inputs(project)


@pytest.mark.parametrize(
    "edit",
    [
        _edit_fact,
        _edit_template,
        _edit_kinds,
        _edit_note,
        _edit_fact_input,
        _edit_source,
        _hold_back,
        _retract,
        _no_cloze,
        _damage_inputs,
        _old_record,
    ],
)
def test_any_change_is_compared_as_a_comparison_making_every_note_compares_it(released, tmp_path, monkeypatch, edit):
    edit(released)
    made = same_as_fresh(released, tmp_path, monkeypatch)
    base = load_and_validate(released.root)
    if edit is _edit_fact:
        assert set(made) == {"guild-hall"}  # only the edited fact's notes
    if edit in (_edit_template, _edit_note, _damage_inputs, _old_record):
        selected = {fact.id for deck in base.decks for fact in select_facts(base, deck)}
        assert set(made) == selected  # nothing certified


def test_a_release_with_no_changed_note_writes_nothing_old_record_or_new(released, monkeypatch):
    monkeypatch.setattr(anki, "current_time", lambda: 1_800_000_000)
    before = released.read(RECORD)
    assert released.run("release").exit_code == 0
    assert released.read(RECORD) == before
    without_inputs(released)
    old = released.read(RECORD)
    assert released.run("release").exit_code == 0
    assert released.read(RECORD) == old  # not written again for its inputs alone


def test_a_release_after_an_edit_keeps_every_unchanged_notes_line_and_input(released, monkeypatch):
    monkeypatch.setattr(anki, "current_time", lambda: 1_800_000_000)
    before = released.read(RECORD).splitlines()
    _edit_fact(released)
    assert released.run("release").exit_code == 0
    after = released.read(RECORD).splitlines()
    changed = [line for line in after if line not in before]
    assert changed and all('"guild-hall' in line or '"cards"' in line or '"released"' in line for line in changed)
    assert any('"guild-hall/qa"' in line for line in changed) and any('"guild-hall": "' in line for line in changed)


@pytest.mark.parametrize("first", ["a-questions", "z-questions"])  # read before the full deck, or after it
def test_decks_with_other_kinds_are_compared_as_afresh(tmp_path, monkeypatch, first):
    monkeypatch.setattr(anki, "current_time", lambda: 1_700_000_000)
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.write(
        f"decks/{first}.yaml", f"id: {first}\nname: Questions\ndescription: Questions only.\ncards:\n  kinds: [qa]\n"
    )
    assert project.run("release").exit_code == 0
    assert same_as_fresh(project, tmp_path, monkeypatch) == {}
    _edit_fact(project)
    assert set(same_as_fresh(project, tmp_path, monkeypatch)) == {"guild-hall"}
    _no_cloze(project)
    assert same_as_fresh(project, tmp_path, monkeypatch)


def test_facts_whose_keys_the_cache_holds_are_not_keyed_against_the_record(released, tmp_path, monkeypatch):
    # A check keeps every fact's note keys (note_keys.py); after an edit of one file, only that file's facts lack
    # them, so only theirs are held to the record's inputs, and the records are those of a comparison afresh.
    assert released.run("check").exit_code == 0
    _edit_fact(released)
    keyed: list[str] = []
    fact_key = release_inputs._fact_key

    def counted(fact_json: str, notes):
        keyed.append(json.loads(fact_json)["id"])
        return fact_key(fact_json, notes)

    def records(cached: bool, reuse: bool) -> dict[str, str]:
        base = load_and_validate(released.root)
        notes = NoteKeys(base)
        if not cached:
            notes.folder = None
        with monkeypatch.context() as patch:
            patch.setattr(release_inputs, "_fact_key", counted)
            if not reuse:
                patch.setattr(release_inputs, "reuse", lambda *args: 0)
            stage = comparison_stage(base, tmp_path / "no-build", notes)
            return {deck.id: stage.release_record(deck, select_facts(base, deck)).to_json() for deck in base.decks}

    warm = records(cached=True, reuse=True)
    base = load_and_validate(released.root)
    assert keyed and {base.facts_by_id[fact_id].file for fact_id in keyed} == {"facts/guild.yaml"}
    assert warm == records(cached=False, reuse=False) == records(cached=False, reuse=True)


def test_a_records_cards_key_is_kept_and_made_again_for_an_edited_record(
    released, tmp_path, monkeypatch, parse_cache_folder
):
    made: list[str] = []
    cards_key = release_inputs._cards_key

    def counted(shared, deck, notes):
        made.append(deck.id)
        return cards_key(shared, deck, notes)

    def reused() -> int:
        """How many facts a comparison without the note keys cache takes from the records."""
        base = load_and_validate(released.root)
        notes = NoteKeys(base)
        notes.folder = None
        stage = comparison_stage(base, tmp_path / "no-build", notes)
        return sum(
            release_inputs.reuse(stage.own.cards, deck, stage.records.get(deck.id), select_facts(base, deck))
            for deck in base.decks
        )

    monkeypatch.setattr(release_inputs, "_cards_key", counted)
    first = reused()
    assert first and made
    made.clear()
    assert reused() == first
    assert made == []  # kept under the record's text
    _edit_note(released)
    reused()
    assert "guild-history" in made  # the edited record's notes hashed again
    same_as_fresh(released, tmp_path, monkeypatch)


def test_a_cards_key_kept_under_the_deck_alone_would_be_caught(released, tmp_path, monkeypatch, parse_cache_folder):
    # The comparison above must fail for a cache that keeps a record's cards key under the deck alone, not under
    # what every card shows and the record's text.
    kept: dict[str, str] = {}

    def by_deck(shared, deck, record):
        if deck.id not in kept:
            kept[deck.id] = release_inputs._cards_key(shared, deck, record.notes.values())
        return kept[deck.id]

    monkeypatch.setattr(release_inputs, "_record_cards_key", by_deck)
    records_now(released, tmp_path)
    _edit_template(released)
    with pytest.raises(AssertionError):
        same_as_fresh(released, tmp_path, monkeypatch)
