"""Start-up: `factdeck --help` and `factdeck check` on the shipped project, against Python's own start-up.

Usage: python bench/bench_startup.py [--repeat 10]
The baselines are `python -c pass` (the interpreter alone) and `python -c "import click"` (the command-line
library every subcommand needs); factdeck's figures include both. `check` runs on this repository's own
facts and decks, with its parse and record caches warm (as on an editor's second check) and cold.
"""

from __future__ import annotations

import sys

from common import REPO, Command, arguments, factdeck, load, machine, measure, private_parse_cache, remove, report


def main() -> None:
    parser = arguments(__doc__, "")
    parser.set_defaults(repeat=10)
    args = parser.parse_args()
    parse_cache = private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    commands = {
        "python -c pass": Command([sys.executable, "-c", "pass"]),
        "python -c 'import click'": Command([sys.executable, "-c", "import click"]),
        "factdeck --help": Command(factdeck("--help")),
        "factdeck check (shipped, warm)": Command(factdeck("check", "--project", str(REPO))),
        "factdeck check (shipped, cold)": Command(
            factdeck("check", "--project", str(REPO)), before=lambda: remove(parse_cache)
        ),
    }
    print(f"\n{load()}")
    results = measure(commands, args.repeat)
    report("start-up", results, ["python -c pass"])
    print(load())


if __name__ == "__main__":
    main()
