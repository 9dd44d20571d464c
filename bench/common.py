"""Shared helpers for the benchmarks: synthetic projects, medians and peak memory of a child process."""

from __future__ import annotations

import argparse
import compileall
import functools
import hashlib
import importlib.util
import itertools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from synth import generate, refingerprint

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def project(n: int, cache: Path) -> Path:
    """A synthetic project of n facts written like the shipped one (synth.py), generated once per size (it
    renders with the built-in templates). The folder is named after synth.py's own hash too, so a changed
    generator makes a new project instead of timing a stale one."""
    generator = hashlib.sha256((Path(__file__).parent / "synth.py").read_bytes()).hexdigest()[:8]
    root = cache / f"project-{n}-{generator}"
    if not root.is_dir():
        scratch = cache / f"project-{n}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        generate(n, scratch)
        scratch.rename(root)
    return root


# Runs argv in a child and prints its wall time (from just before the start to the reaping, so the wrapper's
# own start-up is not counted), peak RSS (KB) and CPU time (user + system, s), as the kernel accounts them.
_MEASURE = (
    "import resource, subprocess, sys, time; "
    "start = time.perf_counter(); "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "wall = time.perf_counter() - start; "
    "use = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(wall, use.ru_maxrss, use.ru_utime + use.ru_stime); sys.exit(code)"
)

# factdeck measured on one core and with its default (a cold build forks a second process): the baselines are
# single-process scripts, so the one-core ratio is the like-for-like one and does not move with the load the
# machine's second core carries.
ONE_CORE = {"FACTDECK_JOBS": "1"}
JOBS = {"1 core": ONE_CORE, "default": {}}


@dataclass
class Command:
    """One command to measure: its argv, environment additions, and what to do (untimed) before each run."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    before: Callable[[], object] | None = None


@dataclass
class Measured:
    """Wall times (s), CPU times (user + system, s) and peak RSS (MB) of a command's runs, in the order they ran."""

    times: list[float]
    cpu: list[float]
    peaks: list[float]

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> float:
        return max(self.peaks)

    def spread(self) -> str:
        return f"{min(self.times):.3f}-{max(self.times):.3f}"

    def ratio(self, baseline: Measured) -> tuple[float, float, float]:
        """Median, min and max of this command's time over the baseline's, run by run (each pair ran back to
        back, so a drift of the machine's speed moves both)."""
        pairs = [a / b for a, b in zip(self.times, baseline.times)]
        return statistics.median(pairs), min(pairs), max(pairs)


def _once(command: Command) -> tuple[float, float, float]:
    if command.before is not None:
        command.before()
    env = {**os.environ, **command.env}
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *command.argv], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(command.argv)}\n{proc.stderr}")
    wall, peak, cpu = proc.stdout.split()[-3:]
    return float(wall), float(cpu), int(peak) / 1024


@functools.cache
def byte_compiled() -> Path:
    """Byte-compile the factdeck package the measured commands import (the one `python -m factdeck` finds in this
    environment) into its `__pycache__` folders, as installing it does (pip compiles every module), and say so.
    Where Python writes no bytecode (PYTHONDONTWRITEBYTECODE set, a read-only checkout) every run would otherwise
    compile each module it imports from source (a third more work for a build with nothing to do), which no
    installed copy does."""
    spec = importlib.util.find_spec("factdeck")
    assert spec is not None and spec.origin is not None, "factdeck is not importable here"
    package = Path(spec.origin).parent
    compileall.compile_dir(package, quiet=1)
    print(f"factdeck: {package} (byte-compiled, as an install is)")
    return package


def measure(commands: dict[str, Command], repeat: int) -> dict[str, Measured]:
    """Run every command `repeat` times in fresh processes, taking turns (A B C A B C …), so that each
    repetition's figures were taken at the same moment of the machine's load and can be set against each
    other as ratios. Each run goes through a small wrapper process, so the peak it reports is that run's alone."""
    byte_compiled()
    results = {name: Measured([], [], []) for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, cpu, peak = _once(command)
            results[name].times.append(elapsed)
            results[name].cpu.append(cpu)
            results[name].peaks.append(peak)
    return results


def run(argv: list[str], repeat: int, before: Callable[[], object] | None = None) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of running argv `repeat` times in fresh processes."""
    measured = measure({"it": Command(argv, before=before)}, repeat)["it"]
    return measured.median, measured.peak


def with_jobs(argv: list[str], before: Callable[[], object] | None = None, label: str = "") -> dict[str, Command]:
    """The factdeck command on one core and with its default number of processes."""
    return {f"{label}{' ' if label else ''}({jobs})": Command(argv, env, before) for jobs, env in JOBS.items()}


def report(title: str, results: dict[str, Measured], baselines: list[str]) -> None:
    """Print one table: each command's median, spread and peak, and its ratio to every baseline."""
    print(f"\n{title}")
    head = f"  {'command':<34} {'median':>8} {'min-max':>12} {'CPU s':>6} {'peak MB':>8}"
    for base in baselines:
        head += f"  {'/ ' + base:>26}"
    print(head)
    for name, measured in results.items():
        line = f"  {name:<34} {measured.median:>7.3f}s {measured.spread():>12} {measured.cpu_median:>6.2f} {measured.peak:>8.0f}"
        for base in baselines:
            if name == base:
                line += f"  {'':>26}"
            else:
                median, low, high = measured.ratio(results[base])
                line += f"  {median:>11.2f} ({low:.2f}-{high:.2f})  "
        print(line)


def load() -> str:
    """The machine's load averages (1, 5 and 15 minutes): other work on a shared machine moves absolute times."""
    with suppress(OSError):
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"
    return "load average unknown"


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
EDITED_LINE = '  statement: "According to'


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
        refingerprint(path)  # the editor vets the edited fact again, so it stays in the outputs

    try:
        yield edit
    finally:
        path.write_text(original, encoding="utf-8")
        restored()


# The rows of the part before any rule (bench_check.py, bench_apkg.py): factdeck's own parse of a project's facts/
# and decks/ files, then (PARSE_AND_MODELS) the same with every record made into its schema model.
PARSE_ALONE = """
import sys, glob
from factdeck.records.yaml_parse import parsed
for name in sorted(glob.glob(sys.argv[1] + '/facts/*.yaml')) + sorted(glob.glob(sys.argv[1] + '/decks/*.yaml')):
    with open(name, encoding='utf-8') as f:
        parsed(f.read(), name)
"""

PARSE_AND_MODELS = """
import sys, glob, os
from factdeck.records.yaml_parse import parsed
from factdeck.records.schema import DeckSpec, Era, Fact, GlossaryEntry, Source
kinds = {'sources.yaml': Source, 'eras.yaml': Era, 'glossary.yaml': GlossaryEntry}
for name in sorted(glob.glob(sys.argv[1] + '/facts/*.yaml')) + sorted(glob.glob(sys.argv[1] + '/decks/*.yaml')):
    with open(name, encoding='utf-8') as f:
        data, lines = parsed(f.read(), name)
    if '/decks/' in name:
        DeckSpec.model_validate(data)
        continue
    model = kinds.get(os.path.basename(name), Fact)
    for record in data:
        model.model_validate(record)
"""


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
