"""Plain parts given inline in a panel file's `[[place]]` and a cut layout's
`[[face.place]]` (`shape` and its sizes, `tolerance`, optional `grip`, `id`), and the
pedal parts' bodies behind the plate, measured on the files `geom panel` and `geom cut`
write. Expected figures are worked out here from the fit model (docs/fit-model.md): a
band [C, C + T] drawn `mid` on bare sheet is cut at C + T/2; the 16 mm pot's can is
16.0 mm across (Bourns 0502), so two pots 14 mm apart share 2 mm of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from conftest import Run

POT = "pedal-pot-16"
CAN = 16.0  # the 16 mm pot's can (Bourns 0502), as the template's [rear]


def _panel(tmp: Path, places: str, name: str = "inline") -> Path:
    path = tmp / f"{name}.toml"
    path.write_text(
        '[panel]\nwidth = 120\nheight = 60\nsheet = 2.0\nprocess = "laser"\n' + places,
        encoding="utf-8",
    )
    return path


INLINE = (
    '[[place]]\nshape = "circle"\ndiameter = 12.2\ntolerance = 0.3\nx = 30\ny = 30\n'
    'label = "FS"\n'
    '[[place]]\nshape = "circle"\ndiameter = 7.2\ntolerance = 0.4\ngrip = [0.5, 4.0]\n'
    'x = 60\ny = 30\nid = "pot-hole"\n'
)


def _circles(path: Path) -> list[tuple[float, float, float]]:
    """(x, y, diameter) of every CIRCLE on CUT, read back with ezdxf."""
    msp = ezdxf.readfile(path).modelspace()
    return sorted(
        (round(e.dxf.center.x, 9), round(e.dxf.center.y, 9), round(2 * e.dxf.radius, 9))
        for e in msp.query('CIRCLE[layer=="CUT"]')
    )


def _fit(report: dict[str, Any], pid: str) -> dict[str, Any]:
    (fit,) = [f for f in report["fits"] if f["part"] == pid]
    return fit


def test_inline_circles_are_cut_in_their_band_and_the_grip_check_says_when_it_applies(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    run = geom("panel", _panel(tmp_path, INLINE), "-o", tmp_path / "out")
    assert run.code == 0, run.out + run.err
    # Cut at C + T/2 (bare sheet, target mid): 12.2 + 0.15, 7.2 + 0.2.
    assert _circles(tmp_path / "out" / "inline-panel.dxf") == [
        (30.0, 30.0, pytest.approx(12.35, abs=1e-9)),
        (60.0, 30.0, pytest.approx(7.4, abs=1e-9)),
    ]
    report = json.loads((tmp_path / "out" / "inline-report.json").read_text(encoding="utf-8"))
    plain = _fit(report, "circle-12.2")  # no id: named by its shape and size
    (grip,) = [c for c in plain["checks"] if c["name"] == "grip"]
    assert grip["applies"] is False and "ok" not in grip
    assert "no grip range given" in grip["reason"]
    assert plain["grip_mm"] is None
    gripped = _fit(report, "pot-hole")
    (grip,) = [c for c in gripped["checks"] if c["name"] == "grip"]
    assert grip["ok"] is True and "applies" not in grip
    assert gripped["grip_mm"] == {"min": 0.5, "max": 4.0}
    assert [c["label"] for c in report["cutouts"]] == ["FS", None]


def test_an_inline_part_is_checked_as_a_template_part(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """A finished plate outside the given grip fails; two inline holes too near fail the
    web rule (laser: web >= t = 2 mm): 20 - 12.35 / 2 - 12.35 / 2 = 7.65 apart is fine,
    13.5 apart leaves 1.15 mm."""
    thick = '[[place]]\nshape = "circle"\ndiameter = 7.2\ntolerance = 0.4\ngrip = [0.5, 1.5]\n'
    run = geom("panel", _panel(tmp_path, thick + "x = 60\ny = 30\n"), "-o", tmp_path / "a")
    assert run.code == 1 and "FAIL fit.grip" in run.out
    near = (
        '[[place]]\nshape = "circle"\ndiameter = 12.2\ntolerance = 0.3\nx = 30\ny = 30\n'
        '[[place]]\nshape = "circle"\ndiameter = 12.2\ntolerance = 0.3\nx = 43.5\ny = 30\n'
    )
    run = geom("panel", _panel(tmp_path, near, "near"), "-o", tmp_path / "b")
    assert run.code == 1
    report = json.loads((tmp_path / "b" / "near-report.json").read_text(encoding="utf-8"))
    webs = [v for v in report["violations"] if v["rule"] == "web"]
    assert [v["entries"] for v in webs] == [["place[0]", "place[1]"]]
    assert webs[0]["figures"]["web"] == pytest.approx(13.5 - 12.35, abs=1e-9)


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("diameter = -3", "place[0].diameter", "-3"),
        ("grip = [0.5, 40]", "place[0].grip[1]", "40"),
        ("grip = 3", "place[0].grip", "3"),
        ("grip = [3, 1]", "place[0].grip", "[3, 1]"),
        ('shape = "hexagon"', "place[0].shape", "'hexagon'"),
        ("tolerance = 9", "place[0].tolerance", "9"),
        ("diametr = 4", "place[0].diametr", "'diametr'"),
        ('part = "pedal-3pdt"', "place[0].part", "'pedal-3pdt'"),
    ],
)
def test_bad_inline_values_are_one_line_and_write_nothing(
    geom: Callable[..., Run], tmp_path: Path, line: str, field: str, value: str
) -> None:
    key = line.split(" =")[0]
    base = {"shape": 'shape = "circle"', "diameter": "diameter = 12.2"}
    base["tolerance"] = "tolerance = 0.3"
    base[key] = line
    place = "[[place]]\n" + "\n".join(base.values()) + "\nx = 30\ny = 30\n"
    run = geom("panel", _panel(tmp_path, place), "-o", tmp_path / "out")
    assert run.code == 2
    (message,) = run.err.strip().splitlines()
    assert message.startswith(f"geom: {tmp_path / 'inline.toml'}:{field}: {value}")
    assert "; allowed " in message and "Traceback" not in run.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_two_different_inline_parts_of_one_id_are_bad_input(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    twice = (
        '[[place]]\nshape = "circle"\ndiameter = 12.2\ntolerance = 0.3\nx = 30\ny = 30\n'
        '[[place]]\nshape = "circle"\ndiameter = 12.2\ntolerance = 0.2\nx = 80\ny = 30\n'
    )
    run = geom("panel", _panel(tmp_path, twice), "-o", tmp_path / "out")
    assert run.code == 2
    assert "place[1].id: 'circle-12.2' is the id of a second, different part" in run.err


def _pots(entry: str, first: float, y: float) -> str:
    return "".join(
        f'[[{entry}]]\npart = "{POT}"\nx = {x}\ny = {y}\n' for x in (first, first + 14.0)
    )


def _body_collision(report: dict[str, Any]) -> dict[str, Any]:
    (found,) = [v for v in report["violations"] if v["rule"] == "body_collision"]
    return found


def test_two_pots_14_mm_apart_collide_on_a_flat_panel(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """Their nuts (12 mm, assumed) clear each other; their 16 mm cans share 2 mm."""
    run = geom("panel", _panel(tmp_path, _pots("place", 40.0, 30.0), "pots"), "-o", tmp_path / "o")
    assert run.code == 1
    report = json.loads((tmp_path / "o" / "pots-report.json").read_text(encoding="utf-8"))
    found = _body_collision(report)
    assert found["entries"] == ["place[0]", "place[1]"]
    assert found["figures"]["overlap_x"] == pytest.approx(CAN - 14.0, abs=1e-9)
    assert found["figures"]["overlap_y"] == pytest.approx(CAN, abs=1e-9)
    assert [v["rule"] for v in report["violations"]] == ["body_collision"]
    assert f"place[0] ({POT}) and place[1] ({POT}): bodies collide" in run.out


def test_pots_16_mm_apart_pass(geom: Callable[..., Run], tmp_path: Path) -> None:
    apart = "".join(f'[[place]]\npart = "{POT}"\nx = {x}\ny = 30\n' for x in (40.0, 40.0 + CAN))
    assert geom("panel", _panel(tmp_path, apart, "apart"), "-o", tmp_path / "o").code == 0


# --- on an enclosure face (geom cut) -----------------------------------------------------


def _enclosure(tmp: Path) -> Path:
    from test_cut import enclosure

    return enclosure(tmp)


def test_two_pots_14_mm_apart_collide_on_an_enclosure_face(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    layout = tmp_path / "pots.toml"
    layout.write_text(
        '[enclosure]\n[[face]]\nname = "lid"\nselect = ">Z"\n' + _pots("face.place", 60.0, 47.0),
        encoding="utf-8",
    )
    run = geom("cut", _enclosure(tmp_path), layout, "-o", tmp_path / "out")
    assert run.code == 1
    report = json.loads((tmp_path / "out" / "pots-report.json").read_text(encoding="utf-8"))
    found = _body_collision(report)
    assert found["entries"] == ["face[0].place[0]", "face[0].place[1]"]
    assert found["figures"]["overlap_x"] == pytest.approx(CAN - 14.0, abs=1e-9)
    assert f"face[0].place[0] ({POT}) and face[0].place[1] ({POT}): bodies collide" in run.out


def test_inline_circles_on_an_enclosure_face(geom: Callable[..., Run], tmp_path: Path) -> None:
    """The lid of test_cut's box (2.0 mm wall, frame 154 x 94): each inline circle cut
    at C + T/2 on the face DXF, its grip checked on the measured wall when given."""
    layout = tmp_path / "lid.toml"
    layout.write_text(
        '[face]\nselect = ">Z"\n'
        '[[place]]\nshape = "circle"\ndiameter = 12.2\ntolerance = 0.3\nx = 40\ny = 47\n'
        '[[place]]\nshape = "circle"\ndiameter = 9.5\ntolerance = 0.3\ngrip = [0.5, 5]\n'
        "x = 100\ny = 47\n",
        encoding="utf-8",
    )
    run = geom("cut", _enclosure(tmp_path), layout, "-o", tmp_path / "out")
    assert run.code == 0, run.out + run.err
    assert _circles(tmp_path / "out" / "lid-face.dxf") == [
        (40.0, 47.0, pytest.approx(12.35, abs=1e-9)),
        (100.0, 47.0, pytest.approx(9.65, abs=1e-9)),
    ]
    report = json.loads((tmp_path / "out" / "lid-report.json").read_text(encoding="utf-8"))
    checks = {o["entry"]: o["fit"]["checks"] for o in report["openings"]}
    (plain,) = [c for c in checks["place[0]"] if c["name"] == "grip"]
    (gripped,) = [c for c in checks["place[1]"] if c["name"] == "grip"]
    assert plain == {"name": "grip", "applies": False, "reason": plain["reason"]}
    assert gripped["ok"] is True and "finished plate 2.000 mm" in gripped["message"]


def test_the_pots_body_in_the_assembly_is_its_can(geom: Callable[..., Run], tmp_path: Path) -> None:
    """The assembly STEP's pot, read back with CadQuery: 16.0 mm across behind the plate
    (the can, Bourns 0502) where its nut in front is 12 mm (assumed), reaching from its
    nut's front (2 mm, assumed) down to 22 mm behind it (assumed depth): the 3D body is
    the box the layout checks."""
    cq = pytest.importorskip("cadquery")
    apart = "".join(f'[[place]]\npart = "{POT}"\nx = {x}\ny = 30\n' for x in (40.0, 40.0 + CAN))
    assert geom("panel", _panel(tmp_path, apart, "apart"), "-o", tmp_path / "o").code == 0
    assy = cq.Assembly.importStep(str(tmp_path / "o" / "apart-assembly.step"))
    bodies = [c.obj.moved(c.loc) for c in assy.children if c.name.startswith(POT)]
    bodies.sort(key=lambda b: b.BoundingBox().center.x)
    assert len(bodies) == 2
    for x, body in zip((40.0, 40.0 + CAN), bodies, strict=True):
        box = body.BoundingBox()
        assert (box.xmin, box.xmax) == pytest.approx((x - CAN / 2, x + CAN / 2), abs=1e-6)
        assert (box.zmin, box.zmax) == pytest.approx((2.0 - 22.0, 2.0), abs=1e-6)
        front = body.intersect(cq.Solid.makeBox(100, 100, 2, cq.Vector(x - 50, -20, 0)))
        fb = front.BoundingBox()
        assert fb.xmax - fb.xmin == pytest.approx(12.0, abs=1e-6)


def test_a_jack_on_the_front_reaching_the_footswitch_on_the_lid_collides(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """test_cut's box: lid (>Z, frame origin (-77, -47, 25)), front (<Y, frame origin
    (-77, -50, -22), y up). The 3PDT at lid (77, 20): its body 17 x 17 (assumed) from the
    wall's back (z 23) down to 25 + 14 - 42.15 = -3.15 (its front 14 above the lid, its
    42.15 total height), x -8.5 .. 8.5, y -35.5 .. -18.5. The jack at front (77, 34):
    its housing 18 x 20 (assumed) from the wall's back (y -48) in to -50 + 35 - 3 = -18,
    x -9 .. 9, z 2 .. 22. The boxes' least push apart: along x 8.5 + 9 = 17.5, along y
    -18 + 35.5 = 17.5, along z 22 + 3.15 = 25.15: 17.5 mm."""
    layout = tmp_path / "fsjack.toml"
    layout.write_text(
        '[enclosure]\n[[face]]\nname = "lid"\nselect = ">Z"\n'
        '[[face.place]]\npart = "pedal-3pdt"\nx = 77\ny = 20\n'
        '[[face]]\nname = "front"\nselect = "<Y"\n'
        '[[face.place]]\npart = "pedal-jack-6.35"\nx = 77\ny = 34\n',
        encoding="utf-8",
    )
    run = geom("cut", _enclosure(tmp_path), layout, "-o", tmp_path / "out")
    assert run.code == 1
    report = json.loads((tmp_path / "out" / "fsjack-report.json").read_text(encoding="utf-8"))
    (found,) = report["violations"]
    assert found["rule"] == "body_collision"
    assert found["entries"] == ["face[0].place[0]", "face[1].place[0]"]
    assert found["faces"] == ["lid", "front"]
    assert found["figures"]["depth"] == pytest.approx(17.5, abs=1e-9)


def test_two_pots_14_mm_apart_collide_on_face_a_of_a_1590bb(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """The acceptance on a library box (no STEP file): two 16 mm pots 14 mm apart on face
    A, x from its centre; their cans share 2 mm. An inline 12.2 mm circle beside them
    is cut and its grip check does not apply."""
    layout = tmp_path / "fuzz.toml"
    layout.write_text(
        '[box]\nmodel = "1590BB"\n[[face]]\nname = "A"\n'
        + _pots("face.place", -7.0, 20.0)
        + '[[face.place]]\nshape = "circle"\ndiameter = 12.2\ntolerance = 0.3\nx = 0\ny = -30\n',
        encoding="utf-8",
    )
    run = geom("cut", layout, "-o", tmp_path / "out")
    assert run.code == 1, run.out + run.err
    report = json.loads((tmp_path / "out" / "fuzz-report.json").read_text(encoding="utf-8"))
    found = _body_collision(report)
    assert found["entries"] == ["face[0].place[0]", "face[0].place[1]"]
    assert found["faces"] == ["A", "A"]
    assert found["figures"]["overlap_x"] == pytest.approx(CAN - 14.0, abs=1e-9)
    assert [v["rule"] for v in report["violations"]] == ["body_collision"]
