"""The records of a fact's translation, and of an era's, a source's or a glossary entry's.

A translation lives in `translations/<language>/*.yaml` (a list of `FactTranslation`s, each naming its fact
by id, and of entries naming an era, a source or a glossary term). Every translated text is bound to a
fingerprint of the original text it translates (languages.py's `text_fingerprint`). Quotes are never
translated: they stay in the source's own language. Imported where a translation file is read or applied
(records/translations.py), not with the language settings.
"""

# Annotations are evaluated as written (no `from __future__ import annotations`): pydantic would otherwise
# compile each field's annotation from its text as each model is defined.
from typing import Any

from pydantic import Field, model_validator

from factdeck.records.defaults import empty_list
from factdeck.records.fields import Slug, Text
from factdeck.records.record import Record


class Translated(Record):
    """One translated text, and the fingerprint of the original it translates."""

    text: Text = Field(description="The text in the translation's language.")
    of: str | None = Field(
        default=None,
        description="Fingerprint of the original text translated, written by `factdeck translate stamp`; a "
        "translation whose original has changed since is stale.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data


class TranslatedDistractor(Translated):
    """A wrong option translated; `of` is the fingerprint of the original option (its text and why)."""

    why: Text | None = Field(default=None, description="Its `why`, translated, if the original has one.")


class TranslatedAttribution(Record):
    """A fact's attribution translated."""

    by: Translated = Field(description="Who makes the claim.")
    verb: Translated = Field(description="How they make it.")


class TranslatedVersion(Record):
    """One dispute version translated (named by its id); its citations and quotes stay as they are."""

    id: Slug = Field(description="The version's id in the fact.")
    claim: Translated | None = Field(default=None, description="What the version says.")
    answer: Translated | None = Field(default=None, description="The answer it gives.")
    accept: list[Text] = Field(default_factory=empty_list, description="Other answers accepted in this language.")
    claimed_by: Translated | None = Field(default=None, description="Who makes the claim.")


class TranslatedDispute(Record):
    """A fact's dispute translated."""

    summary: Translated | None = Field(default=None, description="The neutral sentence on what is disputed.")
    why: Translated | None = Field(default=None, description="The sentence of its `reason` saying why they differ.")
    versions: list[TranslatedVersion] = Field(default_factory=empty_list, description="The versions translated.")


class FactTranslation(Record):
    """A fact's texts in one language (`translations/<language>/*.yaml`, a list of them). Each field is
    optional: what is left out falls back to the original (or refuses, by the deck's `translation.missing`)."""

    fact: Slug = Field(description="Id of the fact translated.")
    question: Translated | None = Field(default=None, description="The question.")
    answer: Translated | None = Field(default=None, description="The short answer.")
    accept: list[Text] = Field(default_factory=empty_list, description="Other answers accepted in this language.")
    statement: Translated | None = Field(default=None, description="The statement.")
    attribution: TranslatedAttribution | None = Field(default=None, description="The attribution.")
    distractors: list[TranslatedDistractor] = Field(
        default_factory=empty_list, description="Wrong options, each bound by `of` to the original it translates."
    )
    false_statements: list[Translated] = Field(
        default_factory=empty_list, description="False statements, each bound by `of` to the original it translates."
    )
    dispute: TranslatedDispute | None = Field(default=None, description="The dispute's summary and versions.")
    translator: Text | None = Field(default=None, description="Who translated it: a role or handle.")
    notes: str | None = Field(default=None, description="Translators' notes; never shown to learners.")

    @property
    def id(self) -> str:
        return self.fact


class EraTranslation(Record):
    """An era's title translated (an entry of a translation file naming `era`)."""

    era: Slug = Field(description="Id of the era translated.")
    title: Translated = Field(description="The era's title.")

    @property
    def id(self) -> str:
        return self.era


class SourceTranslation(Record):
    """What learners read about a source, translated: its short name and perspective. Its title, publisher,
    author and quotes stay as the source gives them."""

    source: Slug = Field(description="Id of the source translated.")
    short_name: Translated | None = Field(default=None, description="The name learners see for it.")
    perspective: Translated | None = Field(default=None, description="The sentence on its point of view.")

    @property
    def id(self) -> str:
        return self.source


class GlossaryTranslation(Record):
    """A glossary entry's description translated (the term stays as facts name it)."""

    term: Text = Field(description="The term as the glossary has it.")
    description: Translated = Field(description="Who or what it is.")

    @property
    def id(self) -> str:
        return self.term


# The keys that name what an entry other than a fact's translates, with its record.
OTHERS: dict[str, type[EraTranslation | SourceTranslation | GlossaryTranslation]] = {
    "era": EraTranslation,
    "source": SourceTranslation,
    "term": GlossaryTranslation,
}
