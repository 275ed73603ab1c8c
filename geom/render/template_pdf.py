"""The 1:1 drilling template, `<name>-template.pdf`: each face (a panel, a panel's flat
pattern, a face of an enclosure) at exactly 1:1 on A4 portrait pages (1 mm = 72 / 25.4
pt, vector paths), read from the face's DXF as written: its outline (the largest closed
contour on CUT or REFERENCE), the openings to cut (CUT) in red, the openings already in an
enclosure's face (REFERENCE) dashed grey, a centre-punch cross at every opening's centre
with its diameter (a round hole) or its extents W x H (any other opening, drawn as its
contour), the face's name, a horizontal and a vertical 100 mm ruler and the words
"print at 100 % (no scaling)" on every page; `FIT FAILS - forced` when the DXF says so.

A face larger than the drawing window is tiled: pages overlap by OVERLAP_MM, and every
seam carries alignment marks (a circle and cross at the middle of the overlap, the same
model point on both pages) and dashed lines at the overlap's edges. Same input, same
bytes (no dates, a fixed ID). Sizes in mm on the page unless named _pt."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ezdxf
import pymupdf

from geom.data.atomic import write_bytes
from geom.dxf.layers import CUT_LAYER, REFERENCE_LAYER
from geom.model.contour import Vertex, bounds, circle_of
from geom.model.notes import FORCED_NOTE
from geom.model.units import mm
from geom.output import OutputSet
from geom.render.panel_drawing import dxf_notes, read_layer
from geom.render.preview import pdf_bytes
from geom.version import __version__

PT = 72 / 25.4
"""PDF points per mm: the template's one scale."""
PAGE = (210.0, 297.0)
"""A4 portrait (ISO 216), mm."""
WINDOW = (24.0, 34.0, 200.0, 270.0)
"""The drawing window on the page: left, top, right, bottom (mm from the top-left
corner); 10 mm margins leave room for most printers' unprintable edge."""
OVERLAP_MM = 15.0
"""How far neighbouring tiles overlap."""
PAD_MM = 4.0
"""Room around the face's outline inside the window."""
RULER_MM = 100.0
RULER_H = (WINDOW[0], 281.0)
"""The horizontal ruler's left end (mm on the page)."""
RULER_V = (14.0, WINDOW[1])
"""The vertical ruler's top end (mm on the page)."""
CROSS_MM = 3.0
"""How far a centre-punch cross reaches past its opening."""
MARK_MM = 3.0
"""Radius of an alignment mark's circle."""
TEXT_MM = 2.5
TITLE_MM = 5.0
PRINT_NOTE = "print at 100 % (no scaling)"
CHECK_NOTE = "both rulers must measure 100 mm; centre-punch each cross, then drill"

Colour = tuple[float, float, float]
OUTLINE = (0.0, 0.0, 0.0)
CUT = (0.85, 0.0, 0.0)
EXISTING = (0.55, 0.55, 0.55)
MARKS = (0.0, 0.2, 0.8)
RULER = (0.0, 0.0, 0.0)
LINE_MM = 0.25


@dataclass(frozen=True, slots=True)
class TemplateFace:
    """One face to draw: its name on the page and its DXF as written."""

    title: str
    dxf: Path
    letter: str | None = None
    """A box's face (A to E): drawn on the unfolded box's page too."""


@dataclass(frozen=True, slots=True)
class _Face:
    title: str
    letter: str | None
    outline: list[Vertex]
    cut: list[list[Vertex]]
    existing: list[list[Vertex]]
    forced: bool

    @property
    def box(self) -> tuple[float, float, float, float]:
        return bounds(self.outline)


def template_name(stem: str) -> str:
    return f"{stem}-template.pdf"


def write_template(out_dir: Path, stem: str, faces: Sequence[TemplateFace]) -> Path:
    """Write `<stem>-template.pdf` into `out_dir`: every face's pages in order, after
    the unfolded box when the faces are a box's (lettered)."""
    read = [_read(f) for f in faces]
    pages = [(face, tile) for face in read for tile in _tiles(face)]
    net = {f.letter: f for f in read if f.letter is not None}
    doc = pymupdf.open()  # type: ignore[no-untyped-call]
    doc.set_metadata(
        {
            "title": f"{stem}: 1:1 drilling template",
            "creator": f"geom {__version__}",
            "producer": f"PyMuPDF {pymupdf.VersionBind}",
            "creationDate": "",
            "modDate": "",
        }
    )
    count = len(pages) + (1 if net else 0)
    if net:
        _net_page(doc, stem, net, f"page 1 of {count}")
    for k, (face, tile) in enumerate(pages, start=count - len(pages) + 1):
        _page(doc, face, tile, f"page {k} of {count}")
    return write_bytes(out_dir / template_name(stem), pdf_bytes(doc))


def face_templates(outputs: OutputSet, stem: str, faces: Sequence[TemplateFace]) -> Path | None:
    """The template of `faces` (their final DXF paths) whose DXFs `outputs` staged:
    staged beside them, its final path returned; None when no DXF was written (withheld).
    Its name is claimed either way (an earlier run's template must not pass for this)."""
    outputs.claim(template_name(stem))
    if not faces:
        return None
    staged = [TemplateFace(f.title, outputs.staged(f.dxf), f.letter) for f in faces]
    return outputs.final(write_template(outputs.dir, stem, staged))


def _read(face: TemplateFace) -> _Face:
    doc = ezdxf.readfile(face.dxf)
    cut = [c for c, _ in read_layer(doc, CUT_LAYER)]
    reference = [c for c, _ in read_layer(doc, REFERENCE_LAYER)]

    def area(c: list[Vertex]) -> float:
        x0, y0, x1, y1 = bounds(c)
        return (x1 - x0) * (y1 - y0)

    outline = max([*cut, *reference], key=area)
    return _Face(
        face.title,
        face.letter,
        outline,
        [c for c in cut if c is not outline],
        [c for c in reference if c is not outline],
        FORCED_NOTE in dxf_notes(doc),
    )


# --- tiles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tile:
    x0: float
    """The model point at the window's left edge (mm)."""
    y0: float
    """The model point at the window's bottom edge (mm)."""
    column: int
    row: int
    columns: int
    rows: int
    seams_x: tuple[float, ...]
    """Model x of the middle of every vertical overlap of the face's tiles (mm)."""
    seams_y: tuple[float, ...]


def _span(low: float, high: float, window: float) -> tuple[float, int]:
    """The first tile's start and the count of tiles covering low .. high (padded)."""
    extent = high - low + 2 * PAD_MM
    n = 1 if extent <= window else math.ceil((extent - window) / (window - OVERLAP_MM)) + 1
    covered = (n - 1) * (window - OVERLAP_MM) + window
    return (low + high) / 2 - covered / 2, n


def _tiles(face: _Face) -> list[_Tile]:
    """The face's tiles, rows top to bottom, each left to right."""
    x0, y0, x1, y1 = face.box
    width, height = WINDOW[2] - WINDOW[0], WINDOW[3] - WINDOW[1]
    sx, nx = _span(x0, x1, width)
    sy, ny = _span(y0, y1, height)
    step_x, step_y = width - OVERLAP_MM, height - OVERLAP_MM
    seams_x = tuple(sx + i * step_x + OVERLAP_MM / 2 for i in range(1, nx))
    seams_y = tuple(sy + j * step_y + OVERLAP_MM / 2 for j in range(1, ny))
    return [
        _Tile(sx + i * step_x, sy + j * step_y, i, ny - 1 - j, nx, ny, seams_x, seams_y)
        for j in reversed(range(ny))
        for i in range(nx)
    ]


# --- drawing ----------------------------------------------------------------------------


class _Pen:
    """Model mm (Y up) to page points (Y down) on one tile."""

    scale = 1.0

    def __init__(self, tile: _Tile) -> None:
        self.tile = tile

    def point(self, x: float, y: float) -> Any:
        return _at(WINDOW[0] + (x - self.tile.x0), WINDOW[3] - (y - self.tile.y0))


def _at(x: float, y: float) -> Any:
    """The page point `x`, `y` mm from the page's top-left corner."""
    return pymupdf.Point(x * PT, y * PT)  # type: ignore[no-untyped-call]


def _page(doc: Any, face: _Face, tile: _Tile, numbered: str) -> None:
    page = doc.new_page(-1, PAGE[0] * PT, PAGE[1] * PT)
    pen = _Pen(tile)
    shape = page.new_shape()
    _contour(shape, pen, face.outline)
    shape.finish(width=LINE_MM * PT, color=OUTLINE, closePath=True)
    for contour in face.existing:
        if _on_tile(contour, tile):
            _contour(shape, pen, contour)
            shape.finish(width=LINE_MM * PT, color=EXISTING, dashes="[2 2] 0", closePath=True)
    for contour in face.cut:
        if _on_tile(contour, tile):
            _opening(shape, pen, contour)
    _seams(shape, pen, tile)
    # Clip the face to the window: what lies outside is on a neighbouring tile.
    left, top, right, bottom = (v * PT for v in WINDOW)
    clip = f"q {left:g} {PAGE[1] * PT - bottom:g} {right - left:g} {bottom - top:g} re W n\n"
    shape.totalcont = clip + shape.totalcont + shape.text_cont + "\nQ\n"
    shape.text_cont = ""
    shape.commit()
    _face_furniture(page, face, tile, numbered)


MARK_REACH_MM = 30.0
"""How far an opening's cross and size text reach past its contour, at most (mm)."""


def _on_tile(contour: Sequence[Vertex], tile: _Tile) -> bool:
    """Whether any of an opening (its contour, cross and size, `MARK_REACH_MM` around it)
    can show in the tile's window: what cannot is not drawn on that page (the clip would
    hide it; a 1000-opening panel's 55 pages each drew all 1000)."""
    x0, y0, x1, y1 = bounds(contour)
    right = tile.x0 + WINDOW[2] - WINDOW[0]
    top = tile.y0 + WINDOW[3] - WINDOW[1]
    reach = MARK_REACH_MM
    return x1 + reach > tile.x0 and x0 - reach < right and y1 + reach > tile.y0 and y0 - reach < top


def _contour(shape: Any, pen: _Pen | _NetPen, contour: Sequence[Vertex]) -> None:
    """A closed contour of lines and bulge arcs (arcs as cubic Beziers, 90 degrees at
    most each)."""
    n = len(contour)
    for i, (x0, y0, bulge) in enumerate(contour):
        x1, y1, _ = contour[(i + 1) % n]
        if bulge == 0.0:
            shape.draw_line(pen.point(x0, y0), pen.point(x1, y1))
            continue
        theta = 4 * math.atan(bulge)
        chord = math.hypot(x1 - x0, y1 - y0)
        r = chord / (2 * math.sin(abs(theta) / 2))
        h = chord / 2 / math.tan(theta / 2)
        cx = (x0 + x1) / 2 - h * (y1 - y0) / chord
        cy = (y0 + y1) / 2 + h * (x1 - x0) / chord
        a = math.atan2(y0 - cy, x0 - cx)
        pieces = max(1, math.ceil(abs(theta) / (math.pi / 2) - 1e-9))
        phi = theta / pieces
        k = 4 / 3 * math.tan(phi / 4)
        for _ in range(pieces):
            b = a + phi
            p0 = (cx + r * math.cos(a), cy + r * math.sin(a))
            p3 = (cx + r * math.cos(b), cy + r * math.sin(b))
            p1 = (p0[0] - k * r * math.sin(a), p0[1] + k * r * math.cos(a))
            p2 = (p3[0] + k * r * math.sin(b), p3[1] - k * r * math.cos(b))
            shape.draw_bezier(pen.point(*p0), pen.point(*p1), pen.point(*p2), pen.point(*p3))
            a = b


def _opening(shape: Any, pen: _Pen | _NetPen, contour: list[Vertex], sized: bool = True) -> None:
    """An opening to cut, its centre-punch cross and (`sized`) its size."""
    found = circle_of(contour)
    if found is not None:
        x, y, r = found
        shape.draw_circle(pen.point(x, y), r * pen.scale * PT)
        reach, label = r, f"\u00d8{mm(2 * r, 2)}"
    else:
        _contour(shape, pen, contour)
        x0, y0, x1, y1 = bounds(contour)
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        reach, label = max(x1 - x0, y1 - y0) / 2, f"{mm(x1 - x0, 2)} x {mm(y1 - y0, 2)}"
    shape.finish(width=LINE_MM * PT, color=CUT, closePath=found is None)
    arm = reach + CROSS_MM
    shape.draw_line(pen.point(x - arm, y), pen.point(x + arm, y))
    shape.draw_line(pen.point(x, y - arm), pen.point(x, y + arm))
    shape.finish(width=0.15 * PT, color=MARKS, closePath=False)
    if not sized:
        return
    corner = reach * math.sqrt(0.5) + 1.0
    at = pen.point(x + corner, y + corner)
    shape.insert_text(at, label, fontsize=TEXT_MM * PT, color=MARKS)


def _seams(shape: Any, pen: _Pen, tile: _Tile) -> None:
    """Alignment marks at the middle of every overlap this tile shares with a neighbour,
    at the same model points on both pages, and the overlap's edges dashed."""
    width, height = WINDOW[2] - WINDOW[0], WINDOW[3] - WINDOW[1]
    left, bottom = tile.x0, tile.y0
    right, top = left + width, bottom + height
    marks = []
    for sx in tile.seams_x:
        if left < sx < right:
            marks += [(sx, bottom + f * height) for f in (0.1, 0.5, 0.9)]
            for edge in (sx - OVERLAP_MM / 2, sx + OVERLAP_MM / 2):
                shape.draw_line(pen.point(edge, bottom), pen.point(edge, top))
    for sy in tile.seams_y:
        if bottom < sy < top:
            marks += [(left + f * width, sy) for f in (0.1, 0.5, 0.9)]
            for edge in (sy - OVERLAP_MM / 2, sy + OVERLAP_MM / 2):
                shape.draw_line(pen.point(left, edge), pen.point(right, edge))
    if tile.seams_x or tile.seams_y:
        shape.finish(width=0.1 * PT, color=MARKS, dashes="[1 2] 0", closePath=False)
    for x, y in marks:
        shape.draw_circle(pen.point(x, y), MARK_MM * PT)
        shape.draw_line(pen.point(x - 2 * MARK_MM, y), pen.point(x + 2 * MARK_MM, y))
        shape.draw_line(pen.point(x, y - 2 * MARK_MM), pen.point(x, y + 2 * MARK_MM))
        shape.finish(width=0.15 * PT, color=MARKS, closePath=False)


# --- the unfolded box ------------------------------------------------------------------

NET = {
    "A": (0, 0, 0.0),
    "B": (0, 1, 180.0),
    "C": (-1, 0, -90.0),
    "D": (0, -1, 0.0),
    "E": (1, 0, 90.0),
}
"""Where each face of a box lies in its net (column and row from A, the row upward) and
how far it turns (degrees counter-clockwise): each side's edge at A toward A, as the
faces' frames have it (docs/boxes.md)."""
NET_SCALES = (1.0, 0.5, 0.4, 0.25, 0.2, 0.1)
"""The net's scales, largest first (ISO 5455's reductions)."""
NET_GAP_MM = 2.0
"""Paper between neighbouring faces of the net."""


class _NetPen:
    """A face's frame to the net's page: about its bounding box's centre, turned,
    scaled, centred at `at` (mm from the page's top-left corner)."""

    def __init__(self, face: _Face, turn: float, scale: float, at: tuple[float, float]) -> None:
        x0, y0, x1, y1 = face.box
        self.centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        self.cos, self.sin = math.cos(math.radians(turn)), math.sin(math.radians(turn))
        self.scale = scale
        self.at = at

    def point(self, x: float, y: float) -> Any:
        dx, dy = x - self.centre[0], y - self.centre[1]
        rx, ry = dx * self.cos - dy * self.sin, dx * self.sin + dy * self.cos
        return _at(self.at[0] + rx * self.scale, self.at[1] - ry * self.scale)


def _net_page(doc: Any, stem: str, faces: dict[str, _Face], numbered: str) -> None:
    """The box unfolded, seen from outside: B above A, D below, C left, E right, every
    face's outline and openings (crosses, no sizes) at one scale that fits the window."""

    def extent(letter: str) -> tuple[float, float]:
        """The face's width and height on the page before scaling (0 when absent)."""
        if letter not in faces:
            return 0.0, 0.0
        x0, y0, x1, y1 = faces[letter].box
        turned = NET[letter][2] in (90.0, -90.0)
        return (y1 - y0, x1 - x0) if turned else (x1 - x0, y1 - y0)

    (wa, ha), (_, hb), (wc, _), (_, hd), (we, _) = (extent(k) for k in "ABCDE")
    width = wc + wa + we + 2 * NET_GAP_MM
    height = hb + ha + hd + 2 * NET_GAP_MM
    room = (WINDOW[2] - WINDOW[0], WINDOW[3] - WINDOW[1])
    scale = next((s for s in NET_SCALES if width * s <= room[0] and height * s <= room[1]), 0.05)
    # A's centre: the net centred in the window.
    ax = (WINDOW[0] + WINDOW[2]) / 2 + (wc - we) / 2 * scale
    ay = (WINDOW[1] + WINDOW[3]) / 2 + (hb - hd) / 2 * scale
    page = doc.new_page(-1, PAGE[0] * PT, PAGE[1] * PT)
    shape = page.new_shape()
    for letter, face in sorted(faces.items()):
        column, row, turn = NET[letter]
        w, h = extent(letter)
        dx = column * ((wa + w) / 2 + NET_GAP_MM)
        dy = row * ((ha + h) / 2 + NET_GAP_MM)
        at = (ax + dx * scale, ay - dy * scale)
        pen = _NetPen(face, turn, scale, at)
        _contour(shape, pen, face.outline)
        shape.finish(width=LINE_MM * PT, color=OUTLINE, closePath=True)
        for contour in face.existing:
            _contour(shape, pen, contour)
            shape.finish(width=LINE_MM * PT, color=EXISTING, dashes="[2 2] 0", closePath=True)
        for contour in face.cut:
            _opening(shape, pen, contour, sized=False)
        size = min(TITLE_MM * 2, h * scale / 2)
        corner = _at(at[0] - w * scale / 2 + 1.0, at[1] - h * scale / 2 + size + 0.5)
        shape.insert_text(corner, letter, fontsize=size * PT, color=EXISTING)
    shape.commit()
    ratio = f"1:{mm(1 / scale, 0)}" if scale < 1 else "1:1"
    header = (
        f"{stem}: the box unfolded, seen from outside",
        f"faces A to E at {ratio}, {numbered}: an overview; drill from the 1:1 pages that follow",
    )
    _furniture(page, header, any(f.forced for f in faces.values()))


def _face_furniture(page: Any, face: _Face, tile: _Tile, numbered: str) -> None:
    """A face's page: its title, its size and place among the tiles, the rest as every
    page has it."""
    x0, y0, x1, y1 = face.box
    placed = (
        f", row {tile.row + 1} of {tile.rows}, column {tile.column + 1} of {tile.columns}: "
        f"overlap {mm(OVERLAP_MM, 0)} mm, align the marks"
        if tile.rows * tile.columns > 1
        else ""
    )
    header = (face.title, f"{mm(x1 - x0, 2)} x {mm(y1 - y0, 2)} mm, 1:1, {numbered}{placed}")
    _furniture(page, header, face.forced)


def _furniture(page: Any, header: tuple[str, str], forced: bool) -> None:
    """The title and a line under it, the printing note, the rulers; `FIT FAILS -
    forced` when `forced`."""
    shape = page.new_shape()

    def text(
        x: float, y: float, words: str, size: float = TEXT_MM, colour: Colour = OUTLINE
    ) -> None:
        shape.insert_text(_at(x, y), words, fontsize=size * PT, color=colour)

    text(10.0, 16.0, header[0], TITLE_MM)
    text(10.0, 22.0, header[1])
    text(10.0, 28.0, f"{PRINT_NOTE}: {CHECK_NOTE}", TEXT_MM)
    if forced:
        text(120.0, 16.0, FORCED_NOTE, TITLE_MM * 0.8, CUT)
    # The rulers: each one line of exactly RULER_MM, ticks every 10 mm apart from it.
    hx, hy = RULER_H
    vx, vy = RULER_V
    shape.draw_line(_at(hx, hy), _at(hx + RULER_MM, hy))
    shape.finish(width=0.2 * PT, color=RULER, closePath=False)
    shape.draw_line(_at(vx, vy), _at(vx, vy + RULER_MM))
    shape.finish(width=0.2 * PT, color=RULER, closePath=False)
    for i in range(11):
        tick = 3.0 if i % 5 == 0 else 1.5
        d = i * RULER_MM / 10
        shape.draw_line(_at(hx + d, hy), _at(hx + d, hy + tick))
        shape.draw_line(_at(vx, vy + d), _at(vx - tick, vy + d))
    shape.finish(width=0.1 * PT, color=RULER, closePath=False)
    text(hx + RULER_MM + 3.0, hy + 2.5, "100 mm")
    text(vx - 3.0, vy + RULER_MM + 5.0, "100 mm")
    text(10.0, 291.0, PRINT_NOTE, TEXT_MM * 1.4)
    shape.commit()
