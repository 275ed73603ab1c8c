"""The public API as a user meets it: the scripts of docs/api.md run as written, in a
fresh interpreter, from a folder of their own, and what they wrote is measured (the DXF's
cut, the STEP body's wings, the panel's loops) against figures worked out here from the
data sheet's band and the template. `import geom` is light: it loads no ezdxf, OCP or
PyMuPDF, and takes well under a second."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from measure import cut_loops

import geom

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"
SCRIPTS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A user's folder with the example panel file where the first script expects it."""
    (tmp_path / "templates" / "panels").mkdir(parents=True)
    shutil.copy(EXAMPLE, tmp_path / "templates" / "panels" / EXAMPLE.name)
    return tmp_path


def test_the_docs_hold_seven_scripts() -> None:
    assert len(SCRIPTS) == 7


def test_first_script_writes_what_it_says(folder: Path) -> None:
    """770-744: C = 41.5 x 15.5 +0.1/0; a mid cut with 0.08 mm per face is drawn at
    C + 0.1/2 + 2 x 0.08 = 41.71 x 15.71 mm. The wings sit for 1.5 + 2 x 0.08 = 1.66 mm."""
    done = _run(SCRIPTS[0], folder)
    assert done.returncode == 0, done.stderr
    out = folder / "out"
    (loop,) = cut_loops(out / "770-744_064-000-cutout.dxf")
    assert loop.width == pytest.approx(41.5 + 0.05 + 0.16, abs=1e-9)
    assert loop.height == pytest.approx(15.5 + 0.05 + 0.16, abs=1e-9)
    assert all(r == pytest.approx(0.5) for r in loop.radii) and len(loop.radii) == 4
    assert "finished plate 1.66 mm" in done.stdout

    cq = pytest.importorskip("cadquery")
    body = cq.importers.importStep(str(out / "770-744_064-000-body.step")).val()
    beyond = body.intersect(cq.Solid.makeBox(50, 50, 50, cq.Vector(41.5 / 2 + 1e-3, -25, -50)))
    assert beyond.BoundingBox().zmax == pytest.approx(-1.66, abs=1e-6)

    panel = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    cutouts = len(panel.get("place", [])) + sum(a["cols"] * a["rows"] for a in panel["array"])
    loops = cut_loops(out / "example-panel.dxf")
    assert len(loops) == 1 + cutouts + len(panel["hole"]) + len(panel["slot"])
    for name in ("example-panel.step", "example-assembly.step", "example-bom.csv"):
        assert (out / name).stat().st_size > 0


def test_coating_script_finds_the_ways_out_and_the_sheets(folder: Path) -> None:
    done = _run(SCRIPTS[1], folder)
    assert done.returncode == 0, done.stderr
    changes = re.findall(r"^(\{.*?\}) ", done.stdout, re.M)
    # 0.06 + (T/2 - 1 um) = 0.109 mm: the widest band that leaves a 1 um shop
    assert changes == ["{'coating': [0.06, 0.109]}", "{'masked': True}"]
    assert "sheets 0.34 .. 1.84 mm grip" in done.stdout


def test_cadquery_script_removes_the_cuts_area_times_the_sheet(folder: Path) -> None:
    pytest.importorskip("cadquery")
    done = _run(SCRIPTS[2], folder)
    assert done.returncode == 0, done.stderr
    removed = float(done.stdout.split()[0])
    w, h, r = 41.71, 15.71, 0.5  # the cut as drawn (see above)
    assert removed == pytest.approx((w * h - (4 - 3.141592653589793) * r * r) * 1.5, rel=1e-9)


def test_inline_script_runs(folder: Path) -> None:
    done = _run(SCRIPTS[3], folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["True", repr(41.5 + 0.05)]


def test_plugin_script_cuts_a_measured_wall_and_refuses_a_thick_one(folder: Path) -> None:
    """A 1.5 mm wall, 0.08 mm per face: the mid cut C + T/2 + 2c = 41.71 x 15.71 mm at both
    points; a 3 mm wall is outside the 0.5 .. 2 mm grip range."""
    pytest.importorskip("cadquery")
    done = _run(SCRIPTS[4], folder)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["wall 1.500 mm, cut 41.710 x 15.710 mm"] * 2
    assert "wall 3.000 mm (measured)" in lines[2] and "grip range 0.500 .. 2.000 mm" in lines[2]


def test_sketch_and_layout_script_cuts_both_ways(folder: Path) -> None:
    """Two 770-744 cuts, mid: 41.55 x 15.55 mm with 0.5 mm corners, through 2 mm, as a
    sketch; the layout file's two places pass every rule."""
    pytest.importorskip("cadquery")
    done = _run(SCRIPTS[5], folder)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    area = 41.55 * 15.55 - (4 - math.pi) * 0.5**2
    assert float(lines[0].split()[0]) == pytest.approx(2 * area * 2.0, abs=1e-3)
    assert lines[1].startswith("True ['enclosure cut', 'place[0] 770-744/064-000")
    assert (folder / "lid-assembly.step").is_file()


def test_box_script_cuts_the_box_geom_builds(folder: Path) -> None:
    """A 12.2 mm hole in face A and a 9.7 mm hole in face B of a 1590BB, whose wall is
    2.26 mm (templates/boxes/hammond-1590.toml): the holes' areas times the wall."""
    pytest.importorskip("cadquery")
    done = _run(SCRIPTS[6], folder)
    assert done.returncode == 0, done.stderr
    removed = float(done.stdout.split()[0])
    assert removed == pytest.approx((12.2**2 + 9.7**2) * math.pi / 4 * 2.26, abs=1e-3)


def test_every_public_name_exists_and_errors_are_geom_errors(tmp_path: Path) -> None:
    assert all(hasattr(geom, name) for name in geom.__all__)
    part = geom.load_part("770-744")
    for bad in ({"sheet": -1.0}, {"coating": (0.1, 0.05)}, {"shop_tolerance": 0.0}):
        with pytest.raises(geom.InputError, match="geom API"):
            geom.check_fit(part, **bad)  # type: ignore[arg-type]
    with pytest.raises(geom.InputError, match="not a known part"):
        geom.load_part("770-999")
    with pytest.raises(geom.InputError, match="r2000 or r12"):
        geom.write_cutout_dxf(geom.check_fit(part), tmp_path, version="r14")
    assert not any(tmp_path.iterdir())


def test_import_geom_is_light_and_fast() -> None:
    probe = (
        "import sys, time\n"
        "start = time.process_time()\n"
        "import geom\n"
        "took = time.process_time() - start\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'ezdxf', 'OCP', 'pymupdf', 'cadquery'}\n"
        "print(sorted(heavy), took)\n"
    )
    done = _run(probe, ROOT)
    heavy, took = done.stdout.rsplit(" ", 1)
    assert heavy == "[]", done.stderr
    print(f"import geom: {float(took) * 1000:.0f} ms of CPU")
    # CPU time, not wall time: the figure must not depend on what else the machine runs.
    assert float(took) < 1.0  # measured about 0.1 s; a heavy library alone takes seconds
