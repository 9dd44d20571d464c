"""`factdeck check` against bare parsing of the same files with PyYAML's C loader.

Usage: python bench/bench_check.py [--sizes 1000,10000,50000] [--repeat 3] [--cache DIR]
Prints, per size, medians of fresh processes (start-up included for both), their spread, and each one's ratio
to the bare parse run back to back with it, for factdeck on one core (FACTDECK_JOBS=1) and with its default:
- cold: factdeck's parse and record caches emptied and no build/ folder before every run, so every file is
  parsed and validated and, since the project has a release record, every card rendered to compare each deck
  with its record;
- warm: the caches hold every file and build/ is as a build of the same code left it (its stored card fields
  current): a repeated check with nothing edited, after a build (it prints the answer the last check kept,
  engine/kept_check.py);
- one fact edited: as warm, with one fact's statement edited (and vetted again) before each run, so the kept
  answer does not serve and the check validates the edited file and runs every rule across files.
Quotes are verified against the archive in both (`--archive`). The caches used are a private folder under
DIR, so the user's own cache is left alone.

Two more rows time the part of a cold check that comes before any rule, in fresh processes of their own
(start-up included), taking turns with the rest: factdeck's own parse of the same files (records/yaml_parse.py:
the data and the line of every value, which the messages name; no rule), and that parse with every record made
into its schema model (pydantic), the first thing any rule reads. A cold check does both and then every rule, so
what the rules and the rest may cost is the cold row's target less the second row.

A project commits its release records as `factdeck release` wrote them, and the release comparison takes an
unchanged fact's notes from what the record says they were made from (outputs/anki/release_inputs.py), which
holds only for the factdeck that wrote it. So before measuring, the project's records are made again by the
code measured (untimed; at the records' own release time, so only what they say their notes were made from can
differ), as a project released with the factdeck it checks with has them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from common import (
    PARSE_ALONE,
    PARSE_AND_MODELS,
    Command,
    arguments,
    fact_edits,
    factdeck,
    load,
    machine,
    measure,
    private_parse_cache,
    project,
    python,
    remove,
    report,
    run,
    sizes,
    with_jobs,
)

BARE = """
import sys, glob, yaml
for name in sorted(glob.glob(sys.argv[1] + '/facts/*.yaml')) + sorted(glob.glob(sys.argv[1] + '/decks/*.yaml')):
    with open(name, 'rb') as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""


def released_by_this_code(root: Path) -> None:
    """Make the project's release records again with the factdeck measured, at their own release time."""
    folder = root / "decks" / "published"
    released = json.loads((folder / "all.json").read_text(encoding="utf-8"))["released"]
    shutil.rmtree(folder)
    scratch = root / "build-release"
    subprocess.run(
        [*factdeck("release", "--project", str(root), "--output", str(scratch))],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(released)},
    )
    shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = arguments(__doc__, "1000,10000,50000")
    args = parser.parse_args()
    parse_cache = private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        released_by_this_code(root)
        argv = factdeck("check", "--project", str(root), "--archive", str(root / "archive"))
        commands = {"bare C loader": Command(python(BARE, str(root)))}
        commands["factdeck's parse alone"] = Command(python(PARSE_ALONE, str(root)))
        commands["parse + schema models"] = Command(python(PARSE_AND_MODELS, str(root)))
        build = factdeck("build", "--format", "apkg", "--project", str(root))
        commands |= with_jobs(argv, before=lambda root=root: remove(parse_cache, root / "build"), label="check cold")
        commands |= with_jobs(
            argv, before=lambda root=root, build=build: (root / "build").is_dir() or run(build, 1), label="check warm"
        )
        with fact_edits(root, restored=lambda: None) as edit:
            commands |= with_jobs(argv, before=edit, label="check one fact edited")
            print(f"\n{load()}")
            results = measure(commands, args.repeat)
        report(f"{n} facts", results, ["bare C loader"])
        print(load())


if __name__ == "__main__":
    main()
