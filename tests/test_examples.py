"""The scripts in examples/ run as a user runs them (a new Python process) and print
what they promise: the CadQuery plugin cuts two 770-744 sockets into a lid, removing
2 x (w h - (4 - pi) r^2) x 2.0 mm3; `geom cut`'s round trip on a fully filleted hollow
box gives one valid solid whose volume matches the report for the passing part, and
exit 1 naming the wall and the grip range for the failing one."""

from __future__ import annotations

import importlib.util
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


CUTS = {"770-744/064-000": (41.55, 15.55, 0.5), "gland-M12": (12.65, 12.65, 6.325)}
"""The cut drawn mid for each part the round trip may use (w, h, corner r, mm), from the
sources: the 770-744's opening 41.5 x 15.5 mm +0.1 (mid: +0.05), corners 0.5 mm; the M12
gland's 12.5 mm hole (MOTORTECH's table) +0.3 (the band assumed; mid: +0.15), round."""
GRIPS = {"770-744/064-000": "0.500 .. 2.000"}
"""Each part's grip range (mm) as the data sheet gives it."""


def _constants() -> tuple[tuple[str, float], tuple[str, float], float, tuple[float, ...]]:
    spec = importlib.util.spec_from_file_location(
        "cut_roundtrip", ROOT / "examples" / "cut_roundtrip.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PASSING, module.FAILING, module.FILLET, module.SIZE


def _rounded_box(a: float, b: float, c: float, r: float) -> float:
    """A box a x b x c with every edge rounded r (Steiner's formula for the core box
    (a - 2r)(b - 2r)(c - 2r) grown by r), mm3."""
    x, y, z = a - 2 * r, b - 2 * r, c - 2 * r
    return (
        x * y * z
        + 2 * (x * y + y * z + z * x) * r
        + math.pi * (x + y + z) * r**2
        + (4 / 3 * math.pi * r**3)
    )


def test_cut_roundtrip(tmp_path: Path) -> None:
    (good, wall), (bad, bad_wall), fillet, (a, b, c) = _constants()
    if good not in CUTS or bad not in GRIPS:
        pytest.fail(f"add the data sheet's cut of {good} and grip of {bad} to CUTS and GRIPS")
    text = run("cut_roundtrip.py", tmp_path)
    passing, failing = text.split(f"{bad} on {bad_wall} mm walls:")
    assert f"{good} on {wall} mm walls:" in passing
    assert "geom cut exit 0" in passing and "solids 1, valid True" in passing
    before, after, reported = map(
        float,
        re.search(  # type: ignore[union-attr]
            r"volume ([0-9.]+) -> ([0-9.]+) mm3 \(report: ([0-9.]+)\)", passing
        ).groups(),
    )
    hollow = _rounded_box(a, b, c, fillet) - _rounded_box(
        a - 2 * wall, b - 2 * wall, c - 2 * wall, fillet - wall
    )
    assert before == pytest.approx(hollow, rel=1e-9)  # a uniform wall everywhere
    assert after == pytest.approx(reported, abs=1e-3)
    w, h, r = CUTS[good]
    assert before - after == pytest.approx(4 * (w * h - (4 - math.pi) * r * r) * wall, abs=1e-2)

    assert "geom cut exit 1" in failing
    assert f"wall {bad_wall:.3f} mm measured" in failing
    assert f"grip range {GRIPS[bad]} mm" in failing
    assert not (tmp_path / "fail" / "lid-cut.step").exists()
    assert (tmp_path / "fail" / "lid-report.json").is_file()
