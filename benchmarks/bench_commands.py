"""Whole-command wall times (interpreter start included), median of N runs each, beside
the naive baselines measured in the same run: `import cadquery` (what a body command would
pay before any work if it used cadquery) and the OCP modules geom body actually imports.

Targets on the 2-core machine: `geom body` for one part < 1.5 s, `geom cutout`
< 0.6 s. Run: PYTHONPATH=. python benchmarks/bench_commands.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PART = "770-744/064-000"
OCP_IMPORTS = (
    "import OCP.BRepPrimAPI, OCP.BRepAlgoAPI, OCP.BRepBuilderAPI, OCP.ShapeUpgrade, "
    "OCP.STEPCAFControl, OCP.XCAFDoc, OCP.XCAFApp, OCP.TDocStd, OCP.Interface"
)
TARGETS = {"geom body": 1.5, "geom cutout": 0.6}


def _time(argv: list[str], runs: int) -> float:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (>= 5)")
    runs = max(parser.parse_args().runs, 5)
    py = sys.executable
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "python -c pass": [py, "-c", "pass"],
            "python -c 'import cadquery'": [py, "-c", "import cadquery"],
            "python -c 'import OCP...' (body's)": [py, "-c", OCP_IMPORTS],
            "geom list": [py, "-m", "geom", "list"],
            "geom cutout": [py, "-m", "geom", "cutout", PART, "-o", out],
            "geom body": [py, "-m", "geom", "body", PART, "-o", out],
        }
        results = {name: _time(argv, runs) for name, argv in commands.items()}
    cadquery = results["python -c 'import cadquery'"]
    print(f"median wall time of {runs} runs each ({os.cpu_count()} CPUs), part {PART}")
    failed = False
    for name, seconds in results.items():
        line = f"  {name:<36} {seconds:7.3f} s  {seconds / cadquery:5.2f} x import cadquery"
        if name in TARGETS:
            ok = seconds < TARGETS[name]
            failed |= not ok
            line += f"  target < {TARGETS[name]} s: {'ok' if ok else 'MISSED'}"
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
