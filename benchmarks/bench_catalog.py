"""Whole-catalog build time, `geom build --all --jobs 1` against `--jobs 2`.

Each run is a fresh `python -m geom` process into a fresh directory (what `make run`
does), so process start, imports and worker start-up are all counted. Prints the median
of RUNS runs for each and the speed-up (jobs 1 time / jobs 2 time; > 1 is faster).

Two catalogs: the shipped one (3 templates, 1 example panel), and the same with every
template copied COPIES times under new ids (through $GEOM_TEMPLATES), to show how the
speed-up grows once the fixed costs (interpreter start, imports of ezdxf, PyMuPDF and
the OpenCascade kernel, about 1.5 s, paid once in both cases) weigh less.

Then the shipped catalog on a local Dask cluster of two worker processes
(`--scheduler`), timed the same way, and every file compared with the `--jobs 1` build
(they must be the same bytes).

The machine is shared: for scale, the same script also measures how much two processes
gain over one on a pure CPU loop at the same moments (the most any parallel build can
gain here then).

    PYTHONPATH=$PWD python benchmarks/bench_catalog.py [RUNS] [COPIES]
    (the Dask part needs geom-panel[dask]; it is left out when Dask is not installed)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

RUNS = 3
COPIES = 5


def one_run(jobs: int, templates: Path | None, keep: Path | None = None, *extra: str) -> float:
    """Seconds of one `geom build --all --jobs N` (plus `extra` options) in a fresh
    process, into `keep` when given (else a temporary folder)."""
    env = dict(os.environ)
    if templates is not None:
        env["GEOM_TEMPLATES"] = str(templates)
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as tmp:
        out = str(keep or Path(tmp) / "out")
        command = [sys.executable, "-m", "geom", "build", "--all", "-o", out, "--jobs", str(jobs)]
        start = time.perf_counter()
        subprocess.run([*command, *extra], check=True, capture_output=True, env=env)
        return time.perf_counter() - start


def bench_dask(runs: int) -> None:
    """The shipped catalog on a local Dask cluster of 2 worker processes against --jobs
    1: the median times and whether every file is the same bytes."""
    try:
        from distributed import LocalCluster
    except ImportError:
        print("Dask not installed: the cluster build is left out")
        return
    root = str(Path(__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join([root, *sys.path])  # the workers' geom
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        serial, cluster_out = Path(tmp) / "serial", Path(tmp) / "cluster"
        local = [one_run(1, None, serial)]
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
            address = cluster.scheduler_address
            dask = [one_run(1, None, cluster_out, "--scheduler", address)]
            for _ in range(runs - 1):
                local.append(one_run(1, None))
                dask.append(one_run(1, None, None, "--scheduler", address))
        names = sorted(p.name for p in serial.iterdir())
        same = names == sorted(p.name for p in cluster_out.iterdir()) and all(
            (serial / n).read_bytes() == (cluster_out / n).read_bytes() for n in names
        )
    print("shipped catalog on a local Dask cluster (2 worker processes)")
    print(f"  --jobs 1:            median {statistics.median(local):.2f} s over {runs} runs")
    print(f"  --scheduler (2 wkr): median {statistics.median(dask):.2f} s over {runs} runs")
    print(f"  {len(names)} files, the same bytes as --jobs 1: {'yes' if same else 'NO'}")


def copied_templates(directory: Path, copies: int) -> Path:
    """Every shipped template `copies` times, ids suffixed `-c1`, `-c2`, ... (frames too:
    a copied socket mounts through its own copied frame)."""
    from geom.data.templates import load_catalog

    parts = load_catalog().parts.values()
    for k in range(1, copies + 1):
        for part in parts:
            assert part.path is not None
            text = part.path.read_text(encoding="utf-8")
            for other in parts:  # rename the part and any frame it names
                text = text.replace(f'"{other.id}"', f'"{other.id}-c{k}"')
            # Data-sheet keys in [sources] were renamed too: rename them back.
            for other in parts:
                text = text.replace(f'source = "{other.id}-c{k}"', f'source = "{other.id}"')
                text = text.replace(f'"{other.id}-c{k}" = "', f'"{other.id}" = "')
            (directory / f"{part.file_stem}-c{k}.toml").write_text(text, encoding="utf-8")
    return directory


def _spin(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - start


def cpu_headroom(n: int = 10_000_000) -> float:
    """Speed-up of two CPU-bound processes over one doing both loops, measured now."""
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


def bench(name: str, runs: int, templates: Path | None) -> None:
    times: dict[int, list[float]] = {1: [], 2: []}
    headroom = []
    for _ in range(runs):  # interleaved, so a busy moment hurts both alike
        for jobs in times:
            times[jobs].append(one_run(jobs, templates))
        headroom.append(cpu_headroom())
    medians = {jobs: statistics.median(values) for jobs, values in times.items()}
    print(name)
    for jobs, values in times.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"  --jobs {jobs}: median {medians[jobs]:.2f} s over {runs} runs ({shown})")
    print(f"  speed-up --jobs 2 vs --jobs 1: {medians[1] / medians[2]:.2f}x")
    print(
        f"  for scale: 2 processes vs 1 on a pure CPU loop, same moments: "
        f"{statistics.median(headroom):.2f}x (2.00x on an idle 2-core machine)"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else COPIES
    bench("shipped catalog (3 templates, example panels)", runs, None)
    bench_dask(runs)
    with tempfile.TemporaryDirectory(prefix="bench-templates-") as tmp:
        templates = copied_templates(Path(tmp), copies)
        n = len(list(templates.glob("*.toml")))
        bench(f"shipped catalog + {n} copied templates", runs, templates)


if __name__ == "__main__":
    main()
