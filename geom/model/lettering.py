"""Text on a panel as geometry a shop can use: engraved as single strokes, printed as
closed outlines; never live text (pure Python, no CAD kernel). All sizes in mm.

- Engrave: the Hershey "Roman Simplex" single-stroke font (`futural`, the font CNC
  engraving has used since the 1960s; Hershey-Fonts package, MIT). Each stroke is an
  open polyline the cutter follows.
- Print: Open Sans Regular (ttf-opensans package, Apache 2.0), read with fontTools; each
  glyph contour flattened to a closed polygon (chords within `FLAT_MM` of the curve):
  UV print and silkscreen shops fill closed outlines.

`height` is the cap height: a capital letter stands `height` mm above the baseline. The
reference point (x, y) sits as in Schaeffer's Front Panel Designer ("Text engraving"):
horizontally on the left boundary of the first letter (`left`), the right boundary of the
last (`right`) or midway between (`center`); vertically on the baseline (`baseline`, the
default) or at half the cap height (`middle`). The text then turns by `rotation` degrees
(a multiple of 90) counter-clockwise about the reference point.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Process = Literal["engrave", "print"]
PROCESSES: tuple[Process, ...] = ("engrave", "print")
HORIZONTAL = ("left", "center", "right")
VERTICAL = ("baseline", "middle")
ALIGNS = tuple(f"{h} {v}" for v in VERTICAL for h in HORIZONTAL)
"""Every `align` value in full; "left" alone means "left baseline"."""
FLAT_MM = 0.01
"""Largest distance (mm) of a printed outline's chord from the glyph's curve."""
FIRST_CHAR, LAST_CHAR = 32, 126
"""The characters both fonts draw: printable ASCII, space to tilde."""

Point = tuple[float, float]
Path = tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Clearance:
    """The least distance (mm) text keeps from any opening, and where it comes from."""

    value: float
    source: str


CLEARANCES: dict[Process, Clearance] = {
    "engrave": Clearance(
        2.0,
        "assumed, verify with the shop: Schaeffer's Front Panel Designer warns that the "
        "in-fill paint of an engraving next to an opening runs into it",
    ),
    "print": Clearance(
        3.0,
        "Tayda Electronics, UV Printing Service File Preparation Guide: artwork 3 mm from holes",
    ),
}
"""The text clearance rule's default by process."""


@dataclass(frozen=True, slots=True)
class Legend:
    """The text an opening entry asks to have above it: its height and process."""

    text: str
    height: float
    process: Process


@dataclass(frozen=True, slots=True)
class Lettering:
    """One placed text and its geometry: open strokes (engrave) or closed outlines
    (print, each loop without its closing point repeated), in the face's frame (mm)."""

    entry: str
    text: str
    x: float
    y: float
    height: float
    rotation: int
    align: str
    process: Process
    paths: tuple[Path, ...]
    face: str = "base"

    @property
    def closed(self) -> bool:
        return self.process == "print"

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The ink's extent: x_min, y_min, x_max, y_max (mm)."""
        return _box(self.paths)


def letter(
    entry: str,
    text: str,
    x: float,
    y: float,
    height: float,
    *,
    rotation: int = 0,
    align: str = "left baseline",
    process: Process = "engrave",
    face: str = "base",
) -> Lettering:
    """`text` set at (x, y) with cap height `height` (mm), aligned and turned as the
    module says; a text of spaces only has no paths."""
    unit = strokes(text) if process == "engrave" else outlines(text)
    horizontal, vertical = ([*align.split(), "baseline"])[:2]
    paths: list[Path] = []
    if unit:
        x0, _, x1, _ = _box(unit)
        dx = {"left": -x0, "center": -(x0 + x1) / 2, "right": -x1}[horizontal]
        dy = -0.5 if vertical == "middle" else 0.0
        for path in unit:
            placed = (_turn((px + dx) * height, (py + dy) * height, rotation) for px, py in path)
            paths.append(tuple((x + u, y + v) for u, v in placed))
    return Lettering(entry, text, x, y, height, rotation, align, process, tuple(paths), face)


def moved(lettering: Lettering, dx: float, dy: float) -> Lettering:
    """The same text shifted by (dx, dy) mm."""
    paths = tuple(tuple((px + dx, py + dy) for px, py in path) for path in lettering.paths)
    t = lettering
    return Lettering(
        t.entry,
        t.text,
        t.x + dx,
        t.y + dy,
        t.height,
        t.rotation,
        t.align,
        t.process,
        paths,
        t.face,
    )


def drawable(text: str) -> str | None:
    """The first character neither font draws, None when all are printable ASCII."""
    return next((c for c in text if not FIRST_CHAR <= ord(c) <= LAST_CHAR), None)


def _turn(u: float, v: float, rotation: int) -> Point:
    """(u, v) turned counter-clockwise by a multiple of 90 degrees, exactly."""
    return {0: (u, v), 90: (-v, u), 180: (-u, -v), 270: (v, -u)}[rotation % 360]


def _box(paths: Sequence[Sequence[Point]]) -> tuple[float, float, float, float]:
    xs = [p[0] for path in paths for p in path]
    ys = [p[1] for path in paths for p in path]
    return min(xs), min(ys), max(xs), max(ys)


# --- the fonts, in units of the cap height (baseline y = 0, y up) ------------------------


def strokes(text: str) -> list[Path]:
    """The Hershey strokes of `text`: open polylines, consecutive repeats dropped."""
    font = _hershey()
    options = font.render_options
    base, cap = float(options["base_line"]), float(options["cap_line"])
    scale = 1.0 / (base - cap)  # Hershey's y runs down
    out: list[Path] = []
    for stroke in font.strokes_for_text(text):
        path = _distinct((float(px) * scale, (base - float(py)) * scale) for px, py in stroke)
        if len(path) >= 2:
            out.append(path)
    return out


def outlines(text: str) -> list[Path]:
    """The Open Sans outlines of `text`: closed polygons (the first point not repeated),
    glyph after glyph by their advance widths (no kerning)."""
    font, cap = _open_sans()
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    pen = _FlatPen(glyphs, FLAT_MM / 10.0 * cap)  # FLAT_MM at a 10 mm cap height, or finer
    for char in text:
        name = cmap.get(ord(char), ".notdef")
        glyphs[name].draw(pen)
        pen.advance += glyphs[name].width
    return [tuple((px / cap, py / cap) for px, py in loop) for loop in pen.loops]


def _distinct(points: Any) -> Path:
    out: list[Point] = []
    for p in points:
        if not out or p != out[-1]:
            out.append(p)
    return tuple(out)


@functools.cache
def _hershey() -> Any:
    from HersheyFonts import HersheyFonts

    font = HersheyFonts()
    font.load_default_font("futural")
    return font


@functools.cache
def _open_sans() -> tuple[Any, float]:
    """The font and its cap height (font units, from the OS/2 table)."""
    import ttf_opensans
    from fontTools.ttLib import TTFont

    font = TTFont(str(ttf_opensans.opensans().path), lazy=False)
    return font, float(font["OS/2"].sCapHeight)


class _FlatPen:
    """A fontTools segment pen that flattens quadratic and cubic curves into polygons
    (chord error at most `tolerance` font units), offset by `advance`."""

    def __init__(self, glyph_set: Any, tolerance: float) -> None:
        from fontTools.pens.basePen import decomposeQuadraticSegment

        self.glyph_set = glyph_set
        self.tolerance = tolerance
        self.advance = 0.0
        self.loops: list[Path] = []
        self._current: list[Point] = []
        self._decompose = decomposeQuadraticSegment

    def _at(self, p: Any) -> Point:
        return (float(p[0]) + self.advance, float(p[1]))

    def moveTo(self, p: Any) -> None:
        self._current = [self._at(p)]

    def lineTo(self, p: Any) -> None:
        self._current.append(self._at(p))

    def qCurveTo(self, *points: Any) -> None:
        if points[-1] is None:
            raise ValueError("a TrueType contour without on-curve points")
        start = self._current[-1]
        for control, end in self._decompose(points):
            c, e = self._at(control), self._at(end)
            self._curve(start, (c,), e)
            start = e

    def curveTo(self, *points: Any) -> None:
        a, b, e = (self._at(p) for p in points[-3:])
        self._curve(self._current[-1], (a, b), e)

    def _curve(self, start: Point, controls: tuple[Point, ...], end: Point) -> None:
        hull = max(_dist_to_chord(c, start, end) for c in controls)
        n = max(1, int(math.sqrt(hull / self.tolerance)) + 1)
        pts = (start, *controls, end)
        for k in range(1, n + 1):
            self._current.append(_bezier(pts, k / n))

    def closePath(self) -> None:
        loop = list(_distinct(self._current))
        if len(loop) > 1 and loop[0] == loop[-1]:
            loop.pop()
        if len(loop) >= 3:
            self.loops.append(tuple(loop))
        self._current = []

    def endPath(self) -> None:
        self.closePath()

    def addComponent(self, name: str, transform: Any) -> None:
        from fontTools.pens.transformPen import TransformPen

        self.glyph_set[name].draw(TransformPen(self, transform))


def _bezier(points: tuple[Point, ...], t: float) -> Point:
    """The point at `t` of a Bezier curve (de Casteljau)."""
    pts = list(points)
    while len(pts) > 1:
        pts = [
            (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in itertools.pairwise(pts)
        ]
    return pts[0]


def _dist_to_chord(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    return abs(dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / length
