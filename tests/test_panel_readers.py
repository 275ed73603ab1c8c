"""Two independent readers agree with the example panel's DXF as geom wrote it (counted
and measured here with ezdxf, tests/measure.py): FreeCAD's DXF importer finds every
contour of the default DXF with the same bounding box, and OpenSCAD (Debian's package)
imports the exploded DXF (`--explode`, LINE and ARC: what docs/cam.md gives a reader
that ignores bulges, as OpenSCAD 2021.01 does) with as many closed contours as geom
wrote, each of the same extents. Round holes and round cutouts are CIRCLE entities in
every form."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import ezdxf
import pytest
from measure import cut_loops, freecad

from geom.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"
BOX_MM = 1e-6
"""FreeCAD's bounding boxes against ezdxf's: both exact for lines and arcs."""
POLYGON_MM = 0.2
"""OpenSCAD's contour extents against ezdxf's: OpenSCAD turns arcs into polygons."""


@pytest.fixture(scope="module")
def panel_dxf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("readers")
    assert main(["panel", str(EXAMPLE), "-o", str(out)]) == 0
    return out / "example-panel.dxf"


@pytest.fixture(scope="module")
def exploded_dxf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exploded")
    assert main(["panel", str(EXAMPLE), "-o", str(out), "--explode"]) == 0
    return out / "example-panel.dxf"


def _openscad_contours(dxf: Path, tmp_path: Path) -> list[list[tuple[float, float]]]:
    """The closed paths of OpenSCAD's SVG export of the DXF's CUT layer (mm, Y up)."""
    program = shutil.which("openscad")
    if program is None:
        pytest.skip(
            "OpenSCAD (Debian openscad) is not installed: "
            "scripts/install-test-tools.sh installs it when run as root"
        )
    scad = tmp_path / "panel.scad"
    scad.write_text(f'import("{dxf.as_posix()}", layer="CUT");\n', encoding="utf-8")
    svg = tmp_path / "panel.svg"
    done = subprocess.run(
        [program, "-o", str(svg), str(scad)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0 and svg.is_file(), done.stderr
    (path,) = re.findall(r'<path d="([^"]*)"', svg.read_text(encoding="utf-8"))
    contours = []
    for sub in path.split("M")[1:]:
        assert sub.rstrip().endswith("z"), sub  # closed
        pairs = re.findall(r"(-?[\d.e+-]+),(-?[\d.e+-]+)", sub)
        contours.append([(float(x), -float(y)) for x, y in pairs])  # SVG's Y points down
    return contours


@pytest.mark.openscad
def test_openscad_imports_every_contour(
    panel_dxf: Path, exploded_dxf: Path, tmp_path: Path
) -> None:
    loops = cut_loops(exploded_dxf)
    assert all(loop.closed for loop in loops)
    assert len(loops) == len(cut_loops(panel_dxf))
    contours = _openscad_contours(exploded_dxf, tmp_path)
    assert len(contours) == len(loops)
    # Each OpenSCAD contour matches one of geom's by its extents, within what OpenSCAD's
    # polygons for arcs lose (a 12-gon on an 8 mm circle: 4 (1 - cos 15 deg) = 0.14 mm).
    remaining = [loop.extents for loop in loops]
    for points in contours:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs), min(ys), max(xs), max(ys))
        match = [e for e in remaining if e == pytest.approx(box, abs=POLYGON_MM)]
        assert len(match) == 1, box
        remaining.remove(match[0])


FREECAD_SCRIPT = textwrap.dedent("""
    import json, os
    import FreeCAD, Import, Part
    doc = FreeCAD.newDocument("check")
    Import.readDXF(os.environ["GEOM_DXF"])
    edges = [e for o in doc.Objects if hasattr(o, "Shape") for e in o.Shape.Edges]
    out = []
    for group in Part.sortEdges(edges):
        wire = Part.Wire(group)
        box = wire.optimalBoundingBox()
        out.append([box.XMin, box.YMin, box.XMax, box.YMax, wire.isClosed()])
    print("GEOM_RESULT " + json.dumps(out))
""")


@pytest.mark.freecad
def test_freecad_agrees_on_every_bounding_box(panel_dxf: Path, tmp_path: Path) -> None:
    cut_only = tmp_path / "cut.dxf"  # FreeCAD reads every layer: keep CUT alone
    doc = ezdxf.readfile(panel_dxf)
    for e in list(doc.modelspace()):
        if e.dxf.layer != "CUT":
            doc.modelspace().delete_entity(e)
    doc.saveas(cut_only)
    wires = freecad(FREECAD_SCRIPT, tmp_path, GEOM_DXF=str(cut_only))
    loops = cut_loops(panel_dxf)
    assert len(wires) == len(loops)
    assert all(closed for *_, closed in wires)
    remaining = [tuple(w[:4]) for w in wires]
    for loop in loops:
        match = [b for b in remaining if b == pytest.approx(loop.extents, abs=BOX_MM)]
        assert len(match) == 1, loop.extents
        remaining.remove(match[0])
