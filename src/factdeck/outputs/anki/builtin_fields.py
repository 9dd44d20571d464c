"""The built-in card fields made by Python string building instead of a Jinja2 render per field.

The templates in `templates/anki/fields/` stay the documented reference and what a project copies to override
them (`factdeck templates copy anki/fields`). While a project's effective field templates are the built-in
ones (none overridden, or copies identical to them), cards.py asks `BuiltinFields` instead: the same text,
byte for byte (tests/test_builtin_fields.py holds every field of every note of the shipped decks and the
fixtures to the Jinja2 render, in English, Persian and German), at a fraction of the cost. A Jinja2 render
per field was most of a cold Anki build (two renders and about twenty `escape` calls a note at 10,000 facts).

Each function below mirrors one template, whitespace included: the environment trims the newline after a
block tag (`trim_blocks`) and the blanks before one (`lstrip_blocks`), keeps the newline after a `{{ … }}`,
and cards.py strips the result. Text is escaped exactly as the autoescaping environment escapes it:
`markupsafe.escape` for plain values, the `text` filter (cards.py's `anki_text`, or `anki_text_rtl` in a
right-to-left deck) for fact text, and messages through the environment's own `_` and `ngettext`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from factdeck.i18n import Language
from factdeck.outputs.anki.card_text import anki_text, anki_text_rtl
from factdeck.outputs.html_messages import html_messages
from factdeck.outputs.vocabulary import Vocabulary
from factdeck.records.schema import Citation, DisputeVersion, Fact, Source
from factdeck.records.templates import BUILTIN, builtin_names, template_path

FIELD_FOLDER = "anki/fields"
_MESSAGES_AT_MOST = 8192  # filled messages kept at most (most recur: a claimant, a count; a claim's text does not)


def uses_builtin_fields(root: Path) -> bool:
    """Whether every card-field template the project at `root` sees is the built-in one (not overridden, or
    overridden by an identical copy): only then may `BuiltinFields` stand in for the templates."""
    for name in builtin_names(FIELD_FOLDER):
        path = template_path(root, name)
        if path == BUILTIN / name:
            continue
        try:
            if path.read_bytes() != (BUILTIN / name).read_bytes():
                return False
        except OSError:
            return False
    return True


def card_text_filter(language: Language | None) -> Callable[[object], Markup]:
    """The cards' `text` filter in `language` (None: the facts' own): cards.py's environment and the built-in
    fields both apply it to every fact text."""
    return anki_text_rtl if language is not None and language.rtl else anki_text


def card_words(language: Language | None) -> dict[str, dict[str, str]]:
    """What a card names a source's kind and stance by, in `language` (the templates read them as globals)."""
    words = Vocabulary.of(language or Language.source())
    return {"kinds": words.source_kinds, "stances": words.stances}


def builtin_fields(language: Language | None) -> BuiltinFields:
    """The built-in fields in `language` (None: the facts' own) with what cards.py's `anki_environment` gives the
    templates (the `text` filter, the messages, the words for kinds and stances), made without Jinja2."""
    messages = html_messages(language or Language.source())
    return BuiltinFields({**messages, **card_words(language)}, card_text_filter(language))


class BuiltinFields:
    """The built-in templates' fields for one language's environment (its `text` filter, `_`, `ngettext`, and
    the words for source kinds and stances: cards.py's `anki_environment`).

    `field(name, context)` takes the context cards.py gives a template (fact, era, when, sources, version,
    original, original_language) and returns the stripped text the template `name` renders. What every card of
    one fact shares (its sources block, each version's item) is made once per fact: `context` is compared by
    its fact, so a maker asking for a fact's fields one after another reuses them.
    """

    def __init__(self, env_globals: dict[str, Any], text: Callable[[object], Markup]):
        self.text = text
        self._gettext = env_globals["_"]
        self._ngettext = env_globals["ngettext"]
        # Messages filled with the same values (a claimant's "according to …", a dispute's count of versions)
        # recur on thousands of cards; each is made once. The key holds each value's type, since a plain text
        # is escaped where the same text as Markup is not.
        self._messages: dict[tuple, Markup] = {}
        self.kinds: dict[str, str] = env_globals["kinds"]
        self.stances: dict[str, str] = env_globals["stances"]
        _ = self._gettext
        self.words = {
            message: str(_(message))
            for message in (
                "Disputed",
                "Sources disagree",
                "Give each version and who claims it.",
                "It answers",
                "Whose claim:",
                "Sources",
                "single source",
                "As written",
                "fact",
            )
        }
        self.prompts = {
            "person": str(_("Who is this person, and what part do they play in the history?")),
            "place": str(_("What place is this, and what happened there?")),
            "organization": str(_("What is this organization, and what part does it play in the history?")),
            "term": str(_("What does this term mean in the history?")),
        }
        self._fact: Fact | None = None
        self._parts: dict[object, str] = {}
        self._source_heads: dict[int, tuple[Source, str]] = {}
        self.renderers: dict[str, Callable[[dict], str]] = {
            "details.html": self.details,
            "front-qa.html": self.front_qa,
            "answer-qa.html": self.answer_qa,
            "front-reverse.html": self.front_reverse,
            "answer-reverse.html": self.answer_reverse,
            "front-dispute.html": self.front_dispute,
            "answer-dispute.html": self.answer_dispute,
        }

    def gettext(self, message: str, **values: Any) -> Markup:
        """The environment's `_(message, **values)`, made once per message and values."""
        key = (message, *((k, type(v), v) for k, v in values.items()))
        made = self._messages.get(key)
        return made if made is not None else self._kept_message(key, lambda: self._gettext(message, **values))

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        """The environment's `ngettext(singular, plural, n)`, made once per message and count."""
        key = (singular, plural, n)
        made = self._messages.get(key)
        return made if made is not None else self._kept_message(key, lambda: self._ngettext(singular, plural, n))

    def _kept_message(self, key: tuple, make: Callable[[], Markup]) -> Markup:
        if len(self._messages) >= _MESSAGES_AT_MOST:
            self._messages.clear()
        made = self._messages[key] = make()
        return made

    def field(self, name: str, context: dict) -> str:
        """The field template `name` (`details.html`, `front-qa.html`, …) renders with `context`, stripped.
        Raises KeyError for a name that is no built-in field template."""
        fact = context["fact"]
        if fact is not self._fact:
            self._fact = fact
            self._parts = {}
        return self.renderers[name](context)

    # --- macros.html -----------------------------------------------------------------------------

    def _source_head(self, source: Source) -> str:
        known = self._source_heads.get(id(source))
        if known is not None and known[0] is source:
            return known[1]
        text = self.text
        head = ['  <li class="fd-source">\n    <div class="fd-source-head" dir="auto">']
        if source.short_name:
            head.append(f"<strong>{text(source.short_name)}</strong>: ")
        head.append(f"<cite>{text(source.title)}</cite>, {text(source.publisher)}")
        if source.author:
            head.append(f" ({text(source.author)})")
        head.append(
            f' · {escape(self.kinds[source.kind])} <span class="fd-stance fd-stance-{escape(source.stance)}">'
            f'{escape(self.stances[source.stance])}</span></div>\n    <div class="fd-perspective" dir="auto">'
            f"{text(source.perspective)}</div>\n"
        )
        made = "".join(head)
        self._source_heads[id(source)] = (source, made)  # the source is kept, so its id stays its own
        return made

    def citations(self, items: list[Citation], sources: dict[str, Source]) -> str:
        """macros.html's `citations`: citations grouped under their source, in order of first citation."""
        groups: dict[str, list[Citation]] = {}
        for citation in items:
            groups.setdefault(citation.source, []).append(citation)
        text = self.text
        out = ['<ul class="fd-sources">\n']
        for source_id, cited in groups.items():
            out.append(self._source_head(sources[source_id]))
            for c in cited:
                out.append(
                    f'    <div class="fd-citation" dir="auto"><span class="fd-locator">{text(c.locator)}</span>: '
                    f"<q>{text(c.quote)}</q></div>\n"
                )
            out.append("  </li>\n")
        out.append("</ul>\n")
        return "".join(out)

    def context_line(self, context: dict) -> str:
        """macros.html's `context_line`: the era's title and the date."""
        when = context["when"]
        title = self.text(context["era"].title)
        return f"{title} · {escape(when)}" if when else str(title)

    def version_item(self, v: DisputeVersion, sources: dict[str, Source], this: bool = False) -> str:
        """macros.html's `version_item`: a version's answer and claimant, unfolding its claim and citations."""
        key = ("version", v.id, this)
        made = self._parts.get(key)
        if made is None:
            text = self.text
            according = self.gettext("according to %(claimant)s", claimant=text(v.claimed_by))
            made = self._parts[key] = (
                f'  <li class="fd-version{" fd-this-version" if this else ""}">\n'
                f'    <details class="fd-more"{" open" if this else ""}><summary dir="auto"><strong>'
                f'{text(v.answer)}</strong> <span class="fd-according">{according}</span></summary>\n'
                f'      <div class="fd-claim" dir="auto">{text(v.claim)}</div>\n'
                f"      {self.citations(v.citations, sources)}\n"
                "    </details>\n  </li>\n"
            )
        return made

    # --- the field templates -----------------------------------------------------------------------

    def details(self, context: dict) -> str:
        fact: Fact = context["fact"]
        sources = context["sources"]
        text, words = self.text, self.words
        out = [f'<div class="fd-details">\n<p class="fd-statement" dir="auto">{text(fact.statement)}</p>\n']
        if fact.attribution:
            claim = self.gettext(
                "according to %(claimant)s (%(verb)s)",
                claimant=text(fact.attribution.by),
                verb=text(fact.attribution.verb),
            )
            out.append(
                f'<p class="fd-attribution" dir="auto"><span class="fd-label">{words["Whose claim:"]}</span> '
                f"{claim}</p>\n"
            )
        if fact.dispute:
            out.append(
                f'<div class="fd-dispute">\n  <div class="fd-badge fd-badge-disputed">{words["Disputed"]}</div>\n'
                f'  <p class="fd-summary" dir="auto">{text(fact.dispute.summary)}</p>\n'
            )
            version = context["version"]
            if version:
                out.append('  <ol class="fd-versions">\n')
                for v in fact.dispute.versions:
                    out.append(self.version_item(v, sources, version.id == v.id) + "\n")
                out.append("  </ol>\n")
            out.append("</div>\n")
        sources_block = self._parts.get("sources")
        if sources_block is None:
            single = (
                f' <span class="fd-badge fd-badge-single">{words["single source"]}</span>'
                if fact.corroboration == 1
                else ""
            )
            sources_block = self._parts["sources"] = (
                f'<details class="fd-sources-block">\n  <summary class="fd-label">{words["Sources"]}{single}</summary>\n'
                f"  {self.citations(fact.citations, sources)}\n</details>\n"
            )
        out.append(sources_block)
        original = context["original"]
        if original:
            out.append(
                f'<div class="fd-original" lang="{escape(context["original_language"])}" dir="auto">\n'
                f'<p class="fd-label">{words["As written"]}</p>\n'
                f'<p class="fd-question">{text(original.question)}</p>\n'
                f'<p class="fd-answer">{text(original.answer)}</p>\n'
                f'<p class="fd-statement">{text(original.statement)}</p>\n</div>\n'
            )
        out.append(
            f'<div class="fd-meta">{self.context_line(context)} · {words["fact"]} <code>{escape(fact.id)}</code>'
            "</div>\n</div>"
        )
        return "".join(out)

    def front_qa(self, context: dict) -> str:
        fact: Fact = context["fact"]
        question = f'<div class="fd-question" dir="auto">{self.text(fact.question)}</div>'
        if not fact.dispute:
            return question
        words = self.words
        return (
            f'<div class="fd-badge fd-badge-disputed">{words["Sources disagree"]}</div>\n{question}\n'
            f'<div class="fd-prompt">{words["Give each version and who claims it."]}</div>'
        )

    def answer_qa(self, context: dict) -> str:
        fact: Fact = context["fact"]
        if not fact.dispute:
            return f'<div class="fd-answer" dir="auto">{self.text(fact.answer)}</div>'
        sources = context["sources"]
        items = "".join(self.version_item(v, sources) + "\n" for v in fact.dispute.versions)
        return f'<ol class="fd-answer fd-answer-versions">\n{items}</ol>'

    def front_reverse(self, context: dict) -> str:
        fact: Fact = context["fact"]
        return (
            f'<div class="fd-cue" dir="auto">{self.text(fact.answer)}</div>\n'
            f'<div class="fd-prompt">{self.prompts[fact.kind]}</div>\n'
            f'<div class="fd-context">{self.context_line(context)}</div>'
        )

    def answer_reverse(self, context: dict) -> str:
        fact: Fact = context["fact"]
        return (
            f'<div class="fd-label">{self.words["It answers"]}</div>\n'
            f'<div class="fd-answer" dir="auto">{self.text(fact.question)}</div>'
        )

    def front_dispute(self, context: dict) -> str:
        fact: Fact = context["fact"]
        version: DisputeVersion = context["version"]
        claimant = Markup(f'<span class="fd-claimant">{self.text(version.claimed_by)}</span>')
        prompt = self.gettext("According to %(claimant)s, what is the answer?", claimant=claimant)
        return (
            f'<div class="fd-badge fd-badge-disputed">{self.words["Disputed"]}</div>\n'
            f'<div class="fd-question" dir="auto">{self.text(fact.question)}</div>\n'
            f'<div class="fd-prompt" dir="auto">{prompt}</div>'
        )

    def answer_dispute(self, context: dict) -> str:
        fact: Fact = context["fact"]
        version: DisputeVersion = context["version"]
        text = self.text
        according = self.gettext(
            "according to %(claimant)s: %(claim)s", claimant=text(version.claimed_by), claim=text(version.claim)
        )
        assert fact.dispute is not None  # a version card is made only for a disputed fact
        n = len(fact.dispute.versions)
        note = self.ngettext(
            "One of %(n)s versions; all are listed below.", "One of %(n)s versions; all are listed below.", n
        )
        return (
            f'<div class="fd-answer" dir="auto">{text(version.answer)}</div>\n'
            f'<div class="fd-according" dir="auto">{according}</div>\n'
            f'<div class="fd-note">{note}</div>'
        )

    def cloze(self, parts: tuple, cloze_open: str, cloze_close: str) -> str:
        """cloze.html: the statement, each blank part between the two markers."""
        text = self.text
        body = "".join(
            f"{cloze_open}{text(part.text)}{cloze_close}" if part.blank else str(text(part.text)) for part in parts
        )
        return f'<div class="fd-statement" dir="auto">{body}</div>'


def citations_by_source(
    citations: Iterable[Citation], sources: dict[str, Source]
) -> list[tuple[Source, list[Citation]]]:
    """Citations grouped under their source, sources in order of first citation."""
    groups: dict[str, list[Citation]] = {}
    for citation in citations:
        groups.setdefault(citation.source, []).append(citation)
    return [(sources[source_id], cited) for source_id, cited in groups.items()]
