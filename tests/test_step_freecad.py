"""A second program reads our STEP: FreeCAD (Debian's build, its own OpenCascade) imports
each body file and finds valid solids of positive volume at the data sheet's envelope,
placed by the README's convention (front face Z = 0, cutout centred on X = Y = 0)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from geom.cli import main
from geom.templates import load_catalog

CATALOG = load_catalog()

SCRIPT = textwrap.dedent("""
    import json, os
    import Part
    shape = Part.read(os.environ["GEOM_STEP"])
    solids = [{"valid": s.isValid(), "volume": s.Volume,
               "box": [s.BoundBox.XMin, s.BoundBox.XMax, s.BoundBox.YMin, s.BoundBox.YMax,
                       s.BoundBox.ZMin, s.BoundBox.ZMax]} for s in shape.Solids]
    print("GEOM_RESULT " + json.dumps(solids))
""")


@pytest.mark.parametrize("part_id", sorted(CATALOG.parts))
def test_freecad_reads_the_body(part_id: str, tmp_path: Path) -> None:
    freecad = shutil.which("freecadcmd")
    if freecad is None:
        pytest.skip(
            "FreeCAD (Debian freecad-python3) is not installed: "
            "scripts/install-test-tools.sh installs it when run as root"
        )
    part = CATALOG.parts[part_id]
    assert main(["body", part_id, "-o", str(tmp_path)]) == 0
    step = tmp_path / f"{part.file_stem}-body.step"
    script = tmp_path / "read_step.py"
    script.write_text(SCRIPT)
    proc = subprocess.run(
        [freecad, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GEOM_STEP": str(step), "HOME": str(tmp_path)},
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("GEOM_RESULT ")]
    assert lines, proc.stdout + proc.stderr
    solids = json.loads(lines[-1].removeprefix("GEOM_RESULT "))
    owners = [part] if part.frame is None else [part.frame, part]
    assert len(solids) == len(owners)
    flange = part.fit.flange_thickness
    for owner in owners:
        front = flange if owner is part.mount else flange + (owner.body.front if owner.body else 0)
        expected = [
            -owner.width / 2,
            owner.width / 2,
            -owner.height / 2,
            owner.height / 2,
            front - owner.depth,
            front,
        ]
        matches = [
            s
            for s in solids
            if all(abs(a - b) <= 0.01 for a, b in zip(s["box"], expected, strict=True))
        ]
        assert len(matches) == 1, (owner.id, expected, solids)
        assert matches[0]["valid"] and matches[0]["volume"] > 0
