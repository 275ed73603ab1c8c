"""Whole-catalog build time, `geom build --all --jobs 1` against `--jobs 2`.

Each run is a fresh `python -m geom` process into a fresh directory (what `make run`
does), so process start, imports and worker start-up are all counted. Prints the median
of RUNS runs for each and the speed-up (jobs 1 time / jobs 2 time; > 1 is faster).

The machine is shared: for scale, the same script also measures how much two processes
gain over one on a pure CPU loop right now (the most any parallel build can gain here).

    PYTHONPATH=$PWD python benchmarks/bench_catalog.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 3


def one_run(jobs: int) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as tmp:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "geom",
                "build",
                "--all",
                "-o",
                str(Path(tmp) / "out"),
                "--jobs",
                str(jobs),
            ],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def _spin(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - start


def cpu_headroom(n: int = 10_000_000) -> float:
    """Speed-up of two CPU-bound processes over one doing both loops, measured now."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    _spin(n)
    _spin(n)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # workers started before timing
        start = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        parallel = time.perf_counter() - start
    return serial / parallel


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    times: dict[int, list[float]] = {1: [], 2: []}
    headroom = []
    for _ in range(runs):  # interleaved, so a busy moment hurts both alike
        for jobs in times:
            times[jobs].append(one_run(jobs))
        headroom.append(cpu_headroom())
    medians = {jobs: statistics.median(values) for jobs, values in times.items()}
    for jobs, values in times.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"--jobs {jobs}: median {medians[jobs]:.2f} s over {runs} runs ({shown})")
    print(f"speed-up --jobs 2 vs --jobs 1: {medians[1] / medians[2]:.2f}x")
    print(
        f"for scale: 2 processes vs 1 on a pure CPU loop, same moments: "
        f"{statistics.median(headroom):.2f}x (2.00x on an idle 2-core machine)"
    )


if __name__ == "__main__":
    main()
