"""The panel drawing: one A3 landscape page (PDF), its DXF and pictures of it (SVG, PNG),
everything measured from the panel DXF as written: outline and overall size, cutouts
C1.., holes H1.. and slots S1.. (each with its label from the panel file) and their
tables, the BOM, material, finish, general tolerance and notes, the ASSUMED box and a
title block with a revision hash of the panel file and the templates it uses (mm)."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ezdxf
import ezdxf.bbox
from ezdxf import edgeminer, edgesmith

from geom.data.atomic import write_bytes, write_text
from geom.dxf.layers import (
    CUT_LAYER,
    DIM_LAYER,
    ENGRAVE_LAYER,
    NOTES_LAYER,
    PRINT_LAYER,
)
from geom.dxf.writer import add_contour, add_lettering, write_document
from geom.model.contour import Circle, CircleNotch, Vertex
from geom.model.layout import Placement
from geom.model.lettering import Lettering, Process
from geom.model.notes import FORCED_NOTE, KERF_NOTE
from geom.model.panel_view import HoleView, PanelView, SlotView
from geom.model.units import band, mm
from geom.render.preview import page_png, pdf_bytes, pdf_document, render, svg_bytes
from geom.render.sheet import (
    BORDER,
    HEADING_MM,
    LINE_PITCH,
    TEXT_MM,
    WRAP,
    Box,
    Measured,
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

A3_W, A3_H = 420.0, 297.0
"""ISO A3 landscape, paper mm: a panel's drawing sheet."""


PANEL_VIEW = (10.0, 105.0, 272.0, 287.0)


PANEL_RIGHT = (272.0, 10.0, 410.0, 287.0)


PANEL_TITLE = (272.0, 10.0, 410.0, 52.0)


WIDE_VIEW = (10.0, 150.0, 410.0, 287.0)
"""The view's region across the sheet (paper mm), the BOM and notes under it: a wide,
low panel's, when it allows a larger scale than PANEL_VIEW."""


VIEW_MARGIN = 40.0
"""Paper mm around the view for its overall dimensions."""


HOLES_COLUMNS = ("label", "kind", "x", "y", "size", "thread_or_countersink", "face")
"""The drilling table's columns: `<name>-holes.csv`."""
JOIN_MM = 1e-6
"""Ends of exploded LINE and ARC entities closer than this join (the DXF lint's tolerance)."""
MATCH_MM = 1e-6
"""Float noise (mm) when finding an entry's centre inside a measured contour's extents."""


@dataclass(frozen=True, slots=True)
class PanelDrawingFiles:
    """The drawing as DXF and PDF, its pictures (SVG, PNG) and its revision hash."""

    dxf: Path
    pdf: Path
    svg: Path
    png: Path
    revision: str
    holes: Path | None = None
    """The drilling table, `<name>-holes.csv` (a flat panel's)."""
    template: Path | None = None
    """The 1:1 drilling template (geom.render.template_pdf), when written with it."""


@dataclass(frozen=True, slots=True)
class _Opening:
    """One contour of the panel DXF as measured: a cutout or a round hole (mm)."""

    contour: list[Vertex]
    m: Measured


def read_cut_contours(path: Path) -> list[list[Vertex]]:
    """Every closed contour on layer CUT of a DXF file (any form geom writes), in file
    order, as (x, y, bulge) vertices."""
    return [c for c, _ in read_layer(ezdxf.readfile(path))]


def read_layer(
    doc: Any, layer: str = CUT_LAYER
) -> list[tuple[list[Vertex], tuple[float, float, float] | None]]:
    """Every closed contour on layer `layer` (CUT) of a DXF document, in file order, as (x, y,
    bulge) vertices (a circle as two half-circle arcs), each with the centre x, y and
    radius (mm) of the CIRCLE it was written as, exactly (rebuilt from its half arcs a
    radius may differ in the last bit), None for any other entity. Reads what geom
    writes: LWPOLYLINE (R2000), POLYLINE (R12), CIRCLE, and LINE / ARC chained end to end
    into closed loops (exploded, within JOIN_MM)."""
    out: list[tuple[list[Vertex], tuple[float, float, float] | None]] = []
    loose: list[Any] = []
    entities: Any = doc.modelspace().query(f"*[layer=='{layer}']")
    for e in entities:
        kind = e.dxftype()
        if kind == "CIRCLE":
            (cx, cy, _), r = e.dxf.center, float(e.dxf.radius)
            x, y = float(cx), float(cy)
            out.append(([(x + r, y, 1.0), (x - r, y, 1.0)], (x, y, r)))
        elif kind == "LWPOLYLINE" and e.closed:
            out.append(([(float(x), float(y), float(b)) for x, y, b in e.get_points("xyb")], None))
        elif kind == "POLYLINE" and e.is_closed:
            out.append(([_vertex(v) for v in e.vertices], None))
        elif kind in ("LINE", "ARC"):
            loose.append(e)
    if loose:
        edges = list(edgesmith.edges_from_entities_2d(loose, gap_tol=JOIN_MM))
        deposit = edgeminer.Deposit(edges, gap_tol=JOIN_MM)
        loops = []
        for chain in edgeminer.find_all_simple_chains(deposit):
            if edgeminer.is_loop(chain, gap_tol=JOIN_MM):
                points = edgesmith.lwpolyline_from_chain(chain).get_points("xyb")
                vertices = [(float(x), float(y), float(b)) for x, y, b in points]
                if math.dist(vertices[0][:2], vertices[-1][:2]) <= JOIN_MM:
                    vertices.pop()  # the loop's closing vertex, back at its start
                loops.append(_canonical_loop(vertices))
        out += [(loop, None) for loop in sorted(loops)]
    return out


def _canonical_loop(loop: list[Vertex]) -> list[Vertex]:
    """A closed loop counter-clockwise, starting at its lowest-leftmost vertex: the same
    list whichever vertex and direction a chainer found it from (ezdxf's edgeminer walks
    in an order that depends on what the process chained before)."""
    n = len(loop)
    area = sum(
        x0 * loop[(i + 1) % n][1] - loop[(i + 1) % n][0] * y0 for i, (x0, y0, _) in enumerate(loop)
    )
    area += sum(_segment_area(loop[i], loop[(i + 1) % n]) for i in range(n))
    if area < 0:  # reversed: the same points, each segment's bulge negated
        loop = [(*loop[(i + 1) % n][:2], -loop[i][2]) for i in reversed(range(n))]
    start = min(range(n), key=lambda i: (loop[i][1], loop[i][0]))
    return loop[start:] + loop[:start]


def _segment_area(a: Vertex, b: Vertex) -> float:
    """Twice the signed area of the circular segment between the chord a-b and its bulge
    arc (0 for a straight segment), mm^2."""
    bulge = a[2]
    if bulge == 0.0:
        return 0.0
    theta = 4 * math.atan(abs(bulge))
    radius = math.dist(a[:2], b[:2]) * (1 + bulge * bulge) / (4 * abs(bulge))
    return math.copysign(radius * radius * (theta - math.sin(theta)), bulge)


def _vertex(v: Any) -> Vertex:
    """An R12 POLYLINE vertex as (x, y, bulge)."""
    x, y, _ = v.dxf.location
    return float(x), float(y), float(v.dxf.bulge)


def dxf_lettering(doc: Any) -> list[Lettering]:
    """The engraved strokes and printed outlines of a DXF document as written (any form
    geom writes: LWPOLYLINE, or POLYLINE in R12), each path a text of its own (mm)."""
    out: list[Lettering] = []
    for e in doc.modelspace():
        layer, kind = str(e.dxf.layer).upper(), e.dxftype()
        if layer not in (ENGRAVE_LAYER, PRINT_LAYER) or kind not in ("LWPOLYLINE", "POLYLINE"):
            continue
        if kind == "LWPOLYLINE":
            path = tuple((float(x), float(y)) for x, y in e.get_points("xy"))
        else:
            path = tuple((float(v.dxf.location[0]), float(v.dxf.location[1])) for v in e.vertices)
        process: Process = "print" if layer == PRINT_LAYER else "engrave"
        out.append(Lettering("", "", 0.0, 0.0, 0.0, 0, "", process, (path,)))
    return out


def dxf_notes(doc: Any) -> list[str]:
    """The TEXT of every entity on layer NOTES of a DXF document."""
    return [str(t.dxf.text) for t in doc.modelspace().query(f"TEXT[layer=='{NOTES_LAYER}']")]


@dataclass(frozen=True, slots=True)
class _OwnHole:
    """A fixing hole that belongs to a placed part: its centre on the panel (mm) and its
    label on the drawing (the part's label, else its id, and "fixing")."""

    x: float
    y: float
    label: str


def _own_holes(panel: PanelView) -> list[_OwnHole]:
    """Every placed part's own fixing holes as the panel job draws them (placed and
    turned with the part): each circle's centre, the middle of its two half arcs."""
    out = []
    for p in panel.places:
        for contour in panel.fits[p.part.id].hole_contours(p.x, p.y, p.rotation):
            (x0, y0, _), (x1, y1, _) = contour[0], contour[1]
            out.append(_OwnHole((x0 + x1) / 2, (y0 + y1) / 2, f"{p.label or p.part.id} fixing"))
    return out


def _entries(panel: PanelView, openings: list[_Opening]) -> list[Any]:
    """The panel file's entry (a placed part, a part's own fixing hole, a hole or a slot)
    each measured opening was written for: of the entries whose centre lies inside the
    opening's extents, the one nearest its middle (an opening's own centre always lies
    inside; the extents' middle is the centre for symmetric shapes). An opening that
    holds no entry's centre fails: the DXF was not written for this panel file."""
    entries: list[Placement | _OwnHole | HoleView | SlotView] = [
        *panel.places,
        *_own_holes(panel),
        *panel.holes,
        *panel.slots,
    ]
    at: dict[tuple[float, float], Placement | _OwnHole | HoleView | SlotView] = {}
    for e in entries:
        at.setdefault((round(e.x, 6), round(e.y, 6)), e)
    out = []
    for o in openings:
        m = o.m
        exact = at.get((round(m.centre[0], 6), round(m.centre[1], 6)))
        if exact is not None:  # a symmetric shape: the extents' middle is its centre
            out.append(exact)
            continue
        inside = [
            e
            for e in entries
            if m.x0 - MATCH_MM <= e.x <= m.x1 + MATCH_MM
            and m.y0 - MATCH_MM <= e.y <= m.y1 + MATCH_MM
        ]
        if not inside:
            cx, cy = m.centre
            raise ValueError(
                f"the contour centred at ({cx:.6f}, {cy:.6f}) mm holds no entry of "
                f"{Path(panel.path).name}: the DXF was not written for this panel file"
            )
        out.append(min(inside, key=lambda e: math.hypot(e.x - m.centre[0], e.y - m.centre[1])))
    return out


def _notch(o: _Opening) -> tuple[float, float, float, float, float] | None:
    """A notched circle as measured from its contour: the circle's centre x, y, its
    diameter, the notch's width and reach (from the circle's far edge to the notch's
    bottom), in mm; None when no vertex lies outside the circle (no notch drawn). The
    notch's axis runs from the circle's centre through the middle of the vertices outside
    the circle (symmetric about it)."""
    r = max(o.m.radii)
    cx, cy = o.m.arc_centres[o.m.radii.index(r)]
    outside = [
        (x - cx, y - cy) for x, y, _ in o.contour if math.hypot(x - cx, y - cy) > r + MATCH_MM
    ]
    if not outside:
        return None
    mx, my = sum(v[0] for v in outside), sum(v[1] for v in outside)
    ux, uy = mx / math.hypot(mx, my), my / math.hypot(mx, my)
    across = [uy * x - ux * y for x, y in outside]
    reach = r + max(ux * x + uy * y for x, y in outside)
    return cx, cy, 2 * r, max(across) - min(across), reach


def _cut_cells(o: _Opening, shape: object) -> tuple[float, float, str, str]:
    """A cutout's centre x, y, its cut as drawn and its corner radius (table cells, mm),
    measured from its contour: a circle by its diameter; a notched circle by the circle's
    centre and diameter, the notch's width x reach and the notch's corner radius; any
    other shape by its extents W x H and largest arc radius."""
    cx, cy = o.m.centre
    if isinstance(shape, Circle):
        return cx, cy, f"dia. {dim_mm(o.m.width)}", "-"
    notch = _notch(o) if isinstance(shape, CircleNotch) else None
    if notch is not None:
        x, y, d, width, reach = notch
        corner = max((r for r in o.m.radii if r < d / 2 - MATCH_MM), default=0.0)
        cut = f"dia. {dim_mm(d)} notch {dim_mm(width)} x {dim_mm(reach)}"
        return x, y, cut, dim_mm(corner)
    size = f"{dim_mm(o.m.width)} x {dim_mm(o.m.height)}"
    return cx, cy, size, dim_mm(max(o.m.radii, default=0.0))


def _lines(top: float, floor: float = BORDER + 2) -> int:
    """Text lines (a table's header and rows) that fit from paper y `top` down to
    `floor` (default: the border, 2 mm clear)."""
    return max(int((top - floor) / (TEXT_MM * LINE_PITCH)), 0)


def _layout(om: Measured) -> tuple[float, Box]:
    """The scale and the view's paper region (mm) for an outline: the view left of the
    BOM and notes, or across the sheet above them when that allows a larger standard
    scale (a wide, low panel)."""
    side = fit_scale(om.width, om.height, PANEL_VIEW, VIEW_MARGIN)
    wide = fit_scale(om.width, om.height, WIDE_VIEW, VIEW_MARGIN)
    if wide <= side:
        return side, PANEL_VIEW
    top = A3_H - BORDER
    return wide, (BORDER, top - (om.height * wide + VIEW_MARGIN + 10), A3_W - BORDER, top)


def _names(entries: list[Any], kinds: list[str]) -> list[tuple[str, str]]:
    """Each opening's reference (C1.., H1.., S1.. in order, skipping any name a user's
    label takes) and the name the view and the drilling table give it: the user's label
    when no other opening has it, else the reference. A part's own fixing hole is named
    by its reference (its label cell says whose it is)."""
    users = [e.label for e in entries if e.label and not isinstance(e, _OwnHole)]
    taken = set(users)
    count = {"C": 0, "H": 0, "S": 0}
    out = []
    for entry, kind in zip(entries, kinds, strict=True):
        while True:
            count[kind] += 1
            ref = f"{kind}{count[kind]}"
            if ref not in taken:
                break
        own = isinstance(entry, _OwnHole) or not entry.label or users.count(entry.label) > 1
        out.append((ref, ref if own else entry.label))
    return out


def _paper_box(sheet: Sheet, m: Measured) -> Box:
    x0, y0 = sheet.paper(m.x0, m.y0)
    x1, y1 = sheet.paper(m.x1, m.y1)
    return x0, y0, x1, y1


def _f3(value: float) -> str:
    """mm with 3 decimals, never `-0.000` (the drilling table)."""
    return mm(value, 3)


def _drill_size(o: _Opening) -> str:
    """A cutout's size in the drilling table (mm): a circle's diameter, its
    extents W x H for any other shape."""
    if len(o.contour) == 2 and all(b == 1.0 for _, _, b in o.contour):
        return _f3(o.m.width)
    return f"{_f3(o.m.width)} x {_f3(o.m.height)}"


def _clip(rows: list[list[str]], room: int, report: str) -> list[list[str]]:
    """`rows`, or as many as `room` rows hold with the last saying how many more the
    report lists."""
    if len(rows) <= room:
        return rows
    keep = max(room - 1, 0)
    more = f"... {len(rows) - keep} more in {report}"
    return [*rows[:keep], [more] + [""] * (len(rows[0]) - 1)]


def write_panel_drawing(
    panel: PanelView, panel_dxf: Path, bom_csv: Path, out_dir: Path
) -> PanelDrawingFiles:
    """Write `<name>-panel-drawing.dxf`, `.pdf` (one A3 page), `.svg` and `.png` for a panel.

    Everything measured is measured from the panel DXF as written (`panel_dxf`): the
    outline, each cutout (C1.., with its part and label from the panel file), each round
    hole (H1..) and each slot (S1.., length x width along its axis), in their tables. The
    view names each opening by its label, else by C1/H1/S1. The BOM is the `bom_csv`
    written by the panel job. `panel` is a geom.panel.model.Panel (names, parts, sheet,
    coating, material, finish, general tolerance, notes). A panel DXF marked "FIT FAILS -
    forced" (written with --force) gives a marked drawing."""
    source = ezdxf.readfile(panel_dxf)
    written = read_layer(source)
    contours = [c for c, _ in written]
    measured = [_Opening(c, measure(c)) for c in contours]
    outline = max(measured, key=lambda o: o.m.width * o.m.height)
    openings = sorted(
        (o for o in measured if o is not outline), key=lambda o: (-o.m.centre[1], o.m.centre[0])
    )
    entries = _entries(panel, openings)
    slot_ids = {id(s) for s in panel.slots}
    place_ids = {id(p) for p in panel.places}
    kinds = ["C" if id(e) in place_ids else "S" if id(e) in slot_ids else "H" for e in entries]
    om = outline.m
    s, view = _layout(om)
    doc = sheet_document(s)
    sheet = Sheet(doc, s, om.centre, view, drop=-4.0)
    msp = doc.modelspace()
    for contour, circle in written:  # a CIRCLE copied as written, to the last bit
        if circle is None:
            add_contour(msp, contour, {"layer": CUT_LAYER})
        else:
            msp.add_circle(circle[:2], circle[2], dxfattribs={"layer": CUT_LAYER})
    lettering = dxf_lettering(source)
    add_lettering(doc, lettering)
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
    rows: dict[str, list[list[str]]] = {"C": [], "H": [], "S": []}
    names = _names(entries, kinds)
    drill: list[list[str]] = []
    for o, entry, kind, (ref, mark) in zip(openings, entries, kinds, names, strict=True):
        cx, cy = o.m.centre
        label = entry.label or "-"
        if kind == "C":
            x, y, size, corner = _cut_cells(o, panel.fits[entry.part.id].cut)
            rows[kind].append([ref, label, entry.part.id, dim_mm(x), dim_mm(y), size, corner])
            drill.append([mark, "opening", _f3(x), _f3(y), _drill_size(o), "", "front"])
            continue
        if kind == "H":
            rows[kind].append([ref, label, dim_mm(cx), dim_mm(cy), dim_mm(o.m.width)])
            what = "fixing" if isinstance(entry, _OwnHole) else "hole"
            drill.append([mark, what, _f3(cx), _f3(cy), _f3(o.m.width), "", "front"])
            continue
        turned = entry.angle in (90, 270)
        along, across = (o.m.height, o.m.width) if turned else (o.m.width, o.m.height)
        tol = "-" if entry.tolerance is None else f"+/-{dim_mm(entry.tolerance)}"
        slot_size = f"{dim_mm(along)} x {dim_mm(across)}"
        rows[kind].append([ref, label, dim_mm(cx), dim_mm(cy), slot_size, f"{entry.angle}", tol])
        size = f"{_f3(o.m.width)} x {_f3(o.m.height)}"
        drill.append([mark, "slot", _f3(cx), _f3(cy), size, "", "front"])
    px, py = sheet.paper(om.x0, om.y0)
    heading = f"PANEL {panel.name}, front view, origin lower-left corner, Y up  {scale_text(s)}"
    sheet.text(heading, px, py - 22, HEADING_MM)
    # The view names every opening (its label, else its reference), each name in the
    # first free place around it, clear of every opening, the outline, the overall
    # dimensions, the heading, the panel's lettering and the names placed before it.
    boxes = [_paper_box(sheet, o.m) for o in openings]
    ox0, oy0, ox1, oy1 = _paper_box(sheet, om)
    edge = 0.3
    obstacles = [
        *boxes,
        (ox0 - edge, oy0 - edge, ox0 + edge, oy1 + edge),
        (ox1 - edge, oy0 - edge, ox1 + edge, oy1 + edge),
        (ox0 - edge, oy0 - edge, ox1 + edge, oy0 + edge),
        (ox0 - edge, oy1 - edge, ox1 + edge, oy1 + edge),
        (ox0, oy0 - 16, ox1, oy0 - 1),  # the overall width and its dimension
        (ox0 - 16, oy0, ox0 - 1, oy1),  # the overall height and its dimension
        text_extent(px, py - 22, heading, HEADING_MM),
        *(lettering_box(sheet, t.box) for t in lettering),
    ]
    placer = Placer(sheet, obstacles, view)
    for box, (_, mark) in zip(boxes, names, strict=True):
        placer.place(mark, box)
    # Tables: cutouts, holes and slots under the view, from just under its heading (a
    # low panel leaves the view's lower part empty) or the view region's foot, whichever
    # is higher; as many rows as the sheet holds, the rest in the report. BOM and notes
    # on the right.
    report = f"{panel.name}-report.json"
    top = max(view[1] - 4, py - 22 - HEADING_MM - 4)
    cut_columns = [
        ("cutout", 13),
        ("label", 12),
        ("part", 36),
        ("x", 16),
        ("y", 16),
        ("cut as drawn (mm)", 54),
        ("R", 9),
    ]
    hole_columns = [("hole", 10), ("label", 27), ("x", 16), ("y", 16), ("dia.", 12)]
    slot_columns = [
        ("slot", 9),
        ("label", 12),
        ("x", 16),
        ("y", 16),
        ("L x W", 23),
        ("ang.", 9),
        ("tol.", 15),
    ]
    listed = {"C": _lines(top) - 1}
    room = _lines(top)  # holes then slots share the second column
    listed["H"] = room - 1 if not rows["S"] else max(room // 2, room - len(rows["S"]) - 3) - 1
    text_table(sheet, 14.0, top, cut_columns, _clip(rows["C"], listed["C"], report))
    y = text_table(sheet, 172.0, top, hole_columns, _clip(rows["H"], listed["H"], report))
    if rows["S"]:
        listed["S"] = _lines(y - 2) - 1
        text_table(sheet, 172.0, y - 2, slot_columns, _clip(rows["S"], listed["S"], report))
    with bom_csv.open(encoding="utf-8", newline="") as handle:
        bom = list(csv.DictReader(handle))
    x0, _, x1, _ = PANEL_RIGHT
    top = PANEL_RIGHT[3] - 2
    if view[2] > x0:  # the view across the sheet: BOM and notes from under the width
        below = text_extent(px, py - 22, heading, HEADING_MM)
        top = oy0 - 17 if below[2] < x0 else below[1] - 2
    forced = FORCED_NOTE in dxf_notes(source)
    if forced:
        detail = f"written with --force; layout rules fail (see {report})"
        top = forced_box(sheet, x0, x1, top, detail)
    if any(p.part.cut_assumed for p in places):
        top = assumed_box(
            sheet, x0, x1, top, sorted({p.part.id for p in places if p.part.cut_assumed})
        )
    bom_rows = [
        [r["part"], r["count"], textwrap.shorten(r["name"], 60, placeholder="...")] for r in bom
    ]
    bom_room = _lines(top - 2, PANEL_TITLE[3] + 2) - 1
    top = text_table(
        sheet,
        x0 + 2,
        top - 2,
        [("BOM: part", 38), ("qty", 10), ("name", 86)],
        _clip(bom_rows, bom_room, report),
    )
    stated = [
        f"{name}: {value}."
        for name, value in (
            ("Material", panel.material),
            ("Finish", panel.finish),
            ("General tolerance", panel.general_tolerance),
        )
        if value
    ]
    notes = [
        *stated,
        f"Sheet {band(panel.sheet.min, panel.sheet.max, 2)} mm, coating "
        f"{band(panel.coating.min, panel.coating.max)} mm per face"
        f"{' (openings masked)' if panel.masked else ''}, {panel.process}, shop "
        f"+/-{mm(panel.shop.tolerance)} mm; layout rules "
        + ("FAIL (written with --force)." if forced else "hold."),
        f"{len(rows['C'])} cutouts, {len(rows['H'])} holes, {len(rows['S'])} slots, measured "
        f"from {panel_dxf.name}.",
        f"DXF: {KERF_NOTE}; cut contours on layer CUT only.",
        *panel.notes,
    ]
    for text in dict.fromkeys(t for p in panel.places for t in p.part.note_texts):
        notes.append(text[0].upper() + text[1:] + ".")
    lines = ["NOTES (dimensions in mm)"]
    for i, note in enumerate(notes, 1):
        wrapped = textwrap.wrap(note, WRAP + 20)
        lines += [f"{i}. {wrapped[0]}", *(f"   {w}" for w in wrapped[1:])]
    room = _lines(top - 2, PANEL_TITLE[3] + 2)
    if len(lines) > room:
        keep = max(room - 1, 0)
        lines = [*lines[:keep], f"... {len(lines) - keep} more lines in {report}"]
    sheet.lines(lines, x0 + 2, top - 2)
    # Frame and title block.
    sheet.rect(BORDER, BORDER, A3_W - BORDER, A3_H - BORDER)
    tx0, ty0, tx1, ty1 = PANEL_TITLE
    sheet.rect(tx0, ty0, tx1, ty1)
    sheet.line(tx0, ty1 - 12, tx1, ty1 - 12)
    rev = panel_revision(panel)
    sheet.text(f"PANEL {panel.name}", tx0 + 2, ty1 - 6, HEADING_MM)
    subtitle = "panel drawing: outline, cutouts, holes, slots, BOM"
    sheet.text(subtitle + (f", {FORCED_NOTE}" if forced else ""), tx0 + 2, ty1 - 10.5, TEXT_MM)
    material = panel.material or "material not stated"
    tolerance = panel.general_tolerance or "not stated"
    sheet.lines(
        [
            f"{dim_mm(panel.width)} x {dim_mm(panel.height)} mm, "
            f"corner R {dim_mm(panel.corner_radius)}",
            textwrap.shorten(material, WRAP + 20, placeholder="..."),
            textwrap.shorten(
                f"sheet {band(panel.sheet.min, panel.sheet.max, 2)} mm   {panel.process}   "
                f"general tolerance {tolerance}",
                WRAP + 20,
                placeholder="...",
            ),
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
    drawn = render(doc)  # one rendering for the PDF, its PNG and the SVG
    title = f"panel {panel.name}, rev {rev}"
    pdf = pdf_document(doc, scale=s, box=(bx0, by0, bx1, by1), title=title, recording=drawn)
    png = write_bytes(out_dir / f"{stem}-drawing.png", page_png(pdf))  # the A3 sheet
    path = write_bytes(out_dir / f"{stem}-drawing.pdf", pdf_bytes(pdf))
    svg = write_bytes(out_dir / f"{stem}-drawing.svg", svg_bytes(doc, scale=s, recording=drawn))
    holes = write_text(out_dir / f"{panel.name}-holes.csv", _csv(drill))
    return PanelDrawingFiles(dxf, path, svg, png, rev, holes)


def _csv(rows: list[list[str]]) -> str:
    """The drilling table: a header (HOLES_COLUMNS) and one line per row, LF ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HOLES_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def panel_revision(panel: PanelView) -> str:
    """8 hex digits of SHA-256 over the panel file and every template it uses."""
    digest = hashlib.sha256(Path(panel.path).read_bytes())
    parts = {p.part.id: p.part for p in panel.places}
    for pid in sorted(parts):
        for part in (parts[pid], parts[pid].frame):
            if part is not None and part.path is not None and part.path.is_file():
                digest.update(part.path.read_bytes())
    return digest.hexdigest()[:8]
