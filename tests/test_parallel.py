"""Work shared with a forked process gives exactly what one process gives, and a failing child costs only time."""

from __future__ import annotations

import marshal
import os

import pytest

from factdeck.build import build, load_and_validate
from factdeck.engine import parallel, validation
from factdeck.engine.parallel import SecondCore
from factdeck.exceptions import ValidationFailed
from factdeck.outputs.anki import cards
from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.kept_collection import read_record
from factdeck.records import validate

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forking needs a POSIX system")


@pytest.fixture
def two_cores(monkeypatch):
    """Every amount of work counts as large enough to share, and two cores are available."""
    monkeypatch.setattr(validation, "PARALLEL_TEXT", 0)
    monkeypatch.setattr(cards, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)


def forks(monkeypatch) -> list[int]:
    """Records how many items each forked child was given."""
    given: list[int] = []
    start = SecondCore.__init__

    def counting(self, work, items):
        start(self, work, items)
        if self.pid:
            given.append(len(items))

    monkeypatch.setattr(SecondCore, "__init__", counting)
    return given


def outputs(root) -> dict[str, object]:
    """Every file of the build folder but the state, by its bytes; a kept collection's record (a cache, marshal's
    bytes for equal values depending on which objects were shared in memory) by its values but the collection
    file's stamp."""
    folder = root / "build"
    return {
        p.relative_to(folder).as_posix(): _kept(p) if p.suffix == ".notes" else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "build-state.json"
    }


def _kept(path) -> object:
    header, *pieces = read_record(path)
    assert header.pop("stamp")
    return header, pieces


def test_the_second_core_computes_and_returns_its_part():
    child = SecondCore(lambda part: {str(n): n * n for n in part}, [1, 2, 3])
    if parallel.cores() < 2:
        assert child.result() is None
    else:
        assert child.result() == {"1": 1, "2": 4, "3": 9}


def test_a_failing_child_gives_no_result(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    assert SecondCore(lambda part: 1 / 0, [1]).result() is None
    assert SecondCore(lambda part: object(), [1]).result() is None  # nothing marshal can send


def test_shared_validation_and_rendering_equal_one_process(project, two_cores, monkeypatch):
    project.write("facts/copy.yaml", project.read("facts/guild.yaml").replace("id: ", "id: copy-"))
    project.replace("facts/guild.yaml", 'date: "1910"', 'date: "1930"')  # a warning, from one of the halves
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    monkeypatch.setattr(anki, "current_time", lambda: 1_700_000_000)  # the same note times in both builds
    given = forks(monkeypatch)
    shared = build(project.root, formats=("apkg",))
    assert given, "nothing was shared with a second core"
    shared_outputs = outputs(project.root)
    shared_facts = [f.model_dump() for f in load_and_validate(project.root).facts]

    monkeypatch.setattr(parallel, "cores", lambda: 1)
    for path in (project.root / "build").rglob("*"):
        if path.is_file():
            path.unlink()
    alone = build(project.root, formats=("apkg",))
    assert [str(w) for w in alone.warnings] == [str(w) for w in shared.warnings] != []
    assert outputs(project.root) == shared_outputs  # the packages, the field store, the note times
    assert [f.model_dump() for f in load_and_validate(project.root).facts] == shared_facts


def test_errors_found_by_the_child_are_reported_as_usual(project, two_cores, monkeypatch):
    project.write(
        "facts/copy.yaml",
        project.read("facts/guild.yaml").replace("id: ", "id: copy-").replace("kind: place", "kind: town"),
    )
    project.write("facts/torn.yaml", "- id: [unclosed\n")
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    given = forks(monkeypatch)
    with pytest.raises(ValidationFailed) as shared:
        load_and_validate(project.root)
    assert given
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    with pytest.raises(ValidationFailed) as alone:
        load_and_validate(project.root)
    assert [str(p) for p in shared.value.problems] == [str(p) for p in alone.value.problems]
    assert any(
        str(p) == "facts/torn.yaml:1: a list opened with '[' on this line is not closed with ']'"
        for p in alone.value.problems
    )
    assert any("facts/copy.yaml" in str(p) and "'kind' must be one of" in str(p) for p in alone.value.problems)


def test_when_the_child_fails_the_parent_does_its_part(project, two_cores, monkeypatch):
    expected = [f.model_dump() for f in load_and_validate(project.root).facts]
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    finish = SecondCore.pairs

    def nothing(self):
        yield from ()
        list(finish(self))  # the child reaped, what it sent thrown away

    monkeypatch.setattr(SecondCore, "pairs", nothing)
    assert [f.model_dump() for f in load_and_validate(project.root).facts] == expected


def test_the_child_s_pairs_are_taken_one_at_a_time(monkeypatch):
    """The parent reads each item's payload as it takes it (never the whole payload at once); a child that dies
    part way leaves the pairs that came whole, and `result` none; one payload marshal cannot send sends nothing."""
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    child = SecondCore(lambda part: {str(n): [n] * n for n in part}, [1, 2, 3])
    pairs = child.pairs()
    assert next(pairs) == ("1", [1])
    assert child.pid  # still running: the rest not read yet
    assert list(pairs) == [("2", [2, 2]), ("3", [3, 3, 3])]
    assert child.complete and not child.pid

    # A child that died writing its last pair: the pairs before it are taken, the last made here.
    class Torn:
        load = staticmethod(marshal.load)

        @staticmethod
        def dumps(value):
            made = marshal.dumps(value)
            return made[:-1] if value == ("3", [3, 3, 3]) else made

    monkeypatch.setattr(parallel, "marshal", Torn)
    torn = SecondCore(lambda part: {str(n): [n] * n for n in part}, [1, 2, 3])
    assert list(torn.pairs()) == [("1", [1]), ("2", [2, 2])] and not torn.complete
    assert SecondCore(lambda part: {str(n): [n] * n for n in part}, [1, 2, 3]).result() is None
    here: list[int] = []
    made = parallel.split_map(
        [0, 1, 2, 3],
        here=lambda part: here.extend(part) or {str(n): [n] * n for n in part},
        send=lambda part: {str(n): [n] * n for n in part},
        receive=lambda n, payload: payload,
        key=str,
        split=1,
    )
    assert made == {str(n): [n] * n for n in range(4)} and here == [0, 3]
    monkeypatch.setattr(parallel, "marshal", marshal)
    assert SecondCore(lambda part: {"a": 1, "b": object()}, [1]).result() is None


def test_when_no_process_can_start_the_caller_does_the_work(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    def refuse():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    child = SecondCore(lambda part: part, [1])
    assert child.pid == 0 and child.result() is None


def test_records_sent_by_the_child_are_cached_as_sent(project, two_cores, monkeypatch):
    project.write("facts/copy.yaml", project.read("facts/guild.yaml").replace("id: ", "id: copy-"))
    given = forks(monkeypatch)
    first = [(f.model_dump(), f.file, f.line) for f in load_and_validate(project.root).facts]
    assert given

    def refuse(context, files):
        assert not files, "a file the child validated was not served from the cache"
        return {}

    monkeypatch.setattr(validate.FileContext, "validate", refuse)
    assert [(f.model_dump(), f.file, f.line) for f in load_and_validate(project.root).facts] == first


def test_a_build_keeps_the_loaded_base_frozen_while_it_makes_the_outputs(project, two_cores, monkeypatch):
    # build.py freezes the validated base for the collector before it resumes, so no pass walks it while the
    # outputs are made; the second core's fork and the worksheets' pause freeze inside that freeze without
    # undoing it; and the build leaves the collector as it found it.
    import gc

    seen: list[int] = []
    stage = anki.AnkiPackages.stage

    def noting(self, deck, facts):
        seen.append(gc.get_freeze_count())
        try:
            return stage(self, deck, facts)
        finally:
            seen.append(gc.get_freeze_count())

    monkeypatch.setattr(anki.AnkiPackages, "stage", noting)
    given = forks(monkeypatch)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    build(project.root)
    assert given and seen and all(count > 0 for count in seen)  # frozen before, and still after a fork
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_nested_freeze_is_undone_with_the_outer_one():
    import gc

    from factdeck.engine.collector import collector_paused

    with collector_paused(freeze=True):
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with collector_paused(freeze=True):
            pass
        assert gc.get_freeze_count() >= frozen  # the inner block left the outer freeze in place
        part = SecondCore(lambda items: sum(items), [1, 2, 3])
        assert part.result() in (6, None)  # None where no second core is available
        assert gc.get_freeze_count() >= frozen
    assert gc.get_freeze_count() == 0
