"""OpenCascade solids from a geom.body.Body (mm), and the body's STEP file.

Each solid is built with a handful of booleans: the added prisms fused, the cuts taken
out in one go, coplanar faces merged again (ShapeUpgrade_UnifySameDomain), so a body has
few faces. Only OCP is imported (not cadquery): see geom/cad/__init__.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.body import Body, Box, Prism, SolidSpec
from geom.cad.step import Component, write_step

PRODUCT_FORMAT = "{id} on a {plate:g} mm plate"
"""Top product name of a body's STEP file (the wings sit for that plate)."""


@dataclass(frozen=True)
class BuiltSolid:
    spec: SolidSpec
    shape: Any
    """OCP TopoDS_Solid, in place (panel coordinates, mm)."""


def prism(p: Prism) -> Any:
    """An OCP solid for one prism (mm)."""
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox, BRepPrimAPI_MakeCylinder, BRepPrimAPI_MakePrism
    from OCP.gp import gp_Ax2, gp_Dir, gp_Pnt, gp_Vec

    height = p.z1 - p.z0
    if p.round:
        axis = gp_Ax2(gp_Pnt(p.x, p.y, p.z0), gp_Dir(0, 0, 1))
        return BRepPrimAPI_MakeCylinder(axis, p.corner_radius, height).Shape()
    if p.corner_radius <= 0:
        corner = gp_Pnt(p.x - p.width / 2, p.y - p.height / 2, p.z0)
        return BRepPrimAPI_MakeBox(corner, p.width, p.height, height).Shape()
    face = _rounded_face(p)
    return BRepPrimAPI_MakePrism(face, gp_Vec(0, 0, height)).Shape()


def _rounded_face(p: Prism) -> Any:
    """The rounded rectangle of `p` at z0 as a planar face, from the same contour the DXF
    writer uses (geom.contour.rounded_rect: sub-micron corners snapped, never a
    degenerate arc)."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace

    from geom.cad.plate import contour_wire
    from geom.contour import rounded_rect

    contour = rounded_rect(p.width, p.height, p.corner_radius, p.x, p.y)
    return BRepBuilderAPI_MakeFace(contour_wire(contour, p.z0), True).Face()


def _list(shapes: Sequence[Any]) -> Any:
    from OCP.TopTools import TopTools_ListOfShape

    out = TopTools_ListOfShape()
    for s in shapes:
        out.Append(s)
    return out


def boolean(kind: str, arguments: Sequence[Any], tools: Sequence[Any]) -> Any:
    """`arguments` fused / cut by / common with `tools`, in one boolean operation."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Common, BRepAlgoAPI_Cut, BRepAlgoAPI_Fuse

    op = {"fuse": BRepAlgoAPI_Fuse, "cut": BRepAlgoAPI_Cut, "common": BRepAlgoAPI_Common}[kind]()
    op.SetArguments(_list(arguments))
    op.SetTools(_list(tools))
    op.SetRunParallel(False)
    op.Build()
    if not op.IsDone():
        raise RuntimeError(f"OpenCascade boolean {kind} failed")
    return op.Shape()


def solid(spec: SolidSpec) -> Any:
    """The one solid of `spec`: union of its added prisms minus its cuts, faces merged."""
    from OCP.ShapeUpgrade import ShapeUpgrade_UnifySameDomain
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer

    added = [prism(p) for p in spec.add]
    shape = added[0] if len(added) == 1 else boolean("fuse", added[:1], added[1:])
    if spec.cut:
        shape = boolean("cut", [shape], [prism(p) for p in spec.cut])
    unify = ShapeUpgrade_UnifySameDomain(shape, True, True, True)
    unify.Build()
    shape = unify.Shape()
    found = []
    explorer = TopExp_Explorer(shape, TopAbs_SOLID)
    while explorer.More():
        found.append(explorer.Current())
        explorer.Next()
    if len(found) != 1:
        raise RuntimeError(f"{spec.name}: the body came out as {len(found)} solids, not one")
    return found[0]


def build(body: Body) -> list[BuiltSolid]:
    """Every solid of `body`, built in place."""
    return [BuiltSolid(spec, solid(spec)) for spec in body.solids]


def bounding_box(shape: Any) -> Box:
    """The exact (optimal) bounding box of `shape`, mm."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, box, False, False)
    xmin, ymin, zmin, xmax, ymax, zmax = box.Get()
    return Box(xmin, xmax, ymin, ymax, zmin, zmax)


def volume(shape: Any) -> float:
    """Volume of `shape`, mm^3."""
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    return float(props.Mass())


def product_name(body: Body) -> str:
    return PRODUCT_FORMAT.format(id=body.part.id, plate=round(body.plate, 6))


def write_body_step(body: Body, path: Path) -> Path:
    """Write the body's STEP file (every solid a named, coloured product, in place)."""
    components = [Component(b.spec.name, b.shape, b.spec.colour) for b in build(body)]
    return write_step(path, product_name(body), components)
