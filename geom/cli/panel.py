"""`geom panel FILE`: the command's options, its work and what it prints (mm)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from geom.cli.options import dxf_format_args, output_args, print_ways_out, warn_assumed_any
from geom.data.atomic import prepare_dir
from geom.model.notes import FORCED_NOTE
from geom.model.units import band, mm
from geom.panelset import write_panel_set

if TYPE_CHECKING:
    from geom.dxf.flat import Marks
    from geom.dxf.writer import DxfVersion

MAX_LISTED = 50
"""Violations printed one per line; the report lists them all."""


def add_panel(sub: Any) -> None:
    panel = sub.add_parser(
        "panel",
        help="check a panel layout; write its DXF, STEP files, drawing, BOM and report",
        description="Check the layout of the panel file FILE (every part's fit on the "
        "panel's sheet and coating, webs and edge distances, flanges, bodies, plugs, "
        "slots) and write DIR/<name>-panel.dxf, <name>-panel.step, <name>-assembly.step, "
        "the panel drawing <name>-panel-drawing.pdf, .dxf, .svg and .png, the 1:1 drilling "
        "template <name>-template.pdf, Tayda's drill-tool text <name>-tayda.txt (round holes "
        "only), <name>-bom.csv and <name>-report.json (<name> = the file's stem); a panel "
        "with [[flange]] entries: <name>-flat.dxf (the flat pattern), <name>-folded.step, "
        "<name>-assembly.step and <name>-flat-drawing.*, after the bend rules. All sizes "
        "in millimetres. Exit status: 0 layout ok, 1 a rule is broken (the DXF, STEP and "
        "drawing files are withheld unless --force; BOM and report are written), 2 bad "
        "input.",
    )
    panel.add_argument("file", metavar="FILE", type=Path, help="panel file (TOML)")
    output_args(
        panel, "the DXF, STEP, drawing, template and Tayda files even when a layout rule is broken"
    )
    dxf_format_args(panel)
    panel.add_argument(
        "--bend-marks",
        choices=("layer", "colour"),
        default="layer",
        help="a panel with flanges: bend lines on BEND_UP / BEND_DOWN (layer, the default) "
        "or all on BEND, green up and magenta down (colour)",
    )
    panel.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from geom.model.layout import where_text
    from geom.panel.job import data_sheet_notes, standard_notes
    from geom.panel.model import load_panel

    panel = load_panel(args.file)
    if not (panel.places or panel.holes or panel.slots):
        print(
            f"geom: note: {args.file}: the panel has no openings, its outputs show the outline "
            "alone; add [[place]], [[array]], [[hole]] or [[slot]] entries to cut any",
            file=sys.stderr,
        )
    prepare_dir(args.output)  # a bad folder is bad input, before any warning
    warn_assumed_any(p.part for p in panel.places)
    if args.dxf_version == "r12":
        from geom.dxf.writer import R12_UNITS_NOTE

        print(f"geom: note: {R12_UNITS_NOTE}", file=sys.stderr)
    version = cast("DxfVersion", args.dxf_version)
    written = write_panel_set(
        panel,
        args.output,
        version=version,
        explode=args.explode,
        force=args.force,
        marks=cast("Marks", args.bend_marks),
    )
    files, made = written.files, written.drawing
    drawing = [made.pdf, made.dxf, made.svg, made.png, made.template] if made else []
    print(
        f"panel {panel.name}: {mm(panel.width)} x {mm(panel.height)} mm, sheet "
        f"{band(panel.sheet.min, panel.sheet.max)} mm {panel.process}, {len(panel.places)} "
        f"cutouts, {len(panel.holes)} holes, {len(panel.slots)} slots"
    )
    for v in files.violations[:MAX_LISTED]:
        print(f"  FAIL {v.rule}: {v.message} [{where_text(v)}]")
    if len(files.violations) > MAX_LISTED:
        print(f"  ... {len(files.violations) - MAX_LISTED} more in {files.report.name}")
    for note in data_sheet_notes(panel):
        print(f"  data sheet wins: {note}")
    for note in standard_notes(panel):
        print(f"  standard wins: {note}")
    print_ways_out(files.advice.ways_out, files.advice.no_way_out)
    if files.refused:
        print(f"  {len(files.violations)} layout violations; {files.refused}")
    elif files.violations:
        state = (
            f"written anyway (--force), marked {FORCED_NOTE}"
            if files.forced
            else "withheld (--force writes them)"
        )
        print(
            f"  {len(files.violations)} layout violations; DXF, STEP, drawing and template {state}"
        )
    else:
        print("  layout ok")
    for name in written.removed:
        print(f"  removed {name} of an earlier run (it does not match this layout)")
    if files.tayda.refused:
        print(f"  no Tayda text: {files.tayda.refused}")
    tayda = files.tayda.file
    for path in (files.dxf, files.step, files.assembly, *drawing, tayda, files.bom, files.report):
        if path is not None:
            print(f"  wrote {path}")
    return 1 if files.violations else 0
