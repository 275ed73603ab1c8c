"""`geom cut ENCLOSURE LAYOUT`, measured on the files it writes. The enclosure is built
here with CadQuery (a 160 x 100 x 50 mm box, every edge filleted 3 mm, hollowed to a
uniform 2.0 mm wall: the box less a box 2 mm smaller on every side with its edges
filleted 1 mm; CadQuery's `shell` gives an invalid solid for a box filleted on every
edge) and reaches geom through a STEP file only. The lid (">Z") is 154 x 94 mm flat
between the fillets; its frame's origin is its lower-left corner seen from above, world
(-77, -47, 25). Each 770-744 opening drawn
`mid` with no coating is 41.55 x 15.55 mm with corner radius 0.5 mm, so it removes
(w h - (4 - pi) r^2) x wall of the enclosure."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path
from typing import Any

import pytest
from measure import cut_loops, freecad, loop_area
from measure import read as read_dxf

import geom
from geom.cli import main

cq = pytest.importorskip("cadquery")

PART = "770-744/064-000"
ORIGIN = (-77.0, -47.0, 25.0)  # the lid's frame origin in the world
SHOP = 0.02  # the 770-744's opening band is 0.1 mm wide: a shop holding +/-0.02 mm


def enclosure(tmp: Path, wall: float = 2.0, hole: bool = False, boss: bool = False) -> Path:
    outer = cq.Workplane().box(160, 100, 50).edges().fillet(3)
    inner = cq.Workplane().box(160 - 2 * wall, 100 - 2 * wall, 50 - 2 * wall)
    solid = outer.cut(inner.edges().fillet(3 - wall)).val().Solids()[0]
    if hole:  # an opening already in the lid: 10 mm at frame (80, 50)
        solid = solid.cut(cq.Workplane().cylinder(20, 5).translate((3, 3, 25)).val())
    if boss:  # a rib from the front wall, 25 mm under the lid, under frame (50..56, 50)
        rib = cq.Workplane().box(6, 51.5, 5).translate((-17, -48.5 + 51.5 / 2, -2.5))
        solid = solid.fuse(rib.val())
    solid = solid.clean()
    assert solid.isValid() and len(solid.Solids()) == 1
    name = f"box-{wall}{'-hole' if hole else ''}{'-boss' if boss else ''}.step"
    path = tmp / name
    solid.exportStep(str(path))
    return path


def layout(
    tmp: Path, places: list[tuple[float, float]], extra: str = "", name: str = "lid"
) -> Path:
    text = f'[face]\nselect = ">Z"\nshop_tolerance = {SHOP}\n{extra}\n'
    for x, y in places:
        text += f'[[place]]\npart = "{PART}"\nx = {x}\ny = {y}\n'
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def read_step(path: Path) -> Any:
    from OCP.STEPControl import STEPControl_Reader

    reader = STEPControl_Reader()
    reader.ReadFile(str(path))
    reader.TransferRoots()
    return cq.Shape.cast(reader.OneShape())


def cut_area() -> tuple[float, float, float, float]:
    cut = geom.check_fit(geom.load_part(PART), None, 0.0, shop_tolerance=SHOP).cut
    w, h, r = cut.width, cut.height, cut.corner_radius
    return w, h, r, w * h - (4 - math.pi) * r * r


# --- A: a good layout -------------------------------------------------------------------


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    tmp = tmp_path_factory.mktemp("cut")
    step = enclosure(tmp)
    lid = layout(tmp, [(50.0, 50.0), (110.0, 50.0)])
    rc = main(["cut", str(step), str(lid), "-o", str(tmp / "out")])
    return step, tmp / "out", rc


def test_good_layout_exits_0_and_cuts_one_valid_solid(good: tuple[Path, Path, int]) -> None:
    step, out, rc = good
    assert rc == 0
    before = read_step(step)
    after = read_step(out / "lid-cut.step")
    assert len(after.Solids()) == 1 and after.Solids()[0].isValid()
    w, h, r, area = cut_area()
    assert (w, h, r) == pytest.approx((41.55, 15.55, 0.5))
    expected = before.Volume() - 2 * area * 2.0
    assert after.Volume() == pytest.approx(expected, abs=1e-3)
    report = json.loads((out / "lid-report.json").read_text())
    assert report["ok"] and report["violations"] == []
    assert [o["wall"] for o in report["openings"]] == [{"min": 2.0, "max": 2.0}] * 2
    # Frame (50, 50): the cut's left side is 50 - w/2 from the face's left edge.
    assert report["openings"][0]["edge_distance"] == pytest.approx(50 - w / 2, abs=1e-6)
    assert report["face"]["origin"] == pytest.approx(list(ORIGIN))
    assert (report["face"]["width"], report["face"]["height"]) == pytest.approx((154, 94))


def test_face_dxf_cuts_both_cutouts_and_references_the_outline(
    good: tuple[Path, Path, int],
) -> None:
    _, out, _ = good
    cuts = cut_loops(out / "lid-face.dxf")
    (outline,) = cut_loops(out / "lid-face.dxf", "REFERENCE")
    assert len(cuts) == 2 and all(loop.closed for loop in [*cuts, outline])
    assert (outline.width, outline.height) == pytest.approx((154, 94), abs=1e-6)
    assert outline.centre == pytest.approx((77, 47), abs=1e-6)
    w, h, _, _ = cut_area()
    centres = sorted(c.centre for c in cuts)
    assert centres[0] == pytest.approx((50, 50), abs=1e-6)
    assert centres[1] == pytest.approx((110, 50), abs=1e-6)
    assert all((c.width, c.height) == pytest.approx((w, h), abs=1e-6) for c in cuts)


def test_assembly_bodies_named_and_clear_of_the_walls(good: tuple[Path, Path, int]) -> None:
    _, out, _ = good
    assy = cq.Assembly.importStep(str(out / "lid-assembly.step"))
    got = {c.name: c.obj.moved(c.loc) for c in assy.children}
    assert sorted(got) == [
        "box-2.0 cut",
        f"place[0] {PART} WINSTA MIDI snap-in socket, 4-pole, Cod. B, 4 mm2, gray",
        f"place[1] {PART} WINSTA MIDI snap-in socket, 4-pole, Cod. B, 4 mm2, gray",
    ]
    enclosure_solid = read_step(out / "lid-cut.step").Solids()[0]
    assert got["box-2.0 cut"].Volume() == pytest.approx(enclosure_solid.Volume(), abs=1e-6)
    bodies = [s for n, s in got.items() if n.startswith("place[")]
    for body, x in zip(bodies, (50.0, 110.0), strict=True):
        centre = body.BoundingBox().center
        assert (centre.x, centre.y) == pytest.approx((ORIGIN[0] + x, ORIGIN[1] + 50), abs=0.5)
        assert (
            body.intersect(enclosure_solid).Volume() < 0.1
        )  # mm3: no interference (geom's threshold)
        # Flange on the lid, housing down into the enclosure.
        box = body.BoundingBox()
        assert box.zmin < 25 - 2.0


@pytest.mark.freecad
def test_freecad_reads_the_cut_enclosure(good: tuple[Path, Path, int], tmp_path: Path) -> None:
    _, out, _ = good
    script = textwrap.dedent("""
        import json, os
        import Part
        shape = Part.read(os.environ["GEOM_STEP"])
        print("GEOM_RESULT " + json.dumps(
            [{"valid": s.isValid(), "volume": s.Volume} for s in shape.Solids]))
    """)
    solids = freecad(script, tmp_path, GEOM_STEP=str(out / "lid-cut.step"))
    ours = read_step(out / "lid-cut.step").Volume()
    assert len(solids) == 1 and solids[0]["valid"]
    assert solids[0]["volume"] == pytest.approx(ours, abs=1e-3)


def test_a_2_5_mm_wall_is_outside_the_grip(tmp_path: Path, capsys: Any) -> None:
    step = enclosure(tmp_path, wall=2.5)
    lid = layout(tmp_path, [(50.0, 50.0)])
    out = tmp_path / "out"
    assert main(["cut", str(step), str(lid), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert "FAIL fit." in text and "place[0] at (50.000, 50.000)" in text
    assert "wall 2.500 mm measured" in text
    report = json.loads((out / "lid-report.json").read_text())
    assert report["openings"][0]["wall"] == {"min": 2.5, "max": 2.5}
    assert not (out / "lid-cut.step").exists() and not (out / "lid-face.dxf").exists()


# --- B: rules on the real face ------------------------------------------------------------


def _violations(out: Path) -> list[dict[str, Any]]:
    return list(json.loads((out / "lid-report.json").read_text())["violations"])


def test_a_part_near_the_face_edge_fails(tmp_path: Path, capsys: Any) -> None:
    w, _, _, _ = cut_area()
    lid = layout(tmp_path, [(22.0, 50.0)])
    out = tmp_path / "out"
    assert main(["cut", str(enclosure(tmp_path)), str(lid), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    distance = 22.0 - w / 2  # 1.225 mm < 1.5 t = 3 mm
    assert f"place[0] is {distance:.3f} mm from the face's boundary" in text
    assert "place[0] at (22.000, 50.000)" in text
    # The 45.5 x 18.5 mm flange reaches 45.5 / 2 - 22 = 0.75 mm past the lid's left edge.
    edge, flange = _violations(out)
    assert edge["rule"] == "edge" and edge["positions_mm"] == [[22.0, 50.0]]
    assert edge["figures"]["edge"] == pytest.approx(distance, abs=1e-6)
    assert flange["rule"] == "flange_off_sheet" and flange["entries"] == ["place[0]"]
    assert flange["figures"]["off_face_mm2"] == pytest.approx(0.75 * 18.5, abs=1e-6)
    assert not (out / "lid-cut.step").exists()


def test_a_part_over_the_face_edge_fails(tmp_path: Path, capsys: Any) -> None:
    """At frame x = 10 the cut reaches w/2 - 10 = 10.775 mm past the flat lid's left
    edge: a strip 10.775 x h less its two rounded corners, (1 - pi/4) r^2 each."""
    w, h, r, _ = cut_area()
    lid = layout(tmp_path, [(10.0, 50.0)])
    out = tmp_path / "out"
    assert main(["cut", str(enclosure(tmp_path)), str(lid), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert "place[0] runs off the face" in text and "place[0] at (10.000, 50.000)" in text
    outside = (w / 2 - 10) * h - 2 * (1 - math.pi / 4) * r * r
    assert f"(edge distance 0 mm) and {outside:.3f} mm2 of it lies outside" in text


def test_a_part_near_an_existing_opening_fails(tmp_path: Path, capsys: Any) -> None:
    _, h, _, _ = cut_area()
    y = 50 + h / 2 + 5 + 1.0  # 1 mm from the 10 mm hole at (80, 50)
    lid = layout(tmp_path, [(80.0, y)])
    out = tmp_path / "out"
    step = enclosure(tmp_path, hole=True)
    assert main(["cut", str(step), str(lid), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert "place[0] is 1.000 mm from the face's boundary" in text
    edge, flange = _violations(out)
    assert edge["figures"]["edge"] == pytest.approx(1.0, abs=1e-6)
    # The 18.5 mm high flange's lower edge, y - 9.25, lies 5 - (y - 9.25 - 50) mm below
    # the top of the 10 mm hole: it covers that segment of the hole.
    r, d = 5.0, y - 9.25 - 50
    segment = r * r * math.acos(d / r) - d * math.sqrt(r * r - d * d)
    assert flange["rule"] == "flange_off_sheet"
    assert flange["figures"]["off_face_mm2"] == pytest.approx(segment, rel=1e-6)
    # --force writes the files anyway: CUT holds the new opening only; the outline and
    # the old hole (one CIRCLE, 10 mm at (80, 50)) are on REFERENCE.
    assert main(["cut", str(step), str(lid), "-o", str(out), "--force"]) == 1
    (new,) = cut_loops(out / "lid-face.dxf")
    assert new.centre == pytest.approx((80, y), abs=1e-6)
    reference = cut_loops(out / "lid-face.dxf", "REFERENCE")
    outline, old = sorted(reference, key=lambda loop: -loop.width)
    assert (outline.width, outline.height) == pytest.approx((154, 94), abs=1e-6)
    assert [e.dxftype() for e in old.entities] == ["CIRCLE"]
    assert old.centre == pytest.approx((80, 50), abs=1e-6) and old.width == pytest.approx(10)


def test_a_second_cut_into_the_cut_face_cuts_only_its_own_openings(
    good: tuple[Path, Path, int], tmp_path: Path
) -> None:
    """The first run's cut STEP as the enclosure: its two openings are reference, and
    the new one, between them, is the only contour on CUT."""
    _, first, _ = good
    lid = layout(tmp_path, [(80.0, 20.0)], name="again")
    out = tmp_path / "out"
    assert main(["cut", str(first / "lid-cut.step"), str(lid), "-o", str(out)]) == 0
    (new,) = cut_loops(out / "again-face.dxf")
    assert new.centre == pytest.approx((80, 20), abs=1e-6)
    reference = cut_loops(out / "again-face.dxf", "REFERENCE")
    assert len(reference) == 3
    _, *old = sorted(reference, key=lambda loop: -loop.width)
    assert sorted(c.centre for c in old) == [
        pytest.approx((50, 50), abs=1e-6),
        pytest.approx((110, 50), abs=1e-6),
    ]


def test_a_body_on_an_inside_boss_fails(tmp_path: Path, capsys: Any) -> None:
    lid = layout(tmp_path, [(50.0, 50.0)])
    out = tmp_path / "out"
    step = enclosure(tmp_path, boss=True)
    assert main(["cut", str(step), str(lid), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert "FAIL body_collision: place[0]: the body" in text
    assert "place[0] at (50.000, 50.000)" in text
    # The rib's top is 25 mm under the lid (Z = 0), 5 mm deep; the housing reaches 35.5.
    assert "mm3 with the enclosure, 25.000 .. 30.000 mm behind the face" in text
    (hit,) = _violations(out)
    assert hit["rule"] == "body_collision" and hit["figures"]["volume_mm3"] > 1.0
    assert hit["figures"]["depth_mm"] == pytest.approx([25.0, 30.0], abs=1e-6)


# --- C: bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("face", "problem"),
    [
        ('select = ">Q"', "face.select"),
        ('select = "%TORUS"', "matching no face of the enclosure"),
        ('select = "|X"', "matching 4 faces"),
        (
            f"point = [{77 + 3 * math.cos(math.pi / 4)}, {47 + 3 * math.sin(math.pi / 4)}, 0]"
            "\nnormal = [1, 1, 0]",
            "not a planar one",
        ),
    ],
)
def test_bad_faces_exit_2_and_write_nothing(
    tmp_path: Path, capsys: Any, face: str, problem: str
) -> None:
    step = enclosure(tmp_path)
    path = tmp_path / "lid.toml"
    path.write_text(
        f'[face]\n{face}\n[[place]]\npart = "{PART}"\nx = 50.0\ny = 50.0\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    assert main(["cut", str(step), str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geom: ") and problem in err[0]
    assert "; allowed " in err[0]
    assert not out.exists()


@pytest.mark.parametrize("kind", ["missing", "not STEP"])
def test_bad_enclosure_files_exit_2_and_write_nothing(
    tmp_path: Path, capsys: Any, kind: str
) -> None:
    step = tmp_path / "box.step"
    if kind == "not STEP":
        step.write_text("solid box\nendsolid\n", encoding="utf-8")
    lid = layout(tmp_path, [(50.0, 50.0)])
    out = tmp_path / "out"
    assert main(["cut", str(step), str(lid), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geom: command line:ENCLOSURE: ")
    assert not out.exists()


@pytest.mark.parametrize(
    ("select", "x_dir", "y_dir"),
    [
        (">Z", (1, 0, 0), (0, 1, 0)),
        ("<Y", (1, 0, 0), (0, 0, 1)),
        (">X", (0, 1, 0), (0, 0, 1)),
        (">Y", (-1, 0, 0), (0, 0, 1)),
    ],
)
def test_the_face_frame_is_seen_from_outside(
    select: str, x_dir: tuple[int, ...], y_dir: tuple[int, ...]
) -> None:
    from geom.cad.enclosure import find_face

    box = cq.Workplane().box(160, 100, 50).val()
    frame = find_face(box.wrapped, "t", select)
    assert frame.x_dir == pytest.approx(x_dir, abs=1e-12)
    assert frame.y_dir == pytest.approx(y_dir, abs=1e-12)
    # The origin is the face's lower-left corner seen from outside: every vertex has
    # x, y >= 0 in the frame.
    for v in cq.Face(frame.face).Vertices():
        d = cq.Vector(*v.toTuple()) - cq.Vector(*frame.origin)
        x, y, z = (d.dot(cq.Vector(*a)) for a in (frame.x_dir, frame.y_dir, frame.normal))
        assert x >= -1e-9 and y >= -1e-9 and abs(z) < 1e-9


# --- D: the flat wall cut without a boolean -------------------------------------------------


def _kernel_case(tmp: Path) -> tuple[Any, Any, Any]:
    from geom.cad import enclosure as kernel

    solid = read_step(enclosure(tmp)).Solids()[0]
    frame = kernel.find_face(solid.wrapped, "test", ">Z")
    return kernel, solid, frame


def test_the_flat_wall_cut_equals_the_boolean(tmp_path: Path) -> None:
    """Two openings and a 10 mm hole through the 2 mm lid of the hollow box (its cavity a
    second shell, which the openings join to the outer one): the faces rebuilt give the
    boolean's solid, volume less (2 (w h - (4 - pi) r^2) + pi 5^2) x 2 mm."""
    from geom.model.contour import circle, rounded_rect

    kernel, solid, frame = _kernel_case(tmp_path)
    assert len(solid.Shells()) == 2
    w, h, r, area = cut_area()
    openings = [
        (rounded_rect(w, h, r), 50.0, 50.0),
        (rounded_rect(w, h, r, rotation=90), 110.0, 50.0),
        (circle(10.0), 80.0, 20.0),
    ]
    faces = kernel.FaceBoxes.of(solid.wrapped, frame)
    through = kernel.cut_through(solid.wrapped, frame, openings, 2.0, faces)
    made = kernel.Tools(frame)
    boolean = kernel.cut(solid.wrapped, [made.at(c, 3.0, x, y) for c, x, y in openings])
    expected = solid.Volume() - (2 * area + math.pi * 25) * 2.0
    assert through is not None and kernel.valid_solid(through) and kernel.valid_solid(boolean)
    through, boolean = cq.Shape.cast(through), cq.Shape.cast(boolean)
    assert through.Volume() == pytest.approx(expected, rel=1e-12)
    assert boolean.Volume() == pytest.approx(expected, rel=1e-12)
    assert len(through.Faces()) == len(boolean.Faces())
    assert len(through.Shells()) == 1


def test_the_flat_wall_cut_gives_way_to_the_boolean(tmp_path: Path) -> None:
    """An opening whose prism's box meets the box of the 10 mm hole already in the lid
    (at frame (80, 50); the opening's corner 1 mm inside the hole's box each way, 0.86 mm
    clear of the hole), two openings that overlap, or a wall of another thickness: no
    faces are rebuilt (None), and `geom cut` cuts with one boolean."""
    from geom.cad import enclosure as kernel
    from geom.model.contour import rounded_rect

    w, h, r, area = cut_area()
    step = enclosure(tmp_path, hole=True)
    solid = read_step(step).Solids()[0].wrapped
    frame = kernel.find_face(solid, "test", ">Z")
    faces = kernel.FaceBoxes.of(solid, frame)
    rect = rounded_rect(w, h, r)
    near = (80 + 5 + w / 2 - 1, 50 + 5 + h / 2 - 1)
    assert kernel.cut_through(solid, frame, [(rect, *near)], 2.0, faces) is None
    assert kernel.cut_through(solid, frame, [(rect, 50.0, 20.0)], 2.0, faces) is not None
    overlap = [(rect, 50.0, 20.0), (rect, 60.0, 20.0)]
    assert kernel.cut_through(solid, frame, overlap, 2.0, faces) is None
    assert kernel.cut_through(solid, frame, [(rect, 50.0, 20.0)], 2.5, faces) is None

    out = tmp_path / "out"
    lid = layout(tmp_path, [near])
    assert main(["cut", str(step), str(lid), "-o", str(out), "--force"]) == 1  # edge < 3 mm
    report = json.loads((out / "lid-report.json").read_text())
    assert report["cut_method"] == "one boolean"
    removed = report["volume"]["before"] - report["volume"]["after"]
    assert removed == pytest.approx(area * 2.0, abs=1e-6)


def test_forcing_a_part_over_the_face_edge_is_bad_input(tmp_path: Path, capsys: Any) -> None:
    """--force writes CAM files despite broken rules, but no CAM file can hold a cut that
    touches the face's boundary (here the hole's edge at x = 5 - 5 = 0, on the left
    side): one line, exit 2, nothing written."""
    lid = tmp_path / "lid.toml"
    lid.write_text('[face]\nselect = ">Z"\n[[hole]]\nx = 5.0\ny = 50.0\ndiameter = 10.0\n')
    out = tmp_path / "out"
    code = main(["cut", str(enclosure(tmp_path)), str(lid), "-o", str(out), "--force"])
    (line,) = capsys.readouterr().err.splitlines()
    assert code == 2, line
    assert line.startswith(f"geom: {lid}:hole[0]: the opening at (5, 50) is running off the face")
    assert "; allowed an opening wholly on the face" in line
    assert not any(out.glob("*"))


def test_geom_cut_reports_the_flat_wall_way(good: tuple[Path, Path, int]) -> None:
    _, out, _ = good
    assert json.loads((out / "lid-report.json").read_text())["cut_method"] == "flat wall"


def test_a_part_over_an_existing_opening_fails(tmp_path: Path, capsys: Any) -> None:
    """Centred on the 10 mm hole already in the lid, the cut holds the whole hole: pi 5^2
    mm2 of it lies in that opening, none of it is cut."""
    lid = layout(tmp_path, [(80.0, 50.0)])
    out = tmp_path / "out"
    assert main(["cut", str(enclosure(tmp_path, hole=True)), str(lid), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    assert "place[0] runs off the face" in text and "place[0] at (80.000, 50.000)" in text
    assert f"(edge distance 0 mm) and {math.pi * 25:.3f} mm2 of it lies outside" in text
    (edge,) = [v for v in _violations(out) if v["rule"] == "edge"]
    assert edge["figures"]["off_face_mm2"] == pytest.approx(math.pi * 25, abs=1e-6)
    assert not (out / "lid-cut.step").exists()


def test_a_screw_fixed_part_is_cut_with_its_own_holes(tmp_path: Path) -> None:
    """The test data's D-sub-like part: its trapezoid and its two fixing holes go through
    the lid; the DXF of the face holds the holes as CIRCLEs at +/-12.495 mm. The holes'
    webs to the cutout (1.145 mm) are thinner than the 2 mm wall, but the data sheet fixes
    where they sit: the web rule (web >= t) gives way, and the report says so with both
    figures."""
    part = Path(__file__).resolve().parent / "data" / "shapes" / "trapezoid-screw.toml"
    step = enclosure(tmp_path)
    place = f'[[place]]\npart = "{part.as_posix()}"\nx = 77.0\ny = 47.0\n'
    lid = tmp_path / "lid.toml"
    lid.write_text(f'[face]\nselect = ">Z"\nshop_tolerance = {SHOP}\n{place}', encoding="utf-8")
    assert main(["cut", str(step), str(lid), "-o", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "lid-report.json").read_text(encoding="utf-8"))
    (note,) = report["notes"]
    assert "web of 1.145 mm" in note and "2.000 mm minimum" in note and "data sheet wins" in note
    (dxf,) = (tmp_path / "out").glob("*.dxf")
    circles = [lp for lp in cut_loops(dxf) if lp.entities[0].dxftype() == "CIRCLE"]
    assert sorted(round(lp.centre[0], 6) for lp in circles) == [77 - 12.495, 77 + 12.495]
    assert all(2 * lp.radii[0] == pytest.approx(3.1, abs=1e-6) for lp in circles)


# --- D: the panel's entries and DXF options on an enclosure face ----------------------------

SLOT = (130.0, 50.0, 20.0, 6.0)  # x, y, length, width: the long axis turned 90 degrees
HOLE = (130.0, 20.0, 6.0)  # x, y, diameter


def labelled_layout(tmp: Path, slot_extra: str = "tolerance = 0.05") -> Path:
    """A lid with a labelled part, hole and slot (frame mm)."""
    x, y, length, width = SLOT
    hx, hy, d = HOLE
    path = tmp / "lid.toml"
    path.write_text(
        f'[face]\nselect = ">Z"\nshop_tolerance = {SHOP}\n'
        f'[[place]]\npart = "{PART}"\nx = 50.0\ny = 50.0\nlabel = "J1"\n'
        f'[[hole]]\nx = {hx}\ny = {hy}\ndiameter = {d}\nlabel = "H1"\n'
        f"[[slot]]\nx = {x}\ny = {y}\nlength = {length}\nwidth = {width}\nangle = 90\n"
        f'label = "S1"\n{slot_extra}\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def slotted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("slot")
    step = enclosure(tmp)
    path = labelled_layout(tmp)
    for args in ([], ["--explode"], ["--dxf-version", "r12"]):
        out = tmp / ("-".join(a.strip("-") for a in args) or "plain")
        assert main(["cut", str(step), str(path), "-o", str(out), *args]) == 0
    return step, tmp


def _slot_loop(path: Path) -> Any:
    x, y, _, _ = SLOT
    (loop,) = [c for c in cut_loops(path) if c.centre == pytest.approx((x, y), abs=1e-6)]
    return loop


@pytest.mark.parametrize("run", ["plain", "explode", "dxf-version-r12"])
def test_a_slot_is_cut_on_cut_as_its_obround(slotted: tuple[Path, Path], run: str) -> None:
    """The slot's loop on CUT: 6 mm across, 20 mm long (along Y: angle 90), two
    half-circles of radius 3 (arcs sweeping 360 degrees in all) and two straight sides
    of 20 - 6 = 14 mm; the hole one
    CIRCLE of 6 mm; the cutout its rounded rectangle."""
    _, tmp = slotted
    dxf = tmp / run / "lid-face.dxf"
    _, _, length, width = SLOT
    loop = _slot_loop(dxf)
    assert loop.closed and (loop.width, loop.height) == pytest.approx((width, length), abs=1e-9)
    assert loop.radii == pytest.approx([width / 2] * len(loop.radii), abs=1e-9)
    assert sum(abs(s.sweep_deg) for s in loop.arcs) == pytest.approx(360.0, abs=1e-9)
    straight = [s.length for s in loop.segments if not s.radius]
    assert straight == pytest.approx([length - width] * 2, abs=1e-9)
    assert loop_area(loop) == pytest.approx((length - width) * width + math.pi * 9, abs=1e-9)
    loops = cut_loops(dxf)
    assert len(loops) == 3
    (hole,) = [c for c in loops if [e.dxftype() for e in c.entities] == ["CIRCLE"]]
    assert hole.centre == pytest.approx(HOLE[:2], abs=1e-9) and hole.width == pytest.approx(6)
    kinds = {e.dxftype() for e in read_dxf(dxf).modelspace().query('*[layer=="CUT"]')}
    expected = {
        "plain": {"LWPOLYLINE", "CIRCLE"},
        "explode": {"LINE", "ARC", "CIRCLE"},
        "dxf-version-r12": {"POLYLINE", "CIRCLE"},
    }[run]
    assert kinds == expected
    version = read_dxf(dxf).header.get("$ACADVER")
    assert version == ("AC1009" if run == "dxf-version-r12" else "AC1015")
    report = json.loads((tmp / run / "lid-report.json").read_text())
    assert report["files"]["exploded"] == (run == "explode")
    assert report["files"]["dxf_version"] == ("r12" if "r12" in run else "r2000")


def test_a_slot_is_cut_through_the_wall(slotted: tuple[Path, Path]) -> None:
    """The cut STEP's volume drops by every opening's area times the 2 mm wall: the
    cutout, the 6 mm hole and the 20 x 6 mm obround (14 x 6 + pi 3^2)."""
    step, tmp = slotted
    before, after = read_step(step), read_step(tmp / "plain" / "lid-cut.step")
    assert len(after.Solids()) == 1 and after.Solids()[0].isValid()
    _, _, _, area = cut_area()
    _, _, length, width = SLOT
    slot_area = (length - width) * width + math.pi * (width / 2) ** 2
    hole_area = math.pi * (HOLE[2] / 2) ** 2
    expected = before.Volume() - (area + hole_area + slot_area) * 2.0
    assert after.Volume() == pytest.approx(expected, abs=1e-3)


def test_labels_and_the_slot_are_in_the_report(slotted: tuple[Path, Path]) -> None:
    """The report names every opening's label; the face DXF, as a panel's, writes the
    part's label and id in its cutout on NOTES (the 41.55 x 15.55 mm cut at (50, 50))."""
    _, tmp = slotted
    doc = read_dxf(tmp / "plain" / "lid-face.dxf")
    (note,) = [e for e in doc.modelspace().query('TEXT[layer=="NOTES"]') if "J1" in e.dxf.text]
    assert note.dxf.text == f"J1 {PART}"
    w, h, _, _ = cut_area()
    x, y = note.dxf.insert.x, note.dxf.insert.y
    assert 50 - w / 2 < x < 50 and 50 - h / 2 < y < 50
    report = json.loads((tmp / "plain" / "lid-report.json").read_text())
    openings = {o["entry"]: o for o in report["openings"]}
    assert {e: o["label"] for e, o in openings.items()} == {
        "place[0]": "J1",
        "hole[0]": "H1",
        "slot[0]": "S1",
    }
    slot = openings["slot[0]"]
    assert slot["slot"] == {"length": 20.0, "width": 6.0, "angle": 90, "tolerance": 0.05}
    assert slot["wall"] == {"min": 2.0, "max": 2.0}
    # The slot's nearest boundary: the lid's 94 mm side is 154 - (130 + 3) = 21 mm away.
    assert slot["edge_distance"] == pytest.approx(21.0, abs=1e-6)


@pytest.mark.parametrize(
    ("extra", "rule", "figure"),
    [
        ("tolerance = 0.01", "slot_tolerance", ("tolerance", 0.01)),
        ("", None, None),
    ],
)
def test_a_slot_is_checked_as_on_a_flat_panel(
    tmp_path: Path, extra: str, rule: str | None, figure: tuple[str, float] | None
) -> None:
    """A slot tighter than the shop's +/-0.02 mm fails `slot_tolerance`, as on a panel."""
    out = tmp_path / "out"
    path = labelled_layout(tmp_path, extra)
    rc = main(["cut", str(enclosure(tmp_path)), str(path), "-o", str(out)])
    found = _violations(out)
    if rule is None:
        assert rc == 0 and found == []
        return
    assert rc == 1 and [v["rule"] for v in found] == [rule]
    assert found[0]["entries"] == ["slot[0]"] and figure is not None
    assert found[0]["figures"][figure[0]] == figure[1]


@pytest.mark.parametrize(
    ("slot", "rule", "figure"),
    [
        # 1 mm from the lid's right side (154 - 150 - 3): edge >= 1.5 t = 3 mm.
        ((150.0, 50.0), "edge", 1.0),
        # 1 mm from the 6 mm hole at (130, 20): its lower end at 50 - 10 ... y = 34.
        ((130.0, 34.0), "web", 1.0),
    ],
)
def test_a_slot_near_the_edge_or_a_hole_fails(
    tmp_path: Path, slot: tuple[float, float], rule: str, figure: float
) -> None:
    x, y = slot
    path = labelled_layout(tmp_path)
    text = path.read_text().replace(f"x = {SLOT[0]}\ny = {SLOT[1]}", f"x = {x}\ny = {y}")
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["cut", str(enclosure(tmp_path)), str(path), "-o", str(out)]) == 1
    (found,) = _violations(out)
    assert found["rule"] == rule and "slot[0]" in found["entries"]
    assert min(v for v in found["figures"].values() if isinstance(v, float)) == pytest.approx(
        figure, abs=1e-6
    )
    assert not (out / "lid-face.dxf").exists()


def test_slots_and_labels_on_several_faces(tmp_path: Path) -> None:
    """`[[face.slot]]` and labels on a layout of two faces: each face's DXF holds its
    own slot on CUT; the report names each by its entry, face and label."""
    path = tmp_path / "box.toml"
    path.write_text(
        f"[enclosure]\nshop_tolerance = {SHOP}\n"
        '[[face]]\nname = "lid"\nselect = ">Z"\n'
        '[[face.slot]]\nx = 80.0\ny = 47.0\nlength = 30.0\nwidth = 8.0\nlabel = "vent"\n'
        '[[face]]\nname = "front"\nselect = "<Y"\n'
        "[[face.slot]]\nx = 80.0\ny = 25.0\nlength = 12.0\nwidth = 5.0\nangle = 90\n"
        '[[face.hole]]\nx = 40.0\ny = 25.0\ndiameter = 8.0\nlabel = "led"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["cut", str(enclosure(tmp_path)), str(path), "-o", str(out), "--explode"]) == 0
    (lid,) = cut_loops(out / "box-lid-face.dxf")
    assert (lid.width, lid.height) == pytest.approx((30.0, 8.0), abs=1e-9)
    assert lid.centre == pytest.approx((80.0, 47.0), abs=1e-9)
    front = sorted(cut_loops(out / "box-front-face.dxf"), key=lambda loop: loop.centre)
    assert [(c.width, c.height) for c in front] == [
        pytest.approx((8.0, 8.0), abs=1e-9),
        pytest.approx((5.0, 12.0), abs=1e-9),
    ]
    report = json.loads((out / "box-report.json").read_text())
    assert [(o["entry"], o["face"], o["label"]) for o in report["openings"]] == [
        ("face[0].slot[0]", "lid", "vent"),
        ("face[1].hole[0]", "front", "led"),
        ("face[1].slot[0]", "front", None),
    ]


def test_a_label_used_twice_in_a_cut_layout_is_bad_input(tmp_path: Path, capsys: Any) -> None:
    path = labelled_layout(tmp_path)
    path.write_text(path.read_text().replace('"H1"', '"S1"'), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["cut", str(enclosure(tmp_path)), str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"geom: {path}:slot[0].label: 'S1' is the label of hole[0] too; allowed a label "
        "used by one opening only"
    )
    assert not out.exists()
