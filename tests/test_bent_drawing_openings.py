"""A bent panel's drawing states what its file has: every opening on every face named in
the flat view and in the opening table with its label, and the corner reliefs only when
two flanges meet (read back from the drawing's PDF text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest
from conftest import Run

U_FRONT = """[panel]
width = 200.0
height = 100.0
sheet = 1.5
process = "laser"
shop_tolerance = 0.05

[[flange]]
edge = "bottom"
height = 30.0
angle = 90.0
direction = "down"

[[flange]]
edge = "{second}"
height = 30.0
angle = 90.0
direction = "down"

[relief]
shape = "square"
size = 1.5

[[hole]]
x = 20.0
y = 20.0
diameter = 4.5
label = "PE"

[[hole]]
x = 180.0
y = 20.0
diameter = 4.5
label = "M1"

[[place]]
part = "dsub-E9"
x = 100.0
y = 50.0
label = "X1"

[[place]]
part = "gland-M12"
face = "bottom"
x = 100.0
y = 15.0
label = "G1"
"""
HEADING = "OPENINGS face by face; x, y in the face's frame from its lower-left corner"
# face, label, what, x, y (mm, in the face's frame), size as the table writes it
OPENINGS = [
    ("base", "X1", "dsub-E9", "100.00", "50.00"),
    ("base", "PE", "hole", "20.00", "20.00", "dia. 4.50"),
    ("base", "M1", "hole", "180.00", "20.00", "dia. 4.50"),
    ("bottom", "G1", "gland-M12", "100.00", "15.00"),
]


def drawing_text(geom: Callable[..., Run], tmp_path: Path, second: str) -> list[str]:
    path = tmp_path / "u.toml"
    path.write_text(U_FRONT.replace("{second}", second), encoding="utf-8")
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 0, run.out + run.err
    with pymupdf.open(tmp_path / "out" / "u-flat-drawing.pdf") as pdf:
        return [line.strip() for line in pdf[0].get_text().splitlines()]


def test_the_u_front_lists_every_opening_and_no_relief(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """Flanges on two opposite edges meet at no corner: the blank has no relief notch."""
    lines = drawing_text(geom, tmp_path, "top")
    table = lines[lines.index(HEADING) :]
    for row in OPENINGS:
        at = table.index(row[1])
        assert table[at - 2 : at + 4 + (len(row) > 5)] == [row[0], table[at - 1], *row[1:]], row
    assert all(lines.count(row[1]) == 2 for row in OPENINGS)  # in the view and the table
    assert not any("relief" in line.lower() for line in lines)


@pytest.mark.parametrize("second", ["left", "right"])
def test_flanges_that_meet_at_a_corner_note_its_relief(
    geom: Callable[..., Run], tmp_path: Path, second: str
) -> None:
    text = " ".join(drawing_text(geom, tmp_path, second))
    assert "Corner reliefs square, 1.500 mm past both bends, at 1 corner." in text
