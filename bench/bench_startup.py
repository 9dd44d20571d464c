"""Start-up: `factdeck --help`, `--version` and `factdeck check` on the shipped project, against Python's own
start-up.

Usage: python bench/bench_startup.py [--repeat 10] [--script PATH]
The baselines are `python -c pass` (the interpreter alone) and `python -c "import click"` (the command-line
library every subcommand needs); `check` includes both. `--help` and `--version` are answered without click
(`factdeck/entry.py`); "--help (click)" is the same help from the click group, the path they take wherever the
plain one cannot be sure of click's answer. `check` runs on this repository's own facts and decks, with its parse
and record caches warm (as on an editor's second check) and cold. `--script` adds the `--help` of an installed
`factdeck` console script (say, in a scratch environment made with `pip install .`), which runs without `-m`'s
runpy but with the wrapper pip writes.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from common import (
    REPO,
    Command,
    Measured,
    arguments,
    factdeck,
    load,
    machine,
    measure,
    private_parse_cache,
    python,
    remove,
    report,
)

# `factdeck --help` answered by the click group, as the program does where its plain answer is not sure.
CLICK_HELP = "import sys; sys.argv[0] = 'factdeck'; from factdeck.cli import main; main()"


def main() -> None:
    parser = arguments(__doc__, "")
    parser.set_defaults(repeat=10)
    parser.add_argument("--script", type=Path, help="an installed `factdeck` console script to time as well")
    args = parser.parse_args()
    parse_cache = private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    commands = {
        "python -c pass": Command([sys.executable, "-c", "pass"]),
        "python -c 'import click'": Command([sys.executable, "-c", "import click"]),
        "factdeck --help": Command(factdeck("--help")),
        "factdeck --version": Command(factdeck("--version")),
        "factdeck --help (click)": Command(python(CLICK_HELP, "--help")),
        "factdeck check (shipped, warm)": Command(factdeck("check", "--project", str(REPO))),
        "factdeck check (shipped, cold)": Command(
            factdeck("check", "--project", str(REPO)), before=lambda: remove(parse_cache)
        ),
    }
    if args.script is not None:
        commands["factdeck --help (console script)"] = Command([str(args.script), "--help"])
    print(f"\n{load()}")
    results = measure(commands, args.repeat)
    report("start-up", results, ["python -c pass", "python -c 'import click'"])
    cpu_report(results, "python -c 'import click'")
    print(load())


def cpu_report(results: dict[str, Measured], baseline: str) -> None:
    """Each command's CPU time (user + system) in milliseconds, the table's CPU column being in hundredths of a
    second, and its ratio to the baseline's run by run: start-up commands differ by milliseconds, and CPU time
    moves less than wall time with what else the machine runs."""
    print(f"\nCPU ms (median, min-max), and / {baseline} pair by pair (median, min-max)")
    base = results[baseline].cpu
    for name, measured in results.items():
        cpu = [seconds * 1000 for seconds in measured.cpu]
        line = f"  {name:<34} {statistics.median(cpu):>6.1f} ({min(cpu):.1f}-{max(cpu):.1f})"
        pairs = [a / b for a, b in zip(measured.cpu, base) if b > 0]
        if name != baseline and pairs:
            line += f"  {statistics.median(pairs):>6.2f} ({min(pairs):.2f}-{max(pairs):.2f})"
        print(line)


if __name__ == "__main__":
    main()
