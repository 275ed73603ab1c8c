"""Layout rules find what a shop and an engineer would: overlapping flanges, too-thin
webs, edge distances, flanges over the outline, a plate too thick for a part, bodies
colliding behind, a mated plug with no room, a hole or slot under a flange, a slot tighter
than the shop holds; each listed with its
entries and positions. The grid index never misses a pair a brute-force check finds, and
the distances it relies on are exact."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geom.data.templates import load_catalog
from geom.model.layout import Opening, gap, near_pairs
from geom.panel.layout import check_layout, openings, rules_for
from geom.panel.model import edge_distance, load_panel

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"
CATALOG = load_catalog()


def _panel(tmp_path: Path, body: str, head: str = "") -> Path:
    text = (
        "[panel]\nwidth = 300.0\nheight = 200.0\nsheet = 1.5\nshop_tolerance = 0.05\n"
        f'process = "laser"\n{head}\n{body}'
    )
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _place(part: str, x: float, y: float, rotation: int = 0) -> str:
    return f'[[place]]\npart = "{part}"\nx = {x}\ny = {y}\nrotation = {rotation}\n'


def _rules(tmp_path: Path, body: str, head: str = "") -> dict[str, list[tuple[str, ...]]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for v in check_layout(load_panel(_panel(tmp_path, body, head), CATALOG)):
        found.setdefault(v.rule, []).append(v.entries)
        assert len(v.entries) == len(v.positions) and v.message
    return found


def test_example_passes() -> None:
    assert check_layout(load_panel(EXAMPLE, CATALOG)) == []


@pytest.mark.parametrize("part", sorted(p for p in CATALOG.parts if CATALOG.parts[p].plug))
def test_single_part_passes(tmp_path: Path, part: str) -> None:
    assert _rules(tmp_path, _place(part, 150, 100)) == {}


def test_overlapping_flanges(tmp_path: Path) -> None:
    # 770-744 flanges are 45.5 mm wide: centres 44 mm apart overlap by 1.5 mm, while the
    # cutouts (41.71 mm drawn) still leave a 2.29 mm web (> t = 1.5 mm).
    found = _rules(tmp_path, _place("770-744", 100, 100) + _place("770-744", 144, 100))
    assert found["flange_overlap"] == [("place[0]", "place[1]")]
    assert "web" not in found


def test_flanges_touching_are_fine(tmp_path: Path) -> None:
    found = _rules(
        tmp_path, _place("770-744", 100, 100) + _place("770-744", 145.5, 100), "coating = 0.0"
    )
    assert "flange_overlap" not in found and "body_collision" not in found


def test_too_thin_web(tmp_path: Path) -> None:
    # Holes of 10 mm, centres 11 mm apart: a 1 mm web, less than t = 1.5 mm (laser).
    holes = "".join(f"[[hole]]\nx = {x}\ny = 100.0\ndiameter = 10.0\n" for x in (100, 111))
    found = _rules(tmp_path, holes)
    assert found == {"web": [("hole[0]", "hole[1]")]}
    assert _rules(tmp_path, holes, "min_web = 1.0") == {}  # the override is honoured


def test_punch_web_is_two_t(tmp_path: Path) -> None:
    holes = "".join(f"[[hole]]\nx = {x}\ny = 100.0\ndiameter = 10.0\n" for x in (100, 112.5))
    assert _rules(tmp_path, holes) == {}  # 2.5 mm >= t
    text = _panel(tmp_path, holes).read_text().replace('"laser"', '"punch"')
    (tmp_path / "t.toml").write_text(text)
    panel = load_panel(tmp_path / "t.toml", CATALOG)
    assert rules_for(panel).min_web == 3.0
    assert [v.rule for v in check_layout(panel)] == ["web"]


def test_edge_distance_too_small(tmp_path: Path) -> None:
    # A 4 mm hole 1.9 mm from the left edge: 1.9 < 1.5 t = 2.25 mm.
    found = _rules(tmp_path, "[[hole]]\nx = 3.9\ny = 100.0\ndiameter = 4.0\n")
    assert found == {"edge": [("hole[0]",)]}


def test_flange_off_the_sheet(tmp_path: Path) -> None:
    # The cutout (41.71 mm) fits, the 45.5 mm flange hangs over the left edge.
    found = _rules(tmp_path, _place("770-744", 22.0, 100), "min_edge = 0.5")
    assert found == {"flange_off_sheet": [("place[0]",)]}


def test_plate_too_thick_for_a_part(tmp_path: Path) -> None:
    body = _place("770-744", 100, 100) + _place("770-744", 200, 100)
    text = _panel(tmp_path, body).read_text().replace("sheet = 1.5", "sheet = 1.9")
    (tmp_path / "t.toml").write_text(text + "")
    panel = load_panel(tmp_path / "t.toml", CATALOG)
    assert check_layout(panel) == []
    text = text.replace('process = "laser"', 'process = "laser"\ncoating = 0.1')
    (tmp_path / "t.toml").write_text(text)
    violations = check_layout(load_panel(tmp_path / "t.toml", CATALOG))
    assert [v.rule for v in violations] == ["fit.grip"]
    assert violations[0].entries == ("place[0]", "place[1]")
    assert violations[0].positions == ((100.0, 100.0), (200.0, 100.0))
    assert "too thick" in violations[0].message


def test_bodies_collide_behind(tmp_path: Path) -> None:
    # 770-1242 in its frame: socket flange (frame) 28 x 20.5; turned 90 degrees the
    # neighbour's frame overlaps it.
    body = _place("770-1242", 100, 100) + _place("770-1242", 124, 100, 90)
    found = _rules(tmp_path, body)
    assert found["body_collision"] == [("place[0]", "place[1]")]


def test_plug_has_no_room(tmp_path: Path) -> None:
    # 770-744 flanges 18.5 mm high do not overlap 19 mm apart, but the assumed plug
    # envelopes (22 mm high) do.
    found = _rules(tmp_path, _place("770-744", 100, 100) + _place("770-744", 100, 119))
    assert found == {"plug_clearance": [("place[0]", "place[1]")]}


def test_hole_under_flange(tmp_path: Path) -> None:
    # A 1 mm hole 0.645 mm above the cutout (web allowed down to 0.5 mm), under the flange;
    # on a shop that cuts 1 mm holes in 1.5 mm (SendCutSend: 0.5 t; the laser default's
    # hole >= t would fail it too).
    body = _place("770-744", 100, 100) + "[[hole]]\nx = 100.0\ny = 109.0\ndiameter = 1.0\n"
    found = _rules(tmp_path, body, 'min_web = 0.5\nshop = "sendcutsend"')
    assert found == {"hole_under_flange": [("place[0]", "hole[0]")]}


def _slot(x: float, y: float, length: float, width: float, angle: int = 0, extra: str = "") -> str:
    return (
        f"[[slot]]\nx = {x}\ny = {y}\nlength = {length}\nwidth = {width}\nangle = {angle}\n" + extra
    )


@pytest.mark.parametrize(
    ("distance", "rules"), [(9.0, {"web": [("hole[0]", "slot[0]")]}), (9.6, {})]
)
def test_slot_web_is_exact_at_its_round_end(
    tmp_path: Path, distance: float, rules: dict[str, list[tuple[str, ...]]]
) -> None:
    # An upright 20 x 6 slot at (100, 100): its upper end is a half circle of radius 3
    # about (100, 107). A 10 mm hole on the 45 degree line from that centre, `distance`
    # away, leaves a web of distance - 3 - 5: 1.0 mm (< t = 1.5 mm) or 1.6 mm (holds);
    # a check on the slot's bounding box would find the hole overlapping it (by 0.24 mm at
    # distance 9).
    a = distance / math.sqrt(2)
    hole = f"[[hole]]\nx = {100 + a}\ny = {107 + a}\ndiameter = 10.0\n"
    assert _rules(tmp_path, hole + _slot(100, 100, 20, 6, 90)) == rules


@pytest.mark.parametrize(("y", "rules"), [(5.0, {"edge": [("slot[0]",)]}), (5.925, {})])
def test_slot_edge_distance(
    tmp_path: Path, y: float, rules: dict[str, list[tuple[str, ...]]]
) -> None:
    # A 10 x 6.5 rack slot: its side is y - 3.25 from the lower edge, 1.75 mm (< 1.5 t =
    # 2.25 mm) at y = 5, 2.675 mm at the EIA-310 position y = 5.925.
    assert _rules(tmp_path, _slot(50.0, y, 10.0, 6.5)) == rules


@pytest.mark.parametrize(
    ("y", "rules"), [(109.0, {"slot_under_flange": [("place[0]", "slot[0]")]}), (110.0, {})]
)
def test_slot_under_flange(
    tmp_path: Path, y: float, rules: dict[str, list[tuple[str, ...]]]
) -> None:
    # The 770-744's flange is 18.5 mm high: it reaches y = 109.25 above a cutout centred
    # at 100. A 4 x 1 slot centred at y = 109 spans 108.5 .. 109.5 (under it); at 110,
    # 109.5 .. 110.5 (clear). Its web to the 15.55 mm cutout (top 107.775) is >= 0.5 mm;
    # a shop that cuts a 1 mm slot in 1.5 mm (SendCutSend: 0.5 t).
    body = _place("770-744", 100, 100) + _slot(100.0, y, 4.0, 1.0)
    assert _rules(tmp_path, body, 'min_web = 0.5\nshop = "sendcutsend"') == rules


@pytest.mark.parametrize(
    ("tolerance", "rules"), [(0.04, {"slot_tolerance": [("slot[0]",)]}), (0.05, {})]
)
def test_slot_tolerance_against_the_shop(
    tmp_path: Path, tolerance: float, rules: dict[str, list[tuple[str, ...]]]
) -> None:
    # The panel's shop holds +/-0.05 mm: a slot asking for +/-0.04 mm cannot be made.
    body = _slot(100.0, 100.0, 10.0, 6.5, extra=f"tolerance = {tolerance}\n")
    assert _rules(tmp_path, body) == rules


def test_every_violation_in_a_big_grid_is_found(tmp_path: Path) -> None:
    """A 20 x 20 array whose pitch overlaps the flanges: every neighbour pair listed."""
    body = (
        '[[array]]\npart = "770-744"\nx = 30.0\ny = 30.0\ncols = 20\nrows = 20\n'
        "pitch_x = 45.0\npitch_y = 30.0\n"
    )
    text = _panel(tmp_path, body).read_text()
    text = text.replace("width = 300.0", "width = 1000.0").replace(
        "height = 200.0", "height = 700.0"
    )
    (tmp_path / "t.toml").write_text(text)
    violations = check_layout(load_panel(tmp_path / "t.toml", CATALOG))
    overlaps = [v for v in violations if v.rule == "flange_overlap"]
    assert len(overlaps) == 20 * 19  # horizontal neighbours only


# --- exact distances and the grid index -------------------------------------------------


def _sampled_gap(a: Opening, b: Opening) -> float:
    """Distance between two rounded rectangles by sampling their boundaries densely."""

    def boundary(o: Opening, n: int = 60) -> list[tuple[float, float]]:
        hw, hh, r = o.width / 2 - o.radius, o.height / 2 - o.radius, o.radius
        pts = []
        for k in range(n + 1):
            u, v = -hw + 2 * hw * k / n, -hh + 2 * hh * k / n
            pts += [(o.x + u, o.y + hh + r), (o.x + u, o.y - hh - r)]
            pts += [(o.x + hw + r, o.y + v), (o.x - hw - r, o.y + v)]
        for sx, sy in ((1, 1), (-1, 1), (-1, -1), (1, -1)):
            for k in range(n + 1):
                t = math.pi / 2 * k / n
                pts.append((o.x + sx * (hw + r * math.cos(t)), o.y + sy * (hh + r * math.sin(t))))
        return pts

    pa, pb = boundary(a), boundary(b)
    return min(math.hypot(x1 - x2, y1 - y2) for x1, y1 in pa for x2, y2 in pb)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(-30, 30),
    st.floats(-30, 30),
    st.floats(2, 20),
    st.floats(2, 20),
    st.floats(0, 1),
)
def test_gap_is_exact(dx: float, dy: float, w: float, h: float, share: float) -> None:
    a = Opening("a", 0.0, 0.0, 10.0, 6.0, 1.0)
    b = Opening("b", dx, dy, w, h, share * min(w, h) / 2)
    exact = gap(a, b)
    if exact > 0.05:
        assert exact == pytest.approx(_sampled_gap(a, b), abs=0.05)


def test_edge_distance_in_a_rounded_corner() -> None:
    # A 2 mm circle near the corner of a 100 x 100 outline with corner radius 10:
    # centre (5, 5), outline corner centre (10, 10): distance 10 - hypot(5, 5) - 1.
    d = edge_distance((100.0, 100.0, 10.0), 5.0, 5.0, 2.0, 2.0, 1.0)
    assert d == pytest.approx(10 - math.hypot(5, 5) - 1)
    assert edge_distance((100.0, 100.0, 0.0), 50.0, 3.0, 10.0, 4.0, 0.0) == pytest.approx(1.0)


side = st.one_of(st.floats(0.5, 30), st.floats(0.5, 30), st.floats(0.5, 30), st.floats(100, 400))
boxes = st.lists(  # mostly socket-sized boxes, now and then a huge one (the grid's worst)
    st.tuples(st.floats(0, 200), st.floats(0, 200), side, side),
    min_size=0,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(boxes, st.floats(0, 10))
def test_grid_finds_every_pair_brute_force_finds(
    items: list[tuple[float, float, float, float]], distance: float
) -> None:
    bx = [(x, y, x + w, y + h) for x, y, w, h in items]
    brute = [
        (i, j)
        for i in range(len(bx))
        for j in range(i + 1, len(bx))
        if bx[j][0] - bx[i][2] <= distance
        and bx[i][0] - bx[j][2] <= distance
        and bx[j][1] - bx[i][3] <= distance
        and bx[i][1] - bx[j][3] <= distance
    ]
    assert near_pairs(bx, distance) == brute


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(10, 190), st.floats(10, 190), st.floats(1, 12)), max_size=40))
def test_web_check_misses_nothing(tmp_path_factory: pytest.TempPathFactory, holes: list) -> None:  # type: ignore[type-arg]
    """Over random hole layouts the indexed web rule flags exactly the pairs a pairwise
    check of every opening flags."""
    path = tmp_path_factory.mktemp("web") / "w.toml"
    text = (
        "[panel]\nwidth = 200.0\nheight = 200.0\nsheet = 1.5\nshop_tolerance = 0.05\n"
        'process = "laser"\n'
    )
    text += "".join(f"[[hole]]\nx = {x}\ny = {y}\ndiameter = {d}\n" for x, y, d in holes)
    path.write_text(text)
    panel = load_panel(path, CATALOG)
    ops = openings(panel)
    brute = {
        (ops[i].entry, ops[j].entry)
        for i in range(len(ops))
        for j in range(i + 1, len(ops))
        if gap(ops[i], ops[j]) < 1.5 - 1e-6
    }
    found = {v.entries for v in check_layout(panel) if v.rule == "web"}
    assert found == brute


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(p for p in CATALOG.parts if CATALOG.parts[p].plug)),
            st.floats(40, 360),
            st.floats(40, 360),
            st.sampled_from([0, 90, 180, 270]),
        ),
        max_size=25,
    )
)
def test_flange_overlaps_match_brute_force(
    tmp_path_factory: pytest.TempPathFactory, parts: list[tuple[str, float, float, int]]
) -> None:
    """Over random part layouts, the indexed rule lists exactly the flange pairs that a
    pairwise check of every two flange rectangles finds overlapping."""
    path = tmp_path_factory.mktemp("flanges") / "f.toml"
    text = (
        "[panel]\nwidth = 400.0\nheight = 400.0\nsheet = 1.5\nshop_tolerance = 0.05\n"
        'process = "laser"\n'
    )
    text += "".join(_place(pid, x, y, r) for pid, x, y, r in parts)
    path.write_text(text)
    panel = load_panel(path, CATALOG)
    rects = []
    for p in panel.places:
        w, h = p.part.mount.width, p.part.mount.height
        w, h = (h, w) if p.rotation in (90, 270) else (w, h)
        rects.append((p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2))
    brute = {
        (panel.places[i].entry, panel.places[j].entry)
        for i in range(len(rects))
        for j in range(i + 1, len(rects))
        if min(rects[i][2], rects[j][2]) - max(rects[i][0], rects[j][0]) > 1e-6
        and min(rects[i][3], rects[j][3]) - max(rects[i][1], rects[j][1]) > 1e-6
    }
    found = {v.entries for v in check_layout(panel) if v.rule == "flange_overlap"}
    assert found == brute
