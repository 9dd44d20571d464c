"""Shared helpers for the benchmarks: synthetic projects, medians and peak memory of a child process."""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from synth import generate

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def project(n: int, cache: Path) -> Path:
    """A synthetic project of n facts, generated once per size (it renders with the built-in templates)."""
    root = cache / f"facts-{n}"
    if not (root / "facts").is_dir():
        generate(n, root)
    return root


_MEASURE = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run(argv: list[str], repeat: int, before: Callable[[], object] | None = None) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of running argv `repeat` times in fresh processes.

    Each run goes through a small wrapper process, so the peak it reports is that run's alone.
    `before` runs ahead of each run, untimed (e.g. to empty a cache for a cold run).
    """
    times, peaks = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"benchmark command failed: {' '.join(argv)}\n{proc.stderr}")
        peaks.append(int(proc.stdout.split()[-1]) / 1024)
    return statistics.median(times), max(peaks)


# Writes the Typst sources of deck `all`'s worksheets and keys, as factdeck renders them, to OUT/*.typ:
# argv ROOT OUT [QUESTIONS VERSIONS] (without the last two: the deck's own quiz settings, as a build uses).
TYPST_SOURCES = r"""
import sys
from pathlib import Path
from factdeck.build import load_and_validate
from factdeck.quiz import make_quiz, with_overrides
from factdeck.records.select import select_facts
from factdeck.outputs.print.worksheets import worksheet_sources
root, out = Path(sys.argv[1]), Path(sys.argv[2])
base = load_and_validate(root)
deck = base.deck('all')
settings = deck.quiz
if len(sys.argv) > 3:
    settings = with_overrides(settings, questions=int(sys.argv[3]), versions=int(sys.argv[4]))
quiz = make_quiz(base, deck, select_facts(base, deck), settings)
out.mkdir(parents=True, exist_ok=True)
for old in out.glob('*.typ'):
    old.unlink()
for name, (_, source) in worksheet_sources(base, deck, quiz, settings.paper).items():
    (out / name.replace('/', '-').replace('.pdf', '.typ')).write_text(source, encoding='utf-8')
"""

# Compiles every DIR/*.typ with typst.compile, one after the other, with the fonts of FONTS: argv DIR FONTS.
TYPST_DIRECT = r"""
import glob, sys, typst
for name in sorted(glob.glob(sys.argv[1] + '/*.typ')):
    typst.compile(name, font_paths=[sys.argv[2]], ignore_system_fonts=True)
"""


# The fact whose statement the rebuild and watch benchmarks edit.
EDITED_FILE = "facts/part-0000.yaml"
EDITED_LINE = '  statement: "Synthetic statement 1 says'


@contextmanager
def fact_edits(root: Path, restored: Callable[[], object]) -> Iterator[Callable[[], None]]:
    """A function that edits one fact's statement, differently at each call; afterwards the file is
    restored and `restored` runs (to leave the build matching the restored facts)."""
    path = root / EDITED_FILE
    original = path.read_text(encoding="utf-8")
    assert EDITED_LINE in original, f"{path}: the fact to edit is missing"
    edits = itertools.count(1)

    def edit() -> None:
        path.write_text(original.replace(EDITED_LINE, f"{EDITED_LINE} (edit {next(edits)})", 1), encoding="utf-8")

    try:
        yield edit
    finally:
        path.write_text(original, encoding="utf-8")
        restored()


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def factdeck(*args: str) -> list[str]:
    return [sys.executable, "-m", "factdeck", *args]


def machine() -> str:
    """CPU model, cores, memory and Python version: enough to compare tables between machines."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    with suppress(ValueError, OSError, AttributeError):
        memory = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB RAM"
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()}, Python {platform.python_version()}"


def sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


def remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def private_parse_cache(cache: Path) -> Path:
    """Point factdeck's parse cache at a folder of the benchmark's own (emptied for cold runs)."""
    folder = cache / "parse-cache"
    os.environ["FACTDECK_CACHE_DIR"] = str(folder)
    os.environ.pop("FACTDECK_NO_CACHE", None)
    return folder


def arguments(doc: str, default_sizes: str, sizes_help: str = "comma-separated fact counts") -> argparse.ArgumentParser:
    """The options every benchmark takes: --sizes, --repeat and --cache (add more before parse_args)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", default=default_sizes, help=sizes_help)
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement (the median is shown)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "factdeck-bench",
        help="where synthetic projects are generated and kept",
    )
    return parser
