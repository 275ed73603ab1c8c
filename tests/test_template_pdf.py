"""The 1:1 drilling template `<name>-template.pdf`, measured on the PDF's vector paths
(PyMuPDF's `get_drawings`), never on geom's numbers: 1 mm is 72 / 25.4 pt, A4 is
210 x 297 mm (ISO 216). Colours tell the paths apart: the outline black, the openings
red, the centre-punch crosses and the alignment marks blue, the rulers black single
lines."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymupdf
import pytest

PT = 72 / 25.4
RED = (0.85, 0.0, 0.0)
BLACK = (0.0, 0.0, 0.0)
BLUE = (0.0, 0.2, 0.8)


def panel_file(
    tmp: Path,
    width: float,
    height: float,
    holes: list[tuple[float, float, float]],
    name: str = "front",
    extra: str = "",
) -> Path:
    text = (
        f"[panel]\nwidth = {width}\nheight = {height}\ncorner_radius = 2.0\nsheet = 2.0\n"
        'coating = [0.0, 0.0]\nprocess = "laser"\n'
    )
    for x, y, d in holes:
        text += f"[[hole]]\nx = {x}\ny = {y}\ndiameter = {d}\n"
    path = tmp / f"{name}.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def _close(colour: Any, want: tuple[float, float, float]) -> bool:
    return colour is not None and all(abs(a - b) < 0.01 for a, b in zip(colour, want, strict=True))


def paths(page: Any, colour: tuple[float, float, float]) -> list[dict[str, Any]]:
    return [d for d in page.get_drawings() if _close(d.get("color"), colour)]


def circles(page: Any) -> list[tuple[float, float, float]]:
    """Every red path of four curves and nothing else: (centre x, centre y, diameter) in
    mm from the page's top-left corner, the diameter from its extents."""
    out = []
    for d in paths(page, RED):
        if [i[0] for i in d["items"]] == ["c"] * 4:
            r = d["rect"]
            assert r.width == pytest.approx(r.height, abs=0.01 * PT)
            out.append(((r.x0 + r.x1) / 2 / PT, (r.y0 + r.y1) / 2 / PT, r.width / PT))
    return out


def outline(page: Any) -> Any:
    """The one black closed path: a rectangle (PyMuPDF reads four lines as one `re` or `qu`), or
    lines and curves whose last point is back at its first."""

    def closed(items: list[Any]) -> bool:
        if [i[0] for i in items] in (["re"], ["qu"]):
            return True
        return len(items) > 2 and abs(items[0][1] - items[-1][-1]) < 1e-3

    (found,) = [d for d in paths(page, BLACK) if closed(d["items"])]
    return found["rect"]


def rulers(page: Any) -> list[tuple[float, float]]:
    """Every black path that is one straight line: its (dx, dy) in mm."""
    out = []
    for d in paths(page, BLACK):
        if len(d["items"]) == 1 and d["items"][0][0] == "l":
            _, p, q = d["items"][0]
            out.append(((q.x - p.x) / PT, (q.y - p.y) / PT))
    return out


def window(page: Any) -> Any:
    """The clip the face is drawn in (mm from the page's top-left corner)."""
    clips = [d for d in page.get_drawings(extended=True) if d["type"] == "clip"]
    r = clips[0]["scissor"]
    return pymupdf.Rect(r.x0 / PT, r.y0 / PT, r.x1 / PT, r.y1 / PT)


def drilled(doc: Any) -> dict[tuple[float, float], float]:
    """Every hole drawn wholly inside the window of some page: its centre from the
    outline's lower-left corner, Y up (to 0.01 mm), and its diameter (mm)."""
    found = {}
    for page in doc:
        box, clip = outline(page), window(page)
        left, bottom = box.x0 / PT, box.y1 / PT
        for x, y, d in circles(page):
            inside = clip.x0 <= x - d / 2 and x + d / 2 <= clip.x1
            if inside and clip.y0 <= y - d / 2 and y + d / 2 <= clip.y1:
                found[round(x - left, 2), round(bottom - y, 2)] = d
    return found


@pytest.fixture
def one_hole(geom: Callable[..., Any], tmp_path: Path) -> Path:
    """A 120 x 80 mm panel with a 12.2 mm hole at (30, 20) and a 7.2 mm one at (90, 55)."""
    path = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2), (90.0, 55.0, 7.2)])
    assert geom("panel", path, "-o", tmp_path / "out").code == 0
    return tmp_path / "out"


def test_a_panel_is_drawn_at_1_to_1_on_one_a4_page(one_hole: Path) -> None:
    doc = pymupdf.open(one_hole / "front-template.pdf")
    (page,) = doc
    assert (page.rect.width / PT, page.rect.height / PT) == pytest.approx((210, 297), abs=0.01)
    box = outline(page)
    assert (box.width / PT, box.height / PT) == pytest.approx((120.0, 80.0), abs=0.02)
    found = sorted(circles(page), key=lambda c: c[2])
    assert [c[2] for c in found] == pytest.approx([7.2, 12.2], abs=0.02)
    # Each centre from the outline's lower-left corner, Y up: the panel file's position.
    left, bottom = box.x0 / PT, box.y1 / PT
    assert [(x - left, bottom - y) for x, y, _ in found] == [
        pytest.approx((90.0, 55.0), abs=0.02),
        pytest.approx((30.0, 20.0), abs=0.02),
    ]
    lines = rulers(page)
    assert any(abs(dx - 100.0) <= 0.05 and abs(dy) < 1e-6 for dx, dy in lines), lines
    assert any(abs(dy - 100.0) <= 0.05 and abs(dx) < 1e-6 for dx, dy in lines), lines
    text = page.get_text()
    assert "print at 100 % (no scaling)" in text
    assert "panel front" in text and "\u00d812.20" in text and "\u00d87.20" in text


def test_every_hole_has_a_centre_punch_cross(one_hole: Path) -> None:
    (page,) = pymupdf.open(one_hole / "front-template.pdf")
    crosses = []
    for d in paths(page, BLUE):
        items = d["items"]
        if len(items) == 2 and all(i[0] == "l" for i in items):
            (_, a, b), (_, c, e) = items
            crosses.append((((a.x + b.x) / 2 / PT, (a.y + b.y) / 2 / PT), (c.x - e.x, a.y - b.y)))
    for x, y, _ in circles(page):
        at = [arms for centre, arms in crosses if math.dist(centre, (x, y)) < 0.01]
        assert len(at) == 1, (x, y)
        assert all(abs(v) == 0.0 for v in at[0])  # one horizontal and one vertical line


def test_same_input_same_bytes(geom: Callable[..., Any], tmp_path: Path) -> None:
    path = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2)])
    for out in ("a", "b"):
        assert geom("panel", path, "-o", tmp_path / out).code == 0
    first = (tmp_path / "a" / "front-template.pdf").read_bytes()
    assert first == (tmp_path / "b" / "front-template.pdf").read_bytes()
    metadata = pymupdf.open(tmp_path / "a" / "front-template.pdf").metadata
    assert metadata["creationDate"] == "" and metadata["modDate"] == ""  # no clock


def test_a_19_inch_panel_is_tiled_with_overlap(geom: Callable[..., Any], tmp_path: Path) -> None:
    """482.6 x 88 mm (2U) with holes spread along it: several pages; every hole lies
    wholly inside the drawing window of some page; neighbouring windows share at least
    10 mm of the panel; each seam's alignment marks are at the same panel point on both
    pages."""
    holes = [(8.75, 6.35, 6.4), (473.85, 81.65, 6.4), (241.3, 44.0, 22.5)]
    holes += [(x, 30.0, 7.2) for x in (60.0, 150.0, 170.0, 330.0, 420.0)]
    path = panel_file(tmp_path, 482.6, 88.0, holes, name="rack")
    assert geom("panel", path, "-o", tmp_path / "out").code == 0
    doc = pymupdf.open(tmp_path / "out" / "rack-template.pdf")
    assert len(doc) >= 3
    assert drilled(doc) == {(x, y): pytest.approx(d, abs=0.02) for x, y, d in holes}
    spans, marks = [], []
    for page in doc:
        box, clip = outline(page), window(page)
        assert (box.width / PT, box.height / PT) == pytest.approx((482.6, 88.0), abs=0.02)
        left, bottom = box.x0 / PT, box.y1 / PT
        spans.append((clip.x0 - left, clip.x1 - left))
        marks.append(
            {
                (
                    round((d["rect"].x0 + d["rect"].x1) / 2 / PT - left, 2),
                    round(bottom - (d["rect"].y0 + d["rect"].y1) / 2 / PT, 2),
                )
                for d in paths(page, BLUE)
                if [i[0] for i in d["items"]][:4] == ["c"] * 4
            }
        )
    for (_, right), (left, _) in itertools.pairwise(spans):
        assert right - left >= 10.0
    for a, b in itertools.pairwise(marks):
        assert len(a & b) >= 3  # the seam's marks, on both pages


def test_failing_panel_withholds_the_template_and_tayda(
    geom: Callable[..., Any], tmp_path: Path
) -> None:
    """A hole 1 mm from the edge breaks the edge rule: exit 1, neither file; the run
    before left both, they are removed; --force writes both marked."""
    out = tmp_path / "out"
    good = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2)])
    assert geom("panel", good, "-o", out).code == 0
    assert (out / "front-template.pdf").exists() and (out / "front-tayda.txt").exists()
    bad = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2), (5.0, 40.0, 6.0)])
    assert geom("panel", bad, "-o", out).code == 1
    assert not (out / "front-template.pdf").exists() and not (out / "front-tayda.txt").exists()
    report = json.loads((out / "front-report.json").read_text(encoding="utf-8"))
    assert "front-template.pdf" in report["files"]["removed_stale"]
    assert report["files"]["tayda"] is None
    assert geom("panel", bad, "-o", out, "--force").code == 1
    (page,) = pymupdf.open(out / "front-template.pdf")
    assert "FIT FAILS - forced" in page.get_text()
    lines = (out / "front-tayda.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# FIT FAILS - forced"
    report = json.loads((out / "front-report.json").read_text(encoding="utf-8"))
    listed = {o["file"] for o in report["outputs"]}
    assert {"front-template.pdf", "front-tayda.txt"} <= listed


def test_a_bent_panel_prints_its_flat_pattern(geom: Callable[..., Any], tmp_path: Path) -> None:
    """The channel of docs/bends.md with a 6 mm hole on its base: the template's
    outline is the flat pattern's blank (the extents of the flat DXF's CUT layer, read
    with ezdxf), its holes the DXF's CIRCLEs; no Tayda text (a flat pattern is no face
    of a box)."""
    import ezdxf
    import ezdxf.bbox
    from test_docs import channel

    path = tmp_path / "channel.toml"
    hole = "[[hole]]\nx = 50.0\ny = 40.0\ndiameter = 6.0\n"  # on the base
    path.write_text(channel() + hole, encoding="utf-8")
    out = tmp_path / "out"
    assert geom("panel", path, "-o", out).code == 0
    msp = ezdxf.readfile(out / "channel-flat.dxf").modelspace()
    extents = ezdxf.bbox.extents(msp.query("*[layer=='CUT']"))
    x0, y0 = extents.extmin.x, extents.extmin.y
    holes = {
        (round(e.dxf.center.x - x0, 2), round(e.dxf.center.y - y0, 2)): 2 * e.dxf.radius
        for e in msp.query("CIRCLE[layer=='CUT']")
    }
    doc = pymupdf.open(out / "channel-template.pdf")
    assert holes and drilled(doc) == {k: pytest.approx(d, abs=0.02) for k, d in holes.items()}
    for page in doc:
        box = outline(page)
        assert (box.width / PT, box.height / PT) == pytest.approx(
            (extents.size.x, extents.size.y), abs=0.02
        )
        assert "(flat pattern)" in page.get_text()
    report = json.loads((out / "channel-report.json").read_text(encoding="utf-8"))
    assert report["files"]["tayda"] is None and "bent" in report["files"]["tayda_refused"]


@pytest.mark.parametrize("options", [["--explode"], ["--dxf-version", "r12"]])
def test_every_dxf_form_gives_the_same_template(
    geom: Callable[..., Any], tmp_path: Path, options: list[str]
) -> None:
    """The template reads the DXF as written: exploded into LINE and ARC entities, or
    R12 POLYLINEs, the same outline and holes."""
    path = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2), (90.0, 55.0, 7.2)])
    assert geom("panel", path, "-o", tmp_path / "out", *options).code == 0
    doc = pymupdf.open(tmp_path / "out" / "front-template.pdf")
    box = outline(doc[0])
    assert (box.width / PT, box.height / PT) == pytest.approx((120.0, 80.0), abs=0.02)
    assert drilled(doc) == {
        (30.0, 20.0): pytest.approx(12.2, abs=0.02),
        (90.0, 55.0): pytest.approx(7.2, abs=0.02),
    }


def test_the_api_writes_the_same_template_and_tayda_text(
    geom: Callable[..., Any], tmp_path: Path
) -> None:
    """`geom.build_panel` (the API's door) writes the CLI's bytes."""
    import geom as api

    path = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2)])
    assert geom("panel", path, "-o", tmp_path / "cli").code == 0
    api.build_panel(api.load_panel(path), tmp_path / "api")
    for name in ("front-template.pdf", "front-tayda.txt"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
