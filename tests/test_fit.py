"""The fit model's worst cases: each check fails when, and only when, its band ends say so.
Figures below are worked by hand from the 770-744/064-000 template (C = 41.5 x 15.5,
tolerance 0.1, grip 0.5-2.0, collar = C, corner R 0.5 under a collar R 1.0)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from geom.fit import evaluate
from geom.part import Part
from geom.templates import load_catalog
from geom.tolerance import Size

CATALOG = load_catalog()
SOCKET = CATALOG.parts["770-744/064-000"]
PLATE = Size.exact(1.5)
BARE = Size.exact(0.0)


def _variant(part: Part, **snap_changes: object) -> Part:
    assert part.snap is not None
    return replace(part, snap=replace(part.snap, **snap_changes))


def _failed(part: Part, plate: Size = PLATE, coating: Size = BARE, target: str = "mid") -> set:
    fit = evaluate(part, plate, coating, target)  # type: ignore[arg-type]
    return {c.name for c in fit.failures()}


def test_every_template_fits_over_its_whole_plate_range(template_id: str) -> None:
    part = CATALOG.parts[template_id]
    for target in ("mid", "nominal"):
        fit = evaluate(part, part.fit.grip, BARE, target)  # type: ignore[arg-type]
        assert fit.ok, fit.failures()
        assert fit.clearance.min >= 0
        assert fit.clearance.max <= part.fit.tolerance + 1e-12


def test_mid_target_with_coating_band() -> None:
    """Cut = C + tol/2 + (c_min + c_max); absorbs +/- (tol/2 - (c_max - c_min))."""
    fit = evaluate(SOCKET, PLATE, Size.between(0.01, 0.03))
    assert fit.cut.width == pytest.approx(41.5 + 0.05 + 0.04)
    assert fit.process_minus == pytest.approx(0.03)
    assert fit.process_plus == pytest.approx(0.03)
    assert fit.opening["width"].min == pytest.approx(41.5)
    assert fit.opening["width"].max == pytest.approx(41.6)
    assert fit.ok


def test_nominal_target_absorbs_only_positive_deviation() -> None:
    fit = evaluate(SOCKET, PLATE, Size.between(0.01, 0.03), "nominal")
    assert fit.cut.width == pytest.approx(41.5 + 0.06)
    assert (fit.process_minus, fit.process_plus) == (0.0, pytest.approx(0.06))
    assert fit.ok


def test_coating_variation_wider_than_the_band_fails() -> None:
    """Powder coat 0.06-0.12 mm per face moves the opening by 0.12 mm > 0.1 mm."""
    fit = evaluate(SOCKET, PLATE, Size.between(0.06, 0.12))
    assert {"coating_variation", "clearance"} <= {c.name for c in fit.failures()}
    assert fit.clearance.min < 0 and fit.clearance.max > 0.1


def test_collar_larger_than_cutout_interferes() -> None:
    part = _variant(SOCKET, collar_width=Size.exact(41.52))
    assert _failed(part) == {"clearance"}
    assert evaluate(part, PLATE, BARE).clearance.min == pytest.approx(-0.02)


def test_collar_with_own_tolerance_gives_too_much_play() -> None:
    part = _variant(SOCKET, collar_height=Size.of(15.5, minus=0.05))
    fit = evaluate(part, PLATE, BARE)
    assert fit.clearance.max == pytest.approx(0.15)
    assert _failed(part) == {"clearance"}


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
    fit = evaluate(part, PLATE, BARE)
    corner = next(c for c in fit.checks if c.name == "corner_radius")
    assert corner.ok and corner.figures["corner_gap"] == pytest.approx(0.2 - 0.1 * 2**0.5)
    assert _failed(part) == {"clearance"}
    tight = _variant(part, collar_height=Size.exact(15.4))  # dy 0.15: hypot 0.18 < 0.2
    assert "corner_radius" not in _failed(tight)
    tighter = _variant(part, collar_height=Size.exact(15.45))  # dy 0.175: hypot 0.201
    assert "corner_radius" in _failed(tighter)


def test_flange_overlap_at_largest_opening() -> None:
    part = replace(SOCKET, height=15.6 + 2 * 1.0 - 0.01)
    assert _failed(part) == {"flange_overlap"}
    assert _failed(replace(SOCKET, height=15.6 + 2 * 1.0)) == set()


def test_latch_reach_past_largest_opening() -> None:
    span = Size.of(41.6 + 2 * 0.5 + 0.2, minus=0.2)  # min span = 41.6 + 2 x 0.5: just holds
    assert _failed(_variant(SOCKET, latch_span=span)) == set()
    short = Size.of(41.6 + 2 * 0.5 + 0.19, minus=0.2)
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
    assert ("latch_grip" not in failed) is ok


def test_frame_mounted_part_fits_through_its_frame() -> None:
    socket = CATALOG.parts["770-1242/076-000"]
    frame = CATALOG.parts["770-317"]
    assert socket.mount is frame or socket.mount == frame
    fit = evaluate(socket, PLATE, BARE)
    assert fit.cut == evaluate(frame, PLATE, BARE).cut
    assert "in_frame" in {c.name for c in fit.checks}
    assert fit.ok
    narrow = replace(socket, frame=_variant(frame, window=replace(frame.fit.window, width=19.9)))
    assert _failed(narrow) == {"in_frame"}
