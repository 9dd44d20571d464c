"""Rules made cheaper inside report exactly what they reported: each shortcut (a search that rules a text out
first, work done once per fact instead of once per field or source, a lookup skipped where its answer cannot
matter) is held here to the plain form it replaced, on a synthetic base with planted copies, dates, names and
real people, and on random texts."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

import pytest
from conftest import bench_base
from hypothesis import example, given
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.records import bounds, date_giveaways, naming, verbatim
from factdeck.records import quoted_details as qd
from factdeck.records.bounds import BoundProblem
from factdeck.records.date_giveaways import _DATE, _PARTS, MONTHS, DateKey
from factdeck.records.naming import WHY, NameProblem, _inside, learner_text, spans
from factdeck.records.question_rules import (
    _ACT,
    _DEATH,
    _LINKING,
    _NAME_STEM,
    _VICTIM,
    QuestionRules,
    _adder,
    _named,
    _reordered,
    _words,
)
from factdeck.records.schema import Distractor, Fact
from factdeck.records.verbatim import RUN_WORDS, Copied, _longest, fact_texts, shingles
from factdeck.text.compare import _BRACKETED, answer_comparison_form, core, name_variants

TRICKY = "aAßẞİıΣσς’' .,-_0123456789ǅǄﬁŉΐ\u0307éÉ日本語 \n\tفارسی۱۹۸۱"


def _random_texts(count: int, alphabet: str, seed: int = 1) -> Iterable[str]:
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The bench base at 300 facts with copies of its archived texts, dates, source names and real people
    planted in the facts' own words (what the rules look for), as loaded and validated."""
    root = bench_base(300, tmp_path_factory.mktemp("planted") / "synth")
    base = load_and_validate(root)
    rng = random.Random(7)
    archive = {s.id: (root / "archive" / s.archive).read_text(encoding="utf-8") for s in base.sources.values()
               if getattr(s, "archive", None) and (root / "archive" / s.archive).is_file()}  # fmt: skip
    people = [f.answer for f in base.facts if f.kind == "person"] or ["Ada Lovelace"]
    names = [n for s in base.sources.values() for n in (s.short_name, *s.variants) if n]
    facts = []
    for fact in base.facts:
        update: dict = {}
        cited = [c.source for c in fact.citations if c.source in archive]
        if cited and rng.random() < 0.4:
            words = archive[cited[0]].split()
            start = rng.randrange(max(1, len(words) - 20))
            update["statement"] = fact.statement + " " + " ".join(words[start : start + rng.randint(8, 20)])
        if rng.random() < 0.3:
            update["question"] = f"Who {rng.choice(['killed', 'bombed', 'was killed by', 'accused'])} " + fact.question
        if fact.distractors and rng.random() < 0.5:
            update["distractors"] = [
                Distractor(text=rng.choice(people)) if rng.random() < 0.5 else d for d in fact.distractors
            ]
        if rng.random() < 0.5:
            update["false_statements"] = [
                f"{rng.choice(people)} {rng.choice(['killed', 'died in', 'met', 'was shot in'])} {rng.choice(names)} "
                f"in {rng.choice(['early ', 'June ', '', '3 May '])}{rng.randint(1490, 2030)}",
                *fact.false_statements,
            ]
        facts.append(fact.model_copy(update=update) if update else fact)
    return base, facts, archive


# --- verbatim.py ------------------------------------------------------------------------------------------------


def _words_reference(text: str) -> list[str]:
    return [w.casefold().replace("’", "'") for w in verbatim._WORD.findall(text)]


def _copied_reference(runs_of: dict[str, set], fact: Fact) -> list[Copied]:
    found = []
    citations = list(fact.all_citations())
    for source in dict.fromkeys(c.source for c in citations):
        runs = runs_of.get(source)
        if not runs:
            continue
        quoted = {s for c in citations if c.source == source for s in shingles(_words_reference(c.quote))}
        for field, text in fact_texts(fact):
            tokens = _words_reference(text)
            hits = [i for i, s in enumerate(shingles(tokens)) if s in runs and s not in quoted]
            if hits:
                opening = " ".join(verbatim._WORD.findall(text)[hits[0] : hits[0] + 6])
                found.append(Copied(fact, field, source, _longest(hits) + RUN_WORDS - 1, opening))
    return found


def test_words_are_those_of_folding_each_word_alone():
    for text in _random_texts(20_000, TRICKY):
        assert verbatim.words(text) == _words_reference(text), text


@pytest.mark.parametrize("searches_before_set", [10**9, 0])  # the texts searched, or their sets of runs made
@pytest.mark.parametrize("one_letter", [verbatim._ONE_LETTER, 3])  # words as one character each, or as two
def test_copied_runs_are_found_as_field_by_field_and_source_by_source(
    planted, monkeypatch, one_letter, searches_before_set
):
    monkeypatch.setattr(verbatim, "_ONE_LETTER", one_letter)
    monkeypatch.setattr(verbatim, "SEARCHES_BEFORE_SET", searches_before_set)
    _, facts, archive = planted
    shingled = verbatim.SourceShingles(archive)
    assert shingled.width == (1 if one_letter > 3 else 2)
    runs = {s: set(shingles(_words_reference(t))) for s, t in archive.items()}
    # A run's key stands for its words and no others'.
    every = {s: text_runs.every() for s, text_runs in verbatim.SourceShingles(archive).runs.items()}
    assert {s: {shingled.key(list(run)) for run in found} for s, found in runs.items()} == every
    assert all(len(key) == RUN_WORDS * shingled.width for found in every.values() for key in found)
    found = 0
    for fact in facts:
        copied = shingled.copied(fact)
        assert copied == _copied_reference(runs, fact)
        found += len(copied)
    assert found  # the planted copies are found
    # Every lookup a search of the texts' letters, or every one in their sets of runs.
    assert all((r._set is None) == (searches_before_set > 0) for r in shingled.runs.values())


@pytest.mark.parametrize("width", [1, 2])
def test_a_text_s_runs_searched_are_its_set_of_runs(width):
    # Letters drawn from few characters, so runs recur and (two letters a word) many a match starts mid-word.
    rng = random.Random(width)
    letters = "".join(rng.choice("abc") for _ in range(RUN_WORDS * width * 40))
    searched = verbatim.TextRuns(letters, width)
    made = verbatim.TextRuns(letters, width).every()
    assert made == {letters[i : i + RUN_WORDS * width] for i in range(0, len(letters) - RUN_WORDS * width + 1, width)}
    tried = [letters[i : i + RUN_WORDS * width] for i in range(len(letters) - RUN_WORDS * width + 1)]
    tried += ["".join(rng.choice("abc") for _ in range(RUN_WORDS * width)) for _ in range(300)]
    assert [run in searched for run in tried] == [run in made for run in tried]
    assert searched._set is None or len(tried) > verbatim.SEARCHES_BEFORE_SET
    if width == 2:  # a run found only at an odd place is no run of the text
        assert any(run in letters and run not in made for run in tried)


def test_a_text_s_runs_are_made_once_lookups_outnumber_their_making(monkeypatch):
    monkeypatch.setattr(verbatim, "SEARCHES_BEFORE_SET", 5)
    text_runs = verbatim.TextRuns("abcdefghijklmnopqrstuvwxyz", 1)
    runs = ["abcdefghijkl", "bcdefghijklm", "zzzzzzzzzzzz", "mnopqrstuvwx", "abcdefghijkz", "nopqrstuvwxy"]
    assert [run in text_runs for run in runs] == [True, True, False, True, False, True]
    assert text_runs.searches == 5 and text_runs._set is not None
    assert not verbatim.TextRuns("a" * (RUN_WORDS - 1), 1) and verbatim.TextRuns("a" * RUN_WORDS, 1)


# --- date_giveaways.py ------------------------------------------------------------------------------------------


def _named_dates_reference(text: str) -> list[tuple[DateKey, int, int]]:
    found = []
    for m in _DATE.finditer(text):
        month = MONTHS.index(m["month"]) + 1 if m["month"] else 0
        if not month and m["part"]:
            month = -1 - _PARTS.index(m["part"].casefold())
        day = int(m["day"] or m["day2"] or 0) if month else 0
        found.append((DateKey(int(m["year"]), month, day), m.start(), m.end()))
    return found


def test_named_dates_are_those_of_the_full_search(planted):
    _, facts, _ = planted
    pieces = ["early ", "mid-", "June ", "28 ", "1981", "2019", "1990s", "15", "of ", "9", " ", "1", "۱۹۸۱", "x"]
    rng = random.Random(3)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    texts += [text for fact in facts for _, text in fact_texts(fact)]
    assert sum(bool(date_giveaways.named_dates(t)) for t in texts) > 1000
    for text in texts:
        assert date_giveaways.named_dates(text) == _named_dates_reference(text), text


# --- naming.py --------------------------------------------------------------------------------------------------


def _source_names_reference(facts: Iterable[Fact], sources: dict) -> list[NameProblem]:
    named = [s for s in sources.values() if s.short_name]
    lowered = [(s, (s.short_name or "").lower(), [(v, v.lower()) for v in s.variants]) for s in named]
    problems: list[NameProblem] = []
    for fact in facts:
        if fact.status == "retracted":
            continue
        cited = {c.source for c in fact.all_citations()}
        for record, field, text in learner_text(fact):
            low = text.lower() if text.isascii() else None
            present = [
                (source, low is None or short in low, [v for v, lv in variants if low is None or lv in low])
                for source, short, variants in lowered
            ]
            if not any(has_short or variants for _, has_short, variants in present):
                continue
            short_spans_of = {
                source.id: spans(source.short_name or "", text) if has_short else [] for source, has_short, _ in present
            }
            short_spans = [sp for s in named for sp in short_spans_of[s.id]]
            for source, _, variants in present:
                if source.id not in cited and field != WHY and short_spans_of[source.id]:
                    problems.append(
                        NameProblem(
                            record,
                            f"fact '{fact.id}': its {field} names '{source.short_name}' but the fact does not cite "
                            f"source '{source.id}': cite it or take the name out",
                            "error",
                        )
                    )
                for variant in variants:
                    if any(not _inside(sp, short_spans) for sp in spans(variant, text)):
                        problems.append(
                            NameProblem(
                                record,
                                f"fact '{fact.id}': its {field} calls source '{source.id}' '{variant}': "
                                f"use its one name, '{source.short_name}'",
                                "warning",
                            )
                        )
    return problems


def test_source_names_are_found_as_by_looking_for_each_name(planted):
    base, facts, _ = planted
    found = naming.check_source_names(facts, base.sources)
    reference = _source_names_reference(facts, base.sources)
    assert found == reference and found


# --- question_rules.py ------------------------------------------------------------------------------------------


def _real_people_reference(rules: QuestionRules, fact: Fact) -> list:
    found: list = []
    add = _adder(fact, found)
    attested = {answer_comparison_form(name) for name in fact.attested}
    attested |= {answer_comparison_form(name.split()[-1]) for name in fact.attested if name.split()}
    fix = "remove it (the quiz then asks the fact another way), or list the person under `attested` with the source that says so"
    asks_doer = bool(fact.distractors) and bool(_ACT.search(fact.question)) and not _VICTIM.search(fact.question)
    for distractor in fact.distractors:
        named = _named(distractor.text, rules._people, rules._longest) - attested
        person = fact.kind == "person" and answer_comparison_form(core(distractor.text)) not in attested
        if asks_doer and (named or person):
            add(
                distractor,
                f"distractor '{distractor.text}' offers a real person as the one who did what the question "
                f"asks ('{_ACT.search(fact.question).group(0)}'): {fix}",  # type: ignore[union-attr]
                "error",
            )
    if not fact.false_statements:
        return found
    true_people = _named(fact.statement, rules._people, rules._longest)
    true_acts = _words(_ACT, fact.statement) | _words(_DEATH, fact.statement)
    for statement in fact.false_statements:
        crimes, deaths = _words(_ACT, statement), _words(_DEATH, statement)
        new_acts = (crimes | deaths) - true_acts
        for form in sorted(_named(statement, rules._people, rules._longest) - attested):
            if (form not in true_people and crimes) or new_acts:
                what = f"'{sorted(new_acts or crimes)[0]}'"
                add(
                    fact,
                    f"false statement '{statement}' puts a real person, {rules._people[form]}, beside {what}, "
                    f"which the true statement does not: {fix}",
                    "error",
                )
                break
    return found


def test_real_people_are_found_as_by_naming_every_option(planted):
    base, facts, _ = planted
    rules = QuestionRules(facts, base.glossary, list(base.sources.values()))
    found = 0
    for fact in facts:
        fast: list = []
        rules._real_people(fact, _adder(fact, fast))
        reference = _real_people_reference(rules, fact)
        assert fast == reference
        found += len(fast)
    assert found  # the planted people are found


# --- quoted_details.py ------------------------------------------------------------------------------------------


_REFERENCE_OLD = re.compile(qd._REFERENCE.pattern, re.IGNORECASE)
_LETTER_DIGIT_OLD = re.compile(r"(?<=[^\W\d])(?=\d)|(?<=\d)(?=[^\W\d])")
_TRAILING_NOTE_OLD = re.compile(r"\s*\([^()]*\)\s*$")


def _core_reference(answer: str) -> str:
    return _TRAILING_NOTE_OLD.sub("", answer).strip()


def _quoted_words_reference(quotes: Iterable[str], dated: Iterable[str] = ()) -> str:
    text = " ".join(quotes).casefold()
    text = qd._THOUSANDS.sub("", text)
    text = qd._RANGE_OF.sub(r"\1 \3 to \2 \3", text)
    text = _LETTER_DIGIT_OLD.sub(" ", text)
    haystack = " " + qd._NON_WORD.sub(" ", text) + " "
    for date in dated:
        year, _, month = date.partition("-")
        haystack += f"{year} {MONTHS[int(month[:2]) - 1].casefold() if month else ''} "
    return haystack


def _missing_reference(answer: str, haystack: str) -> list[str]:
    answer = qd._BRACKETS.sub("", answer)
    missing = []
    for match in qd._ANSWER_NUMBER.finditer(answer):
        if not any(form in haystack for form in qd._written(int(match.group(0).replace(",", "")))):
            missing.append(match.group(0))
    for month in qd._MONTH_NAME.findall(answer):
        name = month.casefold()
        if not any(f" {form} " in haystack for form in (name, name[:3], name[:4])):
            missing.append(month)
    return missing


def _unquoted_reference(fact: Fact, add, published: dict[str, str]) -> None:
    if fact.status == "draft":
        return
    citations = list(fact.citations)
    if fact.dispute is not None:
        citations += [c for version in fact.dispute.versions for c in version.citations]

    def missing(text: str, haystack: str, answered: str) -> list[str]:
        text = _REFERENCE_OLD.sub(" ", text)
        decades = [d for d in qd._DECADE.findall(text) if not qd._decade_written(d, haystack)]
        text = qd._DECADE.sub(" ", text)
        if answered:
            known = qd.number_values(answered)
            text = qd._ANSWER_NUMBER.sub(
                lambda m: " " if int(m.group(0).replace(",", "")) in known else m.group(0), text
            )
            for month in qd._MONTH_NAME.findall(answered):
                text = text.replace(month, " ")
        return list(dict.fromkeys(decades + _missing_reference(text, haystack)))

    held = fact.answer_from is not None or fact.kind in ("date", "number")
    explained = fact.answer if held else ""
    texts = [("the statement", fact.statement), ("the question", fact.question)]
    if fact.dispute is not None:
        texts.append(("the dispute's summary", fact.dispute.summary))
    every_quote = _quoted_words_reference([c.quote for c in citations], qd._dated(citations, published))
    by_details: dict[tuple[str, ...], list[str]] = {}
    for field, text in texts:
        if details := missing(text, every_quote, explained):
            by_details.setdefault(tuple(details), []).append(field)
    for details_given, fields in by_details.items():
        add(fact, fields, details_given)
    for version in fact.dispute.versions if fact.dispute is not None else ():
        own = version.answer if held else ""
        own_quotes = _quoted_words_reference(
            [c.quote for c in version.citations], qd._dated(version.citations, published)
        )
        if details := missing(version.claim, own_quotes, own):
            add(version, [f"the claim of version '{version.id}'"], details)


def test_unquoted_details_are_found_as_with_every_quote_worked_out(planted):
    base, facts, _ = planted
    rng = random.Random(5)
    bits = ["footnote 35", "the 1980s", "May", "Mayor", "March", "MayMarch", "in 1910", "13-day", "100 to 200",
            "thousand", "p. 12", "early", "Sept", "none", "of the", "1,500", "seven", "'67"]  # fmt: skip
    published = {s.id: "2013-05" for s in base.sources.values()}
    cases = list(facts)
    for fact in facts[:150]:
        cases.append(
            fact.model_copy(
                update={
                    "statement": " ".join(rng.choice(bits) for _ in range(rng.randint(0, 6))) or fact.statement,
                    "question": " ".join(rng.choice(bits) for _ in range(rng.randint(0, 4))) or fact.question,
                    "answer": rng.choice(["May 1990", "1910", "Millford", "March", fact.answer]),
                }
            )
        )
    found = 0
    for fact in cases:
        fast: list = []
        qd.unquoted_details(fact, lambda where, message, fast=fast: fast.append((where, message)), published)
        reference: list = []
        _unquoted_reference(fact, lambda *seen, reference=reference: reference.append(seen), published)
        assert len(fast) == len(reference)
        for (where, message), (expected, fields, details) in zip(fast, reference):
            assert where == expected and " and ".join(fields) in message
            assert ", ".join(repr(d) for d in details) in message
        found += len(fast)
    assert found


def _answer_quotes_reference(fact: Fact, add, published: dict[str, str]) -> None:
    """answer_quotes as it was before the quotes' words were shared: each answer held to quotes worked out anew."""
    if fact.kind not in ("date", "number") or fact.answer_from or fact.status == "draft":
        return
    if fact.dispute is None:
        quotes = [c.quote for c in fact.citations]
        if missing := qd.missing_from_quotes(core(fact.answer), quotes, qd._dated(fact.citations, published)):
            add(fact, missing)
        return
    for version in fact.dispute.versions:
        quotes = [c.quote for c in version.citations]
        if missing := qd.missing_from_quotes(core(version.answer), quotes, qd._dated(version.citations, published)):
            add(version, missing)


def _quoted_details_cases(base, facts) -> list[Fact]:
    """The planted facts, and some with numbers and months in their answers and in their versions' answers and
    claims; some a year that only another version's quote writes (held to the fact's every quote, it would pass)."""
    rng = random.Random(11)
    cases = list(facts)
    for fact in facts:
        if fact.dispute is not None and rng.random() < 0.7:
            first, *others = fact.dispute.versions
            quoted = [first.citations[0].model_copy(update={"quote": f"{first.citations[0].quote} in 1777"})]
            versions = [first.model_copy(update={"citations": quoted + first.citations[1:]})] + [
                v.model_copy(
                    update={
                        "answer": rng.choice(["1910", "May 1990", "1777", v.answer]),
                        "claim": f"{v.claim} in {rng.choice(['1945', '1777'])}",
                    }
                )
                for v in others
            ]
            update = {"dispute": fact.dispute.model_copy(update={"versions": versions})}
            cases.append(fact.model_copy(update={**update, "kind": rng.choice(["date", "number", fact.kind])}))
        elif rng.random() < 0.2:
            cases.append(fact.model_copy(update={"kind": "date", "answer": rng.choice(["1910", "March 1921"])}))
    return cases


def _both_quote_rules(fact: Fact, published: dict[str, str], quotes: qd.FactQuotes | None) -> list:
    found: list = []
    add = lambda where, message: found.append((where, message))  # noqa: E731
    qd.answer_quotes(fact, add, published, quotes)
    qd.unquoted_details(fact, add, published, quotes)
    return found


def test_the_answer_and_the_other_words_share_the_fact_s_quotes_and_find_what_each_found_alone(planted, monkeypatch):
    base, facts, _ = planted
    published = {s.id: "2013-05" for s in base.sources.values()}
    cases = _quoted_details_cases(base, facts)
    assert sum(f.dispute is not None and f.kind in ("date", "number") for f in cases) >= 10
    made: list[str] = []
    real = qd.quoted_words
    monkeypatch.setattr(qd, "quoted_words", lambda *a: made.append("") or real(*a))
    answers = found = 0
    for fact in cases:
        made.clear()
        shared = _both_quote_rules(fact, published, qd.FactQuotes(fact, published))
        # The fact's quotes' words made at most once, and each version's at most once.
        versions = len(fact.dispute.versions) if fact.dispute is not None else 0
        assert len(made) <= 1 + versions
        assert shared == _both_quote_rules(fact, published, None)  # each rule with quotes of its own
        answer: list = []
        _answer_quotes_reference(fact, lambda *seen, answer=answer: answer.append(seen), published)
        details: list = []
        _unquoted_reference(fact, lambda *seen, details=details: details.append(seen), published)
        assert len(shared) == len(answer) + len(details)
        for (where, message), (expected, missing) in zip(shared, answer):
            assert where is expected and ", ".join(repr(m) for m in missing) in message
        for (where, message), (expected, fields, gives) in zip(shared[len(answer) :], details):
            assert (
                where is expected and " and ".join(fields) in message and ", ".join(repr(d) for d in gives) in message
            )
        answers += len(answer)
        found += len(shared)
    assert answers and found > answers


def test_a_version_answer_held_to_every_quote_of_the_fact_would_be_caught(planted):
    """The comparison above catches a shared quotes' words that gave a version the fact's every quote."""
    base, facts, _ = planted
    published = {s.id: "2013-05" for s in base.sources.values()}

    class EveryQuote(qd.FactQuotes):
        def own(self, version):
            return self.every()

    differs = [
        f for f in _quoted_details_cases(base, facts)
        if _both_quote_rules(f, published, EveryQuote(f, published)) != _both_quote_rules(f, published, None)
    ]  # fmt: skip
    assert differs


# Text pieces the shortcuts above turn on (digits beside letters, references, decades, brackets, months, names),
# with characters whose case or class is unusual.
_PIECES = ["footnote", "Note", "NOTES", "para.", "Paragraph", "p.", "pp.", "PAGE", "page", "¶", "ſ", "K", "İ", " ",
           "  ", "\u00a0", ",", "-", "–", "to", "1", "35", "1980s", "80's", "0s", "1,500", "200", "thousand", "May",
           "Sept", "(", ")", "(note 3)", "a", "Banned1981", "x9y", "۱۹۸۱", "日本", "é", "’", "'", "the"]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES) | st.text(TRICKY, max_size=4), max_size=14).map("".join)


@given(_texts)
@example("Banned1981 and 1981banned, x9y9z, ۱۹۸۱a")
def test_letters_and_digits_are_split_as_by_looking_behind(text):
    assert qd._letters_from_digits(text) == _LETTER_DIGIT_OLD.sub(" ", text)
    assert qd.quoted_words([text], ["2013-05"]) == _quoted_words_reference([text], ["2013-05"])


@given(_texts)
@example("see ſee Note 5, PARA. 3 and ¶ 12; p.7, PP. 3–4")
def test_references_are_taken_out_as_by_the_full_search(text):
    assert qd._unreferenced(text) == _REFERENCE_OLD.sub(" ", text)


_MONTH_PIECES = st.lists(st.sampled_from([*MONTHS, "Sept", "Mayor", "xMay", "May1", "june", "Ma", "y", " ", "_", "é"]))


@given(st.tuples(_texts, _MONTH_PIECES.map(" ".join), _MONTH_PIECES.map("".join)).map("".join))
@example("In May 1990, Mayor xMay of June_ met Julyé; December")
def test_month_names_are_those_of_the_full_search(text):
    assert qd._month_names(text) == qd._MONTH_NAME.findall(text)


def test_a_month_left_out_of_the_first_search_would_be_caught(monkeypatch):
    monkeypatch.setattr(qd, "_MONTH_START", re.compile("Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"))
    assert qd._month_names("In May 1990") != qd._MONTH_NAME.findall("In May 1990")


def test_each_kind_of_reference_alone_is_taken_out():
    for reference in ("Footnotes 3", "note 5", "NOTES 4", "para. 3", "Paras 2", "paragraph 9", "p. 12", "P.7",
                      "pp. 3–4", "Page 3", "pages 3 and 4", "x¶ 12", "x¶5"):  # fmt: skip
        text = f"as said in {reference}, 1990"
        assert qd._unreferenced(text) == _REFERENCE_OLD.sub(" ", text) != text, reference


@given(_texts, _texts)
def test_details_missing_from_quotes_are_those_of_the_plain_search(text, quote):
    haystack = _quoted_words_reference([quote])
    assert qd._missing(text, haystack) == _missing_reference(text, haystack)


@given(_texts)
@example("National Council of Resistance of Iran (NCRI) ")
@example("1965 (5 September per X)\n")
def test_cores_and_name_variants_are_those_of_the_bracket_search(text):
    assert core(text) == _core_reference(text)
    forms = [text, _core_reference(text), *_BRACKETED.findall(text)]
    assert name_variants(text) == {v for v in map(answer_comparison_form, forms) if v}


def _reordered_reference(blanked: str, name: str) -> str | None:
    wanted = sorted(w[:_NAME_STEM] for w in answer_comparison_form(name).split() if w not in _LINKING)
    if len(wanted) < 2:
        return None
    tokens = blanked.split()
    for size in range(len(wanted), len(wanted) + 4):
        for i in range(len(tokens) - size + 1):
            run = tokens[i : i + size]
            if run[0] in _LINKING or run[-1] in _LINKING:
                continue
            if sorted(w[:_NAME_STEM] for w in run if w not in _LINKING) == wanted:
                return " ".join(run)
    return None


_name_words = st.sampled_from(["union", "of", "the", "iranian", "iran", "communists", "communist", "council", "and",
                               "national", "nation", "a", "x", "el"])  # fmt: skip


@given(st.lists(_name_words, max_size=14).map(" ".join), st.lists(_name_words, min_size=1, max_size=5).map(" ".join))
@example("they joined the union of communists of iran", "Union of Iranian Communists")
def test_reordered_names_are_found_as_by_trying_every_run(blanked, name):
    assert _reordered(f" {blanked} ", name) == _reordered_reference(f" {blanked} ", name)


@given(st.text(TRICKY + "abc ,.'’-_", max_size=2 * RUN_WORDS - 2))
def test_a_text_shorter_than_the_shortest_run_has_no_run(text):
    assert len(verbatim.words(text)) < RUN_WORDS


def test_source_names_in_random_texts_are_found_as_by_looking_for_each_name(planted):
    base, facts, _ = planted
    names = [n for s in base.sources.values() for n in (s.short_name, *s.variants) if n]
    pieces = [*names, *(n.upper() for n in names), *(n.lower() for n in names), "'s", " ", ", ", "the ", "(", ")",
              "ſ", "K", "İ", "é", "Ostrova)", "x"]  # fmt: skip
    rng = random.Random(11)

    def text() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))

    cases = [
        fact.model_copy(
            update={"statement": text(), "question": text(), "answer": text(), "false_statements": [text()]}
        )
        for fact in facts
        for _ in range(4)
    ]
    found = naming.check_source_names(cases, base.sources)
    assert found == _source_names_reference(cases, base.sources)
    assert {p.severity for p in found} == {"error", "warning"}


# --- bounds.py ----------------------------------------------------------------------------------------------------


def _check_bounds_reference(facts: list[Fact]) -> list[BoundProblem]:
    """`check_bounds` as it was: every fact's number bounds checked and its date parsed, bound or not."""
    by_id = {f.id: f for f in facts}
    found: list[BoundProblem] = []
    for fact in facts:
        if fact.status == "retracted":
            continue
        found += bounds._check_number_bounds(fact, by_id)
        spans = {}
        for key in ("not_before", "not_after"):
            value = getattr(fact, key)
            if value is None:
                continue
            span = bounds._bound_span(value, by_id)
            if span is None:
                why = (
                    f"fact '{value}' has no date to bound it"
                    if value in by_id
                    else f"'{value}' is neither a date nor a fact id"
                )
                found.append(
                    BoundProblem(fact, f"fact '{fact.id}': {key} {why}: give a date (1980-01) or a dated fact's id")
                )
                continue
            spans[key] = span
        own = bounds.parse_date(fact.date) if fact.date else None
        before, after = spans.get("not_before"), spans.get("not_after")
        if before and after and after[1] < before[0]:
            found.append(
                BoundProblem(fact, f"fact '{fact.id}': not_after ({after[2]}) comes before not_before ({before[2]})")
            )
        if own and before and own.end < before[0]:
            found.append(
                BoundProblem(
                    fact,
                    f"fact '{fact.id}': its own date {fact.date} is before its not_before ({before[2]}): correct one of them",
                )
            )
        if own and after and after[1] < own.start:
            found.append(
                BoundProblem(
                    fact,
                    f"fact '{fact.id}': its own date {fact.date} is after its not_after ({after[2]}): correct one of them",
                )
            )
    return found


def test_bounds_are_checked_as_when_every_fact_was_looked_at(planted):
    base, facts, _ = planted
    numbers = [f for f in facts if f.kind == "number"]
    dated = [f for f in facts if f.date]
    undated = next((f.id for f in facts if not f.date), "no-such-fact")
    person = next(f for f in facts if f.kind == "person")
    rng = random.Random(3)
    bounded = [
        *(f.model_copy(update={"not_below": 1e12}) for f in numbers[:3]),
        *(f.model_copy(update={"not_above": 0.5, "not_below": 2.0}) for f in numbers[3:6]),
        *(f.model_copy(update={"not_below": "no-such-fact"}) for f in numbers[6:8]),
        *(f.model_copy(update={"not_above": rng.choice(numbers).id}) for f in numbers[8:12]),
        person.model_copy(update={"not_below": 5.0}),
        # A bound of nought is a bound (the facts with one are told from a tuple of four Nones, not by truth).
        *(f.model_copy(update={"not_above": 0.0}) for f in numbers[12:14]),
        *(f.model_copy(update={"not_below": 1e12, "status": "retracted"}) for f in numbers[14:16]),
        *(f.model_copy(update={"not_before": "2999"}) for f in dated[:3]),
        *(f.model_copy(update={"not_after": "1000", "not_before": "1500"}) for f in dated[3:6]),
        *(f.model_copy(update={"not_after": undated}) for f in dated[6:8]),
        *(f.model_copy(update={"not_before": rng.choice(dated).id}) for f in dated[8:14]),
    ]
    every = [*(f for f in facts if f.id not in {b.id for b in bounded}), *bounded]
    rng.shuffle(every)
    expected = _check_bounds_reference(every)
    assert bounds.check_bounds(every) == expected
    # Facts with only date bounds, and with only number bounds, are found: a shortcut passing by either is caught.
    found = {p.where.id for p in expected}
    assert found & {f.id for f in bounded if f.not_before or f.not_after}
    assert found & {f.id for f in bounded if f.not_below is not None or f.not_above is not None}
