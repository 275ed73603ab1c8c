"""Countersunk, tapped and PEM holes, measured on the files `geom panel` writes: the hole
on CUT, the countersink or thread on its own layer, the note on NOTES, the countersink's
cone in the STEP, and each hole kind's rule. Expected sizes come from the sources' own
numbers (Fabworks / RMFG countersink charts, DIN 336, ISO 261), not from geom."""

from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
import pytest
from measure import freecad

from geom.cli import main

M3_HOLE = 3.40  # Fabworks: M3 x 90 deg CS hole 0.134 in; RMFG: 3.40 mm
M3_SINK = 0.265 * 25.4  # Fabworks: outer diameter 0.265 in = 6.731 mm (RMFG: 6.73 mm)


def panel(tmp_path: Path, hole: str, sheet: float = 2.0, x: float = 20.0) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(
        f'[panel]\nwidth = 60.0\nheight = 40.0\nsheet = {sheet}\nprocess = "laser"\n\n'
        f"[[hole]]\nx = {x}\ny = 20.0\n{hole}\n",
        encoding="utf-8",
    )
    return path


def run(path: Path, out: Path) -> int:
    return main(["panel", str(path), "-o", str(out)])


def circles(dxf: Path, layer: str) -> list[float]:
    doc = ezdxf.readfile(dxf)
    return [e.dxf.radius * 2 for e in doc.modelspace().query(f'CIRCLE[layer=="{layer}"]')]


def notes(dxf: Path) -> list[str]:
    return [e.dxf.text for e in ezdxf.readfile(dxf).modelspace().query('TEXT[layer=="NOTES"]')]


def test_m3_countersunk_cuts_3_4_and_draws_its_countersink(tmp_path: Path) -> None:
    assert run(panel(tmp_path, 'kind = "countersunk"\nscrew = "M3"'), tmp_path / "o") == 0
    dxf = tmp_path / "o" / "p-panel.dxf"
    assert circles(dxf, "CUT") == pytest.approx([M3_HOLE])
    assert circles(dxf, "COUNTERSINK") == pytest.approx([M3_SINK], abs=0.005)
    assert "countersunk M3 90° Ø6.73" in notes(dxf)
    assert not ezdxf.readfile(dxf).modelspace().query('TEXT[layer=="CUT"]')


@pytest.mark.parametrize(
    ("hole", "size", "sink", "angle"),
    [
        ('screw = "M3"', M3_HOLE, M3_SINK, 90.0),
        # Fabworks: #4 x 82 deg CS, hole 0.129 in, outer diameter 0.255 in
        ('screw = "#4"\nstandard = "imperial"', 0.129 * 25.4, 0.255 * 25.4, 82.0),
    ],
)
def test_countersunk_step_cone_measures_its_countersink(
    tmp_path: Path, hole: str, size: float, sink: float, angle: float
) -> None:
    from OCP.Bnd import Bnd_Box
    from OCP.BRepAdaptor import BRepAdaptor_Surface
    from OCP.BRepBndLib import BRepBndLib
    from OCP.BRepCheck import BRepCheck_Analyzer
    from OCP.BRepGProp import BRepGProp
    from OCP.GeomAbs import GeomAbs_Cone
    from OCP.GProp import GProp_GProps
    from OCP.STEPControl import STEPControl_Reader
    from OCP.TopAbs import TopAbs_FACE
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    assert run(panel(tmp_path, f'kind = "countersunk"\n{hole}'), tmp_path / "o") == 0
    assert circles(tmp_path / "o" / "p-panel.dxf", "CUT") == pytest.approx([size], abs=1e-9)
    reader = STEPControl_Reader()
    reader.ReadFile(str(tmp_path / "o" / "p-panel.step"))
    reader.TransferRoots()
    shape = reader.OneShape()
    assert BRepCheck_Analyzer(shape).IsValid()
    box = Bnd_Box()
    found = 0
    explorer = TopExp_Explorer(shape, TopAbs_FACE)
    while explorer.More():
        face = TopoDS.Face_s(explorer.Current())
        surface = BRepAdaptor_Surface(face)
        if surface.GetType() == GeomAbs_Cone:
            assert math.degrees(surface.Cone().SemiAngle()) == pytest.approx(angle / 2)
            BRepBndLib.Add_s(face, box)
            found += 1
        explorer.Next()
    assert found
    x0, y0, z0, x1, y1, z1 = box.Get()
    rim = (x1 - x0, y1 - y0)  # the cone's rim at the face, across in x and in y
    assert rim == pytest.approx((sink, sink), abs=0.005)
    depth = (sink - size) / 2 / math.tan(math.radians(angle / 2))
    assert (z0, z1) == pytest.approx((-depth, 0.0), abs=1e-3)
    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    big, small = sink / 2, size / 2
    frustum = math.pi * depth / 3 * (big * big + big * small + small * small)
    expected = 60 * 40 * 2 - math.pi * small**2 * (2 - depth) - frustum
    assert props.Mass() == pytest.approx(expected, rel=1e-3)


def test_tapped_and_pem_holes_cut_their_drill_and_hole(tmp_path: Path) -> None:
    assert run(panel(tmp_path, 'kind = "tapped"\nthread = "M3"'), tmp_path / "t") == 0
    dxf = tmp_path / "t" / "p-panel.dxf"
    assert circles(dxf, "CUT") == pytest.approx([2.5])  # DIN 336: M3 tap drill 2.5 mm
    assert circles(dxf, "THREAD") == pytest.approx([3.0])
    assert run(panel(tmp_path, 'kind = "pem"\npart = "CLS-M3-1"'), tmp_path / "p") == 0
    assert circles(tmp_path / "p" / "p-panel.dxf", "CUT") == pytest.approx([4.22])


@pytest.mark.parametrize(
    ("hole", "sheet", "x", "rule"),
    [
        ('kind = "countersunk"\nscrew = "M3"', 1.5, 20.0, "countersink.depth"),
        ('kind = "countersunk"\nscrew = "M3"', 2.0, 10.0, "countersink.edge"),
        ('kind = "tapped"\nthread = "M4"', 2.0, 20.0, "tapped.sheet"),
        ('kind = "pem"\npart = "CLS-M3-1"', 0.8, 20.0, "pem.sheet"),
        ('kind = "pem"\npart = "CLS-M3-1"', 1.0, 4.5, "pem.edge"),
    ],
)
def test_each_kind_fails_its_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hole: str, sheet: float, x: float, rule: str
) -> None:
    assert run(panel(tmp_path, hole, sheet, x), tmp_path / "o") == 1
    out = capsys.readouterr().out
    assert f"FAIL {rule}: hole[0]" in out
    if rule == "countersink.edge":  # the shop profile's figure, cited
        assert "profile laser-default: 4 t, npd-solutions sheet-metal design guide" in out
    assert not (tmp_path / "o" / "p-panel.dxf").exists()


def test_pem_data_sheet_wins_over_the_edge_rule(tmp_path: Path) -> None:
    # 4.9 mm from centre to edge: the CLS-M3-1 data sheet's 4.8 holds; the laser rule of
    # thumb (1.5 t from the 4.22 mm hole's rim: 3.0 + 2.11 = 5.11 mm) would fail it.
    path = panel(tmp_path, 'kind = "pem"\npart = "CLS-M3-1"', 2.0, 4.9)
    assert run(path, tmp_path / "o") == 0


def test_unknown_screw_size_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = panel(tmp_path, 'kind = "countersunk"\nscrew = "M7"')
    assert run(path, tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"geom: {path}:hole[0].screw: 'M7' is not a known size; allowed M2, M2.5, M3, M4, M5, M6"
    ]
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_report_lists_each_holes_kind_and_note(tmp_path: Path) -> None:
    assert run(panel(tmp_path, 'kind = "tapped"\nthread = "M3"'), tmp_path / "o") == 0
    report = json.loads((tmp_path / "o" / "p-report.json").read_text(encoding="utf-8"))
    (hole,) = report["holes"]
    assert (hole["kind"], hole["note"], hole["diameter"]) == (
        "tapped",
        "tapped M3x0.5, tap drill Ø2.5",
        2.5,
    )


BENT = """[panel]
width = 100.0
height = 60.0
sheet = {sheet}
process = "laser"

[[flange]]
edge = "bottom"
height = 30.0
angle = 90.0
direction = "down"

[[hole]]
face = "bottom"
x = 50.0
y = 15.0
kind = "countersunk"
screw = "M3"
"""


@pytest.mark.parametrize(("sheet", "rc"), [(1.5, 1), (2.0, 0)])
def test_bent_panel_keeps_the_countersink_rule_on_its_flange(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sheet: float, rc: int
) -> None:
    path = tmp_path / "b.toml"
    path.write_text(BENT.format(sheet=sheet), encoding="utf-8")
    assert main(["panel", str(path), "-o", str(tmp_path / "o")]) == rc
    out = capsys.readouterr().out
    assert ("FAIL countersink.depth: hole[0]" in out) == (rc == 1)
    if rc == 0:
        dxf = next((tmp_path / "o").glob("*.dxf"))
        assert M3_HOLE in [round(d, 6) for d in circles(dxf, "CUT")]
        assert circles(dxf, "COUNTERSINK") == pytest.approx([M3_SINK], abs=0.005)
        assert "countersunk M3 90° Ø6.73" in notes(dxf)


@pytest.mark.parametrize(("wall", "rc"), [(1.5, 1), (2.0, 0)])
def test_enclosure_face_measures_the_wall_under_the_countersink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wall: float, rc: int
) -> None:
    cq = pytest.importorskip("cadquery")
    outer = cq.Workplane().box(100, 60, 30)
    solid = outer.cut(cq.Workplane().box(100 - 2 * wall, 60 - 2 * wall, 30 - 2 * wall))
    step = tmp_path / "box.step"
    solid.val().exportStep(str(step))
    lid = tmp_path / "lid.toml"
    hole = 'x = 50.0\ny = 30.0\nkind = "countersunk"\nscrew = "M3"\n'
    lid.write_text(f'[face]\nselect = ">Z"\n\n[[hole]]\n{hole}', encoding="utf-8")
    assert main(["cut", str(step), str(lid), "-o", str(tmp_path / "o")]) == rc
    out = capsys.readouterr().out
    assert ("FAIL countersink.depth: hole[0]" in out) == (rc == 1)
    if rc == 0:
        dxf = tmp_path / "o" / "lid-face.dxf"
        assert circles(dxf, "CUT") == pytest.approx([M3_HOLE])
        assert circles(dxf, "COUNTERSINK") == pytest.approx([M3_SINK], abs=0.005)
        assert "countersunk M3 90° Ø6.73" in notes(dxf)


FREECAD = """
import json, os
import Part
shape = Part.read(os.environ["GEOM_STEP"])
cones = [f for s in shape.Solids for f in s.Faces if f.Surface.TypeId == "Part::GeomCone"]
print("GEOM_RESULT " + json.dumps({
    "solids": [{"valid": s.isValid(), "volume": s.Volume} for s in shape.Solids],
    "cone_widths": [f.BoundBox.XLength for f in cones],
}))
"""


@pytest.mark.freecad
def test_freecad_reads_the_countersunk_plate_as_one_valid_solid(tmp_path: Path) -> None:
    assert run(panel(tmp_path, 'kind = "countersunk"\nscrew = "M3"'), tmp_path / "o") == 0
    found = freecad(FREECAD, tmp_path, GEOM_STEP=str(tmp_path / "o" / "p-panel.step"))
    (solid,) = found["solids"]
    assert solid["valid"]
    depth = (M3_SINK - M3_HOLE) / 2
    big, small = M3_SINK / 2, M3_HOLE / 2
    frustum = math.pi * depth / 3 * (big * big + big * small + small * small)
    expected = 60 * 40 * 2 - math.pi * small**2 * (2 - depth) - frustum
    assert solid["volume"] == pytest.approx(expected, rel=1e-3)
    assert found["cone_widths"] and max(found["cone_widths"]) == pytest.approx(M3_SINK, abs=0.005)


def test_two_countersinks_keep_8_t_between_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Centres 20 mm apart: rims 20 - 6.73 = 13.27 mm apart, under 8 x 2 = 16 mm.
    second = '[[hole]]\nx = 35.0\ny = 20.0\nkind = "countersunk"\nscrew = "M3"'
    path = panel(tmp_path, f'kind = "countersunk"\nscrew = "M3"\n\n{second}', 2.0, 15.0)
    assert run(path, tmp_path / "o") == 1
    out = capsys.readouterr().out
    assert "FAIL countersink.web: the countersinks of hole[0] and hole[1] are 13.270 mm" in out


@pytest.mark.parametrize(
    ("hole", "cut"),
    [
        ('kind = "tapped"\nthread = "M2.5"', 2.05),  # DIN 336
        ('kind = "countersunk"\nscrew = "M2.5"', 2.90),  # RMFG chart
        ('kind = "pem"\npart = "CLS-M2.5-1"', 4.22),
        ('kind = "pem"\npart = "FH-M3"', 3.0),  # JNP clinch stud table
    ],
)
def test_sizes_with_a_point_in_their_name_read_as_one_size(
    tmp_path: Path, hole: str, cut: float
) -> None:
    assert run(panel(tmp_path, hole, 2.0, 30.0), tmp_path / "o") == 0
    assert circles(tmp_path / "o" / "p-panel.dxf", "CUT") == pytest.approx([cut])
