"""The panel drawing: one A3 landscape page (PDF) and its DXF, everything measured from
the panel DXF as written: outline and overall size, cutouts C1.. and holes H1.. with
their tables, the BOM, notes, the ASSUMED box and a title block with a revision hash of
the panel file and the templates it uses (mm)."""

from __future__ import annotations

import csv
import hashlib
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ezdxf
import ezdxf.bbox

from geom.data.atomic import write_bytes
from geom.dxf.layers import (
    CUT_LAYER,
    DIM_LAYER,
    NOTES_LAYER,
)
from geom.dxf.writer import add_contour, write_document
from geom.model.contour import Vertex, circle
from geom.model.notes import FORCED_NOTE, KERF_NOTE
from geom.model.units import band, mm
from geom.render.preview import pdf_bytes, pdf_document
from geom.render.sheet import (
    BORDER,
    HEADING_MM,
    TEXT_MM,
    WRAP,
    DrawingFiles,
    Measured,
    Sheet,
    assumed_box,
    dim_mm,
    forced_box,
    measure,
    scale_text,
    sheet_document,
    text_table,
)
from geom.version import __version__

A3_W, A3_H = 420.0, 297.0
"""ISO A3 landscape, paper mm: a panel's drawing sheet."""


PANEL_VIEW = (10.0, 105.0, 272.0, 287.0)


PANEL_RIGHT = (272.0, 10.0, 410.0, 287.0)


PANEL_TITLE = (272.0, 10.0, 410.0, 52.0)


PANEL_SCALES = (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01)


@dataclass(frozen=True, slots=True)
class _Opening:
    """One contour of the panel DXF as measured: a cutout or a round hole (mm)."""

    contour: list[Vertex]
    m: Measured

    @property
    def round(self) -> bool:
        return len(self.contour) == 2 and all(abs(abs(b) - 1) < 1e-12 for _, _, b in self.contour)


def read_cut_contours(path: Path) -> list[list[Vertex]]:
    """Every closed LWPOLYLINE and every CIRCLE on layer CUT of a DXF file, in file
    order, as (x, y, bulge) vertices (a CIRCLE as two half arcs)."""
    doc = ezdxf.readfile(path)
    entities: Any = doc.modelspace().query(f"LWPOLYLINE CIRCLE[layer=='{CUT_LAYER}']")
    out: list[list[Vertex]] = []
    for e in entities:
        if e.dxftype() == "CIRCLE":
            centre = e.dxf.center
            out.append(circle(2 * float(e.dxf.radius), float(centre.x), float(centre.y)))
        elif e.closed:
            out.append([(float(x), float(y), float(b)) for x, y, b in e.get_points("xyb")])
    return out


def dxf_notes(path: Path) -> list[str]:
    """The TEXT of every entity on layer NOTES of a DXF file."""
    doc = ezdxf.readfile(path)
    return [str(t.dxf.text) for t in doc.modelspace().query(f"TEXT[layer=='{NOTES_LAYER}']")]


def write_panel_drawing(panel: Any, panel_dxf: Path, bom_csv: Path, out_dir: Path) -> DrawingFiles:
    """Write `<name>-drawing.dxf` and `<name>-drawing.pdf` (one A3 page) for a panel.

    Everything measured is measured from the panel DXF as written (`panel_dxf`): the
    outline, each cutout (labelled C1.., with its part from the panel file) and each
    round hole (labelled H1.., in the hole table). The BOM is the `bom_csv` written by
    the panel job. `panel` is a geom.panel.model.Panel (names, parts, sheet, coating). A panel
    DXF marked "FIT FAILS - forced" (written with --force) gives a marked drawing."""
    contours = read_cut_contours(panel_dxf)
    measured = [_Opening(c, measure(c)) for c in contours]
    outline = max(measured, key=lambda o: o.m.width * o.m.height)
    openings = [o for o in measured if o is not outline]
    cuts = sorted(
        (o for o in openings if not o.round), key=lambda o: (-o.m.centre[1], o.m.centre[0])
    )
    holes = sorted((o for o in openings if o.round), key=lambda o: (-o.m.centre[1], o.m.centre[0]))
    om = outline.m
    view_w, view_h = PANEL_VIEW[2] - PANEL_VIEW[0], PANEL_VIEW[3] - PANEL_VIEW[1]
    s = next(
        (k for k in PANEL_SCALES if om.width * k + 40 <= view_w and om.height * k + 40 <= view_h),
        PANEL_SCALES[-1],
    )
    doc = sheet_document(s)
    sheet = Sheet(doc, s, om.centre, PANEL_VIEW, drop=-4.0)
    msp = doc.modelspace()
    for contour in contours:
        add_contour(msp, contour, {"layer": CUT_LAYER})
    # Overall size below and left of the outline, measured from its contour.
    msp.add_linear_dim(
        base=(om.centre[0], om.y0 - 10.0 / s),
        p1=(om.x0, om.y0),
        p2=(om.x1, om.y0),
        text=dim_mm(om.width),
        dimstyle="GEOM",
        dxfattribs={"layer": DIM_LAYER},
    ).render()
    msp.add_linear_dim(
        base=(om.x0 - 10.0 / s, om.centre[1]),
        p1=(om.x0, om.y0),
        p2=(om.x0, om.y1),
        angle=90,
        text=dim_mm(om.height),
        dimstyle="GEOM",
        dxfattribs={"layer": DIM_LAYER},
    ).render()
    places = list(panel.places)
    cut_rows = []
    for i, o in enumerate(cuts, 1):
        cx, cy = o.m.centre
        placed = min(places, key=lambda p: math.hypot(p.x - cx, p.y - cy))
        label = f"C{i}"
        px, py = sheet.paper(cx, o.m.y1)
        sheet.text(label, px - 2, py + 1.2, TEXT_MM)
        radius = max(o.m.radii, default=0.0)
        cut_rows.append(
            [
                label,
                placed.part.id,
                dim_mm(cx),
                dim_mm(cy),
                f"{dim_mm(o.m.width)} x {dim_mm(o.m.height)}",
                dim_mm(radius),
            ]
        )
    hole_rows = []
    for i, o in enumerate(holes, 1):
        cx, cy = o.m.centre
        label = f"H{i}"
        px, py = sheet.paper(o.m.x1, o.m.y1)
        sheet.text(label, px + 0.5, py + 0.5, TEXT_MM)
        hole_rows.append([label, dim_mm(cx), dim_mm(cy), dim_mm(o.m.width)])
    px, py = sheet.paper(om.x0, om.y0)
    sheet.text(
        f"PANEL {panel.name}, front view, origin lower-left corner, Y up  {scale_text(s)}",
        px,
        py - 22,
        HEADING_MM,
    )
    # Tables: cutouts and holes under the view, BOM and notes on the right.
    y = PANEL_VIEW[1] - 4
    y = text_table(
        sheet,
        14.0,
        y,
        [("cutout", 16), ("part", 40), ("x", 20), ("y", 20), ("cut as drawn W x H", 40), ("R", 14)],
        cut_rows,
    )
    text_table(
        sheet,
        172.0,
        PANEL_VIEW[1] - 4,
        [("hole", 14), ("x", 22), ("y", 22), ("dia.", 18)],
        hole_rows,
    )
    with bom_csv.open(encoding="utf-8", newline="") as handle:
        bom = list(csv.DictReader(handle))
    x0, _, x1, y1 = PANEL_RIGHT
    top = y1 - 2
    forced = FORCED_NOTE in dxf_notes(panel_dxf)
    if forced:
        report = f"{panel.name}-report.json"
        detail = f"written with --force; layout rules fail (see {report})"
        top = forced_box(sheet, x0, x1, top, detail)
    if any(p.part.cut_assumed for p in places):
        top = assumed_box(
            sheet, x0, x1, top, sorted({p.part.id for p in places if p.part.cut_assumed})
        )
    bom_rows = [
        [r["part"], r["count"], textwrap.shorten(r["name"], 60, placeholder="...")] for r in bom
    ]
    top = text_table(
        sheet, x0 + 2, top - 2, [("BOM: part", 34), ("qty", 10), ("name", 90)], bom_rows
    )
    notes = [
        f"Sheet {band(panel.sheet.min, panel.sheet.max, 2)} mm, coating "
        f"{band(panel.coating.min, panel.coating.max)} mm per face"
        f"{' (openings masked)' if panel.masked else ''}, {panel.process}, shop "
        f"+/-{mm(panel.shop.tolerance)} mm; layout rules "
        + ("FAIL (written with --force)." if forced else "hold."),
        f"{len(cuts)} cutouts, {len(holes)} holes, measured from {panel_dxf.name}.",
        f"DXF: {KERF_NOTE}; cut contours on layer CUT only.",
    ]
    for text in dict.fromkeys(t for p in panel.places for t in p.part.note_texts):
        notes.append(text[0].upper() + text[1:] + ".")
    lines = ["NOTES (dimensions in mm)"]
    for i, note in enumerate(notes, 1):
        wrapped = textwrap.wrap(note, WRAP + 20)
        lines += [f"{i}. {wrapped[0]}", *(f"   {w}" for w in wrapped[1:])]
    sheet.lines(lines, x0 + 2, top - 2)
    # Frame and title block.
    sheet.rect(BORDER, BORDER, A3_W - BORDER, A3_H - BORDER)
    tx0, ty0, tx1, ty1 = PANEL_TITLE
    sheet.rect(tx0, ty0, tx1, ty1)
    sheet.line(tx0, ty1 - 12, tx1, ty1 - 12)
    rev = panel_revision(panel)
    sheet.text(f"PANEL {panel.name}", tx0 + 2, ty1 - 6, HEADING_MM)
    subtitle = "panel drawing: outline, cutouts, holes, BOM"
    sheet.text(subtitle + (f", {FORCED_NOTE}" if forced else ""), tx0 + 2, ty1 - 10.5, TEXT_MM)
    sheet.lines(
        [
            f"{dim_mm(panel.width)} x {dim_mm(panel.height)} mm, "
            f"corner R {dim_mm(panel.corner_radius)}",
            f"sheet {band(panel.sheet.min, panel.sheet.max, 2)} mm   {panel.process}",
            f"scale {scale_text(s)}   sheet A3   units mm",
            f"revision {rev}   geom {__version__}",
        ],
        tx0 + 2,
        ty1 - 12.5,
    )
    stem = f"{panel.name}-panel"
    dxf = write_document(out_dir / f"{stem}-drawing.dxf", doc)  # linted like any DXF
    bx0, by0 = sheet.model(0, 0)
    bx1, by1 = sheet.model(A3_W, A3_H)
    pdf = pdf_document(
        doc, scale=s, box=(bx0, by0, bx1, by1), title=f"panel {panel.name}, rev {rev}"
    )
    path = write_bytes(out_dir / f"{stem}-drawing.pdf", pdf_bytes(pdf))
    return DrawingFiles(dxf, path, rev)


def panel_revision(panel: Any) -> str:
    """8 hex digits of SHA-256 over the panel file and every template it uses."""
    digest = hashlib.sha256(Path(panel.path).read_bytes())
    parts = {p.part.id: p.part for p in panel.places}
    for pid in sorted(parts):
        for part in (parts[pid], parts[pid].frame):
            if part is not None and part.path is not None and part.path.is_file():
                digest.update(part.path.read_bytes())
    return digest.hexdigest()[:8]
