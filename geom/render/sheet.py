"""The drawing sheet both drawings share: the DXF document with its layers and dimension
style, the sheet of paper (text, frames, boxes, tables at paper mm), contour measurement,
and the number formats of dimensions. All sizes in mm: model space 1:1, paper mm scaled."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ezdxf.fonts import fonts
from ezdxf.math import Vec2, bulge_to_arc

from geom.dxf.layers import (
    BODY_LAYER,
    CUT_LAYER,
    DIM_LAYER,
    NOTES_LAYER,
    PLATE_LAYER,
    WARNING_LAYER,
)
from geom.dxf.writer import new_document
from geom.model.contour import Vertex
from geom.model.notes import FORCED_NOTE
from geom.model.units import deviation, mm

BORDER = 10.0


TEXT_MM = 2.5


HEADING_MM = 3.5


LINE_PITCH = 1.6


ASSUMED_NOTE = "ASSUMED - verify against the manufacturer's drawing"


WRAP = 54
"""Characters per line of 2.5 mm text in the 100 mm wide notes column."""


STANDARD_SCALES = (2.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01)
"""The drawing scales of ISO 5455 a drawing picks from, largest first (2:1 for small
panels; 1:1; then reductions)."""


Box = tuple[float, float, float, float]
"""A rectangle in paper mm: x0, y0, x1, y1."""


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


def fit_scale(width: float, height: float, region: Box, margin: float) -> float:
    """The largest of STANDARD_SCALES at which a width x height view (mm) and `margin`
    paper mm around it (its dimensions) fit `region` (paper mm); the smallest when none
    does."""
    w, h = region[2] - region[0], region[3] - region[1]
    fits = (k for k in STANDARD_SCALES if width * k + margin <= w and height * k + margin <= h)
    return next(fits, STANDARD_SCALES[-1])


def text_width(text: str, height: float = TEXT_MM) -> float:
    """The width (paper mm) of `text` drawn `height` mm high (cap height) in the font the
    drawing is rendered with (ezdxf's default): wider than the PDF's searchable text."""
    return float(fonts.make_font("", height).text_width(text))


def fit_text(text: str, width: float, height: float = TEXT_MM) -> str:
    """`text`, or as much of it as fits `width` paper mm with "..." after it."""
    if text_width(text, height) <= width:
        return text
    while text and text_width(text + "...", height) > width:
        text = text[:-1]
    return text + "..."


def text_extent(px: float, py: float, text: str, height: float = TEXT_MM) -> Box:
    """The paper box a text at baseline (px, py) covers: its width, from below its
    descenders to above its capitals (mm)."""
    return px, py - 0.45 * height, px + text_width(text, height), py + 1.45 * height


def lettering_box(sheet: Sheet, box: Box) -> Box:
    """A lettering's ink extent (model mm) on the paper (mm)."""
    x0, y0 = sheet.paper(box[0], box[1])
    x1, y1 = sheet.paper(box[2], box[3])
    return x0, y0, x1, y1


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Placer:
    """Places labels where they cross no text and no drawn geometry (paper mm): the first
    free one of candidate positions around the labelled box, ring by ring outward; a
    label moved off its box gets a leader line. Deterministic: the same labels in the
    same order land in the same places."""

    GAP = 0.8
    """Paper mm between a label and its box."""
    RINGS = (0.0, 3.0, 6.0, 10.0, 15.0, 22.0, 30.0)
    """How far (paper mm) each ring of candidates lies beyond the first."""

    CELL = 10.0
    """Paper mm of one cell of the index of taken boxes (each box listed in every cell it
    touches, so a candidate is tested against its neighbours only, not every label)."""

    def __init__(self, sheet: Sheet, obstacles: Sequence[Box], region: Box) -> None:
        self.sheet, self.region = sheet, region
        self.cells: dict[tuple[int, int], list[Box]] = {}
        for box in obstacles:
            self.take(box)

    def _span(self, box: Box) -> list[tuple[int, int]]:
        c = self.CELL
        i0, i1 = math.floor(box[0] / c), math.floor(box[2] / c)
        j0, j1 = math.floor(box[1] / c), math.floor(box[3] / c)
        return [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]

    def take(self, box: Box) -> None:
        """Mark `box` (paper mm) as taken: no label goes there."""
        for cell in self._span(box):
            self.cells.setdefault(cell, []).append(box)

    def place(self, text: str, box: Box, height: float = TEXT_MM) -> tuple[float, float]:
        """Draw `text` near `box` (paper mm) in the first free place; returns its
        baseline start. When no candidate is free, the first of the last ring."""
        w = text_width(text, height)
        x0, y0, x1, y1 = box
        g = self.GAP
        first: tuple[float, float] | None = None
        for ring in self.RINGS:
            d = g + ring
            cy = (y0 + y1) / 2 - 0.5 * height
            cx = (x0 + x1) / 2 - w / 2
            for px, py in (
                (x0, y1 + d + 0.45 * height),  # above, left-aligned
                (x1 + d, y1 + d * 0.5),  # up and right
                (x1 + d, cy),  # right
                (x0 - d - w, cy),  # left
                (cx, y0 - d - 1.45 * height),  # below
                (cx, y1 + d + 0.45 * height),  # above, centred
                (x0 - d - w, y1 + d * 0.5),  # up and left
                (x1 + d, y0 - d - 1.45 * height),  # down and right
            ):
                here = text_extent(px, py, text, height)
                if first is None and ring == self.RINGS[-1]:
                    first = (px, py)
                if self._free(here):
                    self._draw(text, px, py, height, box, ring > 0)
                    return px, py
        assert first is not None
        self._draw(text, *first, height, box, True)
        return first

    def _free(self, here: Box) -> bool:
        rx0, ry0, rx1, ry1 = self.region
        inside = rx0 <= here[0] and here[2] <= rx1 and ry0 <= here[1] and here[3] <= ry1
        if not inside:
            return False
        near = (self.cells.get(cell, ()) for cell in self._span(here))
        return not any(overlaps(here, t) for boxes in near for t in boxes)

    def _draw(self, text: str, px: float, py: float, height: float, box: Box, leader: bool) -> None:
        here = text_extent(px, py, text, height)
        self.take(here)
        self.sheet.text(text, px, py, height)
        if leader:  # from the text's nearest edge point to the box's nearest point
            tx = min(max((box[0] + box[2]) / 2, here[0]), here[2])
            ty = min(max((box[1] + box[3]) / 2, here[1]), here[3])
            bx, by = min(max(tx, box[0]), box[2]), min(max(ty, box[1]), box[3])
            self.sheet.line(tx, ty, bx, by)


def sheet_document(s: float) -> Any:
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


class Sheet:
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


def dim_band(low: float, high: float) -> str:
    """`low .. high` as `dim_mm` writes each, or one value when both ends read the same."""
    first, last = dim_mm(low), dim_mm(high)
    return first if first == last else f"{first} .. {last}"


def dim_mm(value: float) -> str:
    """mm, 2 decimals, or 3 when the value needs them (a micrometre shows, float noise
    not); never `-0.00`."""
    return mm(value, _digits(value))


def signed_mm(sign: str, value: float) -> str:
    """A deviation as `+0.05` (digits as `dim_mm`), `0` when it shows as zero."""
    return deviation(sign, value, _digits(value))


def _digits(value: float) -> int:
    return 2 if math.isclose(round(value, 2), value, abs_tol=5e-7) else 3


def scale_text(s: float) -> str:
    return f"{s:g}:1" if s >= 1 else f"1:{1 / s:g}"


def assumed_box(sheet: Sheet, x0: float, x1: float, top: float, ids: Sequence[str]) -> float:
    """The ASSUMED warning box from `top` down; returns the paper y below it."""
    box_lines = ["ASSUMED", ASSUMED_NOTE, "before cutting. Assumed cut numbers:"]
    return text_box(
        sheet, x0, x1, top, box_lines + textwrap.wrap(", ".join(ids), WRAP), WARNING_LAYER
    )


def forced_box(sheet: Sheet, x0: float, x1: float, top: float, detail: str) -> float:
    """The FORCED_NOTE box (on NOTES, as in the CAM DXFs) from `top` down; returns the
    paper y below it."""
    lines = textwrap.wrap(detail, WRAP, break_on_hyphens=False)
    return text_box(sheet, x0, x1, top, [FORCED_NOTE, *lines], NOTES_LAYER)


def text_box(
    sheet: Sheet, x0: float, x1: float, top: float, box_lines: Sequence[str], layer: str
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


def text_table(
    sheet: Sheet,
    x: float,
    top: float,
    columns: Sequence[tuple[str, float]],
    rows: Sequence[Sequence[str]],
) -> float:
    """A table of text cells (paper mm): a header, a rule, one line per row; a cell
    wider than its column is cut short with "..."."""
    pitch = TEXT_MM * LINE_PITCH
    y = top - pitch
    xs = [x]
    for _, width in columns[:-1]:
        xs.append(xs[-1] + width)
    for cx, (title, w) in zip(xs, columns, strict=True):
        sheet.text(fit_text(title, w - 1), cx, y + 0.3 * TEXT_MM)
    width = sum(w for _, w in columns)
    sheet.line(x, y - 0.3, x + width, y - 0.3)  # clear of the text boxes above and below
    for row in rows:
        y -= pitch
        spill = not any(row[1:])  # a lone first cell (a "... more" row) runs on
        widths = [width] if spill else [w for _, w in columns]
        for cx, cell, w in zip(xs, row, widths, strict=False):
            sheet.text(fit_text(cell, w - 1), cx, y + 0.3 * TEXT_MM)
    return y - 2
