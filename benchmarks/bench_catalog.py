"""Whole-catalog build time, `geom build --all --jobs 1` against `--jobs 2`.

Each run is a fresh `python -m geom` process into a fresh directory (what `make run`
does), so process start, imports and worker start-up are all counted. Prints the median
of RUNS runs for each and the speed-up (jobs 1 time / jobs 2 time; > 1 is faster).

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


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(runs):  # interleaved, so a busy moment hurts both alike
        for jobs in times:
            times[jobs].append(one_run(jobs))
    medians = {jobs: statistics.median(values) for jobs, values in times.items()}
    for jobs, values in times.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"--jobs {jobs}: median {medians[jobs]:.2f} s over {runs} runs ({shown})")
    print(f"speed-up --jobs 2 vs --jobs 1: {medians[1] / medians[2]:.2f}x")


if __name__ == "__main__":
    main()
