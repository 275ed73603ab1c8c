"""Two 770-744 sockets cut into an enclosure's lid in a CadQuery session, with the
plugin: `import geom.cq` adds `Workplane.panelCutout` and `panelBody`.

Run: python examples/enclosure_lid.py [OUT_DIR]  (writes lid.step there, prints volumes)
"""

from __future__ import annotations

import sys
from pathlib import Path

import cadquery as cq

import geom
import geom.cq  # adds panelCutout and panelBody to cq.Workplane

PART = geom.load_part("770-744/064-000")


def main(out: Path) -> None:
    box = cq.Workplane().box(160, 100, 50).edges("|Z or >Z").fillet(3).faces("<Z").shell(-2.0)
    lid = box.faces(">Z").workplane(centerOption="CenterOfBoundBox")
    cut = lid.pushPoints([(-30, 0), (30, 0)]).panelCutout(PART, shop_tolerance=0.02)
    before, after = box.val().Volume(), cut.val().Volume()
    fits = cut.geomFits
    print(f"walls: {[f.sheet.max for f in fits]} mm, fits ok: {all(f.ok for f in fits)}")
    print(f"volume {before:.3f} -> {after:.3f} mm3 (removed {before - after:.3f})")
    out.mkdir(parents=True, exist_ok=True)
    cut.val().exportStep(str(out / "lid.step"))
    print(f"wrote {out / 'lid.step'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("output/examples"))
