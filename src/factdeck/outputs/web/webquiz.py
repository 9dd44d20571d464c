"""Web quiz stage: a deck's quiz as one self-contained, offline HTML file.

The questions come from the quiz stage (factdeck.quiz, version A), so the web quiz and
the worksheets share their distractor and dispute rules. The page holds
everything it needs: its style, its script and the questions as a JSON data
block. Fact text never becomes markup: the page is rendered with the
autoescaping HTML environment, the JSON is escaped for HTML, and the script
reads it with JSON.parse and shows it with textContent only. A strict
Content-Security-Policy (no sources at all, the script and style allowed by
hash) means even a mistake cannot make the page load anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jinja2
from markupsafe import Markup

from factdeck.exceptions import RenderError, TemplateError
from factdeck.i18n import Language
from factdeck.outputs.exports.games import mid_sentence, plain_claimant
from factdeck.outputs.languages import deck_language, localized_base
from factdeck.outputs.print.layout import print_quiz
from factdeck.outputs.render import html_environment, render
from factdeck.outputs.vocabulary import source_kind_names, stance_names
from factdeck.outputs.web.messages import script_messages
from factdeck.outputs.write import OutputWriter
from factdeck.quiz import QUESTION_TYPES, Question, Quiz, Reference
from factdeck.records.schema import Citation, DeckSpec, Fact
from factdeck.records.validate import FactBase
from factdeck.text.accept import accepted_forms
from factdeck.text.bidi import BIDI_PATTERNS

PAGE_TEMPLATE = "web/quiz.html"
SCRIPT_FILE = "web/quiz.js"
STYLE_FILE = "web/quiz.css"

# In a JSON string these are the same characters; escaped, no `</script>`, comment or entity can form,
# and no JavaScript line terminator sits in the text.
_HTML_SAFE_JSON = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def output_name(deck_id: str) -> str:
    return f"{deck_id}/{deck_id}-quiz.html"


def json_for_html(data: Any) -> Markup:
    """JSON that may sit inside a <script type="application/json"> element as it is."""
    return Markup(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_HTML_SAFE_JSON))


def csp_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def reference_data(refs: tuple[Reference, ...]) -> list[dict[str, str]]:
    """References as the page lists them: [{"id": source id, "source": title, "locator": …}, …]; the page
    finds the source's author, publisher and stance under "sources" by id."""
    return [{"id": r.source_id, "source": r.source, "locator": r.locator} for r in refs]


def source_data(base: FactBase, quiz: Quiz) -> dict[str, dict[str, str]]:
    """Every source the quiz cites, {id: {"title", "author", "publisher", "stance"}} (author "" if none)."""
    return {
        s.id: {"title": s.title, "author": s.author or "", "publisher": s.publisher, "stance": s.stance}
        for s in quiz.sources
    }


def question_data(q: Question, placed_order: tuple[int, ...], names: tuple[int, ...], base: FactBase) -> dict:
    """One question as the page's script reads it: the fields every question has, then its type's own
    (types.py). `correct` is an index into what the page shows."""
    data: dict[str, Any] = {
        "type": q.type,
        "prompt": q.prompt,
        "answer": q.answer,
        "explanation": q.explanation,
        "references": reference_data(q.references),
        "versions": [
            {
                "claimedBy": v.claimed_by,
                "claim": v.claim,
                "answer": v.answer,
                "references": reference_data(v.references),
            }
            for v in q.versions
        ],
    }
    fact = base.facts_by_id[q.fact_ids[0]]
    dispute = fact.dispute
    if q.disputed and dispute is not None:
        data["summary"] = dispute.summary
        # Every citation of the fact: each version's, and the fact's own that no version gives.
        data["versions"] = [
            {**shown, "references": reference_data(_references(base, v.citations))}
            for shown, v in zip(data["versions"], dispute.versions)
        ]
        in_versions = {(c.source, c.locator) for v in dispute.versions for c in v.citations}
        own = [c for c in fact.citations if (c.source, c.locator) not in in_versions]
        data["otherReferences"] = reference_data(_references(base, own))
    if q.type in ("fill-blank", "short-answer") and len(q.fact_ids) == 1 and not q.disputed:
        data["accepted"] = accepted_forms([q.answer, *fact.accept])
    if q.truth is not None:
        data["truth"] = q.truth  # a false statement is shown as false in the review, beside the fact's own
    data.update(QUESTION_TYPES.of(q).web_fields(q, placed_order, names))
    # The type's rows and excerpts name their sources by title: give each its id, so the page can show the
    # source's author, publisher and stance.
    items = {(i.text, i.answer): i for i in q.items}
    for row in data.get("key", ()):
        row["references"] = reference_data(items[(row["text"], row["answer"])].references)
    for shown, excerpt in zip(data.get("excerpts", ()), q.excerpts):
        shown["id"] = excerpt.source_id
    return data


def _references(base: FactBase, citations: list[Citation]) -> tuple[Reference, ...]:
    """Each citation once, by source and locator."""
    refs = {(c.source, c.locator): Reference(c.source, base.sources[c.source].title, c.locator) for c in citations}
    return tuple(refs.values())


def according_data(base: FactBase, fact: Fact, question: dict, language: Language | None = None) -> dict | None:
    """An answerable item for a disputed fact, asked before its source analysis or short answer: for each
    version's claimant ("According to the chronicle"), which answer they give, the versions' answers to
    choose from; None when two versions give the same answer (the choice would not tell them apart)."""
    dispute = fact.dispute
    if dispute is None or len({v.answer for v in dispute.versions}) != len(dispute.versions):
        return None
    protected = [n for s in base.sources.values() for n in (s.short_name, s.title) if n]
    language = language or Language.source()
    claimants = [
        language.gettext(
            "According to %(claimant)s", claimant=mid_sentence(plain_claimant(v.claimed_by, protected), language)
        )
        for v in dispute.versions
    ]
    answers = sorted(range(len(dispute.versions)), key=lambda i: dispute.versions[i].answer.casefold())
    return {
        **{k: question[k] for k in ("answer", "references", "versions", "summary", "otherReferences")},
        "type": "according",
        "prompt": fact.question,
        "explanation": dispute.summary,
        "items": claimants,
        "names": [dispute.versions[i].answer for i in answers],
        "correct": [answers.index(i) for i in range(len(dispute.versions))],
    }


def page_questions(base: FactBase, quiz: Quiz, language: Language | None = None) -> list[dict]:
    """Version A's questions as the page asks them; before each disputed fact's question, its answerable
    "who says what" item (`according_data`)."""
    shown: list[dict] = []
    for p in quiz.versions[0].questions:
        data = question_data(p.question, p.order, p.names, base)
        if p.question.disputed and len(p.question.fact_ids) == 1:
            according = according_data(base, base.facts_by_id[p.question.fact_ids[0]], data, language)
            if according is not None:
                shown.append(according)
        shown.append(data)
    return shown


def _raw_template(base: FactBase, name: str) -> str:
    """A template file's text as it is (the script and style are not Jinja templates)."""
    env = html_environment(base.root)
    assert env.loader is not None  # the environment loads from templates/
    try:
        return env.loader.get_source(env, name)[0]
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"templates/{name}: template not found") from exc
    except OSError as exc:
        raise TemplateError(f"templates/{name}: cannot read file: {exc.strerror or 'unreadable'}") from exc


def web_quiz_page(base: FactBase, deck: DeckSpec, quiz: Quiz, language: Language | None = None) -> bytes:
    """The HTML page for the quiz's version A, in `language` (default: the deck's, `deck_language`)."""
    language = language or deck_language(base, deck)
    questions = page_questions(base, quiz, language)
    script = _raw_template(base, SCRIPT_FILE)
    style = _raw_template(base, STYLE_FILE)
    if "</script" in script.lower() or "</style" in style.lower():
        raise TemplateError(f"templates/{SCRIPT_FILE}: must not contain a closing </script> or </style> tag")
    policy = (
        f"default-src 'none'; script-src {csp_hash(script)}; style-src {csp_hash(style)}; "
        "img-src 'none'; connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'"
    )
    page = render(
        html_environment(base.root, language),
        PAGE_TEMPLATE,
        base.root,
        quiz=quiz,
        deck=deck,
        questions_json=json_for_html(
            {
                "title": quiz.title,
                "questions": questions,
                "sources": source_data(base, quiz),
                "bidi": BIDI_PATTERNS,
                "messages": script_messages(language, len(questions)),
            }
        ),
        stances=stance_names(language),
        source_kinds=source_kind_names(language),
        script=Markup(script),
        style=Markup(style),
        policy=policy,
        count=len(questions),
    )
    return page.encode("utf-8")


def stage_web_quiz(
    writer: OutputWriter, base: FactBase, deck: DeckSpec, facts: list[Fact], quiz: Quiz | None = None
) -> Quiz:
    """Make the deck's web quiz (reusing the worksheets' quiz if given) and stage it in `writer`, in the deck's
    language (with its facts' translations: outputs/languages.py)."""
    translated, _notes = localized_base(base, deck)
    if translated is not base:
        base, facts, quiz = translated, [translated.facts_by_id[f.id] for f in facts], None
    if quiz is None:
        quiz = print_quiz(base, deck, facts, deck.quiz.model_copy(update={"versions": 1}))
    if not quiz.questions:
        where = f"{deck.file}:{deck.line}: " if deck.file else ""
        raise RenderError(f"{where}deck '{deck.id}': no quiz question can be made from its {len(facts)} vetted facts")
    writer.write_bytes(output_name(deck.id), web_quiz_page(base, deck, quiz))
    return quiz
