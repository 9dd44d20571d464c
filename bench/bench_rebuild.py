"""Rebuilds: `factdeck build` with nothing changed and with one fact changed, against a cold build.

Usage: python bench/bench_rebuild.py [--sizes 1000,10000] [--repeat 3] [--format all] [--cache DIR]
Per size, fresh processes taking turns, each repetition in this order (so every rebuild follows a build):
- cold: no build/ folder (no previous outputs) and an empty parse cache, on one core and with the default;
- nothing changed: the same build again;
- one fact changed: one fact's statement edited (and vetted again, as an editor would) before the run; the
  project has a release record, so this is the rebuild after a release the issue tracker speaks of; with the
  default number of processes, then on one core (another edit), like for like with the one-core cold build;
- one deck rewritten: the deck `all`'s output folder deleted, everything else as after a build, so the time
  is that of a no-change build plus writing the one deck.
Ratios are to the one-core cold build of the same repetition. The fact file is restored afterwards.
"""

from __future__ import annotations

from common import (
    ONE_CORE,
    Command,
    arguments,
    fact_edits,
    factdeck,
    load,
    machine,
    measure,
    private_parse_cache,
    project,
    remove,
    report,
    run,
    sizes,
    with_jobs,
)


def main() -> None:
    parser = arguments(__doc__, "1000,10000", "comma-separated fact counts (50000 works, slowly)")
    parser.add_argument("--format", default="all", choices=["all", "apkg", "pdf"])
    args = parser.parse_args()
    parse_cache = private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    print(f"format: {args.format}")
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        argv = factdeck("build", "--format", args.format, "--project", str(root))
        with fact_edits(root, restored=lambda argv=argv: run(argv, 1)) as edit:
            commands = with_jobs(argv, before=lambda root=root: remove(root / "build", parse_cache), label="cold")
            commands["nothing changed"] = Command(argv)
            commands["one fact changed"] = Command(argv, before=edit)
            commands["one fact changed (1 core)"] = Command(argv, ONE_CORE, before=edit)
            commands["one deck rewritten"] = Command(argv, before=lambda root=root: remove(root / "build" / "all"))
            print(f"\n{load()}")
            results = measure(commands, args.repeat)
        report(f"{n} facts", results, ["cold (1 core)"])
        print(load())


if __name__ == "__main__":
    main()
