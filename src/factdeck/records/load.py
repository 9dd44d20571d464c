"""Load stage: YAML files to plain data that remembers the line of every value.

PyYAML's loader forgets where values came from and silently keeps the last of
two repeated keys, so this stage composes the node tree with the C parser and
builds the data itself: it records a line for every path, rejects repeated
keys, non-standard tags and runaway alias expansion, and reports every problem
as an `InputError` naming the file and line.

The parsing itself is records/yaml_parse.py's, imported where a text is first parsed: a command whose every file
is cached (the parse, record and kept-validation caches, engine/) never imports PyYAML (19 ms, most of it its
reader's pattern of printable characters compiled).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from factdeck.exceptions import InputError, ProjectError
from factdeck.records.load_hints import other_encoding

GLOSSARY_FILE = "glossary.yaml"
# Files under facts/ that hold other records than facts: sources, eras, glossary.
SPECIAL_FACT_FOLDER_FILES = ("sources.yaml", "eras.yaml", "sources.yml", "eras.yml", "glossary.yaml")

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_ALIAS_VALUES = 10_000  # values an alias may expand to, across one file

PathKey = tuple[Any, ...]
# A Document's lines also hold, under (COMMENT_MARK, *path), the line of a ' #' comment that ends a plain
# (unquoted) value early: YAML drops the rest of the line, which in a text field is usually the user's text.
# Kept in the lines so the parse cache keeps them too.
COMMENT_MARK = "\0comment"


class ParsedTextCache(Protocol):
    """Where parsed files are kept by their text (engine/parse_cache.py's `ParseCache`): `get` gives
    (data, lines) or None, `put` keeps them."""

    def get(self, text: str) -> tuple[Any, dict] | None: ...

    def put(self, text: str, data: Any, lines: dict) -> None: ...

    def trim(self) -> None: ...


@dataclass
class Document:
    """One YAML file's data, with the line of every value in it."""

    path: Path  # absolute
    display: str  # as shown in messages: relative to the project
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, *path: Any) -> int:
        """The line of the value at `path`, or of its nearest enclosing value."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


class FactFile:
    """A fact file, read and checked as text but parsed only when asked: the validator may hold its records
    already (see record_cache), and then the file is never parsed at all. A file the engine's stamps know unchanged
    (`load_project`'s `stamps`) is not even read: its `text` is read when first asked for."""

    def __init__(
        self,
        path: Path,  # absolute
        display: str,
        text: str | None = None,  # None: read when first asked for (`text`)
        cache: ParsedTextCache | None = None,
        # (size, modification time, inode, change time; times in nanoseconds) of the file as stat read it before its
        # text was read (now or later): the record cache names the file as it did with the same signature
        # (engine/stamps.py's rules) instead of hashing the text again. None: not known (always hashed).
        signature: tuple[int, int, int, int] | None = None,
    ) -> None:
        self.path = path
        self.display = display
        self._text = text
        self.cache = cache
        self.signature = signature

    def __repr__(self) -> str:
        return f"FactFile({self.display!r})"

    @property
    def text(self) -> str:
        """The file's text; a file loaded unread is read now (raises `InputError` as `read_text` does, once: the file then
        holds no text, as one whose problem is reported)."""
        if self._text is None:
            self._text = ""
            self._text = read_text(self.path, self.display)
        return self._text

    @property
    def read(self) -> bool:
        """Whether the file's text was read (when loaded, or since)."""
        return self._text is not None

    def parse(self) -> Document:
        """The file's `Document`, or `InputError`."""
        return _parsed(self.text, self.path, self.display, self.cache)


class TextStamps(Protocol):
    """What the engine knows of fact files' texts (engine/stamps.py's `NameStamps`): whether the file at `path` (shown
    as `display`) with the stat signature `signature` holds a text it read and named before (settled: no write since can
    have kept the signature), so that loading need not read it."""

    def known(self, path: str, display: str, signature: tuple[int, int, int, int]) -> bool: ...


@dataclass
class RawProject:
    """Every input file of a project, loaded but not yet validated."""

    root: Path
    config: Document | None
    sources: Document | None
    eras: Document | None
    facts: list[FactFile]
    decks: list[Document]
    errors: list[InputError]
    parse_cache: ParsedTextCache | None = None  # trimmed by the validator, which parses the fact files it needs
    glossary: Document | None = None  # facts/glossary.yaml, optional


def read_text(path: Path, display: str) -> str:
    """A file's text, refusing what is too large, not UTF-8 or empty."""
    return read_stated(path, display)[0]


def read_stated(path: Path, display: str) -> tuple[str, tuple[int, int, int, int]]:
    """`read_text`'s text, with the file's stat signature taken before its bytes were read (`FactFile.signature`)."""
    try:
        info = path.stat()
        # A named pipe or device would block the read or never end.
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise InputError(display, 0, f"cannot read file: {what}")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                display, 0, f"file is too large ({size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(display, 0, f"cannot read file: {exc.strerror or exc}") from None
    encoding = other_encoding(raw)
    if encoding is not None:
        raise InputError(
            display, 0, f"file is {encoding}, and factdeck reads UTF-8: save it as UTF-8 (in most editors: "
            "Save As, encoding UTF-8)",
        )  # fmt: skip
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(display, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    # A byte-order mark is harmless; editors on some systems add one.
    text = text.removeprefix("\ufeff")
    # Only a text that starts with a comment needs its lines looked at (splitting a large file is not free).
    content = text.lstrip()
    if not content or (content.startswith("#") and _only_comments(text)):
        raise InputError(display, 0, "file is empty")
    return text, stat_signature(info)


def stat_signature(info: os.stat_result) -> tuple[int, int, int, int]:
    """A file's (size, modification time, inode, change time; times in nanoseconds), as `FactFile.signature` holds it:
    the same as engine/stamps.py's signature, which the records may not import (and the kept answer's path imports
    stamps without this module)."""
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)


_HEAD = 4096  # characters of a text whose lines are looked at first


def _only_comments(text: str, head_size: int = _HEAD) -> bool:
    """Whether every line of `text` is blank or a comment. A file's first lines are looked at first: a file that
    opens with a comment (the bench project's every fact file) mostly has a record a few lines down, and splitting
    the whole of each file into lines was a tenth of loading a project of 10,000 facts."""
    head = text[:head_size]
    lines = head.splitlines()
    if len(head) < len(text):
        lines = lines[:-1]  # the last line of the head may go on after it
    if not all(not ln.strip() or ln.lstrip().startswith("#") for ln in lines):
        return False
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


def load_document(path: Path, display: str, cache: ParsedTextCache | None = None) -> Document:
    """Parse one YAML file into a `Document`, or raise `InputError`; `cache` skips parsing a text seen before."""
    return _parsed(read_text(path, display), path, display, cache)


def _parsed(text: str, path: Path, display: str, cache: ParsedTextCache | None) -> Document:
    hit = cache.get(text) if cache is not None else None
    if hit is not None:
        return Document(path, display, *hit)
    document = parse_document(text, path, display)
    if cache is not None:
        cache.put(text, document.data, document.lines)
    return document


def parse_document(text: str, path: Path, display: str) -> Document:
    """Parse YAML text (read from `path`, shown as `display`) into a `Document`, or raise `InputError`."""
    from factdeck.records.yaml_parse import parsed  # here: PyYAML is imported only when a text is parsed

    return Document(path, display, *parsed(text, display))


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))


def load_project(root: Path, cache: ParsedTextCache | None = None, stamps: TextStamps | None = None) -> RawProject:
    """Read every input file of the project at `root`; per-file problems are collected, not raised.
    `cache` (if given) serves texts parsed before.

    Fact files are read and checked as text here and parsed when the validator asks (`FactFile.parse`); a fact file
    `stamps` knows (its stat signature is one whose text was read and named before) is not read but stat'ed: its text
    was read and checked then, and is read again only if asked for (a check after an edit reads 10 MB of unchanged
    files at 10,000 facts). Raises `ProjectError` when `root` has no facts/ folder."""
    root = root.resolve()
    facts_dir, decks_dir = root / "facts", root / "decks"
    if not facts_dir.is_dir():
        raise ProjectError(f"{root}: not a factdeck project (no facts/ folder)")
    errors: list[InputError] = []

    def display(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    def inside(path: Path) -> bool:
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # a broken link, or a link loop (RuntimeError before Python 3.13)
            reason = getattr(exc, "strerror", None) or "symbolic link loop"
            errors.append(InputError(display(path), 0, f"cannot read file: {reason}"))
            return False
        if root not in resolved.parents:
            errors.append(InputError(display(path), 0, "symbolic link to a file outside the project"))
            return False
        return True

    def load(path: Path) -> Document | None:
        try:
            return load_document(path, display(path), cache) if inside(path) else None
        except InputError as exc:
            errors.append(exc)
            return None

    def read(path: Path) -> FactFile | None:
        try:
            if not inside(path):
                return None
            try:
                info = path.stat() if stamps is not None else None
            except OSError:
                info = None  # reported by reading
            if stamps is not None and info is not None and stat.S_ISREG(info.st_mode):
                signature = stat_signature(info)
                if stamps.known(str(path), display(path), signature):
                    return FactFile(path, display(path), None, cache, signature)
            text, signature = read_stated(path, display(path))
            return FactFile(path, display(path), text, cache, signature)
        except InputError as exc:
            errors.append(exc)
            return None

    def optional(path: Path) -> Document | None:
        return load(path) if path.exists() else None

    config = optional(root / "factdeck.yaml")
    sources_path, eras_path = facts_dir / "sources.yaml", facts_dir / "eras.yaml"
    for required in (sources_path, eras_path):
        if not required.exists():
            errors.append(InputError(display(required), 0, "file is missing"))
    sources = optional(sources_path)
    eras = optional(eras_path)
    glossary_path = facts_dir / GLOSSARY_FILE
    glossary = optional(glossary_path)
    special = {sources_path, eras_path, glossary_path, *(facts_dir / name for name in SPECIAL_FACT_FOLDER_FILES)}
    facts = [f for p in _yaml_files(facts_dir) if p not in special if (f := read(p))]
    decks = [d for p in _yaml_files(decks_dir) if (d := load(p))] if decks_dir.is_dir() else []
    return RawProject(root, config, sources, eras, facts, decks, errors, cache, glossary)
