"""geom's STEP writers leave OpenCascade's process-wide state as they found it: every
Interface_Static value geom sets, the length unit, XCAF's automatic naming, the message
printers' trace levels and the shape-process flags of the write actor OpenCascade shares
across the process, also when a write fails. A user's own STEP export in the same process
gives the same bytes, with the default flags, before and after a geom panel write. The
SplitCommonVertex switch (geom.cad.speed) changes time, not bytes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from geom.cad import speed
from geom.cad.step import statics

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"
SOCKET = "770-1242/076-000"


def _opencascade_state() -> dict[str, Any]:
    from OCP.Interface import Interface_Static
    from OCP.Message import Message
    from OCP.STEPControl import STEPControl_Writer
    from OCP.UnitsMethods import UnitsMethods
    from OCP.XCAFDoc import XCAFDoc_ShapeTool
    from OCP.XSControl import XSControl_Controller

    return {
        "statics": {key: Interface_Static.CVal_s(key) for key in statics(True)},
        "length_unit": UnitsMethods.GetCasCadeLengthUnit_s(),
        "auto_naming": XCAFDoc_ShapeTool.AutoNaming_s(),
        "trace_levels": [p.GetTraceLevel() for p in Message.DefaultMessenger_s().Printers()],
        # The actor a user's default writer would use, read through that writer itself.
        "flags": speed.shape_process_flags(STEPControl_Writer()),
        "controller": type(XSControl_Controller.Recorded_s("STEP")).__name__,
    }


@pytest.fixture
def user_session() -> Iterator[Callable[[str], None]]:
    """A CadQuery user's session: OpenCascade's STEP controllers set up as after the
    user's own exports (the shared write actor holds the default flags), and, through
    the returned function, the user's own choice of every setting geom touches (each
    unlike geom's), all put back afterwards."""
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.Interface import Interface_Static
    from OCP.Message import Message, Message_Gravity
    from OCP.STEPCAFControl import STEPCAFControl_Writer
    from OCP.STEPControl import STEPControl_StepModelType, STEPControl_Writer
    from OCP.UnitsMethods import UnitsMethods
    from OCP.XCAFDoc import XCAFDoc_ShapeTool

    STEPCAFControl_Writer()  # a user's assembly export sets up OpenCascade's XCAF controller
    box = BRepPrimAPI_MakeBox(1, 1, 1).Shape()
    STEPControl_Writer().Transfer(box, STEPControl_StepModelType.STEPControl_AsIs)
    original = _opencascade_state()
    printers = list(Message.DefaultMessenger_s().Printers())

    def choose(pcurves: str) -> None:
        chosen = {
            "write.step.schema": "AP203",
            "xstep.cascade.unit": "CM",
            "write.step.unit": "INCH",
            "write.surfacecurve.mode": pcurves,
            "write.precision.mode": "Max",
        }
        for key, value in chosen.items():
            assert Interface_Static.SetCVal_s(key, value)
        UnitsMethods.SetCasCadeLengthUnit_s(10.0)
        XCAFDoc_ShapeTool.SetAutoNaming_s(True)
        for printer in printers:
            printer.SetTraceLevel(Message_Gravity.Message_Warning)

    yield choose
    for key, value in original["statics"].items():
        Interface_Static.SetCVal_s(key, value)
    UnitsMethods.SetCasCadeLengthUnit_s(float(original["length_unit"]))
    XCAFDoc_ShapeTool.SetAutoNaming_s(original["auto_naming"])
    for printer, level in zip(printers, original["trace_levels"], strict=True):
        printer.SetTraceLevel(level)


def _body(out: Path) -> Path:
    from geom.data.templates import load_catalog
    from geom.services import write_body

    return write_body(load_catalog().parts[SOCKET], 1.5, out)


def _panel(out: Path) -> Path:
    from geom.cad.plate import plate_shape, write_plate_step
    from geom.panel.job import opening_contours, outline_contour
    from geom.panel.model import load_panel

    panel = load_panel(EXAMPLE)
    shape = plate_shape(outline_contour(panel), opening_contours(panel), panel.sheet.nominal)
    return write_plate_step(out / "panel.step", "panel", shape)


def _assembly(out: Path) -> Path:
    from geom.cad.plate import plate_shape
    from geom.cad.step import Component, write_step
    from geom.panel.job import PLATE_COLOUR, opening_contours, outline_contour, part_components
    from geom.panel.model import load_panel

    panel = load_panel(EXAMPLE)
    shape = plate_shape(outline_contour(panel), opening_contours(panel), panel.sheet.nominal)
    components = [Component("plate", shape, PLATE_COLOUR), *part_components(panel)]
    return write_step(out / "assembly.step", "assembly", components, pcurves=False)


WRITERS = {"body": (_body, "Off"), "panel": (_panel, "On"), "assembly": (_assembly, "On")}


@pytest.mark.parametrize("fails", [False, True], ids=["written", "failed"])
@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_writers_leave_opencascade_state_as_found(
    kind: str,
    fails: bool,
    tmp_path: Path,
    user_session: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write, pcurves = WRITERS[kind]
    user_session(pcurves)  # the opposite of what this writer writes with
    before = _opencascade_state()
    assert before["flags"] == (speed.DEFAULT_FLAGS, True)  # the probe reads them here
    if fails:

        def full(*args: object, **kwargs: object) -> None:
            raise OSError("no space left on device")

        monkeypatch.setattr(tempfile, "TemporaryDirectory", full)
        with pytest.raises(OSError, match="no space"):
            write(tmp_path)
        assert not any(tmp_path.glob("*.step"))
    else:
        assert write(tmp_path).stat().st_size > 0
    assert _opencascade_state() == before


def _grid_panel(directory: Path, n: int) -> Path:
    cols = 20
    rows = -(-n // cols)
    text = (
        f"[panel]\nwidth = {cols * 40 + 40}\nheight = {rows * 35 + 40}\n"
        'sheet = 1.5\ncoating = 0.08\nprocess = "laser"\nshop_tolerance = 0.05\n'
    )
    for k in range(n):
        x, y = 40 + k % cols * 40, 40 + k // cols * 35
        text += f'[[place]]\npart = "{SOCKET}"\nx = {x}\ny = {y}\n'
    path = directory / f"grid{n}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_switch_changes_time_not_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plate with 150 openings (and the assembly of its 150 sockets), written with
    SplitCommonVertex off (geom's way) and on (OpenCascade's default): the same bytes."""
    from geom.panel.job import write_panel_steps
    from geom.panel.model import load_panel

    panel = load_panel(_grid_panel(tmp_path, 150))
    for name in ("fast", "slow"):
        (tmp_path / name).mkdir()
    real = speed.skip_split_common_vertex
    switched: list[bool] = []

    def spy(writer: Any) -> bool:
        switched.append(real(writer))
        return switched[-1]

    monkeypatch.setattr(speed, "skip_split_common_vertex", spy)
    fast = write_panel_steps(panel, tmp_path / "fast")
    assert switched == [True, True]  # plate and assembly: both writers took the switch
    monkeypatch.setattr(speed, "skip_split_common_vertex", lambda writer: False)
    slow = write_panel_steps(panel, tmp_path / "slow")
    for a, b in zip(fast, slow, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_probe_fails_closed_on_a_wrong_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were pybind11's layout other than assumed, the writer's address would be wrong:
    the probe refuses it and nothing is written through it."""
    from OCP.STEPControl import STEPControl_Writer
    from OCP.XSControl import XSControl_WorkSession

    from geom.cad.step import own_controller

    session = XSControl_WorkSession()
    writer = STEPControl_Writer(session, True)
    own_controller(session)
    assert speed.shape_process_flags(writer) is not None
    real = speed._address
    shifted = {id(writer)}

    def wrong(obj: Any) -> int:
        return real(obj) + 8 if id(obj) in shifted else real(obj)

    monkeypatch.setattr(speed, "_address", wrong)
    assert speed.shape_process_flags(writer) is None
    assert speed.skip_split_common_vertex(writer) is False
    monkeypatch.undo()
    assert speed.shape_process_flags(writer) in ((0, False), (speed.DEFAULT_FLAGS, True))
    assert speed.skip_split_common_vertex(object()) is False  # not a writer


USER = """
import json, sys, time
from pathlib import Path

import cadquery as cq
from OCP.STEPControl import STEPControl_StepModelType, STEPControl_Writer

from geom.cad.speed import shape_process_flags

out, panel_file, with_geom = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "geom"
plate = cq.Workplane("XY").rect(300, 150).rarray(12, 12, 20, 10).rect(8, 6)
shape = plate.extrude(2).val()  # a plate with 200 openings


def plain(name):
    writer = STEPControl_Writer()
    start = time.process_time()
    writer.Transfer(shape.wrapped, STEPControl_StepModelType.STEPControl_AsIs)
    writer.Write(str(out / name))
    return time.process_time() - start, shape_process_flags(writer)


cq.Assembly(cq.Workplane("XY").box(1, 2, 3), name="box").export(str(out / "setup.step"))
plain("first.step")
shape.exportStep(str(out / "first-cq.step"))
if with_geom:
    from geom.panel.model import load_panel
    from geom.panel.job import write_panel_steps

    write_panel_steps(load_panel(panel_file), out)
seconds, flags = plain("user.step")
shape.exportStep(str(out / "user-cq.step"))
print(json.dumps({"seconds": seconds, "flags": flags}))
"""

_STAMP = re.compile(rb"(FILE_NAME\('[^']*',)'[^']*'")


def _normalised(path: Path) -> bytes:
    """The file with the FILE_NAME time stamp blanked (OpenCascade writes the clock)."""
    data = path.read_bytes()
    assert len(_STAMP.findall(data)) == 1
    return _STAMP.sub(rb"\1''", data)


def _user_session(out: Path, with_geom: bool) -> dict[str, Any]:
    out.mkdir()
    path = os.pathsep.join([str(ROOT), *sys.path])
    argv = [str(out), str(EXAMPLE), "geom" if with_geom else "alone"]
    done = subprocess.run(
        [sys.executable, "-c", USER, *argv],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_user_export_is_the_same_after_a_geom_panel_write(tmp_path: Path) -> None:
    """A CadQuery user's session (an assembly export, then exports of a plate with 200
    openings through OCP's STEPControl_Writer and cadquery's exportStep), once alone and
    once with a geom panel write (plate and assembly STEP) before the last two exports:
    those give the same bytes (time stamp aside), are written with OpenCascade's default
    shape-process flags (SplitCommonVertex on: the same time class), and take about as
    long. (OpenCascade numbers the products a process's shared writer has written, so two
    exports in one process never match: the sessions are compared, not the exports.)"""
    alone = _user_session(tmp_path / "alone", with_geom=False)
    with_geom = _user_session(tmp_path / "geom", with_geom=True)
    assert (tmp_path / "geom" / "example-assembly.step").is_file()
    for name in ("user.step", "user-cq.step"):
        assert _normalised(tmp_path / "alone" / name) == _normalised(tmp_path / "geom" / name)
    assert alone["flags"] == with_geom["flags"] == [speed.DEFAULT_FLAGS, True]
    before, after = alone["seconds"], with_geom["seconds"]
    assert after < 3 * before + 1.0, (before, after)  # CPU seconds: loose on a busy machine
