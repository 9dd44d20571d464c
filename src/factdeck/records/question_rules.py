"""Rules for what questions made from a fact may say and give away, over the whole fact base.

Errors (a teacher would never print it):
- a wrong option or a false statement that names a real person (a person the fact base names: a person fact's
  answer or distractor, a dispute version's answer, a glossary entry) as the doer of a crime, an attack or an
  accused act, or says such a person died, unless the fact lists the person under `attested` with the source
  that says so. A distractor does so when the question asks who did such an act; a false statement when it
  names a person the true statement does not, or an act the true statement does not, beside that person.

Warnings (errors under `--strict`), the give-aways item-writing guides warn of:
- a dispute without a `reason` (the source-analysis key and the guide teach it);
- a question that translates the term it asks for ("which Atalayar translates as 'the hypocrites'");
- a fill-in-the-blank whose sentence names the blanked answer again in another form (a surname, an
  abbreviation in brackets): the quiz does not make that blank;
- an answer shown with a form no distractor shares (digits, a leading 'The', quotation marks, an
  abbreviation in capitals), or with digits of another script than a distractor's;
- an answer that is the subject most facts are about (named in a quarter of them): a learner gives it by default;
- a question that names the date another fact asks, at that answer's precision, about the same event
  (date_giveaways.py: the year of a year answer, the month and year of a month answer, the day of a day
  answer; a date naming only the year of a month answer, or another event in the same year, is not one);

and checks that help a reviewer catch a slip:
- numbers, years and months an answer, statement, question, summary or version gives that no quote behind it
  writes (quoted_details.py);
- two vetted facts that ask the same kind of question and answer it differently, with no dispute.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import NamedTuple

from factdeck.records import disagreements
from factdeck.records.by_file import ByFile, digest, not_retracted, whole
from factdeck.records.date_giveaways import DateGiveAways
from factdeck.records.fact_forms import SUBJECT_WORDS, Forms, forms_of
from factdeck.records.quoted_details import FactQuotes, answer_quotes, unquoted_details
from factdeck.records.schema import Fact, GlossaryEntry, Record, Source
from factdeck.text.compare import answer_comparison_form, core, name_variants
from factdeck.text.numerals import scripts_of
from factdeck.text.patterns import LazyPattern
from factdeck.text.words import whole_word_spans

# What a question or statement says someone did that a teacher would not pin on a real person wrongly. The
# lookahead after the first \b holds the first letters of every word below: Python's `re` tries the whole
# alternation at every word start, and the lookahead turns most of them away in one step (it halves what the two
# patterns cost a cold check; tests/test_question_rules_patterns.py holds their matches to those without it).
_ACT = LazyPattern(
    r"\b(?=[abceghkmprstw])(?:bomb\w*|assassinat\w*|kill\w*|murder\w*|shoot\w*|shot|execut\w*|massacr\w*|"
    r"tortur\w*|attack\w*|accus\w*(?:\s+\S+){0,4}?\s+of|alleg\w*|charged|responsib\w*|repress\w*|crackdown|"
    r"suppress\w*|kidnap\w*|hostage\w*|spied|spy\w*|espionage|plott?\w*|crimes?|criminal|perpetrat\w*|guilty|"
    r"convicted|arrest warrant|war[- ]crimes?|complaint against)\b",
    re.IGNORECASE,
)
# Said of a person: that they died (a living person said to have died is struck like a false accusation).
_DEATH = LazyPattern(r"\b(?=[adeks])(?:died|dies|dead|killed|slain|assassinated|executed|death of)\b", re.IGNORECASE)
# A question about the act's victims, not its doer: "was killed in", "the organization assassinated".
_VICTIM = LazyPattern(
    r"\b(?:was|were|been|being)\s+(?:\w+\s+)?(?:killed|assassinated|shot|executed|murdered|injured|wounded|"
    r"arrested|tortured|kidnapped)\b|\b(?:organization|group|MEK|MKO|it)\s+(?:\w+\s+)?(?:assassinated|killed)\b|"
    r"\b(?:sav\w+|spared|rescu\w+)\b[^?]*\bfrom\b",
    re.IGNORECASE,
)
_GLOSS = re.compile(
    r"\b(?:translat\w*|renders?|rendered|meaning|means|literally|glosses)\b[^?]*?['\"‘“]", re.IGNORECASE
)
_QUOTE_MARKS = "'\"‘’“”"
_CAPITALS = re.compile(r"\b[A-Z]{2,}\b")
_BRACKETS = re.compile(r"\s*\([^()]*\)")
SUBJECT_SHARE = 0.25  # an answer named in this share of all facts is the subject they are about
SUBJECT_MIN_FACTS = 8
_STOP = {
    "what", "which", "when", "who", "whom", "whose", "how", "many", "much", "did", "does", "do", "was", "were",
    "is", "are", "the", "a", "an", "of", "in", "on", "to", "for", "and", "by", "at", "its", "it", "that", "as",
    "year", "month", "date", "according", "say", "says", "said", "give", "gives", "put", "puts", "about",
    "from", "with", "first", "long", "number", "day", "days", "years", "people", "had", "have",
}  # fmt: skip
MIN_SHARED_WORDS = 2  # content words a question needs before two questions can be told to ask the same thing


class QuestionProblem(NamedTuple):
    where: Record
    message: str
    severity: str  # "error" or "warning"


def _people(facts: Sequence[Fact], glossary: Iterable[GlossaryEntry], by_file: ByFile | None = None) -> dict[str, str]:
    """Comparison form of each real person's name (and of a surname of two words or more) -> the name. `by_file`:
    the facts by file (records/by_file.py), each file's names being a part."""
    parts = (by_file or whole(facts))("people", "", _fact_names, _name_entries)
    terms = [entry.term for entry in glossary if len(entry.term.split()) >= 2 and entry.term[:1].isupper()]
    people: dict[str, str] = {}
    for form, name, surname in [entry for part in parts for entry in part] + _name_entries_of(terms):
        if surname:
            people.setdefault(form, name)
        else:
            people[form] = name
    people.pop("", None)
    return people


def _fact_names(facts: list[Fact]) -> list[tuple[str, str, bool]]:
    """`_name_entries_of` the names the person facts of `facts` give (retracted ones aside)."""
    names: list[str] = []
    for fact in facts:
        if fact.kind == "person" and fact.status != "retracted":
            names.append(core(fact.answer))
            names += [d.text for d in fact.distractors]
            names += [v.answer for v in fact.dispute.versions] if fact.dispute else []
    return _name_entries_of(names)


def _name_entries_of(names: list[str]) -> list[tuple[str, str, bool]]:
    """What `_people` enters for each of `names`, in order: (comparison form, name, whether it is a surname,
    entered only where no name has that form yet)."""
    entries: list[tuple[str, str, bool]] = []
    for name in names:
        name = core(name)
        if not name or any(ch.isdigit() for ch in name):
            continue
        entries.append((answer_comparison_form(name), name, False))
        words = name.split()
        if len(words) >= 2 and len(words[-1]) >= 5 and words[-1][:1].isupper():
            entries.append((answer_comparison_form(words[-1]), name, True))
    return entries


def _name_entries(value: object) -> bool:
    """Whether a kept part is `_name_entries_of`'s."""
    return type(value) is list and all(
        type(e) is tuple and len(e) == 3 and type(e[0]) is str and type(e[1]) is str and type(e[2]) is bool
        for e in value
    )


def _named(text: str, people: dict[str, str], longest: int) -> set[str]:
    """The comparison forms in `people` that `text` names as whole words. A form (words joined by single spaces,
    as answer_comparison_form makes them) is named exactly when it is a run of the text's words, so the text's
    runs of up to `longest` words (the most words of any form) are looked up: the cost grows with the text,
    not with the number of people (it was the product, most of a check at 10,000 facts)."""
    words = answer_comparison_form(text).split()
    return {
        gram
        for i in range(len(words))
        for n in range(1, min(longest, len(words) - i) + 1)
        if (gram := " ".join(words[i : i + n])) in people
    }


def _words(pattern: LazyPattern, text: str) -> set[str]:
    return {m.group(0).casefold() for m in pattern.finditer(text)}


def blank_token(statement: str, answer: str) -> str | None:
    """The words a fill-in-the-blank blanks: the whole answer where the statement writes it so
    ('National Council of Resistance of Iran (NCRI)'), else its core without a trailing note; None when the
    statement writes neither."""
    for token in dict.fromkeys((answer.strip(), core(answer))):
        if token and whole_word_spans(statement, token):
            return token
    return None


def blank_leftovers(statement: str, answer: str, kind: str) -> list[str]:
    """The other forms of `answer` (a bracketed short name, a person's surname, a name's words reordered or
    inflected) that `statement` still names once every whole-word occurrence of the answer's core is
    blanked; a surname that is part of another person's name ('Massoud Rajavi' beside the answer 'Kazem
    Rajavi') does not count."""
    reorderable = kind in ("organization", "term", "place", "event")
    if "(" not in answer and kind != "person" and not reorderable:
        return []  # no other form to leave behind: no bracketed short name, no surname, no many-word name
    token = blank_token(statement, answer)
    if token is None:
        return []  # the statement never names the answer: there is no blank to give away
    pieces, last = [], 0
    for start, end in whole_word_spans(statement, token):
        pieces.append(statement[last:start])
        last = end
    blanked = " ".join([*pieces, statement[last:]])
    padded = f" {answer_comparison_form(blanked)} "
    if reorderable and (reordered := _reordered(padded, core(answer))):
        return [reordered]
    found = {v for v in name_variants(answer) if v != answer_comparison_form(token) and f" {v} " in padded}
    words = token.split()
    if kind == "person" and len(words) >= 2 and len(words[-1]) >= 4 and not re.search(r",|\band\b", token):
        for start, _ in whole_word_spans(blanked, words[-1]):
            before = blanked[:start].split()
            if not before or not before[-1][:1].isupper() or before[-1].endswith("."):
                found.add(answer_comparison_form(words[-1]))
    return sorted(found)


# Words that join a name's words ('Union of Communists of Iran'): a reordered name may add or drop them.
_LINKING = frozenset({"of", "the", "and", "in", "for", "a", "an", "to", "de", "e", "al", "el"})
_NAME_STEM = 4  # letters two words share to be one word in another form ('Iran', 'Iranian')


def _reordered(blanked: str, name: str) -> str | None:
    """A run of words in `blanked` (comparison form) that names `name` with its words reordered or inflected
    ('union of communists of iran' for 'Union of Iranian Communists'): the same content-word stems, each as
    often, and linking words only inside the run. None for a name of fewer than two content words."""
    wanted = sorted(w[:_NAME_STEM] for w in answer_comparison_form(name).split() if w not in _LINKING)
    if len(wanted) < 2:
        return None
    tokens = blanked.split()
    # A run that names it holds every wanted stem as often as `wanted` does, so the whole text must: most texts
    # hold none of the name's other words, and need no run looked at.
    if Counter(w[:_NAME_STEM] for w in tokens if w not in _LINKING) & Counter(wanted) != Counter(wanted):
        return None
    for size in range(len(wanted), len(wanted) + 4):
        for i in range(len(tokens) - size + 1):
            run = tokens[i : i + size]
            if run[0] in _LINKING or run[-1] in _LINKING:
                continue
            if sorted(w[:_NAME_STEM] for w in run if w not in _LINKING) == wanted:
                return " ".join(run)
    return None


def name_counts(facts: list[Fact], forms: Forms, wanted: set[str], firsts: set[str]) -> dict[str, int]:
    """How many of `facts`' questions and statements (retracted facts aside) use each name of `wanted`
    (`firsts`: their first words), by their word sequences (`QuestionRules._subject_names`)."""
    seen: Counter[str] = Counter()
    for fact in facts:
        if fact.status == "retracted":
            continue
        words = forms(fact).words
        if firsts.isdisjoint(words):  # no name starts here (a test in C, before the loop over the words)
            continue
        grams = {
            gram
            for i, word in enumerate(words)
            if word in firsts
            for n in range(1, SUBJECT_WORDS + 1)
            if (gram := " ".join(words[i : i + n])) in wanted
        }
        seen.update(grams)
    return dict(seen)


def _counts(value: object) -> bool:
    """Whether a kept part is counts by name."""
    # Tested a column at a time (loops in C): every file's counts are tested after an edit.
    return type(value) is dict and set(map(type, value)) <= {str} and set(map(type, value.values())) <= {int}


def _answer_names(facts: Iterable[Fact], forms: Forms) -> list[str]:
    """The answers' short names (`FactForms.names`) of `facts` not retracted, each once, sorted."""
    return sorted({name for f in facts if f.status != "retracted" for name in forms(f).names})


def _names(value: object) -> bool:
    """Whether a kept part is names (`_answer_names`)."""
    return type(value) is list and set(map(type, value)) <= {str}


def _content_words(question: str) -> frozenset[str]:
    """The content words of a question in comparison form (`FactForms.question`, which the fact's forms hold
    already: putting every date and number question in that form again was a third of `disagreements`)."""
    return frozenset(w for w in question.split() if w not in _STOP and not w.isdigit() and len(w) > 2)


class QuestionRules:
    """The rules above, for the facts of one fact base (`facts`: every fact, whatever its status)."""

    def __init__(
        self,
        facts: Iterable[Fact],
        glossary: Iterable[GlossaryEntry] = (),
        sources: Iterable[Source] = (),
        forms: Forms = forms_of,
        by_file: ByFile | None = None,
    ) -> None:
        """`forms`: each fact's texts in comparison form (records/fact_forms.py; kept ones may be given).
        `by_file`: the facts by file, for the parts of the sets kept per file (records/by_file.py; default: all
        facts at once)."""
        self._facts = not_retracted(facts)
        self._forms = forms
        self._published = {s.id: s.published for s in sources if s.published}
        by_file = by_file or whole(self._facts)
        self._people = _people(self._facts, glossary, by_file)
        self._longest = max((form.count(" ") + 1 for form in self._people), default=0)
        self._subjects = self._subject_names(by_file)
        self._dates = DateGiveAways(
            self._facts, self._people, lambda f: self._forms(f).stems, by_file
        )  # another fact's date named (date_giveaways.py)
        # What the disagreements between date and number facts read of each file's facts.
        self._dated = by_file("dated-answers", "", self._dated_answers, disagreements.is_dated_answers)

    def _dated_answers(self, facts: list[Fact]) -> list[disagreements.Dated]:
        return disagreements.dated_answers(facts, self._forms, _content_words, MIN_SHARED_WORDS)

    def _dated_of(self, facts: Sequence[Fact]) -> Iterator[tuple[str, int, str, frozenset[str], frozenset[int], Fact]]:
        """`dated_answers` of each of `facts` alone, with the fact."""
        for fact in facts:
            for dated in self._dated_answers([fact]):
                yield (*dated, fact)

    def _subject_names(self, by_file: ByFile) -> set[str]:
        """The names (comparison forms, up to SUBJECT_WORDS words) that SUBJECT_SHARE of all facts' questions and
        statements use: the subject the fact base is about, which a learner offers for any 'which organization'
        question. Counted once per text by its word sequences, so the rule costs what reading the texts costs;
        each file's counts are a part of `by_file` (under the names counted), so an edit counts one file's."""
        if len(self._facts) < SUBJECT_MIN_FACTS:
            return set()
        forms = self._forms
        # The answers' short names, with their bracketed short forms ('MEK' of 'Mojahedin-e Khalq (MEK)'): each
        # file's a part, so an edit reads one file's facts' names.
        wanted = set().union(*by_file("answer-names", "", partial(_answer_names, forms=forms), _names))
        seen: Counter[str] = Counter()
        counted = partial(name_counts, forms=forms, wanted=wanted, firsts={v.split()[0] for v in wanted})
        for part in by_file("subject-names", digest(sorted(wanted)), counted, _counts):
            seen.update(part)
        return {v for v, count in seen.items() if count >= SUBJECT_SHARE * len(self._facts)}

    def inputs(self) -> tuple:
        """Everything `across` reads besides the fact it checks, sorted (a cache keys its findings by it)."""
        return sorted(self._people.items()), self._longest, sorted(self._subjects)

    def thresholds(self) -> tuple[list[str], list[str]]:
        """What the counts over every fact decide, sorted: the subject's names, and the stems too common to tell
        events apart (date_giveaways.py). A cache that makes the sets from kept counts tests them against its own."""
        return sorted(self._subjects), sorted(self._dates.common)

    def date_inputs(self) -> tuple:
        """Everything `date_give_aways` reads besides the fact it checks: every date fact's dates and words. Kept
        apart from `inputs`, since an edited statement moves these and not the people or the subject."""
        return self._dates.inputs()

    def check(self, fact: Fact) -> list[QuestionProblem]:
        """Every problem with the questions `fact` makes (rules above, but the one across facts): the rules about
        the fact alone (`own_problems`) and those that read the other facts (`across`, `date_give_aways`)."""
        return own_problems(fact, self._published) + self.across(fact) + self.date_give_aways(fact)

    def date_give_aways(self, fact: Fact) -> list[QuestionProblem]:
        """A question or statement of `fact` naming the date another fact asks (date_giveaways.py)."""
        found: list[QuestionProblem] = []
        add = _adder(fact, found)
        for field, date, other in self._dates.find(fact):
            add(
                fact,
                f"the {field} names {date}, the date fact '{other.id}' ({other.file}:{other.line}) asks, so a "
                "worksheet or deck with both gives it away: say it without the date (e.g. 'the first US "
                "listing'), or by what came before or after it",
            )
        return found

    def across(self, fact: Fact) -> list[QuestionProblem]:
        """The problems with `fact` that the other facts decide, but the date give-aways: a real person offered
        as a wrong option, and an answer that is the subject most facts are about."""
        found: list[QuestionProblem] = []
        add = _adder(fact, found)
        self._real_people(fact, add)
        if (
            not fact.disputed
            and fact.kind not in ("date", "number")
            and answer_comparison_form(core(fact.answer)) in self._subjects
        ):
            add(
                fact,
                f"the answer '{core(fact.answer)}' is the subject most facts are about: a learner picks it without "
                "knowing; ask about something else, or ask which text says it",
            )
        return found

    # --- real people ------------------------------------------------------------------------------

    def _real_people(self, fact: Fact, add) -> None:
        attested = {answer_comparison_form(name) for name in fact.attested}
        attested |= {answer_comparison_form(name.split()[-1]) for name in fact.attested if name.split()}
        fix = "remove it (the quiz then asks the fact another way), or list the person under `attested` with the source that says so"
        asks_doer = bool(fact.distractors) and bool(_ACT.search(fact.question)) and not _VICTIM.search(fact.question)
        for distractor in fact.distractors if asks_doer else ():  # an option is only wrong so as the doer
            named = _named(distractor.text, self._people, self._longest) - attested
            person = fact.kind == "person" and answer_comparison_form(core(distractor.text)) not in attested
            if named or person:
                add(
                    distractor,
                    f"distractor '{distractor.text}' offers a real person as the one who did what the question "
                    f"asks ('{_ACT.search(fact.question).group(0)}'): {fix}",  # type: ignore[union-attr]
                    "error",
                )
        if not fact.false_statements:
            return
        true_people: set[str] | None = None  # looked up once a false statement has a crime or a new act
        true_acts = _words(_ACT, fact.statement) | _words(_DEATH, fact.statement)
        for statement in fact.false_statements:
            crimes, deaths = _words(_ACT, statement), _words(_DEATH, statement)
            new_acts = (crimes | deaths) - true_acts
            if not crimes and not new_acts:
                continue  # nothing a person it names could be put beside
            if true_people is None:
                true_people = _named(fact.statement, self._people, self._longest)
            for form in sorted(_named(statement, self._people, self._longest) - attested):
                # A person put in beside a crime, or a crime or a death put in beside a person.
                if (form not in true_people and crimes) or new_acts:
                    what = f"'{sorted(new_acts or crimes)[0]}'"
                    add(
                        fact,
                        f"false statement '{statement}' puts a real person, {self._people[form]}, beside {what}, "
                        f"which the true statement does not: {fix}",
                        "error",
                    )
                    break

    def disagreements(self) -> list[QuestionProblem]:
        """Vetted, undisputed date or number facts whose questions have the same content words (stop words and
        numbers aside: 'How long did the gale of 1868 last?', 'For how many days did the gale of 1868 last?') and
        whose answers share no number: a warning at each, naming the first such other fact's place. What it reads
        of each fact is each file's part (records/disagreements.py)."""
        return disagreement_warnings(self.disagreeing())

    def disagreeing(self) -> list[tuple[Fact, Fact]]:
        """Each fact `disagreements` warns at, with the other fact it names, in its order."""
        groups = disagreements.grouped(self._facts, self._dated)
        if groups is None:  # facts sharing a place (made in memory): read from the facts themselves
            groups = {}
            for _, _, kind, words, values, fact in self._dated_of(self._facts):
                groups.setdefault((kind, words), []).append((fact, values))
        return disagreements.disagreeing(groups)


def disagreement_warnings(pairs: Iterable[tuple[Fact, Fact]]) -> list[QuestionProblem]:
    """`QuestionRules.disagreements`' warnings, from its facts and the other facts they name (`disagreeing`)."""
    return [QuestionProblem(x, disagreements.message(x, other), "warning") for x, other in pairs]


def own_problems(fact: Fact, published: dict[str, str]) -> list[QuestionProblem]:
    """The problems with the questions `fact` makes that read the fact alone and `published` (source id -> its
    publication date, for sources that give one): a dispute without a reason, the give-aways, and numbers
    its quotes do not write. They run with each fact file's validation, so the record cache keeps them."""
    found: list[QuestionProblem] = []
    add = _adder(fact, found)
    if fact.dispute is not None and fact.dispute.reason is None:
        add(
            fact.dispute,
            "the dispute gives no reason: add `reason:` with `type` (stance, self-contradiction, time, scope or "
            "slip) and `why`, one sentence saying what in the texts makes it so",
        )
    if not fact.disputed:
        _give_aways(fact, add)
    quotes = FactQuotes(fact, published)  # the two rules below read the same quotes' words: made once
    answer_quotes(fact, add, published, quotes)
    unquoted_details(fact, add, published, quotes)
    return found


def _adder(fact: Fact, found: list[QuestionProblem]) -> Callable[..., None]:
    def add(where: Record, message: str, severity: str = "warning") -> None:
        found.append(QuestionProblem(where, f"fact '{fact.id}': {message}", severity))

    return add


# --- give-aways (the fact alone) -------------------------------------------------------------------------------


def _give_aways(fact: Fact, add) -> None:
    if fact.kind in ("term", "organization", "event", "place") and _GLOSS.search(fact.question):
        add(
            fact,
            "the question translates the term it asks for: a learner who reads the language needs nothing "
            "else; ask for the term without its translation, or ask for the meaning",
        )
    named = fact.kind in ("person", "place", "organization", "term")
    leftovers = blank_leftovers(fact.statement, fact.answer, fact.kind) if named else []
    if leftovers:
        add(
            fact,
            f"the statement names the answer again as '{leftovers[0]}', so its fill-in-the-blank would give the "
            "answer away (the quiz does not make it): say it once, or refer back with 'he', 'she' or 'it'",
        )
    if fact.distractors:
        shown = core(fact.answer) if any("(" in d.text for d in fact.distractors) else _BRACKETS.sub("", fact.answer)
        options = [d.text for d in fact.distractors]
        for feature, test in _FORMS:
            if test(shown) and not any(test(o) for o in options):
                add(fact, f"the answer '{shown}' {feature} and no distractor does: write distractors of its form")
        digits = scripts_of(shown)
        if digits and any(scripts_of(o) and not scripts_of(o) & digits for o in options):
            add(
                fact,
                f"the answer '{shown}' writes its digits in another script than a distractor does: write every "
                "option in the answer's digits",
            )


_FORMS = (
    ("has digits", lambda t: bool(re.search(r"\d", t))),
    ("starts with 'The'", lambda t: t.startswith("The ")),
    ("is in quotation marks", lambda t: t[:1] in _QUOTE_MARKS),
    ("has an abbreviation in capitals", lambda t: bool(_CAPITALS.search(t))),
)
