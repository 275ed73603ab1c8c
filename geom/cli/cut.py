"""`geom cut [ENCLOSURE] LAYOUT`: cut a layout's openings into faces of an enclosure (a
STEP file, or the library box the layout names)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from geom.cli.options import (
    dxf_format_args,
    output_args,
    print_ways_out,
    warn_assumed_any,
    warn_dxf,
)
from geom.data.atomic import prepare_dir
from geom.errors import InputError, Plain
from geom.model.notes import FORCED_NOTE
from geom.model.units import mm
from geom.output import output_set

if TYPE_CHECKING:
    from geom.dxf.writer import DxfVersion

MAX_LISTED = 50
"""Violations printed one per line; the report lists them all."""


def add_cut(sub: Any) -> None:
    cut = sub.add_parser(
        "cut",
        usage="%(prog)s [-h] [-o DIR] [--force] [--dxf-version {r2000,r12}] [--explode] "
        "[ENCLOSURE] LAYOUT",
        help="cut a layout's openings into faces of an enclosure (STEP)",
        description="Cut the openings of LAYOUT (TOML: [face], [[place]], [[array]], "
        "[[hole]], [[slot]], each with an optional label; or [enclosure] and [[face]] "
        "tables for several faces) into planar faces "
        "of the enclosure ENCLOSURE (a STEP solid): the wall measured under every part, "
        "each fit, edge distances to the face's boundary, webs, flanges and bodies between "
        "parts on a face and across faces, and bodies against the enclosure checked; write "
        "DIR/<name>-cut.step, <name>-assembly.step, <name>-face.dxf (one "
        "<name>-<face>-face.dxf per face), the 1:1 drilling template <name>-template.pdf, "
        "Tayda's drill-tool text <name>-tayda.txt (round holes only) and <name>-report.json "
        '(<name> = LAYOUT\'s stem). A layout with [box] model = "1590BB" and [[face]] '
        "tables named A to E needs no ENCLOSURE: geom builds the box. All sizes in "
        "millimetres. Exit status: 0 ok, 1 a rule or fit fails (the DXF and STEP files "
        "are withheld unless --force; the report is written), 2 bad input.",
    )
    cut.add_argument(
        "files",
        metavar="[ENCLOSURE] LAYOUT",
        type=Path,
        nargs="+",
        help="the enclosure (STEP; none when the layout names a [box]) and the layout file (TOML)",
    )
    output_args(cut, "the DXF, STEP, template and Tayda files even when a rule is broken")
    dxf_format_args(cut)
    cut.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from geom.model.layout import where_text
    from geom.panel.cut_job import data_sheet_notes, face_text, plan_cut, write_cut
    from geom.panel.cut_layout import load_cut_layout
    from geom.render.template_pdf import TemplateFace, face_templates, template_name

    if len(args.files) > 2:
        raise InputError(
            "command line",
            "LAYOUT",
            Plain(" ".join(str(f) for f in args.files)),
            f"{len(args.files)} files",
            "[ENCLOSURE] LAYOUT: a STEP file and a layout, or a layout naming a [box]",
        )
    *enclosure, layout_file = args.files
    layout = load_cut_layout(layout_file)
    source = enclosure[0] if enclosure else None
    plan = plan_cut(source, layout)  # bad input raises here: nothing written
    prepare_dir(args.output)  # a bad folder is bad input, before any warning
    for note in plan.notes:
        print(f"geom: note: {note}", file=sys.stderr)
    warn_assumed_any(p.part for p in layout.places)
    warn_dxf(args)
    version = cast("DxfVersion", args.dxf_version)
    with output_set(args.output) as outputs:
        name = template_name(layout.name)
        files = write_cut(
            plan, outputs, force=args.force, version=version, explode=args.explode, also=[name]
        )
        faces = [
            TemplateFace(
                f"{layout.name}: face {f.name if layout.several else face_text(layout, f.layout)}",
                dxf,
                f.name if layout.box is not None else None,  # a box's faces: its net first
            )
            for f, dxf in zip(plan.faces if files.dxfs else [], files.dxfs, strict=True)
        ]  # no DXF (withheld): no template
        template = face_templates(outputs, layout.name, faces)
    for face in plan.faces:
        f, count = face.frame, sum(1 for c in plan.cuts if c.face == face.name)
        text = face_text(layout, face.layout)
        named = f"{face.name} ({text})" if layout.several and layout.box is None else ""
        print(
            f"cut {layout.name}: face {named or text} of "
            f"{plan.enclosure.name}, {mm(f.width)} x {mm(f.height)} mm, {count} openings"
        )
    for v in files.violations[:MAX_LISTED]:
        print(f"  FAIL {v.rule}: {v.message} [{where_text(v, faces=layout.several)}]")
    if len(files.violations) > MAX_LISTED:
        print(f"  ... {len(files.violations) - MAX_LISTED} more in {files.report.name}")
    for note in data_sheet_notes(plan):
        print(f"  data sheet wins: {note}")
    print_ways_out(files.advice.ways_out, files.advice.no_way_out)
    if files.violations:
        state = (
            f"written anyway (--force), marked {FORCED_NOTE}"
            if files.forced
            else "withheld (--force writes them)"
        )
        print(f"  {len(files.violations)} violations; DXF, STEP and template {state}")
    elif plan.result is None:
        print("  no valid solid could be cut; DXF and STEP not written")
    else:
        print("  layout ok")
    for name in outputs.removed:
        print(f"  removed {name} of an earlier run (it does not match this layout)")
    if files.tayda.refused:
        print(f"  no Tayda text: {files.tayda.refused}")
    for path in (files.step, files.assembly, *files.dxfs, template, files.tayda.file, files.report):
        if path is not None:
            print(f"  wrote {path}")
    return 1 if files.violations or plan.result is None else 0
