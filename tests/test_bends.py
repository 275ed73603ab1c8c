"""`geom panel` on bent panels, measured from the files written: the flat pattern DXF
(outline across the bends from DIN 6935 worked out here, bend lines on their own layer,
openings unfolded into place), the folded STEP (one valid solid, its bounding box, its
volume from the legs and the bend sectors), the assembly (a socket's body on a flange,
clear of the sheet), the bend rules (exit 1 naming the entry, the bend and the
distance), bad input (exit 2, one line, nothing written), and FreeCAD reading both."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from conftest import Run
from measure import cut_loops, freecad

T, R = 1.5, 1.5
"""The U-channel's sheet and inside radius (mm)."""
K_DIN = 0.65 + 0.5 * math.log10(R / T)
"""DIN 6935's k for r/s = 1."""
V = math.pi * 90 / 180 * (R + T / 2 * K_DIN) - 2 * (R + T)
"""DIN 6935's v for an opening angle of 90 degrees: pi (180 - beta)/180 (r + s/2 k) - 2 (r + s)."""

HEAD = """
[panel]
width = 200.0
height = {height}
sheet = 1.5
process = "laser"
shop_tolerance = 0.05
"""
FLANGES = """
[[flange]]
edge = "bottom"
height = {flange}
angle = 90.0
direction = "down"
radius = 1.5

[[flange]]
edge = "top"
height = {flange}
angle = 90.0
direction = "down"
"""
U_CHANNEL = HEAD.format(height=80.0) + FLANGES.format(flange=20.0)
SOCKET = (
    HEAD.format(height=120.0)
    + FLANGES.format(flange=40.0)
    + """
[[place]]
part = "770-744/064-000"
face = "bottom"
x = 100.0
y = 22.0

[[hole]]
x = 100.0
y = 60.0
diameter = 5.0
"""
)

Geom = Callable[..., Run]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def read_step(path: Path) -> Any:
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.STEPControl import STEPControl_Reader

    reader = STEPControl_Reader()
    assert reader.ReadFile(str(path)) == IFSelect_ReturnStatus.IFSelect_RetDone
    reader.TransferRoots()
    return reader.OneShape()


def solids(shape: Any) -> list[Any]:
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    found = []
    explorer = TopExp_Explorer(shape, TopAbs_SOLID)
    while explorer.More():
        found.append(TopoDS.Solid_s(explorer.Current()))
        explorer.Next()
    return found


def volume(shape: Any) -> float:
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    return float(props.Mass())


def bounds(shape: Any) -> tuple[float, ...]:
    from OCP.Bnd import Bnd_Box
    from OCP.BRepBndLib import BRepBndLib

    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape, box, False, False)
    return tuple(box.Get())


def u_channel_volume(flange: float = 20.0) -> float:
    """Base between the bends, two straight legs and two quarter-annulus bend sectors."""
    base = 200 * (80 - 2 * (R + T)) * T
    legs = 2 * 200 * (flange - (R + T)) * T
    sectors = 2 * 200 * math.pi / 4 * ((R + T) ** 2 - R**2)
    return base + legs + sectors


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from geom.cli import main

    tmp = tmp_path_factory.mktemp("channel")
    path = write(tmp, "channel", U_CHANNEL)
    assert main(["panel", str(path), "-o", str(tmp / "out")]) == 0
    return tmp / "out"


@pytest.fixture(scope="module")
def socket(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from geom.cli import main

    tmp = tmp_path_factory.mktemp("socket")
    path = write(tmp, "socket", SOCKET)
    assert main(["panel", str(path), "-o", str(tmp / "out")]) == 0
    return tmp / "out"


def test_flat_outline_measures_the_din_blank(channel: Path) -> None:
    dxf = channel / "channel-flat.dxf"
    loops = cut_loops(dxf)
    assert len(loops) == 1 and loops[0].closed
    assert loops[0].width == pytest.approx(200.0, abs=1e-9)
    assert loops[0].height == pytest.approx(80 + 2 * 20 + 2 * V, abs=1e-9)
    assert loops[0].extents[:2] == pytest.approx((0.0, 0.0), abs=1e-9)


def test_bend_lines_on_the_bend_layer_never_on_cut(channel: Path) -> None:
    msp = ezdxf.readfile(channel / "channel-flat.dxf").modelspace()
    lines = msp.query('LINE[layer=="BEND_DOWN"]')
    assert len(lines) == 2
    assert not msp.query('LINE[layer=="BEND_UP"]')
    assert {e.dxftype() for e in msp.query('*[layer=="CUT"]')} == {"LWPOLYLINE"}
    # Each line halfway through its bend zone: the zone starts r + t inside the base's
    # outline and reaches v + 2 (r + t) outward in the flat pattern.
    blank_bottom = 20 + V  # the bottom flange's reach below the base in the flat pattern
    zone = V + 2 * (R + T)
    ys = sorted(e.dxf.start.y for e in lines)
    assert ys[0] == pytest.approx(blank_bottom + (R + T) - zone / 2, abs=1e-9)
    assert ys[1] == pytest.approx(blank_bottom + 80 - (R + T) + zone / 2, abs=1e-9)
    for e in lines:
        assert (e.dxf.start.x, e.dxf.end.x) == pytest.approx((0.0, 200.0), abs=1e-9) or (
            e.dxf.end.x,
            e.dxf.start.x,
        ) == pytest.approx((0.0, 200.0), abs=1e-9)
    notes = [e.dxf.text for e in msp.query('TEXT[layer=="NOTES"]')]
    assert sum("DOWN 90 deg R1.500 K0.325 ANSI (k0.650 DIN 6935)" in n for n in notes) == 2


def test_bends_by_colour(tmp_path: Path, geom: Geom) -> None:
    path = write(tmp_path, "channel", U_CHANNEL)
    run = geom("panel", path, "-o", tmp_path / "out", "--bend-marks", "colour")
    assert run.code == 0, run.err
    msp = ezdxf.readfile(tmp_path / "out" / "channel-flat.dxf").modelspace()
    lines = msp.query('LINE[layer=="BEND"]')
    assert len(lines) == 2 and {e.dxf.color for e in lines} == {6}
    assert not msp.query('*[layer=="BEND_DOWN"]')


def test_folded_step_is_one_valid_solid_of_the_worked_volume(channel: Path) -> None:
    from OCP.BRepCheck import BRepCheck_Analyzer

    found = solids(read_step(channel / "channel-folded.step"))
    assert len(found) == 1
    assert BRepCheck_Analyzer(found[0]).IsValid()
    assert volume(found[0]) == pytest.approx(u_channel_volume(), rel=1e-6)
    assert bounds(found[0]) == pytest.approx((0.0, 0.0, -20.0, 200.0, 80.0, 0.0), abs=1e-6)


def test_report_lists_every_bend(channel: Path) -> None:
    report = json.loads((channel / "channel-report.json").read_text(encoding="utf-8"))
    bends = report["sheet_metal"]["bends"]
    assert [b["edge"] for b in bends] == ["bottom", "top"]
    for b in bends:
        assert b["angle_deg"] == 90.0 and b["radius_mm"] == 1.5
        assert b["k"]["given"] == "DIN 6935 k"
        assert b["k"]["k_din"] == pytest.approx(K_DIN)
        assert b["k"]["K_ansi"] == pytest.approx(K_DIN / 2)
        assert b["allowance_mm"] == pytest.approx(math.pi / 2 * (R + K_DIN / 2 * T), abs=1e-6)
        assert b["v_mm"] == pytest.approx(V, abs=1e-6)


def test_socket_on_a_flange_unfolds_where_the_allowance_puts_it(socket: Path) -> None:
    loops = cut_loops(socket / "socket-flat.dxf")
    outline = max(loops, key=lambda lp: lp.width * lp.height)
    cutout = next(lp for lp in loops if 40 < lp.width < 50)
    hole = next(lp for lp in loops if lp.width < 6)
    # The hole sits 60 mm up the base, the cutout 22 mm out on the bottom flange: in the
    # flat pattern they are 60 + 22 + v apart, v < 0 the bend's shortening.
    assert hole.centre[1] - cutout.centre[1] == pytest.approx(60 + 22 + V, abs=1e-9)
    assert cutout.centre[0] == pytest.approx(100.0, abs=1e-9)
    assert cutout.width == pytest.approx(41.55, abs=0.01)  # along the bend: not turned
    assert outline.height == pytest.approx(120 + 2 * 40 + 2 * V, abs=1e-9)


def test_socket_body_sits_on_the_flange_clear_of_the_sheet(socket: Path) -> None:
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Common

    found = solids(read_step(socket / "socket-assembly.step"))
    plate = next(s for s in found if bounds(s)[2] == pytest.approx(-40.0, abs=1e-6))
    bodies = [s for s in found if s is not plate]
    assert bodies
    for body in bodies:
        common = BRepAlgoAPI_Common(plate, body)
        common.Build()
        assert common.IsDone()
        assert volume(common.Shape()) < 1e-6
        x0, _, z0, x1, y1, z1 = bounds(body)
        # Centred on the cutout 22 mm down the flange's front, at x = 100 ...
        assert (z0 + z1) / 2 == pytest.approx(-22.0, abs=1.5)
        assert (x0 + x1) / 2 == pytest.approx(100.0, abs=1e-6)
        # ... and behind the flange, inside the channel (the flange's front is y = 0).
        assert y1 > 10.0
    housing = max(bodies, key=volume)
    assert bounds(housing)[4] > 30.0


def bend_run(tmp_path: Path, geom: Geom, extra: str, name: str = "bent") -> Run:
    path = write(tmp_path, name, U_CHANNEL + extra)
    return geom("panel", path, "-o", tmp_path / "out")


def test_hole_3_mm_from_a_bend_line_fails(tmp_path: Path, geom: Geom) -> None:
    # The bottom bend starts r + t = 3 mm inside the outline; a 5 mm hole at y = 8.5 has
    # its edge 8.5 - 2.5 - 3 = 3 mm from it, less than 2.5 t + r = 5.25 mm.
    run = bend_run(tmp_path, geom, "[[hole]]\nx = 100.0\ny = 8.5\ndiameter = 5.0\n")
    assert run.code == 1
    line = next(ln for ln in run.out.splitlines() if "bend.cut_distance" in ln)
    assert "hole[0]" in line and "bottom bend" in line and "3.000 mm" in line
    assert "5.250 mm minimum" in line and "MIN_CUT_TO_BEND" in line
    report = json.loads((tmp_path / "out" / "bent-report.json").read_text(encoding="utf-8"))
    (v,) = report["violations"]
    assert v["figures"]["distance"] == pytest.approx(3.0, abs=1e-9)
    assert not (tmp_path / "out" / "bent-flat.dxf").exists()
    assert not (tmp_path / "out" / "bent-folded.step").exists()


def test_override_lets_the_shop_decide(tmp_path: Path, geom: Geom) -> None:
    extra = "[bend]\nmin_cut_to_bend = 3.0\n[[hole]]\nx = 100.0\ny = 8.5\ndiameter = 5.0\n"
    run = bend_run(tmp_path, geom, extra)
    assert run.code == 0, run.out


def test_cutout_across_a_bend_zone_fails(tmp_path: Path, geom: Geom) -> None:
    extra = '[[place]]\npart = "770-744/064-000"\nface = "top"\nx = 100.0\ny = 10.0\n'
    run = bend_run(tmp_path, geom, extra)
    assert run.code == 1
    line = next(ln for ln in run.out.splitlines() if "bend.zone" in ln)
    assert "place[0] on the top flange" in line and "top bend" in line


def test_short_flange_fails(tmp_path: Path, geom: Geom) -> None:
    path = write(tmp_path, "short", HEAD.format(height=80.0) + FLANGES.format(flange=3.5))
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 1
    assert "bend.flange_height" in run.out and "3.750 mm minimum" in run.out


def test_flanges_that_overlap_when_folded_fail(tmp_path: Path, geom: Geom) -> None:
    text = HEAD.format(height=80.0) + textwrap.dedent("""
        [relief]
        size = 0.0
        [[flange]]
        edge = "bottom"
        height = 30.0
        angle = 150.0
        direction = "up"
        [[flange]]
        edge = "left"
        height = 30.0
        angle = 150.0
        direction = "up"
    """)
    path = write(tmp_path, "overlap", text)
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 1
    assert "bend.flange_collision" in run.out
    assert not list((tmp_path / "out").glob("*.dxf")) and not list(
        (tmp_path / "out").glob("*.step")
    )


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("angle = 90.0", "angle = 0.0", "flange[0].angle"),
        ("angle = 90.0", "angle = 190.0", "flange[0].angle"),
        ("radius = 1.5", "radius = -1.5", "flange[0].radius"),
        ('edge = "bottom"', 'edge = "front"', "flange[0].edge"),
        ('edge = "top"', 'edge = "bottom"', "flange[1].edge"),
        ("sheet = 1.5", "sheet = 1.5\ncorner_radius = 3.0", "panel.corner_radius"),
        ("height = 20.0", "height = 2.0", "flange[0].height"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, geom: Geom, old: str, new: str, field: str
) -> None:
    path = write(tmp_path, "bad", U_CHANNEL.replace(old, new, 1))
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1 and f"bad.toml:{field}:" in run.err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ('[[hole]]\nface = "left"\nx = 10.0\ny = 10.0\ndiameter = 3.0\n', "hole[0].face"),
        ('[[hole]]\nface = "bottom"\nx = 10.0\ny = 19.0\ndiameter = 3.0\n', "hole[0].y"),
    ],
)
def test_openings_on_a_missing_face_or_off_a_flange(
    tmp_path: Path, geom: Geom, extra: str, field: str
) -> None:
    run = bend_run(tmp_path, geom, extra, "bad")
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1 and f"bad.toml:{field}:" in run.err


def test_face_on_a_flat_panel_is_bad_input(tmp_path: Path, geom: Geom) -> None:
    text = (
        HEAD.format(height=80.0) + '[[hole]]\nface = "base"\nx = 10.0\ny = 10.0\ndiameter = 3.0\n'
    )
    run = geom("panel", write(tmp_path, "flat", text), "-o", tmp_path / "out")
    assert run.code == 2 and "flat.toml:hole[0].face:" in run.err


def test_same_input_same_bytes(channel: Path, tmp_path: Path, geom: Geom) -> None:
    path = write(tmp_path, "channel", U_CHANNEL)
    assert geom("panel", path, "-o", tmp_path).code == 0
    for suffix in ("-flat.dxf", "-folded.step", "-assembly.step", "-report.json"):
        name = f"channel{suffix}"
        assert (tmp_path / name).read_bytes() == (channel / name).read_bytes(), name


FREECAD_SCRIPT = textwrap.dedent("""
    import json, os
    import FreeCAD, Part
    FreeCAD.ParamGet("User parameter:BaseApp/Preferences/Mod/Draft").SetBool("groupLayers", True)
    import importDXF
    shape = Part.read(os.environ["GEOM_STEP"])
    step = [{"valid": s.isValid(), "volume": s.Volume} for s in shape.Solids]
    importDXF.insert(os.environ["GEOM_DXF"], "flat")
    layers = {}
    for o in FreeCAD.ActiveDocument.Objects:
        edges = o.Shape.Edges if hasattr(o, "Shape") else []
        wires = [Part.Wire(group) for group in Part.sortEdges(edges)] if edges else []
        layers[o.Label] = {"closed": sum(w.isClosed() for w in wires),
                           "open": sum(not w.isClosed() for w in wires)}
    print("GEOM_RESULT " + json.dumps({"step": step, "dxf": layers}))
""")


@pytest.mark.freecad
def test_freecad_reads_the_folded_step_and_the_flat_dxf(channel: Path, tmp_path: Path) -> None:
    result = freecad(
        FREECAD_SCRIPT,
        tmp_path,
        GEOM_STEP=str(channel / "channel-folded.step"),
        GEOM_DXF=str(channel / "channel-flat.dxf"),
    )
    (solid,) = result["step"]
    assert solid["valid"]
    assert solid["volume"] == pytest.approx(u_channel_volume(), rel=1e-6)
    assert result["dxf"]["CUT"] == {"closed": 1, "open": 0}
    assert result["dxf"]["BEND_DOWN"] == {"closed": 0, "open": 2}


def test_bodies_on_two_faces_collide_in_3d(tmp_path: Path, geom: Geom) -> None:
    # The flange socket's body runs 37.5 mm into the channel at z = -12.75 .. -31.25; a
    # socket on the base 30 mm up reaches back 37.5 mm over y = 20.75 .. 39.25: they meet.
    extra = '[[place]]\npart = "770-744/064-000"\nx = 100.0\ny = 30.0\n'
    path = write(tmp_path, "two", SOCKET.replace("[[hole]]", extra + "\n[[hole]]"))
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 1
    line = next(ln for ln in run.out.splitlines() if "bend.body_collision" in ln)
    assert "place[0] (on bottom)" in line and "place[1] (on base)" in line
    apart = SOCKET.replace("[[hole]]", extra.replace("y = 30.0", "y = 60.0") + "\n[[hole]]")
    apart = apart.replace("y = 60.0\ndiameter", "y = 90.0\ndiameter")
    assert geom("panel", write(tmp_path, "apart", apart), "-o", tmp_path / "o2").code == 0


def test_drawing_shows_the_flat_pattern_the_bends_and_the_folded_part(
    channel: Path, tmp_path: Path
) -> None:
    import pymupdf

    from geom.panel.model import load_panel
    from geom.render.bent_drawing import write_bent_drawing

    source = write(tmp_path, "channel", U_CHANNEL)
    panel = load_panel(source)
    drawing = write_bent_drawing(
        panel, channel / "channel-flat.dxf", channel / "channel-bom.csv", tmp_path
    )
    page = pymupdf.open(drawing.pdf)[0]
    text = " ".join(page.get_text().split())
    assert f"{80 + 40 + 2 * V:.2f}" in text and "200.00" in text  # the blank, measured
    allowance = math.pi / 2 * (R + K_DIN / 2 * T)
    for i, edge in enumerate(("bottom", "top"), 1):
        row = f"B{i} {edge} down 90 1.50 {K_DIN / 2:.3f} {K_DIN:.3f} {allowance:.3f} {V:.3f} 20.00"
        assert row in text
    msp = ezdxf.readfile(drawing.dxf).modelspace()
    assert len(msp.query('LINE[layer=="BEND_DOWN"]')) == 2
    assert not msp.query('LINE[layer=="CUT"]')
    (section,) = msp.query('LWPOLYLINE[layer=="PLATE"]')
    bulges = [b for *_, b in section.get_points("xyb") if b]
    assert len(bulges) == 4  # two bends, inside and outside arcs


def test_a_given_ansi_k_factor_sets_the_blank(tmp_path: Path, geom: Geom) -> None:
    run = bend_run(tmp_path, geom, "[bend]\nk_factor = 0.4\n", "ansi")
    assert run.code == 0, run.out
    v = math.pi / 2 * (R + 0.4 * T) - 2 * (R + T)  # SOLIDWORKS: BA = pi/2 (R + K T)
    (outline,) = cut_loops(tmp_path / "out" / "ansi-flat.dxf")
    assert outline.height == pytest.approx(80 + 2 * 20 + 2 * v, abs=1e-9)
    report = json.loads((tmp_path / "out" / "ansi-report.json").read_text(encoding="utf-8"))
    k = report["sheet_metal"]["bends"][0]["k"]
    assert k["given"] == "K-factor (ANSI)" and k["K_ansi"] == 0.4 and k["k_din"] == 0.8
    assert k["source"] == "ansi.toml: bend.k_factor"


def test_bend_tables_without_a_flange_are_bad_input(tmp_path: Path, geom: Geom) -> None:
    text = HEAD.format(height=80.0) + "[relief]\nshape = 'round'\n"
    run = geom("panel", write(tmp_path, "flat", text), "-o", tmp_path / "out")
    assert run.code == 2 and "flat.toml:relief:" in run.err and "without a flange" in run.err


@pytest.mark.librecad
def test_librecad_renders_the_flat_pattern_with_bends_on_their_own_layer(
    channel: Path, tmp_path: Path
) -> None:
    """LibreCAD (Debian librecad, scripts/install-test-tools.sh) prints the flat DXF to
    PDF: the CUT outline in its layer's red, the two bend lines in BEND_DOWN's magenta,
    each across the whole blank, as far apart as the worked bend zones put them."""
    import os
    import shutil
    import subprocess

    import pymupdf

    program = shutil.which("librecad")
    if program is None:
        pytest.skip("LibreCAD is not installed: scripts/install-test-tools.sh installs it")
    shutil.copy(channel / "channel-flat.dxf", tmp_path)
    subprocess.run(
        [program, "dxf2pdf", "-a", "-t", str(tmp_path), str(tmp_path / "channel-flat.dxf")],
        capture_output=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)},
        check=True,
    )
    page = pymupdf.open(tmp_path / "channel-flat.pdf")[0]
    lines = [
        (tuple(d["color"] or ()), d["rect"])
        for d in page.get_drawings()
        if d["rect"].width == 0 or d["rect"].height == 0
    ]
    red = [r for c, r in lines if c == (1.0, 0.0, 0.0)]
    outline = max(red, key=lambda r: r.width).width
    scale = outline / 200.0  # points per mm, from the blank's width
    heights = [r.height for r in red if r.width == 0]
    assert max(heights) / scale == pytest.approx(80 + 40 + 2 * V, abs=0.05)
    magenta = sorted((r for c, r in lines if c == (1.0, 0.0, 1.0)), key=lambda r: r.y0)
    assert len(magenta) == 2
    assert all(r.width == pytest.approx(outline, abs=0.5) for r in magenta)
    zone = V + 2 * (R + T)
    apart = 80 - 2 * (R + T) + zone
    assert (magenta[1].y0 - magenta[0].y0) / scale == pytest.approx(apart, abs=0.05)


def test_force_writes_the_flat_pattern_marked_and_no_solid_through_a_bend_zone(
    tmp_path: Path, geom: Geom
) -> None:
    near = "[[hole]]\nx = 100.0\ny = 8.5\ndiameter = 5.0\n"
    path = write(tmp_path, "near", U_CHANNEL + near)
    out = tmp_path / "out"
    assert geom("panel", path, "-o", out, "--force").code == 1
    notes = [e.dxf.text for e in ezdxf.readfile(out / "near-flat.dxf").modelspace().query("TEXT")]
    assert "FIT FAILS - forced" in notes
    assert (out / "near-folded.step").is_file()
    # Through a bend zone no folded solid can hold the hole: only the flat pattern, and
    # the earlier run's STEP files of the same name go.
    path.write_text(U_CHANNEL + near.replace("8.5", "4.0"), encoding="utf-8")
    run = geom("panel", path, "-o", out, "--force")
    assert run.code == 1 and "folded STEP not written" in run.out
    assert (out / "near-flat.dxf").is_file()
    assert not (out / "near-folded.step").exists() and not (out / "near-assembly.step").exists()


def test_the_api_checks_and_builds_a_bent_panel(tmp_path: Path) -> None:
    import geom

    panel = geom.load_panel(write(tmp_path, "api", U_CHANNEL))
    assert geom.check_panel(panel) == []
    files = geom.build_panel(panel, tmp_path / "out")
    assert files.ok and files.dxf is not None and files.dxf.name == "api-flat.dxf"


def cylinders(shape: Any) -> list[tuple[float, tuple[float, ...], tuple[float, ...]]]:
    """(radius, a point on the axis, axis direction) of every cylindrical face."""
    from OCP.BRepAdaptor import BRepAdaptor_Surface
    from OCP.GeomAbs import GeomAbs_Cylinder
    from OCP.TopAbs import TopAbs_FACE
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS

    out = []
    explorer = TopExp_Explorer(shape, TopAbs_FACE)
    while explorer.More():
        surface = BRepAdaptor_Surface(TopoDS.Face_s(explorer.Current()))
        if surface.GetType() == GeomAbs_Cylinder:
            cylinder = surface.Cylinder()
            axis = cylinder.Axis()
            p, d = axis.Location(), axis.Direction()
            out.append((cylinder.Radius(), (p.X(), p.Y(), p.Z()), (d.X(), d.Y(), d.Z())))
        explorer.Next()
    return out


def test_unfolding_the_folded_solid_gives_the_flat_pattern(tmp_path: Path, geom: Geom) -> None:
    """Measured from the folded STEP alone: a hole on the base, a hole on the bottom
    flange and the bottom bend's two cylinders. Unfolded along DIN 6935's neutral fibre,
    the sheet between the holes is as long as the flat DXF puts them apart."""
    extra = (
        "[[hole]]\nx = 100.0\ny = 40.0\ndiameter = 5.0\n"
        '[[hole]]\nface = "bottom"\nx = 50.0\ny = 12.0\ndiameter = 4.0\n'
    )
    assert bend_run(tmp_path, geom, extra, "holes").code == 0
    (solid,) = solids(read_step(tmp_path / "out" / "holes-folded.step"))
    found = cylinders(solid)
    base_hole = next(c for c in found if c[0] == pytest.approx(2.5))
    flange_hole = next(c for c in found if c[0] == pytest.approx(2.0))
    bend = sorted(
        (c for c in found if abs(c[2][0]) == pytest.approx(1.0) and c[1][1] < 40),
        key=lambda c: c[0],
    )
    (r_in, axis, _), (r_out, *_) = bend[0], bend[-1]
    t = r_out - r_in
    assert (r_in, t) == pytest.approx((R, T))
    k_ansi = (0.65 + 0.5 * math.log10(r_in / t)) / 2
    along_base = base_hole[1][1] - axis[1]  # hole to where the bend starts, in Y
    along_bend = math.pi / 2 * (r_in + k_ansi * t)
    along_flange = axis[2] - flange_hole[1][2]  # where the bend ends to the hole, in Z
    developed = along_base + along_bend + along_flange

    loops = cut_loops(tmp_path / "out" / "holes-flat.dxf")
    (big,) = [lp for lp in loops if lp.width == pytest.approx(5.0)]
    (small,) = [lp for lp in loops if lp.width == pytest.approx(4.0)]
    assert big.centre[1] - small.centre[1] == pytest.approx(developed, abs=1e-6)
    assert small.centre[0] == pytest.approx(flange_hole[1][0], abs=1e-6)


def test_r12_exploded_flat_pattern_measures_the_same(tmp_path: Path, geom: Geom) -> None:
    path = write(tmp_path, "r12", U_CHANNEL)
    run = geom("panel", path, "-o", tmp_path, "--explode", "--dxf-version", "r12")
    assert run.code == 0, run.err
    (outline,) = cut_loops(tmp_path / "r12-flat.dxf")
    assert outline.closed and outline.height == pytest.approx(80 + 40 + 2 * V, abs=1e-9)
    msp = ezdxf.readfile(tmp_path / "r12-flat.dxf").modelspace()
    assert len(msp.query('LINE[layer=="BEND_DOWN"]')) == 2


def test_the_catalog_builds_a_bent_panel_with_its_drawing(tmp_path: Path) -> None:
    from geom.catalog.jobs import Options, build_panel
    from geom.data.shops import default_profile
    from geom.data.templates import load_catalog
    from geom.model.conditions import BARE, Conditions
    from geom.model.tolerance import Size

    path = write(tmp_path, "channel", U_CHANNEL)
    shop = default_profile("laser").shop
    conditions = Conditions(Size.exact(T), BARE, False, "mid", shop)  # panels: own
    options = Options(tmp_path / "out", conditions, 1.0, 50)
    (tmp_path / "out").mkdir()
    result = build_panel(path, load_catalog(), options)
    assert result.ok, result.error
    roles = result.data["files"]
    assert roles["panel_dxf"] == "channel-flat.dxf"
    assert roles["drawing_pdf"] == "channel-flat-drawing.pdf"
    assert (tmp_path / "out" / roles["preview_svg"]).is_file()


def test_a_slot_on_a_flange_unfolds_and_cuts_the_folded_solid(tmp_path: Path, geom: Geom) -> None:
    """A 20 x 6 mm slot 20 mm out on the bottom flange and a 5 mm hole 60 mm up the base:
    60 + 20 + v apart in the flat pattern; the folded solid loses both openings' areas
    times t (a slot: (L - W) W + pi W^2 / 4)."""
    text = (
        HEAD.format(height=120.0)
        + FLANGES.format(flange=40.0)
        + '[[slot]]\nface = "bottom"\nx = 100.0\ny = 20.0\nlength = 20.0\nwidth = 6.0\n'
        + "[[hole]]\nx = 100.0\ny = 60.0\ndiameter = 5.0\n"
    )
    run = geom("panel", write(tmp_path, "slotted", text), "-o", tmp_path / "out")
    assert run.code == 0, run.out + run.err
    loops = cut_loops(tmp_path / "out" / "slotted-flat.dxf")
    slot = next(lp for lp in loops if lp.width == pytest.approx(20.0, abs=1e-9))
    hole = next(lp for lp in loops if lp.width == pytest.approx(5.0, abs=1e-9))
    assert slot.height == pytest.approx(6.0, abs=1e-9)
    assert hole.centre[1] - slot.centre[1] == pytest.approx(60 + 20 + V, abs=1e-9)
    assert slot.centre[0] == pytest.approx(100.0, abs=1e-9)
    (solid,) = solids(read_step(tmp_path / "out" / "slotted-folded.step"))
    base = 200 * (120 - 2 * (R + T)) * T
    legs = 2 * 200 * (40 - (R + T)) * T
    sectors = 2 * 200 * math.pi / 4 * ((R + T) ** 2 - R**2)
    openings = ((20 - 6) * 6 + math.pi * 6**2 / 4 + math.pi * 5**2 / 4) * T
    assert volume(solid) == pytest.approx(base + legs + sectors - openings, rel=1e-6)


def test_a_slot_3_mm_from_a_bend_line_fails(tmp_path: Path, geom: Geom) -> None:
    # As the hole above: a 5 mm wide slot centred 8.5 mm up the base, 3 mm from the bend.
    slot = "[[slot]]\nx = 100.0\ny = 8.5\nlength = 30.0\nwidth = 5.0\n"
    run = bend_run(tmp_path, geom, slot)
    assert run.code == 1
    line = next(ln for ln in run.out.splitlines() if "bend.cut_distance" in ln)
    assert "slot[0]" in line and "bottom bend" in line and "3.000 mm" in line
