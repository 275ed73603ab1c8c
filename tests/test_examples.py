"""The scripts in examples/ run as a user runs them (a new Python process) and print
what they promise: the CadQuery plugin cuts two 770-744 sockets into a lid, removing
2 x (w h - (4 - pi) r^2) x 2.0 mm3; `geom cut`'s round trip gives one valid solid whose
volume matches the report."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("cadquery")

ROOT = Path(__file__).resolve().parents[1]
W, H, R, WALL = 41.55, 15.55, 0.5, 2.0  # 770-744 cut drawn mid, no coating; the lid's wall


def run(script: str, out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_enclosure_lid(tmp_path: Path) -> None:
    text = run("enclosure_lid.py", tmp_path)
    assert "walls: [2.0, 2.0] mm, fits ok: True" in text
    removed = float(re.search(r"removed ([0-9.]+)", text).group(1))  # type: ignore[union-attr]
    assert removed == pytest.approx(2 * (W * H - (4 - math.pi) * R * R) * WALL, abs=1e-3)
    assert (tmp_path / "lid.step").is_file()


def test_cut_roundtrip(tmp_path: Path) -> None:
    text = run("cut_roundtrip.py", tmp_path)
    assert "geom cut exit 0; solids 1, valid True" in text
    before, after, reported = map(
        float,
        re.search(  # type: ignore[union-attr]
            r"volume ([0-9.]+) -> ([0-9.]+) mm3 \(report: ([0-9.]+)\)", text
        ).groups(),
    )
    assert after == pytest.approx(reported, abs=1e-3)
    assert before - after == pytest.approx(4 * (W * H - (4 - math.pi) * R * R) * WALL, abs=1e-2)
