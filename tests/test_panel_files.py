"""`geom panel` writes what a shop and a CAD user need, measured from the files written:
the DXF's CUT loops are the outline, every cutout and every hole, closed, each cutout
centred and sized as placed (rotation included), no duplicates, units mm; the panel STEP
re-reads as one valid solid whose volume is the plate area less the openings times the
thickness; the assembly STEP holds the plate and one named body per placed part; a broken
layout withholds the CAM files (exit 1) unless --force; same input, same bytes."""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import tomllib
from pathlib import Path

import ezdxf
import pytest
from measure import cut_area, cut_box, cut_loops, expected_cut, template_cutouts, texts

from geom.cli import main
from geom.panel.model import Panel, Placed, load_panel

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"
SUFFIXES = ("-panel.dxf", "-panel.step", "-assembly.step", "-bom.csv", "-report.json")
DRAWING = tuple(f"-panel-drawing.{ext}" for ext in ("pdf", "dxf", "svg", "png"))

# Every rotation of both parts, holes, a rounded outline: a panel built for the tests.
MIXED = """
[panel]
width = 260.0
height = 180.0
corner_radius = 5.0
sheet = 2.0
shop_tolerance = 0.05
coating = [0.0, 0.0]
process = "punch"

[[place]]
part = "770-744/064-000"
x = 60.0
y = 30.0
rotation = 180

[[place]]
part = "770-744/064-000"
x = 40.0
y = 110.0
rotation = 270

[[array]]
part = "770-1242/076-000"
x = 110.0
y = 110.0
cols = 3
rows = 2
pitch_x = 40.0
pitch_y = 40.0
rotation = 90

[[hole]]
x = 230.0
y = 30.0
diameter = 22.5

[[hole]]
x = 12.0
y = 168.0
diameter = 3.2
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Panel, Path]]:
    """Each panel written once (module scope: STEP export takes a second)."""
    out: dict[str, tuple[Panel, Path]] = {}
    base = tmp_path_factory.mktemp("panels")
    mixed = base / "mixed.toml"
    mixed.write_text(MIXED, encoding="utf-8")
    for path in (EXAMPLE, mixed):
        target = base / f"out-{path.stem}"
        assert main(["panel", str(path), "-o", str(target)]) == 0
        out[path.stem] = (load_panel(path), target)
    return out


NAMES = ("example", "mixed")


CUTOUTS = template_cutouts()


def _cut_loops(dxf: Path) -> tuple[list[tuple[float, float, float, float]], object]:
    """The exact extents (x0, y0, x1, y1, mm) of every closed CUT loop, and the document."""
    doc = ezdxf.readfile(dxf)
    cut = [e for e in doc.modelspace() if e.dxf.layer == "CUT"]
    assert {e.dxftype() for e in cut} <= {"LWPOLYLINE", "CIRCLE"}
    loops = cut_loops(dxf)
    assert all(loop.closed for loop in loops)
    return [loop.extents for loop in loops], doc


def _placed_box(p: Placed) -> tuple[float, float, float, float]:
    """Where the placed part's cut lies (mm), from its template's numbers (tomllib)."""
    x0, y0, x1, y1 = cut_box(expected_cut(CUTOUTS[p.part.id]), p.rotation)
    return p.x + x0, p.y + y0, p.x + x1, p.y + y1


@pytest.mark.parametrize("name", NAMES)
def test_dxf_loops_are_outline_cutouts_and_holes(
    runs: dict[str, tuple[Panel, Path]], name: str
) -> None:
    panel, out = runs[name]
    extents, doc = _cut_loops(out / f"{name}-panel.dxf")
    assert doc.header["$INSUNITS"] == 4  # type: ignore[attr-defined]
    assert len(extents) == 1 + len(panel.places) + len(panel.holes) + len(panel.slots)
    keys = {tuple(round(v, 6) for v in e) for e in extents}
    assert len(keys) == len(extents)  # no duplicates
    # The outline: lower-left corner at the origin, Y up.
    assert extents[0] == pytest.approx((0.0, 0.0, panel.width, panel.height), abs=1e-9)
    remaining = list(extents[1:])

    def take(box: tuple[float, float, float, float], what: str) -> None:
        match = [e for e in remaining if e == pytest.approx(box, abs=1e-9)]
        assert len(match) == 1, (what, box)
        remaining.remove(match[0])

    for p in panel.places:
        take(_placed_box(p), p.entry)
    for hole in panel.holes:
        r = hole.diameter / 2
        take((hole.x - r, hole.y - r, hole.x + r, hole.y + r), hole.entry)
    for slot in panel.slots:
        upright = slot.angle in (90, 270)
        w, h = (slot.width, slot.length) if upright else (slot.length, slot.width)
        take((slot.x - w / 2, slot.y - h / 2, slot.x + w / 2, slot.y + h / 2), slot.entry)
    assert remaining == []
    notes = [e for e in doc.modelspace() if e.dxf.layer == "NOTES"]  # type: ignore[attr-defined]
    assert len(notes) > len(panel.places) and {e.dxftype() for e in notes} == {"TEXT"}


def _read_step(path: Path) -> object:
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.STEPControl import STEPControl_Reader

    reader = STEPControl_Reader()
    assert reader.ReadFile(str(path)) == IFSelect_ReturnStatus.IFSelect_RetDone
    reader.TransferRoots()
    return reader.OneShape()


def _solids(shape: object) -> list[object]:
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer

    found = []
    explorer = TopExp_Explorer(shape, TopAbs_SOLID)
    while explorer.More():
        found.append(explorer.Current())
        explorer.Next()
    return found


def _expected_volume(panel: Panel) -> float:
    """Plate area less the openings, times the thickness, from the shapes' formulas
    (tests/measure.py: cut_area) on the templates' numbers: a rounded rectangle w x h
    with corner radius r has area w h - (4 - pi) r^2; a slot of length L and width W,
    (L - W) W + pi W^2 / 4."""
    outline = {"shape": "rect", "width": panel.width, "height": panel.height}
    area = cut_area({**outline, "radius": panel.corner_radius})
    for p in panel.places:
        area -= cut_area(expected_cut(CUTOUTS[p.part.id]))
    for hole in panel.holes:
        area -= math.pi * hole.diameter**2 / 4
    for slot in panel.slots:
        area -= (slot.length - slot.width) * slot.width + math.pi * slot.width**2 / 4
    return area * panel.sheet.nominal


@pytest.mark.parametrize("name", NAMES)
def test_panel_step_is_one_valid_solid_of_the_right_volume(
    runs: dict[str, tuple[Panel, Path]], name: str
) -> None:
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib
    from OCP.BRepCheck import BRepCheck_Analyzer
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    panel, out = runs[name]
    text = (out / f"{name}-panel.step").read_text(encoding="ascii")
    assert "AUTOMOTIVE_DESIGN" in text and "SI_UNIT(.MILLI.,.METRE.)" in text
    assert f"PRODUCT('panel {name}'" in text
    solids = _solids(_read_step(out / f"{name}-panel.step"))
    assert len(solids) == 1
    assert BRepCheck_Analyzer(solids[0]).IsValid()
    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(solids[0], props)
    expected = _expected_volume(panel)
    assert props.Mass() > 0
    assert props.Mass() == pytest.approx(expected, rel=1e-6)
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(solids[0], box, False, False)
    assert box.Get() == pytest.approx(
        (0.0, 0.0, -panel.sheet.nominal, panel.width, panel.height, 0.0), abs=1e-6
    )


@pytest.mark.parametrize("name", NAMES)
def test_assembly_has_the_plate_and_a_named_body_per_part(
    runs: dict[str, tuple[Panel, Path]], name: str
) -> None:
    panel, out = runs[name]
    path = out / f"{name}-assembly.step"
    text = path.read_text(encoding="ascii")
    names = [
        re.sub(r"\s+", " ", m.group(1))
        for m in re.finditer(r"NEXT_ASSEMBLY_USAGE_OCCURRENCE\('\d+',\s*'([^']*)'", text)
    ]
    assert names.count(f"panel {name}") == 1
    for pid in {p.part.id for p in panel.places}:
        count = sum(p.part.id == pid for p in panel.places)
        assert sum(n.startswith(f"{pid} ") for n in names) == count, pid
        frame = panel.fits[pid].part.frame
        if frame is not None:
            framed = sum(p.part.frame is not None for p in panel.places)
            assert sum(n.startswith(f"{frame.id} ") for n in names) == framed
    solids = _solids(_read_step(path))
    bodies = sum(1 + (p.part.frame is not None) for p in panel.places)
    assert len(solids) == 1 + bodies
    assert "COLOUR_RGB" in text


@pytest.mark.parametrize("name", NAMES)
def test_bom_and_report(runs: dict[str, tuple[Panel, Path]], name: str) -> None:
    panel, out = runs[name]
    rows = list(csv.DictReader((out / f"{name}-bom.csv").open(encoding="utf-8")))
    counts = {r["part"]: int(r["count"]) for r in rows}
    for pid in {p.part.id for p in panel.places}:
        assert counts[pid] == sum(p.part.id == pid for p in panel.places)
    report = json.loads((out / f"{name}-report.json").read_text(encoding="utf-8"))
    assert report["ok"] is True and report["violations"] == []
    assert report["counts"]["cutouts"] == len(panel.places)
    assert report["files"]["dxf"] == f"{name}-panel.dxf"
    assert any("verify against the manufacturer" in n for n in report["notes"])


def test_example_report_and_dxf_state_what_the_file_says(
    runs: dict[str, tuple[Panel, Path]],
) -> None:
    """Material, finish, general tolerance, notes and every label of the example panel
    file (read here with tomllib, arrays numbered row by row) in the report and the DXF."""
    _, out = runs["example"]
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    head = data["panel"]
    report = json.loads((out / "example-report.json").read_text(encoding="utf-8"))
    for key in ("material", "finish", "general_tolerance"):
        assert report[key] == head[key]
    assert report["shop_notes"] == head["notes"]
    expected = {(e["x"], e["y"]): e["label"] for e in data["place"]}
    for a in data["array"]:
        for r in range(a["rows"]):
            for c in range(a["cols"]):
                at = (a["x"] + c * a.get("pitch_x", 0), a["y"] + r * a.get("pitch_y", 0))
                expected[at] = f"{a['label']}{r * a['cols'] + c + 1}"
    assert {(e["x"], e["y"]): e["label"] for e in report["cutouts"]} == expected
    assert [e["label"] for e in report["holes"]] == [h["label"] for h in data["hole"]]
    slots = [(e["label"], e["x"], e["y"], e["length"], e["width"]) for e in report["slots"]]
    assert slots == [(s["label"], s["x"], s["y"], s["length"], s["width"]) for s in data["slot"]]
    notes = set(texts(out / "example-panel.dxf", "NOTES"))
    assert {f"material: {head['material']}", f"finish: {head['finish']}"} <= notes
    assert f"general tolerance: {head['general_tolerance']}" in notes
    assert set(head["notes"]) <= notes
    ids = {e["label"]: e["part"] for e in report["cutouts"]}
    assert {f"{label} {ids[label]}" for label in expected.values()} <= notes
    for suffix in DRAWING:
        assert (out / f"example{suffix}").stat().st_size > 0


def test_same_input_same_bytes(runs: dict[str, tuple[Panel, Path]], tmp_path: Path) -> None:
    _, first = runs["example"]
    assert main(["panel", str(EXAMPLE), "-o", str(tmp_path)]) == 0
    for suffix in SUFFIXES + DRAWING:
        name = f"example{suffix}"
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


BROKEN = MIXED.replace("x = 40.0\ny = 110.0", "x = 60.0\ny = 50.0")  # 770-744s collide


def test_violations_withhold_cam_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.toml"
    out = tmp_path / "out"
    path.write_text(MIXED, encoding="utf-8")  # first a good layout: its CAM files written
    assert main(["panel", str(path), "-o", str(out)]) == 0
    path.write_text(BROKEN, encoding="utf-8")
    assert main(["panel", str(path), "-o", str(out)]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["broken-bom.csv", "broken-report.json"]
    report = json.loads((out / "broken-report.json").read_text(encoding="utf-8"))
    assert report["ok"] is False and report["files"]["dxf"] is None
    # The CAM files and the drawing of the good layout: they do not match this one.
    assert report["files"]["removed_stale"] == [
        f"broken{suffix}" for suffix in (*SUFFIXES[:3], *DRAWING, "-holes.csv", "-template.pdf")
    ]
    rules = {v["rule"] for v in report["violations"]}
    assert "flange_overlap" in rules
    for v in report["violations"]:
        assert len(v["entries"]) == len(v["positions_mm"]) >= 1
    printed = capsys.readouterr().out
    assert "FAIL flange_overlap" in printed and "withheld" in printed
    # --force cannot write cutouts that cross (the DXF lint refuses them): said so.
    assert main(["panel", str(path), "-o", str(out), "--force"]) == 1
    assert not (out / "broken-panel.dxf").exists()
    report = json.loads((out / "broken-report.json").read_text(encoding="utf-8"))
    assert "crosses" in report["files"]["refused"]
    assert "not written even with --force" in capsys.readouterr().out


def test_force_writes_cam_files_of_a_broken_layout(tmp_path: Path) -> None:
    # Two 770-744 whose flanges overlap by 1.5 mm; their cutouts stay 2.29 mm apart.
    text = MIXED.replace("x = 40.0\ny = 110.0\nrotation = 270", "x = 104.0\ny = 30.0\nrotation = 0")
    path = tmp_path / "forced.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["panel", str(path), "-o", str(out)]) == 1
    assert not (out / "forced-panel.dxf").exists()
    assert main(["panel", str(path), "-o", str(out), "--force", "--explode"]) == 1
    for suffix in SUFFIXES:
        assert (out / f"forced{suffix}").is_file(), suffix
    report = json.loads((out / "forced-report.json").read_text(encoding="utf-8"))
    assert {v["rule"] for v in report["violations"]} >= {"flange_overlap"}
    assert report["files"]["refused"] is None


def test_r12_and_exploded(tmp_path: Path) -> None:
    panel = load_panel(EXAMPLE)
    assert main(["panel", str(EXAMPLE), "-o", str(tmp_path), "--dxf-version", "r12"]) == 0
    doc = ezdxf.readfile(tmp_path / "example-panel.dxf")
    cut = [e for e in doc.modelspace() if e.dxf.layer == "CUT"]
    assert doc.dxfversion == "AC1009"
    assert len(cut) == 1 + len(panel.places) + len(panel.holes) + len(panel.slots)
    shapes = [expected_cut(CUTOUTS[p.part.id])["shape"] for p in panel.places]
    round_cuts = shapes.count("circle")
    assert sum(e.dxftype() == "CIRCLE" for e in cut) == len(panel.holes) + round_cuts
    assert all(e.dxftype() == "POLYLINE" and e.is_closed for e in cut if e.dxftype() != "CIRCLE")
    shutil.rmtree(tmp_path)
    assert main(["panel", str(EXAMPLE), "-o", str(tmp_path), "--explode"]) == 0
    doc = ezdxf.readfile(tmp_path / "example-panel.dxf")
    cut = [e for e in doc.modelspace() if e.dxf.layer == "CUT"]
    assert {e.dxftype() for e in cut} == {"LINE", "ARC", "CIRCLE"}
    arcs = sum(e.dxftype() == "ARC" for e in cut)
    # 4 corner arcs per rounded outline and rect cutout; per notched circle its round
    # part (more than half a turn: two arcs, as a bulge holds at most half a turn) and
    # the notch's two corners; per slot its two half circles, each as two quarter arcs
    # (its straights are LINEs); a hole or a round cutout stays one CIRCLE.
    assert arcs == 4 * (1 + shapes.count("rect") + shapes.count("circle-notch") + len(panel.slots))
    assert sum(e.dxftype() == "CIRCLE" for e in cut) == len(panel.holes) + round_cuts


@pytest.mark.parametrize("name", NAMES)
def test_bodies_pass_through_their_cutouts(runs: dict[str, tuple[Panel, Path]], name: str) -> None:
    """Read back from the assembly file: every body, at its place and rotation, shares no
    volume with the plate (the collar passes through its cutout, the flange rests on the
    front face), so plate and bodies agree on positions and rotations."""
    from OCP.Bnd import Bnd_Box
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Common
    from OCP.BRepBndLib import BRepBndLib
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    def volume(shape: object) -> float:
        props = GProp_GProps()
        BRepGProp.VolumeProperties_s(shape, props)
        return float(props.Mass())

    def box(shape: object) -> tuple[float, ...]:
        found = Bnd_Box()
        BRepBndLib.AddOptimal_s(shape, found, False, False)
        return tuple(found.Get())

    panel, out = runs[name]
    solids = _solids(_read_step(out / f"{name}-assembly.step"))
    # The plate: the one solid spanning the panel, front face at Z = 0 (a body, such as
    # a deep meter's, may hold more volume).
    span = (0.0, 0.0, -panel.sheet.nominal, panel.width, panel.height, 0.0)
    (plate,) = [s for s in solids if box(s) == pytest.approx(span, abs=1e-6)]
    assert volume(plate) == pytest.approx(_expected_volume(panel), rel=1e-6)
    for body in solids:
        if body is plate:
            continue
        common = BRepAlgoAPI_Common(plate, body)
        assert volume(common.Shape()) < 1e-3
