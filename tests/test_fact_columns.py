"""An unchanged fact file's records are not made on a check after an edit (records/fact_columns.py,
engine/record_columns.py): the rules over every fact read its kept columns instead. The answer (every message, in
order, and the exit code) is a check's with every cache off after each kind of edit; a column kept wrong is caught;
and `FactParts` answers each column's question as the records do, whichever of its parts' records were made."""

from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import attrgetter

import pytest
from conftest import MORE_FACTS, SAMPLE, Project, cli_check, sample_project
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.engine import record_columns
from factdeck.exceptions import InputError, ValidationFailed
from factdeck.outputs.fact_files import vetted_count
from factdeck.records.archive import citation_counts
from factdeck.records.by_file import not_retracted
from factdeck.records.collect import Collector
from factdeck.records.fact_columns import FactColumns, FactParts, FactsById, FileFacts, columns_of, restore_columns
from factdeck.records.load import Document
from factdeck.records.schema import Fact
from factdeck.records.yaml_parse import _fast_parse

GUILD, MORE = "facts/guild.yaml", "facts/more-guild.yaml"

pytestmark = pytest.mark.usefixtures("every_check_validates")


@pytest.fixture
def project(tmp_path, parse_cache_folder) -> Project:  # type: ignore[no-untyped-def]
    return sample_project(tmp_path / "proj", more_facts=True)


def _made(project: Project) -> tuple[list[FileFacts], list[FileFacts]]:
    """A validation of the project in this process: (its files taken back from their columns, those whose records
    were made)."""
    base = load_and_validate(project.root)
    assert base.fact_parts is not None
    lazy = [part for part in base.fact_parts.parts if isinstance(part, FileFacts)]
    return lazy, [part for part in lazy if part.restored]


def test_a_validation_after_an_edit_makes_no_unchanged_files_records(project: Project) -> None:
    assert cli_check(project)[0] == 0
    project.replace(
        MORE, "succeeded Ada Ferrier as master of the River Guild in 1923.", "succeeded Ada Ferrier in 1923."
    )
    lazy, made = _made(project)
    assert len(lazy) == 1 and lazy[0].columns.ids[0] == "guild-founded"  # guild.yaml, unchanged
    assert made == []
    # The check's own count of facts read from the columns: the same as every record's.
    base = load_and_validate(project.root)
    counts = (base.fact_count, vetted_count(base), base.parts().statuses().count("vetted"))
    assert counts == (len(base.facts), len(base.vetted), len(base.vetted)) == (20, 19, 19)


def _statement(project: Project) -> None:
    project.replace(
        MORE, "succeeded Ada Ferrier as master of the River Guild in 1923.", "succeeded Ada Ferrier in 1923."
    )


def _new_id(project: Project) -> None:
    project.replace(MORE, "- id: archive-town\n", "- id: archive-town-now\n")


def _duplicate_id(project: Project) -> None:
    project.replace(MORE, "- id: first-treasurer\n", "- id: first-master\n")  # guild.yaml's: an error


def _drafted(project: Project) -> None:
    project.replace(MORE, "  status: vetted\n", "  status: draft\n", vet=False)


def _retracted(project: Project) -> None:
    project.replace(MORE, "  status: vetted\n", "  status: retracted\n", vet=False)


def _era(project: Project) -> None:
    project.replace(MORE, "  era: decline\n", "  era: founding\n")


def _unknown_era(project: Project) -> None:
    project.replace(MORE, "  era: decline\n", "  era: nowhere\n")


def _tag(project: Project) -> None:
    project.replace(MORE, "  tags: [leadership]\n", "  tags: [leaders]\n")


def _source(project: Project) -> None:
    project.replace(MORE, "    - source: pamphlet\n", "    - source: chronicle\n")


def _unknown_source(project: Project) -> None:
    project.replace(MORE, "    - source: pamphlet\n", "    - source: pamflet\n")


def _file_added(project: Project) -> None:
    block = project.read(MORE).split("- id: archive-town", 1)[1].split("\n\n", 1)[0]
    project.write("facts/added.yaml", "- id: archive-town-again" + block + "\n")


def _file_removed(project: Project) -> None:
    project.path(MORE).unlink()


def _guild_edited(project: Project) -> None:  # the other file edited: more-guild.yaml taken from its columns
    project.replace(
        GUILD, "The River Guild built its hall in Millford in 1910.", "The River Guild built a hall in 1910."
    )


EDITS = [
    _statement,
    _new_id,
    _duplicate_id,
    _drafted,
    _retracted,
    _era,
    _unknown_era,
    _tag,
    _source,
    _unknown_source,
    _file_added,
    _file_removed,
    _guild_edited,
]


def _validated(project: Project, monkeypatch: pytest.MonkeyPatch, cache: bool = True) -> tuple:
    """What a validation in this process answers (the base's counts of facts and vetted facts, which a check prints,
    and its warnings; or every problem), and the facts' files taken back from their columns."""
    with monkeypatch.context() as env:
        if not cache:
            env.setenv("FACTDECK_NO_CACHE", "1")
        try:
            base = load_and_validate(project.root)
        except ValidationFailed as exc:
            return (exc.problems,), 0
    assert base.fact_parts is not None
    lazy = sum(isinstance(part, FileFacts) for part in base.fact_parts.parts)
    return (base.fact_count, base.parts().statuses().count("vetted"), base.warnings), lazy  # the statuses' column


@pytest.mark.parametrize("edit", EDITS, ids=[edit.__name__.strip("_") for edit in EDITS])
def test_a_check_after_an_edit_answers_as_one_without_caches(project: Project, edit, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert cli_check(project)[0] == 0
    edit(project)
    warm = cli_check(project)
    assert warm == cli_check(project, cache=False)
    assert cli_check(project) == warm  # and again, every file's columns kept
    answer, lazy = _validated(project, monkeypatch)
    assert answer == _validated(project, monkeypatch, cache=False)[0]
    assert lazy or edit is _file_removed or answer[0] != 20  # but for a failed validation, a file from its columns


def test_a_column_kept_wrong_would_be_caught(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each file's columns kept with one vetted fact said to be a draft: the check after an edit counts it so.
    def wrong(facts):  # type: ignore[no-untyped-def]
        columns = columns_of(facts)
        statuses = list(columns.statuses)
        statuses[statuses.index("vetted")] = "draft"
        return columns._replace(statuses=tuple(statuses))

    monkeypatch.setattr(record_columns, "columns_of", wrong)
    assert cli_check(project)[0] == 0
    _statement(project)
    assert cli_check(project)[0] == 0
    answer, lazy = _validated(project, monkeypatch)
    assert lazy and answer != _validated(project, monkeypatch, cache=False)[0]


def _facts(count: int) -> list[Fact]:
    """`count` facts of the sample's two files, in turn."""
    made: list[Fact] = []
    for path in (SAMPLE / "facts" / "guild.yaml", MORE_FACTS):
        document = Document(path, path.name, *_fast_parse(path.read_text(encoding="utf-8")))
        made += Collector().records(Fact, document, "fact")
    return [made[i % len(made)] for i in range(count)]


_STATUSES = st.sampled_from(["vetted", "draft", "retracted", "review"])


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 6), max_size=5),
    statuses=st.lists(_STATUSES, min_size=30, max_size=30),
    lazy=st.lists(st.booleans(), min_size=5, max_size=5),
    made=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_fact_parts_answer_as_their_records(sizes: list[int], statuses: list[str], lazy: list[bool], made: list[bool]):  # type: ignore[no-untyped-def]
    facts = [fact.model_copy(update={"status": status}) for fact, status in zip(_facts(sum(sizes)), statuses)]
    parts: list[list[Fact] | FileFacts] = []
    start = 0
    for i, size in enumerate(sizes):
        records = facts[start : start + size]
        start += size
        if lazy[i]:
            part = FileFacts(
                restore_columns(tuple(columns_of(records))) or columns_of([]), lambda r=records: list(r), "f.yaml"
            )
            if made[i]:
                assert len(part.records) == size
            parts.append(part)
        else:
            parts.append(records)
    every = FactParts(parts)
    assert every.ids() == [f.id for f in facts]
    assert every.statuses() == [f.status for f in facts]
    assert every.eras() == [f.era for f in facts]
    assert every.vetted_days() == [f.vetted for f in facts]
    assert every.tags() == set(chain.from_iterable(f.tags for f in facts))
    assert every.cited() == citation_counts(facts)
    assert every.bounded() == any((f.not_below, f.not_above, f.not_before, f.not_after) != (None,) * 4 for f in facts)
    assert len(every) == len(facts) and bool(every) == bool(facts)
    kept = not_retracted(every)
    assert [f.id for f in kept] == [f.id for f in not_retracted(facts)]
    by_id = FactsById.of(every, Collector())
    if len({f.id for f in facts}) == len(facts):
        assert dict(by_id) == {f.id: f for f in facts}
        assert isinstance(by_id, FactsById) and by_id.eras() == {f.id: f.era for f in facts}
    # Nothing above made a part's records but those looked up by id and iterated.
    assert [fact.id for fact in every] == [f.id for f in facts] and every[-1:] == facts[-1:]


def test_fact_parts_make_no_records_for_their_columns() -> None:
    facts = _facts(12)
    made: list[int] = []
    part = FileFacts(columns_of(facts[:6]), lambda: made.append(1) or facts[:6], facts[0].file)  # type: ignore[func-returns-value]
    every = FactParts([part, facts[6:]])
    every.ids(), every.statuses(), every.eras(), every.vetted_days(), every.tags(), every.cited(), every.bounded()
    assert every.files() == [fact.file for fact in facts]
    assert not_retracted(every) is not None and len(every) == 12 and "first-master" in FactsById.of(every, Collector())
    assert made == [] and not part.restored
    assert every.holds(facts[7]) and not every.holds(facts[0])  # a part not made holds no record alive
    assert every[1] is facts[1] and made == [1] and every.holds(facts[0])


def test_columns_of_another_shape_are_not_taken() -> None:
    good = tuple(columns_of(_facts(3)))
    assert restore_columns(good) == FactColumns(*good)
    for bad in (
        None,
        good[:-1],
        (list(good[0]), *good[1:]),
        (good[0][:2], *good[1:]),
        (*good[:4], (1,), *good[5:]),
        (*good[:5], (("chronicle", "2"),), good[6]),
        (*good[:6], 1),
    ):
        assert restore_columns(bad) is None


def test_a_file_whose_records_are_not_its_columns_says_so() -> None:
    part = FileFacts(columns_of(_facts(2)), lambda: _facts(1), "f.yaml")
    with pytest.raises(InputError, match="f.yaml: changed while factdeck was reading it"):
        part.records  # noqa: B018


def test_a_file_whose_entry_goes_after_it_was_taken_back_is_validated_again(
    project: Project, parse_cache_folder, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    assert cli_check(project)[0] == 0
    _statement(project)
    base = load_and_validate(project.root)
    assert base.fact_parts is not None and not base.fact_parts.parts[0].restored  # type: ignore[union-attr]
    shutil.rmtree(parse_cache_folder.parent / "records")  # as a trim by another command would
    with monkeypatch.context() as env:
        env.setenv("FACTDECK_NO_CACHE", "1")
        cold = load_and_validate(project.root)
    assert [fact.model_dump() for fact in base.facts] == [fact.model_dump() for fact in cold.facts]
    assert [(f.file, f.line) for f in base.facts] == [(f.file, f.line) for f in cold.facts]


def test_counted_sources_are_each_files_own() -> None:
    facts = _facts(20)
    assert dict(columns_of(facts).cited) == dict(Counter(citation_counts(facts)))
    assert columns_of(facts).tags == tuple(sorted(set(chain.from_iterable(map(attrgetter("tags"), facts)))))


def test_a_fact_held_back_makes_its_own_files_records_alone(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fact edited without being vetted again is held back (its record under review in every output): only its
    # file's part is made again for it; the other file stays taken back from its columns, no record made.
    assert cli_check(project)[0] == 0
    project.replace(
        MORE, "succeeded Ada Ferrier as master of the River Guild in 1923.", "succeeded Ada Ferrier in 1923.", vet=False
    )
    assert cli_check(project) == cli_check(project, cache=False)
    base = load_and_validate(project.root)
    assert base.fact_parts is not None
    lazy = [part for part in base.fact_parts.parts if isinstance(part, FileFacts)]
    assert [part.file for part in lazy] == [GUILD] and not lazy[0].restored
    held = next(iter(base.held_back.values()))
    assert held.status == "vetted" and base.facts_by_id[held.id].status == "review"
    with monkeypatch.context() as patch:
        patch.setenv("FACTDECK_NO_CACHE", "1")
        plain = load_and_validate(project.root)
    assert [(f.id, f.status) for f in base.facts] == [(f.id, f.status) for f in plain.facts]
    assert list(base.held_back) == list(plain.held_back) == [held.id]
