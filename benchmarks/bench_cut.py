"""`geom cut` speed: 50 openings in one boolean against the naive CadQuery loop, in one
run.

A 600 x 200 x 50 mm box, edges filleted 3 mm, shelled to a 2 mm wall with the bottom
open, gets 50 cutouts of the 770-744/064-000 (41.55 x 15.55 mm, corner R 0.5, a 10 x 5
grid) in its lid. Times, with the same 50 tools: geom's way (`geom.cad.enclosure.cut`:
one boolean against a compound of the tools, as `geom cut` and `Workplane.panelCutout`
cut) and the naive way (one `cut` per opening, 50 booleans). Checks that both leave the
same volume, prints both times and the ratio; then times the whole plan of `geom cut`
(read the STEP, find the face, walls, fits, edge distances, webs, 50 body collision
booleans, the cut) for scale.

Run: PYTHONPATH=. python benchmarks/bench_cut.py   (about half a minute on 2 cores)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cadquery as cq  # noqa: E402

from geom.cad import enclosure  # noqa: E402
from geom.model.contour import rounded_rect  # noqa: E402
from geom.panel.cut_job import plan_cut  # noqa: E402
from geom.panel.cut_layout import load_cut_layout  # noqa: E402

W, H, R = 41.55, 15.55, 0.5
COLS, ROWS, X0, Y0, PX, PY = 10, 5, 50.0, 40.0, 55.0, 28.0
LAYOUT = f"""\
[face]
select = ">Z"
shop_tolerance = 0.02
[[array]]
part = "770-744/064-000"
x = {X0}
y = {Y0}
cols = {COLS}
rows = {ROWS}
pitch_x = {PX}
pitch_y = {PY}
"""


def main() -> None:
    box = cq.Workplane().box(600, 200, 50).edges("|Z or >Z").fillet(3).faces("<Z").shell(-2.0)
    solid = box.val().Solids()[0]
    frame = enclosure.find_face(solid, "bench", ">Z")
    points = [(X0 + c * PX, Y0 + r * PY) for r in range(ROWS) for c in range(COLS)]
    tools = [enclosure.tool(frame, rounded_rect(W, H, R, x, y), 3.0) for x, y in points]

    t0 = time.perf_counter()
    one = enclosure.cut(solid, tools)
    t_one = time.perf_counter() - t0

    t0 = time.perf_counter()
    naive = solid
    for t in tools:
        naive = naive.cut(t)
    t_naive = time.perf_counter() - t0

    assert enclosure.valid_solid(one) and enclosure.valid_solid(naive)
    assert abs(one.Volume() - naive.Volume()) < 1e-3, (one.Volume(), naive.Volume())
    print(f"{len(tools)} openings, removed {solid.Volume() - one.Volume():.3f} mm3 both ways")
    print(f"  geom, one boolean:        {t_one:8.3f} s")
    print(f"  naive, one cut each:      {t_naive:8.3f} s")
    print(f"  ratio naive / geom:       {t_naive / t_one:8.2f} x")

    with tempfile.TemporaryDirectory() as tmp:
        step = Path(tmp) / "box.step"
        solid.exportStep(str(step))
        lid = Path(tmp) / "lid.toml"
        lid.write_text(LAYOUT, encoding="utf-8")
        t0 = time.perf_counter()
        plan = plan_cut(step, load_cut_layout(lid))
        t_plan = time.perf_counter() - t0
    assert not plan.violations, plan.violations
    print(f"  geom cut's whole plan:    {t_plan:8.3f} s (checks, 50 body collisions, the cut)")


if __name__ == "__main__":
    main()
