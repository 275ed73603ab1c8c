"""The dimensioned drawing of one cutout: a DXF document, rendered to one A4 PDF page.

What the drawing holds (issue 5):
- the cut contour on layer `CUT`, centred on (0, 0) exactly as in the cutout DXF;
- on layer `DIM` (never `CUT`): width and height dimensions and the corner radius, with
  centre lines. Every dimension is measured from the contour vertices the cutout DXF
  was written from (`measure`): the DIMENSION's defpoints lie on the contour, and the
  cut value in its text is the measurement. The text's first line is the finished band
  the data sheet asks for, ``C +tol/0`` (e.g. ``41.50 +0.10/0``); the second line is the
  cut as drawn with the shop process tolerance the fit model leaves (geom.model.fit);
- on layer `NOTES`: the sheet frame, notes (target, plate range, coating, punched-edge
  note from the data sheet, kerf) and the title block (part id and name, poles, pin
  spacing, scale, date-free revision = a short hash of the inputs);
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

import csv
import hashlib
import json
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ezdxf
import ezdxf.bbox
from ezdxf.math import Vec2, bulge_to_arc

from geom import __version__
from geom.data.atomic import write_bytes
from geom.dxf.layers import (
    BODY_LAYER,
    CUT_LAYER,
    DIM_LAYER,
    NOTES_LAYER,
    PLATE_LAYER,
    WARNING_LAYER,
)
from geom.dxf.writer import new_document, write_document
from geom.model.contour import Vertex
from geom.model.fit import Fit
from geom.model.notes import FORCED_NOTE, KERF_NOTE, PUNCH_NOTE
from geom.model.units import band, deviation, mm
from geom.preview import pdf_bytes, pdf_document

SHEET_W, SHEET_H = 297.0, 210.0
"""ISO A4 landscape, paper mm."""
BORDER = 10.0
STANDARD_SCALES = (10.0, 5.0, 2.0, 1.0, 0.5, 0.2, 0.1)
"""ISO 5455 scales, paper mm per model mm, largest first."""
TEXT_MM = 2.5
HEADING_MM = 3.5
LINE_PITCH = 1.6
ASSUMED_NOTE = "ASSUMED - verify against the manufacturer's drawing"
WRAP = 54
"""Characters per line of 2.5 mm text in the 100 mm wide notes column."""
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


@dataclass(frozen=True, slots=True)
class Measured:
    """What a closed contour measures (mm): extents, centre and its arcs' radii."""

    x0: float
    y0: float
    x1: float
    y1: float
    radii: tuple[float, ...]
    """Radius of every arc, in contour order."""
    arc_centres: tuple[tuple[float, float], ...]

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class DrawingFiles:
    dxf: Path
    pdf: Path
    revision: str


def measure(contour: Sequence[Vertex]) -> Measured:
    """Extents of a closed bulge contour, arcs included (their axis points), and radii."""
    xs = [v[0] for v in contour]
    ys = [v[1] for v in contour]
    radii: list[float] = []
    centres: list[tuple[float, float]] = []
    n = len(contour)
    for i, (x, y, bulge) in enumerate(contour):
        if bulge == 0:
            continue
        nx, ny, _ = contour[(i + 1) % n]
        centre, start, end, radius = bulge_to_arc(Vec2(x, y), Vec2(nx, ny), bulge)
        radii.append(float(radius))
        centres.append((float(centre.x), float(centre.y)))
        span = (end - start) % math.tau
        for k in range(4):  # axis points the arc passes through
            angle = k * math.pi / 2
            if (angle - start) % math.tau <= span:
                xs.append(centre.x + radius * math.cos(angle))
                ys.append(centre.y + radius * math.sin(angle))
    return Measured(min(xs), min(ys), max(xs), max(ys), tuple(radii), tuple(centres))


def revision(fit: Fit) -> str:
    """A date-free revision: 8 hex digits of SHA-256 over the template bytes (the part's
    and its frame's) and the options (plate, coating, target)."""
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
    return f"{_mm(value)} {_signed('+', plus)}/{_signed('-', minus)}"


def dimension_texts(fit: Fit, m: Measured) -> dict[str, str]:
    """The width and height dimension texts: finished band, then the measured cut."""
    snap = fit.part.fit
    tol = snap.tolerance
    band = {"width": snap.cutout.width, "height": snap.cutout.height}
    cut = {"width": m.width, "height": m.height}
    return {
        axis: f"{tolerance_text(band[axis], tol, 0.0)}\\P"
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
    doc = _new_document(s)
    sheet = _Sheet(doc, s, m.centre, FRONT_BOX)
    msp = doc.modelspace()
    msp.add_lwpolyline(
        [(x, y, 0, 0, b) for x, y, b in contour],
        format="xyseb",
        close=True,
        dxfattribs={"layer": CUT_LAYER},
    )
    _front_view(msp, fit, m, sheet)
    _side_views(msp, fit, m, sheet)
    _notes(sheet, fit, m)
    _title_block(sheet, fit, s)
    x0, y0 = sheet.model(0, 0)
    x1, y1 = sheet.model(SHEET_W, SHEET_H)
    return doc, (x0, y0, x1, y1), s


def _new_document(s: float) -> Any:
    """An empty drawing document (mm) with geom's layers, linetype and dimension style."""
    doc = new_document()
    for name, colour in (
        (CUT_LAYER, 1),
        (DIM_LAYER, 5),
        (NOTES_LAYER, 5),
        (WARNING_LAYER, 30),
        (PLATE_LAYER, 8),
        (BODY_LAYER, 8),
    ):
        doc.layers.add(name, color=colour)
    doc.linetypes.add("CENTER", [2.0 / s, 1.25 / s, -0.25 / s, 0.25 / s, -0.25 / s])
    _dimstyle(doc, s)
    return doc


# --- sheet ------------------------------------------------------------------------------


class _Sheet:
    """Paper coordinates (mm on the A4 sheet) to model coordinates, and text helpers."""

    def __init__(
        self,
        doc: Any,
        scale: float,
        centre: tuple[float, float],
        front: tuple[float, float, float, float],
        drop: float = 4.0,
    ) -> None:
        self.doc, self.s = doc, scale
        self.msp = doc.modelspace()
        # The view's centre sits in the middle of its region, `drop` paper mm lower.
        fx, fy = (front[0] + front[2]) / 2, (front[1] + front[3]) / 2 - drop
        self.ox, self.oy = fx - centre[0] * scale, fy - centre[1] * scale

    def model(self, px: float, py: float) -> tuple[float, float]:
        return (px - self.ox) / self.s, (py - self.oy) / self.s

    def paper(self, x: float, y: float) -> tuple[float, float]:
        return x * self.s + self.ox, y * self.s + self.oy

    def text(
        self, text: str, px: float, py: float, height: float = TEXT_MM, layer: str = NOTES_LAYER
    ) -> None:
        self.msp.add_text(text, height=height / self.s, dxfattribs={"layer": layer}).set_placement(
            self.model(px, py)
        )

    def lines(self, lines: Sequence[str], px: float, top: float, height: float = TEXT_MM) -> float:
        """Left-aligned lines from `top` down; returns the paper y below the last line."""
        y = top
        for line in lines:
            y -= height * LINE_PITCH
            self.text(line, px, y + 0.3 * height, height)
        return y

    def rect(self, x0: float, y0: float, x1: float, y1: float, layer: str = NOTES_LAYER) -> None:
        pts = [self.model(x0, y0), self.model(x1, y0), self.model(x1, y1), self.model(x0, y1)]
        self.msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": layer})

    def line(self, x0: float, y0: float, x1: float, y1: float, layer: str = NOTES_LAYER) -> None:
        self.msp.add_line(self.model(x0, y0), self.model(x1, y1), dxfattribs={"layer": layer})


def _dimstyle(doc: Any, s: float) -> None:
    """Dimension style GEOM: mm, 2 decimals, 2.5 mm text on paper at scale `s`."""
    doc.dimstyles.new(
        "GEOM",
        dxfattribs={
            "dimscale": 1.0 / s,
            "dimtxt": TEXT_MM,
            "dimasz": 2.5,
            "dimexo": 1.0,
            "dimexe": 1.5,
            "dimgap": 0.8,
            "dimdec": 2,
            "dimlfac": 1.0,
            "dimtad": 1,
            "dimtih": 0,
            "dimtoh": 0,
            "dimzin": 0,
            "dimdsep": ord("."),
            "dimclrd": 256,
            "dimclre": 256,
            "dimclrt": 256,
        },
    )


# --- front view -------------------------------------------------------------------------


def _edge_point(contour_pts: list[tuple[float, float]], x: float | None, y: float | None) -> Vec2:
    """The contour vertex on the line x = `x` (or y = `y`) farthest up (or right)."""
    if x is not None:
        on = [p for p in contour_pts if math.isclose(p[0], x, abs_tol=1e-9)]
        return Vec2(max(on, key=lambda p: p[1])) if on else Vec2(x, 0)
    assert y is not None
    on = [p for p in contour_pts if math.isclose(p[1], y, abs_tol=1e-9)]
    return Vec2(max(on, key=lambda p: p[0])) if on else Vec2(0, y)


def _front_view(msp: Any, fit: Fit, m: Measured, sheet: _Sheet) -> None:
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
    if m.radii:
        # The radius dimension on the lower-left arc, away from the other dimensions.
        i = min(range(len(m.radii)), key=lambda k: sum(m.arc_centres[k]))
        equal = all(math.isclose(r, m.radii[i], abs_tol=1e-9) for r in m.radii)
        count = f"{len(m.radii)}x " if equal and len(m.radii) > 1 else ""
        msp.add_radius_dim(
            center=m.arc_centres[i],
            radius=m.radii[i],
            angle=225,
            text=f"{count}R{_mm(m.radii[i])}",
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
    sheet.text(f"FRONT VIEW (from the panel front)  {_scale_text(s)}", px, py - 14, HEADING_MM)


def _contour_points(msp: Any) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for pl in msp.query(f"LWPOLYLINE[layer=='{CUT_LAYER}']")
        for x, y, *_ in pl.get_points("xyb")
    ]


# --- side views -------------------------------------------------------------------------


def _side_extent(fit: Fit, m: Measured) -> tuple[float, float]:
    """Width and height (model mm) of one side view."""
    part, mount, snap = fit.part, fit.part.mount, fit.part.fit
    opening = m.width if snap.latch_axis == "width" else m.height
    width = max(opening + 2 * PLATE_STUB_MM, mount.width, snap.latch_span.max)
    depth = max(mount.depth, part.depth if part.frame else 0.0)
    return width, depth + fit.finished_plate.max


def _side_views(msp: Any, fit: Fit, m: Measured, sheet: _Sheet) -> None:
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
                f"SIDE VIEW, {label} plate  {_scale_text(s)}",
                f"finished plate t = {_mm(t)} mm; Z = 0: panel front",
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
    tip = snap.latch_span.nominal / 2
    if tip > collar:
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


# --- notes and title block ----------------------------------------------------------------


def _notes(sheet: _Sheet, fit: Fit, m: Measured) -> None:
    part, snap = fit.part, fit.part.fit
    mount = part.mount
    x0, _, x1, y1 = NOTES_BOX
    top = y1 - 2
    if not fit.ok:
        failing = ", ".join(c.name for c in fit.failures())
        top = _forced_box(sheet, x0, x1, top, f"written with --force; the fit fails: {failing}")
    if part.cut_assumed:
        fields = [f for f in part.assumed if f.split(":")[-1].startswith("cutout.")]
        top = _assumed_box(sheet, x0, x1, top, fields)
    punch = part.mount.info.get("punched_edge") or part.info.get("punched_edge")
    punch_text = (
        f"Punched cutouts: {punch.value} (data sheet {punch.source})"
        if punch is not None
        else PUNCH_NOTE[0].upper() + PUNCH_NOTE[1:]
    )
    tol = snap.tolerance
    via = f"Mounts through snap-in frame {mount.id}: the cut is the frame's. " if part.frame else ""
    notes = [
        f"{via}Finished opening (after coating): {tolerance_text(snap.cutout.width, tol, 0)} x "
        f"{tolerance_text(snap.cutout.height, tol, 0)} mm.",
        f"Cut as drawn: {_mm(m.width)} x {_mm(m.height)} mm, target {fit.target} of the band; "
        f"shop process {_signed('+', fit.process_plus)}/{_signed('-', fit.process_minus)} mm.",
        f"Corner radius as drawn R{_mm(max(m.radii, default=0.0))}; collar corner "
        f"R{_mm(snap.collar_corner_radius)} (a larger cut radius interferes).",
        f"Sheet {_mm(fit.sheet.min)} .. {_mm(fit.sheet.max)} mm"
        f"{'' if fit.sheet_given else ' (the sheets that grip)'}, coating "
        f"{_mm(fit.coating.min)} .. {_mm(fit.coating.max)} mm per face"
        f"{' (openings masked: edges bare)' if fit.conditions.masked else ''}; finished plate "
        f"{_mm(fit.finished_plate.min)} .. {_mm(fit.finished_plate.max)} mm "
        f"(grip range {_mm(snap.grip.min)} .. {_mm(snap.grip.max)} mm).",
        f"{punch_text}.",
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


def _title_block(sheet: _Sheet, fit: Fit, s: float) -> None:
    part = fit.part
    sheet.rect(BORDER, BORDER, SHEET_W - BORDER, SHEET_H - BORDER)
    x0, y0, x1, y1 = TITLE_BOX
    sheet.rect(x0, y0, x1, y1)
    sheet.line(x0, y1 - 12, x1, y1 - 12)
    sheet.text(f"CUTOUT {part.id}", x0 + 2, y1 - 6, HEADING_MM)
    subtitle = "dimensioned cutout drawing" + ("" if fit.ok else f", {FORCED_NOTE}")
    sheet.text(subtitle, x0 + 2, y1 - 10.5, TEXT_MM)
    poles = str(part.poles) if part.poles else "-"
    pitch = f"{_mm(part.pin_spacing)} mm" if part.pin_spacing else "-"
    rows = [
        *textwrap.wrap(part.name, WRAP),
        f"manufacturer {part.manufacturer}   kind {part.kind}",
        f"poles {poles}   pin spacing {pitch}"
        + (f"   via frame {part.frame.id}" if part.frame else ""),
        f"sheet {_mm(fit.sheet.min)} .. {_mm(fit.sheet.max)} mm   coating "
        f"{_mm(fit.coating.min)} .. {_mm(fit.coating.max)} mm",
        f"scale {_scale_text(s)}   sheet A4   units mm",
        f"revision {revision(fit)}   geom {__version__}",
    ]
    sheet.lines(rows, x0 + 2, y1 - 12.5)


# --- helpers ----------------------------------------------------------------------------


def _mm(value: float) -> str:
    """mm, 2 decimals, or 3 when the value needs them (a micrometre shows, float noise
    not); never `-0.00`."""
    return mm(value, _digits(value))


def _signed(sign: str, value: float) -> str:
    """A deviation as `+0.05` (digits as `_mm`), `0` when it shows as zero."""
    return deviation(sign, value, _digits(value))


def _digits(value: float) -> int:
    return 2 if math.isclose(round(value, 2), value, abs_tol=5e-7) else 3


def _scale_text(s: float) -> str:
    return f"{s:g}:1" if s >= 1 else f"1:{1 / s:g}"


# --- panel drawing ----------------------------------------------------------------------

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
    """Every closed LWPOLYLINE on layer CUT of a DXF file, as (x, y, bulge) vertices."""
    doc = ezdxf.readfile(path)
    polylines: Any = doc.modelspace().query(f"LWPOLYLINE[layer=='{CUT_LAYER}']")
    return [
        [(float(x), float(y), float(b)) for x, y, b in pl.get_points("xyb")]
        for pl in polylines
        if pl.closed
    ]


def dxf_notes(path: Path) -> list[str]:
    """The TEXT of every entity on layer NOTES of a DXF file."""
    doc = ezdxf.readfile(path)
    return [str(t.dxf.text) for t in doc.modelspace().query(f"TEXT[layer=='{NOTES_LAYER}']")]


def write_panel_drawing(panel: Any, panel_dxf: Path, bom_csv: Path, out_dir: Path) -> DrawingFiles:
    """Write `<name>-drawing.dxf` and `<name>-drawing.pdf` (one A3 page) for a panel.

    Everything measured is measured from the panel DXF as written (`panel_dxf`): the
    outline, each cutout (labelled C1.., with its part from the panel file) and each
    round hole (labelled H1.., in the hole table). The BOM is the `bom_csv` written by
    the panel job. `panel` is a geom.panel.Panel (names, parts, sheet, coating). A panel
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
    doc = _new_document(s)
    sheet = _Sheet(doc, s, om.centre, PANEL_VIEW, drop=-4.0)
    msp = doc.modelspace()
    for contour in contours:
        msp.add_lwpolyline(
            [(x, y, 0, 0, b) for x, y, b in contour],
            format="xyseb",
            close=True,
            dxfattribs={"layer": CUT_LAYER},
        )
    # Overall size below and left of the outline, measured from its contour.
    msp.add_linear_dim(
        base=(om.centre[0], om.y0 - 10.0 / s),
        p1=(om.x0, om.y0),
        p2=(om.x1, om.y0),
        text=_mm(om.width),
        dimstyle="GEOM",
        dxfattribs={"layer": DIM_LAYER},
    ).render()
    msp.add_linear_dim(
        base=(om.x0 - 10.0 / s, om.centre[1]),
        p1=(om.x0, om.y0),
        p2=(om.x0, om.y1),
        angle=90,
        text=_mm(om.height),
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
                _mm(cx),
                _mm(cy),
                f"{_mm(o.m.width)} x {_mm(o.m.height)}",
                _mm(radius),
            ]
        )
    hole_rows = []
    for i, o in enumerate(holes, 1):
        cx, cy = o.m.centre
        label = f"H{i}"
        px, py = sheet.paper(o.m.x1, o.m.y1)
        sheet.text(label, px + 0.5, py + 0.5, TEXT_MM)
        hole_rows.append([label, _mm(cx), _mm(cy), _mm(o.m.width)])
    px, py = sheet.paper(om.x0, om.y0)
    sheet.text(
        f"PANEL {panel.name}, front view, origin lower-left corner, Y up  {_scale_text(s)}",
        px,
        py - 22,
        HEADING_MM,
    )
    # Tables: cutouts and holes under the view, BOM and notes on the right.
    y = PANEL_VIEW[1] - 4
    y = _table(
        sheet,
        14.0,
        y,
        [("cutout", 16), ("part", 40), ("x", 20), ("y", 20), ("cut as drawn W x H", 40), ("R", 14)],
        cut_rows,
    )
    _table(
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
        top = _forced_box(sheet, x0, x1, top, detail)
    if any(p.part.cut_assumed for p in places):
        top = _assumed_box(
            sheet, x0, x1, top, sorted({p.part.id for p in places if p.part.cut_assumed})
        )
    bom_rows = [
        [r["part"], r["count"], textwrap.shorten(r["name"], 60, placeholder="...")] for r in bom
    ]
    top = _table(sheet, x0 + 2, top - 2, [("BOM: part", 34), ("qty", 10), ("name", 90)], bom_rows)
    notes = [
        f"Sheet {band(panel.sheet.min, panel.sheet.max, 2)} mm, coating "
        f"{band(panel.coating.min, panel.coating.max)} mm per face"
        f"{' (openings masked)' if panel.masked else ''}, {panel.process}, shop "
        f"+/-{mm(panel.shop.tolerance)} mm; layout rules "
        + ("FAIL (written with --force)." if forced else "hold."),
        f"{len(cuts)} cutouts, {len(holes)} holes, measured from {panel_dxf.name}.",
        f"DXF: {KERF_NOTE}; cut contours on layer CUT only.",
    ]
    if panel.process == "punch":
        notes.append(PUNCH_NOTE[0].upper() + PUNCH_NOTE[1:] + ".")
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
            f"{_mm(panel.width)} x {_mm(panel.height)} mm, corner R {_mm(panel.corner_radius)}",
            f"sheet {band(panel.sheet.min, panel.sheet.max, 2)} mm   {panel.process}",
            f"scale {_scale_text(s)}   sheet A3   units mm",
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


def _assumed_box(sheet: _Sheet, x0: float, x1: float, top: float, ids: Sequence[str]) -> float:
    """The ASSUMED warning box from `top` down; returns the paper y below it."""
    box_lines = ["ASSUMED", ASSUMED_NOTE, "before cutting. Assumed cut numbers:"]
    return _box(sheet, x0, x1, top, box_lines + textwrap.wrap(", ".join(ids), WRAP), WARNING_LAYER)


def _forced_box(sheet: _Sheet, x0: float, x1: float, top: float, detail: str) -> float:
    """The FORCED_NOTE box (on NOTES, as in the CAM DXFs) from `top` down; returns the
    paper y below it."""
    lines = textwrap.wrap(detail, WRAP, break_on_hyphens=False)
    return _box(sheet, x0, x1, top, [FORCED_NOTE, *lines], NOTES_LAYER)


def _box(
    sheet: _Sheet, x0: float, x1: float, top: float, box_lines: Sequence[str], layer: str
) -> float:
    """Lines in a double frame from `top` down (paper mm), the first at twice the text
    height; returns the paper y below the frame."""
    sizes = [2 * TEXT_MM] + [TEXT_MM] * (len(box_lines) - 1)
    height = sum(sizes) * LINE_PITCH + 3
    sheet.rect(x0 + 1, top - height, x1 - 1, top, layer)
    sheet.rect(x0 + 1.8, top - height + 0.8, x1 - 1.8, top - 0.8, layer)
    y = top - 1.5
    for line, size in zip(box_lines, sizes, strict=True):
        y -= size * LINE_PITCH
        sheet.text(line, x0 + 4, y + 0.3 * size, size, layer)
    return top - height - 3


def _table(
    sheet: _Sheet,
    x: float,
    top: float,
    columns: Sequence[tuple[str, float]],
    rows: Sequence[Sequence[str]],
) -> float:
    """A table of text cells (paper mm): a header, a rule, one line per row."""
    pitch = TEXT_MM * LINE_PITCH
    y = top - pitch
    xs = [x]
    for _, width in columns[:-1]:
        xs.append(xs[-1] + width)
    for cx, (title, _) in zip(xs, columns, strict=True):
        sheet.text(title, cx, y + 0.3 * TEXT_MM)
    width = sum(w for _, w in columns)
    sheet.line(x, y - 0.6, x + width, y - 0.6)
    for row in rows:
        y -= pitch
        for cx, cell in zip(xs, row, strict=True):
            sheet.text(cell, cx, y + 0.3 * TEXT_MM)
    return y - 2
