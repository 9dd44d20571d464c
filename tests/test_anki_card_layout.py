"""Card backs as a phone shows them: the cards Anki itself renders (the official `anki` package) from a package,
laid out by headless Chromium (Debian's `chromium`, through Playwright) at a phone's width."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageRequest
from conftest import Project

from test_web_quiz import CHROMIUM_ARGS, _browser_or_skip

APKG = "build/guild-history/guild-history.apkg"
# "Sources disagree about the number of the flood's dead.": a statement in Persian, read right to left.
PERSIAN = "منابع درباره شمار کشته‌های سیل اختلاف دارند."
PHONE = {"width": 360, "height": 740}
# Anki's reviewer (desktop and AnkiDroid) lays a card out at the device's width.
HEAD = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def rendered_backs(project: Project, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """(the note type's CSS, {card kind: the back's HTML as Anki renders it}) for the disputed fact's cards."""
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 0, result.output
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(project.path(APKG))))
        backs = {}
        for card_id in col.find_cards('"FactId:flood-deaths"'):
            card = col.get_card(card_id)
            kind = next(t for t in card.note().tags if t.startswith("card::"))
            backs[kind.removeprefix("card::")] = card.answer()
        css = card.note_type()["css"]
    finally:
        col.close()
    return css, backs


def test_a_disputed_back_lists_each_version_once_folded_and_fits_a_phone(project, tmp_path):
    sync_api = _browser_or_skip()
    project.replace(
        "facts/guild.yaml",
        "Sources disagree on how many guild members died in the 1927 flood.",
        PERSIAN,
    )
    css, backs = rendered_backs(project, tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=PHONE, is_mobile=True)
            page.set_content(
                f'<html><head>{HEAD}<style>{css}</style></head><body class="card">{backs["qa"]}</body></html>'
            )
            text = page.inner_text("body")
            # Each version once, with its claimant; its claim and citations folded until tapped.
            assert text.count("according to the chronicle") == 1
            assert text.count("according to the Rival Society pamphlet") == 1
            assert page.locator("details.fd-more[open]").count() == 0
            height = "document.querySelector('.fd-back').getBoundingClientRect().bottom"
            folded = page.evaluate(height)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            unfolded = page.evaluate(height)
            assert folded < 0.6 * unfolded, (folded, unfolded)
            # Nothing scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            # Text starts at its own start edge: an English line at the left, a Persian line at the right.
            assert page.evaluate("getComputedStyle(document.querySelector('.fd-statement')).textAlign") == "start"
            edges = page.evaluate(
                """() => {
                    const p = document.querySelector('.fd-statement');
                    const range = document.createRange(); range.selectNodeContents(p);
                    const text = range.getBoundingClientRect(), box = p.getBoundingClientRect();
                    const q = document.querySelector('.fd-summary');
                    const r2 = document.createRange(); r2.selectNodeContents(q);
                    return [box.right - text.right, r2.getBoundingClientRect().left - q.getBoundingClientRect().left];
                }"""
            )
            assert edges[0] < 2 and edges[1] < 2, edges
            # A version card opens its own version.
            page.set_content(
                f'<html><head>{HEAD}<style>{css}</style></head><body class="card">{backs["dispute"]}</body></html>'
            )
            assert page.locator("details.fd-more[open]").count() == 1
        finally:
            browser.close()


def test_an_english_claim_in_a_persian_card_keeps_its_full_stop_at_its_own_end(project, tmp_path):
    """In a Persian deck, a version's English claim (no translation yet) sits inside a Persian sentence
    ("according to X: claim"): its full stop stays after its last word, at the right, instead of taking the
    Persian paragraph's direction and landing at the run's left (UAX #9), as Chromium lays the card out."""
    sync_api = _browser_or_skip()
    project.replace("decks/all.yaml", "id: guild-history", "id: guild-history\nlanguage: fa")
    _, backs = rendered_backs(project, tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=PHONE, is_mobile=True)
            page.set_content(f'<html lang="fa" dir="rtl"><head>{HEAD}</head><body>{backs["dispute"]}</body></html>')
            assert page.evaluate("getComputedStyle(document.querySelector('.fd-according')).direction") == "rtl"
            stop, letter = page.evaluate(
                """() => {
                    const walker = document.createTreeWalker(document.querySelector('.fd-according'), NodeFilter.SHOW_TEXT);
                    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                        const at = node.data.indexOf('flood.');
                        if (at < 0) continue;
                        const box = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                                             return r.getBoundingClientRect().left; };
                        return [box(at + 5), box(at + 4)];
                    }
                    return null;
                }"""
            )
            assert stop > letter, "the full stop of the English claim is not after its last word"
        finally:
            browser.close()
