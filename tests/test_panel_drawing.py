"""The panel drawing (geom.render.panel_drawing) for every example panel: one A3
PDF page whose text holds the overall size, every cutout label, the hole table and the
BOM; its numbers are the measurements of the panel DXF as written (re-read with ezdxf),
and its DXF variant holds the same CUT contours, with dimensions only on DIM."""

from __future__ import annotations

import csv
from pathlib import Path

import ezdxf
import pymupdf
import pytest
from ezdxf import bbox
from ezdxf.math import Vec2, bulge_to_arc

from geom.catalog import panel_files
from geom.data.templates import template_dirs
from geom.dxf.lint import lint_file
from geom.panel.job import run_panel
from geom.panel.model import load_panel
from geom.render.panel_drawing import write_panel_drawing
from geom.render.sheet import ASSUMED_NOTE

PANELS = panel_files(template_dirs())
A3_LANDSCAPE_PT = (420 * 72 / 25.4, 297 * 72 / 25.4)

pytestmark = pytest.mark.skipif(not PANELS, reason="no example panel in templates/panels")


def cut_polylines(path: Path) -> list[list[tuple[float, float, float]]]:
    msp = ezdxf.readfile(path).modelspace()
    return [
        list(pl.get_points("xyb"))
        if pl.dxftype() == "LWPOLYLINE"
        else [(*pl.dxf.center, pl.dxf.radius)]
        for pl in msp.query("LWPOLYLINE CIRCLE[layer=='CUT']")
    ]


@pytest.mark.parametrize("panel_file", PANELS, ids=lambda p: p.stem)
def test_panel_drawing_is_measured_from_the_panel_dxf(panel_file: Path, tmp_path: Path):
    panel = load_panel(panel_file)
    files = run_panel(panel, tmp_path, step=False)
    assert files.dxf is not None, "the example panel breaks a layout rule"
    drawing = write_panel_drawing(panel, files.dxf, files.bom, tmp_path)

    doc = pymupdf.open(drawing.pdf)
    assert doc.page_count == 1
    assert (doc[0].rect.width, doc[0].rect.height) == pytest.approx(A3_LANDSCAPE_PT, abs=0.01)
    text = " ".join(doc[0].get_text().split())

    msp = ezdxf.readfile(files.dxf).modelspace()
    cut = list(msp.query("LWPOLYLINE[layer=='CUT']"))
    sizes = [bbox.extents([pl]).size for pl in cut]
    outline = max(range(len(cut)), key=lambda i: sizes[i].x * sizes[i].y)
    width, height = sizes[outline].x, sizes[outline].y
    assert f"{width:.2f}" in text and f"{height:.2f}" in text

    holes = [
        (c.dxf.center.x, c.dxf.center.y, 2 * c.dxf.radius)
        for c in msp.query("CIRCLE[layer=='CUT']")
    ]
    cutouts = 0
    for i, pl in enumerate(cut):
        if i == outline:
            continue
        pts = list(pl.get_points("xyb"))
        if len(pts) == 2 and all(abs(abs(b) - 1) < 1e-12 for *_, b in pts):
            centre, _, _, radius = bulge_to_arc(Vec2(pts[0][:2]), Vec2(pts[1][:2]), pts[0][2])
            holes.append((centre.x, centre.y, 2 * radius))
        else:
            cutouts += 1
    assert cutouts == len(panel.places) and len(holes) == len(panel.holes)
    for k in range(1, cutouts + 1):
        assert f"C{k} " in text
    for k, (x, y, d) in enumerate(sorted(holes, key=lambda h: (-h[1], h[0])), 1):
        assert f"H{k} {x:.2f} {y:.2f} {d:.2f}" in text
    with files.bom.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            assert f"{row['part']} {row['count']}" in text
    assert (ASSUMED_NOTE in text) == any(p.part.cut_assumed for p in panel.places)

    # The drawing's DXF: the same CUT contours; the overall dimensions on DIM.
    assert cut_polylines(drawing.dxf) == cut_polylines(files.dxf)
    assert lint_file(drawing.dxf) == []
    dims = list(ezdxf.readfile(drawing.dxf).modelspace().query("DIMENSION"))
    assert dims and all(d.dxf.layer == "DIM" for d in dims)
    assert sorted(d.get_measurement() for d in dims) == pytest.approx(sorted([width, height]))
