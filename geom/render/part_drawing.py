"""The dimensioned drawing of one cutout: a DXF document, rendered to one A4 PDF page.

What the drawing holds:
- the cut contour on layer `CUT`, centred on (0, 0) exactly as in the cutout DXF;
- on layer `CUT` also the part's own fixing holes (circles), as in the cutout DXF;
- on layer `DIM` (never `CUT`): width and height dimensions and the corner radius (a
  round cut: its diameter), with centre lines. Every dimension is measured from the
  contour vertices the cutout DXF was written from (`measure`): the DIMENSION's
  defpoints lie on the contour, and the cut value in its text is the measurement. The
  text's first line is the finished band the data sheet asks for, ``C +tol/0`` (e.g.
  ``41.50 +0.10/0``); the second line is the cut as drawn with the shop process
  tolerance the fit model leaves (geom.model.fit);
- on layer `NOTES`: the sheet frame, notes (target, sheet, coating, grip range, the
  fixing holes, punched-edge note from the data sheet, kerf) and the title block (part
  id and name, poles, pin spacing, scale, date-free revision = a short hash of the
  inputs);
- on layer `WARNING`: the "ASSUMED - verify against the manufacturer's drawing" box,
  when any number that shapes the cut is assumed;
- on layer `NOTES`, first in the notes column and in the title block: "FIT FAILS -
  forced" in a double box, when the fit fails (the drawing of a forced output);
- on layers `PLATE` and `BODY`: a side view (section along the latch axis) at the
  thinnest and the thickest finished plate. Z convention: the panel front face is Z = 0,
  the plate lies in -t <= Z <= 0, the body reaches into -Z. The body outline is simple:
  flange, collar to the part's depth, latch wedges from the template's latch data.

All sizes in mm. The model space is 1:1 (the cutout can be measured in CAD); the sheet
frame and text are sized for printing at `scale` (paper mm per model mm).
"""

from __future__ import annotations

import hashlib
import json
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ezdxf
import ezdxf.bbox
from ezdxf.math import Vec2

from geom.data.atomic import write_bytes
from geom.dxf.layers import (
    BODY_LAYER,
    CUT_LAYER,
    DIM_LAYER,
    PLATE_LAYER,
)
from geom.dxf.writer import add_contour, write_document
from geom.model.contour import Rect, Vertex, bounds, shape_text
from geom.model.fit import Fit
from geom.model.notes import FORCED_NOTE, KERF_NOTE
from geom.model.report import band_text
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
    dim_band,
    dim_mm,
    forced_box,
    measure,
    scale_text,
    sheet_document,
    signed_mm,
)
from geom.version import __version__

SHEET_W, SHEET_H = 297.0, 210.0
"""ISO A4 landscape, paper mm."""


STANDARD_SCALES = (10.0, 5.0, 2.0, 1.0, 0.5, 0.2, 0.1)
"""ISO 5455 scales, paper mm per model mm, largest first."""


PLATE_STUB_MM = 8.0
"""Plate drawn on each side of the opening in the side view (model mm)."""


TWO_LINES = {"dimgap": 0.8 + TEXT_MM * 1.667 / 2}
"""ezdxf centres dimension text one line above the dimension line; a second line needs
half a line pitch more gap (paper mm) to stay clear of it."""


# Regions of the sheet (paper mm, origin lower left): x0, y0, x1, y1.
TITLE_BOX = (187.0, 10.0, 287.0, 52.0)


NOTES_BOX = (187.0, 52.0, 287.0, 200.0)


FRONT_BOX = (10.0, 112.0, 187.0, 200.0)


SIDE_BOX = (10.0, 10.0, 187.0, 112.0)


def revision(fit: Fit) -> str:
    """A date-free revision: 8 hex digits of SHA-256 over the template bytes (the part's
    and its frame's) and the options (sheet, coating, masking, shop, target)."""
    digest = hashlib.sha256()
    for part in (fit.part, fit.part.frame):
        if part is None:
            continue
        if part.path is not None and part.path.is_file():
            digest.update(part.path.read_bytes())
        else:  # a part given on the command line: its values are its input
            digest.update(repr(part).encode("utf-8"))
    cond = fit.conditions
    options = {
        "sheet": None if cond.sheet is None else [cond.sheet.min, cond.sheet.max],
        "coating": [fit.coating.min, fit.coating.max],
        "masked": cond.masked,
        "shop": None if cond.shop is None else cond.shop.tolerance,
        "target": fit.target,
    }
    digest.update(json.dumps(options, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:8]


def tolerance_text(value: float, plus: float, minus: float) -> str:
    """``41.50 +0.10/0``: a size with its deviations (mm, 2 decimals, 3 when needed)."""
    return f"{dim_mm(value)} {signed_mm('+', plus)}/{signed_mm('-', minus)}"


def dimension_texts(fit: Fit, m: Measured) -> dict[str, str]:
    """The width and height dimension texts: finished band, then the measured cut."""
    snap = fit.part.fit
    ends = []
    for end in (0, 1):  # the finished opening's extents at the band's two limits
        x0, y0, x1, y1 = bounds(
            snap.cutout.with_sizes({n: snap.band(n)[end] for n in snap.cutout.SIZES}).contour()
        )
        ends.append({"width": x1 - x0, "height": y1 - y0})
    band, tol = ends[0], {a: ends[1][a] - ends[0][a] for a in ends[0]}
    cut = {"width": m.width, "height": m.height}
    return {
        axis: f"{tolerance_text(band[axis], tol[axis], 0.0)}\\P"
        f"cut {tolerance_text(cut[axis], fit.process_plus, fit.process_minus)}"
        for axis in ("width", "height")
    }


def write_drawing(fit: Fit, contour: Sequence[Vertex], out_dir: Path) -> DrawingFiles:
    """Write `<stem>-drawing.dxf` and `<stem>-drawing.pdf` (one A4 page) to `out_dir`.

    `contour` must be the vertex list the cutout DXF was written from
    (geom.dxf.cutout.cutout_contour), so every dimension is measured from it."""
    stem = fit.part.file_stem
    doc, box, scale = drawing_document(fit, contour)
    rev = revision(fit)
    dxf = write_document(out_dir / f"{stem}-drawing.dxf", doc)  # linted like any DXF
    pdf = pdf_document(doc, scale=scale, box=box, title=f"{fit.part.id} cutout, rev {rev}")
    path = write_bytes(out_dir / f"{stem}-drawing.pdf", pdf_bytes(pdf))
    return DrawingFiles(dxf, path, rev)


def choose_scale(fit: Fit, m: Measured) -> float:
    """The largest ISO scale at which the front and the side views fit their regions."""
    side_w, side_h = _side_extent(fit, m)
    for s in STANDARD_SCALES:
        front_ok = (
            m.width * s + 50 <= FRONT_BOX[2] - FRONT_BOX[0]
            and m.height * s + 40 <= FRONT_BOX[3] - FRONT_BOX[1]
        )
        side_ok = (
            side_w * s + 10 <= (SIDE_BOX[2] - SIDE_BOX[0]) / 2
            and side_h * s + 30 <= SIDE_BOX[3] - SIDE_BOX[1]
        )
        if front_ok and side_ok:
            return s
    return STANDARD_SCALES[-1]


def drawing_document(
    fit: Fit, contour: Sequence[Vertex]
) -> tuple[Any, tuple[float, float, float, float], float]:
    """The drawing as an ezdxf document, the sheet's box in model mm, and the scale."""
    m = measure(contour)
    s = choose_scale(fit, m)
    doc = sheet_document(s)
    sheet = Sheet(doc, s, m.centre, FRONT_BOX)
    msp = doc.modelspace()
    add_contour(msp, contour, {"layer": CUT_LAYER})
    for hole in fit.hole_contours():  # the part's own fixing holes, as in the cutout DXF
        add_contour(msp, hole, {"layer": CUT_LAYER})
    _front_view(msp, fit, m, sheet)
    _side_views(msp, fit, m, sheet)
    _notes(sheet, fit, m)
    _title_block(sheet, fit, s)
    x0, y0 = sheet.model(0, 0)
    x1, y1 = sheet.model(SHEET_W, SHEET_H)
    return doc, (x0, y0, x1, y1), s


def _edge_point(contour_pts: list[tuple[float, float]], x: float | None, y: float | None) -> Vec2:
    """The contour vertex on the line x = `x` (or y = `y`) farthest up (or right)."""
    if x is not None:
        on = [p for p in contour_pts if math.isclose(p[0], x, abs_tol=1e-9)]
        return Vec2(max(on, key=lambda p: p[1])) if on else Vec2(x, 0)
    assert y is not None
    on = [p for p in contour_pts if math.isclose(p[1], y, abs_tol=1e-9)]
    return Vec2(max(on, key=lambda p: p[0])) if on else Vec2(0, y)


def _front_view(msp: Any, fit: Fit, m: Measured, sheet: Sheet) -> None:
    s = sheet.s
    contour_pts = _contour_points(msp)
    texts = dimension_texts(fit, m)
    cx, cy = m.centre
    # Width above the cutout, height to its right; defpoints on the contour itself.
    top = _edge_point(contour_pts, None, m.y1)
    left = _edge_point(contour_pts, m.x0, None)
    right = _edge_point(contour_pts, m.x1, None)
    msp.add_linear_dim(
        base=(cx, m.y1 + 10.0 / s),
        p1=(left.x, left.y if left.y >= cy else m.y1),
        p2=(right.x, right.y if right.y >= cy else m.y1),
        text=texts["width"],
        dimstyle="GEOM",
        override=TWO_LINES,
        dxfattribs={"layer": DIM_LAYER},
    ).render()
    msp.add_linear_dim(
        base=(m.x1 + 12.0 / s, cy),
        p1=(top.x, m.y0),
        p2=(top.x, m.y1),
        angle=90,
        text=texts["height"],
        dimstyle="GEOM",
        override=TWO_LINES,
        dxfattribs={"layer": DIM_LAYER},
    ).render()
    if _is_circle(m):
        # A round cut: one diameter dimension, never its two half-circle arcs as "2x R".
        msp.add_diameter_dim(
            center=m.arc_centres[0],
            radius=m.radii[0],
            angle=225,
            text=f"%%c{dim_mm(2 * m.radii[0])}",
            dimstyle="GEOM",
            override={"dimtmove": 1},
            dxfattribs={"layer": DIM_LAYER},
        ).render()
    elif m.radii:
        # The radius dimension on the lower-left arc, away from the other dimensions.
        i = min(range(len(m.radii)), key=lambda k: sum(m.arc_centres[k]))
        equal = all(math.isclose(r, m.radii[i], abs_tol=1e-9) for r in m.radii)
        count = f"{len(m.radii)}x " if equal and len(m.radii) > 1 else ""
        msp.add_radius_dim(
            center=m.arc_centres[i],
            radius=m.radii[i],
            angle=225,
            text=f"{count}R{dim_mm(m.radii[i])}",
            dimstyle="GEOM",
            override={"dimtmove": 1},
            location=Vec2(m.arc_centres[i]) + Vec2.from_deg_angle(225, m.radii[i] + 8.0 / s),
            dxfattribs={"layer": DIM_LAYER},
        ).render()
    # Centre marks: the cutout's centre lines, past the contour by 3 mm on paper.
    over = 3.0 / s
    attribs = {"layer": DIM_LAYER, "linetype": "CENTER"}
    msp.add_line((m.x0 - over, cy), (m.x1 + over, cy), dxfattribs=attribs)
    msp.add_line((cx, m.y0 - over), (cx, m.y1 + over), dxfattribs=attribs)
    px, py = sheet.paper(m.x0, m.y0)
    sheet.text(f"FRONT VIEW (from the panel front)  {scale_text(s)}", px, py - 14, HEADING_MM)


def _is_circle(m: Measured) -> bool:
    """Whether the measured contour is one full circle: arcs only, one centre, one radius."""
    return (
        len(m.radii) == 2
        and math.isclose(m.radii[0], m.radii[1], abs_tol=1e-9)
        and math.dist(*m.arc_centres) <= 1e-9
        and math.isclose(m.width, 2 * m.radii[0], abs_tol=1e-9)
        and math.isclose(m.height, 2 * m.radii[0], abs_tol=1e-9)
    )


def _contour_points(msp: Any) -> list[tuple[float, float]]:
    """The vertices of the cut contours, a CIRCLE's extreme points included."""
    points: list[tuple[float, float]] = []
    for e in msp.query(f"LWPOLYLINE CIRCLE[layer=='{CUT_LAYER}']"):
        if e.dxftype() == "CIRCLE":
            (cx, cy, _), r = e.dxf.center, float(e.dxf.radius)
            points += [(cx - r, cy - r), (cx + r, cy + r)]
        else:
            points += [(float(x), float(y)) for x, y, *_ in e.get_points("xyb")]
    return points


def _side_extent(fit: Fit, m: Measured) -> tuple[float, float]:
    """Width and height (model mm) of one side view."""
    part, mount, snap = fit.part, fit.part.mount, fit.part.fit
    opening = m.width if snap.latch_axis == "width" else m.height
    span = snap.latch_span.max if snap.latch_span is not None else 0.0
    width = max(opening + 2 * PLATE_STUB_MM, mount.width, span)
    depth = max(mount.depth, part.depth if part.frame else 0.0)
    return width, depth + fit.finished_plate.max


def _side_views(msp: Any, fit: Fit, m: Measured, sheet: Sheet) -> None:
    s = sheet.s
    half = (SIDE_BOX[2] - SIDE_BOX[0]) / 2
    snap = fit.part.fit
    top = SIDE_BOX[3] - 12 - snap.flange_thickness * s
    plates = (
        (fit.finished_plate.min, "thinnest"),
        (fit.finished_plate.max, "thickest"),
    )
    for k, (t, label) in enumerate(plates):
        px = SIDE_BOX[0] + half * (k + 0.5)
        ox, oz = sheet.model(px, top)
        before = len(msp)
        _side_view(msp, fit, m, ox, oz, t)
        lowest = ezdxf.bbox.extents(list(msp)[before:]).extmin.y  # the view's bottom
        sheet.lines(
            [
                f"SIDE VIEW, {label} plate  {scale_text(s)}",
                f"finished plate t = {dim_mm(t)} mm; Z = 0: panel front",
            ],
            px - half / 2 + 4,
            sheet.paper(0.0, lowest)[1] - 3,
        )


def _side_view(msp: Any, fit: Fit, m: Measured, ox: float, oz: float, t: float) -> None:
    """Section along the latch axis; (ox, oz) is the model point of X = 0, Z = 0."""
    part, mount, snap = fit.part, fit.part.mount, fit.part.fit
    axis = snap.latch_axis
    opening = (m.width if axis == "width" else m.height) / 2
    flange = (mount.width if axis == "width" else mount.height) / 2
    collar = snap.collar(axis).max / 2
    ft = snap.flange_thickness
    rear = ft - mount.depth

    def poly(points: Sequence[tuple[float, float]], layer: str) -> None:
        msp.add_lwpolyline(
            [(ox + x, oz + z) for x, z in points], close=True, dxfattribs={"layer": layer}
        )

    stub = opening + PLATE_STUB_MM
    poly([(-stub, -t), (-opening, -t), (-opening, 0), (-stub, 0)], PLATE_LAYER)
    poly([(opening, -t), (stub, -t), (stub, 0), (opening, 0)], PLATE_LAYER)
    poly(
        [
            (-flange, ft),
            (-flange, 0),
            (-collar, 0),
            (-collar, rear),
            (collar, rear),
            (collar, 0),
            (flange, 0),
            (flange, ft),
        ],
        BODY_LAYER,
    )
    tip = snap.latch_span.nominal / 2 if snap.latch_span is not None else 0.0
    if tip > collar:  # the latches (snap-in parts only)
        for side in (-1, 1):
            poly(
                [(side * collar, -t), (side * tip, -t), (side * collar, -t - 3 * (tip - collar))],
                BODY_LAYER,
            )
    if part.frame is not None:  # the socket in the frame: a simple box
        # Its front face `[body] front` above the frame's (0: flush), as geom.model.body places it.
        front = ft + (part.body.front if part.body is not None else 0.0)
        half = (part.width if axis == "width" else part.height) / 2
        back = front - part.depth
        poly([(-half, front), (-half, back), (half, back), (half, front)], BODY_LAYER)
    msp.add_line(
        (ox - stub - 2, oz),
        (ox + stub + 2, oz),
        dxfattribs={"layer": DIM_LAYER, "linetype": "CENTER"},
    )


def _notes(sheet: Sheet, fit: Fit, m: Measured) -> None:
    part, snap = fit.part, fit.part.fit
    mount = part.mount
    x0, _, x1, y1 = NOTES_BOX
    top = y1 - 2
    if not fit.ok:
        failing = ", ".join(c.name for c in fit.failures())
        top = forced_box(sheet, x0, x1, top, f"written with --force; the fit fails: {failing}")
    if part.cut_assumed:
        fields = [f for f in part.assumed if f.split(":")[-1].startswith("cutout.")]
        top = assumed_box(sheet, x0, x1, top, fields)
    quotes = [*part.mount.notes, *(part.notes if part.frame is not None else ())]
    part_notes = [
        f"{str(q.value)[0].upper()}{str(q.value)[1:]} (data sheet {q.source})" for q in quotes
    ]
    via = f"Mounts through snap-in frame {mount.id}: the cut is the frame's. " if part.frame else ""
    corner = (
        f"Corner radius as drawn R{dim_mm(max(m.radii, default=0.0))}; collar corner "
        f"R{dim_mm(snap.collar_corner_radius)} (a larger cut radius interferes)."
        if isinstance(snap.cutout, Rect)
        else f"Cut as drawn: {shape_text(fit.cut)}."
    )
    notes = [
        f"{via}Finished opening (after coating): {band_text(fit)}.",
        f"Cut as drawn: {dim_mm(m.width)} x {dim_mm(m.height)} mm, "
        f"target {fit.target} of the band; "
        f"shop process {signed_mm('+', fit.process_plus)}/{signed_mm('-', fit.process_minus)} mm.",
        corner,
        *_hole_notes(fit),
        f"Sheet {dim_band(fit.sheet.min, fit.sheet.max)} mm"
        f"{'' if fit.sheet_given else ' (the sheets that grip)'}, coating "
        f"{dim_band(fit.coating.min, fit.coating.max)} mm per face"
        f"{' (openings masked: edges bare)' if fit.conditions.masked else ''}; finished plate "
        f"{dim_mm(fit.finished_plate.min)} .. {dim_mm(fit.finished_plate.max)} mm "
        f"(grip range {dim_mm(snap.grip.min)} .. {dim_mm(snap.grip.max)} mm).",
        *(f"{text}." for text in part_notes),
        f"DXF: {KERF_NOTE}; cut contour on layer CUT only.",
        (
            "Fit: holds at every end of every band (" + ", ".join(c.name for c in fit.checks) + ")."
            if fit.ok
            else "Fit: FAILS (" + ", ".join(c.name for c in fit.failures()) + "), checked at "
            "every end of every band."
        ),
    ]
    lines = ["NOTES (dimensions in mm)"]
    for i, note in enumerate(notes, 1):
        wrapped = textwrap.wrap(note, WRAP)
        lines += [f"{i}. {wrapped[0]}", *(f"   {w}" for w in wrapped[1:])]
    sheet.lines(lines, x0 + 2, top)


def _hole_notes(fit: Fit) -> list[str]:
    """The part's own fixing holes: count, cut and finished diameter, centres (mm)."""
    holes = fit.part.fit.holes
    if holes is None or fit.hole_cut is None:
        return []
    centres = ", ".join(f"({dim_mm(x)}, {dim_mm(y)})" for x, y in holes.positions)
    return [
        f"{len(holes.positions)} fixing holes on layer CUT: cut dia. {dim_mm(fit.hole_cut)} mm, "
        f"finished dia. {dim_mm(holes.diameter)} {signed_mm('+', holes.tolerance)}/0 mm; "
        f"centres from the cutout's centre {centres} mm."
    ]


def _title_block(sheet: Sheet, fit: Fit, s: float) -> None:
    part = fit.part
    sheet.rect(BORDER, BORDER, SHEET_W - BORDER, SHEET_H - BORDER)
    x0, y0, x1, y1 = TITLE_BOX
    sheet.rect(x0, y0, x1, y1)
    sheet.line(x0, y1 - 12, x1, y1 - 12)
    sheet.text(f"CUTOUT {part.id}", x0 + 2, y1 - 6, HEADING_MM)
    subtitle = "dimensioned cutout drawing" + ("" if fit.ok else f", {FORCED_NOTE}")
    sheet.text(subtitle, x0 + 2, y1 - 10.5, TEXT_MM)
    poles = str(part.poles) if part.poles else "-"
    pitch = f"{dim_mm(part.pin_spacing)} mm" if part.pin_spacing else "-"
    rows = [
        *textwrap.wrap(part.name, WRAP),
        f"manufacturer {part.manufacturer}   kind {part.kind}",
        f"poles {poles}   pin spacing {pitch}"
        + (f"   via frame {part.frame.id}" if part.frame else ""),
        f"sheet {dim_band(fit.sheet.min, fit.sheet.max)} mm   coating "
        f"{dim_band(fit.coating.min, fit.coating.max)} mm",
        f"scale {scale_text(s)}   sheet A4   units mm",
        f"revision {revision(fit)}   geom {__version__}",
    ]
    sheet.lines(rows, x0 + 2, y1 - 12.5)
