"""Previews (geom.render.preview): the SVG, PNG and PDF of each cutout DXF exist, parse, and are
true to scale: the cut contour measured in the picture (mm on paper) equals the contour
measured in the DXF file that was written, times the scale. Same input, same bytes."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import ezdxf
import pymupdf
import pytest
from fits import fit_of
from measure import cubic_points, pdf_path_points, picture_tolerance, size_of

from geom.data.templates import load_catalog
from geom.dxf.cutout import write_cutout
from geom.model.tolerance import Size
from geom.render.preview import CUT_COLOUR, MM_TO_PT, pdf_bytes, pdf_document, write_preview

PART_IDS = sorted(load_catalog().parts)
SVG_NS = "{http://www.w3.org/2000/svg}"
ARGS = {"M": 2, "L": 2, "C": 6, "Q": 4}


def cutout_dxf(part_id: str, out: Path) -> Path:
    part = load_catalog().parts[part_id]
    fit = fit_of(part, part.fit.grip, Size.exact(0.0))
    files = write_cutout(fit, out)
    assert files.dxf is not None
    return files.dxf


def dxf_cut_size(path: Path) -> tuple[float, float]:
    """Width and height of the CUT layer (the cut and its fixing holes), measured exactly
    in the file as written (tests/measure.py: arcs by their axis points)."""
    msp = ezdxf.readfile(path).modelspace()
    return size_of(list(msp.query("*[layer=='CUT']")))


def svg_cut_size(path: Path) -> tuple[float, float]:
    """Width and height (paper mm) of the paths drawn in the cut colour in an SVG."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    width_mm = float(root.attrib["width"].removesuffix("mm"))
    view_w = float(root.attrib["viewBox"].split()[2])
    per_unit = width_mm / view_w
    cut_classes = set()
    for style in root.iter(f"{SVG_NS}style"):
        match = re.match(r"\.(\w+) \{stroke: (#\w+);", style.text or "")
        if match and match.group(2).lower() == CUT_COLOUR:
            cut_classes.add(match.group(1))
    xs: list[float] = []
    ys: list[float] = []
    for path_el in root.iter(f"{SVG_NS}path"):
        if path_el.attrib.get("class") in cut_classes:
            for x, y in _path_points(path_el.attrib["d"]):
                xs.append(x)
                ys.append(y)
    assert xs, "no cut path in the SVG"
    return (max(xs) - min(xs)) * per_unit, (max(ys) - min(ys)) * per_unit


def _path_points(d: str) -> list[tuple[float, float]]:
    """Points on an SVG path (M L C Q, absolute or relative, Z) whose extents are the
    path's: ends, and where a curve turns in x or y (its control points lie off it)."""
    tokens = re.findall(r"[MmLlCcQqZz]|-?\d+(?:\.\d+)?", d)
    points: list[tuple[float, float]] = []
    cx = cy = 0.0
    cmd = "M"
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                continue
        n = ARGS[cmd.upper()]
        values = [float(t) for t in tokens[i : i + n]]
        i += n
        rel = cmd.islower()
        pairs = [(values[k], values[k + 1]) for k in range(0, n, 2)]
        pts = [(cx + x, cy + y) if rel else (x, y) for x, y in pairs]
        if cmd.upper() == "C":
            points += cubic_points((cx, cy), *pts)
        elif cmd.upper() == "Q":  # the same curve as a cubic
            (qx, qy), end = pts
            c1 = (cx + 2 / 3 * (qx - cx), cy + 2 / 3 * (qy - cy))
            c2 = (end[0] + 2 / 3 * (qx - end[0]), end[1] + 2 / 3 * (qy - end[1]))
            points += cubic_points((cx, cy), c1, c2, end)
        else:
            points += pts
        cx, cy = pts[-1]
    return points


def png_header(data: bytes) -> tuple[int, int, float | None]:
    """Width, height and dpi (from pHYs, if any) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    dpi = None
    at = data.find(b"pHYs")
    if at > 0:
        ppm_x, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
        if unit == 1:
            dpi = ppm_x * 0.0254
    return width, height, dpi


@pytest.mark.parametrize("part_id", PART_IDS)
@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_svg_and_png_parse_and_are_true_to_scale(part_id: str, scale: float, tmp_path: Path):
    dxf = cutout_dxf(part_id, tmp_path)
    files = write_preview(dxf, tmp_path, dxf.stem, scale=scale, dpi=150)
    width, height = dxf_cut_size(dxf)
    svg_w, svg_h = svg_cut_size(files.svg)
    # The SVG viewBox is integer: 1e6 units over the page, well under 1 um here.
    tol = picture_tolerance(dxf, scale)
    assert svg_w == pytest.approx(width * scale, abs=tol)
    assert svg_h == pytest.approx(height * scale, abs=tol)
    data = files.png.read_bytes()
    px_w, px_h, dpi = png_header(data)
    assert dpi == pytest.approx(150, abs=0.5)
    # The picture is at least as large as the cut at this scale and dpi.
    assert px_w >= width * scale / 25.4 * 150
    assert px_h >= height * scale / 25.4 * 150
    assert pymupdf.open(files.png).page_count == 1


@pytest.mark.parametrize("part_id", PART_IDS)
def test_pdf_page_is_one_to_one(part_id: str, tmp_path: Path):
    dxf = cutout_dxf(part_id, tmp_path)
    width, height = dxf_cut_size(dxf)
    pdf = pymupdf.open(stream=pdf_bytes(pdf_document(ezdxf.readfile(dxf), scale=1.0)))
    assert pdf.page_count == 1
    red = tuple(int(CUT_COLOUR[k : k + 2], 16) / 255 for k in (1, 3, 5))
    points = [
        p
        for d in pdf[0].get_drawings()
        if d.get("color") and all(abs(a - b) < 0.01 for a, b in zip(d["color"], red, strict=True))
        for p in pdf_path_points(d)
    ]
    assert points, "no cut path in the PDF"
    x0, x1 = min(x for x, _ in points), max(x for x, _ in points)
    y0, y1 = min(y for _, y in points), max(y for _, y in points)
    # PDF coordinates are single precision: 1e-3 mm is far below any printer.
    tol = picture_tolerance(dxf, 1.0)
    assert (x1 - x0) / MM_TO_PT == pytest.approx(width, abs=tol)
    assert (y1 - y0) / MM_TO_PT == pytest.approx(height, abs=tol)
    assert "cut" in pdf[0].get_text()


def test_same_input_same_bytes_in_separate_processes(tmp_path: Path):
    dxf = cutout_dxf(PART_IDS[0], tmp_path)
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run(
            [sys.executable, "-m", "geom", "preview", str(dxf), "-o", str(out)],
            check=True,
            capture_output=True,
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert set(outputs[0]) == {f"{dxf.stem}.svg", f"{dxf.stem}.png"}
    assert outputs[0] == outputs[1]


def test_preview_of_a_missing_file_is_an_input_error(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "geom", "preview", str(tmp_path / "nope.dxf"), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("geom: command line:FILE:")
    assert list(tmp_path.iterdir()) == []
