"""The cutout DXF as a shop's CAM reads it: one closed loop on CUT with true arcs, in mm,
measured from the written file and compared with the fit report written beside it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import TEMPLATE_IDS
from measure import (
    Loop,
    cut_loops,
    cut_template,
    exact_extents,
    expected_extents,
    expected_sizes,
    header,
    hole_count,
    hole_diameter,
    main_and_holes,
    read,
    size_of,
    template_data,
    texts,
)

SHIPPED = Path(__file__).parents[1] / "templates" / "770-744_064-000.toml"
TOL = 1e-6
DATA = template_data()
"""Every shipped template's own numbers (tomllib), by part id."""


def _cutout(part_id: str) -> dict:
    """The [cutout] table the part is cut by (a framed part: its frame's)."""
    return cut_template(DATA[part_id], DATA)["cutout"]


def _plates(part_id: str) -> list[str]:
    """Both ends of the part's grip range and its middle (mm), from its template."""
    grip = cut_template(DATA[part_id], DATA)["grip"]
    low, high = grip["min"]["value"], grip["max"]["value"]
    return sorted({f"{low:g}", f"{(low + high) / 2:g}", f"{high:g}"}, key=float)


def _band_width(cutout: dict, name: str) -> float:
    """The width of size `name`'s band (mm): its own, else the cutout's tolerance."""
    low, high = cutout[name].get("band", [0.0, cutout["tolerance"]["value"]])
    return float(high - low)


def _report(out: Path, part_id: str) -> dict:
    return json.loads((out / f"{part_id.replace('/', '_')}-fit.json").read_text())


def _dxf(out: Path, part_id: str) -> Path:
    return out / f"{part_id.replace('/', '_')}-cutout.dxf"


def _measured(kind: str, loop: Loop) -> dict[str, float]:
    """The shape's toleranced sizes measured from the written loop alone (mm): extents,
    and for a notch its straight sides; a trapezoid's sharp width from its slanted sides
    extended to its top edge."""
    width, height = size_of(loop.entities)
    if kind == "rect":
        return {"width": width, "height": height}
    if kind == "circle":
        return {"diameter": width}
    lines = [(s.start, s.end) for s in loop.segments if not s.radius]
    if kind == "circle-notch":
        sides = sorted(a.x for a, b in lines if abs(a.x - b.x) < TOL)
        return {
            "diameter": 2 * max(loop.radii),
            "notch_width": sides[-1] - sides[0],
            "notch_reach": height,
        }
    if kind == "trapezoid":
        top = exact_extents(loop.entities)[3]
        slanted = [(a, b) for a, b in lines if abs(a.x - b.x) > TOL and abs(a.y - b.y) > TOL]
        xs = [a.x + (top - a.y) * (b.x - a.x) / (b.y - a.y) for a, b in slanted]
        return {"width": max(xs) - min(xs), "height": height}
    raise AssertionError(f"shape {kind}: not measured here")


def _check_cut(loops: list[Loop], cutout: dict, target: str = "mid") -> tuple[Loop, list[Loop]]:
    """The written loops are the cut and its fixing holes, each closed, centred and of the
    template's sizes plus the fit's offset; returns them."""
    main, holes = main_and_holes(loops, hole_count(cutout))
    assert len(loops) == 1 + hole_count(cutout)
    assert all(lp.closed for lp in loops)
    kind = cutout.get("shape", "rect")
    sizes = expected_sizes(cutout, target)
    for name, value in _measured(kind, main).items():
        assert value == pytest.approx(sizes[name], abs=TOL), name
    x0, _, x1, _ = exact_extents(main.entities)
    assert (x0 + x1) / 2 == pytest.approx(0.0, abs=1e-9)
    assert size_of(main.entities) == pytest.approx(expected_extents(cutout, sizes), abs=TOL)
    if kind == "rect":
        assert len(main.arcs) == 4
        for arc in main.arcs:
            assert arc.radius == pytest.approx(cutout["corner_radius"]["value"], abs=TOL)
            assert abs(arc.sweep_deg) == pytest.approx(90.0, abs=1e-9)
    want = sorted(
        (round(x, 6), round(y, 6))
        for x, y in cutout.get("holes", {}).get("positions", {"value": []})["value"]
    )
    assert sorted((round(h.centre[0], 6), round(h.centre[1], 6)) for h in holes) == want
    for hole in holes:
        assert [e.dxftype() for e in hole.entities] == ["CIRCLE"]
        assert 2 * hole.radii[0] == pytest.approx(hole_diameter(cutout, target), abs=TOL)
    assert min(s.length for lp in loops for s in lp.segments) > 1e-3, "no zero-length segments"
    return main, holes


CASES = [
    (pid, plate, target)
    for pid in TEMPLATE_IDS
    for plate in _plates(pid)
    for target in ("mid", "nominal")
]


@pytest.mark.parametrize(("part_id", "plate", "target"), CASES, ids=lambda v: str(v))
def test_contour_matches_the_template_and_the_report(
    geom, part_id: str, plate: str, target: str, tmp_path: Path
) -> None:
    """At both ends and the middle of the part's grip range, both targets: the written
    cut measures the template's numbers plus the fit's offset, and the report says so."""
    run = geom("cutout", part_id, "--sheet", plate, "--target", target, "-o", tmp_path)
    assert run.code == 0, run.out + run.err
    report = _report(tmp_path, part_id)
    cutout = _cutout(part_id)
    main, _ = _check_cut(cut_loops(_dxf(tmp_path, part_id)), cutout, target)
    kind = cutout.get("shape", "rect")
    rim = "CIRCLE" if kind == "circle" else "LWPOLYLINE"
    assert [e.dxftype() for e in main.entities] == [rim]
    for name, value in _measured(kind, main).items():
        assert value == pytest.approx(report["cutout_mm"][name], abs=TOL), name

    # Never interference, never more play than the band and the collar's own tolerance
    # allow together (docs/fit-model.md), per size the collar has.
    collar = cut_template(DATA[part_id], DATA)["collar"]
    allowed = [
        _band_width(cutout, name) + collar[name].get("minus", 0.0)
        for name in expected_sizes(cutout)
        if isinstance(collar.get(name), dict)
    ]
    clearance = report["clearance_mm"]
    assert clearance["min"] >= 0.0
    assert clearance["max"] <= max(allowed) + 1e-12
    assert report["ok"] is True
    assert report["sheet_mm"] == {"min": float(plate), "max": float(plate)}


def _assumed(node: object) -> bool:
    """Whether any quoted number below `node` has the source "assumed"."""
    if isinstance(node, dict):
        return node.get("source") == "assumed" or any(_assumed(v) for v in node.values())
    if isinstance(node, list):
        return any(_assumed(v) for v in node)
    return False


def test_units_layers_and_only_contours_on_cut(geom, template_id: str, tmp_path: Path) -> None:
    assert geom("cutout", template_id, "-o", tmp_path).code == 0
    path = _dxf(tmp_path, template_id)
    doc = read(path)
    assert doc.dxfversion == "AC1015"  # R2000
    assert header(path, "$INSUNITS") == 4
    assert header(path, "$MEASUREMENT") == 1
    cut = doc.modelspace().query('*[layer=="CUT"]')
    cutout = _cutout(template_id)
    kinds = {"CIRCLE" if cutout.get("shape") == "circle" else "LWPOLYLINE"}
    assert {e.dxftype() for e in cut} == kinds | ({"CIRCLE"} if hole_count(cutout) else set())
    assert all(e.closed for e in cut.query("LWPOLYLINE"))
    others = {e.dxf.layer for e in doc.modelspace()} - {"CUT"}
    assert others == {"NOTES"}
    notes = " ".join(texts(path, "NOTES"))
    assert template_id in notes
    report = _report(tmp_path, template_id)
    # The cut rests on an assumed number exactly when its [cutout] quotes one.
    assumed = _assumed(cutout)
    assert report["cut_assumed"] is assumed
    assert ("verify against the manufacturer's drawing" in notes) is assumed
    # WAGO's punched-edge note comes from 770-744's own data sheet ([part] notes) only.
    assert ("punched edge on the inside" in notes) == template_id.startswith("770-744")


def test_coating_enlarges_the_cut(geom, tmp_path: Path) -> None:
    """The cut is drawn 2c larger so the finished opening lands in the band."""
    bare, coated = tmp_path / "bare", tmp_path / "coated"
    assert geom("cutout", "770-744", "--sheet", "1.5", "-o", bare).code == 0
    assert geom("cutout", "770-744", "--sheet", "1.5", "--coating", "0.08", "-o", coated).code == 0
    a = cut_loops(_dxf(bare, "770-744/064-000"))[0]
    b = cut_loops(_dxf(coated, "770-744/064-000"))[0]
    assert b.width - a.width == pytest.approx(0.16, abs=TOL)
    assert b.height - a.height == pytest.approx(0.16, abs=TOL)
    report = _report(coated, "770-744/064-000")
    assert report["finished_mm"]["width"] == pytest.approx(a.width, abs=TOL)
    assert report["finished_plate_mm"] == {"min": 1.66, "max": 1.66}


def test_target_nominal_draws_the_band_floor(geom, tmp_path: Path) -> None:
    mid, low = tmp_path / "mid", tmp_path / "low"
    assert geom("cutout", "770-744", "-o", mid).code == 0
    assert geom("cutout", "770-744", "--target", "nominal", "-o", low).code == 0
    m = cut_loops(_dxf(mid, "770-744/064-000"))[0]
    n = cut_loops(_dxf(low, "770-744/064-000"))[0]
    tolerance = _report(mid, "770-744/064-000")["tolerance_mm"]
    assert m.width - n.width == pytest.approx(tolerance / 2, abs=TOL)
    assert _report(low, "770-744/064-000")["process_tolerance_mm"] == {
        "minus": 0.0,
        "plus": pytest.approx(tolerance, abs=1e-12),
    }
    assert _report(mid, "770-744/064-000")["process_tolerance_mm"] == {
        "minus": pytest.approx(tolerance / 2),
        "plus": pytest.approx(tolerance / 2),
    }


def test_r12_has_the_same_loop_and_says_it_has_no_units(
    geom, template_id: str, tmp_path: Path
) -> None:
    run = geom("cutout", template_id, "--dxf-version", "r12", "-o", tmp_path)
    assert run.code == 0
    assert "R12 carries no units" in run.err
    path = _dxf(tmp_path, template_id)
    assert read(path).dxfversion == "AC1009"
    assert header(path, "$INSUNITS") is None
    cutout = _cutout(template_id)
    main, _ = _check_cut(cut_loops(path), cutout)
    rim = "CIRCLE" if cutout.get("shape") == "circle" else "POLYLINE"
    assert [e.dxftype() for e in main.entities] == [rim]


@pytest.mark.parametrize("version", ["r2000", "r12"])
def test_explode_gives_lines_and_arcs_that_close(
    geom, template_id: str, version: str, tmp_path: Path
) -> None:
    """Exploded, the cut is LINE and ARC entities (a round cut stays one CIRCLE) that
    close, of the template's sizes, one entity per segment of the polyline form, and of
    the same perimeter (a rect's: 2 (w + h) - 8 r + 2 pi r from its numbers)."""
    whole, parts = tmp_path / "whole", tmp_path / "exploded"
    assert geom("cutout", template_id, "--dxf-version", version, "-o", whole).code == 0
    run = geom("cutout", template_id, "--explode", "--dxf-version", version, "-o", parts)
    assert run.code == 0
    cutout = _cutout(template_id)
    loop, _ = _check_cut(cut_loops(_dxf(parts, template_id)), cutout)
    polyline, _ = main_and_holes(cut_loops(_dxf(whole, template_id)), hole_count(cutout))
    if cutout.get("shape") == "circle":
        assert [e.dxftype() for e in loop.entities] == ["CIRCLE"]
        return
    arcs = len(polyline.arcs)
    lines = len(polyline.segments) - arcs
    assert sorted(e.dxftype() for e in loop.entities) == ["ARC"] * arcs + ["LINE"] * lines
    assert sorted(loop.radii) == pytest.approx(sorted(polyline.radii), abs=TOL)
    perimeter = sum(s.length for s in loop.segments)
    assert perimeter == pytest.approx(sum(s.length for s in polyline.segments), abs=TOL)
    if cutout.get("shape", "rect") == "rect":
        sizes = expected_sizes(cutout)
        w, h, r = sizes["width"], sizes["height"], cutout["corner_radius"]["value"]
        assert perimeter == pytest.approx(2 * (w + h) - 8 * r + 2 * math.pi * r, abs=TOL)


def test_failing_fit_removes_an_earlier_dxf_of_the_same_name(geom, tmp_path: Path) -> None:
    """Regression: a DXF from a passing run stayed beside the failing run's report."""
    assert geom("cutout", "770-744", "--sheet", "1.5", "-o", tmp_path).code == 0
    assert _dxf(tmp_path, "770-744/064-000").exists()
    run = geom("cutout", "770-744", "--sheet", "2.0", "--coating", "0.08", "-o", tmp_path)
    assert run.code == 1
    assert not _dxf(tmp_path, "770-744/064-000").exists()
    report = _report(tmp_path, "770-744/064-000")
    assert report["files"]["removed_stale"] == ["770-744_064-000-cutout.dxf"]


def test_failing_fit_withholds_the_dxf_unless_forced(geom, tmp_path: Path) -> None:
    """A 2.0 mm sheet with 0.08 mm coating is 2.16 mm finished: out of the 0.5-2 mm grip."""
    run = geom("cutout", "770-744", "--sheet", "2.0", "--coating", "0.08", "-o", tmp_path)
    assert run.code == 1
    assert "too thick" in run.out and "at most 1.840 mm" in run.out
    assert not _dxf(tmp_path, "770-744/064-000").exists()
    report = _report(tmp_path, "770-744/064-000")
    assert report["ok"] is False
    assert [c["name"] for c in report["checks"] if not c["ok"]] == ["grip"]
    forced = geom(
        "cutout", "770-744", "--sheet", "2.0", "--coating", "0.08", "--force", "-o", tmp_path
    )
    assert forced.code == 1
    assert len(cut_loops(_dxf(tmp_path, "770-744/064-000"))) == 1


def test_same_input_same_bytes(geom, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            geom(
                "cutout",
                "770-744",
                "--sheet",
                "1",
                "--coating",
                "0.06..0.09",
                "-o",
                tmp_path / name,
            ).code
            == 0
        )
    for suffix in ("cutout.dxf", "fit.json"):
        a = (tmp_path / "a" / f"770-744_064-000-{suffix}").read_bytes()
        assert a == (tmp_path / "b" / f"770-744_064-000-{suffix}").read_bytes()


def test_cli_offers_exactly_the_writer_dxf_versions() -> None:
    from typing import get_args

    from geom.cli.options import DXF_VERSIONS
    from geom.dxf.writer import DxfVersion

    assert get_args(DxfVersion) == DXF_VERSIONS


@pytest.mark.parametrize(
    ("collar", "minus", "verdict"),
    [(41.5, 0.05, "fits"), (41.6, 0.0, "interference"), (41.3, 0.0, "play")],
)
def test_collar_verdicts_hold_on_the_written_dxf(
    geom, tmp_path: Path, collar: float, minus: float, verdict: str
) -> None:
    """In the 41.5 +0.1 cutout (IEC 61554: the part's own tolerance is negative): a
    41.5 -0.05 collar fits (clearance 0 .. 0.15 mm), 41.6 interferes, 41.3 -0 plays too
    much. The clearance is worked out again from the cut measured on the DXF: bare sheet,
    mid target, so the opening is the cut +/- T/2."""
    text = SHIPPED.read_text(encoding="utf-8").replace(
        'width = { value = 41.5, minus = 0.0, source = "assumed" }',
        f'width = {{ value = {collar}, minus = {minus}, source = "assumed" }}',
    )
    template = tmp_path / "variant.toml"
    template.write_text(text, encoding="utf-8")
    run = geom("cutout", template, "--sheet", "1.5", "--force", "-o", tmp_path, "--json")
    assert run.code == (0 if verdict == "fits" else 1), run.err
    report = run.json()
    (loop,) = cut_loops(_dxf(tmp_path, "770-744/064-000"))
    tol = 0.1
    # per axis: (measured cut, collar max, collar min); the height's collar is 15.5 -0
    axes = [(loop.width, collar, collar - minus), (loop.height, 15.5, 15.5)]
    lows = [cut - tol / 2 - k_max for cut, k_max, _ in axes]
    highs = [cut + tol / 2 - k_min for cut, _, k_min in axes]
    allowed = [tol + minus, tol]
    clearance = report["clearance_mm"]
    assert clearance["min"] == pytest.approx(min(lows), abs=TOL)
    assert clearance["max"] == pytest.approx(max(highs), abs=TOL)
    (check,) = (c for c in report["checks"] if c["name"] == "clearance")
    holds = min(lows) >= -TOL and all(h <= a + TOL for h, a in zip(highs, allowed, strict=True))
    assert check["ok"] is holds is (verdict == "fits")
    if verdict == "fits":
        assert (lows[0], highs[0]) == (pytest.approx(0.0, abs=TOL), pytest.approx(0.15, abs=TOL))
    else:
        assert verdict in check["message"]
