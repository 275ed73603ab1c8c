"""The panel drawing (geom.render.panel_drawing) for every example panel: one A3
PDF page whose text holds the overall size, every cutout label, the hole and slot tables,
the labels, material, finish, general tolerance and notes, and the
BOM; its numbers are the measurements of the panel DXF as written (re-read with ezdxf),
and its DXF variant holds the same CUT contours, with dimensions only on DIM."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import ezdxf
import pymupdf
import pytest
from measure import cut_loops, expected_cut, template_cutouts

from geom.catalog import panel_files
from geom.cli import main
from geom.data.templates import template_dirs
from geom.dxf.lint import lint_file
from geom.panel.job import run_panel
from geom.panel.model import Placed, load_panel
from geom.render.panel_drawing import write_panel_drawing
from geom.render.sheet import ASSUMED_NOTE, dim_mm

PANELS = panel_files(template_dirs())
CUTOUTS = template_cutouts()
A3_LANDSCAPE_PT = (420 * 72 / 25.4, 297 * 72 / 25.4)
LEFT_PT = 20 * 72 / 25.4
"""The cutout table's header starts left of this (pt): 14 mm from the sheet's edge."""
VIEW_RIGHT_PT = 272 * 72 / 25.4
"""The view and the tables under it end left of this (pt); BOM and notes are right of it."""

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


def _cut_text(p: Placed) -> str:
    """The cutout table's cut and corner radius cells for a placed part, from its
    template's numbers (tomllib; bare sheet, target mid): a rect W x H (turned a quarter:
    H x W) and R, a circle by its diameter, a notched circle by its diameter, the notch's
    width x reach and the notch's corner radius."""
    cut = expected_cut(CUTOUTS[p.part.id])
    if cut["shape"] == "circle":
        return f"dia. {dim_mm(cut['diameter'])} -"
    if cut["shape"] == "circle-notch":
        notch = f"notch {dim_mm(cut['notch_width'])} x {dim_mm(cut['notch_reach'])}"
        return f"dia. {dim_mm(cut['diameter'])} {notch} {dim_mm(cut['radius'])}"
    w, h = cut["width"], cut["height"]
    if p.rotation in (90, 270):
        w, h = h, w
    return f"{dim_mm(w)} x {dim_mm(h)} {dim_mm(cut['radius'])}"


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

    placed = [(p.x, p.y) for p in panel.places]
    holes, slots, cutouts = [], [], 0
    for loop in loops:
        if loop is outline:
            continue
        x, y = loop.centre
        short = min(loop.width, loop.height)
        if (x, y) in [pytest.approx(at, abs=1e-9) for at in placed]:  # a round cutout
            cutouts += 1
        elif all(r == pytest.approx(short / 2, abs=1e-9) for r in loop.radii):
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
        assert f" {p.part.id} {dim_mm(p.x)} {dim_mm(p.y)} {_cut_text(p)} " in f"{text} "
    # Every cutout's label (else its number) shows in the view, above the tables.
    words = doc[0].get_text("words")
    header = min(w[1] for w in words if w[4] == "cutout" and w[0] < LEFT_PT)
    in_view = {w[4] for w in words if w[3] < header and w[2] < VIEW_RIGHT_PT}
    refs = {f"C{k}" for k in range(1, cutouts + 1)}
    assert {p.label for p in panel.places if p.label} <= in_view
    if not all(p.label for p in panel.places):
        assert in_view & refs
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


def test_long_tables_stay_on_the_sheet(tmp_path: Path) -> None:
    """30 cutouts, 40 holes and 5 slots: each table lists what the A3 sheet holds and says
    how many more the report lists; every word stays inside the 10 mm border."""
    holes = "".join(
        f"[[hole]]\nx = {20.0 + 10 * (i % 20)}\ny = {250.0 + 10 * (i // 20)}\ndiameter = 3.0\n"
        for i in range(40)
    )
    slots = "".join(
        f"[[slot]]\nx = {250.0 + 20 * i}\ny = 260.0\nlength = 10.0\nwidth = 5.0\n" for i in range(5)
    )
    path = tmp_path / "long.toml"
    path.write_text(
        '[panel]\nwidth = 400.0\nheight = 300.0\nsheet = 1.5\nprocess = "laser"\n'
        'shop_tolerance = 0.05\n\n[[array]]\npart = "770-1242/076-000"\nx = 40.0\n'
        "y = 40.0\ncols = 10\nrows = 3\npitch_x = 35.0\npitch_y = 35.0\n" + holes + slots,
        encoding="utf-8",
    )
    assert main(["panel", str(path), "-o", str(tmp_path / "out")]) == 0
    page = pymupdf.open(tmp_path / "out" / "long-panel-drawing.pdf")[0]
    border = 10 * 72 / 25.4
    for *box, word, _, _, _ in page.get_text("words"):
        x0, y0, x1, y1 = box
        assert border <= x0 and x1 <= page.rect.width - border, word
        assert border <= y0 and y1 <= page.rect.height - border, word
    text = " ".join(page.get_text().split())
    # The tables' rows: the words from the cutout table's header down (the view above
    # names every opening).
    words = page.get_text("words")
    header = min(w[1] for w in words if w[4] == "cutout" and w[0] < LEFT_PT)
    tables = " ".join(
        w[4] for w in sorted(words, key=lambda w: (w[5], w[6], w[7])) if w[1] >= header - 0.5
    )
    shown = {kind: set(re.findall(rf"\b{kind}(\d+) ", tables)) for kind in "CHS"}
    for kind, total in (("C", 30), ("H", 40), ("S", 5)):
        # the listed rows are the first ones, and each table shows rows, not only a header
        assert shown[kind] == {str(k) for k in range(1, len(shown[kind]) + 1)}, kind
        assert 3 <= len(shown[kind]) <= total
    more = [int(n) for n in re.findall(r"\.\.\. (\d+) more in long-report\.json", text)]
    assert more and sum(len(v) for v in shown.values()) + sum(more) == 30 + 40 + 5


def test_an_exploded_panel_draws_the_same_whatever_ran_before(tmp_path: Path) -> None:
    """The same exploded panel DXF (LINE and ARC) drawn 8 times in one process: 8 identical
    drawing DXFs and PDFs (the loops chained from loose edges do not depend on what the
    process chained before)."""
    panel = load_panel(PANELS[0])
    out = tmp_path / "panel"
    assert main(["panel", str(PANELS[0]), "-o", str(out), "--explode"]) == 0
    (dxf,) = out.glob("*-panel.dxf")
    (bom,) = out.glob("*-bom.csv")
    drawn = set()
    for i in range(8):
        (tmp_path / f"drawing{i}").mkdir()
        files = write_panel_drawing(panel, dxf, bom, tmp_path / f"drawing{i}")
        drawn.add((files.dxf.read_bytes(), files.pdf.read_bytes()))
    assert len(drawn) == 1
