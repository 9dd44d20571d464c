"""What the rules across facts (records/across.py) last found in each fact file, and the sets they read merged into
one part of every file (records/merged_parts.py), kept beside each file's shares for engine/validation.py's
`_cached_across`.

After an edit, the sets were made again from every file's parts (100 entries read, 100 parts merged at 10,000
facts) to find what one file's facts give. Now the sets are made from the kept merged parts and the edited files'
own: each edited file's part of each set is made and held to the part kept under its key before (`RecordCache`'s
latest key for it, named here), and the kept merged parts stand for the sets only where every edited file's part is
the one it was, but for what its facts state, which moves nothing where no false statement of the base is one of the
statements that changed (the only rule reading what facts state reads it at false statements). The counts' verdicts
(the subject's names, the stems too common to tell events apart) are held to the kept ones too. Then every other
file's findings are the ones kept (the sets they read are the same, and so are its records: its key is), and the
edited files' are worked out as before. Anything else (a set moved, a file added or renamed, a damaged entry) and the
sets are made from every file's parts, as without this.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from factdeck.engine.parse_cache import ContentStore
from factdeck.engine.record_cache import RecordCache, carried, dump_problems, restore_per_fact, restore_problems
from factdeck.exceptions import Problem
from factdeck.records.fact_forms import FactForms
from factdeck.records.load import FactFile
from factdeck.records.merged_parts import merged, option_sets_read, statements_moved
from factdeck.records.schema import Fact, GlossaryEntry, Source

# More edited files than this and the sets are made from every file's parts (each edited file's parts are made and
# compared anyway, and a set one of them moved costs the whole making again).
EDITED_MOST = 8
_FILES = "files"  # the name of the index: the files, their keys and findings, and the name of the kept sets
# Merged parts kept in entries of their own, read only if a rule reads them: the dated answers, which only the
# disagreements read, and those are kept by place (a check after an edit that moved no part reads neither).
_LATER = frozenset({"dated-answers"})


# Merged parts that are counts added up (records/merged_parts.py's `_counts`): an edited file's counts moved are taken
# from the merged ones and its new ones added (a reworded statement's new word is counted, the verdicts stay).
_ADDED = frozenset({"subject-names", "stem-counts"})


def _moved_counts(total: dict[str, int], then: dict[str, int], now: dict[str, int]) -> dict[str, int]:
    """`total` with the counts `then` taken away and `now` added (raises `SetsMoved` if `then` is not in `total`)."""
    made = dict(total)
    for name, count in then.items():
        left = made.get(name, 0) - count
        if left < 0:
            raise SetsMoved("counts")
        if left:
            made[name] = left
        else:
            del made[name]
    for name, count in now.items():
        made[name] = made.get(name, 0) + count
    return made


def _sets_name(keys: list[str], others: str) -> str:
    """The name of the sets kept for files of record-cache `keys`, glossary and sources of hash `others`."""
    return "sets\0" + "\n".join(keys) + f"\n{others}"


class _Later(Sequence):
    """A kept merged part as `by_file` gives it (a list of one part), read from `store` under `name` when first read;
    raises `SetsMoved` if the entry is not what `valid` holds a part to be."""

    def __init__(self, store: ContentStore, name: str, valid: Callable[[Any], bool]) -> None:
        self.store, self.name, self.valid = store, name, valid
        self.read: list[Any] | None = None

    def _parts(self) -> list[Any]:
        if self.read is None:
            part = self.store.load(self.name)
            if not self.valid(part):
                raise SetsMoved(self.name)
            self.read = [part]
        return self.read

    def __len__(self) -> int:
        return 1

    def __getitem__(self, i: Any) -> Any:
        return self._parts()[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._parts())


class SetsMoved(Exception):
    """An edited file's part of a set is not the one kept for it, or the kept sets are not whole: the sets are made from
    every file's parts."""


class Shares:
    """Each of `files`' kept shares of the rules across facts, in `store` under the file's record-cache key
    (`file_keys`: its name and text, factdeck's code and the context its records were validated in, which is all
    its records are made from), else its name and text: by share, (a hash of what else it read, its value). A
    file's entry is read when one of its shares is first asked for."""

    def __init__(self, store: ContentStore, files: list[FactFile], file_keys: dict[str, str]) -> None:
        self.store = store
        self.files = files
        self.names = {file.display: file_keys.get(file.display) or f"{file.display}\0{file.text}" for file in files}
        self.entries: dict[str, dict] = {}
        self.changed: set[str] = set()

    def _load(self, file: FactFile) -> dict:
        entry = self.store.load(self.names[file.display])
        made = self.entries[file.display] = entry if type(entry) is dict else {}
        return made

    def get(self, file: FactFile, name: str, key: str) -> Any:
        """The share `name` of `file` kept under `key` (None: not kept)."""
        entry = self.entries.get(file.display)
        kept = (entry if entry is not None else self._load(file)).get(name)
        if type(kept) is not tuple or len(kept) != 2 or kept[0] != key:
            return None
        return kept[1]

    def put(self, file: FactFile, name: str, key: str, value: Any) -> None:
        entry = self.entries.get(file.display)
        (entry if entry is not None else self._load(file))[name] = (key, value)
        self.changed.add(file.display)

    def save(self) -> None:
        for file in self.files:
            if file.display in self.changed:
                self.store.save(self.names[file.display], self.entries[file.display])
        self.store.trim()


def earlier_forms(
    cache: RecordCache,
    display: str,
    load: Callable[[str], Any],
    facts: list[Fact],
    restore_forms: Callable[[Any, int], list[FactForms] | None],
    restore_words: Callable[[Any, int], list[tuple[tuple[str, ...], tuple[str, ...]]] | None],
) -> list[FactForms | None] | None:
    """For each of an edited file's `facts`, its comparison forms as kept for the same record at the same place under
    the file's latest earlier key (`RecordCache.earlier`; `load(key)`: the file's words entry then, its forms and their
    words read with `restore_forms` and `restore_words`), else None; None if there is none. Making an edited file's
    forms afresh was most of its share of a check after an edit."""
    then = cache.earlier(display, load)
    entry = then[2] if then is not None else None
    if then is None or type(entry) is not dict:
        return None
    forms, words = entry.get("forms"), entry.get("words")
    if type(forms) is not tuple or len(forms) != 2 or type(words) is not tuple or len(words) != 2:
        return None
    forms, words = restore_forms(forms[1], len(then[1])), restore_words(words[1], len(then[1]))
    if forms is None or words is None:
        return None
    made = [form._replace(words=w, stems=s) for form, (w, s) in zip(forms, words)]
    return carried(then[1], made, facts)


class EarlierFindings:
    """Each edited file's facts' findings of each part of the rules, as its shares entry under its latest earlier key
    keeps them for the same record at the same place (`RecordCache.carried`'s answer), with each fact's record held to
    its earlier one once for every part (four times the comparisons of 100 records a file were a tenth of the rules'
    work after an edit). `load(key)`: a shares entry by key."""

    def __init__(self, cache: RecordCache, load: Callable[[str], Any]) -> None:
        self.cache = cache
        self.load = load
        self.places: dict[str, tuple[Any, int, list[int | None]] | None] = {}

    def carried(self, display: str, name: str, key: str, now: list[Fact]) -> list[list[Problem] | None] | None:
        """For each of `now` (file `display`'s records), its problems as kept under `name` and `key` for the same
        record at the same place; None for a fact changed, moved or new; None if no earlier entry keeps them."""
        if display not in self.places:
            then = self.cache.earlier(display, self.load)
            self.places[display] = (
                None if then is None else (then[2], len(then[1]), carried(then[1], list(range(len(then[1]))), now))
            )
        placed = self.places[display]
        if placed is None:
            return None
        entry, count, places = placed
        kept = entry.get(name) if type(entry) is dict else None
        if type(kept) is not tuple or len(kept) != 2 or kept[0] != key:
            return None
        made = restore_per_fact(kept[1], display, count)
        if made is None:
            return [None] * len(now)
        return [None if i is None else made[i] for i in places]


def others_key(glossary: Iterable[GlossaryEntry], sources: Iterable[Source]) -> str:
    """A hash of what the rules read besides the facts: the glossary and the sources, as records."""
    digest = hashlib.sha256()
    for g in glossary:
        digest.update(f"glossary\0{g.file}\0{g.line}\0{g.model_dump_json()}\n".encode("utf-8", "surrogatepass"))
    for s in sources:
        digest.update(f"source\0{s.file}\0{s.line}\0{s.model_dump_json()}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class AfterEdit:
    """The kept sets for a check after an edit of the files `edited` (of `files`, the rest unchanged since the sets were
    kept): `by_file`, given to `AcrossRules` for the parts of the sets (records/by_file.py), makes each edited file's
    part (`make_part`) and gives the kept merged part, or raises `SetsMoved`; `confirm` then holds what the rules
    made of them to the kept sets. `earlier(key)`: the file's shares entry kept under an earlier key."""

    def __init__(
        self,
        store: ContentStore,
        files: list[FactFile],
        index: dict,
        sets: dict,
        edited: list[int],
        earlier: Callable[[str], Any],
    ) -> None:
        self.store = store
        self.files = files
        self.index = index
        self.sets = sets
        self.edited = edited
        self.earlier = earlier
        self.make_part: Callable[[FactFile, str, str, Callable[[list[Fact]], Any]], Any] | None = None
        self.moved_statements: set[str] = set()  # forms whose stating fact an edit changed
        self.disagreeing: list[tuple[Fact, Fact]] = []  # the disagreements' facts (`confirm`)
        self.counts_moved = False  # an edited file's counts moved the kept merged counts (`by_file`)
        self.entries_read = 0  # the kept sets' and index's entries read (counted by tests)

    def _then(self, i: int, name: str, key: str) -> Any:
        """Edited file `i`'s share `name` as kept under its key when the sets were kept (raises `SetsMoved` if gone)."""
        entry = self.earlier(self.index["keys"][i])
        kept = entry.get(name) if type(entry) is dict else None
        if type(kept) is not tuple or len(kept) != 2 or kept[0] != key:
            raise SetsMoved(name)
        return kept[1]

    def by_file(self, name: str, key: str, make: Callable[[list[Fact]], Any], valid: Callable[[Any], bool]) -> list:
        """A `ByFile`: the kept merged part `name` (under `key`), each edited file's part made and held to its own
        before; for the hashes of each file's answers (`answers`), every file's, the edited ones' made and held."""
        assert self.make_part is not None
        if name == "answers":
            kept = self.sets["answers"]
            if not all(map(valid, kept)):
                raise SetsMoved(name)
        elif name in self.sets["later"]:
            later = self.sets["later"][name]
            if type(later) is not tuple or len(later) != 2 or later[0] != key or type(later[1]) is not str:
                raise SetsMoved(name)
            kept = _Later(self.store, later[1], valid)
        else:
            whole = self.sets["parts"].get(name)
            if type(whole) is not tuple or len(whole) != 2 or whole[0] != key or not valid(whole[1]):
                raise SetsMoved(name)
            kept = [whole[1]]
        for i in self.edited:
            now = self.make_part(self.files[i], name, key, make)
            then = self._then(i, name, key)
            if name == "option-sets":
                moved = statements_moved(then, now)
                if moved is None:
                    raise SetsMoved(name)
                self.moved_statements |= moved
            elif now != then and name in _ADDED and valid(then):
                # Counts added up: the edited file's taken away and added again. What they decide is held to the kept
                # verdicts (`confirm`), and the sets with the new counts are kept under the files' keys now (`name`).
                kept = [_moved_counts(kept[0], then, now)]
                self.sets["parts"][name] = (key, kept[0])
                self.counts_moved = True
            elif now != then:
                raise SetsMoved(name)
        return kept

    def sets_name(self, keys: list[str], others: str) -> str:
        """The name of the sets to keep with the index: the kept ones', or where an edited file's counts moved, a new
        one's (kept here, under the files' `keys` and the glossary's and sources' hash `others`)."""
        if not self.counts_moved:
            return self.index["sets"]
        name = _sets_name(keys, others)
        self.store.save(name, self.sets)
        return name

    def confirm(
        self,
        thresholds: tuple[list[str], list[str]],
        false_statements: Callable[[list[Fact]], Any],
        facts_of: Callable[[FactFile], list[Fact]],
    ) -> None:
        """Raises `SetsMoved` unless the counts' verdicts (`QuestionRules.thresholds`) are the kept ones, each edited
        file's false statements (`false_statements` of its facts) are the ones it had, no retracted fact of an edited
        file has distractors, no statement whose stating fact changed is a false statement of the base (the kept
        sets hold what facts state at those alone), and the kept disagreements' facts are at their places (the facts
        `QuestionRules.disagreeing` gives, into `disagreeing`)."""
        if list(thresholds) != [self.sets["subjects"], self.sets["common"]]:
            raise SetsMoved("thresholds")
        for i in self.edited:
            facts = facts_of(self.files[i])
            if false_statements(facts) != self._then(i, "false-statement-forms", ""):
                raise SetsMoved("false statements")
            # The kept answers by question hold the questions of two answers or more (`option_sets_read`): a fact not
            # retracted gives its own, but a retracted one's distractors are looked up among other facts' alone.
            if any(fact.status == "retracted" and fact.distractors for fact in facts):
                raise SetsMoved("a retracted fact's distractors")
        if self.moved_statements:
            self.entries_read += 1
            hashes = self.store.load(self.sets["false-statements"])
            if type(hashes) is not list or not set(map(type, hashes)) <= {bytes}:
                raise SetsMoved("statements")
            if any(_kept_among(hashes, form) for form in self.moved_statements):
                raise SetsMoved("statements")
        # The disagreements read the dated answers alone, none of which moved: the same facts, by place, disagree.
        self.disagreeing = _unplaced(self.sets["disagreeing"], self.files, facts_of)

    def known(self) -> dict[str, str]:
        """The parts' hashes kept with the sets (`AcrossRules.parts`' `known`)."""
        return dict(self.sets["keys"])

    def found(self, i: int) -> list[Problem] | None:
        """What the rules found in file `i` when the sets were kept, if it is not an edited one."""
        if i in self.edited:
            return None
        return restore_problems(self.index["found"][i], self.files[i].display)


def _form_hash(form: str) -> bytes:
    """A short hash of a comparison form: the base's false statements are kept as these (0.13 MB where their forms were
    0.74 at 10,000 facts), since two forms of one hash only make the sets from every file's parts."""
    return hashlib.blake2b(form.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _kept_among(hashes: list[bytes], form: str) -> bool:
    """Whether `form`'s hash is among `hashes` (sorted)."""
    wanted = _form_hash(form)
    at = bisect_left(hashes, wanted)
    return at < len(hashes) and hashes[at] == wanted


def placed(
    pairs: list[tuple[Fact, Fact]], files: list[FactFile], facts_of: Callable[[FactFile], list[Fact]]
) -> list[tuple[int, ...]] | None:
    """`QuestionRules.disagreeing`'s facts by place: (file number, fact number, line) of each of a pair; None if one is
    none of `files`' facts (`facts_of`)."""
    in_file = {file.display: i for i, file in enumerate(files)}
    places: dict[int, tuple[int, int, int]] = {}
    for display in {fact.file for pair in pairs for fact in pair}:
        i = in_file.get(display)
        if i is None:
            return None
        places.update((id(fact), (i, j, fact.line or 0)) for j, fact in enumerate(facts_of(files[i])))
    made: list[tuple[int, ...]] = []
    for x, other in pairs:
        if id(x) not in places or id(other) not in places:
            return None
        made.append((*places[id(x)], *places[id(other)]))
    return made


def _unplaced(kept: Any, files: list[FactFile], facts_of: Callable[[FactFile], list[Fact]]) -> list[tuple[Fact, Fact]]:
    """The facts `placed` kept, each at its file and number if its line is the kept one; raises `SetsMoved` if not."""
    if type(kept) is not list:
        raise SetsMoved("disagreements")
    pairs = []
    for entry in kept:
        if type(entry) is not tuple or len(entry) != 6 or not set(map(type, entry)) <= {int}:
            raise SetsMoved("disagreements")
        found = []
        for i, j, line in (entry[:3], entry[3:]):
            facts = facts_of(files[i]) if 0 <= i < len(files) else []
            if not 0 <= j < len(facts) or (facts[j].line or 0) != line:
                raise SetsMoved("disagreements")
            found.append(facts[j])
        pairs.append((found[0], found[1]))
    return pairs


def _is_index(value: Any, count: int) -> bool:
    if type(value) is not dict or set(value) != {"sets", "others", "names", "keys", "found"}:
        return False
    if type(value["sets"]) is not str or type(value["others"]) is not str:
        return False
    if not all(type(value[name]) is list and len(value[name]) == count for name in ("names", "keys", "found")):
        return False
    return set(map(type, value["names"])) <= {str} and set(map(type, value["keys"])) <= {str}


def _is_sets(value: Any, count: int) -> bool:
    names = {"parts", "later", "answers", "keys", "subjects", "common", "false-statements", "disagreeing"}
    if type(value) is not dict or set(value) != names or type(value["later"]) is not dict:
        return False
    if type(value["parts"]) is not dict or type(value["answers"]) is not list or len(value["answers"]) != count:
        return False
    keys = value["keys"]
    if (
        type(keys) is not dict
        or set(keys) != {"questions", "date-give-aways"}
        or not set(map(type, keys.values())) <= {str}
    ):
        return False
    for name in ("subjects", "common"):
        if type(value[name]) is not list or not set(map(type, value[name])) <= {str}:
            return False
    return type(value["false-statements"]) is str


class KeptSets:
    """The index (`files`: each file's name, record-cache key and findings, and the name of the sets kept with them)
    and the merged sets of the rules across facts, in `store` (one context's and code's)."""

    def __init__(self, store: ContentStore) -> None:
        self.store = store

    def after_edit(
        self, files: list[FactFile], file_keys: dict[str, str], others: str, earlier: Callable[[str], Any]
    ) -> AfterEdit | None:
        """The kept sets for `files` (`file_keys`: their record-cache keys) if they were kept for the same files in
        order, the glossary and sources (`others_key`), and at most EDITED_MOST of the files have another key now."""
        index = self.store.load(_FILES)
        if not _is_index(index, len(files)) or index["others"] != others:
            return None
        if index["names"] != [file.display for file in files]:
            return None
        keys = [file_keys.get(file.display) for file in files]
        edited = [i for i, (key, then) in enumerate(zip(keys, index["keys"])) if key != then]
        if None in keys or not edited or len(edited) > EDITED_MOST:
            return None
        sets = self.store.load(index["sets"])
        if not _is_sets(sets, len(files)):
            return None
        made = AfterEdit(self.store, files, index, sets, edited, earlier)
        made.entries_read = 2
        return made

    def keep(
        self,
        files: list[FactFile],
        file_keys: dict[str, str],
        others: str,
        problems: dict[str, list[Problem]],
        sets: str | None,
        made: dict[str, Any] | None = None,
    ) -> None:
        """Keep the index: `files`' keys, `problems` by file and the name of the kept sets, `sets` (those `made`, kept
        here under a name of their own, when it is None). `made`: the parts by name (each file's, `by_file`'s
        answer), the hashes of each file's answers, the parts' known hashes (`known`), the counts' verdicts, the
        base's false statements (comparison forms) and the disagreements' facts (`placed`). Keeps nothing where a
        file has no key, a part has no merge or a disagreement's fact has no place."""
        keys = [file_keys.get(file.display) for file in files]
        if None in keys:
            return
        if sets is None:
            if made is None:
                return
            # The option sets as the rules read them for the base's facts (`option_sets_read`), the rest merged whole.
            forms = made["false-statements"]
            try:
                parts = {
                    name: (key, option_sets_read(each, forms) if name == "option-sets" else merged(name, each))
                    for name, (key, each) in made["parts"].items()
                }
            except KeyError:
                return
            if made["disagreeing"] is None:
                return
            sets = _sets_name([str(key) for key in keys], others)
            self.store.save(f"false-statements\0{sets}", sorted(map(_form_hash, forms)))
            later = {}
            for name in _LATER & parts.keys():
                key, value = parts.pop(name)
                later[name] = (key, f"{name}\0{sets}")
                self.store.save(later[name][1], value)
            subjects, common = made["thresholds"]
            self.store.save(
                sets,
                {
                    "parts": parts,
                    "later": later,
                    "disagreeing": made["disagreeing"],
                    "answers": made["answers"],
                    "keys": made["known"],
                    "subjects": subjects,
                    "common": common,
                    "false-statements": f"false-statements\0{sets}",
                },
            )
        found = [dump_problems(problems[file.display]) for file in files]
        self.store.save(
            _FILES, {"sets": sets, "others": others, "names": [f.display for f in files], "keys": keys, "found": found}
        )
        self.store.trim()
