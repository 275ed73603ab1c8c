"""The fit model's worst cases: each check fails when, and only when, its band ends say so.
Figures below are worked by hand from the 770-744/064-000 template (C = 41.5 x 15.5,
tolerance 0.1, grip 0.5-2.0, collar = C, corner R 0.5 under a collar R 1.0)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fits import fit_of

from geom.data.templates import load_catalog
from geom.model.advice import Change
from geom.model.conditions import Shop
from geom.model.fit import evaluate
from geom.model.part import Part
from geom.model.tolerance import Size

CATALOG = load_catalog()
SOCKET = CATALOG.parts["770-744/064-000"]
PLATE = Size.exact(1.5)
BARE = Size.exact(0.0)


def _variant(part: Part, **snap_changes: object) -> Part:
    assert part.snap is not None
    return replace(part, snap=replace(part.snap, **snap_changes))


def _failed(part: Part, plate: Size = PLATE, coating: Size = BARE, target: str = "mid") -> set:
    return {c.name for c in fit_of(part, plate, coating, target).failures()}


def test_every_template_fits_over_its_whole_plate_range(template_id: str) -> None:
    """Bare, over the grip range: the fit holds, the collar never interferes, and a
    snap-in part (or a frame) plays no more than the cutout's band plus the collar's
    minus (IEC 61554 3.1: + on the cutout, - on the part). A part held by a nut, screws
    or clamps has no such cap: its flange's cover decides (the flange_overlap check)."""
    part = CATALOG.parts[template_id]
    snap = part.fit
    for target in ("mid", "nominal"):
        fit = fit_of(part, snap.grip, BARE, target)
        assert fit.ok, fit.failures()
        assert fit.clearance.min >= -1e-12  # 1e-12 mm: float noise (7.2 + 0.15 - 0.15)
        if snap.mounting != "snap-in":
            continue
        for name, opening in fit.opening.items():
            collar = snap.collar_size(name)
            if collar is None:
                continue
            low, high = snap.band(name)
            assert opening.max <= high + 1e-12
            assert opening.max - collar.min <= (high - low) + collar.spread + 1e-12


INSTRUMENT = CATALOG.parts["iec61554-96x96"]
"""Clamped: cutout 92 x 92 +0.6/0 (assumed band), bezel 96 x 96, 0.3 mm cover required."""


def _case(part: Part, width: float, minus: float) -> Part:
    """`part` with a square case (collar) `width` -`minus` mm behind its bezel."""
    case = Size.of(width, minus=minus)
    return _variant(part, collar_width=case, collar_height=case)


def test_a_clamped_instrument_may_play_more_than_the_tolerances() -> None:
    """A 91.0 -0.3 case in the 92.0 .. 92.6 opening (mid, bare: cut 92.3 +/-0.3) plays
    1.0 .. 1.9 mm, more than 0.6 + 0.3; the clamps pull the bezel against the plate and
    it still covers (96 + 90.7)/2 - 92.6 = 0.75 mm per side >= 0.3: the fit holds. The
    same part held by latches fails on its play."""
    part = _case(INSTRUMENT, 91.0, 0.3)
    fit = fit_of(part)
    assert fit.opening["width"].min == pytest.approx(92.0)
    assert fit.opening["width"].max == pytest.approx(92.6)
    assert (fit.clearance.min, fit.clearance.max) == (pytest.approx(1.0), pytest.approx(1.9))
    assert fit.ok, fit.failures()
    cover = next(c for c in fit.checks if c.name == "flange_overlap")
    assert cover.figures["width_per_side"] == pytest.approx(0.75)
    latched = _variant(part, mounting="snap-in")
    assert _failed(latched) == {"clearance"}


def test_a_clamped_instrument_fails_when_its_bezel_no_longer_covers() -> None:
    """The same 91.0 -0.3 case behind a 93 x 93 bezel: (93 + 90.7)/2 - 92.6 = -0.75 mm."""
    part = replace(_case(INSTRUMENT, 91.0, 0.3), width=93.0, height=93.0)
    fit = fit_of(part)
    assert _failed(part) == {"flange_overlap"}
    cover = next(c for c in fit.checks if c.name == "flange_overlap")
    assert cover.figures["width_per_side"] == pytest.approx(-0.75)


def test_a_clamped_case_larger_than_the_opening_interferes() -> None:
    """A 92.05 case in an opening down to 92.0: 0.05 mm interference, clamped or not."""
    assert _failed(_case(INSTRUMENT, 92.05, 0.3)) == {"clearance"}
    assert fit_of(_case(INSTRUMENT, 92.05, 0.3)).clearance.min == pytest.approx(-0.05)


def test_a_gland_thread_in_its_clearance_hole_plays_freely() -> None:
    """M20 x 1.5 thread taken as 20.0 -0.2 in the 20.5 +0.3 hole (mid, bare: 20.5 ..
    20.8): play 0.5 .. 1.0 mm, more than 0.3 + 0.2, held by the locknut; the 28.5 mm hex
    covers (28.5 + 19.8)/2 - 20.8 = 3.35 mm per side >= 1.0."""
    gland = CATALOG.parts["gland-M20"]
    thread = Size.of(20.0, minus=0.2)
    part = _variant(
        gland, collar_width=thread, collar_height=thread, collar_sizes={"diameter": thread}
    )
    fit = fit_of(part)
    assert (fit.clearance.min, fit.clearance.max) == (pytest.approx(0.5), pytest.approx(1.0))
    assert fit.ok, fit.failures()
    cover = next(c for c in fit.checks if c.name == "flange_overlap")
    assert cover.figures["width_per_side"] == pytest.approx(3.35)


def test_mid_target_with_coating_band() -> None:
    """Cut = C + tol/2 + (c_min + c_max); absorbs +/- (tol/2 - (c_max - c_min))."""
    fit = fit_of(SOCKET, PLATE, Size.between(0.01, 0.03))
    assert fit.cut.width == pytest.approx(41.5 + 0.05 + 0.04)
    assert fit.process_minus == pytest.approx(0.03)
    assert fit.process_plus == pytest.approx(0.03)
    assert fit.opening["width"].min == pytest.approx(41.5)
    assert fit.opening["width"].max == pytest.approx(41.6)
    assert fit.ok


def test_nominal_target_absorbs_only_positive_deviation() -> None:
    fit = fit_of(SOCKET, PLATE, Size.between(0.01, 0.03), "nominal")
    assert fit.cut.width == pytest.approx(41.5 + 0.06)
    assert (fit.process_minus, fit.process_plus) == (0.0, pytest.approx(0.06))
    assert fit.ok


def test_coating_variation_wider_than_the_band_fails() -> None:
    """Powder coat 0.06-0.12 mm per face moves the opening by 0.12 mm > 0.1 mm."""
    fit = fit_of(SOCKET, PLATE, Size.between(0.06, 0.12))
    assert {"coating_variation", "clearance"} <= {c.name for c in fit.failures()}
    assert fit.clearance.min < 0 and fit.clearance.max > 0.1


def test_collar_larger_than_cutout_interferes() -> None:
    part = _variant(SOCKET, collar_width=Size.exact(41.52))
    assert _failed(part) == {"clearance"}
    assert fit_of(part).clearance.min == pytest.approx(-0.02)


def test_collar_with_own_tolerance_may_add_its_play() -> None:
    """IEC 61554: a 15.5 -0.05 collar in a 15.5 +0.1 opening may play 0 .. 0.15 mm."""
    part = _variant(SOCKET, collar_height=Size.of(15.5, minus=0.05))
    fit = fit_of(part)
    assert fit.clearance.max == pytest.approx(0.15)
    assert fit.ok, fit.failures()


def test_collar_too_small_gives_too_much_play() -> None:
    part = _variant(SOCKET, collar_width=Size.exact(41.3))
    assert _failed(part) == {"clearance"}
    assert fit_of(part).clearance.max == pytest.approx(0.3)


def test_cutout_corner_rounder_than_collar_fails() -> None:
    part = _variant(SOCKET, cutout=replace(SOCKET.fit.cutout, corner_radius=1.2))
    assert _failed(part) == {"corner_radius"}
    # A coating shrinks the opening's corner radius (offset inwards): 1.2 - 0.2 = 1.0 passes.
    assert _failed(part, coating=Size.exact(0.2), plate=Size.exact(1.0)) == set()


def test_rounder_cut_corner_passes_when_clearance_keeps_the_collar_clear() -> None:
    """Exact rule: R = 1.2 over r = 1.0 with 0.1 mm clearance per side on both axes puts
    the collar's corner centre hypot(0.1, 0.1) = 0.141 mm from the opening's inner
    rectangle, within R - r = 0.2: clear by 0.059 mm. (The play then fails.)"""
    part = _variant(
        SOCKET,
        cutout=replace(SOCKET.fit.cutout, corner_radius=1.2),
        collar_width=Size.exact(41.3),
        collar_height=Size.exact(15.3),
    )
    fit = fit_of(part)
    corner = next(c for c in fit.checks if c.name == "corner_radius")
    assert corner.ok and corner.figures["corner_gap"] == pytest.approx(0.2 - 0.1 * 2**0.5)
    assert _failed(part) == {"clearance"}
    tight = _variant(part, collar_height=Size.exact(15.4))  # dy 0.15: hypot 0.18 < 0.2
    assert "corner_radius" not in _failed(tight)
    tighter = _variant(part, collar_height=Size.exact(15.45))  # dy 0.175: hypot 0.201
    assert "corner_radius" in _failed(tighter)


def test_flange_overlap_at_largest_opening_with_the_part_pushed_aside() -> None:
    """(F + K_min)/2 - O_max >= 1.0 with K_min 15.5, O_max 15.6: F >= 17.7 (17.6 centred)."""
    assert _failed(replace(SOCKET, height=17.69)) == {"flange_overlap"}
    assert _failed(replace(SOCKET, height=17.7)) == set()


def test_latch_reach_past_largest_opening_with_the_part_pushed_aside() -> None:
    """(L_min - O_max)/2 - (O_max - K_min)/2 >= 0.5 with O_max 41.6, K_min 41.5:
    L_min >= 41.6 + 1.0 + 0.1 = 42.7 (42.6 centred)."""
    span = Size.of(42.7 + 0.2, minus=0.2)
    assert _failed(_variant(SOCKET, latch_span=span)) == set()
    short = Size.of(42.69 + 0.2, minus=0.2)
    assert _failed(_variant(SOCKET, latch_span=short)) == {"latch_reach"}


@pytest.mark.parametrize(
    ("plate", "coating", "ok"),
    [
        (2.0, 0.0, True),
        (1.84, 0.08, True),
        (1.85, 0.08, False),
        (0.5, 0.0, True),
        (0.4, 0.05, True),
        (0.39, 0.05, False),
    ],
)
def test_finished_plate_within_grip(plate: float, coating: float, ok: bool) -> None:
    failed = _failed(SOCKET, plate=Size.exact(plate), coating=Size.exact(coating))
    assert ("grip" not in failed) is ok


def test_frame_mounted_part_fits_through_its_frame() -> None:
    socket = CATALOG.parts["770-1242/076-000"]
    frame = CATALOG.parts["770-317"]
    assert socket.mount is frame or socket.mount == frame
    fit = fit_of(socket)
    assert fit.cut == fit_of(frame).cut
    assert "in_frame" in {c.name for c in fit.checks}
    assert fit.ok
    narrow = replace(socket, frame=_variant(frame, window=replace(frame.fit.window, width=19.9)))
    assert _failed(narrow) == {"in_frame"}


# --- sheet, coating, masking, shop: the conditions a fit holds under --------------------


def test_without_a_sheet_the_fit_finds_the_sheets_that_grip() -> None:
    """Grip 0.5 .. 2.0 finished, 0.08 per face: sheets 0.5 - 0.16 .. 2.0 - 0.16."""
    fit = fit_of(SOCKET, None, Size.exact(0.08))
    assert fit.ok and not fit.sheet_given
    assert (fit.sheet.min, fit.sheet.max) == (pytest.approx(0.34), pytest.approx(1.84))
    grip = next(c for c in fit.checks if c.name == "grip")
    assert "sheet 0.340 .. 1.840 mm grips" in grip.message


def test_no_sheet_grips_a_coating_band_wider_than_the_grip_range() -> None:
    """Grip 1.0 .. 1.1 mm; coating 0 .. 0.1 per face spreads the finished plate by 0.2 mm."""
    narrow = _variant(SOCKET, grip=Size.between(1.0, 1.1))
    fit = fit_of(narrow, None, Size.between(0.0, 0.1), masked=True)
    assert "grip" in {c.name for c in fit.failures()}
    assert "no sheet grips" in next(c for c in fit.checks if c.name == "grip").message


def test_a_thin_sheet_grips_once_coated() -> None:
    """0.45 mm sheet + 2 x 0.05 = 0.55 mm finished: inside the 0.5 .. 2.0 grip range."""
    assert fit_of(SOCKET, Size.exact(0.45), Size.exact(0.05)).ok


def test_a_mills_sheet_band_is_walked_at_both_ends() -> None:
    """1.70 .. 1.85 mm sheet + 2 x 0.08: 1.86 .. 2.01 mm finished, over the 2.0 top."""
    assert _failed(SOCKET, plate=Size.between(1.70, 1.85), coating=Size.exact(0.08)) == {"grip"}
    assert _failed(SOCKET, plate=Size.between(1.70, 1.84), coating=Size.exact(0.08)) == set()


def test_powder_coat_band_fails_with_two_ways_out_and_passes_masked() -> None:
    """0.06 .. 0.12 per face on a 1.5 mm sheet: the band moves the opening 0.12 > 0.1 mm."""
    coat = Size.between(0.06, 0.12)
    fit = fit_of(SOCKET, PLATE, coat)
    assert {"opening_band", "coating_variation", "shop_process"} <= {c.name for c in fit.failures()}
    ways = [w.change for w in fit.ways_out]
    assert ways == [Change(coating=Size.between(0.06, 0.06 + 0.05 - 0.001)), Change(masked=True)]
    for change in ways:  # T/2 - w >= 1 um; masked: the edges stay bare
        assert evaluate(SOCKET, change.applied(fit.conditions)).ok
    masked = fit_of(SOCKET, PLATE, coat, masked=True)
    assert masked.ok, masked.failures()
    assert masked.cut.width == pytest.approx(41.55)  # the opening ignores the coating
    assert masked.finished_plate.max == pytest.approx(1.74)  # the plate does not
    assert masked.ways_out == ()


def test_a_cut_that_leaves_the_shop_nothing_fails() -> None:
    """0.06 .. 0.11: 2 x 0.05 = 0.1 mm of coating variation uses the whole band."""
    fit = fit_of(SOCKET, PLATE, Size.between(0.06, 0.11))
    assert (fit.process_minus, fit.process_plus) == (pytest.approx(0.0), pytest.approx(0.0))
    assert "shop_process" in {c.name for c in fit.failures()}
    assert "no room for any shop" in next(c for c in fit.checks if c.name == "shop_process").message


def test_the_shop_must_hold_what_the_cut_leaves() -> None:
    """A 0.1 mm band leaves +/-0.05 mm at mid: a +/-0.1 mm shop cannot cut it."""
    coarse = fit_of(SOCKET, shop=Shop(0.1, "test"))
    assert {"shop_process", "opening_band", "clearance"} == {c.name for c in coarse.failures()}
    assert coarse.opening["width"].min == pytest.approx(41.45)
    assert fit_of(SOCKET, shop=Shop(0.05, "test")).ok
    nominal = fit_of(SOCKET, target="nominal", shop=Shop(0.05, "test"))
    assert "shop_process" in {c.name for c in nominal.failures()}  # it may not remove


def test_the_cut_sits_by_the_coating_band_not_its_nominal() -> None:
    skewed = fit_of(SOCKET, PLATE, Size(0.01, 0.01, 0.03))
    middle = fit_of(SOCKET, PLATE, Size.between(0.01, 0.03))
    assert skewed.cut == middle.cut
    assert skewed.opening == middle.opening


def test_an_unknown_target_is_refused() -> None:
    with pytest.raises(ValueError, match="target"):
        fit_of(SOCKET, target="max")
