"""`geom cut`: cut a layout's openings into faces of an enclosure (a STEP solid).

`plan_cut` reads the enclosure and finds each face (bad input raises `InputError` before
anything is written), measures the wall under every opening with a ray, and checks the
layout on the enclosure's faces as on any surface (geom.model.layout.plan): each part's
fit with the wall as the sheet, each opening against its face's real boundary (the shop
profile's edge, default the laser's 1.5 t, t the thickest wall under the opening; existing
openings count as boundary), the webs between new openings (default >= t), the smallest
hole and inner corner the shop cuts, flanges, plugs and bodies of parts on
one face and across faces, and each body against the cut enclosure (a common volume over
COLLISION_MM3: the kernel's part of the plan). `write_cut` writes into a directory:

- `<name>-cut.step`: the cut enclosure, one solid, every opening cut at once (through a
  flat wall without a boolean, `kernel.cut_through`, else in one boolean);
- `<name>-assembly.step`: the cut enclosure and every part's body, named and coloured;
- `<name>-face.dxf` (several faces: `<name>-<face>-face.dxf` each): every new cutout on
  layer CUT, the face's outline and the openings already in it on layer REFERENCE (never
  cut), in the face's frame;
- `<name>-report.json`: the faces, the walls, every fit and distance, every violation.

The CAM files go through the output gate (geom.output): withheld when a rule fails or no
solid could be cut, unless `force`; the report is always written. Sizes in mm (volumes
mm3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from geom.cad import enclosure as kernel
from geom.data.checked import RESOLUTION_MM
from geom.dxf.writer import DxfVersion, Note, write_dxf
from geom.errors import MISSING, InputError, Plain
from geom.model.advice import NO_ADVICE, Advice
from geom.model.bend import Frame3
from geom.model.body import wing_plate
from geom.model.conditions import Conditions, Shop
from geom.model.contour import Vertex, bounds, circle, circle_of, rounded_rect
from geom.model.fit import Fit, evaluate
from geom.model.layout import (
    FaceRules,
    Opening,
    Placement,
    Plan,
    Rule,
    Violation,
    own_web_notes,
    plan,
    violation_record,
)
from geom.model.notes import FORCED_NOTE, KERF_NOTE
from geom.model.report import fit_report, no_way_out_report, ways_out_report, with_forced
from geom.model.tolerance import Size
from geom.model.units import band, mm
from geom.output import OutputSet, decide, opened
from geom.panel.cut_layout import CutLayout, FaceLayout
from geom.panel.hole_cam import hole_marks, hole_notes
from geom.panel.job import PLATE_COLOUR, body_solids, cutout_note, slot_contour
from geom.panel.layout import plain_openings
from geom.panel.model import Slot
from geom.panel.tayda import NO_TAYDA, TaydaFiles, face_letter, tayda_name, unlettered, write_tayda
from geom.panel.ways_out import layout_advice

COLLISION_MM3 = 0.1
"""A body and the enclosure that share more than this volume collide (mm3): a flange
resting on the face shares a sliver of OpenCascade's tolerance with it, not this."""
EPS_MM = 1e-6
NOTE_HEIGHT_MM = 2.5
BOUNDARY = "the face's boundary (its outline or an opening already there)"


@dataclass
class Cut:
    """One opening: what it is, on which face, where (its frame, mm), its contour, wall
    and checks."""

    entry: str
    face: str
    x: float
    y: float
    contour: list[Vertex]
    """The opening's contour in the face's frame (mm)."""
    centred: list[Vertex]
    """The same contour centred on (0, 0): one cutting tool per outline, moved."""
    part_id: str | None = None
    rotation: int = 0
    label: str = ""
    """The entry's label ("" when it has none; a part's own fixing holes have none)."""
    slot: Slot | None = None
    """The [[slot]] entry this opening cuts (None: a part or a hole)."""
    note: Note | None = None
    """A part's label and id in its cutout on the face DXF, as on a panel's DXF."""
    fit: Fit | None = None
    """The part's fit on the wall measured under it (None: a hole, or no wall found)."""
    wall: tuple[float, float] | None = None
    """Thinnest and thickest wall under the opening (mm); None: no wall found."""
    room: float = kernel.OVERSHOOT_MM
    edge: float = math.nan
    off_face: float = 0.0
    past: float = 0.0
    """How far the opening reaches past the face's boundary (mm; 0 on the face)."""
    plate: float = 0.0
    """The finished plate the body's wings sit for (mm, `wing_plate`)."""
    flange_off: float = 0.0
    """How much of the part's flange lies off the face or over an opening already there
    (mm2; 0 for a hole)."""
    bodies: list[tuple[str, Any, tuple[float, float, float]]] = field(default_factory=list)
    """(name, solid placed on the face, sRGB) per solid of the part's body."""


@dataclass(frozen=True)
class CutFace:
    """A face of the enclosure as found: the layout's face and its frame."""

    layout: FaceLayout
    frame: kernel.FaceFrame

    @property
    def name(self) -> str:
        return self.layout.name


@dataclass
class CutPlan:
    """The enclosure, the faces, every opening and every violation."""

    layout: CutLayout
    enclosure: Path
    solid: Any
    faces: list[CutFace]
    cuts: list[Cut]
    violations: list[Violation]
    result: Any = None
    """The cut enclosure (None when no valid solid could be cut)."""
    tools: list[Any] = field(default_factory=list)
    """The cutting tools, one per opening cut (in `cuts`' order, openings off the face or
    over no wall left out)."""
    tool_cuts: list[Cut] = field(default_factory=list)
    """The opening of each tool."""
    method: str | None = None
    """How the openings were cut: "flat wall" (`kernel.cut_through`, every opening
    through one flat wall of one thickness) or "one boolean" (`kernel.cut`)."""
    notes: list[str] = field(default_factory=list)
    """What reading the enclosure noted (closed shells read as a solid; a box's assumed
    numbers)."""
    lid: Any = None
    """A library box's lid (below its open end), into the assembly; None for a STEP."""

    @property
    def frame(self) -> kernel.FaceFrame:
        """The first face's frame (the only one in a one-face layout)."""
        return self.faces[0].frame

    def face(self, name: str) -> CutFace:
        return next(f for f in self.faces if f.name == name)


@dataclass(frozen=True)
class CutFiles:
    violations: tuple[Violation, ...]
    report: Path
    step: Path | None
    assembly: Path | None
    dxf: Path | None
    forced: bool
    dxfs: tuple[Path, ...] = ()
    """Every face DXF written (one per face)."""
    advice: Advice = NO_ADVICE
    """The ways out of the fits that fail (geom.panel.ways_out)."""
    tayda: TaydaFiles = NO_TAYDA
    """Tayda's drill-tool text (final path) or why it was not written."""


def plan_cut(enclosure: Path | None, layout: CutLayout) -> CutPlan:
    """Read (or, for a layout naming a library box and no `enclosure`, build:
    geom.cad.box), measure, check and cut (in memory); bad input raises InputError."""
    if layout.box is not None:
        if enclosure is not None:
            raise InputError(
                "command line",
                "ENCLOSURE",
                str(enclosure),
                f"given with a layout that names a box ({layout.box.model})",
                "no STEP file: geom builds the box the layout names",
            )
        from geom.cad.box import build

        solids = build(layout.box)
        plan = plan_on(solids.body, Path(layout.box.model), layout, lid=solids.lid)
        plan.notes = [_assumed_note(layout)] if layout.box.assumed else []
        return plan
    if enclosure is None:
        raise InputError(
            "command line",
            "ENCLOSURE",
            MISSING,
            f"missing: {layout.path.name} names no box",
            'a STEP file, or [box] model = "1590BB" in the layout',
        )
    solid, notes = kernel.read_step(enclosure)
    plan = plan_on(solid, enclosure, layout)
    plan.notes = list(notes)
    return plan


def _assumed_note(layout: CutLayout) -> str:
    """What no source gives about the layout's box: verify it on the box."""
    box = layout.box
    assert box is not None
    fields = ", ".join(f"{f} {box.values[f].value:g}" for f in box.assumed)
    return f"box {box.model}: assumed, verify on the box before cutting: {fields}"


def conditions_of(layout: CutLayout) -> Conditions:
    """The layout's coating, masking, target and shop (the sheet is measured)."""
    shop = (
        layout.rules_profile.shop
        if layout.shop_tolerance is None
        else Shop(layout.shop_tolerance, f"{layout.path.name}: {_table(layout)}.shop_tolerance")
    )
    return Conditions(None, layout.coating, layout.masked, layout.target, shop)


def _table(layout: CutLayout) -> str:
    """Where the layout's settings are: its [face], or [enclosure] with several faces."""
    return "enclosure" if layout.several else "face"


def plan_on(
    solid: Any, enclosure: Path, layout: CutLayout, select: str | None = None, lid: Any = None
) -> CutPlan:
    """Measure, check and cut `layout` into `solid` (an OCP solid; `enclosure` names
    it in the report), on the layout's faces or, for a one-face layout, on the face
    `select` (a CadQuery string selector, geom.cad.selector) picks; bad input raises
    InputError. A library box's `lid` (an OCP solid) is checked against the bodies too."""
    if select is not None and len(layout.faces) > 1:
        raise InputError(
            "panelLayout",
            "select",
            select,
            "given for a layout of several faces",
            "no select: each [[face]] has its own",
        )
    faces = []
    for f in layout.faces:
        if layout.box is not None:  # a box's face: Tayda's frame, from its centre
            where = f"{layout.path}:face {f.name} of box {layout.box.model}"
            frame = kernel.centred(kernel.find_face(solid, where, None, f.point, f.normal))
        elif select is None:
            frame = kernel.find_face(solid, str(layout.path), f.select, f.point, f.normal)
        else:
            frame = kernel.find_face(solid, "panelLayout", select)
        faces.append(CutFace(f, frame))
    conditions = conditions_of(layout)
    drawn: dict[str, Fit] = {}
    built: dict[tuple[str, float], list[tuple[str, Any, tuple[float, float, float]]]] = {}
    cuts: list[Cut] = []
    for face in faces:
        frame = face.frame
        for p in face.layout.places:
            fit = drawn.setdefault(p.part.id, evaluate(p.part, conditions))
            c = fit.cut
            w, h = (c.height, c.width) if p.turned else (c.width, c.height)
            r = min(c.corner_radius, w / 2, h / 2)
            contour = c.contour(p.x, p.y, p.rotation)
            corners = [
                (p.x + sx * (w / 2 - r), p.y + sy * (h / 2 - r)) for sx in (-1, 1) for sy in (-1, 1)
            ]
            centred = c.contour(0.0, 0.0, p.rotation)
            cut = Cut(
                p.entry, face.name, p.x, p.y, contour, centred, p.part.id, p.rotation, p.label
            )
            cut.note = cutout_note(p, c)
            _measure(solid, frame, cut, [(p.x, p.y), *corners])
            mount = p.part.mount
            flange = rounded_rect(mount.width, mount.height, 0.0, p.x, p.y, p.rotation)
            cut.flange_off = kernel.boundary_distance(frame, flange)[1]
            if cut.wall is not None:
                cut.plate = wing_plate(p.part, Size.between(*cut.wall), layout.coating)
                if (p.part.id, cut.plate) not in built:  # one body per part and plate, moved
                    built[p.part.id, cut.plate] = body_solids(p.part, cut.plate)
                cut.bodies = [
                    (name, kernel.placed(frame, shape, p.x, p.y, p.rotation), colour)
                    for name, shape, colour in built[p.part.id, cut.plate]
                ]
            cuts.append(cut)
            own = fit.hole_contours(p.x, p.y, p.rotation)
            cuts += _own_holes(solid, frame, face.name, p.entry, own)
        for hole in face.layout.holes:
            d = hole.diameter
            cut = Cut(
                hole.entry,
                face.name,
                hole.x,
                hole.y,
                circle(d, hole.x, hole.y),
                circle(d, 0.0, 0.0),
                label=hole.label,
            )
            _measure(solid, frame, cut, [(hole.x, hole.y)])
            cuts.append(cut)
        for slot in face.layout.slots:
            cut = _slot_cut(slot, face.name)
            ends = (slot.length - slot.width) / 2
            dx, dy = (0.0, ends) if slot.angle in (90, 270) else (ends, 0.0)
            points = [(slot.x, slot.y), (slot.x - dx, slot.y - dy), (slot.x + dx, slot.y + dy)]
            _measure(solid, frame, cut, points)
            cuts.append(cut)

    cut_plan = CutPlan(layout, enclosure, solid, faces, cuts, [], lid=lid)
    done = plan(
        EnclosureFaces(cut_plan), layout.places, conditions, kernel=EnclosureKernel(cut_plan)
    )
    fits = {p.entry: fit for p, fit in zip(done.placements, done.fits, strict=True)}
    for cut in cuts:
        if cut.part_id is not None and cut.wall is not None:
            cut.fit = fits[cut.entry]
    cut_plan.violations = done.violations
    return cut_plan


class EnclosureFaces:
    """The faces of an enclosure as a surface (geom.model.layout.Surface): each face's
    frame, the wall measured under each opening, its real boundary."""

    across = Rule.BODY_COLLISION

    def __init__(self, cut_plan: CutPlan) -> None:
        self.cut_plan = cut_plan
        self._by_entry = {c.entry: c for c in cut_plan.cuts}

    def _cut(self, entry: str) -> Cut:
        return self._by_entry[entry]

    def faces(self) -> Sequence[str]:
        return [f.name for f in self.cut_plan.faces]

    def frame(self, face: str) -> Frame3:
        f = self.cut_plan.face(face).frame
        return Frame3(np.array(f.origin), np.array(f.x_dir), np.array(f.y_dir), np.array(f.normal))

    def sheet(self, placement: Placement) -> Size | None:
        wall = self._cut(placement.entry).wall
        return None if wall is None else Size.between(*wall)

    def openings(self) -> Sequence[Opening]:
        layout = self.cut_plan.layout
        return plain_openings(layout.holes, layout.slots)

    def wall(self, opening: Opening) -> Size | None:
        """The wall measured under the opening (None: no wall, or off the face)."""
        wall = self._cut(opening.entry).wall
        return None if wall is None else Size.between(*wall)

    def rules(self, opening: Opening) -> FaceRules:
        """The shop profile's rules with t the thickest wall under the opening (web and
        edge: or the layout's overrides)."""
        layout = self.cut_plan.layout
        cut = self._cut(opening.entry) if opening.kind != "flange" else None
        t = cut.wall[1] if cut is not None and cut.wall is not None else 0.0
        table = _table(layout)
        web, edge = layout.min_web, layout.min_edge
        return layout.rules_profile.rules(
            t,
            min_web=None if web is None else (web, f"{table}.min_web"),
            min_edge=None if edge is None else (edge, f"{table}.min_edge"),
            boundary=BOUNDARY,
            measured=f", t = {mm(t)} mm measured",
        )

    def edge(self, opening: Opening) -> float | None:
        """The measured edge distance; None off the face or over no wall, and for a
        flange (the surface's own rules say those)."""
        if opening.kind == "flange":
            return None
        cut = self._cut(opening.entry)
        return None if cut.off_face or cut.wall is None else cut.edge

    def where(self, face: str) -> str:
        return "" if len(self.cut_plan.faces) == 1 else f" (on face {face})"

    def fit_context(self, fit: Fit) -> str:
        coating = self.cut_plan.layout.coating
        return (
            f"(wall {band(fit.sheet.min, fit.sheet.max)} mm measured, coating "
            f"{band(coating.min, coating.max)} mm)"
        )

    def own_rules(self, plan: Plan) -> list[Violation]:
        """Openings that run off their face, openings over no wall, flanges that do not
        rest on their face (measured as the opening is: the flange's rectangle against
        the face's boundary)."""
        out = []
        for c in self.cut_plan.cuts:
            at = ((c.x, c.y),)
            if c.off_face:
                out.append(
                    Violation(
                        Rule.EDGE,
                        f"{c.entry} runs off the face: its contour crosses the face's "
                        f"boundary by up to {mm(c.past)} mm (edge distance 0 mm) and "
                        f"{mm(c.off_face)} mm2 of it lies outside the face (or in an opening "
                        "already there)",
                        (c.entry,),
                        at,
                        {"off_face_mm2": c.off_face, "edge": 0.0, "past_edge_mm": c.past},
                        (c.face,),
                    )
                )
            elif c.wall is None:
                out.append(
                    Violation(
                        Rule.WALL, f"{c.entry} has no wall under it", (c.entry,), at, {}, (c.face,)
                    )
                )
            if c.flange_off:
                out.append(
                    Violation(
                        Rule.FLANGE_OFF_SHEET,
                        f"{c.entry} ({c.part_id}): {mm(c.flange_off)} mm2 of the flange lies "
                        "off the face (or over an opening already there): it cannot rest "
                        "flat on the face",
                        (c.entry,),
                        at,
                        {"off_face_mm2": c.flange_off},
                        (c.face,),
                    )
                )
        return out


@dataclass(frozen=True)
class EnclosureKernel:
    """The plan's kernel port on an enclosure: cut every opening, then measure each body
    against the cut enclosure (geom.model.layout.Kernel)."""

    cut_plan: CutPlan

    def collisions(self, plan: Plan) -> list[Violation]:
        cp = self.cut_plan
        out: list[Violation] = []
        tools = {f.name: kernel.Tools(f.frame) for f in cp.faces}
        cp.tool_cuts = [c for c in cp.cuts if c.wall is not None and not c.off_face]
        cp.tools = [
            tools[c.face].at(c.centred, c.wall[1] + c.room, c.x, c.y)
            for c in cp.tool_cuts
            if c.wall is not None
        ]
        if not cp.tools:
            return out
        cp.result = _through(cp)  # checked there: valid, one solid, exact volume
        cp.method = "flat wall" if cp.result is not None else "one boolean"
        if cp.result is None:
            try:
                result = kernel.cut(cp.solid, cp.tools)
            except kernel.Undecided:
                result = None
            if result is not None and kernel.valid_solid(result):
                cp.result = result if kernel.volume(result) < kernel.volume(cp.solid) else None
        if cp.result is None:
            out.append(
                Violation(
                    Rule.CUT,
                    "OpenCascade's boolean gave no valid single solid",
                    tuple(c.entry for c in cp.cuts),
                    tuple((c.x, c.y) for c in cp.cuts),
                    {},
                    tuple(c.face for c in cp.cuts),
                )
            )
            return out
        return _collisions(cp)


def _through(plan: CutPlan) -> Any:
    """The openings cut through a flat wall without a boolean (`kernel.cut_through`),
    when every opening lies on the one face over one wall of one thickness; else None."""
    cuts = plan.tool_cuts
    walls = {w for c in cuts if c.wall is not None for w in c.wall}
    if len(plan.faces) != 1 or len(cuts) != len(plan.cuts) or max(walls) - min(walls) > EPS_MM:
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
        cut.past = kernel.reach_past(frame, cut.contour)
        return
    rays = [kernel.wall(solid, frame.world(x, y), frame.normal) for x, y in points]
    if any(r is None for r in rays):
        return
    walls = [r for r in rays if r is not None]
    cut.wall = (min(t for t, _ in walls), max(t for t, _ in walls))
    cut.room = min(kernel.OVERSHOOT_MM, *(g / 2 for _, g in walls))


def _slot_cut(slot: Slot, face: str) -> Cut:
    """A [[slot]]'s opening: its obround, as a flat panel draws it (face frame, mm)."""
    centred = slot_contour(replace(slot, x=0.0, y=0.0))
    return Cut(
        slot.entry, face, slot.x, slot.y, slot_contour(slot), centred, label=slot.label, slot=slot
    )


def _own_holes(
    solid: Any, frame: Any, face: str, entry: str, contours: list[list[Vertex]]
) -> list[Cut]:
    """The fixing holes of the part placed as `entry`, cut with it (face frame, mm)."""
    out = []
    for i, contour in enumerate(contours):
        found = circle_of(contour)
        assert found is not None
        x, y, _ = found
        centred = [(vx - x, vy - y, b) for vx, vy, b in contour]
        cut = Cut(f"{entry}.holes[{i}]", face, x, y, contour, centred)
        _measure(solid, frame, cut, [(x, y)])
        out.append(cut)
    return out


def _collisions(plan: CutPlan) -> list[Violation]:
    """Each body's common volume with the cut enclosure: (body common enclosure) less
    the tools whose boxes meet the body's (`kernel.collision`, exact), and how deep
    behind its face the shared part lies. Bodies whose box meets only planes parallel to
    their face (`kernel.FaceBoxes.slab`: the wall and nothing else) and that sit the same
    way relative to the same tools share one computation; every other body is computed
    on its own."""
    out = []
    slabs = {f.name: kernel.FaceBoxes.of(plan.solid, f.frame) for f in plan.faces}
    boxes = [kernel.box(t) for t in plan.tools]
    known: dict[tuple[Any, ...], tuple[float, tuple[float, float] | None]] = {}
    for c in plan.cuts:
        frame = plan.face(c.face).frame
        for name, body, _ in c.bodies:
            around = kernel.box(body)
            near = [t for t, b in zip(plan.tools, boxes, strict=True) if kernel.meet(around, b)]
            slab = slabs[c.face].slab(body)
            key = None
            if slab is not None:
                where = tuple(sorted(_relative(t, c, frame) for t in near))
                key = (c.face, c.part_id, c.plate, c.rotation, name, slab, where)
            try:
                found = (
                    known[key] if key in known else kernel.collision(body, plan.solid, near, frame)
                )
            except kernel.Undecided as exc:
                out.append(
                    Violation(
                        Rule.BODY_COLLISION,
                        f"{c.entry}: the body {name} could not be measured against the "
                        f"enclosure ({exc})",
                        (c.entry,),
                        ((c.x, c.y),),
                        {"solid": name},
                        (c.face,),
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
                        Rule.BODY_COLLISION,
                        f"{c.entry}: the body {name} shares {mm(volume)} mm3 with the "
                        f"enclosure, {mm(near_mm)} .. {mm(far_mm)} mm behind the face",
                        (c.entry,),
                        ((c.x, c.y),),
                        {"volume_mm3": volume, "depth_mm": [near_mm, far_mm], "solid": name},
                        (c.face,),
                    )
                )
            out += _against_lid(plan, c, name, body, frame)
    return out


def _against_lid(plan: CutPlan, c: Cut, name: str, body: Any, frame: Any) -> list[Violation]:
    """A library box's lid against a body (its common volume, as against the enclosure):
    a body deeper than the box reaches through the open end into the lid."""
    if plan.lid is None or not kernel.meet(kernel.box(body), kernel.box(plan.lid)):
        return []
    try:
        volume, depth = kernel.collision(body, plan.lid, [], frame)
    except kernel.Undecided as exc:
        message = f"{c.entry}: the body {name} could not be measured against the lid ({exc})"
        return [
            Violation(
                Rule.BODY_COLLISION, message, (c.entry,), ((c.x, c.y),), {"solid": name}, (c.face,)
            )
        ]
    if volume <= COLLISION_MM3 or depth is None:
        return []
    return [
        Violation(
            Rule.BODY_COLLISION,
            f"{c.entry}: the body {name} shares {mm(volume)} mm3 with the box's lid, "
            f"{mm(depth[0])} .. {mm(depth[1])} mm behind the face",
            (c.entry,),
            ((c.x, c.y),),
            {"volume_mm3": volume, "depth_mm": [depth[0], depth[1]], "solid": name},
            (c.face,),
        )
    ]


def _relative(tool: Any, cut: Cut, frame: kernel.FaceFrame) -> tuple[float, ...]:
    """A tool's bounding box relative to the opening's centre on the face (mm, to 1e-9):
    tools are made from the opening's own outline, so equal boxes are equal tools."""
    centre = frame.world(cut.x, cut.y)
    box = kernel.tight_box(tool)
    return tuple(round(v - centre[i % 3], 9) for i, v in enumerate(box))


# --- the files --------------------------------------------------------------------------


def dxf_name(plan: CutPlan, face: CutFace) -> str:
    """`<name>-face.dxf`, or `<name>-<face>-face.dxf` for a layout of several faces."""
    stem = plan.layout.name
    return f"{stem}-{face.name}-face.dxf" if plan.layout.several else f"{stem}-face.dxf"


def write_cut(
    plan: CutPlan,
    out: Path | OutputSet,
    *,
    force: bool = False,
    version: DxfVersion = "r2000",
    explode: bool = False,
    also: Sequence[str] = (),
) -> CutFiles:
    """Write the report, and the CAM files through the output gate (geom.output.gate):
    when every rule holds and the enclosure could be cut, or with `force` (marked), into
    `out` (a folder, written as one set, or a set of the caller's); the face DXFs as
    `version`, each contour as LINE and ARC entities with `explode` (a full circle stays
    one CIRCLE), as a panel's."""
    from geom.cad.step import Component, write_step

    stem = plan.layout.name
    violations = tuple(plan.violations)
    verdict = decide(not violations, plan.result is not None, force=force)
    touching = [c for c in plan.cuts if c.off_face or c.edge < RESOLUTION_MM]
    if verdict.write and touching:  # no CAM file can hold a cut that meets the face's boundary
        c = touching[0]
        raise InputError(
            str(plan.layout.path),
            c.entry,
            Plain(f"the opening at ({c.x:g}, {c.y:g})"),
            "running off the face or touching its boundary (no CAM file can cut it, --force "
            "or not)",
            "an opening wholly on the face, clear of its outline and the openings already there",
        )
    names = [dxf_name(plan, f) for f in plan.faces]
    cam = [*names, f"{stem}-cut.step", f"{stem}-assembly.step"]
    step = assembly = None
    dxfs: list[Path] = []
    refused = None
    with opened(out) as outputs:
        outputs.claim(*cam)
        if verdict.write and plan.result is None:
            refused = "DXF and STEP not written even with --force: no valid solid could be cut"
        elif verdict.write:
            for face, name in zip(plan.faces, names, strict=True):
                holes = face.layout.holes
                dxfs.append(
                    write_dxf(
                        outputs.path(name),
                        [c.contour for c in plan.cuts if c.face == face.name],
                        [*_notes(plan, face, forced=verdict.forced), *hole_notes(holes)],
                        version=version,
                        explode=explode,
                        reference=kernel.face_contours(face.frame),
                        circles=hole_marks(holes),
                    )
                )
            product = f"{plan.enclosure.stem} cut"
            cut = kernel.solids(plan.result)[0]
            step = write_step(
                outputs.path(f"{stem}-cut.step"),
                product,
                [Component(product, cut, PLATE_COLOUR)],
            )
            components = [Component(product, cut, PLATE_COLOUR)]
            if plan.lid is not None:
                components.append(Component(f"{product} lid", plan.lid, PLATE_COLOUR))
            for c in plan.cuts:
                for name, body, colour in c.bodies:
                    components.append(Component(f"{c.entry} {name}", body, colour))
            target = outputs.path(f"{stem}-assembly.step")
            assembly = write_step(target, f"{product} assembly", components)
        dxf = dxfs[0] if dxfs else None
        forced = dxf is not None and verdict.forced
        tayda = cut_tayda(plan, outputs, write=dxf is not None, forced=forced)
        advice = layout_advice([c.fit for c in plan.cuts if c.fit is not None])
        document = cut_report(plan, advice)
        document["ok"] = verdict.holds  # no solid cut: cannot be decided, fails
        document = with_forced(document, forced)
        document["files"] = {
            "step": step.name if step else None,
            "assembly": assembly.name if assembly else None,
            "dxf": [d.name for d in dxfs] if plan.layout.several else (dxf.name if dxf else None),
            "dxf_version": version,
            "exploded": explode,
            "tayda": tayda.file.name if tayda.file else None,
            "tayda_refused": tayda.refused,
            "withheld": verdict.withheld,
            "removed_stale": [],
            "refused": refused,
        }
        covers = [*cam, tayda_name(stem), *also]
        report = outputs.report(f"{stem}-report.json", document, covers)
    final = outputs.final_of
    return CutFiles(
        violations,
        report,
        final(step),
        final(assembly),
        final(dxf),
        forced,
        tuple(outputs.final(d) for d in dxfs),
        advice,
        TaydaFiles(final(tayda.file), tayda.refused),
    )


def cut_tayda(plan: CutPlan, outputs: OutputSet, *, write: bool, forced: bool) -> TaydaFiles:
    """The layout's Tayda text (geom.panel.tayda): each opening on its face's letter,
    from the centre of the face's bounding box in its frame."""
    several = plan.layout.several
    letters = {f.name: face_letter(f.name, several) or "" for f in plan.faces}
    centres = {letters[f.name]: _centre(f.frame) for f in plan.faces}
    openings = [(c.entry, letters[c.face], c.contour) for c in plan.cuts]
    refused = unlettered(letters, several)
    return write_tayda(
        outputs, plan.layout.name, openings, centres, write=write, forced=forced, refused=refused
    )


def _centre(frame: kernel.FaceFrame) -> tuple[float, float]:
    """The centre of the face's bounding box in its frame (mm): where Tayda's text
    measures from, wherever the frame's origin lies."""
    x0, y0, x1, y1 = bounds(kernel.face_contours(frame)[0])
    return (x0 + x1) / 2, (y0 + y1) / 2


def _notes(plan: CutPlan, face: CutFace, forced: bool) -> list[Note]:
    """Each part's label and id in its cutout (as a panel's DXF has them), then the
    face's note below it (mm)."""
    f = face.frame
    count = sum(1 for c in plan.cuts if c.face == face.name)
    origin = "centre" if plan.layout.box is not None else "lower-left"
    lines = [
        f"{plan.enclosure.name}, face {face_text(plan.layout, face.layout)}: {mm(f.width)} x "
        f"{mm(f.height)} mm, {count} openings; face frame seen from outside, "
        f"origin {origin}, Y up, mm; {KERF_NOTE}",
    ]
    if plan.layout.box is not None and plan.layout.box.assumed:
        lines.append(_assumed_note(plan.layout))
    if forced:
        lines.insert(0, FORCED_NOTE)
    own = [c.note for c in plan.cuts if c.face == face.name and c.note is not None]
    return own + [
        Note(text, 0.0, -3 * NOTE_HEIGHT_MM - i * 1.6 * NOTE_HEIGHT_MM, NOTE_HEIGHT_MM)
        for i, text in enumerate(lines)
    ]


def face_text(layout: CutLayout, face: FaceLayout) -> str:
    """How a face is named in notes: a box's letter, the selector, or "by point"."""
    return face.name if layout.box is not None else face.select or "by point"


def _face_record(face: CutFace) -> dict[str, Any]:
    f, layout = face.frame, face.layout
    return {
        "select": layout.select,
        "point": list(layout.point) if layout.point else None,
        "origin": list(f.origin),
        "x_dir": list(f.x_dir),
        "y_dir": list(f.y_dir),
        "normal": list(f.normal),
        "width": f.width,
        "height": f.height,
    }


def _slot_record(slot: Slot) -> dict[str, Any]:
    """A slot's size as a panel report lists it (mm, degrees)."""
    return {
        "length": slot.length,
        "width": slot.width,
        "angle": slot.angle,
        "tolerance": slot.tolerance,
    }


def data_sheet_notes(plan: CutPlan) -> list[str]:
    """Where the data sheet wins over the web rule: a part's own fixing holes nearer its
    cutout than the wall t measured under it (or `min_web`; geom.model.layout.own_web_notes)."""
    layout, out = plan.layout, []
    profile = layout.rules_profile
    for c in plan.cuts:
        if c.fit is not None and c.wall is not None:
            if layout.min_web is None:
                least = profile.web.at(c.wall[1])
                source = f"{profile.cite(profile.web.source)}, t measured"
            else:
                least, source = layout.min_web, "face.min_web"
            out += own_web_notes([c.fit], least, source)
    return list(dict.fromkeys(out))


def cut_report(plan: CutPlan, advice: Advice = NO_ADVICE) -> dict[str, Any]:
    layout = plan.layout
    several = layout.several
    where: dict[str, Any] = (
        {"faces": [{"name": f.name, **_face_record(f)} for f in plan.faces]}
        if several
        else {"face": _face_record(plan.faces[0])}
    )
    return {
        "enclosure": str(plan.enclosure),
        **({"box": layout.box.record()} if layout.box is not None else {}),
        "layout": str(layout.path),
        **where,
        "coating_mm": {"min": layout.coating.min, "max": layout.coating.max},
        "shop_profile": {"name": layout.rules_profile.name, "title": layout.rules_profile.title},
        "cut_method": plan.method,
        "notes": [*plan.notes, *data_sheet_notes(plan)],
        "volume": {
            "before": kernel.volume(plan.solid),
            "after": kernel.volume(plan.result) if plan.result is not None else None,
        },
        "openings": [
            {
                "entry": c.entry,
                "label": c.label or None,
                **({"face": c.face} if several else {}),
                "part": c.part_id,
                **({"slot": _slot_record(c.slot)} if c.slot is not None else {}),
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
        "violations": [violation_record(v) for v in plan.violations],
        "ways_out": ways_out_report(advice.ways_out),
        **no_way_out_report(advice.no_way_out),
    }
