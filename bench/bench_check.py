"""`factdeck check` against bare parsing of the same files with PyYAML's C loader.

Usage: python bench/bench_check.py [--sizes 1000,10000,50000] [--repeat 3] [--cache DIR]
Prints, per size, medians of fresh processes (start-up included for both) and their ratios:
- cold: factdeck's parse cache emptied before every run, so every file is parsed;
- warm: the parse cache holds every file (a repeated check with nothing edited).
Quotes are verified against the archive in both (`--archive`). The parse cache used is a private
folder under DIR, so the user's own cache is left alone.
"""

from __future__ import annotations

from common import arguments, factdeck, machine, private_parse_cache, project, python, remove, run, sizes

BARE = """
import sys, glob, yaml
for name in sorted(glob.glob(sys.argv[1] + '/facts/*.yaml')) + sorted(glob.glob(sys.argv[1] + '/decks/*.yaml')):
    with open(name, 'rb') as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""


def main() -> None:
    parser = arguments(__doc__, "1000,10000,50000")
    args = parser.parse_args()
    parse_cache = private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    print(
        f"{'facts':>7} {'bare C loader':>14} {'check cold':>11} {'ratio':>6} {'check warm':>11} {'ratio':>6} {'peak MB':>8}"
    )
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        argv = factdeck("check", "--project", str(root), "--archive", str(root / "archive"))
        bare, _ = run(python(BARE, str(root)), args.repeat)
        cold, cold_peak = run(argv, args.repeat, before=lambda: remove(parse_cache))
        warm, warm_peak = run(argv, args.repeat)
        print(
            f"{n:>7} {bare:>13.2f}s {cold:>10.2f}s {cold / bare:>6.2f} {warm:>10.2f}s {warm / bare:>6.2f} "
            f"{max(cold_peak, warm_peak):>8.0f}"
        )


if __name__ == "__main__":
    main()
