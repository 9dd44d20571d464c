"""Edits to a project's YAML files that keep their comments, quoting and layout (ruamel.yaml's round trip).

An editor's file is theirs: `factdeck vet` and the archive fingerprints change the keys they set and nothing
else. ruamel.yaml keeps comments, quotes, flow lists and blank lines; what it cannot keep on its own is the
indentation of a top-level list (it indents every level alike), so the dump of a file that is a list is
shifted back by the two columns it adds. Every edit is checked before it is written: the file read back must
hold exactly the old data with the edit applied, or nothing is written.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from factdeck.exceptions import InputError

_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _round_trip() -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 1 << 20  # never re-wrap a long line
    rt.indent(mapping=2, sequence=4, offset=2)  # "key:\n    - item" as factdeck's files write lists
    return rt


def _dedent(text: str) -> str:
    return "".join(line[2:] if line.startswith("  ") else line for line in text.splitlines(True))


def _set_keys(mapping: dict[str, Any], values: dict[str, Any], after: tuple[str, ...]) -> None:
    """Set `values` in `mapping`: a key already there keeps its place; a new one goes after the last of the
    keys in `after` that the mapping has (else at the end), in the order given."""
    for key, value in values.items():
        if key in mapping:
            mapping[key] = value
        elif isinstance(mapping, CommentedMap):
            present = [list(mapping).index(k) for k in after if k in mapping]
            position = max(present) + 1 if present else len(mapping)
            mapping.insert(position, key, value)
            if position:
                _move_trailing(mapping, list(mapping)[position - 1], key)
        else:
            mapping[key] = value
        after = (*after, key)


def _move_trailing(mapping: CommentedMap, previous: str, key: str) -> None:
    """Keep what followed the value of `previous` (blank lines, comments above the next record) after the
    newly inserted `key` instead; an end-of-line comment stays on its own line."""
    slots = mapping.ca.items.get(previous)
    token = slots[2] if slots and len(slots) > 2 else None
    if not isinstance(token, CommentToken):
        return
    text = token.value
    inline, _, rest = text.partition("\n") if not text.startswith("\n") else ("", "", text[1:])
    if not rest:
        return
    token.value = inline + "\n"
    moved = CommentToken("\n" + rest if inline else "\n" + rest, CommentMark(0), None)
    mapping.ca.items[key] = [None, None, moved, None]


def _load_for_edit(path: Path, display: str) -> tuple[YAML, Any, Any]:
    """The file's round-trip parser, the round-trip data to edit and the plain data it must match after
    the edit. Raises `InputError` (file `display`, no line) if it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(display, 0, f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    rt = _round_trip()
    try:
        return rt, rt.load(text), yaml.load(text, Loader=_SAFE)
    except Exception as exc:  # the parsers' own errors: `factdeck check` names the problem in factdeck's words
        raise InputError(display, 0, "cannot edit this file: run `factdeck check` for its problems") from exc


def set_in_list_file(path: Path, display: str, changes: dict[int, dict[str, Any]], after: tuple[str, ...]) -> None:
    """Set keys in items of the list that the YAML file at `path` holds: `changes` maps an item's index to the
    values to set (new keys go after the last of `after` the item has). Keeps the file's comments and layout
    and writes it through a temporary file. Raises `InputError` if the file cannot be read, is not a list of
    mappings there, or would change in any other way (then nothing is written)."""
    rt, data, expected = _load_for_edit(path, display)
    for index, values in changes.items():
        if not (isinstance(data, list) and index < len(data) and isinstance(data[index], dict)):
            raise InputError(display, 0, "cannot edit this file: it changed since it was checked; try again")
        _set_keys(data[index], values, after)
        _set_keys(expected[index], values, after)
    out = io.StringIO()
    rt.dump(data, out, transform=_dedent)
    new_text = out.getvalue()
    # The written file must read back as the old data with exactly these keys set.
    if yaml.load(new_text, Loader=_SAFE) != expected:
        raise InputError(display, 0, "cannot edit this file without changing its other content; edit it by hand")
    _write(path, new_text)


def _write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def append_to_list_file(path: Path, display: str, item: dict[str, Any], header: str = "") -> None:
    """Add `item` (a mapping; a `CommentedMap` keeps its comments) at the end of the list that the YAML file at
    `path` holds, after a blank line. The file's own text is kept byte for byte; a missing file is made,
    starting with `header` (comment lines). Raises `InputError` if the file is not a list, or would read
    back as anything but its old items and this one (then nothing is written)."""
    old = ""
    if path.exists():
        try:
            old = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(display, 0, f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        before = yaml.load(old, Loader=_SAFE) if old.strip() else None
    except yaml.YAMLError:
        raise InputError(display, 0, "cannot add to this file: run `factdeck check` for its problems") from None
    if before is None:
        before = []
    if not isinstance(before, list):
        raise InputError(display, 0, "cannot add to this file: it is not a list of records")
    out = io.StringIO()
    _round_trip().dump([item], out, transform=_dedent)
    body = old.rstrip("\n")
    text = (body + "\n\n" if body else header) + out.getvalue()
    expected = [*before, yaml.load(out.getvalue(), Loader=_SAFE)[0]]
    if yaml.load(text, Loader=_SAFE) != expected:
        raise InputError(display, 0, "cannot add to this file without changing its other content; add it by hand")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text("", encoding="utf-8")
    _write(path, text)


def set_at_paths(path: Path, display: str, changes: dict[tuple[Any, ...], Any]) -> None:
    """Set values anywhere in the YAML file at `path`: `changes` maps a path of keys and list indexes (e.g.
    `(3, "citations", 0, "quote")`) to the value to set there (the key must exist). Keeps the file's comments
    and layout; raises `InputError` if a path is not in the file, or the file would change in any other way
    (then nothing is written)."""
    rt, data, expected = _load_for_edit(path, display)
    for where, value in changes.items():
        for tree in (data, expected):
            node = tree
            try:
                for step in where[:-1]:
                    node = node[step]
                node[where[-1]]  # noqa: B018  # the key must be there already
            except (KeyError, IndexError, TypeError):
                raise InputError(display, 0, "cannot edit this file: it changed since it was read; try again") from None
            node[where[-1]] = value
    out = io.StringIO()
    rt.dump(data, out, transform=_dedent if isinstance(data, list) else None)
    if yaml.load(out.getvalue(), Loader=_SAFE) != expected:
        raise InputError(display, 0, "cannot edit this file without changing its other content; edit it by hand")
    _write(path, out.getvalue())
