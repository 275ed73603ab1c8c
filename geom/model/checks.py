"""The worst-case checks of a fit, one function each (opening band, coating variation,
shop process, clearance, corner radius, flange overlap, grip, latch reach, in frame):
each walks the ends of every band it depends on and returns one `Check` with its figures
(mm); per mounting kind also the key, the nut's cover, the fixing holes and the screws.
A check resting on a field the part left out is unverified, never passed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from geom.model.conditions import (
    EPS_MM,
    MIN_PROCESS_MM,
    Conditions,
    sheets_that_grip,
)
from geom.model.feasible import feasible
from geom.model.part import NOT_GIVEN, Axis, Part, SnapIn
from geom.model.tolerance import Size
from geom.model.units import band, deviation, mm


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
    applies: bool = True
    """False: the check does not run for this part (`message` says why); it neither
    passes nor fails, and reports write `"applies": false` with the reason, no `ok`."""


RESTS_ON: dict[str, tuple[str, ...]] = {
    "clearance": ("collar.width", "collar.height"),
    "corner_radius": ("collar.width", "collar.height", "collar.corner_radius"),
    "flange_overlap": ("collar.width", "collar.height"),
    "latch_reach": ("collar.width", "collar.height", "latch.span"),
}
"""The template fields each check rests on, where a part may leave them out (inline)."""


def unless_not_given(check: Check, part: Part) -> Check:
    """`check`, or an unverified failure when a field it rests on was not given."""
    sources = part.mount.sources
    missing = [f for f in RESTS_ON.get(check.name, ()) if sources.get(f) == NOT_GIVEN]
    if not missing:
        return check
    options = ", ".join("--" + f.replace(".", "-").replace("_", "-") for f in missing)
    message = f"UNVERIFIED: rests on {', '.join(missing)}, not given (give {options})"
    return Check(check.name, False, message, {}, verified=False)


def check_opening_band(opening: dict[str, Size], snap: SnapIn) -> Check:
    """Every size's finished opening, at both ends, inside its band."""
    figures: dict[str, Any] = {}
    problems = []
    for name, o in opening.items():
        low, high = snap.band(name)
        figures |= {f"{name}_min": o.min, f"{name}_max": o.max, f"{name}_band_min": low}
        if name in snap.bands:
            figures[f"{name}_band_max"] = high
        if o.min < low - EPS_MM:
            problems.append(f"{_label(name)} down to {mm(o.min)} mm, under {mm(low)}")
        if o.max > high + EPS_MM:
            problems.append(f"{_label(name)} up to {mm(o.max)} mm, over {mm(high)}")
    figures["tolerance"] = snap.tolerance
    if set(opening) == {"width", "height"}:
        w, h = opening["width"], opening["height"]
        text = f"finished opening {mm(w.min)} .. {mm(w.max)} x {mm(h.min)} .. {mm(h.max)} mm"
    else:
        sizes = ", ".join(f"{_label(n)} {mm(o.min)} .. {mm(o.max)}" for n, o in opening.items())
        text = f"finished opening {sizes} mm"
    if problems:
        return Check(
            "opening_band", False, f"{text} leaves the band: {'; '.join(problems)}", figures
        )
    within = (
        "within the bands given per size"
        if snap.bands
        else f"within the data sheet's band +{mm(snap.tolerance)}/0"
    )
    return Check("opening_band", True, f"{text}, {within}", figures)


def _label(name: str) -> str:
    """A size's field name as words: `notch_width` -> `notch width`."""
    return name.replace("_", " ")


def check_coating(spread: float, tol: float, masked: bool) -> Check:
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


def check_shop(minus: float, plus: float, conditions: Conditions, tol: float) -> Check:
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
    return Check("shop_process", False, f"{leaves}: {why}; {holds}", figures)


HELD_AGAINST_THE_PLATE = {"nut": "its nut", "screw": "its screws", "clamp": "its clamps"}
"""Mounting kinds (and what holds them) that pull the part's flange (bezel) against the
plate: for them the flange's (and nut's) cover, not a play limit, decides how large the
opening may be."""


def check_clearance(per_size: dict[str, Size], snap: SnapIn) -> Check:
    """Opening - collar per size: never below 0 (interference). A snap-in part's play
    stays within T + m, the cutout's and the part's tolerances together; a part held by
    a nut, screws or clamps has no such limit: `flange_overlap` (and `nut_cover`) decide."""
    figures: dict[str, Any] = {}
    problems = []
    allowed: dict[str, float] = {}
    capped = snap.mounting not in HELD_AGAINST_THE_PLATE
    for name, s in per_size.items():
        low, high = snap.band(name)
        collar = snap.collar_size(name)
        assert collar is not None
        figures |= {f"{name}_min": s.min, f"{name}_max": s.max}
        if capped:
            allowed[name] = high - low + collar.spread
            figures[f"{name}_allowed_max"] = allowed[name]
        if s.min < -EPS_MM:
            problems.append(f"interference: the {_label(name)} is {mm(-s.min)} mm under the collar")
        elif capped and s.max > allowed[name] + EPS_MM:
            problems.append(
                f"{_label(name)} play {mm(s.max)} mm exceeds the tolerances {mm(allowed[name])} mm "
                f"(cutout +{mm(high - low)}, part -{mm(collar.spread)})"
            )
    if not per_size:
        return Check("clearance", False, "no collar size to check the opening against", figures)
    low = min(s.min for s in per_size.values())
    high = max(s.max for s in per_size.values())
    figures["allowed_min"] = 0.0
    if problems:
        return Check("clearance", False, "; ".join(problems), figures)
    if not capped:
        message = (
            f"clearance {mm(low)} .. {mm(high)} mm: no interference; held by "
            f"{HELD_AGAINST_THE_PLATE[snap.mounting]}, the part's play is for the flange's "
            "cover to decide"
        )
        return Check("clearance", True, message, figures)
    message = f"clearance {mm(low)} .. {mm(high)} mm within 0 .. {mm(max(allowed.values()))} mm"
    return Check("clearance", True, message, figures)


def check_corner(finished_max: float, opening: dict[str, Size], snap: SnapIn) -> Check:
    """Do the opening's rounded corners keep off the collar's? Worst case: the smallest
    opening, the largest collar, the roundest finished corner (least coating).

    A collar corner (centre (a - r, b - r), radius r) lies inside an opening corner of
    radius R >= r exactly when its centre is within R - r of the opening's inner
    rectangle (corner (A - R, B - R)); half sizes a, b, A, B. With no clearance this is
    the data sheets' rule: a cut corner rounder than the collar's interferes. (The gap is
    geom.model.feasible's: with it and the clearance, some position of the collar fits.)"""
    radius, collar = max(finished_max, 0.0), snap.collar_corner_radius
    gap = feasible(
        (opening["width"].min, opening["height"].min, radius),
        (snap.collar_width.max, snap.collar_height.max, collar),
    ).gap
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


def check_overlap(part: Part, envelope: dict[Axis, float], snap: SnapIn) -> Check:
    """Flange cover on the far side with the part pushed against one edge of the largest
    opening: (F + K_min)/2 - O_max per axis (O the opening's extent on that axis)."""
    flange = {"width": part.mount.width, "height": part.mount.height}
    cover = {a: (flange[a] + snap.collar(a).min) / 2 - o for a, o in envelope.items()}
    worst = min(cover.values())
    required = snap.min_overlap
    ok = worst >= required - EPS_MM
    message = (
        f"flange covers the largest opening by {mm(worst)} mm per side with the part "
        f"pushed to one side, {'at least' if ok else 'less than'} the required {mm(required)} mm"
    )
    figures = {**{f"{a}_per_side": v for a, v in cover.items()}, "required": required}
    return Check("flange_overlap", ok, message, figures)


def check_nut(envelope: dict[Axis, float], snap: SnapIn) -> Check:
    """The nut's (or washer's) bearing face behind the plate covers the largest opening
    with the part pushed to one side: (AF + K_min)/2 - O_max per axis, AF its across
    flats (the smallest width of a hexagon nut)."""
    af = snap.nut_across_flats
    assert af is not None
    cover = {a: (af + snap.collar(a).min) / 2 - o for a, o in envelope.items()}
    worst = min(cover.values())
    required = snap.min_overlap
    ok = worst >= required - EPS_MM
    message = (
        f"nut ({mm(af)} mm across flats) covers the largest opening by {mm(worst)} mm per "
        f"side with the part pushed to one side, {'at least' if ok else 'less than'} the "
        f"required {mm(required)} mm"
    )
    figures = {**{f"{a}_per_side": v for a, v in cover.items()}, "required": required}
    return Check("nut_cover", ok, message, figures)


KEY_SLOTS = {"circle-notch": "notch_width", "d": "across_flat", "double-d": "across_flats"}
"""The size of each keyed shape the part's key sits in."""


def check_key(opening: dict[str, Size], snap: SnapIn) -> Check:
    """The part's key in the notch (or between the flats): the smallest slot takes the
    widest key, and the play stays within both tolerances."""
    key = snap.key
    assert key is not None
    slot = KEY_SLOTS.get(snap.cutout.kind)
    if slot is None:
        return Check("key", False, f"a {snap.cutout.kind} cutout has no notch or flat for a key")
    o = opening[slot]
    low, high = snap.band(slot)
    gap = Size.held(o.min - key.max, o.nominal - key.nominal, o.max - key.min)
    allowed = high - low + key.spread
    figures = {"key_min": key.min, "key_max": key.max, "slot_min": o.min, "slot_max": o.max}
    figures |= {"play_min": gap.min, "play_max": gap.max, "play_allowed_max": allowed}
    text = f"key {band(key.min, key.max)} mm in the {_label(slot)} {mm(o.min)} .. {mm(o.max)} mm"
    if gap.min < -EPS_MM:
        return Check("key", False, f"{text}: interference of {mm(-gap.min)} mm", figures)
    if gap.max > allowed + EPS_MM:
        message = f"{text}: play {mm(gap.max)} mm exceeds the tolerances {mm(allowed)} mm"
        return Check("key", False, message, figures)
    return Check("key", True, f"{text}: play {mm(gap.min)} .. {mm(gap.max)} mm", figures)


def check_holes(hole: Size, part: Part, snap: SnapIn) -> list[Check]:
    """The part's fixing holes: each one's finished diameter in its band, every hole
    under the flange (its largest opening inside the flange's outline), and the screws
    through the smallest hole."""
    holes = snap.holes
    assert holes is not None
    low, high = holes.diameter, holes.diameter + holes.tolerance
    figures = {
        "diameter_min": hole.min,
        "diameter_max": hole.max,
        "band_min": low,
        "band_max": high,
    }
    ok = low - EPS_MM <= hole.min and hole.max <= high + EPS_MM
    text = f"fixing holes finished {mm(hole.min)} .. {mm(hole.max)} mm"
    band_text = f"{text}, {'within' if ok else 'outside'} their band {band(low, high)} mm"
    out = [Check("holes_band", ok, band_text, figures)]
    r = hole.max / 2
    half_w, half_h = part.mount.width / 2, part.mount.height / 2
    outside = [
        (x, y)
        for x, y in holes.positions
        if abs(x) + r > half_w + EPS_MM or abs(y) + r > half_h + EPS_MM
    ]
    where = ", ".join(f"({mm(x)}, {mm(y)})" for x, y in outside)
    flange = f"{mm(2 * half_w)} x {mm(2 * half_h)} mm flange"
    under = f"{len(holes.positions)} fixing holes under the {flange}"
    out.append(
        Check(
            "holes_under_flange",
            not outside,
            under if not outside else f"fixing holes at {where} reach past the flange",
            {"hole_radius_max": r, "flange_width": 2 * half_w, "flange_height": 2 * half_h},
        )
    )
    if snap.screw_diameter is not None:
        screw = snap.screw_diameter
        passes = hole.min >= screw - EPS_MM
        message = (
            f"M{mm(screw, 1)} screws {'pass' if passes else 'do not pass'} the smallest "
            f"finished hole {mm(hole.min)} mm"
        )
        figures = {"screw_diameter": screw, "hole_min": hole.min}
        out.append(Check("screw_passes", passes, message, figures))
    return out


GRIP_NOT_GIVEN = (
    "does not apply: no grip range given (give grip = [min, max], the finished plate the "
    "part holds, to check it)"
)


def no_grip() -> Check:
    """The grip check of a part given without a grip range: it does not apply."""
    return Check("grip", True, GRIP_NOT_GIVEN, {}, applies=False)


def check_grip(sheet: Size, conditions: Conditions, grip: Size) -> Check:
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
        if works is None and 2 * coating.spread > grip.spread + EPS_MM:
            message += (
                f": the coating varies the finished plate by {mm(2 * coating.spread)} mm, more "
                f"than the grip range's {mm(grip.spread)} mm"
            )
        elif works is None:
            message += f": {mm(coating.max)} mm coating per face alone reaches the grip range's top"
        elif finished.max > grip.max + EPS_MM:
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


def check_reach(opening_max: float, snap: SnapIn, shift: float | None = None) -> Check:
    """Latch catch on the far side with the part pushed as far as it goes in the largest
    opening: (L_min - O_max)/2 - shift along the latch axis; `shift` (mm) is how far the
    smallest collar can move (geom.model.feasible), by default (O_max - K_min)/2."""
    span = snap.latch_span
    assert span is not None
    collar = snap.collar(snap.latch_axis)
    if shift is None:
        shift = max(opening_max - collar.min, 0.0) / 2
    catch = (span.min - opening_max) / 2 - shift
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
        "latch_span_min": span.min,
        "opening_max": opening_max,
        "required": required,
    }
    return Check("latch_reach", ok, message, figures)


def check_in_frame(part: Part) -> Check:
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
