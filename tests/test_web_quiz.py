"""The self-check web quiz: one offline HTML page, escaped, with a strict Content-Security-Policy,
driven in headless Chromium (Debian's `chromium` package, through Playwright)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import Project, sample_project

from factdeck.outputs.web.webquiz import csp_hash

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)> & \u2028 {{x}} <!--"
PAGE = "build/guild-history/guild-history-quiz.html"


def make_project(root: Path, hostile: bool = False) -> Project:
    project = sample_project(root, more_facts=True)
    project.replace("decks/all.yaml", "questions: 5", "questions: 14")
    if hostile:
        # A question (of the disputed fact, which every quiz asks) with markup, a script end tag and a JavaScript line terminator: it must arrive as text.
        project.replace(
            "facts/guild.yaml",
            'question: "What do the sources say about how many guild members died in the flood of 1927?"',
            f'question: "What do the sources say about how many guild members died in the flood of 1927? {HOSTILE.replace(chr(0x2028), chr(92) + "u2028")}"',
        )
    result = project.run("build", "--format", "html")
    assert result.exit_code == 0, result.output
    return project


def page_parts(text: str) -> tuple[str, str, str, dict]:
    """The page's policy, inline script, inline style and question data."""
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)[1])
    script = re.search(r"<script>(.*?)</script>", text, re.S)[1]
    style = re.search(r"<style>(.*?)</style>", text, re.S)[1]
    data = json.loads(re.search(r'<script type="application/json" id="quiz-data">(.*?)</script>', text, re.S)[1])
    return policy, script, style, data


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    return make_project(tmp_path_factory.mktemp("web") / "proj", hostile=True)


def test_one_self_contained_page_per_deck(built):
    assert sorted(p.name for p in built.path("build/guild-history").iterdir()) == ["guild-history-quiz.html"]
    # Nothing to fetch: no external script, style, font or image, and no URL at all (outside the fact data).
    text = re.sub(r'<script type="application/json".*?</script>', "", built.read(PAGE), flags=re.S)
    assert not re.search(r"\b(?:src|href)\s*=", text, re.I)
    assert "http://" not in text and "https://" not in text and "@import" not in text and "url(" not in text


def test_policy_allows_only_the_page_own_script_and_style(built):
    policy, script, style, _ = page_parts(built.read(PAGE))
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == csp_hash(script)
    assert directives["style-src"] == csp_hash(style)
    assert text_count(built.read(PAGE), "<script") == 2  # the JSON data block and the one hashed script


def text_count(text: str, needle: str) -> int:
    return text.lower().count(needle.lower())


def test_fact_text_is_data_not_markup(built):
    text = built.read(PAGE)
    _, _, _, data = page_parts(text)
    # The hostile question arrives whole in the data, and none of its markup reached the page.
    prompts = [q["prompt"] for q in data["questions"]] + [q.get("parts", [""])[0] for q in data["questions"]]
    hostile_in = [p for p in prompts if "alert(1)" in p]
    assert text_count(text, "</script>") == 2 and "<img" not in text and "<!--" not in text
    assert "\u2028" not in text
    assert all(HOSTILE in p for p in hostile_in)
    # The script never turns text into markup.
    _, script, _, _ = page_parts(text)
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)


def test_questions_are_the_quiz_stage_version_a(built):
    from factdeck.build import load_and_validate
    from factdeck.quiz import make_quiz
    from factdeck.records.select import select_facts

    base = load_and_validate(built.root)
    deck = base.deck("guild-history")
    quiz = make_quiz(base, deck, select_facts(base, deck))
    _, _, _, data = page_parts(built.read(PAGE))
    shown = [q for q in data["questions"] if q["type"] != "according"]
    assert [q["type"] for q in shown] == [p.type for p in quiz.versions[0].questions]
    # Before each disputed fact's question, an answerable "who says what" item: each claimant's own answer.
    for before, q in zip(data["questions"], data["questions"][1:]):
        if q["versions"] and q["type"] != "according":
            assert before["type"] == "according" and before["prompt"] == q["prompt"]
            fact = base.facts_by_id[next(f.id for f in base.facts if f.question == q["prompt"])]
            assert [before["names"][c] for c in before["correct"]] == [v.answer for v in fact.dispute.versions]
            assert before["items"] == [f"According to {v.claimed_by}" for v in fact.dispute.versions]
    for q, placed in zip(shown, quiz.versions[0].questions):
        if q["type"] == "multiple-choice":
            assert q["options"] == placed.options and q["options"][q["correct"]] == placed.question.options[0]
        if placed.question.disputed:  # every version with its claimant
            assert [v["claimedBy"] for v in q["versions"]] == [v.claimed_by for v in placed.question.versions]


def test_build_without_html_writes_no_page(project):
    assert project.run("build", "--format", "pdf").exit_code == 0
    assert not project.path(PAGE).exists()


# --- in the browser -------------------------------------------------------------------------


def _browser_or_skip():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (sh tests/install-browser.sh, as root)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed (pip install '.[test]')"
    )
    return sync_api


def answer(page, q: dict, right: bool) -> None:
    """Answer the shown question `q`, rightly or wrongly."""
    box = page.locator("#question")
    kind = q["type"]
    if kind in ("multiple-choice", "true-false"):
        pick = q["correct"] if right else (q["correct"] + 1) % len(q["options"])
        box.locator("button").nth(pick).click()
    elif kind == "fill-blank" or (kind == "short-answer" and not q["versions"]):
        box.locator("input").fill(q["answer"].upper() + "." if right else "nothing like it")
        box.locator("button", has_text="Check").click()
    elif kind in ("matching", "according"):
        for i, select in enumerate(box.locator("select").all()):
            choice = q["correct"][i] if right else (q["correct"][i] + 1) % len(q["names"])
            select.select_option(str(choice))
        box.locator("button", has_text="Check").click()
    elif kind == "timeline":
        order = q["correct"] if right else list(reversed(q["correct"]))
        events = box.locator("button.choice")
        for i in order:
            events.nth(i).click()
        box.locator("button", has_text="Check").click()
    else:
        box.locator("button", has_text="Show the answer").click()
        page.locator("#feedback button", has_text="I had it" if right else "I missed it").click()


def test_quiz_in_headless_chromium(built, tmp_path):
    sync_api = _browser_or_skip()
    target = built.path(PAGE).resolve()
    url = target.as_uri()
    _, _, _, data = page_parts(built.read(PAGE))
    questions = data["questions"]
    requests, errors, dialogs = [], [], []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 390, "height": 844},
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
        )
        try:
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url)
            expected = 0
            missed = []
            for n, q in enumerate(questions):
                assert page.locator("#counter").text_content() == f"Question {n + 1} of {len(questions)}"
                # About two in three right; every false statement missed, so the review shows one.
                right = n % 3 != 1 and q.get("truth") is not False
                answer(page, q, right)
                expected += right
                if not right:
                    missed.append(q)
                feedback = page.locator("#feedback")
                assert feedback.is_visible()
                shown = feedback.text_content()
                if q["type"] != "source-analysis" and not (q["type"] == "short-answer" and q["versions"]):
                    assert ("Correct" if right else "Not quite") in shown
                for ref in q["references"]:  # the citation, with its source's publisher and stance
                    source = data["sources"][ref["id"]]
                    assert f"{source['title']} (" in shown and f"stance: {source['stance']}), {ref['locator']}" in shown
                    assert source["publisher"] in shown
                for v in q["versions"]:  # every version of a dispute, with its claimant
                    assert v["claimedBy"] in shown and v["claim"] in shown
                if "alert(1)" in q["prompt"]:  # hostile text shows as text
                    assert HOSTILE.replace("\u2028", " ")[:20] in page.locator("#question .prompt").text_content()
                if not (tmp_path / f"{q['type']}.png").exists():  # one screenshot per question type
                    page.screenshot(path=str(tmp_path / f"{q['type']}.png"), full_page=True)
                page.locator("#next").click()
            score = page.locator("#score")
            assert score.is_visible()
            assert f"{expected} of {len(questions)}" in score.text_content()
            page.screenshot(path=str(tmp_path / "score.png"), full_page=True)
            # The review lists each missed question with its answer; a false statement says it is false.
            review = page.locator("#score .review > li")
            assert review.count() == len(missed) and f"To review: {len(missed)} questions" in score.text_content()
            for item, q in zip(review.all(), missed):
                text = item.text_content()
                if q["type"] == "true-false":
                    assert text.startswith(f"“{q['prompt']}” — {'true' if q['truth'] else 'false'}")
                    if not q["truth"]:
                        assert f"The fact: {q['explanation']}" in text
                else:
                    assert "Answer: " in text
                    if q["type"] in ("multiple-choice",):
                        assert f"Answer: {q['options'][q['correct']]}" in text
                    if q["type"] == "fill-blank":
                        assert f"Answer: {q['answer']}" in text
            assert any(q["type"] == "true-false" and not q["truth"] for q in missed)  # else the test proves less
            # Tap targets are large enough for a finger.
            assert all(b.bounding_box()["height"] >= 44 for b in page.locator("#score button").all())
            # Retry the missed ones: a round of exactly those, answered right this time.
            page.locator("#score button", has_text=f"Retry the {len(missed)} missed ones").click()
            for n, q in enumerate(missed):
                assert page.locator("#counter").text_content() == f"Question {n + 1} of {len(missed)}"
                assert (
                    page.locator("#question .prompt")
                    .first.text_content()
                    .startswith((q.get("parts") or [q["prompt"]])[0].strip()[:20])
                )
                answer(page, q, True)
                page.locator("#next").click()
            assert f"{len(missed)} of {len(missed)}" in score.text_content()
            assert "To review" not in score.text_content()
        finally:
            context.close()
    assert errors == [] and dialogs == []
    assert requests == [url], requests  # the page itself and nothing else
    shots = os.environ.get("FACTDECK_SCREENSHOTS")
    if shots:  # keep the screenshots for a person to look at
        for shot in tmp_path.glob("*.png"):
            shutil.copy(shot, Path(shots) / f"web-quiz-{shot.name}")
