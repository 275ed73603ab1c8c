"""The 3D fit check: the body against a plate with the cutout, at every end of the bands.

For each finished opening end (the smallest and the largest of the band, from
geom.model.fit.evaluate) and each finished plate end (thinnest and thickest), a plate with
that opening is built (front face Z = 0, back face Z = -t, corner radius the largest the
coating leaves on the edges) and the body built for that plate (latch wings at the
part's smallest span) is measured against it. The part sits wherever its collar fits in
the opening: the set of its feasible positions is the opening eroded by the collar
(geom.model.feasible, worked out exactly for a rounded rectangle in a rounded
rectangle). Measured on the solids (mm, mm^3):

- `interference_mm3`: volume the body with the largest collar shares with the plate,
  placed at the extreme feasible positions of that collar towards +x, +y and (+1, +1)
  (the end of each axis, the middle of a corner arc); the fit needs <= 1e-3 mm^3
  (touching faces give zero or slivers). The plate and every solid of the body that
  reaches into it are symmetric about both axes (collar, wings, a frame's block; the
  pole openings and the coding pocket only take material away inside the collar), so
  the mirror images of these positions give the same volumes. When no position is
  feasible (the collar does not fit), the case fails with that reason, and the volume
  is measured with the body centred;
- latch: per wing, the body with the smallest collar pushed away from that wing as far
  as its feasible positions go along the latch axis; the part of it beyond the
  opening's edge and behind the front face: its catch (how far past the edge it
  reaches) >= the template's min_catch, its top on or behind the plate's back face, and
  touching it (no gap: the plate within grip);
- for a part in a frame, the volume the part and the frame share (must be 0 too).

Every measurement is a checked boolean (geom.cad.body.split). When OpenCascade's result
cannot be trusted, the case is measured once more, perturbed so that a pass can only get
harder (RETRY_MM); when that is not trusted either, the case is undecidable: it fails,
with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from geom.cad.body import (
    Operand,
    bounding_box,
    build,
    moved,
    operand,
    prism,
    solids,
    split,
    volume,
)
from geom.model.body import Box, Prism, build_body
from geom.model.conditions import EPS_MM
from geom.model.contour import Vertex, rounded_rect
from geom.model.feasible import Feasible, Position, feasible
from geom.model.fit import Fit
from geom.model.part import Axis
from geom.model.units import mm

INTERFERENCE_LIMIT_MM3 = 1e-3
"""Largest common volume that still counts as touching (mm^3)."""
CONTACT_MM = 1e-6
"""Latch top to back face: how close counts as touching (mm); the body is exact."""
PLATE_MARGIN_MM = 10.0
"""The test plate reaches this far beyond the flange on every side."""
FAR_MM = 1000.0
RETRY_MM = 1e-6
"""The retry's perturbation (mm), at the contact resolution (CONTACT_MM). Interference:
the opening is offset inwards by RETRY_MM / 2 and the boolean runs with the fuzzy value
RETRY_MM, so a true contact stays a contact and any true overlap deepens; the fuzzy glue
can hide at most an overlap RETRY_MM / 2 deep, under 1e-3 mm^3 for a contact face under
2000 mm^2 (a 100 x 60 mm collar in a 5 mm plate has 1600). Latch: the region probed
starts RETRY_MM past the edge and the catch is counted from there (RETRY_MM less)."""
PLATE_SLACK_MM3 = 1e-6
"""Relative slack between the test plate's measured volume and its contour's area times
its thickness (share of that volume)."""

End = Literal["min", "max"]


class Untrusted(Exception):
    """A measurement OpenCascade's result does not support; the message says why."""


@dataclass(frozen=True)
class Latch3D:
    side: int
    """-1 or +1: which end of the latch axis."""
    push: float
    """How far the body is pushed away from this wing along the latch axis, mm."""
    catch: float
    """How far the wing reaches past the opening's edge, mm (<= 0: it does not)."""
    top: float
    """Z of the wing's highest point beyond the edge, mm."""
    ok: bool


@dataclass(frozen=True)
class Case3D:
    opening_end: End
    plate: float
    """Finished plate thickness, mm."""
    opening: tuple[float, float, float]
    """Finished opening width, height, corner radius, mm."""
    pushes: tuple[float, ...]
    """How far the largest collar moves along the latch axis, each way, mm: its
    feasible positions' ends there (0: centred, no play)."""
    interference_mm3: float | None
    """Worst volume shared with the plate over `positions`; None when undecidable."""
    latches: tuple[Latch3D, ...]
    overlap_mm3: float | None
    """Volume the solids of the body share among themselves (part in frame)."""
    decided: bool = True
    """False: OpenCascade's results could not be trusted, also after the retry: no
    number (None, no latches), and the case fails."""
    reason: str = ""
    """Why the case is undecidable, or what made the retry necessary."""
    retried: bool = False
    positions: tuple[Position, ...] = ()
    """Where the largest-collar body was placed for `interference_mm3`: its extreme
    feasible positions (x, y) towards +x, +y and (+1, +1), mm (module doc); the centre
    when none is feasible."""
    feasible: bool = True
    """False: the largest collar fits nowhere in the opening (`reason` says why); the
    case fails, whatever volume the centred body shows."""

    @property
    def ok(self) -> bool:
        return (
            self.decided
            and self.feasible
            and self.interference_mm3 is not None
            and self.interference_mm3 <= INTERFERENCE_LIMIT_MM3
            and self.overlap_mm3 is not None
            and self.overlap_mm3 <= INTERFERENCE_LIMIT_MM3
            and all(latch.ok for latch in self.latches)
        )


@dataclass(frozen=True)
class Fit3D:
    cases: tuple[Case3D, ...]
    min_catch: float

    @property
    def interference_mm3(self) -> float | None:
        """Worst interference over the decided cases (mm^3); None when none is."""
        found = [c.interference_mm3 for c in self.cases if c.interference_mm3 is not None]
        return max(found, default=None)

    @property
    def decided(self) -> bool:
        return all(c.decided for c in self.cases)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cases)

    def report(self) -> dict[str, Any]:
        """JSON-ready figures (mm, mm^3)."""
        worst_catch = min((la.catch for c in self.cases for la in c.latches), default=0.0)
        return {
            "ok": self.ok,
            "decided": self.decided,
            "interference_mm3": self.interference_mm3,
            "interference_limit_mm3": INTERFERENCE_LIMIT_MM3,
            "latch_catch_min_mm": worst_catch,
            "latch_catch_required_mm": self.min_catch,
            "cases": [
                {
                    "opening_end": c.opening_end,
                    "finished_plate_mm": c.plate,
                    "opening_mm": dict(
                        zip(("width", "height", "corner_radius"), c.opening, strict=True)
                    ),
                    "pushes_mm": list(c.pushes),
                    "feasible": c.feasible,
                    "positions_mm": [{"x": x, "y": y} for x, y in c.positions],
                    "interference_mm3": c.interference_mm3,
                    "overlap_mm3": c.overlap_mm3,
                    "latches": [
                        {
                            "side": la.side,
                            "push_mm": la.push,
                            "catch_mm": la.catch,
                            "top_z_mm": la.top,
                            "ok": la.ok,
                        }
                        for la in c.latches
                    ],
                    "decided": c.decided,
                    "reason": c.reason,
                    "retried": c.retried,
                    "ok": c.ok,
                }
                for c in self.cases
            ],
        }


def plate_with_cutout(
    width: float, height: float, radius: float, thickness: float, outer: tuple[float, float]
) -> Operand:
    """A plate (front face Z = 0, back face Z = -thickness) with a centred cutout, mm,
    checked as a boolean input and against its volume worked out from its contours."""
    from geom.cad.plate import plate_shape

    outline = rounded_rect(outer[0], outer[1], 0.0)
    opening = rounded_rect(width, height, radius)
    plate = operand("plate", plate_shape(outline, [opening], thickness))
    expected = thickness * (_area(outline) - _area(opening))
    if abs(plate.volume - expected) > PLATE_SLACK_MM3 * expected:
        problem = f"plate: volume {plate.volume:.6f} mm3, its contours give {expected:.6f}"
        return Operand(plate.name, plate.shape, plate.volume, (*plate.problems, problem))
    return plate


def _area(contour: Sequence[Vertex]) -> float:
    """Area (mm^2) inside a counter-clockwise bulge contour: the polygon of its vertices
    (shoelace) plus each arc's circular segment."""
    area = 0.0
    for i, (x0, y0, bulge) in enumerate(contour):
        x1, y1, _ = contour[(i + 1) % len(contour)]
        area += (x0 * y1 - x1 * y0) / 2
        if bulge:
            angle = 4 * math.atan(bulge)
            radius = math.hypot(x1 - x0, y1 - y0) / (2 * math.sin(abs(angle) / 2))
            area += math.copysign(radius**2 / 2 * (abs(angle) - math.sin(abs(angle))), bulge)
    return area


def check_3d(fit: Fit, *, openings: dict[str, tuple[float, float]] | None = None) -> Fit3D:
    """The 3D check of `fit` (see the module doc).

    `openings` ({"width": (min, max), "height": (min, max)}, mm) replaces the fit's
    finished openings; tests use it to try a deliberately wrong cutout."""
    part = fit.part
    snap = part.fit
    mount = part.mount
    radius = max(fit.cut.corner_radius - fit.conditions.edge_coating.min, 0.0)
    ends = {
        "width": (fit.opening["width"].min, fit.opening["width"].max),
        "height": (fit.opening["height"].min, fit.opening["height"].max),
    }
    if openings is not None:
        ends = dict(openings)
    outer = (mount.width + 2 * PLATE_MARGIN_MM, mount.height + 2 * PLATE_MARGIN_MM)
    largest = (snap.collar_width.max, snap.collar_height.max)
    smallest = (snap.collar_width.min, snap.collar_height.min)
    if snap.latch_span is None:
        raise ValueError(f"{part.id}: the 3D check needs latches (a snap-in part)")
    span = snap.latch_span.min
    r_collar = snap.collar_corner_radius
    cases = []
    for t in sorted({fit.finished_plate.min, fit.finished_plate.max}):
        if t <= CONTACT_MM:  # no sheet grips and none is given (or float noise of 0 mm):
            # no plate to measure, nor one OpenCascade can extrude
            reason = f"no plate to measure: the finished plate is {t:g} mm"
            for end in ("min", "max"):
                opening = (ends["width"][0], ends["height"][0], radius)
                cases.append(Case3D(end, t, opening, (), None, (), None, False, reason))
            continue
        tight = _body(fit, t, span, None)
        loose = tight if smallest == largest else _body(fit, t, span, smallest)
        overlap = _overlap(tight)
        for index, end in enumerate(("min", "max")):
            w, h = ends["width"][index], ends["height"][index]
            opening = (w, h, min(radius, w / 2, h / 2))
            probe = _Probe(
                t, opening, outer, tight, loose, snap.latch_axis, largest, smallest, r_collar
            )
            cases.append(_case(end, probe, overlap, snap.latch_min_catch))  # type: ignore[arg-type]
    return Fit3D(tuple(cases), snap.latch_min_catch)


def _body(fit: Fit, plate: float, span: float, collar: tuple[float, float] | None) -> list[Operand]:
    """The body's solids for `plate` (mm), checked as boolean inputs."""
    body = build_body(fit.part, plate, latch_span=span, collar=collar)
    return [operand(s.spec.name, s.shape) for s in build(body)]


def _overlap(body: list[Operand]) -> tuple[float | None, list[str]]:
    """Volume (mm^3) the first solid shares with the others (a part in its frame), None
    when that could not be measured, also with the fuzzy retry; and what went wrong."""
    if len(body) < 2:
        return 0.0, []
    problems: list[str] = []
    for fuzzy in (0.0, RETRY_MM):
        shared = split(body[:1], body[1:], fuzzy=fuzzy)
        if not shared.problems:
            return shared.common_mm3, problems
        problems += [f"frame overlap{' (retry)' if fuzzy else ''}: {p}" for p in shared.problems]
    return None, problems


@dataclass(frozen=True)
class _Probe:
    """What one case measures: a plate `plate` mm thick with `opening` (width, height,
    corner radius, mm), the largest-collar body `tight`, the smallest-collar `loose`,
    collar sizes (width, height, mm) and the collar's corner radius (mm)."""

    plate: float
    opening: tuple[float, float, float]
    outer: tuple[float, float]
    tight: list[Operand]
    loose: list[Operand]
    axis: Axis
    largest: tuple[float, float]
    smallest: tuple[float, float]
    radius: float

    @property
    def edge(self) -> float:
        """Half the opening along the latch axis, mm."""
        return self.opening[0 if self.axis == "width" else 1] / 2

    def room(self, collar: tuple[float, float]) -> Feasible:
        """Where a collar of (width, height) mm can sit in the opening."""
        return feasible(self.opening, (*collar, self.radius))


def _case(
    end: End, probe: _Probe, overlap: tuple[float | None, list[str]], required: float
) -> Case3D:
    """Measure one case; once more perturbed (RETRY_MM) when a result is not trusted."""
    shared, problems = overlap[0], list(overlap[1])
    room = probe.room(probe.largest)
    fits = not room.empty
    reach = room.reach(probe.axis) if fits else 0.0
    pushes = (-reach, reach) if reach > 0 else (0.0,)
    positions = room.positions() or ((0.0, 0.0),)
    if not fits:
        problems.insert(0, _misfit(probe, room))
    for perturb in (0.0, RETRY_MM):
        try:
            interference, latches = _measure(probe, positions, required, perturb)
        except Untrusted as exc:
            problems.append(f"{'retry' if perturb else 'first try'}: {exc}")
            continue
        return Case3D(
            end,
            probe.plate,
            probe.opening,
            pushes,
            interference,
            latches,
            shared,
            decided=shared is not None,
            reason="; ".join(problems),
            retried=bool(perturb) or len(problems) > (0 if fits else 1),
            positions=positions,
            feasible=fits,
        )
    reason = "; ".join(problems)
    return Case3D(
        end, probe.plate, probe.opening, (), None, (), shared, False, reason, feasible=fits
    )


def _misfit(probe: _Probe, room: Feasible) -> str:
    """Why the largest collar fits nowhere in the opening, in words (mm)."""
    w, h, r = probe.opening
    kw, kh = probe.largest
    why = [
        f"the opening's {name} is {mm(-2 * half)} mm under the collar's"
        for name, half in (("width", room.sx), ("height", room.sy))
        if 2 * half < -EPS_MM
    ]
    if room.gap < -EPS_MM:
        why.append(f"its corners cut {mm(-room.gap)} mm into the collar's")
    return (
        f"the collar {mm(kw)} x {mm(kh)} mm (corner radius {mm(probe.radius)}) fits nowhere "
        f"in the opening {mm(w)} x {mm(h)} mm (corner radius {mm(r)}): {'; '.join(why)}"
    )


def _measure(
    probe: _Probe, positions: tuple[Position, ...], required: float, perturb: float
) -> tuple[float, tuple[Latch3D, ...]]:
    """Worst interference (mm^3) over the largest-collar body at `positions` (mm) and
    the latches of one case, the opening and the latch region perturbed by `perturb` mm
    (RETRY_MM doc). Raises Untrusted."""
    w, h, r = probe.opening
    plate = plate_with_cutout(
        w - perturb, h - perturb, max(r - perturb / 2, 0.0), probe.plate, probe.outer
    )
    interference = 0.0
    for x, y in positions:
        body = [moved(solid, x, y) for solid in probe.tight]
        common = split(body, [plate], fuzzy=perturb)
        if common.problems:
            where = f"({x:+.6f}, {y:+.6f}) mm"
            raise Untrusted(f"interference at {where}: " + "; ".join(common.problems))
        interference = max(interference, common.common_mm3)
    push = probe.room(probe.smallest).reach(probe.axis)
    latches = _latches(probe, push, required, perturb)
    return interference, latches


def _latches(probe: _Probe, push: float, required: float, perturb: float) -> tuple[Latch3D, ...]:
    """Both wings, each with the body pushed `push` mm away from it: the part of the body
    beyond the opening's edge (+ `perturb`) on that side, behind the front face.

    Pushing the body away from a wing is moving that side's edge out by `push` in the
    body's frame, so one split of the unmoved body by both sides' regions (at
    +/-(edge + push)) measures both wings."""
    edge = probe.edge + push + perturb
    regions = []
    for side in (-1, 1):
        lo, hi = (edge, FAR_MM) if side > 0 else (-FAR_MM, -edge)
        if probe.axis == "width":
            slab = Prism(hi - lo, 2 * FAR_MM, 0.0, (lo + hi) / 2, 0.0, -FAR_MM, 0.0)
        else:
            slab = Prism(2 * FAR_MM, hi - lo, 0.0, 0.0, (lo + hi) / 2, -FAR_MM, 0.0)
        regions.append(operand(f"latch region {side:+d}", prism(slab)))
    beyond = split(probe.loose[:1], regions)
    if beyond.problems:
        raise Untrusted("latch regions: " + "; ".join(beyond.problems))
    pieces: dict[int, list[Box]] = {-1: [], 1: []}
    sizes = {-1: 0.0, 1: 0.0}
    for piece in solids(beyond.common):
        box = bounding_box(piece)
        side = (
            1 if (box.xmin + box.xmax if probe.axis == "width" else box.ymin + box.ymax) > 0 else -1
        )
        pieces[side].append(box)
        sizes[side] += volume(piece)
    latches = []
    for side in (-1, 1):
        boxes = pieces[side]
        if sizes[side] <= INTERFERENCE_LIMIT_MM3:
            latches.append(Latch3D(side, push, 0.0, 0.0, False))
            continue
        if probe.axis == "width":
            reach = max(b.xmax for b in boxes) if side > 0 else -min(b.xmin for b in boxes)
        else:
            reach = max(b.ymax for b in boxes) if side > 0 else -min(b.ymin for b in boxes)
        catch = reach - edge
        top = max(b.zmax for b in boxes)
        ok = catch >= required - EPS_MM and abs(top + probe.plate) <= CONTACT_MM
        latches.append(Latch3D(side, push, catch, top, ok))
    return tuple(latches)
