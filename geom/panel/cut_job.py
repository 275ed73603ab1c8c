"""`geom cut`: cut a layout's openings into one face of an enclosure (a STEP solid).

`plan_cut` reads the enclosure and finds the face (bad input raises `InputError` before
anything is written), measures the wall under every opening with a ray, checks each
part's fit with that wall as the sheet, each opening against the face's real boundary
(edge >= 1.5 t, laser default, t the thickest wall under the opening; existing openings
count as boundary), the webs between new openings (>= t) and the bodies against the cut
enclosure (a common volume over COLLISION_MM3). `write_cut` writes into a directory:

- `<name>-cut.step`: the cut enclosure, one solid, every opening cut at once (through a
  flat wall without a boolean, `kernel.cut_through`, else in one boolean);
- `<name>-assembly.step`: the cut enclosure and every part's body, named and coloured;
- `<name>-face.dxf`: the face's outline, its existing openings and every cutout, in the
  face's frame, on layer CUT;
- `<name>-report.json`: the face, the walls, every fit and distance, every violation.

The CAM files are withheld when a rule fails, unless `force`; the report is always
written. Sizes in mm (volumes mm3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geom.cad import enclosure as kernel
from geom.data.atomic import write_text
from geom.dxf.writer import Note, write_dxf
from geom.model.advice import NO_ADVICE, Advice
from geom.model.conditions import Conditions, Shop
from geom.model.contour import Vertex, circle, circle_of
from geom.model.fit import Fit, evaluate
from geom.model.notes import FORCED_NOTE, KERF_NOTE
from geom.model.report import dumps, fit_report, no_way_out_report, ways_out_report, with_forced
from geom.model.tolerance import Size
from geom.model.units import band, mm
from geom.panel.cut_layout import CutLayout
from geom.panel.job import PLATE_COLOUR, body_solids
from geom.panel.layout import Opening, Violation, gap, near_pairs, own_holes, own_web_notes
from geom.panel.model import SHOPS
from geom.panel.ways_out import layout_advice

COLLISION_MM3 = 0.1
"""A body and the enclosure that share more than this volume collide (mm3): a flange
resting on the face shares a sliver of OpenCascade's tolerance with it, not this."""
EPS_MM = 1e-6
NOTE_HEIGHT_MM = 2.5


@dataclass
class Cut:
    """One opening: what it is, where (face frame, mm), its contour, wall and checks."""

    entry: str
    x: float
    y: float
    contour: list[Vertex]
    """The opening's contour in the face's frame (mm)."""
    centred: list[Vertex]
    """The same contour centred on (0, 0): one cutting tool per outline, moved."""
    opening: Opening
    part_id: str | None = None
    rotation: int = 0
    fit: Fit | None = None
    wall: tuple[float, float] | None = None
    """Thinnest and thickest wall under the opening (mm); None: no wall found."""
    room: float = kernel.OVERSHOOT_MM
    edge: float = math.nan
    off_face: float = 0.0
    plate: float = 0.0
    """The plate the body's wings sit for (mm)."""
    bodies: list[tuple[str, Any, tuple[float, float, float]]] = field(default_factory=list)
    """(name, solid placed on the face, sRGB) per solid of the part's body."""


@dataclass
class CutPlan:
    """The enclosure, the face, every opening and every violation."""

    layout: CutLayout
    enclosure: Path
    solid: Any
    frame: kernel.FaceFrame
    cuts: list[Cut]
    violations: list[Violation]
    result: Any = None
    """The cut enclosure (None when no valid solid could be cut)."""
    tools: list[Any] = field(default_factory=list)
    """The cutting tools, one per opening cut (in `cuts`' order, openings off the face or
    over no wall left out)."""
    method: str | None = None
    """How the openings were cut: "flat wall" (`kernel.cut_through`, every opening
    through one flat wall of one thickness) or "one boolean" (`kernel.cut`)."""


@dataclass(frozen=True)
class CutFiles:
    violations: tuple[Violation, ...]
    report: Path
    step: Path | None
    assembly: Path | None
    dxf: Path | None
    forced: bool
    advice: Advice = NO_ADVICE
    """The ways out of the fits that fail (geom.panel.ways_out)."""


def plan_cut(enclosure: Path, layout: CutLayout) -> CutPlan:
    """Read, measure, check and cut (in memory); bad input raises InputError."""
    solid = kernel.read_step(enclosure)
    return plan_on(solid, enclosure, layout)


def plan_on(solid: Any, enclosure: Path, layout: CutLayout, select: str | None = None) -> CutPlan:
    """Measure, check and cut `layout` into `solid` (an OpenCascade solid through
    cadquery; `enclosure` names it in the report), on the layout's face or on the face
    `select` (a CadQuery string selector) picks; bad input raises InputError."""
    if select is None:
        where, point, normal = str(layout.path), layout.point, layout.normal
        frame = kernel.find_face(solid, where, layout.select, point, normal)
    else:
        frame = kernel.find_face(solid, "panelLayout", select)
    shop = (
        SHOPS["laser"]
        if layout.shop_tolerance is None
        else Shop(layout.shop_tolerance, f"{layout.path.name}: face.shop_tolerance")
    )

    def conditions(sheet: Size | None) -> Conditions:
        return Conditions(sheet, layout.coating, layout.masked, layout.target, shop)

    drawn: dict[str, Fit] = {}
    built: dict[tuple[str, float], list[tuple[str, Any, tuple[float, float, float]]]] = {}
    cuts: list[Cut] = []
    for p in layout.places:
        fit = drawn.setdefault(p.part.id, evaluate(p.part, conditions(None)))
        c = fit.cut
        w, h = (c.height, c.width) if p.turned else (c.width, c.height)
        r = min(c.corner_radius, w / 2, h / 2)
        contour = c.contour(p.x, p.y, p.rotation)
        corners = [
            (p.x + sx * (w / 2 - r), p.y + sy * (h / 2 - r)) for sx in (-1, 1) for sy in (-1, 1)
        ]
        centred = c.contour(0.0, 0.0, p.rotation)
        opening = Opening(p.entry, p.x, p.y, w, h, r)
        cut = Cut(p.entry, p.x, p.y, contour, centred, opening, p.part.id, p.rotation)
        _measure(solid, frame, cut, [(p.x, p.y), *corners])
        if cut.wall is not None:
            thin, thick = cut.wall
            cut.fit = evaluate(p.part, conditions(Size.between(thin, thick)))
            grip = p.part.fit.grip
            cut.plate = min(max(thick + 2 * layout.coating.max, grip.min), grip.max)
            if (p.part.id, cut.plate) not in built:  # one body per part and plate, moved
                built[p.part.id, cut.plate] = body_solids(p.part, cut.plate)
            shapes = built[p.part.id, cut.plate]
            cut.bodies = [
                (name, kernel.placed(frame, shape, p.x, p.y, p.rotation), colour)
                for name, shape, colour in shapes
            ]
        cuts.append(cut)
        cuts += _own_holes(solid, frame, p.entry, fit.hole_contours(p.x, p.y, p.rotation))
    for hole in layout.holes:
        d = hole.diameter
        cut = Cut(
            hole.entry,
            hole.x,
            hole.y,
            circle(d, hole.x, hole.y),
            circle(d, 0.0, 0.0),
            Opening(hole.entry, hole.x, hole.y, d, d, d / 2),
        )
        _measure(solid, frame, cut, [(hole.x, hole.y)])
        cuts.append(cut)

    plan = CutPlan(layout, enclosure, solid, frame, cuts, [])
    plan.violations = _rules(plan)
    tools = kernel.Tools(frame)
    plan.tools = [
        tools.at(c.centred, c.wall[1] + c.room, c.x, c.y)
        for c in cuts
        if c.wall is not None and not c.off_face
    ]
    if plan.tools:
        plan.result = _through(plan)  # checked there: valid, one solid, exact volume
        plan.method = "flat wall" if plan.result is not None else "one boolean"
        if plan.result is None:
            try:
                result = kernel.cut(solid, plan.tools)
            except kernel.Undecided:
                result = None
            if result is not None and kernel.valid_solid(result):
                plan.result = result if result.Volume() < solid.Volume() else None
        if plan.result is None:
            plan.violations.append(
                Violation(
                    "cut",
                    "OpenCascade's boolean gave no valid single solid",
                    tuple(c.entry for c in cuts),
                    tuple((c.x, c.y) for c in cuts),
                )
            )
    if plan.result is not None:
        plan.violations += _collisions(plan)
    return plan


def _through(plan: CutPlan) -> Any:
    """The openings cut through a flat wall without a boolean (`kernel.cut_through`),
    when every opening lies on the face over one wall of one thickness; else None."""
    cuts = [c for c in plan.cuts if c.wall is not None and not c.off_face]
    walls = {w for c in cuts if c.wall is not None for w in c.wall}
    if len(cuts) != len(plan.cuts) or max(walls) - min(walls) > EPS_MM:
        return None
    openings = [(c.centred, c.x, c.y) for c in cuts]
    faces = kernel.FaceBoxes.of(plan.solid, plan.frame)
    return kernel.cut_through(plan.solid, plan.frame, openings, min(walls), faces)


def _measure(
    solid: Any, frame: kernel.FaceFrame, cut: Cut, points: list[tuple[float, float]]
) -> None:
    """Edge distance, then the wall under every point (thinnest, thickest)."""
    cut.edge, cut.off_face = kernel.boundary_distance(frame, cut.contour)
    if cut.off_face:
        return
    rays = [kernel.wall(solid, frame.world(x, y), frame.normal) for x, y in points]
    if any(r is None for r in rays):
        return
    walls = [r for r in rays if r is not None]
    cut.wall = (min(t for t, _ in walls), max(t for t, _ in walls))
    cut.room = min(kernel.OVERSHOOT_MM, *(g / 2 for _, g in walls))


def _own_holes(solid: Any, frame: Any, entry: str, contours: list[list[Vertex]]) -> list[Cut]:
    """The fixing holes of the part placed as `entry`, cut with it (face frame, mm)."""
    out = []
    for i, contour in enumerate(contours):
        found = circle_of(contour)
        assert found is not None
        x, y, r = found
        name = f"{entry}.holes[{i}]"
        centred = [(vx - x, vy - y, b) for vx, vy, b in contour]
        cut = Cut(name, x, y, contour, centred, Opening(name, x, y, 2 * r, 2 * r, r))
        _measure(solid, frame, cut, [(x, y)])
        out.append(cut)
    return out


def _rules(plan: CutPlan) -> list[Violation]:
    layout, out = plan.layout, []
    walls = [c.wall[1] for c in plan.cuts if c.wall is not None]
    for c in plan.cuts:
        at = ((c.x, c.y),)
        if c.off_face:
            out.append(
                Violation(
                    "edge",
                    f"{c.entry} runs off the face: its contour crosses the face's boundary "
                    f"(edge distance 0 mm) and {mm(c.off_face)} mm2 of it lies outside the "
                    "face (or in an opening already there)",
                    (c.entry,),
                    at,
                    {"off_face_mm2": c.off_face, "edge": 0.0},
                )
            )
            continue
        if c.wall is None:
            out.append(Violation("wall", f"{c.entry} has no wall under it", (c.entry,), at))
            continue
        t = c.wall[1]
        min_edge = 1.5 * t if layout.min_edge is None else layout.min_edge
        source = "laser default: edge >= 1.5 t" if layout.min_edge is None else "face.min_edge"
        if c.edge < min_edge - EPS_MM:
            out.append(
                Violation(
                    "edge",
                    f"{c.entry} is {mm(c.edge)} mm from the face's boundary (its outline or "
                    f"an opening already there), less than the {mm(min_edge)} mm minimum "
                    f"({source}, t = {mm(t)} mm measured)",
                    (c.entry,),
                    at,
                    {"edge": c.edge, "min_edge": min_edge},
                )
            )
        if c.fit is not None:
            for check in c.fit.failures():
                out.append(
                    Violation(
                        f"fit.{check.name}",
                        f"{c.part_id} (wall {band(*c.wall)} mm measured, coating "
                        f"{band(layout.coating.min, layout.coating.max)} mm): {check.message}",
                        (c.entry,),
                        at,
                        dict(check.figures),
                    )
                )
    placed = [c for c in plan.cuts if not c.off_face]
    widest = max(walls, default=0.0) if layout.min_web is None else layout.min_web
    for i, j in near_pairs([c.opening.box for c in placed], widest):
        a, b = placed[i], placed[j]
        thick = max(w[1] for w in (a.wall, b.wall) if w is not None) if (a.wall or b.wall) else 0.0
        min_web = thick if layout.min_web is None else layout.min_web
        g = gap(a.opening, b.opening)
        if g < min_web - EPS_MM and not (g >= -EPS_MM and own_holes(a.entry, b.entry)):
            what = "overlap" if g < 0 else "leave a web of"
            out.append(
                Violation(
                    "web",
                    f"{a.entry} and {b.entry} {what} {mm(abs(g))} mm"
                    + ("" if g < 0 else f", less than the {mm(min_web)} mm minimum (web >= t)"),
                    (a.entry, b.entry),
                    ((a.x, a.y), (b.x, b.y)),
                    {"web": g, "min_web": min_web},
                )
            )
    return out


def _collisions(plan: CutPlan) -> list[Violation]:
    """Each body's common volume with the cut enclosure: (body common enclosure) less
    the tools whose boxes meet the body's (`kernel.collision`, exact), and how deep
    behind the face the shared part lies. Bodies
    whose box meets only planes parallel to the face (`kernel.FaceBoxes.slab`: the wall
    and nothing else) and that sit the same way relative to the same tools share one
    computation; every other body is computed on its own."""
    out = []
    faces = kernel.FaceBoxes.of(plan.solid, plan.frame)
    boxes = [kernel.box(t) for t in plan.tools]
    known: dict[tuple[Any, ...], tuple[float, tuple[float, float] | None]] = {}
    for c in plan.cuts:
        for name, body, _ in c.bodies:
            around = kernel.box(body)
            near = [t for t, b in zip(plan.tools, boxes, strict=True) if kernel.meet(around, b)]
            slab = faces.slab(body)
            key = None
            if slab is not None:
                where = tuple(sorted(_relative(t, c, plan.frame) for t in near))
                key = (c.part_id, c.plate, c.rotation, name, slab, where)
            try:
                found = (
                    known[key]
                    if key in known
                    else kernel.collision(body, plan.solid, near, plan.frame)
                )
            except kernel.Undecided as exc:
                out.append(
                    Violation(
                        "body_collision",
                        f"{c.entry}: the body {name} could not be measured against the "
                        f"enclosure ({exc})",
                        (c.entry,),
                        ((c.x, c.y),),
                        {"solid": name},
                    )
                )
                continue
            if key is not None:
                known[key] = found
            volume, depth = found
            if volume > COLLISION_MM3 and depth is not None:
                near_mm, far_mm = depth
                out.append(
                    Violation(
                        "body_collision",
                        f"{c.entry}: the body {name} shares {mm(volume)} mm3 with the "
                        f"enclosure, {mm(near_mm)} .. {mm(far_mm)} mm behind the face",
                        (c.entry,),
                        ((c.x, c.y),),
                        {"volume_mm3": volume, "depth_mm": [near_mm, far_mm], "solid": name},
                    )
                )
    return out


def _relative(tool: Any, cut: Cut, frame: kernel.FaceFrame) -> tuple[float, ...]:
    """A tool's bounding box relative to the opening's centre on the face (mm, to 1e-9):
    tools are made from the opening's own outline, so equal boxes are equal tools."""
    centre = frame.world(cut.x, cut.y)
    box = tool.BoundingBox()
    return tuple(
        round(v, 9)
        for v in (
            box.xmin - centre.x,
            box.ymin - centre.y,
            box.zmin - centre.z,
            box.xmax - centre.x,
            box.ymax - centre.y,
            box.zmax - centre.z,
        )
    )


# --- the files --------------------------------------------------------------------------


def write_cut(plan: CutPlan, out_dir: Path, *, force: bool = False) -> CutFiles:
    """Write the report, and the CAM files when every rule holds or `force`."""
    from geom.cad.step import Component, write_step

    stem = plan.layout.name
    violations = tuple(plan.violations)
    cam = (force or not violations) and plan.result is not None
    step = assembly = dxf = None
    if cam:
        dxf = write_dxf(
            out_dir / f"{stem}-face.dxf",
            [*kernel.face_contours(plan.frame), *(c.contour for c in plan.cuts)],
            _notes(plan, forced=bool(violations)),
        )
        product = f"{plan.enclosure.stem} cut"
        step = write_step(
            out_dir / f"{stem}-cut.step",
            product,
            [Component(product, plan.result.Solids()[0].wrapped, PLATE_COLOUR)],
        )
        components = [Component(product, plan.result.Solids()[0].wrapped, PLATE_COLOUR)]
        for c in plan.cuts:
            for name, body, colour in c.bodies:
                components.append(Component(f"{c.entry} {name}", body.wrapped, colour))
        assembly = write_step(out_dir / f"{stem}-assembly.step", f"{product} assembly", components)
    else:
        for suffix in ("-face.dxf", "-cut.step", "-assembly.step"):
            (out_dir / f"{stem}{suffix}").unlink(missing_ok=True)
    advice = layout_advice([c.fit for c in plan.cuts if c.fit is not None])
    document = with_forced(cut_report(plan, advice), cam and bool(violations))
    document["files"] = {
        "step": step.name if step else None,
        "assembly": assembly.name if assembly else None,
        "dxf": dxf.name if dxf else None,
        "withheld": None if cam else "layout violations (--force writes them anyway)",
    }
    report = write_text(out_dir / f"{stem}-report.json", dumps(document))
    return CutFiles(violations, report, step, assembly, dxf, cam and bool(violations), advice)


def _notes(plan: CutPlan, forced: bool) -> list[Note]:
    f = plan.frame
    lines = [
        f"{plan.enclosure.name}, face {plan.layout.select or 'by point'}: {mm(f.width)} x "
        f"{mm(f.height)} mm, {len(plan.cuts)} openings; face frame seen from outside, "
        f"origin lower-left, Y up, mm; {KERF_NOTE}",
    ]
    if forced:
        lines.insert(0, FORCED_NOTE)
    return [
        Note(text, 0.0, -3 * NOTE_HEIGHT_MM - i * 1.6 * NOTE_HEIGHT_MM, NOTE_HEIGHT_MM)
        for i, text in enumerate(lines)
    ]


def data_sheet_notes(plan: CutPlan) -> list[str]:
    """Where the data sheet wins over the web rule: a part's own fixing holes nearer its
    cutout than the wall t measured under it (or `face.min_web`)."""
    layout, out = plan.layout, []
    for c in plan.cuts:
        if c.fit is not None and c.wall is not None:
            source = "web >= t, t measured" if layout.min_web is None else "face.min_web"
            least = c.wall[1] if layout.min_web is None else layout.min_web
            out += own_web_notes([c.fit], least, source)
    return list(dict.fromkeys(out))


def cut_report(plan: CutPlan, advice: Advice = NO_ADVICE) -> dict[str, Any]:
    f = plan.frame
    layout = plan.layout

    def vec(v: Any) -> list[float]:
        return [v.x, v.y, v.z]

    return {
        "enclosure": str(plan.enclosure),
        "layout": str(layout.path),
        "face": {
            "select": layout.select,
            "point": list(layout.point) if layout.point else None,
            "origin": vec(f.plane.origin),
            "x_dir": vec(f.plane.xDir),
            "y_dir": vec(f.plane.yDir),
            "normal": vec(f.plane.zDir),
            "width": f.width,
            "height": f.height,
        },
        "coating": {"min": layout.coating.min, "max": layout.coating.max},
        "cut_method": plan.method,
        "volume": {
            "before": plan.solid.Volume(),
            "after": plan.result.Volume() if plan.result is not None else None,
        },
        "openings": [
            {
                "entry": c.entry,
                "part": c.part_id,
                "x": c.x,
                "y": c.y,
                "rotation": c.rotation,
                "wall": {"min": c.wall[0], "max": c.wall[1]} if c.wall else None,
                "edge_distance": None if c.off_face else c.edge,
                "off_face_mm2": c.off_face,
                "fit": fit_report(c.fit) if c.fit is not None else None,
            }
            for c in plan.cuts
        ],
        "ok": not plan.violations,
        "violations": [
            {
                "rule": v.rule,
                "message": v.message,
                "entries": list(v.entries),
                "positions": [list(p) for p in v.positions],
                "figures": v.figures,
            }
            for v in plan.violations
        ],
        "notes": data_sheet_notes(plan),
        "ways_out": ways_out_report(advice.ways_out),
        **no_way_out_report(advice.no_way_out),
    }
