"""The DXF lint (geom.dxf.lint) finds each CAM problem class on hand-made ezdxf documents,
with the entity and position, and passes clean geometry (nesting, mirrored arcs, exploded
contours); write_dxf refuses a bad contour with LintError and writes nothing; the CLI
turns that into exit 1 with one line on stderr; every file the CLI writes re-reads clean."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from ezdxf.math import Matrix44

from geom.dxf import cutout
from geom.dxf.lint import Problem, lint, lint_file
from geom.dxf.writer import _add_exploded, write_dxf
from geom.errors import GeomError, LintError
from geom.model.contour import Vertex, circle, rounded_rect

CUT = {"layer": "CUT"}
SQUARE = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]


def _doc() -> tuple[Any, Any]:
    doc = ezdxf.new("R2000")
    doc.layers.add("CUT")
    return doc, doc.modelspace()


def _poly(msp: Any, pts: list[tuple[float, float]] | list[Vertex], closed: bool = True) -> Any:
    rows = [(p[0], p[1], 0, 0, p[2] if len(p) > 2 else 0.0) for p in pts]
    return msp.add_lwpolyline(rows, format="xyseb", close=closed, dxfattribs=CUT)


def _lines(msp: Any, pts: list[tuple[float, float]], closed: bool = True) -> list[Any]:
    n = len(pts)
    return [
        msp.add_line(pts[i], pts[(i + 1) % n], dxfattribs=CUT)
        for i in range(n if closed else n - 1)
    ]


def _kinds(problems: list[Problem]) -> list[str]:
    return [p.kind for p in problems]


# --- clean geometry passes --------------------------------------------------------------


def test_nested_contours_are_fine() -> None:
    """A panel outline with cutouts, holes and a cutout turned by 90 degrees inside."""
    doc, msp = _doc()
    _poly(msp, rounded_rect(200, 100, 5, 100, 50))
    for k in range(5):
        _poly(msp, rounded_rect(20, 10, 2, 20 + 35 * k, 30, rotation=90 * k))
        _poly(msp, circle(3, 20 + 35 * k, 70))
    _poly(msp, rounded_rect(12, 12, 6, 100, 85))  # a circle as four quarter arcs
    msp.add_circle((180, 85), 4, dxfattribs=CUT)
    msp.add_circle((180, 85), 2, dxfattribs=CUT)  # concentric, inside: nested, fine
    msp.add_text("not cut", dxfattribs={"layer": "NOTES"}).set_placement((0, -10))
    msp.add_spline([(0, 0), (1, 1), (2, 0)], dxfattribs={"layer": "DIM"})
    assert lint(doc) == []


@pytest.mark.parametrize("mirror", [False, True])
def test_exploded_and_mirrored_contours_are_closed(mirror: bool) -> None:
    """LINE/ARC chains close; arcs mirrored into extrusion (0, 0, -1) are read right."""
    doc, msp = _doc()
    _add_exploded(msp, rounded_rect(20, 10, 2, 5, 3), CUT)
    _add_exploded(msp, circle(3, 30, 0), CUT)
    _poly(msp, rounded_rect(20, 10, 2, 60, 0))
    if mirror:
        for e in msp:
            e.transform(Matrix44.scale(-1, 1, 1))
        assert any(e.dxf.extrusion.z < 0 for e in msp.query("ARC"))
    assert lint(doc) == []


def test_a_gap_within_the_join_tolerance_is_closed() -> None:
    doc, msp = _doc()
    _lines(msp, [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)], closed=False)
    msp.add_line((0.0, 10.0), (0.0, 5e-7), dxfattribs=CUT)
    assert lint(doc) == []


# --- one test per problem class ---------------------------------------------------------


@pytest.mark.parametrize(
    ("add", "kind"),
    [
        (lambda m: m.add_spline([(0, 0), (1, 1), (2, 0), (3, 1)], dxfattribs=CUT), "SPLINE"),
        (lambda m: m.add_ellipse((0, 0), (5, 0), 0.5, dxfattribs=CUT), "ELLIPSE"),
        (lambda m: m.add_text("ID 4", dxfattribs=CUT).set_placement((3, 4)), "TEXT"),
        (lambda m: m.add_mtext("note", dxfattribs=CUT), "MTEXT"),
        (lambda m: m.add_point((1, 2), dxfattribs=CUT), "POINT"),
        (lambda m: m.add_polyline3d([(0, 0, 0), (1, 0, 1), (1, 1, 0)], dxfattribs=CUT), "3D"),
    ],
)
def test_entity_types_other_than_contours_on_cut(add: Any, kind: str) -> None:
    doc, msp = _doc()
    _poly(msp, SQUARE)
    entity = add(msp)
    (problem,) = lint(doc)
    assert problem.kind == "entity"
    assert problem.handle == entity.dxf.handle
    assert kind in problem.message and "on layer CUT" in problem.message


def test_insert_on_cut_is_a_problem() -> None:
    doc, msp = _doc()
    block = doc.blocks.new("HOLE")
    block.add_circle((0, 0), 1.5)
    ref = msp.add_blockref("HOLE", (50, 50), dxfattribs=CUT)
    (problem,) = lint(doc)
    assert (problem.kind, problem.handle, problem.x, problem.y) == (
        "entity",
        ref.dxf.handle,
        50,
        50,
    )


def test_open_line_chain_names_both_ends() -> None:
    doc, msp = _doc()
    first, _, last = _lines(msp, SQUARE, closed=False)
    problems = lint(doc)
    assert _kinds(problems) == ["open", "open"]
    ends = {(p.handle, p.x, p.y) for p in problems}
    assert ends == {(first.dxf.handle, 0.0, 0.0), (last.dxf.handle, 0.0, 10.0)}


def test_open_polyline() -> None:
    doc, msp = _doc()
    _poly(msp, SQUARE, closed=False)
    assert _kinds(lint(doc)) == ["open", "open"]


def test_gap_of_a_hundredth() -> None:
    doc, msp = _doc()
    lines = _lines(msp, SQUARE, closed=False)
    closing = msp.add_line((0.0, 10.0), (0.0, 0.01), dxfattribs=CUT)
    (problem,) = lint(doc)
    assert problem.kind == "gap"
    assert "gap of 0.010000 mm" in problem.message
    assert {problem.handle, problem.other} == {lines[0].dxf.handle, closing.dxf.handle}
    assert (problem.x, problem.y) in {(0.0, 0.0), (0.0, 0.01)}


def test_zero_length_segments() -> None:
    doc, msp = _doc()
    poly = _poly(msp, [(0, 0), (10, 0), (10, 0), (10, 10), (0, 10)])
    closing = _poly(msp, [(20, 0), (30, 0), (30, 10), (20, 10), (20, 0)])
    line = msp.add_line((50, 50), (50, 50), dxfattribs=CUT)
    arc = msp.add_arc((60, 60), 5, 30, 30, dxfattribs=CUT)
    problems = lint(doc)
    assert _kinds(problems) == ["zero-length"] * 4, problems  # and nothing else from them
    assert [p.handle for p in problems] == [e.dxf.handle for e in (line, arc, poly, closing)]
    assert (problems[2].x, problems[2].y) == (10, 0)


def test_duplicate_line() -> None:
    doc, msp = _doc()
    lines = _lines(msp, SQUARE)
    twice = msp.add_line((10.0, 0.0), (0.0, 0.0), dxfattribs=CUT)  # drawn the other way
    problems = lint(doc)
    assert "duplicate" in _kinds(problems)
    dup = next(p for p in problems if p.kind == "duplicate")
    assert {dup.handle, dup.other} == {lines[0].dxf.handle, twice.dxf.handle}
    assert "branch" in _kinds(problems)  # three ends meet at (0, 0) and (10, 0)


def test_contour_drawn_twice() -> None:
    doc, msp = _doc()
    a = _poly(msp, rounded_rect(20, 10, 2))
    b = _poly(msp, rounded_rect(20, 10, 2))
    (problem,) = lint(doc)
    assert problem.kind == "duplicate"
    assert (problem.handle, problem.other) == (a.dxf.handle, b.dxf.handle)


def test_identical_circles() -> None:
    doc, msp = _doc()
    msp.add_circle((5, 5), 2, dxfattribs=CUT)
    _poly(msp, circle(4, 5, 5))
    assert _kinds(lint(doc)) == ["duplicate"]


def test_collinear_overlapping_lines() -> None:
    """Two squares sharing 5 mm of an edge: the CAM would cut that edge twice."""
    doc, msp = _doc()
    a = _poly(msp, SQUARE)
    b = _poly(msp, [(10, 5), (20, 5), (20, 15), (10, 15)])
    (problem,) = lint(doc)
    assert problem.kind == "overlap"
    assert "5.000000 mm" in problem.message
    assert (problem.handle, problem.other) == (a.dxf.handle, b.dxf.handle)
    assert problem.x == 10 and 5 <= problem.y <= 10


def test_overlapping_loose_lines() -> None:
    doc, msp = _doc()
    _lines(msp, SQUARE)
    _lines(msp, [(3.0, 0.0), (6.0, 0.0), (6.0, -4.0), (3.0, -4.0)])
    assert "overlap" in _kinds(lint(doc))


def test_crossing_contours() -> None:
    doc, msp = _doc()
    a = _poly(msp, SQUARE)
    b = _poly(msp, rounded_rect(10, 4, 1, 10, 5))
    (problem,) = lint(doc)
    assert problem.kind == "crossing"
    assert (problem.handle, problem.other) == (a.dxf.handle, b.dxf.handle)
    assert problem.x == pytest.approx(10) and round(problem.y, 9) in (3, 7)


@pytest.mark.parametrize(
    "other",
    [
        [(10, 10), (20, 10), (20, 20), (10, 20)],  # corner on corner
        [(10, 2), (20, 2), (20, 4), (10, 4)],  # edge on edge, partly: overlap
        [(5, 10), (8, 15), (2, 15)],  # a vertex on an edge
    ],
)
def test_touching_contours(other: list[tuple[float, float]]) -> None:
    doc, msp = _doc()
    _poly(msp, SQUARE)
    _poly(msp, other)
    (problem,) = lint(doc)
    assert problem.kind in ("crossing", "overlap")


def test_circles_touching_and_a_line_tangent_to_a_circle() -> None:
    doc, msp = _doc()
    msp.add_circle((0, 0), 5, dxfattribs=CUT)
    msp.add_circle((10, 0), 5, dxfattribs=CUT)  # touches the first at (5, 0)
    _poly(msp, [(-10, 5), (-4, 5), (-4, 8), (-10, 8)])  # tangent at (0, 5)? no: ends at -4
    _poly(msp, [(20, 5), (30, 5), (30, 8), (20, 8)])
    msp.add_circle((25, 0), 5, dxfattribs=CUT)  # tangent to that edge at (25, 5)
    problems = lint(doc)
    assert _kinds(problems) == ["crossing", "crossing"]
    assert {(round(p.x, 6), round(p.y, 6)) for p in problems} == {(5.0, 0.0), (25.0, 5.0)}


def test_near_miss_is_not_a_touch() -> None:
    doc, msp = _doc()
    _poly(msp, SQUARE)
    _poly(msp, [(10.00001, 0), (20, 0), (20, 10), (10.00001, 10)])
    msp.add_circle((25, 5), 5 - 1e-5, dxfattribs=CUT)  # 10 um inside the square's edge x=20
    assert lint(doc) == []


def test_self_intersecting_bow_tie() -> None:
    doc, msp = _doc()
    bow = _poly(msp, [(0, 0), (10, 10), (10, 0), (0, 10)])
    (problem,) = lint(doc)
    assert problem.kind == "self-intersection"
    assert problem.handle == bow.dxf.handle
    assert (problem.x, problem.y) == pytest.approx((5, 5))
    assert "segment 0" in problem.message and "segment 2" in problem.message


def test_self_touching_and_folding_back() -> None:
    doc, msp = _doc()
    # a vertex touching the opposite edge
    _poly(msp, [(0, 0), (10, 0), (10, 10), (5, 0.0), (0, 10)])
    # a closing half circle (centre (20, 15), R 15) bulging across the edge x = 30
    _poly(msp, [(20, 0, 0), (30, 0, 0), (30, 30, 0), (20, 30, -1.0)])
    # a line that doubles back over the previous one
    _poly(msp, [(40, 0), (50, 0), (45, 0), (45, 5)])
    problems = lint(doc)
    assert sorted(_kinds(problems)) == ["overlap", "self-intersection", "self-intersection"]


# --- write_dxf and the CLI --------------------------------------------------------------

BAD_CONTOURS: dict[str, tuple[list[list[Vertex]], str]] = {
    "bow-tie": ([[(0, 0, 0), (10, 10, 0), (10, 0, 0), (0, 10, 0)]], "self-intersection"),
    "duplicate contour": ([rounded_rect(20, 10, 2), rounded_rect(20, 10, 2)], "duplicate"),
    "zero-length segment": (
        [[(0, 0, 0), (10, 0, 0), (10, 0, 0), (10, 10, 0), (0, 10, 0)]],
        "zero-length",
    ),
    "overlapping cutouts": (
        [rounded_rect(20, 10, 2, 0, 0), rounded_rect(20, 10, 2, 15, 3)],
        "crossing",
    ),
    "cutouts sharing an edge": (
        [rounded_rect(20, 10, 2, 0, 0), rounded_rect(20, 10, 2, 15, 0)],
        "overlap",
    ),
    "hole on an outline": ([rounded_rect(100, 50, 3), circle(3, 50, 0)], "crossing"),
}


@pytest.mark.parametrize("name", sorted(BAD_CONTOURS))
@pytest.mark.parametrize(
    ("version", "explode"), [("r2000", False), ("r12", False), ("r2000", True)]
)
def test_write_dxf_refuses_bad_geometry(
    name: str, version: str, explode: bool, tmp_path: Path
) -> None:
    contours, kind = BAD_CONTOURS[name]
    target = tmp_path / "bad.dxf"
    with pytest.raises(LintError) as caught:
        write_dxf(target, contours, version=version, explode=explode)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{target}: DXF lint found ")
    problems = caught.value.problems
    assert f"first {problems[0]}; " in message
    assert f"found {len(problems)} problem" in message
    if explode:  # LINE/ARC ends shared by two contours also count as branches
        assert kind in {p.kind for p in problems}
    else:
        assert problems[0].kind == kind
    assert isinstance(caught.value, GeomError) and isinstance(caught.value, RuntimeError)
    assert list(tmp_path.iterdir()) == [], "no file, no temporary file"


def test_cli_exits_1_with_the_lint_reason(geom, monkeypatch, tmp_path: Path) -> None:
    """A bug that draws a bow-tie is stopped at the DXF: exit 1, one line, no file."""

    def bow_tie(fit: object) -> list[Vertex]:
        return [(0, 0, 0), (10, 10, 0), (10, 0, 0), (0, 10, 0)]

    monkeypatch.setattr(cutout, "cutout_contour", bow_tie)
    run = geom("cutout", "770-744", "-o", tmp_path)
    assert run.code == 1
    lines = run.err.strip().splitlines()
    assert lines[-1].startswith("geom: ") and "DXF lint found 1 problem" in lines[-1]
    assert "self-intersection" in lines[-1] and "Traceback" not in run.err
    assert not list(tmp_path.glob("*.dxf")) and not list(tmp_path.glob(".*"))
    with pytest.raises(LintError):
        geom("--debug", "cutout", "770-744", "-o", tmp_path)


@pytest.mark.parametrize(
    "options", [(), ("--dxf-version", "r12"), ("--explode",), ("--explode", "--dxf-version", "r12")]
)
def test_every_dxf_the_cli_writes_reads_back_clean(
    geom, template_id: str, options: tuple[str, ...], tmp_path: Path
) -> None:
    assert geom("cutout", template_id, *options, "-o", tmp_path).code == 0
    (path,) = tmp_path.glob("*.dxf")
    assert lint_file(path) == []
    assert lint_file(path.read_bytes()) == []


def test_lint_file_reports_a_bad_file(tmp_path: Path) -> None:
    doc, msp = _doc()
    _poly(msp, [(0, 0), (10, 10), (10, 0), (0, 10)])
    path = tmp_path / "bow.dxf"
    doc.saveas(path)
    assert _kinds(lint_file(path)) == ["self-intersection"]
    assert _kinds(lint_file(path.read_bytes())) == ["self-intersection"]


def test_problem_is_one_line_with_position_and_handle() -> None:
    text = str(Problem("gap", "gap of 0.010000 mm", "2F", 1.0, -2.5))
    assert text == "gap: gap of 0.010000 mm at (1.000000, -2.500000) mm [#2F]"
    assert math.isfinite(Problem("x", "y", "1", 0, 0).x)


def test_non_finite_coordinates_are_a_problem_not_a_crash() -> None:
    doc, msp = _doc()
    _poly(msp, [(0, 0), (math.nan, 0), (10, 10)])
    msp.add_line((0, 0), (math.inf, 5), dxfattribs=CUT)
    assert _kinds(lint(doc)) == ["entity", "entity"]
    assert all("non-finite" in p.message for p in lint(doc))
