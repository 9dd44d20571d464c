"""A 100-question worksheet and its answer key as PDFs, against compiling the same Typst source directly.

Usage: python bench/bench_quiz.py [--sizes 1000,10000] [--repeat 3] [--cache DIR]
factdeck runs `factdeck quiz all --questions 100 --versions 1` (choose the questions from the whole deck,
render, compile worksheet-A.pdf and key-A.pdf); the baseline is a script that hands the very Typst sources
factdeck rendered to typst.compile, one after the other, with the same fonts. Both include Python start-up;
factdeck's parse cache is warm (rendering the sources for the baseline fills it).
"""

from __future__ import annotations

from common import (
    REPO,
    TYPST_DIRECT,
    TYPST_SOURCES,
    arguments,
    factdeck,
    machine,
    private_parse_cache,
    project,
    python,
    run,
    sizes,
)


def main() -> None:
    parser = arguments(__doc__, "1000,10000", "comma-separated fact counts of the deck drawn from")
    args = parser.parse_args()
    private_parse_cache(args.cache)  # warm for factdeck: the source dump below fills it
    print(f"machine: {machine()}")
    print(f"{'facts':>7} {'typst.compile':>14} {'factdeck quiz':>14} {'ratio':>6} {'peak MB':>8}")
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        sources = args.cache / f"quiz-sources-{n}"
        run(python(TYPST_SOURCES, str(root), str(sources), "100", "1"), 1)
        direct, _ = run(python(TYPST_DIRECT, str(sources), str(REPO / "fonts")), args.repeat)
        ours, peak = run(
            factdeck("quiz", "all", "--questions", "100", "--versions", "1", "--project", str(root)), args.repeat
        )
        print(f"{n:>7} {direct:>13.2f}s {ours:>13.2f}s {ours / direct:>6.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
