"""Closed 2D contours as polyline vertices with bulges: what a DXF LWPOLYLINE holds.

A vertex is (x, y, bulge): the bulge is tan(angle / 4) of the arc from this vertex to the
next (0 for a straight segment, > 0 counter-clockwise). Contours run counter-clockwise,
close back to their first vertex and never hold a zero-length segment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, cast

from geom.errors import InputError

Vertex = tuple[float, float, float]

QUARTER_BULGE = math.tan(math.pi / 8)
"""Bulge of a 90 degree counter-clockwise arc."""
MIN_FEATURE_MM = 1e-6
"""The DXF lint's join tolerance (geom.dxf.lint.TOL_MM): a corner radius within this of 0
or of half the shorter side is drawn as exactly that, never as a sub-micron segment."""
CIRCLE_TOL_MM = 1e-7
"""How far the arcs of a full circle may disagree on its centre and radius (mm)."""


def rounded_rect(
    width: float,
    height: float,
    radius: float,
    x: float = 0.0,
    y: float = 0.0,
    rotation: int = 0,
) -> list[Vertex]:
    """A rectangle centred on (x, y), corners rounded by `radius`, turned by `rotation`
    degrees (a multiple of 90). Arcs are true bulge arcs, never polygons. A radius within
    `MIN_FEATURE_MM` of 0 or of half the shorter side is snapped to it (moves < 1e-6 mm)."""
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90 degrees, got {rotation}")
    if (rotation // 90) % 2:
        width, height = height, width
    hw, hh = width / 2, height / 2
    r = min(radius, hw, hh)
    if r < MIN_FEATURE_MM:
        r = 0.0
    elif min(hw, hh) - r < MIN_FEATURE_MM:
        r = min(hw, hh)  # a slot: no straight of length under 2 * MIN_FEATURE_MM
    if r <= 0:
        return [
            (x + hw, y - hh, 0.0),
            (x + hw, y + hh, 0.0),
            (x - hw, y + hh, 0.0),
            (x - hw, y - hh, 0.0),
        ]
    # Counter-clockwise from the lower edge; each corner is a line end then a quarter arc.
    raw = [
        (x + hw - r, y - hh, QUARTER_BULGE),
        (x + hw, y - hh + r, 0.0),
        (x + hw, y + hh - r, QUARTER_BULGE),
        (x + hw - r, y + hh, 0.0),
        (x - hw + r, y + hh, QUARTER_BULGE),
        (x - hw, y + hh - r, 0.0),
        (x - hw, y - hh + r, QUARTER_BULGE),
        (x - hw + r, y - hh, 0.0),
    ]
    return _drop_zero_segments(raw)


def circle(diameter: float, x: float = 0.0, y: float = 0.0) -> list[Vertex]:
    """A circle as two half-circle bulge arcs (bulge 1)."""
    r = diameter / 2
    return [(x + r, y, 1.0), (x - r, y, 1.0)]


def _drop_zero_segments(vertices: list[Vertex]) -> list[Vertex]:
    """Merge vertices that coincide with the next one (a slot's straight of length 0)."""
    out: list[Vertex] = []
    n = len(vertices)
    for i, (vx, vy, bulge) in enumerate(vertices):
        nx, ny, _ = vertices[(i + 1) % n]
        if math.isclose(vx, nx, abs_tol=1e-12) and math.isclose(vy, ny, abs_tol=1e-12):
            continue  # the next vertex starts at the same point: this segment has length 0
        out.append((vx, vy, bulge))
    return out


@dataclass(frozen=True, slots=True)
class Line:
    """A straight segment from `start` to `end` (x, y in mm)."""

    start: tuple[float, float]
    end: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Arc:
    """A circular arc, counter-clockwise from `start_angle` to `end_angle` (degrees, 0 along
    +X) about `centre` (x, y in mm) with `radius` (mm); `start` and `end` are its end points."""

    centre: tuple[float, float]
    radius: float
    start_angle: float
    end_angle: float
    start: tuple[float, float]
    end: tuple[float, float]


def segments(contour: list[Vertex]) -> list[Line | Arc]:
    """The closed `contour` as lines and true arcs, in its own order (counter-clockwise)."""
    out: list[Line | Arc] = []
    n = len(contour)
    for i, (x0, y0, bulge) in enumerate(contour):
        x1, y1, _ = contour[(i + 1) % n]
        if bulge == 0:
            out.append(Line((x0, y0), (x1, y1)))
            continue
        sweep = 4 * math.atan(bulge)  # radians, > 0 counter-clockwise
        chord = math.hypot(x1 - x0, y1 - y0)
        radius = chord / (2 * abs(math.sin(sweep / 2)))
        # centre: from the chord's midpoint along its left normal (for a ccw arc)
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        offset = radius * math.cos(sweep / 2) * (1 if bulge > 0 else -1)
        nx, ny = -(y1 - y0) / chord, (x1 - x0) / chord
        cx, cy = mx + nx * offset, my + ny * offset
        a0 = _degrees(math.atan2(y0 - cy, x0 - cx))
        a1 = _degrees(math.atan2(y1 - cy, x1 - cx))
        if bulge < 0:  # a clockwise arc is the counter-clockwise one from end to start
            out.append(Arc((cx, cy), radius, a1, a0, (x1, y1), (x0, y0)))
        else:
            out.append(Arc((cx, cy), radius, a0, a1, (x0, y0), (x1, y1)))
    return out


def inner_corner(contour: Sequence[Vertex]) -> float:
    """The tightest corner a cutter inside the opening `contour` must follow (mm): the
    smallest radius of the arcs that bend towards the opening's inside (its rounded
    corners; a circle's own radius), 0 at a sharp corner whose inside angle is under
    180 degrees (a cutter cannot reach into it). Reflex corners and arcs that bend away
    (a notch's mouth) a cutter follows at any radius. Either orientation."""
    n = len(contour)
    area = 0.0  # twice the signed area: the polygon's, plus each arc's circular segment
    for i, (x0, y0, bulge) in enumerate(contour):
        x1, y1, _ = contour[(i + 1) % n]
        area += x0 * y1 - x1 * y0
        if bulge:
            sweep = abs(4 * math.atan(bulge))
            r = math.hypot(x1 - x0, y1 - y0) / (2 * math.sin(sweep / 2))
            area += math.copysign(r * r * (sweep - math.sin(sweep)), bulge)
    turn = 1.0 if area > 0 else -1.0  # counter-clockwise: the inside is on the left
    tangents: list[tuple[float, float, float, float]] = []  # start and end direction
    best = math.inf
    for i, (x0, y0, bulge) in enumerate(contour):
        x1, y1, _ = contour[(i + 1) % n]
        chord = math.atan2(y1 - y0, x1 - x0)
        sweep = 4 * math.atan(bulge)
        tangents.append((chord - sweep / 2, 0.0, chord + sweep / 2, 0.0))
        if bulge and bulge * turn > 0:
            length = math.hypot(x1 - x0, y1 - y0)
            best = min(best, length / (2 * abs(math.sin(sweep / 2))))
    for i in range(n):
        before, after = tangents[i - 1][2], tangents[i][0]
        bend = math.atan2(math.sin(after - before), math.cos(after - before))
        if bend * turn > 1e-6:  # a sharp turn towards the inside
            return 0.0
    return best


def _degrees(angle: float) -> float:
    """`angle` (radians) in degrees in [0, 360), float noise at 360 taken as 0."""
    deg = math.degrees(angle) % 360.0
    return 0.0 if deg > 360.0 - 1e-9 else deg


# --- cutout shapes ----------------------------------------------------------------------
#
# Every shape is drawn centred on its origin before any rotation. Its toleranced sizes
# (`SIZES`) are what a fit grows by its offset (the cut) and checks band by band; its
# other fields (corner radii, angles, counts) stay as given.


def circle_of(contour: Sequence[Vertex]) -> tuple[float, float, float] | None:
    """(x, y, radius) when `contour` is a full circle, else None: the writers turn such a
    contour into one CIRCLE. A full circle is two half arcs of bulge 1 as `circle` draws
    it, or any closed run of arcs turning one way about one centre with one radius
    (within CIRCLE_TOL_MM) that sweeps one turn, such as the quarters of a round hole read
    from a STEP face (then the centre and radius are the arcs' mean)."""
    if len(contour) == 2 and all(b == 1.0 for _, _, b in contour):
        (x0, y0, _), (x1, y1, _) = contour
        return (x0 + x1) / 2, (y0 + y1) / 2, math.hypot(x1 - x0, y1 - y0) / 2
    if len(contour) < 2 or not (
        all(b > 0 for _, _, b in contour) or all(b < 0 for _, _, b in contour)
    ):
        return None
    sweep = sum(4 * math.atan(abs(b)) for _, _, b in contour)
    if abs(sweep - 2 * math.pi) > 1e-9:
        return None
    arcs = [s for s in segments(list(contour)) if isinstance(s, Arc)]
    n = len(arcs)
    cx = sum(a.centre[0] for a in arcs) / n
    cy = sum(a.centre[1] for a in arcs) / n
    r = sum(a.radius for a in arcs) / n
    if any(
        math.hypot(a.centre[0] - cx, a.centre[1] - cy) > CIRCLE_TOL_MM
        or abs(a.radius - r) > CIRCLE_TOL_MM
        for a in arcs
    ):
        return None
    return cx, cy, r


def placed(contour: Sequence[Vertex], x: float, y: float, rotation: float) -> list[Vertex]:
    """`contour` turned by `rotation` degrees counter-clockwise about its origin, then
    moved to (x, y). Quarter turns are exact (no float noise from cos/sin)."""
    quarter = {0: (1.0, 0.0), 90: (0.0, 1.0), 180: (-1.0, 0.0), 270: (0.0, -1.0)}
    turn = rotation % 360
    c, s = quarter.get(int(turn), (0.0, 0.0)) if float(turn).is_integer() else (0.0, 0.0)
    if (c, s) == (0.0, 0.0):
        c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    return [(x + c * vx - s * vy + 0.0, y + s * vx + c * vy + 0.0, b) for vx, vy, b in contour]


def bounds(contour: Sequence[Vertex]) -> tuple[float, float, float, float]:
    """(x_min, y_min, x_max, y_max) of a closed bulge contour, arcs included (mm)."""
    xs = [v[0] for v in contour]
    ys = [v[1] for v in contour]
    for seg in segments(list(contour)):
        if isinstance(seg, Arc):
            span = (seg.end_angle - seg.start_angle) % 360.0 or 360.0
            for k in range(4):
                if (90.0 * k - seg.start_angle) % 360.0 <= span:
                    xs.append(seg.centre[0] + seg.radius * math.cos(math.radians(90 * k)))
                    ys.append(seg.centre[1] + seg.radius * math.sin(math.radians(90 * k)))
    return min(xs), min(ys), max(xs), max(ys)


def _arc_vertices(cx: float, cy: float, r: float, a0: float, a1: float) -> list[Vertex]:
    """A counter-clockwise arc from angle `a0` to `a1` (radians, a1 > a0) as bulge
    vertices, split so that no piece sweeps more than half a turn; the end point is the
    next vertex's."""
    sweep = a1 - a0
    pieces = max(1, math.ceil(sweep / math.pi - 1e-12))
    step = sweep / pieces
    bulge = math.tan(step / 4)
    return [
        (cx + r * math.cos(a0 + k * step), cy + r * math.sin(a0 + k * step), bulge)
        for k in range(pieces)
    ]


def _filleted(points: Sequence[tuple[float, float]], radius: float) -> list[Vertex]:
    """A convex polygon (counter-clockwise corners) with every corner rounded by
    `radius` (mm): each corner is a tangent point, a true arc and the other tangent point."""
    if radius < MIN_FEATURE_MM:
        return [(x, y, 0.0) for x, y in points]
    out: list[Vertex] = []
    n = len(points)
    for i, (px, py) in enumerate(points):
        ax, ay = points[i - 1]
        bx, by = points[(i + 1) % n]
        la, lb = math.hypot(ax - px, ay - py), math.hypot(bx - px, by - py)
        ux, uy, vx, vy = (ax - px) / la, (ay - py) / la, (bx - px) / lb, (by - py) / lb
        inner = math.acos(max(-1.0, min(1.0, ux * vx + uy * vy)))
        t = radius / math.tan(inner / 2)
        out.append((px + ux * t, py + uy * t, math.tan((math.pi - inner) / 4)))
        out.append((px + vx * t, py + vy * t, 0.0))
    return _drop_zero_segments(out)


class _Shape:
    """What every cutout shape offers (sizes in mm)."""

    __slots__ = ()

    SIZES: tuple[str, ...] = ()
    """The toleranced sizes, in the template's field names."""

    def contour(self, x: float = 0.0, y: float = 0.0, rotation: float = 0.0) -> list[Vertex]:
        """The closed counter-clockwise contour, turned by `rotation` degrees, at (x, y)."""
        return placed(self._contour(), x, y, rotation)

    def _contour(self) -> list[Vertex]:
        raise NotImplementedError

    def size(self, name: str) -> float:
        """The toleranced size `name` (one of `SIZES`, mm)."""
        return float(getattr(self, name))

    def with_sizes(self, sizes: Mapping[str, float]) -> Any:
        """The same shape with the given toleranced sizes replaced (mm)."""
        return replace(cast(Any, self), **sizes)

    def extent(self) -> tuple[float, float]:
        """Width and height of the cut as drawn: its contour's bounding box, what the DXF
        measures (mm). The figure every output states as the cut's size."""
        x0, y0, x1, y1 = bounds(self._contour())
        return x1 - x0, y1 - y0

    def envelope(self) -> tuple[float, float]:
        """Width and height of the smallest origin-centred box holding the shape (mm)."""
        x0, y0, x1, y1 = bounds(self._contour())
        return 2 * max(-x0, x1), 2 * max(-y0, y1)

    @property
    def kind(self) -> str:
        """The shape's name in the template format."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Rect(_Shape):
    """A rectangle centred on its origin, corners rounded by `corner_radius` (mm)."""

    width: float
    height: float
    corner_radius: float = 0.0
    SIZES = ("width", "height")

    def _contour(self) -> list[Vertex]:
        return rounded_rect(self.width, self.height, self.corner_radius)

    def contour(self, x: float = 0.0, y: float = 0.0, rotation: float = 0.0) -> list[Vertex]:
        if rotation % 90 == 0:  # exact: the sizes swap, no trigonometry
            return rounded_rect(self.width, self.height, self.corner_radius, x, y, int(rotation))
        return placed(self._contour(), x, y, rotation)

    @property
    def kind(self) -> str:
        return "rect"


@dataclass(frozen=True, slots=True)
class Circle(_Shape):
    """A round hole of `diameter` (mm): written as one CIRCLE entity."""

    diameter: float
    SIZES = ("diameter",)

    def _contour(self) -> list[Vertex]:
        return circle(self.diameter)

    @property
    def width(self) -> float:
        return self.diameter

    @property
    def height(self) -> float:
        return self.diameter

    @property
    def corner_radius(self) -> float:
        return self.diameter / 2

    @property
    def kind(self) -> str:
        return "circle"


@dataclass(frozen=True, slots=True)
class CircleNotch(_Shape):
    """A round hole with an anti-rotation notch at +Y (mm): `notch_reach` runs from the
    hole's edge at -Y to the notch bottom; the notch's outer corners are rounded by
    `notch_corner_radius`."""

    diameter: float
    notch_width: float
    notch_reach: float
    notch_corner_radius: float = 0.0
    SIZES = ("diameter", "notch_width", "notch_reach")

    def _contour(self) -> list[Vertex]:
        r, hw = self.diameter / 2, self.notch_width / 2
        top = self.notch_reach - r
        rn = self.notch_corner_radius
        yj = math.sqrt(r * r - hw * hw)
        start = math.atan2(yj, -hw)
        out = _arc_vertices(0.0, 0.0, r, start, math.atan2(yj, hw) + 2 * math.pi)
        if rn < MIN_FEATURE_MM:
            out += [(hw, yj, 0.0), (hw, top, 0.0), (-hw, top, 0.0), (-hw, yj, 0.0)]
            return _drop_zero_segments(out)
        out += [
            (hw, yj, 0.0),
            (hw, top - rn, QUARTER_BULGE),
            (hw - rn, top, 0.0),
            (-hw + rn, top, QUARTER_BULGE),
            (-hw, top - rn, 0.0),
            (-hw, yj, 0.0),
        ]
        return _drop_zero_segments(out)

    @property
    def width(self) -> float:
        """Width of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[0]

    @property
    def height(self) -> float:
        """Height of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[1]

    @property
    def corner_radius(self) -> float:
        """The corner radius of the rounded `width` x `height` box that holds the shape
        (mm): what layout distances measure against."""
        return 0.0

    @property
    def kind(self) -> str:
        return "circle-notch"


@dataclass(frozen=True, slots=True)
class DFlat(_Shape):
    """A round hole with one flat at +Y; `across_flat` from the flat to the opposite
    edge (mm)."""

    diameter: float
    across_flat: float
    SIZES = ("diameter", "across_flat")

    def _contour(self) -> list[Vertex]:
        r = self.diameter / 2
        yf = self.across_flat - r
        xj = math.sqrt(max(r * r - yf * yf, 0.0))
        a0 = math.atan2(yf, -xj)
        a1 = math.atan2(yf, xj)  # counter-clockwise from a0: a flat below the centre too
        out = _arc_vertices(0.0, 0.0, r, a0, a1 + 2 * math.pi if a1 <= a0 else a1)
        return [*out, (xj, yf, 0.0)]

    @property
    def width(self) -> float:
        """Width of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[0]

    @property
    def height(self) -> float:
        """Height of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[1]

    @property
    def corner_radius(self) -> float:
        """The corner radius of the rounded `width` x `height` box that holds the shape
        (mm): what layout distances measure against."""
        return 0.0

    @property
    def kind(self) -> str:
        return "d"


@dataclass(frozen=True, slots=True)
class DoubleD(_Shape):
    """A round hole with flats at +Y and -Y, `across_flats` apart (mm)."""

    diameter: float
    across_flats: float
    SIZES = ("diameter", "across_flats")

    def _contour(self) -> list[Vertex]:
        r, h = self.diameter / 2, self.across_flats / 2
        xj = math.sqrt(max(r * r - h * h, 0.0))
        right = _arc_vertices(0.0, 0.0, r, math.atan2(-h, xj), math.atan2(h, xj))
        left = _arc_vertices(0.0, 0.0, r, math.atan2(h, -xj), math.atan2(-h, -xj) + 2 * math.pi)
        return [*right, (xj, h, 0.0), *left, (-xj, -h, 0.0)]

    @property
    def width(self) -> float:
        """Width of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[0]

    @property
    def height(self) -> float:
        """Height of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[1]

    @property
    def corner_radius(self) -> float:
        """The corner radius of the rounded `width` x `height` box that holds the shape
        (mm): what layout distances measure against."""
        return 0.0

    @property
    def kind(self) -> str:
        return "double-d"


@dataclass(frozen=True, slots=True)
class Obround(_Shape):
    """A slot `width` x `height` with round ends on its shorter side (mm)."""

    width: float
    height: float
    SIZES = ("width", "height")

    def _contour(self) -> list[Vertex]:
        return rounded_rect(self.width, self.height, min(self.width, self.height) / 2)

    @property
    def corner_radius(self) -> float:
        return min(self.width, self.height) / 2

    @property
    def kind(self) -> str:
        return "obround"


@dataclass(frozen=True, slots=True)
class Trapezoid(_Shape):
    """A trapezoid `width` (its wide side, at +Y) x `height`, its sides at `side_angle`
    degrees from the vertical, corners rounded by `corner_radius` (mm); the sizes are
    those of the sharp trapezoid (a D-sub shell)."""

    width: float
    height: float
    side_angle: float
    corner_radius: float = 0.0
    SIZES = ("width", "height")

    def _contour(self) -> list[Vertex]:
        hw, hh = self.width / 2, self.height / 2
        bottom = hw - self.height * math.tan(math.radians(self.side_angle))
        corners = [(-bottom, -hh), (bottom, -hh), (hw, hh), (-hw, hh)]
        return _filleted(corners, self.corner_radius)

    @property
    def kind(self) -> str:
        return "trapezoid"


@dataclass(frozen=True, slots=True)
class Polygon(_Shape):
    """A regular polygon of `sides`, one flat at -Y, `across_flats` twice the distance
    from its centre to a flat, corners rounded by `corner_radius` (mm)."""

    sides: int
    across_flats: float
    corner_radius: float = 0.0
    SIZES = ("across_flats",)

    def _contour(self) -> list[Vertex]:
        n = self.sides
        rc = self.across_flats / 2 / math.cos(math.pi / n)
        angles = [-math.pi / 2 + math.pi / n + 2 * math.pi * k / n for k in range(n)]
        return _filleted([(rc * math.cos(a), rc * math.sin(a)) for a in angles], self.corner_radius)

    @property
    def width(self) -> float:
        """Width of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[0]

    @property
    def height(self) -> float:
        """Height of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[1]

    @property
    def kind(self) -> str:
        return "polygon"


@dataclass(frozen=True, slots=True)
class FreeContour(_Shape):
    """A closed loop of lines and arcs as given (`loop`, counter-clockwise bulge
    vertices, mm), grown outwards by `grow` per side (negative: shrunk): the cut of a
    free contour is the given loop offset by half the fit's offset."""

    loop: tuple[Vertex, ...]
    grow: float = 0.0
    origin: tuple[str, str] = field(default=("free contour", "loop"), compare=False)
    """Where the loop was read (file, field): what an impossible growth names."""
    SIZES = ("width", "height")

    def _contour(self) -> list[Vertex]:
        return offset_loop(list(self.loop), self.grow) if self.grow else list(self.loop)

    def size(self, name: str) -> float:
        """The loop's extent across (`width`) or up (`height`), mm."""
        x0, y0, x1, y1 = bounds(self._contour())
        return x1 - x0 if name == "width" else y1 - y0

    def with_sizes(self, sizes: Mapping[str, float]) -> Any:
        """Grown so that its width grows as asked (a free contour grows alike on every
        side: one offset, never one per size)."""
        base = FreeContour(self.loop).size("width")
        grown = FreeContour(self.loop, (sizes.get("width", base) - base) / 2, self.origin)
        try:
            grown._contour()
        except ValueError as exc:  # a concave arc grown away, a corner at an arc shrunk
            raise InputError(
                *self.origin,
                f"the loop offset by {grown.grow:+.4f} mm",
                f"not drawable ({exc})",
                "concave arcs larger than the cut's growth (its band, coating and the "
                "shop's tolerance), convex ones larger than the collar's shrinking",
            ) from None
        return grown

    @property
    def width(self) -> float:
        """Width of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[0]

    @property
    def height(self) -> float:
        """Height of the smallest origin-centred box holding the shape (mm)."""
        return self.envelope()[1]

    @property
    def corner_radius(self) -> float:
        """The corner radius of the rounded `width` x `height` box that holds the shape
        (mm): what layout distances measure against."""
        return 0.0

    @property
    def kind(self) -> str:
        return "contour"


def shape_text(shape: _Shape) -> str:
    """The shape and its fields as one line (mm, degrees): `rect 41.600 x 17.100 mm,
    corner R 0.500 mm`, `circle diameter 16.100 mm`, ..."""
    if isinstance(shape, Rect):
        return f"{shape.width:.3f} x {shape.height:.3f} mm, corner R {shape.corner_radius:.3f} mm"
    if isinstance(shape, FreeContour):
        return f"free contour {shape.size('width'):.3f} x {shape.size('height'):.3f} mm"
    parts: list[str] = []
    for f in fields(cast(Any, shape)):
        name, value = f.name, getattr(shape, f.name)
        label = name.replace("_", " ").replace("corner radius", "corner R")
        if name == "side_angle":
            parts.append(f"{label} {value:g} deg")
        elif name == "sides":
            parts.append(f"{value} sides")
        else:
            parts.append(f"{label} {value:.3f}")
    return f"{shape.kind} {', '.join(parts)} mm"


def shape_fields(shape: _Shape) -> dict[str, Any]:
    """The shape as a report's JSON object: `shape` (its kind) and its fields (mm,
    degrees); a rectangle as today's width, height and corner_radius."""
    if isinstance(shape, Rect):
        return {"width": shape.width, "height": shape.height, "corner_radius": shape.corner_radius}
    if isinstance(shape, FreeContour):
        return {"shape": shape.kind, "width": shape.size("width"), "height": shape.size("height")}
    return {
        "shape": shape.kind,
        **{f.name: getattr(shape, f.name) for f in fields(cast(Any, shape))},
    }


Shape = Rect | Circle | CircleNotch | DFlat | DoubleD | Obround | Trapezoid | Polygon | FreeContour
"""Every cutout shape."""


def _tangents(x0: float, y0: float, x1: float, y1: float, b: float) -> tuple[Any, Any]:
    """Unit directions at the start and the end of the segment (x0, y0) -> (x1, y1)."""
    if b == 0:
        length = math.hypot(x1 - x0, y1 - y0)
        t = ((x1 - x0) / length, (y1 - y0) / length)
        return t, t
    sweep = 4 * math.atan(b)
    chord = math.atan2(y1 - y0, x1 - x0)
    a0, a1 = chord - sweep / 2, chord + sweep / 2
    return (math.cos(a0), math.sin(a0)), (math.cos(a1), math.sin(a1))


def offset_loop(loop: list[Vertex], d: float) -> list[Vertex]:
    """A counter-clockwise loop of lines and bulge arcs offset outwards by `d` (mm,
    negative inwards): lines move along their normal, arcs change radius, an outward
    corner gets a true arc of radius `d` about it (the exact offset), an inward corner
    between two lines becomes their intersection. Raises ValueError where the offset
    is not a plain loop (an inward corner at an arc, an arc shrunk to nothing)."""
    n = len(loop)
    moved: list[tuple[float, float, float, float, float]] = []
    for i, (x0, y0, b) in enumerate(loop):
        x1, y1, _ = loop[(i + 1) % n]
        if b == 0:
            (tx, ty), _ = _tangents(x0, y0, x1, y1, b)
            moved.append((x0 + d * ty, y0 - d * tx, x1 + d * ty, y1 - d * tx, 0.0))
            continue
        seg = segments([(x0, y0, b), (x1, y1, 0.0)])[0]
        assert isinstance(seg, Arc)
        (cx, cy), r = seg.centre, seg.radius
        new = r + d if b > 0 else r - d
        if new < MIN_FEATURE_MM:
            raise ValueError(f"the arc of radius {r:g} mm about ({cx:g}, {cy:g}) vanishes")
        k = new / r
        moved.append(
            (cx + (x0 - cx) * k, cy + (y0 - cy) * k, cx + (x1 - cx) * k, cy + (y1 - cy) * k, b)
        )
    out: list[Vertex] = []
    for i in range(n):
        prev, this = moved[i - 1], moved[i]
        t_in = _tangents(*loop[i - 1][:2], *loop[i][:2], loop[i - 1][2])[1]
        t_out = _tangents(*loop[i][:2], *loop[(i + 1) % n][:2], loop[i][2])[0]
        cross = t_in[0] * t_out[1] - t_in[1] * t_out[0]
        dot = t_in[0] * t_out[0] + t_in[1] * t_out[1]
        if abs(cross) < 1e-12 and dot > 0:  # tangent: the offset pieces meet
            out.append((this[0], this[1], this[4]))
        elif cross * d > 0:  # outward corner: a true arc about it
            out.append((prev[2], prev[3], math.tan(math.atan2(cross, dot) / 4)))
            out.append((this[0], this[1], this[4]))
        elif prev[4] == 0 and this[4] == 0:  # inward corner of two lines: they meet
            s = ((this[0] - prev[0]) * t_out[1] - (this[1] - prev[1]) * t_out[0]) / cross
            out.append((prev[0] + s * t_in[0], prev[1] + s * t_in[1], 0.0))
        else:
            raise ValueError(
                f"the inward corner at ({loop[i][0]:g}, {loop[i][1]:g}) joins an arc: "
                "round it with a tangent arc"
            )
    return _drop_zero_segments(out)


def shape_of(kind: str, sizes: Mapping[str, float]) -> Shape:
    """The shape named `kind` (the template format's names) from its fields (mm,
    degrees); raises KeyError for a missing field."""
    s = sizes
    if kind == "rect":
        return Rect(s["width"], s["height"], s.get("corner_radius", 0.0))
    if kind == "circle":
        return Circle(s["diameter"])
    if kind == "circle-notch":
        return CircleNotch(
            s["diameter"], s["notch_width"], s["notch_reach"], s.get("notch_corner_radius", 0.0)
        )
    if kind == "d":
        return DFlat(s["diameter"], s["across_flat"])
    if kind == "double-d":
        return DoubleD(s["diameter"], s["across_flats"])
    if kind == "obround":
        return Obround(s["width"], s["height"])
    if kind == "trapezoid":
        return Trapezoid(s["width"], s["height"], s["side_angle"], s.get("corner_radius", 0.0))
    if kind == "polygon":
        return Polygon(int(s["sides"]), s["across_flats"], s.get("corner_radius", 0.0))
    raise KeyError(kind)
