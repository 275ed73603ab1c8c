"""Enclosures for `geom cut`: read a STEP solid, find one planar face and its 2D frame,
measure the wall with a ray, measure openings against the face's boundary, cut every
opening at once (through one flat wall by rebuilding its two faces, `cut_through`, else
in one boolean, `cut`), and measure bodies against the enclosure (`collision`).
OpenCascade through OCP alone (shapes are OCP `TopoDS_Shape`s, points and directions
(x, y, z) tuples); sizes in mm.

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
from functools import cached_property
from pathlib import Path
from typing import Any

from geom.cad.selector import SelectorError, facts, select
from geom.cad.selector import centre as centre_of
from geom.errors import InputError
from geom.model.contour import Vertex

Box3 = tuple[float, float, float, float, float, float]
"""A bounding box: xmin, ymin, zmin, xmax, ymax, zmax (mm)."""
Vec3 = tuple[float, float, float]
"""A point or a direction in the world (mm)."""

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


# --- shapes -----------------------------------------------------------------------------


def faces(shape: Any) -> list[Any]:
    """`shape`'s faces, each once (OpenCascade's indexed map: a stable order)."""
    from OCP.TopAbs import TopAbs_FACE
    from OCP.TopoDS import TopoDS

    return [TopoDS.Face_s(s) for s in _unique(shape, TopAbs_FACE)]


def solids(shape: Any) -> list[Any]:
    """`shape`'s solids, each once."""
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopoDS import TopoDS

    return [TopoDS.Solid_s(s) for s in _unique(shape, TopAbs_SOLID)]


def _wires(shape: Any) -> list[Any]:
    from OCP.TopAbs import TopAbs_WIRE
    from OCP.TopoDS import TopoDS

    return [TopoDS.Wire_s(s) for s in _unique(shape, TopAbs_WIRE)]


def _unique(shape: Any, kind: Any) -> list[Any]:
    from OCP.TopExp import TopExp
    from OCP.TopTools import TopTools_IndexedMapOfShape

    found = TopTools_IndexedMapOfShape()
    TopExp.MapShapes_s(shape, kind, found)
    return [found.FindKey(i) for i in range(1, found.Extent() + 1)]


def volume(shape: Any) -> float:
    """`shape`'s volume (mm3; OpenCascade's BRepGProp)."""
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    return float(props.Mass())


def _area(shape: Any) -> float:
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.SurfaceProperties_s(shape, props)
    return float(props.Mass())


def valid(shape: Any) -> bool:
    """OpenCascade's checker (BRepCheck_Analyzer) finds no defect in `shape`."""
    from OCP.BRepCheck import BRepCheck_Analyzer

    return bool(BRepCheck_Analyzer(shape).IsValid())


def _vec(v: Vec3) -> Any:
    from OCP.gp import gp_Vec

    return gp_Vec(*v)


def _xyz(v: Any) -> Vec3:
    return (v.X(), v.Y(), v.Z())


def _is_plane(face: Any) -> bool:
    from OCP.BRepAdaptor import BRepAdaptor_Surface
    from OCP.GeomAbs import GeomAbs_Plane

    return bool(BRepAdaptor_Surface(face).GetType() == GeomAbs_Plane)


def _normal_at(face: Any, point: Any) -> Any:
    """The face's outward unit normal (a gp_Vec) at the point of its surface nearest
    `point` (a gp_Vec)."""
    from OCP.BRep import BRep_Tool
    from OCP.BRepGProp import BRepGProp_Face
    from OCP.GeomAPI import GeomAPI_ProjectPointOnSurf
    from OCP.gp import gp_Pnt, gp_Vec

    projector = GeomAPI_ProjectPointOnSurf(gp_Pnt(point.XYZ()), BRep_Tool.Surface_s(face))
    u, v = projector.LowerDistanceParameters()
    p, n = gp_Pnt(), gp_Vec()
    BRepGProp_Face(face).Normal(u, v, p, n)
    return n.Normalized()


def _moved(shape: Any, trsf: Any) -> Any:
    """`shape` under a rigid transformation, sharing its geometry (no copy)."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_Transform

    return BRepBuilderAPI_Transform(shape, trsf).Shape()


# --- the face and its frame -------------------------------------------------------------


@dataclass(frozen=True)
class FaceFrame:
    """A planar face of the enclosure (an OCP face) and its 2D frame (the module's
    docstring): origin and unit axes in the world, and the face's bounding box along X
    and Y (mm)."""

    face: Any
    origin: Vec3
    x_dir: Vec3
    y_dir: Vec3
    normal: Vec3
    width: float
    height: float

    @cached_property
    def to_world(self) -> Any:
        """The gp_Trsf from the frame's coordinates to the world's."""
        return self._trsf(to_world=True)

    @cached_property
    def to_local(self) -> Any:
        """The gp_Trsf from the world's coordinates to the frame's."""
        return self._trsf(to_world=False)

    def _trsf(self, to_world: bool) -> Any:
        from OCP.gp import gp_Ax3, gp_Dir, gp_Pnt, gp_Trsf

        world = gp_Ax3()
        frame = gp_Ax3(gp_Pnt(*self.origin), gp_Dir(*self.normal), gp_Dir(*self.x_dir))
        trsf = gp_Trsf()
        if to_world:
            trsf.SetTransformation(frame, world)
        else:
            trsf.SetTransformation(world, frame)
        return trsf

    def world(self, x: float, y: float) -> Vec3:
        """The point (x, y) of the face's frame in the world (mm)."""
        from OCP.gp import gp_Pnt

        return _xyz(gp_Pnt(x, y, 0.0).Transformed(self.to_world))


def frame_at(
    face: Any, origin: Vec3, x_dir: Vec3, normal: Vec3, width: float = 0.0, height: float = 0.0
) -> FaceFrame:
    """A frame on `face` with its origin at `origin`, +Z along `normal` and X along
    `x_dir` (both made unit; Y = Z x X)."""
    z = _vec(normal).Normalized()
    x = _vec(x_dir).Normalized()
    y = z.Crossed(x).Normalized()
    return FaceFrame(face, origin, _xyz(x), _xyz(y), _xyz(z), width, height)


def read_step(
    path: Path, where: str = "command line", field: str = "ENCLOSURE"
) -> tuple[Any, tuple[str, ...]]:
    """The one solid of a STEP file (read where the reader's crashes cannot reach, closed
    shells as the solid they bound: geom.cad.step_read) and the notes reading it made;
    anything else raises InputError."""
    from geom.cad.step_read import read_solid

    found = read_solid(path, where, field)
    return found.solid, found.notes


SELECTORS = (
    '">Z", "<Y", "|X", "#Z", "-Y", ">Z[-2]", ">>X[1]", "%PLANE", "top", joined by and, or, exc, not'
)
"""What a face selector may be, in an error message (docs/cut.md lists the forms)."""


def find_face(
    solid: Any,
    where: str,
    select_by: str | None = None,
    point: Vec3 | None = None,
    normal: Vec3 | None = None,
) -> FaceFrame:
    """The one planar face that `select_by` (a CadQuery string selector,
    geom.cad.selector) picks, or the planar face through `point` whose outward normal is
    `normal`; with its frame."""
    value: object
    every = faces(solid)
    if select_by is not None:
        field, value = "face.select", select_by
        try:
            found = [every[i] for i in select([facts(f) for f in every], select_by)]
        except SelectorError as exc:
            raise InputError(
                where, field, value, f"not a CadQuery face selector ({exc})", SELECTORS
            ) from None
    else:
        assert point is not None and normal is not None
        field, value = "face.point", list(point)
        at, n = _vec(point), _vec(normal)
        found = [
            f
            for f in every
            if _distance(f, point) < ON_FACE_MM
            and (not _is_plane(f) or _normal_at(f, at).Dot(n) > 1 - PARALLEL)
        ]
    allowed = "exactly one planar face of the enclosure"
    if not found:
        raise InputError(where, field, value, "matching no face of the enclosure", allowed)
    if len(found) > 1:
        raise InputError(where, field, value, f"matching {len(found)} faces", allowed)
    face = found[0]
    if not _is_plane(face):
        kind = facts(face).kind.lower()
        raise InputError(where, field, value, f"matching a {kind} face, not a planar one", allowed)
    return frame_of(face)


def frame_of(face: Any) -> FaceFrame:
    """The face's frame (the module's docstring)."""
    from OCP.gp import gp_Vec

    centre = centre_of(face)
    n = _normal_at(face, centre).Normalized()
    if abs(n.Z()) >= max(abs(n.X()), abs(n.Y())):
        x_dir = gp_Vec(1, 0, 0).Subtracted(n.Multiplied(n.X())).Normalized()
    else:
        up = gp_Vec(0, 0, 1).Subtracted(n.Multiplied(n.Z())).Normalized()
        x_dir = up.Crossed(n).Normalized()
    centred = frame_at(face, _xyz(centre), _xyz(x_dir), _xyz(n))
    x0, y0, x1, y1 = _box_2d(_moved(face, centred.to_local))
    origin = centred.world(x0, y0)
    return frame_at(face, origin, _xyz(x_dir), _xyz(n), x1 - x0, y1 - y0)


def centred(frame: FaceFrame) -> FaceFrame:
    """The same face and axes with the origin at the centre of its bounding box (a box's
    faces, as Tayda's drill tool measures them)."""
    origin = frame.world(frame.width / 2, frame.height / 2)
    return frame_at(frame.face, origin, frame.x_dir, frame.normal, frame.width, frame.height)


def _box_2d(shape: Any) -> tuple[float, float, float, float]:
    """The exact bounding box in X and Y (OpenCascade's optimal box, no gap)."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, box, False, False)
    x0, y0, _, x1, y1, _ = box.Get()
    return x0, y0, x1, y1


def _distance(shape: Any, point: Vec3) -> float:
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeVertex
    from OCP.BRepExtrema import BRepExtrema_DistShapeShape
    from OCP.gp import gp_Pnt

    vertex = BRepBuilderAPI_MakeVertex(gp_Pnt(*point)).Vertex()
    dist = BRepExtrema_DistShapeShape(shape, vertex)
    return float(dist.Value()) if dist.IsDone() else math.inf


def wall(solid: Any, point: Vec3, normal: Vec3) -> tuple[float, float] | None:
    """The wall under `point` along -`normal` (a ray, OpenCascade's
    `BRepIntCurveSurface_Inter`, from RAY_START_MM outside), and the gap behind it to the
    solid's next face (inf when there is none), mm; None when the ray finds no wall
    starting at the point."""
    from OCP.BRepIntCurveSurface import BRepIntCurveSurface_Inter
    from OCP.gp import gp_Dir, gp_Lin, gp_Pnt

    n = _vec(normal)
    start = _vec(point).Added(n.Multiplied(RAY_START_MM))
    ray = gp_Lin(gp_Pnt(*_xyz(start)), gp_Dir(*_xyz(n.Multiplied(-1))))
    inter = BRepIntCurveSurface_Inter()
    inter.Init(solid, ray, 1e-9)
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
    from OCP.BRepTools import BRepTools
    from OCP.TopoDS import TopoDS

    local = TopoDS.Face_s(_moved(frame.face, frame.to_local))
    outer = BRepTools.OuterWire_s(local)
    wires = [outer, *(w for w in _wires(local) if not w.IsSame(outer))]
    return [_counter_clockwise(_wire_contour(w)) for w in wires]


def _wire_contour(wire: Any) -> list[Vertex]:
    from OCP.BRepAdaptor import BRepAdaptor_Curve
    from OCP.BRepTools import BRepTools_WireExplorer
    from OCP.GCPnts import GCPnts_AbscissaPoint
    from OCP.GeomAbs import GeomAbs_Circle, GeomAbs_Line
    from OCP.TopAbs import TopAbs_REVERSED

    out: list[Vertex] = []
    explorer = BRepTools_WireExplorer(wire)
    while explorer.More():
        edge = explorer.Current()
        flip = edge.Orientation() == TopAbs_REVERSED
        curve = BRepAdaptor_Curve(edge)
        length = GCPnts_AbscissaPoint.Length_s(curve)

        def at(
            fraction: float, curve: Any = curve, length: float = length, flip: bool = flip
        ) -> Vec3:
            """The point `fraction` of the edge's length along it (from its start as it
            runs in the wire)."""
            along = length * (1 - fraction if flip else fraction)
            u = GCPnts_AbscissaPoint(curve, along, curve.FirstParameter()).Parameter()
            return _xyz(curve.Value(u))

        kind = curve.GetType()
        if kind == GeomAbs_Line:
            start = at(0.0)
            out.append((start[0], start[1], 0.0))
        elif kind == GeomAbs_Circle:
            # Quarters: a closed circle and any sweep become arcs under 180 degrees.
            for a, b in _pieces(4):
                s, e, m = at(a), at(b), at((a + b) / 2)
                chord2 = (e[0] - s[0]) ** 2 + (e[1] - s[1]) ** 2
                cross = (e[0] - s[0]) * (m[1] - s[1]) - (e[1] - s[1]) * (m[0] - s[0])
                out.append((s[0], s[1], -2 * cross / chord2 if chord2 > 0 else 0.0))
        else:
            steps = max(4, math.ceil(length / math.sqrt(8 * SEGMENT_MM * 5.0)))
            for a, _ in _pieces(steps):
                p = at(a)
                out.append((p[0], p[1], 0.0))
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


def _contour_face(frame: FaceFrame, contour: Sequence[Vertex]) -> Any:
    """A contour of the face's frame as a face in the world, on the face's plane."""
    from OCP.TopoDS import TopoDS

    from geom.cad.plate import contour_face

    return TopoDS.Face_s(_moved(contour_face(list(contour)), frame.to_world))


def boundary_distance(frame: FaceFrame, contour: Sequence[Vertex]) -> tuple[float, float]:
    """(distance, area off the face) of an opening drawn in the face's frame: the
    shortest distance (mm) from its contour to the face's boundary (the outer wire and
    every opening already in the face, OpenCascade's BRepExtrema_DistShapeShape), and
    how much of it lies off the face (mm2; then the distance is 0)."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
    from OCP.BRepExtrema import BRepExtrema_DistShapeShape
    from OCP.BRepTools import BRepTools
    from OCP.TopTools import TopTools_ListOfShape

    opening = _contour_face(frame, contour)
    op, arguments, tools = BRepAlgoAPI_Cut(), TopTools_ListOfShape(), TopTools_ListOfShape()
    arguments.Append(opening)
    tools.Append(frame.face)
    op.SetArguments(arguments)
    op.SetTools(tools)
    op.SetRunParallel(True)
    op.Build()
    off = _area(op.Shape())
    if off > 1e-6:
        return 0.0, off
    best = math.inf
    for w in _wires(frame.face):
        dist = BRepExtrema_DistShapeShape(BRepTools.OuterWire_s(opening), w)
        if dist.IsDone():
            best = min(best, float(dist.Value()))
    return best, 0.0


def reach_past(frame: FaceFrame, contour: Sequence[Vertex]) -> float:
    """How far (mm) an opening drawn in the face's frame reaches past the face's
    boundary: the largest distance from a point of its contour to the face (0 inside;
    OpenCascade's BRepExtrema_DistShapeShape), the contour sampled every degree of arc
    and in REACH_PIECES along each line."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeVertex
    from OCP.BRepExtrema import BRepExtrema_DistShapeShape
    from OCP.gp import gp_Pnt

    best = 0.0
    for x, y in _samples(contour):
        point = BRepBuilderAPI_MakeVertex(gp_Pnt(*frame.world(x, y))).Vertex()
        dist = BRepExtrema_DistShapeShape(frame.face, point)
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


def tool(frame: FaceFrame, contour: Sequence[Vertex], depth: float) -> Any:
    """The cutting tool of one opening: its contour from OVERSHOOT_MM outside the face
    to `depth` (mm) into the wall."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_Transform
    from OCP.BRepPrimAPI import BRepPrimAPI_MakePrism
    from OCP.gp import gp_Trsf

    outline = _contour_face(frame, contour)
    n = _vec(frame.normal)
    prism = BRepPrimAPI_MakePrism(outline, n.Multiplied(-(depth + OVERSHOOT_MM)), True)
    out = gp_Trsf()
    out.SetTranslation(n.Multiplied(OVERSHOOT_MM))
    return BRepBuilderAPI_Transform(prism.Shape(), out, True).Shape()


class Tools:
    """Cutting tools made once per outline and depth and placed as located copies (one
    OpenCascade solid shared by every opening of the same part and turn): the contour
    centred on the origin of the face's frame, moved to (x, y)."""

    def __init__(self, frame: FaceFrame) -> None:
        self.frame = frame
        self._made: dict[tuple[tuple[Vertex, ...], float], Any] = {}

    def at(self, centred: Sequence[Vertex], depth: float, x: float, y: float) -> Any:
        from OCP.gp import gp_Trsf
        from OCP.TopLoc import TopLoc_Location

        key = (tuple(centred), depth)
        if key not in self._made:
            self._made[key] = tool(self.frame, centred, depth)
        shift = gp_Trsf()
        shift.SetTranslationPart(
            _vec(self.frame.x_dir).Multiplied(x).Added(_vec(self.frame.y_dir).Multiplied(y))
        )
        return self._made[key].Moved(TopLoc_Location(shift))


def cut(solid: Any, tools: Sequence[Any]) -> Any:
    """`solid` less every tool, in ONE boolean against all the tools (OpenCascade's
    BOPAlgo_BOP, parallel); an algorithm error raises Undecided."""
    return _boolean("cut", [solid], tools, "the cut", parallel=True)


def cut_through(
    solid: Any,
    frame: FaceFrame,
    openings: Sequence[tuple[Sequence[Vertex], float, float]],
    wall: float,
    boxes_of: FaceBoxes,
) -> Any:
    """`solid` with every opening (a contour centred on (0, 0) of the face's frame, and
    its centre x, y, mm) through a flat wall `wall` mm thick, built without a boolean:
    the face and the wall's inner face G get the openings as inner wires, and the
    openings' side walls are the side faces of one prism each, from the face to G. None
    when the case is not that simple, and the caller cuts with one boolean instead:

    - G is the one planar face, parallel to the face, `wall` mm in, under every opening;
    - no other face of the solid comes near any opening's prism (their bounding boxes,
      `boxes_of`, do not meet): only the wall's material lies under the openings, and no
      edge of the face or of G crosses one;
    - the prisms' boxes do not meet each other;
    - the result is one solid OpenCascade's checker finds valid, and its volume is the
      solid's less every opening's area times the wall (to 1e-9 of it)."""
    from OCP.BRep import BRep_Builder
    from OCP.BRepPrimAPI import BRepPrimAPI_MakePrism
    from OCP.BRepTools import BRepTools, BRepTools_ReShape
    from OCP.TopoDS import TopoDS, TopoDS_Compound

    n = _vec(frame.normal)
    depth = n.Multiplied(wall)

    def under(x: float, y: float) -> Any:
        return _vec(frame.world(x, y)).Subtracted(depth)

    every = faces(solid)
    first = under(openings[0][1], openings[0][2])
    found = [f for f in every if _is_plane(f) and _distance(f, _xyz(first)) < ON_FACE_MM]
    if len(found) != 1 or _normal_at(found[0], first).Dot(n) > -1 + PARALLEL:
        return None
    g = found[0]
    tops, bottoms, sides, boxes = [], [], [], []
    removed = 0.0
    for contour, x, y in openings:
        if _distance(g, _xyz(under(x, y))) > ON_FACE_MM:
            return None
        outline = _contour_face(frame, [(vx + x, vy + y, b) for vx, vy, b in contour])
        prism = BRepPrimAPI_MakePrism(outline, n.Multiplied(-wall))
        prism.Build()
        if not prism.IsDone():
            return None
        top, bottom = prism.FirstShape(), prism.LastShape()
        tops.append(BRepTools.OuterWire_s(TopoDS.Face_s(top)))
        bottoms.append(BRepTools.OuterWire_s(TopoDS.Face_s(bottom)))
        made = prism.Shape()
        sides += [f.Reversed() for f in faces(made) if not _same(f, top, bottom)]
        boxes.append(box(made))
        removed += abs(_signed_area(contour)) * wall
    if any(meet(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
        return None
    pairs = zip(boxes_of.boxes, every, strict=True)
    others = [b for (b, _), f in pairs if not _same(f, frame.face, g)]
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
    reshape.Replace(frame.face, replacement)
    reshape.Replace(g, floor)
    result = _one_shell(reshape.Apply(solid), lid, floor)
    expected = volume(solid) - removed
    if not valid_solid(result) or abs(volume(result) - expected) > 1e-9 * expected:
        return None
    return result


def _one_shell(solid: Any, lid: Any, floor: Any) -> Any:
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

    shells = children(solid)
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
    return out


def _same(face: Any, *shapes: Any) -> bool:
    return any(face.IsSame(s) for s in shapes)


def _holed(face: Any, wires: Sequence[Any], areas: Sequence[float]) -> Any:
    """`face` (an OCP face, as it sits in its solid) with `wires` added as openings; the
    wires' direction is the one that leaves the face's area less the openings' `areas`
    (mm2); None when neither does."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
    from OCP.TopAbs import TopAbs_FORWARD
    from OCP.TopoDS import TopoDS

    forward = TopoDS.Face_s(face.Oriented(TopAbs_FORWARD))
    target = _area(forward) - sum(areas)
    for flip in (False, True):
        maker = BRepBuilderAPI_MakeFace(forward)
        for wire in wires:
            maker.Add(TopoDS.Wire_s(wire.Reversed()) if flip else wire)
        if maker.IsDone() and abs(_area(maker.Face()) - target) <= 1e-9 * _area(forward):
            return maker.Face().Oriented(face.Orientation())
    return None


def _boolean(
    kind: str, arguments: Sequence[Any], tools: Sequence[Any], what: str, parallel: bool = False
) -> Any:
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
    return op.Shape()


def valid_solid(shape: Any) -> bool:
    """`shape` holds exactly one solid and OpenCascade's checker finds it valid."""
    return shape is not None and not shape.IsNull() and len(solids(shape)) == 1 and valid(shape)


def placed(frame: FaceFrame, shape: Any, x: float, y: float, rotation: int) -> Any:
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
    total = frame.to_world.Multiplied(move.Multiplied(turn))
    return BRepBuilderAPI_Transform(shape, total, True).Shape()


# --- bodies against the enclosure ---------------------------------------------------------


@dataclass(frozen=True)
class FaceBoxes:
    """The enclosure's faces (before the cut), each with its bounding box (OpenCascade's
    Bnd_Box, enlarged by the face's tolerance) and, for a plane parallel to the face
    being cut, its level: (distance along the face's normal from the face, mm; +1 when
    the solid lies below it, -1 above); None for any other face."""

    boxes: tuple[tuple[Box3, tuple[float, int] | None], ...]

    @classmethod
    def of(cls, solid: Any, frame: FaceFrame) -> FaceBoxes:
        n, origin = _vec(frame.normal), _vec(frame.origin)
        out = []
        for face in faces(solid):
            level: tuple[float, int] | None = None
            if _is_plane(face):
                centre = centre_of(face)
                normal = _normal_at(face, centre)
                if abs(abs(normal.Dot(n)) - 1) < PARALLEL:
                    level = (centre.Subtracted(origin).Dot(n), 1 if normal.Dot(n) > 0 else -1)
            out.append((box(face), level))
        return cls(tuple(out))

    def slab(self, shape: Any) -> tuple[tuple[float, int], ...] | None:
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


def box(shape: Any) -> Box3:
    """`shape`'s bounding box (xmin, ymin, zmin, xmax, ymax, zmax; OpenCascade's
    Bnd_Box, which holds the shape and its tolerance), mm."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    found = Bnd_Box()
    BRepBndLib.Add_s(shape, found, True)
    x0, y0, z0, x1, y1, z1 = found.Get()
    return (x0, y0, z0, x1, y1, z1)


def tight_box(shape: Any) -> Box3:
    """`shape`'s bounding box as close as OpenCascade's optimal box makes it (from its
    triangulation where it has one, without its tolerance), mm."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    found = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, found)
    x0, y0, z0, x1, y1, z1 = found.Get()
    return (x0, y0, z0, x1, y1, z1)


def meet(p: Box3, q: Box3) -> bool:
    """Two bounding boxes (`box`) meet: shapes whose boxes do not cannot share volume."""
    return all(p[i] <= q[i + 3] and q[i] <= p[i + 3] for i in range(3))


def collision(
    body: Any, solid: Any, tools: Sequence[Any], frame: FaceFrame
) -> tuple[float, tuple[float, float] | None]:
    """The volume (mm3) `body` shares with `solid` less `tools` (the cut enclosure, when
    `tools` holds every tool whose box meets the body's): (body common solid) cut by the
    tools, two small booleans instead of one against the cut enclosure with all its
    openings; and how deep behind the face that shared part lies (its bounding box along
    the face's normal, mm; None when nothing is shared). Each boolean is checked: no
    algorithm error, a non-null result OpenCascade's checker finds valid, 0 <= volume <=
    the body's; otherwise Undecided."""
    from OCP.gp import gp_Vec

    whole = volume(body)
    piece = _checked("common", [body], [solid], whole)
    if tools and volume(piece) > 0:
        piece = _checked("cut", [piece], tools, whole)
    shared = volume(piece)
    if not solids(piece):
        return shared, None
    x0, y0, z0, x1, y1, z1 = box(piece)
    origin, n = _vec(frame.origin), _vec(frame.normal)
    corners = [gp_Vec(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]
    depths = [-c.Subtracted(origin).Dot(n) for c in corners]
    return shared, (min(depths), max(depths))


def _checked(kind: str, arguments: Sequence[Any], tools: Sequence[Any], limit: float) -> Any:
    what = f"the body's {kind} with the enclosure"
    shape = _boolean(kind, arguments, tools, what)
    if shape.IsNull() or (solids(shape) and not valid(shape)):
        raise Undecided(f"{what}: an invalid result")
    found = volume(shape)
    if not -1e-9 <= found <= limit * (1 + 1e-9):
        raise Undecided(f"{what}: volume {found:g} mm3 out of bounds")
    return shape
