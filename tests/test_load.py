"""The load stage: YAML to data that remembers lines, and refuses what YAML lets through silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from factdeck.engine.session import Session
from factdeck.exceptions import InputError, ValidationFailed
from factdeck.records.load import MAX_ALIAS_VALUES, load_document, load_project
from factdeck.records.validate import validate_project


def load(tmp_path: Path, text: str | bytes):
    path = tmp_path / "f.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load_document(path, "facts/f.yaml")


def test_lines_of_keys_items_and_nested_values(tmp_path):
    doc = load(tmp_path, "# comment\n- id: a\n  citations:\n    - source: s\n      quote: q\n- id: b\n")
    assert doc.data == [{"id": "a", "citations": [{"source": "s", "quote": "q"}]}, {"id": "b"}]
    assert doc.line(0) == 2
    assert doc.line(0, "citations") == 3
    assert doc.line(0, "citations", 0) == 4
    assert doc.line(0, "citations", 0, "quote") == 5
    assert doc.line(1, "id") == 6
    # A missing key is reported at its nearest enclosing value.
    assert doc.line(0, "citations", 0, "locator") == 4


def test_scalars_keep_dates_as_written(tmp_path):
    doc = load(tmp_path, "a: 1979-02-11\nb: 1979\nc: true\nd: ~\ne: 1.5\n")
    assert doc.data == {"a": "1979-02-11", "b": 1979, "c": True, "d": None, "e": 1.5}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "key 'a' repeated (first at line 1)"),
        ("- x: !!python/object:os.system {}\n", 1, "tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
        ("a: !custom 1\n", 1, "tag '!custom' is not allowed"),
        (
            "a: &x {b: 1}\nc:\n  <<: *x\n",
            3,
            "merge keys ('<<') are not supported: write each record's keys out in full",
        ),
        ("? [a, b]\n: 1\n", 1, "a key must be plain text, not a list or mapping"),
        ("a: [1, 2\n", 1, "a list opened with '[' on this line is not closed with ']'"),
    ],
)
def test_refused_yaml(tmp_path, text, line, message):
    with pytest.raises(InputError) as info:
        load(tmp_path, text)
    assert info.value.problem.line == line
    assert info.value.problem.message == message


def test_tab_indentation_names_its_line(tmp_path):
    with pytest.raises(InputError) as info:
        load(tmp_path, "- id: a\n\tkind: x\n")
    assert str(info.value) == (
        "facts/f.yaml:2: a tab is used for indentation, and YAML allows only spaces: replace the tab with spaces"
    )


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(InputError) as info:
        load(tmp_path, "\n".join(lines) + "\n")
    assert info.value.problem.message == f"aliases expand to more than {MAX_ALIAS_VALUES:,} values"


def test_small_aliases_are_fine(tmp_path):
    doc = load(tmp_path, "base: &c {source: s, locator: l}\nother: *c\n")
    assert doc.data["other"] == {"source": "s", "locator": "l"}


def test_bytes_that_are_not_utf8(tmp_path):
    with pytest.raises(InputError) as info:
        load(tmp_path, b"a: 1\nb: caf\xe9\n")
    assert str(info.value) == "facts/f.yaml:2: not valid UTF-8 (byte 0xe9)"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(InputError) as info:
        load(tmp_path, text)
    assert str(info.value) == "facts/f.yaml: file is empty"


def test_byte_order_mark_is_accepted(tmp_path):
    assert load(tmp_path, "\ufeffa: 1\n").data == {"a": 1}


def test_oversized_file(tmp_path):
    with pytest.raises(InputError) as info:
        load(tmp_path, b"a: " + b"x" * (9 * 1024 * 1024) + b"\n")
    assert "file is too large" in str(info.value)


def test_project_collects_errors_of_every_file(project):
    project.write("facts/bad1.yaml", "a: [\n")
    project.write("facts/bad2.yaml", "a: 1\na: 2\n")
    project.write("decks/bad3.yaml", "a: [\n")
    # Fact files are parsed when the validator asks for them; every file's problem is reported.
    with pytest.raises(ValidationFailed) as info:
        validate_project(load_project(project.root), Session.one_off())
    assert [str(p) for p in info.value.problems] == [
        "decks/bad3.yaml:1: a list opened with '[' on this line is not closed with ']'",
        "facts/bad1.yaml:1: a list opened with '[' on this line is not closed with ']'",
        "facts/bad2.yaml:2: key 'a' repeated (first at line 1)",
    ]


def test_symlink_outside_project_is_refused(project, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("- id: x\n")
    (project.root / "facts" / "link.yaml").symlink_to(outside)
    raw = load_project(project.root)
    assert [str(e) for e in raw.errors] == ["facts/link.yaml: symbolic link to a file outside the project"]
