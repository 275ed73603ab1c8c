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
