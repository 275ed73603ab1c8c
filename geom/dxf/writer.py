"""The ezdxf adapter: CAM-ready DXF from closed contours.

- Units: $INSUNITS = 4 (mm), $MEASUREMENT = 1 (metric). R12 cannot carry units.
- Layer `CUT` holds cut geometry only: one closed LWPOLYLINE per contour with bulge arcs
  (R2000), or POLYLINE (R12), or LINE/ARC when exploded; a full circle (a round cutout,
  a fixing hole, a panel hole) is one CIRCLE in every form, the entity punch CAM gives a
  round tool and every importer reads. Text goes on layer `NOTES`; geometry that is
  already there (an enclosure face's outline and openings) on `REFERENCE`, never on `CUT`.
- Text for the shop to make is geometry, never live text: engraved strokes as open
  LWPOLYLINEs on `ENGRAVE`, printed outlines as closed LWPOLYLINEs on `PRINT`, straight
  segments only, in every form (R12 turns them into POLYLINEs).
- Nominal geometry: no kerf. Same input, same bytes: fixed header times and GUIDs.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import ezdxf
from ezdxf import units
from ezdxf.addons import r12export
from ezdxf.math import Vec2, bulge_to_arc

from geom.data.atomic import write_bytes
from geom.dxf.layers import (
    COUNTERSINK_LAYER,
    CUT_LAYER,
    ENGRAVE_LAYER,
    NOTES_LAYER,
    PRINT_LAYER,
    REFERENCE_LAYER,
    THREAD_LAYER,
)
from geom.dxf.lint import check
from geom.model.contour import Vertex, circle_of
from geom.model.lettering import Lettering

DxfVersion = Literal["r2000", "r12"]
CUT_TYPES_R2000 = frozenset({"LWPOLYLINE", "CIRCLE"})
FIXED_JULIAN_DATE = 2451544.5
"""2000-01-01 00:00, the date ezdxf's fixed-metadata mode writes; never the clock."""
R12_UNITS_NOTE = "DXF R12 carries no units: tell the shop the file is in millimetres"


@dataclass(frozen=True, slots=True)
class Note:
    """One line of annotation text, lower-left at (x, y), `height` in mm."""

    text: str
    x: float
    y: float
    height: float = 2.5


MARK_LAYERS = {COUNTERSINK_LAYER: 4, THREAD_LAYER: 2}
"""The layers of `Mark`s and their colours (cyan, yellow)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A circle for people on its own layer (a countersink's or a thread's diameter
    around a hole on `CUT`): layer, centre (x, y) and radius, mm."""

    layer: str
    x: float
    y: float
    radius: float


def write_dxf(
    path: Path,
    contours: Sequence[Sequence[Vertex]],
    notes: Sequence[Note] = (),
    *,
    version: DxfVersion = "r2000",
    explode: bool = False,
    reference: Sequence[Sequence[Vertex]] = (),
    texts: Sequence[Lettering] = (),
    circles: Sequence[Mark] = (),
) -> Path:
    """Write `contours` (closed, counter-clockwise) on `CUT`, `reference` (closed
    contours already there, not to cut) on `REFERENCE`, `texts` on `ENGRAVE` and `PRINT`
    (`add_lettering`), `circles` on their layers (`add_marks`) and `notes` on `NOTES` to
    `path` (see `write_document`)."""
    doc = new_document()
    doc.layers.add(CUT_LAYER, color=1)
    doc.layers.add(NOTES_LAYER, color=5)
    if reference:
        doc.layers.add(REFERENCE_LAYER, color=8)
    msp = doc.modelspace()
    for contour in reference:
        add_contour(msp, contour, {"layer": REFERENCE_LAYER}, explode=explode)
    cut = {"layer": CUT_LAYER}
    for contour in contours:
        add_contour(msp, contour, cut, explode=explode)
    add_lettering(doc, texts)
    add_marks(doc, circles)
    for note in notes:
        msp.add_text(
            note.text, height=note.height, dxfattribs={"layer": NOTES_LAYER}
        ).set_placement((note.x, note.y))
    return write_document(path, doc, version=version)


def add_marks(doc: Any, circles: Sequence[Mark]) -> None:
    """Each `Mark` as a CIRCLE on its layer (the layers added as used)."""
    for layer in dict.fromkeys(m.layer for m in circles):
        doc.layers.add(layer, color=MARK_LAYERS[layer])
    msp = doc.modelspace()
    for m in circles:
        msp.add_circle((m.x, m.y), m.radius, dxfattribs={"layer": m.layer})


def add_contour(
    msp: Any, contour: Sequence[Vertex], attribs: dict[str, str], *, explode: bool = False
) -> None:
    """Add one closed contour to the layout `msp`: a full circle as one CIRCLE, else one
    closed LWPOLYLINE with bulge arcs, or LINE and ARC entities with `explode`."""
    round_hole = circle_of(contour)
    if round_hole is not None:
        x, y, radius = round_hole
        msp.add_circle((x, y), radius, dxfattribs=attribs)
    elif explode:
        _add_exploded(msp, contour, attribs)
    else:
        msp.add_lwpolyline(
            [(x, y, 0, 0, b) for x, y, b in contour], format="xyseb", close=True, dxfattribs=attribs
        )


def add_lettering(doc: Any, texts: Sequence[Lettering]) -> None:
    """Each text's paths on its layer: engraved strokes as open LWPOLYLINEs on `ENGRAVE`
    (colour 7), printed outlines as closed LWPOLYLINEs on `PRINT` (colour 3); the layers
    only when used."""
    msp = doc.modelspace()
    for t in texts:
        layer = PRINT_LAYER if t.closed else ENGRAVE_LAYER
        if layer not in doc.layers:
            doc.layers.add(layer, color=3 if t.closed else 7)
        for path in t.paths:
            msp.add_lwpolyline(path, format="xy", close=t.closed, dxfattribs={"layer": layer})


def new_document() -> Any:
    """An empty R2000 document in mm ($INSUNITS = 4, $MEASUREMENT = 1) whose header holds
    no clock time: every DXF geom writes starts here."""
    with _fixed_metadata():
        doc = ezdxf.new("R2000", units=units.MM)
    for var in ("$TDCREATE", "$TDUPDATE"):  # the R12 export keeps new()'s clock time
        doc.header[var] = FIXED_JULIAN_DATE
    return doc


def write_document(path: Path, doc: Any, *, version: DxfVersion = "r2000") -> Path:
    """Lint `doc` (geom.dxf.lint: a problem raises `LintError`, nothing is written), then
    write it to `path` atomically, as R2000 or R12, with fixed metadata (same bytes)."""
    check(doc, str(path))  # the R12 export converts the same entities one to one
    stream = io.StringIO()
    with _fixed_metadata():
        if version == "r12":
            r12export.write(doc, stream)
        else:
            doc.write(stream)
    return write_bytes(path, bytes(doc.encode(stream.getvalue())))


def _add_exploded(msp: Any, contour: Sequence[Vertex], attribs: dict[str, str]) -> None:
    """Each segment as a LINE, each bulge arc as an ARC (counter-clockwise)."""
    n = len(contour)
    for i, (x, y, bulge) in enumerate(contour):
        start, end = Vec2(x, y), Vec2(contour[(i + 1) % n][0], contour[(i + 1) % n][1])
        if bulge == 0:
            msp.add_line(start, end, dxfattribs=attribs)
        else:
            centre, a0, a1, radius = bulge_to_arc(start, end, bulge)
            msp.add_arc(centre, radius, _deg(a0), _deg(a1), dxfattribs=attribs)


def _deg(radians: float) -> float:
    return float(Vec2.from_angle(radians).angle_deg) % 360.0


@contextlib.contextmanager
def _fixed_metadata() -> Iterator[None]:
    """ezdxf's switch for fixed $TDCREATE/$TDUPDATE and GUIDs: reproducible bytes."""
    before = ezdxf.options.write_fixed_meta_data_for_testing
    ezdxf.options.write_fixed_meta_data_for_testing = True
    try:
        yield
    finally:
        ezdxf.options.write_fixed_meta_data_for_testing = before
