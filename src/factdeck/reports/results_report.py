"""The files `factdeck results` writes into `<results>/<deck>/`: report.html (with matplotlib plots),
items.csv, facts.csv, flags.txt (each flag as `file:line: message`), missed-facts-anki-search.txt and
focus.txt (the fact ids the next meeting pack can focus on, hardest first)."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from factdeck.reports.results import MIN_STUDENTS, UPPER_SHARE, FactStats, ItemStats, anki_search, missed_facts


def flag_lines(items: list[ItemStats], facts: list[FactStats]) -> list[str]:
    """Each flag as `file:line: fact id, question id: message`."""
    where = {f.id: f"{f.file}:{f.line}" for f in facts}
    lines = []
    for item in items:
        for flag in item.flags:
            fact = item.facts[0] if item.facts else ""
            lines.append(f"{where.get(fact, '?')}: {fact} (question {item.id}): {flag}")
    for f in facts:
        if f in missed_facts(facts):
            lines.append(
                f"{f.file}:{f.line}: {f.id}: missed by most of the class ({f.correct} of {f.answered} answers right)"
            )
    return lines


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _plots(items: list[ItemStats]) -> tuple[str, str]:
    """Two SVG plots: difficulty against discrimination, and each question's option bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [i for i in items if i.difficulty is not None]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter([i.difficulty or 0.0 for i in shown], [i.discrimination or 0.0 for i in shown], color="#2a5d8f")
    for i in shown:
        ax.annotate(i.id, (i.difficulty, i.discrimination or 0), fontsize=7, alpha=0.8)
    ax.axhline(0, color="#999", lw=0.8)
    ax.set_xlabel("difficulty (share correct)")
    ax.set_ylabel("discrimination (corrected point-biserial)")
    ax.set_xlim(-0.05, 1.05)
    scatter = _svg(fig, plt)
    rows = max(1, len(shown))
    fig, axes = plt.subplots(rows, 1, figsize=(6, 1.1 * rows + 0.4), squeeze=False)
    for ax, i in zip(axes[:, 0], shown):
        labels = [("\u2713 " if k == i.key else "") + o[:40] for k, o in enumerate(i.options)]
        ax.barh(labels, i.counts, color=["#3c8d3c" if k == i.key else "#b0b0b0" for k in range(len(i.options))])
        ax.set_title(i.id, fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        ax.invert_yaxis()
    fig.tight_layout()
    return scatter, _svg(fig, plt)


def _svg(fig, plt) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg") :]


def write_report(
    folder: Path, deck_name: str, items: list[ItemStats], facts: list[FactStats], students: int
) -> list[Path]:
    """Write the report's files into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    flags = flag_lines(items, facts)
    missed = missed_facts(facts)
    files = {
        "items.csv": _csv(
            [
                [
                    "question",
                    "type",
                    "facts",
                    "stem",
                    "answered",
                    "correct",
                    "difficulty",
                    "discrimination",
                    "options",
                    "flags",
                ]
            ]
            + [
                [
                    i.id,
                    i.type,
                    " ".join(i.facts),
                    i.stem,
                    i.answered,
                    i.correct,
                    "" if i.difficulty is None else f"{i.difficulty:.3f}",
                    "" if i.discrimination is None else f"{i.discrimination:.3f}",
                    " | ".join(
                        f"{o}{' (key)' if k == i.key else ''}: {c}" for k, (o, c) in enumerate(zip(i.options, i.counts))
                    ),
                    " | ".join(i.flags),
                ]
                for i in items
            ]
        ),
        "facts.csv": _csv(
            [["fact", "file", "line", "answered", "correct", "difficulty"]]
            + [
                [f.id, f.file, f.line, f.answered, f.correct, "" if f.difficulty is None else f"{f.difficulty:.3f}"]
                for f in facts
            ]
        ),
        "flags.txt": "".join(line + "\n" for line in flags),
        "missed-facts-anki-search.txt": anki_search(deck_name, [f.id for f in missed]) + "\n",
        "focus.txt": "".join(f.id + "\n" for f in missed),
    }
    scatter, bars = _plots(items)
    rows = "".join(
        f"<tr><td>{html.escape(i.id)}<br><small>{html.escape(i.stem)}</small></td><td>{i.answered}</td><td>{'' if i.difficulty is None else f'{i.difficulty:.2f}'}</td>"
        f"<td>{'' if i.discrimination is None else f'{i.discrimination:.2f}'}</td>"
        f"<td>{'<br>'.join(html.escape(x) for x in i.flags)}</td></tr>"
        for i in items
    )
    files["report.html"] = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Results: {html.escape(deck_name)}</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}</style>"
        f"</head><body><h1>Results: {html.escape(deck_name)}</h1><p>{students} answer sheets. A question is "
        f"flagged only once {MIN_STUDENTS} or more students have answered it; the upper group is the "
        f"{round(UPPER_SHARE * 100)}% of students with the highest scores on the other questions.</p>"
        "<h2>What to act on</h2><ul>"
        + "".join(f"<li>{html.escape(line)}</li>" for line in flags)
        + "</ul><h2>Facts to revisit</h2><p>Anki search for a filtered deck:</p><pre>"
        + html.escape(files["missed-facts-anki-search.txt"])
        + f"</pre><h2>Difficulty and discrimination</h2><figure>{scatter}<figcaption>Each question: share correct "
        "against corrected point-biserial discrimination.</figcaption></figure>"
        "<h2>Questions</h2><table><tr><th>question</th><th>answered</th><th>difficulty</th><th>discrimination</th>"
        f"<th>flags</th></tr>{rows}</table><h2>Options chosen</h2><figure>{bars}<figcaption>How often each option "
        "was chosen; the key is ticked.</figcaption></figure></body></html>\n"
    )
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written
