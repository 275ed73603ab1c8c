"""Panel layout rules, checked like a sheet-metal shop and a
mechanical engineer would, for every placed part and hole. All sizes in mm.

Rules (defaults per process, overridable in the panel file with min_web / min_edge):
- laser: web between openings >= t, opening to the outline >= 1.5 t;
- punch: web and edge >= 2 t;
- each part's fit on this panel's thickness and coating (geom.model.fit, worst case);
- flanges of neighbours must not overlap on the front, nor hang over the outline, nor
  cover a plain hole or a slot;
- a slot's stated tolerance must be at least what the shop holds;
- bodies (the envelopes behind the plate) must not collide;
- the mated plug's envelope in front of a flange (template [plug]) must stay clear of the
  neighbours' flanges and plugs.

Neighbours come from a uniform grid (`near_pairs`): each box is filed under the cell of
its centre, with cells as large as the largest box plus the distance sought, so two
boxes within that distance sit in the same or adjacent cells. n similar parts cost O(n),
not n^2 pairs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from geom.model.contour import circle_of
from geom.model.fit import Fit
from geom.model.part import Part
from geom.model.units import band, mm
from geom.panel.model import Panel, Placed, edge_distance

EPS_MM = 1e-6
"""Overlaps and shortfalls below this are float noise (1 nm), not findings."""

Box = tuple[float, float, float, float]
"""An axis-aligned box: x_min, y_min, x_max, y_max (mm)."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The distances the layout must keep, and where each comes from."""

    min_web: float
    min_edge: float
    web_source: str
    edge_source: str


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which entries, where (their centres, mm), and the figures."""

    rule: str
    message: str
    entries: tuple[str, ...]
    positions: tuple[tuple[float, float], ...]
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Opening:
    """A cutout or hole as a rounded rectangle: centre, size as placed, corner radius."""

    entry: str
    x: float
    y: float
    width: float
    height: float
    radius: float

    @property
    def box(self) -> Box:
        return (
            self.x - self.width / 2,
            self.y - self.height / 2,
            self.x + self.width / 2,
            self.y + self.height / 2,
        )


def rules_for(panel: Panel) -> Rules:
    """The process defaults (web and edge in sheets t, the thickest of the sheet band),
    unless the file overrides them."""
    t = panel.sheet.max
    if panel.process == "laser":
        web, edge, text = t, 1.5 * t, "laser default: web >= t, edge >= 1.5 t"
    else:
        web, edge, text = 2 * t, 2 * t, "punch default: web and edge >= 2 t"
    return Rules(
        min_web=web if panel.min_web is None else panel.min_web,
        min_edge=edge if panel.min_edge is None else panel.min_edge,
        web_source="panel.min_web" if panel.min_web is not None else text,
        edge_source="panel.min_edge" if panel.min_edge is not None else text,
    )


def openings(panel: Panel) -> list[Opening]:
    """Every cutout (as drawn, rotated), every [[hole]], every slot (an obround: a
    rounded rectangle with radius half its width), then every part's own fixing holes,
    in file order."""
    out: list[Opening] = []
    for p in panel.places:
        cut = panel.cut(p)
        w, h = (cut.height, cut.width) if p.turned else (cut.width, cut.height)
        out.append(Opening(p.entry, p.x, p.y, w, h, min(cut.corner_radius, w / 2, h / 2)))
    for hole in panel.holes:
        d = hole.diameter
        out.append(Opening(hole.entry, hole.x, hole.y, d, d, d / 2))
    for slot in panel.slots:
        w, h = slot.size
        out.append(Opening(slot.entry, slot.x, slot.y, w, h, slot.width / 2))
    for own in part_holes(panel):
        d = own.diameter
        out.append(Opening(own.entry, own.x, own.y, d, d, d / 2))
    return out


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
    """Index pairs (i < j) of boxes whose gap is at most `distance` (mm) in x and in y.

    Uniform grid on the box centres, cell = largest side + distance, so near boxes sit in
    the same or adjacent cells: O(n) for boxes of similar size. Boxes much larger than
    the typical one (a cable gland among sockets) would blow the cell up; they are
    checked against every box instead (O(n) each). Pairs come sorted."""
    n = len(boxes)
    if n < 2:
        return []
    sides = sorted(max(b[2] - b[0], b[3] - b[1]) for b in boxes)
    limit = 4 * sides[n // 2] + distance
    big = [i for i, b in enumerate(boxes) if max(b[2] - b[0], b[3] - b[1]) > limit]
    small = [i for i, b in enumerate(boxes) if max(b[2] - b[0], b[3] - b[1]) <= limit]
    found: set[tuple[int, int]] = set()
    for i in big:
        for j in range(n):
            if j != i and _near(boxes[i], boxes[j], distance):
                found.add((min(i, j), max(i, j)))
    if small:
        side = max(max(boxes[i][2] - boxes[i][0], boxes[i][3] - boxes[i][1]) for i in small)
        cell = max(side + distance, EPS_MM)
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in small:
            x0, y0, x1, y1 = boxes[i]
            grid[(math.floor((x0 + x1) / 2 / cell), math.floor((y0 + y1) / 2 / cell))].append(i)
        for (cx, cy), members in grid.items():
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for j in grid.get((cx + dx, cy + dy), ()):
                        for i in members:
                            if i < j and _near(boxes[i], boxes[j], distance):
                                found.add((i, j))
    return sorted(found)


def _near(a: Box, b: Box, distance: float) -> bool:
    return (
        b[0] - a[2] <= distance
        and a[0] - b[2] <= distance
        and b[1] - a[3] <= distance
        and a[1] - b[3] <= distance
    )


def check_layout(panel: Panel) -> list[Violation]:
    """Every violation of every rule, in a fixed order (rule, then file order); a panel
    with flanges is geom.panel.bent_layout's (ValueError here)."""
    if panel.bends is not None:
        raise ValueError(f"panel {panel.name} has flanges: geom.panel.bent_layout.check_bent")
    rules = rules_for(panel)
    found: list[Violation] = []
    found += _fits(panel)
    found += _webs_and_edges(panel, rules)
    found += _front_and_back(panel)
    found += _slots(panel)
    return found


# --- the rules --------------------------------------------------------------------------


def _fits(panel: Panel) -> list[Violation]:
    out: list[Violation] = []
    users: dict[str, list[Placed]] = defaultdict(list)
    for p in panel.places:
        users[p.part.id].append(p)
    for pid, fit in panel.fits.items():
        for check in fit.failures():
            where = users[pid]
            out.append(
                Violation(
                    f"fit.{check.name}",
                    f"{pid} on this panel (sheet {band(panel.sheet.min, panel.sheet.max)} mm, "
                    f"coating {band(fit.coating.min, fit.coating.max)} mm): {check.message}",
                    tuple(p.entry for p in where),
                    tuple((p.x, p.y) for p in where),
                    dict(check.figures),
                )
            )
    return out


def _webs_and_edges(panel: Panel, rules: Rules) -> list[Violation]:
    ops = openings(panel)
    out: list[Violation] = []
    for i, j in near_pairs([o.box for o in ops], rules.min_web):
        a, b = ops[i], ops[j]
        g = gap(a, b)
        if g < rules.min_web - EPS_MM and not (g >= -EPS_MM and own_holes(a.entry, b.entry)):
            what = "overlap" if g < 0 else "leave a web of"
            out.append(
                Violation(
                    "web",
                    f"{a.entry} and {b.entry} {what} {mm(abs(g))} mm"
                    + ("" if g < 0 else f", less than the {mm(rules.min_web)} mm minimum")
                    + f" ({rules.web_source})",
                    (a.entry, b.entry),
                    ((a.x, a.y), (b.x, b.y)),
                    {"web": g, "min_web": rules.min_web},
                )
            )
    outline = (panel.width, panel.height, panel.corner_radius)
    for o in ops:
        d = edge_distance(outline, o.x, o.y, o.width, o.height, o.radius)
        if d < rules.min_edge - EPS_MM:
            out.append(
                Violation(
                    "edge",
                    f"{o.entry} is {mm(d)} mm from the outline, less than the "
                    f"{mm(rules.min_edge)} mm minimum ({rules.edge_source})",
                    (o.entry,),
                    ((o.x, o.y),),
                    {"edge": d, "min_edge": rules.min_edge},
                )
            )
    return out


def own_holes(a: str, b: str) -> bool:
    """Whether openings `a` and `b` are one placed part's cutout and its own fixing
    holes (or two of them): the data sheet fixes where they sit, so the web rule of thumb
    gives way to it (`own_web_notes` says so)."""
    own = ".holes["
    return (own in a or own in b) and a.split(own)[0] == b.split(own)[0]


def own_web(fit: Fit) -> float | None:
    """The narrowest web between a part's cutout as drawn and its own fixing holes (mm;
    None without fixing holes): the same wherever and however the part is placed."""
    cut = fit.cut
    ops = [Opening("", 0.0, 0.0, cut.width, cut.height, cut.corner_radius)]
    for contour in fit.hole_contours():
        found = circle_of(contour)
        assert found is not None
        x, y, r = found
        ops.append(Opening("", x, y, 2 * r, 2 * r, r))
    webs = [gap(a, b) for i, a in enumerate(ops) for b in ops[i + 1 :]]
    return min(webs) if len(ops) > 1 else None


def own_web_notes(fits: Iterable[Fit], min_web: float, source: str) -> list[str]:
    """A note per part whose own fixing holes leave less web to its cutout than the
    rule of thumb `min_web` (mm): the data sheet fixes their positions, and wins."""
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


@dataclass(frozen=True, slots=True)
class _Solid:
    """An axis-aligned box in space: footprint and z range (mm; front face of plate z=0)."""

    kind: str  # "flange", "plug" or "body"
    owner: int  # index into panel.places
    box: Box
    z0: float
    z1: float


def footprint(placed: Placed, width: float, height: float) -> Box:
    """A width x height rectangle of the part, turned with it, centred on its cutout."""
    w, h = (height, width) if placed.turned else (width, height)
    return (placed.x - w / 2, placed.y - h / 2, placed.x + w / 2, placed.y + h / 2)


def bodies(part: Part) -> list[tuple[float, float, float]]:
    """The envelopes behind and through the plate as (width, height, depth from the
    flange front): the part's own, and for a part mounted through a frame, the frame's."""
    out = [(part.width, part.height, part.depth)]
    if part.frame is not None:
        out.append((part.frame.width, part.frame.height, part.frame.depth))
    return out


def _solids(panel: Panel) -> list[_Solid]:
    out: list[_Solid] = []
    t = panel.sheet.max  # the deepest back face: the conservative keep-out
    for k, p in enumerate(panel.places):
        mount = p.part.mount
        flange_t = p.part.fit.flange_thickness
        out.append(_Solid("flange", k, footprint(p, mount.width, mount.height), 0.0, flange_t))
        if p.part.plug is not None:
            plug = p.part.plug
            box = footprint(p, plug.width, plug.height)
            out.append(_Solid("plug", k, box, flange_t, flange_t + plug.length))
        for w, h, depth in bodies(p.part):
            if depth > flange_t:  # the envelope reaches behind the plate
                out.append(_Solid("body", k, footprint(p, w, h), flange_t - depth, -t))
    return out


def _overlap(a: Box, b: Box) -> tuple[float, float]:
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def _front_and_back(panel: Panel) -> list[Violation]:
    places = panel.places
    solids = _solids(panel)
    out: list[Violation] = []
    seen: set[tuple[str, int, int]] = set()
    for i, j in near_pairs([s.box for s in solids], 0.0):
        a, b = solids[i], solids[j]
        if a.owner == b.owner:
            continue
        ox, oy = _overlap(a.box, b.box)
        oz = min(a.z1, b.z1) - max(a.z0, b.z0)
        if ox <= EPS_MM or oy <= EPS_MM or oz <= EPS_MM:
            continue  # touching is allowed
        kinds = {a.kind, b.kind}
        if kinds == {"flange"}:
            rule, text = "flange_overlap", "flanges overlap on the front"
        elif "body" in kinds:
            rule, text = "body_collision", "bodies collide behind the plate"
        else:
            rule, text = "plug_clearance", "a mated plug has no room in front"
        pa, pb = sorted((a.owner, b.owner))
        if (rule, pa, pb) in seen:
            continue
        seen.add((rule, pa, pb))
        first, second = places[pa], places[pb]
        out.append(
            Violation(
                rule,
                f"{first.entry} ({first.part.id}) and {second.entry} ({second.part.id}): "
                f"{text} by {mm(ox)} x {mm(oy)} mm",
                (first.entry, second.entry),
                ((first.x, first.y), (second.x, second.y)),
                {"overlap_x": ox, "overlap_y": oy, "overlap_z": oz},
            )
        )
    outline = (panel.width, panel.height, panel.corner_radius)
    flanges = [s for s in solids if s.kind == "flange"]
    for s in flanges:
        p = places[s.owner]
        x0, y0, x1, y1 = s.box
        d = edge_distance(outline, p.x, p.y, x1 - x0, y1 - y0, 0.0)
        if d < -EPS_MM:
            out.append(
                Violation(
                    "flange_off_sheet",
                    f"{p.entry} ({p.part.id}): the flange hangs {mm(-d)} mm over the outline",
                    (p.entry,),
                    ((p.x, p.y),),
                    {"overhang": -d},
                )
            )
    out += _holes_under_flanges(panel, flanges)
    return out


@dataclass(frozen=True, slots=True)
class _Hole:
    """A round hole on the panel: a [[hole]] entry (owner -1) or a fixing hole that
    belongs to the part placed at index `owner` (mm)."""

    entry: str
    owner: int
    x: float
    y: float
    diameter: float


def part_holes(panel: Panel) -> list[_Hole]:
    """Every placed part's own fixing holes as cut, placed and turned with the part."""
    out: list[_Hole] = []
    for k, p in enumerate(panel.places):
        for i, contour in enumerate(panel.fits[p.part.id].hole_contours(p.x, p.y, p.rotation)):
            found = circle_of(contour)
            assert found is not None
            out.append(_Hole(f"{p.entry}.holes[{i}]", k, found[0], found[1], 2 * found[2]))
    return out


def _holes_under_flanges(panel: Panel, flanges: list[_Solid]) -> list[Violation]:
    """A hole under a flange fails with both positions: a [[hole]] entry or a
    neighbour's fixing hole; a screw-fixed part's own holes under its own flange are
    what holds it, and pass."""
    holes = [_Hole(h.entry, -1, h.x, h.y, h.diameter) for h in panel.holes] + part_holes(panel)
    if not holes or not flanges:
        return []
    places = panel.places
    out: list[Violation] = []
    boxes = [s.box for s in flanges] + [
        (h.x - h.diameter / 2, h.y - h.diameter / 2, h.x + h.diameter / 2, h.y + h.diameter / 2)
        for h in holes
    ]
    n = len(flanges)
    for i, j in near_pairs(boxes, 0.0):
        if i >= n or j < n:
            continue
        owner, h = flanges[i].owner, holes[j - n]
        if h.owner == owner:
            continue  # the part's own fixing hole under its own flange
        p = places[owner]
        ox, oy = _overlap(boxes[i], boxes[j])
        x0, y0, x1, y1 = boxes[i]
        cx, cy = min(max(h.x, x0), x1), min(max(h.y, y0), y1)
        if ox > EPS_MM and oy > EPS_MM and math.hypot(h.x - cx, h.y - cy) < h.diameter / 2:
            out.append(
                Violation(
                    "hole_under_flange",
                    f"{h.entry} at ({mm(h.x)}, {mm(h.y)}) lies under the flange of {p.entry} "
                    f"({p.part.id}) at ({mm(p.x)}, {mm(p.y)})",
                    (p.entry, h.entry),
                    ((p.x, p.y), (h.x, h.y)),
                    {"hole_diameter": h.diameter},
                )
            )
    return out


def _slots(panel: Panel) -> list[Violation]:
    """Slots under a flange (exact: the flange as a sharp rectangle against the obround)
    and slots whose stated tolerance is tighter than what the shop holds."""
    out: list[Violation] = []
    slots = [o for o in openings(panel) if o.entry.startswith("slot[")]
    flanges = [s for s in _solids(panel) if s.kind == "flange"]
    boxes = [s.box for s in flanges] + [o.box for o in slots]
    n = len(flanges)
    for i, j in near_pairs(boxes, 0.0):
        if i >= n or j < n:
            continue
        x0, y0, x1, y1 = boxes[i]
        flange = Opening("", (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0.0)
        p, o = panel.places[flanges[i].owner], slots[j - n]
        if gap(flange, o) < -EPS_MM:
            out.append(
                Violation(
                    "slot_under_flange",
                    f"{o.entry} lies under the flange of {p.entry} ({p.part.id})",
                    (p.entry, o.entry),
                    ((p.x, p.y), (o.x, o.y)),
                    {"overlap": -gap(flange, o)},
                )
            )
    for slot in panel.slots:
        if slot.tolerance is not None and panel.shop.tolerance > slot.tolerance + EPS_MM:
            out.append(
                Violation(
                    "slot_tolerance",
                    f"{slot.entry}: the shop holds +/-{mm(panel.shop.tolerance)} mm "
                    f"({panel.shop.source}), more than the slot's +/-{mm(slot.tolerance)} mm",
                    (slot.entry,),
                    ((slot.x, slot.y),),
                    {"shop_tolerance": panel.shop.tolerance, "tolerance": slot.tolerance},
                )
            )
    return out
