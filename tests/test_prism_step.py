"""The flat plate's STEP, written directly (geom.cad.prism_step), read back by OpenCascade
and by FreeCAD: one valid solid whose volume is the thickness times the area worked out
from the contours (shoelace plus circular segments) and whose face count is two plus one
per contour segment, as the kernel's own prism of the same contours has. Same input, same
bytes, also in the assembly."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import pytest
from measure import freecad

from geom.cad.prism_step import Prism, real
from geom.model.contour import Vertex, circle, rounded_rect

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"

PRISMS = {
    "rectangle-socket": Prism(
        [(0.0, 0.0, 0.0), (120.0, 0.0, 0.0), (120.0, 80.0, 0.0), (0.0, 80.0, 0.0)],
        [rounded_rect(24.21, 16.71, 0.5, 40.0, 40.0)],
        1.5,
    ),
    # Convex and concave outline arcs, a round hole, a rounded slot, an opening with a
    # concave (clockwise) arc.
    "arcs-both-ways": Prism(
        [
            (0.0, 0.0, 0.0),
            (100.0, 0.0, 0.0),
            (100.0, 40.0, -0.4),
            (60.0, 50.0, 0.0),
            (0.0, 50.0, 0.3),
        ],
        [
            circle(10.0, 20.0, 20.0),
            rounded_rect(20.0, 10.0, 3.0, 60.0, 20.0),
            [(40.0, 35.0, 0.0), (50.0, 35.0, -0.5), (50.0, 42.0, 0.0), (40.0, 42.0, 0.0)],
        ],
        2.0,
    ),
}


def _area(contour: list[Vertex]) -> float:
    """A closed bulge contour's area (mm^2): the polygon of its vertices plus, per arc,
    the circular segment r^2 / 2 (theta - sin theta) on the side the bulge says."""
    area = 0.0
    n = len(contour)
    for i, (x0, y0, bulge) in enumerate(contour):
        x1, y1, _ = contour[(i + 1) % n]
        area += (x0 * y1 - x1 * y0) / 2
        if bulge:
            theta = 4 * math.atan(abs(bulge))
            radius = math.hypot(x1 - x0, y1 - y0) * (1 + bulge * bulge) / (4 * abs(bulge))
            area += math.copysign(radius * radius / 2 * (theta - math.sin(theta)), bulge)
    return area


def _expected(prism: Prism) -> tuple[float, int]:
    """(volume mm^3, faces) of the prism, from its contours alone."""
    area = _area(list(prism.outline)) - sum(_area(list(c)) for c in prism.openings)
    faces = 2 + len(prism.outline) + sum(len(c) for c in prism.openings)
    return area * prism.thickness, faces


def _read(path: Path) -> list[tuple[bool, float, int]]:
    """(valid, volume, faces) of every solid OpenCascade reads from the STEP file."""
    from OCP.BRepCheck import BRepCheck_Analyzer
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps
    from OCP.STEPControl import STEPControl_Reader
    from OCP.TopAbs import TopAbs_FACE, TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer

    reader = STEPControl_Reader()
    assert reader.ReadFile(str(path)) == 1
    reader.TransferRoots()
    found = []
    solids = TopExp_Explorer(reader.OneShape(), TopAbs_SOLID)
    while solids.More():
        solid = solids.Current()
        props = GProp_GProps()
        BRepGProp.VolumeProperties_s(solid, props)
        faces = TopExp_Explorer(solid, TopAbs_FACE)
        count = 0
        while faces.More():
            count += 1
            faces.Next()
        found.append((BRepCheck_Analyzer(solid).IsValid(), props.Mass(), count))
        solids.Next()
    return found


def _kernel(prism: Prism) -> tuple[float, int]:
    """(volume, faces) of OpenCascade's own prism of the same contours."""
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps
    from OCP.TopAbs import TopAbs_FACE
    from OCP.TopExp import TopExp_Explorer

    from geom.cad.plate import plate_shape

    shape = plate_shape(prism.outline, prism.openings, prism.thickness)
    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    faces = TopExp_Explorer(shape, TopAbs_FACE)
    count = 0
    while faces.More():
        count += 1
        faces.Next()
    return props.Mass(), count


@pytest.mark.parametrize("name", sorted(PRISMS))
def test_opencascade_reads_one_valid_solid(name: str, tmp_path: Path) -> None:
    from geom.cad.plate import write_prism_step

    prism = PRISMS[name]
    first = write_prism_step(tmp_path / "a.step", "plate", prism)
    again = write_prism_step(tmp_path / "b.step", "plate", prism)
    assert first.read_bytes() == again.read_bytes()
    volume, faces = _expected(prism)
    [(valid, read_volume, read_faces)] = _read(first)
    assert valid
    assert read_volume == pytest.approx(volume, rel=1e-9)
    assert read_faces == faces
    kernel_volume, kernel_faces = _kernel(prism)
    assert (kernel_volume, kernel_faces) == (pytest.approx(volume, rel=1e-9), faces)


def test_the_panel_files_hold_the_plate(tmp_path: Path) -> None:
    """The example panel's plate-only and assembly STEP: the plate (the assembly's first
    solid) as the contours say, and the same bytes on a second write in the process."""
    from geom.cad.prism_step import Prism
    from geom.panel.job import opening_contours, outline_contour, write_panel_steps
    from geom.panel.model import load_panel

    panel = load_panel(EXAMPLE)
    prism = Prism(outline_contour(panel), opening_contours(panel), panel.sheet.nominal)
    volume, faces = _expected(prism)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files = write_panel_steps(panel, tmp_path / "a")
    again = write_panel_steps(panel, tmp_path / "b")
    for path, other in zip(files, again, strict=True):
        assert path.read_bytes() == other.read_bytes(), path.name
    [plate] = _read(files[0])
    assert plate[0] and plate[1] == pytest.approx(volume, rel=1e-9) and plate[2] == faces
    solids = _read(files[1])
    assert len(solids) > 1  # the plate and the parts' bodies
    assert all(valid for valid, _, _ in solids)
    assert [s for s in solids if s[2] == faces and s[1] == pytest.approx(volume, rel=1e-9)]


FREECAD = textwrap.dedent("""
    import json, os
    import Part
    found = {}
    for name in sorted(os.listdir(os.environ["GEOM_STEPS"])):
        shape = Part.read(os.path.join(os.environ["GEOM_STEPS"], name))
        found[name] = [[s.isValid(), s.Volume, len(s.Faces)] for s in shape.Solids]
    print("GEOM_RESULT " + json.dumps(found))
""")


def test_freecad_reads_one_valid_solid(tmp_path: Path) -> None:
    """FreeCAD reads each prism, and the example panel's plate-only and assembly files:
    the plate valid and as the contours say, every solid of the assembly valid, as many
    as OpenCascade reads."""
    from geom.cad.plate import write_prism_step
    from geom.panel.job import opening_contours, outline_contour, write_panel_steps
    from geom.panel.model import load_panel

    out = tmp_path / "steps"
    out.mkdir()
    prisms = dict(PRISMS)
    for name, prism in prisms.items():
        write_prism_step(out / f"{name}.step", name, prism)
    panel = load_panel(EXAMPLE)
    plate, assembly = write_panel_steps(panel, out)
    prisms[plate.stem] = Prism(outline_contour(panel), opening_contours(panel), panel.sheet.nominal)
    found: dict[str, Any] = freecad(FREECAD, tmp_path, GEOM_STEPS=str(out))
    for name, prism in prisms.items():
        volume, faces = _expected(prism)
        [[valid, read_volume, read_faces]] = found[f"{name}.step"]
        assert valid and read_faces == faces, name
        assert read_volume == pytest.approx(volume, rel=1e-9), name
    solids = found[assembly.name]
    assert len(solids) == len(_read(assembly)) and all(valid for valid, _, _ in solids)
    volume, faces = _expected(prisms[plate.stem])
    assert [s for s in solids if s[2] == faces and s[1] == pytest.approx(volume, rel=1e-9)]


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0, "0."), (-0.0, "0."), (120.0, "120."), (-1.5, "-1.5"), (1e-7, "1.E-07"), (0.1, "0.1")],
)
def test_reals_are_step_reals(value: float, text: str) -> None:
    assert real(value) == text
