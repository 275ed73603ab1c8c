"""Where a collar can sit in its opening (geom.model.feasible), against a test of its own:
a convex collar K lies in a convex opening O exactly when, in every direction u, K's
support h_K(u) plus c.u stays within O's h_O(u); a rounded rectangle Q(p, q) + D(R) has
h(u) = p |u_x| + q |u_y| + R. Checked over 7200 directions: every position the model
gives fits, a step of 1e-3 mm further out does not, and the region is empty exactly
when the centred collar does not fit (it is convex and symmetric about the centre)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from geom.model.feasible import feasible

DIRECTIONS = np.linspace(0.0, 2 * math.pi, 7200, endpoint=False)
UX, UY = np.cos(DIRECTIONS), np.sin(DIRECTIONS)
STEP_MM = 1e-3


def _excess(
    opening: tuple[float, float, float], collar: tuple[float, float, float], x: float, y: float
) -> float:
    """How far (mm) the collar centred on (x, y) reaches out of the opening in the worst
    sampled direction (<= 0: it fits)."""
    w, h, big = opening
    k, m, small = collar
    outer = (w / 2 - big) * abs(UX) + (h / 2 - big) * abs(UY) + big
    inner = (k / 2 - small) * abs(UX) + (m / 2 - small) * abs(UY) + small
    return float(np.max(x * UX + y * UY + inner - outer))


@st.composite
def pairs(draw: st.DrawFn) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """An opening and a collar near it (width, height, corner radius; mm)."""
    w, h = draw(st.floats(2.0, 60.0)), draw(st.floats(2.0, 60.0))
    big = draw(st.one_of(st.just(1.0), st.just(0.0), st.floats(0.0, 1.0))) * min(w, h) / 2
    k = w - draw(st.floats(-0.2, 1.0))
    m = h - draw(st.floats(-0.2, 1.0))
    small = draw(st.one_of(st.just(1.0), st.just(0.0), st.floats(0.0, 1.0))) * min(k, m) / 2
    return (w, h, big), (k, m, small)


@given(pair=pairs())
def test_the_extreme_positions_fit_and_no_further(
    pair: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> None:
    opening, collar = pair
    room = feasible(opening, collar)
    centred = _excess(opening, collar, 0.0, 0.0)
    lens = min(room.sx, room.sy) < room.rho
    kind = "empty" if room.empty else "lens" if lens else "rounded" if room.rho else "rectangle"
    event(f"feasible region: {kind}")
    if room.empty:
        assert centred > -1e-9 and room.positions() == ()
        return
    assert centred <= 1e-9
    extremes = {
        (room.reach("width"), 0.0): (1.0, 0.0),
        (0.0, room.reach("height")): (0.0, 1.0),
        room.diagonal(): (math.sqrt(0.5), math.sqrt(0.5)),
    }
    assert set(room.positions()) == set(extremes)
    for (x, y), (dx, dy) in extremes.items():
        assert _excess(opening, collar, x, y) <= 1e-9
        # extreme in its direction: a step further out leaves the opening
        assert _excess(opening, collar, x + STEP_MM * dx, y + STEP_MM * dy) > 0


def test_a_stadium_in_a_circle_it_touches_stays_centred() -> None:
    """A 4.5 x 5 mm collar with 2.25 mm round ends in a 5 mm round opening: its ends
    touch the circle, so the 0.5 mm of play across the width is no play at all."""
    room = feasible((5.0, 5.0, 2.5), (4.5, 5.0, 2.25))
    assert not room.empty and room.gap == pytest.approx(0.0, abs=1e-12)
    assert room.positions() == ((0.0, 0.0),)
    assert room.reach("width") == 0.0


def test_sharp_corners_give_a_rectangle_of_half_the_clearance() -> None:
    """A collar as round as the opening or rounder moves by half the clearance on each
    axis, and into the corner of that rectangle."""
    room = feasible((41.6, 15.6, 0.5), (41.5, 15.5, 1.0))
    (x, _), (_, y), corner = room.positions()
    assert (x, y) == pytest.approx((0.05, 0.05), abs=1e-12)
    assert corner == pytest.approx((0.05, 0.05), abs=1e-12)
    assert math.isinf(room.gap)
