"""Library boxes: the data (every number sourced or assumed, bad files refused in the
house form), the solids geom builds (measured on the STEP files written: bounding box and
volume against the drafted-prism formula worked out here), and `geom cut LAYOUT` with
`[box]` and faces A-E (the cut STEP, the face DXFs and the rule at a drafted edge,
measured on the files).

The 1590BB (templates/boxes/hammond-1590.toml): 119.5 x 94 mm at the open end, body 30,
wall 2.26, draft 2.5 degrees, plan corners R4.845, lid 4. Each wall leans in by
30 tan 2.5 deg = 1.3098 mm; a side face's flat part runs along its slope 30 / cos 2.5 deg
= 30.0286 mm, its centre halfway up (z = 15)."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from measure import read as read_dxf
from measure import texts

from geom.data.boxes import FIELDS, find_box, load_boxes, read_box_file
from geom.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("1590A", "1590B", "1590BB", "1590G", "1590X", "1590XX", "1550B", "125B")
BB = {"length": 119.5, "width": 94.0, "body": 30.0, "wall": 2.26, "draft": 2.5, "r": 4.845}
INSET = BB["body"] * math.tan(math.radians(BB["draft"]))
SLOPE = BB["body"] / math.cos(math.radians(BB["draft"]))


# --- the data ---------------------------------------------------------------------------


def test_the_library_holds_every_model_and_every_number_is_sourced() -> None:
    files = sorted((ROOT / "templates" / "boxes").glob("*.toml"))
    seen = set()
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sources = data.get("sources", {})
        for box in data["box"]:
            seen.add(box["model"])
            for key, value in box.items():
                if key == "model":
                    continue
                assert set(value) == {"value", "source"}, (path.name, box["model"], key)
                assert value["source"] == "assumed" or value["source"] in sources
            assert set(box) == {"model", *FIELDS}
    assert set(MODELS) <= seen
    boxes = load_boxes()
    assert boxes["1590BB"].assumed == ()  # every number of the 1590BB has a source
    assert set(boxes["125B"].assumed) == set(FIELDS)  # no source agrees on the 125B


def test_height_is_body_and_lid_in_every_box() -> None:
    for box in load_boxes().values():
        assert box.height == pytest.approx(box.body_height + box.lid, abs=0.01)


def _box_file(tmp: Path, **change: str) -> Path:
    fields = {
        "length": '{ value = 100.0, source = "drawing" }',
        "width": '{ value = 50.0, source = "drawing" }',
        "height": '{ value = 30.0, source = "assumed" }',
        "body_height": '{ value = 26.0, source = "drawing" }',
        "lid": '{ value = 4.0, source = "assumed" }',
        "wall": '{ value = 2.5, source = "assumed" }',
        "draft": '{ value = 1.5, source = "drawing" }',
        "corner_radius": '{ value = 4.0, source = "assumed" }',
    }
    fields.update(change)
    text = '[sources]\ndrawing = { kind = "drawing", text = "a maker\'s drawing" }\n\n'
    text += '[[box]]\nmodel = "T100"\n' + "".join(f"{k} = {v}\n" for k, v in fields.items())
    path = tmp / "boxes" / "test-box.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"wall": '{ value = 2.5, source = "nope" }'},
            ":box[0].wall.source: 'nope' is not a key of [sources]; allowed assumed or drawing",
        ),
        (
            {"draft": '{ value = 12, source = "drawing" }'},
            ":box[0].draft.value: 12 is out of range",
        ),
        (
            {"height": '{ value = 31.0, source = "assumed" }'},
            ":box[0].height.value: 31.0 is not body_height + lid (30 mm); allowed 30 +/- 0.01",
        ),
        ({"lid": "4.0"}, ":box[0].lid: 4.0 is not a table"),
    ],
)
def test_a_bad_box_file_is_one_line_naming_file_and_field(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    path = _box_file(tmp_path, **change)
    with pytest.raises(InputError) as caught:
        read_box_file(path)
    text = str(caught.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_a_bad_box_file_on_the_template_path_exits_2(
    tmp_path: Path, geom: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = _box_file(tmp_path, wall='{ value = "thick", source = "assumed" }')
    monkeypatch.setenv("GEOM_TEMPLATES", str(tmp_path))
    layout = tmp_path / "t.toml"
    layout.write_text(
        '[box]\nmodel = "T100"\n[[face]]\nname = "A"\n[[face.hole]]\nx = 0\ny = 0\ndiameter = 5\n'
    )
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 2 and not (tmp_path / "out").exists()
    assert run.err.count("\n") == 1
    assert run.err.startswith(f"geom: {bad}:box[0].wall.value: 'thick' is not a number")


def test_an_unknown_model_lists_the_library(tmp_path: Path, geom: Any) -> None:
    layout = tmp_path / "t.toml"
    layout.write_text(
        '[box]\nmodel = "1590Q"\n[[face]]\nname = "A"\n[[face.hole]]\nx = 0\ny = 0\ndiameter = 5\n'
    )
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 2
    assert f"{layout}:box.model: '1590Q' is not a box of the library; allowed " in run.err
    assert "1590BB" in run.err


# --- the solids -------------------------------------------------------------------------


def _plan_area(half_x: float, half_y: float, r: float) -> float:
    return 4 * half_x * half_y - (4 - math.pi) * r * r


def _drafted_volume(z0: float, z1: float, inward: float, box: Any) -> float:
    """The volume of the outside plan moved `inward`, between z0 and z1, each plan's
    sides and radius shrinking by z tan(draft): its area is quadratic in z, so Simpson's
    rule is exact."""
    slope = math.tan(math.radians(box.draft))

    def area(z: float) -> float:
        d = z * slope + inward
        return _plan_area(box.length / 2 - d, box.width / 2 - d, box.corner_radius - d)

    return (z1 - z0) / 6 * (area(z0) + 4 * area((z0 + z1) / 2) + area(z1))


def _read_step(path: Path) -> Any:
    from OCP.IFSelect import IFSelect_RetDone
    from OCP.STEPControl import STEPControl_Reader

    reader = STEPControl_Reader()
    assert reader.ReadFile(str(path)) == IFSelect_RetDone
    reader.TransferRoots()
    return reader.OneShape()


def _solids(shape: Any) -> list[Any]:
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    out, explorer = [], TopExp_Explorer(shape, TopAbs_SOLID)
    while explorer.More():
        out.append(TopoDS.Solid_s(explorer.Current()))
        explorer.Next()
    return out


def _volume(shape: Any) -> float:
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    return float(props.Mass())


def _bounds(shape: Any) -> tuple[float, ...]:
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, box, False, False)
    return tuple(box.Get())


def _valid(shape: Any) -> bool:
    from OCP.BRepCheck import BRepCheck_Analyzer

    return bool(BRepCheck_Analyzer(shape).IsValid())


@pytest.mark.parametrize("model", MODELS)
def test_the_box_step_has_the_outside_sizes_and_the_drafted_volume(
    tmp_path: Path, model: str
) -> None:
    from geom.cad.box import build
    from geom.cad.step import Component, write_step

    box = find_box(model, "test", "model")
    solids = build(box)
    path = write_step(
        tmp_path / "box.step",
        model,
        [
            Component("body", solids.body, (0.5, 0.5, 0.5)),
            Component("lid", solids.lid, (0.5, 0.5, 0.5)),
        ],
    )
    body, lid = _solids(_read_step(path))
    assert _valid(body) and _valid(lid)
    w, length, h = box.width, box.length, box.body_height
    assert _bounds(body) == pytest.approx((-w / 2, -length / 2, 0, w / 2, length / 2, h), abs=1e-6)
    assert _bounds(lid) == pytest.approx(
        (-w / 2, -length / 2, -box.lid, w / 2, length / 2, 0), abs=1e-6
    )
    across = box.wall / math.cos(math.radians(box.draft))
    expected = _drafted_volume(0, h, 0, box) - _drafted_volume(0, h - box.wall, across, box)
    assert _volume(body) == pytest.approx(expected, rel=1e-9)
    assert _volume(lid) == pytest.approx(
        _plan_area(length / 2, w / 2, box.corner_radius) * box.lid, rel=1e-9
    )


def test_the_same_box_writes_the_same_bytes(tmp_path: Path) -> None:
    from geom.cad.box import build
    from geom.cad.step import Component, write_step

    box = find_box("1590B", "test", "model")
    written = [
        write_step(tmp_path / f"{i}.step", "1590B", [Component("body", build(box).body, (1, 1, 1))])
        for i in range(2)
    ]
    assert written[0].read_bytes() == written[1].read_bytes()


# --- geom cut with [box] ----------------------------------------------------------------

HOLES = {  # face: (x, y, diameter), Tayda's frame from the face's centre
    "A": [(0.0, -30.0, 12.2), (20.0, 30.0, 7.5), (-20.0, 30.0, 7.5)],
    "B": [(-20.0, 0.0, 9.7), (20.0, 0.0, 8.0)],
    "C": [(0.0, 0.0, 9.7)],
    "D": [(0.0, 2.0, 6.5)],
    "E": [(10.0, -2.0, 9.7)],
}


def box_layout(tmp: Path, holes: dict[str, list[tuple[float, float, float]]], name: str) -> Path:
    """A 1590BB layout: plain holes, as inline circles would be."""
    text = '[box]\nmodel = "1590BB"\n'
    for face, entries in holes.items():
        text += f'\n[[face]]\nname = "{face}"\n'
        for x, y, d in entries:
            text += f"[[face.hole]]\nx = {x}\ny = {y}\ndiameter = {d}\n"
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    from geom.cli import main

    tmp = tmp_path_factory.mktemp("box")
    layout = box_layout(tmp, HOLES, "fuzz")
    return tmp / "out", main(["cut", str(layout), "-o", str(tmp / "out")])


def test_box_layout_cuts_one_valid_solid_less_every_hole_through_the_wall(
    fuzz: tuple[Path, int],
) -> None:
    out, rc = fuzz
    assert rc == 0
    (cut,) = _solids(_read_step(out / "fuzz-cut.step"))
    assert _valid(cut)
    box = find_box("1590BB", "test", "model")
    across = box.wall / math.cos(math.radians(box.draft))
    before = _drafted_volume(0, 30, 0, box) - _drafted_volume(0, 30 - box.wall, across, box)
    holes = sum(math.pi * d * d / 4 for entries in HOLES.values() for _, _, d in entries)
    assert _volume(cut) == pytest.approx(before - holes * BB["wall"], rel=1e-9)
    body, lid = _solids(_read_step(out / "fuzz-assembly.step"))  # the cut body, the lid
    assert _volume(body) == pytest.approx(_volume(cut), rel=1e-12)
    assert _bounds(lid) == pytest.approx((-47, -59.75, -4, 47, 59.75, 0), abs=1e-6)


# Each face's frame in the world: its centre, X and Y (seen from outside, lid off, A up).
SIN, COS = math.sin(math.radians(2.5)), math.cos(math.radians(2.5))
FRAMES = {
    "A": ((0, 0, 30), (1, 0, 0), (0, 1, 0)),
    "B": ((0, 59.75 - INSET / 2, 15), (-1, 0, 0), (0, -SIN, COS)),
    "C": ((-47 + INSET / 2, 0, 15), (0, -1, 0), (SIN, 0, COS)),
    "D": ((0, -59.75 + INSET / 2, 15), (1, 0, 0), (0, SIN, COS)),
    "E": ((47 - INSET / 2, 0, 15), (0, 1, 0), (-SIN, 0, COS)),
}


def _inside(solid: Any, face: str, u: float, v: float) -> bool:
    """Whether the point at (u, v) of `face`'s frame, half the wall in, is in `solid`."""
    from OCP.BRepClass3d import BRepClass3d_SolidClassifier
    from OCP.gp import gp_Pnt
    from OCP.TopAbs import TopAbs_IN

    centre, xd, yd = FRAMES[face]
    normal = (
        xd[1] * yd[2] - xd[2] * yd[1],
        xd[2] * yd[0] - xd[0] * yd[2],
        xd[0] * yd[1] - xd[1] * yd[0],
    )
    p = [
        c + u * a + v * b - BB["wall"] / 2 * n
        for c, a, b, n in zip(centre, xd, yd, normal, strict=True)
    ]
    found = BRepClass3d_SolidClassifier(solid, gp_Pnt(*p), 1e-7)
    return bool(found.State() == TopAbs_IN)


def test_each_hole_goes_through_the_wall_where_tayda_frame_puts_it(
    fuzz: tuple[Path, int],
) -> None:
    """In the cut STEP, the point of the wall's middle under each hole's centre is gone,
    and a point 0.5 mm beyond the hole's radius is still metal."""
    out, _ = fuzz
    (cut,) = _solids(_read_step(out / "fuzz-cut.step"))
    for face, entries in HOLES.items():
        for x, y, d in entries:
            assert not _inside(cut, face, x, y), (face, x, y)
            assert _inside(cut, face, x + d / 2 + 0.5, y), (face, x, y)


def test_face_dxfs_cut_only_the_new_holes_as_circles(fuzz: tuple[Path, int]) -> None:
    out, _ = fuzz
    for face, entries in HOLES.items():
        doc = read_dxf(out / f"fuzz-{face}-face.dxf")
        cut = [e for e in doc.modelspace() if e.dxf.layer == "CUT"]
        assert all(e.dxftype() == "CIRCLE" for e in cut)
        got = sorted((e.dxf.center.x, e.dxf.center.y, 2 * e.dxf.radius) for e in cut)
        assert len(got) == len(entries)
        for found, wanted in zip(got, sorted(entries), strict=True):
            assert found == pytest.approx(wanted, abs=1e-9)


def test_side_face_outline_is_the_drafted_flat_of_the_side(fuzz: tuple[Path, int]) -> None:
    """Face B's REFERENCE outline: the flat between the two drafted corners, centred on
    the origin. The corners are cones about fixed axes (each plan's corner centres stay
    put as its sides and radius shrink alike), so the flat is a rectangle: BB's width less
    two corner radii across, SLOPE along the slope."""
    out, _ = fuzz
    doc = read_dxf(out / "fuzz-B-face.dxf")
    points = []
    for e in doc.modelspace():
        if e.dxf.layer == "REFERENCE" and e.dxftype() == "LWPOLYLINE":
            points += [(p[0], p[1]) for p in e.get_points()]
    half = (BB["width"] - 2 * BB["r"]) / 2
    on_side = [abs(abs(x) - half) < 1e-6 or abs(abs(y) - SLOPE / 2) < 1e-6 for x, y in points]
    assert points and all(on_side)
    assert min(x for x, _ in points) == pytest.approx(-half, abs=1e-6)
    assert max(x for x, _ in points) == pytest.approx(half, abs=1e-6)
    assert min(y for _, y in points) == pytest.approx(-SLOPE / 2, abs=1e-6)
    assert max(y for _, y in points) == pytest.approx(SLOPE / 2, abs=1e-6)


@pytest.mark.parametrize(
    ("face", "x", "y", "d", "past"),
    [
        # face C (the long side): its flat ends at x = -(119.5 - 2 x 4.845) / 2 = -54.905,
        # where the drafted corner starts; a 9.7 mm hole at x = -52 reaches 1.945 mm past
        ("C", -52.0, 5.0, 9.7, 9.7 / 2 - (54.905 - 52.0)),
        # face D's seam with the lid, SLOPE / 2 below its centre
        ("D", 0.0, -12.0, 8.0, 4.0 - (SLOPE / 2 - 12.0)),
        # face E's top edge, where it meets face A
        ("E", 20.0, 12.0, 9.7, 9.7 / 2 - (SLOPE / 2 - 12.0)),
    ],
)
def test_a_hole_across_a_drafted_face_edge_fails_with_the_distance(
    tmp_path: Path, geom: Any, face: str, x: float, y: float, d: float, past: float
) -> None:
    layout = box_layout(tmp_path, {face: [(x, y, d)]}, "edge")
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 1
    report = json.loads((tmp_path / "out" / "edge-report.json").read_text())
    (v,) = report["violations"]
    assert v["rule"] == "edge" and v["faces"] == [face]
    assert v["figures"]["past_edge_mm"] == pytest.approx(past, abs=1e-3)
    assert f"crosses the face's boundary by up to {past:.3f} mm" in run.out
    assert not (tmp_path / "out" / "edge-cut.step").exists()


def test_a_box_layout_takes_no_step_and_a_step_needs_no_box(tmp_path: Path, geom: Any) -> None:
    layout = box_layout(tmp_path, {"A": [(0.0, 0.0, 5.0)]}, "one")
    step = tmp_path / "any.step"
    step.write_text("not read")
    run = geom("cut", step, layout, "-o", tmp_path / "out")
    assert run.code == 2 and "given with a layout that names a box (1590BB)" in run.err
    plain = tmp_path / "plain.toml"
    plain.write_text('[face]\nselect = ">Z"\n[[hole]]\nx = 5\ny = 5\ndiameter = 3\n')
    run = geom("cut", plain, "-o", tmp_path / "out")
    assert run.code == 2 and "plain.toml names no box" in run.err


@pytest.mark.parametrize(
    ("face", "message"),
    [
        ('name = "F"', "'F' is not a face of a box (1590BB); allowed A, B, C, D, E"),
        ('name = "A"\nselect = ">Z"', "face[0].select: '>Z' is given for a face of a [box]"),
    ],
)
def test_box_faces_are_named_a_to_e(tmp_path: Path, geom: Any, face: str, message: str) -> None:
    layout = tmp_path / "t.toml"
    layout.write_text(
        f'[box]\nmodel = "1590BB"\n[[face]]\n{face}\n[[face.hole]]\nx = 0\ny = 0\ndiameter = 5\n'
    )
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 2 and message in run.err


def _places(tmp: Path, name: str, places: dict[str, list[tuple[str, float, float]]]) -> Path:
    text = '[box]\nmodel = "1590BB"\n'
    for face, entries in places.items():
        text += f'\n[[face]]\nname = "{face}"\n'
        for part, x, y in entries:
            text += f'[[face.place]]\npart = "{part}"\nx = {x}\ny = {y}\n'
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bodies_on_face_a_and_a_side_collide_across_faces(tmp_path: Path, geom: Any) -> None:
    """An M12 gland (body 20.5 mm square, 15 mm deep) under face A at y = 40 and one on
    face B at its centre: behind the walls, the first reaches y = 40 + 10.25 and the
    second reaches in from face B's inside, 59.75 - 1.31 / 2 - 2.26 - 15 < 50.25 at the
    same height."""
    layout = _places(
        tmp_path, "glands", {"A": [("gland-M12", 0.0, 40.0)], "B": [("gland-M12", 0.0, 0.0)]}
    )
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 1
    report = json.loads((tmp_path / "out" / "glands-report.json").read_text())
    (v,) = report["violations"]
    assert v["rule"] == "body_collision"
    assert v["entries"] == ["face[0].place[0]", "face[1].place[0]"] and v["faces"] == ["A", "B"]


def test_a_body_deeper_than_the_box_meets_the_lid(tmp_path: Path, geom: Any) -> None:
    """A 22 mm pushbutton (60 mm deep) under face A of a 30 mm body reaches through the
    open end into the 4 mm lid: the shared part lies 30 .. 34 mm behind face A."""
    layout = _places(tmp_path, "deep", {"A": [("pushbutton-22-22.5", 0.0, 0.0)]})
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 1 and "with the box's lid" in run.out
    report = json.loads((tmp_path / "out" / "deep-report.json").read_text())
    (v,) = report["violations"]
    assert v["rule"] == "body_collision" and v["figures"]["volume_mm3"] > 0.1
    assert v["figures"]["depth_mm"] == pytest.approx([30.0, 34.0], abs=1e-6)


def test_a_box_with_assumed_numbers_says_so(tmp_path: Path, geom: Any) -> None:
    layout = tmp_path / "b125.toml"
    layout.write_text(
        '[box]\nmodel = "125B"\n[[face]]\nname = "A"\n[[face.hole]]\n'
        "x = 0\ny = 0\ndiameter = 12.2\n"
    )
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 0
    assert (
        "geom: note: box 125B: assumed, verify on the box before cutting: length 121.5" in run.err
    )
    report = json.loads((tmp_path / "out" / "b125-report.json").read_text())
    assert report["box"]["wall"] == {"value": 2.5, "source": "assumed"}
    assert any("box 125B: assumed" in n for n in report["notes"])
    notes = texts(tmp_path / "out" / "b125-A-face.dxf", "NOTES")
    assert any("box 125B: assumed, verify on the box before cutting" in t for t in notes)


def test_the_box_report_validates_against_the_report_schema(fuzz: tuple[Path, int]) -> None:
    import jsonschema

    schema = json.loads((ROOT / "geom" / "output" / "report.schema.json").read_text())
    out, _ = fuzz
    report = json.loads((out / "fuzz-report.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    assert report["box"]["model"] == "1590BB" and [f["name"] for f in report["faces"]] == list(
        "ABCDE"
    )


@pytest.mark.parametrize("model", MODELS)
def test_every_box_has_faces_a_to_e_of_the_drafted_sizes(
    tmp_path: Path, geom: Any, model: str
) -> None:
    """A 3 mm hole at each face's centre cuts; each face DXF's REFERENCE outline is the
    face's flat centred on the origin: A the top plan (each side in by the inset), B and D
    the width less two corner radii, C and E the length less two, SLOPE tall."""
    box = find_box(model, "test", "model")
    text = f'[box]\nmodel = "{model}"\n'
    for face in "ABCDE":
        text += f'[[face]]\nname = "{face}"\n[[face.hole]]\nx = 0\ny = 0\ndiameter = 3\n'
    layout = tmp_path / "all.toml"
    layout.write_text(text, encoding="utf-8")
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 0, run.out + run.err
    inset = box.body_height * math.tan(math.radians(box.draft))
    slope = box.body_height / math.cos(math.radians(box.draft))
    sides = {
        "A": (box.width - 2 * inset, box.length - 2 * inset),
        "B": (box.width - 2 * box.corner_radius, slope),
        "C": (box.length - 2 * box.corner_radius, slope),
        "D": (box.width - 2 * box.corner_radius, slope),
        "E": (box.length - 2 * box.corner_radius, slope),
    }
    for face, (w, h) in sides.items():
        doc = read_dxf(tmp_path / "out" / f"all-{face}-face.dxf")
        points = [
            (p[0], p[1])
            for e in doc.modelspace()
            if e.dxf.layer == "REFERENCE" and e.dxftype() == "LWPOLYLINE"
            for p in e.get_points()
        ]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        assert (min(xs), max(xs)) == pytest.approx((-w / 2, w / 2), abs=1e-6), face
        assert (min(ys), max(ys)) == pytest.approx((-h / 2, h / 2), abs=1e-6), face


def test_the_api_and_the_cadquery_plugin_take_a_box(tmp_path: Path) -> None:
    """`geom.box_solids` gives the body and lid; `panelLayout` on the body cuts a box
    layout as `geom cut` does (the volume read back from the result) and checks the lid."""
    cq = pytest.importorskip("cadquery")
    import geom
    import geom.cq

    box = geom.box_solids("1590BB")
    assert _valid(box["body"]) and _valid(box["lid"])
    layout = box_layout(tmp_path, {"A": [(0.0, -30.0, 12.2)], "B": [(-20.0, 0.0, 9.7)]}, "two")
    body = cq.Workplane().add(cq.Solid(box["body"]))
    done = body.panelLayout(str(layout))
    removed = _volume(box["body"]) - _volume(done.val().wrapped)
    assert removed == pytest.approx((12.2**2 + 9.7**2) * math.pi / 4 * BB["wall"], rel=1e-9)
    deep = _places(tmp_path, "deep", {"A": [("pushbutton-22-22.5", 0.0, 0.0)]})
    with pytest.raises(geom.cq.LayoutError, match="with the box's lid"):
        body.panelLayout(str(deep))
    with pytest.raises(InputError, match="not a box of the library"):
        geom.box_solids("1590Q")


def test_a_box_needs_face_tables(tmp_path: Path, geom: Any) -> None:
    layout = tmp_path / "one.toml"
    layout.write_text(
        '[box]\nmodel = "1590BB"\n[face]\nselect = ">Z"\n[[hole]]\nx = 0\ny = 0\ndiameter = 5\n'
    )
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 2
    assert (
        f"{layout}:face: '[face]' is a single face with [box]; allowed [[face]] tables" in run.err
    )


def test_the_same_box_layout_writes_the_same_bytes(
    fuzz: tuple[Path, int], tmp_path: Path, geom: Any
) -> None:
    out, _ = fuzz
    layout = box_layout(tmp_path, HOLES, "fuzz")
    assert geom("cut", layout, "-o", tmp_path / "again").code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in names:
        if name.endswith("-report.json"):  # it names the layout's own path
            continue
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
