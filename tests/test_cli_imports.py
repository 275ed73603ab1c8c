"""Commands that need no 3D (`list`, `check` without --3d, `cutout`) never import cadquery
or OCP; `geom body` loads OCP only, never cadquery (the 1.5 s budget). `import geom` and
`import geom.cli` load none of ezdxf, OCP, PyMuPDF and cadquery. Each case runs in a fresh
interpreter and its sys.modules is inspected afterwards. The import contracts of
pyproject.toml (layers, which modules load which library, no cycles) hold."""

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
