"""Questions chosen for a game platform (Kahoot!, Blooket, Gimkit, Wayground) from every fact of a deck.

A worksheet asks a fixed mix of question types; a game asks what the platform can take. For each vetted
fact of the deck the forms a platform takes are tried in order, and the first that fits its limits is
kept:

1. multiple choice (the worksheet's distractors), its stem the fact's question or, when that is too long
   and the fact's statement has the answer as a blank, the shorter statement with the blank;
2. true/false (true or false drawn per fact from the seed, as the worksheets draw it);
3. (Wayground) fill in the blank, then short answer, with every accepted answer;
4. a disputed fact: one question per version, "What does X say about …?" (or "… — according to X"),
   its options every version's answer; the claimant's name is shortened as far as needed (its locators
   dropped, then the short names of the sources the version cites). Every version or none: a dispute is
   never asked from one side only.

The platform's default count is what a class plays in one sitting (Kahoot!: 30 questions; the others:
every suitable fact, since they draw from the set as the game runs); `-n` overrides it. Facts are taken
spread over eras, disputed and undisputed in proportion, then asked in the history's order. What is left
out is returned with why (`Skip`, the fact's id).

The result is a quiz document (document.py) with one version, so the platform writers read it as they
read a worksheet's.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, cast

from factdeck.i18n import Language
from factdeck.outputs.exports.document import document_head, question_data
from factdeck.outputs.exports.platforms import Skip, one_line, single_answer
from factdeck.quiz import QUESTION_TYPES, Placed, Question, QuizMaker, seeded
from factdeck.quiz.wording import BLANK
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, DisputeVersion, Fact, QuizSettings
from factdeck.records.select import chronological_key


@dataclass(frozen=True)
class GameRules:
    """What a platform's import takes: its name as users know it, the longest question and answer
    (characters; None: no published limit), the most options, the question forms it has (document.py's
    `form`), and its default number of questions (None: every suitable fact)."""

    platform: str
    question_max: int | None
    answer_max: int | None
    answers: int
    forms: tuple[str, ...]
    default: int | None


KAHOOT = GameRules("Kahoot!", 120, 75, 4, ("choice", "true-false"), 30)
BLOOKET = GameRules("Blooket", None, None, 4, ("choice", "true-false"), None)
GIMKIT = GameRules("Gimkit", None, None, 4, ("choice", "true-false"), None)
WAYGROUND = GameRules("Wayground", None, None, 5, ("choice", "true-false", "blank", "text"), None)


@dataclass
class GameChoice:
    """A platform's questions: the quiz document, the facts left out with why, and how many suitable
    facts the count left unasked."""

    document: dict[str, Any]
    left_out: list[Skip]
    suitable: int  # facts that made a question within the platform's limits
    candidates: int  # facts that could make a question of a form the platform has
    unasked: int  # suitable facts beyond the count


# --- claimants, shortened ---------------------------------------------------------------

_LOCATOR = re.compile(
    r",\s*(?:and\s+)?(?:paragraph|paras?\.?|section|appendix|main text|lead|footnote|infobox|in its|whose|"
    r"quoted|citing|as reported|as cited|reported by|more neutrally)\b.*$",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def claimant_forms(claimed_by: str, protected: list[str], cited: list[str]) -> list[str]:
    """Ways to name a version's claimant, longest first: as written; without bracketed locators; without
    locator clauses (", paragraph beginning …", ", as reported by …"); the sources the version cites.
    Names in `protected` (the sources' short names, which may hold brackets) are kept whole."""
    bare, clauses = _shortened(claimed_by, protected)
    names = list(dict.fromkeys(cited))
    by_sources = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    forms = [claimed_by.strip(), bare, clauses, by_sources]
    return [f for f in dict.fromkeys(forms) if f]


def plain_claimant(claimed_by: str, protected: list[str]) -> str:
    """The claimant without locators (brackets and locator clauses dropped), as a reader names them."""
    return _shortened(claimed_by, protected)[1] or claimed_by.strip()


def _shortened(claimed_by: str, protected: list[str]) -> tuple[str, str]:
    """(without bracketed locators, without locator clauses as well), `protected` names kept whole."""
    marks: dict[str, str] = {}  # placeholder -> the protected name as the claimant writes it

    def mask(match: re.Match[str]) -> str:
        mark = f"\x00{len(marks)}\x00"
        marks[mark] = match[0]
        return mark

    masked = claimed_by
    for name in sorted(protected, key=len, reverse=True):
        masked = re.sub(re.escape(name), mask, masked, flags=re.IGNORECASE)

    def unmask(text: str) -> str:
        for mark, name in marks.items():
            text = text.replace(mark, name)
        return " ".join(text.split()).strip(" ,;")

    bare = _PARENTHESES.sub("", masked)
    clauses = "; ".join(_LOCATOR.sub("", part) for part in bare.split(";"))
    return unmask(bare), unmask(clauses)


_SOURCES_DO = re.compile(r"\b(?:do|did) (?:the sources|the texts|sources)\b")


def mid_sentence(name: str, language: Language | None = None) -> str:
    """A name as it reads inside a sentence ('The NCRI' -> 'the NCRI'; 'Sepinoud; Atalayar' -> 'Sepinoud
    and Atalayar', the parts joined as `language` lists names, default English)."""
    parts = [p.strip() for p in name.split(";") if p.strip()]
    if len(parts) > 1 and language is not None:
        name = language.join(parts)
    else:
        name = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    first, _, rest = name.partition(" ")
    return f"{first.lower()} {rest}" if first in ("The", "A", "An") and rest else name


def sentence_stem(question: str, claimant: str) -> str | None:
    """The question asked of one claimant in its own words, the claimant in place of "the sources" ("What
    does Atalayar say about …?"); None when the question does not speak of "the sources"."""
    match = _SOURCES_DO.search(question)
    if not match:
        return None
    plural = any(sep in claimant for sep in (" and ", ";", ", "))
    verb = "did" if match[0].startswith("did") else ("do" if plural else "does")
    return f"{question[: match.start()]}{verb} {mid_sentence(claimant)}{question[match.end() :]}"


def according_stems(
    question: str, claimed_by: str, protected: list[str], cited: list[str], language: Language | None = None
) -> list[str]:
    """Ways to ask a disputed fact's question of one version's claimant, in the order they are preferred:
    in its own words with the claimant's plain name (no locators: a name with brackets and clauses does not
    read inside a sentence); "… — according to X" with the claimant as written, then shortened
    (`claimant_forms`); last, either form naming the sources the version cites."""
    from factdeck.outputs.exports.document import according_prompt

    forms = claimant_forms(claimed_by, protected, cited)
    by_sources = forms[-1] if len(forms) > 1 and cited else None
    written = [f for f in forms if f != by_sources]
    stems = [sentence_stem(question, plain_claimant(claimed_by, protected))]
    stems += [according_prompt(question, claimant, language) for claimant in written]
    if by_sources:
        stems += [sentence_stem(question, by_sources), according_prompt(question, by_sources, language)]
    return [s for s in dict.fromkeys(stems) if s]


# --- what fits ----------------------------------------------------------------------------


def fit_problem(q: dict[str, Any], rules: GameRules) -> str | None:
    """Why `q` (a quiz document question) does not fit the platform, or None when it does."""
    if q["form"] in ("blank", "text"):
        if q["form"] not in rules.forms:
            return f"{rules.platform} has no typed answers"
        text = one_line(BLANK.join(q["parts"])) if q.get("parts") else one_line(q["prompt"])
        if len(q["accepted"]) > rules.answers:
            return f"{len(q['accepted'])} accepted answers; {rules.platform} takes {rules.answers}"
        return _too_long(rules, text, [])
    singles = single_answer(q)
    if not singles:
        return "its versions give the same answer, so no version's question has one right option"
    for s in singles:
        if len(s.options) > rules.answers:
            return f"{len(s.options)} answers; {rules.platform} takes {rules.answers} at most"
        problem = _too_long(rules, s.prompt, s.options)
        if problem:
            return problem
    return None


def _too_long(rules: GameRules, prompt: str, options: list[str]) -> str | None:
    if rules.question_max is not None and len(prompt) > rules.question_max:
        return f"the question has {len(prompt)} characters; {rules.question_max} at most"
    for o in options:
        if rules.answer_max is not None and len(o) > rules.answer_max:
            return f"the answer “{o}” has {len(o)} characters; {rules.answer_max} at most"
    return None


class _Maker:
    """The questions a fact can make for a platform, as quiz document questions."""

    def __init__(self, base: FactBase, deck: DeckSpec, settings: QuizSettings, rules: GameRules):
        self.base = base
        self.rules = rules
        self.maker = QuizMaker(base, deck, settings)
        self.seed = settings.seed
        self.deck_id = deck.id
        self.protected = [n for s in base.sources.values() for n in (s.short_name, s.title) if n]
        self.types = set(settings.types)  # the question types asked (the deck's quiz.types, or --types)

    def data(self, question: Question, order: tuple[int, ...] = ()) -> dict[str, Any]:
        return question_data(self.base, Placed(0, question, order), self.maker.language)

    def shuffled(self, question: Question) -> dict[str, Any]:
        rng = seeded(self.seed, self.deck_id, "game-options", question.id)
        return self.data(question, tuple(rng.sample(range(len(question.options)), len(question.options))))

    def forms(self, fact: Fact) -> list[Callable[[], dict[str, Any] | None]]:
        """The fact's forms in the order they are tried, each made only when tried."""
        if fact.disputed:
            return [lambda: self.disputed(fact)]
        return [
            lambda: self.choice(fact, short=False),
            lambda: self.choice(fact, short=True),
            lambda: self.true_false(fact),
            lambda: self.typed(fact, "fill-blank"),
            lambda: self.typed(fact, "short-answer"),
        ]

    def choice(self, fact: Fact, short: bool) -> dict[str, Any] | None:
        if "choice" not in self.rules.forms or "multiple-choice" not in self.types:
            return None
        question = self.maker.single(fact, "multiple-choice")
        if question is None:
            return None
        if short:  # the statement with the answer blanked, where it is shorter than the question
            blank = QUESTION_TYPES["fill-blank"].make(self.maker, fact)
            if blank is None or blank.answer.casefold() != question.options[0].casefold():
                return None
            if len(blank.prompt) >= len(question.prompt):
                return None
            question = replace(question, prompt=blank.prompt)
        return self.shuffled(question)

    def true_false(self, fact: Fact) -> dict[str, Any] | None:
        if "true-false" not in self.rules.forms or "true-false" not in self.types:
            return None
        truth = seeded(self.seed, self.deck_id, "game-truth", fact.id).random() < 0.5
        kind = cast(Any, QUESTION_TYPES["true-false"])  # TrueFalse.make takes the statement's truth
        question = kind.make(self.maker, fact, truth) or kind.make(self.maker, fact, not truth)
        return self.data(question) if question else None

    def typed(self, fact: Fact, kind: str) -> dict[str, Any] | None:
        form = "blank" if kind == "fill-blank" else "text"
        if form not in self.rules.forms or kind not in self.types:
            return None
        question = self.maker.single(fact, kind)
        return self.data(question) if question else None

    def disputed(self, fact: Fact) -> dict[str, Any] | None:
        if not self.types & {"multiple-choice", "source-analysis", "short-answer"}:
            return None
        question = self.maker.single(fact, "short-answer")
        if question is None or fact.dispute is None:
            return None
        q = self.data(question)
        for asked, version in zip(q["according"], fact.dispute.versions):
            asked["prompt"] = self.fitted_stem(fact, version, asked["options"])
        return q

    def fitted_stem(self, fact: Fact, version: DisputeVersion, options: list[str]) -> str:
        """The first way to ask `version`'s question (`according_stems`) that fits the platform (else the
        shortest)."""
        cited = [self.base.sources[c.source].display_name for c in version.citations]
        stems = according_stems(fact.question, version.claimed_by, self.protected, cited, self.maker.language)
        limit = self.rules.question_max
        fitting = [s for s in stems if limit is None or len(one_line(s)) <= limit]
        return fitting[0] if fitting else min(stems, key=len)


def choose_for_game(
    base: FactBase,
    deck: DeckSpec,
    facts: list[Fact],
    settings: QuizSettings,
    rules: GameRules,
    count: int | None = None,
) -> GameChoice:
    """The platform's questions from `facts` (the deck's vetted facts, history order): each fact's first
    form that fits `rules`, `count` questions (default `rules.default`; None there: every suitable fact),
    as a quiz document with one version, plus the facts left out and why. Pure and deterministic."""
    maker = _Maker(base, deck, settings, rules)
    made: dict[str, dict[str, Any]] = {}
    left_out: list[Skip] = []
    candidates = 0
    for fact in facts:
        problems: list[str] = []
        tried = False
        for form in maker.forms(fact):
            q = form()
            if q is None:
                continue
            tried = True
            problem = fit_problem(q, rules)
            if problem is None:
                made[fact.id] = q
                break
            problems.append(problem)
        candidates += tried
        if fact.id not in made:
            reason = problems[0] if problems else _no_form(rules, fact)
            left_out.append(Skip(None, fact.id, reason))
    wanted = count if count is not None else rules.default
    chosen = _spread([f for f in facts if f.id in made], seeded(settings.seed, deck.id, "game", rules.platform))
    taken: list[Fact] = []
    asked = 0
    for fact in chosen:
        size = max(1, len(made[fact.id]["according"]))
        if wanted is not None and asked + size > wanted:
            continue
        taken.append(fact)
        asked += size
    taken.sort(key=lambda f: chronological_key(base, f))
    questions = [{**made[f.id], "number": n} for n, f in enumerate(taken, 1)]
    document = {**document_head(base, deck, settings, questions), "versions": [{"letter": "A", "questions": questions}]}
    return GameChoice(document, left_out, len(made), candidates, len(made) - len(taken))


def _no_form(rules: GameRules, fact: Fact) -> str:
    if "blank" in rules.forms:
        return "no question of the types asked could be made"
    return (
        f"{rules.platform} asks multiple choice and true/false: the fact has no distractors or false statements "
        "(see the editors' guide) and no year or number to change, or those types were not asked (--types)"
    )


def _spread(facts: list[Fact], rng: random.Random) -> list[Fact]:
    """The facts in the order a game takes them: shuffled, one era at a time in turn, disputed facts
    spread among the others in proportion, so any prefix covers the eras and the disputes evenly."""

    def by_era(group: list[Fact]) -> list[Fact]:
        eras: dict[str, list[Fact]] = {}
        for fact in group:
            eras.setdefault(fact.era, []).append(fact)
        queues = [rng.sample(g, len(g)) for g in eras.values()]
        out: list[Fact] = []
        while any(queues):
            out += [q.pop() for q in queues if q]
        return out

    disputed = by_era([f for f in facts if f.disputed])
    undisputed = by_era([f for f in facts if not f.disputed])
    total = len(facts) or 1
    ranked = [(i * total / len(disputed), 0, f) for i, f in enumerate(disputed)]
    ranked += [(i * total / len(undisputed), 1, f) for i, f in enumerate(undisputed)]
    return [f for *_, f in sorted(ranked, key=lambda r: (r[0], r[1]))]


def summary(choice: GameChoice, rules: GameRules, written: int, count: int | None = None) -> list[str]:
    """What the user reads after the export: the facts left out, counted by reason (with their ids), and
    the suitable facts beyond the count."""
    by_reason: dict[str, list[str]] = {}
    for skip in choice.left_out:
        by_reason.setdefault(_reason_kind(skip.reason), []).append(skip.question)
    lines = [
        f"left out {len(ids)} fact{'s' * (len(ids) != 1)}: {reason} ({', '.join(ids)})"
        for reason, ids in sorted(by_reason.items(), key=lambda item: -len(item[1]))
    ]
    if choice.unasked:
        why = f"{count} questions asked for" if count is not None else f"{rules.platform}'s default is {rules.default}"
        lines.append(
            f"{choice.unasked} more suitable fact{'s' * (choice.unasked != 1)} not asked: {why} (-n N for more)"
        )
    kept = 100 * choice.suitable / choice.candidates if choice.candidates else 100.0
    lines.append(
        f"{choice.suitable} of {choice.candidates} candidate facts fit {rules.platform} ({kept:.0f}%); "
        f"{written} question{'s' * (written != 1)} written"
    )
    return lines


def _reason_kind(reason: str) -> str:
    """A reason without its numbers and quoted text, so alike reasons count together."""
    reason = re.sub(r"“[^”]*”", "“…”", reason)
    return re.sub(r"has \d+ characters", "is too long", reason)
