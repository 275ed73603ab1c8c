"""Text on a panel, measured from the DXF `geom panel` wrote: engraved text is strokes
(LINE / LWPOLYLINE) on ENGRAVE, printed text closed loops on PRINT, never TEXT or MTEXT
on a layer a shop makes; the letters stand `height` mm tall (cap height) where `align`
puts them; text nearer an opening than its clearance fails `text_clearance`; same input,
same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geom.dxf.lint import check
from geom.errors import LintError

PANEL = """
[panel]
width = 100.0
height = 60.0
sheet = 1.5
process = "laser"

[[hole]]
x = 30.0
y = 20.0
diameter = 8.0
"""
MADE = ("CUT", "ENGRAVE", "PRINT")


def text(body: str) -> str:
    return f"\n[[text]]\n{body}\n"


def run(geom: Any, tmp_path: Path, toml: str, out: str = "out") -> tuple[Any, Path]:
    path = tmp_path / "p.toml"
    path.write_text(toml)
    return geom("panel", path, "-o", tmp_path / out), tmp_path / out / "p-panel.dxf"


def on(dxf: Path, layer: str) -> list[Any]:
    return [e for e in ezdxf.readfile(dxf).modelspace() if e.dxf.layer == layer]


def points(entities: list[Any]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for e in entities:
        if e.dxftype() == "LINE":
            out += [(e.dxf.start.x, e.dxf.start.y), (e.dxf.end.x, e.dxf.end.y)]
        else:
            out += [(x, y) for x, y in e.get_points("xy")]
    return out


def extent(entities: list[Any]) -> tuple[float, float, float, float]:
    pts = points(entities)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def no_live_text(dxf: Path) -> None:
    live = [e for e in ezdxf.readfile(dxf).modelspace() if e.dxftype() in ("TEXT", "MTEXT")]
    assert live, "the NOTES layer keeps its TEXT (a sanity check of the reader)"
    assert not [e for e in live if e.dxf.layer.upper() in MADE]


def test_engraved_power_is_strokes_on_engrave(geom: Any, tmp_path: Path) -> None:
    body = 'text = "POWER"\nx = 50.0\ny = 30.0\nheight = 5.0'
    result, dxf = run(geom, tmp_path, PANEL + text(body))
    assert result.code == 0, result.err
    strokes = on(dxf, "ENGRAVE")
    assert strokes and {e.dxftype() for e in strokes} <= {"LINE", "LWPOLYLINE"}
    assert not on(dxf, "PRINT")
    no_live_text(dxf)
    x0, y0, x1, y1 = extent(strokes)
    # Left-aligned on the baseline: the first letter's left side at x, P..R stand on the
    # baseline and reach the cap line, 5 mm up.
    assert x0 == pytest.approx(50.0, abs=1e-9)
    assert (y0, y1) == pytest.approx((30.0, 35.0), abs=1e-9)
    assert 20.0 < x1 - x0 < 30.0  # five capitals about a cap height wide each


@pytest.mark.parametrize(
    ("align", "anchor"),
    [("center", ("mid", "base")), ("right middle", ("right", "mid")), ("left", ("left", "base"))],
)
def test_align_puts_the_ink_at_x_y(
    geom: Any, tmp_path: Path, align: str, anchor: tuple[str, str]
) -> None:
    body = f'text = "HELL"\nx = 60.0\ny = 40.0\nheight = 4.0\nalign = "{align}"'
    result, dxf = run(geom, tmp_path, PANEL + text(body))
    assert result.code == 0, result.err
    x0, y0, x1, y1 = extent(on(dxf, "ENGRAVE"))
    x = {"left": x0, "mid": (x0 + x1) / 2, "right": x1}[anchor[0]]
    y = {"base": y0, "mid": (y0 + y1) / 2}[anchor[1]]
    assert (x, y) == pytest.approx((60.0, 40.0), abs=1e-9)
    assert y1 - y0 == pytest.approx(4.0, abs=1e-9)


def test_turned_text_runs_up(geom: Any, tmp_path: Path) -> None:
    body = 'text = "HELL"\nx = 80.0\ny = 10.0\nheight = 4.0\nrotation = 90'
    result, dxf = run(geom, tmp_path, PANEL + text(body))
    assert result.code == 0, result.err
    x0, y0, x1, y1 = extent(on(dxf, "ENGRAVE"))
    assert (x0, x1, y0) == pytest.approx((76.0, 80.0, 10.0), abs=1e-9)
    assert y1 - y0 > 10.0


def test_printed_power_is_closed_loops_on_print(geom: Any, tmp_path: Path) -> None:
    body = 'text = "POWER"\nx = 50.0\ny = 30.0\nheight = 5.0\nprocess = "print"'
    result, dxf = run(geom, tmp_path, PANEL + text(body))
    assert result.code == 0, result.err
    loops = on(dxf, "PRINT")
    assert loops and not on(dxf, "ENGRAVE")
    assert all(e.dxftype() == "LWPOLYLINE" and e.closed for e in loops)
    assert all(len(e) >= 3 for e in loops)
    no_live_text(dxf)
    # P, W, E, R and the O's two rings: at least 6 loops; a round O overshoots the cap
    # and base lines by a few per cent, as a typeface's round letters do.
    assert len(loops) >= 6
    x0, y0, _x1, y1 = extent(loops)
    assert x0 == pytest.approx(50.0, abs=1e-9)
    assert y0 == pytest.approx(30.0, abs=0.03 * 5.0)
    assert y1 - y0 == pytest.approx(5.0, rel=0.05)


def test_text_1_mm_from_an_opening_fails_the_rule(geom: Any, tmp_path: Path) -> None:
    # The hole's right side is at x = 34; "HELL" starts with a straight H at x = 35.
    body = 'text = "HELL"\nx = 35.0\ny = 18.0\nheight = 4.0'
    result, dxf = run(geom, tmp_path, PANEL + text(body))
    assert result.code == 1
    assert "text_clearance" in result.out + result.err
    assert not dxf.exists()
    report = json.loads((dxf.parent / "p-report.json").read_text())
    [v] = [v for v in report["violations"] if v["rule"] == "text_clearance"]
    assert v["entries"] == ["text[0]", "hole[0]"]
    assert v["figures"]["clearance"] == pytest.approx(1.0, abs=1e-9)
    assert v["figures"]["min_clearance"] == 2.0


def test_printed_text_keeps_3_mm(geom: Any, tmp_path: Path) -> None:
    # 2.5 mm passes an engraving (2 mm) but not a print (3 mm, Tayda's figure).
    body = 'text = "HELL"\nx = 36.5\ny = 18.0\nheight = 4.0'
    assert run(geom, tmp_path, PANEL + text(body))[0].code == 0
    printed = run(geom, tmp_path, PANEL + text(body + '\nprocess = "print"'), "print")[0]
    assert printed.code == 1 and "text_clearance" in printed.out + printed.err


def test_text_off_the_panel_fails(geom: Any, tmp_path: Path) -> None:
    body = 'text = "POWER"\nx = 90.0\ny = 30.0\nheight = 5.0'
    result, _ = run(geom, tmp_path, PANEL + text(body))
    assert result.code == 1 and "text_off_sheet" in result.out + result.err


def test_hole_legend_sits_centred_above(geom: Any, tmp_path: Path) -> None:
    toml = PANEL + 'legend = "PWR"\nlegend_height = 3.5\n'
    result, dxf = run(geom, tmp_path, toml)
    assert result.code == 0, result.err
    x0, y0, x1, y1 = extent(on(dxf, "ENGRAVE"))
    # Centred on the hole; lowest point 2 mm (engrave clearance) + 1 mm over its top (24).
    assert (x0 + x1) / 2 == pytest.approx(30.0, abs=1e-9)
    assert y0 == pytest.approx(27.0, abs=1e-9)
    assert y1 - y0 == pytest.approx(3.5, abs=1e-9)


def test_array_legends_one_per_part(geom: Any, tmp_path: Path) -> None:
    toml = """
[panel]
width = 200.0
height = 80.0
sheet = 1.5
process = "laser"
shop_tolerance = 0.05

[[array]]
part = "770-744/064-000"
x = 50.0
y = 30.0
cols = 2
rows = 1
pitch_x = 70.0
legend = ["IN", "OUT"]
legend_process = "print"
"""
    result, dxf = run(geom, tmp_path, toml)
    assert result.code == 0, result.err
    report = json.loads((dxf.parent / "p-report.json").read_text())
    texts = {t["entry"]: t for t in report["texts"]}
    assert texts["array[0][r0,c0].legend"]["text"] == "IN"
    assert texts["array[0][r0,c1].legend"]["text"] == "OUT"
    loops = on(dxf, "PRINT")
    assert all(e.closed for e in loops)
    left = [e for e in loops if extent([e])[2] < 85.0]
    right = [e for e in loops if extent([e])[0] > 85.0]
    assert (extent(left)[0] + extent(left)[2]) / 2 == pytest.approx(50.0, abs=1e-9)
    assert (extent(right)[0] + extent(right)[2]) / 2 == pytest.approx(120.0, abs=1e-9)


def test_same_input_same_bytes(geom: Any, tmp_path: Path) -> None:
    toml = PANEL + 'legend = "PWR"\n' + text('text = "Mains 230V~"\nx = 5\ny = 50\nheight = 3')
    toml += text('text = "Gain"\nx = 60\ny = 50\nheight = 3\nprocess = "print"')
    first = run(geom, tmp_path, toml, "a")[1]
    second = run(geom, tmp_path, toml, "b")[1]
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ('text = "POWER"\nx = 5\ny = 5\nheight = 3\nalign = "top"', "text[0].align", "not a known"),
        ('text = "Ω"\nx = 5\ny = 5\nheight = 3', "text[0].text", "which the fonts do not draw"),
        ('text = "A"\nx = 5\ny = 5\nheight = 0', "text[0].height", ""),
        ('text = "A"\nx = 5\ny = 5\nheight = 3\nprocess = "paint"', "text[0].process", ""),
    ],
)
def test_bad_text_is_one_line_exit_2(
    geom: Any, tmp_path: Path, body: str, field: str, problem: str
) -> None:
    result, dxf = run(geom, tmp_path, PANEL + text(body))
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert line.startswith(f"geom: {tmp_path / 'p.toml'}:{field}: ") and problem in line
    assert not dxf.parent.exists() or not any(dxf.parent.iterdir())


def test_lint_refuses_live_text_and_open_print() -> None:
    doc = ezdxf.new()
    doc.modelspace().add_text("POWER", dxfattribs={"layer": "ENGRAVE"})
    with pytest.raises(LintError, match="TEXT on layer ENGRAVE"):
        check(doc, "t.dxf")
    doc = ezdxf.new()
    doc.modelspace().add_lwpolyline([(0, 0), (1, 0), (1, 1)], dxfattribs={"layer": "PRINT"})
    with pytest.raises(LintError, match="not a closed outline"):
        check(doc, "t.dxf")
    doc = ezdxf.new()
    doc.modelspace().add_lwpolyline([(0, 0), (1, 0), (1, 1)], dxfattribs={"layer": "ENGRAVE"})
    check(doc, "t.dxf")  # an open stroke is what an engraver follows


def test_drawing_shows_the_text_as_written(geom: Any, tmp_path: Path) -> None:
    toml = PANEL + 'legend = "PWR"\n' + text('text = "Gain"\nx = 60\ny = 40\nheight = 3')
    toml += text('text = "Out"\nx = 60\ny = 20\nheight = 3\nprocess = "print"')
    result, dxf = run(geom, tmp_path, toml)
    assert result.code == 0, result.err
    drawing = dxf.parent / "p-panel-drawing.dxf"
    for layer in ("ENGRAVE", "PRINT"):
        assert sorted(points(on(drawing, layer))) == sorted(points(on(dxf, layer)))


BENT = """
[panel]
width = 200.0
height = 80.0
sheet = 1.5
process = "laser"

[[flange]]
edge = "bottom"
height = 40.0
angle = 90.0
direction = "down"

[[text]]
text = "BASE"
x = 100.0
y = 40.0
height = 5.0
align = "center"
"""


def test_bent_panel_engraves_on_the_flat_pattern(geom: Any, tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(BENT)
    result = geom("panel", path, "-o", tmp_path / "out")
    assert result.code == 0, result.err
    flat = tmp_path / "out" / "b-flat.dxf"
    x0, y0, x1, y1 = extent(on(flat, "ENGRAVE"))
    # The base's frame is the flat pattern's, moved up by the developed flange (no side
    # flanges: x unchanged); a cap height of 5 mm.
    assert (x0 + x1) / 2 == pytest.approx(100.0, abs=1e-9)
    assert y1 - y0 == pytest.approx(5.0, abs=1e-9)
    no_live_text(flat)
    drawing = tmp_path / "out" / "b-flat-drawing.dxf"
    assert sorted(points(on(drawing, "ENGRAVE"))) == sorted(points(on(flat, "ENGRAVE")))


def test_text_over_a_bend_fails(geom: Any, tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(BENT + text('text = "LOW"\nface = "bottom"\nx = 20\ny = 0.5\nheight = 4'))
    result = geom("panel", path, "-o", tmp_path / "out")
    assert result.code == 1
    report = json.loads((tmp_path / "out" / "b-report.json").read_text())
    [v] = [v for v in report["violations"] if v["entries"] == ["text[1]"]]
    assert v["rule"] == "bend.zone" and v["faces"] == ["bottom"]


@pytest.mark.parametrize("extra", ['legend = "X"\n', '\n[[text]]\ntext = "A"\nx = 1\ny = 1\n'])
def test_a_cut_layout_takes_no_text_yet(tmp_path: Path, extra: str) -> None:
    from geom.errors import InputError
    from geom.panel.cut_layout import load_cut_layout

    path = tmp_path / "lid.toml"
    path.write_text('[face]\nselect = ">Z"\n\n[[hole]]\nx = 10\ny = 10\ndiameter = 5\n' + extra)
    with pytest.raises(InputError, match="not a known field"):
        load_cut_layout(path)


def test_two_texts_over_each_other_fail(geom: Any, tmp_path: Path) -> None:
    toml = PANEL + text('text = "GAIN"\nx = 60\ny = 40\nheight = 5')
    toml += text('text = "TONE"\nx = 62\ny = 42\nheight = 5')
    result, _ = run(geom, tmp_path, toml)
    assert result.code == 1
    report = json.loads((tmp_path / "out" / "p-report.json").read_text())
    [v] = report["violations"]
    assert v["rule"] == "text_clearance" and v["entries"] == ["text[0]", "text[1]"]


def test_r12_and_explode_keep_text_as_polylines(geom: Any, tmp_path: Path) -> None:
    toml = PANEL + text('text = "Gain"\nx = 60\ny = 40\nheight = 3')
    toml += text('text = "Out"\nx = 60\ny = 20\nheight = 3\nprocess = "print"')
    path = tmp_path / "p.toml"
    path.write_text(toml)
    out = tmp_path / "out"
    result = geom("panel", path, "-o", out, "--dxf-version", "r12", "--explode")
    assert result.code == 0, result.err
    dxf = out / "p-panel.dxf"
    assert {e.dxftype() for e in on(dxf, "ENGRAVE")} == {"POLYLINE"}
    assert all(e.dxftype() == "POLYLINE" and e.is_closed for e in on(dxf, "PRINT"))
    assert {e.dxftype() for e in on(dxf, "CUT")} <= {"LINE", "ARC", "CIRCLE"}


def test_the_file_sets_the_text_clearance(geom: Any, tmp_path: Path) -> None:
    toml = PANEL.replace('process = "laser"', 'process = "laser"\nmin_text_clearance = 0.5')
    toml += 'legend = "PWR"\n' + text('text = "HELL"\nx = 35.0\ny = 12.0\nheight = 4.0')
    result, dxf = run(geom, tmp_path, toml)
    assert result.code == 0, result.err  # 1 mm from the hole, 0.5 mm asked
    report = json.loads((dxf.parent / "p-report.json").read_text())
    assert report["rules_mm"]["text_clearance_engrave"] == 0.5
    assert report["rules_mm"]["text_clearance_print_source"] == "panel.min_text_clearance"
    legend = [e for e in on(dxf, "ENGRAVE") if extent([e])[1] > 24.0]
    assert extent(legend)[1] == pytest.approx(24.0 + 0.5 + 1.0, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=12).filter(
        str.strip
    ),
    st.floats(0.5, 20),
    st.sampled_from(["left", "center", "right", "left middle", "right middle"]),
    st.sampled_from([0, 90, 180, 270]),
    st.sampled_from(["engrave", "print"]),
)
def test_any_printable_text_lints_clean_where_align_puts_it(
    words: str, height: float, align: str, rotation: int, process: str
) -> None:
    from geom.dxf.writer import add_lettering, new_document
    from geom.model.lettering import letter

    t = letter(
        "text[0]", words, 50.0, 50.0, height, rotation=rotation, align=align, process=process
    )
    doc = new_document()
    add_lettering(doc, [t])
    check(doc, "t.dxf")  # strokes on ENGRAVE, closed loops on PRINT, nothing degenerate
    # Turn the ink back upright about the reference point: the aligned side at x = 50.
    back = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}
    a, b, c, d = back[rotation]
    xs = [50 + a * (x - 50) + b * (y - 50) for path in t.paths for x, y in path]
    side = {"left": min(xs), "center": (min(xs) + max(xs)) / 2, "right": max(xs)}
    assert side[align.split()[0]] == pytest.approx(50.0, abs=1e-9)
    ys = [50 + c * (x - 50) + d * (y - 50) for path in t.paths for x, y in path]
    assert max(ys) - min(ys) <= 2.0 * height  # descenders and accents stay near the line


def test_the_api_checks_and_writes_text_as_the_cli_does(tmp_path: Path) -> None:
    from geom import api

    path = tmp_path / "p.toml"
    path.write_text(PANEL + text('text = "HELL"\nx = 35.0\ny = 18.0\nheight = 4.0'))
    panel = api.load_panel(path)
    assert [v.rule for v in api.check_panel(panel)] == ["text_clearance"]
    path.write_text(PANEL + text('text = "HELL"\nx = 60.0\ny = 18.0\nheight = 4.0'))
    files = api.build_panel(api.load_panel(path), tmp_path / "out")
    assert files.ok and files.dxf is not None
    assert extent(on(files.dxf, "ENGRAVE"))[:2] == pytest.approx((60.0, 18.0), abs=1e-9)


@pytest.mark.parametrize(
    ("extra", "field", "problem"),
    [
        ("legend_height = 3\n", "hole[0].legend_height", "given without a legend"),
        ('legend = ["A", "B"]\n', "hole[0].legend", "a list of 2 texts for 1 opening"),
        ('legend = "A"\nlegend_process = "paint"\n', "hole[0].legend_process", "not a known"),
    ],
)
def test_bad_legend_is_one_line_exit_2(
    geom: Any, tmp_path: Path, extra: str, field: str, problem: str
) -> None:
    result, _ = run(geom, tmp_path, PANEL + extra)
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert line.startswith(f"geom: {tmp_path / 'p.toml'}:{field}: ") and problem in line


def test_serve_shows_the_text_the_dxf_holds(geom: Any, tmp_path: Path) -> None:
    from geom.data.templates import load_catalog
    from geom.serve.workspace import Workspace

    toml = PANEL + 'legend = "PWR"\n' + text('text = "HELL"\nx = 35.0\ny = 18.0\nheight = 4.0')
    assert run(geom, tmp_path, toml)[0].code == 1  # HELL is 1 mm from the hole
    state = Workspace(tmp_path / "p.toml", load_catalog()).state()
    assert [t["entry"] for t in state["texts"]] == ["text[0]", "hole[0].legend"]
    assert [v["rule"] for v in state["violations"]] == ["text_clearance"]
    drawn = [tuple(p) for t in state["texts"] for path in t["paths"] for p in path]
    forced = geom("panel", tmp_path / "p.toml", "-o", tmp_path / "forced", "--force")
    assert forced.code == 1
    written = points(on(tmp_path / "forced" / "p-panel.dxf", "ENGRAVE"))
    flat = [v for p in sorted(drawn) for v in p]
    assert flat == pytest.approx([v for p in sorted(written) for v in p], abs=1e-9)
