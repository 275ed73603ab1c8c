"""The folded part of a bent panel as one OpenCascade solid (mm), from the numbers of
geom.model.bend: the base's flat region and each flange's flat region as plates with
their openings (geom.cad.plate: one face, extruded once), each bend a true cylindrical
sector (the base's end section revolved about the bend axis), fused into one solid and
its coplanar faces merged. The flat pattern (geom.dxf.flat) comes from the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from geom.cad.plate import Contour, plate_shape
from geom.model.bend import BASE, Edge, Frame3, SheetMetal


def folded_shape(metal: SheetMetal, openings: Mapping[str, Sequence[Contour]]) -> Any:
    """The folded solid: `openings` per face, each contour in its face's frame
    (counter-clockwise, mm). Raises RuntimeError unless the result is one valid solid."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Fuse
    from OCP.BRepCheck import BRepCheck_Analyzer
    from OCP.ShapeUpgrade import ShapeUpgrade_UnifySameDomain
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopTools import TopTools_ListOfShape

    s = metal.sheet
    base = plate_shape(metal.base_region(), openings.get(BASE, ()), s)
    tools = TopTools_ListOfShape()
    for f in metal.flanges:
        x0, y0, x1, y1 = metal.flange_region(f.edge)
        rect = [(x0, y0, 0.0), (x1, y0, 0.0), (x1, y1, 0.0), (x0, y1, 0.0)]
        plate = plate_shape(rect, openings.get(f.edge, ()), s)
        tools.Append(_moved(plate, metal.frame3(f.edge)))
        tools.Append(bend_shape(metal, f.edge))
    if tools.Size() == 0:
        return base
    arguments = TopTools_ListOfShape()
    arguments.Append(base)
    fuse = BRepAlgoAPI_Fuse()
    fuse.SetArguments(arguments)
    fuse.SetTools(tools)
    fuse.SetRunParallel(False)
    fuse.Build()
    if not fuse.IsDone():
        raise RuntimeError("OpenCascade could not fuse the folded part's base, bends and flanges")
    unify = ShapeUpgrade_UnifySameDomain(fuse.Shape(), True, True, False)
    unify.Build()
    shape = unify.Shape()
    solids = 0
    explorer = TopExp_Explorer(shape, TopAbs_SOLID)
    while explorer.More():
        solids += 1
        explorer.Next()
    if solids != 1 or not BRepCheck_Analyzer(shape).IsValid():
        raise RuntimeError(f"the folded part came out as {solids} solids or invalid, not one solid")
    return shape


def bend_shape(metal: SheetMetal, edge: Edge) -> Any:
    """One bend: the base's section where the bend starts (the span along the edge by the
    sheet, -s <= Z <= 0) revolved about the bend axis by the bend angle."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace, BRepBuilderAPI_MakePolygon
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeRevol
    from OCP.gp import gp_Ax1, gp_Dir, gp_Pnt

    start = metal.bend_start(edge)
    a, b = metal.span(edge)
    point, direction, angle = metal.bend_axis(edge)
    end = start + (b - a) * direction
    down = [0.0, 0.0, -metal.sheet]
    polygon = BRepBuilderAPI_MakePolygon()
    for p in (start, end, end + down, start + down):
        polygon.Add(gp_Pnt(*(float(c) for c in p)))
    polygon.Close()
    face = BRepBuilderAPI_MakeFace(polygon.Wire(), True).Face()
    sign = 1.0 if angle >= 0 else -1.0
    axis = gp_Ax1(gp_Pnt(*(float(c) for c in point)), gp_Dir(*(sign * float(c) for c in direction)))
    revol = BRepPrimAPI_MakeRevol(face, axis, abs(angle), True)
    revol.Build()
    if not revol.IsDone():
        raise RuntimeError(f"OpenCascade could not revolve the {edge} bend")
    return revol.Shape()


def _moved(shape: Any, frame: Frame3) -> Any:
    """`shape` built in a face's frame, placed in the folded part."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_Transform
    from OCP.gp import gp_Trsf

    ax, ay, az, o = frame.ax, frame.ay, frame.az, frame.origin
    trsf = gp_Trsf()
    trsf.SetValues(
        *(float(v) for v in (ax[0], ay[0], az[0], o[0], ax[1], ay[1], az[1], o[1])),
        *(float(v) for v in (ax[2], ay[2], az[2], o[2])),
    )
    return BRepBuilderAPI_Transform(shape, trsf, True).Shape()
