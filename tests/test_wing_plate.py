"""One rule for where a body sits (docs/placement.md): the same part on the same finished
plate has its wings at the same Z in the body STEP, the flat panel's assembly, the bent
panel's assembly and the `geom cut` assembly, measured on the STEP files.

The 770-744/064-000 socket grips 0.5 .. 2.0 mm; on a bare sheet of a mill's band
1.4 .. 1.6 mm (or a measured 1.6 mm wall) the thickest finished plate is 1.6 mm, so its
wings' catching faces lie 1.6 mm behind the face it is mounted on (not 1.5 mm, the
band's middle). What is compared: every upward planar face (normal +Z) of the
solids within the socket's footprint (45.5 x 18.5 mm), from 40 mm behind the face to
the face, as heights relative to the face: the wings' catching faces among them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geom.cli import main

cq = pytest.importorskip("cadquery")

PART = "770-744/064-000"
SHOP = "shop_tolerance = 0.02\n"  # the 770-744's opening band is 0.1 mm wide
PLACE = f'[[place]]\npart = "{PART}"\n'


def _upward(step: Path, x: float, y: float, z: float) -> list[float]:
    """Heights (relative to z, mm) of the upward planar faces round (x, y)."""
    shape = cq.importers.importStep(str(step)).val()
    found = []
    for face in shape.Faces():
        if face.geomType() != "PLANE":
            continue
        centre = face.Center()
        normal = face.normalAt(centre)
        near = abs(centre.x - x) <= 22.75 and abs(centre.y - y) <= 9.25
        if near and normal.z > 1 - 1e-12 and -40.0 < centre.z - z < -1e-9:
            found.append(round(centre.z - z, 9))
    return sorted(set(found))


def test_wings_sit_alike_on_every_surface(tmp_path: Path) -> None:
    # The body alone: the front face at Z = 0.
    assert main(["body", PART, "--sheet", "1.4..1.6", "-o", str(tmp_path / "body")]) == 0
    body = _upward(tmp_path / "body" / "770-744_064-000-body.step", 0.0, 0.0, 0.0)
    assert -1.6 in body  # the wings' catching faces, 1.6 mm behind the front

    flat = tmp_path / "flat.toml"
    flat.write_text(
        f'[panel]\nwidth = 100.0\nheight = 60.0\nsheet = [1.4, 1.6]\nprocess = "laser"\n{SHOP}'
        f"{PLACE}x = 50.0\ny = 30.0\n",
        encoding="utf-8",
    )
    assert main(["panel", str(flat), "-o", str(tmp_path / "flat")]) == 0
    assert _upward(tmp_path / "flat" / "flat-assembly.step", 50.0, 30.0, 0.0) == body

    bent = tmp_path / "bent.toml"
    bent.write_text(
        f'[panel]\nwidth = 200.0\nheight = 120.0\nsheet = [1.4, 1.6]\nprocess = "laser"\n{SHOP}'
        '[[flange]]\nedge = "bottom"\nheight = 20.0\nangle = 90.0\ndirection = "down"\n'
        "radius = 1.5\n"
        f"{PLACE}x = 100.0\ny = 60.0\n",
        encoding="utf-8",
    )
    assert main(["panel", str(bent), "-o", str(tmp_path / "bent")]) == 0
    assert _upward(tmp_path / "bent" / "bent-assembly.step", 100.0, 60.0, 0.0) == body

    # A 160 x 100 x 50 mm box with 1.6 mm walls: the lid (">Z") at world z = 25, its
    # frame's origin at world (-80, -50, 25), so frame (80, 50) is world (0, 0, 25).
    box = cq.Workplane().box(160, 100, 50)
    solid = box.cut(cq.Workplane().box(156.8, 96.8, 46.8)).val().Solids()[0]
    step = tmp_path / "box.step"
    solid.exportStep(str(step))
    lid = tmp_path / "lid.toml"
    lid.write_text(f'[face]\nselect = ">Z"\n{SHOP}{PLACE}x = 80.0\ny = 50.0\n', encoding="utf-8")
    assert main(["cut", str(step), str(lid), "-o", str(tmp_path / "cut")]) == 0
    assert _upward(tmp_path / "cut" / "lid-assembly.step", 0.0, 0.0, 25.0) == body
