"""DXF lint speed on a panel: 1000 rounded-rectangle cutouts (8 segments each, 4 of them
arcs), a hole beside each, 4 mounting holes and a rounded outline, written by
geom.dxf.writer.write_dxf into a temporary directory and read back.

Compares `geom.dxf.lint.lint` (grid of segment bounding boxes, numpy) with the naive way:
every pair of segments tested in pure Python for overlapping bounding boxes, then the same
exact tests. Both must find the same problems (none on this clean panel, one crossing
when a hole is moved onto a cutout). Target: lint well under 0.3 s.

Run: PYTHONPATH=. python benchmarks/bench_dxf_lint.py [CUTOUTS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import ezdxf
import numpy as np

from geom.dxf import lint as dxf_lint
from geom.dxf.layers import CUT_LAYER
from geom.dxf.lint.checks import check_geometry
from geom.dxf.lint.entities import Builder
from geom.dxf.lint.segments import Segs
from geom.dxf.writer import write_dxf
from geom.model.contour import Vertex, circle, rounded_rect

COLUMNS = 40
PITCH_X, PITCH_Y = 30.0, 22.0  # mm


def panel(cutouts: int, *, bad: bool = False) -> list[list[Vertex]]:
    """Outline (lower-left at 0, 0), cutouts 20 x 10 mm R 2 turned by 0/90/180/270
    degrees, a 3 mm hole beside each, 4 mounting holes. `bad` moves one hole onto a cutout."""
    rows = -(-cutouts // COLUMNS)
    width, height = COLUMNS * PITCH_X + 20, rows * PITCH_Y + 20
    contours = [rounded_rect(width, height, 5.0, width / 2, height / 2)]
    for k in range(cutouts):
        x = 10 + PITCH_X * (k % COLUMNS) + 12
        y = 10 + PITCH_Y * (k // COLUMNS) + 11
        rotation = 180 * (k % 2)  # 0 or 180: a turned cutout keeps its footprint
        contours.append(rounded_rect(20.0, 10.0, 2.0, x, y, rotation))
        hole_x = x + (9.5 if bad and k == cutouts // 2 else 13.0)  # 9.5: crosses x + 10
        contours.append(circle(3.0, hole_x, y))
    for hx, hy in ((5, 5), (width - 5, 5), (5, height - 5), (width - 5, height - 5)):
        contours.append(circle(4.0, hx, hy))
    return contours


def naive_pairs(s: Segs) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of segments, bounding boxes compared in pure Python."""
    tol = dxf_lint.TOL_MM
    boxes = list(
        zip(s.xmin.tolist(), s.ymin.tolist(), s.xmax.tolist(), s.ymax.tolist(), strict=True)
    )
    out_i, out_j = [], []
    for i, (ax0, ay0, ax1, ay1) in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            bx0, by0, bx1, by1 = boxes[j]
            if ax0 <= bx1 + tol and bx0 <= ax1 + tol and ay0 <= by1 + tol and by0 <= ay1 + tol:
                out_i.append(i)
                out_j.append(j)
    return np.asarray(out_i, dtype=np.int64), np.asarray(out_j, dtype=np.int64)


def naive_lint(doc: object) -> list[dxf_lint.Problem]:
    builder = Builder()
    for entity in doc.modelspace():  # type: ignore[attr-defined]
        if entity.dxf.layer.upper() == CUT_LAYER:
            builder.add(entity)
    return builder.problems + check_geometry(builder, naive_pairs)


def timed(fn, arg, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    cutouts = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        path = write_dxf(Path(tmp) / "panel.dxf", panel(cutouts))
        doc = ezdxf.readfile(path)
        size = path.stat().st_size
    entities = len(doc.modelspace().query('*[layer=="CUT"]'))
    fast, problems = timed(dxf_lint.lint, doc, 7)
    slow, naive = timed(naive_lint, doc, 1)
    print(f"panel: {cutouts} cutouts, {entities} contours on CUT, {size / 1e6:.2f} MB DXF")
    print(f"lint (grid + numpy), median of 7: {fast * 1000:8.1f} ms  problems {len(problems)}")
    print(f"naive all pairs, pure Python:     {slow * 1000:8.1f} ms  problems {len(naive)}")
    print(
        f"ratio naive / lint: {slow / fast:.0f}x   target lint < 300 ms: "
        f"{'met' if fast < 0.3 else 'MISSED'}"
    )
    assert [str(p) for p in problems] == [str(p) for p in naive]  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory() as tmp:
        path = write_dxf(Path(tmp) / "exploded.dxf", panel(cutouts), explode=True)
        exploded = ezdxf.readfile(path)
    loose, found = timed(dxf_lint.lint, exploded, 3)
    count = len(exploded.modelspace())
    print(
        f"same panel exploded ({count} LINE/ARC): lint {loose * 1000:.1f} ms, problems {len(found)}"
    )
    assert found == []

    bad = ezdxf.new("R2000")
    bad.layers.add("CUT")
    msp = bad.modelspace()
    for contour in panel(cutouts, bad=True):
        msp.add_lwpolyline(
            [(x, y, 0, 0, b) for x, y, b in contour],
            format="xyseb",
            close=True,
            dxfattribs={"layer": "CUT"},
        )
    found = dxf_lint.lint(bad)
    print(f"with one hole moved onto a cutout: {len(found)} problem: {found[0] if found else '-'}")
    assert [p.kind for p in found] == ["crossing"]
    assert [str(p) for p in found] == [str(p) for p in naive_lint(bad)]


if __name__ == "__main__":
    main()
