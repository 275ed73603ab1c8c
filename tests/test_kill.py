"""A 1000-cutout `geom panel` run killed (SIGKILL: no clean-up runs) over a folder
holding another panel's set of the same name: every file under a final name is whole,
the folder holds the previous set or, once the next run has completed the committed
one, the new set; the next run leaves no staging folder or temporary file. The kills
land at exact moments (the GEOM_TEST_KILL_AT hook): a file staged, the set committed,
files half moved in."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from geom.data.atomic import KILL_AT
from geom.dxf.lint import lint_file
from geom.output import recover
from geom.output.transaction import sha256

ROOT = Path(__file__).resolve().parents[1]
ROWS = 25  # 1000 cutouts of the framed 2-pole socket (40 columns), 975 for the other


def _big_panel(directory: Path, cols: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "big.toml"
    path.write_text(
        f"[panel]\nwidth = {40 * 40 + 40}\nheight = {ROWS * 35 + 40}\n"
        'sheet = 1.5\ncoating = 0.08\nprocess = "laser"\nshop_tolerance = 0.05\n\n'
        f'[[array]]\npart = "770-1242/076-000"\nx = 40.0\ny = 40.0\ncols = {cols}\n'
        f"rows = {ROWS}\npitch_x = 40.0\npitch_y = 35.0\n",
        encoding="utf-8",
    )
    return path


def _run(panel: Path, out: Path, kill_at: str | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(KILL_AT, None)
    if kill_at:
        env[KILL_AT] = kill_at
    command = [sys.executable, "-m", "geom", "panel", str(panel), "-o", str(out)]
    return subprocess.run(command, env=env, capture_output=True, check=False).returncode


def _whole(path: Path) -> None:
    name, data = path.name, path.read_bytes()
    if name.endswith(".dxf"):
        assert lint_file(path) == [] and data.rstrip().endswith(b"EOF"), name
    elif name.endswith(".step"):
        assert data.startswith(b"ISO-10303-21;"), name
        assert data.rstrip().endswith(b"END-ISO-10303-21;"), name
    elif name.endswith(".json"):
        json.loads(data)
    elif name.endswith(".pdf"):
        assert data.rstrip().endswith(b"%%EOF"), name
    elif name.endswith(".svg"):
        assert data.rstrip().endswith(b"</svg>"), name
    elif name.endswith(".png"):
        assert data.endswith(b"IEND\xaeB`\x82"), name  # the last chunk
    elif name.endswith(".csv"):
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        assert len(rows) >= 2 and data.endswith(b"\n"), name


def _one_set(out: Path) -> int:
    """Every file whole, exactly the report's set with its SHA-256s, nothing hidden;
    returns the set's cutout count."""
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    for path in out.iterdir():
        _whole(path)
    report = json.loads((out / "big-report.json").read_text(encoding="utf-8"))
    listed = {o["file"]: o["sha256"] for o in report["outputs"]}
    assert {p.name for p in out.iterdir()} == {"big-report.json", *listed}
    assert all(sha256(out / name) == digest for name, digest in listed.items())
    return int(report["counts"]["cutouts"])


def test_sigkill_leaves_one_whole_set(tmp_path: Path) -> None:
    old, new = _big_panel(tmp_path / "old", 40), _big_panel(tmp_path / "new", 39)
    out = tmp_path / "out"
    assert _run(old, out) == 0
    assert _one_set(out) == 1000
    for moment, expected in (("write:2", 1000), ("commit:1", 975), ("rename:5", 975)):
        assert _run(new, out, kill_at=moment) == -signal.SIGKILL
        for path in out.iterdir():  # under a final name: whole, from one run or the other
            if not path.name.startswith("."):
                _whole(path)
        seen = tmp_path / f"seen-{moment.replace(':', '-')}"
        shutil.copytree(out, seen)
        recover(seen)  # what the next run does first
        assert _one_set(seen) == expected, moment
    assert _run(old, out) == 0
    assert _one_set(out) == 1000
