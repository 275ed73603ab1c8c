"""A second program reads our STEP: FreeCAD (Debian's build, its own OpenCascade) imports
every template's body file and finds valid solids of positive volume at the data sheet's
envelope, placed by the README's convention (front face Z = 0, cutout centred on
X = Y = 0). One FreeCAD run reads all the files (starting FreeCAD takes seconds)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from measure import freecad, placed_envelope

from geom.cli import main
from geom.data.templates import load_catalog

pytestmark = pytest.mark.freecad
CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)

SCRIPT = textwrap.dedent("""
    import json, os
    import Part
    found = {}
    for name in sorted(os.listdir(os.environ["GEOM_STEPS"])):
        shape = Part.read(os.path.join(os.environ["GEOM_STEPS"], name))
        found[name] = [{"valid": s.isValid(), "volume": s.Volume,
                        "box": [s.BoundBox.XMin, s.BoundBox.XMax, s.BoundBox.YMin,
                                s.BoundBox.YMax, s.BoundBox.ZMin, s.BoundBox.ZMax]}
                       for s in shape.Solids]
    print("GEOM_RESULT " + json.dumps(found))
""")


@pytest.fixture(scope="module")
def read_by_freecad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every template's body file as `geom body` writes it, read by one FreeCAD run:
    the solids FreeCAD finds, by file name."""
    out = tmp_path_factory.mktemp("bodies")
    for pid in PART_IDS:
        assert main(["body", pid, "-o", str(out)]) == 0
    result: dict[str, Any] = freecad(
        SCRIPT, tmp_path_factory.mktemp("freecad"), GEOM_STEPS=str(out)
    )
    return result


@pytest.mark.parametrize("part_id", PART_IDS)
def test_freecad_reads_the_body(part_id: str, read_by_freecad: dict[str, Any]) -> None:
    part = CATALOG.parts[part_id]
    solids = read_by_freecad[f"{part.file_stem}-body.step"]
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
