"""A second reader agrees: the cutout DXF imported by OpenCascade (through cadquery) and by
FreeCAD's own DXF importer gives the cut and each fixing hole as its own closed contour
(a round cut or hole: a CIRCLE), with the size and area ezdxf reads from the same file
(tests/measure.py: exact extents, the shoelace area plus each arc's segment) and holes of
the template's diameter plus the fit's offset."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import pytest
from conftest import TEMPLATE_IDS
from measure import (
    cut_loops,
    cut_template,
    freecad,
    hole_count,
    hole_diameter,
    loop_area,
    main_and_holes,
    size_of,
    template_data,
)

DATA = template_data()


def _cutout(part_id: str) -> dict:
    return cut_template(DATA[part_id], DATA)["cutout"]


def _write(geom, out: Path, part_id: str, *extra: str) -> Path:
    assert geom("cutout", part_id, "-o", out, *extra).code == 0
    return out / f"{part_id.replace('/', '_')}-cutout.dxf"


def _first_reader(path: Path, part_id: str) -> tuple[float, float, float, int]:
    """ezdxf's reading of the cut: width, height and area (mm, mm2), and its hole count."""
    holes = hole_count(_cutout(part_id))
    main, _ = main_and_holes(cut_loops(path), holes)
    width, height = size_of(main.entities)
    return width, height, loop_area(main), holes


@pytest.mark.parametrize("extra", [(), ("--explode",)], ids=["lwpolyline", "exploded"])
def test_cadquery_import(geom, template_id: str, tmp_path: Path, extra: tuple[str, ...]) -> None:
    cq = pytest.importorskip("cadquery")
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    path = _write(geom, tmp_path, template_id, *extra)
    width, height, area, holes = _first_reader(path, template_id)
    faces = cq.importers.importDXF(str(path), include=["CUT"]).faces().vals()
    assert len(faces) == 1 + holes
    for face in faces:
        assert face.isValid() and len(face.innerWires()) == 0
        assert face.outerWire().IsClosed()
    face, *hole_faces = sorted(faces, key=lambda f: -f.Area())
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(face.wrapped, box, False, False)
    x0, y0, _, x1, y1, _ = box.Get()
    assert x1 - x0 == pytest.approx(width, abs=1e-6)
    assert y1 - y0 == pytest.approx(height, abs=1e-6)
    assert (x0 + x1) / 2 == pytest.approx(0, abs=1e-9)
    assert face.Area() == pytest.approx(area, rel=1e-9)
    if holes:
        d = hole_diameter(_cutout(template_id))
        for hole in hole_faces:
            assert [e.geomType() for e in hole.Edges()] == ["CIRCLE"]
            assert hole.Area() == pytest.approx(math.pi * d * d / 4, rel=1e-9)


FREECAD_SCRIPT = textwrap.dedent("""
    import json, os
    import FreeCAD, Import, Part
    found = {}
    for path in json.loads(os.environ["GEOM_DXFS"]):
        doc = FreeCAD.newDocument("check")
        Import.readDXF(path)
        edges = [e for o in doc.Objects if hasattr(o, "Shape") for e in o.Shape.Edges]
        wires = [Part.Wire(group) for group in Part.sortEdges(edges)]
        found[path] = {
            "edges": len(edges),
            "closed": [w.isClosed() for w in wires],
            "wires": sorted(
                ([w.BoundBox.XLength, w.BoundBox.YLength, Part.Face(w).Area,
                  [e.Curve.TypeId for e in w.Edges]]
                 for w in wires if w.isClosed()),
                key=lambda w: -w[2]),
        }
        FreeCAD.closeDocument(doc.Name)
    print("GEOM_RESULT " + json.dumps(found))
""")


@pytest.mark.freecad
def test_freecad_import_of_every_part(geom, tmp_path: Path) -> None:
    """One FreeCAD run reads every shipped part's cutout DXF (its start-up dominates)."""
    paths = {pid: _write(geom, tmp_path / f"p{i}", pid) for i, pid in enumerate(TEMPLATE_IDS)}
    result = freecad(
        FREECAD_SCRIPT, tmp_path, GEOM_DXFS=json.dumps([str(p) for p in paths.values()])
    )
    for pid, path in paths.items():
        width, height, area, holes = _first_reader(path, pid)
        got = result[str(path)]
        assert got["closed"] == [True] * (1 + holes), pid
        (w, h, a, kinds), *hole_wires = got["wires"]
        assert w == pytest.approx(width, abs=1e-6), pid
        assert h == pytest.approx(height, abs=1e-6), pid
        assert a == pytest.approx(area, rel=1e-9), pid
        if _cutout(pid).get("shape") == "circle":
            assert kinds == ["Part::GeomCircle"], pid
        for hw, hh, ha, hole_kinds in hole_wires:
            d = hole_diameter(_cutout(pid))
            assert hole_kinds == ["Part::GeomCircle"], pid
            assert (hw, hh) == pytest.approx((d, d), abs=1e-6), pid
            assert ha == pytest.approx(math.pi * d * d / 4, rel=1e-9), pid
