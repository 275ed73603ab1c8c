"""A die-cast box as solids, on OpenCascade (OCP) alone: the body (drafted outside walls
leaning inward toward face A, a cavity whose walls are parallel to them `wall` mm in,
face A `wall` thick, open at z = 0) and the lid (a plate of the open end's plan,
`lid` thick, below z = 0). The placement is geom.data.boxes': length along Y, width
along X, face A at z = body_height. Each plan is a rounded rectangle; a ruled loft
between two of them gives planes along the sides and cones at the corners. mm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from geom.data.boxes import Box

CAVITY_OVERSHOOT_MM = 1.0
"""The cavity's tool starts this far below the open end, so the cut leaves a clean rim."""


@dataclass(frozen=True)
class BoxSolids:
    """The body and the lid (OCP TopoDS_Solid each)."""

    body: Any
    lid: Any


def build(box: Box) -> BoxSolids:
    """The box's body and lid (the module's docstring); the same box gives the same
    solids."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
    from OCP.BRepPrimAPI import BRepPrimAPI_MakePrism
    from OCP.gp import gp_Vec
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    h, t = box.body_height, box.wall
    slope = math.tan(math.radians(box.draft))
    across = t / math.cos(math.radians(box.draft))  # the wall measured in the plan

    def plan(z: float, inward: float) -> Any:
        """The outside plan at height z, moved `inward` (mm) further in."""
        d = z * slope + inward
        return _rounded_wire(box.length / 2 - d, box.width / 2 - d, box.corner_radius - d, z)

    outer = _loft(plan(0.0, 0.0), plan(h, 0.0))
    bottom = -CAVITY_OVERSHOOT_MM
    cavity = _loft(plan(bottom, across), plan(h - t, across))
    cut = BRepAlgoAPI_Cut(outer, cavity)
    cut.Build()
    if not cut.IsDone():
        raise RuntimeError(f"box {box.model}: OpenCascade could not hollow the body")
    explorer = TopExp_Explorer(cut.Shape(), TopAbs_SOLID)
    body = TopoDS.Solid_s(explorer.Current())
    face = BRepBuilderAPI_MakeFace(plan(0.0, 0.0), True).Face()
    lid = BRepPrimAPI_MakePrism(face, gp_Vec(0.0, 0.0, -box.lid)).Shape()
    explorer = TopExp_Explorer(lid, TopAbs_SOLID)
    return BoxSolids(body, TopoDS.Solid_s(explorer.Current()))


def _loft(lower: Any, upper: Any) -> Any:
    """The solid between two plans (OCP wires of the same kind), ruled."""
    from OCP.BRepOffsetAPI import BRepOffsetAPI_ThruSections

    loft = BRepOffsetAPI_ThruSections(True, True, 1e-6)
    loft.AddWire(lower)
    loft.AddWire(upper)
    loft.CheckCompatibility(False)
    loft.Build()
    return loft.Shape()


def _rounded_wire(hx: float, hy: float, r: float, z: float) -> Any:
    """A rectangle of half sizes hy along X (the width) and hx along Y (the length),
    corners of radius r, centred on the Z axis at height z: four lines and four
    quarter arcs, starting at the same place for every plan (mm)."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeEdge, BRepBuilderAPI_MakeWire
    from OCP.GC import GC_MakeArcOfCircle, GC_MakeSegment
    from OCP.gp import gp_Pnt

    x, y = hy, hx  # width along X, length along Y
    centres = [(x - r, y - r), (-(x - r), y - r), (-(x - r), -(y - r)), (x - r, -(y - r))]

    def at(i: int, angle: float) -> Any:
        cx, cy = centres[i % 4]
        a = math.radians(angle)
        return gp_Pnt(cx + r * math.cos(a), cy + r * math.sin(a), z)

    wire = BRepBuilderAPI_MakeWire()
    for i in range(4):  # counter-clockwise: the corner's quarter arc, then the side after it
        a0 = 90.0 * i
        arc = GC_MakeArcOfCircle(at(i, a0), at(i, a0 + 45), at(i, a0 + 90)).Value()
        wire.Add(BRepBuilderAPI_MakeEdge(arc).Edge())
        side = GC_MakeSegment(at(i, a0 + 90), at(i + 1, a0 + 90)).Value()
        wire.Add(BRepBuilderAPI_MakeEdge(side).Edge())
    return wire.Wire()
