"""The panel plate as one solid, built the fast way, and its STEP file.

The plate is one planar face made of the outer wire and every inner wire (cutouts with
true arcs, holes as circles), extruded once: no boolean per opening (a boolean loop
grows badly with the number of openings). The wires come from the same bulge contours
(geom.model.contour) as the DXF, so both files hold one geometry.

Placement convention: the panel's front face at Z = 0, the sheet in -t <= Z <= 0, the
lower-left corner of the outline at X = Y = 0. Sizes in mm.

The flat plate's STEP file is written around the kernel's transfer (geom.cad.prism_step):
the kernel writes a stand-in plate without openings, and the plate's own faces are put
into its solid, so the time grows linearly with the number of openings. Other solids
(a folded panel) go through the kernel's writer as they are.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geom.cad.prism_step import Prism, splice
from geom.data.atomic import write_bytes
from geom.model.contour import Vertex

Contour = Sequence[Vertex]


def plate_shape(outline: Contour, openings: Sequence[Contour], thickness: float) -> Any:
    """The plate solid (an OCP TopoDS_Shape): `outline` with `openings` cut through,
    extruded from Z = 0 to Z = -`thickness` (mm). Contours run counter-clockwise."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
    from OCP.BRepPrimAPI import BRepPrimAPI_MakePrism
    from OCP.gp import gp_Vec

    maker = BRepBuilderAPI_MakeFace(contour_wire(outline), True)
    if not maker.IsDone():
        raise RuntimeError("OpenCascade could not make the plate's face from its outline")
    for contour in openings:
        inner = contour_wire(contour)
        inner.Reverse()  # inner wires run clockwise
        maker.Add(inner)
    face = maker.Face()
    prism = BRepPrimAPI_MakePrism(face, gp_Vec(0.0, 0.0, -thickness))
    prism.Build()
    if not prism.IsDone():
        raise RuntimeError("OpenCascade could not extrude the plate")
    return prism.Shape()


def contour_face(contour: Contour, z: float = 0.0) -> Any:
    """A planar face (an OCP TopoDS_Face) bounded by the closed `contour` at height `z`
    (mm), its normal +Z for a counter-clockwise contour."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace

    maker = BRepBuilderAPI_MakeFace(contour_wire(contour, z), True)
    if not maker.IsDone():
        raise RuntimeError("OpenCascade could not make a face from a contour")
    return maker.Face()


def contour_wire(contour: Contour, z: float = 0.0) -> Any:
    """A closed wire at height `z` (mm) from bulge vertices: a line per straight segment,
    a true circular arc per bulge (through its mid point), vertices shared between
    neighbours."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeEdge, BRepBuilderAPI_MakeWire
    from OCP.BRepLib import BRepLib_MakeVertex
    from OCP.GC import GC_MakeArcOfCircle
    from OCP.gp import gp_Pnt

    n = len(contour)
    points = [gp_Pnt(x, y, z) for x, y, _ in contour]
    vertices = [BRepLib_MakeVertex(p).Vertex() for p in points]
    wire = BRepBuilderAPI_MakeWire()
    for i, (x, y, bulge) in enumerate(contour):
        j = (i + 1) % n
        if bulge == 0.0:
            edge = BRepBuilderAPI_MakeEdge(vertices[i], vertices[j]).Edge()
        else:
            mx, my = _arc_mid(x, y, contour[j][0], contour[j][1], bulge)
            arc = GC_MakeArcOfCircle(points[i], gp_Pnt(mx, my, z), points[j]).Value()
            edge = BRepBuilderAPI_MakeEdge(arc, vertices[i], vertices[j]).Edge()
        wire.Add(edge)
    if not wire.IsDone():
        raise RuntimeError("OpenCascade could not close a contour's wire")
    return wire.Wire()


def _arc_mid(x0: float, y0: float, x1: float, y1: float, bulge: float) -> tuple[float, float]:
    """The mid point of the bulge arc from (x0, y0) to (x1, y1): the sagitta, bulge times
    half the chord, off the chord's middle to the right of the travel for bulge > 0."""
    dx, dy = x1 - x0, y1 - y0
    sagitta = bulge * math.hypot(dx, dy) / 2
    length = math.hypot(dx, dy)
    # Counter-clockwise arc (bulge > 0) bows to the right of the chord direction.
    nx, ny = dy / length, -dx / length
    return (x0 + x1) / 2 + nx * sagitta, (y0 + y1) / 2 + ny * sagitta


def write_plate_step(path: Path, product: str, shape: Any, *, prism: Prism | None = None) -> Path:
    """Write one solid as a plain AP214 STEP part named `product` (mm), atomically.

    No XCAF document (no colour, one product): the plate-only file. Same input, same
    bytes (the header's time stamp is geom.cad.step's). OpenCascade's process-wide
    settings are geom's only while it writes (geom.cad.step.step_settings). With
    `prism`, `shape` is its stand-in (`stand_in`) and the file holds the prism's faces."""
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.STEPControl import STEPControl_StepModelType, STEPControl_Writer
    from OCP.XSControl import XSControl_WorkSession

    from geom.cad.step import own_controller, solid_number, step_settings, time_stamp

    stamp = time_stamp()
    # No pcurves, edges as 3D curves only: 276k instead of 636k entities for 1000 rounded
    # cutouts; readers rebuild the pcurves on planes and cylinders exactly.
    with step_settings(pcurves=False):
        session = XSControl_WorkSession()
        writer = STEPControl_Writer(session, True)  # its model reads the settings here
        own_controller(session)
        status = writer.Transfer(shape, STEPControl_StepModelType.STEPControl_AsIs)
        if status != IFSelect_ReturnStatus.IFSelect_RetDone:
            raise RuntimeError(f"OpenCascade could not transfer {product!r} to STEP")
        data = _finish(writer, product, stamp)
        if prism is not None:
            solid = solid_number(writer.WS(), writer.Model(), shape)
            text = data.decode("utf-8", "surrogateescape")
            data = splice(text, {solid: prism}).encode("utf-8", "surrogateescape")
    return write_bytes(path, data)


def stand_in(prism: Prism) -> Any:
    """The solid the kernel writes in a prism's place: its outline, no openings."""
    return plate_shape(prism.outline, (), prism.thickness)


def write_prism_step(path: Path, product: str, prism: Prism) -> Path:
    """Write a flat plate (a prism) as a plain AP214 STEP part named `product` (mm),
    atomically: the kernel writes a stand-in without openings, the plate's own shell
    goes into its solid (geom.cad.prism_step)."""
    return write_plate_step(path, product, stand_in(prism), prism=prism)


def _finish(writer: Any, product: str, stamp: str) -> bytes:
    """The transferred plate's STEP text: product id and name, header filled in."""
    from OCP.APIHeaderSection import APIHeaderSection_MakeHeader
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.StepBasic import StepBasic_Product
    from OCP.TCollection import TCollection_HAsciiString

    from geom.cad.step import ascii_name
    from geom.version import __version__

    model = writer.Model()
    for i in range(1, model.NbEntities() + 1):  # the product comes first, near the top
        entity = model.Value(i)
        if isinstance(entity, StepBasic_Product):
            entity.SetId(TCollection_HAsciiString(ascii_name(product)))
            entity.SetName(TCollection_HAsciiString(ascii_name(product)))
            break
    header = APIHeaderSection_MakeHeader(model)
    header.SetName(TCollection_HAsciiString(ascii_name(product)))
    header.SetTimeStamp(TCollection_HAsciiString(stamp))
    header.SetOriginatingSystem(TCollection_HAsciiString(f"geom {__version__}"))
    with tempfile.TemporaryDirectory(prefix="geom-step-") as tmp:
        target = Path(tmp) / "out.step"
        if writer.Write(str(target)) != IFSelect_ReturnStatus.IFSelect_RetDone:
            raise RuntimeError(f"OpenCascade could not write the STEP file of {product!r}")
        return target.read_bytes()
