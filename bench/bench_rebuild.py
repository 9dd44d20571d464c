"""Rebuilds: `factdeck build` with nothing changed and with one fact changed, against a cold build.

Usage: python bench/bench_rebuild.py [--sizes 1000,10000] [--repeat 3] [--format all] [--cache DIR]
Per size, medians of fresh processes:
- cold: no build/ folder (no previous outputs) and an empty parse cache;
- nothing changed: the same build again;
- one deck rewritten: the deck's output folder deleted, everything else as after a build, so the
  time is that of a no-change build plus writing the one deck (the reference for the next line);
- one fact changed: one fact's statement edited between runs (the synthetic project has one deck, `all`,
  which holds every fact, so the deck's outputs must be rewritten).
The fact file is restored afterwards.
"""

from __future__ import annotations

from common import arguments, fact_edits, factdeck, machine, private_parse_cache, project, remove, run, sizes


def main() -> None:
    parser = arguments(__doc__, "1000,10000", "comma-separated fact counts (50000 works, slowly)")
    parser.add_argument("--format", default="all", choices=["all", "apkg", "pdf"])
    args = parser.parse_args()
    parse_cache = private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    print(f"format: {args.format}")
    print(
        f"{'facts':>7} {'cold':>8} {'unchanged':>10} {'deck rewritten':>15} {'1 fact changed':>15} "
        f"{'changed/rewritten':>18} {'peak MB':>8}"
    )
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        argv = factdeck("build", "--format", args.format, "--project", str(root))
        cold, cold_peak = run(argv, args.repeat, before=lambda root=root: remove(root / "build", parse_cache))
        unchanged, peak = run(argv, args.repeat)
        rewritten, _ = run(argv, args.repeat, before=lambda root=root: remove(root / "build" / "all"))
        with fact_edits(root, restored=lambda argv=argv: run(argv, 1)) as edit:
            changed, changed_peak = run(argv, args.repeat, before=edit)
        print(
            f"{n:>7} {cold:>7.2f}s {unchanged:>9.2f}s {rewritten:>14.2f}s {changed:>14.2f}s "
            f"{changed / rewritten:>18.2f} {max(cold_peak, peak, changed_peak):>8.0f}"
        )


if __name__ == "__main__":
    main()
