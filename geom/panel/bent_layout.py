"""The layout rules of a bent panel (mm): every flat panel's rule on each face in its own
frame (geom.panel.layout), and the bend rules, each with a default and an override:

- `bend.cut_distance`: every cutout and hole keeps >= 2.5 t + r from each bend zone (the
  line where the bend starts), measured in the flat pattern (PTC Creo's sheet-metal
  design rule MIN_CUT_TO_BEND; override `[bend] min_cut_to_bend`);
- `bend.zone`: no cutout or hole reaches into a bend zone (it would deform when bent);
- `bend.flange_height`: every flange's outside height >= 1.5 t + r (PTC Creo's minimum
  wall height; override `[bend] min_flange_height`);
- `bend.flange_collision`: the folded flat regions and bends do not overlap (flanges
  leaning into each other);
- `bend.body_collision`: in the folded part, no part's envelope (front flange, plug,
  body behind the sheet; geom.panel.layout) overlaps a part on another face or the sheet
  (base, bends, flanges) other than its own face's flat region. Bends are taken as their
  bounding boxes (a conservative keep-out).

t is the thickest sheet of the band, r each bend's inside radius.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from geom.model.bend import BASE, Box3, Flange, box_in, penetration
from geom.model.contour import Vertex, circle, circle_of, rounded_rect
from geom.model.units import mm
from geom.panel.flanges import Bends
from geom.panel.layout import (
    EPS_MM,
    Opening,
    Violation,
    _fits,
    bodies,
    check_layout,
    footprint,
    gap,
)
from geom.panel.model import Panel

CUT_SOURCE = "default 2.5 t + r: PTC Creo sheet-metal design rule MIN_CUT_TO_BEND"
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


def min_cut_to_bend(panel: Panel, flange: Flange) -> tuple[float, str]:
    bends = bends_of(panel)
    if bends.min_cut_to_bend is not None:
        return bends.min_cut_to_bend, "panel.bend.min_cut_to_bend"
    return 2.5 * panel.sheet.max + flange.radius, CUT_SOURCE


def min_flange_height(panel: Panel, flange: Flange) -> tuple[float, str]:
    bends = bends_of(panel)
    if bends.min_flange_height is not None:
        return bends.min_flange_height, "panel.bend.min_flange_height"
    return 1.5 * panel.sheet.max + flange.radius, HEIGHT_SOURCE


def check_bent(panel: Panel) -> list[Violation]:
    """Every violation of a bent panel: fits, each face's flat rules, the bend rules, the
    folded part's collisions (in that order)."""
    found = _fits(panel)
    for face in bends_of(panel).metal.faces:
        found += _face_rules(panel, face)
    found += _bend_rules(panel)
    found += _collisions(panel)
    return found


def _face_rules(panel: Panel, face: str) -> list[Violation]:
    """geom.panel.layout's rules on one face: the face as a panel of its own (a flange:
    its span by its height, from the outline), positions back in the face's frame."""
    metal = bends_of(panel).metal
    x0, _, x1, y1 = metal.face_rect(face)
    places = tuple(replace(p, x=p.x - x0) for p in panel.places if p.face == face)
    holes = tuple(replace(h, x=h.x - x0) for h in panel.holes if h.face == face)
    slots = tuple(replace(s, x=s.x - x0) for s in panel.slots if s.face == face)
    if not places and not holes and not slots:
        return []
    view = replace(
        panel,
        width=x1 - x0,
        height=y1,
        corner_radius=0.0,
        places=places,
        holes=holes,
        slots=slots,
        bends=None,
    )
    out: list[Violation] = []
    for v in check_layout(view):
        if v.rule.startswith("fit."):
            continue  # once for the whole panel: check_bent
        where = "" if face == BASE else f" (on the {face} flange)"
        out.append(
            replace(
                v,
                message=v.message + where,
                positions=tuple((x + x0, y) for x, y in v.positions),
            )
        )
    return out


def _bend_rules(panel: Panel) -> list[Violation]:
    metal = bends_of(panel).metal
    out: list[Violation] = []
    for f in metal.flanges:
        least, source = min_flange_height(panel, f)
        if f.height < least - EPS_MM:
            out.append(
                Violation(
                    "bend.flange_height",
                    f"the {f.edge} flange is {mm(f.height)} mm high, less than the "
                    f"{mm(least)} mm minimum ({source})",
                    (f"flange {f.edge}",),
                    ((0.0, 0.0),),
                    {"height": f.height, "min_flange_height": least, "bend": f.edge},
                )
            )
    zones = [(f, metal.bend_zone(f.edge)) for f in metal.flanges]
    for o in face_openings(panel):
        for f, (zx0, zy0, zx1, zy1) in zones:
            zone = Opening("zone", (zx0 + zx1) / 2, (zy0 + zy1) / 2, zx1 - zx0, zy1 - zy0, 0.0)
            d = gap(o.shape, zone)
            least, source = min_cut_to_bend(panel, f)
            on = "" if o.face == BASE else f" on the {o.face} flange"
            if d < -EPS_MM:
                out.append(
                    Violation(
                        "bend.zone",
                        f"{o.entry}{on} reaches {mm(-d)} mm into the zone of the {f.edge} "
                        "bend (it would deform when bent)",
                        (o.entry,),
                        ((o.x, o.y),),
                        {"distance": d, "bend": f.edge},
                    )
                )
            elif d < least - EPS_MM:
                out.append(
                    Violation(
                        "bend.cut_distance",
                        f"{o.entry}{on} is {mm(d)} mm from the {f.edge} bend line (where "
                        f"the bend starts), less than the {mm(least)} mm minimum ({source})",
                        (o.entry,),
                        ((o.x, o.y),),
                        {"distance": d, "min_cut_to_bend": least, "bend": f.edge},
                    )
                )
    return out


@dataclass(frozen=True, slots=True)
class _Solid:
    kind: str
    owner: str
    face: str
    position: tuple[float, float]
    box: Box3


def _part_solids(panel: Panel) -> Iterator[_Solid]:
    """Each part's envelopes (flange, plug, bodies; geom.panel.layout) on its face."""
    metal = bends_of(panel).metal
    t = panel.sheet.max
    for p in panel.places:
        frame = metal.frame3(p.face)
        mount = p.part.mount
        ft = p.part.fit.flange_thickness
        boxes = [("flange", footprint(p, mount.width, mount.height), 0.0, ft)]
        if p.part.plug is not None:
            plug = p.part.plug
            boxes.append(("plug", footprint(p, plug.width, plug.height), ft, ft + plug.length))
        for w, h, depth in bodies(p.part):
            if depth > ft:
                boxes.append(("body", footprint(p, w, h), ft - depth, -t))
        for kind, (x0, y0, x1, y1), z0, z1 in boxes:
            box = box_in(frame, x0, y0, z0, x1, y1, z1)
            yield _Solid(kind, p.entry, p.face, (p.x, p.y), box)


def _aabb(box: Box3) -> np.ndarray:
    reach = np.abs(box.axes.T) @ box.half
    return np.concatenate([box.centre - reach, box.centre + reach])


def _overlapping(a: np.ndarray, b: np.ndarray) -> bool:
    """Two axis-aligned bounds (min xyz, max xyz) overlap by more than EPS_MM."""
    return bool(np.all(a[:3] < b[3:] - EPS_MM) and np.all(b[:3] < a[3:] - EPS_MM))


def _collisions(panel: Panel) -> list[Violation]:
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
                        "bend.flange_collision",
                        f"folded, the {name_a} and the {name_b} overlap by {mm(depth)} mm",
                        (name_a, name_b),
                        ((0.0, 0.0), (0.0, 0.0)),
                        {"depth": depth},
                    )
                )
    solids = list(_part_solids(panel))
    if not solids:
        return out
    boxes = np.array([_aabb(s.box) for s in solids])
    sheet_bounds = [_aabb(piece) for _, piece in sheet]
    seen: set[tuple[str, str]] = set()
    lo, hi = boxes[:, :3], boxes[:, 3:]
    for i, s in enumerate(solids):
        near = np.all((lo[i + 1 :] < hi[i] - EPS_MM) & (lo[i] < hi[i + 1 :] - EPS_MM), axis=1)
        for j in np.nonzero(near)[0] + i + 1:
            other = solids[int(j)]
            if other.face == s.face:
                continue  # the same face (and the same part): geom.panel.layout's rules
            key = (min(s.owner, other.owner), max(s.owner, other.owner))
            depth = penetration(s.box, other.box)
            if depth > EPS_MM and key not in seen:
                seen.add(key)
                out.append(
                    Violation(
                        "bend.body_collision",
                        f"folded, {s.owner} (on {s.face}) and {other.owner} (on "
                        f"{other.face}) collide: their {s.kind} and {other.kind} overlap by "
                        f"{mm(depth)} mm",
                        (s.owner, other.owner),
                        (s.position, other.position),
                        {"depth": depth},
                    )
                )
        for (name, piece), bound in zip(sheet, sheet_bounds, strict=True):
            if name == s.face or not _overlapping(boxes[i], bound):
                continue  # its own face's flat region (the cutout it sits in), or far
            depth = penetration(s.box, piece)
            if depth > EPS_MM and (s.owner, name) not in seen:
                seen.add((s.owner, name))
                what = f"the {name}" if name.startswith("bend") else f"the {name} face"
                out.append(
                    Violation(
                        "bend.body_collision",
                        f"folded, the {s.kind} of {s.owner} (on {s.face}) runs into {what} "
                        f"by {mm(depth)} mm",
                        (s.owner,),
                        (s.position,),
                        {"depth": depth, "sheet": name},
                    )
                )
    return out
