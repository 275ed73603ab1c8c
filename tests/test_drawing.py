"""Dimensioned drawings (geom.render.part_drawing): one A4 PDF page per part and its DXF variant.

Proves, for every template: the PDF parses (one A4 page) and its extracted text holds
the width and height with their tolerance and, when the cut is assumed, the ASSUMED
note; the dimensions in the drawing DXF sit on layer DIM and their values are the
measurements of the cutout DXF as written (re-read with ezdxf, not retyped); the side
views show the thinnest and thickest finished plate; same input gives the same bytes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import ezdxf
import fits
import pymupdf
import pytest
from ezdxf import bbox
from ezdxf.math import Vec2, bulge_to_arc

from geom.data.templates import load_catalog, load_file
from geom.dxf.cutout import cutout_contour, write_cutout
from geom.dxf.lint import lint_file
from geom.model.fit import Fit
from geom.model.tolerance import Size
from geom.render.part_drawing import write_drawing
from geom.render.sheet import ASSUMED_NOTE

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
A4_LANDSCAPE_PT = (297 * 72 / 25.4, 210 * 72 / 25.4)


def build(fit: Fit, out: Path) -> tuple[Path, Path, Path]:
    """Cutout DXF, drawing DXF and drawing PDF, as the catalog writes them."""
    cut = write_cutout(fit, out).dxf
    assert cut is not None
    files = write_drawing(fit, cutout_contour(fit), out)
    return cut, files.dxf, files.pdf


def fit_of(part_id: str, coating: Size | None = None) -> Fit:
    part = CATALOG.parts[part_id]
    coating = coating or Size.exact(0.0)
    grip = part.fit.grip  # sheet thin enough that the coated plate stays in the grip
    return fits.fit_of(part, Size.between(grip.min, grip.max - 2 * coating.max), coating)


def cut_measurements(path: Path) -> tuple[float, float, list[float]]:
    """Width, height and arc radii of the CUT contour in a DXF file, read back."""
    msp = ezdxf.readfile(path).modelspace()
    cut = msp.query("*[layer=='CUT']")
    box = bbox.extents(cut, fast=False)
    radii = []
    for pl in cut.query("LWPOLYLINE"):
        pts = list(pl.get_points("xyb"))
        for i, (x, y, b) in enumerate(pts):
            if b:
                nx, ny, _ = pts[(i + 1) % len(pts)]
                radii.append(bulge_to_arc(Vec2(x, y), Vec2(nx, ny), b)[3])
    return box.size.x, box.size.y, radii


def pdf_text(path: Path) -> str:
    doc = pymupdf.open(path)
    assert doc.page_count == 1
    rect = doc[0].rect
    assert (rect.width, rect.height) == pytest.approx(A4_LANDSCAPE_PT, abs=0.01)
    return " ".join(doc[0].get_text().split())


@pytest.mark.parametrize("part_id", PART_IDS)
def test_pdf_states_dimensions_with_tolerance(part_id: str, tmp_path: Path):
    fit = fit_of(part_id)
    cut_dxf, _, pdf = build(fit, tmp_path)
    text = pdf_text(pdf)
    width, height, radii = cut_measurements(cut_dxf)
    snap = fit.part.fit
    tol = snap.tolerance
    # The finished band the data sheet asks for, C +tol/0 ...
    assert f"{snap.cutout.width:.2f} +{tol:.2f}/0" in text
    assert f"{snap.cutout.height:.2f} +{tol:.2f}/0" in text
    # ... and the cut as the DXF holds it, with the shop tolerance the fit leaves.
    plus, minus = fit.process_plus, fit.process_minus
    assert f"cut {width:.2f} +{plus:.2f}/-{minus:.2f}" in text
    assert f"cut {height:.2f} +{plus:.2f}/-{minus:.2f}" in text
    assert f"4x R{radii[0]:.2f}" in text
    assert fit.part.id in text
    assert ("punched edge" in text) == fit.part.id.startswith("770-744")  # its own data sheet
    assert (ASSUMED_NOTE in text) == fit.part.cut_assumed


def test_no_assumed_box_when_the_cut_comes_from_a_data_sheet(tmp_path: Path):
    source = CATALOG.parts["770-744/064-000"].path
    assert source is not None
    text = source.read_text(encoding="utf-8")
    # Pretend the manufacturer's drawing gave the cut: cite a data sheet instead, in the
    # [cutout] table only.
    head, _, rest = text.partition("\n[cutout]\n")
    table, sep, tail = rest.partition("\n[")
    table = table.replace('source = "assumed"', 'source = "770-744"')
    text = f"{head}\n[cutout]\n{table}{sep}{tail}"
    template = tmp_path / "known.toml"
    template.write_text(text, encoding="utf-8")
    part = load_file(template, CATALOG)
    assert not part.cut_assumed
    fit = fits.fit_of(part, part.fit.grip, Size.exact(0.0))
    _, _, pdf = build(fit, tmp_path)
    assert "ASSUMED" not in pdf_text(pdf)


@pytest.mark.parametrize("part_id", PART_IDS)
def test_dimension_values_are_measured_from_the_cutout_dxf(part_id: str, tmp_path: Path):
    fit = fit_of(part_id, Size.between(0.06, 0.07))  # coated: cut differs from band
    cut_dxf, drawing_dxf, _ = build(fit, tmp_path)
    width, height, radii = cut_measurements(cut_dxf)
    msp = ezdxf.readfile(drawing_dxf).modelspace()
    dims = list(msp.query("DIMENSION"))
    assert dims and all(d.dxf.layer == "DIM" for d in dims)
    assert not msp.query("DIMENSION TEXT MTEXT[layer=='CUT']")
    # The CUT layer holds the same contour as the cutout DXF, nothing else.
    cut_here = msp.query("*[layer=='CUT']")
    cut_there = ezdxf.readfile(cut_dxf).modelspace().query("*[layer=='CUT']")
    assert [e.dxftype() for e in cut_here] == ["LWPOLYLINE"]
    assert list(cut_here[0].get_points("xyb")) == list(cut_there[0].get_points("xyb"))
    linear = {round(d.dxf.angle) % 180: d for d in dims if d.dimtype == 0}
    measured = {0: width, 90: height}
    for angle, dim in linear.items():
        assert dim.get_measurement() == pytest.approx(measured[angle], abs=1e-9)
        first, second = dim.dxf.text.split("\\P")
        assert second.startswith(f"cut {measured[angle]:.2f} ")
        assert first.startswith(
            f"{fit.part.fit.cutout.width if angle == 0 else fit.part.fit.cutout.height:.2f} +"
        )
    assert set(linear) == {0, 90}
    assert lint_file(drawing_dxf) == []  # the CUT layer is CAM-clean, as the cutout DXF
    radius_dims = [d for d in dims if d.dimtype == 4]
    assert len(radius_dims) == 1
    assert radius_dims[0].get_measurement() == pytest.approx(radii[0], abs=1e-9)
    assert radius_dims[0].dxf.text.endswith(f"R{radii[0]:.2f}")


@pytest.mark.parametrize("part_id", PART_IDS)
def test_side_views_show_thinnest_and_thickest_plate(part_id: str, tmp_path: Path):
    fit = fit_of(part_id, Size.exact(0.06))
    _, drawing_dxf, _ = build(fit, tmp_path)
    msp = ezdxf.readfile(drawing_dxf).modelspace()
    thicknesses = sorted(
        {round(bbox.extents([p]).size.y, 9) for p in msp.query("LWPOLYLINE[layer=='PLATE']")}
    )
    finished = fit.finished_plate
    assert thicknesses == pytest.approx([finished.min, finished.max], abs=1e-9)
    # The body reaches behind the plate: its outline goes below the plate's back face.
    body = bbox.extents(msp.query("*[layer=='BODY']"))
    plates = bbox.extents(msp.query("*[layer=='PLATE']"))
    assert body.extmin.y < plates.extmin.y


def test_same_input_same_bytes_and_revision_follows_inputs(tmp_path: Path):
    fit = fit_of("770-744/064-000")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    files_a = write_drawing(fit, cutout_contour(fit), a)
    files_b = write_drawing(fit, cutout_contour(fit), b)
    assert files_a.pdf.read_bytes() == files_b.pdf.read_bytes()
    assert files_a.dxf.read_bytes() == files_b.dxf.read_bytes()
    assert files_a.revision == files_b.revision
    assert files_a.revision in pdf_text(files_a.pdf)
    coated = write_drawing(fit_of("770-744/064-000", Size.exact(0.08)), cutout_contour(fit), b)
    assert coated.revision != files_a.revision
    # A changed template byte changes the revision too.
    source = CATALOG.parts["770-744/064-000"].path
    assert source is not None
    copy = tmp_path / "copy.toml"
    shutil.copy(source, copy)
    copy.write_bytes(copy.read_bytes() + b"\n# edited\n")
    part = load_file(copy, CATALOG)
    edited = write_drawing(fits.fit_of(part, part.fit.grip), cutout_contour(fit), b)
    assert edited.revision != files_a.revision


@pytest.mark.parametrize("part_id", PART_IDS)
def test_drawing_prints_the_cut_at_its_stated_scale(part_id: str, tmp_path: Path):
    """The cutout on the A4 page measures (DXF size x scale) mm: the scale is true."""
    from geom.render.preview import CUT_COLOUR, MM_TO_PT

    fit = fit_of(part_id)
    cut_dxf, _, pdf = build(fit, tmp_path)
    width, height, _ = cut_measurements(cut_dxf)
    page = pymupdf.open(pdf)[0]
    match = re.search(r"scale (\d+(?:\.\d+)?):(\d+(?:\.\d+)?)", page.get_text())
    assert match
    scale = float(match.group(1)) / float(match.group(2))
    red = tuple(int(CUT_COLOUR[k : k + 2], 16) / 255 for k in (1, 3, 5))
    rects = [
        d["rect"]
        for d in page.get_drawings()
        if d.get("color") and all(abs(a - b) < 0.01 for a, b in zip(d["color"], red, strict=True))
    ]
    assert rects
    drawn_w = (max(r.x1 for r in rects) - min(r.x0 for r in rects)) / MM_TO_PT
    drawn_h = (max(r.y1 for r in rects) - min(r.y0 for r in rects)) / MM_TO_PT
    assert drawn_w == pytest.approx(width * scale, abs=1e-3)
    assert drawn_h == pytest.approx(height * scale, abs=1e-3)
