"""The card-field store, `build/.factdeck/anki-fields.bin`: the fields (and note GUIDs and content hashes) an
earlier build rendered, read into `RenderedFields` (rendered.py) by the next build and by `factdeck check`.

Layout: a magic line, the shared hash (marshal), one marshal record `(fact id, (fact hash, {key: text}))` per
fact, then an index `{fact id: (offset, length)}` (marshal) and its offset (8 bytes, little-endian). A build
reads only the index and the records of the facts it asks for (a rebuild after an edit asks for few: the others'
notes come from the kept collection, kept_collection.py). It then writes only its changed records, over the old
index, and a new index; records no fact points to any more stay behind until they are half the size of those it
does, when the store is written afresh (records not asked for copied as the bytes they were, unread). At 10,000
facts the store is 35 MB: copying it, hashing it as an output and replacing it was a tenth of a CPU second of a
one-fact rebuild. The store is a cache, never an output: not staged nor hashed into the build's state, written
in place (a record is used only with the fact hash and shared hash it was made for, so a failed build's records
are as good as any), and a store left damaged by an interrupted write reads as empty.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from factdeck.outputs.anki.rendered import RenderedFields

FIELDS_FILE = ".factdeck/anki-fields.bin"
_FIELDS_MAGIC = b"factdeck-anki-fields-2\0"
_TRAILER = 8
_SUFFIX = ".factdeck-tmp"  # outputs/write.py's TEMP_SUFFIX: a build sweeps what an interrupted one left
# marshal's format 2, which shares no object: from format 3 on, marshal marks a value that other references
# also hold in memory at the time (its reference count), so the same fields made in this process or received
# from a second one would give different bytes.
_MARSHAL_FORMAT = 2

Entry = tuple[str, dict[str, str]]
_ONLY_STR = frozenset((str,))
_pread = getattr(os, "pread", None)  # not on every system
# How many facts' fields a build holds before `spill_fields` writes them out between its decks.
SPILL_FACTS = 2_000


class StoredFields(Mapping[str, Entry]):
    """The store's records by fact id, each read when asked for; a record that is unreadable or holds anything
    unexpected counts as missing (its fact is rendered again, never a crash)."""

    def __init__(
        self,
        file: BinaryIO | None = None,
        index: dict[str, tuple[int, int]] | None = None,
        path: Path | None = None,
        records: tuple[int, int] = (0, 0),
    ):
        self.file = file  # read, not mapped: mapped pages count in the build's peak memory
        self.index = index or {}
        self.path = path  # the file's, when it was read whole (`save_fields` may write over its index)
        self.records = records  # where the records lie: from the first one's offset to the index's

    def __getitem__(self, fact_id: str) -> Entry:
        where = self.index[fact_id]
        try:
            stored_id, (digest, fields) = marshal.loads(self.read(*where))
        except (ValueError, EOFError, TypeError):
            raise KeyError(fact_id) from None
        if not (
            stored_id == fact_id
            and type(digest) is str
            and type(fields) is dict
            and _ONLY_STR.issuperset(map(type, fields))
            and _ONLY_STR.issuperset(map(type, fields.values()))
        ):
            raise KeyError(fact_id)
        return digest, fields

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def raw(self, fact_id: str) -> tuple[int, int] | None:
        """Where the fact's record is in the file (offset, length), unread."""
        return self.index.get(fact_id)

    def read(self, offset: int, length: int) -> bytes:
        """`length` bytes of the file from `offset` (fewer at its end; ValueError if it is closed)."""
        if self.file is None:
            raise ValueError("closed")
        if _pread is not None:  # one system call, and no buffer filled and dropped (a deck's notes read back their
            return _pread(self.file.fileno(), length, offset)  # fields a fact at a time: spilled.py)
        self.file.seek(offset)
        return self.file.read(length)

    def close(self) -> None:
        """Let the file go (a mapped file cannot be replaced on some systems)."""
        if self.file is not None:
            self.file.close()
            self.file = None
            self.index = {}


def load_fields(path: Path, shared: str) -> StoredFields:
    """The fields the last build saved, if it saved them for the same `shared` hash; a store that is unreadable,
    of another layout or for another shared hash counts as nothing saved (a full render, never a crash)."""
    try:
        saved = open(path, "rb")  # noqa: SIM115 - kept open for the records read later (closed by `close`)
    except OSError:
        return StoredFields()
    try:
        stored = StoredFields(saved)
        size = os.fstat(saved.fileno()).st_size
        head = stored.read(0, len(_FIELDS_MAGIC) + 4096)
        if size < len(_FIELDS_MAGIC) + _TRAILER or head[: len(_FIELDS_MAGIC)] != _FIELDS_MAGIC:
            raise ValueError("another layout")
        start = int.from_bytes(stored.read(size - _TRAILER, _TRAILER), "little")
        if not len(_FIELDS_MAGIC) < start <= size - _TRAILER:
            raise ValueError("a damaged index")
        index = marshal.loads(stored.read(start, size - _TRAILER - start))
        # The shared hash (64 hexadecimal digits) is read from the bytes after the magic line; the rest is ignored.
        stored_shared = marshal.loads(head[len(_FIELDS_MAGIC) : start])
        if stored_shared != shared or type(index) is not dict:
            raise ValueError("other fields")
        for fact_id, where in index.items():
            if not (
                type(fact_id) is str
                and type(where) is tuple
                and len(where) == 2
                and all(type(n) is int and n >= 0 for n in where)
                and where[0] + where[1] <= start
            ):
                raise ValueError("a damaged index")
    except (OSError, ValueError, EOFError, TypeError, OverflowError):
        saved.close()
        return StoredFields()
    return StoredFields(
        saved, index, path, (len(_FIELDS_MAGIC) + len(marshal.dumps(stored_shared, _MARSHAL_FORMAT)), start)
    )


def save_fields(path: Path, fields: RenderedFields, fact_ids: Iterable[str]) -> None:
    """Keep the store at `path`: the fields of the facts `fact_ids` (those of facts no longer in the base go;
    those of facts this build did not ask for stay as they were). Written over the index of the store the build
    read (`fields.previous`, read from `path`) while its unused records stay under half the used ones, else afresh
    beside it and moved over it. A store that cannot be written only means the next build renders every field."""
    previous = fields.previous if isinstance(fields.previous, StoredFields) else None
    ids = list(fact_ids)
    in_place = previous is not None and previous.file is not None and previous.path == path
    temporary = path.with_name(f".{path.name}.{os.getpid()}{_SUFFIX}")
    try:
        if in_place and previous is not None and _write_over_index(path, fields, ids, previous):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_whole(temporary, fields, ids, previous)
        if previous is not None:
            previous.close()  # first: an open file cannot be replaced on every system
        os.replace(temporary, path)
    except (OSError, ValueError):
        if previous is not None:
            previous.close()
        # A store written over part way (its old index is gone) is never read again.
        for leftover in (temporary, path) if in_place else (temporary,):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    finally:
        if previous is not None:
            previous.close()


def spill_fields(path: Path, fields: RenderedFields, fact_ids: Iterable[str], least: int | None = None) -> bool:
    """Keep the fields rendered so far (`fields.used`) in the store at `path` as `save_fields` does, and let them go:
    `fields` then reads back those asked for again from the store, as a rebuild reads an earlier build's. A cold
    build held every fact's fields from deck `all`'s package to its end (at 50,000 facts the details field alone was
    112 MB), under the worksheets' and the later decks' memory. Nothing is let go unless the store holds all of it
    afterwards (it may not be writable), nor with fewer than `SPILL_FACTS` facts' fields held (a rebuild's few are
    not worth writing the store's index once more; `least`: another such number, as a deck written a batch of facts
    at a time asks for, spilled.py). Returns whether the fields were let go."""
    if not fields.used or len(fields.used) < (SPILL_FACTS if least is None else least):
        return False
    save_fields(path, fields, fact_ids)  # closes the store `fields` read, if any
    stored = load_fields(path, fields.shared)
    fields.previous = stored
    if all(stored.raw(fact_id) is not None for fact_id in fields.used):
        fields.used.clear()
        return True
    return False


def _write_over_index(path: Path, fields: RenderedFields, fact_ids: list[str], previous: StoredFields) -> bool:
    """The store `previous`, read from `path`, brought up to date in place: the records of the facts this build
    asked for whose bytes changed are written over its index, then the new index. False if the records no fact
    points to would then be more than half the size of those it does (as after most facts were rendered again):
    the new records are written (never held together in memory) but not the index, and the caller writes the
    store afresh from `previous`, whose records are untouched. Raises `OSError`, `ValueError` (the store was
    closed)."""
    first, end = previous.records
    index: dict[str, tuple[int, int]] = {}
    live = 0
    with open(path, "r+b") as out:
        out.seek(end)
        for fact_id in fact_ids:
            entry = fields.used.get(fact_id)
            where = previous.raw(fact_id)
            if entry is not None:
                record = marshal.dumps((fact_id, entry), _MARSHAL_FORMAT)
                if where is None or where[1] != len(record) or previous.read(*where) != record:
                    where = (out.tell(), len(record))
                    out.write(record)
            if where is not None:
                index[fact_id] = where
                live += where[1]
        start = out.tell()
        if 2 * (start - first - live) > live:
            return False
        out.write(marshal.dumps(index, _MARSHAL_FORMAT))
        out.write(start.to_bytes(_TRAILER, "little"))
        out.truncate()
    return True


def _write_whole(path: Path, fields: RenderedFields, fact_ids: Iterable[str], previous: StoredFields | None) -> None:
    """The whole store at `path` (a new file), records not asked for copied from `previous` as they were, runs of
    neighbours at once. Raises `OSError`."""
    index: dict[str, tuple[int, int]] = {}
    # A buffer of 1 MiB: the records are a few KB each, and 8 KiB buffers made a system call for nearly every one
    # (10,000 at 10,000 facts, 0.03 CPU s).
    with open(path, "wb", buffering=1 << 20) as out:
        out.write(_FIELDS_MAGIC)
        # The shared hash's length is not stored: it is what lies between the magic line and the first record.
        out.write(marshal.dumps(fields.shared, _MARSHAL_FORMAT))
        offset = out.tell()
        run: tuple[int, int] | None = None  # unread records to copy: (start, end) in the previous file

        def flush() -> None:
            if run is not None:
                assert previous is not None
                for at in range(run[0], run[1], 1 << 20):
                    out.write(previous.read(at, min(1 << 20, run[1] - at)))

        for fact_id in fact_ids:
            entry = fields.used.get(fact_id)
            where = previous.raw(fact_id) if entry is None and previous is not None else None
            if where is not None:
                if run is not None and run[1] == where[0]:
                    run = (run[0], where[0] + where[1])
                else:
                    flush()
                    run = (where[0], where[0] + where[1])
                index[fact_id] = (offset, where[1])
                offset += where[1]
                continue
            if entry is None:
                entry = fields.previous.get(fact_id)  # another kind of mapping (tests), or none
                if entry is None:
                    continue
            flush()
            run = None
            record = marshal.dumps((fact_id, entry), _MARSHAL_FORMAT)
            out.write(record)
            index[fact_id] = (offset, len(record))
            offset += len(record)
        flush()
        start = out.tell()
        out.write(marshal.dumps(index, _MARSHAL_FORMAT))
        out.write(start.to_bytes(_TRAILER, "little"))
