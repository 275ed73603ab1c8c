"""The drawing `geom panel` writes beside a panel's DXF: a flat panel's
(geom.render.panel_drawing) or a bent panel's flat pattern (geom.render.bent_drawing)."""

from __future__ import annotations

from pathlib import Path

from geom.model.panel_view import PanelView
from geom.render.bent_drawing import write_bent_drawing
from geom.render.panel_drawing import PanelDrawingFiles, write_panel_drawing

DRAWING_SUFFIXES = tuple(
    f"-{kind}-drawing.{ext}" for kind in ("panel", "flat") for ext in ("pdf", "dxf", "svg", "png")
)
"""The drawings' names after the panel's: a flat panel's, and a bent panel's flat pattern."""


def draw_panel(
    panel: PanelView, panel_dxf: Path | None, bom_csv: Path, out_dir: Path
) -> tuple[PanelDrawingFiles | None, list[str]]:
    """The drawing of a panel (a geom.panel.model.Panel) whose DXF was written (a bent
    panel's: its flat pattern); when the DXF was withheld (`panel_dxf` None), the removal
    of a drawing an earlier run left under the same names, which must not pass for this
    layout. Returns the drawing's files (or None) and the names of the stale files
    removed."""
    if panel_dxf is not None:
        write = write_panel_drawing if panel.bends is None else write_bent_drawing
        return write(panel, panel_dxf, bom_csv, out_dir), []
    removed = []
    for suffix in DRAWING_SUFFIXES:
        old = out_dir / f"{panel.name}{suffix}"
        if old.is_file():
            old.unlink()
            removed.append(old.name)
    return None, removed
