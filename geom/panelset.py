"""A panel file's whole output set, written as `geom panel` writes it: the layout check,
the CAM files (DXF, STEP, assembly; a bent panel's flat pattern and folded STEP), the BOM,
the report and the drawing, through one output gate (geom.output). The command, the API's
build_panel and `geom serve`'s exports all call this: the same file, the same bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geom.output import output_set

if TYPE_CHECKING:
    from geom.dxf.flat import Marks
    from geom.dxf.writer import DxfVersion
    from geom.panel.job import PanelFiles
    from geom.panel.model import Panel
    from geom.render.panel_drawing import PanelDrawingFiles


@dataclass(frozen=True, slots=True)
class PanelSet:
    """What one run wrote: the CAM files, BOM and report, the drawing (None when the DXF
    was withheld), and the names of an earlier run's files it removed (stale)."""

    files: PanelFiles
    drawing: PanelDrawingFiles | None
    removed: tuple[str, ...]


def write_panel_set(
    panel: Panel,
    out_dir: Path,
    *,
    version: DxfVersion = "r2000",
    explode: bool = False,
    force: bool = False,
    marks: Marks = "layer",
) -> PanelSet:
    """Check `panel` and write its files into `out_dir` as one set (mm; `marks`: a bent
    panel's bend lines by layer or colour). The DXF, STEP and drawing files are written
    only when the layout holds, or with `force` (then marked)."""
    from geom.panel.bent_job import run_bent
    from geom.panel.job import run_panel
    from geom.render.drawings import draw_panel, drawing_names

    with output_set(out_dir) as outputs:
        also = drawing_names(panel)
        if panel.bends is not None:
            files = run_bent(
                panel,
                outputs,
                version=version,
                explode=explode,
                force=force,
                marks=marks,
                also=also,
            )
        else:
            files = run_panel(
                panel, outputs, version=version, explode=explode, force=force, also=also
            )
        drawing = draw_panel(panel, files.dxf, files.bom, outputs)
    return PanelSet(files, drawing, tuple(outputs.removed))
