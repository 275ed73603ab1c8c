"""`geom body`: the simplified 3D body of one part as STEP (mm)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from geom.cli.options import (
    conditions,
    output_dir_arg,
    sheet_args,
)
from geom.data.atomic import prepare_dir
from geom.data.templates import load_catalog
from geom.model.part import Part
from geom.output import output_set


def add_body(sub: Any) -> None:
    body = sub.add_parser(
        "body",
        help="write the simplified 3D body as STEP",
        description="Write DIR/<id>-body.step (the id's '/' written as '_'): the part's "
        "simplified body, placed for a panel whose front face is Z = 0 with the cutout "
        "centred on X = Y = 0 (mm). The latch wings sit for the thickest finished plate "
        "(sheet plus coating on both faces); without --sheet, the top of the grip range.",
    )
    body.add_argument("part", metavar="PART", help="template id, unique id prefix or template path")
    sheet_args(body)
    output_dir_arg(body)
    body.set_defaults(run=_cmd_body)


def _cmd_body(args: argparse.Namespace) -> int:
    from geom.services import body_plate, write_body

    part = load_catalog().resolve(args.part)
    plate = body_plate(part, conditions(args))
    prepare_dir(args.output)  # a bad folder is bad input, before any warning
    warn_body(part)
    with output_set(args.output) as outputs:
        step = write_body(part, plate, outputs.dir)
        outputs.claim(step.name)
    print(f"wrote {outputs.final(step)}")
    return 0


def warn_body(part: Part) -> None:
    print(
        f"geom: note: {part.id}: the body's openings, wings, coding and colour are assumed "
        "(template [body]); its envelope is the data sheet's",
        file=sys.stderr,
    )
