"""Enclosures for `geom cut`: read a STEP solid, find one planar face and its 2D frame,
measure the wall with a ray, measure openings against the face's boundary, cut every
opening at once (through one flat wall by rebuilding its two faces, `cut_through`, else
in one boolean, `cut`), and measure bodies against the enclosure (`collision`).
OpenCascade through cadquery; sizes in mm.

The face's frame: the outward normal n is the frame's +Z. When the face is horizontal
(|n.z| >= |n.x| and |n.y|), X is world +X projected on the face; otherwise Y (up) is
world +Z projected on the face and X = Y x n. Y = n x X. Seen from outside (from n's
side) X points right and Y up. The origin is the lower-left corner of the face's
bounding box in that frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.errors import InputError, MissingExtra
from geom.model.contour import Vertex

try:
    import cadquery as cq
except ModuleNotFoundError as exc:  # an optional extra: one line naming it, no traceback
    if exc.name != "cadquery":
        raise
    raise MissingExtra("geom cut", "CadQuery", "cadquery") from None

Box3 = tuple[float, float, float, float, float, float]
"""A bounding box: xmin, ymin, zmin, xmax, ymax, zmax (mm)."""

ON_FACE_MM = 1e-4
"""How far a point may lie off the face it names (mm)."""
RAY_START_MM = 1.0
"""The ray that measures the wall starts this far outside the face (mm)."""
OVERSHOOT_MM = 1.0
"""How far a cutting tool reaches past the wall on either side, at most (mm)."""
PARALLEL = 1e-6
"""1 - cos of the largest angle between a face's normal and the one the layout gives."""
SEGMENT_MM = 0.05
"""Chord error when a face edge that is no line or circle is drawn as segments (mm)."""


@dataclass(frozen=True)
class FaceFrame:
    """A planar face of the enclosure and its 2D frame (see the module's docstring)."""

    face: cq.Face
    plane: cq.Plane
    width: float
    """The face's bounding box along the frame's X and Y (mm)."""
    height: float

    @property
    def normal(self) -> cq.Vector:
        return self.plane.zDir

    def world(self, x: float, y: float) -> cq.Vector:
        return self.plane.toWorldCoords((x, y))


def read_step(
    path: Path, where: str = "command line", field: str = "ENCLOSURE"
) -> tuple[cq.Shape, tuple[str, ...]]:
    """The one solid of a STEP file (read where the reader's crashes cannot reach, closed
    shells as the solid they bound: geom.cad.step_read) and the notes reading it made;
    anything else raises InputError."""
    from geom.cad.step_read import read_solid

    found = read_solid(path, where, field)
    return cq.Shape.cast(found.solid), found.notes


def find_face(
    solid: cq.Shape,
    where: str,
    select: str | None = None,
    point: tuple[float, float, float] | None = None,
    normal: tuple[float, float, float] | None = None,
) -> FaceFrame:
    """The one planar face that `select` (a CadQuery string selector) picks, or the planar
    face through `point` whose outward normal is `normal`; with its frame."""
    value: object
    if select is not None:
        field, value = "face.select", select
        try:
            faces = cq.Workplane().add(solid).faces(select).vals()
        except Exception as exc:  # cadquery's parser raises several kinds
            raise InputError(
                where, field, value, f"not a CadQuery selector ({type(exc).__name__})", '">Z"'
            ) from None
    else:
        assert point is not None and normal is not None
        field, value = "face.point", list(point)
        at, n = cq.Vector(*point), cq.Vector(*normal)
        faces = [
            f
            for f in solid.Faces()
            if _distance(f, at) < ON_FACE_MM
            and (f.geomType() != "PLANE" or f.normalAt(at).dot(n) > 1 - PARALLEL)
        ]
    allowed = "exactly one planar face of the enclosure"
    if not faces:
        raise InputError(where, field, value, "matching no face of the enclosure", allowed)
    if len(faces) > 1:
        raise InputError(where, field, value, f"matching {len(faces)} faces", allowed)
    face = faces[0]
    if not isinstance(face, cq.Face) or face.geomType() != "PLANE":
        kind = face.geomType().lower() if isinstance(face, cq.Face) else type(face).__name__
        raise InputError(where, field, value, f"matching a {kind} face, not a planar one", allowed)
    return frame_of(face)


def frame_of(face: cq.Face) -> FaceFrame:
    """The face's frame (the module's docstring)."""
    n = face.normalAt(face.Center()).normalized()
    if abs(n.z) >= max(abs(n.x), abs(n.y)):
        x_dir = (cq.Vector(1, 0, 0) - n * n.x).normalized()
    else:
        up = (cq.Vector(0, 0, 1) - n * n.z).normalized()
        x_dir = up.cross(n).normalized()
    centred = cq.Plane(origin=face.Center(), xDir=x_dir, normal=n)
    x0, y0, x1, y1 = _box_2d(_local(face, centred))
    origin = centred.toWorldCoords((x0, y0))
    plane = cq.Plane(origin=origin, xDir=x_dir, normal=n)
    return FaceFrame(face, plane, x1 - x0, y1 - y0)


def centred(frame: FaceFrame) -> FaceFrame:
    """The same face and axes with the origin at the centre of its bounding box (a box's
    faces, as Tayda's drill tool measures them)."""
    plane = frame.plane
    origin = frame.world(frame.width / 2, frame.height / 2)
    return FaceFrame(
        frame.face, cq.Plane(origin, plane.xDir, plane.zDir), frame.width, frame.height
    )


def as_shape(solid: Any) -> cq.Shape:
    """An OCP solid (geom.cad.box) as the enclosure `find_face` and `wall` take."""
    return cq.Shape.cast(solid)


def _box_2d(shape: cq.Shape) -> tuple[float, float, float, float]:
    """The exact bounding box in X and Y (OpenCascade's optimal box, no gap)."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape.wrapped, box, False, False)
    x0, y0, _, x1, y1, _ = box.Get()
    return x0, y0, x1, y1


def _local(shape: cq.Shape, plane: cq.Plane) -> cq.Shape:
    return shape.transformShape(plane.fG)


def _distance(shape: cq.Shape, point: cq.Vector) -> float:
    from OCP.BRepExtrema import BRepExtrema_DistShapeShape

    dist = BRepExtrema_DistShapeShape(shape.wrapped, cq.Vertex.makeVertex(*point).wrapped)
    return float(dist.Value()) if dist.IsDone() else math.inf


def wall(solid: cq.Shape, point: cq.Vector, normal: cq.Vector) -> tuple[float, float] | None:
    """The wall under `point` along -`normal` (a ray, OpenCascade's
    `BRepIntCurveSurface_Inter`, from RAY_START_MM outside), and the gap behind it to the
    solid's next face (inf when there is none), mm; None when the ray finds no wall
    starting at the point."""
    from OCP.BRepIntCurveSurface import BRepIntCurveSurface_Inter
    from OCP.gp import gp_Dir, gp_Lin, gp_Pnt

    start = point + normal * RAY_START_MM
    ray = gp_Lin(gp_Pnt(*start), gp_Dir(*(-normal)))
    inter = BRepIntCurveSurface_Inter()
    inter.Init(solid.wrapped, ray, 1e-9)
    hits = []
    while inter.More():
        hits.append(inter.W())
        inter.Next()
    hits = sorted({round(w, 9) for w in hits if w >= RAY_START_MM - ON_FACE_MM})
    if len(hits) < 2 or hits[0] > RAY_START_MM + ON_FACE_MM:
        return None
    gap = hits[2] - hits[1] if len(hits) > 2 else math.inf
    return hits[1] - hits[0], gap


# --- the face in 2D ---------------------------------------------------------------------


def face_contours(frame: FaceFrame) -> list[list[Vertex]]:
    """The face's boundary in its frame: the outer loop first, then every inner loop (an
    opening already in the face), each closed and counter-clockwise; lines and circular
    arcs exactly (bulges), other curves as segments within SEGMENT_MM."""
    local = _local(frame.face, frame.plane)
    assert isinstance(local, cq.Face)
    outer = local.outerWire()
    wires = [outer, *local.innerWires()]
    return [_counter_clockwise(_wire_contour(w)) for w in wires]


def _wire_contour(wire: cq.Wire) -> list[Vertex]:
    from OCP.BRepTools import BRepTools_WireExplorer
    from OCP.TopAbs import TopAbs_REVERSED

    out: list[Vertex] = []
    explorer = BRepTools_WireExplorer(wire.wrapped)
    while explorer.More():
        edge = cq.Edge(explorer.Current())
        flip = edge.wrapped.Orientation() == TopAbs_REVERSED

        def at(fraction: float, edge: cq.Edge = edge, flip: bool = flip) -> cq.Vector:
            return edge.positionAt(1 - fraction if flip else fraction)

        kind = edge.geomType()
        if kind == "LINE":
            start = at(0.0)
            out.append((start.x, start.y, 0.0))
        elif kind == "CIRCLE":
            # Quarters: a closed circle and any sweep become arcs under 180 degrees.
            for a, b in _pieces(4):
                s, e, m = at(a), at(b), at((a + b) / 2)
                chord2 = (e.x - s.x) ** 2 + (e.y - s.y) ** 2
                cross = (e.x - s.x) * (m.y - s.y) - (e.y - s.y) * (m.x - s.x)
                out.append((s.x, s.y, -2 * cross / chord2 if chord2 > 0 else 0.0))
        else:
            steps = max(4, math.ceil(edge.Length() / math.sqrt(8 * SEGMENT_MM * 5.0)))
            for a, _ in _pieces(steps):
                p = at(a)
                out.append((p.x, p.y, 0.0))
        explorer.Next()
    return _drop_repeats(out)


def _pieces(count: int) -> list[tuple[float, float]]:
    """`count` equal pieces of an edge along its length (fractions)."""
    return [(i / count, (i + 1) / count) for i in range(count)]


def _drop_repeats(vertices: list[Vertex]) -> list[Vertex]:
    out: list[Vertex] = []
    for v in vertices:
        if out and math.hypot(v[0] - out[-1][0], v[1] - out[-1][1]) < 1e-9:
            continue
        out.append(v)
    if len(out) > 1 and math.hypot(out[0][0] - out[-1][0], out[0][1] - out[-1][1]) < 1e-9:
        out.pop()
    return out


def _signed_area(contour: Sequence[Vertex]) -> float:
    """Area of the polygon through the vertices plus each arc's segment (mm2)."""
    area = 0.0
    n = len(contour)
    for i in range(n):
        x0, y0, b = contour[i]
        x1, y1, _ = contour[(i + 1) % n]
        area += (x0 * y1 - x1 * y0) / 2
        if b:
            chord = math.hypot(x1 - x0, y1 - y0)
            theta = 4 * math.atan(b)
            r = chord / (2 * math.sin(abs(theta) / 2))
            area += math.copysign(r * r * (abs(theta) - math.sin(abs(theta))) / 2, theta)
    return area


def _counter_clockwise(contour: list[Vertex]) -> list[Vertex]:
    if _signed_area(contour) >= 0:
        return contour
    n = len(contour)
    return [(contour[i][0], contour[i][1], -contour[i - 1][2]) for i in range(n - 1, -1, -1)]


def _contour_face(frame: FaceFrame, contour: Sequence[Vertex]) -> cq.Face:
    """A contour of the face's frame as a face in the world, on the face's plane."""
    from geom.cad.plate import contour_face

    face = cq.Face(contour_face(list(contour))).transformShape(frame.plane.rG)
    assert isinstance(face, cq.Face)
    return face


def boundary_distance(frame: FaceFrame, contour: Sequence[Vertex]) -> tuple[float, float]:
    """(distance, area off the face) of an opening drawn in the face's frame: the
    shortest distance (mm) from its contour to the face's boundary (the outer wire and
    every opening already in the face, OpenCascade's BRepExtrema_DistShapeShape), and
    how much of it lies off the face (mm2; then the distance is 0)."""
    from OCP.BRepExtrema import BRepExtrema_DistShapeShape

    opening = _contour_face(frame, contour)
    off = opening.cut(frame.face).Area()
    if off > 1e-6:
        return 0.0, off
    best = math.inf
    for w in frame.face.Wires():
        dist = BRepExtrema_DistShapeShape(opening.outerWire().wrapped, w.wrapped)
        if dist.IsDone():
            best = min(best, float(dist.Value()))
    return best, 0.0


def reach_past(frame: FaceFrame, contour: Sequence[Vertex]) -> float:
    """How far (mm) an opening drawn in the face's frame reaches past the face's
    boundary: the largest distance from a point of its contour to the face (0 inside;
    OpenCascade's BRepExtrema_DistShapeShape), the contour sampled every degree of arc
    and in REACH_PIECES along each line."""
    from OCP.BRepExtrema import BRepExtrema_DistShapeShape

    best = 0.0
    for x, y in _samples(contour):
        point = cq.Vertex.makeVertex(*frame.world(x, y)).wrapped
        dist = BRepExtrema_DistShapeShape(frame.face.wrapped, point)
        if dist.IsDone():
            best = max(best, float(dist.Value()))
    return best


REACH_PIECES = 16
"""A line of a contour is sampled in this many pieces when measuring its reach."""


def _samples(contour: Sequence[Vertex]) -> list[tuple[float, float]]:
    """Points along a closed contour (bulges as arcs): one per degree of arc, REACH_PIECES
    per line."""
    out = []
    n = len(contour)
    for i in range(n):
        x0, y0, b = contour[i]
        x1, y1, _ = contour[(i + 1) % n]
        if not b:
            out += [
                (x0 + (x1 - x0) * k / REACH_PIECES, y0 + (y1 - y0) * k / REACH_PIECES)
                for k in range(REACH_PIECES)
            ]
            continue
        theta = 4 * math.atan(b)  # the arc's sweep, signed (counter-clockwise > 0)
        chord = math.hypot(x1 - x0, y1 - y0)
        r = chord / (2 * math.sin(abs(theta) / 2))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        sagitta_to_centre = r * math.cos(theta / 2) * math.copysign(1, theta)
        cx = mx - (y1 - y0) / chord * sagitta_to_centre
        cy = my + (x1 - x0) / chord * sagitta_to_centre
        start = math.atan2(y0 - cy, x0 - cx)
        steps = max(1, math.ceil(math.degrees(abs(theta))))
        out += [
            (
                cx + r * math.cos(start + theta * k / steps),
                cy + r * math.sin(start + theta * k / steps),
            )
            for k in range(steps)
        ]
    return out


# --- cutting and measuring --------------------------------------------------------------


class Undecided(RuntimeError):
    """A boolean whose result OpenCascade does not vouch for (an error, a null or
    invalid result, a volume out of bounds): the message says which."""


def tool(frame: FaceFrame, contour: Sequence[Vertex], depth: float) -> cq.Solid:
    """The cutting tool of one opening: its contour from OVERSHOOT_MM outside the face
    to `depth` (mm) into the wall."""
    outline = _contour_face(frame, contour)
    n = frame.normal
    prism = cq.Solid.extrudeLinear(outline, n * -(depth + OVERSHOOT_MM))
    return prism.translate(n * OVERSHOOT_MM)


class Tools:
    """Cutting tools made once per outline and depth and placed as located copies (one
    OpenCascade solid shared by every opening of the same part and turn): the contour
    centred on the origin of the face's frame, moved to (x, y)."""

    def __init__(self, frame: FaceFrame) -> None:
        self.frame = frame
        self._made: dict[tuple[tuple[Vertex, ...], float], cq.Solid] = {}

    def at(self, centred: Sequence[Vertex], depth: float, x: float, y: float) -> cq.Shape:
        key = (tuple(centred), depth)
        if key not in self._made:
            self._made[key] = tool(self.frame, centred, depth)
        shift = self.frame.plane.xDir * x + self.frame.plane.yDir * y
        return self._made[key].moved(cq.Location(shift))


def cut(solid: cq.Shape, tools: Sequence[cq.Shape]) -> cq.Shape:
    """`solid` less every tool, in ONE boolean against all the tools (OpenCascade's
    BOPAlgo_BOP, parallel); an algorithm error raises Undecided."""
    return _boolean("cut", [solid.wrapped], [t.wrapped for t in tools], "the cut", parallel=True)


def cut_through(
    solid: cq.Shape,
    frame: FaceFrame,
    openings: Sequence[tuple[Sequence[Vertex], float, float]],
    wall: float,
    faces: FaceBoxes,
) -> cq.Shape | None:
    """`solid` with every opening (a contour centred on (0, 0) of the face's frame, and
    its centre x, y, mm) through a flat wall `wall` mm thick, built without a boolean:
    the face and the wall's inner face G get the openings as inner wires, and the
    openings' side walls are the side faces of one prism each, from the face to G. None
    when the case is not that simple, and the caller cuts with one boolean instead:

    - G is the one planar face, parallel to the face, `wall` mm in, under every opening;
    - no other face of the solid comes near any opening's prism (their bounding boxes,
      `faces`, do not meet): only the wall's material lies under the openings, and no
      edge of the face or of G crosses one;
    - the prisms' boxes do not meet each other;
    - the result is one solid OpenCascade's checker finds valid, and its volume is the
      solid's less every opening's area times the wall (to 1e-9 of it)."""
    from OCP.BRep import BRep_Builder
    from OCP.BRepPrimAPI import BRepPrimAPI_MakePrism
    from OCP.BRepTools import BRepTools, BRepTools_ReShape
    from OCP.gp import gp_Vec
    from OCP.TopoDS import TopoDS, TopoDS_Compound

    n = frame.normal
    inner = [f for f in solid.Faces() if f.geomType() == "PLANE"]
    first = frame.world(openings[0][1], openings[0][2]) - n * wall
    found = [f for f in inner if _distance(f, first) < ON_FACE_MM]
    if len(found) != 1 or found[0].normalAt(first).dot(n) > -1 + PARALLEL:
        return None
    g = found[0]
    tops, bottoms, sides, boxes = [], [], [], []
    removed = 0.0
    for contour, x, y in openings:
        if _distance(g, frame.world(x, y) - n * wall) > ON_FACE_MM:
            return None
        outline = _contour_face(frame, [(vx + x, vy + y, b) for vx, vy, b in contour])
        prism = BRepPrimAPI_MakePrism(outline.wrapped, gp_Vec(*(n * -wall)))
        prism.Build()
        if not prism.IsDone():
            return None
        top, bottom = prism.FirstShape(), prism.LastShape()
        tops.append(BRepTools.OuterWire_s(TopoDS.Face_s(top)))
        bottoms.append(BRepTools.OuterWire_s(TopoDS.Face_s(bottom)))
        made = cq.Shape.cast(prism.Shape())
        sides += [f.wrapped.Reversed() for f in made.Faces() if not _same(f, top, bottom)]
        boxes.append(box(made))
        removed += abs(_signed_area(contour)) * wall
    if any(meet(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
        return None
    pairs = zip(faces.boxes, solid.Faces(), strict=True)
    others = [b for (b, _), f in pairs if not _same(f, frame.face.wrapped, g.wrapped)]
    if any(meet(a, b) for a in boxes for b in others):
        return None
    areas = [abs(_signed_area(c)) for c, _, _ in openings]
    lid, floor = _holed(frame.face, tops, areas), _holed(g, bottoms, areas)
    if lid is None or floor is None:
        return None
    builder = BRep_Builder()
    replacement = TopoDS_Compound()
    builder.MakeCompound(replacement)
    builder.Add(replacement, lid)
    for face in sides:
        builder.Add(replacement, face)
    reshape = BRepTools_ReShape()
    reshape.Replace(frame.face.wrapped, replacement)
    reshape.Replace(g.wrapped, floor)
    result = _one_shell(cq.Shape.cast(reshape.Apply(solid.wrapped)), lid, floor)
    expected = float(solid.Volume()) - removed
    if not valid_solid(result) or abs(result.Volume() - expected) > 1e-9 * expected:
        return None
    return result


def _one_shell(solid: cq.Shape, lid: Any, floor: Any) -> cq.Shape:
    """`solid` with the shells that hold `lid` and `floor` made one: the openings join a
    hollow box's outer skin to the skin of its cavity."""
    from OCP.BRep import BRep_Builder, BRep_Tool
    from OCP.TopoDS import TopoDS_Iterator, TopoDS_Shell, TopoDS_Solid

    def children(shape: Any) -> list[Any]:
        out, it = [], TopoDS_Iterator(shape)
        while it.More():
            out.append(it.Value())
            it.Next()
        return out

    shells = children(solid.wrapped)
    holding = [s for s in shells if any(f.IsSame(lid) or f.IsSame(floor) for f in children(s))]
    if len(holding) != 2:
        return solid
    builder = BRep_Builder()
    joined = TopoDS_Shell()
    builder.MakeShell(joined)
    for shell in holding:
        for face in children(shell):
            builder.Add(joined, face)  # the iterator gives it as it sits in the solid
    joined.Closed(BRep_Tool.IsClosed_s(joined))
    out = TopoDS_Solid()
    builder.MakeSolid(out)
    builder.Add(out, joined)
    for shell in shells:
        if not any(shell.IsSame(h) for h in holding):
            builder.Add(out, shell)
    return cq.Shape.cast(out)


def _same(face: cq.Shape, *shapes: Any) -> bool:
    return any(face.wrapped.IsSame(s) for s in shapes)


def _holed(face: cq.Face, wires: Sequence[Any], areas: Sequence[float]) -> Any:
    """`face` (an OCP face, as it sits in its solid) with `wires` added as openings; the
    wires' direction is the one that leaves the face's area less the openings' `areas`
    (mm2); None when neither does."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
    from OCP.TopAbs import TopAbs_FORWARD
    from OCP.TopoDS import TopoDS

    forward = TopoDS.Face_s(face.wrapped.Oriented(TopAbs_FORWARD))
    target = _area(forward) - sum(areas)
    for flip in (False, True):
        maker = BRepBuilderAPI_MakeFace(forward)
        for wire in wires:
            maker.Add(TopoDS.Wire_s(wire.Reversed()) if flip else wire)
        if maker.IsDone() and abs(_area(maker.Face()) - target) <= 1e-9 * _area(forward):
            return maker.Face().Oriented(face.wrapped.Orientation())
    return None


def _area(face: Any) -> float:
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.SurfaceProperties_s(face, props)
    return float(props.Mass())


def _boolean(
    kind: str, arguments: Sequence[Any], tools: Sequence[Any], what: str, parallel: bool = False
) -> cq.Shape:
    """One boolean (OpenCascade's BOPAlgo_BOP, "cut" or "common") of OCP shapes; an
    error the algorithm reports raises Undecided naming `what`."""
    from OCP.BOPAlgo import BOPAlgo_BOP, BOPAlgo_Operation

    op = BOPAlgo_BOP()
    for shape in arguments:
        op.AddArgument(shape)
    for shape in tools:
        op.AddTool(shape)
    op.SetOperation(
        BOPAlgo_Operation.BOPAlgo_CUT if kind == "cut" else BOPAlgo_Operation.BOPAlgo_COMMON
    )
    op.SetRunParallel(parallel)
    op.Perform()
    if op.HasErrors():
        raise Undecided(f"{what}: OpenCascade's boolean reported an error")
    return cq.Shape.cast(op.Shape())


def valid_solid(shape: cq.Shape) -> bool:
    return shape is not None and not shape.isNull() and len(shape.Solids()) == 1 and shape.isValid()


def placed(frame: FaceFrame, shape: Any, x: float, y: float, rotation: int) -> cq.Shape:
    """A body solid (OCP shape in geom's placement: front face Z = 0, cutout centred on
    the origin) moved to (x, y) of the face's frame, turned `rotation` degrees about the
    face's normal: its Z = 0 on the face, +Z outwards. A rigid move of a copy of the
    geometry (planes stay planes, cylinders cylinders; no location on the shape), so a
    STEP writer gives it its own product and name."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_Transform
    from OCP.gp import gp_Ax1, gp_Dir, gp_Pnt, gp_Trsf, gp_Vec

    turn = gp_Trsf()
    turn.SetRotation(gp_Ax1(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1)), math.radians(rotation))
    move = gp_Trsf()
    move.SetTranslation(gp_Vec(x, y, 0))
    total = frame.plane.rG.wrapped.Trsf().Multiplied(move.Multiplied(turn))
    return cq.Shape.cast(BRepBuilderAPI_Transform(shape, total, True).Shape())


# --- bodies against the enclosure ---------------------------------------------------------


@dataclass(frozen=True)
class FaceBoxes:
    """The enclosure's faces (before the cut), each with its bounding box (OpenCascade's
    Bnd_Box, enlarged by the face's tolerance) and, for a plane parallel to the face
    being cut, its level: (distance along the face's normal from the face, mm; +1 when
    the solid lies below it, -1 above); None for any other face."""

    boxes: tuple[tuple[Box3, tuple[float, int] | None], ...]

    @classmethod
    def of(cls, solid: cq.Shape, frame: FaceFrame) -> FaceBoxes:
        n, origin = frame.normal, frame.plane.origin
        out = []
        for face in solid.Faces():
            level: tuple[float, int] | None = None
            if face.geomType() == "PLANE":
                normal = face.normalAt(face.Center())
                if abs(abs(normal.dot(n)) - 1) < PARALLEL:
                    level = ((face.Center() - origin).dot(n), 1 if normal.dot(n) > 0 else -1)
            out.append((box(face), level))
        return cls(tuple(out))

    def slab(self, shape: cq.Shape) -> tuple[tuple[float, int], ...] | None:
        """The levels of every face whose box meets `shape`'s box, when they are all
        planes parallel to the face being cut (rounded to 1e-9 mm); None when another
        face comes near. With only such planes near, no edge of theirs runs through the
        box (its other face would be near too), so inside the box the enclosure is the
        same stack of slabs wherever the box is moved along the face: a body's common
        volume with the enclosure depends on its position relative to the openings
        only."""
        around = box(shape)
        levels = []
        for face_box, level in self.boxes:
            if meet(face_box, around):
                if level is None:
                    return None
                levels.append((round(level[0], 9), level[1]))
        return tuple(sorted(set(levels)))


def box(shape: cq.Shape) -> Box3:
    """`shape`'s bounding box (xmin, ymin, zmin, xmax, ymax, zmax; OpenCascade's
    Bnd_Box, which holds the shape and its tolerance), mm."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    found = Bnd_Box()
    BRepBndLib.Add_s(shape.wrapped, found, True)
    x0, y0, z0, x1, y1, z1 = found.Get()
    return (x0, y0, z0, x1, y1, z1)


def meet(p: Box3, q: Box3) -> bool:
    """Two bounding boxes (`box`) meet: shapes whose boxes do not cannot share volume."""
    return all(p[i] <= q[i + 3] and q[i] <= p[i + 3] for i in range(3))


def collision(
    body: cq.Shape, solid: cq.Shape, tools: Sequence[cq.Shape], frame: FaceFrame
) -> tuple[float, tuple[float, float] | None]:
    """The volume (mm3) `body` shares with `solid` less `tools` (the cut enclosure, when
    `tools` holds every tool whose box meets the body's): (body common solid) cut by the
    tools, two small booleans instead of one against the cut enclosure with all its
    openings; and how deep behind the face that shared part lies (its bounding box along
    the face's normal, mm; None when nothing is shared). Each boolean is checked: no
    algorithm error, a non-null result OpenCascade's checker finds valid, 0 <= volume <=
    the body's; otherwise Undecided."""
    whole = float(body.Volume())
    piece = _checked("common", [body.wrapped], [solid.wrapped], whole)
    if tools and float(piece.Volume()) > 0:
        piece = _checked("cut", [piece.wrapped], [t.wrapped for t in tools], whole)
    volume = float(piece.Volume())
    if not piece.Solids():
        return volume, None
    x0, y0, z0, x1, y1, z1 = box(piece)
    corners = [cq.Vector(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]
    depths = [-(c - frame.plane.origin).dot(frame.normal) for c in corners]
    return volume, (min(depths), max(depths))


def _checked(kind: str, arguments: Sequence[Any], tools: Sequence[Any], limit: float) -> cq.Shape:
    what = f"the body's {kind} with the enclosure"
    shape = _boolean(kind, arguments, tools, what)
    if shape.isNull() or (shape.Solids() and not shape.isValid()):
        raise Undecided(f"{what}: an invalid result")
    volume = float(shape.Volume())
    if not -1e-9 <= volume <= limit * (1 + 1e-9):
        raise Undecided(f"{what}: volume {volume:g} mm3 out of bounds")
    return shape
