"""No text geom writes shows a negative zero (`-0`, `-0.000`): millimetre values in text
go through geom.model.units.mm. Driven by inputs that are negative zeros (`--coating=-0`, a
panel with `coating = -0.0`) and by the `nominal` target, whose shop process tolerance
below the band is exactly 0; every text output is read back and searched: stdout, the
JSON reports, the BOM, the TEXT/MTEXT/dimension texts of every DXF, the PDF text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import ezdxf
import pymupdf
from fits import fit_of

from geom.data.templates import load_catalog
from geom.dxf.cutout import cutout_contour
from geom.model.tolerance import Size
from geom.model.units import deviation, mm
from geom.panel.model import load_panel
from geom.render.panel_drawing import write_panel_drawing
from geom.render.part_drawing import write_drawing

NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0+(?:\.0+)?(?!\.?\d)")
"""`-0`, `-0.0`, `-0.000` as a number of its own (not `770-744/064-000`, not `-0.05`)."""

PANEL = """
[panel]
width = 200.0
height = 100.0
corner_radius = -0.0
sheet = 1.5
shop_tolerance = 0.05
coating = -0.0
process = "laser"

[[place]]
part = "770-744/064-000"
x = 60.0
y = 50.0

[[hole]]
x = 150.0
y = 50.0
diameter = 5.0
"""


def dxf_texts(path: Path) -> list[str]:
    """Every text a DXF shows: TEXT and MTEXT in model space and blocks (dimension
    blocks included) and the DIMENSION text overrides."""
    doc = ezdxf.readfile(path)
    layouts = [doc.modelspace(), *doc.blocks]
    texts: list[str] = []
    for layout in layouts:
        for e in layout:
            if e.dxftype() == "TEXT":
                texts.append(e.dxf.text)
            elif e.dxftype() == "MTEXT":
                texts.append(e.text)
            elif e.dxftype() == "DIMENSION":
                texts.append(e.dxf.get("text", ""))
    assert texts, path
    return texts


def pdf_text(path: Path) -> str:
    with pymupdf.open(path) as doc:
        return " ".join(page.get_text() for page in doc)


def assert_no_negative_zero(name: str, text: str) -> None:
    found = NEGATIVE_ZERO.findall(text)
    assert not found, f"{name}: {found} in {text!r}"


def test_the_pattern_and_the_formatters() -> None:
    assert f"{-0.0:.3f}" == "-0.000" and f"{-0.0:g}" == "-0"  # what the drivers provoke
    for bad in ("-0", "-0.000", "(-0.00, 1)", "coating -0 .. -0 mm"):
        assert NEGATIVE_ZERO.search(bad), bad
    for good in ("770-744/064-000", "-0.05", "+0.100/0", "0.000", "t = -1.5", "x-0"):
        assert not NEGATIVE_ZERO.search(good), good
    assert mm(-0.0) == "0.000" and mm(-1e-12, 2) == "0.00" and mm(-0.0004) == "0.000"
    assert deviation("-", 0.0) == "0" and deviation("-", -1e-12) == "0"
    assert deviation("-", 0.05) == "-0.050" and deviation("+", -0.05) == "-0.050"


def test_cutout_check_and_list(geom, tmp_path: Path) -> None:
    args = ("770-744", "--coating=-0", "--target", "nominal")
    cutout = geom("cutout", *args, "--json", "-o", tmp_path)
    assert cutout.code == 0, cutout.err
    report = tmp_path / "770-744_064-000-fit.json"
    dxf = tmp_path / "770-744_064-000-cutout.dxf"
    notes = dxf_texts(dxf)
    assert any("coating 0.000 mm per face" in t for t in notes), notes
    assert any("shop process 0/+0.100 mm" in t for t in notes), notes  # nominal: 0 below
    outputs = {
        "cutout stdout": cutout.out,
        "stderr": cutout.err,
        "report": report.read_text(encoding="utf-8"),
        "cutout DXF notes": "\n".join(notes),
        "check --json": geom("check", *args, "--json").out,
        "check": geom("check", *args).out,
        "check --3d": geom("check", *args, "--3d").out,
        "list": geom("list").out,
    }
    assert json.loads(outputs["report"])["coating_mm"] == {"min": 0.0, "max": 0.0}
    for name, text in outputs.items():
        assert_no_negative_zero(name, text)


def test_part_drawing(tmp_path: Path) -> None:
    part = load_catalog().resolve("770-744")
    fit = fit_of(part, part.fit.grip, Size.between(-0.0, -0.0), "nominal")
    files = write_drawing(fit, cutout_contour(fit), tmp_path)
    text = pdf_text(files.pdf)
    assert "cut 41.50 +0.10/0" in " ".join(text.split())  # the nominal target: 0 below
    assert_no_negative_zero("drawing PDF", text)
    assert_no_negative_zero("drawing DXF", "\n".join(dxf_texts(files.dxf)))


def test_panel_outputs(geom, tmp_path: Path) -> None:
    path = tmp_path / "zero.toml"
    path.write_text(PANEL, encoding="utf-8")
    out = tmp_path / "out"
    run = geom("panel", path, "-o", out)
    assert run.code == 0, run.out + run.err
    notes = dxf_texts(out / "zero-panel.dxf")
    assert any("coating 0.000 mm per face" in t for t in notes), notes
    outputs = {
        "panel stdout": run.out,
        "stderr": run.err,
        "panel DXF notes": "\n".join(notes),
        "report": (out / "zero-report.json").read_text(encoding="utf-8"),
        "BOM": (out / "zero-bom.csv").read_text(encoding="utf-8"),
    }
    panel = load_panel(path)
    drawing = write_panel_drawing(panel, out / "zero-panel.dxf", out / "zero-bom.csv", out)
    outputs["panel drawing PDF"] = pdf_text(drawing.pdf)
    outputs["panel drawing DXF"] = "\n".join(dxf_texts(drawing.dxf))
    for name, text in outputs.items():
        assert_no_negative_zero(name, text)


def test_panel_violation_messages(geom, tmp_path: Path) -> None:
    """A broken layout's messages (stdout, report) with a zero coating given as -0.0."""
    path = tmp_path / "near.toml"
    path.write_text(PANEL.replace("x = 60.0", "x = 22.0"), encoding="utf-8")  # edge 1.225 mm
    run = geom("panel", path, "-o", tmp_path)
    assert run.code == 1
    assert "place[0] is 1.225 mm from the outline, less than the 2.250 mm minimum" in run.out
    report = (tmp_path / "near-report.json").read_text(encoding="utf-8")
    for name, text in {"stdout": run.out, "report": report}.items():
        assert_no_negative_zero(name, text)
