"""Tayda's drill-tool text both ways (one round hole per line, tab-separated: face,
diameter, x, y in mm from the face's centre, as Tayda's box-drill tool exports it and
the open pedal-drill tool reads it), and the template of a `geom cut` layout, measured
on the files written. The expected lines are worked out here from the face sizes: a
panel's centre is half its size; the test enclosure (test_cut's: a 160 x 100 x 50 mm
box, edges filleted 3 mm) has a lid (">Z") flat over 154 x 94 mm and a front ("<Y")
flat over 154 x 44 mm, centres (77, 47) and (77, 22) in their frames."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from test_template_pdf import BLACK, PT, circles, outline, panel_file

from geom.data.tayda import TaydaHole, read_tayda, tayda_text
from geom.errors import InputError

LID = [(30.0, 40.0, 12.2), (100.5, 60.25, 7.2)]
FRONT = [(40.0, 25.0, 9.7)]


def test_the_text_is_one_tab_separated_line_per_hole() -> None:
    holes = [TaydaHole("A", 12.2, -47.0, -7.0), TaydaHole("B", 9.7, 0.0005, -0.0004)]
    assert tayda_text(holes) == "A\t12.2\t-47\t-7\nB\t9.7\t0.001\t0\n"
    assert tayda_text(holes[:1], forced=True) == "# FIT FAILS - forced\nA\t12.2\t-47\t-7\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A\t12.2\t0\n", "line 1: 'A\\t12.2\\t0' is not a hole: 3 tab-separated columns"),
        ("# a comment\n\nZ\t3\t0\t0\n", "line 3.face: 'Z' is not a face; allowed A, B, C, D or E"),
        ("A\tno\t0\t0\n", "line 1.diameter: 'no' is not a number"),
        ("A\t0\t0\t0\n", "line 1.diameter: '0' is out of range"),
        ("A\tnan\t0\t0\n", "line 1.diameter: 'nan' is out of range"),
        (
            "A\t3\t0\t0\nD\t0\t16.2\t3.8\t16.2\t-4.2\n",
            "line 2: 'D\\t0\\t16.2\\t3.8\\t16.2\\t-4.2' is a construction line (it cuts nothing)",
        ),
        ("# only a comment\n", "line 1: no hole is all the file holds"),
    ],
)
def test_a_bad_line_names_its_number(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_tayda(path)
    assert str(raised.value).startswith(f"{path}:{message}")


def test_a_byte_order_mark_and_comments_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("# from Tayda\nA\t3\t0\t-1.5\n", encoding="utf-8-sig")
    assert read_tayda(path) == [TaydaHole("A", 3.0, 0.0, -1.5, 2)]


def test_a_flat_panel_is_face_a_from_its_centre(geom: Callable[..., Any], tmp_path: Path) -> None:
    path = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2), (90.0, 55.0, 7.2)])
    assert geom("panel", path, "-o", tmp_path / "out").code == 0
    text = (tmp_path / "out" / "front-tayda.txt").read_text(encoding="utf-8")
    assert text == "A\t12.2\t-30\t-20\nA\t7.2\t30\t15\n"
    report = json.loads((tmp_path / "out" / "front-report.json").read_text(encoding="utf-8"))
    assert report["files"]["tayda"] == "front-tayda.txt"
    assert report["files"]["tayda_refused"] is None


def test_a_panel_with_a_slot_gets_no_tayda_text(geom: Callable[..., Any], tmp_path: Path) -> None:
    slot = "[[slot]]\nx = 60.0\ny = 60.0\nlength = 20.0\nwidth = 6.0\n"
    path = panel_file(tmp_path, 120.0, 80.0, [(30.0, 20.0, 12.2)], extra=slot)
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 0
    assert not (tmp_path / "out" / "front-tayda.txt").exists()
    report = json.loads((tmp_path / "out" / "front-report.json").read_text(encoding="utf-8"))
    assert report["files"]["tayda"] is None
    assert report["files"]["tayda_refused"].endswith("not round: slot[0]")
    assert "no Tayda text: Tayda's text holds round holes only" in run.out
    assert (tmp_path / "out" / "front-template.pdf").exists()  # the template draws the slot


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """`geom cut` of a two-face layout, faces named A (the lid) and B (the front)."""
    from test_cut import enclosure

    from geom.cli import main

    tmp = tmp_path_factory.mktemp("tayda")
    text = '[enclosure]\n[[face]]\nname = "A"\nselect = ">Z"\n'
    text += "".join(f"[[face.hole]]\nx = {x}\ny = {y}\ndiameter = {d}\n" for x, y, d in LID)
    text += '[[face]]\nname = "B"\nselect = "<Y"\n'
    text += "".join(f"[[face.hole]]\nx = {x}\ny = {y}\ndiameter = {d}\n" for x, y, d in FRONT)
    layout = tmp / "box.toml"
    layout.write_text(text, encoding="utf-8")
    box = enclosure(tmp)
    assert main(["cut", str(box), str(layout), "-o", str(tmp / "out")]) == 0
    return box, layout, tmp / "out"


def test_a_cut_layout_is_written_face_by_face(cut: tuple[Path, Path, Path]) -> None:
    _, _, out = cut
    assert (out / "box-tayda.txt").read_text(encoding="utf-8") == (
        "A\t12.2\t-47\t-7\nA\t7.2\t23.5\t13.25\nB\t9.7\t-37\t3\n"
    )
    report = json.loads((out / "box-report.json").read_text(encoding="utf-8"))
    assert {"box-tayda.txt", "box-template.pdf"} <= {o["file"] for o in report["outputs"]}


def test_the_cut_template_has_a_page_per_face(cut: tuple[Path, Path, Path]) -> None:
    _, _, out = cut
    lid, front = pymupdf.open(out / "box-template.pdf")
    for page, (width, height), holes in ((lid, (154, 94), LID), (front, (154, 44), FRONT)):
        box = outline(page)
        assert (box.width / PT, box.height / PT) == pytest.approx((width, height), abs=0.02)
        left, bottom = box.x0 / PT, box.y1 / PT
        found = sorted((round(x - left, 2), round(bottom - y, 2), d) for x, y, d in circles(page))
        assert found == [(x, y, pytest.approx(d, abs=0.02)) for x, y, d in sorted(holes)]
    assert "box: face A" in lid.get_text() and "box: face B" in front.get_text()


def test_tayda_text_reads_back_to_the_same_layout(
    cut: tuple[Path, Path, Path], geom: Callable[..., Any], tmp_path: Path
) -> None:
    from geom.panel.cut_layout import load_cut_layout

    box, layout, out = cut
    back = tmp_path / "back.toml"
    faces = ["--face", "A=>Z", "--face", "B=<Y"]
    run = geom("tayda", out / "box-tayda.txt", "--enclosure", box, *faces, "-o", back)
    assert run.code == 0, run.err
    before, after = load_cut_layout(layout), load_cut_layout(back)
    assert [(f.name, f.select) for f in after.faces] == [(f.name, f.select) for f in before.faces]
    for a, b in zip(before.faces, after.faces, strict=True):
        assert [(h.x, h.y, h.diameter) for h in b.holes] == [
            (pytest.approx(h.x, abs=0.01), pytest.approx(h.y, abs=0.01), h.diameter)
            for h in a.holes
        ]


def test_bad_tayda_input_exits_2_and_writes_nothing(
    cut: tuple[Path, Path, Path], geom: Callable[..., Any], tmp_path: Path
) -> None:
    box, _, _ = cut
    bad = tmp_path / "bad.txt"
    bad.write_text("A\t12.2\t0\t0\nA\t7.2\tleft\t0\n", encoding="utf-8")
    back = tmp_path / "back.toml"
    run = geom("tayda", bad, "--enclosure", box, "--face", "A=>Z", "-o", back)
    assert run.code == 2 and not back.exists()
    assert (
        run.err
        == f"geom: {bad}:line 2.x: 'left' is not a number; allowed a number in mm, -1000 .. 1000\n"
    )
    bad.write_text("A\t12.2\t0\t0\nB\t7.2\t0\t0\n", encoding="utf-8")
    run = geom("tayda", bad, "--enclosure", box, "--face", "A=>Z", "-o", back)
    assert run.code == 2 and not back.exists()
    assert run.err.startswith(f"geom: {bad}:line 2.face: 'B' is not given a face of the enclosure")
    bad.write_text("A\t12.2\t72\t0\n", encoding="utf-8")  # 72 + 6.1 > 77, half the lid
    run = geom("tayda", bad, "--enclosure", box, "--face", "A=>Z", "-o", back)
    assert run.code == 2 and not back.exists()
    assert "a hole reaching past face A, 154 x 94 mm" in run.err


def test_faces_not_named_a_to_e_get_no_tayda_text(
    cut: tuple[Path, Path, Path], geom: Callable[..., Any], tmp_path: Path
) -> None:
    box, layout, _ = cut
    named = tmp_path / "named.toml"
    text = layout.read_text(encoding="utf-8")
    named.write_text(text.replace('name = "A"', 'name = "lid"'), encoding="utf-8")
    run = geom("cut", box, named, "-o", tmp_path / "out")
    assert run.code == 0
    assert not (tmp_path / "out" / "named-tayda.txt").exists()
    report = json.loads((tmp_path / "out" / "named-report.json").read_text(encoding="utf-8"))
    assert report["files"]["tayda_refused"] == ("Tayda's text names faces A to E, not: lid")
    assert (tmp_path / "out" / "named-template.pdf").exists()


BOX_HOLES = {
    "A": [(0.0, -30.0, 12.2), (20.0, 25.0, 7.2)],
    "B": [(-20.0, 0.0, 9.7)],
    "C": [(30.0, 0.0, 8.0)],
}


@pytest.fixture(scope="module")
def boxed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """`geom cut` of a 1590BB layout (no STEP: the library box), holes on A, B and C."""
    from geom.cli import main

    tmp = tmp_path_factory.mktemp("boxed")
    text = '[box]\nmodel = "1590BB"\n'
    for letter, holes in BOX_HOLES.items():
        text += f'[[face]]\nname = "{letter}"\n'
        text += "".join(f"[[face.hole]]\nx = {x}\ny = {y}\ndiameter = {d}\n" for x, y, d in holes)
    layout = tmp / "fuzz.toml"
    layout.write_text(text, encoding="utf-8")
    assert main(["cut", str(layout), "-o", str(tmp / "out")]) == 0
    return layout, tmp / "out"


def test_a_box_layout_is_written_as_placed(boxed: tuple[Path, Path]) -> None:
    """A box's faces are framed from their centres: the text repeats the layout's x, y."""
    _, out = boxed
    expected = "".join(
        f"{letter}\t{d:g}\t{x:g}\t{y:g}\n"
        for letter, holes in BOX_HOLES.items()
        for x, y, d in holes
    )
    assert (out / "fuzz-tayda.txt").read_text(encoding="utf-8") == expected


def test_a_box_layout_reads_back_through_box(
    boxed: tuple[Path, Path], geom: Callable[..., Any], tmp_path: Path
) -> None:
    from geom.panel.cut_layout import load_cut_layout

    layout, out = boxed
    back = tmp_path / "back.toml"
    assert geom("tayda", out / "fuzz-tayda.txt", "--box", "1590BB", "-o", back).code == 0
    before, after = load_cut_layout(layout), load_cut_layout(back)
    assert after.box is not None and after.box.model == "1590BB"
    assert [f.name for f in after.faces] == [f.name for f in before.faces]
    for a, b in zip(before.faces, after.faces, strict=True):
        assert [(h.x, h.y, h.diameter) for h in b.holes] == [
            (pytest.approx(h.x, abs=0.01), pytest.approx(h.y, abs=0.01), h.diameter)
            for h in a.holes
        ]


def _loop(d: dict[str, Any]) -> bool:
    """A black path whose last point is back at its first: an outline."""
    items = d["items"]
    closed = len(items) > 2 and abs(items[0][1] - items[-1][-1]) < 1e-3
    return closed and d.get("color") == BLACK


def test_a_box_template_opens_with_the_box_unfolded(boxed: tuple[Path, Path]) -> None:
    """Page 1: faces A, B and C at 1:1 (a 1590BB's net fits A4), each outline the size of
    its face DXF's REFERENCE outline (read with ezdxf), B above A, C left of A. Then one
    page per face, each hole where the layout puts it from the outline's centre."""
    import ezdxf
    import ezdxf.bbox

    _, out = boxed
    sizes = {}
    for letter in BOX_HOLES:
        msp = ezdxf.readfile(out / f"fuzz-{letter}-face.dxf").modelspace()
        extents = ezdxf.bbox.extents(msp.query("*[layer=='REFERENCE']"))
        sizes[letter] = (extents.size.x, extents.size.y)
    net, *pages = pymupdf.open(out / "fuzz-template.pdf")
    assert "the box unfolded" in net.get_text() and len(pages) == 3
    closed = [d["rect"] for d in net.get_drawings() if _loop(d)]
    found = {(round(r.width / PT, 1), round(r.height / PT, 1)): r for r in closed}
    a = found[tuple(round(v, 1) for v in sizes["A"])]
    b = found[tuple(round(v, 1) for v in sizes["B"])]  # turned half a turn: same extents
    c = found[tuple(round(v, 1) for v in reversed(sizes["C"]))]  # a quarter turn
    assert b.y1 <= a.y0 and c.x1 <= a.x0
    for page, (letter, holes) in zip(pages, BOX_HOLES.items(), strict=True):
        box = outline(page)
        assert (box.width / PT, box.height / PT) == pytest.approx(sizes[letter], abs=0.02)
        cx, cy = (box.x0 + box.x1) / 2 / PT, (box.y0 + box.y1) / 2 / PT
        drawn = sorted((round(x - cx, 2), round(cy - y, 2), d) for x, y, d in circles(page))
        assert drawn == [(x, y, pytest.approx(d, abs=0.02)) for x, y, d in sorted(holes)]
