"""`geom cut` round trip: build an enclosure in CadQuery, write it to STEP, cut a layout
into its lid with the command line, read the cut enclosure back and compare volumes;
once with a part the walls fit, once with one they do not.

The enclosure: a 160 x 100 x 50 mm box with every edge filleted 3 mm, hollowed to a
uniform wall (the box less its inward offset: a box `wall` mm smaller on every side with
its edges filleted 3 - wall mm). CadQuery's `shell` cannot make it: with the bottom
edges filleted too, a 3 mm fillet shelled to 2.5 mm gives an invalid solid, and a
fillet no larger than the wall leaves the box unshelled.

Run: python examples/cut_roundtrip.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cadquery as cq

from geom.cli import main as geom

SIZE = (160.0, 100.0, 50.0)
FILLET = 3.0
PASSING = ("gland-M12", 2.5)
"""The part the walls fit, and the wall (mm): the M12 cable gland's locknut holds walls
of 0.5 .. 5.0 mm (assumed), so it goes through the same 2.5 mm walls."""
FAILING = ("770-744/064-000", 2.5)
"""The part and the 2.5 mm wall it cannot grip: geom cut exits 1 naming both."""

LAYOUT = """\
[face]
select = ">Z"
shop_tolerance = 0.02

[[array]]
part = "{part}"
x = 50.0
y = 30.0
cols = 2
rows = 2
pitch_x = 60.0
pitch_y = 34.0
"""


def enclosure(wall: float) -> cq.Solid:
    """The closed box of the module's docstring, walls `wall` mm (< FILLET)."""
    a, b, c = SIZE
    outer = cq.Workplane().box(a, b, c).edges().fillet(FILLET)
    inner = cq.Workplane().box(a - 2 * wall, b - 2 * wall, c - 2 * wall)
    hollow = outer.cut(inner.edges().fillet(FILLET - wall)).val().Solids()
    assert len(hollow) == 1 and hollow[0].isValid()
    return hollow[0]


def round_trip(out: Path, part: str, wall: float) -> int:
    out.mkdir(parents=True, exist_ok=True)
    enclosure(wall).exportStep(str(out / "box.step"))
    (out / "lid.toml").write_text(LAYOUT.format(part=part), encoding="utf-8")
    print(f"{part} on {wall} mm walls:")
    status = geom(["cut", str(out / "box.step"), str(out / "lid.toml"), "-o", str(out)])
    report = json.loads((out / "lid-report.json").read_text(encoding="utf-8"))
    print(f"geom cut exit {status}")
    if status == 0:
        cut = cq.importers.importStep(str(out / "lid-cut.step")).val()
        print(f"solids {len(cut.Solids())}, valid {cut.isValid()}")
        print(
            f"volume {report['volume']['before']:.3f} -> {cut.Volume():.3f} mm3 "
            f"(report: {report['volume']['after']:.3f})"
        )
    return status


def main(out: Path) -> int:
    passed = round_trip(out / "pass", *PASSING)
    failed = round_trip(out / "fail", *FAILING)
    return 0 if (passed, failed) == (0, 1) else 1


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("output/examples")))
