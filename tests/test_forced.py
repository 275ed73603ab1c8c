"""An output written only because of --force says so: "FIT FAILS - forced" as TEXT on the
DXF's NOTES layer (never on CUT, the CUT layer exactly as without the mark, the lint
still clean), `"forced": true` and the note first in the JSON report's notes, and a boxed
mark on the drawings (PDF text and drawing DXF). Outputs of a fit that holds, and of a
layout that holds, carry no mark and say `"forced": false`. Every file is read back."""

from __future__ import annotations

import json
from pathlib import Path

import ezdxf
import pymupdf
import pytest
from fits import fit_of
from measure import texts
from test_panel_files import EXAMPLE, MIXED

from geom.data.templates import load_catalog
from geom.dxf.cutout import cutout_contour, cutout_notes
from geom.dxf.lint import lint_file
from geom.dxf.writer import write_dxf
from geom.model.tolerance import Size
from geom.panel.job import opening_contours, outline_contour, panel_notes
from geom.panel.model import load_panel
from geom.render.panel_drawing import write_panel_drawing
from geom.render.part_drawing import write_drawing

MARK = "FIT FAILS - forced"
PART = "770-744/064-000"
STEM = "770-744_064-000"
# A 2.0 mm sheet with 0.08 mm coating per face is 2.16 mm finished: beyond the 2 mm grip.
FAILING = ("--sheet", "2.0", "--coating", "0.08")
HOLDING = ("--sheet", "1.5", "--coating", "0.08")
# Two 770-744 whose flanges overlap; their cutouts stay apart (the DXF can be written).
BROKEN = MIXED.replace("x = 40.0\ny = 110.0\nrotation = 270", "x = 104.0\ny = 30.0\nrotation = 0")


def cut_entities(path: Path) -> list[tuple[str, list[tuple[float, ...]]]]:
    """Every entity on CUT: its type and its points (vertices with bulges, or ends)."""
    out = []
    for e in ezdxf.readfile(path).modelspace().query("*[layer=='CUT']"):
        kind = e.dxftype()
        if kind == "LWPOLYLINE":
            points = [tuple(p) for p in e.get_points("xyb")]
        elif kind == "POLYLINE":
            points = [(v.dxf.location.x, v.dxf.location.y, v.dxf.bulge) for v in e.vertices]
        elif kind == "LINE":
            points = [tuple(e.dxf.start), tuple(e.dxf.end)]
        elif kind == "CIRCLE":
            points = [(*e.dxf.center, e.dxf.radius)]
        else:
            points = [(*e.dxf.center, e.dxf.radius, e.dxf.start_angle, e.dxf.end_angle)]
        out.append((kind, points))
    return out


def assert_marked(dxf: Path, reference: Path) -> None:
    """`dxf` carries the mark on NOTES only, and its CUT layer is `reference`'s."""
    assert texts(dxf, "NOTES").count(MARK) == 1
    assert texts(dxf, "CUT") == []
    assert cut_entities(dxf) == cut_entities(reference)
    assert lint_file(dxf) == []


def assert_unmarked(dxf: Path) -> None:
    every = ezdxf.readfile(dxf).modelspace().query("TEXT MTEXT")
    assert not any(MARK in e.dxf.text for e in every)


def pdf_text(path: Path) -> str:
    with pymupdf.open(path) as doc:
        return " ".join(" ".join(page.get_text() for page in doc).split())


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "fmt", [(), ("--dxf-version", "r12"), ("--explode",)], ids=["r2000", "r12", "exploded"]
)
def test_forced_cutout_is_marked(geom, tmp_path: Path, fmt: tuple[str, ...]) -> None:
    run = geom("cutout", PART, *FAILING, *fmt, "--force", "-o", tmp_path)
    assert run.code == 1
    dxf = tmp_path / f"{STEM}-cutout.dxf"
    # The same DXF without the mark, written directly: the CUT layer must be the same.
    part = load_catalog().resolve(PART)
    fit = fit_of(part, Size.exact(2.0), Size.exact(0.08))
    assert not fit.ok
    reference = write_dxf(
        tmp_path / "reference.dxf",
        [cutout_contour(fit)],
        cutout_notes(fit),
        version="r12" if "r12" in fmt else "r2000",
        explode="--explode" in fmt,
    )
    assert_marked(dxf, reference)
    document = report(tmp_path / f"{STEM}-fit.json")
    assert document["ok"] is False and document["forced"] is True
    assert document["notes"][0] == MARK
    assert list(document)[list(document).index("ok") + 1] == "forced"
    assert f"marked {MARK}" in run.out


def test_a_holding_or_withheld_cutout_is_not_marked(geom, tmp_path: Path) -> None:
    holding = geom("cutout", PART, *HOLDING, "--force", "-o", tmp_path / "holds")
    assert holding.code == 0
    assert_unmarked(tmp_path / "holds" / f"{STEM}-cutout.dxf")
    document = report(tmp_path / "holds" / f"{STEM}-fit.json")
    assert document["forced"] is False and MARK not in document["notes"]
    assert MARK not in holding.out
    withheld = geom("cutout", PART, *FAILING, "-o", tmp_path / "fails")
    assert withheld.code == 1
    assert not (tmp_path / "fails" / f"{STEM}-cutout.dxf").exists()
    document = report(tmp_path / "fails" / f"{STEM}-fit.json")
    assert document["forced"] is False and MARK not in document["notes"]


def test_forced_build_is_marked(geom, tmp_path: Path) -> None:
    run = geom("build", PART, *FAILING, "--force", "-o", tmp_path)
    assert run.code == 1
    part = load_catalog().resolve(PART)
    fit = fit_of(part, Size.exact(2.0), Size.exact(0.08))
    reference = write_dxf(tmp_path / "reference.dxf", [cutout_contour(fit)], cutout_notes(fit))
    assert_marked(tmp_path / f"{STEM}-cutout.dxf", reference)
    document = report(tmp_path / f"{STEM}-fit.json")
    assert document["forced"] is True and document["notes"][0] == MARK
    assert MARK in run.out


def test_forced_part_drawing_is_marked(tmp_path: Path) -> None:
    part = load_catalog().resolve(PART)
    failing = fit_of(part, Size.exact(2.0), Size.exact(0.08))
    files = write_drawing(failing, cutout_contour(failing), tmp_path)
    text = pdf_text(files.pdf)
    assert MARK in text and "the fit fails: grip" in text
    assert "Fit: FAILS (grip)" in text
    assert MARK in texts(files.dxf, "NOTES")
    assert lint_file(files.dxf) == []
    holding = fit_of(part, Size.exact(1.5), Size.exact(0.08))
    (tmp_path / "holds").mkdir()
    files = write_drawing(holding, cutout_contour(holding), tmp_path / "holds")
    assert MARK not in pdf_text(files.pdf)
    assert_unmarked(files.dxf)


def test_forced_panel_and_its_drawing_are_marked(geom, tmp_path: Path) -> None:
    path = tmp_path / "forced.toml"
    path.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out"
    run = geom("panel", path, "-o", out, "--force")
    assert run.code == 1
    assert f"marked {MARK}" in run.out
    panel = load_panel(path)
    dxf = out / "forced-panel.dxf"
    reference = write_dxf(
        tmp_path / "reference.dxf",
        [outline_contour(panel), *opening_contours(panel)],
        panel_notes(panel),
    )
    assert_marked(dxf, reference)
    # Above the outline, where the panel's top edge is.
    mark = next(e for e in ezdxf.readfile(dxf).modelspace().query("TEXT") if e.dxf.text == MARK)
    assert mark.dxf.insert.y > panel.height
    document = report(out / "forced-report.json")
    assert document["ok"] is False and document["forced"] is True
    assert document["notes"][0] == MARK and document["violations"]

    drawing = write_panel_drawing(panel, dxf, out / "forced-bom.csv", out)
    text = pdf_text(drawing.pdf)
    assert MARK in text and "layout rules FAIL (written with --force)" in text
    assert "layout rules hold" not in text
    assert MARK in texts(drawing.dxf, "NOTES")
    assert lint_file(drawing.dxf) == []


def test_a_holding_panel_and_its_drawing_are_not_marked(geom, tmp_path: Path) -> None:
    run = geom("panel", EXAMPLE, "-o", tmp_path, "--force")
    assert run.code == 0
    dxf = tmp_path / "example-panel.dxf"
    assert_unmarked(dxf)
    assert report(tmp_path / "example-report.json")["forced"] is False
    panel = load_panel(EXAMPLE)
    drawing = write_panel_drawing(panel, dxf, tmp_path / "example-bom.csv", tmp_path)
    text = pdf_text(drawing.pdf)
    assert MARK not in text and "layout rules hold" in text
    assert_unmarked(drawing.dxf)


def test_a_refused_panel_is_not_forced(geom, tmp_path: Path) -> None:
    """--force through crossing cutouts writes no DXF (the lint refuses): nothing forced."""
    path = tmp_path / "crossing.toml"
    path.write_text(MIXED.replace("x = 40.0\ny = 110.0", "x = 60.0\ny = 50.0"), encoding="utf-8")
    assert geom("panel", path, "-o", tmp_path, "--force").code == 1
    document = report(tmp_path / "crossing-report.json")
    assert document["files"]["dxf"] is None and document["forced"] is False
