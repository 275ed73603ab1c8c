"""The panel drawing (geom.render.panel_drawing) for every example panel: one A3
PDF page whose text holds the overall size, every cutout label, the hole and slot tables,
the labels, material, finish, general tolerance and notes, and the
BOM; its numbers are the measurements of the panel DXF as written (re-read with ezdxf),
and its DXF variant holds the same CUT contours, with dimensions only on DIM."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
from pathlib import Path

import ezdxf
import pymupdf
import pytest
from ezdxf.math import Vec2, bulge_to_arc
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


def _refs(kind: str, users: set[str], count: int = 200) -> list[str]:
    """The drawing's references of one kind in order, C1.., H1.. or S1.., skipping the
    names the panel file's labels take."""
    return [r for r in (f"{kind}{k}" for k in range(1, count + 1)) if r not in users]


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
    users = {e.label for e in (*panel.places, *panel.holes, *panel.slots) if e.label}
    refs = {kind: _refs(kind, users) for kind in "CHS"}
    for k in range(cutouts):
        assert f"{refs['C'][k]} " in text
    labels = {(e.x, e.y): e.label or "-" for e in (*panel.holes, *panel.slots)}
    for ref, (x, y, d) in zip(refs["H"], sorted(holes, key=lambda h: (-h[1], h[0])), strict=False):
        label = labels[min(labels, key=lambda c: abs(c[0] - x) + abs(c[1] - y))]
        assert f"{ref} {label} {x:.2f} {y:.2f} {d:.2f}" in text
    by_place = sorted(slots, key=lambda h: (-h[1], h[0]))
    for ref, (x, y, length, w) in zip(refs["S"], by_place, strict=False):
        label = labels[min(labels, key=lambda c: abs(c[0] - x) + abs(c[1] - y))]
        assert f"{ref} {label} {dim_mm(x)} {dim_mm(y)} {length:.2f} x {w:.2f}" in text
    for p in panel.places:
        assert p.label == "" or f" {p.label} {p.part.id} " in text
        assert f" {p.part.id} {dim_mm(p.x)} {dim_mm(p.y)} {_cut_text(p)} " in f"{text} "
    # Every cutout's label (else its number) shows in the view, above the tables.
    words = doc[0].get_text("words")
    header = min(w[1] for w in words if w[4] == "cutout" and w[0] < LEFT_PT)
    in_view = {w[4] for w in words if w[3] < header}
    assert {p.label for p in panel.places if p.label} <= in_view
    if not all(p.label for p in panel.places):
        assert in_view & set(refs["C"][:cutouts])
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


TRIAL_2U = """
[panel]
width = 482.6
height = 88.1
corner_radius = 1.0
sheet = {sheet}
process = "laser"
shop_tolerance = 0.05
material = "aluminium EN AW-5754, 1.5 mm"

[[array]]
part = "pushbutton-22-22.3"
x = 150.0
y = 44.0
cols = 4
rows = 1
pitch_x = 35.0
label = "S"

[[place]]
part = "neutrik-d-series"
x = 320.0
y = 44.0
label = "X1"

[[place]]
part = "neutrik-d-series"
x = 355.0
y = 44.0
label = "X2"

[[place]]
part = "dsub-E9"
x = 410.0
y = 44.0

[[place]]
part = "gland-M20"
x = 60.0
y = 44.0

[[hole]]
x = 440.0
y = 70.0
diameter = 5.0
""" + "".join(
    f"\n[[slot]]\nx = {x}\ny = {y}\nlength = 10.0\nwidth = 6.5\n"
    for y in (5.95, 82.15)
    for x in (8.75, 473.85)
)
"""A new user's 2U front (19 in, 482.6 x 88.1 mm): four pushbuttons the user labels
S1 .. S4, two Neutrik D connectors (two fixing holes each on one cutout's sides), a
D-sub, a gland, a lamp hole and the four rack slots, unlabelled (EIA-310 positions, 8.75
mm in from the sides, 6.35 mm above each U's boundary less the 0.4 mm the panel is short)."""
MM_PT = 72 / 25.4


def _spans(page: pymupdf.Page) -> list[tuple[pymupdf.Rect, str]]:
    return [
        (pymupdf.Rect(span["bbox"]), span["text"])
        for block in page.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        if span["text"].strip()
    ]


def _segments(item: tuple) -> list[tuple[pymupdf.Point, pymupdf.Point]]:
    """A drawn line, rectangle or Bezier curve (16 chords) as straight pieces (pt)."""
    kind, *pts = item
    if kind == "re":
        r = pts[0]
        pts = [r.tl, r.tr, r.br, r.bl, r.tl]
    elif kind == "qu":
        q = pts[0]
        pts = [q.ul, q.ur, q.lr, q.ll, q.ul]
    elif kind == "c":
        p0, p1, p2, p3 = pts
        pts = [
            p0 * (1 - t) ** 3 + p1 * 3 * t * (1 - t) ** 2 + p2 * 3 * t * t * (1 - t) + p3 * t**3
            for t in (k / 16 for k in range(17))
        ]
    return list(itertools.pairwise(pts))


def _crosses(r: pymupdf.Rect, a: pymupdf.Point, b: pymupdf.Point) -> bool:
    """Whether the segment a-b passes through the inside of `r` (Liang-Barsky)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b.x - a.x, b.y - a.y
    for p, q in ((-dx, a.x - r.x0), (dx, r.x1 - a.x), (-dy, a.y - r.y0), (dy, r.y1 - a.y)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    return t0 < t1


def _hole_positions(dxf: Path) -> list[tuple[float, float]]:
    """Every CUT contour of a panel DXF but the outline, at the centre a shop drills or
    locates it from, measured with ezdxf: a circle's centre, else the mean centre of its
    largest arcs (a notched circle's circle, an obround's middle, a rounded rectangle's
    centre)."""
    found = []
    for e in ezdxf.readfile(dxf).modelspace().query("CIRCLE LWPOLYLINE[layer=='CUT']"):
        if e.dxftype() == "CIRCLE":
            found.append((e.dxf.center.x, e.dxf.center.y, 0.0))
            continue
        pts = list(e.get_points("xyb"))
        arcs = [
            bulge_to_arc(Vec2(x, y), Vec2(*pts[(i + 1) % len(pts)][:2]), b)
            for i, (x, y, b) in enumerate(pts)
            if b
        ]
        big = max(r for *_, r in arcs)
        centres = [c for c, _, _, r in arcs if r == pytest.approx(big, abs=1e-9)]
        xs = [p[0] for p in pts]
        found.append(
            (
                sum(c.x for c in centres) / len(centres),
                sum(c.y for c in centres) / len(centres),
                max(xs) - min(xs),
            )
        )
    outline = max(found, key=lambda f: f[2])
    return [f[:2] for f in found if f is not outline]


def test_a_2u_front_is_drawn_at_1_to_2_with_clear_unique_labels(tmp_path: Path) -> None:
    """The 2U front: the PDF's text boxes do not overlap each other nor cross a drawn
    line, the scale reads 1:2 and the outline measures 482.6 / 2 mm on the page, every
    name in the view is unique (the slots do not take the user's S1 .. S4), and
    `-holes.csv` lists every contour of the written DXF at its position, listed in the
    report; a failing layout withholds it and removes the earlier one."""
    path = tmp_path / "trial.toml"
    path.write_text(TRIAL_2U.format(sheet=1.5), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["panel", str(path), "-o", str(out)]) == 0
    page = pymupdf.open(out / "trial-panel-drawing.pdf")[0]
    spans = _spans(page)
    text = " ".join(page.get_text().split())
    assert "Y up 1:2" in text and "scale 1:2 " in text
    for (a, ta), (b, tb) in itertools.combinations(spans, 2):
        assert (a & b).is_empty, (ta, tb)
    drawings = page.get_drawings()
    # The drawn text (filled glyphs) overlaps no other either.
    glyphs = [d["rect"] for d in drawings if d["type"] == "f" and d["fill"][0] < 0.5]
    for a, b in itertools.combinations(glyphs, 2):
        assert (pymupdf.Rect(a.x0 + 0.05, a.y0 + 0.05, a.x1 - 0.05, a.y1 - 0.05) & b).is_empty
    # No drawn line (cut contours, dimension and leader lines, frames) crosses a text.
    for d in (d for d in drawings if d["type"] == "s"):
        for item in d["items"]:
            for a, b in _segments(item):
                for r, t in spans:
                    inner = pymupdf.Rect(r.x0 + 0.1, r.y0 + 0.1, r.x1 - 0.1, r.y1 - 0.1)
                    assert not _crosses(inner, a, b), (t, item[0], a, b)
    cut = [
        d["rect"] for d in drawings if d.get("color") and d["color"][0] > 0.7 > d["color"][2] + 0.5
    ]
    outline = max(cut, key=lambda r: r.width)
    assert outline.width == pytest.approx(482.6 / 2 * MM_PT, abs=0.3)
    assert outline.height == pytest.approx(88.1 / 2 * MM_PT, abs=0.3)
    # The names in the view (above its heading): one each, the user's S1 .. S4 once.
    heading = min(r.y0 for r, t in spans if t.startswith("PANEL trial, front view"))
    names = [t for r, t in spans if r.y1 < heading and t not in {"482.60", "88.10"}]
    assert len(names) == len(set(names)) == 23
    assert {"S1", "S2", "S3", "S4", "X1", "X2"} <= set(names)

    with (out / "trial-holes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["label", "kind", "x", "y", "size", "thread_or_countersink", "face"]
    assert sorted(r["label"] for r in rows) == sorted(names)
    assert {r["kind"] for r in rows} == {"opening", "hole", "slot", "fixing"}
    assert all(r["face"] == "front" and r["thread_or_countersink"] == "" for r in rows)
    assert all(re.fullmatch(r"-?\d+\.\d{3}", r[k]) for r in rows for k in ("x", "y"))
    positions = _hole_positions(out / "trial-panel.dxf")
    assert len(positions) == len(rows) == 23
    for x, y in positions:
        assert any(
            abs(float(r["x"]) - x) <= 0.001 and abs(float(r["y"]) - y) <= 0.001 for r in rows
        ), (x, y)
    listed = json.loads((out / "trial-report.json").read_text(encoding="utf-8"))["outputs"]
    digest = hashlib.sha256((out / "trial-holes.csv").read_bytes()).hexdigest()
    assert {"file": "trial-holes.csv", "sha256": digest} in listed

    # Again into another folder: the same bytes.
    again = tmp_path / "again"
    again.mkdir()
    panel = load_panel(path)
    drawn = write_panel_drawing(panel, out / "trial-panel.dxf", out / "trial-bom.csv", again)
    assert drawn.holes is not None
    assert drawn.holes.read_bytes() == (out / "trial-holes.csv").read_bytes()
    assert drawn.pdf.read_bytes() == (out / "trial-panel-drawing.pdf").read_bytes()

    # A 3 mm sheet: the slots break the edge rule; no drilling table, the old one gone.
    path.write_text(TRIAL_2U.format(sheet=3.0), encoding="utf-8")
    assert main(["panel", str(path), "-o", str(out)]) == 1
    assert not (out / "trial-holes.csv").exists()
