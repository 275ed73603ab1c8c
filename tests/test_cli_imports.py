"""Commands that need no 3D (`list`, `check` without --3d, `cutout`) never import cadquery
or OCP; `geom body` (the 1.5 s budget) and `geom cut` load OCP only, never cadquery.
`import geom` and `import geom.cli` load none of ezdxf, OCP, PyMuPDF and cadquery. Each
case runs in a fresh interpreter and its sys.modules is inspected afterwards. The import
contracts of pyproject.toml (layers, which modules load which library, no cycles) hold."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
from geom.cli import main
code = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules if m.startswith(("cadquery", "OCP"))})
print("LOADED=" + ",".join(loaded))
"""


def _loaded(args: list[str], modules: tuple[str, ...] = ("cadquery", "OCP")) -> set[str]:
    """The top-level packages among `modules` that `geom ARGS` loaded, in a fresh
    interpreter."""
    probe = PROBE.replace('("cadquery", "OCP")', repr(modules))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True, check=False
    )
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("LOADED=")]
    assert line, done.stderr
    return set(filter(None, line[-1][len("LOADED=") :].split(",")))


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["check", "770-744"],
        ["check", "770-1242", "--json"],
        ["cutout", "770-744", "-o", "{tmp}"],
    ],
    ids=["list", "check", "check-json", "cutout"],
)
def test_no_cad_kernel_without_3d(args: list[str], tmp_path: Path) -> None:
    assert _loaded([a.replace("{tmp}", str(tmp_path)) for a in args]) == set()


def test_body_loads_ocp_but_not_cadquery(tmp_path: Path) -> None:
    assert _loaded(["body", "770-744", "-o", str(tmp_path)]) == {"OCP"}


def test_cut_loads_ocp_but_not_cadquery(tmp_path: Path) -> None:
    """`geom cut` selects, measures and cuts a face with OCP alone, CadQuery installed
    or not: a 60 x 40 x 20 mm box with 2 mm walls (OCP's primitives and STEP writer), a
    3 mm hole in its lid."""
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.gp import gp_Pnt
    from OCP.STEPControl import STEPControl_AsIs, STEPControl_Writer

    outer = BRepPrimAPI_MakeBox(gp_Pnt(0, 0, 0), 60, 40, 20).Shape()
    inner = BRepPrimAPI_MakeBox(gp_Pnt(2, 2, 2), 56, 36, 16).Shape()
    writer = STEPControl_Writer()
    writer.Transfer(BRepAlgoAPI_Cut(outer, inner).Shape(), STEPControl_AsIs)
    writer.Write(str(tmp_path / "box.step"))
    lid = tmp_path / "lid.toml"
    lid.write_text('[face]\nselect = ">Z"\n[[hole]]\nx = 30.0\ny = 20.0\ndiameter = 3.0\n')
    out = tmp_path / "out"
    assert _loaded(["cut", str(tmp_path / "box.step"), str(lid), "-o", str(out)]) == {"OCP"}
    assert (out / "lid-cut.step").is_file()


HEAVY = ("ezdxf", "OCP", "pymupdf", "cadquery")


def test_import_geom_loads_no_heavy_library() -> None:
    probe = (
        "import sys, geom, geom.cli\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_list_loads_no_heavy_library() -> None:
    assert _loaded_heavy(["list"]) == set()


def _loaded_heavy(args: list[str]) -> set[str]:
    return _loaded(args, HEAVY)


LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed (test extra)")
def test_import_contracts_hold() -> None:
    """`make lint` runs the same check; here it also guards a plain `pytest`."""
    assert LINT_IMPORTS is not None
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
