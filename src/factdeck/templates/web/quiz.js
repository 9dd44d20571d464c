// The self-check quiz. Every text comes from the JSON data block and is shown with textContent,
// never as markup, so no fact text can become part of the page.
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("quiz-data").textContent);
  var questions = data.questions;
  var KINDS = {
    "multiple-choice": "Multiple choice", "true-false": "True or false", "fill-blank": "Fill in the blank",
    "matching": "Matching", "timeline": "Timeline", "short-answer": "Short answer", "source-analysis": "Source analysis"
  };
  var $ = function (id) { return document.getElementById(id); };
  var state = { index: 0, results: [] };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function button(text, className, onClick) {
    var b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function normalize(text) {
    var words = String(text).toLocaleLowerCase().replace(/[^\p{L}\p{N}\s]/gu, " ").split(/\s+/).filter(Boolean);
    if (words.length && ["the", "a", "an"].indexOf(words[0]) >= 0) words.shift();
    return words.join(" ");
  }
  function citeText(refs) {
    return refs.map(function (r) { return r.source + ", " + r.locator; }).join("; ");
  }

  function showQuestion() {
    var q = questions[state.index];
    var box = $("question");
    clear(box);
    $("feedback").hidden = true;
    $("next").hidden = true;
    $("counter").textContent = "Question " + (state.index + 1) + " of " + questions.length;
    $("bar").style.width = (100 * state.index / questions.length) + "%";
    box.appendChild(el("p", "kind", KINDS[q.type] || q.type));
    var render = RENDER[q.type] || selfMarked;
    render(q, box);
    var first = box.querySelector("button, input, select");
    if (first) first.focus({ preventScroll: true });
    // The first question sits under the title; later ones scroll to the top of the card.
    if (state.index > 0) box.scrollIntoView({ block: "start" });
  }

  function choices(q, box) {
    box.appendChild(el("p", "prompt", q.prompt));
    var list = el("div", "choices");
    q.options.forEach(function (option, i) {
      list.appendChild(button(option, "choice", function () {
        var buttons = list.querySelectorAll("button");
        buttons.forEach(function (b) { b.disabled = true; });
        buttons[q.correct].classList.add("right");
        if (i !== q.correct) buttons[i].classList.add("wrong");
        answered(q, i === q.correct, i === q.correct ? null : q.options[q.correct]);
      }));
    });
    box.appendChild(list);
  }

  function fillBlank(q, box) {
    var prompt = el("p", "prompt");
    q.parts.forEach(function (part, i) {
      if (i > 0) prompt.appendChild(el("span", "blank", "_____"));
      prompt.appendChild(document.createTextNode(part));
    });
    box.appendChild(prompt);
    var label = el("label", null, "Your answer");
    var input = el("input");
    input.type = "text";
    input.autocomplete = "off";
    input.setAttribute("autocapitalize", "off");
    label.appendChild(input);
    box.appendChild(label);
    var check = button("Check", "primary", function () {
      input.disabled = true;
      check.hidden = true;
      var right = normalize(input.value) === normalize(q.answer);
      answered(q, right, right ? null : q.answer);
    });
    input.addEventListener("keydown", function (e) { if (e.key === "Enter" && !check.disabled) check.click(); });
    box.appendChild(check);
  }

  function matching(q, box) {
    box.appendChild(el("p", "prompt", q.prompt));
    var selects = q.items.map(function (text, i) {
      var row = el("div", "row");
      row.appendChild(el("p", null, (i + 1) + ". " + text));
      var select = el("select");
      select.setAttribute("aria-label", "Name for description " + (i + 1));
      select.appendChild(el("option", null, "Choose a name…")).value = "";
      q.names.forEach(function (name, j) { select.appendChild(el("option", null, name)).value = String(j); });
      row.appendChild(select);
      box.appendChild(row);
      return select;
    });
    var check = button("Check", "primary", function () {
      check.hidden = true;
      var wrong = 0;
      selects.forEach(function (select, i) {
        select.disabled = true;
        var ok = select.value === String(q.correct[i]);
        if (!ok) wrong += 1;
        select.classList.add(ok ? "right" : "wrong");
      });
      answered(q, wrong === 0, null, wrong ? wrong + " of " + selects.length + " wrong" : null);
    });
    box.appendChild(check);
  }

  function timeline(q, box) {
    box.appendChild(el("p", "prompt", q.prompt + " Tap the events in order."));
    var picked = [];
    var list = el("div", "choices");
    var check;
    var buttons = q.items.map(function (text, i) {
      var b = button("", "choice", function () {
        if (picked.indexOf(i) >= 0) return;
        picked.push(i);
        b.classList.add("picked");
        b.firstChild.textContent = picked.length + ".";
        check.disabled = picked.length < q.items.length;
      });
      b.appendChild(el("span", "order", ""));
      b.appendChild(document.createTextNode(text));
      list.appendChild(b);
      return b;
    });
    box.appendChild(list);
    var pair = el("div", "pair");
    var reset = button("Start over", "secondary", function () {
      picked = [];
      buttons.forEach(function (b) { b.classList.remove("picked"); b.firstChild.textContent = ""; });
      check.disabled = true;
    });
    check = button("Check", "primary", function () {
      pair.hidden = true;
      buttons.forEach(function (b) { b.disabled = true; });
      var right = picked.every(function (item, n) { return q.correct[n] === item; });
      buttons.forEach(function (b, i) { b.classList.add(q.correct.indexOf(i) === picked.indexOf(i) ? "right" : "wrong"); });
      answered(q, right, null);
    });
    check.disabled = true;
    pair.appendChild(reset);
    pair.appendChild(check);
    box.appendChild(pair);
  }

  function selfMarked(q, box) {
    box.appendChild(el("p", "prompt", q.prompt));
    (q.excerpts || []).forEach(function (e) {
      var quote = el("blockquote");
      quote.appendChild(el("p", null, "“" + e.quote + "”"));
      quote.appendChild(el("p", "cite", e.source + " (" + e.publisher + "; stance: " + e.stance + "), " + e.locator));
      box.appendChild(quote);
    });
    box.appendChild(el("p", "muted", "Answer in your head or on paper, then compare."));
    var show = button("Show the answer", "primary", function () {
      show.hidden = true;
      var feedback = answered(q, null, null);
      feedback.appendChild(el("p", "muted", "Did you have it?"));
      var pair = el("div", "pair");
      [["I had it", true], ["I missed it", false]].forEach(function (choice) {
        pair.appendChild(button(choice[0], "secondary", function () {
          pair.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
          this.classList.add(choice[1] ? "right" : "wrong");
          state.results[state.index] = choice[1];
          $("next").hidden = false;
          $("next").focus({ preventScroll: true });
        }));
      });
      feedback.appendChild(pair);
    });
    box.appendChild(show);
  }

  var RENDER = {
    "multiple-choice": choices, "true-false": choices, "fill-blank": fillBlank,
    "matching": matching, "timeline": timeline
  };

  // Feedback: the verdict (none for a self-marked question), the answer, why, where to read it, and
  // every version of a disputed fact with who claims it.
  function answered(q, right, correctAnswer, note) {
    var box = $("feedback");
    clear(box);
    if (right !== null) {
      state.results[state.index] = right;
      box.appendChild(el("p", "verdict " + (right ? "right" : "wrong"), right ? "Correct" : "Not quite" + (note ? " (" + note + ")" : "")));
    }
    if (correctAnswer !== null) box.appendChild(el("p", null, "Answer: " + correctAnswer));
    if (right === null && q.type !== "source-analysis") box.appendChild(el("p", null, "Answer: " + q.answer));
    if (q.key) {  // matching: numbered like the descriptions; timeline: in date order
      var list = el(q.type === "matching" ? "ol" : "ul", "list");
      q.key.forEach(function (item) {
        var li = el("li", null, item.answer + ": " + item.text);
        if (item.references.length) li.appendChild(el("span", "cite", " (" + citeText(item.references) + ")"));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    if (q.explanation && q.explanation !== q.summary) box.appendChild(el("p", null, q.explanation));
    if (q.references.length && !q.versions.length) box.appendChild(el("p", "cite", "Source: " + citeText(q.references)));
    if (q.versions.length) {
      var dispute = el("div", "dispute");
      dispute.appendChild(el("p", null, "Sources disagree" + (q.summary ? ": " + q.summary : ".")));
      var versions = el("ul");
      q.versions.forEach(function (v) {
        var li = el("li");
        li.appendChild(el("strong", null, v.claimedBy + ": "));
        li.appendChild(document.createTextNode(v.claim));
        if (v.references.length) li.appendChild(el("span", "cite", " (" + citeText(v.references) + ")"));
        versions.appendChild(li);
      });
      dispute.appendChild(versions);
      dispute.appendChild(el("p", null, q.type === "source-analysis"
        ? "Ask who wrote each source, and why they might see it that way. Learn every version and who makes it."
        : "Learn every version and who makes it."));
      box.appendChild(dispute);
    }
    box.hidden = false;
    if (right !== null) {
      $("next").hidden = false;
      $("next").focus({ preventScroll: true });
    }
    $("next").textContent = state.index + 1 < questions.length ? "Next question" : "See your score";
    return box;
  }

  function showScore() {
    $("question").hidden = true;
    $("feedback").hidden = true;
    $("next").hidden = true;
    $("bar").style.width = "100%";
    $("counter").textContent = "Finished";
    var box = $("score");
    clear(box);
    var right = state.results.filter(Boolean).length;
    box.appendChild(el("h2", null, "Your score"));
    box.appendChild(el("p", "big", right + " of " + questions.length));
    box.appendChild(el("p", "muted", Math.round(100 * right / questions.length) + "% correct"));
    var missed = questions.filter(function (q, i) { return !state.results[i]; });
    if (missed.length) {
      box.appendChild(el("p", null, "To review:"));
      var list = el("ul", "list");
      missed.forEach(function (q) { list.appendChild(el("li", null, q.type === "fill-blank" ? q.parts.join("_____") : q.prompt)); });
      box.appendChild(list);
    }
    box.appendChild(button("Try again", "primary", function () {
      state = { index: 0, results: [] };
      box.hidden = true;
      $("question").hidden = false;
      showQuestion();
      window.scrollTo(0, 0);
    }));
    box.hidden = false;
    box.scrollIntoView({ block: "start" });
  }

  $("next").addEventListener("click", function () {
    state.index += 1;
    if (state.index < questions.length) showQuestion(); else showScore();
  });
  showQuestion();
})();
