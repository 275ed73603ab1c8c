"""Closed 2D contours as polyline vertices with bulges: what a DXF LWPOLYLINE holds.

A vertex is (x, y, bulge): the bulge is tan(angle / 4) of the arc from this vertex to the
next (0 for a straight segment, > 0 counter-clockwise). Contours run counter-clockwise,
close back to their first vertex and never hold a zero-length segment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Vertex = tuple[float, float, float]

QUARTER_BULGE = math.tan(math.pi / 8)
"""Bulge of a 90 degree counter-clockwise arc."""
MIN_FEATURE_MM = 1e-6
"""The DXF lint's join tolerance (geom.dxf.lint.TOL_MM): a corner radius within this of 0
or of half the shorter side is drawn as exactly that, never as a sub-micron segment."""


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


def _degrees(angle: float) -> float:
    """`angle` (radians) in degrees in [0, 360), float noise at 360 taken as 0."""
    deg = math.degrees(angle) % 360.0
    return 0.0 if deg > 360.0 - 1e-9 else deg
