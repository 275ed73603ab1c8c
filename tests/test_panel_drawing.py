"""The panel drawing (geom.render.panel_drawing) for every example panel: one A3
PDF page whose text holds the overall size, every cutout label, the hole and slot tables,
the labels, material, finish, general tolerance and notes, and the
BOM; its numbers are the measurements of the panel DXF as written (re-read with ezdxf),
and its DXF variant holds the same CUT contours, with dimensions only on DIM."""

from __future__ import annotations

import csv
from pathlib import Path

import ezdxf
import pymupdf
import pytest
from measure import cut_loops

from geom.catalog import panel_files
from geom.cli import main
from geom.data.templates import template_dirs
from geom.dxf.lint import lint_file
from geom.panel.job import run_panel
from geom.panel.model import load_panel
from geom.render.panel_drawing import write_panel_drawing
from geom.render.sheet import ASSUMED_NOTE, dim_mm

PANELS = panel_files(template_dirs())
A3_LANDSCAPE_PT = (420 * 72 / 25.4, 297 * 72 / 25.4)

pytestmark = pytest.mark.skipif(not PANELS, reason="no example panel in templates/panels")


def cut_entities(path: Path) -> list[object]:
    """Every contour on CUT as written: a polyline's vertices, a circle's centre and radius."""
    msp = ezdxf.readfile(path).modelspace()
    return [
        (tuple(e.dxf.center), e.dxf.radius)
        if e.dxftype() == "CIRCLE"
        else list(e.get_points("xyb"))
        for e in msp.query("LWPOLYLINE CIRCLE[layer=='CUT']")
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

    loops = cut_loops(files.dxf)
    outline = max(loops, key=lambda loop: loop.width * loop.height)
    width, height = outline.width, outline.height
    assert f"{width:.2f}" in text and f"{height:.2f}" in text

    holes, slots, cutouts = [], [], 0
    for loop in loops:
        if loop is outline:
            continue
        x, y = loop.centre
        short = min(loop.width, loop.height)
        if all(r == pytest.approx(short / 2, abs=1e-9) for r in loop.radii):
            if loop.width == pytest.approx(loop.height, abs=1e-9):  # a circle
                holes.append((x, y, loop.width))
            else:  # an obround: two straights and half circles of half its width
                slots.append((x, y, max(loop.width, loop.height), short))
        else:
            cutouts += 1
    assert cutouts == len(panel.places) and len(holes) == len(panel.holes)
    assert len(slots) == len(panel.slots)
    for k in range(1, cutouts + 1):
        assert f"C{k} " in text
    labels = {(e.x, e.y): e.label or "-" for e in (*panel.holes, *panel.slots)}
    for k, (x, y, d) in enumerate(sorted(holes, key=lambda h: (-h[1], h[0])), 1):
        label = labels[min(labels, key=lambda c: abs(c[0] - x) + abs(c[1] - y))]
        assert f"H{k} {label} {x:.2f} {y:.2f} {d:.2f}" in text
    for k, (x, y, length, w) in enumerate(sorted(slots, key=lambda h: (-h[1], h[0])), 1):
        label = labels[min(labels, key=lambda c: abs(c[0] - x) + abs(c[1] - y))]
        assert f"S{k} {label} {dim_mm(x)} {dim_mm(y)} {length:.2f} x {w:.2f}" in text
    for p in panel.places:
        assert p.label == "" or f" {p.label} {p.part.id} " in text
    for stated in (panel.material, panel.finish, panel.general_tolerance, *panel.notes):
        assert " ".join(stated.split()) in text
    with files.bom.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            assert f"{row['part']} {row['count']}" in text
    assert (ASSUMED_NOTE in text) == any(p.part.cut_assumed for p in panel.places)

    # The drawing's DXF: the same CUT contours; the overall dimensions on DIM.
    assert cut_entities(drawing.dxf) == cut_entities(files.dxf)
    for picture in (drawing.svg, drawing.png):
        assert picture.stat().st_size > 0
    assert lint_file(drawing.dxf) == []
    dims = list(ezdxf.readfile(drawing.dxf).modelspace().query("DIMENSION"))
    assert dims and all(d.dxf.layer == "DIM" for d in dims)
    assert sorted(d.get_measurement() for d in dims) == pytest.approx(sorted([width, height]))


@pytest.mark.parametrize(
    "form", [("--explode",), ("--dxf-version", "r12")], ids=["exploded", "r12"]
)
def test_drawing_of_any_dxf_form_is_the_same(tmp_path: Path, form: tuple[str, ...]) -> None:
    """`geom panel` draws from the panel DXF in whatever form it wrote it: LINE and ARC
    chained into loops, or R12 POLYLINEs; the tables read the same as from LWPOLYLINEs."""
    texts = []
    for name, extra in (("plain", ()), ("other", form)):
        out = tmp_path / name
        assert main(["panel", str(PANELS[0]), "-o", str(out), *extra]) == 0
        (pdf,) = out.glob("*-panel-drawing.pdf")
        texts.append(" ".join(pymupdf.open(pdf)[0].get_text().split()))
    assert texts[0] == texts[1]
