"""A second reader agrees: the cutout DXF imported by OpenCascade (through cadquery) and by
FreeCAD's own DXF importer gives one closed contour with the report's size and area."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import pytest
from measure import freecad


def _expected(report: dict) -> tuple[float, float, float]:
    w, h, r = (report["cutout_mm"][k] for k in ("width", "height", "corner_radius"))
    return w, h, w * h - (4 - math.pi) * r * r


def _write(geom, tmp_path: Path, template_id: str, *extra: str) -> tuple[Path, dict]:
    assert geom("cutout", template_id, "-o", tmp_path, *extra).code == 0
    stem = template_id.replace("/", "_")
    return (
        tmp_path / f"{stem}-cutout.dxf",
        json.loads((tmp_path / f"{stem}-fit.json").read_text()),
    )


@pytest.mark.parametrize("extra", [(), ("--explode",)], ids=["lwpolyline", "exploded"])
def test_cadquery_import(geom, template_id: str, tmp_path: Path, extra: tuple[str, ...]) -> None:
    cq = pytest.importorskip("cadquery")
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    path, report = _write(geom, tmp_path, template_id, *extra)
    faces = cq.importers.importDXF(str(path), include=["CUT"]).faces().vals()
    assert len(faces) == 1
    face = faces[0]
    assert face.isValid() and len(face.innerWires()) == 0
    assert face.outerWire().IsClosed()
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(face.wrapped, box, False, False)
    x0, y0, _, x1, y1, _ = box.Get()
    w, h, area = _expected(report)
    assert x1 - x0 == pytest.approx(w, abs=1e-6)
    assert y1 - y0 == pytest.approx(h, abs=1e-6)
    assert (x0 + x1) / 2 == pytest.approx(0, abs=1e-9)
    assert face.Area() == pytest.approx(area, rel=1e-9)
    assert sum(e.geomType() == "CIRCLE" for e in face.Edges()) == 4


FREECAD_SCRIPT = textwrap.dedent("""
    import json, os
    import FreeCAD, Import, Part
    doc = FreeCAD.newDocument("check")
    Import.readDXF(os.environ["GEOM_DXF"])
    edges = [e for o in doc.Objects if hasattr(o, "Shape") for e in o.Shape.Edges]
    wires = [Part.Wire(group) for group in Part.sortEdges(edges)]
    face = Part.Face(wires[0]) if len(wires) == 1 and wires[0].isClosed() else None
    box = wires[0].BoundBox if wires else None
    print("GEOM_RESULT " + json.dumps({
        "edges": len(edges), "wires": len(wires), "closed": [w.isClosed() for w in wires],
        "width": box.XLength if box else None, "height": box.YLength if box else None,
        "area": face.Area if face else None,
        "arcs": sum(1 for e in edges if e.Curve.TypeId == "Part::GeomCircle")}))
""")


def test_freecad_import(geom, template_id: str, tmp_path: Path) -> None:
    path, report = _write(geom, tmp_path, template_id)
    result = freecad(FREECAD_SCRIPT, tmp_path, GEOM_DXF=str(path))
    w, h, area = _expected(report)
    assert result["wires"] == 1 and result["closed"] == [True]
    assert result["arcs"] == 4 and result["edges"] == 8
    assert result["width"] == pytest.approx(w, abs=1e-6)
    assert result["height"] == pytest.approx(h, abs=1e-6)
    assert result["area"] == pytest.approx(area, rel=1e-9)
