"""What several commands share: option text to numbers and fit conditions, the part
(PART or inline), the option groups, and the warnings every command prints alike (mm)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from geom import services
from geom.data.checked import number
from geom.data.inline import (
    INLINE_OPTIONAL,
    INLINE_RENAMED,
    INLINE_REQUIRED,
    SHAPE_OPTIONS,
    deprecated,
    resolve_part,
)
from geom.data.templates import Catalog
from geom.errors import InputError
from geom.model.advice import WayOut
from geom.model.conditions import TARGETS, Conditions, Target
from geom.model.fit import Fit, evaluate
from geom.model.part import Part

CLI = services.COMMAND_LINE


def number_arg(
    option: str, text: str, low: float, high: float, *, low_open: bool = True, unit: str = "mm"
) -> float:
    """A number from the command line, finite and in (low, high] (or [low, high])."""
    return number(CLI, option, text, low, high, low_open=low_open, unit=unit)


def whole_arg(option: str, text: str, low: int, high: int) -> int:
    """A whole number from the command line in [low, high]."""
    return int(number(CLI, option, text, low, high, low_open=False, integer=True))


def scale_arg(text: str) -> float:
    return number_arg("--scale", text, 0.0, 100.0, unit="paper mm per model mm")


def dpi_arg(text: str) -> int:
    return whole_arg("--dpi", text, 10, 1200)


def conditions(args: argparse.Namespace) -> Conditions:
    """The fit conditions of `check`, `cutout`, `build` and `body`, from their options
    (geom.services.conditions: the one place option text becomes `Conditions`, mm)."""
    option, sheet_text = _sheet_option(args)
    built = services.conditions(
        sheet_text,
        args.coating,
        masked=bool(getattr(args, "masked", False)),
        target=cast(Target, getattr(args, "target", "mid")),
        shop=getattr(args, "shop_tolerance", None),
        sheet_option=option,
        where=CLI,
    )
    if option == "--plate":  # only once every option is known good: bad input is one line
        deprecated("--plate", "--sheet", "the bare sheet, before coating")
    return built


def _sheet_option(args: argparse.Namespace) -> tuple[str, str | None]:
    """Which option gives the sheet (--sheet, or its old spelling --plate; not both), and
    its text."""
    if args.plate is None:
        return "--sheet", cast(str | None, args.sheet)
    if args.sheet is not None:
        raise InputError(CLI, "--plate", args.plate, "given with --sheet", "--sheet only")
    return "--plate", cast(str, args.plate)


def fit_of(args: argparse.Namespace, part: Part) -> Fit:
    return evaluate(part, conditions(args))


def part_of(args: argparse.Namespace, catalog: Catalog) -> Part:
    """PART, or the part given inline (geom.data.inline)."""
    names = (*INLINE_REQUIRED, *INLINE_OPTIONAL, *SHAPE_OPTIONS, *INLINE_RENAMED, "id", "name")
    return resolve_part(args.part, {n: getattr(args, n) for n in names}, catalog)


def warn_assumed(part: Part) -> None:
    if part.cut_assumed:
        print(
            f"geom: warning: {part.id}: cut dimensions are assumed; verify against the "
            "manufacturer's drawing before cutting",
            file=sys.stderr,
        )


def warn_assumed_any(parts: Iterable[Part]) -> None:
    """One warning when any of `parts` (a panel's, a cut layout's) rests on an assumed cut."""
    if any(part.cut_assumed for part in parts):
        print(
            "geom: warning: some cut dimensions are assumed; verify against the "
            "manufacturer's drawing before cutting",
            file=sys.stderr,
        )


def warn_dxf(args: argparse.Namespace) -> None:
    if args.dxf_version == "r12":
        from geom.dxf.writer import R12_UNITS_NOTE

        print(f"geom: note: {R12_UNITS_NOTE}", file=sys.stderr)


def render_args(p: Any) -> None:
    p.add_argument(
        "--scale",
        metavar="S",
        default="1",
        help="picture scale, paper mm per model mm (default 1: true size, 1:1 on paper)",
    )
    p.add_argument(
        "--dpi",
        metavar="N",
        default="200",
        help="PNG resolution, dots per inch (default 200; stored in the PNG)",
    )


def part_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "part",
        nargs="?",
        metavar="PART",
        help="template id (770-744/064-000), unique id prefix (770-744) or "
        "template path; or give the part inline with the options below",
    )
    inline = p.add_argument_group(
        "a part given inline (instead of PART)",
        "a connector by its flange (--width, --height, --depth, the grip range, "
        "--tolerance), or any hole by --shape and its fields (with --shape, --width and "
        "--height are the cutout's)",
    )
    option: Callable[..., Any] = inline.add_argument
    option("--poles", metavar="N", help="number of poles, a whole number (connectors only)")
    option("--pin-spacing", metavar="MM", help="pin spacing, mm (connectors only)")
    option(
        "--width",
        metavar="MM",
        help="front flange width, mm; with --shape rect, obround or trapezoid the cutout's width C",
    )
    option(
        "--height",
        metavar="MM",
        help="front flange height, mm; with --shape rect, obround or trapezoid the cutout's "
        "height C",
    )
    option("--depth", metavar="MM", help="depth, front face to rear, mm")
    option("--grip-min", metavar="MM", help="thinnest finished plate the part grips, mm")
    option("--grip-max", metavar="MM", help="thickest finished plate the part grips, mm")
    option("--plate-min", metavar="MM", help="old spelling of --grip-min, mm (deprecated)")
    option("--plate-max", metavar="MM", help="old spelling of --grip-max, mm (deprecated)")
    option("--tolerance", metavar="MM", help="cutout tolerance (+), mm: the band [C, C + T]")
    option(
        "--cutout-width", metavar="MM", help="cutout width C, mm (default: assumed, width - 4 mm)"
    )
    option(
        "--cutout-height",
        metavar="MM",
        help="cutout height C, mm (default: assumed, height - 3 mm)",
    )
    option("--corner-radius", metavar="MM", help="cutout corner radius, mm (default: assumed)")
    option(
        "--shape",
        metavar="SHAPE",
        help="a hole of this shape: rect, circle, circle-notch, d, double-d, obround, "
        "trapezoid or polygon, with its own fields below (mm)",
    )
    option("--diameter", metavar="MM", help="hole diameter C, mm (round shapes)")
    option("--notch-width", metavar="MM", help="anti-rotation notch width, mm (circle-notch)")
    option(
        "--notch-reach",
        metavar="MM",
        help="from the hole's edge opposite the notch to the notch bottom, mm (circle-notch)",
    )
    option(
        "--notch-corner-radius",
        metavar="MM",
        help="the notch's corner radius, mm (circle-notch; default 0, assumed)",
    )
    option("--across-flat", metavar="MM", help="flat to the opposite edge, mm (d)")
    option(
        "--across-flats",
        metavar="MM",
        help="flat to flat, mm (double-d; polygon: twice the centre-to-flat distance)",
    )
    option("--side-angle", metavar="DEG", help="sides from the vertical, degrees (trapezoid)")
    option("--sides", metavar="N", help="number of sides, a whole number 3..64 (polygon)")
    option(
        "--flange-width",
        metavar="MM",
        help="with --shape: front flange width, mm (default: assumed, the shape + 4 mm)",
    )
    option(
        "--flange-height",
        metavar="MM",
        help="with --shape: front flange height, mm (default: assumed, the shape + 4 mm)",
    )
    option(
        "--collar-diameter",
        metavar="MM",
        help="with a round --shape: the bushing or shell through the hole, largest diameter, mm",
    )
    option(
        "--collar-width",
        metavar="MM",
        help="the part's collar through the cutout, largest width K, mm (without it the "
        "clearance, corner, flange and latch checks are unverified, or with --shape not run)",
    )
    option("--collar-height", metavar="MM", help="the collar's largest height, mm")
    option("--collar-minus", metavar="MM", help="the collar's own tolerance (-), mm (default 0)")
    option("--collar-corner-radius", metavar="MM", help="the collar's corner radius, mm")
    option("--latch-span", metavar="MM", help="latch tip to latch tip across the width, mm")
    option("--id", default="inline", help="id for the files written (default: inline)")
    option("--name", help="name for reports and drawings (a text)")


def sheet_args(p: argparse.ArgumentParser) -> None:
    """--sheet (and its old spelling --plate) and --coating: what the plate is made of."""
    p.add_argument(
        "--sheet",
        metavar="MM",
        help="bare sheet thickness before coating, mm: T, or MIN..MAX for a mill's band "
        "(default: find the sheets whose finished plate the part grips)",
    )
    p.add_argument("--plate", metavar="MM", help="old spelling of --sheet (deprecated)")
    p.add_argument(
        "--coating",
        metavar="MM",
        default="0",
        help="coating per face, mm: C, or MIN..MAX for a band (default 0). A band may vary "
        "by at most half the cutout tolerance less the shop's share: 0.06..0.10 works for "
        "a 0.1 mm band; powder coat 0.06..0.12 needs --masked",
    )


def fit_args(p: argparse.ArgumentParser) -> None:
    sheet_args(p)
    p.add_argument(
        "--masked",
        action="store_true",
        help="the openings are masked when coating (edges bare, faces coated): the "
        "opening keeps its cut size, the finished plate still grows by the coating",
    )
    p.add_argument(
        "--shop-tolerance",
        metavar="MM",
        help="what the shop holds on a cut, +/- mm (e.g. 0.05 for a fine laser); the cut "
        "must leave at least that (default: only that it leaves some)",
    )
    p.add_argument(
        "--target",
        choices=TARGETS,
        default="mid",
        help="where the drawn cut sits in the band [C, C + tolerance]: mid "
        "(default; leaves the shop +/- tolerance/2) or nominal (C; leaves + tolerance, "
        "never minus)",
    )


def output_args(
    p: argparse.ArgumentParser, forced: str = "the DXF even when the fit fails"
) -> None:
    """`-o/--output DIR` and `--force` (write `forced` anyway)."""
    output_dir_arg(p)
    p.add_argument("--force", action="store_true", help=f"write {forced}")


def output_dir_arg(p: argparse.ArgumentParser) -> None:
    """`-o/--output DIR`, for every command that writes files."""
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        type=Path,
        default=Path("output"),
        help="output directory (default: output)",
    )


DXF_VERSIONS = ("r2000", "r12")
"""geom.dxf.writer.DxfVersion's values, without importing ezdxf for every command."""


def dxf_format_args(p: argparse.ArgumentParser) -> None:
    """`--dxf-version` and `--explode`, for every command that writes a CAM DXF."""
    p.add_argument(
        "--dxf-version",
        choices=DXF_VERSIONS,
        default="r2000",
        help="DXF version (default r2000; r12 carries no units, the file is in mm)",
    )
    p.add_argument(
        "--explode",
        action="store_true",
        help="write LINE and ARC entities instead of one LWPOLYLINE per contour",
    )


def print_ways_out(ways_out: Sequence[WayOut], no_way_out: str | None) -> None:
    """The ways out in words, one line each, after what fails."""
    if no_way_out is not None:
        print(f"  no way out: {no_way_out}")
    for way in ways_out:
        print(f"  way out: {way.text}")
