"""`geom build --all --scheduler ADDRESS`: the small catalog (two parts, one panel) on a
local Dask cluster of two worker processes gives the same files, byte for byte, as
`--jobs 1` without Dask (which then is not even imported), shows its progress, and
reports a failing part by its id."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from geom.cli import main
from geom.data.templates import load_catalog

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local Dask cluster: 2 worker processes, 1 thread each (they
    import geom from this checkout)."""
    from distributed import LocalCluster

    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *sys.path])
    try:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            yield cluster.scheduler_address
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


SERIAL = """
import json, sys
from geom.cli import main
status = main(["build", "--all", "--templates", sys.argv[1], "-o", sys.argv[2], "--jobs", "1"])
print(json.dumps({"status": status, "dask": sorted(
    m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))}))
"""


def test_a_dask_cluster_builds_the_same_bytes_as_jobs_1(
    scheduler: str, small_templates: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serial = tmp_path / "serial"
    done = subprocess.run(
        [sys.executable, "-c", SERIAL, str(small_templates), str(serial)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},
        capture_output=True,
        text=True,
        check=True,
    )
    local = json.loads(done.stdout.strip().splitlines()[-1])
    assert local == {"status": 0, "dask": []}  # without --scheduler, no Dask at all
    cluster = tmp_path / "cluster"
    args = ["build", "--all", "--templates", str(small_templates), "-o", str(cluster)]
    assert main([*args, "--scheduler", scheduler]) == 0
    printed = capsys.readouterr().out
    names = sorted(p.name for p in serial.iterdir())
    assert names == sorted(p.name for p in cluster.iterdir())
    for name in names:
        assert (serial / name).read_bytes() == (cluster / name).read_bytes(), name
    steps = re.findall(r"^\[(\d+)/(\d+)\] ok ", printed, re.M)  # one line per finished job
    assert steps and [int(k) for k, _ in steps] == list(range(1, len(steps) + 1))
    assert {int(n) for _, n in steps} == {len(steps)}


def test_a_failing_part_on_the_cluster_is_reported_by_its_id(
    scheduler: str, small_templates: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A valid template whose fit fails (collar larger than the cutout band), built on
    the cluster next to the small catalog: it fails by name, the others are built."""
    shipped = load_catalog().parts["770-744/064-000"].path
    assert shipped is not None
    tight = (
        shipped.read_text(encoding="utf-8")
        .replace('id = "770-744/064-000"', 'id = "tight/1"')
        .replace("width = { value = 41.5, minus = 0.0", "width = { value = 41.7, minus = 0.0", 1)
    )
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "tight.toml").write_text(tight, encoding="utf-8")
    dirs = ["--templates", str(templates), "--templates", str(small_templates)]
    out = tmp_path / "out"
    assert main(["build", "--all", *dirs, "-o", str(out), "--scheduler", scheduler]) == 1
    printed = capsys.readouterr().out
    assert re.search(r"^\[\d+/\d+\] FAIL part\s+tight/1: fit fails", printed, re.M)
    assert "FAIL tight/1: fit fails, DXF withheld: interference" in printed
    for part_id in load_catalog([small_templates]).parts:
        assert re.search(rf"^{re.escape(part_id)}\s+part\s+ok\s", printed, re.M)
