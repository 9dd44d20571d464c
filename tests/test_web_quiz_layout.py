"""The web quiz's layout as learners meet it, in headless Chromium: a readable column on a laptop (at most
90 characters a line at 1280 px), and on a 360x740 phone the Next control inside the screen after every
answer, with the keyboard focus on it and visible; axe-core on the answerable dispute items and the score
screen with its review."""

from __future__ import annotations

import pytest

from test_web_quiz import PAGE, answer, make_project, page_parts
from test_web_quiz_access import browser, new_page, serious  # noqa: F401 (the browser fixture)

LONGEST_LINE = """() => {
  // The most characters drawn on one line by any text of the question and its feedback.
  let most = 0;
  for (const root of [document.getElementById("question"), document.getElementById("feedback")]) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const lines = new Map();
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.parentElement.offsetParent) continue;  // hidden
      for (let i = 0; i < node.textContent.length; i++) {
        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
        const box = r.getBoundingClientRect();
        if (!box.width) continue;
        const key = node.parentElement.closest("p, li, label, button, blockquote, h2") ;
        const line = (key ? key.tagName + key.textContent.length : "") + ":" + Math.round(box.top);
        lines.set(line, (lines.get(line) || 0) + 1);
      }
    }
    for (const n of lines.values()) most = Math.max(most, n);
  }
  return most;
}"""


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("layout") / "proj")
    _, _, _, data = page_parts(project.read(PAGE))
    return project.path(PAGE).resolve().as_uri(), data["questions"]


def test_a_readable_column_at_1280_px(quiz, browser):  # noqa: F811
    url, questions = quiz
    page = new_page(browser, url, width=1280)
    try:
        longest = 0
        for q in questions:
            answer(page, q, right=False)  # the feedback, with its sources and every version, is the longest text
            longest = max(longest, page.evaluate(LONGEST_LINE))
            page.locator("#next").click()
        assert 60 <= longest <= 90, longest  # lines as long as a book's, not the whole screen's
        assert page.evaluate("document.querySelector('main').getBoundingClientRect().width") <= 41 * 18
    finally:
        page.context.close()


def test_the_next_control_is_on_screen_and_focused_after_every_answer_at_360_px(quiz, browser):  # noqa: F811
    url, questions = quiz
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1, has_touch=True)
    page = context.new_page()
    page.goto(url)
    try:
        tall = 0
        for n, q in enumerate(questions):
            answer(page, q, right=n % 2 == 0)
            tall = max(tall, page.evaluate("document.documentElement.scrollHeight"))
            box = page.locator("#next").bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 740, (q["type"], box)
            focus = page.evaluate(
                "() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return [e.id, s.outlineStyle, s.outlineWidth]; }"
            )
            assert focus == ["next", "solid", "3px"], (q["type"], focus)
            page.locator("#next").click()
        assert tall > 1400  # the feedback runs well below the screen: the test would prove nothing otherwise
    finally:
        context.close()


def test_axe_on_the_dispute_items_and_the_review(quiz, browser):  # noqa: F811
    url, questions = quiz
    assert any(q["type"] == "according" for q in questions)
    page = new_page(browser, url, bypass_csp=True)
    try:
        for q in questions:
            if q["type"] == "according":
                assert serious(page) == []
                # Check waits until every claimant has a choice: an empty row is not a wrong answer.
                assert page.locator("#question button", has_text="Check").is_disabled()
            answer(page, q, right=False)
            if q["type"] == "according":
                assert serious(page) == []
                shown = page.locator("#question").text_content()
                assert all(who in shown for who in q["items"])
                # A wrong row names the right answer as the answer, never as what was wrong.
                assert "wrong; the answer is " in shown
            page.locator("#next").click()
        assert page.locator("#score .review > li").count() == len(questions)
        assert serious(page) == []
        assert page.errors == []
    finally:
        page.context.close()
