"""What a countersunk, tapped or PEM hole adds to a CAM DXF beside its circle on `CUT`:
the countersink's or the thread's circle on its own layer (`COUNTERSINK`, `THREAD`) and
the hole's note on `NOTES`, to the right of it. The same on a flat panel, a bent panel's
flat pattern and an enclosure face; `at` gives each hole's centre in the DXF (mm)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from geom.dxf.layers import COUNTERSINK_LAYER, THREAD_LAYER
from geom.dxf.writer import Mark, Note
from geom.panel.model import Hole

HOLE_NOTE_MM = 1.25
"""The height of a hole's note (half the notes' 2.5 mm: it sits beside a small hole)."""

At = Callable[[Hole], tuple[float, float]]


def centre(hole: Hole) -> tuple[float, float]:
    """The hole's centre as its file gives it (a flat panel, an enclosure face)."""
    return hole.x, hole.y


def hole_marks(holes: Sequence[Hole], at: At = centre) -> list[Mark]:
    """A circle of each countersink (on COUNTERSINK) and of each tapped hole's nominal
    thread (on THREAD), about its hole, in file order."""
    out: list[Mark] = []
    for h in holes:
        f = h.fastener
        if f is not None and f.countersink is not None:
            out.append(Mark(COUNTERSINK_LAYER, *at(h), f.countersink / 2))
        elif f is not None and f.major is not None:
            out.append(Mark(THREAD_LAYER, *at(h), f.major / 2))
    return out


def hole_notes(holes: Sequence[Hole], at: At = centre) -> list[Note]:
    """Each countersunk, tapped or PEM hole's note (`Hole.note`) to the right of it."""
    out: list[Note] = []
    for h in holes:
        f = h.fastener
        if f is not None:
            x, y = at(h)
            reach = max(h.diameter, f.countersink or 0.0, f.major or 0.0) / 2
            out.append(
                Note(h.note, x + reach + HOLE_NOTE_MM / 2, y - HOLE_NOTE_MM / 2, HOLE_NOTE_MM)
            )
    return out
