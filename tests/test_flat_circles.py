"""Every full circle of a bent panel's flat pattern is one CIRCLE on `CUT`, in every DXF
form and in its drawing DXF, and OpenSCAD (which drops LWPOLYLINE bulges) extrudes a
plate with as many holes as the DXF holds inner contours. The U-front: a 200 x 120 mm
base, 40 mm flanges top and bottom; on the bottom flange a D-sub E9 (a trapezoid and two
fixing holes) and an M20 gland (one round hole), on the base two [[hole]]s, 5 and 4 mm:
five round holes, one trapezoid and the blank's outline."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from measure import cut_loops, read

from geom.cli import main

U_FRONT = textwrap.dedent("""
    [panel]
    width = 200.0
    height = 120.0
    sheet = 1.5
    process = "laser"
    shop_tolerance = 0.05

    [[flange]]
    edge = "bottom"
    height = 40.0
    angle = 90.0
    direction = "down"
    radius = 1.5

    [[flange]]
    edge = "top"
    height = 40.0
    angle = 90.0
    direction = "down"

    [[place]]
    part = "dsub-E9"
    face = "bottom"
    x = 60.0
    y = 22.0

    [[place]]
    part = "gland-M20"
    face = "bottom"
    x = 140.0
    y = 22.0

    [[hole]]
    x = 50.0
    y = 60.0
    diameter = 5.0

    [[hole]]
    x = 150.0
    y = 60.0
    diameter = 4.0
""")
ROUND_HOLES = 5
"""Two [[hole]]s, the D-sub's two fixing holes and the gland's clearance hole."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("u-front")
    path = tmp / "u.toml"
    path.write_text(U_FRONT, encoding="utf-8")
    out = {}
    for name, extra in (
        ("r2000", []),
        ("r12", ["--dxf-version", "r12"]),
        ("exploded", ["--explode"]),
    ):
        assert main(["panel", str(path), "-o", str(tmp / name), *extra]) == 0
        out[name] = tmp / name
    return out


def _circles(path: Path) -> list[tuple[float, float, float]]:
    return [
        (e.dxf.center.x, e.dxf.center.y, e.dxf.radius)
        for e in read(path).modelspace().query('CIRCLE[layer=="CUT"]')
    ]


@pytest.mark.parametrize("form", ["r2000", "r12", "exploded"])
def test_flat_pattern_holds_one_circle_per_round_hole(runs: dict[str, Path], form: str) -> None:
    dxf = runs[form] / "u-flat.dxf"
    circles = _circles(dxf)
    assert len(circles) == ROUND_HOLES
    loops = cut_loops(dxf)
    assert len(loops) == 1 + 1 + ROUND_HOLES  # the outline, the trapezoid, the holes
    radii = sorted(round(r, 9) for _, _, r in circles)
    assert 2.0 in radii and 2.5 in radii  # the [[hole]]s, exactly as given


def test_flat_drawing_holds_the_same_circles(runs: dict[str, Path]) -> None:
    out = runs["r2000"]
    flat = sorted(r for *_, r in _circles(out / "u-flat.dxf"))
    drawing = sorted(r for *_, r in _circles(out / "u-flat-drawing.dxf"))
    assert drawing == pytest.approx(flat, abs=1e-9)


def _off_genus(off: Path) -> int:
    """The genus of the closed surface in an OFF file: V - E + F = 2 - 2 g (one body)."""
    words = off.read_text(encoding="utf-8").split()
    assert words[0] == "OFF"
    v, f = int(words[1]), int(words[2])
    at = 4 + 3 * v
    edges = set()
    for _ in range(f):
        n = int(words[at])
        ids = [int(w) for w in words[at + 1 : at + 1 + n]]
        at += 1 + n
        edges |= {frozenset((ids[i], ids[(i + 1) % n])) for i in range(n)}
    chi = v - len(edges) + f
    assert chi % 2 == 0
    return (2 - chi) // 2


@pytest.mark.parametrize("form", ["r2000", "exploded"])  # OpenSCAD reads no R12 POLYLINE
def test_openscad_extrudes_as_many_holes_as_the_dxf_holds(
    runs: dict[str, Path], form: str, tmp_path: Path
) -> None:
    program = shutil.which("openscad")
    if program is None:
        pytest.skip(
            "OpenSCAD (Debian openscad) is not installed: "
            "scripts/install-test-tools.sh installs it when run as root"
        )
    dxf = runs[form] / "u-flat.dxf"
    scad = tmp_path / "flat.scad"
    scad.write_text(
        f'linear_extrude(height = 1.5) import("{dxf.as_posix()}", layer = "CUT");\n',
        encoding="utf-8",
    )
    off = tmp_path / "flat.off"
    done = subprocess.run(
        [program, "-o", str(off), str(scad)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0 and off.is_file(), done.stderr
    holes = len(cut_loops(dxf)) - 1  # every contour but the outline
    assert holes == 1 + ROUND_HOLES
    assert _off_genus(off) == holes


def test_a_full_circle_in_any_run_of_arcs_is_recognised() -> None:
    """Quarters (a round hole read from a STEP face), either direction: one circle; a
    rounded square (arcs of one radius about four centres) and a half disc: none."""
    from geom.model.contour import QUARTER_BULGE, circle_of, rounded_rect

    r, cx, cy = 3.0, 10.0, -4.0
    quarters = [(cx + r, cy, QUARTER_BULGE), (cx, cy + r, QUARTER_BULGE)]
    quarters += [(cx - r, cy, QUARTER_BULGE), (cx, cy - r, QUARTER_BULGE)]
    assert circle_of(quarters) == pytest.approx((cx, cy, r), abs=1e-12)
    clockwise = [(x, y, -b) for x, y, b in reversed(quarters)]
    assert circle_of(clockwise) == pytest.approx((cx, cy, r), abs=1e-12)
    assert circle_of(rounded_rect(10.0, 10.0, 2.0)) is None
    assert circle_of([(r, 0.0, 1.0), (-r, 0.0, 0.0)]) is None
