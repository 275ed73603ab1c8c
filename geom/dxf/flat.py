"""The flat pattern of a bent panel as DXF (mm): the blank's outline with its reliefs and
every opening on `CUT` (linted like every cut layer; a full circle is one CIRCLE), one
LINE per bend on its own layer (`BEND_UP` / `BEND_DOWN`, never on `CUT`), or with
`marks="colour"` all on `BEND` coloured by direction (up green, down magenta); the bend
data (angle, direction, inside radius, K in both conventions, allowance) as text on
`NOTES` beside each line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from geom.dxf.layers import (
    BEND_DOWN_LAYER,
    BEND_LAYER,
    BEND_UP_LAYER,
    CUT_LAYER,
    NOTES_LAYER,
)
from geom.dxf.writer import (
    DxfVersion,
    Mark,
    Note,
    add_contour,
    add_lettering,
    add_marks,
    new_document,
    write_document,
)
from geom.model.contour import Vertex
from geom.model.lettering import Lettering

Marks = Literal["layer", "colour"]
MARKS: tuple[Marks, ...] = ("layer", "colour")
UP_COLOUR = 3
"""ACI green: bends toward the front, when bends are marked by colour."""
DOWN_COLOUR = 6
"""ACI magenta: bends toward the back."""


@dataclass(frozen=True, slots=True)
class BendMark:
    """One bend line from `start` to `end` (mm), its direction and its text."""

    start: tuple[float, float]
    end: tuple[float, float]
    up: bool
    text: str


def write_flat(
    path: Path,
    contours: Sequence[Sequence[Vertex]],
    bends: Sequence[BendMark],
    notes: Sequence[Note] = (),
    *,
    marks: Marks = "layer",
    version: DxfVersion = "r2000",
    explode: bool = False,
    texts: Sequence[Lettering] = (),
    circles: Sequence[Mark] = (),
) -> Path:
    """Write the flat pattern: `contours` (closed, counter-clockwise) on CUT, the bend
    lines as `marks` says, `texts` (in the flat pattern's frame) on ENGRAVE and PRINT, `circles`
    on their layers, the
    bend texts and `notes` on NOTES (geom.dxf.writer's lint, units and fixed metadata)."""
    doc = new_document()
    doc.layers.add(CUT_LAYER, color=1)
    doc.layers.add(NOTES_LAYER, color=5)
    if marks == "layer":
        doc.layers.add(BEND_UP_LAYER, color=UP_COLOUR)
        doc.layers.add(BEND_DOWN_LAYER, color=DOWN_COLOUR)
    else:
        doc.layers.add(BEND_LAYER, color=7)
    msp = doc.modelspace()
    cut = {"layer": CUT_LAYER}
    for contour in contours:
        add_contour(msp, contour, cut, explode=explode)
    add_lettering(doc, texts)
    for bend in bends:
        attribs: dict[str, str | int]
        if marks == "layer":
            attribs = {"layer": BEND_UP_LAYER if bend.up else BEND_DOWN_LAYER}
        else:
            attribs = {"layer": BEND_LAYER, "color": UP_COLOUR if bend.up else DOWN_COLOUR}
        msp.add_line(bend.start, bend.end, dxfattribs=attribs)
        x = min(bend.start[0], bend.end[0])
        y = min(bend.start[1], bend.end[1])
        horizontal = abs(bend.end[1] - bend.start[1]) < abs(bend.end[0] - bend.start[0])
        text = msp.add_text(
            bend.text,
            height=2.5,
            dxfattribs={"layer": NOTES_LAYER, "rotation": 0.0 if horizontal else 90.0},
        )
        text.set_placement((x + 2.0, y + 1.0) if horizontal else (x - 1.0, y + 2.0))
    add_marks(doc, circles)
    for note in notes:
        msp.add_text(
            note.text, height=note.height, dxfattribs={"layer": NOTES_LAYER}
        ).set_placement((note.x, note.y))
    return write_document(path, doc, version=version)
