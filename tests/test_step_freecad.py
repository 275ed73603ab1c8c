"""A second program reads our STEP: FreeCAD (Debian's build, its own OpenCascade) imports
each body file and finds valid solids of positive volume at the data sheet's envelope,
placed by the README's convention (front face Z = 0, cutout centred on X = Y = 0)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from measure import freecad, placed_envelope

from geom.cli import main
from geom.data.templates import load_catalog

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
    part = CATALOG.parts[part_id]
    assert main(["body", part_id, "-o", str(tmp_path)]) == 0
    step = tmp_path / f"{part.file_stem}-body.step"
    solids = freecad(SCRIPT, tmp_path, GEOM_STEP=str(step))
    owners = [part] if part.frame is None else [part.frame, part]
    assert len(solids) == len(owners)
    for owner in owners:
        expected = placed_envelope(part, owner)
        matches = [
            s
            for s in solids
            if all(abs(a - b) <= 0.01 for a, b in zip(s["box"], expected, strict=True))
        ]
        assert len(matches) == 1, (owner.id, expected, solids)
        assert matches[0]["valid"] and matches[0]["volume"] > 0
