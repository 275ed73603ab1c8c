"""One opening, one size: the cut size every output states (the part's fit report, its
drawing's notes, the catalog index, the BOM of a panel holding it) is the size of the
contour its DXF draws, measured here from the DXF. For every library part (the shared
catalog's files) and the example panel. A printed figure equals the measured size rounded
to its printed decimals (1e-6 mm beyond that); the fit report's shape fields give the
extent by the shape's geometry, worked out here (a rounded trapezoid's width)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from conftest import TEMPLATE_IDS
from measure import Loop, cut_loops, loop_area

from geom.api import load_panel
from geom.panel.job import bom_csv

EPS = 1e-6
DRAWN = re.compile(r"Cut as drawn: (\d+\.\d+) x (\d+\.\d+) mm")
INDEX = re.compile(r"<th>cut as drawn</th><td>(\d+\.\d+) x (\d+\.\d+) mm")


def stem(part_id: str) -> str:
    return part_id.replace("/", "_")


def agrees(printed: str | float, measured: float) -> bool:
    """`printed` is `measured` rounded to the decimals it shows (a float: to 1e-6 mm)."""
    if isinstance(printed, float):
        return abs(printed - measured) <= EPS
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - measured) <= 0.5 * 10.0**-decimals + EPS


def the_cut(dxf: Path) -> Loop:
    """The cutout's loop: the largest on CUT (fixing holes are smaller)."""
    return max(cut_loops(dxf), key=loop_area)


def trapezoid_width(cut: dict[str, Any]) -> float:
    """The width of a trapezoid whose wide top corners are rounded by `corner_radius`:
    each top corner's arc reaches its centre's x + r; the centre lies on the corner's
    bisector, r / sin(half the corner angle) from the sharp corner (mm)."""
    a, r, hw = math.radians(cut["side_angle"]), cut["corner_radius"], cut["width"] / 2
    if r == 0:
        return cut["width"]
    u, v = (-1.0, 0.0), (-math.sin(a), -math.cos(a))  # along the top edge, down the side
    half = (math.pi / 2 - a) / 2
    bx, by = u[0] + v[0], u[1] + v[1]
    norm = math.hypot(bx, by)
    cx = hw + r / math.sin(half) * bx / norm
    return 2 * (cx + r)


def report_sizes(cut: dict[str, Any]) -> tuple[float, float]:
    """The cut's width and height stated by a fit report's `cutout_mm` (mm)."""
    shape = cut.get("shape", "rect")
    if shape in ("rect", "obround"):
        return cut["width"], cut["height"]
    if shape == "circle":
        return cut["diameter"], cut["diameter"]
    if shape == "circle-notch":
        return cut["diameter"], cut["notch_reach"]
    if shape == "trapezoid":
        return trapezoid_width(cut), cut["height"]
    raise AssertionError(f"no size rule for a {shape} cut: add one")


def drawing_sizes(path: Path) -> tuple[str, str]:
    doc = ezdxf.readfile(path)
    lines = [e.dxf.text for e in doc.modelspace().query("TEXT")]
    found = DRAWN.search(" ".join(lines))
    assert found, f"{path.name}: no 'Cut as drawn' size"
    return found.group(1), found.group(2)


def index_sizes(out: Path, part_id: str) -> tuple[str, str]:
    """The catalog index's "cut as drawn" of a part."""
    html = (out / "index.html").read_text(encoding="utf-8")
    found = INDEX.search(html.split(f'<div class="part" id="{part_id}">', 1)[1])
    assert found, f"index.html: no cut size for {part_id}"
    return found.group(1), found.group(2)


def bom_row(part_id: str, sheet: float, tmp_path: Path) -> dict[str, str]:
    """The BOM row of a panel holding the part once, on a sheet it grips."""
    path = tmp_path / "one.toml"
    path.write_text(
        f'[panel]\nwidth = 300.0\nheight = 300.0\nsheet = {sheet}\nprocess = "laser"\n\n'
        f'[[place]]\npart = "{part_id}"\nx = 150.0\ny = 150.0\n',
        encoding="utf-8",
    )
    rows = list(csv.DictReader(io.StringIO(bom_csv(load_panel(path)))))
    (row,) = [r for r in rows if r["part"] == part_id]
    return row


def _holds(loop: Loop, x: float, y: float) -> bool:
    x0, y0, x1, y1 = loop.extents
    return x0 < x < x1 and y0 < y < y1


@pytest.mark.parametrize("part_id", TEMPLATE_IDS)
def test_every_output_states_the_cut_the_dxf_draws(
    catalog: tuple[Path, str], part_id: str, tmp_path: Path
) -> None:
    out, _ = catalog
    loop = the_cut(out / f"{stem(part_id)}-cutout.dxf")
    report = json.loads((out / f"{stem(part_id)}-fit.json").read_text(encoding="utf-8"))
    wrong = []
    width, height = report_sizes(report["cutout_mm"])
    if not (agrees(width, loop.width) and agrees(height, loop.height)):
        wrong.append(f"report {width} x {height}")
    drawn = drawing_sizes(out / f"{stem(part_id)}-drawing.dxf")
    if not (agrees(drawn[0], loop.width) and agrees(drawn[1], loop.height)):
        wrong.append(f"drawing {drawn[0]} x {drawn[1]}")
    shown = index_sizes(out, part_id)
    if not (agrees(shown[0], loop.width) and agrees(shown[1], loop.height)):
        wrong.append(f"index {shown[0]} x {shown[1]}")
    sheet = report["sheet_mm"]
    row = bom_row(part_id, round((sheet["min"] + sheet["max"]) / 2, 3), tmp_path)
    if not (agrees(row["cut_width_mm"], loop.width) and agrees(row["cut_height_mm"], loop.height)):
        wrong.append(f"BOM {row['cut_width_mm']} x {row['cut_height_mm']}")
    assert not wrong, f"DXF measures {loop.width:.6f} x {loop.height:.6f} mm; {wrong}"


def test_the_example_panels_bom_states_the_cuts_its_dxf_draws(catalog: tuple[Path, str]) -> None:
    """Each part of the example panel: the BOM's cut size is the size of the loop its DXF
    draws at every placement (turned placements measured across)."""
    out, _ = catalog
    report = json.loads((out / "example-report.json").read_text(encoding="utf-8"))
    *loops, _outline = sorted(cut_loops(out / "example-panel.dxf"), key=loop_area)
    rows = {
        r["part"]: r
        for r in csv.DictReader(io.StringIO((out / "example-bom.csv").read_text("utf-8")))
    }
    checked = 0
    for placed in report["cutouts"]:
        row = rows[placed["part"]]
        here = [lp for lp in loops if _holds(lp, placed["x"], placed["y"])]
        loop = max(here, key=loop_area)
        turned = placed["rotation"] in (90, 270)
        w, h = (loop.height, loop.width) if turned else (loop.width, loop.height)
        assert agrees(row["cut_width_mm"], w) and agrees(row["cut_height_mm"], h), placed
        checked += 1
    assert checked == len(report["cutouts"]) > 0
