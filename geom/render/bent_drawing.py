"""The drawing of a bent panel: one A3 landscape page (PDF) and its DXF (mm). The flat
pattern as written (the CUT contours and the bend lines of the flat DXF, measured from
it: the blank's size), a table of the bends, a table of every opening face by face (its
reference, label, part and position in its face's frame, and its size from the same
contour the DXF draws), the folded part as sections through the middle of the base
(geom.model.bend.SheetMetal.section), the BOM, notes (the corner reliefs only when the
blank has them) and a title block with the panel's revision."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import ezdxf

from geom.data.atomic import write_bytes
from geom.dxf.layers import (
    BEND_DOWN_LAYER,
    BEND_LAYER,
    BEND_UP_LAYER,
    CUT_LAYER,
    DIM_LAYER,
    PLATE_LAYER,
)
from geom.dxf.writer import add_contour, add_lettering, write_document
from geom.model.bend import Edge, SheetMetal
from geom.model.notes import FORCED_NOTE, KERF_NOTE
from geom.model.panel_view import PanelView
from geom.model.units import band, mm
from geom.render.panel_drawing import (
    A3_H,
    A3_W,
    PanelDrawingFiles,
    _clip,
    _lines,
    dxf_lettering,
    dxf_notes,
    panel_revision,
    read_cut_contours,
)
from geom.render.preview import page_png, pdf_bytes, pdf_document, render, svg_bytes
from geom.render.sheet import (
    BORDER,
    HEADING_MM,
    WRAP,
    Box,
    Placer,
    Sheet,
    assumed_box,
    dim_mm,
    fit_scale,
    forced_box,
    lettering_box,
    measure,
    scale_text,
    sheet_document,
    text_extent,
    text_table,
)
from geom.version import __version__

FLAT_VIEW = (10.0, 120.0, 262.0, 287.0)
"""Paper region of the flat pattern."""
FOLDED_VIEW = (266.0, 150.0, 410.0, 287.0)
"""Paper region of the folded sections."""
RIGHT = (266.0, 10.0, 410.0, 150.0)
TITLE = (266.0, 10.0, 410.0, 52.0)
BEND_LAYERS = (BEND_UP_LAYER, BEND_DOWN_LAYER, BEND_LAYER)


def _metal(panel: PanelView) -> SheetMetal:
    if panel.bends is None:
        raise ValueError(f"panel {panel.name} has no flanges: a flat panel's drawing")
    return panel.bends.metal


def write_bent_drawing(
    panel: PanelView, flat_dxf: Path, bom_csv: Path, out_dir: Path
) -> PanelDrawingFiles:
    """Write `<name>-flat-drawing.dxf`, `.pdf`, `.svg` and `.png` for a bent panel (`panel`: a
    geom.panel.model.Panel with `bends`), measured from its flat DXF as written."""
    metal = _metal(panel)
    contours = read_cut_contours(flat_dxf)
    blank = max((measure(c) for c in contours), key=lambda m: m.width * m.height)
    flat = ezdxf.readfile(flat_dxf)
    source = flat.modelspace()
    bend_lines = [
        (e.dxf.layer, (e.dxf.start.x, e.dxf.start.y), (e.dxf.end.x, e.dxf.end.y))
        for e in source.query("LINE")
        if e.dxf.layer in BEND_LAYERS
    ]
    s = fit_scale(blank.width, blank.height, FLAT_VIEW, 30.0)
    doc = sheet_document(s)
    for layer, colour in ((BEND_UP_LAYER, 3), (BEND_DOWN_LAYER, 6), (BEND_LAYER, 7)):
        doc.layers.add(layer, color=colour)
    sheet = Sheet(doc, s, blank.centre, FLAT_VIEW, drop=-4.0)
    msp = doc.modelspace()
    for contour in contours:
        add_contour(msp, contour, {"layer": CUT_LAYER})
    lettering = dxf_lettering(flat)
    add_lettering(doc, lettering)
    bx0, by0 = sheet.paper(blank.x0, blank.y0)
    bx1, by1 = sheet.paper(blank.x1, blank.y1)
    edge = 0.3
    taken: list[Box] = [
        (bx0 - edge, by0 - edge, bx0 + edge, by1 + edge),
        (bx1 - edge, by0 - edge, bx1 + edge, by1 + edge),
        (bx0 - edge, by0 - edge, bx1 + edge, by0 + edge),
        (bx0 - edge, by1 - edge, bx1 + edge, by1 + edge),
        (bx0, by0 - 16, bx1, by0 - 1),  # the overall width and its dimension
        (bx0 - 16, by0, bx0 - 1, by1),  # the overall height and its dimension
        *(lettering_box(sheet, t.box) for t in lettering),
    ]
    for layer, start, end in bend_lines:
        (ax, ay), (ex, ey) = sheet.paper(*start), sheet.paper(*end)
        taken.append(
            (min(ax, ex) - edge, min(ay, ey) - edge, max(ax, ex) + edge, max(ay, ey) + edge)
        )
        msp.add_line(start, end, dxfattribs={"layer": layer})
    marks = _opening_marks(panel, metal)
    boxes = [_mark_box(sheet, mark) for _, mark in marks]
    placer = Placer(sheet, [*taken, *boxes], FLAT_VIEW)
    for i, (_, start, end) in enumerate(bend_lines, 1):  # the flanges' order
        lx, ly = sheet.paper((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        placer.place(f"B{i}", (lx, ly, lx, ly))
    msp.add_linear_dim(
        base=(blank.centre[0], blank.y0 - 10.0 / s),
        p1=(blank.x0, blank.y0),
        p2=(blank.x1, blank.y0),
        text=dim_mm(blank.width),
        dimstyle="GEOM",
        dxfattribs={"layer": DIM_LAYER},
    ).render()
    msp.add_linear_dim(
        base=(blank.x0 - 10.0 / s, blank.centre[1]),
        p1=(blank.x0, blank.y0),
        p2=(blank.x0, blank.y1),
        angle=90,
        text=dim_mm(blank.height),
        dimstyle="GEOM",
        dxfattribs={"layer": DIM_LAYER},
    ).render()
    px, py = sheet.paper(blank.x0, blank.y0)
    heading = (
        f"PANEL {panel.name}, flat pattern, front view, origin lower-left corner  {scale_text(s)}"
    )
    sheet.text(heading, px, py - 22, HEADING_MM)
    placer.take(text_extent(px, py - 22, heading, HEADING_MM))
    rows = [
        [
            f"B{i}",
            f.edge,
            f.direction,
            f"{f.angle:g}",
            dim_mm(f.radius),
            f"{f.factor.k_ansi:.3f}",
            f"{f.factor.k_din:.3f}",
            dim_mm(f.allowance),
            dim_mm(f.v),
            dim_mm(f.height),
        ]
        for i, f in enumerate(metal.flanges, 1)
    ]
    top = text_table(
        sheet,
        14.0,
        FLAT_VIEW[1] - 6,
        [
            ("bend", 12),
            ("edge", 18),
            ("dir.", 14),
            ("angle", 14),
            ("R in", 16),
            ("K ANSI", 18),
            ("k DIN", 18),
            ("BA", 18),
            ("v", 18),
            ("flange", 18),
        ],
        rows,
    )
    _openings(sheet, placer, panel.name, marks, boxes, top - 3)
    _folded(sheet, metal)
    _right_column(sheet, panel, flat_dxf, bom_csv, s)
    stem = f"{panel.name}-flat"
    dxf = write_document(out_dir / f"{stem}-drawing.dxf", doc)
    bx0, by0 = sheet.model(0, 0)
    bx1, by1 = sheet.model(A3_W, A3_H)
    rev = panel_revision(panel)
    drawn = render(doc)  # one rendering for the PDF, its PNG and the SVG
    title = f"panel {panel.name}, rev {rev}"
    pdf = pdf_document(doc, scale=s, box=(bx0, by0, bx1, by1), title=title, recording=drawn)
    png = write_bytes(out_dir / f"{stem}-drawing.png", page_png(pdf))  # the A3 sheet
    path = write_bytes(out_dir / f"{stem}-drawing.pdf", pdf_bytes(pdf))
    svg = write_bytes(out_dir / f"{stem}-drawing.svg", svg_bytes(doc, scale=s, recording=drawn))
    return PanelDrawingFiles(dxf, path, svg, png, rev)


def opening_rows(panel: PanelView, metal: SheetMetal) -> list[list[str]]:
    """One row per opening, face by face (the base, then the flanges in the file's order),
    each face's cutouts (C1..), holes (H1..) and slots (S1..) in file order: face,
    reference, label, what it is, x and y in its face's frame, size (mm; a cutout's as
    drawn, the extent of its contour, across and up as placed)."""
    return [row for row, _ in _opening_marks(panel, metal)]


def _opening_marks(
    panel: PanelView, metal: SheetMetal
) -> list[tuple[list[str], tuple[float, float, float]]]:
    """Each opening's table row and where its name goes in the flat pattern: its centre
    there (flat DXF coordinates, mm) and half its largest size (mm)."""
    found: list[tuple[int, list[str], tuple[float, float, float]]] = []
    order = {face: i for i, face in enumerate(metal.faces)}
    xs, ys = zip(*((v[0], v[1]) for v in metal.outline()), strict=True)

    def add(
        face: str,
        ref: str,
        label: str,
        what: str,
        x: float,
        y: float,
        w: float,
        h: float,
        size: str,
    ) -> None:
        fx, fy = metal.to_flat(face, x, y)
        row = [face, ref, label or "-", what, dim_mm(x), dim_mm(y), size]
        found.append((order[face], row, (fx - min(xs), fy - min(ys), max(w, h) / 2)))

    for i, p in enumerate(panel.places, 1):
        w, h = panel.fits[p.part.id].cut.extent()
        w, h = (h, w) if p.turned else (w, h)
        add(p.face, f"C{i}", p.label, p.part.id, p.x, p.y, w, h, f"{dim_mm(w)} x {dim_mm(h)}")
    for i, o in enumerate(panel.holes, 1):
        d = o.diameter
        add(o.face, f"H{i}", o.label, "hole", o.x, o.y, d, d, f"dia. {dim_mm(d)}")
    for i, t in enumerate(panel.slots, 1):
        size = f"{dim_mm(t.length)} x {dim_mm(t.width)} at {t.angle} deg"
        add(t.face, f"S{i}", t.label, "slot", t.x, t.y, t.length, t.width, size)
    return [(row, mark) for _, row, mark in sorted(found, key=lambda f: f[0])]


def _mark_box(sheet: Sheet, mark: tuple[float, float, float]) -> Box:
    """An opening's square (paper mm) from its centre and half its largest size (mm)."""
    fx, fy, half = mark
    x0, y0 = sheet.paper(fx - half, fy - half)
    x1, y1 = sheet.paper(fx + half, fy + half)
    return x0, y0, x1, y1


def _openings(
    sheet: Sheet,
    placer: Placer,
    name: str,
    marks: list[tuple[list[str], tuple[float, float, float]]],
    boxes: list[Box],
    top: float,
) -> None:
    """Each opening's name (its label, else its reference) in the first free place around
    it in the flat view (`placer`; `boxes`: the openings' squares), and the opening
    table under the bends' table, as many rows as the page holds (the rest are in the
    report)."""
    for (row, _), box in zip(marks, boxes, strict=True):
        placer.place(row[2] if row[2] != "-" else row[1], box)
    rows = [row for row, _ in marks]
    rows = _clip(rows, _lines(top - 1) - 1, f"{name}-report.json") if rows else rows
    heading = "OPENINGS face by face; x, y in the face's frame from its lower-left corner"
    sheet.text(heading, 14.0, top)
    columns = [("face", 16), ("ref", 10), ("label", 14), ("opening", 40), ("x", 18), ("y", 18)]
    text_table(sheet, 14.0, top - 1, [*columns, ("size", 40)], rows)


def _folded(sheet: Sheet, metal: SheetMetal) -> None:
    """The folded part as sections through the middle of the base (on PLATE), one per
    pair of opposite edges that carries a flange, stacked in FOLDED_VIEW."""
    pairs: list[tuple[Edge, Edge, str]] = []
    if metal.flange("bottom") or metal.flange("top"):
        pairs.append(("bottom", "top", "A-A: across X at its middle, Y right, Z up"))
    if metal.flange("left") or metal.flange("right"):
        pairs.append(("left", "right", "B-B: across Y at its middle, X right, Z up"))
    x0, y0, x1, y1 = FOLDED_VIEW
    slot = (y1 - y0) / max(len(pairs), 1)
    for i, (first, last, title) in enumerate(pairs):
        contour = metal.section(first, last)
        m = measure(contour)
        region = (x0, y1 - (i + 1) * slot, x1, y1 - i * slot - 8)
        k = fit_scale(m.width, m.height, region, 8.0)
        cx, cy = (region[0] + region[2]) / 2, (region[1] + region[3]) / 2

        points = [
            (*sheet.model(cx + (a - m.centre[0]) * k, cy + (b - m.centre[1]) * k), 0, 0, bulge)
            for a, b, bulge in contour
        ]
        sheet.msp.add_lwpolyline(
            points,
            format="xyseb",
            close=True,
            dxfattribs={"layer": PLATE_LAYER},
        )
        sheet.text(f"folded, section {title}  {scale_text(k)}", x0 + 2, y1 - i * slot - 4)


def _right_column(sheet: Sheet, panel: PanelView, flat_dxf: Path, bom_csv: Path, s: float) -> None:
    x0, _, x1, y1 = RIGHT
    top = y1 - 2
    forced = FORCED_NOTE in dxf_notes(ezdxf.readfile(flat_dxf))
    if forced:
        detail = f"written with --force; layout rules fail (see {panel.name}-report.json)"
        top = forced_box(sheet, x0, x1, top, detail)
    places = list(panel.places)
    if any(p.part.cut_assumed for p in places):
        ids = sorted({p.part.id for p in places if p.part.cut_assumed})
        top = assumed_box(sheet, x0, x1, top, ids)
    with bom_csv.open(encoding="utf-8", newline="") as handle:
        bom = [[r["part"], r["count"]] for r in csv.DictReader(handle)]
    top = text_table(sheet, x0 + 2, top - 1, [("BOM: part", 40), ("qty", 10)], bom)
    metal = _metal(panel)
    notes = [
        f"Sheet {band(panel.sheet.min, panel.sheet.max, 2)} mm (blank developed for "
        f"{mm(metal.sheet)} mm), {panel.process}; layout rules "
        + ("FAIL (written with --force)." if forced else "hold."),
        "K ANSI = k DIN / 2 (neutral fibre K t from the inside face); BA = bend "
        "allowance, v = DIN 6935's blank compensation.",
        f"DXF: {KERF_NOTE}.",
    ]
    corners = metal.relief_corners()
    if corners:
        notes.append(
            f"Corner reliefs {metal.relief.shape}, {mm(metal.relief.size)} mm past both "
            f"bends, at {corners} corner{'s' if corners > 1 else ''}."
        )
    lines = ["NOTES (dimensions in mm)"]
    for i, note in enumerate(notes, 1):
        wrapped = textwrap.wrap(note, WRAP)
        lines += [f"{i}. {wrapped[0]}", *(f"   {w}" for w in wrapped[1:])]
    sheet.lines(lines, x0 + 2, top - 1)
    sheet.rect(BORDER, BORDER, A3_W - BORDER, A3_H - BORDER)
    tx0, ty0, tx1, ty1 = TITLE
    sheet.rect(tx0, ty0, tx1, ty1)
    sheet.line(tx0, ty1 - 12, tx1, ty1 - 12)
    sheet.text(f"PANEL {panel.name}", tx0 + 2, ty1 - 6, HEADING_MM)
    sheet.text("bent panel: flat pattern, bends, folded sections", tx0 + 2, ty1 - 10.5)
    sheet.lines(
        [
            f"base {dim_mm(panel.width)} x {dim_mm(panel.height)} mm, {len(metal.flanges)} flanges",
            f"scale {scale_text(s)}   sheet A3   units mm",
            f"revision {panel_revision(panel)}   geom {__version__}",
        ],
        tx0 + 2,
        ty1 - 12.5,
    )
