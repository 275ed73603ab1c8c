"""A run killed mid-way (SIGKILL: no clean-up runs) never leaves a partial file under a
final name: every file there is whole, from this run or the previous one. Killed at
deterministic points of a `geom panel` run (DXF, plate STEP, assembly STEP, the
drawing's PDF, DXF, SVG and PNG, BOM, report): right after its first, fourth and
eighth file is put in place ($GEOM_TEST_KILL_AFTER_REPLACE, geom.data.atomic), so
exactly that many files are new. Temporary `.<name>.*.part` files may remain; they
never carry a final name."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from geom.data.atomic import KILL_AFTER_REPLACE_ENV
from geom.dxf.lint import lint_file

ROOT = Path(__file__).resolve().parents[1]
COLS, ROWS = 4, 3  # 12 cutouts of the framed 2-pole socket


def _panel(directory: Path) -> Path:
    path = directory / "small.toml"
    path.write_text(
        f"[panel]\nwidth = {COLS * 40 + 40}\nheight = {ROWS * 35 + 40}\n"
        'sheet = 1.5\ncoating = 0.08\nprocess = "laser"\nshop_tolerance = 0.05\n\n'
        f'[[array]]\npart = "770-1242/076-000"\nx = 40.0\ny = 40.0\ncols = {COLS}\n'
        f"rows = {ROWS}\npitch_x = 40.0\npitch_y = 35.0\n",
        encoding="utf-8",
    )
    return path


def _assert_whole(out: Path) -> set[str]:
    """Every file under a final name is complete; returns the final names found."""
    finals = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    for name in finals:
        path = out / name
        if name.endswith(".dxf"):
            assert lint_file(path) == [], name
            assert path.read_bytes().rstrip().endswith(b"EOF"), name
        elif name.endswith(".step"):
            text = path.read_bytes()
            assert text.startswith(b"ISO-10303-21;") and text.rstrip().endswith(
                b"END-ISO-10303-21;"
            ), name
        elif name.endswith(".json"):
            json.loads(path.read_text(encoding="utf-8"))
        elif name.endswith(".pdf"):
            assert path.read_bytes().rstrip().endswith(b"%%EOF"), name
        elif name.endswith(".svg"):
            assert path.read_bytes().rstrip().endswith(b"</svg>"), name
        elif name.endswith(".png"):
            assert path.read_bytes().endswith(b"IEND\xaeB`\x82"), name  # the last chunk
        elif name.endswith(".csv"):
            rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
            assert len(rows) >= 2 and path.read_bytes().endswith(b"\n"), name
    for tmp in (p for p in out.iterdir() if p.name.startswith(".")):
        assert tmp.name.endswith(".part"), tmp.name
    return finals


def test_sigkill_leaves_no_partial_file(tmp_path: Path) -> None:
    panel = _panel(tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(KILL_AFTER_REPLACE_ENV, None)
    command = [sys.executable, "-m", "geom", "panel", str(panel), "-o", str(out)]
    full = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert full.returncode == 0, full.stderr
    complete = _assert_whole(out)
    assert len(complete) == 9, complete
    for k in (1, 4, 8):
        before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
        killed = subprocess.run(
            command, env={**env, KILL_AFTER_REPLACE_ENV: str(k)}, capture_output=True, check=False
        )
        assert killed.returncode == -9, killed.stderr  # SIGKILL, not an exit of its own
        assert _assert_whole(out) == complete
        # The kill landed mid-run: exactly k of the files are new, the others the old ones.
        assert sum(before[n] != (out / n).stat().st_mtime_ns for n in complete) == k
