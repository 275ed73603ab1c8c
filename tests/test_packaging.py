"""The built wheel carries the templates: installed elsewhere and run from outside the
checkout, `geom list` still finds every part."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from geom.data.templates import load_catalog

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_templates_and_lists_them_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("geom_panel-*.whl")  # distribution geom-panel, package geom
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(n for n in names if n.startswith("geom/templates/"))
    expected = sorted(f"geom/templates/{p.name}" for p in (ROOT / "templates").glob("*.toml"))
    assert set(expected) <= set(shipped)
    # `geom serve`'s page works offline: its assets ship in the package.
    page = {f"geom/serve/assets/{n}" for n in ("index.html", "app.js", "app.css")}
    assert page <= set(names)

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "GEOM_TEMPLATES"}
    env["PYTHONPATH"] = str(site)  # ahead of the editable install of the checkout
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import geom, geom.data.templates as t; print(geom.__file__); "
            "print(t.template_dirs()[-1])"
            "; from geom.cli import main; raise SystemExit(main(['list']))",
        ],
        cwd=run_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, template_dir, *listing = proc.stdout.splitlines()
    assert Path(module_file).is_relative_to(site)
    assert Path(template_dir) == site / "geom" / "templates"
    ids = sorted(line.split()[0] for line in listing)
    # Every id of the checkout's templates (a family file holds one per row).
    assert ids == sorted(load_catalog([ROOT / "templates"]).parts)
