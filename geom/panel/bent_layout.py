"""The bent panel as a surface of the layout plan (geom.model.layout, mm): the base and
each flange a face in its own frame, every layout rule on each face as on a flat panel,
and its own rules, the bend rules, each with a default and an override:

- `bend.cut_distance`: every cutout and hole keeps the shop profile's cut-to-bend
  distance from each bend zone (the line where the bend starts), measured in the flat
  pattern (the default profiles: 2.5 t + r, PTC Creo's sheet-metal design rule
  MIN_CUT_TO_BEND; override `[bend] min_cut_to_bend`);
- `bend.zone`: no cutout or hole reaches into a bend zone (it would deform when bent);
- `bend.flange_height`: every flange's outside height >= 1.5 t + r (PTC Creo's minimum
  wall height; override `[bend] min_flange_height`);
- `bend.flange_collision`: the folded flat regions and bends do not overlap (flanges
  leaning into each other);
- `bend.body_collision`: in the folded part, no part's envelope (front flange, plug,
  body behind the sheet; geom.model.layout) overlaps a part on another face or the sheet
  (base, bends, flanges) other than its own face's flat region. Bends are taken as their
  bounding boxes (a conservative keep-out).

t is the thickest sheet of the band, r each bend's inside radius.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geom.model.bend import BASE, Flange, Frame3, penetration
from geom.model.contour import Vertex, circle, circle_of, rounded_rect
from geom.model.fit import Fit
from geom.model.layout import (
    EPS_MM,
    FaceRules,
    Opening,
    Placement,
    Plan,
    Rule,
    Violation,
    aabb,
    gap,
    plan,
    solid_boxes,
    text_box,
)
from geom.model.tolerance import Size
from geom.model.units import mm
from geom.panel.flanges import Bends
from geom.panel.layout import (
    FlatSheet,
    conditions_of,
    plain_openings,
    rules_for,
    text_clearances,
)
from geom.panel.model import Panel, edge_distance

HEIGHT_SOURCE = "default 1.5 t + r: PTC Creo sheet-metal design rule, minimum wall height"


@dataclass(frozen=True, slots=True)
class FaceOpening:
    """A cutout, hole or slot: its entry, face, centre in the face's frame, the contour in the
    face's frame and in the flat pattern, and its rounded rectangle in the flat pattern."""

    entry: str
    face: str
    x: float
    y: float
    contour: list[Vertex]
    flat: list[Vertex]
    shape: Opening


def bends_of(panel: Panel) -> Bends:
    if panel.bends is None:
        raise ValueError(f"{panel.name} has no flanges")
    return panel.bends


def face_openings(panel: Panel) -> list[FaceOpening]:
    """Every cutout (file order), the parts' own fixing holes, every hole, then every
    slot, in its face and in the flat pattern."""
    metal = bends_of(panel).metal
    out: list[FaceOpening] = []
    own: list[FaceOpening] = []
    for p in panel.places:
        cut = panel.cut(p)
        turn = metal.turn(p.face)
        fx, fy = metal.to_flat(p.face, p.x, p.y)
        rotation = (p.rotation + turn) % 360
        w, h = (cut.height, cut.width) if rotation in (90, 270) else (cut.width, cut.height)
        out.append(
            FaceOpening(
                p.entry,
                p.face,
                p.x,
                p.y,
                cut.contour(p.x, p.y, p.rotation),
                cut.contour(fx, fy, rotation),
                Opening(p.entry, fx, fy, w, h, min(cut.corner_radius, w / 2, h / 2)),
            )
        )
        fit = panel.fits[p.part.id]
        on_faces = fit.hole_contours(p.x, p.y, p.rotation)
        pairs = zip(on_faces, fit.hole_contours(fx, fy, rotation), strict=True)
        for i, (on_face, flat) in enumerate(pairs):
            at, found = circle_of(on_face), circle_of(flat)
            assert at is not None and found is not None, "a part's fixing hole is a circle"
            name, (hx, hy, r) = f"{p.entry}.holes[{i}]", found
            opening = Opening(name, hx, hy, 2 * r, 2 * r, r)
            own.append(FaceOpening(name, p.face, at[0], at[1], on_face, flat, opening))
    out += own
    for hole in panel.holes:
        d = hole.diameter
        fx, fy = metal.to_flat(hole.face, hole.x, hole.y)
        out.append(
            FaceOpening(
                hole.entry,
                hole.face,
                hole.x,
                hole.y,
                circle(d, hole.x, hole.y),
                circle(d, fx, fy),
                Opening(hole.entry, fx, fy, d, d, d / 2),
            )
        )
    for slot in panel.slots:
        fx, fy = metal.to_flat(slot.face, slot.x, slot.y)
        turn = (slot.angle + metal.turn(slot.face)) % 360
        length, w = slot.length, slot.width
        across = (w, length) if turn in (90, 270) else (length, w)
        out.append(
            FaceOpening(
                slot.entry,
                slot.face,
                slot.x,
                slot.y,
                rounded_rect(length, w, w / 2, slot.x, slot.y, slot.angle),
                rounded_rect(length, w, w / 2, fx, fy, turn),
                Opening(slot.entry, fx, fy, *across, w / 2),
            )
        )
    return out


def min_cut_to_bend(panel: Panel, flange: Flange) -> tuple[float, str, str]:
    """The least distance from a cut to `flange`'s bend zone (mm), its source and the
    shop profile it comes from ("" for the file's override)."""
    bends = bends_of(panel)
    if bends.min_cut_to_bend is not None:
        return bends.min_cut_to_bend, "panel.bend.min_cut_to_bend", ""
    profile = panel.rules_profile
    figure = profile.cut_to_bend
    return figure.at(panel.sheet.max, flange.radius), profile.cite(figure.source), profile.name


def _zone(x0: float, y0: float, x1: float, y1: float) -> Opening:
    """A bend zone (its flat-pattern box, mm) as an opening to measure gaps to."""
    return Opening("zone", (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0.0)


def _countersink_to_bend(panel: Panel, o: FaceOpening, f: Flange, rim: float) -> list[Violation]:
    """Rule countersink.bend: a countersink's rim `rim` mm from `f`'s bend line keeps
    the shop profile's countersink-to-bend distance (the cone would deform when bent)."""
    profile = panel.rules_profile
    figure = profile.countersink_bend
    least = figure.at(panel.sheet.max, f.radius)
    if rim >= least - EPS_MM:
        return []
    on = "" if o.face == BASE else f" on the {o.face} flange"
    return [
        Violation(
            Rule.COUNTERSINK_BEND,
            f"{o.entry}{on}: its countersink is {mm(rim)} mm from the {f.edge} bend line, "
            f"less than the {mm(least)} mm minimum ({profile.cite(figure.source)})",
            (o.entry,),
            ((o.x, o.y),),
            {"distance": rim, "min_countersink_to_bend": least, "bend": f.edge},
            (o.face,),
            profile.name,
            figure.source,
        )
    ]


def min_flange_height(panel: Panel, flange: Flange) -> tuple[float, str]:
    bends = bends_of(panel)
    if bends.min_flange_height is not None:
        return bends.min_flange_height, "panel.bend.min_flange_height"
    return 1.5 * panel.sheet.max + flange.radius, HEIGHT_SOURCE


@dataclass(frozen=True)
class BentSheet:
    """A bent panel: the base and each flange a face with its own frame in the folded
    part, one sheet band (geom.model.layout.Surface). Its own rules: the bend rules and
    the folded part's collisions with the sheet."""

    panel: Panel
    across: str = Rule.BEND_BODY_COLLISION

    def faces(self) -> Sequence[str]:
        return bends_of(self.panel).metal.faces

    def frame(self, face: str) -> Frame3:
        return bends_of(self.panel).metal.frame3(face)

    def sheet(self, placement: Placement) -> Size | None:
        return self.panel.sheet

    def openings(self) -> Sequence[Opening]:
        return plain_openings(self.panel.holes, self.panel.slots)

    def wall(self, opening: Opening) -> Size | None:
        return self.panel.sheet

    def rules(self, opening: Opening) -> FaceRules:
        return rules_for(self.panel)

    def edge(self, opening: Opening) -> float | None:
        """From the face's outline: a flange is its span by its height (mm)."""
        x0, _, x1, y1 = bends_of(self.panel).metal.face_rect(opening.face)
        o = opening
        return edge_distance((x1 - x0, y1, 0.0), o.x - x0, o.y, o.width, o.height, o.radius)

    def where(self, face: str) -> str:
        return "" if face == BASE else f" (on the {face} flange)"

    def fit_context(self, fit: Fit) -> str:
        return FlatSheet(self.panel).fit_context(fit)

    def own_rules(self, plan: Plan) -> list[Violation]:
        return _bend_rules(self.panel) + _collisions(self.panel, plan)


def plan_bent(panel: Panel) -> Plan:
    """The bent panel's plan: fits, each face's rules, parts colliding across faces, the
    bend rules, the folded part's collisions with the sheet (in that order)."""
    bends_of(panel)
    return plan(
        BentSheet(panel),
        panel.places,
        conditions_of(panel),
        texts=panel.texts,
        clearances=text_clearances(panel),
    )


def check_bent(panel: Panel) -> list[Violation]:
    """Every violation of a bent panel (`plan_bent`)."""
    return plan_bent(panel).violations


def _bend_rules(panel: Panel) -> list[Violation]:
    metal = bends_of(panel).metal
    out: list[Violation] = []
    for f in metal.flanges:
        least, source = min_flange_height(panel, f)
        if f.height < least - EPS_MM:
            out.append(
                Violation(
                    Rule.BEND_FLANGE_HEIGHT,
                    f"the {f.edge} flange is {mm(f.height)} mm high, less than the "
                    f"{mm(least)} mm minimum ({source})",
                    (f"flange {f.edge}",),
                    ((0.0, 0.0),),
                    {"height": f.height, "min_flange_height": least, "bend": f.edge},
                )
            )
    zones = [(f, _zone(*metal.bend_zone(f.edge))) for f in metal.flanges]
    sinks = {h.entry: h.fastener for h in panel.holes if h.fastener is not None}
    for o in face_openings(panel):
        for f, zone in zones:
            d = gap(o.shape, zone)
            least, source, profile = min_cut_to_bend(panel, f)
            on = "" if o.face == BASE else f" on the {o.face} flange"
            if d < -EPS_MM:
                out.append(
                    Violation(
                        Rule.BEND_ZONE,
                        f"{o.entry}{on} reaches {mm(-d)} mm into the zone of the {f.edge} "
                        "bend (it would deform when bent)",
                        (o.entry,),
                        ((o.x, o.y),),
                        {"distance": d, "bend": f.edge},
                        (o.face,),
                    )
                )
            elif d < least - EPS_MM:
                out.append(
                    Violation(
                        Rule.BEND_CUT_DISTANCE,
                        f"{o.entry}{on} is {mm(d)} mm from the {f.edge} bend line (where "
                        f"the bend starts), less than the {mm(least)} mm minimum ({source})",
                        (o.entry,),
                        ((o.x, o.y),),
                        {"distance": d, "min_cut_to_bend": least, "bend": f.edge},
                        (o.face,),
                        profile,
                        source.removeprefix(f"profile {profile}: ") if profile else "",
                    )
                )
            sink = sinks.get(o.entry)
            if sink is not None and sink.countersink is not None and d >= -EPS_MM:
                out += _countersink_to_bend(panel, o, f, d - (sink.countersink - o.shape.width) / 2)
    for t in panel.texts:
        box = text_box(t)
        corners = [
            metal.to_flat(t.face, x, y) for x, y in ((box.x, box.y), box.box[:2], box.box[2:])
        ]
        (cx, cy), (ax, ay), (bx, by) = corners
        flat = Opening(t.entry, cx, cy, abs(bx - ax), abs(by - ay), 0.0)
        for f, zone in zones:
            d = gap(flat, zone)
            if d < -EPS_MM:
                on = "" if t.face == BASE else f" on the {t.face} flange"
                out.append(
                    Violation(
                        Rule.BEND_ZONE,
                        f'{t.entry} ("{t.text}"){on} reaches {mm(-d)} mm into the zone of the '
                        f"{f.edge} bend (the letters would stretch when bent)",
                        (t.entry,),
                        ((t.x, t.y),),
                        {"distance": d, "bend": f.edge},
                        (t.face,),
                    )
                )
    return out


def _collisions(panel: Panel, plan: Plan) -> list[Violation]:
    """Folded: flat regions and bends overlapping each other, and each part's envelope
    running into the sheet anywhere but its own face's flat region (bends as boxes)."""
    metal = bends_of(panel).metal
    out: list[Violation] = []
    sheet = list(metal.sheet_boxes())
    joined = {(BASE, f"bend {f.edge}") for f in metal.flanges}
    joined |= {(f"bend {f.edge}", f.edge) for f in metal.flanges}
    for i, (name_a, a) in enumerate(sheet):
        for name_b, b in sheet[i + 1 :]:
            if (name_a, name_b) in joined or (name_b, name_a) in joined:
                continue
            depth = penetration(a, b)
            if depth > EPS_MM:
                out.append(
                    Violation(
                        Rule.BEND_FLANGE_COLLISION,
                        f"folded, the {name_a} and the {name_b} overlap by {mm(depth)} mm",
                        (name_a, name_b),
                        ((0.0, 0.0), (0.0, 0.0)),
                        {"depth": depth},
                    )
                )
    if not plan.solids:
        return out
    boxes = solid_boxes(plan)
    sheet_bounds = [aabb(piece) for _, piece in sheet]
    seen: set[tuple[int, str]] = set()
    for s, box in zip(plan.solids, boxes, strict=True):
        p = plan.placements[s.owner]
        bound = aabb(box)
        for (name, piece), far in zip(sheet, sheet_bounds, strict=True):
            if name == p.face or not _overlapping(bound, far):
                continue  # its own face's flat region (the cutout it sits in), or far
            depth = penetration(box, piece)
            if depth > EPS_MM and (s.owner, name) not in seen:
                seen.add((s.owner, name))
                what = f"the {name}" if name.startswith("bend") else f"the {name} face"
                out.append(
                    Violation(
                        Rule.BEND_BODY_COLLISION,
                        f"folded, the {s.kind} of {p.entry} (on {p.face}) runs into {what} "
                        f"by {mm(depth)} mm",
                        (p.entry,),
                        ((p.x, p.y),),
                        {"depth": depth, "sheet": name},
                        (p.face,),
                    )
                )
    return out


def _overlapping(a: np.ndarray, b: np.ndarray) -> bool:
    """Two axis-aligned bounds (min xyz, max xyz) overlap by more than EPS_MM."""
    return bool(np.all(a[:3] < b[3:] - EPS_MM) and np.all(b[:3] < a[3:] - EPS_MM))
