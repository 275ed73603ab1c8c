"""CadQuery is the optional `cadquery` extra: the README's plain install has no CadQuery.

The import graph (grimp, import-linter's reader: every import statement, function-level
ones too) shows the only module of geom that imports cadquery is the plugin `geom.cq`,
so no command's path reaches cadquery. Then, in a fresh interpreter where `import
cadquery` fails as on a plain install: `list`, `check`, `cutout`, `body`, `panel` (flat
and bent), `build` and `cut` (a hollow box made and written with OCP alone, a hole in
its lid) run and exit 0, `cut` writing its four files; `import geom.cq` raises an
ImportError naming the extra."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
OPTIONAL = {"geom.cq"}
"""The modules that import cadquery, each guarded: a missing cadquery names the extra."""

PROBE = textwrap.dedent("""
    import contextlib, io, json, sys
    sys.modules["cadquery"] = None  # `import cadquery` fails as on a plain install
    from geom.cli import main
    codes = []
    for args in json.loads(sys.argv[1]):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            codes.append([main(args), err.getvalue()])
    try:
        import geom.cq
        plugin = "imported"
    except ImportError as exc:
        plugin = type(exc).__name__ + ": " + str(exc)
    print("RESULT " + json.dumps({"codes": codes, "plugin": plugin}))
""")

BENT = textwrap.dedent("""
    [panel]
    width = 120.0
    height = 80.0
    sheet = 1.5
    process = "laser"

    [[flange]]
    edge = "bottom"
    height = 20.0
    angle = 90.0
    direction = "down"

    [[hole]]
    x = 60.0
    y = 40.0
    diameter = 5.0
""")


def test_only_the_optional_modules_import_cadquery() -> None:
    graph = grimp.build_graph("geom", include_external_packages=True)
    assert graph.find_modules_that_directly_import("cadquery") == OPTIONAL


def _hollow_box(path: Path) -> None:
    """A 160 x 100 x 50 mm box less a 156 x 96 x 46 mm one (2 mm walls), centred on the
    origin, as a STEP file: OCP's own primitives and writer."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.gp import gp_Pnt

    from geom.cad.step import Component, write_step

    outer = BRepPrimAPI_MakeBox(gp_Pnt(-80, -50, -25), gp_Pnt(80, 50, 25)).Shape()
    inner = BRepPrimAPI_MakeBox(gp_Pnt(-78, -48, -23), gp_Pnt(78, 48, 23)).Shape()
    write_step(path, "box", [Component("box", BRepAlgoAPI_Cut(outer, inner).Shape(), (1, 1, 1))])


def test_every_command_runs_without_cadquery(tmp_path: Path) -> None:
    _hollow_box(tmp_path / "box.step")
    bent = tmp_path / "bent.toml"
    bent.write_text(BENT, encoding="utf-8")
    lid = tmp_path / "lid.toml"
    lid.write_text('[face]\nselect = ">Z"\n[[hole]]\nx = 5.0\ny = 5.0\ndiameter = 3.0\n')
    out = tmp_path / "out"
    runs = [
        ["list"],
        ["check", "770-744", "--coating", "0.08"],
        ["cutout", "770-1242", "-o", str(out / "cutout")],
        ["body", "770-744", "-o", str(out / "body")],
        ["panel", str(ROOT / "templates" / "panels" / "example.toml"), "-o", str(out / "p")],
        ["panel", str(bent), "-o", str(out / "bent")],
        ["build", "-o", str(out / "build")],
        ["cut", str(tmp_path / "box.step"), str(lid), "-o", str(out / "cut")],
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(runs)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    found = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert found, done.stderr
    result = json.loads(found[-1].removeprefix("RESULT "))
    for args, (code, err) in zip(runs, result["codes"], strict=True):
        assert code == 0, (args, err)
        assert "Traceback" not in err
    cut = sorted(p.name for p in (out / "cut").iterdir())
    assert cut == [
        "lid-assembly.step",
        "lid-cut.step",
        "lid-face.dxf",
        "lid-report.json",
        "lid-tayda.txt",
        "lid-template.pdf",
    ]
    report = json.loads((out / "cut" / "lid-report.json").read_text(encoding="utf-8"))
    assert report["ok"] and report["openings"][0]["wall"] == {"min": 2.0, "max": 2.0}
    removed = report["volume"]["before"] - report["volume"]["after"]
    assert removed == pytest.approx(math.pi * 1.5**2 * 2.0, rel=1e-9)  # the 3 mm hole, 2 mm wall
    assert result["plugin"] == (
        "MissingExtra: geom.cq (the CadQuery plugin) needs CadQuery, which is not "
        "installed; allowed pip install 'geom-panel[cadquery]'"
    )
