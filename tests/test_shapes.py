"""Every cutout shape, read back as a shop's CAM reads it: the written DXF, re-read with
ezdxf, measures the cut the report states to 1e-6 mm, and that cut is the template's
number plus the fit's offset worked out here (target mid, no coating: the band's lower
limit + half the band). Round cuts and fixing holes are CIRCLE entities in every DXF
form; the mounting kinds' own checks fail where the numbers say they must; a screw-fixed
part's own holes pass under its own flange, a neighbour's hole there does not."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from ezdxf.math import bulge_to_arc
from hypothesis import given
from hypothesis import strategies as st
from measure import Loop, cut_loops

from geom.data.templates import load_catalog, load_file
from geom.dxf.lint import lint_file
from geom.errors import InputError
from geom.model.conditions import Conditions
from geom.model.fit import evaluate
from geom.model.tolerance import Size
from geom.panel.layout import check_layout
from geom.panel.model import load_panel

DATA = Path(__file__).resolve().parent / "data" / "shapes"
SHAPES = sorted(DATA.glob("*.toml"))
CATALOG = load_catalog()
TOL = 1e-6


def _source(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _contour_extent(cutout: dict[str, Any], name: str) -> float:
    """A free contour's width or height from its segments: line ends and the arcs' axis
    points (this template's arcs run 0 to 180 degrees: their top point)."""
    xs: list[float] = []
    ys: list[float] = []
    for seg in cutout["segments"]["value"]:
        if "line" in seg:
            xs += [p[0] for p in seg["line"]]
            ys += [p[1] for p in seg["line"]]
        else:
            (cx, cy), r = seg["arc"]["centre"], seg["arc"]["radius"]
            xs += [cx - r, cx + r]
            ys += [cy + r]
    return max(xs) - min(xs) if name == "width" else max(ys) - min(ys)


def _expected(cutout: dict[str, Any], name: str) -> float:
    """The cut of size `name` worked out from the template: lower limit + half the band
    (target mid, bare sheet)."""
    if cutout.get("shape") == "contour":
        return _contour_extent(cutout, name) + cutout["tolerance"]["value"] / 2
    entry = cutout[name]
    low, high = entry.get("band", [0.0, cutout["tolerance"]["value"]])
    return entry["value"] + low + (high - low) / 2


def _run(geom, path: Path, out: Path, *more: str) -> tuple[list[Loop], dict[str, Any]]:
    run = geom("cutout", path, "--sheet", "1.5", "-o", out, *more)
    assert run.code == 0, run.out + run.err
    pid = _source(path)["part"]["id"].replace("/", "_")
    report = json.loads((out / f"{pid}-fit.json").read_text(encoding="utf-8"))
    return cut_loops(out / f"{pid}-cutout.dxf"), report


def _extents(loop: Loop) -> tuple[float, float, float, float]:
    """Exact extents of a loop: its vertices and the axis points its arcs pass (ezdxf's
    bulge_to_arc for the centres; never geom's contour code)."""
    xs: list[float] = []
    ys: list[float] = []
    for e in loop.entities:
        if e.dxftype() == "CIRCLE":
            (cx, cy, _), r = e.dxf.center, e.dxf.radius
            return cx - r, cy - r, cx + r, cy + r
        pts = list(e.get_points("xyb"))
        for i, (x, y, b) in enumerate(pts):
            xs.append(x)
            ys.append(y)
            if not b:
                continue
            nx, ny, _ = pts[(i + 1) % len(pts)]
            centre, a0, a1, r = bulge_to_arc((x, y), (nx, ny), b)
            span = (a1 - a0) % math.tau
            for k in range(4):
                if (k * math.pi / 2 - a0) % math.tau <= span:
                    xs.append(centre.x + r * math.cos(k * math.pi / 2))
                    ys.append(centre.y + r * math.sin(k * math.pi / 2))
    return min(xs), min(ys), max(xs), max(ys)


def _size(loop: Loop) -> tuple[float, float]:
    x0, y0, x1, y1 = _extents(loop)
    return x1 - x0, y1 - y0


def _lines(loop: Loop) -> list[tuple[ezdxf.math.Vec2, ezdxf.math.Vec2]]:
    return [(s.start, s.end) for s in loop.segments if not s.radius]


def _measured(kind: str, loop: Loop) -> dict[str, float]:
    """The shape's sizes measured from the DXF loop alone (mm)."""
    width, height = _size(loop)
    if kind in ("rect", "obround", "contour"):
        return {"width": width, "height": height}
    if kind == "circle":
        return {"diameter": 2 * loop.radii[0]}
    if kind == "circle-notch":
        sides = sorted(a.x for a, b in _lines(loop) if abs(a.x - b.x) < TOL)
        return {
            "diameter": 2 * max(loop.radii),
            "notch_width": sides[-1] - sides[0],
            "notch_reach": height,
        }
    if kind == "d":
        return {"diameter": width, "across_flat": height}
    if kind == "double-d":
        return {"diameter": width, "across_flats": height}
    if kind == "polygon":  # an even polygon: flats at -Y and +Y
        return {"across_flats": height}
    if kind == "trapezoid":
        # The sharp trapezoid's width: its slanted sides extended to the top edge.
        top = _extents(loop)[3]
        slanted = [(a, b) for a, b in _lines(loop) if abs(a.x - b.x) > TOL and abs(a.y - b.y) > TOL]
        xs = [a.x + (top - a.y) * (b.x - a.x) / (b.y - a.y) for a, b in slanted]
        return {"width": max(xs) - min(xs), "height": height}
    raise AssertionError(kind)


@pytest.mark.parametrize("path", SHAPES, ids=lambda p: p.stem)
def test_dxf_measures_the_source_plus_the_offset(geom, path: Path, tmp_path: Path) -> None:
    data = _source(path)
    cutout = data["cutout"]
    kind = cutout.get("shape", "rect")
    loops, report = _run(geom, path, tmp_path)
    holes = cutout.get("holes")
    cut = [lp for lp in loops if lp.entities[0].dxftype() != "CIRCLE" or holes is None]
    assert len(cut) == 1 and cut[0].closed
    measured = _measured(kind, cut[0])
    for name, value in measured.items():
        assert value == pytest.approx(_expected(cutout, name), abs=TOL), name
        stated = report["cutout_mm"][name]
        assert value == pytest.approx(stated, abs=TOL), name
    assert report["ok"] is True
    if holes is None:
        assert report["holes_mm"] is None
        return
    # The fixing holes: one CIRCLE each at its position, band lower limit + half the band.
    round_holes = [lp for lp in loops if lp is not cut[0]]
    diameter = holes["diameter"]["value"] + holes["tolerance"]["value"] / 2
    assert sorted((round(lp.centre[0], 6), round(lp.centre[1], 6)) for lp in round_holes) == sorted(
        (x, y) for x, y in holes["positions"]["value"]
    )
    for lp in round_holes:
        assert [e.dxftype() for e in lp.entities] == ["CIRCLE"]
        assert 2 * lp.radii[0] == pytest.approx(diameter, abs=TOL)
    assert report["holes_mm"]["cut_diameter"] == pytest.approx(diameter, abs=TOL)


@pytest.mark.parametrize(
    "fmt", [(), ("--dxf-version", "r12"), ("--explode",)], ids=["r2000", "r12", "exploded"]
)
def test_a_round_cut_is_one_circle_in_every_dxf_form(geom, tmp_path: Path, fmt: tuple) -> None:
    path = DATA / "circle-nut.toml"
    run = geom("cutout", path, "--sheet", "1.5", "-o", tmp_path, *fmt)
    assert run.code == 0
    dxf = tmp_path / "test_circle-nut-cutout.dxf"
    doc = ezdxf.readfile(dxf)
    cut = list(doc.modelspace().query("*[layer=='CUT']"))
    assert [e.dxftype() for e in cut] == ["CIRCLE"]
    assert 2 * cut[0].dxf.radius == pytest.approx(16.0 + 0.1, abs=TOL)
    assert tuple(cut[0].dxf.center)[:2] == (0.0, 0.0)
    assert lint_file(dxf) == []


def test_inline_circle_writes_one_circle(geom, tmp_path: Path) -> None:
    """The command from the issue: old spellings, one CIRCLE of 16.1 (mid of 16 +0.2/0)."""
    run = geom(
        "cutout",
        "--shape",
        "circle",
        "--diameter",
        "16",
        "--tolerance",
        "0.2",
        "--plate-min",
        "0.5",
        "--plate-max",
        "3.2",
        "--plate",
        "1.5",
        "--id",
        "b16",
        "-o",
        tmp_path,
    )
    assert run.code == 0, run.out + run.err
    cut = list(ezdxf.readfile(tmp_path / "b16-cutout.dxf").modelspace().query("*[layer=='CUT']"))
    assert [e.dxftype() for e in cut] == ["CIRCLE"]
    assert 2 * cut[0].dxf.radius == pytest.approx(16.1, abs=TOL)
    report = json.loads((tmp_path / "b16-fit.json").read_text(encoding="utf-8"))
    assert report["ok"] is True and report["mounting"] == "nut"
    assert any("no collar" in n for n in report["notes"])
    # The new spellings give the same file.
    again = tmp_path / "again"
    run = geom("cutout", "--shape", "circle", "--diameter", "16", "--tolerance", "0.2",
               "--grip-min", "0.5", "--grip-max", "3.2", "--sheet", "1.5", "--id", "b16",
               "-o", again)  # fmt: skip
    assert run.code == 0
    assert (again / "b16-cutout.dxf").read_bytes() == (tmp_path / "b16-cutout.dxf").read_bytes()


def test_inline_rect_and_notch(geom, tmp_path: Path) -> None:
    run = geom("cutout", "--shape", "rect", "--width", "30", "--height", "20",
               "--corner-radius", "1", "--tolerance", "0.2", "--grip-min", "1",
               "--grip-max", "3", "--sheet", "1.5", "--id", "r", "-o", tmp_path)  # fmt: skip
    assert run.code == 0, run.out + run.err
    (loop,) = cut_loops(tmp_path / "r-cutout.dxf")
    assert _size(loop) == pytest.approx((30.1, 20.1), abs=TOL)
    assert loop.radii == pytest.approx([1.0] * 4, abs=TOL)
    run = geom("cutout", "--shape", "circle-notch", "--diameter", "22.3", "--notch-width",
               "3.2", "--notch-reach", "24.1", "--notch-corner-radius", "0.8",
               "--tolerance", "0.4", "--grip-min", "1", "--grip-max", "6", "--sheet", "2",
               "--id", "n", "-o", tmp_path)  # fmt: skip
    assert run.code == 0, run.out + run.err
    (loop,) = cut_loops(tmp_path / "n-cutout.dxf")
    assert _measured("circle-notch", loop) == pytest.approx(
        {"diameter": 22.5, "notch_width": 3.4, "notch_reach": 24.3}, abs=TOL
    )


def test_inline_errors_are_one_line(geom, tmp_path: Path) -> None:
    run = geom("cutout", "--shape", "circle", "--tolerance", "0.2", "--grip-min", "1",
               "--grip-max", "3", "-o", tmp_path)  # fmt: skip
    assert run.code == 2
    assert "--diameter" in run.err and "missing" in run.err and len(run.err.splitlines()) == 1
    run = geom("cutout", "--shape", "star", "--diameter", "3", "-o", tmp_path)
    assert run.code == 2 and "not a known shape" in run.err
    connector = ("--width", "45", "--height", "18", "--depth", "30", "--grip-min", "1",
                 "--grip-max", "2", "--tolerance", "0.1")  # fmt: skip
    run = geom("cutout", "--poles", "two", *connector, "-o", tmp_path)
    assert run.code == 2 and "whole number" in run.err and "in mm" not in run.err
    assert not list(tmp_path.glob("*.dxf"))


def test_inline_connector_needs_no_poles(geom, tmp_path: Path) -> None:
    run = geom("check", "--width", "45.5", "--height", "18.5", "--depth", "36", "--grip-min",
               "0.5", "--grip-max", "2", "--tolerance", "0.1", "--json")  # fmt: skip
    report = json.loads(run.out)
    assert report["part"] == "inline" and report["cutout_mm"]["width"] == pytest.approx(41.55)


def _fit(name: str, **changes: Any):
    part = load_file(DATA / f"{name}.toml", CATALOG)
    assert part.snap is not None
    if changes:
        part = replace(part, snap=replace(part.snap, **changes))
    return evaluate(part, Conditions(sheet=Size.exact(1.5)))


def _failed(fit) -> set[str]:
    return {c.name for c in fit.failures()}


def test_mounting_checks_fail_where_they_must() -> None:
    # nut: a key wider than the smallest notch (3.2) interferes.
    assert _failed(_fit("notch-nut", key=Size.of(3.3, minus=0.05))) == {"key"}
    # nut: a washer 15 mm across does not cover the 16.2 opening by 1 mm.
    assert _failed(_fit("circle-nut", nut_across_flats=15.0)) == {"nut_cover"}
    # screw: an M3.5 screw does not pass a hole finished 3.05 .. 3.15.
    assert _failed(_fit("trapezoid-screw", screw_diameter=3.5)) == {"screw_passes"}
    # clamp: a plate thicker than the clamp range.
    assert _failed(_fit("obround-clamp", grip=Size.between(0.5, 1.2))) == {"grip"}
    # snap-in free contour: latches too short to catch.
    assert _failed(_fit("contour-snap", latch_span=Size.of(21.0))) == {"latch_reach"}
    # the rect with a band per size: the opening checked against that band.
    fit = _fit("rect-band-clamp")
    band = next(c for c in fit.checks if c.name == "opening_band").figures
    assert (band["height_band_min"], band["height_band_max"]) == pytest.approx((22.5, 22.8))
    assert (fit.opening["height"].min, fit.opening["height"].max) == pytest.approx((22.5, 22.8))


def test_holes_beyond_the_flange_fail() -> None:
    fit = _fit("trapezoid-screw")
    holes = fit.part.fit.holes
    assert holes is not None
    wide = replace(holes, positions=((-15.0, 0.0), (15.0, 0.0)))
    assert _failed(_fit("trapezoid-screw", holes=wide)) == {"holes_under_flange"}


def _panel(tmp_path: Path, body: str) -> Path:
    text = (
        "[panel]\nwidth = 200.0\nheight = 100.0\nsheet = 1.5\nshop_tolerance = 0.05\n"
        f'process = "laser"\nmin_web = 0.5\n{body}'
    )
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _screw_place(x: float) -> str:
    path = (DATA / "trapezoid-screw.toml").as_posix()
    return f'[[place]]\npart = "{path}"\nx = {x}\ny = 50.0\nrotation = 0\n'


def test_own_holes_under_own_flange_pass_a_neighbours_fail(tmp_path: Path) -> None:
    panel = load_panel(_panel(tmp_path, _screw_place(100.0)), CATALOG)
    assert check_layout(panel) == []
    # A neighbour 27 mm away: its left hole (at 127 - 12.495) lies under the first flange
    # (out to 100 + 15.405), while the cutouts and flanges... overlap too; only holes asked.
    panel = load_panel(_panel(tmp_path, _screw_place(100.0) + _screw_place(127.0)), CATALOG)
    under = [v for v in check_layout(panel) if v.rule == "hole_under_flange"]
    assert {v.entries for v in under} == {
        ("place[0]", "place[1].holes[0]"),
        ("place[1]", "place[0].holes[1]"),
    }
    first = next(v for v in under if v.entries[0] == "place[0]")
    assert first.positions[0] == (100.0, 50.0)
    assert first.positions[1] == pytest.approx((127.0 - 12.495, 50.0), abs=TOL)
    assert "114.505" in first.message
    # A [[hole]] of the panel file under the flange fails the same way.
    hole = "[[hole]]\nx = 100.0\ny = 55.0\ndiameter = 1.0\n"
    panel = load_panel(_panel(tmp_path, _screw_place(100.0) + hole), CATALOG)
    under = [v for v in check_layout(panel) if v.rule == "hole_under_flange"]
    assert [v.entries for v in under] == [("place[0]", "hole[0]")]


def test_panel_writes_the_parts_holes_as_circles(geom, tmp_path: Path) -> None:
    path = _panel(tmp_path, _screw_place(100.0))
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 0, run.out + run.err
    dxf = tmp_path / "out" / "p-panel.dxf"
    circles = list(ezdxf.readfile(dxf).modelspace().query("CIRCLE[layer=='CUT']"))
    assert sorted(round(c.dxf.center.x, 6) for c in circles) == [100 - 12.495, 100 + 12.495]
    assert all(2 * c.dxf.radius == pytest.approx(3.05 + 0.05, abs=TOL) for c in circles)
    assert lint_file(dxf) == []
    # The drawing lists them as holes of the part, at +/- half the 24.99 mm pitch.
    drawing = ezdxf.readfile(tmp_path / "out" / "p-panel-drawing.dxf")
    texts = [t.dxf.text for t in drawing.modelspace().query("TEXT")]
    start = texts.index("dia.") + 1
    rows = [texts[i : i + 5] for i in range(start, start + 10, 5)]
    assert [[r[0], *r[2:]] for r in rows] == [
        ["H1", "87.505", "50.00", "3.10"],
        ["H2", "112.495", "50.00", "3.10"],
    ]
    # the label cell as wide as its column lets it be: "test/trapezoid-screw fixing" or
    # its start and "..."
    for r in rows:
        assert "test/trapezoid-screw fixing".startswith(r[1].removesuffix("..."))
        assert r[1].startswith("test/trap")


def test_free_contour_from_a_dxf_file(tmp_path: Path) -> None:
    """The contour read from a user's DXF (LINE and ARC, drawn clockwise and on its own
    layer) is the same loop as the inline segments: the same cut."""
    doc = ezdxf.new("R2000")
    msp = doc.modelspace()
    attribs = {"layer": "OUTLINE"}
    msp.add_line((-10, -8), (-10, 0), dxfattribs=attribs)
    msp.add_arc((0, 0), 10, 0, 180, dxfattribs=attribs)
    msp.add_line((10, 0), (10, -8), dxfattribs=attribs)
    msp.add_line((10, -8), (-10, -8), dxfattribs=attribs)
    msp.add_circle((50, 50), 3, dxfattribs={"layer": "OTHER"})
    doc.saveas(tmp_path / "outline.dxf")
    text = (DATA / "contour-snap.toml").read_text(encoding="utf-8")
    start = text.index("segments = ")
    end = text.index('], source = "test" }\n', start) + len('], source = "test" }\n')
    text = text[:start] + 'dxf = "outline.dxf"\nlayer = "OUTLINE"\n' + text[end:]
    (tmp_path / "from-dxf.toml").write_text(text, encoding="utf-8")
    from_dxf = evaluate(load_file(tmp_path / "from-dxf.toml", CATALOG), Conditions())
    inline = evaluate(load_file(DATA / "contour-snap.toml", CATALOG), Conditions())
    a, b = from_dxf.cut.contour(), inline.cut.contour()
    assert len(a) == len(b)
    for (xa, ya, ba), (xb, yb, bb) in zip(sorted(a), sorted(b), strict=True):
        assert (xa, ya, ba) == pytest.approx((xb, yb, bb), abs=1e-9)
    assert from_dxf.part.sources["cutout.dxf"] == "outline.dxf"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('shape = "circle"', 'shape = "hexagon"'), "cutout.shape"),
        (("[nut]", "[latch]"), "latch"),
        (
            ("across_flat = { value = 11.0, source", "across_flat = { value = 12.5, source"),
            "cutout.across_flat",
        ),
        (
            ("tolerance = { value = 0.2", "tolerance = { value = 0.2, band = [0.1, 0.0]"),
            "cutout.tolerance",
        ),
    ],
)
def test_bad_shape_fields_name_file_and_field(tmp_path: Path, change, field) -> None:
    name = "d-nut" if "across_flat" in change[0] else "circle-nut"
    text = (DATA / f"{name}.toml").read_text(encoding="utf-8").replace(*change, 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_file(bad, CATALOG)
    assert err.value.field.startswith(field) and str(bad) in str(err.value)


def test_a_key_needs_a_notch_or_flats(tmp_path: Path) -> None:
    text = (DATA / "circle-nut.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text + '\n[key]\nwidth = { value = 3.0, source = "test" }\n', encoding="utf-8")
    with pytest.raises(InputError, match="circle-notch, d or double-d"):
        load_file(bad, CATALOG)


def test_offset_of_a_concave_corner_is_exact() -> None:
    """An L-shaped loop grown by 1 mm: the inner corner moves along its bisector to
    (4, 6), the outer corners become arcs of R 1 about the old corners."""
    from geom.model.contour import FreeContour, segments

    loop = ((0.0, 0.0, 0.0), (10.0, 0.0, 0.0), (10.0, 10.0, 0.0), (5.0, 10.0, 0.0),
            (5.0, 5.0, 0.0), (0.0, 5.0, 0.0))  # fmt: skip
    grown = FreeContour(loop, 1.0).contour()
    assert (4.0, 6.0, 0.0) in [(round(x, 9), round(y, 9), b) for x, y, b in grown]
    radii = [s.radius for s in segments(grown) if hasattr(s, "radius")]
    assert radii == pytest.approx([1.0] * 5)
    assert math.isclose(FreeContour(loop, 1.0).size("width"), 12.0)


_sizes = st.floats(min_value=2.0, max_value=200.0, allow_nan=False)


@st.composite
def _shapes(draw: st.DrawFn) -> tuple[str, dict[str, float], dict[str, float]]:
    """A shape with random sizes, and the width and height worked out by hand (mm)."""
    kind = draw(st.sampled_from(["circle", "obround", "double-d", "d", "polygon", "notch"]))
    d = draw(_sizes)
    if kind == "circle":
        return kind, {"diameter": d}, {"width": d, "height": d}
    if kind == "obround":
        h = draw(st.floats(min_value=1.0, max_value=d))
        return kind, {"width": d, "height": h}, {"width": d, "height": h}
    if kind in ("d", "double-d"):
        af = draw(st.floats(min_value=0.55 * d, max_value=0.95 * d))
        return kind, {"diameter": d, "across_flat": af}, {"width": d, "height": af}
    if kind == "polygon":
        sides = 2 * draw(st.integers(min_value=2, max_value=16))  # even: flats at -Y, +Y
        circum = d / math.cos(math.pi / sides)
        # corners on the X axis for sides = 2 (mod 4), else flats there too
        width = circum if sides % 4 == 2 else d
        return kind, {"sides": sides, "across_flats": d}, {"width": width, "height": d}
    nw = draw(st.floats(min_value=0.05 * d, max_value=0.5 * d))
    reach = draw(st.floats(min_value=1.02 * d, max_value=1.3 * d))
    return (
        "circle-notch",
        {"diameter": d, "notch_width": nw, "notch_reach": reach},
        {
            "width": d,
            "height": reach,
        },
    )


@given(_shapes())
def test_any_shape_writes_a_clean_contour_of_its_sizes(tmp_path_factory, case) -> None:
    """Random sizes: the DXF is written (its lint passes) and re-read measures the
    shape's width and height worked out by hand."""
    from geom.dxf.writer import write_dxf
    from geom.model.contour import shape_of

    kind, sizes, expected = case
    if kind == "d":
        sizes = {"diameter": sizes["diameter"], "across_flat": sizes["across_flat"]}
    elif kind == "double-d":
        sizes = {"diameter": sizes["diameter"], "across_flats": sizes["across_flat"]}
    path = tmp_path_factory.mktemp("shape") / "s.dxf"
    write_dxf(path, [shape_of(kind, sizes).contour(30.0, -20.0, 90.0)])
    (loop,) = cut_loops(path)
    width, height = _size(loop)
    # turned a quarter: width and height swap
    assert (height, width) == pytest.approx((expected["width"], expected["height"]), abs=1e-6)


def test_every_shape_on_one_panel_its_bodies_pass_through(geom, tmp_path: Path) -> None:
    """Every test part on one 300 x 60 mm panel, two of them turned: the layout holds,
    the DXF lints, and read back from the assembly STEP every body (its collar extruded
    from the collar's own shape) shares no volume with the plate."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Common
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps
    from test_panel_files import _read_step, _solids

    def volume(shape: object) -> float:
        props = GProp_GProps()
        BRepGProp.VolumeProperties_s(shape, props)
        return float(props.Mass())

    body = ""
    for k, path in enumerate(SHAPES):
        rotation = 90 if k in (1, 4) else 0
        body += (
            f'[[place]]\npart = "{path.as_posix()}"\nx = {25.0 + 55.0 * (k % 5)}\n'
            f"y = {30.0 + 55.0 * (k // 5)}\nrotation = {rotation}\n"
        )
    text = (
        "[panel]\nwidth = 300.0\nheight = 120.0\nsheet = 1.5\nshop_tolerance = 0.05\n"
        f'process = "punch"\nmin_web = 1.0\nmin_edge = 1.0\n{body}'
    )
    path = tmp_path / "all.toml"
    path.write_text(text, encoding="utf-8")
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 0, run.out + run.err
    out = tmp_path / "out"
    assert lint_file(out / "all-panel.dxf") == []
    circles = ezdxf.readfile(out / "all-panel.dxf").modelspace().query("CIRCLE[layer=='CUT']")
    assert len(circles) == 1 + 2  # the round hole and the screw part's two fixing holes
    solids = _solids(_read_step(out / "all-assembly.step"))
    plate = max(solids, key=volume)
    assert len(solids) == 1 + len(SHAPES)
    for solid in solids:
        if solid is not plate:
            assert volume(BRepAlgoAPI_Common(plate, solid).Shape()) < 1e-3
