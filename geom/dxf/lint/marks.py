"""The lint of the text layers: `ENGRAVE` holds strokes (LINE and polylines of straight
segments, open or closed), `PRINT` closed outlines (closed polylines of straight
segments); no live text (TEXT, MTEXT) and nothing else on either, no zero-length
segment. Strokes may cross (letters do); outlines are what the printer fills. mm."""

from __future__ import annotations

import itertools
import math
from typing import Any

from geom.dxf.layers import ENGRAVE_LAYER, PRINT_LAYER
from geom.dxf.lint.problems import TOL_MM, Problem

ENGRAVE_TYPES = ("LINE", "LWPOLYLINE", "POLYLINE")
PRINT_TYPES = ("LWPOLYLINE", "POLYLINE")


def lint_marks(doc: Any) -> list[Problem]:
    """Every problem on `ENGRAVE` and `PRINT` of `doc`'s modelspace, in file order."""
    out: list[Problem] = []
    for e in doc.modelspace():
        layer = str(e.dxf.get("layer", "0")).upper()
        if layer in (ENGRAVE_LAYER, PRINT_LAYER):
            out += _entity(e, layer)
    return out


def _entity(e: Any, layer: str) -> list[Problem]:
    kind, handle = e.dxftype(), str(e.dxf.handle)
    allowed = ENGRAVE_TYPES if layer == ENGRAVE_LAYER else PRINT_TYPES
    if kind not in allowed or (kind == "POLYLINE" and not e.is_2d_polyline):
        text = "live text: shops need strokes or outlines" if kind in ("TEXT", "MTEXT") else ""
        message = f"{kind} on layer {layer}; allowed {', '.join(allowed)} (2D)"
        return [Problem("entity", f"{message}{'; ' + text if text else ''}", handle, 0.0, 0.0)]
    points = _points(e)
    closed = kind != "LINE" and bool(e.closed if kind == "LWPOLYLINE" else e.is_closed)
    if layer == PRINT_LAYER and (not closed or len(points) < 3):
        x, y = points[0] if points else (0.0, 0.0)
        return [Problem("open", f"{kind} on layer {layer} is not a closed outline", handle, x, y)]
    ring = [*points, points[0]] if closed and points else points
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if math.hypot(x1 - x0, y1 - y0) <= TOL_MM:
            return [Problem("zero-length", f"zero-length segment on layer {layer}", handle, x0, y0)]
    if len(points) < 2:
        return [Problem("zero-length", f"{kind} with {len(points)} vertex", handle, 0.0, 0.0)]
    if kind != "LINE" and _bulged(e):
        return [Problem("entity", f"{kind} with arcs on layer {layer}", handle, *points[0])]
    return []


def _points(e: Any) -> list[tuple[float, float]]:
    kind = e.dxftype()
    if kind == "LINE":
        return [(e.dxf.start[0], e.dxf.start[1]), (e.dxf.end[0], e.dxf.end[1])]
    if kind == "LWPOLYLINE":
        return [(float(x), float(y)) for x, y in e.get_points("xy")]
    return [(float(v.dxf.location[0]), float(v.dxf.location[1])) for v in e.vertices]


def _bulged(e: Any) -> bool:
    if e.dxftype() == "LWPOLYLINE":
        return any(b != 0 for *_, b in e.get_points("xyb"))
    return any(v.dxf.get("bulge", 0) != 0 for v in e.vertices)
