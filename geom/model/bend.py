"""Bent sheet metal as numbers (mm, degrees): bend allowance, blank lengths, the flat
pattern's outline, bend zones and bend lines, each face's 2D frame in the flat pattern
and in 3D. No CAD kernel here: geom.dxf.flat draws the flat pattern and geom.cad.folded
builds the folded solid, both from these numbers.

The part: a rectangular base W x H (outside dimensions of the folded part), sheet s,
and up to one flange per edge ("bottom", "right", "top", "left"). A flange's `height` is
its outside length, measured (as DIN 6935 measures a and b) from the base's outside
edge to the flange's free edge; `angle` A is the bend angle (90 for a right angle; the
opening angle between the legs is beta = 180 - A); the inside radius is r.

Bend allowance (DIN 6935): k = 0.65 + 0.5 lg(r / s), k = 1 for r / s > 5. DIN's k places
the neutral fibre k s / 2 from the inside face; the ANSI / CAD K-factor places it K s
from the inside face, so K = k / 2 (PTC Creo Elements/Direct, "Neutral sheet - ANSI vs
DIN"). The blank length is L = a + b + v with (Tabellenbuch Metall, DIN 6935):

    beta 0 .. 90:    v = pi (180 - beta) / 180 (r + s k / 2) - 2 (r + s)
    beta 90 .. 165:  v = pi (180 - beta) / 180 (r + s k / 2) - 2 (r + s) tan((180 - beta) / 2)
    beta 165 .. 180: v = 0 (DIN's table; with a given K-factor the formula holds throughout)

Both are `bend allowance - 2 x setback`, the setback being the distance from the bend's
outside edge (the outline) to the line where the bend starts: (r + s) tan(A / 2) for
A <= 90, r + s beyond. So in the flat pattern each bend is a strip `developed = v + 2
setback` wide, starting `setback` inside the outline; a flange point `y` from the
outline (in the folded part) lies `y + v` outside the outline in the flat pattern.

Placement convention: the base's front face Z = 0, the base in -s <= Z <= 0, its outside
lower-left corner at X = Y = 0 (as a flat panel). "up" bends toward the front (+Z),
"down" toward the back (-Z). Every face's front is the front face of the base, continued
round the bends, and parts' bodies go behind it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from geom.model.contour import MIN_FEATURE_MM, QUARTER_BULGE, Vertex

Edge = Literal["bottom", "right", "top", "left"]
EDGES: tuple[Edge, ...] = ("bottom", "right", "top", "left")
"""Counter-clockwise round the base, starting at the bottom edge."""
BASE = "base"
"""The face name of the base; a flange's face is named by its edge."""
Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, ...] = ("up", "down")
ReliefShape = Literal["square", "round"]
RELIEF_SHAPES: tuple[ReliefShape, ...] = ("square", "round")
Convention = Literal["DIN 6935 k", "K-factor (ANSI)"]

DIN_K_SOURCE = "DIN 6935: k = 0.65 + 0.5 lg(r/s), k = 1 for r/s > 5 (Tabellenbuch Metall)"
MIN_DIN_RATIO = 10**-1.3
"""r / s below this gives DIN 6935 a negative k (k = 0 at r / s = 0.050)."""
DIN_FLAT_BETA = 165.0
"""Opening angles from here to 180 degrees: v = 0 in DIN 6935's table."""
RADIUS_SOURCE = (
    "default r = t: air bending with a die opening of 6 to 8 t gives an inside radius "
    "near t (Amada bending guide)"
)

Vec = npt.NDArray[np.float64]


def din_k(radius: float, sheet: float) -> float:
    """DIN 6935's correction factor k for inside radius r and sheet s (mm)."""
    ratio = radius / sheet
    return 1.0 if ratio > 5 else 0.65 + 0.5 * math.log10(ratio)


def setback(angle: float, radius: float, sheet: float) -> float:
    """Outline to the start of the bend (mm): (r + s) tan(A / 2) for A <= 90 degrees, else
    r + s (where DIN 6935 measures the outside length for an acute opening angle)."""
    if angle <= 90.0:  # tan(A / 2) as sin A / (1 + cos A): exactly 1 at 90 degrees
        a = math.radians(angle)
        return (radius + sheet) * math.sin(a) / (1 + math.cos(a))
    return radius + sheet


def allowance(angle: float, radius: float, sheet: float, k_ansi: float) -> float:
    """The neutral fibre's length through the bend (mm): pi A / 180 (r + K s)."""
    return math.pi * angle / 180.0 * (radius + k_ansi * sheet)


def compensation(
    angle: float, radius: float, sheet: float, k_ansi: float, *, din_table: bool
) -> float:
    """DIN 6935's v (mm, negative for a real bend): allowance - 2 setback, or 0 for an
    opening angle of 165 degrees and more when `din_table`."""
    if din_table and 180.0 - angle >= DIN_FLAT_BETA:
        return 0.0
    return allowance(angle, radius, sheet, k_ansi) - 2 * setback(angle, radius, sheet)


@dataclass(frozen=True, slots=True)
class Factor:
    """Where the neutral fibre lies, in both conventions, and which one was given."""

    convention: Convention
    """What the user gave (or the DIN default): the number a report leads with."""
    k_din: float
    """DIN 6935 k: neutral fibre k s / 2 from the inside face."""
    k_ansi: float
    """ANSI / CAD K-factor: neutral fibre K s from the inside face; K = k / 2."""
    source: str


def din_factor(radius: float, sheet: float) -> Factor:
    k = din_k(radius, sheet)
    return Factor("DIN 6935 k", k, k / 2, DIN_K_SOURCE)


def ansi_factor(k_ansi: float, source: str) -> Factor:
    return Factor("K-factor (ANSI)", 2 * k_ansi, k_ansi, source)


@dataclass(frozen=True, slots=True)
class Flange:
    """One flange: its edge, outside height (mm), bend angle (degrees), direction, inside
    radius (mm, and where it comes from), the neutral fibre and the sheet (mm)."""

    edge: Edge
    height: float
    angle: float
    direction: Direction
    radius: float
    radius_source: str
    factor: Factor
    sheet: float

    @property
    def opening_angle(self) -> float:
        return 180.0 - self.angle

    @property
    def setback(self) -> float:
        return setback(self.angle, self.radius, self.sheet)

    @property
    def allowance(self) -> float:
        """Neutral fibre length through the bend (mm), the CAD tools' bend allowance."""
        return allowance(self.angle, self.radius, self.sheet, self.factor.k_ansi)

    @property
    def v(self) -> float:
        """DIN 6935's v for this bend (mm)."""
        din = self.factor.convention == "DIN 6935 k"
        return compensation(self.angle, self.radius, self.sheet, self.factor.k_ansi, din_table=din)

    @property
    def developed(self) -> float:
        """The bend zone's width in the flat pattern (mm): v + 2 setback."""
        return self.v + 2 * self.setback

    @property
    def sign(self) -> float:
        """+1 bending toward the front (+Z), -1 toward the back."""
        return 1.0 if self.direction == "up" else -1.0


@dataclass(frozen=True, slots=True)
class Relief:
    """Corner relief where two flanges meet: the notch reaches `size` mm past both bend
    zones into the base; "square" keeps its corner square, "round" rounds it with
    radius `size`."""

    shape: ReliefShape
    size: float
    source: str

    @property
    def reach(self) -> float:
        """The size as drawn (mm): under MIN_FEATURE_MM it is 0, never a sub-micron step."""
        return self.size if self.size >= MIN_FEATURE_MM else 0.0


@dataclass(frozen=True, slots=True)
class Frame2:
    """A flange's frame on the base's plane: origin (the left end of its edge, seen from
    the front with the flange unfolded and pointing up), `d` along the edge, `n` outward."""

    origin: tuple[float, float]
    d: tuple[float, float]
    n: tuple[float, float]
    length: float


@dataclass(frozen=True, slots=True)
class Frame3:
    """A face's frame in the folded part: face point (x, y) at depth z (front face z = 0,
    the sheet in -s <= z <= 0) lies at origin + x ax + y ay + z az (mm)."""

    origin: Vec
    ax: Vec
    ay: Vec
    az: Vec

    def point(self, x: float, y: float, z: float = 0.0) -> Vec:
        return self.origin + x * self.ax + y * self.ay + z * self.az


@dataclass(frozen=True, slots=True)
class Box3:
    """An oriented box: centre, unit axes (rows) and half sizes along them (mm)."""

    centre: Vec
    axes: Vec
    half: Vec


def box_in(frame: Frame3, x0: float, y0: float, z0: float, x1: float, y1: float, z1: float) -> Box3:
    """The box x0..x1, y0..y1, z0..z1 of a face's frame, in the folded part."""
    centre = frame.point((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2)
    axes = np.array([frame.ax, frame.ay, frame.az])
    return Box3(centre, axes, np.array([(x1 - x0) / 2, (y1 - y0) / 2, (z1 - z0) / 2]))


def penetration(a: Box3, b: Box3) -> float:
    """How deep two oriented boxes overlap (mm): the smallest overlap of their projections
    on the 15 separating axes; <= 0 when they are apart or touch (exact for boxes)."""
    axes = [*a.axes, *b.axes]
    for u in a.axes:
        for w in b.axes:
            c = np.cross(u, w)
            norm = float(np.linalg.norm(c))
            if norm > 1e-9:
                axes.append(c / norm)
    gap = b.centre - a.centre
    depth = math.inf
    for axis in axes:
        ra = float(np.sum(a.half * np.abs(a.axes @ axis)))
        rb = float(np.sum(b.half * np.abs(b.axes @ axis)))
        depth = min(depth, ra + rb - abs(float(gap @ axis)))
        if depth <= 0:
            return depth
    return depth


_FRAMES: dict[Edge, tuple[tuple[float, float], tuple[float, float]]] = {
    "bottom": ((0.0, -1.0), (-1.0, 0.0)),
    "right": ((1.0, 0.0), (0.0, -1.0)),
    "top": ((0.0, 1.0), (1.0, 0.0)),
    "left": ((-1.0, 0.0), (0.0, 1.0)),
}
"""Outward normal n and along-edge direction d (n turned clockwise) per edge."""
_NEIGHBOURS: dict[Edge, tuple[Edge, Edge]] = {
    "bottom": ("right", "left"),
    "right": ("top", "bottom"),
    "top": ("left", "right"),
    "left": ("bottom", "top"),
}
"""The edges at a flange frame's x = 0 end and at its far end."""
_CORNERS: tuple[tuple[Edge, Edge, tuple[int, int], tuple[float, float]], ...] = (
    ("left", "bottom", (0, 0), (1.0, 0.0)),
    ("bottom", "right", (1, 0), (0.0, 1.0)),
    ("right", "top", (1, 1), (-1.0, 0.0)),
    ("top", "left", (0, 1), (0.0, -1.0)),
)
"""Counter-clockwise: the edge arriving at the corner, the edge leaving it, the corner
(0 or 1 times W, H) and the leaving direction."""


@dataclass(frozen=True, slots=True)
class _Corner:
    """A corner of the outline at (x, y): p runs along the edge leaving it (direction
    `t_out`), q along the edge arriving at it, backwards (`t_out` turned left)."""

    x: float
    y: float
    t_out: tuple[float, float]

    def __call__(self, p: float, q: float, bulge: float = 0.0) -> Vertex:
        (ox, oy), (ix, iy) = self.t_out, (-self.t_out[1], self.t_out[0])
        return (self.x + p * ox + q * ix, self.y + p * oy + q * iy, bulge)


@dataclass(frozen=True)
class SheetMetal:
    """A rectangular base W x H (mm, outside) of sheet s with flanges and corner reliefs."""

    width: float
    height: float
    sheet: float
    flanges: tuple[Flange, ...]
    """At most one per edge, in EDGES order."""
    relief: Relief

    def flange(self, edge: str) -> Flange | None:
        return next((f for f in self.flanges if f.edge == edge), None)

    @property
    def faces(self) -> tuple[str, ...]:
        return (BASE, *(f.edge for f in self.flanges))

    def frame2(self, edge: Edge) -> Frame2:
        n, d = _FRAMES[edge]
        w, h = self.width, self.height
        origin = {"bottom": (w, 0.0), "right": (w, h), "top": (0.0, h), "left": (0.0, 0.0)}
        length = w if edge in ("bottom", "top") else h
        return Frame2(origin[edge], d, n, length)

    def _inset(self, edge: Edge) -> float:
        """How far the base's flat region stays inside the outline at `edge` (mm)."""
        f = self.flange(edge)
        return 0.0 if f is None else f.setback

    def span(self, edge: Edge) -> tuple[float, float]:
        """The flange's (and its bend's) extent along its edge, in its frame's x (mm): the
        whole edge, less at each end where a neighbour flange is: its setback and the
        relief."""
        first, last = _NEIGHBOURS[edge]
        length = self.frame2(edge).length
        x0 = 0.0 if self.flange(first) is None else self._inset(first) + self.relief.reach
        x1 = length if self.flange(last) is None else length - self._inset(last) - self.relief.reach
        return x0, x1

    def face_rect(self, face: str) -> tuple[float, float, float, float]:
        """The face's extent in its own frame (x0, y0, x1, y1; mm): the base's outline,
        or a flange's span from the outline (y = 0) to its free edge."""
        if face == BASE:
            return 0.0, 0.0, self.width, self.height
        f = self._must(face)
        x0, x1 = self.span(f.edge)
        return x0, 0.0, x1, f.height

    def _must(self, face: str) -> Flange:
        f = self.flange(face)
        if f is None:
            raise ValueError(f"no flange on the {face} edge")
        return f

    # --- the flat pattern ---------------------------------------------------------------

    def to_flat(self, face: str, x: float, y: float) -> tuple[float, float]:
        """A face point (its own frame, mm) in the flat pattern (the base's frame)."""
        if face == BASE:
            return x, y
        f = self._must(face)
        fr = self.frame2(f.edge)
        out = y + f.v
        return (
            fr.origin[0] + x * fr.d[0] + out * fr.n[0],
            fr.origin[1] + x * fr.d[1] + out * fr.n[1],
        )

    def turn(self, face: str) -> int:
        """Degrees counter-clockwise from the base's frame to the face's frame in the flat
        pattern (0, 90, 180 or 270)."""
        if face == BASE:
            return 0
        d = self.frame2(self._must(face).edge).d
        return round(math.degrees(math.atan2(d[1], d[0]))) % 360

    def bend_zone(self, edge: Edge) -> tuple[float, float, float, float]:
        """The bend's strip in the flat pattern (x0, y0, x1, y1; mm)."""
        f = self._must(edge)
        a, b = self.span(edge)
        fr = self.frame2(edge)
        ends = [self._at(fr, u, w) for u in (a, b) for w in (-f.setback, f.developed - f.setback)]
        xs, ys = [p[0] for p in ends], [p[1] for p in ends]
        return min(xs), min(ys), max(xs), max(ys)

    def bend_line(self, edge: Edge) -> tuple[tuple[float, float], tuple[float, float]]:
        """The bend's centre line in the flat pattern (mm), along the bend."""
        f = self._must(edge)
        a, b = self.span(edge)
        fr = self.frame2(edge)
        w = f.developed / 2 - f.setback
        return self._at(fr, a, w), self._at(fr, b, w)

    @staticmethod
    def _at(fr: Frame2, u: float, w: float) -> tuple[float, float]:
        """u along the edge, w outward from the outline (mm)."""
        return fr.origin[0] + u * fr.d[0] + w * fr.n[0], fr.origin[1] + u * fr.d[1] + w * fr.n[1]

    def relief_corners(self) -> int:
        """How many corners of the blank carry a relief notch: two flanges meet there and
        the relief reaches past 0 mm."""
        if self.relief.reach <= 0:
            return 0
        return sum(
            self.flange(arriving) is not None and self.flange(leaving) is not None
            for arriving, leaving, _, _ in _CORNERS
        )

    def outline(self) -> list[Vertex]:
        """The blank's outline in the flat pattern, counter-clockwise, with the corner
        reliefs (mm)."""
        out: list[Vertex] = []
        for arriving, leaving, corner, t_out in _CORNERS:
            at = _Corner(corner[0] * self.width, corner[1] * self.height, t_out)
            f_in, f_out = self.flange(arriving), self.flange(leaving)
            if f_in is None and f_out is None:
                out.append(at(0.0, 0.0))
            elif f_out is None:
                assert f_in is not None
                out.append(at(-(f_in.height + f_in.v), 0.0))
            elif f_in is None:
                out.append(at(0.0, -(f_out.height + f_out.v)))
            else:
                a, b, e = f_in.setback, f_out.setback, self.relief.reach
                out.append(at(-(f_in.height + f_in.v), b + e))
                if self.relief.shape == "round" and e > 0:
                    out += [at(a, b + e, -QUARTER_BULGE), at(a + e, b)]
                else:
                    out.append(at(a + e, b + e))
                out.append(at(a + e, -(f_out.height + f_out.v)))
        return out

    def base_region(self) -> list[Vertex]:
        """The base's flat region (between its bends) with the reliefs, counter-clockwise,
        in the base's frame (mm)."""
        out: list[Vertex] = []
        for arriving, leaving, corner, t_out in _CORNERS:
            at = _Corner(corner[0] * self.width, corner[1] * self.height, t_out)
            a, b, e = self._inset(arriving), self._inset(leaving), self.relief.reach
            both = self.flange(arriving) is not None and self.flange(leaving) is not None
            if both and e > 0 and self.relief.shape == "round":
                out += [at(a, b + e, -QUARTER_BULGE), at(a + e, b)]
            elif both and e > 0:
                out += [at(a, b + e), at(a + e, b + e), at(a + e, b)]
            else:
                out.append(at(a, b))
        return out

    def flange_region(self, edge: Edge) -> tuple[float, float, float, float]:
        """The flange's flat region in its own frame (x0, y0, x1, y1; mm): its span, from
        the end of the bend to the free edge."""
        f = self._must(edge)
        a, b = self.span(edge)
        return a, f.setback, b, f.height

    # --- the folded part ----------------------------------------------------------------

    def frame3(self, face: str) -> Frame3:
        """The face's frame in the folded part (valid on its flat region: y >= setback on
        a flange)."""
        if face == BASE:
            return Frame3(
                np.zeros(3), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0])
            )
        f = self._must(face)
        fr = self.frame2(f.edge)
        n = np.array([fr.n[0], fr.n[1], 0.0])
        d = np.array([fr.d[0], fr.d[1], 0.0])
        z = np.array([0.0, 0.0, 1.0])
        a = math.radians(f.angle)
        ay = math.cos(a) * n + f.sign * math.sin(a) * z
        az = np.cross(d, ay)
        w, h = self._arc_end(f)
        start = np.array([fr.origin[0], fr.origin[1], 0.0]) - f.setback * n
        origin = start + w * n + h * z - f.setback * ay
        return Frame3(origin, d, ay, az)

    def _axis_offset(self, f: Flange) -> float:
        """The bend axis's Z (mm): r in front of the front face (up), r behind the back
        face (down)."""
        return f.radius if f.direction == "up" else -(self.sheet + f.radius)

    def _arc_end(self, f: Flange) -> tuple[float, float]:
        """Where the front face leaves the bend, from where it enters it: outward and in Z
        (mm)."""
        za = self._axis_offset(f)
        theta = f.sign * math.radians(f.angle)
        return za * math.sin(theta), za * (1 - math.cos(theta))

    def bend_axis(self, edge: Edge) -> tuple[Vec, Vec, float]:
        """The bend's axis (a point at the span's start, its direction) and the turn about
        it (radians, right-handed), which carries the base's end section, the rectangle
        along the span at the bend's start through -s <= Z <= 0, onto the flange's."""
        f = self._must(edge)
        fr = self.frame2(edge)
        a, _ = self.span(edge)
        n = np.array([fr.n[0], fr.n[1], 0.0])
        d = np.array([fr.d[0], fr.d[1], 0.0])
        start = np.array([fr.origin[0], fr.origin[1], 0.0]) + a * d - f.setback * n
        return start + np.array([0.0, 0.0, self._axis_offset(f)]), d, f.sign * math.radians(f.angle)

    def bend_start(self, edge: Edge) -> Vec:
        """The point where the bend starts on the front face, at the span's start (mm)."""
        f = self._must(edge)
        fr = self.frame2(edge)
        a, _ = self.span(edge)
        n = np.array([fr.n[0], fr.n[1], 0.0])
        d = np.array([fr.d[0], fr.d[1], 0.0])
        return np.array([fr.origin[0], fr.origin[1], 0.0]) + a * d - f.setback * n

    def bend_box(self, edge: Edge) -> Box3:
        """A box round the bend's sector in the folded part (exact in its cross-section)."""
        f = self._must(edge)
        fr = self.frame2(edge)
        a, b = self.span(edge)
        za = self._axis_offset(f)
        start = 90.0 if za < 0 else -90.0
        end = start + f.sign * f.angle
        lo, hi = min(start, end), max(start, end)
        angles = [lo, hi] + [q for q in range(-360, 361, 90) if lo < q < hi]
        ws: list[float] = []
        zs: list[float] = []
        for radius in (f.radius, f.radius + self.sheet):
            for deg in angles:
                ws.append(radius * math.cos(math.radians(deg)))
                zs.append(za + radius * math.sin(math.radians(deg)))
        n = np.array([fr.n[0], fr.n[1], 0.0])
        d = np.array([fr.d[0], fr.d[1], 0.0])
        z = np.array([0.0, 0.0, 1.0])
        origin = np.array([fr.origin[0], fr.origin[1], 0.0]) - f.setback * n
        frame = Frame3(origin, d, n, z)
        return box_in(frame, a, min(ws), min(zs), b, max(ws), max(zs))

    def section(self, first: Edge, last: Edge) -> list[Vertex]:
        """The folded part cut through the middle of the base across two opposite edges
        ("bottom", "top": in the (Y, Z) plane; "left", "right": in (X, Z)), a closed
        contour with the bends as true arcs (mm), flanges or not."""
        across_x = first in ("bottom", "top")
        a, b = (1, 2) if across_x else (0, 2)
        front = [*_reverse(self._run(first, 0.0, a, b)), *self._run(last, 0.0, a, b)]
        back = [*_reverse(self._run(last, -self.sheet, a, b)), *self._run(first, -self.sheet, a, b)]
        return front + back

    def _run(self, edge: Edge, depth: float, a: int, b: int) -> list[Vertex]:
        """From where the base's face at `depth` (0 front, -s back) meets the edge's bend
        (or the outline) out to the flange's free edge: (coordinate a, coordinate b, bulge
        to the next point) at the middle of the edge; the last bulge 0."""
        fr = self.frame2(edge)
        mid = fr.length / 2
        f = self.flange(edge)
        inset = 0.0 if f is None else f.setback
        start = (
            fr.origin[0] + mid * fr.d[0] - inset * fr.n[0],
            fr.origin[1] + mid * fr.d[1] - inset * fr.n[1],
            depth,
        )
        if f is None:
            return [(start[a], start[b], 0.0)]
        # The bend turns by sign x A in the (outward, Z) plane; seen in the section's
        # plane that is mirrored where outward runs against its first axis.
        mirrored = (fr.n[0] + fr.n[1]) < 0
        bulge = math.tan(f.sign * math.radians(f.angle) / 4) * (-1 if mirrored else 1)
        frame = self.frame3(edge)
        end = frame.point(mid, f.setback, depth)
        free = frame.point(mid, f.height, depth)
        return [
            (start[a], start[b], bulge),
            (float(end[a]), float(end[b]), 0.0),
            (float(free[a]), float(free[b]), 0.0),
        ]

    def sheet_boxes(self) -> Iterator[tuple[str, Box3]]:
        """The folded part as boxes: the base's flat region, each bend, each flange's flat
        region (name, box)."""
        s = self.sheet
        xs = [v[0] for v in self.base_region()]
        ys = [v[1] for v in self.base_region()]
        yield BASE, box_in(self.frame3(BASE), min(xs), min(ys), -s, max(xs), max(ys), 0.0)
        for f in self.flanges:
            yield f"bend {f.edge}", self.bend_box(f.edge)
            x0, y0, x1, y1 = self.flange_region(f.edge)
            yield f.edge, box_in(self.frame3(f.edge), x0, y0, -s, x1, y1, 0.0)


def _reverse(run: list[Vertex]) -> list[Vertex]:
    """A run of vertices (bulge to the next) travelled the other way; the last bulge 0."""
    points = [(x, y) for x, y, _ in reversed(run)]
    bulges = [-b for _, _, b in reversed(run[:-1])]
    return [(x, y, bulge) for (x, y), bulge in zip(points, [*bulges, 0.0], strict=True)]


def bend_notes(flanges: Sequence[Flange]) -> list[str]:
    """One line per bend: edge, direction, angle, radius, K in both conventions, allowance."""
    return [
        f"bend {f.edge}: {f.direction.upper()} {f.angle:g} deg, R {f.radius:g} mm, "
        f"K {f.factor.k_ansi:.4f} (ANSI) = k {f.factor.k_din:.4f} (DIN 6935), "
        f"BA {f.allowance:.3f} mm, v {f.v:.3f} mm"
        for f in flanges
    ]
