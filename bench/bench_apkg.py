"""`factdeck build DECK --format apkg` against bare genanki scripts that parse the same YAML and write the notes.

Usage: python bench/bench_apkg.py [--sizes 1000,10000] [--repeat 3] [--cache DIR]
Two baselines, each a single process, run back to back with factdeck (one core and its default):
- plain: the notes factdeck makes (a question card per fact, a reverse card for names, a cloze where the
  answer occurs in the statement, a card per dispute version) with short escaped fields, in one deck;
- same fields: the same notes with factdeck's own note types (eight and seven fields), the fields factdeck
  writes (the question, the answer or every version, the whole back with the statement, the attribution,
  every version and citation under its source's name, title, stance and perspective, the era and date), its
  tags, and one subdeck per era; made with f-strings and html.escape, i.e. what the cheapest code that writes
  factdeck's content costs through genanki.
The table shows the note counts of all three so a difference is visible. factdeck is measured cold (no
build/ folder, empty caches), with the project's release record in place; a rebuild is bench_rebuild.py.

Three more rows split a cold build into what it must do, each its own fresh process taking turns with the rest:
- parse + schema models: factdeck's own parse of the same files with every record made into its schema model
  (pydantic), what a build does before any rule (bench_check.py has it too);
- bare C loader: the baselines' own parse of the same files with PyYAML's C loader, alone, so the part of
  each baseline that is writing is its figure less this one;
- apkg, validation kept: the same build with the caches a cold build left (every file's validated
  records kept) and no build/ folder: what making and writing every note costs, with start-up.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from pathlib import Path

from common import (
    PARSE_AND_MODELS,
    Command,
    arguments,
    factdeck,
    load,
    machine,
    measure,
    private_parse_cache,
    project,
    python,
    remove,
    report,
    sizes,
    with_jobs,
)

# The baselines' parse alone: the same files (facts/part-*.yaml) with the same loader.
BARE_PARSE = """
import glob, sys, yaml
for name in sorted(glob.glob(sys.argv[1] + '/facts/part-*.yaml')):
    with open(name, 'rb') as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""

PLAIN = r"""
import glob, html, sys, genanki, yaml
root, out = sys.argv[1], sys.argv[2]
card = genanki.Model(1607392319, 'card', fields=[{'name': n} for n in ('Front', 'Answer', 'Details', 'FactId')],
                     templates=[{'name': 'Card', 'qfmt': '{{Front}}', 'afmt': '{{Answer}}<hr>{{Details}}'}])
cloze = genanki.Model(1607392320, 'cloze', fields=[{'name': n} for n in ('Text', 'Details', 'FactId')],
                      templates=[{'name': 'Cloze', 'qfmt': '{{cloze:Text}}', 'afmt': '{{cloze:Text}}<br>{{Details}}'}],
                      model_type=genanki.Model.CLOZE)
deck = genanki.Deck(2059400110, 'All')
e = html.escape
for name in sorted(glob.glob(root + '/facts/part-*.yaml')):
    with open(name, 'rb') as f:
        facts = yaml.load(f, Loader=yaml.CSafeLoader)
    for fact in facts:
        details = e(fact['statement']) + ''.join('<br>' + e(c['source']) + ': ' + e(c['quote']) for c in fact['citations'])
        fid = fact['id']
        deck.add_note(genanki.Note(model=card, fields=[e(fact['question']), e(fact['answer']), details, fid],
                                   guid=genanki.guid_for(fid, 'qa'), tags=fact.get('tags', [])))
        if fact.get('dispute'):
            for v in fact['dispute']['versions']:
                deck.add_note(genanki.Note(model=card, fields=['According to ' + e(v['claimed_by']) + ': ' + e(fact['question']),
                                                               e(v['answer']), e(v['claim']), fid],
                                           guid=genanki.guid_for(fid, 'dispute', v['id']), tags=fact.get('tags', [])))
            continue
        if fact['kind'] in ('person', 'place', 'organization', 'term'):
            deck.add_note(genanki.Note(model=card, fields=[e(fact['answer']), e(fact['question']), details, fid],
                                       guid=genanki.guid_for(fid, 'reverse'), tags=fact.get('tags', [])))
        at = fact['statement'].lower().find(fact['answer'].lower())
        if at >= 0:
            s, a = fact['statement'], len(fact['answer'])
            text = e(s[:at]) + '{{c1::' + e(s[at:at + a]) + '}}' + e(s[at + a:])
            deck.add_note(genanki.Note(model=cloze, fields=[text, details, fid],
                                       guid=genanki.guid_for(fid, 'cloze'), tags=fact.get('tags', [])))
genanki.Package(deck).write_to_file(out)
"""

# The same notes with factdeck's fields, tags and subdecks (see the module docstring).
SAME_FIELDS = r"""
import glob, html, sys, genanki, yaml
root, out = sys.argv[1], sys.argv[2]
spares = [{'name': f'Spare{i}'} for i in range(1, 5)]
card = genanki.Model(1607392319, 'factdeck-card', fields=[{'name': n} for n in ('Front', 'Answer', 'Details', 'FactId')] + spares,
                     templates=[{'name': 'Card', 'qfmt': '{{Front}}', 'afmt': '{{Answer}}<hr>{{Details}}'}])
cloze = genanki.Model(1607392320, 'factdeck-cloze', fields=[{'name': n} for n in ('Text', 'Details', 'FactId')] + spares,
                      templates=[{'name': 'Cloze', 'qfmt': '{{cloze:Text}}', 'afmt': '{{cloze:Text}}<br>{{Details}}'}],
                      model_type=genanki.Model.CLOZE)
e = html.escape
load = lambda path: yaml.load(open(path, 'rb'), Loader=yaml.CSafeLoader)
sources = {s['id']: s for s in load(root + '/facts/sources.yaml')}
eras = {era['id']: era for era in load(root + '/facts/eras.yaml')}
decks = {i: genanki.Deck(2059400111 + k, f"All::{era['start']}–{era['end']} {era['title']}") for k, (i, era) in enumerate(eras.items())}
PROMPTS = {'person': 'Who is this person, and what part do they play in the history?', 'place': 'What place is this, and what happened there?',
           'organization': 'What is this organization, and what part does it play in the history?', 'term': 'What does this term mean in the history?'}
SPARE = [''] * 4

def citations(items):
    by_source = {}
    for c in items:
        by_source.setdefault(c['source'], []).append(c)
    out = ['<ul class="fd-sources">']
    for sid, cited in by_source.items():
        s = sources[sid]
        out.append(f'<li class="fd-source"><div class="fd-source-head" dir="auto"><strong>{e(s["short_name"])}</strong>: <cite>{e(s["title"])}</cite>, '
                   f'{e(s["publisher"])} · {s["kind"]} <span class="fd-stance fd-stance-{s["stance"]}">{s["stance"]}</span></div>'
                   f'<div class="fd-perspective" dir="auto">{e(s["perspective"])}</div>')
        for c in cited:
            out.append(f'<div class="fd-citation" dir="auto"><span class="fd-locator">{e(c["locator"])}</span>: <q>{e(c["quote"])}</q></div>')
        out.append('</li>')
    out.append('</ul>')
    return '\n'.join(out)

for name in sorted(glob.glob(root + '/facts/part-*.yaml')):
    for fact in load(name):
        fid, era, dispute = fact['id'], eras[fact['era']], fact.get('dispute')
        context = e(era['title']) + (f" · {fact['date']}" if fact.get('date') else '')
        parts = [f'<div class="fd-details"><p class="fd-statement" dir="auto">{e(fact["statement"])}</p>']
        if fact.get('attribution'):
            a = fact['attribution']
            parts.append(f'<p class="fd-attribution" dir="auto"><span class="fd-label">Whose claim:</span> according to {e(a["by"])} ({e(a["verb"])})</p>')
        if dispute:
            parts.append(f'<div class="fd-dispute"><div class="fd-badge fd-badge-disputed">Disputed</div><p class="fd-summary" dir="auto">{e(dispute["summary"])}</p><ol class="fd-versions">')
            for v in dispute['versions']:
                parts.append(f'<li class="fd-version"><div dir="auto"><strong>{e(v["answer"])}</strong> <span class="fd-according">according to {e(v["claimed_by"])}</span></div>'
                             f'<div class="fd-claim" dir="auto">{e(v["claim"])}</div>{citations(v["citations"])}</li>')
            parts.append('</ol></div>')
        parts.append(f'<div class="fd-sources-block"><div class="fd-label">Sources</div>{citations(fact["citations"])}</div>')
        parts.append(f'<div class="fd-meta">{context} · fact <code>{fid}</code></div></div>')
        details = '\n'.join(parts)
        base_tags = [f"era::{fact['era']}", f"kind::{fact['kind']}"] + fact.get('tags', [])
        deck = decks[fact['era']]
        question = f'<div class="fd-question" dir="auto">{e(fact["question"])}</div>'
        if dispute:
            front = '<div class="fd-badge fd-badge-disputed">Sources disagree</div>' + question + '<div class="fd-prompt">Give each version and who claims it.</div>'
            answer = '<ul class="fd-answer fd-answer-versions">' + ''.join(
                f'<li dir="auto"><strong>{e(v["answer"])}</strong> <span class="fd-according">according to {e(v["claimed_by"])}</span></li>' for v in dispute['versions']) + '</ul>'
        else:
            front, answer = question, f'<div class="fd-answer" dir="auto">{e(fact["answer"])}</div>'
        deck.add_note(genanki.Note(model=card, fields=[front, answer, details, fid, *SPARE], guid=genanki.guid_for(fid, 'qa'), tags=base_tags + ['card::qa']))
        if dispute:
            for v in dispute['versions']:
                front = f'<div class="fd-badge fd-badge-disputed">Disputed</div>{question}<div class="fd-prompt" dir="auto">According to <span class="fd-claimant">{e(v["claimed_by"])}</span>, what is the answer?</div>'
                answer = (f'<div class="fd-answer" dir="auto">{e(v["answer"])}</div><div class="fd-according" dir="auto">according to {e(v["claimed_by"])}: {e(v["claim"])}</div>'
                          f'<div class="fd-note">One of {len(dispute["versions"])} versions; all are listed below.</div>')
                deck.add_note(genanki.Note(model=card, fields=[front, answer, details, fid, *SPARE], guid=genanki.guid_for(fid, 'dispute', v['id']), tags=base_tags + ['card::dispute']))
            continue
        if fact['kind'] in PROMPTS:
            front = f'<div class="fd-cue" dir="auto">{e(fact["answer"])}</div><div class="fd-prompt">{PROMPTS[fact["kind"]]}</div><div class="fd-context">{context}</div>'
            answer = f'<div class="fd-label">It answers</div><div class="fd-answer" dir="auto">{e(fact["question"])}</div>'
            deck.add_note(genanki.Note(model=card, fields=[front, answer, details, fid, *SPARE], guid=genanki.guid_for(fid, 'reverse'), tags=base_tags + ['card::reverse']))
        at = fact['statement'].lower().find(fact['answer'].lower())
        if at >= 0:
            s, a = fact['statement'], len(fact['answer'])
            text = f'<div class="fd-statement" dir="auto">{e(s[:at])}{{{{c1::{e(s[at:at + a])}}}}}{e(s[at + a:])}</div>'
            deck.add_note(genanki.Note(model=cloze, fields=[text, details, fid, *SPARE], guid=genanki.guid_for(fid, 'cloze'), tags=base_tags + ['card::cloze']))
genanki.Package(list(decks.values())).write_to_file(out)
"""


def notes_in(apkg: Path) -> int:
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki2", folder)
        connection = sqlite3.connect(Path(folder) / "collection.anki2")
        try:
            return connection.execute("select count(*) from notes").fetchone()[0]
        finally:
            connection.close()


def main() -> None:
    parser = arguments(__doc__, "1000,10000", "comma-separated fact counts (50000 works, slowly)")
    args = parser.parse_args()
    parse_cache = private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        plain_out, same_out = args.cache / f"bare-{n}.apkg", args.cache / f"bare-fields-{n}.apkg"
        commands = {
            "bare genanki, plain": Command(python(PLAIN, str(root), str(plain_out))),
            "bare genanki, same fields": Command(python(SAME_FIELDS, str(root), str(same_out))),
        }
        commands |= with_jobs(
            factdeck("build", "all", "--format", "apkg", "--project", str(root)),
            before=lambda root=root: remove(root / "build", parse_cache),
            label="factdeck apkg cold",
        )
        # After the cold builds in every round (measure takes the commands in this order): their caches are warm.
        commands |= with_jobs(
            factdeck("build", "all", "--format", "apkg", "--project", str(root)),
            before=lambda root=root: remove(root / "build"),
            label="apkg, validation kept",
        )
        commands["parse + schema models"] = Command(python(PARSE_AND_MODELS, str(root)))
        commands["bare C loader"] = Command(python(BARE_PARSE, str(root)))
        print(f"\n{load()}")
        results = measure(commands, args.repeat)
        counts = [notes_in(plain_out), notes_in(same_out), notes_in(root / "build" / "all" / "all.apkg")]
        report(f"{n} facts; notes plain/same fields/factdeck: {'/'.join(map(str, counts))}", results,
               ["bare genanki, plain", "bare genanki, same fields"])  # fmt: skip
        print(load())


if __name__ == "__main__":
    main()
