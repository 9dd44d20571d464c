"""The files of a new project (`factdeck init`): a small, fictional subject that checks and builds at once.

Everything here is invented for the starter: the town of Brackwater, its canal and the people connected with
it do not exist. The facts show each thing an editor needs: a citation with a verbatim quote of the archived
source, a dispute with every version and its claimant, and a characterization attributed to whoever makes it.
`{title}` and `{namespace}` are filled in by `init.py`; the other braces are YAML's own and are doubled.
"""

from __future__ import annotations

CONFIG = """\
# Project settings (every key: docs/schema.md, "Project configuration").
# Anki identities derive from this and each fact's id: never change it once a deck is shared.
namespace: {namespace}
# The project's name: learners see it in the names of its Anki note types ("<title>: fact card").
title: {title}
# Archived copies of the sources, for quote verification (factdeck check).
archive: archive
"""

GITIGNORE = """\
# factdeck build's outputs (rebuilt from the records at any time)
/build/
# factdeck scan and results: students' numbers and answers, which stay on the teacher's machine
/results/
"""

SOURCES = """\
# The sources every citation names. kind: what sort of text; stance: its stance towards the subject;
# perspective: one sentence shown to learners beside each citation; archive: the archived copy's file name
# (in the archive/ folder), and archive_sha256: that copy's fingerprint (factdeck check tells you when to update it).
- id: brackwater-history
  title: "A Short History of the Brackwater Canal"
  publisher: "factdeck starter project"
  author: "factdeck"
  published: 2024
  accessed: {today}
  kind: book
  stance: neutral
  perspective: "A short local history, invented for factdeck's starter, that reports the company's and the workers' accounts side by side."
  archive: brackwater-history.txt
"""

ERAS = """\
# The eras, in the history's order. start and end: a year, a date or `present`.
- id: building
  title: "Digging and opening"
  start: 1821
  end: 1849
- id: working
  title: "The working canal"
  start: 1850
  end: 1867
- id: decline
  title: "Railways and decline"
  start: 1868
  end: present
"""

FACTS = """\
# Facts, one list per file. Every fact cites a source with a locator and a verbatim quote of its archived
# copy. Only facts with status: vetted reach a deck: `factdeck review` lists the others, `factdeck vet ID
# --reviewer ROLE` vets them. These five are the starter's examples: replace them with your own subject's.

# A plain fact with one citation.
- id: canal-opened
  kind: date
  era: building
  date: 1826-05-03
  tags: [construction]
  question: "When did the Brackwater Canal open to boats?"
  answer: "3 May 1826"
  statement: "The Brackwater Canal opened to boats on 3 May 1826, five years after digging began."
  citations:
    - source: brackwater-history
      locator: "section 1, 'Digging the canal'"
      quote: "It opened to boats on 3 May 1826"
  status: draft

- id: canal-locks
  kind: number
  era: building
  tags: [construction]
  question: "How many locks did the Brackwater Canal need?"
  answer: "fourteen"
  statement: "The eleven-mile Brackwater Canal needed fourteen locks."
  citations:
    - source: brackwater-history
      locator: "section 1, 'Digging the canal'"
      quote: "The cut was eleven miles long and needed fourteen locks."
  status: draft

# A dispute: the sources disagree, so the fact records every version with who claims it, and no card or
# worksheet presents one version as the answer.
- id: canal-workforce
  kind: number
  era: building
  tags: [workers]
  question: "How many labourers dug the Brackwater Canal, according to the company and to the navvies' union?"
  answer: "about 1,200 according to the company's ledger; nearer 3,000 according to the navvies' union"
  statement: "The canal company and the navvies' union disagree on how many labourers dug the canal."
  citations:
    - source: brackwater-history
      locator: "section 2, 'The workers'"
      quote: "The canal company's own ledger lists about 1,200 labourers"
  dispute:
    summary: "The company's ledger and the navvies' union give different numbers of labourers."
    reason:
      type: scope
      why: "The union counts the men hired by the day, whom the company's ledger of its own books leaves out."
    versions:
      - id: ledger
        claim: "About 1,200 labourers dug the canal."
        answer: "about 1,200"
        claimed_by: "the canal company's ledger"
        citations:
          - source: brackwater-history
            locator: "section 2, 'The workers'"
            quote: "lists about 1,200 labourers on its books in the busiest year"
      - id: union
        claim: "Nearer 3,000 labourers dug the canal, counting day labourers."
        answer: "nearer 3,000"
        claimed_by: "the navvies' union"
        citations:
          - source: brackwater-history
            locator: "section 2, 'The workers'"
            quote: "put the number at nearer 3,000, counting the men hired by day"
  status: draft

# A characterization is a claim someone makes: it is attributed ("According to …"), never said in the
# project's own voice.
- id: strike-called-riot
  kind: characterization
  era: working
  date: 1851
  tags: [workers]
  question: "What did the canal company's directors call the lock keepers' stoppage of 1851?"
  answer: "a riot against lawful authority"
  statement: "The canal company's directors called the lock keepers' nine-day stoppage of 1851 a riot against lawful authority."
  attribution:
    by: "the canal company's directors"
    verb: "called"
  citations:
    - source: brackwater-history
      locator: "section 3, 'The strike of 1851'"
      quote: "When the company cut wages in 1851, the lock keepers stopped work for nine days. The company's directors called the stoppage a riot against lawful authority"
  status: draft

- id: last-cargo-boat
  kind: date
  era: decline
  date: 1934
  tags: [trade]
  question: "In what year did the last cargo boat pass the Brackwater Canal's upper lock?"
  answer: "1934"
  statement: "The last cargo boat passed the Brackwater Canal's upper lock in 1934."
  citations:
    - source: brackwater-history
      locator: "section 4, 'Decline'"
      quote: "The last cargo boat passed the upper lock in 1934"
  status: draft
"""

DECK = """\
# A deck: which vetted facts (select), and how they become Anki cards, worksheets and meeting packs.
id: starter
name: {title}
description: "Every vetted fact of the project."
cards:
  subdecks: true
quiz:
  questions: 4
  versions: 2
"""

ARCHIVE = """\
A Short History of the Brackwater Canal

Written for factdeck's starter project. Everything in it is invented: the town of Brackwater, its canal
and everyone connected with them are fictional.

1. Digging the canal

Work on the Brackwater Canal began in the spring of 1821, after the town council voted to join the river
to the coast. The cut was eleven miles long and needed fourteen locks. It opened to boats on 3 May 1826.

2. The workers

The canal company's own ledger lists about 1,200 labourers on its books in the busiest year. The navvies'
union, writing decades later, put the number at nearer 3,000, counting the men hired by day who never
appeared in any ledger.

3. The strike of 1851

When the company cut wages in 1851, the lock keepers stopped work for nine days. The company's directors
called the stoppage a riot against lawful authority; the keepers' own petition described it as a peaceful
refusal to work for less than a living wage.

4. Decline

Railways reached Brackwater in 1868, and traffic on the canal fell year by year. The last cargo boat
passed the upper lock in 1934, and the canal is now a footpath and a home for herons.
"""

README = """\
# {title}

A factdeck project: vetted, source-cited facts that become Anki decks, printable worksheets with answer keys,
a web quiz and study-group packs.

It starts with an invented example (the fictional Brackwater Canal) so that it checks and builds at once.
Replace the example with your own subject:

| path | what it holds |
|---|---|
| `facts/sources.yaml` | the sources you cite, with their kind, stance and perspective |
| `archive/` | an archived text copy of each source, to verify quotes against |
| `facts/eras.yaml` | the eras of your history, in order |
| `facts/*.yaml` | the facts, one list per file |
| `decks/*.yaml` | the decks: which facts, and settings for cards, worksheets and meetings |
| `factdeck.yaml` | project settings; keep `namespace` as it is |
| `templates/` | (optional) your own copies of factdeck's templates: `factdeck templates copy NAME` |

The day-to-day loop:

```sh
factdeck check --strict    # every problem, one line each, with the fix; quotes verified against archive/
factdeck review            # the facts not yet vetted, or changed since they were vetted
factdeck vet canal-opened --reviewer fact-editor    # after checking a fact against its source
factdeck build             # Anki decks, worksheets, web quiz into build/
```

Keep the project in git (`git init`, then commit): before a deck's package goes to learners, `factdeck release`
records its notes in `decks/published/`, and that record must be committed with the facts it was made from so
that every later build keeps each learner's notes (factdeck's docs/anki.md, "Releasing").

Four of the starter's facts come vetted (by `factdeck-starter`) so that the first build has something to
make; the fifth is a draft for you to vet. Your own facts start as `status: review` and reach an output
only once `factdeck vet` has vetted them. Facts whose answer is a name need `distractors` and
`false_statements` for multiple-choice and true/false questions (factdeck's editors' guide, facts/README.md,
says how). The field reference is factdeck's `docs/schema.md` (or `factdeck schema`).

## Dropping the example

Once your first facts are in, remove the canal:

1. delete `facts/canal.yaml` and `archive/brackwater-history.txt`;
2. in `facts/sources.yaml` and `facts/eras.yaml`, replace the canal's source and eras with your own
   (`factdeck check` then names every fact still citing a removed source or era);
3. in `decks/starter.yaml`, keep the deck (rename its `name`, never its `id` once learners have it) or
   replace it with your own decks;
4. run `factdeck build`: it removes from `build/` the outputs the inputs no longer make (the example's
   worksheets, the packages of a deck you removed) and says so, so nothing in `build/` is left over.
"""
