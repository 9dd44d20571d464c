"""The checks `factdeck check` adds for Anki that validation cannot make (it renders no cards): two notes of one
deck with the same front and different backs, which Anki's importer flags as duplicates.

Kept apart from the package code so that a check whose decks have no candidate pair imports none of it."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from factdeck.exceptions import Problem
from factdeck.records.by_file import facts_by_file
from factdeck.records.factbase import FactBase
from factdeck.records.fields import NAMED_KINDS
from factdeck.records.identity import PUBLISHED_FOLDER
from factdeck.records.schema import DeckSpec, Fact
from factdeck.records.select import deck_groups, select_facts, selected_groups
from factdeck.records.templates import TEMPLATES
from factdeck.text.dates import date_label

if TYPE_CHECKING:
    from factdeck.outputs.anki.kept_checks import KeptChecks

FIELD_TEMPLATES = "anki/fields"  # as cards.py's (importing it would load the card code)


# The built-in templates that make a card's front (a front-reverse.html shows its context through macros.html).
_FRONT_TEMPLATES = ("front-qa.html", "front-reverse.html", "front-dispute.html", "cloze.html", "macros.html")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _texts(fact: Fact) -> tuple[tuple[str, str], ...]:
    """What any front of `fact` may show, with any template: its question, answer and statement."""
    return ("question", _fold(fact.question)), ("answer", _fold(fact.answer)), ("statement", _fold(fact.statement))


def _fronts(base: FactBase, fact: Fact) -> tuple[tuple[str, ...], ...]:
    """What each front of `fact` shows with the built-in templates, folded as Anki's comparison folds more
    finely (so equal fronts always have equal keys): the question card shows the question (with a badge when
    disputed), a reverse card the answer, its kind's prompt, the era's title and the date, a cloze the
    statement with the answer blanked, a version card the question and its claimant."""
    era = base.eras_by_id.get(fact.era)
    question = _fold(fact.question)
    keys: list[tuple[str, ...]] = [("qa", question, "disputed" if fact.dispute else "")]
    if fact.dispute:
        keys += [("dispute", question, _fold(v.claimed_by)) for v in fact.dispute.versions]
    else:
        answer = _fold(fact.answer)
        if fact.kind in NAMED_KINDS:
            keys.append(("reverse", answer, fact.kind, era.title if era else fact.era, date_label(fact.date)))
        keys.append(("cloze", _fold(fact.statement), answer))
    return tuple(keys)


def _builtin_fronts(root: Path) -> bool:
    """Whether the project makes its cards' fronts with the built-in templates (no copy of its own)."""
    own = root / TEMPLATES / FIELD_TEMPLATES
    return not any((own / name).exists() for name in _FRONT_TEMPLATES)


def _kept(base: FactBase) -> KeptChecks:
    """The base's kept Anki checks (kept_checks.py), keyed once for both checks."""
    from factdeck.outputs.anki.kept_checks import KeptChecks

    kept: KeptChecks = base.__dict__.get("_kept_checks") or base.__dict__.setdefault("_kept_checks", KeptChecks(base))
    return kept


Keys = tuple[tuple[str, ...], ...]
FOLDER = "fronts"


def _kept_keys(base: FactBase, keyed: Callable[[FactBase, Fact], Keys], builtin: bool) -> dict[str, Keys]:
    """Each fact's keys (`keyed`) by fact id, kept per fact file in the cache folder (`…/factdeck/fronts`) under
    the file's record-cache key (`FactBase.file_keys`: its records), the eras' titles and which keys they are
    (all a fact's keys read besides its record): a check after an edit works out one file's keys."""
    from factdeck.engine.incremental import code_fingerprint
    from factdeck.engine.parse_cache import ContentStore, cache_folder

    eras = repr([(era.id, era.title) for era in base.eras])
    store = ContentStore(cache_folder(FOLDER) if base.file_keys else None, code_fingerprint(), f"{builtin}\0{eras}")
    keys: dict[str, Keys] = {}
    for file, facts in facts_by_file(base.facts).items():
        key = base.file_keys.get(file)
        kept = store.load(key) if key is not None else None
        if _same_facts(kept, facts):
            keys.update(kept)
            continue
        made = {fact.id: keyed(base, fact) for fact in facts}
        if key is not None:
            store.save(key, made)
        keys.update(made)
    store.trim()
    return keys


def _same_facts(kept: Any, facts: list[Fact]) -> TypeGuard[dict[str, Keys]]:
    """Whether `kept` is keys by fact id for exactly `facts`, in order."""
    if type(kept) is not dict or list(kept) != [fact.id for fact in facts]:
        return False
    # Every fact's keys a tuple of tuples of strings, tested by the types each level holds (a loop in C).
    if not set(map(type, kept.values())) <= {tuple}:
        return False
    fronts = [front for keys in kept.values() for front in keys]
    return set(map(type, fronts)) <= {tuple} and set(map(type, chain.from_iterable(fronts))) <= {str}


def _front_hash(front: tuple[str, ...]) -> bytes:
    """A hash of a front's key that is the same in every process, 8 bytes: equal keys, equal hashes (two keys sharing
    a hash only send their deck down the exact way, `duplicate_front_warnings`)."""
    return hashlib.blake2b(repr(front).encode("utf-8", "surrogatepass"), digest_size=HASH_BYTES).digest()


HASH_BYTES = 8
# A file's share of a deck's fronts: the ids of the file's facts the deck takes, the hashes of their fronts' keys in
# order (`_front_hash`, one after another in one string of bytes: marshal reads and writes it at once, where 29,000
# whole numbers of 64 bits were 2.5 ms of a check after an edit), how many fronts each fact has (so that a fact's
# hashes can be carried alone), and what tells which facts the deck takes (`_which_facts`).
FrontShare = tuple[str, bytes, tuple[int, ...], str]


def _front_shares(value: Any) -> TypeGuard[dict[str, FrontShare]]:
    """Whether `value` is a deck's kept front shares: by file key, a `FrontShare` whose counts add up to its hashes."""
    if type(value) is not dict:
        return False
    for file_key, share in value.items():
        if type(file_key) is not str or type(share) is not tuple or len(share) != 4 or type(share[0]) is not str:
            return False
        if type(share[3]) is not str:
            return False
        hashes, counts = share[1], share[2]
        if type(hashes) is not bytes or type(counts) is not tuple or not set(map(type, counts)) <= {int}:
            return False
        if sum(counts) * HASH_BYTES != len(hashes):
            return False
        if len(counts) != (share[0].count("\n") + 1 if share[0] else 0) or min(counts, default=0) < 0:
            return False
    return True


def _which_facts(facts: Sequence[Fact], matched: bytes | None) -> str:
    """What a file's share of a deck's fronts reads besides the file's records (the key it is kept under): which of its
    facts the deck takes. Where the deck's `facts` of the file are those the selection's kept matches picked of its
    records (`matched`, records/select.py's `selected_groups`: none of them held back), the matches, and no fact is
    read (a check after an edit read every selected fact's id); else the facts' ids."""
    return f"matched\0{matched.hex()}" if matched is not None else "\n".join(map(attrgetter("id"), facts))


def _by_fact(share: FrontShare) -> dict[str, bytes]:
    """A share's hashes by fact id (each fact's fronts' hashes, in order)."""
    from itertools import accumulate

    ids = share[0].split("\n") if share[0] else []
    ends = [end * HASH_BYTES for end in accumulate(share[2])]
    return {fact_id: share[1][end - count * HASH_BYTES : end] for fact_id, count, end in zip(ids, share[2], ends)}


class _FrontShares:
    """Each file's share of a deck's fronts, kept per deck in the cache folder (`…/factdeck/fronts`) under the eras'
    titles and which keys they are (as `_kept_keys`), by the file's record-cache key: which of its facts the deck
    takes, and the hashes of their fronts' keys (`_front_hash`). Whether a deck has a front twice is then told
    from small integers merged file by file, without each fact's keys being read back or looked up (a check after
    an edit works out the edited file's share); only a deck where two hashes meet takes the exact way.

    A file whose share is not kept under its key now (an edit) takes each fact's hashes from the share kept under the
    latest key it had before (`FactBase.earlier_facts`) where the fact's record is the one that share was made of, at
    the same place (`record_cache.same_record`): a fact's fronts read its record and what this store is kept under,
    nothing else. So an edit of one fact keys that fact alone, where it keyed the file's every fact (and labelled
    their dates, which loads the language's calendar data)."""

    def __init__(self, base: FactBase, keyed: Callable[[FactBase, Fact], Keys], builtin: bool) -> None:
        from factdeck.engine.incremental import code_fingerprint
        from factdeck.engine.parse_cache import ContentStore, cache_folder
        from factdeck.engine.session import Session

        eras = repr([(era.id, era.title) for era in base.eras])
        folder = cache_folder(FOLDER) if base.file_keys else None
        session = base.session if isinstance(base.session, Session) else None  # its folder measures, shared
        self.store = ContentStore(folder, code_fingerprint(), f"shares-bytes\0{builtin}\0{eras}", session)
        self.base = base
        self.keyed = keyed
        self.made: list[tuple[str, dict[str, FrontShare]]] = []
        self.keyed_facts = 0  # facts whose fronts were keyed here (not carried), for tests

    def distinct(self, deck: DeckSpec, groups: tuple[dict[str, Sequence[Fact]], dict[str, bytes]]) -> bool:
        """True if no two of the deck's facts (`groups`: by file, with the selection's kept matches, as
        records/select.py's `selected_groups` or `deck_groups` give them) have a front with the same key; False if
        two may (or nothing is kept: no cache)."""
        if self.store.folder is None:
            return False
        kept = self.store.load(deck.id)
        if not _front_shares(kept):
            kept = {}
        now: dict[str, FrontShare] = {}
        hashes = []
        made = False
        grouped, matched = groups
        for file, group in grouped.items():
            key = self.base.file_keys.get(file)
            which = _which_facts(group, matched.get(file))
            share = kept.get(key) if key is not None else None
            if share is None or share[3] != which:
                share = self._made(file, key, which, group, kept, share)
                made = True
            if key is not None:
                now[key] = share
            hashes.append(share[1])
        if made:
            self.made.append((deck.id, now))
        every = memoryview(b"".join(hashes)).cast("Q")  # each hash a whole number of 64 bits, read in C
        return len(set(every)) == len(every)

    def _made(
        self, file: str, key: str | None, which: str, group: Sequence[Fact], kept: dict[str, FrontShare], share: Any
    ) -> FrontShare:
        """The share of `group` (the deck's facts of `file`, whose key is `key`, told by `which`), each fact's hashes
        carried where they can be (`share`: the one kept under `key` for other facts of the file, else the earlier
        key's) or made."""
        carried = self._carried(file, key, group, kept, share)
        each = []
        for fact in group:
            found = carried.get(fact.id)
            if found is None:
                found = b"".join(map(_front_hash, self.keyed(self.base, fact)))
                self.keyed_facts += 1
            each.append(found)
        ids = "\n".join(map(attrgetter("id"), group))
        return ids, b"".join(each), tuple(len(hashes) // HASH_BYTES for hashes in each), which

    def _carried(
        self, file: str, key: str | None, group: Sequence[Fact], kept: dict[str, FrontShare], share: Any
    ) -> dict[str, bytes]:
        """The hashes that can be taken for `group`'s facts by fact id: every fact of the share kept under the file's
        key now (`share`, made for other facts of it: the same records), else those of the share kept under the
        latest earlier key whose record is the same at the same place."""
        from factdeck.engine.record_cache import same_record

        if share is not None:
            return _by_fact(share)
        earlier = self.base.earlier_facts
        found = earlier(file, kept.get) if earlier is not None and key is not None else None
        if found is None:
            return {}
        then = {fact.id: fact for fact in found[1]}
        now = {fact.id: fact for fact in group}
        return {
            fact_id: hashes
            for fact_id, hashes in _by_fact(found[2]).items()
            if fact_id in now and fact_id in then and same_record(then[fact_id], now[fact_id])
        }

    def save(self) -> None:
        for name, shares in self.made:
            self.store.save(name, shares)
        if self.made:
            self.store.trim()


def anki_warnings(base: FactBase, output: Path | None) -> list[Problem]:
    """`duplicate_front_warnings`, kept while nothing they read changes (kept_checks.py)."""
    kept = _kept(base)
    found = kept.anki_warnings()
    if found is None:
        found = duplicate_front_warnings(base, output)
        kept.keep_anki_warnings(found)
    return found


def duplicate_front_warnings(base: FactBase, output: Path | None) -> list[Problem]:
    """Warnings about the notes of every deck that validation cannot see: two notes of one deck with the same
    front and different backs. Only the facts one of whose fronts another fact of the deck may share are
    rendered, so the check stays cheap on a large base: with the built-in templates, those with a front that
    shows the same texts (`_fronts`); with a project's own front templates, those that share a question,
    answer or statement with another fact (a front may show any of them). The card code and the stored
    fields (reused from the last build in `output`) are loaded only when there are such facts; the build
    checks every note it writes."""
    suspects_by_deck = []
    builtin = _builtin_fronts(base.root)
    keyed = _fronts if builtin else (lambda base, fact: _texts(fact))
    shares = _FrontShares(base, keyed, builtin)
    texts: dict[str, Keys] | None = None
    for deck in base.decks:
        # The deck's facts a file at a time without selecting them where the selection's matches are kept per file:
        # a file whose share is kept is then told by it, no record of it made (a check after an edit made every one).
        groups = deck_groups(base, deck) if shares.store.folder is not None else None
        if groups is None:
            facts = select_facts(base, deck)
            groups = selected_groups(base, deck, facts)
        if shares.distinct(deck, groups):
            continue  # no front twice, told from each file's kept share (as most decks are)
        facts = select_facts(base, deck)
        if texts is None:
            texts = _kept_keys(base, keyed, builtin)  # each fact's keys, worked out once for every deck
        keys = [texts[f.id] if f.id in texts else texts.setdefault(f.id, keyed(base, f)) for f in facts]
        fronts = list(chain.from_iterable(keys))
        if len(set(fronts)) == len(fronts):
            continue  # no front twice (told in C, as most decks are): no fact is a suspect
        seen = Counter(fronts)
        suspects = [f for f, key in zip(facts, keys) if any(seen[front] > 1 for front in key)]
        if suspects:
            suspects_by_deck.append((deck, suspects))
    shares.save()
    if not suspects_by_deck:
        return []
    from factdeck.engine.incremental import shared_key
    from factdeck.outputs.anki.cards import CardMaker, RenderedFields
    from factdeck.outputs.anki.field_store import FIELDS_FILE, load_fields
    from factdeck.outputs.anki.fronts import duplicate_fronts

    shared = shared_key(base, base.root, "apkg")
    stored = load_fields(output / FIELDS_FILE, shared) if output is not None else {}
    maker = CardMaker(base, RenderedFields(shared, stored, base.fact_json))
    return [
        Problem(deck.file, deck.line, f"deck '{deck.id}': {message}", "warning")
        for deck, suspects in suspects_by_deck
        for message in duplicate_fronts(maker.deck_notes(deck, suspects))
    ]


def release_problems(base: FactBase, output: Path | None) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the release records (release.py's `release_problems`): loads the package code
    only for a project that has released."""
    if not (base.root / PUBLISHED_FOLDER).is_dir():
        return [], []
    kept = _kept(base)
    found = kept.release_problems()
    if found is None:
        from factdeck.outputs.anki.release import release_problems as problems

        found = problems(base, output if output is not None else base.root / "build")
        kept.keep_release_problems(found)
    return found
