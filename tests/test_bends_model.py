"""The bend model (geom.model.bend) against DIN 6935's formulas and the CAD tools' bend
allowance, worked out here from the standard's text: k from r/s, v in its three ranges of
the opening angle, K (ANSI) = k (DIN) / 2, the blank length, the flat pattern's outline
with corner reliefs, and the folded frames against the outside dimensions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geom.model.bend import (
    Flange,
    Relief,
    SheetMetal,
    ansi_factor,
    box_in,
    din_factor,
    din_k,
    penetration,
)
from geom.model.contour import QUARTER_BULGE


def flange(edge: str, h: float, angle: float, direction: str, r: float, s: float) -> Flange:
    return Flange(edge, h, angle, direction, r, "test", din_factor(r, s), s)  # type: ignore[arg-type]


def test_din_k_worked_value_and_plain_length_beyond_r_over_s_5() -> None:
    # Tabellenbuch Metall's worked value: r/s = 1.2 gives k = 0.689 (0.6896, cut off).
    assert din_k(1.8, 1.5) == pytest.approx(0.689, abs=1e-3)
    assert din_k(1.5, 1.5) == pytest.approx(0.65)
    assert din_k(5.0, 1.0) == pytest.approx(0.65 + 0.5 * math.log10(5))
    assert din_k(5.01, 1.0) == 1.0


def test_ansi_is_half_of_din() -> None:
    f = din_factor(1.8, 1.5)
    assert f.k_ansi == pytest.approx(f.k_din / 2)
    g = ansi_factor(0.44, "shop")
    assert g.k_din == pytest.approx(0.88) and g.convention == "K-factor (ANSI)"


@pytest.mark.parametrize(
    ("angle", "r", "s"),
    [(90.0, 1.5, 1.5), (120.0, 2.0, 1.0), (45.0, 1.5, 1.5), (60.0, 3.0, 2.0), (170.0, 1.0, 1.0)],
)
def test_v_in_the_three_ranges_of_the_opening_angle(angle: float, r: float, s: float) -> None:
    beta = 180.0 - angle
    k = 0.65 + 0.5 * math.log10(r / s)
    arc = math.pi * (180 - beta) / 180 * (r + s / 2 * k)
    if beta <= 90:
        v = arc - 2 * (r + s)
    elif beta < 165:
        v = arc - 2 * (r + s) * math.tan(math.radians((180 - beta) / 2))
    else:
        v = 0.0
    f = flange("top", 30.0, 180.0 - beta, "down", r, s)
    assert f.v == pytest.approx(v, abs=1e-12)


def test_cad_bend_allowance_and_deduction() -> None:
    # SOLIDWORKS: BA = pi (R + K T) A / 180; bend deduction = 2 (R + T) tan(A/2) - BA.
    r, t, k = 2.0, 1.5, 0.4
    f = Flange("top", 30.0, 60.0, "up", r, "test", ansi_factor(k, "test"), t)
    ba = math.pi * (r + k * t) * 60 / 180
    assert f.allowance == pytest.approx(ba)
    assert -f.v == pytest.approx(2 * (r + t) * math.tan(math.radians(30)) - ba)
    # With a given K-factor DIN's "v = 0 from 165 degrees" does not apply.
    g = Flange("top", 30.0, 10.0, "up", r, "test", ansi_factor(k, "test"), t)
    assert g.v == pytest.approx(
        math.pi * (r + k * t) * 10 / 180 - 2 * (r + t) * math.tan(math.radians(5))
    )


def test_box_outline_with_square_and_round_reliefs() -> None:
    s, r, h, e = 1.0, 1.0, 15.0, 1.0
    flanges = tuple(
        flange(edge, h, 90.0, "down", r, s) for edge in ("bottom", "right", "top", "left")
    )
    v = math.pi / 2 * (r + s / 2 * 0.65) - 2 * (r + s)
    square = SheetMetal(100.0, 60.0, s, flanges, Relief("square", e, "test"))
    xs = [p[0] for p in square.outline()]
    ys = [p[1] for p in square.outline()]
    assert max(xs) - min(xs) == pytest.approx(100 + 2 * (h + v))
    assert max(ys) - min(ys) == pytest.approx(60 + 2 * (h + v))
    # Lower-left corner notch: reaches the relief past both bends' start lines.
    corner = (-(h + v), r + s + e, 0.0)
    assert any(p == pytest.approx(corner) for p in square.outline())
    assert square.span("bottom") == pytest.approx((r + s + e, 100 - r - s - e))
    # Round: the notch's inner corner is a quarter circle of radius e about the corner
    # of the base's flat region (r + s, r + s), clockwise round the blank's interior.
    round_ = SheetMetal(100.0, 60.0, s, flanges, Relief("round", e, "test"))
    a = r + s
    expected = [(-(h + v), a + e, 0.0), (a, a + e, -QUARTER_BULGE), (a + e, a, 0.0)]
    for got, want in zip(round_.outline()[:3], expected, strict=True):
        assert got == pytest.approx(want)
    assert round_.outline()[3] == pytest.approx((a + e, -(h + v), 0.0))
    assert sum(b == -QUARTER_BULGE for _, _, b in round_.outline()) == 4
    assert len(round_.outline()) == 16


@given(
    angle=st.floats(1.0, 180.0),
    r=st.floats(0.2, 10.0),
    s=st.floats(0.5, 5.0),
    up=st.booleans(),
)
@example(angle=90.0, r=1.5, s=1.5, up=False)
@example(angle=90.0, r=1.5, s=1.5, up=True)
def test_folded_outside_meets_the_outline(angle: float, r: float, s: float, up: bool) -> None:
    """The folded flange's outside face reaches the outside dimension: for A <= 90 its
    plane passes through the outline edge on the base's outside face (the virtual sharp);
    beyond 90 degrees the bend's outside arc just touches the outline."""
    f = flange("top", 40.0 + r + s, angle, "up" if up else "down", r, s)
    metal = SheetMetal(100.0, 80.0, s, (f,), Relief("square", s, "test"))
    frame = metal.frame3("top")
    depth = -s if up else 0.0  # the outside face: the back for an up bend
    a = frame.point(50.0, f.setback, depth)
    b = frame.point(50.0, f.height, depth)
    if angle <= 90.0:
        # Where the outside face's line meets the base's outside plane Z = depth.
        u = (depth - a[2]) / (b[2] - a[2]) if abs(b[2] - a[2]) > 1e-12 else math.nan
        if math.isfinite(u):
            hit = a + u * (b - a)
            assert hit[1] == pytest.approx(80.0, abs=1e-9)
    else:
        box = metal.bend_box("top")
        reach = float(box.centre[1] + box.half[1])
        assert reach == pytest.approx(80.0, abs=1e-9)
    # Flat pattern and folded part agree on the flange's own length.
    flat_free = metal.to_flat("top", 50.0, f.height)[1]
    flat_start = metal.to_flat("top", 50.0, f.setback)[1]
    assert flat_free - flat_start == pytest.approx(float(np.linalg.norm(b - a)), abs=1e-9)
    assert flat_start - (80.0 - f.setback) == pytest.approx(f.developed, abs=1e-9)


def test_separating_axes() -> None:
    metal = SheetMetal(10.0, 10.0, 1.0, (), Relief("square", 1.0, "test"))
    frame = metal.frame3("base")
    a = box_in(frame, 0, 0, 0, 2, 2, 2)
    assert penetration(a, box_in(frame, 1, 1, 1, 3, 3, 3)) == pytest.approx(1.0)
    assert penetration(a, box_in(frame, 2, 0, 0, 4, 2, 2)) <= 1e-12  # touching
    assert penetration(a, box_in(frame, 2.5, 0, 0, 4, 2, 2)) < 0
