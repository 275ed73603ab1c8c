"""`geom tayda FILE`: a `geom cut` layout from Tayda's drill-tool text (mm)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from geom.errors import MISSING, InputError

FACE = re.compile(r"^([A-Ea-e])=(.+)$")


def add_tayda(sub: Any) -> None:
    tayda = sub.add_parser(
        "tayda",
        help="read Tayda's drill-tool text into a geom cut layout",
        description="Read FILE, the text Tayda's box-drill tool exports (one round hole per "
        "line, tab-separated: face A-E, diameter, x, y in mm from the face's centre, +X "
        "right and +Y up seen from outside), and write LAYOUT, a `geom cut` layout with one "
        "[[face]] per letter (named by it) and a [[face.hole]] per hole. Tayda's text names "
        "no box: give it with --box MODEL (a library box: x and y stay from each face's "
        "centre), or give the enclosure with --enclosure STEP and each letter's face of it "
        "with --face (x and y move to the face frame's lower-left corner as `geom cut` "
        "measures the face). Exit status: 0 written, 2 bad input (nothing written).",
    )
    tayda.add_argument("file", metavar="FILE", type=Path, help="Tayda's drill-tool text")
    tayda.add_argument("--box", metavar="MODEL", help='a box of the library, e.g. "1590BB"')
    tayda.add_argument("--enclosure", metavar="STEP", type=Path, help="the enclosure (STEP)")
    tayda.add_argument(
        "--face",
        metavar="LETTER=SELECTOR",
        action="append",
        default=[],
        help="with --enclosure: the face of STEP that a letter names, a CadQuery string "
        "selector, e.g. --face A='>Z' (repeat for each letter the text uses)",
    )
    tayda.add_argument(
        "-o", "--output", metavar="LAYOUT", type=Path, required=True, help="layout to write"
    )
    tayda.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from geom.data.atomic import prepare_dir, write_text
    from geom.data.boxes import find_box
    from geom.data.tayda import read_tayda
    from geom.panel.model import STEM
    from geom.panel.tayda import check_faces, check_within, face_sizes, layout_text

    ways = "--box MODEL alone, or --enclosure STEP with --face LETTER=SELECTOR per letter"
    if args.box is not None and (args.enclosure is not None or args.face):
        raise InputError(
            "command line", "--box", args.box, "given with --enclosure or --face", ways
        )
    if args.box is None and args.enclosure is None:
        raise InputError(
            "command line", "--box", MISSING, "missing (and --enclosure is not given)", ways
        )
    selects: dict[str, str] = {}
    for given in args.face:
        found = FACE.match(given)
        if found is None or found.group(1).upper() in selects:
            raise InputError(
                "command line",
                "--face",
                given,
                "not a new LETTER=SELECTOR",
                "each of A to E once, e.g. --face A='>Z'",
            )
        selects[found.group(1).upper()] = found.group(2)
    output: Path = args.output
    if output.suffix != ".toml" or not STEM.match(output.stem):
        raise InputError(
            "command line",
            "--output",
            str(output),
            "not a .toml file with a safe stem",
            "LAYOUT.toml, a stem of letters, digits, '.', '_' and '-' (up to 100)",
        )
    box = find_box(args.box, "command line", "--box").model if args.box else None
    holes = read_tayda(args.file)
    used = {h.face for h in holes}
    if box is not None:
        text = layout_text(holes, args.file.name, box=box)
    else:
        check_faces(holes, selects, str(args.file))
        wanted = {k: v for k, v in selects.items() if k in used}
        sizes = face_sizes(args.enclosure, wanted, "--face")
        check_within(holes, sizes, str(args.file))
        text = layout_text(holes, args.file.name, sizes=sizes, selects=selects)
    prepare_dir(output.parent)
    path = write_text(output, text)
    print(f"tayda {args.file.name}: {len(holes)} holes on faces {', '.join(sorted(used))}")
    print(f"  wrote {path}")
    return 0
