// The self-check quiz. Every text comes from the JSON data block and is shown with textContent,
// never as markup, so no fact text can become part of the page.
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("quiz-data").textContent);
  var questions = data.questions;
  var sources = data.sources || {};
  // Every word the page shows comes in the data block, in the page's language (outputs/web/messages.py).
  var T = data.messages;
  var KINDS = T.kinds;
  // A number in the page's digits, and a message with its %(name)s placeholders filled.
  function num(n) { return String(n).replace(/[0-9]/g, function (d) { return T.digits.charAt(+d); }); }
  function fill(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (all, name) {
      var value = values[name];
      return typeof value === "number" ? num(value) : String(value);
    });
  }
  function labelled(label, value) { return fill(T.labelled, { label: label, value: value }); }
  // Right-to-left runs, as the cards and worksheets isolate them (factdeck/text/bidi.py gives the patterns).
  var BIDI = {
    rtl: new RegExp(data.bidi.rtl, "gu"), ltr: new RegExp(data.bidi.ltr, "gu"),
    rtlRun: new RegExp(data.bidi.rtlRun, "gu"), ltrRun: new RegExp(data.bidi.ltrRun, "gu")
  };
  var $ = function (id) { return document.getElementById(id); };
  // One round: the questions asked (indexes into `questions`, all of them or the missed ones again), where
  // the learner is, and each question's result by its index.
  function allQuestions() { return questions.map(function (q, i) { return i; }); }
  var state = { order: allQuestions(), index: 0, results: [] };
  function current() { return questions[state.order[state.index]]; }

  function count(pattern, text) { return (text.match(pattern) || []).length; }
  // "rtl" for a Persian or Arabic text, "ltr" for an English one that may hold Persian runs.
  function direction(text) {
    var strong = new RegExp("(?:" + data.bidi.rtl + ")|(?:" + data.bidi.ltr + ")", "u").exec(text);
    if (!strong || !new RegExp(data.bidi.rtl, "u").test(strong[0])) return "ltr";
    return count(BIDI.rtl, text) >= count(BIDI.ltr, text) ? "rtl" : "ltr";
  }
  // Append `text` to `node`, each run of the other direction in its own isolating <span dir>.
  function appendText(node, text) {
    text = String(text);
    var dir = direction(text);
    var runs = dir === "rtl" ? BIDI.ltrRun : BIDI.rtlRun;
    var other = dir === "rtl" ? "ltr" : "rtl";
    var last = 0;
    runs.lastIndex = 0;
    if (new RegExp(data.bidi.rtl, "u").test(text)) {
      var match;
      while ((match = runs.exec(text)) !== null) {
        if (match.index > last) node.appendChild(document.createTextNode(text.slice(last, match.index)));
        var span = document.createElement("span");
        span.dir = other;
        span.textContent = match[0];
        node.appendChild(span);
        last = match.index + match[0].length;
      }
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return dir;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.dir = appendText(node, text);
    return node;
  }
  function button(text, className, onClick) {
    var b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  // A visible mark beside an answer, so right and wrong never rest on colour alone.
  function mark(node, right, text) {
    node.classList.add(right ? "right" : "wrong");
    node.appendChild(el("span", "mark", (right ? "✓ " : "✗ ") + text));
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  // Answers compare after Unicode NFC normalization and case folding, without punctuation or a leading article.
  function normalize(text) {
    var folded = String(text).normalize("NFC").toUpperCase().toLowerCase();  // upper, then lower: ß as ss
    // Persian and Arabic digits as ASCII ones, Arabic yeh and kaf as the Persian letters: one answer, however typed.
    folded = folded.replace(/[\u06F0-\u06F9]/g, function (d) { return String(d.charCodeAt(0) - 0x06F0); })
      .replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/\u064A/g, "\u06CC").replace(/\u0643/g, "\u06A9");
    var words = folded.replace(/[^\p{L}\p{M}\p{N}\s]/gu, " ").split(/\s+/).filter(Boolean);
    if (words.length && ["the", "a", "an"].indexOf(words[0]) >= 0) words.shift();
    return words.join(" ");
  }
  // Accents on Latin letters are forgiven: "Bāhonar" accepts "Bahonar" (other scripts' marks are kept).
  function unaccented(text) {
    return text.normalize("NFD").replace(/([a-z])\p{M}+/gu, "$1").normalize("NFC");
  }
  // The answer as given, and without a bracketed note: "Karim Jafari (کریم جعفری)" accepts "Karim Jafari";
  // with the fact's other accepted answers (`accept:` in its record).
  function accepted(q) {
    var forms = [];
    [q.answer].concat(q.accepted || []).forEach(function (answer) {
      forms.push(normalize(answer), normalize(String(answer).replace(/\s*[(\[][^)\]]*[)\]]/g, " ")));
    });
    return forms.filter(Boolean).map(unaccented);
  }
  function isAccepted(q, typed) { return accepted(q).indexOf(unaccented(normalize(typed))) >= 0; }
  function sourceText(ref) {
    var s = sources[ref.id];
    if (!s) return ref.source;
    var about = [s.author, s.publisher, fill(T.stance, { stance: T.stances[s.stance] || s.stance })].filter(Boolean).join(T.listSeparator);
    return s.title + " (" + about + ")";
  }
  function citeText(refs) {
    return refs.map(function (r) { return sourceText(r) + ", " + r.locator; }).join(T.listSeparator);
  }
  // The status element is announced when its text changes: the same verdict twice in a row differs by a
  // trailing no-break space, so it is announced again.
  function announce(text) {
    var status = $("status");
    status.textContent = text + (status.textContent.slice(-1) === "\u00a0" ? "" : "\u00a0");
  }

  function showQuestion() {
    var q = current();
    var box = $("body");
    clear(box);
    $("feedback").hidden = true;
    $("next").hidden = true;
    $("counter").textContent = fill(T.counter, { n: state.index + 1, total: state.order.length });
    $("bar").style.width = (100 * state.index / state.order.length) + "%";
    box.appendChild(el("p", "kind", KINDS[q.type] || q.type));
    var render = RENDER[q.type] || selfMarked;
    render(q, box);
    if (state.index > 0) {
      // Keyboard and screen-reader users land on the new question's heading, then Tab to its answers.
      $("counter").focus({ preventScroll: true });
      $("question").scrollIntoView({ block: "start" });
    }
  }

  function choices(q, box) {
    box.appendChild(el("p", "prompt", q.prompt));
    var list = el("div", "choices");
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", T.answers);
    q.options.forEach(function (option, i) {
      list.appendChild(button(option, "choice", function () {
        var buttons = list.querySelectorAll("button");
        buttons.forEach(function (b) { b.disabled = true; });
        mark(buttons[q.correct], true, i === q.correct ? T.yourAnswerRight : T.rightAnswer);
        if (i !== q.correct) mark(buttons[i], false, T.yourAnswer);
        answered(q, i === q.correct, i === q.correct ? null : q.options[q.correct]);
      }));
    });
    box.appendChild(list);
  }

  function fillBlank(q, box) {
    var prompt = el("p", "prompt");
    prompt.dir = appendText(prompt, q.parts ? q.parts.join(" _____ ") : q.prompt);
    box.appendChild(prompt);
    var label = el("label", null, T.yourAnswerLabel);
    var input = document.createElement("input");
    input.type = "text";
    input.autocomplete = "off";
    input.dir = "auto";
    input.setAttribute("autocapitalize", "off");
    input.setAttribute("spellcheck", "false");
    label.appendChild(input);
    box.appendChild(label);
    var check = button(T.check, "primary", function () {
      input.disabled = true;
      check.hidden = true;
      var right = isAccepted(q, input.value);
      mark(label, right, right ? T.right : T.notTheAnswer);
      var feedback = answered(q, right, right ? null : q.answer);
      if (!right && q.type === "short-answer" && input.value.trim()) {
        // A short answer in the learner's own words may be right in other words: they may count it.
        var own = button(T.countIt, "secondary", function () {
          own.disabled = true;
          state.results[state.order[state.index]] = true;
          mark(own, true, T.countedRight);
          announce(T.countedRightNow);
          $("next").focus({ preventScroll: true });
        });
        feedback.insertBefore(own, feedback.children[1] || null);
      }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || check.hidden) return;
      e.preventDefault();  // else the Enter goes on to press the Next button that takes the focus
      check.click();
    });
    box.appendChild(check);
  }

  function matching(q, box) {
    box.appendChild(el("p", "prompt", q.prompt));
    var selects = q.items.map(function (text, i) {
      var row = el("div", "row");
      var id = "match-" + state.index + "-" + i;
      var label = el("label", null, q.type === "according" ? text : fill(T.numbered, { n: i + 1 }) + " " + text);
      label.htmlFor = id;
      row.appendChild(label);
      var select = document.createElement("select");
      select.id = id;
      select.appendChild(el("option", null, q.type === "according" ? T.chooseTheirAnswer : T.chooseName)).value = "";
      q.names.forEach(function (name, j) { select.appendChild(el("option", null, name)).value = String(j); });
      row.appendChild(select);
      box.appendChild(row);
      // Check waits for a choice in every row: an empty row is not an answer to mark wrong.
      select.addEventListener("change", function () {
        check.disabled = selects.some(function (s) { return s.value === ""; });
      });
      return select;
    });
    var check = button(T.check, "primary", function () {
      check.hidden = true;
      var wrong = 0;
      selects.forEach(function (select, i) {
        select.disabled = true;
        var ok = select.value === String(q.correct[i]);
        if (!ok) wrong += 1;
        mark(select.parentNode, ok, ok ? T.right : fill(T.wrongName, { name: q.names[q.correct[i]] }));
      });
      answered(q, wrong === 0, null, wrong ? fill(T.wrongOf, { wrong: wrong, total: selects.length }) : null);
    });
    check.disabled = true;
    box.appendChild(check);
  }

  function timeline(q, box) {
    box.appendChild(el("p", "prompt", q.prompt));
    box.appendChild(el("p", "muted", T.oneAtATime));
    var picked = [];
    var list = el("div", "choices");
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", T.events);
    var check;
    var buttons = q.items.map(function (text, i) {
      var b = button("", "choice", function () {
        if (picked.indexOf(i) >= 0) return;
        picked.push(i);
        b.classList.add("picked");
        b.firstChild.textContent = fill(T.numbered, { n: picked.length });
        b.setAttribute("aria-pressed", "true");
        check.disabled = picked.length < q.items.length;
      });
      b.setAttribute("aria-pressed", "false");
      b.appendChild(el("span", "order", ""));
      b.dir = appendText(b, text);
      list.appendChild(b);
      return b;
    });
    box.appendChild(list);
    var pair = el("div", "pair");
    var reset = button(T.startOver, "secondary", function () {
      picked = [];
      buttons.forEach(function (b) {
        b.classList.remove("picked");
        b.firstChild.textContent = "";
        b.setAttribute("aria-pressed", "false");
      });
      check.disabled = true;
    });
    check = button(T.check, "primary", function () {
      pair.hidden = true;
      buttons.forEach(function (b) { b.disabled = true; });
      var right = picked.every(function (item, n) { return q.correct[n] === item; });
      buttons.forEach(function (b, i) {
        var place = q.correct.indexOf(i);
        mark(b, place === picked.indexOf(i), fill(T.placeNumber, { n: place + 1 }));
      });
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
      quote.appendChild(el("p", null, fill(T.quoted, { text: e.quote })));
      quote.appendChild(el("p", "cite", sourceText({ id: e.id, source: e.source }) + ", " + e.locator));
      box.appendChild(quote);
    });
    box.appendChild(el("p", "muted", T.inYourHead));
    var show = button(T.showAnswer, "primary", function () {
      show.hidden = true;
      var feedback = answered(q, null, null);
      feedback.appendChild(el("p", "muted", T.didYouHaveIt));
      var pair = el("div", "pair");
      [[T.hadIt, true], [T.missedIt, false]].forEach(function (choice) {
        pair.appendChild(button(choice[0], "secondary", function () {
          pair.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
          mark(this, choice[1], T.yourChoice);
          state.results[state.order[state.index]] = choice[1];
          announce(choice[1] ? T.markedRight : T.markedMissed);
          $("next").hidden = false;
          $("next").focus({ preventScroll: true });
        }));
      });
      feedback.appendChild(pair);
      pair.querySelector("button").focus({ preventScroll: true });
    });
    box.appendChild(show);
  }

  // A short answer is typed, unless the fact is disputed (then every version is the answer: self-marked).
  function shortAnswer(q, box) { (q.versions.length ? selfMarked : fillBlank)(q, box); }

  var RENDER = {
    "multiple-choice": choices, "true-false": choices, "fill-blank": fillBlank, "short-answer": shortAnswer,
    "matching": matching, "timeline": timeline, "according": matching
  };

  // Feedback: the verdict (none for a self-marked question), the answer, why, where to read it, and
  // every version of a disputed fact with who claims it. The status element announces the verdict.
  function answered(q, right, correctAnswer, note) {
    var box = $("feedback");
    clear(box);
    if (right !== null) {
      state.results[state.order[state.index]] = right;
      var verdict = right ? T.correct : (note ? fill(T.notQuiteWhy, { note: note }) : T.notQuite);
      box.appendChild(el("p", "verdict " + (right ? "right" : "wrong"), verdict));
      announce((right ? T.correctNow : T.notQuiteNow) + (correctAnswer !== null ? " " + fill(T.theAnswerIs, { answer: correctAnswer }) : ""));
    } else {
      announce(T.answerBelow);
    }
    if (correctAnswer !== null) box.appendChild(el("p", null, fill(T.answer, { answer: correctAnswer })));
    if (right === null && q.type !== "source-analysis") box.appendChild(el("p", null, fill(T.answer, { answer: q.answer })));
    if (q.type === "true-false" && q.truth === false) box.appendChild(el("p", null, fill(T.statementFalse, { fact: q.explanation })));
    if (q.key) {  // matching: numbered like the descriptions; timeline: in date order
      var list = el(q.type === "matching" ? "ol" : "ul", "list");
      q.key.forEach(function (item) {
        var li = el("li", null, labelled(item.answer, item.text));
        if (item.references.length) li.appendChild(el("span", "cite", " (" + citeText(item.references) + ")"));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    if (q.explanation && q.explanation !== q.summary) box.appendChild(el("p", null, q.explanation));
    if (q.references.length && !q.versions.length) box.appendChild(el("p", "cite", fill(T.source, { sources: citeText(q.references) })));
    if (q.versions.length) {
      var dispute = el("div", "dispute");
      dispute.appendChild(el("p", null, q.summary ? fill(T.disagree, { summary: q.summary }) : T.disagreeAlone));
      var versions = el("ul");
      q.versions.forEach(function (v) {
        var li = el("li");
        li.appendChild(el("strong", null, fill(T.labelled, { label: v.claimedBy, value: "" })));
        li.appendChild(el("span", null, v.claim));
        if (v.references.length) li.appendChild(el("span", "cite", " (" + citeText(v.references) + ")"));
        versions.appendChild(li);
      });
      dispute.appendChild(versions);
      if (q.reason) dispute.appendChild(el("p", null, "Why they may differ (" + q.reason.label + "): " + q.reason.why));
      if ((q.otherReferences || []).length) {
        dispute.appendChild(el("p", "cite", fill(T.alsoCited, { sources: citeText(q.otherReferences) })));
      }
      dispute.appendChild(el("p", null, q.type === "source-analysis"
        ? T.askWhoWrote
        : T.learnEvery));
      box.appendChild(dispute);
    }
    box.hidden = false;
    if (right !== null) {
      $("next").hidden = false;
      $("next").focus({ preventScroll: true });  // the bar holding it stays in view (quiz.css)
    }
    $("next").textContent = state.index + 1 < state.order.length ? T.nextQuestion : T.seeScore;
    return box;
  }

  // What a missed question asked, as the review lists it: a false statement is marked as false.
  function reviewItem(q) {
    var li = el("li");
    var asked = q.type === "fill-blank" ? q.parts.join("_____") : q.prompt;
    if (q.type === "true-false") {
      li.appendChild(el("p", null, fill(q.truth ? T.isTrue : T.isFalse, { statement: asked })));
      if (q.truth === false) li.appendChild(el("p", "muted", fill(T.theFact, { fact: q.explanation })));
      return li;
    }
    li.appendChild(el("p", null, asked));
    var answer;
    if (q.key) {
      answer = q.key.map(function (item) { return labelled(item.answer, item.text); }).join(T.listSeparator);
    } else if (q.type === "according") {
      answer = q.items.map(function (who, i) { return labelled(who, q.names[q.correct[i]]); }).join(T.listSeparator);
    } else if (q.versions.length) {
      answer = q.versions.map(function (v) { return labelled(v.claimedBy, v.answer); }).join(T.listSeparator);
    } else {
      answer = q.options ? q.options[q.correct] : q.answer;
    }
    li.appendChild(el("p", "muted", fill(T.answer, { answer: answer })));
    return li;
  }

  function startRound(order) {
    state = { order: order, index: 0, results: state.results };
    order.forEach(function (i) { delete state.results[i]; });
    $("score").hidden = true;
    $("question").hidden = false;
    showQuestion();
    $("counter").focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function showScore() {
    $("question").hidden = true;
    $("feedback").hidden = true;
    $("next").hidden = true;
    $("bar").style.width = "100%";
    var box = $("score");
    clear(box);
    var asked = state.order;
    var right = asked.filter(function (i) { return state.results[i]; }).length;
    var title = el("h2", null, T.yourScore);
    title.id = "score-title";
    title.tabIndex = -1;
    box.appendChild(title);
    box.appendChild(el("p", "big", fill(T.scoreOf, { right: right, total: asked.length })));
    box.appendChild(el("p", "muted", fill(T.percentCorrect, { percent: num(Math.round(100 * right / asked.length)) + T.percentSign })));
    var missed = asked.filter(function (i) { return !state.results[i]; });
    if (missed.length) {
      box.appendChild(el("h3", null, fill(T.toReview[missed.length], { n: missed.length })));
      var list = el("ol", "list review");
      missed.forEach(function (i) { list.appendChild(reviewItem(questions[i])); });
      box.appendChild(list);
      var retry = fill(T.retry[missed.length], { n: missed.length });
      box.appendChild(button(retry, "primary", function () { startRound(missed); }));
    }
    box.appendChild(button(T.startAgain, missed.length ? "secondary" : "primary", function () {
      state.results = [];
      startRound(allQuestions());
    }));
    box.hidden = false;
    announce(fill(T.finished, { right: right, total: asked.length }));
    title.focus({ preventScroll: true });
    box.scrollIntoView({ block: "start" });
  }

  $("next").addEventListener("click", function () {
    state.index += 1;
    if (state.index < state.order.length) showQuestion(); else showScore();
  });
  showQuestion();
})();
