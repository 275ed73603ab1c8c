"""The layout plan alone (geom.model.layout.plan): no files, no kernel.

Builds flat panels with n = 100 and 1000 parts (the 770-1242/076-000 socket in its
770-317 frame, in a grid of 40 x 35 mm pitch: every rule runs, webs, edges, flanges,
plugs, bodies, fixing holes) and times `plan()` on the flat sheet (best of 10: the
machine is shared), beside the whole `geom panel` command for the same file (a fresh
process: imports, STEP, DXF and drawing included) and the load average. Targets on a
2-core machine: 100 parts <= 20 ms, 1000 parts <= 200 ms.

Run: PYTHONPATH=. python benchmarks/bench_plan.py   (about a minute on 2 cores)
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_panel import panel_file  # noqa: E402  (the same grid of parts)

from geom.panel.layout import plan_flat  # noqa: E402
from geom.panel.model import load_panel  # noqa: E402

TARGETS = {100: 0.020, 1000: 0.200}
"""Seconds `plan()` may take for n parts."""


def main() -> int:
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for n, target in TARGETS.items():
            path = panel_file(directory, n)
            panel = load_panel(path)
            best = math.inf
            for _ in range(10):
                start = time.perf_counter()
                done = plan_flat(panel)
                best = min(best, time.perf_counter() - start)
            start = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-m", "geom", "panel", str(path), "-o", str(directory / "out")],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                check=False,
            )
            whole = time.perf_counter() - start
            verdict = "ok" if best <= target else f"OVER the {target * 1000:.0f} ms target"
            failed |= best > target
            print(
                f"n = {n:5d}: plan() {best * 1000:7.2f} ms ({verdict}), "
                f"{len(done.violations)} violations; whole `geom panel` {whole:6.2f} s "
                f"(exit {run.returncode}); load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
