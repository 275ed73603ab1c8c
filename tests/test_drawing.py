"""Dimensioned drawings (geom.render.part_drawing): one A4 PDF page per part and its DXF variant.

Proves, for every template: the PDF parses (one A4 page) and its extracted text holds
the width and height with their tolerance and, when the cut is assumed, the ASSUMED
note; the dimensions in the drawing DXF sit on layer DIM and their values are the
measurements of the cutout DXF as written (re-read with ezdxf, not retyped); the side
views show the thinnest and thickest finished plate; same input gives the same bytes."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path
from typing import Any

import ezdxf
import fits
import pymupdf
import pytest
from ezdxf import bbox
from measure import (
    cut_loops,
    cut_template,
    expected_extents,
    expected_sizes,
    hole_count,
    main_and_holes,
    pdf_path_points,
    picture_tolerance,
    size_of,
    template_data,
)

from geom.data.templates import load_catalog, load_file
from geom.dxf.cutout import cutout_contour, write_cutout
from geom.dxf.lint import lint_file
from geom.model.fit import Fit
from geom.model.tolerance import Size
from geom.render.part_drawing import write_drawing
from geom.render.sheet import ASSUMED_NOTE

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
DATA = template_data()
"""Every shipped template's own numbers (tomllib), by part id."""
COATING = (0.06, 0.07)
"""The coating (mm per face) of the tests that need the cut to differ from the band."""


def _cutout(part_id: str) -> dict:
    """The [cutout] table the part is cut by (a framed part: its frame's)."""
    return cut_template(DATA[part_id], DATA)["cutout"]


def _grips_coated(part_id: str, coating: float) -> bool:
    """Whether some sheet stays in the part's grip range with `coating` on both faces."""
    grip = cut_template(DATA[part_id], DATA)["grip"]
    return grip["max"]["value"] - grip["min"]["value"] >= 2 * coating - 1e-12


COATED_IDS = [pid for pid in PART_IDS if _grips_coated(pid, max(COATING))]
"""The parts some coated sheet still fits (a grip range of one thickness takes none)."""


def mm_text(value: float) -> str:
    """A drawing's number: 2 decimals, 3 when it has a micrometre (docs/outputs.md)."""
    return f"{value:.2f}" if math.isclose(round(value, 2), value, abs_tol=5e-7) else f"{value:.3f}"


def arc_text(cutout: dict) -> str:
    """The front view's arc dimension, from the template: a round cut's diameter, else the
    lower-left arc's radius, counted when every arc has it."""
    kind = cutout.get("shape", "rect")
    sizes = expected_sizes(cutout)
    if kind == "circle":
        return f"\u00d8{mm_text(sizes['diameter'])}"
    if kind == "circle-notch":  # the hole's own arc; the notch's corners are smaller
        return f"R{mm_text(sizes['diameter'] / 2)}"
    return f"4x R{mm_text(cutout['corner_radius']['value'])}"


A4_LANDSCAPE_PT = (297 * 72 / 25.4, 210 * 72 / 25.4)


def build(fit: Fit, out: Path) -> tuple[Path, Path, Path]:
    """Cutout DXF, drawing DXF and drawing PDF, as the catalog writes them."""
    cut = write_cutout(fit, out).dxf
    assert cut is not None
    files = write_drawing(fit, cutout_contour(fit), out)
    return cut, files.dxf, files.pdf


class Built(dict[str, tuple[Fit, tuple[Path, Path, Path]]]):
    """Each part's uncoated fit and `build`'s files, written on first use. Read only."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, part_id: str) -> tuple[Fit, tuple[Path, Path, Path]]:
        fit = fit_of(part_id)
        self[part_id] = fit, build(fit, self.factory.mktemp("drawing"))
        return self[part_id]


@pytest.fixture(scope="module")
def uncoated(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The uncoated drawings, each written once for the module."""
    return Built(tmp_path_factory)


def fit_of(part_id: str, coating: Size | None = None) -> Fit:
    part = CATALOG.parts[part_id]
    coating = coating or Size.exact(0.0)
    grip = part.fit.grip  # sheet thin enough that the coated plate stays in the grip
    return fits.fit_of(part, Size.between(grip.min, grip.max - 2 * coating.max), coating)


def cut_measurements(path: Path, part_id: str) -> tuple[float, float, list[float]]:
    """Width, height and arc radii of the cut itself (not its fixing holes) in a DXF
    file, read back (tests/measure.py: exact extents, arcs by their axis points)."""
    main, _ = main_and_holes(cut_loops(path), hole_count(_cutout(part_id)))
    width, height = size_of(main.entities)
    return width, height, main.radii


def pdf_text(path: Path) -> str:
    doc = pymupdf.open(path)
    assert doc.page_count == 1
    rect = doc[0].rect
    assert (rect.width, rect.height) == pytest.approx(A4_LANDSCAPE_PT, abs=0.01)
    return " ".join(doc[0].get_text().split())


@pytest.mark.parametrize("part_id", PART_IDS)
def test_pdf_states_dimensions_with_tolerance(part_id: str, uncoated: Built):
    fit, (cut_dxf, _, pdf) = uncoated[part_id]
    text = pdf_text(pdf)
    width, height, _ = cut_measurements(cut_dxf, part_id)
    cutout = _cutout(part_id)
    # The finished band the data sheet asks for: the contour's width and height at the
    # bands' lower limits, +(their growth to the upper limits)/0 ...
    low = expected_extents(cutout, expected_sizes(cutout, "nominal"))
    high = expected_extents(cutout, _band_tops(cutout))
    for lo, hi in zip(low, high, strict=True):
        assert f"{mm_text(lo)} +{mm_text(hi - lo)}/0" in text
    # ... and the cut as the DXF holds it, with the shop tolerance the fit leaves.
    plus, minus = fit.process_plus, fit.process_minus
    assert f"cut {mm_text(width)} +{mm_text(plus)}/-{mm_text(minus)}" in text
    assert f"cut {mm_text(height)} +{mm_text(plus)}/-{mm_text(minus)}" in text
    assert arc_text(cutout) in text
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


def _band_tops(cutout: dict) -> dict[str, float]:
    """Every toleranced size at its band's upper limit (mm), from the template."""
    tops = {}
    for name, floor in expected_sizes(cutout, "nominal").items():
        low, high = cutout[name].get("band", [0.0, cutout["tolerance"]["value"]])
        tops[name] = floor + high - low
    return tops


def _entity_key(e: Any) -> tuple:
    """What a CUT entity draws: a polyline's vertices, a circle's centre and radius."""
    if e.dxftype() == "CIRCLE":
        return ("CIRCLE", tuple(e.dxf.center), e.dxf.radius)
    return ("LWPOLYLINE", tuple(e.get_points("xyb")), e.closed)


@pytest.mark.parametrize("part_id", COATED_IDS)
def test_dimension_values_are_measured_from_the_cutout_dxf(part_id: str, tmp_path: Path):
    fit = fit_of(part_id, Size.between(*COATING))  # coated: cut differs from band
    cut_dxf, drawing_dxf, _ = build(fit, tmp_path)
    width, height, radii = cut_measurements(cut_dxf, part_id)
    cutout = _cutout(part_id)
    msp = ezdxf.readfile(drawing_dxf).modelspace()
    dims = list(msp.query("DIMENSION"))
    assert dims and all(d.dxf.layer == "DIM" for d in dims)
    assert not msp.query("DIMENSION TEXT MTEXT[layer=='CUT']")
    # The CUT layer holds the same cut and fixing holes as the cutout DXF, nothing else.
    cut_here = [_entity_key(e) for e in msp.query("*[layer=='CUT']")]
    cut_there = ezdxf.readfile(cut_dxf).modelspace().query("*[layer=='CUT']")
    assert cut_here == [_entity_key(e) for e in cut_there]
    assert len(cut_here) == 1 + hole_count(cutout)
    linear = {round(d.dxf.angle) % 180: d for d in dims if d.dimtype == 0}
    measured = {0: width, 90: height}
    band_w, band_h = expected_extents(cutout, expected_sizes(cutout, "nominal"))
    band = {0: band_w, 90: band_h}
    for angle, dim in linear.items():
        assert dim.get_measurement() == pytest.approx(measured[angle], abs=1e-9)
        first, second = dim.dxf.text.split("\\P")
        assert second.startswith(f"cut {mm_text(measured[angle])} ")
        assert first.startswith(f"{mm_text(band[angle])} +")
    assert set(linear) == {0, 90}
    assert lint_file(drawing_dxf) == []  # the CUT layer is CAM-clean, as the cutout DXF
    if cutout.get("shape") == "circle":  # one diameter, not two half-circle radii
        (diameter,) = [d for d in dims if d.dimtype == 3]
        assert not [d for d in dims if d.dimtype == 4]
        assert diameter.get_measurement() == pytest.approx(width, abs=1e-9)
        assert diameter.dxf.text == f"%%c{mm_text(width)}"
        return
    radius_dims = [d for d in dims if d.dimtype == 4]
    assert len(radius_dims) == 1
    (radius,) = radius_dims
    assert min(abs(radius.get_measurement() - r) for r in radii) < 1e-9
    equal = all(math.isclose(r, radii[0], abs_tol=1e-9) for r in radii)
    count = f"{len(radii)}x " if equal and len(radii) > 1 else ""
    assert radius.dxf.text == f"{count}R{mm_text(radius.get_measurement())}"


@pytest.mark.parametrize("part_id", [p for p in PART_IDS if _grips_coated(p, 0.06)])
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
def test_drawing_prints_the_cut_at_its_stated_scale(part_id: str, uncoated: Built):
    """The cutout on the A4 page measures (DXF size x scale) mm: the scale is true."""
    from geom.render.preview import CUT_COLOUR, MM_TO_PT

    _, (cut_dxf, _, pdf) = uncoated[part_id]
    width, height = size_of(list(ezdxf.readfile(cut_dxf).modelspace().query("*[layer=='CUT']")))
    page = pymupdf.open(pdf)[0]
    match = re.search(r"scale (\d+(?:\.\d+)?):(\d+(?:\.\d+)?)", page.get_text())
    assert match
    scale = float(match.group(1)) / float(match.group(2))
    red = tuple(int(CUT_COLOUR[k : k + 2], 16) / 255 for k in (1, 3, 5))
    points = [
        p
        for d in page.get_drawings()
        if d.get("color") and all(abs(a - b) < 0.01 for a, b in zip(d["color"], red, strict=True))
        for p in pdf_path_points(d)
    ]
    assert points
    drawn_w = (max(x for x, _ in points) - min(x for x, _ in points)) / MM_TO_PT
    drawn_h = (max(y for _, y in points) - min(y for _, y in points)) / MM_TO_PT
    tol = picture_tolerance(cut_dxf, scale)  # PDF precision and Bezier arcs
    assert drawn_w == pytest.approx(width * scale, abs=tol)
    assert drawn_h == pytest.approx(height * scale, abs=tol)
