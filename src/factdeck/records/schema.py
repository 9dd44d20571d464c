"""The record schema: one declarative model per record, one description per field.

This module is the single source of truth for what a fact base may contain.
`docs/schema.md` is generated from it (`factdeck schema`), and a test keeps the
two in step. Cross-record rules (ids that must exist, quotes that must appear
in a source) live in `validate.py`; this module only knows single records.
"""

# Annotations are evaluated as written (no `from __future__ import annotations`): pydantic would otherwise
# compile each field's annotation from its text as each model is defined, a quarter of this module's import.
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from factdeck.records.dates import parse_date
from factdeck.records.defaults import empty_dict, empty_list, made_as_is
from factdeck.records.fields import (
    AnswerText,
    CalendarDate,
    CardKind,
    DateBound,
    DeckId,
    DisputeReasonType,
    EraBound,
    ExplanationText,
    FactKind,
    HistoricalDateText,
    NameText,
    NumberBound,
    PartialDate,
    QuestionText,
    QuestionType,
    Sha256,
    Slug,
    SourceKind,
    Stance,
    StatementText,
    Status,
    Text,
)
from factdeck.records.languages import LanguageTag, TranslationSettings
from factdeck.records.record import Record


class Source(Record):
    """A text the fact base cites (`facts/sources.yaml`)."""

    id: Slug = Field(description="Permanent slug that citations use to name this source.")
    title: Text = Field(description="The text's title as it gives it.")
    short_name: Text | None = Field(
        default=None,
        description="The one name learners see for this source in every fact's text and every output's source list (e.g. `the encyclopedia article`, `Atalayar`). Optional: without it the title is used. `check` refuses a fact whose text uses it without citing the source.",
    )
    variants: list[Text] = Field(
        default_factory=empty_list,
        description="Other names editors have used for this source; `check` warns where a fact's text uses one instead of `short_name`.",
    )
    publisher: Text = Field(description="The outlet, site or institution that published the text.")
    author: Text | None = Field(default=None, description="The author as the text names them, if it does.")
    published: PartialDate | None = Field(default=None, description="Publication date, YYYY[-MM[-DD]], if known.")
    accessed: CalendarDate = Field(description="The day the text was read or archived, YYYY-MM-DD.")
    url: Text | None = Field(default=None, description="Where the text was published, if known.")
    kind: SourceKind = Field(
        description="What sort of text it is: encyclopedia, news, analysis, opinion, government, academic, advocacy, web, "
        "book, primary-document (a record made at the time: a decree, minutes, a ledger), speech, interview, letter or report."
    )
    stance: Stance = Field(
        description="The text's stance towards the subject: critical, supportive, state-aligned, neutral, mixed or unknown."
    )
    perspective: Text = Field(
        description="One sentence on the text's point of view, shown to learners beside each citation."
    )
    archive: str | None = Field(
        default=None,
        description="File name of an archived copy of the text, used to verify quotes (`factdeck check --archive DIR`).",
    )
    archive_sha256: Sha256 | None = Field(
        default=None,
        description="SHA-256 of the archive file the quotes were checked against (64 hex digits), written by "
        "`factdeck hash-archives`; a check refuses an archive file that differs from it.",
    )

    @property
    def display_name(self) -> str:
        """The name learners see: `short_name`, or the title where none is set."""
        return self.short_name or self.title


class Era(Record):
    """A period of the history (`facts/eras.yaml`); the file's order is the history's order."""

    id: Slug = Field(description="Permanent slug that facts use to name their era.")
    title: Text = Field(description="The era's title, shown as a subdeck and section name.")
    start: EraBound = Field(description="First year (or date) of the era.")
    end: EraBound = Field(description="Last year (or date) of the era, or `present`.")
    option_margin: int = Field(
        0,
        ge=0,
        le=100,
        description="Years either side of the era that a made-up wrong date for its facts may fall in (default 0: within the era).",
    )

    @model_validator(mode="after")
    def _bounds(self) -> "Era":
        parse_date(self.start)
        if self.end != "present" and parse_date(self.end).end < parse_date(self.start).start:
            raise ValueError(f"era '{self.id}' ends before it starts")
        return self


class TextQuoteSelector(Record):
    """A W3C Web Annotation `TextQuoteSelector` (https://www.w3.org/TR/annotation-model/#text-quote-selector):
    the quoted text with a little of the text before and after it, so that the passage is found again in an
    archive re-fetched with small changes (`factdeck hash-archives`). `factdeck cite` writes it."""

    type: Literal["TextQuoteSelector"] = Field(
        default="TextQuoteSelector", description="Always `TextQuoteSelector` (the W3C model's name); optional."
    )
    exact: Text | None = Field(
        default=None, description="The passage selected, as the text gives it; unset: the citation's `quote`."
    )
    prefix: str = Field(default="", description="Up to 32 characters of the text just before the passage.")
    suffix: str = Field(default="", description="Up to 32 characters of the text just after the passage.")


class Citation(Record):
    """Evidence for a claim: where in a source, and the source's own words."""

    source: Slug = Field(description="Id of a source in `facts/sources.yaml`.")
    locator: Text = Field(
        description="Where in the source a reader finds the passage: section heading and paragraph, footnote number. In the locator scheme (`section 'Heading', ¶ 3`, `footnote 12`; docs/authoring.md) `check --archive` verifies it."
    )
    quote: Text = Field(
        description="A verbatim excerpt of at most 40 words; `...` joins two parts that appear in that order."
    )
    selector: TextQuoteSelector | None = Field(
        default=None,
        description="Optional anchor of the quote in the archived text: `prefix` and `suffix` (a W3C "
        "TextQuoteSelector), used to find the quote again when the archive is re-fetched with small changes.",
    )


class Attribution(Record):
    """Whose claim a fact reports, for claims the project does not make in its own voice."""

    by: Text = Field(
        description="Who makes the claim (a government, the organization, a source), rendered 'According to …'."
    )
    verb: Text = Field(description="How they make it: said, alleged, designated, estimated, …")


class DisputeVersion(Record):
    """One side of a disagreement between sources."""

    id: Slug = Field(description="Slug unique within the fact; part of the version card's identity.")
    claim: StatementText = Field(description="What this version says, in the project's words.")
    answer: AnswerText = Field(description="The short answer this version gives to the fact's question.")
    accept: list[AnswerText] = Field(
        default_factory=empty_list,
        description="Other answers a learner may type for this version and be marked right (shorter or "
        "usual forms of `answer`); case, accents and spacing are forgiven without listing them.",
    )
    claimed_by: NameText = Field(description="Who makes this claim.")
    citations: list[Citation] = Field(description="At least one citation for this version.")


class DisputeReason(Record):
    """Why a dispute's versions probably differ, as the editor judges it from the texts (taught by the key and guide)."""

    type: DisputeReasonType = Field(
        description="stance (the texts' points of view), self-contradiction (one text says both), time (different moments), scope (different things counted or described), or slip (a probable mistake in one text)."
    )
    why: ExplanationText = Field(description="One sentence for learners saying what, in the texts, makes this the reason.")  # fmt: skip


class Dispute(Record):
    """A place where the sources disagree; learners learn every version."""

    summary: StatementText = Field(description="One neutral sentence saying what the sources disagree about.")
    reason: DisputeReason | None = Field(
        None, description="Why the versions probably differ: `type` and `why`; `check` warns when it is missing."
    )
    versions: list[DisputeVersion] = Field(description="At least two versions, each with its claimant and citations.")


class GlossaryEntry(Record):
    """An outlet, author or body that facts name, introduced in the project's words with its citations."""

    term: Text = Field(description="The name as facts use it (e.g. `PressTV`, `Piazza`); unique in the glossary.")
    aliases: list[Text] = Field(
        default_factory=empty_list, description="Other spellings facts use for the same name (e.g. `Tariq Aziz`)."
    )
    description: Text = Field(
        description="Who or what it is, in the project's own words, saying no more than the cited passages."
    )
    citations: list[Citation] = Field(
        description="At least one citation for the description: `source`, `locator`, `quote`."
    )

    @property
    def id(self) -> str:
        return self.term


class Distractor(Record):
    """A wrong option an editor wrote for a fact's multiple-choice question. Written as plain text, or as a
    mapping with `text` and `why`."""

    text: AnswerText = Field(
        description="The wrong option: the same kind of thing as the answer, plausible, and false according to every source."
    )
    why: ExplanationText | None = Field(
        default=None,
        description="Why it is wrong, with what a source says; printed in the answer key. Only where a source says it.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data


class Fact(Record):
    """One learnable fact (`facts/*.yaml`, each file a list of facts)."""

    id: Slug = Field(
        description="Permanent slug; the fact's identity in every output (Anki note GUIDs derive from it). Never reuse or rename."
    )
    kind: FactKind = Field(description="date, number, person, place, organization, event, term or characterization.")
    era: Slug = Field(description="Id of an era in `facts/eras.yaml`.")
    date: HistoricalDateText | None = Field(
        default=None,
        description="When it happened, in EDTF (levels 0 and 1): YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in `~` (approximate), `?` (uncertain) or `%` (both); `196X` (a digit unknown); `-0043` (44 BCE; 0000 is 1 BCE); `2001-21` (spring; 22–24 summer to winter); an interval `A/B` (`..` for an open end); one of a set `'[1986,1988]'` (quoted: an unquoted list is refused).",
    )
    tags: list[Slug] = Field(default_factory=empty_list, description="Slugs for themes that run across eras (leadership, ideology, …).")  # fmt: skip
    question: QuestionText = Field(
        description="The question a card or worksheet asks. For a disputed fact, worded so no single version is the answer."
    )
    answer: AnswerText = Field(description="The short answer.")
    accept: list[AnswerText] = Field(
        default_factory=empty_list,
        description="Other answers a learner may type and be marked right in the web quiz, Moodle, Canvas and "
        "GIFT (e.g. `Rajavi` for `Massoud Rajavi`); case, accents and spacing are forgiven without listing them.",
    )
    statement: StatementText = Field(description="One full sentence in the project's own words stating the fact.")
    attribution: Attribution | None = Field(
        default=None,
        description="For a claim that belongs to someone: `by` and `verb`. Required on characterizations without a dispute.",
    )
    citations: list[Citation] = Field(description="At least one citation: `source`, `locator`, `quote`.")
    dispute: Dispute | None = Field(
        default=None, description="Where sources disagree: `summary` and two or more `versions`."
    )
    distractors: list[Distractor] = Field(
        default_factory=empty_list,
        description="Three or more wrong options an editor wrote for the multiple-choice question (text, or `text` and `why`). They come before any made automatically; a person, place, organization or term fact is asked as multiple choice only with them.",
    )
    false_statements: list[StatementText] = Field(
        default_factory=empty_list,
        description="False statements an editor wrote for true/false questions, each false according to every source. Without them only a date or number is ever changed to make a statement false.",
    )
    answer_from: ExplanationText | None = Field(
        None,
        description="For a date or number no quote writes: how it follows from the quotes (`check` warns without it).",
    )
    attested: dict[Text, Text] = Field(
        default_factory=empty_dict,
        description="Real people the wrong options may name as doers of a crime or accused act, each with the source and locator that says they did one (`Name: source, locator`); `check` refuses others.",
    )
    not_before: DateBound | None = Field(None, description="Earliest made-up wrong date: a date or a dated fact's id.")
    not_after: DateBound | None = Field(None, description="Latest made-up wrong date: a date or a dated fact's id.")
    not_below: NumberBound | None = Field(None, description="Least made-up wrong number: a number or a number fact.")
    not_above: NumberBound | None = Field(None, description="Most made-up wrong number: a number or a number fact.")
    status: Status = Field(description="draft, review, vetted or retracted; only vetted facts reach an output.")
    vetted: CalendarDate | None = Field(default=None, description="The day the fact was vetted, YYYY-MM-DD; required when status is vetted.")  # fmt: skip
    reviewer: Text | None = Field(default=None, description="Who vetted it: a role or handle.")
    vetted_hash: str | None = Field(default=None, description="Fingerprint of the content that was vetted, written by `factdeck vet`; `factdeck check` flags a vetted fact whose content no longer matches it, builds leave it out as a fact under review and `factdeck release` refuses until it is vetted again. Never typed by hand.")  # fmt: skip
    notes: str | None = Field(default=None, description="Editors' notes; never shown to learners.")

    @property
    def disputed(self) -> bool:
        return self.dispute is not None

    def all_citations(self) -> list[Citation]:
        """The fact's citations followed by those of its dispute versions."""
        extra = [c for v in self.dispute.versions for c in v.citations] if self.dispute else []
        return [*self.citations, *extra]

    @property
    def corroboration(self) -> int:
        """Number of distinct sources behind the fact and its versions."""
        return len({c.source for c in self.all_citations()})


class Selection(Record):
    """Criteria that match facts; every non-empty criterion must match."""

    eras: list[Slug] = Field(default_factory=empty_list, description="Era ids; a fact matches if its era is listed.")
    tags: list[Slug] = Field(default_factory=empty_list, description="Tags; a fact matches if it has any listed tag.")
    kinds: list[FactKind] = Field(default_factory=empty_list, description="Fact kinds; a fact matches if its kind is listed.")  # fmt: skip
    facts: list[Slug] = Field(default_factory=empty_list, description="Fact ids; a fact matches if its id is listed.")
    disputed: bool | None = Field(default=None, description="true: only disputed facts; false: only undisputed ones.")

    def matches_all(self, fact: Fact) -> bool:
        """Every criterion that is set matches the fact (an empty selection matches everything)."""
        return all(test(fact) for test in self.tests())

    def matches_any(self, fact: Fact) -> bool:
        """At least one criterion that is set matches the fact."""
        return any(test(fact) for test in self.tests())

    def tests(self) -> list[Callable[[Fact], bool]]:
        """Each criterion that is set, as a test of one fact, its list read once into a set: made once for a
        selection of many facts (`DeckSelection.matcher`), not once a fact."""
        tests: list[Callable[[Fact], bool]] = []
        if self.eras:
            eras = frozenset(self.eras)
            tests.append(lambda fact: fact.era in eras)
        if self.tags:
            tags = frozenset(self.tags)
            tests.append(lambda fact: not tags.isdisjoint(fact.tags))
        if self.kinds:
            kinds = frozenset(self.kinds)
            tests.append(lambda fact: fact.kind in kinds)
        if self.facts:
            ids = frozenset(self.facts)
            tests.append(lambda fact: fact.id in ids)
        if self.disputed is not None:
            disputed = self.disputed
            tests.append(lambda fact: fact.disputed == disputed)
        return tests


class DeckSelection(Record):
    """Which vetted facts a deck takes: those matching `include` and not matching `exclude`."""

    include: Selection = Field(default_factory=made_as_is(Selection), description="Criteria a fact must meet (empty: every vetted fact).")  # fmt: skip
    exclude: Selection = Field(default_factory=made_as_is(Selection), description="Criteria that remove a fact: any one that matches excludes it.")  # fmt: skip

    def matches(self, fact: Fact) -> bool:
        """Whether a vetted fact belongs in the deck (facts of other statuses never do)."""
        return self.matcher()(fact)

    def matcher(self) -> Callable[[Fact], bool]:
        """`matches` as one function made once for many facts, each criterion read once (`Selection.tests`)."""
        include, exclude = self.include.tests(), self.exclude.tests()
        if not exclude and len(include) <= 1:  # most decks: no generators made a fact (4 ms a deck of 10,000 facts)
            return lambda fact: fact.status == "vetted" and (not include or include[0](fact))
        return lambda fact: (
            fact.status == "vetted" and all(test(fact) for test in include) and not any(test(fact) for test in exclude)
        )


class CardSettings(Record):
    """How a deck becomes Anki notes."""

    kinds: list[CardKind] = Field(
        default_factory=lambda: ["qa", "reverse", "cloze", "dispute"],  # type: ignore[arg-type]  # CardKind's literals
        description="Card kinds to make: qa (for a disputed fact, the 'Sources disagree' card with every version), reverse (people, places, organizations, terms), cloze (where the answer occurs in the statement), dispute (one card per version of a disputed fact). Disputed facts never get reverse or cloze cards.",
    )
    subdecks: bool = Field(default=False, description="One subdeck per era (`Deck::Era`).")
    anki_deck_id: int | None = Field(
        default=None,
        ge=1,
        lt=2**53,
        description="Fixed Anki deck id; by default derived from the deck id, which never changes.",
    )


class QuizLabels(Record):
    """The fields a learner fills in on a worksheet or answer sheet; an empty label leaves its field out."""

    name: str = Field(default="Name", description="Label of the name field.")
    date: str = Field(default="Date", description="Label of the date field (worksheets).")
    group: str = Field(default="Group", description="Label of the group field, e.g. `Class` (worksheets).")
    student_id: str = Field(default="ID", description="Label of the student number field (answer sheets).")


QuestionPoints = Annotated[int, Field(ge=0, le=100)]
QuestionCount = Annotated[int, Field(ge=0, le=500)]


class QuizSettings(Record):
    """How `factdeck build` and `factdeck quiz` make worksheets for a deck."""

    enabled: bool = Field(default=True, description="Whether `factdeck build` makes worksheets for this deck.")
    questions: int = Field(default=20, ge=1, le=500, description="Questions per worksheet.")
    versions: int = Field(default=2, ge=1, le=26, description="Shuffled versions (A, B, …).")
    seed: int = Field(default=1, description="Random seed; the same seed always gives the same worksheets.")
    types: list[QuestionType] = Field(
        default_factory=lambda: [  # type: ignore[arg-type]  # the literals are QuestionType's
            "multiple-choice",
            "true-false",
            "fill-blank",
            "matching",
            "timeline",
            "short-answer",
            "source-analysis",
        ],
        min_length=1,
        description="Question types to draw from.",
    )
    title: Text | None = Field(default=None, description="Worksheet title (default: the deck's name).")
    paper: Literal["a4", "us-letter"] = Field(
        default="a4", description="Paper size of worksheets and keys: a4 or us-letter."
    )
    counts: dict[QuestionType, QuestionCount] = Field(
        default_factory=empty_dict,
        description="How many questions of each type, e.g. `{multiple-choice: 10, source-analysis: 2}`; when set, it replaces `questions` and `types`.",
    )
    points: dict[QuestionType, QuestionPoints] = Field(
        default_factory=empty_dict,
        description="Points per question of each type (unlisted types: 1), shown beside each question with the part and worksheet totals.",
    )
    instructions: Text | None = Field(
        default=None, description="The instructions printed at the top of each worksheet (default: general ones)."
    )
    labels: QuizLabels = Field(
        default_factory=made_as_is(QuizLabels),
        description="The name, date, group and ID field labels of worksheets and answer sheets.",
    )
    answer_sheet: bool = Field(
        default=False,
        description="Also write `answer-sheet-X.pdf` per version (bubbles for `factdeck scan`, boxes for written answers), its map `answer-sheet-X.json` and `zipgrade-key.csv`.",
    )
    large_print: bool = Field(
        default=False,
        description="Also write large-print copies (`*-large-print.pdf`): text 1.35 times larger, lines further apart.",
    )


class SessionSettings(Record):
    """How `factdeck sessions` splits a deck into meetings."""

    meetings: int | None = Field(
        default=None, ge=1, le=100, description="Number of meetings for study-group packs; unset: no packs."
    )
    minutes: int = Field(
        default=60,
        ge=20,
        le=480,
        description="How long one meeting lasts, in minutes: each pack's agenda, worksheet and disputes are sized to it.",
    )


class DeckSpec(Record):
    """A deck (`decks/*.yaml`): which facts, and how they become cards and worksheets."""

    id: DeckId = Field(
        description="Permanent slug (at most 60 characters, not a name Windows reserves such as `con`); names the "
        "output files and fixes the Anki deck id."
    )
    name: Text = Field(
        description="The name learners see in Anki and on worksheets (no `::`; subdecks come from `cards.subdecks`)."
    )
    description: Text = Field(description="What the deck covers, shown in Anki's deck description.")
    # A section left out: its defaults made as they are, building no validator beside the deck's (records/defaults.py)
    select: DeckSelection = Field(default_factory=made_as_is(DeckSelection), description="Which vetted facts the deck takes.")  # fmt: skip
    cards: CardSettings = Field(default_factory=made_as_is(CardSettings), description="Anki card settings.")
    quiz: QuizSettings = Field(default_factory=made_as_is(QuizSettings), description="Worksheet settings.")
    sessions: SessionSettings = Field(default_factory=made_as_is(SessionSettings), description="Study-group meeting settings.")  # fmt: skip
    language: LanguageTag | None = Field(
        default=None,
        description="The language of every word of the deck's outputs (`fa`, `de`, …; default: factdeck.yaml's "
        "`language`); fact texts come from `translations/<language>/` where they differ from the facts' language.",
    )
    translation: TranslationSettings = Field(
        default_factory=made_as_is(TranslationSettings),
        description="What a deck in another language does without a translation, bilingual cards, and digits.",
    )

    @model_validator(mode="after")
    def _plain_name(self) -> "DeckSpec":
        if "::" in self.name:
            raise ValueError("deck name must not contain '::' (use cards.subdecks for subdecks)")
        return self


class ProjectConfig(Record):
    """Optional project settings (`factdeck.yaml` at the project's top)."""

    archive: str | None = Field(
        default=None, description="Folder of archived source texts for quote verification, relative to the project."
    )
    output: str = Field(
        default="build", description="Folder that `factdeck build` writes into, relative to the project."
    )
    title: Text | None = Field(default=None, description="The project's name, which starts its Anki note types' names (`<title>: fact card`) so that learners tell them apart from other projects'. Unset: the namespace.")  # fmt: skip
    namespace: Slug | None = Field(
        default=None,
        description="The project's own prefix for every Anki identity (note GUIDs, note-type and deck ids), so that "
        "two projects never share a note; never change it once a deck is published. Unset: `factdeck`, the "
        "namespace of every deck made before namespaces existed (`factdeck check` warns).",
    )
    language: LanguageTag = Field(
        default="en",
        description="The language the facts are written in, and every deck's unless the deck sets its own "
        "(a language with a catalog: `factdeck language list`).",
    )
