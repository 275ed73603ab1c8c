"""`geom cut` round trip: build an enclosure in CadQuery, write it to STEP, cut a layout
into its lid with the command line, read the cut enclosure back and compare volumes.

Run: python examples/cut_roundtrip.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cadquery as cq

from geom.cli import main as geom

LAYOUT = """\
[face]
select = ">Z"
shop_tolerance = 0.02

[[array]]
part = "770-744/064-000"
x = 50.0
y = 30.0
cols = 2
rows = 2
pitch_x = 60.0
pitch_y = 34.0
"""


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    box = cq.Workplane().box(160, 100, 50).edges("|Z or >Z").fillet(3).faces("<Z").shell(-2.0)
    box.val().Solids()[0].exportStep(str(out / "box.step"))
    (out / "lid.toml").write_text(LAYOUT, encoding="utf-8")
    status = geom(["cut", str(out / "box.step"), str(out / "lid.toml"), "-o", str(out)])
    report = json.loads((out / "lid-report.json").read_text(encoding="utf-8"))
    cut = cq.importers.importStep(str(out / "lid-cut.step")).val()
    print(f"geom cut exit {status}; solids {len(cut.Solids())}, valid {cut.isValid()}")
    print(
        f"volume {report['volume']['before']:.3f} -> {cut.Volume():.3f} mm3 "
        f"(report: {report['volume']['after']:.3f})"
    )
    return status


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("output/examples")))
