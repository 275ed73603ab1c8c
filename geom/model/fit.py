"""The fit model: where to draw the cut, and worst-case checks at every end of every band.

Words (one meaning each, everywhere; all sizes mm):
- **sheet**: the bare metal thickness s, a value or a band (mills deliver within a
  tolerance);
- **coating**: per face, a band [c_min, c_max];
- **finished plate**: s + 2c, the thickness the part's latches hold;
- **grip range**: the finished plate range the part holds (the data sheets' "plate
  thickness");
- **opening**: the hole after finishing; a coating narrows it by 2c unless the openings
  are **masked** (edges kept bare while the faces are coated);
- **cut**: the contour drawn in the DXF, before finishing.

The data sheet's band [C, C + T] is for the finished opening. IEC 61554 states the
convention the checks follow: only positive tolerances on a cutout, only negative ones on
the part, so the part's collar lies in [K - m, K]. The cut is drawn so that, for every
coating in the band, the finished opening lands in [C, C + T] with room left for the shop:
- `target="mid"` draws it at C + T/2 + (e_min + e_max), e the coating on the edges (0 when
  masked): the shop may deviate by +/- (T/2 - (e_max - e_min));
- `target="nominal"` draws it at C + 2 e_max: the shop may add up to T - 2 (e_max - e_min)
  and remove nothing.
A cut that leaves the shop less than `MIN_PROCESS_MM`, or less than the shop's stated
capability, fails. The opening is then taken over the coating band and the shop's
deviation (its capability when stated, else what the cut leaves), and every check below
walks the ends: opening band x collar tolerance x both axes x coating band x sheet band.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geom.model.advice import INPUTS, NO_ADVICE, Advice, Change, Door, Input, WayOut
from geom.model.advice import advise as _advise
from geom.model.checks import (
    Check,
    check_clearance,
    check_coating,
    check_corner,
    check_grip,
    check_holes,
    check_in_frame,
    check_key,
    check_nut,
    check_opening_band,
    check_overlap,
    check_reach,
    check_shop,
    no_grip,
    unless_not_given,
)
from geom.model.conditions import (
    Conditions,
    Target,
    sheets_that_grip,
)
from geom.model.contour import Shape, Vertex, bounds, circle, placed
from geom.model.feasible import feasible
from geom.model.part import NOT_GIVEN, Axis, Part, Rect
from geom.model.tolerance import Size


@dataclass(frozen=True, slots=True)
class Fit:
    """The drawn cut and every check, for one part under one set of conditions."""

    part: Part
    conditions: Conditions
    sheet: Size
    """The sheet given, or (none given) the sheets the part grips with this coating."""
    cut: Shape
    """The contour as drawn in the DXF (before finish): every size at its band's lower
    limit plus the offset for the target and the coating."""
    process_minus: float
    process_plus: float
    """What the cut leaves the shop (>= 0, mm)."""
    opening: dict[str, Size]
    """Finished opening per size of the shape (a rectangle's `width` and `height`) over
    the coating band and the shop's deviation."""
    clearance: Size
    checks: tuple[Check, ...]
    _advice: list[Advice] = field(default_factory=list, init=False, repr=False, compare=False)
    """The memo of `advice`, worked out on first use."""
    hole_cut: float | None = None
    """The part's fixing holes' drawn diameter; None without [cutout.holes]."""
    hole_opening: Size | None = None
    """The fixing holes' finished diameter over the coating band and the shop's deviation."""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def advice(self) -> Advice:
        """The ways out of a failing fit (geom.model.advice), worked out on first use:
        each a change of the inputs that was applied and made the fit hold."""
        if not self._advice:
            subject = _OnePart(self.part, self.conditions)
            self._advice.append(NO_ADVICE if self.ok else _advise(subject))
        return self._advice[0]

    @property
    def ways_out(self) -> tuple[WayOut, ...]:
        """The changes that were applied and made the fit hold (none when it holds)."""
        return self.advice.ways_out

    @property
    def no_way_out(self) -> str | None:
        """Why no change of one input makes the fit hold, input by input (or None)."""
        return self.advice.no_way_out

    @property
    def coating(self) -> Size:
        return self.conditions.coating

    @property
    def target(self) -> Target:
        return self.conditions.target

    @property
    def sheet_given(self) -> bool:
        return self.conditions.sheet is not None

    @property
    def finished(self) -> Shape:
        """The drawn contour after the middle of the coating band (on the edges)."""
        e = self.conditions.edge_coating
        c = (e.min + e.max) / 2
        cut = self.cut
        if isinstance(cut, Rect):
            return Rect(cut.width - 2 * c, cut.height - 2 * c, max(cut.corner_radius - c, 0.0))
        shape: Shape = cut.with_sizes({n: cut.size(n) - 2 * c for n in cut.SIZES})
        return shape

    def hole_contours(
        self, x: float = 0.0, y: float = 0.0, rotation: float = 0.0
    ) -> list[list[Vertex]]:
        """The part's fixing holes as drawn, about the cutout placed at (x, y) and turned
        by `rotation` degrees (mm)."""
        holes = self.part.fit.holes
        if holes is None or self.hole_cut is None:
            return []
        d = self.hole_cut
        return [placed(circle(d, hx, hy), x, y, rotation) for hx, hy in holes.positions]

    @property
    def finished_plate(self) -> Size:
        """Sheet plus the coating on both faces, at every end (mm)."""
        return self.sheet + self.coating.scaled(2)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def _room(tol: float, edge: Size, target: Target) -> tuple[float, float, float]:
    """(offset, minus, plus) for a band of width `tol`: the cut is drawn at the band's
    lower limit + offset, and leaves the shop -minus/+plus (mm, see the module doc)."""
    spread = edge.spread
    if target == "mid":
        offset = tol / 2 + edge.min + edge.max
        minus = plus = tol / 2 - spread
    else:
        offset = 2 * edge.max
        minus, plus = 0.0, tol - 2 * spread
    return offset, max(minus, 0.0), max(plus, 0.0)


def _opening(drawn: float, dev: tuple[float, float], edge: Size) -> Size:
    """The finished opening of a size drawn at `drawn`, over the shop's deviation and
    the coating on the edges (mm)."""
    return Size.held(
        drawn - dev[0] - 2 * edge.max, drawn - edge.min - edge.max, drawn + dev[1] - 2 * edge.min
    )


def evaluate(part: Part, conditions: Conditions) -> Fit:
    """Draw the cut for `part` and check the fit at every end of every band (a failing
    fit's ways out are worked out when `Fit.advice` is first read)."""
    snap = part.fit
    edge = conditions.edge_coating
    spread = edge.spread  # per face
    shop = conditions.shop

    drawn: dict[str, float] = {}
    opening: dict[str, Size] = {}
    rooms: list[tuple[float, float]] = []
    for name in snap.cutout.SIZES:
        low, high = snap.band(name)
        offset, minus, plus = _room(high - low, edge, conditions.target)
        drawn[name] = low + offset
        rooms.append((minus, plus))
        dev = (shop.tolerance, shop.tolerance) if shop else (minus, plus)
        opening[name] = _opening(drawn[name], dev, edge)
    cut = snap.cutout.with_sizes(drawn)
    tol = min(snap.band(n)[1] - snap.band(n)[0] for n in snap.cutout.SIZES)
    minus, plus = min(r[0] for r in rooms), min(r[1] for r in rooms)

    hole_cut = hole_opening = None
    if snap.holes is not None:
        h = snap.holes
        offset, h_minus, h_plus = _room(h.tolerance, edge, conditions.target)
        hole_cut = h.diameter + offset
        hole_opening = _opening(
            hole_cut, (shop.tolerance,) * 2 if shop else (h_minus, h_plus), edge
        )

    # The largest opening's extent across (width) and up (height): what the flange, the
    # latches and the nut must cover with the part pushed to one side.
    x0, y0, x1, y1 = bounds(
        snap.cutout.with_sizes({n: o.max for n, o in opening.items()}).contour()
    )
    envelope: dict[Axis, float] = {"width": x1 - x0, "height": y1 - y0}

    per_size = {
        n: Size.held(o.min - c.max, o.nominal - c.nominal, o.max - c.min)
        for n, o in opening.items()
        if (c := snap.collar_size(n)) is not None
    }
    values = per_size.values() or [Size.exact(0.0)]
    clearance = Size(
        min(s.min for s in values), min(s.nominal for s in values), max(s.max for s in values)
    )
    coating = conditions.coating
    sheet = (
        conditions.sheet
        or sheets_that_grip(snap.grip, coating)
        or Size.exact(max(snap.grip.max - 2 * coating.max, 0.0))  # none grips: check says
    )

    checks = [
        check_opening_band(opening, snap),
        check_coating(spread, tol, conditions.masked),
        check_shop(minus, plus, conditions, tol),
    ]
    collar = snap.collar_given
    if collar:
        checks.append(check_clearance(per_size, snap))
    if collar and isinstance(snap.cutout, Rect):
        checks.append(check_corner(snap.cutout.corner_radius - edge.min, opening, snap))
    if collar:
        checks.append(check_overlap(part, envelope, snap))
    gripped = part.mount.sources.get("grip.min") != NOT_GIVEN
    checks.append(check_grip(sheet, conditions, snap.grip) if gripped else no_grip())
    if collar and snap.latch_span is not None:
        shift = None  # a rect's exact push; any other shape: its whole extent's play
        if isinstance(snap.cutout, Rect):
            shift = feasible(
                (opening["width"].max, opening["height"].max, snap.cutout.corner_radius - edge.min),
                (snap.collar_width.min, snap.collar_height.min, snap.collar_corner_radius),
            ).reach(snap.latch_axis)
        checks.append(check_reach(envelope[snap.latch_axis], snap, shift))
    if collar and snap.key is not None:
        checks.append(check_key(opening, snap))
    if collar and snap.nut_across_flats is not None:
        checks.append(check_nut(envelope, snap))
    if snap.holes is not None and hole_opening is not None:
        checks += check_holes(hole_opening, part, snap)
    if part.frame is not None:
        checks.append(check_in_frame(part))
    checks = [unless_not_given(c, part) for c in checks]
    return Fit(
        part,
        conditions,
        sheet,
        cut,
        minus,
        plus,
        opening,
        clearance,
        tuple(checks),
        hole_cut=hole_cut,
        hole_opening=hole_opening,
    )


@dataclass(frozen=True, slots=True)
class _OnePart:
    """One part's fit as the subject of advice: every input may change."""

    part: Part
    conditions: Conditions
    inputs: tuple[Input, ...] = INPUTS
    door: Door = "command line"

    def fits(self, change: Change) -> list[Fit]:
        return [evaluate(self.part, change.applied(self.conditions))]

    def failures(self, change: Change) -> list[str]:
        return [c.name for c in self.fits(change)[0].failures()]
