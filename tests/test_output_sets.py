"""A run's files are one set: staged, swapped in whole under a lock on the output
folder, recovered after a SIGKILL. Two panels with the same name (so the same file
names) but different holes, `front` with 2 holes and `front` with 5: the folder must
always hold one of them whole, which its report's SHA-256 list and its DXF's hole count
show. Killed runs: tests/test_kill.py.

The runs are real processes (their own pid, lock and exit status); all but the first
round's are forked from a pre-imported interpreter (tests/forked.py), which saves the
start-up and imports, about 3 s of CPU per run."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import ezdxf
import pytest
from forked import Run, Started

from geom.data.atomic import KILL_AT, write_text
from geom.output import output_set
from geom.output.transaction import sha256

ROOT = Path(__file__).resolve().parents[1]
HEAD = """[panel]
width = 140.0
height = 60.0
sheet = 1.5
process = "laser"
shop_tolerance = 0.05
"""


def _panel(folder: Path, holes: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = HEAD + "".join(
        f"\n[[hole]]\nx = {20.0 + 20 * i}\ny = 20.0\ndiameter = 5.0\n" for i in range(holes)
    )
    path = folder / "front.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _start(
    panel: Path, out: Path, kill_at: str | None = None, *, real: bool = False
) -> Run | Started:
    """`geom panel PANEL -o OUT` as a process of its own: forked from a pre-imported
    interpreter, or (`real`) `python -m geom` started from nothing. Its stderr goes to a
    file beside `out`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(KILL_AT, None)
    if kill_at:
        env[KILL_AT] = kill_at
    fd, stderr = tempfile.mkstemp(prefix="stderr-", dir=out.parent)
    os.close(fd)
    return (Started if real else Run)(["panel", panel, "-o", out], env, Path(stderr))


def _holes_in_dxf(path: Path) -> int:
    return sum(1 for e in ezdxf.readfile(path).modelspace() if e.dxftype() == "CIRCLE")


def _one_set(out: Path, staged: int = 0) -> int:
    """The folder holds one run's complete set: exactly the report and the files it
    lists, each with the SHA-256 it gives, the DXF's holes as the report counts them, and
    `staged` staging folders beside them (nothing else hidden). Returns the holes."""
    hidden = [p for p in out.iterdir() if p.name.startswith(".")]
    assert len(hidden) == staged and all(p.name.startswith(".geom-staging-") for p in hidden)
    report = json.loads((out / "front-report.json").read_text(encoding="utf-8"))
    listed = {o["file"]: o["sha256"] for o in report["outputs"]}
    assert {p.name for p in out.iterdir() if p not in hidden} == {"front-report.json", *listed}
    for name, digest in listed.items():
        assert sha256(out / name) == digest, name
    holes = int(report["counts"]["holes"])
    assert _holes_in_dxf(out / "front-panel.dxf") == holes
    return holes


def test_two_runs_into_one_folder_leave_one_whole_set(tmp_path: Path) -> None:
    """20 rounds of two runs started together: the second waits for the first (one
    note line naming it: its pid, and `geom panel` for a run started as `python -m
    geom`, as the first round's are), and the folder ends with one run's complete set."""
    panels = {2: _panel(tmp_path / "a", 2), 5: _panel(tmp_path / "b", 5)}
    out = tmp_path / "out"
    for round_ in range(20):
        order = (2, 5) if round_ % 2 else (5, 2)
        runs = [_start(panels[n], out, real=round_ == 0) for n in order]
        codes = [run.wait() for run in runs]
        for run, code, other in zip(runs, codes, runs[::-1], strict=True):
            stderr = run.stderr
            assert "Traceback" not in stderr, stderr
            assert code == 0, stderr
            waited = [line for line in stderr.splitlines() if "waiting for" in line]
            assert len(waited) <= 1 and all(f"(pid {other.pid})" in w for w in waited), stderr
            assert round_ > 0 or all("geom panel" in w for w in waited), stderr
        assert _one_set(out) in panels


def test_a_run_that_stops_with_an_error_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "front-bom.csv").write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), output_set(out) as outputs:
        write_text(outputs.path("front-bom.csv"), "new\n")
        write_text(outputs.path("front-panel.dxf"), "new\n")
        raise RuntimeError("stopped")
    assert [p.name for p in out.iterdir()] == ["front-bom.csv"]
    assert (out / "front-bom.csv").read_text(encoding="utf-8") == "old\n"
