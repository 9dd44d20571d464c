"""Incremental builds: skip outputs whose inputs did not change, tracked by content hashes inside the output folder.

`<output>/.factdeck/build-state.json` records, for the last successful build:

- a fingerprint of every input byte (facts/, decks/, templates/, fonts/, factdeck.yaml, the archive, the
  request, factdeck's own code): when a build's fingerprint matches and every output is still there with its
  recorded hash, the build has nothing to do and does not even re-validate (the inputs are byte for byte
  those the last build validated; `factdeck check` always validates);
- per deck and step (Anki package; worksheets with the web quiz), a key over what that step reads: the deck's
  selected facts, the deck spec, sources, eras, configuration, the step's templates (and fonts), the code.
  A step whose key matches and whose files are intact is not rendered again.

The state is a cache, never trusted blindly: a missing, corrupt, truncated or foreign state file is ignored
(everything is rebuilt), and an output that is missing or whose bytes changed is rebuilt. Files are hashed
through `FileStamps` (stamps.py): a file whose size, times and inode are those recorded with its hash after
the last build is not read again, so a build with nothing to do reads almost nothing.

`IncrementalBuild` is what `build()` asks: whether everything is up to date, whether a step is current,
and what to record of this build.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from factdeck import __version__
from factdeck.engine.stamps import FileStamps, keep_json, sha256_file, walk
from factdeck.exceptions import Problem
from factdeck.records.templates import effective_files

# What a build reads besides factdeck's own code, its templates (see _add_templates) and the archive (see
# build_archive). The project's templates/ folder is hashed whole too: a file in it that no build reads yet
# still counts as an input.
# translations/: the facts' texts in other languages; locale/: the project's own message catalogs.
INPUT_FOLDERS = ("facts", "decks", "templates", "fonts", "translations", "locale")
CONFIG_FILE = "factdeck.yaml"
_PEEKED = ("output", "archive")  # the settings a build needs before it validates factdeck.yaml

STATE_FILE = ".factdeck/build-state.json"
STATE_VERSION = 1
# Template folders each step reads; a step not listed reads every template.
STEP_TEMPLATES = {"apkg": ("anki",), "quiz": ("quiz", "web")}
PACKAGE = Path(__file__).resolve().parents[1]  # factdeck/, above engine/


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _add_tree(
    digest: Any, folder: Path, label: str, stamps: FileStamps | None = None, skip: frozenset[str] = frozenset()
) -> None:
    """Every file's relative path and bytes under `folder` (nothing if it is missing; folders named in `skip`
    left out); `stamps` give the hashes of files unchanged since they were stamped."""
    digest.update(f"\0tree {label}\0".encode())
    # Every entry counts, not only files: a new folder, pipe or broken link named like an input must make
    # the build load (and report) it rather than call the inputs unchanged.
    for name, path, is_file in walk(folder, skip):
        _add_entry(digest, name, path, stamps, is_file)


def link_target(path: str | Path) -> bytes:
    """Where `path` leads if it is a symbolic link (b"" if not), for an inputs key: loading refuses a link to a file
    outside the project (records/load.py), so the same bytes read through a new link are another input."""
    if not os.path.islink(path):
        return b""
    return b"\0link\0" + os.path.realpath(path).encode("utf-8", "surrogateescape") + b"\0"


def _add_entry(
    digest: Any, name: str, path: str | Path, stamps: FileStamps | None, is_file: bool | None = None
) -> None:
    """One input entry: its name, then its bytes' hash (through the file stamps where given), or a marker for an
    entry that is not a file (`is_file`, where the caller knows it)."""
    digest.update(name.encode("utf-8") + b"\0" + link_target(path))
    if not (os.path.isfile(path) if is_file is None else is_file):
        digest.update(b"\0not a file\0")
    elif stamps is not None:
        digest.update(stamps.digest(path) or b"\0unreadable\0")
    else:
        digest.update(sha256_file(path))


def _add_templates(digest: Any, root: Path, under: str = "", stamps: FileStamps | None = None) -> None:
    """Every template a build of `root` reads below `under` ('' for all): the project's file where it has one,
    else the built-in one, each by its relative name and bytes."""
    digest.update(f"\0templates {under}\0".encode())
    for name, path in effective_files(root, under):
        _add_entry(digest, name, path, stamps)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """factdeck's version and the bytes of its code, message catalogs and shipped fonts (an editable install
    changes without a new version). The files' hashes are kept as file stamps in the cache folder, so a
    process whose code did not change reads none of them."""
    kept = _stamps_path(PACKAGE, "code-")
    stamps = FileStamps.load(kept)
    digest = hashlib.sha256(__version__.encode())
    for relative, path, is_file in walk(PACKAGE, skip=frozenset({"__pycache__"})):
        if is_file and relative.endswith((".py", ".mo")):
            digest.update(relative.encode() + (stamps.digest(path) or b"\0unreadable\0"))
    for fonts in (PACKAGE / "fonts", PACKAGE.parents[1] / "fonts"):
        _add_tree(digest, fonts, "shipped fonts", stamps)
    if stamps.hashed:
        stamps.save(kept)
    return digest.hexdigest()


def peek_config(root: Path) -> dict[str, str]:
    """factdeck.yaml's `output` and `archive` settings where they are text, read without validation (for the
    fingerprint and the output folder); {} if the file is unusable.

    What they are is kept in the cache folder with a hash of the file's bytes, so that while factdeck.yaml is
    unchanged a build does not import the YAML parser before it knows whether it has anything to do."""
    try:
        raw = (root / CONFIG_FILE).read_bytes()
    except OSError:
        return {}
    kept = _stamps_path(root, "config-")
    content = hashlib.sha256(raw).hexdigest()
    if kept is not None:
        try:
            recorded = json.loads(kept.read_bytes())
            if recorded["config"] == content:
                return {key: recorded[key] for key in _PEEKED if isinstance(recorded.get(key), str)}
        except (OSError, ValueError, TypeError, KeyError):
            pass  # a damaged record: read the file
    import yaml

    try:
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError):
        data = None
    peeked = {key: data[key] for key in _PEEKED if isinstance(data, dict) and isinstance(data.get(key), str)}
    if kept is not None:
        keep_json(kept, {"config": content, **peeked})
    return peeked


def build_archive(root: Path, archive: Path | None) -> Path | None:
    """The archive a build reads: the one asked for, else the one factdeck.yaml names, if any."""
    configured = peek_config(root).get("archive")
    if archive is None and isinstance(configured, str):
        return root / configured
    return archive


def inputs_fingerprint(
    root: Path, archive: Path | None, request: dict[str, Any], stamps: FileStamps | None = None
) -> str:
    """A hash of every byte a build reads, and of what was asked of it (files unchanged since `stamps`
    stamped them are not read)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(json.dumps(request, sort_keys=True, default=str).encode())
    for folder in INPUT_FOLDERS:
        _add_tree(digest, root / folder, folder, stamps)
    _add_templates(digest, root, stamps=stamps)
    config = root / CONFIG_FILE
    digest.update(b"\0config\0" + link_target(config) + (config.read_bytes() if config.is_file() else b""))
    archive = build_archive(root, archive)
    if archive is not None:
        _add_tree(digest, archive, "archive", stamps)
    return digest.hexdigest()


def shared_key(base: Any, root: Path, step: str) -> str:
    """What every deck's `step` reads besides its own facts and spec."""
    digest = hashlib.sha256(f"{code_fingerprint()}\0{step}\0".encode())
    digest.update(base.config.model_dump_json().encode())
    for source in base.sources.values():
        digest.update(source.model_dump_json().encode())
    for era in base.eras:
        digest.update(era.model_dump_json().encode())
    for entry in getattr(base, "glossary", ()):  # the keys and guides introduce the names facts use
        digest.update(entry.model_dump_json().encode())
    # A deck in another language reads its facts' translations and the project's catalogs.
    _add_tree(digest, root / "translations", "translations")
    _add_tree(digest, root / "locale", "locale")
    folders = STEP_TEMPLATES.get(step)
    if folders is None:
        _add_templates(digest, root)
    for name in folders or ():
        _add_templates(digest, root, name)
    if step == "quiz":
        _add_tree(digest, root / "fonts", "fonts")
        # Distractors on a worksheet may come from any fact of the base, not only the deck's.
        hash_lines(digest, base.facts_digests(base.facts))  # each fact's JSON's SHA-256 (FactBase.fact_digest)
    return digest.hexdigest()


def step_key(base: Any, shared: str, deck: Any, facts: Iterable[Any], extra: str = "") -> str:
    """The key of one deck's step: the shared key, the deck spec, the selected facts in order (each by its JSON's
    SHA-256, `FactBase.fact_digest`: the JSON itself is not kept through the build for the keys)."""
    digest = hashlib.sha256(f"{shared}\0{extra}\0".encode())
    digest.update(deck.model_dump_json().encode())
    hash_lines(digest, base.facts_digests(facts))
    return digest.hexdigest()


def hash_lines(digest: Any, lines: Iterable[str]) -> None:
    """Update `digest` (a hashlib object) with `lines` joined by line breaks, one by one: the joined text and its
    encoding were 110 MB more at 50,000 facts."""
    for n, line in enumerate(lines):
        digest.update(f"\n{line}".encode() if n else line.encode())


class BuildState:
    """The last successful build's record in an output folder (empty if there is none or it is unusable)."""

    def __init__(self, folder: Path, data: dict[str, Any] | None = None, stamps: FileStamps | None = None):
        self.folder = folder
        self.stamps = stamps if stamps is not None else FileStamps()
        data = data or {}
        self.fingerprint: str | None = data.get("fingerprint")
        self.warnings: list[list[Any]] = data.get("warnings", [])
        self.files: dict[str, str] = data.get("files", {})
        self.steps: dict[str, dict[str, Any]] = data.get("steps", {})

    @classmethod
    def load(cls, folder: Path, stamps: FileStamps | None = None) -> BuildState:
        try:
            data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            if not (isinstance(data, dict) and data.get("version") == STATE_VERSION):
                raise ValueError("another layout")
            state = cls(folder, data, stamps)
            # Check the shape, so a damaged file costs a full build and never a crash.
            assert state.fingerprint is None or isinstance(state.fingerprint, str)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in state.files.items())
            assert all(
                isinstance(s.get("key"), str)
                and all(isinstance(f, str) for f in s.get("files", []))
                and all(isinstance(n, list) and len(n) == 4 for n in s.get("notes", []))
                for s in state.steps.values()
            )
            assert all(isinstance(w, list) and len(w) == 4 for w in state.warnings)
            return state
        except (OSError, ValueError, TypeError, AttributeError, AssertionError):
            return cls(folder, stamps=stamps)

    def intact(self, relatives: Iterable[str]) -> bool:
        """Whether every one of these outputs is on disk with the bytes this state recorded."""
        return all(
            rel in self.files and self.stamps.hexdigest(self.folder / rel) == self.files[rel] for rel in relatives
        )

    def up_to_date(self, fingerprint: str) -> bool:
        return self.fingerprint == fingerprint and self.intact(self.files)

    def step(self, name: str, key: str) -> dict[str, Any] | None:
        """The recorded step if its key matches and its files are intact, else None."""
        step = self.steps.get(name)
        if step is None or step["key"] != key or not self.intact(step.get("files", [])):
            return None
        return step

    def recorded_warnings(self) -> list[Problem]:
        return [Problem(str(p), int(line), str(m), str(s)) for p, line, m, s in self.warnings]

    @staticmethod
    def to_bytes(
        fingerprint: str, warnings: list[Problem], files: dict[str, str], steps: dict[str, dict[str, Any]]
    ) -> bytes:
        document = {
            "version": STATE_VERSION,
            "fingerprint": fingerprint,
            "warnings": [[w.path, w.line, w.message, w.severity] for w in warnings],
            "files": dict(sorted(files.items())),
            "steps": dict(sorted(steps.items())),
        }
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _stamps_path(folder: Path, prefix: str = "") -> Path | None:
    """Where a record about `folder` is kept in factdeck's cache folder (a cache, not an output: outputs stay
    byte for byte reproducible), named by `prefix` and the folder's path: the stamps of the builds into an
    output folder (no prefix), of factdeck's own code (`code-`), a project's peeked settings (`config-`); None
    when caching is off."""
    from factdeck.engine.parse_cache import cache_folder

    stamps = cache_folder("stamps")
    if stamps is None:
        return None
    name = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return stamps / f"{prefix}{name}.json"


class IncrementalBuild:
    """What `build()` asks of the last successful build in its output folder, and what it records of this one.

    Made before loading anything: `up_to_date()` says whether every input byte is what the last build read and
    its outputs are intact (then nothing needs doing). Otherwise, once the output folder is known
    (`use_folder`), `current(step, key)` gives a step's record when its key matches and its files are intact,
    `record(...)` notes what a step made, and `state_bytes(...)` is the new state file to write with the
    outputs; `stamp(written)` keeps the hashes of what was written for the next build.
    """

    def __init__(self, root: Path, folder: Path, archive: Path | None, request: dict[str, Any]) -> None:
        """`folder`: the output folder as configured before validation (`use_folder` corrects it)."""
        root = root.resolve()
        self.folder = folder
        stamps = FileStamps.load(_stamps_path(self.folder))
        self.fingerprint = inputs_fingerprint(root, archive, request, stamps)
        self._state = BuildState.load(self.folder, stamps)
        self._steps: dict[str, dict[str, Any]] = {}  # this build's record of each deck's steps
        self._kept: list[str] = []  # outputs left as they were
        self._shared: dict[str, str] = {}

    def up_to_date(self) -> bool:
        current = self._state.up_to_date(self.fingerprint)
        if current and self._state.stamps.hashed:
            self.stamp({})  # files that were hashed again (edited, or too recently written to trust)
        return current

    def recorded_warnings(self) -> list[Problem]:
        return self._state.recorded_warnings()

    def recorded_outputs(self) -> list[Path]:
        return [self.folder / rel for rel in self._state.files]

    def use_folder(self, folder: Path) -> None:
        """The output folder the validated configuration names, if it is not the one guessed before loading."""
        if folder != self.folder:
            self.folder = folder
            self._state = BuildState.load(folder, FileStamps.load(_stamps_path(folder)))

    def step_key(self, base: Any, reads: Iterable[str], deck: Any, facts: list[Any], extra: str) -> str:
        """The key of one deck's step of an output that reads the shared inputs `reads`."""
        for name in reads:
            if name not in self._shared:
                self._shared[name] = shared_key(base, base.root, name)
        return step_key(base, "".join(self._shared[name] for name in reads), deck, facts, extra)

    def current(self, name: str, key: str) -> list[Problem] | None:
        """If step `name` is current (same key, files intact): what making it said last time, and it is
        recorded as kept. Else None: the step must be made and `record`ed."""
        recorded = self._state.step(name, key)
        if recorded is None:
            return None
        self._kept.extend(recorded["files"])
        self._steps[name] = recorded
        return [Problem(path, line, message, severity) for path, line, message, severity in recorded.get("notes", [])]

    def record(self, name: str, key: str, files: list[str], notes: list[Problem]) -> None:
        self._steps[name] = {
            "key": key,
            "files": files,
            "notes": [[w.path, w.line, w.message, w.severity] for w in notes],
        }

    def kept(self) -> list[Path]:
        return [self.folder / rel for rel in self._kept]

    def kept_hashes(self) -> dict[str, str]:
        """The recorded hash of every output this build left as it was."""
        return {rel: self._state.files[rel] for rel in self._kept}

    def previous_files(self) -> dict[str, str]:
        """Every output the last build recorded (relative path -> SHA-256)."""
        return dict(self._state.files)

    def state_bytes(self, warnings: list[Problem], hashes: dict[str, str], complete: bool = True) -> bytes:
        """The state file of this build: `hashes` maps each output (relative) to its SHA-256. A build that
        could not make everything (`complete` false) records no fingerprint, so the next one is never taken
        for up to date."""
        return BuildState.to_bytes(self.fingerprint if complete else "", warnings, hashes, self._steps)

    def stamp(self, digests: dict[Path, bytes]) -> None:
        """Keep the hashes of the outputs just written (and of every input read) for the next build, in the
        cache folder; a failure to write them only costs the next build some hashing."""
        stamps = self._state.stamps
        for path, digest in digests.items():
            stamps.record(path, digest)
        stamps.save(_stamps_path(self.folder))
