"""A deck's whole life in a real Anki collection (the official `anki` package, default import options).

One learner's story, run once for the module: the deck is released and imported, cards are reviewed, then a
fact is retracted and another's statement no longer holds its answer (so its cloze cannot be made); the deck
is rebuilt and re-imported, released, rebuilt from two fresh clones of the commit at different times, and
re-imported again. Each test checks one promise about it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import REPO, Project, sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.cards import CardMaker, NoteRecord
from factdeck.records.identity import WITHDRAWN_TAG, deck_id, namespace_of, note_type_id, subdeck_id
from factdeck.records.select import select_facts
from test_anki_roundtrip import Import, review_counts, scheduling, snapshot_notes
from test_release_inputs import records_now

T0 = 1_700_000_000
APKG = "build/guild-history/guild-history.apkg"
PUBLISHED = "decks/published/guild-history.json"
# The notes the story's changes withdraw: the retracted fact's two, and the cloze whose answer left the statement.
WITHDRAWN = {("guild-called-cartel", "qa"), ("guild-called-cartel", "cloze"), ("guild-hall", "cloze")}
REVIEWS = [
    ("guild-hall", "qa", 4),
    ("guild-hall", "cloze", 3),
    ("guild-called-cartel", "qa", 4),
    ("first-master", "qa", 1),
]


def git(root: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def package_notes(project: Project) -> dict[str, NoteRecord]:
    """The notes the deck's package holds, by GUID, as the build makes them."""
    from factdeck.outputs.write import OutputWriter

    base = load_and_validate(project.root)
    deck = base.deck("guild-history")
    stage = anki.ApkgStage(base, OutputWriter(project.root / "build"))
    return {n.guid: n for n in stage.package_notes(deck, select_facts(base, deck))}


@dataclass
class Life:
    imports: dict[str, Import] = field(default_factory=dict)
    notes: dict[str, dict[str, dict]] = field(default_factory=dict)
    package: dict[str, dict[str, NoteRecord]] = field(default_factory=dict)
    apkg: dict[str, bytes] = field(default_factory=dict)
    reviewed: dict[str, dict[int, tuple]] = field(default_factory=dict)
    revlog: dict[str, dict[int, int]] = field(default_factory=dict)
    conflicting: dict[str, int] = field(default_factory=dict)
    released: dict[str, str] = field(default_factory=dict)
    clones: list[bytes] = field(default_factory=list)
    committed_clones: list[bytes] = field(default_factory=list)
    guid_of: dict[tuple[str, str], str] = field(default_factory=dict)
    # The deck's record as a comparison makes it from the release record's inputs and making every note
    # (test_release_inputs.py), after the changes and after the second release.
    compared: dict[str, tuple[str, str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def life(tmp_path_factory) -> Life:
    tmp = tmp_path_factory.mktemp("life")
    project = sample_project(tmp / "proj")
    life = Life()
    col = Collection(str(tmp / "collection.anki2"))
    clock = {"t": T0}

    def build(name: str, where: Project = project) -> None:
        result = where.run("build", "--format", "apkg")
        assert result.exit_code == 0, result.output
        life.apkg[name] = where.path(APKG).read_bytes()
        life.package[name] = package_notes(where)

    def reimport(name: str) -> None:
        from anki.collection import ImportAnkiPackageRequest

        log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(project.path(APKG)))).log
        life.conflicting[name] = len(log.conflicting)
        life.imports[name] = _as_import(col, log)
        life.notes[name] = snapshot_notes(col)

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        patch.setattr(anki, "current_time", lambda: clock["t"])
        try:
            assert project.run("release").exit_code == 0
            life.released["first"] = project.read(PUBLISHED)
            build("first")
            reimport("first")
            life.guid_of = {(n.fact_id, n.kind): g for g, n in life.package["first"].items()}
            ids = []
            for fact_id, kind, rating in REVIEWS:
                card = col.get_note(life.notes["first"][life.guid_of[(fact_id, kind)]]["id"]).cards()[0]
                card.start_timer()
                col.sched.answerCard(card, rating)
                ids.append(card.id)
            life.reviewed["before"], life.revlog["before"] = scheduling(col, ids), review_counts(col, ids)

            # The same clock second as the release: changed notes must still come out newer.
            text = project.read("facts/guild.yaml")
            head, tail = text.split("- id: guild-called-cartel", 1)
            project.write(
                "facts/guild.yaml",
                head + "- id: guild-called-cartel" + tail.replace("status: vetted", "status: retracted", 1),
            )
            project.replace(
                "facts/guild.yaml", "built its hall in Millford in 1910", "built its hall in the market town in 1910"
            )
            build("changed")
            reimport("changed")
            life.compared["changed"] = compared(project, tmp)
            life.reviewed["after"], life.revlog["after"] = scheduling(col, ids), review_counts(col, ids)

            clock["t"] = T0 + 100
            assert project.run("release").exit_code == 0
            life.released["second"] = project.read(PUBLISHED)
            build("released")
            reimport("released")
            life.compared["released"] = compared(project, tmp)

            # Two fresh clones of the commit, built at different times, without the build folder.
            (project.root / ".gitignore").write_text("build/\n", encoding="utf-8")
            git(project.root, "init", "-q")
            git(project.root, "add", "-A")
            git(project.root, "commit", "-qm", "release")
            for n, when in enumerate((T0 + 5_000, T0 + 90_000)):
                clone = Project(tmp / f"clone-{n}")
                git(tmp, "clone", "-q", str(project.root), str(clone.root))
                clock["t"] = when
                build(f"clone-{n}", clone)
                life.clones.append(life.apkg[f"clone-{n}"])
            # A committed change, unreleased: clones still agree (the commit's time), and it is newer.
            clone = Project(tmp / "clone-0")
            clone.replace("facts/guild.yaml", "ferry workers", "river ferry workers")
            git(clone.root, "commit", "-qam", "edit")
            for n, when in enumerate((T0 + 200_000, T0 + 300_000)):
                fresh = Project(tmp / f"fresh-{n}")
                git(tmp, "clone", "-q", str(clone.root), str(fresh.root))
                clock["t"] = when
                build(f"fresh-{n}", fresh)
                life.committed_clones.append(life.apkg[f"fresh-{n}"])
        finally:
            col.close()
    return life


def compared(project: Project, tmp: Path) -> tuple[str, str]:
    reused, _ = records_now(project, tmp)
    fresh, _ = records_now(project, tmp, reuse=False)
    return reused["guild-history"], fresh["guild-history"]


def _as_import(col: Collection, log) -> Import:
    guids = lambda notes: {col.get_note(n.id.nid).guid for n in notes}  # noqa: E731
    return Import(guids(log.new), guids(log.updated), guids(log.duplicate))


def test_release_records_every_note_with_its_guid_hash_and_time(life):
    record = json.loads(life.released["first"])
    package = life.package["first"]
    assert {n["guid"] for n in record["notes"].values()} == set(package)
    for identity, entry in record["notes"].items():
        note = package[entry["guid"]]
        assert note.identity == identity and entry["hash"] == note.content_hash() and entry["mod"] == T0


def test_first_import_adds_every_note_once(life):
    assert life.imports["first"].new == set(life.package["first"])
    assert life.conflicting["first"] == 0


def test_retracted_and_impossible_notes_come_back_withdrawn(life):
    package, notes = life.package["changed"], life.notes["changed"]
    withdrawn = {g for g, n in package.items() if WITHDRAWN_TAG in n.tags}
    assert withdrawn == {life.guid_of[key] for key in WITHDRAWN}
    for guid in withdrawn:
        assert WITHDRAWN_TAG in notes[guid]["tags"]
        assert "Withdrawn" in notes[guid]["fields"][0]
    cartel = notes[life.guid_of[("guild-called-cartel", "qa")]]["fields"]
    assert "This fact was retracted." in cartel[0]
    assert cartel[1] == cartel[2] == ""  # a retracted fact's answer and sources are not shown again
    cloze = notes[life.guid_of[("guild-hall", "cloze")]]["fields"][0]
    assert "no longer appears in the statement" in cloze and "{{c1::" in cloze


def test_reimport_updates_the_changed_and_withdrawn_notes_only_and_duplicates_nothing(life):
    result = life.imports["changed"]
    hall = {life.guid_of[("guild-hall", k)] for k in ("qa", "reverse", "cloze")}
    assert result.updated == hall | {life.guid_of[key] for key in WITHDRAWN}
    assert result.new == set()
    assert life.conflicting["changed"] == 0
    assert life.notes["changed"].keys() == life.notes["first"].keys()
    for guid, note in life.notes["first"].items():
        assert life.notes["changed"][guid]["id"] == note["id"]


def test_reviews_and_scheduling_survive_every_update(life):
    assert life.reviewed["after"] == life.reviewed["before"]
    assert life.revlog["after"] == life.revlog["before"]
    assert all(n == 1 for n in life.revlog["after"].values())


def test_no_note_in_the_collection_differs_from_the_package(life):
    for name in ("first", "changed", "released"):
        notes, package = life.notes[name], life.package[name]
        assert notes.keys() == package.keys()
        for guid, record in package.items():
            assert notes[guid]["fields"] == record.fields
            assert notes[guid]["tags"] == set(record.tags)


def test_release_gives_its_own_time_to_exactly_the_notes_changed_since_the_last_release(life):
    """Even content an earlier build of unreleased work timed gets the release's time (docs/anki.md,
    "Releasing"): a learner who imported that build gets those notes once more, with the same text, and no
    other note; every note unchanged since the last release keeps its time."""
    result = life.imports["released"]
    first, released = life.package["first"], life.package["released"]
    changed = {g for g, n in released.items() if g not in first or first[g].content_hash() != n.content_hash()}
    assert result.new == set() and result.updated == changed and changed
    assert all(life.notes["released"][g]["fields"] == life.notes["changed"][g]["fields"] for g in changed)
    record = json.loads(life.released["second"])
    withdrawn = {i for i, n in record["notes"].items() if n["withdrawn"]}
    assert withdrawn == {f"{fact}/{kind}" for fact, kind in WITHDRAWN}


def test_release_records_inputs_that_give_the_notes_of_a_comparison_making_every_note(life):
    for reused, fresh in life.compared.values():
        assert reused == fresh
    record, now = json.loads(life.released["second"]), json.loads(life.compared["released"][1])
    assert record["notes"] == now["notes"] and record["inputs"] == now["inputs"]
    assert json.loads(life.released["first"])["inputs"]["cards"] != record["inputs"]["cards"]


def test_two_fresh_clones_built_at_different_times_are_byte_identical(life):
    assert life.clones[0] == life.clones[1] == life.apkg["released"]


def test_an_unreleased_committed_change_is_reproducible_and_newer(life):
    first, second = life.committed_clones
    assert first == second
    changed = [g for g, n in life.package["fresh-0"].items() if n.fact_id == "guild-founded"]
    assert changed and all(
        life.package["fresh-0"][g].content_hash() != life.package["released"][g].content_hash() for g in changed
    )


# --- identities ------------------------------------------------------------------------


def test_shipped_decks_keep_the_identities_their_learners_have():
    """Pinned before namespaces existed (tests/fixtures/shipped-identities.json): every note, deck, subdeck and
    note type of the shipped decks keeps its GUID or id."""
    pinned = json.loads((Path(__file__).parent / "fixtures" / "shipped-identities.json").read_text(encoding="utf-8"))
    base = load_and_validate(REPO)
    namespace = namespace_of(base.config)
    assert {key: note_type_id(namespace, key) for key in pinned["note_types"]} == pinned["note_types"]
    maker = CardMaker(base)
    seen = 0
    for deck in base.decks:
        if deck.id not in pinned["decks"]:
            continue
        expected = pinned["decks"][deck.id]
        assert deck_id(deck, namespace) == expected["id"]
        for name, value in expected["subdecks"].items():
            assert subdeck_id(expected["id"], name) == value
        for note in maker.deck_notes(deck, select_facts(base, deck)):
            if note.identity in pinned["notes"]:
                assert note.guid == pinned["notes"][note.identity], note.identity
                seen += 1
    assert seen >= len(pinned["notes"]) // 2  # facts come and go; most of the pinned notes are still made


def test_two_projects_with_their_own_namespaces_share_no_note(tmp_path):
    first = sample_project(tmp_path / "a")
    second = sample_project(tmp_path / "b")
    second.write("factdeck.yaml", "namespace: another-guild\n")
    a, b = package_notes(first), package_notes(second)
    assert len(a) == len(b) and not set(a) & set(b)


def test_a_project_without_a_namespace_keeps_the_old_identities_and_is_warned(tmp_path):
    project = sample_project(tmp_path / "p")
    project.path("factdeck.yaml").unlink()
    result = project.run("check")
    assert result.exit_code == 0
    assert "factdeck.yaml: warning: no namespace set" in result.stderr
    assert project.run("check", "--strict").exit_code == 1
    shutil.copy(REPO / "factdeck.yaml", project.path("factdeck.yaml"))  # namespace: factdeck, set explicitly
    assert project.run("check").stderr == ""
