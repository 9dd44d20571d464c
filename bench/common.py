"""Shared helpers for the benchmarks: synthetic projects, medians and peak memory of a child process."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from synth import generate

BENCH = Path(__file__).resolve().parent


def project(n: int, cache: Path) -> Path:
    """A synthetic project of n facts, generated once per size."""
    root = cache / f"facts-{n}"
    if not (root / "facts").is_dir():
        generate(n, root)
    return root


_MEASURE = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run(argv: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of running argv `repeat` times in fresh processes.

    Each run goes through a small wrapper process, so the peak it reports is that run's alone.
    """
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"benchmark command failed: {' '.join(argv)}\n{proc.stderr}")
        peaks.append(int(proc.stdout.split()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def factdeck(*args: str) -> list[str]:
    return [sys.executable, "-m", "factdeck", *args]


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
