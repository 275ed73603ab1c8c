"""Free contours for the template format: a loop of inline segments, or the one closed
loop of a user's DXF file (ASCII DXF, read here without a DXF library: the data layer
stays free of ezdxf). Loops come back as counter-clockwise bulge vertices (mm), checked
to be cuttable (`check_loop`): what is read here, the DXF writer writes lint-clean."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np

from geom.data.checked import RESOLUTION_MM
from geom.errors import Plain
from geom.model.contour import Arc, Line, Vertex, offset_loop, segments

JOIN_MM = 1e-6
"""Segment ends closer than this join (the DXF lint's tolerance)."""

READ_ENTITIES = ("LWPOLYLINE", "LINE", "ARC")
"""The entities a contour DXF may hold; any other (CIRCLE, SPLINE, ELLIPSE, POLYLINE,
TEXT, ...) is refused by name, never silently dropped."""

_Piece = tuple[tuple[float, float], tuple[float, float], float]
"""(start, end, bulge): a line (bulge 0) or an arc of at most a full turn."""


class BadLoop(ValueError):
    """A loop geom cannot cut: `value` names the piece (a segment, a corner, the loop or
    an entity), `problem` says what is wrong with it."""

    def __init__(self, value: str, problem: str) -> None:
        self.value, self.problem = Plain(value), problem
        super().__init__(f"{value} is {problem}")


def _finite(raw: object) -> float | None:
    """`raw` as a finite float, or None (not a number, nan, infinite, or beyond floats)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = float(raw)
    except (OverflowError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _point(raw: Any, what: str) -> tuple[float, float]:
    if isinstance(raw, list) and len(raw) == 2 and not any(isinstance(v, str) for v in raw):
        x, y = _finite(raw[0]), _finite(raw[1])
        if x is not None and y is not None:
            return x, y
    raise BadLoop(what, "not a point [x, y] of two finite numbers")


def _arc_piece(cx: float, cy: float, r: float, a0: float, a1: float, what: str) -> _Piece:
    """The counter-clockwise arc from `a0` to `a1` (degrees) about (cx, cy), radius r."""
    if r < RESOLUTION_MM:
        raise BadLoop(what, f"an arc of radius {r:g} mm, under {RESOLUTION_MM:g} mm")
    sweep = (a1 - a0) % 360.0
    if sweep * math.pi / 180 * r < RESOLUTION_MM:
        raise BadLoop(what, "an arc of no length (a full circle is a circle cutout, not a contour)")
    s = (cx + r * math.cos(math.radians(a0)), cy + r * math.sin(math.radians(a0)))
    e = (cx + r * math.cos(math.radians(a1)), cy + r * math.sin(math.radians(a1)))
    return s, e, math.tan(math.radians(sweep) / 4)


def loop_of_segments(raw: Any) -> list[Vertex]:
    """The template's `segments` value as a closed counter-clockwise loop, checked."""
    if not isinstance(raw, list) or len(raw) < 2:
        raise BadLoop("segments", "not a list of two or more segments")
    pieces: list[_Piece] = []
    for i, seg in enumerate(raw):
        what = f"segment {i}"
        if not isinstance(seg, dict) or len(seg) != 1:
            raise BadLoop(what, "not one { line = ... } or { arc = ... }")
        ((kind, body),) = seg.items()
        if kind == "line":
            if not isinstance(body, list) or len(body) != 2:
                raise BadLoop(what, "not a line [[x0, y0], [x1, y1]]")
            pieces.append((_point(body[0], what), _point(body[1], what), 0.0))
        elif kind == "arc":
            if not isinstance(body, dict) or set(body) != {"centre", "radius", "start", "end"}:
                raise BadLoop(what, "not an arc of centre, radius, start and end")
            keys = ("radius", "start", "end")
            nums = [None if isinstance(body[k], str) else _finite(body[k]) for k in keys]
            if any(v is None for v in nums):
                raise BadLoop(what, "an arc whose radius, start and end are not finite numbers")
            r, a0, a1 = (float(v or 0.0) for v in nums)
            cx, cy = _point(body["centre"], f"{what} centre")
            pieces.append(_arc_piece(cx, cy, r, a0, a1, what))
        else:
            raise BadLoop(what, f"{kind!r}, neither line nor arc")
    return check_loop(chain(pieces))


def chain(pieces: list[_Piece]) -> list[Vertex]:
    """Pieces joined end to end into one closed loop (each may run either way round),
    counter-clockwise; raises BadLoop for a gap, a branch or a second loop."""
    todo = list(pieces)
    first = todo.pop(0)
    loop = [first]
    while todo:
        tail = loop[-1][1]
        for k, (s, e, b) in enumerate(todo):
            if math.dist(s, tail) <= JOIN_MM:
                loop.append(todo.pop(k))
                break
            if math.dist(e, tail) <= JOIN_MM:
                todo.pop(k)
                loop.append((e, s, -b))
                break
        else:
            raise BadLoop(
                f"the end ({tail[0]:g}, {tail[1]:g})",
                f"joined to no other piece ({len(todo)} left over): one closed loop is needed",
            )
    if math.dist(loop[-1][1], loop[0][0]) > JOIN_MM:
        end = loop[-1][1]
        raise BadLoop(f"the end ({end[0]:g}, {end[1]:g})", "not back at the first piece's start")
    vertices = [(s[0], s[1], b) for s, _, b in loop]
    if _area(vertices) < 0:  # clockwise: the same loop the other way round
        n = len(vertices)
        vertices = [
            (vertices[(i + 1) % n][0], vertices[(i + 1) % n][1], -vertices[i][2]) for i in range(n)
        ]
        vertices.reverse()
    return vertices


def _area(loop: list[Vertex]) -> float:
    """Signed area of a bulge loop (mm2, > 0 counter-clockwise)."""
    area = 0.0
    n = len(loop)
    for i, (x0, y0, b) in enumerate(loop):
        x1, y1, _ = loop[(i + 1) % n]
        area += (x0 * y1 - x1 * y0) / 2
        if b:
            angle = 4 * math.atan(b)
            chord = math.hypot(x1 - x0, y1 - y0)
            if chord > 0:
                r = chord / (2 * math.sin(abs(angle) / 2))
                area += math.copysign(r * r / 2 * (abs(angle) - math.sin(abs(angle))), b)
    return area


# --- what a cut loop must be --------------------------------------------------------------


def _show(seg: Line | Arc) -> str:
    (x0, y0), (x1, y1) = seg.start, seg.end
    if isinstance(seg, Line):
        return f"the line ({x0:g}, {y0:g}) -> ({x1:g}, {y1:g})"
    return f"the arc R {seg.radius:g} about ({seg.centre[0]:g}, {seg.centre[1]:g})"


def _length(seg: Line | Arc) -> float:
    if isinstance(seg, Line):
        return math.dist(seg.start, seg.end)
    return seg.radius * math.radians((seg.end_angle - seg.start_angle) % 360.0 or 360.0)


def _samples(seg: Line | Arc) -> Any:
    """Points along the segment (an arc flattened to within a tenth of the resolution,
    at most 256 chords), as an (n, 2) array from start to end."""
    if isinstance(seg, Line):
        return np.array([seg.start, seg.end])
    sweep = math.radians((seg.end_angle - seg.start_angle) % 360.0 or 360.0)
    step = 2 * math.acos(max(-1.0, 1 - RESOLUTION_MM / 10 / seg.radius))
    n = min(256, max(2, math.ceil(sweep / step)))
    a = math.radians(seg.start_angle) + np.linspace(0.0, sweep, n + 1)
    return np.column_stack(
        (seg.centre[0] + seg.radius * np.cos(a), seg.centre[1] + seg.radius * np.sin(a))
    )


def _gap(p: Any, q: Any) -> float:
    """The least distance between two polylines ((n, 2) arrays, mm; a single point is one
    too); 0 where they cross."""
    if len(p) == 1:
        p = p.repeat(2, axis=0)
    a0, a1 = p[:-1, None, :], p[1:, None, :]
    b0, b1 = q[None, :-1, :], q[None, 1:, :]

    def cross(o: Any, u: Any, v: Any) -> Any:
        return (u[..., 0] - o[..., 0]) * (v[..., 1] - o[..., 1]) - (u[..., 1] - o[..., 1]) * (
            v[..., 0] - o[..., 0]
        )

    d1, d2 = cross(a0, a1, b0), cross(a0, a1, b1)
    d3, d4 = cross(b0, b1, a0), cross(b0, b1, a1)
    if np.any((d1 * d2 < 0) & (d3 * d4 < 0)):
        return 0.0

    def point_to(pts: Any, s0: Any, s1: Any) -> Any:
        d = s1 - s0
        dd = np.maximum((d**2).sum(-1), 1e-300)
        t = np.clip(((pts - s0) * d).sum(-1) / dd, 0.0, 1.0)
        return np.hypot(*np.moveaxis(pts - (s0 + t[..., None] * d), -1, 0))

    return float(
        min(
            point_to(p[:, None, :], q[None, :-1, :], q[None, 1:, :]).min(),
            point_to(q[:, None, :], p[None, :-1, :], p[None, 1:, :]).min(),
        )
    )


def _on_arc(arc: Arc, x: float, y: float) -> bool:
    """Whether the point (x, y), on the arc's circle, lies within its span."""
    angle = math.degrees(math.atan2(y - arc.centre[1], x - arc.centre[0]))
    span = (arc.end_angle - arc.start_angle) % 360.0 or 360.0
    return (angle - arc.start_angle) % 360.0 <= span + 1e-9


def _second_meeting(a: Line | Arc, b: Line | Arc, shared: Any) -> float:
    """0 when two neighbours sharing the corner `shared` meet a second time (a line
    through an arc's circle, or two arcs' circles crossing again within both spans),
    else infinity; two lines meet again only folded back (a spike, found before)."""
    px, py = float(shared[0]), float(shared[1])
    if isinstance(a, Line) and isinstance(b, Line):
        return math.inf
    if isinstance(a, Arc) and isinstance(b, Arc):
        (ax, ay), (bx, by) = a.centre, b.centre
        d = math.hypot(bx - ax, by - ay)
        if d < RESOLUTION_MM:
            return math.inf  # one circle: a fold-back, which is a spike
        ux, uy = (bx - ax) / d, (by - ay) / d
        vx, vy = px - ax, py - ay
        along = vx * ux + vy * uy
        qx, qy = ax + 2 * along * ux - vx, ay + 2 * along * uy - vy
    else:
        line, arc = (a, b) if isinstance(a, Line) else (b, a)
        assert isinstance(line, Line) and isinstance(arc, Arc)
        far = (
            line.end
            if math.dist(line.start, (px, py)) < math.dist(line.end, (px, py))
            else line.start
        )
        length = math.dist(far, (px, py))
        ux, uy = (far[0] - px) / length, (far[1] - py) / length
        t = -2 * (ux * (px - arc.centre[0]) + uy * (py - arc.centre[1]))
        if not RESOLUTION_MM < t <= length:
            return math.inf
        qx, qy = px + t * ux, py + t * uy
    if math.hypot(qx - px, qy - py) < RESOLUTION_MM:
        return math.inf  # tangent: they meet only at the corner
    arcs = [seg for seg in (a, b) if isinstance(seg, Arc)]
    return 0.0 if all(_on_arc(arc, qx, qy) for arc in arcs) else math.inf


def _turn(v_in: Vertex, v: Vertex, v_out: Vertex) -> tuple[float, float]:
    """(cross, dot) of the unit directions arriving at and leaving the vertex `v`."""

    def direction(x0: float, y0: float, x1: float, y1: float, b: float, at_end: bool) -> Any:
        chord = math.atan2(y1 - y0, x1 - x0)
        half = 2 * math.atan(b)
        a = chord + half if at_end else chord - half
        return math.cos(a), math.sin(a)

    t_in = direction(v_in[0], v_in[1], v[0], v[1], v_in[2], True)
    t_out = direction(v[0], v[1], v_out[0], v_out[1], v[2], False)
    return t_in[0] * t_out[1] - t_in[1] * t_out[0], t_in[0] * t_out[0] + t_in[1] * t_out[1]


def check_loop(loop: list[Vertex]) -> list[Vertex]:
    """`loop` (counter-clockwise, mm) if geom can cut it: every piece at least
    `RESOLUTION_MM` long (no repeated vertex), no corner that turns back on itself (a
    spike), no two pieces meeting anywhere but at their shared corner (self-touching or
    self-crossing), an area, and no inward corner at an arc (the cut grows the loop
    outwards); raises BadLoop naming the place."""
    if len(loop) < 2:
        raise BadLoop("the loop", "fewer than two pieces")
    n = len(loop)
    for i, (x0, y0, _) in enumerate(loop):
        x1, y1, _ = loop[(i + 1) % n]
        if math.hypot(x1 - x0, y1 - y0) < RESOLUTION_MM:
            raise BadLoop(
                f"the vertex ({x1:g}, {y1:g})", f"within {RESOLUTION_MM:g} mm of the one before"
            )
    segs = segments(loop)
    for seg in segs:
        if _length(seg) < RESOLUTION_MM:
            raise BadLoop(_show(seg), f"shorter than {RESOLUTION_MM:g} mm (a repeated vertex)")
    for i, v in enumerate(loop):
        cross, dot = _turn(loop[i - 1], v, loop[(i + 1) % n])
        if dot < 0 and abs(cross) < 1e-9:
            raise BadLoop(f"the corner at ({v[0]:g}, {v[1]:g})", "a spike (the loop turns back)")
    points = [_samples(seg) for seg in segs]
    lows = [p.min(axis=0) - RESOLUTION_MM for p in points]
    highs = [p.max(axis=0) + RESOLUTION_MM for p in points]
    for i, j in itertools.combinations(range(n), 2):
        if np.any(lows[i] > highs[j]) or np.any(lows[j] > highs[i]):
            continue
        if n == 2:  # two pieces share both ends; a plain loop of two meets nowhere else
            continue
        if j == i + 1:  # i's end is j's start: no far end touches, no second meeting
            gap = min(_gap(points[i][:1], points[j]), _gap(points[j][-1:], points[i]))
            gap = min(gap, _second_meeting(segs[i], segs[j], points[j][0]))
        elif i == 0 and j == n - 1:  # j's end is i's start
            gap = min(_gap(points[i][-1:], points[j]), _gap(points[j][:1], points[i]))
            gap = min(gap, _second_meeting(segs[i], segs[j], points[i][0]))
        else:
            gap = _gap(points[i], points[j])
        if gap < RESOLUTION_MM:
            raise BadLoop(
                _show(segs[i]), f"touching or crossing {_show(segs[j])} (the loop meets itself)"
            )
    if _area(loop) < RESOLUTION_MM**2:
        raise BadLoop("the loop", "enclosing no area")
    try:
        offset_loop(loop, RESOLUTION_MM)
    except ValueError as exc:
        raise BadLoop("the loop", f"not growable: {exc}") from None
    return loop


# --- a contour DXF ------------------------------------------------------------------------


def read_dxf_loop(path: Path, layer: str | None) -> list[Vertex]:
    """The one closed loop of an ASCII DXF file's LWPOLYLINE, LINE and ARC entities (on
    `layer`, or on any layer), counter-clockwise (mm), checked. Any other entity there is
    refused by name (a CIRCLE is a circle cutout, not a free contour)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise BadLoop(path.name, f"unreadable ({exc.strerror})") from None
    lines = text.splitlines()
    pairs = [(lines[i].strip(), lines[i + 1].strip()) for i in range(0, len(lines) - 1, 2)]
    entities: list[list[tuple[str, str]]] = []
    in_entities = False
    for code, value in pairs:
        if code == "2" and value == "ENTITIES":
            in_entities = True
        elif code == "0" and value == "ENDSEC":
            in_entities = False
        elif in_entities and code == "0":
            entities.append([(code, value)])
        elif in_entities and entities:
            entities[-1].append((code, value))
    if layer is not None:
        entities = [e for e in entities if dict(e).get("8") == layer]
    others = sorted({e[0][1] for e in entities if e[0][1] not in READ_ENTITIES})
    if others:
        raise BadLoop(
            ", ".join(others),
            f"in the file, and not read for a contour (only {', '.join(READ_ENTITIES)})",
        )
    loops: list[list[Vertex]] = []
    pieces: list[_Piece] = []
    for k, entity in enumerate(entities):
        kind = entity[0][1]
        what = f"{kind} #{k}"
        g = dict(entity)
        if kind == "LWPOLYLINE":
            loop = _lwpolyline(entity, pieces, what)
            if loop:
                loops.append(loop)
            continue
        nums = {code: _finite(g.get(code)) for code in ("10", "20", "11", "21", "40", "50", "51")}
        need = ("10", "20", "11", "21") if kind == "LINE" else ("10", "20", "40", "50", "51")
        if any(nums[c] is None for c in need):
            raise BadLoop(what, "missing a coordinate or holding one that is not a finite number")
        v = {c: float(nums[c] or 0.0) for c in need}
        if kind == "LINE":
            pieces.append(((v["10"], v["20"]), (v["11"], v["21"]), 0.0))
        else:
            pieces.append(_arc_piece(v["10"], v["20"], v["40"], v["50"], v["51"], what))
    if pieces:
        loops.append(chain(pieces))
    if len(loops) != 1:
        where = f" on layer {layer!r}" if layer else ""
        raise BadLoop(f"{len(loops)} closed loops{where}", "not one closed loop")
    return check_loop(loops[0])


def _lwpolyline(entity: list[tuple[str, str]], pieces: list[_Piece], what: str) -> list[Vertex]:
    """A closed LWPOLYLINE as a loop; an open one adds its pieces to `pieces` (empty
    loop returned)."""
    flags = 0
    points: list[list[float]] = []
    for code, value in entity:
        number = _finite(value) if code in ("70", "10", "20", "42") else 0.0
        if number is None:
            raise BadLoop(what, f"holding {value!r} where a finite number belongs (code {code})")
        if code == "70":
            flags = int(number)
        elif code == "10":
            points.append([number, 0.0, 0.0])
        elif code == "20" and points:
            points[-1][1] = number
        elif code == "42" and points:
            points[-1][2] = number
    verts = [(p[0], p[1], p[2]) for p in points]
    if len(verts) < 2:
        raise BadLoop(what, f"a polyline of {len(verts)} vertices")
    if flags & 1:
        closed = [*verts, verts[0]]
        return chain([((v[0], v[1]), (w[0], w[1]), v[2]) for v, w in itertools.pairwise(closed)])
    pieces += [((v[0], v[1]), (w[0], w[1]), v[2]) for v, w in itertools.pairwise(verts)]
    return []
