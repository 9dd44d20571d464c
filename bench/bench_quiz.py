"""A 100-question worksheet and its answer key as PDFs, against compiling the same Typst source directly.

Usage: python bench/bench_quiz.py [--sizes 1000,10000] [--repeat 3] [--cache DIR]
factdeck runs `factdeck quiz all --questions 100 --versions 1` (choose the questions from the whole deck,
render, compile worksheet-A.pdf and key-A.pdf), on one core and with its default; the baseline, run back to
back with it, is a script that hands the very Typst sources factdeck rendered to typst.compile, one after the
other, with the same fonts. Both include Python start-up. factdeck's caches are warm, as for a worksheet of a
project that was validated before (rendering the sources for the baseline fills the parse and record caches, and
one untimed `factdeck quiz` keeps its validation: engine/kept_validation.py); `--cold-validation` times a quiz
that validates (the kept validation set aside before each run, as after an edit), with the record cache warm.
"""

from __future__ import annotations

import shutil
from functools import partial

from common import (
    REPO,
    TYPST_DIRECT,
    TYPST_SOURCES,
    Command,
    arguments,
    factdeck,
    load,
    machine,
    measure,
    private_parse_cache,
    project,
    python,
    report,
    run,
    sizes,
    with_jobs,
)


def main() -> None:
    parser = arguments(__doc__, "1000,10000", "comma-separated fact counts of the deck drawn from")
    parser.add_argument("--cold-validation", action="store_true", help="validate in every run (see above)")
    args = parser.parse_args()
    private_parse_cache(args.cache)  # warm for factdeck: the source dump below fills it
    print(f"machine: {machine()}")
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        sources = args.cache / f"quiz-sources-{n}"
        run(python(TYPST_SOURCES, str(root), str(sources), "100", "1"), 1)
        quiz = factdeck("quiz", "all", "--questions", "100", "--versions", "1", "--project", str(root))
        run(quiz, 1)  # keeps its validation
        kept = args.cache / "parse-cache" / "validations"
        commands = {"typst.compile": Command(python(TYPST_DIRECT, str(sources), str(REPO / "fonts")))}
        before = partial(shutil.rmtree, kept, ignore_errors=True) if args.cold_validation else None
        commands |= with_jobs(quiz, before, label="factdeck quiz")
        print(f"\n{load()}")
        results = measure(commands, args.repeat)
        report(f"{n} facts in the deck", results, ["typst.compile"])
        print(load())


if __name__ == "__main__":
    main()
