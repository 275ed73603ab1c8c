"""OpenCascade solids from a geom.model.body.Body (mm), and the body's STEP file.

Each solid is built with a handful of booleans: the added prisms fused, the cuts taken
out in one go, coplanar faces merged again (ShapeUpgrade_UnifySameDomain), so a body has
few faces; when the merge leaves a solid OpenCascade's checker finds invalid (seen with
fully round collar ends), the solid keeps its unmerged faces.

Measuring with booleans (`split`) fails closed: OpenCascade can return an empty or wrong
result and still say it is done (tangent faces, invalid inputs). `split` checks its
inputs (BRepAlgoAPI_Check), the algorithm's errors and warnings, and its results (not
null, BRepCheck_Analyzer-valid, volume identities) and lists every doubt in
`Split.problems`; a caller must not read a result that has any.

Only OCP is imported (not cadquery): see geom/cad/__init__.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.cad.step import Component, write_step
from geom.model.body import Body, Box, Prism, SolidSpec

PRODUCT_FORMAT = "{id} on a {plate:g} mm plate"
"""Top product name of a body's STEP file (the wings sit for that plate)."""
VOLUME_SLACK_MM3 = 1e-4
"""Absolute slack of a split's volume identities, mm^3: a tenth of the 3D check's
interference limit (1e-3 mm^3), so a lost piece of the limit's size cannot hide in it."""
VOLUME_SLACK_SHARE = 1e-9
"""Relative slack of the identities (share of the split shape's volume): BRepGProp
integrates the planes and cylinders of these solids to about 1e-15 of their volume
(trusted splits leave residuals under 1e-13 of it); 1e-9 keeps the slack under the
limit's tenth for bodies up to 1e5 mm^3 and under the limit up to 9e5 mm^3."""


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
    if p.outline is not None:
        from geom.cad.plate import contour_face

        face = contour_face(p.outline, p.z0)
        return BRepPrimAPI_MakePrism(face, gp_Vec(0, 0, height)).Shape()
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
    writer uses (geom.model.contour.rounded_rect: sub-micron corners snapped, never a
    degenerate arc)."""
    from geom.cad.plate import contour_face
    from geom.model.contour import rounded_rect

    return contour_face(rounded_rect(p.width, p.height, p.corner_radius, p.x, p.y), p.z0)


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

    added = [prism(p) for p in spec.add]
    shape = added[0] if len(added) == 1 else boolean("fuse", added[:1], added[1:])
    if spec.cut:
        shape = boolean("cut", [shape], [prism(p) for p in spec.cut])
    unify = ShapeUpgrade_UnifySameDomain(shape, True, True, True)
    unify.Build()
    if valid(unify.Shape()) or not valid(shape):
        shape = unify.Shape()
    found = solids(shape)
    if len(found) != 1:
        raise RuntimeError(f"{spec.name}: the body came out as {len(found)} solids, not one")
    return found[0]


def solids(shape: Any) -> list[Any]:
    """The solids in `shape` (a solid, or a compound of them)."""
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer

    found = []
    explorer = TopExp_Explorer(shape, TopAbs_SOLID)
    while explorer.More():
        found.append(explorer.Current())
        explorer.Next()
    return found


def valid(shape: Any) -> bool:
    """True when OpenCascade's BRepCheck_Analyzer finds `shape` valid."""
    from OCP.BRepCheck import BRepCheck_Analyzer

    return bool(BRepCheck_Analyzer(shape).IsValid())


@dataclass(frozen=True)
class Operand:
    """A solid ready for `split`: its volume (mm^3) and what BRepAlgoAPI_Check found."""

    name: str
    shape: Any
    volume: float
    problems: tuple[str, ...]


def operand(name: str, shape: Any) -> Operand:
    """Check `shape` once as a boolean input: not null, valid for the boolean algorithm
    (BRepAlgoAPI_Check with its small-edge and self-interference tests), positive
    volume. `name` names it in the problems."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Check

    if shape.IsNull():
        return Operand(name, shape, 0.0, (f"{name}: null shape",))
    problems = []
    check = BRepAlgoAPI_Check(shape, True, True)
    if not check.IsValid():
        found = sorted({r.GetCheckStatus().name for r in check.Result()})
        problems.append(f"{name}: not a valid boolean input ({', '.join(found) or 'no detail'})")
    size = volume(shape)
    if not size > 0:
        problems.append(f"{name}: volume {size:g} mm3")
    return Operand(name, shape, size, tuple(problems))


def moved(solid: Operand, dx: float, dy: float) -> Operand:
    """`solid` translated by (dx, dy, 0) mm. A rigid move keeps its validity and volume,
    so the check `operand` made still holds; only the location changes (no copy)."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_Transform
    from OCP.gp import gp_Trsf, gp_Vec

    if dx == 0 and dy == 0:
        return solid
    move = gp_Trsf()
    move.SetTranslation(gp_Vec(dx, dy, 0.0))
    shape = BRepBuilderAPI_Transform(solid.shape, move, False).Shape()
    return Operand(solid.name, shape, solid.volume, solid.problems)


@dataclass(frozen=True)
class Split:
    """`arguments` split by `tools`: the part in common with them and the volumes (mm^3)
    of that part and of the rest (the cut). Read nothing when `problems` is not empty."""

    common: Any
    common_mm3: float
    cut_mm3: float
    problems: tuple[str, ...]


def split(arguments: Sequence[Operand], tools: Sequence[Operand], *, fuzzy: float = 0.0) -> Split:
    """Common and cut of `arguments` with `tools`, from one intersection (one
    BOPAlgo_PaveFiller), checked:

    - every input as `operand` found it;
    - no error and no warning from the intersection or from either result's builder;
    - both results not null and valid (BRepCheck_Analyzer);
    - vol(common) + vol(cut) = vol(arguments) and 0 <= vol(common) <= vol of the smaller
      side, within VOLUME_SLACK_MM3 + VOLUME_SLACK_SHARE x vol(arguments): the arguments
      must not overlap among themselves (the solids of one body never do).

    `fuzzy` (mm, 0: OpenCascade's default) is the algorithm's fuzzy value: entities that
    close count as touching."""
    from OCP.BOPAlgo import BOPAlgo_BOP, BOPAlgo_Operation, BOPAlgo_PaveFiller

    problems = [p for o in (*arguments, *tools) for p in o.problems]
    if problems:
        return Split(None, 0.0, 0.0, tuple(problems))
    filler = BOPAlgo_PaveFiller()
    filler.SetArguments(_list([o.shape for o in (*arguments, *tools)]))
    filler.SetRunParallel(False)
    filler.SetNonDestructive(True)
    if fuzzy > 0:
        filler.SetFuzzyValue(fuzzy)
    filler.Perform()
    problems += _alerts("intersection", filler)
    results = []
    for kind in (BOPAlgo_Operation.BOPAlgo_COMMON, BOPAlgo_Operation.BOPAlgo_CUT):
        if filler.HasErrors():
            break
        builder = BOPAlgo_BOP()
        for o in arguments:
            builder.AddArgument(o.shape)
        for o in tools:
            builder.AddTool(o.shape)
        builder.SetOperation(kind)
        builder.SetRunParallel(False)
        builder.SetNonDestructive(True)
        builder.PerformWithFiller(filler)
        name = "common" if kind == BOPAlgo_Operation.BOPAlgo_COMMON else "cut"
        problems += _alerts(name, builder)
        shape = builder.Shape()
        if shape.IsNull():
            problems.append(f"{name}: null result")
        elif not valid(shape):
            problems.append(f"{name}: result not valid (BRepCheck_Analyzer)")
        results.append(shape)
    if problems:
        return Split(None, 0.0, 0.0, tuple(problems))
    common, cut = results
    whole = sum(o.volume for o in arguments)
    smaller = min(whole, sum(o.volume for o in tools))
    common_mm3, cut_mm3 = volume(common), volume(cut)
    slack = VOLUME_SLACK_MM3 + VOLUME_SLACK_SHARE * whole
    if abs(common_mm3 + cut_mm3 - whole) > slack:
        problems.append(
            f"volumes disagree: common {common_mm3:.6f} + cut {cut_mm3:.6f} mm3 "
            f"!= {whole:.6f} mm3 (slack {slack:.1e})"
        )
    if not -slack <= common_mm3 <= smaller + slack:
        problems.append(f"common volume {common_mm3:.6f} mm3 outside 0 .. {smaller:.6f} mm3")
    return Split(common, common_mm3, cut_mm3, tuple(problems))


def _alerts(stage: str, algorithm: Any) -> list[str]:
    """The errors and warnings `algorithm` (a BOPAlgo_Options) reported, as text."""
    from OCP.Message import Message_Gravity

    if not (algorithm.HasErrors() or algorithm.HasWarnings()):
        return []
    found = []
    report = algorithm.GetReport()
    for gravity, word in (
        (Message_Gravity.Message_Fail, "error"),
        (Message_Gravity.Message_Warning, "warning"),
    ):
        keys = sorted({alert.GetMessageKey() for alert in report.GetAlerts(gravity)})
        found += [f"{stage}: OpenCascade {word} {key}" for key in keys]
    return found or [f"{stage}: OpenCascade reported a problem without detail"]


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
