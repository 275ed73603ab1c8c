"""CadQuery is the optional `cadquery` extra: the README's plain install has no CadQuery.

The import graph (grimp, import-linter's reader: every import statement, function-level
ones too) shows the only modules of geom that import cadquery are `geom.cad.enclosure`
(`geom cut`) and the plugin `geom.cq`, so every other command's path reaches no
cadquery. Then, in a fresh interpreter where `import cadquery` fails as on a plain
install: `list`, `check`, `cutout`, `body`, `panel` (flat and bent) and `build` run and
exit 0; `geom cut` stops with one line naming the extra (exit 2, nothing written);
`import geom.cq` raises an ImportError naming the extra."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
OPTIONAL = {"geom.cad.enclosure", "geom.cq"}
"""The modules that import cadquery, each guarded: a missing cadquery names the extra."""
LINE = (
    "geom: geom cut needs CadQuery, which is not installed; allowed pip install "
    "'geom-panel[cadquery]'"
)

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


def test_every_command_but_cut_runs_without_cadquery(tmp_path: Path) -> None:
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
    *others, (cut_code, cut_err) = result["codes"]
    for args, (code, err) in zip(runs, others, strict=False):
        assert code == 0, (args, err)
        assert "Traceback" not in err
    assert (cut_code, cut_err.splitlines()) == (2, [LINE])
    assert not (out / "cut").exists()
    assert result["plugin"] == (
        "MissingExtra: geom.cq (the CadQuery plugin) needs CadQuery, which is not "
        "installed; allowed pip install 'geom-panel[cadquery]'"
    )
