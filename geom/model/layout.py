"""The layout model: parts and openings placed on the faces of a surface, and the rules
every surface keeps (pure Python and numpy: no files, no kernel). All sizes in mm.

A surface (`Surface`) is a flat sheet, a bent sheet's faces or a set of faces of an
enclosure: it names its faces, gives each face's frame in space, the sheet (or measured
wall) under a part, each opening's distance from its face's boundary, the web and edge
minimums, and its own rules (bends, walls). `plan(surface, placements, conditions)`
checks every part's fit on the sheet under it and every layout rule on every face, in
one order, with one `Violation` type and one set of rule codes (`Rule`):

- per face: the web between openings, each opening's distance from the boundary, flanges
  overlapping on the front, a flange hanging off the sheet, mated plugs without room,
  bodies colliding behind the sheet, holes and slots under a neighbour's flange, a
  slot's tolerance tighter than the shop holds, text (geom.model.lettering) off the
  sheet, nearer an opening than its process's clearance or under a flange, a
  countersunk, tapped or PEM hole against the sheet under it and the face's boundary
  (geom.model.fastener);
- across faces: each part's envelopes (flange, plug, bodies) as oriented boxes in space
  must not overlap another face's part (exact for boxes);
- the surface's own rules, then what only a CAD kernel can decide (`Kernel`: bodies
  against an enclosure's walls), when the plan is given one.

Neighbours on a face come from a sweep along x (`near_pairs`), so a face with n parts
costs n log n plus the pairs that meet, not n^2.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal, Protocol

import numpy as np

from geom.model.bend import Box3, Frame3, box_in, penetration
from geom.model.conditions import Conditions
from geom.model.contour import circle_of, inner_corner
from geom.model.fastener import Fastener
from geom.model.fit import Fit, evaluate
from geom.model.lettering import CLEARANCES, Clearance, Legend, Lettering, Process
from geom.model.part import Part
from geom.model.tolerance import Size
from geom.model.units import mm

EPS_MM = 1e-6
"""Overlaps and shortfalls below this are float noise (1 nm), not findings."""

Box = tuple[float, float, float, float]
"""An axis-aligned box in a face's frame: x_min, y_min, x_max, y_max (mm)."""


class Rule(StrEnum):
    """The stable code of every layout rule, as reports and the CLI print it. A failing
    fit check is ``fit.<check>`` (`fit_rule`)."""

    WEB = "web"
    EDGE = "edge"
    WALL = "wall"
    CUT = "cut"
    FLANGE_OVERLAP = "flange_overlap"
    FLANGE_OFF_SHEET = "flange_off_sheet"
    PLUG_CLEARANCE = "plug_clearance"
    BODY_COLLISION = "body_collision"
    HOLE_UNDER_FLANGE = "hole_under_flange"
    SLOT_UNDER_FLANGE = "slot_under_flange"
    SLOT_TOLERANCE = "slot_tolerance"
    HOLE_TOO_SMALL = "hole_too_small"
    INNER_RADIUS = "inner_radius"
    COUNTERSINK_DEPTH = "countersink.depth"
    COUNTERSINK_EDGE = "countersink.edge"
    COUNTERSINK_WEB = "countersink.web"
    TAPPED_SHEET = "tapped.sheet"
    PEM_SHEET = "pem.sheet"
    PEM_EDGE = "pem.edge"
    BEND_ZONE = "bend.zone"
    BEND_CUT_DISTANCE = "bend.cut_distance"
    BEND_FLANGE_HEIGHT = "bend.flange_height"
    BEND_FLANGE_COLLISION = "bend.flange_collision"
    BEND_BODY_COLLISION = "bend.body_collision"
    TEXT_CLEARANCE = "text_clearance"
    TEXT_OFF_SHEET = "text_off_sheet"


def fit_rule(check: str) -> str:
    """The rule code of a failing fit check."""
    return f"fit.{check}"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which entries, on which faces, where (their centres in their
    faces' frames, mm), and the figures."""

    rule: str
    message: str
    entries: tuple[str, ...]
    positions: tuple[tuple[float, float], ...]
    figures: dict[str, Any] = field(default_factory=dict)
    faces: tuple[str, ...] = ()
    """The face of each entry (same order); () for a rule about the surface itself."""
    profile: str = ""
    """The shop profile whose rule is broken ("" when the rule is no profile's)."""
    source: str = ""
    """Where that rule's figure comes from (with `profile`)."""


def violation_record(v: Violation) -> dict[str, Any]:
    """A violation as every report writes it; `profile` and `source` null unless the rule
    is a shop profile's."""
    return {
        "rule": str(v.rule),
        "message": v.message,
        "entries": list(v.entries),
        "faces": list(v.faces),
        "positions_mm": [list(xy) for xy in v.positions],
        "figures": v.figures,
        "profile": v.profile or None,
        "source": v.source or None,
    }


def where_text(v: Violation, *, faces: bool = False) -> str:
    """The entries and their positions, "place[0] at (10, 20)", and with `faces` the face
    of each ("place[0] on lid at (10, 20)"), as the CLI and the plugin print them."""
    named = v.faces if faces and len(v.faces) == len(v.entries) else ("",) * len(v.entries)
    return ", ".join(
        f"{e}{f' on {f}' if f else ''} at ({mm(x)}, {mm(y)})"
        for e, f, (x, y) in zip(v.entries, named, v.positions, strict=True)
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """One part on a face: its cutout centre (x, y) in the face's frame and its rotation
    (0, 90, 180 or 270 degrees, counter-clockwise seen from the front)."""

    entry: str
    """Where it comes from: ``place[3]`` or ``array[0][r1,c2]`` (row, column from 0)."""
    part: Part
    x: float
    y: float
    rotation: int
    face: str = "base"
    """The face it sits on: "base" (a flat panel, a bent panel's base), a flange by its
    edge, or an enclosure face by its name."""
    label: str = ""
    """The shop's name for it on the drawing ("" when the file gives none)."""
    legend: Legend | None = None
    """The text to engrave or print above it (None: none)."""

    @property
    def turned(self) -> bool:
        return self.rotation in (90, 270)


OpeningKind = Literal["cutout", "hole", "slot", "flange", "text"]


@dataclass(frozen=True, slots=True)
class Opening:
    """A cutout, hole or slot on a face as a rounded rectangle: centre and size as placed
    in the face's frame, corner radius (mm). `owner`: the index of the placement whose
    cutout or fixing hole it is (-1: a plain hole or slot)."""

    entry: str
    x: float
    y: float
    width: float
    height: float
    radius: float
    face: str = "base"
    kind: OpeningKind = "cutout"
    owner: int = -1
    tolerance: float | None = None
    """A slot's stated tolerance (+/- mm), None when it states none."""
    fixed: str = ""
    """The standard that fixes where it sits (a preset's mounting hole or slot): the edge
    rule of thumb gives way to it ("" for any other opening; `fixed_edge_notes`)."""
    corner: float | None = None
    """A cutout's tightest inside corner (mm, geom.model.contour.inner_corner); None: its
    `radius` (a rounded rectangle)."""
    fastener: Fastener | None = None
    """A countersunk, tapped or PEM hole's data (None: any other opening)."""

    @property
    def box(self) -> Box:
        return (
            self.x - self.width / 2,
            self.y - self.height / 2,
            self.x + self.width / 2,
            self.y + self.height / 2,
        )


@dataclass(frozen=True, slots=True)
class FaceRules:
    """The web and edge an opening must keep (mm), where each comes from, and what its
    face's boundary is called in messages; the smallest hole (or slot width) and inner
    corner radius the shop cuts (0: no such rule). `profile`: the shop profile the
    sources cite ("profile <name>: ..."; geom.model.shop)."""

    min_web: float
    min_edge: float
    web_source: str
    edge_source: str
    boundary: str = "the outline"
    min_hole: float = 0.0
    hole_source: str = ""
    min_inner_radius: float = 0.0
    radius_source: str = ""
    profile: str = ""
    min_countersink_edge: float = 0.0
    """A countersink's rim to the boundary (mm); with no `countersink_source`, 4 t
    (COUNTERSINK_EDGE_SOURCE), t the thickest sheet under the hole."""
    countersink_source: str = ""

    def by(self, source: str) -> tuple[str, str]:
        """The profile behind `source` and its own source text (a violation's `profile`
        and `source`): ("", "") unless `source` cites the profile."""
        head = f"profile {self.profile}: "
        if self.profile and source.startswith(head):
            return self.profile, source.removeprefix(head)
        return "", ""


def gap(a: Opening, b: Opening) -> float:
    """Exact shortest distance between two rounded rectangles (negative: they overlap).

    Each is its inner rectangle grown by a disc of its corner radius, so the distance is
    the distance between the inner rectangles less both radii."""
    dx = abs(a.x - b.x) - (a.width - 2 * a.radius + b.width - 2 * b.radius) / 2
    dy = abs(a.y - b.y) - (a.height - 2 * a.radius + b.height - 2 * b.radius) / 2
    # Apart on both axes: corner to corner; else the larger (possibly negative) axis gap.
    inner = math.hypot(dx, dy) if dx > 0 and dy > 0 else max(dx, dy)
    return inner - a.radius - b.radius


def near_pairs(boxes: Sequence[Box], distance: float) -> list[tuple[int, int]]:
    """Index pairs (i < j) of boxes whose gap is at most `distance` (mm >= 0) in x and in
    y, sorted.

    Sweep and prune: with the boxes sorted by x_min, the boxes a box can be near in x are
    the ones after it whose x_min is at most its x_max + distance (one binary search
    each); those candidates are then kept when near in y too, all in numpy. The work is
    n log n plus the pairs that overlap in x."""
    n = len(boxes)
    if n < 2:
        return []
    b = np.asarray(boxes, dtype=float).reshape(n, 4)
    order = np.argsort(b[:, 0], kind="stable")
    s = b[order]
    # A hair wider than the exact test below, which decides.
    reach = np.searchsorted(s[:, 0], s[:, 2] + distance + EPS_MM, side="right")
    counts = np.maximum(reach - np.arange(1, n + 1), 0)
    total = int(counts.sum())
    if total == 0:
        return []
    first = np.repeat(np.arange(n), counts)
    second = first + 1 + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    p, q = s[first], s[second]
    keep = (
        (q[:, 0] - p[:, 2] <= distance)
        & (p[:, 0] - q[:, 2] <= distance)
        & (q[:, 1] - p[:, 3] <= distance)
        & (p[:, 1] - q[:, 3] <= distance)
    )
    i, j = order[first[keep]], order[second[keep]]
    return sorted(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist(), strict=True))


def _overlap(a: Box, b: Box) -> tuple[float, float]:
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


# --- the parts' envelopes ------------------------------------------------------------


def footprint(placed: Placement, width: float, height: float) -> Box:
    """A width x height rectangle of the part, turned with it, centred on its cutout."""
    w, h = (height, width) if placed.turned else (width, height)
    return (placed.x - w / 2, placed.y - h / 2, placed.x + w / 2, placed.y + h / 2)


def bodies(part: Part) -> list[tuple[float, float, float]]:
    """The envelopes behind and through the plate as (width, height, depth from the
    flange front): the part's own ([rear] when given, else its envelope's width x
    height), and for a part mounted through a frame, the frame's."""
    out = [(*part.rear_size, part.depth)]
    if part.frame is not None:
        out.append((part.frame.width, part.frame.height, part.frame.depth))
    return out


@dataclass(frozen=True, slots=True)
class Solid:
    """A part's envelope as a box in its face's frame: footprint and z range (mm; the
    face's front z = 0, the sheet behind it in -t <= z <= 0)."""

    kind: Literal["flange", "plug", "body"]
    owner: int
    """The index of the placement it belongs to."""
    box: Box
    z0: float
    z1: float


def solids(k: int, p: Placement, sheet: float) -> list[Solid]:
    """The envelopes of placement `k` on a sheet `sheet` mm thick (the thickest under it:
    the conservative keep-out): its flange in front, the mated plug in front of the
    flange, each body behind the sheet."""
    mount, ft = p.part.mount, p.part.fit.flange_thickness
    out = [Solid("flange", k, footprint(p, mount.width, mount.height), 0.0, ft)]
    if p.part.plug is not None:
        plug = p.part.plug
        out.append(Solid("plug", k, footprint(p, plug.width, plug.height), ft, ft + plug.length))
    for w, h, depth in bodies(p.part):
        if depth > ft:  # the envelope reaches behind the plate
            out.append(Solid("body", k, footprint(p, w, h), ft - depth, -sheet))
    return out


# --- the surface and the plan --------------------------------------------------------


class Surface(Protocol):
    """Where parts are placed: a flat sheet, a bent sheet, a set of enclosure faces."""

    @property
    def across(self) -> str:
        """The rule code of parts on different faces that collide."""
        ...

    def faces(self) -> Sequence[str]:
        """The faces, in the order their rules are reported."""
        ...

    def frame(self, face: str) -> Frame3:
        """The face's frame in space (front z = 0, the sheet behind it)."""
        ...

    def sheet(self, placement: Placement) -> Size | None:
        """The sheet (or the measured wall) under the part; None: none found (the
        surface's own rules say so)."""
        ...

    def openings(self) -> Sequence[Opening]:
        """The plain holes and slots, each on its face (the parts' own cutouts and
        fixing holes come from the plan)."""
        ...

    def wall(self, opening: Opening) -> Size | None:
        """The sheet (or the measured wall) under a hole or slot; None: none found."""
        ...

    def rules(self, opening: Opening) -> FaceRules:
        """The web and edge `opening` must keep, the smallest hole and inner corner the
        shop cuts (geom.model.shop.Profile.rules)."""
        ...

    def edge(self, opening: Opening) -> float | None:
        """The distance (mm) from `opening` (or a flange, `kind` "flange") to its face's
        boundary, negative across it; None: not measured here (the surface's own rules
        say why)."""
        ...

    def where(self, face: str) -> str:
        """What a message about `face` ends with ("" on a one-face surface)."""
        ...

    def fit_context(self, fit: Fit) -> str:
        """What a failed fit's message says after the part id: the sheet under it."""
        ...

    def own_rules(self, plan: Plan) -> list[Violation]:
        """The surface's own rules (bends, walls), after the layout's."""
        ...


class Kernel(Protocol):
    """What only a CAD kernel can decide: bodies against an enclosure's walls."""

    def collisions(self, plan: Plan) -> list[Violation]: ...


@dataclass
class Plan:
    """The parts and openings on a surface, each part's fit, and every violation."""

    surface: Surface
    placements: tuple[Placement, ...]
    conditions: Conditions
    fits: tuple[Fit, ...]
    """Each placement's fit on the sheet under it (evaluated once per part and sheet)."""
    openings: tuple[Opening, ...]
    """Every cutout (placement order), the parts' fixing holes, then the surface's holes
    and slots."""
    solids: tuple[Solid, ...]
    violations: list[Violation] = field(default_factory=list)
    texts: tuple[Lettering, ...] = ()
    """Engraved and printed text (geom.model.lettering): kept clear of openings."""
    clearances: Mapping[Process, Clearance] = field(default_factory=lambda: dict(CLEARANCES))
    """The text clearance by process."""

    def at(self, k: int) -> tuple[float, float]:
        p = self.placements[k]
        return p.x, p.y


def plan(
    surface: Surface,
    placements: Sequence[Placement],
    conditions: Conditions,
    kernel: Kernel | None = None,
    texts: Sequence[Lettering] = (),
    clearances: Mapping[Process, Clearance] = CLEARANCES,
) -> Plan:
    """Every part's fit and every rule of `surface` (see the module's docstring), in a
    fixed order: fits (by part id), each face's rules (face order), parts colliding
    across faces, the surface's own rules, then `kernel`'s."""
    places = tuple(placements)
    cache: dict[tuple[str, Size | None], Fit] = {}
    fits: list[Fit] = []
    for p in places:
        sheet = surface.sheet(p)
        key = (p.part.id, sheet)
        if key not in cache:
            cache[key] = evaluate(p.part, _on(conditions, sheet))
        fits.append(cache[key])
    found_solids: list[Solid] = []
    for k, (p, fit) in enumerate(zip(places, fits, strict=True)):
        found_solids += solids(k, p, fit.sheet.max if fit.sheet_given else 0.0)
    result = Plan(
        surface,
        places,
        conditions,
        tuple(fits),
        (*part_openings(places, fits), *surface.openings()),
        tuple(found_solids),
        texts=tuple(texts),
        clearances=clearances,
    )
    out = result.violations
    out += _fit_rules(result)
    for face in surface.faces():
        out += _face_rules(result, face)
    out += _across(result)
    out += surface.own_rules(result)
    if kernel is not None:
        out += kernel.collisions(result)
    return result


def part_openings(places: Sequence[Placement], fits: Sequence[Fit]) -> list[Opening]:
    """Every part's cutout (as drawn, turned), then every part's own fixing holes."""
    cutouts: list[Opening] = []
    own: list[Opening] = []
    corners: dict[int, float] = {}
    for k, (p, fit) in enumerate(zip(places, fits, strict=True)):
        c = fit.cut
        w, h = (c.height, c.width) if p.turned else (c.width, c.height)
        r = min(c.corner_radius, w / 2, h / 2)
        corner = corners.setdefault(id(fit), inner_corner(c.contour()))
        cutouts.append(Opening(p.entry, p.x, p.y, w, h, r, p.face, "cutout", k, corner=corner))
        for i, contour in enumerate(fit.hole_contours(p.x, p.y, p.rotation)):
            circle = circle_of(contour)
            assert circle is not None, "a part's fixing hole is a circle"
            x, y, rh = circle
            name = f"{p.entry}.holes[{i}]"
            own.append(Opening(name, x, y, 2 * rh, 2 * rh, rh, p.face, "hole", k))
    return cutouts + own


def own(a: Opening, b: Opening) -> bool:
    """Whether `a` and `b` are one placed part's cutout and its own fixing holes (or two
    of them): the data sheet fixes where they sit, so the web rule of thumb gives way
    (`own_web_notes` says so)."""
    return a.owner >= 0 and a.owner == b.owner


def own_web(fit: Fit) -> float | None:
    """The narrowest web between a part's cutout as drawn and its own fixing holes (mm;
    None without fixing holes), measured as the web rule measures: the same wherever and
    however the part is placed."""
    place = Placement("", fit.part, 0.0, 0.0, 0)
    ops = part_openings([place], [fit])
    webs = [gap(a, b) for i, a in enumerate(ops) for b in ops[i + 1 :]]
    return min(webs) if webs else None


def own_web_notes(fits: Iterable[Fit], min_web: float, source: str) -> list[str]:
    """A note per part whose own fixing holes leave less web to its cutout than the web
    rule `min_web` (mm): the data sheet fixes their positions, and wins."""
    out = []
    for fit in fits:
        web = own_web(fit)
        if web is not None and -EPS_MM <= web < min_web - EPS_MM:
            out.append(
                f"{fit.part.id}: its own fixing holes leave a web of {mm(web)} mm to its "
                f"cutout, less than the {mm(min_web)} mm minimum ({source}); the data sheet "
                "fixes where they sit, so the data sheet wins"
            )
    return out


def _on(conditions: Conditions, sheet: Size | None) -> Conditions:
    return Conditions(
        sheet, conditions.coating, conditions.masked, conditions.target, conditions.shop
    )


# --- the rules ------------------------------------------------------------------------


def _fit_rules(plan: Plan) -> list[Violation]:
    """Each failing check of each fit, once per part and sheet, naming every use."""
    users: dict[int, list[int]] = defaultdict(list)
    for k, fit in enumerate(plan.fits):
        users[id(fit)].append(k)
    firsts = sorted(users.values(), key=lambda ks: (plan.placements[ks[0]].part.id, ks[0]))
    out: list[Violation] = []
    for ks in firsts:
        fit = plan.fits[ks[0]]
        pid = plan.placements[ks[0]].part.id
        shop = fit.conditions.shop
        for check in fit.failures():
            by = shop.cited() if shop is not None and check.name == "shop_process" else ("", "")
            out.append(
                Violation(
                    fit_rule(check.name),
                    f"{pid} {plan.surface.fit_context(fit)}: {check.message}",
                    tuple(plan.placements[k].entry for k in ks),
                    tuple(plan.at(k) for k in ks),
                    dict(check.figures),
                    tuple(plan.placements[k].face for k in ks),
                    *by,
                )
            )
    return out


def _face_rules(plan: Plan, face: str) -> list[Violation]:
    surface = plan.surface
    where = surface.where(face)
    ops = [o for o in plan.openings if o.face == face]
    flanges = [s for s in plan.solids if s.kind == "flange" and _face(plan, s) == face]
    found = _webs_and_edges(surface, ops)
    found += _front_and_back(plan, [s for s in plan.solids if _face(plan, s) == face])
    found += _flanges_off(plan, flanges)
    found += _holes_under_flanges(plan, flanges, [o for o in ops if o.kind == "hole"])
    found += _slots(plan, flanges, [o for o in ops if o.kind == "slot"])
    found += _texts(plan, [t for t in plan.texts if t.face == face], ops, flanges)
    found += _fasteners(plan, [o for o in ops if o.fastener is not None])
    if not where:
        return found
    return [replace(v, message=v.message + where) for v in found]


def _face(plan: Plan, s: Solid) -> str:
    return plan.placements[s.owner].face


def _webs_and_edges(surface: Surface, ops: list[Opening]) -> list[Violation]:
    out: list[Violation] = []
    rules = [surface.rules(o) for o in ops]
    widest = max((r.min_web for r in rules), default=0.0)
    for i, j in near_pairs([o.box for o in ops], widest):
        a, b = ops[i], ops[j]
        ra = rules[i] if rules[i].min_web >= rules[j].min_web else rules[j]
        g = gap(a, b)
        if g < ra.min_web - EPS_MM and not (g >= -EPS_MM and own(a, b)):
            what = "overlap" if g < 0 else "leave a web of"
            out.append(
                Violation(
                    Rule.WEB,
                    f"{a.entry} and {b.entry} {what} {mm(abs(g))} mm"
                    + ("" if g < 0 else f", less than the {mm(ra.min_web)} mm minimum")
                    + f" ({ra.web_source})",
                    (a.entry, b.entry),
                    ((a.x, a.y), (b.x, b.y)),
                    {"web": g, "min_web": ra.min_web},
                    (a.face, b.face),
                    *ra.by(ra.web_source),
                )
            )
    for o, r in zip(ops, rules, strict=True):
        if o.fastener is not None and o.fastener.min_edge is not None:
            continue  # the fastener's data sheet wins: rule pem.edge
        d = surface.edge(o)
        if d is None or d >= r.min_edge - EPS_MM or (o.fixed and d >= -EPS_MM):
            continue  # a standard's position wins over the rule (fixed_edge_notes)
        out.append(
            Violation(
                Rule.EDGE,
                f"{o.entry} is {mm(d)} mm from {r.boundary}, less than the "
                f"{mm(r.min_edge)} mm minimum ({r.edge_source})",
                (o.entry,),
                ((o.x, o.y),),
                {"edge": d, "min_edge": r.min_edge},
                (o.face,),
                *r.by(r.edge_source),
            )
        )
    return out + _cuttable(ops, rules)


def _cuttable(ops: list[Opening], rules: list[FaceRules]) -> list[Violation]:
    """Holes and slots narrower than the shop's smallest hole; cutouts whose inner corners
    are sharper than its cutter leaves (a milled panel)."""
    out: list[Violation] = []
    for o, r in zip(ops, rules, strict=True):
        if o.kind in ("hole", "slot"):
            size = min(o.width, o.height)
            if size < r.min_hole - EPS_MM:
                name = f"a {mm(size)} mm hole" if o.kind == "hole" else f"{mm(size)} mm wide"
                out.append(
                    Violation(
                        Rule.HOLE_TOO_SMALL,
                        f"{o.entry} is {name}, smaller than the {mm(r.min_hole)} mm the "
                        f"shop cuts ({r.hole_source})",
                        (o.entry,),
                        ((o.x, o.y),),
                        {"diameter": size, "min_hole": r.min_hole},
                        (o.face,),
                        *r.by(r.hole_source),
                    )
                )
        elif o.kind == "cutout" and (corner := _corner(o)) < r.min_inner_radius - EPS_MM:
            out.append(
                Violation(
                    Rule.INNER_RADIUS,
                    f"{o.entry}: its cutout's tightest inside corner is R {mm(corner)} mm, "
                    f"sharper than the R {mm(r.min_inner_radius)} mm the shop's cutter leaves "
                    f"({r.radius_source})",
                    (o.entry,),
                    ((o.x, o.y),),
                    {"corner_radius": corner, "min_inner_radius": r.min_inner_radius},
                    (o.face,),
                    *r.by(r.radius_source),
                )
            )
    return out


def _corner(o: Opening) -> float:
    return o.radius if o.corner is None else o.corner


def fixed_edge_notes(surface: Surface, openings: Iterable[Opening]) -> list[str]:
    """A note per opening whose position a standard fixes (`Opening.fixed`) nearer its
    face's boundary than the edge rule: the standard wins, and the note gives both
    figures."""
    out = []
    for o in openings:
        d = surface.edge(o) if o.fixed else None
        r = surface.rules(o)
        if d is not None and -EPS_MM <= d < r.min_edge - EPS_MM:
            out.append(
                f"{o.entry}: {mm(d)} mm from {r.boundary}, less than the {mm(r.min_edge)} mm "
                f"minimum ({r.edge_source}); {o.fixed} fixes where it sits, so the standard wins"
            )
    return out


def _front_and_back(plan: Plan, found: list[Solid]) -> list[Violation]:
    """Flanges overlapping on the front, plugs without room, bodies colliding behind the
    sheet: two parts' envelopes on one face sharing a volume (touching is allowed)."""
    out: list[Violation] = []
    seen: set[tuple[str, int, int]] = set()
    for i, j in near_pairs([s.box for s in found], 0.0):
        a, b = found[i], found[j]
        if a.owner == b.owner:
            continue
        ox, oy = _overlap(a.box, b.box)
        oz = min(a.z1, b.z1) - max(a.z0, b.z0)
        if ox <= EPS_MM or oy <= EPS_MM or oz <= EPS_MM:
            continue
        kinds = {a.kind, b.kind}
        if kinds == {"flange"}:
            rule, text = Rule.FLANGE_OVERLAP, "flanges overlap on the front"
        elif "body" in kinds:
            rule, text = Rule.BODY_COLLISION, "bodies collide behind the plate"
        else:
            rule, text = Rule.PLUG_CLEARANCE, "a mated plug has no room in front"
        pa, pb = sorted((a.owner, b.owner))
        if (rule, pa, pb) in seen:
            continue
        seen.add((rule, pa, pb))
        first, second = plan.placements[pa], plan.placements[pb]
        out.append(
            Violation(
                rule,
                f"{first.entry} ({first.part.id}) and {second.entry} ({second.part.id}): "
                f"{text} by {mm(ox)} x {mm(oy)} mm",
                (first.entry, second.entry),
                (plan.at(pa), plan.at(pb)),
                {"overlap_x": ox, "overlap_y": oy, "overlap_z": oz},
                (first.face, second.face),
            )
        )
    return out


def _flanges_off(plan: Plan, flanges: list[Solid]) -> list[Violation]:
    out: list[Violation] = []
    for s in flanges:
        p = plan.placements[s.owner]
        x0, y0, x1, y1 = s.box
        shape = Opening(p.entry, p.x, p.y, x1 - x0, y1 - y0, 0.0, p.face, "flange", s.owner)
        d = plan.surface.edge(shape)
        if d is not None and d < -EPS_MM:
            out.append(
                Violation(
                    Rule.FLANGE_OFF_SHEET,
                    f"{p.entry} ({p.part.id}): the flange hangs {mm(-d)} mm over the outline",
                    (p.entry,),
                    ((p.x, p.y),),
                    {"overhang": -d},
                    (p.face,),
                )
            )
    return out


def _holes_under_flanges(plan: Plan, flanges: list[Solid], holes: list[Opening]) -> list[Violation]:
    """A hole under a flange fails with both positions: a plain hole or a neighbour's
    fixing hole; a screw-fixed part's own holes under its own flange are what holds it,
    and pass."""
    if not holes or not flanges:
        return []
    out: list[Violation] = []
    boxes = [s.box for s in flanges] + [h.box for h in holes]
    n = len(flanges)
    for i, j in near_pairs(boxes, 0.0):
        if i >= n or j < n:
            continue
        owner, h = flanges[i].owner, holes[j - n]
        if h.owner == owner:
            continue  # the part's own fixing hole under its own flange
        p = plan.placements[owner]
        ox, oy = _overlap(boxes[i], boxes[j])
        x0, y0, x1, y1 = boxes[i]
        cx, cy = min(max(h.x, x0), x1), min(max(h.y, y0), y1)
        if ox > EPS_MM and oy > EPS_MM and math.hypot(h.x - cx, h.y - cy) < h.width / 2:
            out.append(
                Violation(
                    Rule.HOLE_UNDER_FLANGE,
                    f"{h.entry} at ({mm(h.x)}, {mm(h.y)}) lies under the flange of {p.entry} "
                    f"({p.part.id}) at ({mm(p.x)}, {mm(p.y)})",
                    (p.entry, h.entry),
                    ((p.x, p.y), (h.x, h.y)),
                    {"hole_diameter": h.width},
                    (p.face, h.face),
                )
            )
    return out


def _slots(plan: Plan, flanges: list[Solid], slots: list[Opening]) -> list[Violation]:
    """Slots under a flange (exact: the flange as a sharp rectangle against the obround)
    and slots whose stated tolerance is tighter than what the shop holds."""
    out: list[Violation] = []
    boxes = [s.box for s in flanges] + [o.box for o in slots]
    n = len(flanges)
    for i, j in near_pairs(boxes, 0.0):
        if i >= n or j < n:
            continue
        x0, y0, x1, y1 = boxes[i]
        flange = Opening("", (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0.0)
        p, o = plan.placements[flanges[i].owner], slots[j - n]
        if gap(flange, o) < -EPS_MM:
            out.append(
                Violation(
                    Rule.SLOT_UNDER_FLANGE,
                    f"{o.entry} lies under the flange of {p.entry} ({p.part.id})",
                    (p.entry, o.entry),
                    ((p.x, p.y), (o.x, o.y)),
                    {"overlap": -gap(flange, o)},
                    (p.face, o.face),
                )
            )
    shop = plan.conditions.shop
    for slot in slots:
        if (
            shop is not None
            and slot.tolerance is not None
            and shop.tolerance > slot.tolerance + EPS_MM
        ):
            out.append(
                Violation(
                    Rule.SLOT_TOLERANCE,
                    f"{slot.entry}: the shop holds +/-{mm(shop.tolerance)} mm "
                    f"({shop.source}), more than the slot's +/-{mm(slot.tolerance)} mm",
                    (slot.entry,),
                    ((slot.x, slot.y),),
                    {"shop_tolerance": shop.tolerance, "tolerance": slot.tolerance},
                    (slot.face,),
                    *shop.cited(),
                )
            )
    return out


def text_box(t: Lettering) -> Opening:
    """A text as the rectangle its ink fills (kind "text", sharp corners): measured from
    it, a text never seems to leave more room than its letters do."""
    x0, y0, x1, y1 = t.box
    return Opening(t.entry, (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0.0, t.face, "text")


def _texts(
    plan: Plan, texts: list[Lettering], ops: list[Opening], flanges: list[Solid]
) -> list[Violation]:
    """Each text (its ink box) on the sheet, at least its process's clearance
    (`plan.clearances`) from every opening's exact shape, not under a part's flange,
    where nobody would see it, and not over another text."""
    if not texts:
        return []
    out: list[Violation] = []
    boxes = [text_box(t) for t in texts]
    for t, b in zip(texts, boxes, strict=True):
        d = plan.surface.edge(b)
        if d is not None and d < -EPS_MM:
            out.append(
                Violation(
                    Rule.TEXT_OFF_SHEET,
                    f'{t.entry} ("{t.text}") crosses {plan.surface.rules(b).boundary} '
                    f"by {mm(-d)} mm",
                    (t.entry,),
                    ((t.x, t.y),),
                    {"overhang": -d},
                    (t.face,),
                )
            )
    others = list(ops)
    for s in flanges:
        p = plan.placements[s.owner]
        x0, y0, x1, y1 = s.box
        w, h = x1 - x0, y1 - y0
        others.append(Opening(p.entry, x0 + w / 2, y0 + h / 2, w, h, 0.0, p.face, "flange"))
    n = len(texts)
    widest = max(plan.clearances[t.process].value for t in texts)
    every = boxes + others
    for i, j in near_pairs([o.box for o in every], widest):
        if i >= n:
            continue
        t, o = texts[i], every[j]
        g = gap(boxes[i], o)
        rule = plan.clearances[t.process]
        at = (texts[j].x, texts[j].y) if j < n else (o.x, o.y)
        if o.kind == "text" and g < -EPS_MM:
            text = f'overlaps {o.entry} ("{texts[j].text}")'
        elif o.kind == "text":
            continue
        elif o.kind == "flange" and g < -EPS_MM:
            text = f"lies under the flange of {o.entry}, hidden"
        elif o.kind != "flange" and g < rule.value - EPS_MM:
            text = (
                f"overlaps {o.entry}"
                if g < 0
                else f"is {mm(g)} mm from {o.entry}, less than the {mm(rule.value)} mm "
                f"{t.process} clearance ({rule.source})"
            )
        else:
            continue
        out.append(
            Violation(
                Rule.TEXT_CLEARANCE,
                f'{t.entry} ("{t.text}") {text}',
                (t.entry, o.entry),
                ((t.x, t.y), at),
                {"clearance": g, "min_clearance": 0.0 if j < n else rule.value},
                (t.face, o.face),
            )
        )
    return out


COUNTERSINK_EDGE_T = 4.0
COUNTERSINK_EDGE_SOURCE = "countersink to edge >= 4 t (npd-solutions sheet-metal design guide)"
COUNTERSINK_WEB_T = 8.0
COUNTERSINK_WEB_SOURCE = "between countersinks >= 8 t (npd-solutions sheet-metal design guide)"
COUNTERSINK_DEPTH_SOURCE = "the cone ends inside the sheet (assumed: no land below it required)"


def _fasteners(plan: Plan, holes: list[Opening]) -> list[Violation]:
    """Countersunk, tapped and PEM holes against the thinnest sheet of the band and the
    face's boundary: the countersink's cone inside the sheet and its rim >= 4 t from the
    edge; a thread's and a PEM fastener's least sheet; a PEM fastener's centre to the
    edge from its data sheet. No sheet known: each check fails with that reason."""
    out: list[Violation] = []
    surface = plan.surface

    def fail(
        rule: Rule,
        o: Opening,
        text: str,
        figures: dict[str, Any],
        cited: tuple[str, str] = ("", ""),
    ) -> None:
        out.append(Violation(rule, text, (o.entry,), ((o.x, o.y),), figures, (o.face,), *cited))

    for o in holes:
        f = o.fastener
        assert f is not None
        what = f"{o.entry} ({f.note})"
        sheet = surface.wall(o)
        if sheet is None:
            rule = Rule.COUNTERSINK_DEPTH if f.kind == "countersunk" else Rule(f"{f.kind}.sheet")
            fail(rule, o, f"{what}: the sheet is not known, so it cannot be checked", {})
            continue
        t = sheet.min
        if f.kind == "countersunk" and f.depth > t + EPS_MM:
            fail(
                Rule.COUNTERSINK_DEPTH,
                o,
                f"{what}: the cone is {mm(f.depth)} mm deep, deeper than the "
                f"{mm(t)} mm sheet ({COUNTERSINK_DEPTH_SOURCE}; {f.source})",
                {"depth": f.depth, "sheet": t},
            )
        d = surface.edge(o)
        if f.kind == "countersunk" and f.countersink is not None and d is not None:
            rim = d - (f.countersink - o.width) / 2
            r = surface.rules(o)
            need, source = (
                (r.min_countersink_edge, r.countersink_source)
                if r.countersink_source
                else (COUNTERSINK_EDGE_T * sheet.max, COUNTERSINK_EDGE_SOURCE)
            )
            if rim < need - EPS_MM:
                fail(
                    Rule.COUNTERSINK_EDGE,
                    o,
                    f"{what}: the countersink is {mm(rim)} mm from the edge, less than "
                    f"{mm(need)} mm ({source})",
                    {"edge": rim, "min_edge": need},
                    r.by(source),
                )
        if f.min_sheet is not None and t < f.min_sheet - EPS_MM:
            fail(
                Rule(f"{f.kind}.sheet"),
                o,
                f"{what}: the {mm(t)} mm sheet is thinner than {mm(f.min_sheet)} mm "
                f"({f.min_sheet_source})",
                {"sheet": t, "min_sheet": f.min_sheet},
            )
        if f.min_edge is not None and d is not None and d + o.width / 2 < f.min_edge - EPS_MM:
            fail(
                Rule.PEM_EDGE,
                o,
                f"{what}: its centre is {mm(d + o.width / 2)} mm from the edge, less than "
                f"{mm(f.min_edge)} mm (the data sheet wins: {f.source})",
                {"edge": d + o.width / 2, "min_edge": f.min_edge},
            )
    sinks = [o for o in holes if o.fastener is not None and o.fastener.countersink is not None]
    return out + _countersink_webs(surface, sinks)


def _countersink_webs(surface: Surface, sinks: list[Opening]) -> list[Violation]:
    """Two countersinks' rims at least 8 t apart (t the thicker sheet under them)."""
    out: list[Violation] = []
    walls = [surface.wall(o) for o in sinks]
    rims = [Opening(o.entry, o.x, o.y, _sink(o), _sink(o), _sink(o) / 2) for o in sinks]
    widest = COUNTERSINK_WEB_T * max((w.max for w in walls if w is not None), default=0.0)
    for i, j in near_pairs([r.box for r in rims], widest):
        a, b, wa, wb = sinks[i], sinks[j], walls[i], walls[j]
        if wa is None or wb is None:
            continue  # no sheet: countersink.depth already fails for it
        need, g = COUNTERSINK_WEB_T * max(wa.max, wb.max), gap(rims[i], rims[j])
        if g < need - EPS_MM:
            out.append(
                Violation(
                    Rule.COUNTERSINK_WEB,
                    f"the countersinks of {a.entry} and {b.entry} are {mm(g)} mm apart, less "
                    f"than {mm(need)} mm ({COUNTERSINK_WEB_SOURCE})",
                    (a.entry, b.entry),
                    ((a.x, a.y), (b.x, b.y)),
                    {"web": g, "min_web": need},
                    (a.face, b.face),
                )
            )
    return out


def _sink(o: Opening) -> float:
    assert o.fastener is not None and o.fastener.countersink is not None
    return o.fastener.countersink


def solid_boxes(plan: Plan) -> list[Box3]:
    """Every envelope of `plan.solids` as an oriented box in space (its face's frame)."""
    frames = {face: plan.surface.frame(face) for face in plan.surface.faces()}
    out = []
    for s in plan.solids:
        x0, y0, x1, y1 = s.box
        out.append(box_in(frames[_face(plan, s)], x0, y0, s.z0, x1, y1, s.z1))
    return out


def aabb(box: Box3) -> np.ndarray:
    """The axis-aligned bounds of an oriented box: min xyz, max xyz (mm)."""
    reach = np.abs(box.axes.T) @ box.half
    return np.concatenate([box.centre - reach, box.centre + reach])


def _across(plan: Plan) -> list[Violation]:
    """Parts on different faces whose envelopes overlap in space (oriented boxes, exact)."""
    if len(plan.surface.faces()) < 2 or not plan.solids:
        return []
    boxes = solid_boxes(plan)
    bounds = np.array([aabb(b) for b in boxes])
    lo, hi = bounds[:, :3], bounds[:, 3:]
    faces = [_face(plan, s) for s in plan.solids]
    out: list[Violation] = []
    seen: set[tuple[int, int]] = set()
    for i, s in enumerate(plan.solids):
        near = np.all((lo[i + 1 :] < hi[i] - EPS_MM) & (lo[i] < hi[i + 1 :] - EPS_MM), axis=1)
        for j in np.nonzero(near)[0] + i + 1:
            other = plan.solids[int(j)]
            if faces[int(j)] == faces[i]:
                continue  # the same face: the face's own rules
            key = (min(s.owner, other.owner), max(s.owner, other.owner))
            depth = penetration(boxes[i], boxes[int(j)])
            if depth > EPS_MM and key not in seen:
                seen.add(key)
                a, b = plan.placements[s.owner], plan.placements[other.owner]
                out.append(
                    Violation(
                        plan.surface.across,
                        f"{a.entry} (on {a.face}) and {b.entry} (on {b.face}) collide: "
                        f"their {s.kind} and {other.kind} overlap by {mm(depth)} mm",
                        (a.entry, b.entry),
                        ((a.x, a.y), (b.x, b.y)),
                        {"depth": depth},
                        (a.face, b.face),
                    )
                )
    return out
