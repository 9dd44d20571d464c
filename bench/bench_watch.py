"""`factdeck watch`: from saving one edited fact to the rebuilt outputs, against the same rebuild by a fresh process.

Usage: python bench/bench_watch.py [--sizes 1000,10000] [--repeat 3] [--format pdf] [--poll] [--cache DIR]
One `factdeck watch --format F` (with its default settings: the file system reports changes, and writes
must pause for 20 ms) runs on the synthetic project; after its first build, one fact's statement is edited
`repeat` times, and each time the clock runs from writing the file to the watch's "built in" line (the
report, the pause and the snapshot included); "round" is the time that line reports, from finding the
change to the outputs written. `--poll` runs the watch with `--poll --interval 0.05` instead. The same
edits are then rebuilt by fresh `factdeck build --format F` processes. With `--format pdf` (the deck's
worksheets and keys: 100 questions, versions A and B) the table also shows compiling those very Typst
sources directly, as bench_quiz.py does. The fact file is restored afterwards.
"""

from __future__ import annotations

import os
import queue
import signal
import statistics
import subprocess
import sys
import threading
import time

from common import (
    REPO,
    TYPST_DIRECT,
    TYPST_SOURCES,
    arguments,
    fact_edits,
    factdeck,
    machine,
    private_parse_cache,
    project,
    python,
    run,
    sizes,
)


def watched_rounds(root, fmt: str, edit, repeat: int, poll: bool) -> tuple[list[float], list[float]]:
    """Seconds from each edit to the watch's report of the round it caused, and the rounds' own seconds
    (as the watch reports them: from finding the change to the outputs written)."""
    polling = ["--poll", "--interval", "0.05"] if poll else []
    proc = subprocess.Popen(
        factdeck("watch", "--format", fmt, *polling, "--project", str(root)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def built() -> float:
        while True:
            line = lines.get(timeout=600)
            if line.startswith("changes are not reported"):
                sys.exit(f"the watch cannot be told of changes here: {line}")
            if line.startswith("built in "):
                return float(line.split()[2])
            if line.startswith("build failed"):
                sys.exit(f"the watched build failed: {line}")

    try:
        built()  # the first build
        times, rounds = [], []
        for _ in range(repeat):
            time.sleep(0.2)  # a quiet moment, as between an editor's saves
            start = time.perf_counter()
            edit()
            rounds.append(built())
            times.append(time.perf_counter() - start)
        return times, rounds
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = arguments(__doc__, "1000,10000", "comma-separated fact counts")
    parser.add_argument("--format", default="pdf", choices=["all", "apkg", "pdf"])
    parser.add_argument("--poll", action="store_true", help="the watch polls every 0.05 s instead")
    args = parser.parse_args()
    private_parse_cache(args.cache)
    print(f"machine: {machine()}")
    print(f"format: {args.format}; changes {'polled every 0.05 s' if args.poll else 'reported'}")
    direct_head = f" {'typst.compile':>14} {'watch/typst':>12} {'round/typst':>12}" if args.format == "pdf" else ""
    print(f"{'facts':>7} {'fresh build':>12} {'watch':>8} {'round':>7} {'watch/fresh':>12}{direct_head}")
    for n in sizes(args.sizes):
        root = project(n, args.cache)
        argv = factdeck("build", "--format", args.format, "--project", str(root))
        with fact_edits(root, restored=lambda argv=argv: run(argv, 1)) as edit:
            run(argv, 1)  # outputs in place, as the watch leaves them
            fresh, _ = run(argv, args.repeat, before=edit)
            times, rounds = watched_rounds(root, args.format, edit, args.repeat, args.poll)
            watched, round_ = statistics.median(times), statistics.median(rounds)
            row = f"{n:>7} {fresh:>11.2f}s {watched:>7.2f}s {round_:>6.2f}s {watched / fresh:>12.2f}"
            if args.format == "pdf":
                sources = args.cache / f"watch-sources-{n}"
                run(python(TYPST_SOURCES, str(root), str(sources)), 1)
                direct, _ = run(python(TYPST_DIRECT, str(sources), str(REPO / "fonts")), args.repeat)
                row += f" {direct:>13.2f}s {watched / direct:>12.2f} {round_ / direct:>12.2f}"
            print(row)


if __name__ == "__main__":
    main()
