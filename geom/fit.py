"""The fit model (shared/domain.md section 2): where to draw the cut, and worst-case checks.

Conventions (all mm):
- The data sheet's cutout band is [C, C + tolerance] for the *finished* opening.
- A coating of c per face narrows the opening by 2c and thickens the plate by 2c. The
  coating is a band [c_min, c_max]; the cut is drawn so that, for every coating in it and
  every process deviation the report states, the finished opening lands in the band.
- `target="mid"` draws the cut at the band's middle (a shop process of +/- p lands in the
  band), `target="nominal"` at its lower end (the process may only add: + p / - 0).
- Clearance = finished opening - collar, walked over every end: opening band x collar
  tolerance x both axes. The fit holds when it stays in [0, tolerance].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from geom.part import Axis, Part, Rect, SnapIn
from geom.tolerance import Size

Target = Literal["mid", "nominal"]
TARGETS: tuple[Target, ...] = ("mid", "nominal")

MAX_COATING_MM = 0.5
"""Per face; thicker than any paint or powder coat (60-120 um typical): a unit slip."""

EPS_MM = 1e-9
"""Float noise allowed in comparisons; far below any shop's resolution (1 um)."""

VERIFY_NOTE = "ASSUMED cut dimensions: verify against the manufacturer's drawing before cutting"
KERF_NOTE = "nominal geometry: kerf compensation is the CAM's job"
PUNCH_NOTE = "punched cutouts: punched edge on the inside (burr away from the flange)"


@dataclass(frozen=True, slots=True)
class Check:
    """One worst-case check; `figures` are the numbers it rests on (mm unless named)."""

    name: str
    ok: bool
    message: str
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fit:
    """The drawn cut and every check, for one part, plate band, coating band and target."""

    part: Part
    plate: Size
    coating: Size
    target: Target
    cut: Rect
    """The contour as drawn in the DXF (before finish)."""
    opening: dict[Axis, Size]
    """Finished opening per axis over the coating band and the stated process tolerance."""
    process_minus: float
    process_plus: float
    clearance: Size
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def finished(self) -> Rect:
        """The drawn contour after the nominal coating."""
        c = self.coating.nominal
        return Rect(
            self.cut.width - 2 * c, self.cut.height - 2 * c, max(self.cut.corner_radius - c, 0.0)
        )

    @property
    def finished_plate(self) -> Size:
        return self.plate + self.coating.scaled(2)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def evaluate(part: Part, plate: Size, coating: Size, target: Target = "mid") -> Fit:
    """Draw the cut for `part` and check the fit at every end of every band."""
    snap = part.fit
    band = snap.cutout
    tol = snap.tolerance
    spread = coating.spread  # c_max - c_min, per face

    # Where to draw, and what process deviation the drawn cut then absorbs (module doc).
    if target == "mid":
        offset = tol / 2 + 2 * coating.nominal
        minus = plus = tol / 2 - spread
    else:
        offset = 2 * coating.max
        minus, plus = 0.0, tol - 2 * spread
    minus, plus = max(minus, 0.0), max(plus, 0.0)
    cut = Rect(band.width + offset, band.height + offset, band.corner_radius)

    opening: dict[Axis, Size] = {}
    drawn_sizes: tuple[tuple[Axis, float], ...] = (("width", cut.width), ("height", cut.height))
    for axis, drawn in drawn_sizes:
        opening[axis] = Size(
            drawn - minus - 2 * coating.max,
            drawn - 2 * coating.nominal,
            drawn + plus - 2 * coating.min,
        )
    per_axis = {
        a: Size(
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

    finished_plate = plate + coating.scaled(2)
    checks = [
        _check_clearance(per_axis, tol),
        _check_coating(spread, tol),
        _check_corner(band.corner_radius - coating.min, opening, snap),
        _check_overlap(part, opening, snap.min_overlap),
        _check_grip(finished_plate, snap.grip, coating),
        _check_reach(opening[snap.latch_axis], snap.latch_span, snap.latch_min_catch),
    ]
    if part.frame is not None:
        checks.append(_check_in_frame(part))
    return Fit(part, plate, coating, target, cut, opening, minus, plus, clearance, tuple(checks))


def _check_clearance(per_axis: dict[Axis, Size], tol: float) -> Check:
    low = min(s.min for s in per_axis.values())
    high = max(s.max for s in per_axis.values())
    ok = low >= -EPS_MM and high <= tol + EPS_MM
    if low < -EPS_MM:
        message = f"interference: smallest opening is {-low:.3f} mm under the largest collar"
    elif high > tol + EPS_MM:
        message = f"play {high:.3f} mm exceeds the tolerance {tol:.3f} mm"
    else:
        message = f"clearance {low:.3f} .. {high:.3f} mm within 0 .. {tol:.3f} mm"
    figures = {f"{a}_{end}": getattr(s, end) for a, s in per_axis.items() for end in ("min", "max")}
    return Check("clearance", ok, message, {**figures, "allowed_min": 0.0, "allowed_max": tol})


def _check_coating(spread: float, tol: float) -> Check:
    ok = 2 * spread <= tol + EPS_MM
    message = (
        f"coating variation narrows the opening by 0 .. {2 * spread:.3f} mm, "
        f"{'within' if ok else 'more than'} the tolerance {tol:.3f} mm"
    )
    return Check(
        "coating_variation", ok, message, {"opening_variation": 2 * spread, "tolerance": tol}
    )


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
    message = f"finished corner radius up to {radius:.3f} mm, collar corner radius {collar:.3f} mm"
    if not ok:
        message += f": the opening's corners cut {-gap:.3f} mm into the collar's"
    elif radius > collar:
        message += f": the clearance keeps the collar's corners {gap:.3f} mm clear"
    figures = {"finished_radius_max": radius, "collar_radius": collar}
    if math.isfinite(gap):
        figures["corner_gap"] = gap
    return Check("corner_radius", ok, message, figures)


def _check_overlap(part: Part, opening: dict[Axis, Size], required: float) -> Check:
    mount = part.mount
    flange = {"width": mount.width, "height": mount.height}
    cover = {a: (flange[a] - opening[a].max) / 2 for a in opening}
    worst = min(cover.values())
    ok = worst >= required - EPS_MM
    message = (
        f"flange covers the largest opening by {worst:.3f} mm per side, "
        f"{'at least' if ok else 'less than'} the required {required:.3f} mm"
    )
    return Check(
        "flange_overlap",
        ok,
        message,
        {**{f"{a}_per_side": v for a, v in cover.items()}, "required": required},
    )


def _check_grip(finished: Size, grip: Size, coating: Size) -> Check:
    ok = grip.min - EPS_MM <= finished.min and finished.max <= grip.max + EPS_MM
    message = (
        f"finished plate {finished.min:.3f} .. {finished.max:.3f} mm, "
        f"latch grip {grip.min:.3f} .. {grip.max:.3f} mm"
    )
    if finished.max > grip.max + EPS_MM:
        message += (
            f": too thick; with {coating.max:.3f} mm coating per face the sheet may be "
            f"at most {grip.max - 2 * coating.max:.3f} mm"
        )
    elif finished.min < grip.min - EPS_MM:
        message += (
            f": too thin; with {coating.min:.3f} mm coating per face the sheet must be "
            f"at least {grip.min - 2 * coating.min:.3f} mm"
        )
    return Check(
        "latch_grip",
        ok,
        message,
        {
            "finished_plate_min": finished.min,
            "finished_plate_max": finished.max,
            "grip_min": grip.min,
            "grip_max": grip.max,
        },
    )


def _check_reach(opening: Size, span: Size, required: float) -> Check:
    catch = (span.min - opening.max) / 2
    ok = catch >= required - EPS_MM
    message = (
        f"latch tips reach {catch:.3f} mm past the largest opening's edge, "
        f"{'at least' if ok else 'less than'} the required {required:.3f} mm"
    )
    return Check(
        "latch_reach",
        ok,
        message,
        {
            "catch_per_side": catch,
            "latch_span_min": span.min,
            "opening_max": opening.max,
            "required": required,
        },
    )


def _check_in_frame(part: Part) -> Check:
    frame = part.mount
    window = part.fit.window
    if window is None:
        return Check("in_frame", False, f"frame {frame.id} has no [window] for the part")
    ok = part.width <= window.width + EPS_MM and part.height <= window.height + EPS_MM
    message = (
        f"{part.width:.3f} x {part.height:.3f} mm part in the {window.width:.3f} x "
        f"{window.height:.3f} mm window of frame {frame.id}" + ("" if ok else ": does not fit")
    )
    return Check(
        "in_frame",
        ok,
        message,
        {
            "part_width": part.width,
            "part_height": part.height,
            "window_width": window.width,
            "window_height": window.height,
        },
    )
