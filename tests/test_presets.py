"""Panel presets measured on the DXF `geom panel` writes, against the figures of the
standards worked out here: Doepfer's A-100 (Eurorack: 128.5 mm high, the width from
Doepfer's table, M3 holes 3.2 mm at 7.5 mm from the left edge and 3.0 mm from top and
bottom, a second pair hp - 3 HP to the right above 10 HP) and EIA-310-E (19 inch:
482.6 mm wide, N x 44.45 mm less 1/32 in high, rail holes 465.1 mm apart at 6.35 mm
above the lowest U boundary and 38.1 mm above the highest U's lower one)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Run
from measure import cut_loops

INCH = 25.4


def _write(tmp_path: Path, head: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(f'[panel]\nprocess = "laser"\n{head}\n', encoding="utf-8")
    return path


def _loops(out: Path) -> list[tuple[float, float, float, float]]:
    """Every closed loop's extents on CUT, the outline first (the largest)."""
    (dxf,) = out.glob("*-panel.dxf")
    loops = cut_loops(dxf)
    assert all(loop.closed for loop in loops)
    return sorted((loop.extents for loop in loops), key=lambda e: (e[2] - e[0]) * (e[3] - e[1]))


def _report(out: Path) -> dict[str, Any]:
    (path,) = out.glob("*-report.json")
    return dict(json.loads(path.read_text(encoding="utf-8")))


def test_eurorack_8_hp_on_2_mm(geom: Callable[..., Run], tmp_path: Path) -> None:
    """Acceptance: outline 40.3 x 128.5 mm, holes at x = 7.5, y = 3.0 and 125.5, exit 0;
    the holes 1.4 mm from the edge, under the laser's 1.5 t = 3 mm: the standard wins, in
    the report's notes and on the terminal with both figures."""
    run = geom(
        "panel", _write(tmp_path, 'preset = "eurorack"\nhp = 8\nsheet = 2.0'), "-o", tmp_path
    )
    assert run.code == 0, run.out
    outline, *holes = _loops(tmp_path)[::-1]
    assert outline == pytest.approx((0.0, 0.0, 40.3, 128.5), abs=1e-6)
    centres = sorted(((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0) for x0, y0, x1, y1 in holes)
    flat = [v for c in centres for v in c]
    assert flat == pytest.approx([7.5, 3.0, 3.2, 7.5, 125.5, 3.2], abs=1e-6)
    notes = [n for n in _report(tmp_path)["notes"] if "standard wins" in n]
    assert len(notes) == 2 and all("1.400 mm" in n and "3.000 mm minimum" in n for n in notes)
    assert "standard wins: preset.hole[0]: 1.400 mm from the outline" in run.out


@pytest.mark.parametrize(("hp", "width"), [(2, 9.8), (10, 50.5), (12, 60.6), (42, 213.0)])
def test_eurorack_wider_than_10_hp_has_two_pairs(
    geom: Callable[..., Run], tmp_path: Path, hp: int, width: float
) -> None:
    head = f'preset = "eurorack"\nhp = {hp}\nsheet = 2.0'
    assert geom("panel", _write(tmp_path, head), "-o", tmp_path).code == 0
    outline, *holes = _loops(tmp_path)[::-1]
    assert outline[2] == pytest.approx(width, abs=1e-6)
    xs = sorted({round((x0 + x1) / 2, 6) for x0, _, x1, _ in holes})
    assert xs == pytest.approx([7.5] if hp <= 10 else [7.5, 7.5 + (hp - 3) * 5.08], abs=1e-6)
    assert len(holes) == 2 * len(xs)


@pytest.mark.parametrize("sheet", [1.5, 2.0])
@pytest.mark.parametrize("units", [1, 2, 3])
def test_19_inch_fronts_pass_the_default_rules(
    geom: Callable[..., Run], tmp_path: Path, sheet: float, units: int
) -> None:
    """Acceptance (2U, 2 mm: exit 0): 482.6 x (N 44.45 - 1/32 in) mm; the slots' centres
    8.75 mm in from each side (465.1 apart) and at 6.35 - 1/64 in and (N - 1) 44.45 +
    38.1 - 1/64 in (the panel centred in its units). A 10 x 6.5 mm slot there is
    5.953 - 3.25 = 2.703 mm from the edge: over 1.5 t on 1.5 mm (2.25), under it on 2 mm
    (3.0), where EIA-310 wins and the report says so."""
    head = f'preset = "19in"\nunits = {units}\nsheet = {sheet}'
    run = geom("panel", _write(tmp_path, head), "-o", tmp_path)
    assert run.code == 0, run.out
    outline, *slots = _loops(tmp_path)[::-1]
    height = units * 44.45 - INCH / 32
    assert outline == pytest.approx((0.0, 0.0, 482.6, height), abs=1e-6)
    low, high = 6.35 - INCH / 64, (units - 1) * 44.45 + 38.1 - INCH / 64
    found = sorted((round((x0 + x1) / 2, 6), round((y0 + y1) / 2, 6)) for x0, y0, x1, y1 in slots)
    expected = sorted((x, y) for x in (8.75, 8.75 + 465.1) for y in (low, high))
    assert [v for c in found for v in c] == pytest.approx(
        [v for c in expected for v in c], abs=1e-6
    )
    assert {(round(x1 - x0, 6), round(y1 - y0, 6)) for x0, y0, x1, y1 in slots} == {(10.0, 6.5)}
    notes = [n for n in _report(tmp_path)["notes"] if "standard wins" in n]
    assert len(notes) == (4 if sheet == 2.0 else 0)
    assert all(f"{low - 3.25:.3f} mm from the outline" in n for n in notes)


@pytest.mark.parametrize(
    ("head", "field"),
    [
        ('preset = "eurorack"\nhp = 9\nsheet = 2.0', "panel.hp"),
        ('preset = "eurorack"\nhp = 1\nsheet = 2.0', "panel.hp"),
        ('preset = "eurorack"\nhp = 8\nwidth = 40.0\nsheet = 2.0', "panel.width"),
        ('preset = "19in"\nsheet = 2.0', "panel.units"),
        ('preset = "19in"\nunits = 2\nhp = 8\nsheet = 2.0', "panel.hp"),
        ('preset = "3u"\nsheet = 2.0', "panel.preset"),
    ],
)
def test_bad_presets_exit_2_in_one_line(
    geom: Callable[..., Run], tmp_path: Path, head: str, field: str
) -> None:
    run = geom("panel", _write(tmp_path, head), "-o", tmp_path / "out")
    assert run.code == 2 and not (tmp_path / "out").exists()
    (line,) = run.err.strip().splitlines()
    assert line.startswith("geom: ") and f"{field}:" in line, line


def test_a_hole_the_user_places_near_the_edge_still_fails(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """Only the standard's own holes win: a [[hole]] as near the edge is the user's."""
    head = 'preset = "eurorack"\nhp = 8\nsheet = 2.0\n[[hole]]\nx = 30.0\ny = 3.0\ndiameter = 3.2'
    run = geom("panel", _write(tmp_path, head), "-o", tmp_path)
    assert run.code == 1
    (v,) = _report(tmp_path)["violations"]
    assert (v["rule"], v["entries"], v["profile"]) == ("edge", ["hole[0]"], "laser-default")
