"""The CadQuery plugin (`import geom.cq`, `Workplane.panelCutout`), measured on the solid
it returns against figures worked out here from the 770-744 template's numbers: the
finished opening band C = 41.5 x 15.5 mm, tolerance T = +0.1 mm, corner radius 0.5 mm,
grip range 0.5 .. 2 mm. A `mid` cut is drawn at C + T/2 + 2c (c the coating per face), a
rounded rectangle w x h with corner radius r has the area w h - (4 - pi) r^2, and a
housing made by shelling a 120 x 80 x 40 mm box with its bottom open loses
116 x 76 x 38 mm of its inside."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import geom

cq = pytest.importorskip("cadquery")
import geom.cq  # noqa: E402  (after the skip: the plugin needs cadquery)
from geom.model.body import build_body  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
C_W, C_H, T, R = 41.5, 15.5, 0.1, 0.5  # the template's cutout band and corner radius
POINTS = [(-30.0, 0.0), (30.0, 0.0)]
PART = geom.load_part("770-744")


def _housing(wall: float) -> cq.Workplane:
    """A 120 x 80 x 40 mm housing, bottom open, walls `wall` mm; its volume is checked
    against the box less its inside."""
    housing = cq.Workplane().box(120, 80, 40).faces("<Z").shell(-wall)
    inside = (120 - 2 * wall) * (80 - 2 * wall) * (40 - wall)
    assert housing.val().Volume() == pytest.approx(120 * 80 * 40 - inside, rel=1e-12)
    return housing


def _cut(coating: float) -> tuple[float, float]:
    """The cut as drawn for the mid target, from the template's numbers."""
    return C_W + T / 2 + 2 * coating, C_H + T / 2 + 2 * coating


def _area(w: float, h: float) -> float:
    return w * h - (4 - math.pi) * R * R


def _opening(solid: cq.Shape, x: float, y: float, z_top: float) -> tuple[float, float]:
    """The opening around (x, y) as cut: the distance between its planar side walls
    (normals along X, along Y), read from the faces of the solid."""
    xs, ys = [], []
    for face in solid.Faces():
        centre = face.Center()
        if face.geomType() != "PLANE" or abs(centre.x - x) > 25 or abs(centre.y - y) > 25:
            continue
        if centre.z > z_top - 1e-9 or centre.z < z_top - 10:
            continue  # the outer face; the opening's walls lie below it
        normal = face.normalAt(centre)
        if abs(abs(normal.x) - 1) < 1e-12:
            xs.append(centre.x)
        elif abs(abs(normal.y) - 1) < 1e-12:
            ys.append(centre.y)
    assert len(xs) == 2 and len(ys) == 2, (xs, ys)
    return max(xs) - min(xs), max(ys) - min(ys)


@pytest.mark.parametrize(("wall", "coating"), [(2.0, 0.0), (1.5, 0.08)])
def test_two_openings_remove_their_area_times_the_wall(wall: float, coating: float) -> None:
    housing = _housing(wall)
    result = housing.faces(">Z").workplane().pushPoints(POINTS).panelCutout(PART, coating=coating)
    solid = result.val()
    assert solid.isValid() and len(result.solids().vals()) == 1
    w, h = _cut(coating)
    removed = housing.val().Volume() - solid.Volume()
    assert removed == pytest.approx(2 * _area(w, h) * wall, rel=1e-9)
    fits = result.geomFits
    assert len(fits) == 2 and all(f.ok for f in fits)
    for (x, y), fit in zip(POINTS, fits, strict=True):
        assert fit.sheet.min == pytest.approx(wall, abs=1e-9)  # the wall, measured
        assert fit.sheet.max == pytest.approx(wall, abs=1e-9)
        assert (fit.cut.width, fit.cut.height) == pytest.approx((w, h), abs=1e-12)
        width, height = _opening(solid, x, y, 20.0)
        assert width == pytest.approx(fit.cut.width, abs=1e-6)
        assert height == pytest.approx(fit.cut.height, abs=1e-6)


def test_rarray_and_a_quarter_turn_swap_width_and_height() -> None:
    housing = _housing(2.0)
    result = housing.faces(">Z").workplane().rarray(60, 1, 2, 1).panelCutout(PART, rotation=90)
    w, h = _cut(0.0)
    assert result.val().isValid()
    assert housing.val().Volume() - result.val().Volume() == pytest.approx(
        2 * _area(w, h) * 2.0, rel=1e-9
    )
    assert _opening(result.val(), 30.0, 0.0, 20.0) == pytest.approx((h, w), abs=1e-6)


def test_no_point_cuts_at_the_workplane_origin_on_a_side_face() -> None:
    """The -Y side face (120 x 40 mm, normal -Y): one opening at its centre, (0, -40, 0);
    the plugin takes the face's own outward normal, whichever way the workplane's points."""
    housing = _housing(2.0)
    result = housing.faces("<Y").workplane(centerOption="CenterOfBoundBox").panelCutout(PART)
    w, h = _cut(0.0)
    removed = housing.val().Volume() - result.val().Volume()
    assert removed == pytest.approx(_area(w, h) * 2.0, rel=1e-9)
    assert result.geomFits[0].sheet.min == pytest.approx(2.0, abs=1e-9)


def test_nothing_behind_the_wall_is_cut() -> None:
    """A 2 mm plate with a second one 1 mm behind it: the tool stops in the gap."""
    plates = (
        cq.Workplane()
        .box(100, 60, 2, centered=(True, True, False))
        .union(cq.Workplane().box(100, 60, 2, centered=(True, True, False)).translate((0, 0, -3)))
    )
    assert len(plates.solids().vals()) == 2
    result = plates.faces(">Z").workplane().panelCutout(PART)
    w, h = _cut(0.0)
    assert plates.val().Volume() - result.val().Volume() == pytest.approx(
        _area(w, h) * 2.0, rel=1e-9
    )


def test_a_wall_outside_the_grip_range_raises_unless_forced() -> None:
    housing = _housing(3.0)
    on_top = housing.faces(">Z").workplane().pushPoints(POINTS)
    with pytest.raises(geom.cq.FitError) as raised:
        on_top.panelCutout(PART)
    error = raised.value
    assert isinstance(error, geom.GeomError)
    assert "wall 3.000 mm (measured)" in str(error)
    assert "grip range 0.500 .. 2.000 mm" in str(error)
    assert len(error.fits) == 2 and not any(f.ok for f in error.fits)
    assert [t for wall in error.walls for t in wall] == pytest.approx([3.0] * 4, abs=1e-9)

    forced = on_top.panelCutout(PART, force=True)
    assert forced.val().isValid()
    w, h = _cut(0.0)
    assert housing.val().Volume() - forced.val().Volume() == pytest.approx(
        2 * _area(w, h) * 3.0, rel=1e-9
    )
    for fit in forced.geomFits:
        assert not fit.ok and [c.name for c in fit.failures()] == ["grip"]
        assert fit.sheet.min == pytest.approx(3.0, abs=1e-9)


def test_a_non_planar_face_no_solid_a_bad_turn_or_an_edge_are_input_errors() -> None:
    cylinder = cq.Workplane().cylinder(40, 30)
    tangent = cq.Workplane(cq.Plane(origin=(30, 0, 0), xDir=(0, 1, 0), normal=(1, 0, 0)))
    with pytest.raises(geom.InputError, match="cylinder face, not a planar one"):
        cylinder.copyWorkplane(tangent).panelCutout(PART)
    with pytest.raises(geom.InputError, match="not a workplane on a solid"):
        cq.Workplane().panelCutout(PART)
    on_top = _housing(2.0).faces(">Z").workplane()
    with pytest.raises(geom.InputError, match="rotation: 45 is not a quarter turn"):
        on_top.panelCutout(PART, rotation=45)
    with pytest.raises(geom.InputError, match="runs off the face"):
        on_top.pushPoints([(50.0, 0.0)]).panelCutout(PART)
    with pytest.raises(geom.InputError, match="on no face of the solid"):
        on_top.workplane(offset=5).panelCutout(PART)


def test_import_geom_loads_no_cadquery_and_geom_cq_adds_the_method() -> None:
    probe = (
        "import sys, geom\n"
        "print('cadquery' in sys.modules)\n"
        "import cadquery as cq\n"
        "print(hasattr(cq.Workplane, 'panelCutout'))\n"
        "import geom.cq\n"
        "print(hasattr(cq.Workplane, 'panelCutout'))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert done.stdout.split() == ["False", "False", "True"], done.stderr


@pytest.mark.parametrize("rotation", [0, 90])
def test_panel_body_sits_on_the_face_with_its_wings_at_the_wall(rotation: int) -> None:
    """770-744's envelope is 45.5 x 18.5 mm, from 2 mm above the front face to 35.5 mm
    behind it; on the 1.5 mm wall with 0.08 mm per face the wings catch at
    1.5 + 2 x 0.08 = 1.66 mm below the outer face, Z = 20 - 1.66."""
    housing = _housing(1.5)
    top = housing.faces(">Z").workplane().pushPoints(POINTS)
    assembly = top.panelBody(PART, coating=0.08, rotation=rotation, name="sockets")
    assert assembly.name == "sockets" and len(assembly.children) == 2
    spec_colour = build_body(PART, 1.66).solids[0].colour
    width, height = (45.5, 18.5) if rotation == 0 else (18.5, 45.5)
    for n, ((x, y), child) in enumerate(zip(POINTS, assembly.children, strict=True), start=1):
        assert child.name.endswith(f" #{n}") and child.name.startswith(PART.id)
        assert child.color.toTuple()[:3] == pytest.approx(spec_colour, abs=1e-6)
        body = child.obj.moved(child.loc)
        box = body.BoundingBox()
        assert (box.xmin, box.xmax) == pytest.approx((x - width / 2, x + width / 2), abs=1e-6)
        assert (box.ymin, box.ymax) == pytest.approx((y - height / 2, y + height / 2), abs=1e-6)
        assert (box.zmin, box.zmax) == pytest.approx((20 - 35.5, 20 + 2.0), abs=1e-6)
        if rotation == 0:  # the wings, past the collar along X
            far = cq.Solid.makeBox(50, 50, 50, cq.Vector(x + C_W / 2 + 1e-3, -25, -30))
            assert body.intersect(far).BoundingBox().zmax == pytest.approx(20 - 1.66, abs=1e-6)


def test_an_empty_or_invalid_boolean_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    on_top = _housing(2.0).faces(">Z").workplane()
    kind = type(on_top.findSolid())  # a Compound: its own cut
    monkeypatch.setattr(kind, "cut", lambda self, *tools: cq.Compound.makeCompound([]))
    with pytest.raises(geom.cq.CutError, match="left no solid"):
        on_top.panelCutout(PART)
    monkeypatch.setattr(kind, "cut", lambda self, *tools: self)
    with pytest.raises(geom.cq.CutError, match="removed nothing"):
        on_top.panelCutout(PART)
    monkeypatch.setattr(cq.Shape, "isValid", lambda self: False)
    with pytest.raises(geom.cq.CutError, match="invalid"):
        on_top.panelCutout(PART)


# --- cq.Sketch.panelCutout --------------------------------------------------------------


@pytest.mark.parametrize("rotation", [0, 90])
def test_sketch_cutout_gives_the_cut_as_faces_at_each_location(rotation: int) -> None:
    sketch = cq.Sketch().push(POINTS).panelCutout(PART, rotation=rotation)
    faces = sketch._faces.Faces()
    w, h = _cut(0.0)
    if rotation:
        w, h = h, w
    assert len(faces) == 2 and sketch.geomFit.cut.width == pytest.approx(_cut(0.0)[0])
    for face, (x, y) in zip(sorted(faces, key=lambda f: f.Center().x), POINTS, strict=True):
        assert face.Area() == pytest.approx(_area(w, h), rel=1e-12)
        box = face.BoundingBox()
        assert (box.xmin, box.xmax) == pytest.approx((x - w / 2, x + w / 2), abs=1e-9)
        assert (box.ymin, box.ymax) == pytest.approx((y - h / 2, y + h / 2), abs=1e-9)
        assert (box.zmin, box.zmax) == pytest.approx((0.0, 0.0), abs=1e-12)


def test_sketch_cutout_cuts_through_a_wall_with_cadquery_s_own_verbs() -> None:
    housing = _housing(2.0)
    sketch = cq.Sketch().push(POINTS).panelCutout(PART, coating=0.08)
    cut = housing.faces(">Z").workplane().placeSketch(sketch).cutThruAll()
    assert cut.val().isValid()
    w, h = _cut(0.08)
    removed = housing.val().Volume() - cut.val().Volume()
    assert removed == pytest.approx(2 * _area(w, h) * 2.0, rel=1e-9)
    for x, y in POINTS:
        assert _opening(cut.val(), x, y, 20.0) == pytest.approx((w, h), abs=1e-6)


def test_sketch_cutout_checks_a_sheet_it_is_given() -> None:
    with pytest.raises(geom.cq.FitError, match=r"sheet 3\.000 mm, grip range 0\.500 \.\. 2\.000"):
        cq.Sketch().panelCutout(PART, sheet=3.0)
    forced = cq.Sketch().panelCutout(PART, sheet=3.0, force=True)
    assert not forced.geomFit.ok and len(forced._faces.Faces()) == 1
    assert cq.Sketch().panelCutout(PART, sheet=1.5).geomFit.ok


# --- Workplane.panelLayout ----------------------------------------------------------------

SHOP = 0.02  # the 770-744's opening band is 0.1 mm wide: a shop holding +/-0.02 mm
HOLE = 8.0  # mm, a plain hole in the layout


def _layout(tmp: Path, places: list[tuple[float, float]], name: str = "lid") -> Path:
    """A layout file for the housing's lid (">Z", 120 x 80 mm; its frame's origin is the
    lid's corner (-60, -40, 20), X and Y the world's): the places and an 8 mm hole at
    frame (60, 15)."""
    text = f'[face]\nselect = ">Z"\nshop_tolerance = {SHOP}\n'
    for x, y in places:
        text += f'[[place]]\npart = "770-744/064-000"\nx = {x}\ny = {y}\n'
    text += f"[[hole]]\nx = 60.0\ny = 15.0\ndiameter = {HOLE}\n"
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_panel_layout_cuts_places_and_reports(tmp_path: Path) -> None:
    housing = _housing(2.0)
    result = housing.panelLayout(_layout(tmp_path, [(30.0, 40.0), (90.0, 40.0)]))
    solid = result.val()
    assert solid.isValid() and len(result.solids().vals()) == 1
    w, h = _cut(0.0)  # mid, no coating: the shop's tolerance does not move the cut
    removed = housing.val().Volume() - solid.Volume()
    assert removed == pytest.approx((2 * _area(w, h) + math.pi * HOLE**2 / 4) * 2.0, rel=1e-9)
    for x, y in POINTS:  # frame (30, 40) and (90, 40) are world (-30, 0) and (30, 0)
        assert _opening(solid, x, y, 20.0) == pytest.approx((w, h), abs=1e-6)
    report = result.geomReport
    assert report["ok"] and result.geomViolations == ()
    assert [o["wall"] for o in report["openings"]] == [{"min": 2.0, "max": 2.0}] * 3
    assert report["face"]["origin"] == pytest.approx([-60.0, -40.0, 20.0])

    assembly = result.geomAssembly
    assert assembly.name == "lid"
    names = [c.name for c in assembly.children]
    assert names[0] == "enclosure cut" and len(names) == 3
    spec = build_body(PART, 2.0).solids[0]
    entries = ("place[0]", "place[1]")
    for child, (x, y), entry in zip(assembly.children[1:], POINTS, entries, strict=True):
        assert child.name == f"{entry} {spec.name}"
        assert child.color.toTuple()[:3] == pytest.approx(spec.colour, abs=1e-6)
        box = child.obj.moved(child.loc).BoundingBox()
        assert ((box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2) == pytest.approx(
            (x, y), abs=1e-6
        )
        assert box.zmax == pytest.approx(22.0, abs=1e-6)  # the flange 2 mm above the lid
        assert child.obj.moved(child.loc).intersect(solid).Volume() < 0.1  # mm3


def test_panel_layout_cuts_slots_and_keeps_labels(tmp_path: Path) -> None:
    """The plugin reads a layout's [[slot]] and labels as `geom cut` does: the 24 x 6 mm
    obround (18 x 6 + pi 3^2) goes through the 2 mm lid with the part and the hole, and
    the report names each opening's label."""
    housing = _housing(2.0)
    path = _layout(tmp_path, [(30.0, 40.0)])
    text = path.read_text().replace("x = 30.0\ny = 40.0\n", 'x = 30.0\ny = 40.0\nlabel = "X1"\n')
    text += '[[slot]]\nx = 90.0\ny = 40.0\nlength = 24.0\nwidth = 6.0\nlabel = "V1"\n'
    path.write_text(text, encoding="utf-8")
    result = housing.panelLayout(path)
    solid = result.val()
    assert solid.isValid() and len(result.solids().vals()) == 1
    w, h = _cut(0.0)
    slot = 18.0 * 6.0 + math.pi * 9.0
    removed = housing.val().Volume() - solid.Volume()
    assert removed == pytest.approx((_area(w, h) + math.pi * HOLE**2 / 4 + slot) * 2.0, rel=1e-9)
    labels = [(o["entry"], o["label"]) for o in result.geomReport["openings"]]
    assert labels == [("place[0]", "X1"), ("hole[0]", None), ("slot[0]", "V1")]


def test_panel_layout_raises_on_a_broken_rule_unless_forced(tmp_path: Path) -> None:
    """At frame x = 23 the cut's side is 23 - w/2 = 2.225 mm from the lid's edge (less
    than 1.5 t = 3 mm) and the body's housing (45.5 mm wide) reaches 0.25 mm from it,
    into the 2 mm side wall."""
    housing = _housing(2.0)
    near_edge = _layout(tmp_path, [(23.0, 40.0)])
    w, _ = _cut(0.0)
    with pytest.raises(geom.cq.LayoutError) as raised:
        housing.panelLayout(near_edge)
    distance = 23.0 - w / 2
    assert f"place[0] is {distance:.3f} mm from the face's boundary" in str(raised.value)
    assert "place[0] at (23.000, 40.000)" in str(raised.value)
    rules = [v.rule for v in raised.value.violations]
    assert not raised.value.report["ok"] and rules == ["edge", "body_collision"]
    forced = housing.panelLayout(near_edge, force=True)
    assert forced.val().isValid() and [v.rule for v in forced.geomViolations] == rules


def test_panel_layout_takes_another_face_by_selector(tmp_path: Path) -> None:
    """The same file on the bottom of a 2 mm box open at the top: `select` names the
    face; "|Z" names three (the bottom's two sides and the top's rim)."""
    box = cq.Workplane().box(120, 80, 40).faces(">Z").shell(-2.0)
    result = box.panelLayout(_layout(tmp_path, [(30.0, 40.0)]), select="<Z")
    w, h = _cut(0.0)
    removed = box.val().Volume() - result.val().Volume()
    assert removed == pytest.approx((_area(w, h) + math.pi * HOLE**2 / 4) * 2.0, rel=1e-9)
    assert result.geomReport["face"]["normal"] == pytest.approx([0.0, 0.0, -1.0])
    with pytest.raises(geom.InputError, match="matching 3 faces"):
        box.panelLayout(_layout(tmp_path, [(30.0, 40.0)]), select="|Z")


def test_a_screw_fixed_part_takes_its_fixing_holes_along() -> None:
    """The test data's D-sub-like part turned a quarter: two round walls of the fixing
    holes' drawn radius (3.05 + 0.05)/2 mm, at +/-12.495 mm along Y from the centre."""
    part = geom.load_part(Path(__file__).resolve().parent / "data/shapes/trapezoid-screw.toml")
    housing = _housing(1.5)
    result = housing.faces(">Z").workplane().panelCutout(part, rotation=90)
    solid = result.val()
    assert solid.isValid() and len(result.solids().vals()) == 1
    # Each hole's wall: cylinder faces about its axis, their areas adding up to pi d t.
    walls: dict[float, float] = {}
    for f in solid.Faces():
        if f.geomType() == "CYLINDER" and abs(abs(f.Center().y) - 12.495) < 1e-6:
            walls[round(f.Center().y, 6)] = walls.get(round(f.Center().y, 6), 0.0) + f.Area()
    assert sorted(walls) == [-12.495, 12.495]
    assert all(a == pytest.approx(math.pi * 3.1 * 1.5, abs=1e-6) for a in walls.values())


def test_the_docs_plugin_example_prints_no_library_warning(tmp_path: Path) -> None:
    """The api page's `panelLayout` example, run as a user runs it (a fresh interpreter,
    Python's default warning filters): its output only, no third-party warning (CadQuery
    2.8 deprecates `Assembly.save` with a FutureWarning; the page uses `export`)."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = [b.split("```")[0] for b in text.split("```python\n")[1:]]
    (block,) = [b for b in blocks if "geomAssembly" in b]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONWARNINGS", None)
    run = subprocess.run(
        [sys.executable, "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert (tmp_path / "lid-assembly.step").stat().st_size > 0
