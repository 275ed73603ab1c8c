"""The CadQuery plugin: ``import geom.cq`` adds ``panelCutout``, ``panelBody`` and
``panelLayout`` to ``cq.Workplane``, and ``panelCutout`` to ``cq.Sketch``.

The cq_warehouse way: importing this module adds a method to CadQuery's own class, and
nothing else in geom imports it (an import contract says so), so `import geom` still
loads no cadquery.

``box.faces(">Z").workplane().pushPoints(points).panelCutout(part)`` cuts the part's
fit-checked cutout (the contour of the cutout DXF, `geom.cutout_face`) through the wall
at every point on the stack (none: the workplane's origin), all in one boolean. The
wall is measured from the solid at each point, and the fit is checked with that wall as
the sheet (`geom.check_fit`).

How the wall is measured: a ray along the face's inward normal (OpenCascade's
`BRepIntCurveSurface_Inter` on the whole solid), at the point and at the four corner
centres of the cut, from 1 mm outside the face. The ray enters the solid at the face and
leaves it at the inner side of the wall: the wall is the distance between the two. A
ray, not the distance to "the opposite face": it finds the inner side whatever face that
is, follows the axis the part goes in along, and never takes a side wall next to the
opening for the inside of the wall (a minimum distance to any other face would). Walls
that differ under one opening (a draft, a rib) give the sheet as a band (thinnest,
thickest). Where the ray meets the solid again behind the wall, the cutting tool stops
halfway to it, so nothing behind the wall is cut.

The fits are kept on the result: ``result.geomFits``, one `geom.Fit` per point, in the
stack's order. ``panelBody(part)`` gives the part's simplified body at the same points as
a `cq.Assembly`, placed by geom's convention on the face. ``panelLayout(layout)`` cuts a
whole layout file (the one `geom cut` reads, docs/cut.md) into the solid on the chain and
places every body, with `geom cut`'s own checks. ``cq.Sketch.panelCutout(part)`` adds the
cutout's face at every location of a sketch. Sizes in mm, angles in degrees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geom.errors import MissingExtra

try:
    import cadquery as cq
except ModuleNotFoundError as exc:  # an optional extra: say which, not a bare error
    if exc.name != "cadquery":
        raise
    raise MissingExtra("geom.cq (the CadQuery plugin)", "CadQuery", "cadquery") from None

from geom.api import Band, check_fit, cutout_face
from geom.cad import enclosure as kernel
from geom.errors import GeomError, InputError
from geom.model.conditions import Target
from geom.model.fit import Fit
from geom.model.layout import where_text
from geom.model.part import Part
from geom.model.tolerance import Size
from geom.model.units import band, mm

WHERE = "geom.cq"
"""Where an error in an argument is, in its message."""
ON_FACE_MM = 1e-4
"""How far a point may lie off the face it is cut into (mm)."""


class FitError(GeomError, ValueError):
    """The part does not fit the wall it is cut into (a wall outside the grip range, a
    coating the cutout band cannot take): `fits` holds every point's `Fit`, `walls` the
    measured walls (thinnest, thickest) in mm."""

    def __init__(
        self, message: str, fits: Sequence[Fit], walls: Sequence[tuple[float, float]]
    ) -> None:
        super().__init__(message)
        self.fits = tuple(fits)
        self.walls = tuple(walls)


class CutError(GeomError, RuntimeError):
    """OpenCascade's boolean gave an invalid or empty solid: nothing is returned."""


class LayoutError(GeomError, ValueError):
    """A layout breaks a rule of `geom cut` (a fit, an edge distance, a web, flanges or
    bodies colliding with each other or with the enclosure): `violations` holds them,
    `report` the JSON report (as `geom cut` writes it)."""

    def __init__(self, message: str, violations: Sequence[Any], report: dict[str, Any]) -> None:
        super().__init__(message)
        self.violations = tuple(violations)
        self.report = report


def panel_cutout(
    self: cq.Workplane,
    part: Part,
    coating: Band = 0.0,
    target: Target = "mid",
    masked: bool = False,
    rotation: int = 0,
    shop_tolerance: float | None = None,
    force: bool = False,
) -> cq.Workplane:
    """Cut `part`'s fit-checked cutout through the wall at every point on the stack (the
    workplane's origin when there is none), turned by `rotation` degrees (a multiple of
    90, counter-clockwise seen from outside), all openings in one boolean.

    The workplane must lie on a planar face of the solid on the chain. Each point's wall
    is measured along the face's inward normal and checked as the sheet with `coating`
    (per face, mm or (min, max)), `masked`, `target` and `shop_tolerance`
    (`geom.check_fit`). A fit that fails raises `FitError`, unless `force`, which cuts
    anyway. The result is a new Workplane holding the cut solid, with ``geomFits``: the
    fits, one per point."""
    _rotation(rotation)
    solid = _solid(self)
    # The cut as drawn does not depend on the sheet: the outline is the same for every wall.
    drawn = check_fit(
        part, None, coating, masked=masked, target=target, shop_tolerance=shop_tolerance
    )
    w, h, r = drawn.cut.width, drawn.cut.height, drawn.cut.corner_radius
    if rotation % 180:
        w, h = h, w
    corners = [(sx * (w / 2 - r), sy * (h / 2 - r)) for sx in (-1, 1) for sy in (-1, 1)]
    holes = drawn.hole_contours(0.0, 0.0, rotation)

    fits: list[Fit] = []
    walls: list[tuple[float, float]] = []
    tools: list[cq.Shape] = []
    for point in _points(self):
        face, normal = _face_at(solid, point)
        frame = cq.Plane(origin=point, xDir=self.plane.xDir, normal=normal)
        outline = cq.Face(cutout_face(drawn)).rotate(cq.Vector(), cq.Vector(0, 0, 1), rotation)
        _on_face(outline.moved(cq.Location(frame)), face, point)
        rays = [_wall(solid, frame.toWorldCoords(xy), normal) for xy in [(0.0, 0.0), *corners]]
        thinnest, thickest = min(t for t, _ in rays), max(t for t, _ in rays)
        room = min(kernel.OVERSHOOT_MM, *(gap / 2 for _, gap in rays))
        sheet: Band = thinnest if thickest - thinnest < 1e-9 else (thinnest, thickest)
        fits.append(
            check_fit(
                part,
                sheet,
                coating,
                masked=masked,
                target=target,
                shop_tolerance=shop_tolerance,
            )
        )
        walls.append((thinnest, thickest))
        # The cutting tools of `geom cut` (geom.cad.enclosure.tool): the part's outline
        # and its own holes, from 1 mm outside the face to `room` past the wall.
        on = kernel.frame_at(
            face.wrapped, point.toTuple(), self.plane.xDir.toTuple(), normal.toTuple()
        )
        for contour in [drawn.cut.contour(0.0, 0.0, rotation), *holes]:
            tools.append(cq.Shape.cast(kernel.tool(on, contour, thickest + room)))

    failing = [(i, f) for i, f in enumerate(fits) if not f.ok]
    if failing and not force:
        raise FitError(_fit_message(part, failing, walls, _points(self)), fits, walls)
    cut = solid.cut(cq.Compound.makeCompound(tools))  # one boolean for every opening
    _check_result(solid, cut)
    result = self.newObject([cut])
    setattr(result, "geomFits", tuple(fits))  # noqa: B010 (a new attribute on cq's class)
    return result


def panel_body(
    self: cq.Workplane,
    part: Part,
    coating: Band = 0.0,
    rotation: int = 0,
    name: str | None = None,
) -> cq.Assembly:
    """The part's simplified body at every point on the stack (none: the workplane's
    origin), as a `cq.Assembly` named `name` (default: the part's id) to add to yours:
    one child per point and solid, named ``<id> <name> #<n>``, in the template's colour.

    Placed by geom's convention (docs/placement.md) on the face the point lies on: the
    flange on the outside face, collar and housing into the wall, turned by `rotation`
    (a multiple of 90 degrees, counter-clockwise seen from outside). The wings sit for
    the thickest wall measured under the cut (at the point and the cut's four corner
    centres, as `panelCutout` and `geom cut` measure) plus twice the thickest `coating`,
    held to the grip range (docs/placement.md: one rule on every surface);
    `panelCutout` checks the fit."""
    from geom.cad.body import build
    from geom.model.body import build_body, wing_plate

    _rotation(rotation)
    solid = _solid(self)
    drawn = check_fit(part, None, coating)  # checks `coating` as check_fit does
    w, h, r = drawn.cut.width, drawn.cut.height, drawn.cut.corner_radius
    if rotation % 180:
        w, h = h, w
    corners = [(sx * (w / 2 - r), sy * (h / 2 - r)) for sx in (-1, 1) for sy in (-1, 1)]
    assembly = cq.Assembly(name=name or part.id)
    for n, point in enumerate(_points(self), start=1):
        _, normal = _face_at(solid, point)
        frame = cq.Plane(origin=point, xDir=self.plane.xDir, normal=normal)
        # The walls `panelCutout` and `geom cut` measure: the centre and the corners.
        rays = [_wall(solid, frame.toWorldCoords(xy), normal) for xy in [(0.0, 0.0), *corners]]
        walls = Size.between(min(t for t, _ in rays), max(t for t, _ in rays))
        plate = wing_plate(part, walls, drawn.coating)
        turn = cq.Location(cq.Vector(), cq.Vector(0, 0, 1), rotation)
        for built in build(build_body(part, plate)):
            assembly.add(
                cq.Solid(built.shape),
                name=f"{built.spec.name} #{n}",
                loc=cq.Location(frame) * turn,
                color=cq.Color(*built.spec.colour),
            )
    return assembly


def sketch_cutout(
    self: cq.Sketch,
    part: Part,
    coating: Band = 0.0,
    target: Target = "mid",
    masked: bool = False,
    rotation: int = 0,
    shop_tolerance: float | None = None,
    sheet: Band | None = None,
    force: bool = False,
    mode: str = "a",
    tag: str | None = None,
) -> cq.Sketch:
    """Add `part`'s cutout (the contour of the cutout DXF: lines and true arcs) as a face
    at every location of the sketch (its selection, or the origin), turned by `rotation`
    degrees (a multiple of 90, counter-clockwise), in CadQuery's `mode` ("a" add, "s"
    subtract, "i" intersect, "r" replace, "c" construction) and `tag`, as
    ``Sketch.rect`` does. The cut is drawn for `coating`, `masked`, `target` and
    `shop_tolerance`; with `sheet` (mm or (min, max)) the fit is checked too and a fit
    that fails raises `FitError` unless `force`. The sketch keeps the fit as
    ``sketch.geomFit``. A sketch knows no wall: cut it into a solid with
    ``Workplane.placeSketch(sketch).cutBlind(-t)``, or use ``Workplane.panelCutout``,
    which measures the wall."""
    _rotation(rotation)
    fit = check_fit(
        part, sheet, coating, masked=masked, target=target, shop_tolerance=shop_tolerance
    )
    if sheet is not None and not fit.ok and not force:
        grip = part.fit.grip
        raise FitError(
            f"{part.id}: sheet {band(fit.sheet.min, fit.sheet.max)} mm, grip range "
            f"{band(grip.min, grip.max)} mm; " + "; ".join(c.message for c in fit.failures()),
            [fit],
            [(fit.sheet.min, fit.sheet.max)],
        )
    outline = cq.Face(cutout_face(fit)).rotate(cq.Vector(), cq.Vector(0, 0, 1), rotation)
    result = self.each(lambda loc: outline.moved(loc), mode, tag)  # type: ignore[arg-type]
    setattr(result, "geomFit", fit)  # noqa: B010 (a new attribute on cq's class)
    return result


def panel_layout(
    self: cq.Workplane,
    layout: str | Path | Any,
    select: str | None = None,
    force: bool = False,
) -> cq.Workplane:
    """Cut every opening of `layout` (a layout file's path, docs/cut.md, or the
    `CutLayout` loaded from it) into the solid on the chain and place every part's body:
    `geom cut` in one call, with its checks (walls measured, fits, edge distances to the
    face's real boundary, webs, flanges and bodies of parts on one face and across faces,
    bodies against the enclosure: the layout plan every surface shares) and its face
    frames. The faces are the layout's ``[face]`` or ``[[face]]`` tables; for a one-face
    layout, `select` (a CadQuery string selector) may pick another.

    A broken rule raises `LayoutError` (with the violations and the report) unless
    `force`. The result is a new Workplane holding the cut solid, with ``geomAssembly``
    (a `cq.Assembly` named after the layout: the cut enclosure and every body, named
    ``<entry> <solid name>``, coloured), ``geomReport`` (the JSON report `geom cut`
    writes, as dicts) and ``geomViolations``."""
    from geom.panel.cut_job import cut_report, plan_on
    from geom.panel.cut_layout import CutLayout, load_cut_layout
    from geom.panel.job import PLATE_COLOUR

    loaded = layout if isinstance(layout, CutLayout) else load_cut_layout(Path(layout))
    solids = _solid(self).Solids()
    if len(solids) != 1:
        raise InputError(
            WHERE, "workplane", f"{len(solids)} solids", "not one solid", "one solid, the enclosure"
        )
    lid = None
    if loaded.box is not None:  # the chain's solid is taken as the box, its lid checked too
        from geom.cad.box import build

        lid = build(loaded.box).lid
    plan = plan_on(solids[0].wrapped, Path("workplane"), loaded, select, lid=lid)
    report = cut_report(plan)
    if plan.violations and not force:
        several = loaded.several
        lines = [f"{v.rule}: {v.message} [{where_text(v, faces=several)}]" for v in plan.violations]
        raise LayoutError(
            f"{loaded.name}: {len(lines)} layout violations: " + " | ".join(lines),
            plan.violations,
            report,
        )
    if plan.result is None:
        raise CutError("panelLayout: the boolean left no valid solid")
    cut = cq.Solid(kernel.solids(plan.result)[0])
    assembly = cq.Assembly(name=loaded.name)
    assembly.add(cut, name="enclosure cut", color=cq.Color(*PLATE_COLOUR))
    for c in plan.cuts:
        for name, body, colour in c.bodies:
            assembly.add(cq.Shape.cast(body), name=f"{c.entry} {name}", color=cq.Color(*colour))
    result = self.newObject([cut])
    setattr(result, "geomAssembly", assembly)  # noqa: B010 (new attributes on cq's class)
    setattr(result, "geomReport", report)  # noqa: B010
    setattr(result, "geomViolations", tuple(plan.violations))  # noqa: B010
    return result


def _rotation(rotation: int) -> None:
    if isinstance(rotation, bool) or not isinstance(rotation, int) or rotation % 90:
        raise InputError(WHERE, "rotation", rotation, "not a quarter turn", "0, 90, 180, 270")


# --- where to cut -----------------------------------------------------------------------


def _solid(wp: cq.Workplane) -> cq.Shape:
    """The solid on the stack or its parent chain."""
    try:
        found = wp.findSolid()
    except ValueError:
        found = None
    if found is None or not found.Solids():
        raise InputError(
            WHERE, "workplane", "no solid", "not a workplane on a solid", "a face's workplane"
        )
    return found


def _points(wp: cq.Workplane) -> list[cq.Vector]:
    """Every point on the stack in world coordinates, as `Workplane.eachpoint` takes
    them (Locations in the plane's coordinates, Vectors and shapes in the world's); the
    plane's origin when the stack is empty."""
    if not wp.objects:
        return [wp.plane.origin]
    points = []
    for item in wp.objects:
        if isinstance(item, cq.Location):
            points.append(cq.Vector(*(wp.plane.location * item).toTuple()[0]))
        elif isinstance(item, cq.Vector):
            points.append(item)
        elif isinstance(item, cq.Shape):
            points.append(item.Center())
        else:
            raise InputError(WHERE, "stack", item, "not a point", "points, vertices or shapes")
    return points


def _face_at(solid: cq.Shape, point: cq.Vector) -> tuple[cq.Face, cq.Vector]:
    """The face of `solid` that `point` lies on, and its outward normal there; it must be
    planar."""
    near = [f for f in solid.Faces() if _distance(f, point) < ON_FACE_MM]
    planar = [f for f in near if f.geomType() == "PLANE"]
    at = f"({mm(point.x)}, {mm(point.y)}, {mm(point.z)})"
    if not planar:
        problem = (
            f"a point on a {near[0].geomType().lower()} face, not a planar one"
            if near
            else "a point on no face of the solid"
        )
        raise InputError(WHERE, "workplane", at, problem, "a point on a planar face")
    face = planar[0]
    return face, face.normalAt(point)


def _distance(face: cq.Face, point: cq.Vector) -> float:
    from OCP.BRepExtrema import BRepExtrema_DistShapeShape

    dist = BRepExtrema_DistShapeShape(face.wrapped, cq.Vertex.makeVertex(*point).wrapped)
    return float(dist.Value()) if dist.IsDone() else math.inf


def _wall(solid: cq.Shape, point: cq.Vector, normal: cq.Vector) -> tuple[float, float]:
    """The wall under `point` along -`normal`, and the gap behind it to the solid's next
    face (inf when there is none), mm: the ray of `geom.cad.enclosure.wall`, which
    `geom cut` measures with too."""
    measured = kernel.wall(solid.wrapped, point.toTuple(), normal.toTuple())
    if measured is None:
        at = f"({mm(point.x)}, {mm(point.y)}, {mm(point.z)})"
        raise InputError(
            WHERE,
            "workplane",
            at,
            "a point with no wall behind the face",
            "a solid wall behind the face",
        )
    return measured


def _on_face(outline: cq.Face, face: cq.Face, point: cq.Vector) -> None:
    """The opening lies inside the face it is cut into (it would cut a side wall)."""
    beyond = outline.cut(face).Area()
    if beyond > 1e-6:
        at = f"({mm(point.x)}, {mm(point.y)}, {mm(point.z)})"
        raise InputError(
            WHERE,
            "workplane",
            at,
            f"a point where {mm(beyond)} mm2 of the opening runs off the face",
            "openings inside the face",
        )


# --- the result -------------------------------------------------------------------------


def _fit_message(
    part: Part,
    failing: Sequence[tuple[int, Fit]],
    walls: Sequence[tuple[float, float]],
    points: Sequence[cq.Vector],
) -> str:
    grip = part.fit.grip
    lines = []
    for i, fit in failing:
        p = points[i]
        wall = band(*walls[i])
        head = (
            f"{part.id} at ({mm(p.x)}, {mm(p.y)}, {mm(p.z)}): wall {wall} mm (measured), "
            f"coating {band(fit.coating.min, fit.coating.max)} mm per face, grip range "
            f"{band(grip.min, grip.max)} mm"
        )
        lines.append(head + "; " + "; ".join(c.message for c in fit.failures()))
    return f"{len(failing)} of {len(walls)} openings do not fit: " + " | ".join(lines)


def _check_result(before: cq.Shape, cut: Any) -> None:
    """The boolean's solid is valid and smaller than before: never returned silently
    otherwise."""
    if cut is None or cut.isNull() or not cut.Solids():
        raise CutError("panelCutout: the boolean left no solid")
    if not cut.isValid():
        raise CutError("panelCutout: the boolean's solid is invalid (OpenCascade's checker)")
    if not cut.Volume() < before.Volume():
        raise CutError("panelCutout: the boolean removed nothing")


cq.Workplane.panelCutout = panel_cutout  # type: ignore[attr-defined]
cq.Workplane.panelBody = panel_body  # type: ignore[attr-defined]
cq.Workplane.panelLayout = panel_layout  # type: ignore[attr-defined]
cq.Sketch.panelCutout = sketch_cutout  # type: ignore[attr-defined]
