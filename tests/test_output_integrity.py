"""Output a shop can trust: a write that dies leaves no partial file under the final name,
concurrent runs into one directory leave whole files, and the same input gives the same
bytes in separate processes (different clocks, time zones and hash seeds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from forked import Run
from measure import cut_loops

from geom.data import atomic

ROOT = Path(__file__).resolve().parents[1]


def test_a_write_that_fails_midway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.dxf"
    target.write_bytes(b"old, whole file")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic.write_bytes(target, b"new content that never lands")
    assert target.read_bytes() == b"old, whole file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.dxf"]


def _geom(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geom", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        check=False,
    )


def test_concurrent_runs_into_one_directory_leave_whole_files(
    tmp_path: Path, geom_forked: Callable[..., Run]
) -> None:
    """Six processes write the same files at once, with different coatings: every file
    left is one whole DXF / JSON, never a mix."""
    coatings = ["0", "0.02", "0.04", "0.0", "0.03", "0.01"]
    out = tmp_path / "out"
    runs = [
        geom_forked("cutout", "770-744", "--plate", "1", "--coating", c, "-o", out)
        for c in coatings
    ]
    assert [r.wait() for r in runs] == [0] * 6, [r.stderr for r in runs]
    names = sorted(p.name for p in out.iterdir())
    assert names == ["770-744_064-000-cutout.dxf", "770-744_064-000-fit.json"]
    (loop,) = cut_loops(out / names[0])
    assert loop.closed
    report = json.loads((out / names[1]).read_text())
    assert report["part"] == "770-744/064-000"


# Different clocks, zones and hash seeds. SOURCE_DATE_EPOCH is a *request* for a STEP
# header time stamp, so it is not one of the differences.
ENVS = ({"TZ": "UTC", "PYTHONHASHSEED": "1"}, {"TZ": "Asia/Tokyo", "PYTHONHASHSEED": "2"})


def _same_bytes(first: Path, second: Path) -> list[str]:
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    return names


@pytest.mark.parametrize(
    "extra",
    [["--dxf-version", "r12"], ["--explode"], ["--target", "nominal", "--coating", "0.05..0.08"]],
)
def test_cutout_same_bytes_across_processes(tmp_path: Path, extra: list[str]) -> None:
    for i, env in enumerate(ENVS):
        run = _geom(
            "cutout", "770-1242", "-o", str(tmp_path / str(i)), "--plate", "1.5", *extra, env=env
        )
        assert run.returncode == 0, run.stderr
    assert _same_bytes(tmp_path / "0", tmp_path / "1")


def test_whole_catalog_same_bytes_across_processes(
    tmp_path: Path, catalog: tuple[Path, str]
) -> None:
    """Every kind of file geom writes: DXF, JSON, STEP, SVG, PNG, PDF, CSV and HTML. The
    catalog built in this test process (2 workers, after whatever tests ran before it)
    against `geom build --all` run by a fresh process in another time zone with another
    hash seed (1 worker): no output depends on process history."""
    other = {"TZ": "Asia/Tokyo" if os.environ.get("TZ") != "Asia/Tokyo" else "UTC"}
    other["PYTHONHASHSEED"] = "2" if os.environ.get("PYTHONHASHSEED") != "2" else "1"
    run = _geom("build", "--all", "-o", str(tmp_path / "0"), "--jobs", "1", env=other)
    assert run.returncode == 0, run.stderr
    names = _same_bytes(catalog[0], tmp_path / "0")
    kinds = {Path(n).suffix for n in names}
    assert {".dxf", ".json", ".step", ".svg", ".png", ".pdf", ".csv", ".html"} <= kinds
