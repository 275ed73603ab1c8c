"""Where the page draws a panel's faces: the view frame (mm, Y up) and each face's map
into it. A flat panel is its own view (one face, `base`); a bent panel is drawn as its
flat pattern, the blank's lower-left corner at (0, 0) as in its flat DXF, each face (the
base, every flange) with its region and every bend zone marked. Positions a request gives
in the view frame are mapped back into a face's frame here, never in the page."""

from __future__ import annotations

from typing import Any

from geom.model.bend import BASE
from geom.model.contour import Vertex
from geom.model.layout import Violation, violation_record
from geom.panel.bent_job import flat_shift
from geom.panel.model import Panel

Affine = tuple[float, float, float, float, float, float]
"""(a, b, c, d, e, f): a face point (x, y) is (a x + b y + e, c x + d y + f) in the view."""
IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def face_maps(panel: Panel) -> dict[str, Affine]:
    """Each face's map into the view (a flat panel: the base, unchanged)."""
    if panel.bends is None:
        return {BASE: IDENTITY}
    metal = panel.bends.metal
    dx, dy = flat_shift(metal)
    out: dict[str, Affine] = {}
    for face in metal.faces:
        ox, oy = metal.to_flat(face, 0.0, 0.0)
        ux, uy = metal.to_flat(face, 1.0, 0.0)
        vx, vy = metal.to_flat(face, 0.0, 1.0)
        out[face] = (ux - ox, vx - ox, uy - oy, vy - oy, ox + dx, oy + dy)
    return out


def to_view(m: Affine, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + b * y + e, c * x + d * y + f


def to_face(m: Affine, x: float, y: float) -> tuple[float, float]:
    """The view point (x, y) in the face's frame, rounded to 1e-6 mm (what the file holds:
    a quarter turn maps grid points onto grid points)."""
    a, b, c, d, e, f = m
    det = a * d - b * c
    px, py = x - e, y - f
    return round((d * px - b * py) / det, 6) + 0.0, round((a * py - c * px) / det, 6) + 0.0


def moved(m: Affine, contour: list[Vertex]) -> list[list[float]]:
    """A contour of a face's frame in the view (a map that mirrors flips each bulge)."""
    a, b, c, d, _, _ = m
    sign = 1.0 if a * d - b * c > 0 else -1.0
    return [[*to_view(m, x, y), sign * bulge] for x, y, bulge in contour]


def face_at(panel: Panel, x: float, y: float) -> str:
    """The face whose flat region holds the view point (x, y); the base when none does (a
    point on a bend zone or off the sheet: the file reader then decides)."""
    if panel.bends is None:
        return BASE
    metal = panel.bends.metal
    maps = face_maps(panel)
    for flange in metal.flanges:
        fx, fy = to_face(maps[flange.edge], x, y)
        x0, y0, x1, y1 = metal.flange_region(flange.edge)
        if x0 <= fx <= x1 and y0 <= fy <= y1:
            return flange.edge
    return BASE


def surface_state(panel: Panel) -> dict[str, Any]:
    """The view's size (mm), each face with its region in the view, and every bend (its
    zone, line and direction)."""
    maps = face_maps(panel)
    if panel.bends is None:
        return {
            "view": {"width": panel.width, "height": panel.height},
            "faces": [],
            "bends": [],
        }
    metal = panel.bends.metal
    dx, dy = flat_shift(metal)
    outline = metal.outline()
    faces = [{"name": BASE, "region": moved(maps[BASE], metal.base_region())}]
    bends = []
    for f in metal.flanges:
        x0, y0, x1, y1 = metal.flange_region(f.edge)
        rect = [(x0, y0, 0.0), (x1, y0, 0.0), (x1, y1, 0.0), (x0, y1, 0.0)]
        faces.append({"name": f.edge, "region": moved(maps[f.edge], rect)})
        zx0, zy0, zx1, zy1 = metal.bend_zone(f.edge)
        (lx0, ly0), (lx1, ly1) = metal.bend_line(f.edge)
        bends.append(
            {
                "edge": f.edge,
                "direction": f.direction,
                "angle": f.angle,
                "zone": [zx0 + dx, zy0 + dy, zx1 + dx, zy1 + dy],
                "line": [[lx0 + dx, ly0 + dy], [lx1 + dx, ly1 + dy]],
            }
        )
    return {
        "view": {
            "width": max(v[0] for v in outline) + dx,
            "height": max(v[1] for v in outline) + dy,
        },
        "faces": faces,
        "bends": bends,
    }


def violation_view(panel: Panel, v: Violation) -> dict[str, Any]:
    """The report's record of `v` and its positions in the view (`view_mm`)."""
    maps = face_maps(panel)
    if len(v.faces) == len(v.positions):
        faces = list(v.faces)
    else:  # each entry's own face (a part's fixing hole: the part's)
        on = {p.entry: p.face for p in panel.places}
        on |= {h.entry: h.face for h in panel.holes}
        on |= {s.entry: s.face for s in panel.slots}
        faces = [on.get(e.split(".")[0], BASE) for e in v.entries[: len(v.positions)]]
        faces += [BASE] * (len(v.positions) - len(faces))
    pairs = zip(faces, v.positions, strict=True)
    view = [list(to_view(maps.get(f, IDENTITY), x, y)) for f, (x, y) in pairs]
    return {**violation_record(v), "view_mm": view}
