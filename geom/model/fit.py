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

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from geom.model.part import NOT_GIVEN, Axis, Part, Rect, SnapIn
from geom.model.tolerance import Size
from geom.model.units import band, deviation, mm

Target = Literal["mid", "nominal"]
TARGETS: tuple[Target, ...] = get_args(Target)

MAX_COATING_MM = 0.5
"""Per face; thicker than any paint or powder coat (60-120 um typical): a unit slip."""

EPS_MM = 1e-9
"""Float noise allowed in comparisons; far below any shop's resolution (1 um)."""

MIN_PROCESS_MM = 0.001
"""The least a cut must leave the shop per side: 1 um, finer than any shop works. A cut
that leaves +/- 0 cannot be made."""

BARE = Size.exact(0.0)


@dataclass(frozen=True, slots=True)
class Shop:
    """What the shop holds on a cut: +/- `tolerance` mm, and where that figure comes from
    (the command line, a panel file, or a published figure)."""

    tolerance: float
    source: str


@dataclass(frozen=True, slots=True)
class Conditions:
    """Everything a fit depends on besides the part (mm).

    `sheet` None: no sheet is given, and the fit finds the sheets whose finished plate
    the part grips with this coating."""

    sheet: Size | None = None
    coating: Size = BARE
    """Per face."""
    masked: bool = False
    """Openings masked from the coating: the opening keeps its cut, the plate is coated."""
    target: Target = "mid"
    shop: Shop | None = None

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {self.target!r}")
        if self.coating.min < 0 or (self.sheet is not None and self.sheet.min <= 0):
            raise ValueError(f"sheet must be > 0 and coating >= 0 mm, got {self}")
        if self.shop is not None and self.shop.tolerance <= 0:
            raise ValueError(f"shop tolerance must be > 0 mm, got {self.shop}")

    @property
    def edge_coating(self) -> Size:
        """The coating on the openings' edges: none when they are masked."""
        return BARE if self.masked else self.coating


@dataclass(frozen=True, slots=True)
class Check:
    """One worst-case check; `figures` are the numbers it rests on (mm unless named).
    `verified` False: the check rests on a value the user did not give, so it cannot be
    computed and does not pass."""

    name: str
    ok: bool
    message: str
    figures: dict[str, Any] = field(default_factory=dict)
    verified: bool = True


@dataclass(frozen=True, slots=True)
class WayOut:
    """One change that makes a coating work, with the figure it rests on (mm)."""

    way: Literal["mask", "tighter_band", "thinner_sheet"]
    figure: float
    message: str


@dataclass(frozen=True, slots=True)
class Fit:
    """The drawn cut and every check, for one part under one set of conditions."""

    part: Part
    conditions: Conditions
    sheet: Size
    """The sheet given, or (none given) the sheets the part grips with this coating."""
    cut: Rect
    """The contour as drawn in the DXF (before finish)."""
    process_minus: float
    process_plus: float
    """What the cut leaves the shop (>= 0, mm)."""
    opening: dict[Axis, Size]
    """Finished opening per axis over the coating band and the shop's deviation."""
    clearance: Size
    checks: tuple[Check, ...]
    ways_out: tuple[WayOut, ...] = ()
    """When the coating is what fails: what would work instead."""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

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
    def finished(self) -> Rect:
        """The drawn contour after the middle of the coating band (on the edges)."""
        e = self.conditions.edge_coating
        c = (e.min + e.max) / 2
        cut = self.cut
        return Rect(cut.width - 2 * c, cut.height - 2 * c, max(cut.corner_radius - c, 0.0))

    @property
    def finished_plate(self) -> Size:
        """Sheet plus the coating on both faces, at every end (mm)."""
        return self.sheet + self.coating.scaled(2)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def evaluate(part: Part, conditions: Conditions) -> Fit:
    """Draw the cut for `part` and check the fit at every end of every band."""
    snap = part.fit
    band, tol = snap.cutout, snap.tolerance
    edge = conditions.edge_coating
    spread = edge.spread  # per face

    if conditions.target == "mid":
        offset = tol / 2 + edge.min + edge.max
        minus = plus = tol / 2 - spread
    else:
        offset = 2 * edge.max
        minus, plus = 0.0, tol - 2 * spread
    minus, plus = max(minus, 0.0), max(plus, 0.0)
    cut = Rect(band.width + offset, band.height + offset, band.corner_radius)
    shop = conditions.shop
    dev_minus, dev_plus = (shop.tolerance, shop.tolerance) if shop else (minus, plus)

    opening: dict[Axis, Size] = {}
    for axis, drawn in (("width", cut.width), ("height", cut.height)):
        opening[axis] = Size.held(  # type: ignore[index]
            drawn - dev_minus - 2 * edge.max,
            drawn - edge.min - edge.max,
            drawn + dev_plus - 2 * edge.min,
        )
    per_axis = {
        a: Size.held(
            o.min - snap.collar(a).max,
            o.nominal - snap.collar(a).nominal,
            o.max - snap.collar(a).min,
        )
        for a, o in opening.items()
    }
    clearance = Size(
        min(s.min for s in per_axis.values()),
        min(s.nominal for s in per_axis.values()),
        max(s.max for s in per_axis.values()),
    )
    coating = conditions.coating
    sheet = (
        conditions.sheet
        or sheets_that_grip(snap.grip, coating)
        or Size.exact(max(snap.grip.max - 2 * coating.max, 0.0))  # none grips: check says
    )

    checks = [
        _check_opening_band(opening, snap),
        _check_coating(spread, tol, conditions.masked),
        _check_shop(minus, plus, conditions, tol),
        _check_clearance(per_axis, snap),
        _check_corner(band.corner_radius - edge.min, opening, snap),
        _check_overlap(part, opening, snap),
        _check_grip(sheet, conditions, snap.grip),
        _check_reach(opening[snap.latch_axis], snap),
    ]
    if part.frame is not None:
        checks.append(_check_in_frame(part))
    checks = [_unless_not_given(c, part) for c in checks]
    fit = Fit(part, conditions, sheet, cut, minus, plus, opening, clearance, tuple(checks))
    coating_fails = {"opening_band", "coating_variation", "shop_process", "grip"}
    if coating.max > 0 and any(c.name in coating_fails for c in fit.failures()):
        return replace(fit, ways_out=_ways_out(fit))
    return fit


def sheets_that_grip(grip: Size, coating: Size) -> Size | None:
    """Every sheet whose finished plate lies in `grip` with this coating band (mm); None
    when no sheet does (the coating band is wider than the grip range, or too thick)."""
    low = max(grip.min - 2 * coating.min, 0.0)
    high = grip.max - 2 * coating.max
    return Size.between(low, high) if high > 0 and low <= high else None


# --- the checks -------------------------------------------------------------------------

RESTS_ON: dict[str, tuple[str, ...]] = {
    "clearance": ("collar.width", "collar.height"),
    "corner_radius": ("collar.width", "collar.height", "collar.corner_radius"),
    "flange_overlap": ("collar.width", "collar.height"),
    "latch_reach": ("collar.width", "collar.height", "latch.span"),
}
"""The template fields each check rests on, where a part may leave them out (inline)."""


def _unless_not_given(check: Check, part: Part) -> Check:
    """`check`, or an unverified failure when a field it rests on was not given."""
    sources = part.mount.sources
    missing = [f for f in RESTS_ON.get(check.name, ()) if sources.get(f) == NOT_GIVEN]
    if not missing:
        return check
    options = ", ".join("--" + f.replace(".", "-").replace("_", "-") for f in missing)
    message = f"UNVERIFIED: rests on {', '.join(missing)}, not given (give {options})"
    return Check(check.name, False, message, {}, verified=False)


def _check_opening_band(opening: dict[Axis, Size], snap: SnapIn) -> Check:
    tol = snap.tolerance
    figures: dict[str, Any] = {}
    problems = []
    for axis, o in opening.items():
        low = snap.cutout.width if axis == "width" else snap.cutout.height
        figures |= {f"{axis}_min": o.min, f"{axis}_max": o.max, f"{axis}_band_min": low}
        if o.min < low - EPS_MM:
            problems.append(f"{axis} down to {mm(o.min)} mm, under {mm(low)}")
        if o.max > low + tol + EPS_MM:
            problems.append(f"{axis} up to {mm(o.max)} mm, over {mm(low + tol)}")
    figures["tolerance"] = tol
    w, h = opening["width"], opening["height"]
    text = f"finished opening {mm(w.min)} .. {mm(w.max)} x {mm(h.min)} .. {mm(h.max)} mm"
    if problems:
        return Check(
            "opening_band", False, f"{text} leaves the band: {'; '.join(problems)}", figures
        )
    return Check(
        "opening_band", True, f"{text}, within the data sheet's band +{mm(tol)}/0", figures
    )


def _check_coating(spread: float, tol: float, masked: bool) -> Check:
    figures = {"opening_variation": 2 * spread, "tolerance": tol, "masked": masked}
    if masked:
        message = (
            "openings masked (edges bare, faces coated): the coating leaves the opening as cut"
        )
        return Check("coating_variation", True, message, figures)
    ok = 2 * spread <= tol + EPS_MM
    message = (
        f"coating variation narrows the opening by 0 .. {mm(2 * spread)} mm, "
        f"{'within' if ok else 'more than'} the tolerance {mm(tol)} mm"
    )
    return Check("coating_variation", ok, message, figures)


def _check_shop(minus: float, plus: float, conditions: Conditions, tol: float) -> Check:
    """What the cut leaves the shop, against what the shop holds (or 1 um)."""
    shop = conditions.shop
    need = max(shop.tolerance, MIN_PROCESS_MM) if shop else MIN_PROCESS_MM
    leaves = f"the cut leaves the shop {deviation('-', minus)}/{deviation('+', plus)} mm"
    figures: dict[str, Any] = {"minus": minus, "plus": plus, "required": need}
    if shop:
        figures["shop_source"] = shop.source
    # Without a stated shop, a nominal target asks only for room to add (its design).
    sides = [plus] if conditions.target == "nominal" and not shop else [minus, plus]
    short = any(v < need - EPS_MM for v in sides)
    if shop:
        holds = f"the shop holds +/-{mm(shop.tolerance)} mm ({shop.source})"
    else:
        holds = f"no shop capability given: a {mm(tol)} mm band needs a shop that holds "
        holds += f"+/-{mm(tol / 2)} mm at the middle of the band"
    if not short:
        return Check("shop_process", True, f"{leaves}; {holds}", figures)
    why = "no room for any shop" if max(minus, plus) < MIN_PROCESS_MM else "less than needed"
    hint = ""
    if conditions.target == "nominal" and shop and minus < need - EPS_MM:
        hint = "; --target mid leaves room on both sides"
    return Check("shop_process", False, f"{leaves}: {why}; {holds}{hint}", figures)


def _check_clearance(per_axis: dict[Axis, Size], snap: SnapIn) -> Check:
    """Opening - collar in [0, T + m] per axis: no interference, no more play than the
    cutout's and the part's tolerances together allow."""
    figures: dict[str, Any] = {}
    problems = []
    for axis, s in per_axis.items():
        allowed = snap.tolerance + snap.collar(axis).spread
        figures |= {f"{axis}_min": s.min, f"{axis}_max": s.max, f"{axis}_allowed_max": allowed}
        if s.min < -EPS_MM:
            problems.append(f"interference: the {axis} is {mm(-s.min)} mm under the collar")
        elif s.max > allowed + EPS_MM:
            problems.append(
                f"{axis} play {mm(s.max)} mm exceeds the tolerances {mm(allowed)} mm "
                f"(cutout +{mm(snap.tolerance)}, part -{mm(snap.collar(axis).spread)})"
            )
    low = min(s.min for s in per_axis.values())
    high = max(s.max for s in per_axis.values())
    figures["allowed_min"] = 0.0
    if problems:
        return Check("clearance", False, "; ".join(problems), figures)
    allowed = max(snap.tolerance + snap.collar(a).spread for a in per_axis)
    message = f"clearance {mm(low)} .. {mm(high)} mm within 0 .. {mm(allowed)} mm"
    return Check("clearance", True, message, figures)


def _check_corner(finished_max: float, opening: dict[Axis, Size], snap: SnapIn) -> Check:
    """Do the opening's rounded corners keep off the collar's? Worst case: the smallest
    opening, the largest collar, the roundest finished corner (least coating).

    A collar corner (centre (a - r, b - r), radius r) lies inside an opening corner of
    radius R >= r exactly when its centre is within R - r of the opening's inner
    rectangle (corner (A - R, B - R)); half sizes a, b, A, B. With no clearance this is
    the data sheets' rule: a cut corner rounder than the collar's interferes."""
    radius, collar = max(finished_max, 0.0), snap.collar_corner_radius
    dx = max(0.0, (snap.collar_width.max / 2 - collar) - (opening["width"].min / 2 - radius))
    dy = max(0.0, (snap.collar_height.max / 2 - collar) - (opening["height"].min / 2 - radius))
    gap = radius - collar - math.hypot(dx, dy) if radius > collar else math.inf
    ok = gap >= -EPS_MM
    message = f"finished corner radius up to {mm(radius)} mm, collar corner radius {mm(collar)} mm"
    if not ok:
        message += f": the opening's corners cut {mm(-gap)} mm into the collar's"
    elif radius > collar:
        message += f": the clearance keeps the collar's corners {mm(gap)} mm clear"
    figures = {"finished_radius_max": radius, "collar_radius": collar}
    if math.isfinite(gap):
        figures["corner_gap"] = gap
    return Check("corner_radius", ok, message, figures)


def _check_overlap(part: Part, opening: dict[Axis, Size], snap: SnapIn) -> Check:
    """Flange cover on the far side with the part pushed against one edge of the largest
    opening: (F + K_min)/2 - O_max per axis."""
    flange = {"width": part.mount.width, "height": part.mount.height}
    cover = {a: (flange[a] + snap.collar(a).min) / 2 - o.max for a, o in opening.items()}
    worst = min(cover.values())
    required = snap.min_overlap
    ok = worst >= required - EPS_MM
    message = (
        f"flange covers the largest opening by {mm(worst)} mm per side with the part "
        f"pushed to one side, {'at least' if ok else 'less than'} the required {mm(required)} mm"
    )
    figures = {**{f"{a}_per_side": v for a, v in cover.items()}, "required": required}
    return Check("flange_overlap", ok, message, figures)


def _check_grip(sheet: Size, conditions: Conditions, grip: Size) -> Check:
    """The finished plate, over the sheet band and the coating band, in the grip range."""
    coating = conditions.coating
    finished = sheet + coating.scaled(2)
    works = sheets_that_grip(grip, coating)
    ok = grip.min - EPS_MM <= finished.min and finished.max <= grip.max + EPS_MM
    coat = f"{band(coating.min, coating.max)} mm coating per face"
    if works is None:
        sheets = f"no sheet grips with {coat}"
    else:
        sheets = f"sheet {band(works.min, works.max)} mm grips with {coat}"
    grip_text = f"grip range {band(grip.min, grip.max)} mm"
    if conditions.sheet is None:
        message = f"{sheets} ({grip_text})"
        if works is None:
            message += ": the coating band is wider than the grip range allows"
    else:
        message = f"finished plate {band(finished.min, finished.max)} mm, {grip_text}; {sheets}"
        if finished.max > grip.max + EPS_MM:
            message += (
                f": too thick; with {mm(coating.max)} mm coating per face the sheet may be "
                f"at most {mm(grip.max - 2 * coating.max)} mm"
            )
        elif finished.min < grip.min - EPS_MM:
            message += (
                f": too thin; with {mm(coating.min)} mm coating per face the sheet must be "
                f"at least {mm(grip.min - 2 * coating.min)} mm"
            )
    figures = {
        "finished_plate_min": finished.min,
        "finished_plate_max": finished.max,
        "grip_min": grip.min,
        "grip_max": grip.max,
        "sheet_grips_min": None if works is None else works.min,
        "sheet_grips_max": None if works is None else works.max,
    }
    return Check("grip", ok and works is not None, message, figures)


def _check_reach(opening: Size, snap: SnapIn) -> Check:
    """Latch catch on the far side with the part pushed against one edge of the largest
    opening: (L_min - O_max)/2 - (O_max - K_min)/2 along the latch axis."""
    collar = snap.collar(snap.latch_axis)
    shift = max(opening.max - collar.min, 0.0) / 2
    catch = (snap.latch_span.min - opening.max) / 2 - shift
    required = snap.latch_min_catch
    ok = catch >= required - EPS_MM
    message = (
        f"latch tips reach {mm(catch)} mm past the largest opening's edge with the part "
        f"pushed {mm(shift)} mm to the other side, {'at least' if ok else 'less than'} "
        f"the required {mm(required)} mm"
    )
    figures = {
        "catch_per_side": catch,
        "shift": shift,
        "latch_span_min": snap.latch_span.min,
        "opening_max": opening.max,
        "required": required,
    }
    return Check("latch_reach", ok, message, figures)


def _check_in_frame(part: Part) -> Check:
    frame = part.mount
    window = part.fit.window
    if window is None:
        return Check("in_frame", False, f"frame {frame.id} has no [window] for the part")
    ok = part.width <= window.width + EPS_MM and part.height <= window.height + EPS_MM
    message = (
        f"{mm(part.width)} x {mm(part.height)} mm part in the {mm(window.width)} x "
        f"{mm(window.height)} mm window of frame {frame.id}" + ("" if ok else ": does not fit")
    )
    figures = {
        "part_width": part.width,
        "part_height": part.height,
        "window_width": window.width,
        "window_height": window.height,
    }
    return Check("in_frame", ok, message, figures)


# --- what would work --------------------------------------------------------------------


def _ways_out(fit: Fit) -> tuple[WayOut, ...]:
    """Mask the openings, a tighter coating band, a thinner sheet: each with its figure."""
    cond, snap = fit.conditions, fit.part.fit
    tol, coating = snap.tolerance, cond.coating
    need = cond.shop.tolerance if cond.shop else MIN_PROCESS_MM
    nominal = cond.target == "nominal"
    out = []
    if not cond.masked:
        leaves = tol if nominal else tol / 2
        side = f"+{mm(leaves)}/-0" if nominal else f"+/-{mm(leaves)}"
        out.append(
            WayOut(
                "mask",
                leaves,
                f"mask the openings (--masked; panel file: masked = true): the edges stay "
                f"bare, and the cut leaves the shop {side} mm",
            )
        )
        # mid: T/2 - w >= need; nominal: T - 2w >= need (w: c_max - c_min per face)
        widest = (tol - need) / 2 if nominal else tol / 2 - need
        if widest >= 0:
            room = "tolerance - 2 x width" if nominal else "tolerance/2 - width"
            shop = f"the +/-{mm(need)} mm the shop holds" if cond.shop else f"{room} per side"
            message = (
                f"a coating band at most {mm(widest)} mm wide per face, e.g. "
                f"{band(coating.min, coating.min + widest)} mm: the cut then leaves the shop "
                f"{shop}"
            )
        else:
            message = f"no coating band leaves a shop of +/-{mm(need)} mm room: mask the openings"
        out.append(WayOut("tighter_band", max(widest, 0.0), message))
    thickest = snap.grip.max - 2 * coating.max
    if thickest > 0:
        message = (
            f"a sheet of at most {mm(thickest)} mm: the thickest the grip range "
            f"{band(snap.grip.min, snap.grip.max)} mm takes with {mm(coating.max)} mm "
            "coating per face"
        )
        if fit.sheet_given and fit.sheet.max <= thickest + EPS_MM:
            message += f" (this sheet, {band(fit.sheet.min, fit.sheet.max)} mm, is)"
    else:
        message = f"no sheet: {mm(coating.max)} mm per face alone exceeds the grip range"
    out.append(WayOut("thinner_sheet", max(thickest, 0.0), message))
    return tuple(out)
