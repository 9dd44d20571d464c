"""`factdeck build DECK --format apkg` against a bare genanki script that parses the same YAML and writes the same notes.

Usage: python bench/bench_apkg.py [--sizes 1000,10000] [--repeat 3] [--cache DIR]
The bare script makes the notes factdeck makes (a question card per fact, a reverse card for names, a cloze
where the answer occurs in the statement, a card per dispute version), with plain escaped fields, and writes
one .apkg; the table shows both note counts so a difference is visible. factdeck is measured cold (no build/
folder and an empty parse cache), which is the comparable case; a rebuild is bench_rebuild.py.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from pathlib import Path

from common import arguments, factdeck, machine, private_parse_cache, project, python, remove, run, sizes

BARE = r"""
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
    print(
        f"{'facts':>7} {'notes (bare/factdeck)':>22} {'bare genanki':>13} {'factdeck apkg':>14} {'ratio':>6} {'peak MB':>8}"
    )
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        bare_out = args.cache / f"bare-{n}.apkg"
        bare, _ = run(python(BARE, str(root), str(bare_out)), args.repeat)
        ours, peak = run(
            factdeck("build", "all", "--format", "apkg", "--project", str(root)),
            args.repeat,
            before=lambda root=root: remove(root / "build", parse_cache),
        )
        counts = f"{notes_in(bare_out)}/{notes_in(root / 'build' / 'all' / 'all.apkg')}"
        print(f"{n:>7} {counts:>22} {bare:>12.2f}s {ours:>13.2f}s {ours / bare:>6.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
