"""`geom body` for every template: the STEP it writes, re-read with cadquery's importer
(independent of the OCP writer path), holds valid solids of positive volume whose bounding
boxes are the data sheet's envelope at the README's placement (panel front face Z = 0,
cutout centred on X = Y = 0), named by part id and name, coloured as the template says
(grey without a [body] colour), with as many pole openings as the template asks for
(none without them); on the parts that have them, their spacing measured on the file;
the latch wings of a snap-in part at the finished plate; and two runs in separate
processes at different times give the same bytes for every template."""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import cadquery as cq
import pytest
from measure import placed_envelope
from OCP.BRepGProp import BRepGProp_Face
from OCP.gp import gp_Pnt, gp_Vec
from template_toml import IDS, RAW, colour, owners, pole_openings, value

from geom.cli import main
from geom.data.templates import load_catalog

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
assert PART_IDS == IDS  # the catalog is the shipped templates, row by row
WITH_POLE_OPENINGS = [pid for pid in IDS if any(pole_openings(o) for o in owners(pid))]
ROOT = Path(__file__).resolve().parents[1]


def _solids(path: Path) -> dict[str, Any]:
    assy = cq.Assembly.importStep(str(path))
    return {child.name: child for child in assy.children}


def _written(pid: str, tmp_path: Path, sheet: str | None = None, *more: str) -> Path:
    args = ["body", pid, "-o", str(tmp_path)] + (["--sheet", sheet] if sheet else []) + list(more)
    assert main(args) == 0
    path = tmp_path / f"{CATALOG.parts[pid].file_stem}-body.step"
    assert path.is_file()
    return path


def _openings(shape: Any) -> list[tuple[float, float, float, float]]:
    """Full round holes (pole openings): cylindrical faces all the way round whose
    material lies outside the cylinder; (x, y, radius, top z) each."""
    found = []
    for face in shape.Faces():
        if face.geomType() != "CYLINDER":
            continue
        umin, umax, vmin, vmax = face._uvBounds()
        if not math.isclose(umax - umin, 2 * math.pi, abs_tol=1e-6):
            continue  # a rounded corner, not an opening
        cyl = face._geomAdaptor().Cylinder()
        loc = cyl.Location()
        point, normal = gp_Pnt(), gp_Vec()  # the outward normal, the face's orientation kept
        BRepGProp_Face(face.wrapped).Normal((umin + umax) / 2, (vmin + vmax) / 2, point, normal)
        axis = gp_Vec(cyl.Axis().Direction())
        away = gp_Vec(loc, point)
        radial = away.Subtracted(axis.Multiplied(away.Dot(axis)))
        if normal.Dot(radial) > 0:
            continue  # a round collar's outside, not a hole
        box = face.BoundingBox()
        found.append((loc.X(), loc.Y(), cyl.Radius(), box.zmax))
    return sorted(found)


@pytest.mark.parametrize("pid", PART_IDS)
def test_body_step_reads_back_valid_at_the_envelope(pid: str, tmp_path: Path) -> None:
    part = CATALOG.parts[pid]
    path = _written(pid, tmp_path)
    text = path.read_text(encoding="ascii")
    assert "AUTOMOTIVE_DESIGN" in text and "SI_UNIT(.MILLI.,.METRE.)" in text
    assert cq.Assembly.importStep(str(path)).name == f"{pid} on a {part.fit.grip.max:g} mm plate"
    solids = _solids(path)
    owners = [part.mount] + ([part] if part.frame is not None else [])
    assert set(solids) == {f"{o.id} {o.name}" for o in owners}
    for owner in owners:
        child = solids[f"{owner.id} {owner.name}"]
        shape = child.obj.moved(child.loc)
        assert isinstance(child.obj, cq.Solid)
        assert shape.isValid()
        assert shape.Volume() > 0
        box = shape.BoundingBox()
        got = (box.xmin, box.xmax, box.ymin, box.ymax, box.zmin, box.zmax)
        assert got == pytest.approx(placed_envelope(part, owner), abs=0.01)
        # Low face count: a simplified body, not a replica.
        assert len(shape.Faces()) <= 60
        assert child.color.toTuple()[:3] == pytest.approx(colour(owner.id), abs=1e-6)
        assert len(_openings(shape)) == pole_openings(owner.id)


@pytest.mark.parametrize("pid", WITH_POLE_OPENINGS)
def test_pole_openings_measured_on_the_step(pid: str, tmp_path: Path) -> None:
    part = CATALOG.parts[pid]
    solids = _solids(_written(pid, tmp_path))
    owners = [part.mount] + ([part] if part.frame is not None else [])
    for owner in owners:
        child = solids[f"{owner.id} {owner.name}"]
        shape = child.obj.moved(child.loc)
        openings = _openings(shape)
        assert len(openings) == pole_openings(owner.id)
        if not openings:
            continue  # a frame: its poles belong to the part it holds
        xs = [x for x, *_ in openings]
        pitch = value(RAW[owner.id]["part"], "pin_spacing")
        assert [b - a for a, b in itertools.pairwise(xs)] == pytest.approx(
            [pitch] * (len(xs) - 1), abs=1e-6
        )
        assert sum(xs) == pytest.approx(0.0, abs=1e-6)  # centred
        front = shape.BoundingBox().zmax
        for _x, y, radius, top in openings:
            assert y == pytest.approx(0.0, abs=1e-6)
            assert top == pytest.approx(front, abs=1e-6)  # open on the mating face
            assert radius > 0


@pytest.mark.parametrize(
    ("sheet", "coating", "finished"),
    [("0.5", "0", 0.5), ("1.5", "0", 1.5), ("1.5", "0.08", 1.66), ("1.4..1.5", "0.06..0.08", 1.66)],
)
def test_wings_sit_for_the_finished_plate(
    tmp_path: Path, sheet: str, coating: str, finished: float
) -> None:
    """The latch wings' catching face is at Z = -t, t the thickest finished plate: sheet
    plus the coating on both faces (1.5 + 2 x 0.08 = 1.66 mm), measured on the file."""
    pid = "770-744/064-000"
    part = CATALOG.parts[pid]
    child = next(iter(_solids(_written(pid, tmp_path, sheet, "--coating", coating)).values()))
    shape = child.obj.moved(child.loc)
    edge = part.fit.collar_width.max / 2
    beyond = shape.intersect(cq.Solid.makeBox(50, 50, 50, cq.Vector(edge + 1e-3, -25, -50)))
    assert beyond.Volume() > 0
    assert beyond.BoundingBox().zmax == pytest.approx(-finished, abs=1e-6)
    assert beyond.BoundingBox().xmax == pytest.approx(part.fit.latch_span.nominal / 2)


def test_a_sheet_the_part_cannot_grip_is_refused_for_a_body(tmp_path: Path, capsys) -> None:
    assert (
        main(["body", "770-744", "--sheet", "1.9", "--coating", "0.08", "-o", str(tmp_path)]) == 2
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("geom: command line:--sheet:") and "sheet 0.340 .. 1.840 mm" in err
    assert not any(tmp_path.iterdir())


def _run_bodies(out: Path, order: list[str]) -> dict[str, bytes]:
    """`geom body` for every template in `order`, in one new process: each body file's
    bytes by id."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    script = (
        "import sys\n"
        "from geom.cli import main\n"
        "for pid in sys.argv[2:]:\n"
        "    assert main(['body', pid, '-o', sys.argv[1]]) == 0, pid\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(out), *order],
        check=True,
        env=env,
        capture_output=True,
    )
    return {
        pid: (out / f"{CATALOG.parts[pid].file_stem}-body.step").read_bytes() for pid in PART_IDS
    }


def test_two_processes_at_different_times_same_bytes(tmp_path: Path) -> None:
    """Every template's body, written by two processes a second apart, each writing them
    all one after the other (the second in the reverse order, so nothing one file leaves
    behind in the process reaches the next), is the same bytes."""
    first = _run_bodies(tmp_path / "a", PART_IDS)
    time.sleep(1.0)
    second = _run_bodies(tmp_path / "b", PART_IDS[::-1])
    for pid in PART_IDS:
        assert first[pid] == second[pid], pid
        assert b"'2000-01-01T00:00:00'" in first[pid], pid
