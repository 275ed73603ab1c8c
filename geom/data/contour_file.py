"""Free contours for the template format: a loop of inline segments, or the one closed
loop of a user's DXF file (ASCII DXF, read here without a DXF library: the data layer
stays free of ezdxf). Loops come back as counter-clockwise bulge vertices (mm)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

from geom.model.contour import Vertex

JOIN_MM = 1e-6
"""Segment ends closer than this join (the DXF lint's tolerance)."""

_Piece = tuple[tuple[float, float], tuple[float, float], float]
"""(start, end, bulge): a line (bulge 0) or an arc of at most a full turn."""


def _point(raw: Any, what: str) -> tuple[float, float]:
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw)
        or not all(math.isfinite(v) for v in raw)
    ):
        raise ValueError(f"{what} is not a point [x, y]")
    return float(raw[0]), float(raw[1])


def _arc_piece(cx: float, cy: float, r: float, a0: float, a1: float) -> _Piece:
    """The counter-clockwise arc from `a0` to `a1` (degrees) about (cx, cy), radius r."""
    if not (math.isfinite(r) and r > JOIN_MM):
        raise ValueError(f"an arc of radius {r!r}")
    sweep = (a1 - a0) % 360.0
    if sweep < 1e-9:
        raise ValueError("an arc of zero sweep (a full circle is a circle cutout)")
    s = (cx + r * math.cos(math.radians(a0)), cy + r * math.sin(math.radians(a0)))
    e = (cx + r * math.cos(math.radians(a1)), cy + r * math.sin(math.radians(a1)))
    return s, e, math.tan(math.radians(sweep) / 4)


def loop_of_segments(raw: Any) -> list[Vertex]:
    """The template's `segments` value as a closed counter-clockwise loop."""
    if not isinstance(raw, list) or len(raw) < 2:
        raise ValueError("not a list of two or more segments")
    pieces: list[_Piece] = []
    for i, seg in enumerate(raw):
        if not isinstance(seg, dict) or len(seg) != 1:
            raise ValueError(f"segment {i} is not one {{ line = ... }} or {{ arc = ... }}")
        ((kind, body),) = seg.items()
        if kind == "line":
            if not isinstance(body, list) or len(body) != 2:
                raise ValueError(f"segment {i}: a line is [[x0, y0], [x1, y1]]")
            pieces.append((_point(body[0], f"segment {i}"), _point(body[1], f"segment {i}"), 0.0))
        elif kind == "arc":
            if not isinstance(body, dict) or set(body) != {"centre", "radius", "start", "end"}:
                raise ValueError(f"segment {i}: an arc has centre, radius, start and end")
            nums = [body["radius"], body["start"], body["end"]]
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in nums):
                raise ValueError(f"segment {i}: radius, start and end are numbers")
            cx, cy = _point(body["centre"], f"segment {i} centre")
            pieces.append(_arc_piece(cx, cy, float(nums[0]), float(nums[1]), float(nums[2])))
        else:
            raise ValueError(f"segment {i}: {kind!r} is neither line nor arc")
    return chain(pieces)


def chain(pieces: list[_Piece]) -> list[Vertex]:
    """Pieces joined end to end into one closed loop (each may run either way round),
    counter-clockwise; raises ValueError for a gap, a branch or a second loop."""
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
            raise ValueError(
                f"the segments do not join at ({tail[0]:g}, {tail[1]:g}) "
                f"({len(todo)} left over): one closed loop is needed"
            )
    if math.dist(loop[-1][1], loop[0][0]) > JOIN_MM:
        raise ValueError("the segments do not close back to the first one")
    vertices = [(s[0], s[1], b) for s, _, b in loop]
    if _area(vertices) < 0:  # clockwise: the same loop the other way round
        n = len(vertices)
        vertices = [
            (vertices[(i + 1) % n][0], vertices[(i + 1) % n][1], -vertices[i][2]) for i in range(n)
        ]
        vertices.reverse()
    if abs(_area(vertices)) < JOIN_MM:
        raise ValueError("the loop encloses no area")
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
            r = math.hypot(x1 - x0, y1 - y0) / (2 * math.sin(abs(angle) / 2))
            area += math.copysign(r * r / 2 * (abs(angle) - math.sin(abs(angle))), b)
    return area


def read_dxf_loop(path: Path, layer: str | None) -> list[Vertex]:
    """The one closed loop of an ASCII DXF file's LWPOLYLINE, LINE and ARC entities (on
    `layer`, or on any layer), counter-clockwise (mm). A CIRCLE is a circle cutout, not
    a free contour."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ValueError(f"unreadable ({exc.strerror})") from None
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
    loops: list[list[Vertex]] = []
    pieces: list[_Piece] = []
    for entity in entities:
        kind = entity[0][1]
        if layer is not None and dict(entity).get("8") != layer:
            continue
        try:
            if kind == "LWPOLYLINE":
                loops.append(_lwpolyline(entity, pieces))
            elif kind == "LINE":
                g = dict(entity)
                s = (float(g["10"]), float(g["20"]))
                e = (float(g["11"]), float(g["21"]))
                pieces.append((s, e, 0.0))
            elif kind == "ARC":
                g = dict(entity)
                pieces.append(
                    _arc_piece(
                        float(g["10"]),
                        float(g["20"]),
                        float(g["40"]),
                        float(g["50"]),
                        float(g["51"]),
                    )
                )
        except (KeyError, ValueError) as exc:
            raise ValueError(f"a {kind} the reader cannot use ({exc})") from None
    loops = [loop for loop in loops if loop]
    if pieces:
        loops.append(chain(pieces))
    if len(loops) != 1:
        where = f" on layer {layer!r}" if layer else ""
        raise ValueError(f"{len(loops)} closed loops{where}, one needed")
    return loops[0]


def _lwpolyline(entity: list[tuple[str, str]], pieces: list[_Piece]) -> list[Vertex]:
    """A closed LWPOLYLINE as a loop; an open one adds its pieces to `pieces` (empty
    loop returned)."""
    flags = 0
    points: list[list[float]] = []
    for code, value in entity:
        if code == "70":
            flags = int(value)
        elif code == "10":
            points.append([float(value), 0.0, 0.0])
        elif code == "20" and points:
            points[-1][1] = float(value)
        elif code == "42" and points:
            points[-1][2] = float(value)
    verts = [(p[0], p[1], p[2]) for p in points]
    if flags & 1:
        closed = [*verts, verts[0]]
        return chain([((v[0], v[1]), (w[0], w[1]), v[2]) for v, w in itertools.pairwise(closed)])
    pieces += [((v[0], v[1]), (w[0], w[1]), v[2]) for v, w in itertools.pairwise(verts)]
    return []
