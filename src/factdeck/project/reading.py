"""`factdeck read SOURCE`: an archived text shown block by block with each block's locator, so an editor reads
the source and collects citations in one place.

In the terminal each block is printed under its locator. As HTML (`--html FILE`) the page is self-contained
(no script or style from elsewhere, and a Content-Security-Policy that loads none; it works from a file
opened in any browser): each block has a "copy
citation" button that copies the block's citation as YAML ready to paste into a fact's `citations:`, and
selecting words inside a block shows a button that copies the citation of just that passage (cut to 40
words, with its locator and a TextQuoteSelector). The page's script does in the browser what `cite` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from jinja2 import Environment

from factdeck.project.cite import CONTEXT, MAX_WORDS, Candidate, Citer
from factdeck.records.locators import TextStructure


@dataclass(frozen=True)
class ReadingBlock:
    """One block as the reading view shows it, with the citation its button copies."""

    kind: str
    locator: str
    text: str
    citation: str  # YAML


def reading_blocks(source: str, raw: str) -> list[ReadingBlock]:
    """Every block of the archived text with its locator and the citation of its opening sentence(s)."""
    citer = Citer(source, raw)
    shown = []
    for block in citer.structure.blocks:
        found: Candidate | None = citer.candidate(block.start, block.start + 1, 100.0, True)
        citation = found.yaml() if found else ""
        shown.append(ReadingBlock(block.kind, block.locator, block.text, citation))
    return shown


def terminal_view(raw: str) -> list[tuple[str, str, str]]:
    """(locator, kind, text) of each block, for the terminal (cli_authoring.py prints them with rich)."""
    return [(b.locator, b.kind, b.text) for b in TextStructure(raw).blocks]


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>{{ title }} – factdeck reading view</title>
<style>
body { font: 17px/1.55 Georgia, serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1d; }
header p { font: 14px/1.4 system-ui, sans-serif; color: #555; }
.block { position: relative; margin: 0 0 1.1rem; padding-top: 1.3rem; }
.block.heading .text { font: bold 1.25rem/1.3 system-ui, sans-serif; }
.block.footnote .text, .block.line .text, .block.caption .text { font-size: 0.9rem; color: #333; }
.locator { position: absolute; top: 0; left: 0; font: 12px/1.3 system-ui, sans-serif; color: #2457a6; }
button { font: 12px system-ui, sans-serif; border: 1px solid #2457a6; color: #2457a6; background: #fff;
  border-radius: 4px; padding: 1px 6px; cursor: pointer; }
.block > button { position: absolute; top: 0; right: 0; }
button:focus-visible { outline: 2px solid #2457a6; outline-offset: 2px; }
#selection { position: absolute; display: none; z-index: 2; background: #2457a6; color: #fff; }
#status { position: fixed; bottom: 1rem; right: 1rem; font: 14px system-ui, sans-serif; background: #1d1d1d;
  color: #fff; padding: 4px 10px; border-radius: 4px; opacity: 0; transition: opacity .2s; }
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p>Source <code>{{ source }}</code>. Each block shows its locator. “Copy citation” copies a citation ready to
paste under a fact's <code>citations:</code>; select words in a block to copy the citation of just that
passage.</p>
</header>
<main>
{% for block in blocks %}<div class="block {{ block.kind }}" data-locator="{{ block.locator }}">
<span class="locator">{{ block.locator }}</span>
<button type="button" data-citation="{{ block.citation }}" aria-label="copy citation of {{ block.locator }}">copy citation</button>
<div class="text">{{ block.text }}</div>
</div>
{% endfor %}</main>
<button type="button" id="selection">copy citation of selection</button>
<div id="status" role="status" aria-live="polite"></div>
<script>
(function () {
  "use strict";
  var SOURCE = {{ source_json|safe }}, MAX_WORDS = {{ max_words }}, CONTEXT = {{ context }};
  var status = document.getElementById("status"), selButton = document.getElementById("selection");
  var pending = "";
  function say(text) { status.textContent = text; status.style.opacity = 1;
    setTimeout(function () { status.style.opacity = 0; }, 1600); }
  function fallbackCopy(text) {
    var area = document.createElement("textarea"); area.value = text; document.body.appendChild(area);
    area.select(); try { document.execCommand("copy"); say("citation copied"); } catch (e) { say("copy failed"); }
    document.body.removeChild(area);
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say("citation copied"); },
        function () { fallbackCopy(text); });
    } else { fallbackCopy(text); }
  }
  function scalar(text) { return JSON.stringify(text); }
  function squash(text) { return text.replace(/\\s+/g, " ").trim(); }
  // At most MAX_WORDS words, cut after the last clause mark within them when there is one.
  function cut(text) {
    var words = text.split(" ");
    if (words.length <= MAX_WORDS) { return text; }
    var kept = words.slice(0, MAX_WORDS).join(" "), mark = Math.max(kept.lastIndexOf(". "),
      kept.lastIndexOf("; "), kept.lastIndexOf(", "), kept.lastIndexOf(": "));
    return mark > kept.length / 2 ? kept.slice(0, mark + 1) : kept;
  }
  function citation(block, quote, prefix, suffix) {
    quote = quote.replace(/[\\s,;:\\u2014\\u2013-]+$/, "");
    // Indented as in a fact's citations: list (as `factdeck cite` prints it), to paste at a line's start.
    return "    - source: " + SOURCE + "\\n      locator: " + scalar(block.dataset.locator) + "\\n      quote: " +
      scalar(quote) + "\\n      selector: {prefix: " + scalar(prefix) + ", suffix: " + scalar(suffix) + "}\\n";
  }
  document.querySelectorAll(".block > button").forEach(function (button) {
    button.addEventListener("click", function () { copy(button.dataset.citation); });
  });
  function selected() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return null; }
    var range = selection.getRangeAt(0), node = range.startContainer;
    var element = node.nodeType === 1 ? node : node.parentElement;
    var text = element && element.closest(".text"), block = text && text.parentElement;
    if (!block) { return null; }
    var whole = text.textContent, before = document.createRange();
    before.setStart(text, 0); before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length;
    var quote = cut(squash(selection.toString().slice(0, whole.length - start)));
    if (!quote) { return null; }
    var at = whole.indexOf(quote.split(" ")[0], start);
    at = at < 0 ? start : at;
    var end = at + quote.length;
    return { block: block, range: range, text: citation(block, quote,
      squash(whole.slice(Math.max(0, at - CONTEXT * 2), at)).slice(-CONTEXT) + (/\\s/.test(whole.charAt(at - 1)) ? " " : ""),
      (/\\s/.test(whole.charAt(end)) ? " " : "") + squash(whole.slice(end, end + CONTEXT * 2)).slice(0, CONTEXT)) };
  }
  document.addEventListener("mouseup", function () {
    var found = selected();
    if (!found) { selButton.style.display = "none"; return; }
    pending = found.text;
    var box = found.range.getBoundingClientRect();
    selButton.style.top = (window.scrollY + box.bottom + 6) + "px";
    selButton.style.left = (window.scrollX + box.left) + "px";
    selButton.style.display = "block";
  });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey) { var found = selected(); if (found) { pending = found.text; selButton.style.display = "block";
      var box = found.range.getBoundingClientRect();
      selButton.style.top = (window.scrollY + box.bottom + 6) + "px";
      selButton.style.left = (window.scrollX + box.left) + "px"; } }
  });
  selButton.addEventListener("mousedown", function (event) { event.preventDefault(); });
  selButton.addEventListener("click", function () { copy(pending); selButton.style.display = "none"; });
})();
</script>
</body>
</html>
"""


def reading_page(source: str, title: str, raw: str) -> str:
    """The reading view as one self-contained HTML page (text escaped; the citations kept in attributes)."""
    template = Environment(autoescape=True).from_string(_PAGE)
    return template.render(
        source=source,
        source_json=json.dumps(source),
        title=title,
        blocks=reading_blocks(source, raw),
        max_words=MAX_WORDS,
        context=CONTEXT,
    )
