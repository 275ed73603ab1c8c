"""The drawing `geom panel` writes beside a panel's DXF: a flat panel's
(geom.render.panel_drawing) or a bent panel's flat pattern (geom.render.bent_drawing),
and the 1:1 drilling template of either (geom.render.template_pdf)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from geom.model.panel_view import PanelView
from geom.output import OutputSet
from geom.render.bent_drawing import write_bent_drawing
from geom.render.panel_drawing import PanelDrawingFiles, write_panel_drawing
from geom.render.template_pdf import TemplateFace, template_name, write_template

DRAWING_SUFFIXES = (
    *(
        f"-{kind}-drawing.{ext}"
        for kind in ("panel", "flat")
        for ext in ("pdf", "dxf", "svg", "png")
    ),
    "-holes.csv",
)
"""The drawings' names after the panel's: a flat panel's, a bent panel's flat pattern, and
the flat panel's drilling table."""


def drawing_names(panel: PanelView) -> list[str]:
    """Every drawing file a panel may have, flat or bent, and its template."""
    return [*(f"{panel.name}{suffix}" for suffix in DRAWING_SUFFIXES), template_name(panel.name)]


def panel_template(panel: PanelView, panel_dxf: Path, out_dir: Path) -> Path:
    """The 1:1 drilling template of a panel's DXF (a bent panel's: its flat pattern)."""
    title = f"panel {panel.name}" + (" (flat pattern)" if panel.bends is not None else "")
    return write_template(out_dir, panel.name, [TemplateFace(title, panel_dxf)])


def draw_panel(
    panel: PanelView, panel_dxf: Path | None, bom_csv: Path, outputs: OutputSet
) -> PanelDrawingFiles | None:
    """The drawing and the template of a panel whose DXF was written (a bent panel's:
    its flat pattern), staged in `outputs`; None when the DXF was withheld (`panel_dxf`
    None). Their names are claimed either way: a drawing an earlier run left must not
    pass for this layout."""
    outputs.claim(*drawing_names(panel))
    if panel_dxf is None:
        return None
    write = write_panel_drawing if panel.bends is None else write_bent_drawing
    made = write(panel, outputs.staged(panel_dxf), outputs.staged(bom_csv), outputs.dir)
    template = panel_template(panel, outputs.staged(panel_dxf), outputs.dir)
    final = outputs.final
    return replace(
        made,
        dxf=final(made.dxf),
        pdf=final(made.pdf),
        svg=final(made.svg),
        png=final(made.png),
        holes=outputs.final_of(made.holes),
        template=final(template),
    )
