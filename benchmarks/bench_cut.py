"""`geom cut` speed: 50 openings in one boolean against the naive CadQuery loop, in one
run (CadQuery builds the box and runs the naive loops; geom's own calls take OCP shapes).

A 600 x 200 x 50 mm box, edges filleted 3 mm, shelled to a 2 mm wall with the bottom
open, gets 50 cutouts of the 770-744/064-000 (41.55 x 15.55 mm, corner R 0.5, a 10 x 5
grid) in its lid. Times, in one run: geom's way as `geom cut` cuts this lid
(`geom.cad.enclosure.cut_through`: one flat wall, so the lid and the wall's inner face
get the openings as wires and each opening's side faces come from one prism, no boolean;
it checks its own result: one valid solid, the volume less every opening's area times
the wall), geom's one boolean against all 50 tools (`geom.cad.enclosure.cut`, what it
does for any other wall), and the naive way (one `cut` per opening, 50 booleans:
`Shape.cut` in a loop, and `Workplane.cut` in a loop as a CadQuery script writes it).
Checks that all leave the same volume and prints the times and the ratios, with what
geom spends besides (the tools, one outline made once and moved; the check of the
boolean's result). Then times the whole plan of `geom cut` (read the STEP, find the
face, walls, fits, edge distances, webs, the cut, 50 body collisions).

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
    solid = box.val().Solids()[0]  # the naive ways: CadQuery's own calls on it
    shape = solid.wrapped  # geom's: OCP shapes
    frame = enclosure.find_face(shape, "bench", ">Z")
    points = [(X0 + c * PX, Y0 + r * PY) for r in range(ROWS) for c in range(COLS)]

    t0 = time.perf_counter()
    faces = enclosure.FaceBoxes.of(shape, frame)
    openings = [(rounded_rect(W, H, R), x, y) for x, y in points]
    through = enclosure.cut_through(shape, frame, openings, 2.0, faces)
    t_through = time.perf_counter() - t0
    assert through is not None

    t0 = time.perf_counter()
    made = enclosure.Tools(frame)
    tools = [made.at(rounded_rect(W, H, R), 3.0, x, y) for x, y in points]
    cq_tools = [cq.Shape.cast(t) for t in tools]
    t_tools = time.perf_counter() - t0

    t0 = time.perf_counter()
    one = enclosure.cut(shape, tools)
    t_one = time.perf_counter() - t0

    t0 = time.perf_counter()
    ok = enclosure.valid_solid(one) and enclosure.volume(one) < enclosure.volume(shape)
    t_check = time.perf_counter() - t0
    assert ok

    t0 = time.perf_counter()
    naive = solid
    for t in cq_tools:
        naive = naive.cut(t)
    t_naive = time.perf_counter() - t0

    t0 = time.perf_counter()
    script = cq.Workplane().add(solid)
    for t in cq_tools:
        script = script.cut(t)
    t_script = time.perf_counter() - t0

    left = enclosure.volume(one)
    for other in (naive.wrapped, script.val().wrapped, through):
        assert enclosure.valid_solid(other)
        assert abs(left - enclosure.volume(other)) < 1e-3, (left, enclosure.volume(other))
    print(f"{len(tools)} openings, removed {enclosure.volume(shape) - left:.3f} mm3 every way")
    print(f"  naive, Shape.cut each:      {t_naive:8.3f} s")
    print(f"  naive, Workplane.cut each:  {t_script:8.3f} s")
    print(f"  geom, flat wall (checked):  {t_through:8.3f} s   ratio {t_naive / t_through:6.2f} x")
    print(f"  geom, one boolean:          {t_one:8.3f} s   ratio {t_naive / t_one:6.2f} x")
    whole = t_tools + t_one + t_check
    extra = f"+ tools {t_tools:.3f} s + check {t_check:.3f} s"
    print(f"    {extra} = {whole:.3f} s   ratio {t_naive / whole:6.2f} x")

    with tempfile.TemporaryDirectory() as tmp:
        step = Path(tmp) / "box.step"
        solid.exportStep(str(step))
        lid = Path(tmp) / "lid.toml"
        lid.write_text(LAYOUT, encoding="utf-8")
        t0 = time.perf_counter()
        plan = plan_cut(step, load_cut_layout(lid))
        t_plan = time.perf_counter() - t0
    assert not plan.violations, plan.violations
    print(
        f"  geom cut's whole plan:      {t_plan:8.3f} s ({plan.method}; checks, 50 body collisions)"
    )


if __name__ == "__main__":
    main()
