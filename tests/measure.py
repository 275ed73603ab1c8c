"""Measure DXF files as a shop's CAM would read them: independent of geom's own contour
code. Reads LWPOLYLINE, POLYLINE (R12), LINE and ARC, chains segments into loops and
measures each loop's bounding box (ezdxf.bbox), arc radii and closure."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ezdxf
from ezdxf.math import Vec2, bulge_to_arc

JOIN_MM = 1e-6
"""Ends closer than this join; CAM programs join within 0.001 mm at best."""


@dataclass
class Segment:
    start: Vec2
    end: Vec2
    radius: float = 0.0  # 0 for a line
    sweep_deg: float = 0.0

    @property
    def length(self) -> float:
        if self.radius:
            return self.radius * math.radians(abs(self.sweep_deg))
        return float(self.start.distance(self.end))


@dataclass
class Loop:
    segments: list[Segment]
    closed: bool
    entities: list[Any] = field(default_factory=list)

    @property
    def extents(self) -> tuple[float, float, float, float]:
        """Exact extents (mm): ends, vertices and the axis points every arc passes."""
        return exact_extents(self.entities)

    @property
    def width(self) -> float:
        x0, _, x1, _ = self.extents
        return x1 - x0

    @property
    def height(self) -> float:
        _, y0, _, y1 = self.extents
        return y1 - y0

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.extents
        return (x0 + x1) / 2, (y0 + y1) / 2

    @property
    def radii(self) -> list[float]:
        return [s.radius for s in self.segments if s.radius]

    @property
    def arcs(self) -> list[Segment]:
        return [s for s in self.segments if s.radius]


def _arc_points(cx: float, cy: float, r: float, a0: float, a1: float) -> list[tuple[float, float]]:
    """The axis points (0, 90, 180, 270 degrees) a counter-clockwise arc from `a0` to
    `a1` (radians) passes."""
    span = (a1 - a0) % math.tau or math.tau
    return [
        (cx + r * math.cos(k * math.pi / 2), cy + r * math.sin(k * math.pi / 2))
        for k in range(4)
        if (k * math.pi / 2 - a0) % math.tau <= span
    ]


def exact_extents(entities: list[Any]) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 of LWPOLYLINE, POLYLINE, LINE, ARC and CIRCLE entities (mm), exact:
    their ends and vertices plus the axis points their arcs pass (ezdxf's bulge_to_arc
    for the bulges' centres; ezdxf.bbox flattens arcs and misses by up to 1e-3 mm)."""
    pts: list[tuple[float, float]] = []
    for e in entities:
        kind = e.dxftype()
        if kind == "CIRCLE":
            (cx, cy, _), r = e.dxf.center, e.dxf.radius
            pts += [(cx - r, cy - r), (cx + r, cy + r)]
        elif kind == "LINE":
            pts += [(e.dxf.start.x, e.dxf.start.y), (e.dxf.end.x, e.dxf.end.y)]
        elif kind == "ARC":
            (cx, cy, _), r = e.dxf.center, e.dxf.radius
            s, t = Vec2(e.start_point), Vec2(e.end_point)
            pts += [(s.x, s.y), (t.x, t.y)]
            a0, a1 = math.radians(e.dxf.start_angle), math.radians(e.dxf.end_angle)
            pts += _arc_points(cx, cy, r, a0, a1)
        else:
            if kind == "LWPOLYLINE":
                verts = [(x, y, b) for x, y, b in e.get_points("xyb")]
            else:
                verts = [(v.dxf.location.x, v.dxf.location.y, v.dxf.bulge) for v in e.vertices]
            for i, (x, y, b) in enumerate(verts):
                pts.append((x, y))
                if b:
                    nx, ny, _ = verts[(i + 1) % len(verts)]
                    if b < 0:  # clockwise: the same arc, counter-clockwise from the end
                        (x, y), (nx, ny), b = (nx, ny), (x, y), -b
                    centre, a0, a1, r = bulge_to_arc((x, y), (nx, ny), b)
                    pts += _arc_points(centre.x, centre.y, r, a0, a1)
    xs, ys = [float(p[0]) for p in pts], [float(p[1]) for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _bulge_segments(points: list[tuple[float, float, float]], closed: bool) -> list[Segment]:
    segments = []
    n = len(points)
    for i in range(n if closed else n - 1):
        x, y, b = points[i]
        nx, ny, _ = points[(i + 1) % n]
        start, end = Vec2(x, y), Vec2(nx, ny)
        if b:
            r = bulge_to_arc(start, end, b)[3]
            segments.append(Segment(start, end, r, math.degrees(4 * math.atan(b))))
        else:
            segments.append(Segment(start, end))
    return segments


def read(path: Path) -> Any:
    return ezdxf.readfile(path)


def cut_loops(path: Path, layer: str = "CUT") -> list[Loop]:
    """Every loop on `layer`: polylines as they are, LINE/ARC chained end to end."""
    doc = read(path)
    loops: list[Loop] = []
    loose: list[tuple[Segment, Any]] = []
    for e in doc.modelspace().query(f'*[layer=="{layer}"]'):
        kind = e.dxftype()
        if kind == "LWPOLYLINE":
            pts = [(x, y, b) for x, y, b in e.get_points("xyb")]
            loops.append(Loop(_bulge_segments(pts, e.closed), bool(e.closed), [e]))
        elif kind == "POLYLINE":
            pts = [(v.dxf.location.x, v.dxf.location.y, v.dxf.bulge) for v in e.vertices]
            loops.append(Loop(_bulge_segments(pts, e.is_closed), bool(e.is_closed), [e]))
        elif kind == "LINE":
            loose.append((Segment(Vec2(e.dxf.start), Vec2(e.dxf.end)), e))
        elif kind == "ARC":
            s, t = Vec2(e.start_point), Vec2(e.end_point)
            sweep = (e.dxf.end_angle - e.dxf.start_angle) % 360
            loose.append((Segment(s, t, e.dxf.radius, sweep), e))
        elif kind == "CIRCLE":
            p = Vec2(e.dxf.center) + Vec2(e.dxf.radius, 0)
            loops.append(Loop([Segment(p, p, e.dxf.radius, 360.0)], True, [e]))
        else:
            raise AssertionError(f"{kind} on layer {layer}: not a CAM contour entity")
    loops += _chain(loose)
    return loops


def _chain(loose: list[tuple[Segment, Any]]) -> list[Loop]:
    loops = []
    todo = list(loose)
    while todo:
        seg, ent = todo.pop(0)
        chain, ents = [seg], [ent]
        while True:
            tail = chain[-1].end
            nxt = next(
                (
                    i
                    for i, (s, _) in enumerate(todo)
                    if min(s.start.distance(tail), s.end.distance(tail)) <= JOIN_MM
                ),
                None,
            )
            if nxt is None:
                break
            s, e = todo.pop(nxt)
            if s.start.distance(tail) > JOIN_MM:  # drawn the other way round
                s = Segment(s.end, s.start, s.radius, s.sweep_deg)
            chain.append(s)
            ents.append(e)
        closed = chain[-1].end.distance(chain[0].start) <= JOIN_MM
        loops.append(Loop(chain, closed, ents))
    return loops


def header(path: Path, name: str) -> Any:
    return read(path).header.get(name)


def texts(path: Path, layer: str) -> list[str]:
    msp = read(path).modelspace()
    return [e.dxf.text for e in msp.query(f'TEXT MTEXT[layer=="{layer}"]')]


def placed_envelope(part: Any, owner: Any) -> tuple[float, float, float, float, float, float]:
    """Where the README's placement convention puts the envelope of `owner` (the part or
    the frame it mounts through): x, y and z ranges in mm, panel front face at Z = 0,
    the mount's flange on it, a framed part's front `[body] front` above the frame's,
    the body behind the plate ([rear]) where it is wider than the front."""
    flange = part.fit.flange_thickness
    front = flange if owner is part.mount else flange + (owner.body.front if owner.body else 0.0)
    rear = owner.rear or (0.0, 0.0)  # the body behind the plate ([rear]), when wider
    width, height = max(owner.width, rear[0]), max(owner.height, rear[1])
    return (
        -width / 2,
        width / 2,
        -height / 2,
        height / 2,
        front - owner.depth,
        front,
    )


def freecad(script: str, tmp_path: Path, **env: str) -> Any:
    """Run `script` in FreeCAD's command-line interpreter (Debian freecad-python3) and
    return the JSON it printed after `GEOM_RESULT `; skip the test when FreeCAD is absent."""
    import json
    import os
    import shutil
    import subprocess

    import pytest

    program = shutil.which("freecadcmd")
    if program is None:
        pytest.skip(
            "FreeCAD (Debian freecad-python3) is not installed: "
            "scripts/install-test-tools.sh installs it when run as root"
        )
    path = tmp_path / "freecad_script.py"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [program, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env, "HOME": str(tmp_path)},
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("GEOM_RESULT ")]
    assert lines, proc.stdout + proc.stderr
    return json.loads(lines[-1].removeprefix("GEOM_RESULT "))


# --- Every shipped template's cut, worked out from its own numbers (tomllib) -------------

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def template_data() -> dict[str, dict[str, Any]]:
    """Every shipped template's parsed TOML by part id (a family file: one per row)."""
    import tomllib

    from geom.data.families import expand

    found: dict[str, dict[str, Any]] = {}
    for path in sorted(TEMPLATES.glob("*.toml")):
        for item in expand(tomllib.loads(path.read_text(encoding="utf-8")), str(path)):
            found[item.data["part"]["id"]] = item.data
    return found


def cut_template(data: dict[str, Any], every: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The template whose [cutout] the part is cut by: its own, or its frame's."""
    if data["part"].get("mounting") == "frame":
        return every[data["part"]["frame"]]
    return data


def size_at(cutout: dict[str, Any], name: str, target: str = "mid") -> float:
    """The cut of size `name` (mm) on bare sheet: the template's value plus the fit's
    offset, the band's lower limit (target nominal) or its middle (target mid). The band is
    the size's own, else [0, tolerance]."""
    entry = cutout[name]
    low, high = entry.get("band", [0.0, cutout["tolerance"]["value"]])
    return float(entry["value"] + low + (0.0 if target == "nominal" else (high - low) / 2))


SHAPE_SIZES = {
    "rect": ("width", "height"),
    "circle": ("diameter",),
    "circle-notch": ("diameter", "notch_width", "notch_reach"),
    "trapezoid": ("width", "height"),
}
"""The toleranced sizes of each shape the shipped templates use (docs/templates.md)."""


def expected_sizes(cutout: dict[str, Any], target: str = "mid") -> dict[str, float]:
    """Every toleranced size of the cut (mm), from the template's numbers."""
    kind = cutout.get("shape", "rect")
    assert kind in SHAPE_SIZES, f"shape {kind}: no expected sizes worked out here"
    return {name: size_at(cutout, name, target) for name in SHAPE_SIZES[kind]}


def expected_extents(cutout: dict[str, Any], sizes: dict[str, float]) -> tuple[float, float]:
    """Width and height (mm) of the drawn contour of `sizes`, worked out by hand for each
    shape: a trapezoid's rounded top corners pull its width in by r (1 + sin a) / cos a - r
    a side (the arc tangent to the top edge and to a side leaning a from the vertical)."""
    kind = cutout.get("shape", "rect")
    if kind == "rect":
        return sizes["width"], sizes["height"]
    if kind == "circle":
        return sizes["diameter"], sizes["diameter"]
    if kind == "circle-notch":
        return sizes["diameter"], sizes["notch_reach"]
    if kind == "trapezoid":
        r = cutout.get("corner_radius", {"value": 0.0})["value"]
        a = math.radians(cutout["side_angle"]["value"])
        return sizes["width"] - 2 * (r * (1 + math.sin(a)) / math.cos(a) - r), sizes["height"]
    raise AssertionError(f"shape {kind}: no extents worked out here")


def hole_count(cutout: dict[str, Any]) -> int:
    """How many fixing holes the template's [cutout.holes] places (0 without)."""
    holes = cutout.get("holes")
    return 0 if holes is None else len(holes["positions"]["value"])


def hole_diameter(cutout: dict[str, Any], target: str = "mid") -> float:
    """The fixing holes' cut diameter (mm): their band [d, d + T] like any size (T: the
    holes' own tolerance, else the cutout's)."""
    holes = cutout["holes"]
    tolerance = holes.get("tolerance", cutout["tolerance"])["value"]
    return float(holes["diameter"]["value"] + (0.0 if target == "nominal" else tolerance / 2))


# --- Exact measurement of what a file holds ------------------------------------------------


def size_of(entities: list[Any]) -> tuple[float, float]:
    """Exact width and height (mm) of entities (see `exact_extents`)."""
    x0, y0, x1, y1 = exact_extents(entities)
    return x1 - x0, y1 - y0


def loop_area(loop: Loop) -> float:
    """Area enclosed by a closed loop (mm2): the shoelace polygon of its ends plus each
    arc's circular segment (a bulge's sign says which side)."""
    if len(loop.segments) == 1 and loop.segments[0].sweep_deg == 360.0:
        return math.pi * loop.segments[0].radius ** 2
    area = 0.0
    for s in loop.segments:
        area += (s.start.x * s.end.y - s.end.x * s.start.y) / 2
        if s.radius:
            t = math.radians(s.sweep_deg)
            area += math.copysign(s.radius**2 * (abs(t) - math.sin(abs(t))) / 2, t)
    return abs(area)


def main_and_holes(loops: list[Loop], holes: int) -> tuple[Loop, list[Loop]]:
    """The cutout's own loop and its fixing holes' loops: the holes are the `holes`
    smallest CIRCLE loops, never the cut itself."""
    ordered = sorted(loops, key=lambda lp: (lp.entities[0].dxftype() != "CIRCLE", loop_area(lp)))
    hole_loops = ordered[:holes]
    (main,) = [lp for lp in loops if all(lp is not h for h in hole_loops)]
    return main, hole_loops


def cubic_points(p0: Any, p1: Any, p2: Any, p3: Any) -> list[tuple[float, float]]:
    """The ends of a cubic Bezier and its points where x or y turns (its exact extents);
    the control points themselves lie off the curve."""
    points = [(float(p0[0]), float(p0[1])), (float(p3[0]), float(p3[1]))]
    for axis in (0, 1):
        a, b, c, d = (float(p[axis]) for p in (p0, p1, p2, p3))
        # derivative / 3: (-a + 3b - 3c + d) t^2 + 2 (a - 2b + c) t + (b - a)
        qa, qb, qc = -a + 3 * b - 3 * c + d, 2 * (a - 2 * b + c), b - a
        if abs(qa) < 1e-12:
            roots = [] if abs(qb) < 1e-12 else [-qc / qb]
        else:
            disc = qb * qb - 4 * qa * qc
            roots = (
                [] if disc < 0 else [(-qb + s * math.sqrt(disc)) / (2 * qa) for s in (1.0, -1.0)]
            )
        for t in roots:
            if 0.0 < t < 1.0:
                u = 1 - t
                points.append(
                    tuple(  # type: ignore[arg-type]
                        u**3 * float(p0[k])
                        + 3 * u * u * t * float(p1[k])
                        + 3 * u * t * t * float(p2[k])
                        + t**3 * float(p3[k])
                        for k in (0, 1)
                    )
                )
    return points


def pdf_path_points(drawing: dict[str, Any]) -> list[tuple[float, float]]:
    """Points on one pymupdf drawing's path whose extents are the path's exact extents
    (line ends, rectangle corners, Bezier ends and turning points), in points."""
    points: list[tuple[float, float]] = []
    for item in drawing["items"]:
        if item[0] == "l":
            points += [(item[1].x, item[1].y), (item[2].x, item[2].y)]
        elif item[0] == "c":
            points += cubic_points(*((p.x, p.y) for p in item[1:5]))
        elif item[0] == "re":
            points += [(item[1].x0, item[1].y0), (item[1].x1, item[1].y1)]
        elif item[0] == "qu":
            points += [(p.x, p.y) for p in (item[1].ul, item[1].ur, item[1].ll, item[1].lr)]
        else:
            raise AssertionError(f"PDF path item {item[0]}: not measured here")
    return points


BEZIER_ERROR = 2.8e-4
"""The pictures draw each arc as cubic Bezier curves of at most 90 degrees; such a curve
strays from its circle by at most 2.7e-4 of the radius (on the outside: the classic
4/3 tan(theta/4) construction), rounded up."""


def picture_tolerance(path: Path, scale: float) -> float:
    """How far a picture's measured size may differ from the DXF's (paper mm): PDF and SVG
    number precision (1e-3 mm, far below any printer) plus the Bezier error on both sides
    of the largest arc on CUT."""
    radii = [r for loop in cut_loops(path) for r in loop.radii]
    return 1e-3 + 2 * BEZIER_ERROR * max(radii, default=0.0) * scale


def template_cutouts() -> dict[str, dict[str, Any]]:
    """Every shipped template's `[cutout]` table by part id, read with tomllib (family
    rows expanded); a part mounted through a frame has its frame's."""
    import tomllib

    from geom.data.families import expand
    from geom.data.templates import template_dirs

    parts: dict[str, dict[str, Any]] = {}
    for path in sorted(template_dirs()[-1].glob("*.toml")):
        for item in expand(tomllib.loads(path.read_text(encoding="utf-8")), str(path)):
            parts[item.data["part"]["id"]] = item.data
    return {
        pid: data["cutout"] if "cutout" in data else parts[data["part"]["frame"]]["cutout"]
        for pid, data in parts.items()
    }


SIZES = {
    "rect": ("width", "height"),
    "circle": ("diameter",),
    "circle-notch": ("diameter", "notch_width", "notch_reach"),
}
RADII = {"rect": "corner_radius", "circle-notch": "notch_corner_radius"}


def expected_cut(cutout: dict[str, Any]) -> dict[str, Any]:
    """The cut of a template's `[cutout]` on bare sheet, target mid (mm): each size at its
    band's lower limit plus half the band (the band [0, tolerance] unless the size has its
    own); the corner radius as given. Shapes other than rect, circle, circle-notch fail."""
    shape = cutout.get("shape", "rect")
    cut: dict[str, Any] = {"shape": shape}
    for name in SIZES[shape]:
        entry = cutout[name]
        low, high = entry.get("band", [0.0, cutout["tolerance"]["value"]])
        cut[name] = entry["value"] + low + (high - low) / 2
    if shape in RADII:
        cut["radius"] = cutout[RADII[shape]]["value"]
    return cut


def cut_area(cut: dict[str, Any]) -> float:
    """Area of an `expected_cut` (mm^2): a rounded rectangle w h - (4 - pi) r^2; a circle
    pi d^2 / 4; a notched circle the circle, plus the notch's strip of width w above the
    circle up to the notch bottom (its part inside the circle a circular segment of
    half-angle asin(w / d)), less its two rounded corners (1 - pi / 4) r^2 each."""
    if cut["shape"] == "rect":
        return float(cut["width"] * cut["height"] - (4 - math.pi) * cut["radius"] ** 2)
    r = cut["diameter"] / 2
    circle = math.pi * r * r
    if cut["shape"] == "circle":
        return circle
    hw = cut["notch_width"] / 2
    yj = math.sqrt(r * r - hw * hw)  # where the notch's sides meet the circle
    top = cut["notch_reach"] - r
    segment = r * r * math.asin(hw / r) - hw * yj  # the circle above y = yj, |x| <= hw
    return circle + 2 * hw * (top - yj) - segment - (2 - math.pi / 2) * cut["radius"] ** 2


def cut_box(cut: dict[str, Any], rotation: float) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 of an `expected_cut` about its placement point (mm), turned
    `rotation` degrees counter-clockwise: a rect about its centre, a circle (notched or
    not) about the circle's centre, the notch at +Y before turning."""
    if cut["shape"] == "rect":
        w, h = cut["width"] / 2, cut["height"] / 2
        box = (-w, -h, w, h)
    else:
        r = cut["diameter"] / 2
        top = max(r, cut["notch_reach"] - r) if cut["shape"] == "circle-notch" else r
        box = (-r, -r, r, top)
    a = math.radians(rotation)
    c, s = round(math.cos(a)), round(math.sin(a))  # quarter turns only
    corners = [(x * c - y * s, x * s + y * c) for x in (box[0], box[2]) for y in (box[1], box[3])]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)
