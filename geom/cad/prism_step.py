"""A flat plate's solid as STEP records, written directly (no kernel transfer).

A panel plate is a prism: a planar front face at Z = 0 holding the outline and every
opening, the same face at Z = -t, and one side face per contour segment (a plane per
straight segment, a cylinder per arc). Its boundary representation is written here as
ISO 10303-42 topology (vertices, edges on lines and circles, edge loops, faces, one
closed shell) with no curves on surfaces, the way OpenCascade writes a plate without
pcurves: readers rebuild them exactly on planes and cylinders.

Why not the kernel: OpenCascade 7.9's STEP writers run the SplitCommonVertex operator
before every transfer, which compares every pair of wires of a face (n^2 / 2 pairs for
a plate with n openings: 4.5 s of a 6 s transfer at n = 1000), and its Python binding
offers no way to switch it off. So the kernel writes the file around a stand-in plate
without openings (product, names, colours, contexts, instances exactly as for any
shape), and `splice` puts the plate's own shell into the stand-in's solid.

The records use the same faces, edges and orientation rules as OpenCascade's prism of
the same contours (BRepPrimAPI_MakePrism): one side face per segment, so the same face
count. Sizes in mm. Same input, same text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geom.model.contour import Vertex

Contour = Sequence[Vertex]


@dataclass(frozen=True)
class Prism:
    """A plate: `outline` with `openings` cut through (closed bulge contours, counter-
    clockwise, mm), from Z = 0 down to Z = -`thickness`."""

    outline: Contour
    openings: Sequence[Contour]
    thickness: float
    countersinks: tuple[tuple[int, float, float], ...] = ()
    """(opening index, radius at Z = 0, depth) of each countersunk round opening: its cone
    narrows from that radius at the face to the hole's at Z = -depth (0 < depth < t)."""


def real(value: float) -> str:
    """A STEP REAL: shortest round-trip decimal, always with a point ("120.", "1.E-07")."""
    value = float(value)
    if value == 0.0:
        return "0."
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += "."
    elif mantissa.endswith(".0"):
        mantissa = mantissa[:-1]
    return f"{mantissa}E{exponent}" if e else mantissa


class _Records:
    """Records numbered from `first` on, one per line; points and directions shared."""

    def __init__(self, first: int) -> None:
        self.lines: list[str] = []
        self.next = first
        self._shared: dict[tuple[str, tuple[float, ...]], int] = {}

    def add(self, body: str) -> int:
        number = self.next
        self.lines.append(f"#{number} = {body};\n")
        self.next += 1
        return number

    def _vector(self, kind: str, values: tuple[float, ...]) -> int:
        key = (kind, tuple(v + 0.0 for v in values))  # -0.0 and 0.0 are one record
        found = self._shared.get(key)
        if found is None:
            found = self.add(f"{kind}('',({','.join(real(v) for v in key[1])}))")
            self._shared[key] = found
        return found

    def point(self, x: float, y: float, z: float) -> int:
        return self._vector("CARTESIAN_POINT", (x, y, z))

    def direction(self, x: float, y: float, z: float) -> int:
        return self._vector("DIRECTION", (x, y, z))

    def placement(self, origin: tuple[float, float, float], axis: int, ref: int) -> int:
        return self.add(f"AXIS2_PLACEMENT_3D('',#{self.point(*origin)},#{axis},#{ref})")


def _bool(flag: bool) -> str:
    return ".T." if flag else ".F."


@dataclass(frozen=True)
class _Segment:
    """One contour segment: straight (radius 0) or an arc about (cx, cy)."""

    x0: float
    y0: float
    x1: float
    y1: float
    bulge: float
    cx: float = 0.0
    cy: float = 0.0
    radius: float = 0.0


def _segments(contour: Contour) -> list[_Segment]:
    out: list[_Segment] = []
    n = len(contour)
    for i, (x0, y0, bulge) in enumerate(contour):
        x1, y1, _ = contour[(i + 1) % n]
        if bulge == 0.0:
            out.append(_Segment(x0, y0, x1, y1, 0.0))
            continue
        half = math.hypot(x1 - x0, y1 - y0) / 2
        sagitta = bulge * half  # signed, to the right of the travel for bulge > 0
        radius = (half * half + sagitta * sagitta) / (2 * abs(sagitta))
        nx, ny = (y1 - y0) / (2 * half), -(x1 - x0) / (2 * half)  # right of the travel
        offset = sagitta - math.copysign(radius, bulge)
        cx, cy = (x0 + x1) / 2 + nx * offset, (y0 + y1) / 2 + ny * offset
        out.append(_Segment(x0, y0, x1, y1, bulge, cx, cy, radius))
    return out


def shell_records(prism: Prism, first: int) -> tuple[int, list[str]]:
    """The plate's CLOSED_SHELL and everything under it, numbered from `first`: (the
    shell's number, the record lines). The shell's faces point out of the solid."""
    r = _Records(first)
    up, down = r.direction(0.0, 0.0, 1.0), r.direction(0.0, 0.0, -1.0)
    x_axis = r.direction(1.0, 0.0, 0.0)
    t = prism.thickness
    faces: list[int] = []
    top_bounds: list[int] = []
    bottom_bounds: list[int] = []

    def oriented(edge: int, forward: bool) -> int:
        return r.add(f"ORIENTED_EDGE('',*,*,#{edge},{_bool(forward)})")

    def bound(edges: list[int]) -> int:
        loop = r.add(f"EDGE_LOOP('',({','.join(f'#{e}' for e in edges)}))")
        return r.add(f"FACE_BOUND('',#{loop},.T.)")

    def curve(s: _Segment, z: float) -> tuple[int, bool]:
        """(curve, same sense) of the segment's edge at height z."""
        if s.bulge == 0.0:
            length = math.hypot(s.x1 - s.x0, s.y1 - s.y0)
            d = r.direction((s.x1 - s.x0) / length, (s.y1 - s.y0) / length, 0.0)
            vector = r.add(f"VECTOR('',#{d},1.)")
            return r.add(f"LINE('',#{r.point(s.x0, s.y0, z)},#{vector})"), True
        axes = r.placement((s.cx, s.cy, z), up, x_axis)
        return r.add(f"CIRCLE('',#{axes},{real(s.radius)})"), s.bulge > 0

    sinks = {k: (radius, depth) for k, radius, depth in prism.countersinks}
    for k, contour in enumerate((prism.outline, *prism.openings)):
        outline = k == 0
        segments = _segments(contour)
        n = len(segments)
        if k - 1 in sinks and not outline:
            radius, depth = sinks[k - 1]
            _countersunk(r, segments, radius, depth, t, faces, top_bounds, bottom_bounds)
            continue
        top = [r.add(f"VERTEX_POINT('',#{r.point(s.x0, s.y0, 0.0)})") for s in segments]
        bottom = [r.add(f"VERTEX_POINT('',#{r.point(s.x0, s.y0, -t)})") for s in segments]
        vertical = []
        for i, s in enumerate(segments):
            vector = r.add(f"VECTOR('',#{up},1.)")
            line = r.add(f"LINE('',#{r.point(s.x0, s.y0, -t)},#{vector})")
            vertical.append(r.add(f"EDGE_CURVE('',#{bottom[i]},#{top[i]},#{line},.T.)"))
        top_edges: list[int] = []
        bottom_edges: list[int] = []
        for i, s in enumerate(segments):
            j = (i + 1) % n
            for z, ends, edges in ((0.0, top, top_edges), (-t, bottom, bottom_edges)):
                line, sense = curve(s, z)
                edge = f"EDGE_CURVE('',#{ends[i]},#{ends[j]},#{line},{_bool(sense)})"
                edges.append(r.add(edge))
        for i, s in enumerate(segments):
            j = (i + 1) % n
            # Seen from outside the solid, counter-clockwise: the outline's material is
            # left of its travel, an opening's right of it.
            if outline:
                loop = [(bottom_edges[i], True), (vertical[j], True)]
                loop += [(top_edges[i], False), (vertical[i], False)]
            else:
                loop = [(vertical[i], True), (top_edges[i], True)]
                loop += [(vertical[j], False), (bottom_edges[i], False)]
            face_bound = bound([oriented(e, f) for e, f in loop])
            if s.bulge == 0.0:
                length = math.hypot(s.x1 - s.x0, s.y1 - s.y0)
                dx, dy = (s.x1 - s.x0) / length, (s.y1 - s.y0) / length
                out = (dy, -dx) if outline else (-dy, dx)
                axes = r.placement(
                    (s.x0, s.y0, 0.0), r.direction(*out, 0.0), r.direction(dx, dy, 0.0)
                )
                surface, sense = r.add(f"PLANE('',#{axes})"), True
            else:
                axes = r.placement((s.cx, s.cy, 0.0), up, x_axis)
                surface = r.add(f"CYLINDRICAL_SURFACE('',#{axes},{real(s.radius)})")
                sense = (s.bulge > 0) == outline  # the cylinder's normal points off its axis
            faces.append(r.add(f"ADVANCED_FACE('',(#{face_bound}),#{surface},{_bool(sense)})"))
        if outline:
            top_bounds.append(bound([oriented(e, True) for e in top_edges]))
            bottom_bounds.append(bound([oriented(e, False) for e in reversed(bottom_edges)]))
        else:
            top_bounds.append(bound([oriented(e, False) for e in reversed(top_edges)]))
            bottom_bounds.append(bound([oriented(e, True) for e in bottom_edges]))
    for z, normal, bounds in ((0.0, up, top_bounds), (-t, down, bottom_bounds)):
        plane = r.add(f"PLANE('',#{r.placement((0.0, 0.0, z), normal, x_axis)})")
        refs = ",".join(f"#{b}" for b in bounds)
        faces.append(r.add(f"ADVANCED_FACE('',({refs}),#{plane},.T.)"))
    shell = r.add(f"CLOSED_SHELL('',({','.join(f'#{f}' for f in faces)}))")
    return shell, r.lines


def _countersunk(
    r: _Records,
    segments: list[_Segment],
    radius: float,
    depth: float,
    t: float,
    faces: list[int],
    top_bounds: list[int],
    bottom_bounds: list[int],
) -> None:
    """A round opening (arcs about one centre) with a countersink: per arc, a conical
    face from `radius` at Z = 0 down to the hole at Z = -`depth`, then a cylindrical face
    down to Z = -t. Adds the faces and the opening's loops on the front and back faces."""
    up, x_axis = r.direction(0.0, 0.0, 1.0), r.direction(1.0, 0.0, 0.0)
    n = len(segments)
    cx, cy, hole = segments[0].cx, segments[0].cy, segments[0].radius
    scale = radius / hole

    def at(s: _Segment, z: float, grow: float) -> tuple[float, float, float]:
        return cx + (s.x0 - cx) * grow, cy + (s.y0 - cy) * grow, z

    levels = ((0.0, scale, radius), (-depth, 1.0, hole), (-t, 1.0, hole))
    rings = [
        [r.add(f"VERTEX_POINT('',#{r.point(*at(s, z, g))})") for s in segments]
        for z, g, _ in levels
    ]
    rims: list[list[int]] = []
    for (z, _, rad), ends in zip(levels, rings, strict=True):
        edges = []
        for i, s in enumerate(segments):
            axes = r.placement((cx, cy, z), up, x_axis)
            circle = r.add(f"CIRCLE('',#{axes},{real(rad)})")
            edge = f"EDGE_CURVE('',#{ends[i]},#{ends[(i + 1) % n]},#{circle},{_bool(s.bulge > 0)})"
            edges.append(r.add(edge))
        rims.append(edges)
    risers: list[list[int]] = []  # per band (cone, then cylinder): bottom to top per vertex
    for upper, lower in ((0, 1), (1, 2)):
        edges = []
        for i, s in enumerate(segments):
            (x1, y1, z1), (x0, y0, z0) = at(s, *levels[upper][:2]), at(s, *levels[lower][:2])
            length = math.dist((x0, y0, z0), (x1, y1, z1))
            d = r.direction((x1 - x0) / length, (y1 - y0) / length, (z1 - z0) / length)
            vector = r.add(f"VECTOR('',#{d},1.)")
            line = r.add(f"LINE('',#{r.point(x0, y0, z0)},#{vector})")
            edges.append(r.add(f"EDGE_CURVE('',#{rings[lower][i]},#{rings[upper][i]},#{line},.T.)"))
        risers.append(edges)

    def oriented(edge: int, forward: bool) -> int:
        return r.add(f"ORIENTED_EDGE('',*,*,#{edge},{_bool(forward)})")

    def bound(edges: list[int]) -> int:
        loop = r.add(f"EDGE_LOOP('',({','.join(f'#{e}' for e in edges)}))")
        return r.add(f"FACE_BOUND('',#{loop},.T.)")

    semi = math.atan((radius - hole) / depth)
    cone_axes = r.placement((cx, cy, 0.0), up, x_axis)
    cone = r.add(f"CONICAL_SURFACE('',#{cone_axes},{real(radius)},{real(semi)})")
    cylinder = r.add(
        f"CYLINDRICAL_SURFACE('',#{r.placement((cx, cy, 0.0), up, x_axis)},{real(hole)})"
    )
    for band, (surface, upper, lower) in enumerate(((cone, 0, 1), (cylinder, 1, 2))):
        side = risers[band]
        for i, s in enumerate(segments):
            j = (i + 1) % n
            loop = [(side[i], True), (rims[upper][i], True), (side[j], False)]
            loop += [(rims[lower][i], False)]
            face_bound = bound([oriented(e, f) for e, f in loop])
            sense = _bool(not s.bulge > 0)  # the surface's normal points off its axis
            faces.append(r.add(f"ADVANCED_FACE('',(#{face_bound}),#{surface},{sense})"))
    top_bounds.append(bound([oriented(e, False) for e in reversed(rims[0])]))
    bottom_bounds.append(bound([oriented(e, True) for e in rims[2]]))


_RECORD = re.compile(r"^#(\d+)\s*=\s*((?:[^;']|'[^']*')*);[ \t]*\r?\n", re.MULTILINE)
_REF = re.compile(r"#(\d+)")
_PIECES = re.compile(r"('[^']*')")


def _renumbered(body: str, numbers: dict[int, int]) -> str:
    pieces = _PIECES.split(body)  # odd pieces are strings, never touched
    for i in range(0, len(pieces), 2):
        pieces[i] = _REF.sub(lambda m: f"#{numbers[int(m.group(1))]}", pieces[i])
    return "".join(pieces)


def splice(text: str, plates: dict[int, Prism]) -> str:
    """The STEP `text` with each MANIFOLD_SOLID_BREP record numbered in `plates` (a
    stand-in's) holding its prism's shell instead of its own. The stand-ins' shells and
    everything only they used are left out, each plate's records follow its solid's, and
    every record is numbered again in file order. Raises RuntimeError when the text is
    not laid out as expected (a solid is missing, or a record outside a stand-in's shell
    uses one of its records)."""
    head, sep, rest = text.partition("\nDATA;\n")
    end = rest.rfind("ENDSEC;")
    if not sep or end < 0:
        raise RuntimeError("STEP text without a DATA section")
    data = rest[:end]
    matches = list(_RECORD.finditer(data))
    if sum(len(m.group(0)) for m in matches) != len(data):
        raise RuntimeError("STEP records not understood")
    records = [(int(m.group(1)), m.group(2)) for m in matches]
    bodies = dict(records)
    own: set[int] = set()  # the stand-ins' shells and what they reference
    for solid in plates:
        found = re.fullmatch(r"MANIFOLD_SOLID_BREP\('[^']*',#(\d+)\)", bodies.get(solid, ""))
        if found is None:
            raise RuntimeError(f"no MANIFOLD_SOLID_BREP #{solid} to put a plate into")
        todo = [int(found.group(1))]
        while todo:
            number = todo.pop()
            if number not in own:
                own.add(number)
                todo += [int(ref) for ref in _REF.findall(_PIECES.sub("", bodies[number]))]
    for number, body in records:
        refs = _REF.findall(_PIECES.sub("", body))
        if number not in own and number not in plates and own.intersection(map(int, refs)):
            raise RuntimeError(f"STEP record #{number} uses a stand-in plate's records")
    kept = [(number, body) for number, body in records if number not in own]
    numbers: dict[int, int] = {}
    shells: dict[int, tuple[int, list[str]]] = {}
    count = 0
    for number, _ in kept:
        count += 1
        numbers[number] = count
        if number in plates:
            shells[number] = shell_records(plates[number], count + 1)
            count += len(shells[number][1])
    out: list[str] = []
    for number, body in kept:
        if number in plates:
            shell, lines = shells[number]
            out.append(f"#{numbers[number]} = MANIFOLD_SOLID_BREP('',#{shell});\n")
            out += lines
        else:
            out.append(f"#{numbers[number]} = {_renumbered(body, numbers)};\n")
    return head + sep + "".join(out) + rest[end:]
