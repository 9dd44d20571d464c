"""`factdeck check` against bare parsing of the same files with PyYAML's C loader.

Usage: python bench/bench_check.py [--sizes 1000,10000,50000] [--repeat 3] [--cache DIR]
Prints, per size, medians of fresh processes (start-up included for both) and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import factdeck, machine, project, python, run

BARE = """
import sys, glob, yaml
for name in sorted(glob.glob(sys.argv[1] + '/facts/*.yaml')) + sorted(glob.glob(sys.argv[1] + '/decks/*.yaml')):
    with open(name, 'rb') as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "factdeck-bench")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"{'facts':>7} {'bare C loader':>14} {'factdeck check':>15} {'ratio':>6} {'peak MB':>8}")
    for n in (int(s) for s in args.sizes.split(",")):
        root = project(n, args.cache)
        bare, _ = run(python(BARE, str(root)), args.repeat)
        check, peak = run(factdeck("check", "--project", str(root), "--archive", str(root / "archive")), args.repeat)
        print(f"{n:>7} {bare:>13.2f}s {check:>14.2f}s {check / bare:>6.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
