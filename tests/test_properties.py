"""Properties over the whole parameter space (hypothesis; example counts from the profile,
tests/conftest.py): for random
valid parts, plate and coating bands and targets, built the way a user builds them (the
fit model and cutout writer, and the CLI with an inline part), the written DXF holds one
closed, lint-clean contour whose measured size and corner radius equal the report to
1e-6 mm; the clearance re-derived from the measured cut equals the report's, lies in
[0, tolerance] exactly when the clearance check says ok, and `ok` is the conjunction of
the checks. The lint finds an overlap of random rectangles exactly when a brute-force
pairwise check does."""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st
from measure import cut_loops
from profiles import CI, kernel_property, kernel_settings

from geom.cli import main
from geom.data.templates import load_catalog, part_from_data
from geom.dxf.cutout import write_cutout
from geom.dxf.lint import lint, lint_file
from geom.errors import InputError
from geom.model.conditions import EPS_MM, Conditions, Shop
from geom.model.contour import circle
from geom.model.fit import Fit, evaluate
from geom.model.tolerance import Size

MEASURE_MM = 1e-6
CATALOG = load_catalog()
PROPERTY = settings(deadline=None)
"""No example count, randomization or database here: those come from the profile."""


def _mm(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _fraction() -> st.SearchStrategy[float]:
    """0 .. 1 with both ends drawn often (a sharp corner, a slot)."""
    return st.one_of(st.just(0.0), st.just(1.0), _mm(0.0, 1.0))


def _band(low: float, high: float) -> st.SearchStrategy[tuple[float, float]]:
    return st.tuples(_mm(low, high), _mm(low, high)).map(lambda t: (min(t), max(t)))


@st.composite
def parts(draw: st.DrawFn, fitting: bool, tol: float) -> dict[str, Any]:
    """A template's data: C, corner radius, tolerance, collar, flange, latch, plate range.

    `fitting` draws a collar of C itself (what the band is made for) and a collar corner
    at least as round as the cut's, so that about half the fits hold; otherwise the
    collar may interfere or sit loose."""
    cw, ch = draw(_mm(5.0, 100.0)), draw(_mm(5.0, 60.0))
    f_radius = draw(_fraction())
    radius = f_radius * min(cw, ch) / 2
    cover_w, cover_h = draw(_mm(0.5, 5.0)), draw(_mm(0.5, 5.0))
    if fitting:
        under_w = under_h = minus_w = minus_h = 0.0
        f_collar = draw(_mm(f_radius, 1.0))
    else:
        under_w, under_h = draw(_mm(-0.1, 0.6)), draw(_mm(-0.1, 0.6))
        minus_w, minus_h = draw(_mm(0.0, 0.1)), draw(_mm(0.0, 0.1))
        f_collar = draw(_fraction())
    collar_w, collar_h = cw - under_w, ch - under_h
    collar_r = f_collar * min(collar_w - minus_w, collar_h - minus_h) / 2
    axis = draw(st.sampled_from(["width", "height"]))
    span = (cw if axis == "width" else ch) + 2 * draw(_mm(0.0, 3.0))
    grip = draw(_band(0.3, 5.0))
    given = "hypothesis"

    def q(value: float, **more: float) -> dict[str, Any]:
        return {"value": value, **more, "source": given}

    return {
        "sources": {given: "drawn by hypothesis"},
        "part": {
            "id": "prop/part",
            "name": "property part",
            "kind": "snap-in part",
            "manufacturer": "(none)",
            "mounting": "snap-in",
            "poles": q(draw(st.integers(1, 12))),
            "pin_spacing": q(draw(_mm(5.0, 15.0))),
        },
        "envelope": {
            "width": q(cw + 2 * cover_w),
            "height": q(ch + 2 * cover_h),
            "depth": [q(draw(_mm(10.0, 80.0)))],
            "depth_policy": "max",
        },
        "grip": {"min": q(grip[0]), "max": q(grip[1])},
        "cutout": {
            "width": q(cw),
            "height": q(ch),
            "corner_radius": q(radius),
            "tolerance": q(tol),
        },
        "flange": {
            "thickness": q(draw(_mm(1.0, 3.0))),
            "min_overlap": q(draw(_mm(0.0, 0.4 if fitting else 2.0))),
        },
        "collar": {
            "width": q(collar_w, minus=minus_w),
            "height": q(collar_h, minus=minus_h),
            "corner_radius": q(collar_r),
        },
        "latch": {
            "axis": axis,
            "span": q(span, minus=draw(_mm(0.0, 0.3))),
            "min_catch": q(draw(_mm(0.0, 0.3 if fitting else 1.0))),
        },
    }


@st.composite
def fits(draw: st.DrawFn) -> Fit:
    """A part, a sheet band (0.3-5 mm, or none: the sheets that grip), a coating band
    (0-0.2 mm per face), masked or not, a shop or none, and a target, through `evaluate`
    as the CLI calls it. Half of the draws aim at a fit that holds."""
    fitting = draw(st.booleans())
    tol = draw(_mm(0.05, 0.5))
    part = part_from_data(draw(parts(fitting, tol)), "hypothesis", CATALOG)
    coating = draw(_band(0.0, 0.2))
    sheet: tuple[float, float] | None = draw(st.one_of(st.none(), _band(0.3, 5.0)))
    masked = draw(st.booleans())
    shop = draw(st.one_of(st.none(), _mm(0.001, tol)))
    if fitting:
        low = draw(_mm(0.0, 0.2))
        coating = (low, draw(_mm(low, min(0.2, low + tol / 2))))
        shop = None if shop is None else min(shop, tol / 2 - (coating[1] - low))
        grip = part.fit.grip
        top = grip.max - 2 * coating[1]
        bottom = max(grip.min - 2 * coating[0], 0.3)
        if sheet is not None and bottom <= top:  # a band the part grips once coated
            sheet = draw(_band(bottom, top))
    target = draw(st.sampled_from(["mid", "nominal"]))
    conditions = Conditions(
        None if sheet is None else Size.between(*sheet),
        Size.between(*coating),
        masked,
        target,  # type: ignore[arg-type]
        None if shop is None or shop <= 0 else Shop(shop, "hypothesis"),
    )
    return evaluate(part, conditions)


dxf_options = st.tuples(st.sampled_from(["r2000", "r12"]), st.booleans())


def _measure_and_compare(dxf: Path, report: dict[str, Any]) -> tuple[float, float]:
    """The one contour in `dxf`, closed, lint-clean, sized as `report` says: (w, h)."""
    assert lint_file(dxf) == []
    (loop,) = cut_loops(dxf)
    assert loop.closed
    cut = report["cutout_mm"]
    assert abs(loop.width - cut["width"]) <= MEASURE_MM
    assert abs(loop.height - cut["height"]) <= MEASURE_MM
    assert abs(loop.centre[0]) <= 1e-9 and abs(loop.centre[1]) <= 1e-9
    radius = cut["corner_radius"]
    assert all(abs(r - radius) <= MEASURE_MM for r in loop.radii)
    assert bool(loop.radii) == (radius >= MEASURE_MM) or abs(radius - MEASURE_MM) < 1e-9
    return loop.width, loop.height


def _check_clearance(fit: Fit, report: dict[str, Any], width: float, height: float) -> None:
    """Clearance from the measured cut (the fit model in the README) against the report
    and the checks: the opening is the cut over the shop's deviation (its stated
    tolerance, else what the cut leaves) less the coating on the edges (none if masked)."""
    snap = fit.part.fit
    edge = Size.exact(0.0) if report["masked"] else Size.between(*report["coating_mm"].values())
    shop = report["shop_tolerance_mm"]
    left = report["process_tolerance_mm"]
    minus, plus = (shop["value"], shop["value"]) if shop else (left["minus"], left["plus"])
    # within the measuring noise of a limit, the unrounded figures decide (the JSON's are
    # rounded to 1e-9 mm, the check's own tolerance)
    figures = next(c for c in fit.checks if c.name == "clearance").figures
    lows, highs, within = [], [], True
    for axis, measured, collar, band in (
        ("width", width, snap.collar_width, snap.cutout.width),
        ("height", height, snap.collar_height, snap.cutout.height),
    ):
        opening_min = measured - minus - 2 * edge.max
        opening_max = measured + plus - 2 * edge.min
        lows.append(opening_min - collar.max)
        highs.append(opening_max - collar.min)
        allowed = snap.tolerance + collar.spread
        low, high = lows[-1], highs[-1]
        if min(abs(low), abs(high - allowed)) <= MEASURE_MM:  # at a limit: the exact figures
            low, high = figures[f"{axis}_min"], figures[f"{axis}_max"]
            within &= low >= -EPS_MM and high <= allowed + EPS_MM
        else:  # decided on the measured cut
            within &= low >= 0 and high <= allowed
        if 2 * edge.spread <= snap.tolerance and not shop:  # the band is hit exactly
            assert abs(opening_min - band) <= MEASURE_MM
            if fit.target == "mid" or 2 * edge.spread < snap.tolerance:
                assert abs(opening_max - (band + snap.tolerance)) <= MEASURE_MM
    clearance = report["clearance_mm"]
    assert abs(min(lows) - clearance["min"]) <= MEASURE_MM
    assert abs(max(highs) - clearance["max"]) <= MEASURE_MM

    checks = {c["name"]: c["ok"] for c in report["checks"]}
    assert checks["clearance"] is within
    assert report["ok"] is all(checks.values()) is fit.ok
    assert len(checks) == len(report["checks"]) == 8


def _q(value: float, **more: float) -> dict[str, Any]:
    return {"value": value, **more, "source": "hypothesis"}


def _example(sheet: Size | None, coating: Size | None = None, **tables: Any) -> Fit:
    """A part as `parts()` draws it, from its envelope, grip, cutout, flange, collar and
    latch tables (numbers from `_q`), evaluated on `sheet` with `coating` per face
    (None: bare)."""
    data = {
        "sources": {"hypothesis": "drawn by hypothesis"},
        "part": {
            "id": "prop/part",
            "name": "property part",
            "kind": "snap-in part",
            "manufacturer": "(none)",
            "mounting": "snap-in",
            "poles": _q(1),
            "pin_spacing": _q(5.0),
        },
        **tables,
    }
    conditions = Conditions(sheet, coating or Size.exact(0.0))
    return evaluate(part_from_data(data, "hypothesis", CATALOG), conditions)


def _plate_of_float_noise() -> Fit:
    """Found once: no sheet given, a 0.375 mm grip and 0 .. 0.1875 mm coating whose lower
    end came out as 2.2e-16 mm: the only sheet left is 0 mm, the thinnest finished plate
    4.4e-16 mm, which OpenCascade cannot extrude. Nothing to measure: undecidable."""
    return _example(
        None,
        Size.between(2.220446049250313e-16, 0.1875),
        envelope={"width": _q(7.0), "height": _q(7.0), "depth": [_q(10.0)], "depth_policy": "max"},
        grip={"min": _q(0.375), "max": _q(0.375)},
        cutout={
            "width": _q(5.0),
            "height": _q(5.0),
            "corner_radius": _q(0.0),
            "tolerance": _q(0.5),
        },
        flange={"thickness": _q(1.0), "min_overlap": _q(0.0)},
        collar={
            "width": _q(5.0, minus=0.0),
            "height": _q(5.0, minus=0.0),
            "corner_radius": _q(0.0),
        },
        latch={"axis": "width", "span": _q(7.0, minus=0.0), "min_catch": _q(0.0)},
    )


def _round_corner_touching() -> Fit:
    """Found once: a round 5 mm cut (a 5 x 5 rectangle of corner radius 2.5) over a
    4.5 x 5 collar with 2.25 mm ends: no play across the height, the collar's round end
    touching the cut's (corner gap 0), 0.5 mm of play across the width. 2D: it fits,
    touching. The 3D check pushed the collar 0.25 mm across the width as if the height
    did not hold it, and found 0.5 mm3 in the wall: a push the part cannot make (its
    round end already touches). (A 4.75 mm collar height was found next: 0.09 mm3 pushed
    into the same corner.) Now it places the collar only where it fits: centred."""
    return _example(
        None,
        envelope={"width": _q(7.0), "height": _q(7.0), "depth": [_q(10.0)], "depth_policy": "max"},
        grip={"min": _q(1.0), "max": _q(1.0)},
        cutout={
            "width": _q(5.0),
            "height": _q(5.0),
            "corner_radius": _q(2.5),
            "tolerance": _q(0.5),
        },
        flange={"thickness": _q(1.0), "min_overlap": _q(0.0)},
        collar={
            "width": _q(4.5, minus=0.0),
            "height": _q(5.0, minus=0.0),
            "corner_radius": _q(2.25),
        },
        latch={"axis": "width", "span": _q(7.0, minus=0.0), "min_catch": _q(0.0)},
    )


def _rounder_opening_with_play() -> Fit:
    """A 40 x 20 mm cut of corner radius 2 (+0.1/0) over a 39.64 x 19.64 mm collar of
    corner radius 1.5: 0.36 mm of play on each axis at the smallest opening, where the
    opening's corners keep 0.5 - sqrt(2) x 0.32 = 0.047 mm off the collar's. It fits
    (the clearance's play limit aside, which 3D does not see); pushed 0.23 mm along the
    width at the largest opening, as the 3D check once did, the collar's corners would
    cut into the opening's."""
    return _example(
        None,
        envelope={
            "width": _q(44.0),
            "height": _q(24.0),
            "depth": [_q(10.0)],
            "depth_policy": "max",
        },
        grip={"min": _q(1.0), "max": _q(1.0)},
        cutout={
            "width": _q(40.0),
            "height": _q(20.0),
            "corner_radius": _q(2.0),
            "tolerance": _q(0.1),
        },
        flange={"thickness": _q(1.0), "min_overlap": _q(0.0)},
        collar={
            "width": _q(39.64, minus=0.0),
            "height": _q(19.64, minus=0.0),
            "corner_radius": _q(1.5),
        },
        latch={"axis": "width", "span": _q(42.0, minus=0.0), "min_catch": _q(0.0)},
    )


def _collar_a_hair_under() -> Fit:
    """Found once: a 5 x 5 mm cut (+0.5/0, sharp corners) over a collar 1e-9 mm under it,
    so the play sits at the clearance limit to the check's own 1e-9 mm: the report's
    figures, rounded to 1e-9 mm, disagreed with the check the test then re-derived."""
    return _example(
        None,
        envelope={"width": _q(7.0), "height": _q(7.0), "depth": [_q(10.0)], "depth_policy": "max"},
        grip={"min": _q(1.0), "max": _q(1.0)},
        cutout={
            "width": _q(5.0),
            "height": _q(5.0),
            "corner_radius": _q(0.0),
            "tolerance": _q(0.5),
        },
        flange={"thickness": _q(1.0), "min_overlap": _q(0.0)},
        collar={
            "width": _q(5.0, minus=0.0),
            "height": _q(4.999999999, minus=0.0),
            "corner_radius": _q(0.0),
        },
        latch={"axis": "width", "span": _q(5.0, minus=0.0), "min_catch": _q(0.0)},
    )


@PROPERTY
@given(fit=fits(), options=dxf_options)
@example(fit=_collar_a_hair_under(), options=("r2000", False))
def test_written_cutout_is_closed_clean_and_as_reported(
    fit: Fit, options: tuple[str, bool]
) -> None:
    version, explode = options
    with tempfile.TemporaryDirectory() as tmp:
        files = write_cutout(fit, Path(tmp), version=version, explode=explode, force=True)  # type: ignore[arg-type]
        assert files.dxf is not None
        report = json.loads(files.report.read_text(encoding="utf-8"))
        width, height = _measure_and_compare(files.dxf, report)
    _check_clearance(fit, report, width, height)
    event(f"fit ok: {fit.ok}")
    event(f"clearance check ok: {fit.checks[0].ok}")


@st.composite
def cli_args(draw: st.DrawFn) -> list[str]:
    """`geom cutout` with a part given inline, its collar and latches too, as a user
    types it."""
    cw, ch = draw(_mm(5.0, 100.0)), draw(_mm(5.0, 60.0))
    grip = draw(_band(0.3, 5.0))
    sheet = draw(st.one_of(st.none(), _mm(*grip)))
    coating = draw(_band(0.0, 0.2))
    tol = draw(_mm(0.05, 0.5))
    radius = draw(_fraction()) * min(cw, ch) / 2
    under, minus = draw(_mm(-0.05, tol)), draw(_mm(0.0, 0.1))
    args = [
        "cutout",
        *("--poles", str(draw(st.integers(1, 12)))),
        *("--pin-spacing", repr(draw(_mm(5.0, 15.0)))),
        *("--width", repr(cw + 2 * draw(_mm(0.5, 5.0)))),
        *("--height", repr(ch + 2 * draw(_mm(0.5, 5.0)))),
        *("--depth", repr(draw(_mm(10.0, 80.0)))),
        *("--grip-min", repr(grip[0]), "--grip-max", repr(grip[1])),
        *("--tolerance", repr(tol)),
        *("--cutout-width", repr(cw), "--cutout-height", repr(ch)),
        *("--corner-radius", repr(radius)),
        *("--collar-width", repr(cw - under), "--collar-height", repr(ch - under)),
        *("--collar-minus", repr(minus)),
        *("--collar-corner-radius", repr(draw(_fraction()) * (min(cw, ch) - under - minus) / 2)),
        *("--latch-span", repr(cw + 2 * draw(_mm(0.0, 3.0)))),
        *("--coating", f"{coating[0]!r}..{coating[1]!r}"),
        *("--target", draw(st.sampled_from(["mid", "nominal"]))),
        *("--dxf-version", draw(st.sampled_from(["r2000", "r12"]))),
        "--force",
        "--json",
    ]
    if sheet is not None:
        args += ["--sheet", repr(sheet)]
    if draw(st.booleans()):
        args.append("--masked")
    if draw(st.booleans()):
        args.append("--explode")
    return args


@PROPERTY
@given(args=cli_args())
def test_cli_cutout_is_closed_clean_and_as_reported(args: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as tmp:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*args, "-o", tmp])
        assert "DXF lint" not in err.getvalue(), err.getvalue()
        assert code != 2, err.getvalue()
        report = json.loads(out.getvalue())
        assert code == (0 if report["ok"] else 1), err.getvalue()
        event(f"exit {code}")
        assert report["ok"] is all(c["ok"] for c in report["checks"])
        assert all(c["verified"] for c in report["checks"])  # every field was given
        (dxf,) = Path(tmp).glob("*.dxf")
        width, height = _measure_and_compare(dxf, report)
    (check,) = (c for c in report["checks"] if c["name"] == "clearance")
    figures = check["figures"]
    low = min(figures["width_min"], figures["height_min"])
    high = max(figures["width_max"], figures["height_max"])
    clearance = report["clearance_mm"]
    assert (low, high) == (clearance["min"], clearance["max"])
    allowed = [figures[f"{a}_allowed_max"] for a in ("width", "height")]
    near = [abs(low)] + [
        abs(figures[f"{a}_max"] - m) for a, m in zip(("width", "height"), allowed, strict=True)
    ]
    if not any(0 < d < 1e-8 for d in near):  # rounding in the JSON
        assert check["ok"] is (
            low >= 0
            and all(
                figures[f"{a}_max"] <= m for a, m in zip(("width", "height"), allowed, strict=True)
            )
        )
    # from the measured cut: the opening over the process the cut leaves, less the coating
    minus, plus = (report["process_tolerance_mm"][k] for k in ("minus", "plus"))
    coat = {"min": 0.0, "max": 0.0} if report["masked"] else report["coating_mm"]
    band = report["band_mm"]
    lows = [
        m - minus - 2 * coat["max"] - band[a]["min"]
        for m, a in ((width, "width"), (height, "height"))
    ]
    highs = [
        m + plus - 2 * coat["min"] - band[a]["min"]
        for m, a in ((width, "width"), (height, "height"))
    ]
    collar_max = [float(args[args.index(o) + 1]) for o in ("--collar-width", "--collar-height")]
    collar_min = [k - float(args[args.index("--collar-minus") + 1]) for k in collar_max]
    bands = [band["width"]["min"], band["height"]["min"]]
    expected_low = min(lo + b - k for lo, b, k in zip(lows, bands, collar_max, strict=True))
    expected_high = max(hi + b - k for hi, b, k in zip(highs, bands, collar_min, strict=True))
    assert abs(expected_low - low) <= MEASURE_MM and abs(expected_high - high) <= MEASURE_MM


# --- the lint against brute force on rectangles -----------------------------------------

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in mm
rects = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(1, 12), st.integers(1, 12)).map(
        lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3])
    ),
    min_size=1,
    max_size=8,
)


def _boundaries_meet(a: Rect, b: Rect) -> bool:
    """Brute force: closed rectangles meet and neither lies in the other's interior."""
    meet = a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]

    def inside(p: Rect, q: Rect) -> bool:
        return q[0] < p[0] and p[2] < q[2] and q[1] < p[1] and p[3] < q[3]

    return meet and not inside(a, b) and not inside(b, a)


def _draw(boxes: list[Rect], styles: list[int]) -> tuple[Any, dict[str, int]]:
    """Rectangles as closed LWPOLYLINEs (style 0, 1: reversed) or LINEs (2, 3: reversed)."""
    doc = ezdxf.new("R2000")
    doc.layers.add("CUT")
    msp = doc.modelspace()
    owner: dict[str, int] = {}
    for k, ((x0, y0, x1, y1), style) in enumerate(zip(boxes, styles, strict=True)):
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        if style % 2:
            pts.reverse()
        if style < 2:
            entities = [msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": "CUT"})]
        else:
            entities = [
                msp.add_line(pts[i], pts[(i + 1) % 4], dxfattribs={"layer": "CUT"})
                for i in range(4)
            ]
        owner.update({e.dxf.handle: k for e in entities})
    return doc, owner


@PROPERTY
@given(boxes=rects, data=st.data())
def test_lint_finds_exactly_the_pairs_that_meet(boxes: list[Rect], data: st.DataObject) -> None:
    styles = data.draw(st.lists(st.integers(0, 1), min_size=len(boxes), max_size=len(boxes)))
    doc, owner = _draw(boxes, styles)
    problems = lint(doc)
    assert {p.kind for p in problems} <= {"crossing", "overlap", "duplicate"}
    found = {tuple(sorted((owner[p.handle], owner[p.other]))) for p in problems}
    brute = {
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if _boundaries_meet(boxes[i], boxes[j])
    }
    assert found == brute
    event(f"pairs that meet: {min(len(brute), 3)}{'+' if len(brute) > 2 else ''}")


@PROPERTY
@given(boxes=rects, data=st.data())
def test_lint_finds_a_meeting_pair_in_any_representation(
    boxes: list[Rect], data: st.DataObject
) -> None:
    styles = data.draw(st.lists(st.integers(0, 3), min_size=len(boxes), max_size=len(boxes)))
    doc, _ = _draw(boxes, styles)
    brute = any(
        _boundaries_meet(boxes[i], boxes[j])
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
    )
    assert bool(lint(doc)) is brute
    event(f"some pair meets: {brute}")


# --- circles and rectangles: arcs against brute force in integers -----------------------

Shape = tuple[str, tuple[int, int, int, int]]  # ("rect", x0 y0 x1 y1) | ("circle", cx cy r 0)
shapes = st.lists(
    st.one_of(
        st.tuples(
            st.integers(0, 30), st.integers(0, 30), st.integers(1, 12), st.integers(1, 12)
        ).map(lambda t: ("rect", (t[0], t[1], t[0] + t[2], t[1] + t[3]))),
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(1, 10)).map(
            lambda t: ("circle", (t[0], t[1], t[2], 0))
        ),
    ),
    min_size=1,
    max_size=8,
)


def _meet(a: Shape, b: Shape) -> bool:
    """Brute force, exact in integers: the boundaries of two closed shapes meet iff the
    shapes intersect and neither lies in the other's interior (both are Jordan regions)."""
    if a[0] == "rect" and b[0] == "rect":
        return _boundaries_meet(a[1], b[1])
    if a[0] == "circle" and b[0] == "circle":
        (x1, y1, r1, _), (x2, y2, r2, _) = a[1], b[1]
        d2 = (x1 - x2) ** 2 + (y1 - y2) ** 2
        return (r1 - r2) ** 2 <= d2 <= (r1 + r2) ** 2
    (x0, y0, x1, y1), (cx, cy, r, _) = (a[1], b[1]) if a[0] == "rect" else (b[1], a[1])
    dx, dy = max(x0 - cx, 0, cx - x1), max(y0 - cy, 0, cy - y1)
    if dx * dx + dy * dy > r * r:
        return False  # apart
    disk_inside = x0 < cx - r and cx + r < x1 and y0 < cy - r and cy + r < y1
    rect_inside = all((x - cx) ** 2 + (y - cy) ** 2 < r * r for x in (x0, x1) for y in (y0, y1))
    return not disk_inside and not rect_inside


@PROPERTY
@given(items=shapes, data=st.data())
def test_lint_finds_exactly_the_circles_and_rectangles_that_meet(
    items: list[Shape], data: st.DataObject
) -> None:
    as_entity = data.draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
    doc = ezdxf.new("R2000")
    doc.layers.add("CUT")
    msp = doc.modelspace()
    owner: dict[str, int] = {}
    cut = {"layer": "CUT"}
    for k, ((kind, (a, b, c, d)), entity) in enumerate(zip(items, as_entity, strict=True)):
        if kind == "rect":
            e = msp.add_lwpolyline([(a, b), (c, b), (c, d), (a, d)], close=True, dxfattribs=cut)
        elif entity:
            e = msp.add_circle((a, b), c, dxfattribs=cut)
        else:  # two half-circle bulges, as geom.model.contour.circle draws a hole
            rows = [(x, y, 0, 0, bulge) for x, y, bulge in circle(2 * c, a, b)]
            e = msp.add_lwpolyline(rows, format="xyseb", close=True, dxfattribs=cut)
        owner[e.dxf.handle] = k
    problems = lint(doc)
    assert {p.kind for p in problems} <= {"crossing", "overlap", "duplicate"}
    found = {tuple(sorted((owner[p.handle], owner[p.other]))) for p in problems}
    brute = {
        (i, j)
        for i in range(len(items))
        for j in range(i + 1, len(items))
        if _meet(items[i], items[j])
    }
    assert found == brute
    event(f"pairs that meet: {min(len(brute), 3)}{'+' if len(brute) > 2 else ''}")


# --- 3D: bodies and the 3D check over random parts ---------------------------------------

MARGIN_MM = 1e-3
"""Below this an interference is thinner than the 3D check's 1e-3 mm3 threshold can see:
cases that close to a limit are not compared (touching, exactly 0, is compared)."""


def _visible_2d(fit: Fit) -> tuple[bool, bool]:
    """(what the 3D check can see holds in 2D, the case sits in a limit's thin margin):
    no interference on the sides or at the corners, latch grip and latch reach."""
    snap = fit.part.fit
    named = {c.name: c for c in fit.checks}
    clearance = min(fit.opening[a].min - snap.collar(a).max for a in ("width", "height"))
    corner = named["corner_radius"].figures.get("corner_gap", math.inf)
    reach = named["latch_reach"].figures["catch_per_side"] - snap.latch_min_catch
    grip = named["grip"].figures
    grip_gap = min(
        grip["finished_plate_min"] - grip["grip_min"], grip["grip_max"] - grip["finished_plate_max"]
    )
    margins = [clearance, corner, reach, grip_gap]
    in_margin = any(EPS_MM < abs(m) < MARGIN_MM for m in margins)
    ok = all(m >= -EPS_MM for m in margins)
    return ok, in_margin


def _round_ends() -> Fit:
    """A part `parts(fitting=True)` draws with both corner fractions 1: collar and cut
    corners half the collar height (fully round ends), the opening at its smallest equal
    to the collar, so the round ends touch its edge. Before the fix 3D said the latch on
    one side caught 0 mm (the merged body was invalid and the boolean lost the wing),
    2D that the fit holds."""
    return _example(
        Size.between(0.5, 2.0),
        envelope={
            "width": _q(45.5),
            "height": _q(18.5),
            "depth": [_q(37.5)],
            "depth_policy": "max",
        },
        grip={"min": _q(0.5), "max": _q(2.0)},
        cutout={
            "width": _q(41.5),
            "height": _q(15.5),
            "corner_radius": _q(7.75),
            "tolerance": _q(0.1),
        },
        flange={"thickness": _q(2.0), "min_overlap": _q(0.4)},
        collar={
            "width": _q(41.5, minus=0.0),
            "height": _q(15.5, minus=0.0),
            "corner_radius": _q(7.75),
        },
        latch={"axis": "width", "span": _q(43.5, minus=0.2), "min_catch": _q(0.3)},
    )


@kernel_property
@given(fit=fits())
@example(fit=_round_ends())
@example(fit=_plate_of_float_noise())
@example(fit=_round_corner_touching())
@example(fit=_rounder_opening_with_play())
def test_bodies_are_valid_and_3d_agrees_with_2d(fit: Fit) -> None:
    from geom.cad.fit3d import INTERFERENCE_LIMIT_MM3, check_3d
    from geom.services import write_body

    cq = pytest.importorskip("cadquery")
    snap, part = fit.part.fit, fit.part
    flange = part.width if snap.latch_axis == "width" else part.height
    # geom.model.body refuses (InputError) latch wings that do not fit between the collar and
    # the flange edge: the envelope must hold the body. Those parts are not 3D material.
    assume(snap.collar(snap.latch_axis).max < snap.latch_span.min)
    assume(snap.latch_span.max <= flange)
    try:
        result = check_3d(fit)
    except InputError as exc:  # another [body] limit: a clear one-line refusal
        event(f"body refused: {exc.field}")
        assert "\n" not in str(exc)
        return
    event("3D checked")
    if "corner_gap" in next(c for c in fit.checks if c.name == "corner_radius").figures:
        play = sum(fit.opening[a].min - snap.collar(a).max > EPS_MM for a in ("width", "height"))
        event(f"opening corners rounder than the collar's, play on {play} axes")
    ok_2d, in_margin = _visible_2d(fit)
    event("within a limit's margin" if in_margin else f"compared, 2D {'ok' if ok_2d else 'fails'}")
    if not result.decided:  # it fails, with its reason; it never reads as a pass
        event("3D undecidable")
        assert not result.ok
        assert all(c.reason for c in result.cases if not c.decided)
    elif not in_margin:
        assert result.ok == ok_2d, (result.report(), [c for c in fit.checks if not c.ok])
        if ok_2d:
            assert result.interference_mm3 is not None
            assert result.interference_mm3 <= INTERFERENCE_LIMIT_MM3
    with tempfile.TemporaryDirectory() as tmp:
        step = write_body(fit.part, fit.part.fit.grip.max, Path(tmp))
        solids = cq.importers.importStep(str(step)).solids().vals()
    assert len(solids) == 1
    (solid,) = solids
    assert solid.isValid() and solid.Volume() > 0
    box = solid.BoundingBox()
    assert box.xlen == pytest.approx(fit.part.width, abs=0.01)
    assert box.ylen == pytest.approx(fit.part.height, abs=0.01)
    assert box.zlen == pytest.approx(fit.part.depth, abs=0.01)


def test_properties_take_their_settings_from_the_profile() -> None:
    """No decorator pins what the profile sets: CI runs derandomized, without a database,
    with the profile's example count; `--hypothesis-profile=geom-deep` changes all three."""
    profile = settings()
    tests = [
        test_written_cutout_is_closed_clean_and_as_reported,
        test_cli_cutout_is_closed_clean_and_as_reported,
        test_lint_finds_exactly_the_pairs_that_meet,
        test_lint_finds_a_meeting_pair_in_any_representation,
        test_lint_finds_exactly_the_circles_and_rectangles_that_meet,
        test_bodies_are_valid_and_3d_agrees_with_2d,
    ]
    for test in tests:
        used = test._hypothesis_internal_use_settings  # type: ignore[attr-defined]
        assert used.derandomize == profile.derandomize
        assert used.database == profile.database
        kernel = test is test_bodies_are_valid_and_3d_agrees_with_2d
        assert used.max_examples == (kernel_settings() if kernel else profile).max_examples
    if settings.get_current_profile_name() == CI:
        assert profile.derandomize and profile.database is None
