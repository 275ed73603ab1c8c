"""geom.cad.step.write_step: the STEP it writes re-reads (cadquery's importer, an
independent reader) with the products' names, sRGB colours, instances and placements, in
millimetres, AP214; and the bytes do not depend on the process, the clock or the order in
which OpenCascade happens to visit coloured shapes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geom.cad.step import FIXED_TIME_STAMP, Component, ascii_name, time_stamp, write_step
from geom.errors import InputError

SCRIPT = """
import sys
from pathlib import Path
from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
from geom.cad.step import Component, Placement, write_step

def parts():
    a = BRepPrimAPI_MakeBox(10, 20, 30).Shape()
    b = BRepPrimAPI_MakeBox(5, 5, 5).Shape()
    c = BRepPrimAPI_MakeBox(3, 5, 5).Shape()
    return [
        Component("A 1/x", a, (0.5, 0.6, 0.7), (Placement(0, 0), Placement(20, 0, 0, 90))),
        Component("B", b, (0.5, 0.6, 0.7)),
        Component("C", c, (0.2, 0.3, 0.4), (Placement(0, 0, -3),)),
    ]

for name in sys.argv[1:]:
    write_step(Path(name), "assembly 1", parts())
"""


def _run(tmp_path: Path, names: list[str], env: dict[str, str]) -> None:
    path = os.pathsep.join([str(Path(__file__).resolve().parents[1]), *sys.path])
    subprocess.run(
        [sys.executable, "-c", SCRIPT, *[str(tmp_path / n) for n in names]],
        check=True,
        env={**env, "PYTHONPATH": path},
        capture_output=True,
    )


def test_same_bytes_across_processes_and_within_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    _run(tmp_path, ["a.step", "b.step"], env)
    time.sleep(1.0)
    _run(tmp_path, ["c.step"], {**env, "PYTHONHASHSEED": "123"})
    a, b, c = ((tmp_path / n).read_bytes() for n in ("a.step", "b.step", "c.step"))
    assert a == b == c
    assert f"'{FIXED_TIME_STAMP}'".encode() in a
    assert b"AUTOMOTIVE_DESIGN" in a  # AP214
    assert b"SI_UNIT(.MILLI.,.METRE.)" in a
    assert a.count(b"NEXT_ASSEMBLY_USAGE_OCCURRENCE('") == 4
    for i in (1, 2, 3, 4):
        assert f"NEXT_ASSEMBLY_USAGE_OCCURRENCE('{i}'".encode() in a


def test_source_date_epoch_sets_the_time_stamp(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    _run(tmp_path, ["e.step"], env)
    assert b"'2023-11-14T22:13:20'" in (tmp_path / "e.step").read_bytes()
    assert time_stamp({"SOURCE_DATE_EPOCH": "0"}) == "1970-01-01T00:00:00"
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        time_stamp({"SOURCE_DATE_EPOCH": "yesterday"})


def test_reread_names_colours_instances(tmp_path: Path) -> None:
    import cadquery as cq

    _run(tmp_path, ["a.step"], dict(os.environ))
    assy = cq.Assembly.importStep(str(tmp_path / "a.step"))
    assert assy.name == "assembly 1"
    got = {c.name: c for c in assy.children}
    assert set(got) == {"A 1/x #1", "A 1/x #2", "B", "C"}
    expected = {"A 1/x #1": (0.5, 0.6, 0.7), "B": (0.5, 0.6, 0.7), "C": (0.2, 0.3, 0.4)}
    for name, rgb in expected.items():
        assert got[name].color is not None
        assert got[name].color.toTuple()[:3] == pytest.approx(rgb, abs=1e-6)
    volumes = {"A 1/x #1": 6000.0, "A 1/x #2": 6000.0, "B": 125.0, "C": 75.0}
    for name, volume in volumes.items():
        solid = got[name].obj
        assert solid.isValid()
        assert solid.Volume() == pytest.approx(volume, rel=1e-9)
    # The second instance of A: turned 90 degrees about Z, moved 20 mm along X.
    box = got["A 1/x #2"].obj.moved(got["A 1/x #2"].loc).BoundingBox()
    assert (box.xmin, box.xmax, box.ymin, box.ymax) == pytest.approx((0, 20, 0, 10), abs=1e-6)
    box = got["C"].obj.moved(got["C"].loc).BoundingBox()
    assert (box.zmin, box.zmax) == pytest.approx((-3, 2), abs=1e-6)


def test_rejects_bad_components(tmp_path: Path) -> None:
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox

    box = BRepPrimAPI_MakeBox(1, 1, 1).Shape()
    with pytest.raises(InputError, match="colour"):
        write_step(tmp_path / "x.step", "p", [Component("a", box, (1.2, 0, 0))])
    with pytest.raises(InputError, match="repeated"):
        twice = [Component("a", box, (1, 0, 0)), Component("a", box, (0, 0, 0))]
        write_step(tmp_path / "x.step", "p", twice)
    with pytest.raises(InputError, match="components"):
        write_step(tmp_path / "x.step", "p", [])
    assert not (tmp_path / "x.step").exists()


def test_names_with_quotes_and_non_ascii_read_back(tmp_path: Path) -> None:
    import cadquery as cq
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox

    assert ascii_name("4 mm\u00b2, gr\u00fcn \u2014 x") == "4 mm2, grun ? x"
    box = BRepPrimAPI_MakeBox(1, 1, 1).Shape()
    path = tmp_path / "n.step"
    write_step(path, "Sockel 4 mm\u00b2 gr\u00fcn", [Component("it's; a \u00e4", box, (1, 0, 0))])
    assy = cq.Assembly.importStep(str(path))
    assert assy.name == "Sockel 4 mm2 grun"
    assert [c.name for c in assy.children] == ["it's; a a"]
