"""The web quiz for every learner, in headless Chromium: axe-core finds no serious or critical violation
(light and dark, before and after answering), a whole quiz can be done with the keyboard alone, nothing
scrolls sideways at 360 px (the quiz and an Anki card back), Persian runs and sentences lay out as their
readers expect, and typed answers are compared after NFC normalization and case folding."""

from __future__ import annotations

import unicodedata

import pytest
from conftest import REPO, Project, sample_project

from test_web_quiz import CHROMIUM, CHROMIUM_ARGS, PAGE, _browser_or_skip, answer, make_project, page_parts

WEB_CHECKS = """
- id: persian-first
  kind: person
  era: decline
  date: "1923"
  question: "کریم جعفری succeeded which master of the River Guild in 1923?"
  answer: "Ada Ferrier"
  statement: "In 1923 the guild's second master followed its first."
  citations: [{source: chronicle, locator: "chapter 3, para. 1", quote: "Karim Jafari succeeded her as master in 1923"}]
  status: vetted
  vetted: 2026-11-22
- id: persian-sentence
  kind: date
  era: decline
  date: "1923"
  question: "کریم جعفری (Karim Jafari) در چه سالی استاد انجمن شد؟"
  answer: "1923"
  statement: "The guild chose its second master in 1923."
  citations: [{source: chronicle, locator: "chapter 3, para. 1", quote: "Karim Jafari succeeded her as master in 1923"}]
  status: vetted
  vetted: 2026-11-22
- id: long-url
  kind: term
  era: decline
  date: "1927"
  question: "Which record, published at URL, lists the Hochwasserschutzzweckverbandsversammlungsprotokollnummern?"
  answer: "The emergency minutes"
  statement: "The emergency minutes at URL list the dead."
  citations: [{source: chronicle, locator: "chapter 4, para. 3", quote: "twelve members drowned"}]
  status: vetted
  vetted: 2026-11-22
- id: meeting-place
  kind: place
  era: founding
  date: "1902"
  question: "Where did the guild meet every Sunday?"
  answer: "Café Ferrière"
  accept: ["the Ferrière"]
  statement: "From 1902 the guild met every Sunday at the Café Ferrière."
  citations: [{source: chronicle, locator: "chapter 1, para. 2", quote: "they met on Sundays"}]
  status: vetted
  vetted: 2026-11-22
""".replace(
    "URL",
    "https://example.org/archive/river-guild/records/1927/flood/minutes-of-the-emergency-meeting-held-at-the-hall.html",
).replace("Café Ferrière", unicodedata.normalize("NFD", "Café Ferrière"))  # as macOS copy-paste gives it
DECKS = {
    "reading": "[persian-first, persian-sentence, long-url]\nquiz:\n  counts: {short-answer: 3}",
    "typing": "[second-master, meeting-place]\nquiz:\n  counts: {fill-blank: 2}",
}


def quiz_page(project: Project, deck: str) -> str:
    return project.path(f"build/{deck}/{deck}-quiz.html").resolve().as_uri()


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Project, Project]:
    """The web quiz's usual test project, and one with the reading and typing checks' decks."""
    main = make_project(tmp_path_factory.mktemp("access") / "main")
    checks = sample_project(tmp_path_factory.mktemp("access") / "checks", more_facts=True)
    checks.write("facts/web-checks.yaml", WEB_CHECKS)
    for deck, facts in DECKS.items():
        checks.write(
            f"decks/{deck}.yaml",
            f'id: {deck}\nname: "{deck}"\ndescription: "checks"\nselect:\n  include:\n    facts: {facts}\n'
            "  versions: 1\n",
        )
    result = checks.run("build", "reading", "typing", "--format", "html")
    assert result.exit_code == 0, result.output
    return main, checks


@pytest.fixture(scope="module")
def browser():
    sync_api = _browser_or_skip()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def new_page(browser, url: str, width: int = 390, scheme: str = "light", bypass_csp: bool = False):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, color_scheme=scheme, bypass_csp=bypass_csp, device_scale_factor=1
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.errors = errors  # type: ignore[attr-defined]
    return page


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_before_and_after_answering(projects, browser, scheme):
    main, _ = projects
    _, _, _, data = page_parts(main.read(PAGE))
    page = new_page(browser, main.path(PAGE).resolve().as_uri(), scheme=scheme, bypass_csp=True)  # axe is injected
    try:
        assert serious(page) == []
        for q in data["questions"][:3]:
            answer(page, q, right=False)  # a wrong answer shows every mark
            assert serious(page) == [], q["type"]
            page.locator("#next").click()
        assert page.errors == []
    finally:
        page.context.close()


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName, text: e.textContent, id: e.id, type: e.type || "",
                outline: s.outlineStyle + " " + s.outlineWidth, disabled: !!e.disabled}; }"""
    )


def tab_to(page, wanted, limit: int = 40) -> dict:
    """Press Tab until the focused element satisfies `wanted`; return it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached the control; last focused: {now}")


def test_a_whole_quiz_by_keyboard_alone(projects, browser):
    main, _ = projects
    _, _, _, data = page_parts(main.read(PAGE))
    page = new_page(browser, main.path(PAGE).resolve().as_uri())
    try:
        for n, q in enumerate(data["questions"]):
            kind = q["type"]
            if kind in ("multiple-choice", "true-false"):
                wanted = q["options"][q["correct"]]
                now = tab_to(page, lambda f, w=wanted: f["tag"] == "BUTTON" and f["text"] == w)
                assert now["outline"].startswith("solid 3px")  # focus is visible
                page.keyboard.press("Enter")
            elif kind == "fill-blank" or (kind == "short-answer" and not q["versions"]):
                tab_to(page, lambda f: f["tag"] == "INPUT")
                page.keyboard.type(q["answer"])
                page.keyboard.press("Enter")
            elif kind in ("matching", "according"):
                for i in range(len(q["items"])):
                    tab_to(page, lambda f, i=i: f["tag"] == "SELECT" and f["id"].endswith(f"-{i}"))
                    for _ in range(q["correct"][i] + 1):
                        page.keyboard.press("ArrowDown")
                tab_to(page, lambda f: f["text"] == "Check")
                page.keyboard.press("Enter")
            elif kind == "timeline":
                for item in q["correct"]:
                    text = q["items"][item]
                    tab_to(page, lambda f, t=text: f["tag"] == "BUTTON" and f["text"].endswith(t))
                    page.keyboard.press("Enter")
                tab_to(page, lambda f: f["text"] == "Check" and not f["disabled"])
                page.keyboard.press("Enter")
            else:
                tab_to(page, lambda f: f["text"] == "Show the answer")
                page.keyboard.press("Enter")
                assert focused(page)["text"] == "I had it"  # focus moves to the self-mark
                page.keyboard.press("Enter")
            if kind != "source-analysis" and not (kind == "short-answer" and q["versions"]):
                assert "✓ Correct" in page.locator("#feedback").text_content(), (kind, q)
            assert focused(page)["id"] == "next"
            page.keyboard.press("Enter")
            if n + 1 < len(data["questions"]):
                assert focused(page)["id"] == "counter"  # the next question's heading
        assert f"{len(data['questions'])} of {len(data['questions'])}" in page.locator("#score").text_content()
        assert page.errors == []
    finally:
        page.context.close()


def test_feedback_is_announced_from_a_small_status_element(projects, browser):
    main, _ = projects
    _, _, _, data = page_parts(main.read(PAGE))
    page = new_page(browser, main.path(PAGE).resolve().as_uri())
    try:
        assert page.locator("[aria-live], [role=status], [role=alert]").count() == 1
        status = page.locator("#status")
        assert status.get_attribute("role") == "status"
        q = data["questions"][0]
        answer(page, q, right=False)
        said = status.text_content().strip()
        assert said.startswith("Not quite.") and len(said) < 200 and q["prompt"] not in said
        # Right and wrong are marked in words and signs, not by colour alone.
        marks = page.locator("#question .mark").all_text_contents()
        if q["type"] in ("multiple-choice", "true-false"):
            assert "✓ right answer" in marks and "✗ your answer" in marks
    finally:
        page.context.close()


def test_every_control_is_at_least_24_px(projects, browser):
    main, _ = projects
    _, _, _, data = page_parts(main.read(PAGE))
    page = new_page(browser, main.path(PAGE).resolve().as_uri(), width=360)
    try:
        for q in data["questions"]:
            for control in page.locator("button:visible, input:visible, select:visible").all():
                box = control.bounding_box()
                assert box["width"] >= 24 and box["height"] >= 24, q["type"]
            answer(page, q, right=True)
            page.locator("#next").click()
    finally:
        page.context.close()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide"


def test_nothing_scrolls_sideways_at_360_px(projects, browser):
    _, checks = projects
    _, _, _, data = page_parts(checks.read("build/reading/reading-quiz.html"))
    page = new_page(browser, quiz_page(checks, "reading"), width=360)
    try:
        for q in data["questions"]:
            no_sideways_scroll(page)
            answer(page, q, right=True)
            no_sideways_scroll(page)  # the feedback, with the sources
            page.locator("#next").click()
        assert any("https://example.org/archive" in q["prompt"] for q in data["questions"])
    finally:
        page.context.close()


def test_an_anki_card_back_does_not_scroll_sideways_at_360_px(browser, tmp_path):
    css = (REPO / "src/factdeck/templates/anki/note-types/style.css").read_text(encoding="utf-8")
    url = "https://example.org/archive/river-guild/records/1927/flood/minutes-of-the-emergency-meeting.html"
    back = tmp_path / "back.html"
    back.write_text(
        f'<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"><style>{css}</style>'
        f'</head><body class="card"><div class="fd-card"><p class="fd-answer">The emergency minutes</p>'
        f'<div class="fd-details"><p class="fd-statement">The minutes at {url} list the '
        f"Hochwasserschutzzweckverbandsversammlungsprotokollnummern.</p>"
        f'<ul class="fd-sources"><li class="fd-source"><span class="fd-source-head"><cite>{url}</cite></span>'
        f"</li></ul></div></div></body></html>",
        encoding="utf-8",
    )
    page = new_page(browser, back.as_uri(), width=360)
    try:
        no_sideways_scroll(page)
    finally:
        page.context.close()


def char_x(page, selector: str, needle: str) -> float:
    """Where the first character of `needle` is drawn in the element, from the rendered text."""
    return page.evaluate(
        """([selector, needle]) => {
        const node = document.querySelector(selector);
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const at = walker.currentNode.textContent.indexOf(needle);
          if (at >= 0) { const r = document.createRange(); r.setStart(walker.currentNode, at);
            r.setEnd(walker.currentNode, at + 1); const b = r.getBoundingClientRect(); return b.left + b.width / 2; }
        }
        return null; }""",
        [selector, needle],
    )


def char_at(page, selector: str, needle: str) -> tuple[float, float]:
    """(line top, x) of `needle`'s first character: left-to-right reading order across wrapped lines."""
    return page.evaluate(
        """([selector, needle]) => {
        const node = document.querySelector(selector);
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const at = walker.currentNode.textContent.indexOf(needle);
          if (at >= 0) { const r = document.createRange(); r.setStart(walker.currentNode, at);
            r.setEnd(walker.currentNode, at + 1); const b = r.getBoundingClientRect();
            return [Math.round(b.top), b.left + b.width / 2]; }
        }
        return null; }""",
        [selector, needle],
    )


def test_persian_runs_and_sentences_lay_out_as_their_readers_expect(projects, browser):
    _, checks = projects
    _, _, _, data = page_parts(checks.read("build/reading/reading-quiz.html"))
    page = new_page(browser, quiz_page(checks, "reading"), width=800)
    try:
        for q in data["questions"]:
            prompt = "#question .prompt"
            if q["prompt"].startswith("کریم") and "succeeded" in q["prompt"]:
                # English with a Persian name first: left to right, the name isolated at the left.
                assert page.get_attribute(prompt, "dir") == "ltr"
                assert page.locator(f"{prompt} span[dir=rtl]").text_content() == "کریم جعفری"
                assert char_at(page, prompt, "ک") < char_at(page, prompt, "succeeded") < char_at(page, prompt, "?")
                name_box = page.locator(f"{prompt} span[dir=rtl]").bounding_box()
                assert name_box["x"] - page.locator(prompt).bounding_box()["x"] < 2  # the name starts the line
                assert char_x(page, prompt, "ج") < char_x(page, prompt, "ک")  # and reads right to left
            elif q["prompt"].startswith("کریم"):
                # A Persian sentence: right to left, its question mark at the left end, the Latin name isolated.
                assert page.get_attribute(prompt, "dir") == "rtl"
                assert page.locator(f"{prompt} span[dir=ltr]").text_content() == "Karim Jafari"
                assert char_x(page, prompt, "؟") < char_x(page, prompt, "ش") < char_x(page, prompt, "ک")
                assert char_x(page, prompt, "K") < char_x(page, prompt, "J")  # the Latin name left to right
                box, right = page.locator(prompt).bounding_box(), char_x(page, prompt, "ک")
                assert box["x"] + box["width"] - right < 20  # starts at the right edge
            answer(page, q, right=True)
            page.locator("#next").click()
        assert page.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize(
    "typed, right, question",
    [
        ("café ferrière", True, "Caf"),  # composed, where the fact stores it decomposed
        ("CAFÉ FERRIÈRE", True, "Caf"),
        ("Karim Jafari", True, "Karim"),  # without the bracketed note
        ("karim jafari (کریم جعفری)", True, "Karim"),
        ("Cafe Ferriere", True, "Caf"),  # accents on Latin letters forgiven, as a learner without them types
        ("Karim", False, "Karim"),
        ("ferriere", True, "Caf"),  # another accepted answer of the fact (`accept:`), without its accent
        ("Ferrier", False, "Caf"),
    ],
)
def test_typed_answers_after_nfc_case_folding_and_accents(projects, browser, typed, right, question):
    _, checks = projects
    _, _, _, data = page_parts(checks.read("build/typing/typing-quiz.html"))
    assert any(unicodedata.is_normalized("NFD", q["answer"]) and "Caf" in q["answer"] for q in data["questions"])
    page = new_page(browser, quiz_page(checks, "typing"))
    try:
        for q in data["questions"]:
            if q["answer"].startswith(question):
                page.locator("#question input").fill(typed)
                page.locator("#question input").press("Enter")
                verdict = page.locator("#feedback .verdict").text_content()
                assert verdict.startswith("✓ Correct" if right else "✗ Not quite"), (typed, q["answer"])
                return
            answer(page, q, right=True)
            page.locator("#next").click()
        raise AssertionError(f"no question answered {question}…")
    finally:
        page.context.close()


def test_sources_show_author_publisher_and_stance(projects, browser):
    main, _ = projects
    _, _, _, data = page_parts(main.read(PAGE))
    assert all({"title", "author", "publisher", "stance"} <= set(s) for s in data["sources"].values())
    page = new_page(browser, main.path(PAGE).resolve().as_uri())
    try:
        q = data["questions"][0]
        answer(page, q, right=True)
        shown = page.locator("#feedback").text_content()
        for ref in q["references"]:
            source = data["sources"][ref["id"]]
            about = "; ".join(x for x in (source["author"], source["publisher"], f"stance: {source['stance']}") if x)
            assert f"{source['title']} ({about}), {ref['locator']}" in shown
    finally:
        page.context.close()


def test_bidi_patterns_are_the_cards(projects):
    from factdeck.text.bidi import BIDI_PATTERNS, isolate_rtl

    _, checks = projects
    _, _, _, data = page_parts(checks.read("build/reading/reading-quiz.html"))
    assert data["bidi"] == BIDI_PATTERNS
    assert str(isolate_rtl("کریم جعفری (Karim Jafari) در چه سالی استاد انجمن شد؟")) == (
        'کریم جعفری (<span dir="ltr">Karim Jafari</span>) در چه سالی استاد انجمن شد؟'
    )
    assert str(isolate_rtl("کریم جعفری succeeded Ada Ferrier.")) == (
        '<span dir="rtl">کریم جعفری</span> succeeded Ada Ferrier.'
    )
