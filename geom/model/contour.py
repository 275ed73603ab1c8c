"""Closed 2D contours as polyline vertices with bulges: what a DXF LWPOLYLINE holds.

A vertex is (x, y, bulge): the bulge is tan(angle / 4) of the arc from this vertex to the
next (0 for a straight segment, > 0 counter-clockwise). Contours run counter-clockwise,
close back to their first vertex and never hold a zero-length segment.
"""

from __future__ import annotations

import math

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
