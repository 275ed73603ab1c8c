"""`geom cut` reading a user's STEP file, measured from what it prints and writes.

The enclosure: an 80 x 50 x 30 mm box less a 76 x 46 x 26 mm box centred in it (a closed
box with 2 mm walls, one solid of two shells), written by OpenCascade's STEP writer
here. A damaged copy of it (one changed character, a reference to the wrong kind of
entity, digits or bytes changed at random with a fixed seed, cut short, an empty DATA
section) is bad input: exit 2, one line on stderr naming the file, no traceback, no
signal, the output folder as it was. A byte-order mark is skipped: the same cut. A
shelled CadQuery box (`cq.exporters.export` writes a closed shell and no solid) is read
as the solid its shell bounds, with a note, and FreeCAD reads the cut enclosure as one
valid solid of 80 50 30 - 76 46 28 - pi 5^2 2 mm3."""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from measure import freecad

from geom.cli import main

OUTER, WALL = (80.0, 50.0, 30.0), 2.0
LAYOUT = textwrap.dedent("""
    [face]
    point = [40.0, 25.0, 30.0]
    normal = [0.0, 0.0, 1.0]

    [[hole]]
    x = 40.0
    y = 25.0
    diameter = 10.0
""")


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    """The enclosure's STEP text, and the layout file cutting a 10 mm hole in its lid."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.gp import gp_Pnt
    from OCP.STEPControl import STEPControl_AsIs, STEPControl_Writer

    tmp = tmp_path_factory.mktemp("box")
    x, y, z = OUTER
    outer = BRepPrimAPI_MakeBox(gp_Pnt(0, 0, 0), x, y, z).Shape()
    inner = BRepPrimAPI_MakeBox(
        gp_Pnt(WALL, WALL, WALL), x - 2 * WALL, y - 2 * WALL, z - 2 * WALL
    ).Shape()
    writer = STEPControl_Writer()
    writer.Transfer(BRepAlgoAPI_Cut(outer, inner).Shape(), STEPControl_AsIs)
    writer.Write(str(tmp / "box.step"))
    layout = tmp / "lid.toml"
    layout.write_text(LAYOUT, encoding="utf-8")
    # OpenCascade's writer stamps the time in FILE_NAME: a fixed one keeps the damaged
    # files of the tests below the same in every run.
    stamp = rb"'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d'"
    text, count = re.subn(stamp, b"'2000-01-01T00:00:00'", (tmp / "box.step").read_bytes())
    assert count == 1
    return text, layout


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _refused(data: bytes, layout: Path, tmp: Path, capsys: Any, name: str = "damaged.step") -> str:
    """Run `geom cut` on `data` into a folder holding an earlier run's file: exit 2, one
    line naming the file, the folder as it was. The line."""
    step, out = tmp / name, tmp / "out"
    step.write_bytes(data)
    out.mkdir(exist_ok=True)
    (out / "lid-report.json").write_text('{"earlier": "run"}\n', encoding="utf-8")
    before = _snapshot(out)
    capsys.readouterr()
    assert main(["cut", str(step), str(layout), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    _one_form(lines[0], step)
    assert _snapshot(out) == before
    return lines[0]


def _one_form(line: str, step: Path) -> None:
    """The file as a whole (`command line:ENCLOSURE`), or one of its lines."""
    whole = re.fullmatch(
        r"geom: command line:ENCLOSURE: '.*? is (.*); allowed a STEP file \(ISO 10303-21\) "
        r"holding one solid, the enclosure",
        line,
    )
    at_line = re.fullmatch(
        rf"geom: {re.escape(str(step))}:line \d+: .* is (.*); allowed entities "
        r"`#n = NAME\(\.\.\.\);` with their brackets and quotes closed \(ISO 10303-21\)",
        line,
    )
    assert whole or at_line, line


def test_the_box_cuts(box: tuple[bytes, Path], tmp_path: Path) -> None:
    data, layout = box
    (tmp_path / "box.step").write_bytes(data)
    assert main(["cut", str(tmp_path / "box.step"), str(layout), "-o", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "lid-report.json").read_text(encoding="utf-8"))
    assert report["notes"] == []


def test_a_changed_character_is_a_syntax_error_naming_its_line(
    box: tuple[bytes, Path], tmp_path: Path, capsys: Any
) -> None:
    data, layout = box
    line = re.search(rb"(#\d+) = LINE\(", data)
    assert line is not None
    damaged = data.replace(line.group(0), line.group(1) + b"(= LINE(", 1)
    found = _refused(damaged, layout, tmp_path, capsys)
    number = data[: data.index(line.group(0))].count(b"\n") + 1
    shown = damaged.decode().splitlines()[number - 1][:40]
    assert found.startswith(f"geom: {tmp_path / 'damaged.step'}:line {number}: {shown!r} is ")
    assert " is not a STEP entity; " in found


def _crashing(data: bytes) -> bytes:
    """A VECTOR whose direction is a CARTESIAN_POINT: syntax in order, and OpenCascade's
    reader dies of it (SIGSEGV in cadquery-ocp 7.9.3)."""
    point = re.search(rb"(#\d+) = CARTESIAN_POINT", data)
    vector = re.search(rb"= VECTOR\('',(#\d+),", data)
    assert point is not None and vector is not None
    wrong = vector.group(0).replace(vector.group(1), point.group(1))
    return data.replace(vector.group(0), wrong)


def test_a_reader_crash_is_contained(box: tuple[bytes, Path], tmp_path: Path) -> None:
    """The real command, in its own process: exit 2, one line, whatever the reader does."""
    data, layout = box
    step = tmp_path / "crash.step"
    step.write_bytes(_crashing(data))
    done = subprocess.run(
        [sys.executable, "-m", "geom", "cut", str(step), str(layout), "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 2, done
    (line,) = done.stderr.splitlines()
    assert "is a STEP file OpenCascade's reader cannot read (it crashed: SIGSEGV)" in line
    assert not (tmp_path / "o").exists()


def test_with_another_thread_running_the_reader_runs_in_a_new_interpreter(
    box: tuple[bytes, Path], tmp_path: Path, capsys: Any
) -> None:
    """No fork while another Python thread runs: the crash is still contained."""
    data, layout = box
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        line = _refused(_crashing(data), layout, tmp_path, capsys)
    finally:
        stop.set()
        other.join()
    assert "is a STEP file OpenCascade's reader cannot read (it crashed: SIGSEGV)" in line


def test_a_byte_order_mark_is_skipped(box: tuple[bytes, Path], tmp_path: Path) -> None:
    data, layout = box
    for name, text in (("plain", data), ("bom", b"\xef\xbb\xbf" + data)):
        (tmp_path / name).mkdir()
        step, out = tmp_path / name / "box.step", tmp_path / name / "out"
        step.write_bytes(text)
        assert main(["cut", str(step), str(layout), "-o", str(out)]) == 0
    for suffix in ("-cut.step", "-face.dxf"):
        plain, bom = (tmp_path / n / "out" / f"lid{suffix}" for n in ("plain", "bom"))
        assert plain.read_bytes() == bom.read_bytes()


def test_an_empty_data_section_holds_no_shape(
    box: tuple[bytes, Path], tmp_path: Path, capsys: Any
) -> None:
    data, layout = box
    head, rest = data.split(b"DATA;", 1)
    empty = head + b"DATA;\nENDSEC;" + rest.split(b"ENDSEC;", 1)[1]
    found = _refused(empty, layout, tmp_path, capsys)
    assert "a STEP file that holds no shape (its DATA section is empty)" in found


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_a_file_cut_short_is_refused(
    box: tuple[bytes, Path], tmp_path: Path, capsys: Any, fraction: float
) -> None:
    data, layout = box
    _refused(data[: int(len(data) * fraction)], layout, tmp_path, capsys)


def test_random_damage_is_bad_input_or_read(
    box: tuple[bytes, Path], tmp_path: Path, capsys: Any
) -> None:
    """20 bytes changed at random, and 5 digits of the DATA section changed (references
    to the wrong entities: what reaches the reader), ten files each, fixed seeds: each is
    refused in one line (exit 2) or read and cut (exit 0 or 1); never a signal or a
    traceback. Most are refused, some by the reader's crash in the child."""
    data, layout = box
    rng = random.Random(20261208)
    digits = [i for i in range(data.index(b"DATA;"), len(data)) if chr(data[i]).isdigit()]
    refused = []
    for k in range(20):
        damaged = bytearray(data)
        for _ in range(20 if k < 10 else 5):
            if k < 10:
                damaged[rng.randrange(len(data))] = rng.randrange(256)
            else:
                damaged[rng.choice(digits)] = ord(rng.choice("0123456789"))
        step, out = tmp_path / f"random-{k}.step", tmp_path / f"out-{k}"
        step.write_bytes(bytes(damaged))
        out.mkdir()
        code = main(["cut", str(step), str(layout), "-o", str(out)])
        captured = capsys.readouterr()
        assert code in (0, 1, 2) and "Traceback" not in captured.err
        if code == 2:  # the file, or what it holds read against the layout
            (line,) = captured.err.splitlines()
            assert re.fullmatch(r"geom: .+:.+: .+ is .+; allowed .+", line), line
            assert list(out.iterdir()) == []
            refused.append(line)
    assert len(refused) >= 15
    assert any("reader cannot read (it crashed: SIGSEGV)" in line for line in refused)


def test_a_reader_that_never_ends_is_stopped(
    box: tuple[bytes, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenCascade's reader loops forever on some damaged files: the forked child still
    busy after the limit is killed and the file is unreadable, with the limit named
    (here a reader that never returns and a limit of 0.2 s)."""
    from geom.cad import step_read

    def forever(data: bytes) -> tuple[str, object]:
        while True:
            pass

    monkeypatch.setattr(step_read, "_read", forever)
    monkeypatch.setattr(step_read, "READ_LIMIT_S", 0.2)
    assert step_read._forked(box[0]) == ("unreadable", "it was still reading after 0.2 s")


def test_open_shell_is_bad_input(box: tuple[bytes, Path], tmp_path: Path, capsys: Any) -> None:
    """The box's lid alone (one face, a shell with free edges)."""
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.STEPControl import STEPControl_AsIs, STEPControl_Writer
    from OCP.TopAbs import TopAbs_SHELL
    from OCP.TopExp import TopExp_Explorer

    _, layout = box
    solid = BRepPrimAPI_MakeBox(10.0, 10.0, 10.0).Shape()
    explorer = TopExp_Explorer(solid, TopAbs_SHELL)
    shell = explorer.Current()
    from OCP.BRep import BRep_Builder
    from OCP.TopoDS import TopoDS_Shell

    builder, open_shell = BRep_Builder(), TopoDS_Shell()
    builder.MakeShell(open_shell)
    faces = TopExp_Explorer(shell, __import__("OCP").TopAbs.TopAbs_FACE)
    for _ in range(5):  # five of the cube's six faces
        builder.Add(open_shell, faces.Current())
        faces.Next()
    writer = STEPControl_Writer()
    writer.Transfer(open_shell, STEPControl_AsIs)
    writer.Write(str(tmp_path / "open.step"))
    data = (tmp_path / "open.step").read_bytes()
    found = _refused(data, layout, tmp_path, capsys, name="open5.step")
    assert "a STEP file with no solid and 1 open shell (free edges" in found


def test_a_shelled_cadquery_box_is_read_as_its_solid(tmp_path: Path, capsys: Any) -> None:
    """`cq.exporters.export` of `box(80, 50, 30).faces(">Z").shell(-2)`: an open-topped
    box, 2 mm walls and floor. A 10 mm hole in the floor (`<Z`, 2 mm thick)."""
    cq = pytest.importorskip("cadquery")
    wp = cq.Workplane().box(80, 50, 30).faces(">Z").shell(-2)
    step = tmp_path / "box.step"
    cq.exporters.export(wp, str(step))
    assert b"MANIFOLD_SOLID_BREP" not in step.read_bytes()  # a shell, no solid
    layout = tmp_path / "floor.toml"
    layout.write_text(
        '[face]\nselect = "<Z"\n[[hole]]\nx = 40.0\ny = 25.0\ndiameter = 10.0\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["cut", str(step), str(layout), "-o", str(out)]) == 0
    note = "box.step: holds no solid: its closed shell is read as the solid it bounds"
    assert f"geom: note: {note}" in capsys.readouterr().err.splitlines()
    report = json.loads((out / "floor-report.json").read_text(encoding="utf-8"))
    assert report["notes"] == [note]
    expected = 80 * 50 * 30 - 76 * 46 * 28 - math.pi * 5**2 * 2
    script = textwrap.dedent("""
        import json, os
        import Part
        shape = Part.read(os.environ["GEOM_STEP"])
        print("GEOM_RESULT " + json.dumps(
            [{"valid": s.isValid(), "volume": s.Volume} for s in shape.Solids]))
    """)
    solids = freecad(script, tmp_path, GEOM_STEP=str(out / "floor-cut.step"))
    assert len(solids) == 1 and solids[0]["valid"]
    assert solids[0]["volume"] == pytest.approx(expected, abs=1e-3)


def test_two_closed_shells_read_as_a_hollow_solid(
    box: tuple[bytes, Path], tmp_path: Path, capsys: Any
) -> None:
    """The box's outer skin and its cavity's skin as two closed shells, no solid: read as
    the box with its cavity; the cut removes the 10 mm hole through the 2 mm lid."""
    from OCP.BRep import BRep_Builder
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.gp import gp_Pnt
    from OCP.STEPControl import STEPControl_AsIs, STEPControl_Writer
    from OCP.TopAbs import TopAbs_SHELL
    from OCP.TopExp import TopExp_Explorer
    from OCP.TopoDS import TopoDS_Compound

    _, layout = box
    x, y, z = OUTER
    boxes = [
        BRepPrimAPI_MakeBox(gp_Pnt(0, 0, 0), x, y, z).Shape(),
        BRepPrimAPI_MakeBox(
            gp_Pnt(WALL, WALL, WALL), x - 2 * WALL, y - 2 * WALL, z - 2 * WALL
        ).Shape(),
    ]
    builder, both = BRep_Builder(), TopoDS_Compound()
    builder.MakeCompound(both)
    for solid in boxes:
        builder.Add(both, TopExp_Explorer(solid, TopAbs_SHELL).Current())
    writer = STEPControl_Writer()
    writer.Transfer(both, STEPControl_AsIs)
    writer.Write(str(tmp_path / "skins.step"))
    assert b"MANIFOLD_SOLID_BREP" not in (tmp_path / "skins.step").read_bytes()
    out = tmp_path / "out"
    assert main(["cut", str(tmp_path / "skins.step"), str(layout), "-o", str(out)]) == 0
    note = (
        "skins.step: holds no solid: its 2 closed shells are read as the solid they "
        "bound (the largest the outside, 1 cavity)"
    )
    assert f"geom: note: {note}" in capsys.readouterr().err.splitlines()
    from test_bends import read_step, solids, volume

    (cut,) = solids(read_step(out / "lid-cut.step"))
    inner = (x - 2 * WALL) * (y - 2 * WALL) * (z - 2 * WALL)
    assert volume(cut) == pytest.approx(x * y * z - inner - math.pi * 5**2 * WALL, abs=1e-6)
