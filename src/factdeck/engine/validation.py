"""Load and validate a project in a session: the records stages (records/) with the engine's caches and
the second core around them.

`records.validate.validate_project` holds every rule; what this module adds only makes it faster and never
changes its answer: parsed texts come from the parse cache, unchanged fact files' records from the record
cache (and, in a watching session, from memory), and files not cached are validated half on a second core
when there is much text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from factdeck.engine.apart import computed_apart
from factdeck.engine.collector import collector_paused
from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.kept_across import EarlierFindings, KeptSets, SetsMoved, earlier_forms, others_key, placed
from factdeck.engine.kept_across import Shares as _Shares
from factdeck.engine.kept_forms import restore_forms as _restore_forms
from factdeck.engine.kept_forms import restore_words as _restore_words
from factdeck.engine.kept_forms import without_words as _without_words
from factdeck.engine.kept_inputs import KeptPublished, KeptShares, archive_index
from factdeck.engine.kept_validation import KeptValidation
from factdeck.engine.parallel import split_map
from factdeck.engine.parse_cache import ContentStore, ParseCache, cache_folder
from factdeck.engine.record_cache import (
    RecordCache,
    context_key,
    dump_entry,
    dump_problems,
    restore_entry,
    restore_per_fact,
    restore_problems,
)
from factdeck.engine.search_forms import KeptSearchForms
from factdeck.engine.session import Session
from factdeck.engine.stamps import NameStamps
from factdeck.exceptions import Problem
from factdeck.records.across import AcrossFound, AcrossRules, FileResults
from factdeck.records.fact_columns import FactParts, FileFacts
from factdeck.records.fact_forms import FactForms, forms_of
from factdeck.records.factbase import FactBase
from factdeck.records.load import FactFile, load_project
from factdeck.records.question_rules import QuestionProblem
from factdeck.records.schema import Fact, GlossaryEntry, Source
from factdeck.records.validate import FileContext, validate_project

# Fact files to validate holding this much text (about 1,000 facts) are shared between two cores.
PARALLEL_TEXT = 500_000


def load_and_validate(
    root: Path,
    archive: Path | None = None,
    strict: bool = False,
    session: Session | None = None,
    unhashed: frozenset[str] = frozenset(),
    kept: bool = False,
) -> FactBase:
    """The project at `root` loaded and validated in `session` (default: a one-off session).

    Returns the `FactBase`; raises `ProjectError` (no facts/ folder) or `ValidationFailed` (every problem,
    sorted; `strict` makes warnings errors). `archive` overrides factdeck.yaml's archive folder; `unhashed`
    names sources whose archive files are used whatever their recorded SHA-256 (`factdeck hash-archives`).
    `kept` (one-off sessions): the base a validation of the very same inputs made, if one passed and is kept
    (engine/kept_validation.py; its `published` is None), and a base that passes is kept."""
    session = session or Session.one_off()
    # Loading makes hundreds of thousands of objects and frees almost none, so the cyclic garbage collector's
    # passes over them find nothing (they were a third of a check with every file cached). Reference counting
    # frees as usual meanwhile, and the collector resumes afterwards.
    with collector_paused():
        keeper = KeptValidation(root, archive, strict, unhashed) if kept and not session.keeping else None
        base = keeper.base(session) if keeper is not None else None
        if base is None:
            # A base kept whole (`kept`) is dumped fact by fact: its files' records are made now, not left for later.
            base = _validated(root, archive, strict, session, unhashed, keeper is None)
            if keeper is not None:
                keeper.keep(base)
        return base


def _validated(
    root: Path, archive: Path | None, strict: bool, session: Session, unhashed: frozenset[str], lazy: bool = True
) -> FactBase:
    cache = ParseCache(cache_folder(), code_fingerprint(), session=session)
    file_keys: dict[str, str] = {}
    fresh: list[FactFile] = []  # the fact files validated, not restored from the record cache
    caches: list[RecordCache] = []  # the record cache the files were validated through (for `earlier_facts`)
    stamps = NameStamps.kept(session)  # a fact file whose stat is as kept is named without reading its text (load.py)
    raw = load_project(root, cache, stamps)
    base = validate_project(
        raw,
        session,
        archive=archive,
        strict=strict,
        unhashed=unhashed,
        fact_files=lambda files, ctx: _cached_fact_files(
            files, ctx, session, cache, file_keys, fresh, caches, stamps, lazy
        ),
        across_facts=lambda files, found, context, glossary, sources: _across_apart(
            lambda: _cached_across(files, found, context, glossary, sources, session, file_keys, caches),
            files,
            found,
            not session.keeping and sum(len(file.text) for file in fresh) >= PARALLEL_TEXT,
        ),
        published_parse=KeptPublished(session).parse,
        search_form=KeptSearchForms(session).form,
    )
    base.file_keys = file_keys
    base.earlier_facts = caches[0].earlier if caches and file_keys else None
    base.kept_shares = KeptShares(session) if file_keys else None
    return base


def _cached_fact_files(
    files: list[FactFile],
    context: FileContext,
    session: Session,
    parse_cache: ParseCache,
    keys: dict[str, str],
    validated: list[FactFile],
    caches: list[RecordCache] | None = None,
    stamps: NameStamps | None = None,
    lazy: bool = True,
) -> FileResults:
    """`records.validate.validate_files`, with unchanged files' records from the record cache (named by `stamps` when
    given) and the rest validated half on the second core when there is much text. Each file's record-cache key goes
    into `keys` (`FactBase.file_keys`), the files validated (not cached) into `validated`, and the cache into `caches`.
    `lazy`: an unchanged file whose columns are kept comes back as a `FileFacts` (records/fact_columns.py)."""
    cache = RecordCache(code_fingerprint(), context_key(context.key_parts()), session, stamps)
    if caches is not None:
        caches.append(cache)
    found: FileResults = {}
    fresh: list[FactFile] = []
    for file in files:
        # An unchanged file's records are made only if a reader goes through them (records/fact_columns.py), by
        # validating it again should its entry be gone by then.
        hit = cache.get(file, partial(_validated_again, context, file) if lazy else None)
        if hit is None:
            fresh.append(file)
        else:
            found[file.display] = hit
    validated.extend(fresh)
    stored: set[str] = set()  # entries the child sent in the cache's form, kept as sent

    def receive(file: FactFile, payload: Any) -> tuple[list[Fact], list[Problem], bool] | None:
        if not (isinstance(payload, tuple) and len(payload) == 2):
            return None
        entry, clean = payload
        if clean is True:
            # Kept as sent, before restoring turns the entry's values into records in place.
            cache.put_entry(file, entry)
            stored.add(file.display)
        result = restore_entry(entry, file.display)
        if result is None:
            stored.discard(file.display)  # validated here instead, and cached as usual
            return None
        return (*result, clean is True)

    split = len(fresh) // 2 if sum(len(f.text) for f in fresh) >= PARALLEL_TEXT else len(fresh)
    if fresh and context.archives:
        # The archived texts' word runs, from their words kept under the texts' hashes (a check after an edit
        # read and folded every archived text for one file's facts), and made before the fork, not in each half.
        context.rules.copies(archive_index(context, session))
    made = split_map(
        fresh,
        here=context.validate,
        key=lambda file: file.display,
        receive=receive,
        split=split,
        send=lambda part: {
            display: (dump_entry(facts, problems), clean)
            for display, (facts, problems, clean) in context.validate(part).items()
        },
    )
    for file in fresh:
        file_facts, file_problems, clean = made[file.display]
        found[file.display] = (file_facts, file_problems)
        if clean and file.display not in stored:
            cache.put(file, file_facts, file_problems)
        elif clean:
            cache.remember(file, file_facts, file_problems)
        if clean:
            cache.keep_columns(file, file_facts, file_problems)
    cache.finish()
    parse_cache.trim()
    keys.update(cache.names)
    return found


def _made_of(facts: Sequence[Fact], records: list[Fact]) -> bool:
    """Whether `records` are `facts` themselves (or the records made of a file's `FileFacts`), not asked whether not made."""
    return facts is records or (isinstance(facts, FileFacts) and facts.restored and facts.records is records)


def _validated_again(context: FileContext, file: FactFile) -> list[Fact]:
    """`file`'s records validated afresh in `context`."""
    return context.validate([file])[file.display][0]


def _cached_across(
    files: list[FactFile],
    found: FileResults,
    context: FileContext,
    glossary: list[GlossaryEntry],
    sources: list[Source],
    session: Session,
    file_keys: dict[str, str],
    caches: list[RecordCache],
) -> AcrossFound:
    """records/across.py's `across_files`, with what it works out kept beside the record cache: everything it
    found (each file's problems and the disagreements across the base), under every file's record-cache key
    (`file_keys`, which stand for the files' records), the glossary and the sources, which is all the rules
    read; and per file, its facts' comparison forms (records/fact_forms.py), under its name and text and the
    context its records were validated in, and what the rules find with its facts, under the same and what the
    rules read of every other fact (`AcrossRules.parts`: one store per part, under the sets it reads). A file's
    records are those of its text in that context, and the rules read nothing else."""
    folder, code, validated = cache_folder("across"), code_fingerprint(), context_key(context.key_parts())
    # Nothing the rules read changed since they last ran (a command after a check, a worksheet after another):
    # their findings come back whole, without making the sets (two thirds of a warm check's validation at
    # 10,000 facts) or reading each file's entries.
    whole_store = ContentStore(folder, code, f"whole\0{validated}", session)
    whole = _whole_key(files, file_keys, glossary, sources)
    if whole is not None:
        kept_whole = _restore_whole(whole_store.load(whole), files, found)
        if kept_whole is not None:
            return kept_whole
    # Each file's shares (its facts' forms, the parts of the sets and the findings of each part of the rules), in
    # one entry per file: read when first asked for, and written once if a share was made again.
    shares = _Shares(ContentStore(folder, code, f"shares\0{validated}", session), files, file_keys)
    # Each fact's forms, and apart its question and statement words and stems (most of its forms' values), are kept in
    # an entry of their own, read when a rule first asks for one of the file's facts' forms: after an edit, only the
    # edited file's (and the words only when one of a file's parts is made again).
    texts = _Shares(ContentStore(folder, code, f"words\0{validated}", session), files, file_keys)
    kept: dict[int, FactForms] = {}
    lacking: set[str] = set()  # files whose kept forms lack their words and stems
    formed: set[str] = set()  # files whose facts' forms are in `kept`
    by_display = {file.display: file for file in files}

    def records_of(file: FactFile) -> list[Fact]:
        # The file's records (an unchanged file's made now, once: its `FileFacts` keeps them).
        facts = found[file.display][0]
        return facts.records if isinstance(facts, FileFacts) else list(facts) if type(facts) is not list else facts

    earlier: dict[str, Any] = {}  # the entries of files' earlier keys, each read once

    def load(key: str) -> Any:
        return earlier[key] if key in earlier else earlier.setdefault(key, shares.store.load(key))

    def form_file(file: FactFile) -> None:
        # The file's facts' forms into `kept`, when one is first asked for: after an edit, no rule reads an unchanged
        # file's forms (its parts, findings and false statements are kept), so they are not restored.
        if file.display in formed:
            return
        formed.add(file.display)
        facts = records_of(file)
        forms = _restore_forms(texts.get(file, "forms", ""), len(facts))
        if forms is None:
            restore = (_restore_forms, _restore_words)
            then = earlier_forms(caches[0], file.display, texts.store.load, facts, *restore) if caches else None
            forms = [forms_of(fact) if made is None else made for fact, made in zip(facts, then or [None] * len(facts))]
            texts.put(file, "forms", "", [_without_words(form) for form in forms])
            texts.put(file, "words", "", [(form.words, form.stems) for form in forms])
        else:
            lacking.add(file.display)
        kept.update(zip(map(id, facts), forms))

    def forms_of_fact(fact: Fact) -> FactForms:
        made = kept.get(id(fact))
        if made is None:
            file = by_display.get(fact.file)
            if file is not None:
                form_file(file)
                made = kept.get(id(fact))
        return made or forms_of(fact)

    statement_forms: set[str] = set()  # every false statement of the base (comparison forms), for the kept sets

    def false_statements(facts: list[Fact]) -> tuple[str, ...]:
        # The false statements of one file's facts (comparison forms, sorted, each once), kept with its forms.
        file = by_display.get(facts[0].file) if facts else None
        if file is None or not _made_of(found[file.display][0], facts):
            return tuple(sorted({s for fact in facts for s in forms_of_fact(fact).false_statements}))
        share = shares.get(file, "false-statement-forms", "")
        if type(share) is tuple and set(map(type, share)) <= {str}:
            statement_forms.update(share)
            return share
        form_file(file)
        made = tuple(sorted({s for fact in facts for s in kept[id(fact)].false_statements}))
        shares.put(file, "false-statement-forms", "", made)
        statement_forms.update(made)
        return made

    every = FactParts(found[file.display][0] for file in files)  # no unchanged file's records made to list them

    def complete(file: FactFile) -> None:
        # The file's kept forms given their words and stems, before anything that may read them runs on its facts.
        form_file(file)
        if file.display not in lacking:
            return
        lacking.discard(file.display)
        facts = records_of(file)
        words = _restore_words(texts.get(file, "words", ""), len(facts))
        if words is None:
            made = [forms_of(fact) for fact in facts]
            texts.put(file, "words", "", [(form.words, form.stems) for form in made])
            kept.update(zip(map(id, facts), made))
            return
        for fact, (fact_words, stems) in zip(facts, words):
            kept[id(fact)] = kept[id(fact)]._replace(words=fact_words, stems=stems)

    def make_part(file: FactFile, name: str, key: str, make: Callable[[list[Fact]], Any]) -> Any:
        complete(file)
        part = make(records_of(file))
        shares.put(file, name, key, part)
        return part

    made_parts: dict[str, tuple[str, list[Any]]] = {}  # each part's key and files' parts, for the kept sets

    def by_file(name: str, key: str, make: Callable[[list[Fact]], Any], valid: Callable[[Any], bool]) -> list[Any]:
        # The parts of the sets made per file (records/by_file.py), kept with the files' findings.
        parts = []
        for file in files:
            part = shares.get(file, name, key)
            parts.append(make_part(file, name, key, make) if part is None or not valid(part) else part)
        made_parts[name] = (key, parts)
        return parts

    # After an edit, the sets from the kept merged parts and the edited files' own (engine/kept_across.py), unless an
    # edited file moved one of them; else from every file's parts.
    index = KeptSets(ContentStore(folder, code, f"index\0{validated}", session))
    others = others_key(glossary, sources)
    edit = index.after_edit(files, file_keys, others, load)
    # The rules' parts read different sets: each keeps its findings under what it reads of its own, so an edited
    # statement (which only the false statements' rule reads, and only where a false statement is what a fact
    # states) runs no part again on a file whose facts' false statements none of the edited statements were.
    rules, checks = None, None
    if edit is not None:
        edit.make_part = make_part
        try:
            rules = AcrossRules(every, glossary, sources, forms_of_fact, edit.by_file, false_statements)
            edit.confirm(rules.questions.thresholds(), false_statements, lambda file: records_of(file))
            checks = rules.parts(edit.known())
        except SetsMoved:
            edit = None
    if edit is None or rules is None or checks is None:
        rules = AcrossRules(every, glossary, sources, forms_of_fact, by_file, false_statements)
        checks = rules.parts()
    problems: dict[str, list[Problem]] = {}
    earlier_findings = EarlierFindings(caches[0], load) if caches else None
    for i, file in enumerate(files):
        restored = edit.found(i) if edit is not None else None
        if restored is not None:  # an unchanged file's, the sets it reads the kept ones
            problems[file.display] = restored
            continue
        facts = records_of(file)
        keys = [key_of(facts) for _, key_of, _ in checks]
        # What every part found with the file's facts, in order, kept beside each part's findings under all of
        # their keys: a file none of whose parts changed is restored in one go, not part by part and fact by fact.
        together = _findings_key(keys)
        kept_together = shares.get(file, "findings", together)
        restored = restore_problems(kept_together, file.display) if type(kept_together) is list else None
        if restored is not None:
            problems[file.display] = restored
            continue
        parts = []
        for (name, _, check), key in zip(checks, keys):
            made = restore_per_fact(shares.get(file, name, key), file.display, len(facts))
            if made is None:  # each fact's findings kept for its record at its place before an edit, else made
                then = earlier_findings.carried(file.display, name, key, facts) if earlier_findings else None
                if then is None or None in then:
                    complete(file)
                made = [check(fact) if m is None else m for fact, m in zip(facts, then or [None] * len(facts))]
                shares.put(file, name, key, [dump_problems(each) for each in made])
            parts.append(made)
        # By fact, each part's problems in order: what `AcrossRules.problems` gives.
        problems[file.display] = [p for by_part in zip(*parts) for part in by_part for p in part]
        shares.put(file, "findings", together, dump_problems(problems[file.display]))
    shares.save()
    texts.save()
    from factdeck.records.question_rules import disagreement_warnings

    pairs = edit.disagreeing if edit is not None else rules.questions.disagreeing()
    disagreements = disagreement_warnings(pairs)
    if edit is not None:
        index.keep(files, file_keys, others, problems, edit.sets_name([file_keys[f.display] for f in files], others))
    else:
        known = {name: key_of([]) for name, key_of, _ in checks if name in ("questions", "date-give-aways")}
        answers = made_parts.pop("answers", ("", []))[1]
        sets: dict[str, Any] = {"parts": made_parts, "answers": answers, "known": known}
        sets["thresholds"] = rules.questions.thresholds()
        sets["disagreeing"] = placed(pairs, files, lambda file: records_of(file))
        index.keep(files, file_keys, others, problems, None, {**sets, "false-statements": frozenset(statement_forms)})
    dumped = _dump_whole(files, found, problems, disagreements) if whole is not None else None
    if whole is not None and dumped is not None:
        whole_store.save(whole, dumped)
        whole_store.trim()
    return disagreements, problems


def _across_apart(
    across: Callable[[], AcrossFound], files: list[FactFile], found: FileResults, apart: bool
) -> AcrossFound:
    """`across()` (`_cached_across` on `files`' records `found`), run in a forked copy of the process when `apart`
    (engine/apart.py) and its findings restored here as the whole store keeps them (`_dump_whole`): making every
    fact's comparison forms and the sets takes 270 MB at 50,000 facts, which Python keeps for the rest of the
    process once it has it. Run here when there is no copy or what it sent is not findings about these facts."""

    def dumped() -> tuple[list, list] | None:
        disagreements, problems = across()
        return _dump_whole(files, found, problems, disagreements)

    if apart:
        sent, kept = computed_apart(dumped)
        restored = _restore_whole(kept, files, found) if sent else None
        if restored is not None:
            return restored
    return across()


def _findings_key(keys: list[str]) -> str:
    """What a file's findings of every part together are kept under: each part's key (hashes), in order."""
    return "\n".join(keys)


def _whole_key(
    files: list[FactFile], file_keys: dict[str, str], glossary: list[GlossaryEntry], sources: list[Source]
) -> str | None:
    """Everything the rules across facts read: each file's name and record-cache key, in order (the key hashes
    its name and text, factdeck's code and what its records' validation read, so equal keys mean equal records),
    and the glossary and sources as records, where they are; None if a file has no key (no cache)."""
    if not all(file.display in file_keys for file in files):
        return None
    parts = [f"{file.display}\0{file_keys[file.display]}" for file in files]
    parts += [f"glossary\0{g.file}\0{g.line}\0{g.model_dump_json()}" for g in glossary]
    parts += [f"source\0{s.file}\0{s.line}\0{s.model_dump_json()}" for s in sources]
    return "\n".join(parts)


def _dump_whole(
    files: list[FactFile], found: FileResults, problems: dict[str, list[Problem]], disagreements: list[QuestionProblem]
) -> tuple[list, list] | None:
    """Each file's problems as (line, message, severity), in `files`' order, and each disagreement as the place of
    its fact (file number, fact number) with its message and severity; None (nothing kept) if a disagreement is
    not about one of the facts."""
    # Only the disagreements' facts placed (a few, where every fact of the base was): their files first, then each
    # fact by identity in its file's facts.
    wanted = {id(d.where) for d in disagreements}
    places: dict[int, tuple[int, int]] = {}
    if wanted:
        in_file = {file.display: i for i, file in enumerate(files)}
        for file in {d.where.file for d in disagreements}:
            i = in_file.get(file)
            if i is not None:
                for j, fact in enumerate(found[files[i].display][0]):
                    if id(fact) in wanted:
                        places[id(fact)] = (i, j)
    kept = []
    for d in disagreements:
        place = places.get(id(d.where))
        if place is None:
            return None
        kept.append((*place, d.message, d.severity))
    by_file = [dump_problems(problems[file.display]) for file in files]
    return by_file, kept


def _restore_whole(entry: Any, files: list[FactFile], found: FileResults) -> AcrossFound | None:
    """What `_dump_whole` kept, with `files`' facts; None if `entry` is not that."""
    if type(entry) is not tuple or len(entry) != 2 or type(entry[0]) is not list or len(entry[0]) != len(files):
        return None
    problems: dict[str, list[Problem]] = {}
    for file, kept in zip(files, entry[0]):
        restored = restore_problems(kept, file.display)
        if restored is None:
            return None
        problems[file.display] = restored
    if type(entry[1]) is not list:
        return None
    disagreements = []
    for kept_place in entry[1]:
        if type(kept_place) is not tuple or len(kept_place) != 4:
            return None
        i, j, message, severity = kept_place
        if type(i) is not int or type(j) is not int or not 0 <= i < len(files):
            return None
        facts = found[files[i].display][0]
        if not 0 <= j < len(facts) or type(message) is not str or severity not in ("error", "warning"):
            return None
        disagreements.append(QuestionProblem(facts[j], message, severity))
    return disagreements, problems
