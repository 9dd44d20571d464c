"""Words for YAML mistakes that the parser reports in other terms (records/load.py and yaml_parse.py use them): a
record that lost its '- ', merge keys anywhere in a file, a file saved as UTF-16, a number too long to read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from factdeck.exceptions import Problem

if TYPE_CHECKING:  # PyYAML is imported where a text is parsed (records/yaml_parse.py), not with this module
    import yaml

_MERGE = "tag:yaml.org,2002:merge"

TOO_MANY_DIGITS = (
    "a number with {} digits is too large to read: if it is text, put it in quotes; if it is a number, it is wrong"
)


def dashed(key_node: yaml.Node, text: str) -> str:
    """The line of `key_node` as it would read with the missing '- ' ('- id: x')."""
    lines = text.splitlines()
    number = key_node.start_mark.line
    written = lines[number].strip() if number < len(lines) else ""
    return f"- {written}" if written else "- ..."


def merge_message(line: int, root: yaml.Node | None) -> str:
    """The message for merge keys, naming every line that has one (so the file is fixed in one go)."""
    lines = sorted(_merge_lines(root)) if root is not None else [line]
    others = [n for n in lines if n != line]
    also = ""
    if others:
        listed = ", ".join(str(n) for n in others[:-1]) + (" and " if len(others) > 1 else "") + str(others[-1])
        also = f" (here and on line{'s' * (len(others) > 1)} {listed})"
    return f"merge keys ('<<') are not supported{also}: write each record's keys out in full"


def _merge_lines(root: yaml.Node) -> set[int]:
    import yaml

    found: set[int] = set()
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == _MERGE:
                    found.add(key.start_mark.line + 1)
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return found


def other_encoding(raw: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' (with or without a byte-order mark) if `raw` looks like it, else None.

    Without a byte-order mark, UTF-16 text in a Latin script has a zero byte in every other position, which
    would otherwise be reported as a control character U+0000 on line 1."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = raw[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    half = len(sample) // 2
    if max(sample[0::2].count(0), sample[1::2].count(0)) >= half * 0.6:
        return "UTF-16 without a byte-order mark"
    return None


# Names Windows cannot create (Microsoft, "Naming Files, Paths, and Namespaces"): its reserved device names with
# any extension, names ending in a dot or a space, and these characters.
_WINDOWS_DEVICES = frozenset(
    ("con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10)))
)
_WINDOWS_CHARACTERS = frozenset('<>:"|?*\\')


def unportable_names(root: Path, folders: tuple[str, ...] = ("facts", "decks", "templates", "fonts")) -> list[Problem]:
    """A warning for each input file or folder under `folders` of `root` whose name another system cannot
    hold: one Windows refuses, or two that differ only in case (one file on macOS's and Windows' default
    file systems, so a copy or a clone there loses one of them)."""
    problems = []
    for top in folders:
        if not (root / top).is_dir():
            continue
        by_folded: dict[str, str] = {}
        for path in sorted((root / top).rglob("*")):
            relative = path.relative_to(root).as_posix()
            name = path.name
            if (
                name.split(".")[0].lower() in _WINDOWS_DEVICES
                or name.endswith((".", " "))
                or set(name) & _WINDOWS_CHARACTERS
            ):
                problems.append(Problem(relative, 0, "this name cannot be created on Windows (a reserved device name, "
                                        "a name ending in a dot or space, or one of < > : \" | ? * \\): rename it", "warning"))  # fmt: skip
            folded = relative.casefold()
            if folded in by_folded:
                problems.append(Problem(relative, 0, f"differs from {by_folded[folded]} only in case: on macOS and "
                                        "Windows they are one file, and a copy there keeps only one: rename one", "warning"))  # fmt: skip
            else:
                by_folded[folded] = relative
    return problems
