"""Bent panel speed: a folded part with 4 flanges and 200 cutouts against a flat panel of
200 cutouts, the whole `geom panel` job for each (read and check the file, the DXF, the
STEP of the plate or folded part, the assembly with every part's body), in one run.

The bent part: an 800 x 500 mm base of 1.5 mm sheet with four 60 mm flanges bent down
90 degrees (r = t), 169 sockets 770-744/064-000 on the base (13 x 13) and 31 on the
flanges. The flat panel: the same outline with 200 of them (10 x 20). Prints both times
and their ratio; both layouts hold (the files are written, not withheld).

Run: PYTHONPATH=. python benchmarks/bench_bends.py   (about a minute on 2 cores)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geom.panel.bent_job import run_bent  # noqa: E402
from geom.panel.job import run_panel  # noqa: E402
from geom.panel.model import load_panel  # noqa: E402

HEAD = """\
[panel]
width = 800.0
height = 500.0
sheet = 1.5
process = "laser"
shop_tolerance = 0.05
"""
PART = 'part = "770-744/064-000"\n'
FLAT = (
    HEAD
    + f"""
[[array]]
{PART}x = 100.0
y = 20.0
cols = 10
rows = 20
pitch_x = 60.0
pitch_y = 24.0
"""
)
BENT = (
    HEAD
    + "".join(
        f'\n[[flange]]\nedge = "{edge}"\nheight = 60.0\nangle = 90.0\ndirection = "down"\n'
        for edge in ("bottom", "right", "top", "left")
    )
    + f"""
[[array]]
{PART}x = 100.0
y = 100.0
cols = 13
rows = 13
pitch_x = 50.0
pitch_y = 25.0
"""
    + "".join(
        f"""
[[array]]
{PART}face = "{edge}"
x = {x0}
y = 35.0
cols = {cols}
pitch_x = {pitch}
rows = 1
rotation = {rotation}
"""
        for edge, x0, cols, pitch, rotation in (
            ("bottom", 80.0, 9, 80.0, 0),
            ("top", 80.0, 9, 80.0, 0),
            ("left", 100.0, 7, 50.0, 90),
            ("right", 100.0, 6, 50.0, 90),
        )
    )
)


def timed(name: str, text: str, tmp: Path) -> float:
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp / name
    out.mkdir()
    start = time.perf_counter()
    panel = load_panel(path)
    run = run_panel if panel.bends is None else run_bent
    files = run(panel, out)
    seconds = time.perf_counter() - start
    if files.violations:
        for v in files.violations[:5]:
            print(f"  {v.rule}: {v.message}")
        raise SystemExit(f"{name}: the layout should hold")
    assert len(panel.places) == 200 and files.assembly is not None
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-bends-") as tmp:
        flat = timed("flat", FLAT, Path(tmp))
        bent = timed("bent", BENT, Path(tmp))
    print(f"flat panel, 200 cutouts:             {flat:6.2f} s (DXF, plate STEP, assembly)")
    print(f"folded part, 4 flanges, 200 cutouts: {bent:6.2f} s (flat DXF, folded STEP, assembly)")
    print(f"ratio folded / flat: {bent / flat:.2f}")


if __name__ == "__main__":
    main()
