"""The geom command line (a contract: users' scripts build on it).

Exit status: 0 the fit holds / the job is done, 1 a fit check fails or geom built a DXF
its lint refuses (a bug, reason on stderr, nothing written), 2 bad input (one line
on stderr: ``geom: <where>:<field>: <value> is <problem>; allowed <range>``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, cast

from geom import __version__
from geom.data.atomic import prepare_dir
from geom.data.checked import number
from geom.data.templates import (
    MAX_PART_MM,
    MAX_PLATE_MM,
    MAX_POLES,
    MAX_TOLERANCE_MM,
    Catalog,
    load_catalog,
    part_from_data,
)
from geom.errors import MISSING, GeomDeprecationWarning, GeomError, InputError, LintError
from geom.model.fit import MAX_COATING_MM, TARGETS, Conditions, Fit, Shop, Target, evaluate
from geom.model.notes import FORCED_NOTE
from geom.model.part import ASSUMED, NOT_GIVEN, Part
from geom.model.report import dumps, fit_report, with_3d
from geom.model.tolerance import Size
from geom.model.units import band, deviation, mm

CLI = "command line"

# What a part given on the command line assumes where the user gives nothing: the same
# margins as the 770-744/064-000 template's assumed geometry (mm). The collar and the
# latch span are never assumed: a check resting on them is unverified until given.
INLINE_ASSUMED = {
    "flange_cover_width": 2.0,  # cutout width = flange width - 2 x this
    "flange_cover_height": 1.5,
    "corner_radius": 0.5,
    "flange_thickness": 2.0,
    "min_overlap": 1.0,
    "min_catch": 0.5,
}
INLINE_PLACEHOLDER_REACH = 1.5
"""Latch tips beyond the cutout per side, for the simplified body only when no
--latch-span is given (mm; the latch check is then unverified)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"geom: {self.prog}: {message}; see '{self.prog} --help'\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        with _library_logs_quiet(args.debug), warnings.catch_warnings():
            warnings.simplefilter("always", GeomDeprecationWarning)
            warnings.showwarning = _note
            return cast(int, args.run(args))
    except LintError as exc:  # geom's own output is wrong: not the user's input
        if args.debug:
            raise
        print(f"geom: {exc}", file=sys.stderr)
        return 1
    except GeomError as exc:
        if args.debug:
            raise
        print(f"geom: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _note(message: Warning | str, *_: object, **__: object) -> None:
    """A deprecation warning as one `geom: note:` line on stderr."""
    print(f"geom: note: {message}", file=sys.stderr)


@contextlib.contextmanager
def _library_logs_quiet(debug: bool) -> Iterator[None]:
    """Keep ezdxf's log records (font cache, font fallbacks) off stderr for the command's
    duration, unless `debug`: geom's own messages are the only lines a user sees there.
    The `ezdxf` logger is restored afterwards; the root logger is never touched."""
    logger = logging.getLogger("ezdxf")
    if debug:
        yield
        return
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


# --- commands ---------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace) -> int:
    for part in load_catalog().parts.values():
        grip = part.fit.grip
        via = f" via {part.frame.id}" if part.frame else ""
        poles = f"{part.poles}-pole" if part.poles else "-"
        grips = f"grip {mm(grip.min)} .. {mm(grip.max)} mm"
        print(f"{part.id:<18} {poles:<7} {grips}{via:<12} {part.name}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    fit = _fit(args, _part(args, load_catalog()))
    _warn_assumed(fit.part)
    fit3d = None
    if args.three_d:
        from geom.bodies_cli import fit3d_report, print_fit3d

        fit3d = fit3d_report(fit)
    if args.json:
        report = fit_report(fit)
        sys.stdout.write(dumps(report if fit3d is None else with_3d(report, fit3d)))
    else:
        _print_fit(fit)
        if fit3d is not None:
            print_fit3d(fit3d)
    return 0 if fit.ok and (fit3d is None or fit3d["ok"]) else 1


def _cmd_cutout(args: argparse.Namespace) -> int:
    from geom.dxf.cutout import write_cutout

    fit = _fit(args, _part(args, load_catalog()))
    out = prepare_dir(args.output)
    _warn_assumed(fit.part)
    _warn_dxf(args)
    files = write_cutout(fit, out, version=args.dxf_version, explode=args.explode, force=args.force)
    if args.json:
        sys.stdout.write(files.report.read_text(encoding="utf-8"))
    else:
        _print_fit(fit)
        _print_files(fit, files.dxf, files.report)
    return 0 if fit.ok else 1


def _cmd_build(args: argparse.Namespace) -> int:
    if args.all:
        return _cmd_build_all(args)
    from geom.dxf.cutout import write_cutout

    catalog = load_catalog()
    parts = [catalog.resolve(name) for name in args.parts] or list(catalog.parts.values())
    fits = [_fit(args, part) for part in parts]  # every input checked before any file
    from geom.bodies_cli import body_plate_of, fit3d_report, validate_bodies, write_body

    plates = [body_plate_of(f) for f in fits]
    for fit, plate in zip(fits, plates, strict=True):
        validate_bodies(fit, plate)  # every [body] checked before any file
    out = prepare_dir(args.output)
    failed = 0
    for fit, plate in zip(fits, plates, strict=True):
        _warn_assumed(fit.part)
        fit3d = fit3d_report(fit)
        step = write_body(fit.part, plate, out)
        extra = {"body": {"step": step.name, "finished_plate_mm": plate}}
        ok = fit.ok and fit3d["ok"]
        files = write_cutout(fit, out, force=args.force, fit_3d=fit3d, extra=extra)
        status = "ok  " if ok else "FAIL"
        dxf = files.dxf.name if files.dxf else "(DXF withheld: fit fails)"
        dxf += f" ({FORCED_NOTE})" if files.dxf and not ok else ""
        print(f"{status} {fit.part.id:<18} {dxf}  {files.report.name}  {step.name}")
        failed += not ok
    print(f"{len(fits)} parts, {len(fits) - failed} fit, {failed} fail; files in {out}")
    return 1 if failed else 0


def _cmd_build_all(args: argparse.Namespace) -> int:
    from geom.catalog import Options, build_all

    if args.parts:
        raise InputError(CLI, "PART", args.parts[0], "given with --all", "either --all or PART...")
    if args.force:  # the catalog withholds every failing part's DXF: no forced files
        raise InputError(CLI, "--force", "--force", "given with --all", "--force with PART...")
    fit_conditions = conditions(args)
    jobs = None if args.jobs is None else _whole("--jobs", args.jobs, 1, 256)
    scale, dpi = _scale(args.scale), _dpi(args.dpi)  # every input checked before any file
    options = Options(
        out_dir=prepare_dir(args.output),
        conditions=fit_conditions,
        scale=scale,
        dpi=dpi,
    )
    summary = build_all(options, jobs)
    return 1 if summary.failures else 0


def _cmd_preview(args: argparse.Namespace) -> int:
    import ezdxf

    from geom.render.preview import write_preview

    path: Path = args.file
    if not path.is_file():
        raise InputError(CLI, "FILE", str(path), "not a file", "a DXF file")
    scale, dpi = _scale(args.scale), _dpi(args.dpi)
    try:
        doc = ezdxf.readfile(path)
    except (OSError, ezdxf.DXFError) as exc:
        raise InputError(
            CLI, "FILE", str(path), f"not a readable DXF ({exc})", "a DXF file"
        ) from None
    out = prepare_dir(args.output)
    files = write_preview(doc, out, path.stem, scale=scale, dpi=dpi)
    print(f"wrote {files.svg}")
    print(f"wrote {files.png}")
    return 0


def _scale(text: str) -> float:
    return _number("--scale", text, 0.0, 100.0, unit="paper mm per model mm")


def _dpi(text: str) -> int:
    return _whole("--dpi", text, 10, 1200)


def _cmd_body(args: argparse.Namespace) -> int:
    from geom.bodies_cli import body_plate, warn_body, write_body

    part = load_catalog().resolve(args.part)
    plate = body_plate(part, conditions(args))
    out = prepare_dir(args.output)
    warn_body(part)
    print(f"wrote {write_body(part, plate, out)}")
    return 0


def _cmd_panel(args: argparse.Namespace) -> int:
    from geom.panel_cli import run

    return run(args)


# --- inputs -----------------------------------------------------------------------------


def _number(
    option: str, text: str, low: float, high: float, *, low_open: bool = True, unit: str = "mm"
) -> float:
    """A number from the command line, finite and in (low, high] (or [low, high])."""
    return number(CLI, option, text, low, high, low_open=low_open, unit=unit)


def _whole(option: str, text: str, low: int, high: int) -> int:
    """A whole number from the command line in [low, high]."""
    return int(number(CLI, option, text, low, high, low_open=False, integer=True))


def _band(option: str, text: str, low: float, high: float, *, low_open: bool) -> Size:
    """`V` or `MIN..MAX` (mm) from the command line, each end in the allowed range."""
    low_text, ranged, high_text = text.partition("..")
    first = _number(option, low_text, low, high, low_open=low_open)
    last = _number(option, high_text, low, high, low_open=low_open) if ranged else first
    if last < first:
        raise InputError(CLI, option, text, "a falling range", "MIN..MAX with MIN <= MAX")
    return Size.between(first, last)


def conditions(args: argparse.Namespace) -> Conditions:
    """The fit conditions of `check`, `cutout`, `build` and `body`, from their options:
    the one place command-line text becomes a `Conditions` (mm)."""
    option, sheet_text = _sheet_option(args)
    sheet = None
    if sheet_text is not None:
        sheet = _band(option, sheet_text, 0.0, MAX_PLATE_MM, low_open=True)
    coating = _band("--coating", args.coating, 0.0, MAX_COATING_MM, low_open=False)
    shop = None
    if getattr(args, "shop_tolerance", None) is not None:
        value = _number("--shop-tolerance", args.shop_tolerance, 0.0, MAX_TOLERANCE_MM)
        shop = Shop(value, "command line")
    if option == "--plate":  # only once every option is known good: bad input is one line
        _deprecated("--plate", "--sheet", "the bare sheet, before coating")
    return Conditions(
        sheet=sheet,
        coating=coating,
        masked=bool(getattr(args, "masked", False)),
        target=cast(Target, getattr(args, "target", "mid")),
        shop=shop,
    )


def _sheet_option(args: argparse.Namespace) -> tuple[str, str | None]:
    """Which option gives the sheet (--sheet, or its old spelling --plate; not both), and
    its text."""
    if args.plate is None:
        return "--sheet", cast(str | None, args.sheet)
    if args.sheet is not None:
        raise InputError(CLI, "--plate", args.plate, "given with --sheet", "--sheet only")
    return "--plate", cast(str, args.plate)


def _deprecated(old: str, new: str, meaning: str) -> None:
    warnings.warn(
        f"{old} is now {new} ({meaning}); {old} still works for now",
        GeomDeprecationWarning,
        stacklevel=3,
    )


def _fit(args: argparse.Namespace, part: Part) -> Fit:
    return evaluate(part, conditions(args))


INLINE_REQUIRED = (
    "poles",
    "pin_spacing",
    "width",
    "height",
    "depth",
    "grip_min",
    "grip_max",
    "tolerance",
)
INLINE_OPTIONAL = (
    "cutout_width",
    "cutout_height",
    "corner_radius",
    "collar_width",
    "collar_height",
    "collar_minus",
    "collar_corner_radius",
    "latch_span",
)
INLINE_RENAMED = {"plate_min": "grip_min", "plate_max": "grip_max"}
"""Old spellings of inline fields, still read (with a deprecation note)."""


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _part(args: argparse.Namespace, catalog: Catalog) -> Part:
    renamed = [old for old in INLINE_RENAMED if getattr(args, old) is not None]
    for old in renamed:
        new = INLINE_RENAMED[old]
        if getattr(args, new) is not None:
            raise InputError(
                CLI, _option(old), getattr(args, old), f"given with {_option(new)}", _option(new)
            )
        setattr(args, new, getattr(args, old))
    given = [n for n in INLINE_REQUIRED + INLINE_OPTIONAL if getattr(args, n) is not None]
    if args.part and given:
        raise InputError(
            CLI,
            _option(given[0]),
            getattr(args, given[0]),
            "given together with PART",
            "either PART or the inline part fields",
        )
    if args.part:
        return catalog.resolve(args.part)
    if not given:
        raise InputError(
            CLI,
            "PART",
            MISSING,
            "missing",
            "a template id, a unique id prefix, a template path, or "
            + " ".join(_option(n) for n in INLINE_REQUIRED),
        )
    part = _inline_part(args, catalog)
    for old in renamed:  # only once the part is known good: bad input is one line
        meaning = "the grip range: the finished plate the part holds"
        _deprecated(_option(old), _option(INLINE_RENAMED[old]), meaning)
    return part


def _inline_part(args: argparse.Namespace, catalog: Catalog) -> Part:
    """A part from command-line fields, through the same validation as a template. A
    collar or latch span not given is a placeholder (source NOT_GIVEN): the checks that
    rest on it are unverified, never passed."""
    for name in INLINE_REQUIRED:
        if getattr(args, name) is None:
            unit = "a whole number" if name == "poles" else "a number in mm"
            raise InputError(CLI, _option(name), MISSING, "missing for a part given inline", unit)
    a = INLINE_ASSUMED
    poles = _whole("--poles", args.poles, 1, MAX_POLES)
    v = {
        n: _number(_option(n), getattr(args, n), 0.0, MAX_PART_MM)
        for n in INLINE_REQUIRED[1:]
        if n != "tolerance"
    }
    v["tolerance"] = _number("--tolerance", args.tolerance, 0.0, MAX_TOLERANCE_MM)
    given = "inline"

    def quote(value: float, source: str = given, **more: float) -> dict[str, Any]:
        return {"value": value, **more, "source": source}

    def optional(name: str, low_open: bool = True) -> float | None:
        text = getattr(args, name)
        return (
            None
            if text is None
            else _number(_option(name), text, 0.0, MAX_PART_MM, low_open=low_open)
        )

    cut: dict[str, dict[str, Any]] = {}
    for axis in ("width", "height"):
        value = optional(f"cutout_{axis}")
        if value is not None:
            cut[axis] = quote(value)
            continue
        value = v[axis] - 2 * a[f"flange_cover_{axis}"]
        if value <= 0:
            raise InputError(
                CLI,
                f"--{axis}",
                getattr(args, axis),
                f"too small to assume a cutout (flange cover "
                f"{a[f'flange_cover_{axis}']:g} mm per side)",
                f"a larger --{axis}, or --cutout-{axis}",
            )
        cut[axis] = quote(value, ASSUMED)
    radius = optional("corner_radius", low_open=False)
    corner = quote(a["corner_radius"], ASSUMED) if radius is None else quote(radius)
    minus = optional("collar_minus", low_open=False) or 0.0
    collar: dict[str, dict[str, Any]] = {}
    for axis in ("width", "height"):
        value = optional(f"collar_{axis}")
        collar[axis] = (
            quote(float(cut[axis]["value"]), NOT_GIVEN)
            if value is None
            else quote(value, minus=minus)
        )
    collar_radius = optional("collar_corner_radius", low_open=False)
    collar["corner_radius"] = (
        quote(float(corner["value"]), NOT_GIVEN) if collar_radius is None else quote(collar_radius)
    )
    span_value = optional("latch_span")
    span = (
        quote(float(cut["width"]["value"]) + 2 * INLINE_PLACEHOLDER_REACH, NOT_GIVEN)
        if span_value is None
        else quote(span_value)
    )
    data = {
        "sources": {
            given: "values given on the command line",
            NOT_GIVEN: "a placeholder: not given on the command line, no check rests on it",
        },
        "part": {
            "id": args.id,
            "name": args.name or f"inline part {args.id}",
            "kind": "snap-in part",
            "manufacturer": "(inline)",
            "mounting": "snap-in",
            "poles": quote(poles),
            "pin_spacing": quote(v["pin_spacing"]),
        },
        "envelope": {
            "width": quote(v["width"]),
            "height": quote(v["height"]),
            "depth": [quote(v["depth"])],
            "depth_policy": "max",
        },
        "grip": {"min": quote(v["grip_min"]), "max": quote(v["grip_max"])},
        "cutout": {**cut, "corner_radius": corner, "tolerance": quote(v["tolerance"])},
        "flange": {
            "thickness": quote(a["flange_thickness"], ASSUMED),
            "min_overlap": quote(a["min_overlap"], ASSUMED),
        },
        "collar": collar,
        "latch": {
            "axis": "width",
            "span": span,
            "min_catch": quote(a["min_catch"], ASSUMED),
        },
    }
    return part_from_data(data, CLI, catalog)


# --- output -----------------------------------------------------------------------------


def _warn_assumed(part: Part) -> None:
    if part.cut_assumed:
        print(
            f"geom: warning: {part.id}: cut dimensions are assumed; verify against the "
            "manufacturer's drawing before cutting",
            file=sys.stderr,
        )


def _warn_dxf(args: argparse.Namespace) -> None:
    if args.dxf_version == "r12":
        from geom.dxf.writer import R12_UNITS_NOTE

        print(f"geom: note: {R12_UNITS_NOTE}", file=sys.stderr)


def _print_fit(fit: Fit) -> None:
    part, cut, cond = fit.part, fit.cut, fit.conditions
    snap = part.fit
    via = f" (through frame {part.frame.id})" if part.frame else ""
    print(f"{part.id}  {part.name}{via}")
    sheet = f"sheet {band(fit.sheet.min, fit.sheet.max)} mm"
    if not fit.sheet_given:
        sheet += " (those that grip)"
    masked = ", openings masked" if cond.masked else ""
    print(
        f"  {sheet}, coating {band(fit.coating.min, fit.coating.max)} mm per face"
        f"{masked}, target {fit.target}"
    )
    print(
        f"  finished plate   {mm(fit.finished_plate.min)} .. {mm(fit.finished_plate.max)} mm "
        f"(grip range {mm(snap.grip.min)} .. {mm(snap.grip.max)})"
    )
    print(
        f"  cut as drawn     {mm(cut.width)} x {mm(cut.height)} mm, corner radius "
        f"{mm(cut.corner_radius)} mm"
    )
    print(
        f"  finished band    {mm(snap.cutout.width)} x {mm(snap.cutout.height)} mm "
        f"{deviation('+', snap.tolerance)}/0"
    )
    shop = f"; shop holds +/-{mm(cond.shop.tolerance)}" if cond.shop else ""
    left = f"{deviation('-', fit.process_minus)} / {deviation('+', fit.process_plus)}"
    print(f"  shop process     {left} mm left{shop}")
    print(f"  clearance        {mm(fit.clearance.min)} .. {mm(fit.clearance.max)} mm")
    for check in fit.checks:
        status = "ok  " if check.ok else "FAIL" if check.verified else "UNVERIFIED"
        print(f"  {status} {check.name:<18} {check.message}")
    for way in fit.ways_out:
        print(f"  way out: {way.message}")
    if part.assumed:
        print(f"  assumed: {', '.join(part.assumed)}")
    print(f"  {'fit holds' if fit.ok else 'FIT FAILS'}")


def _print_files(fit: Fit, dxf: Path | None, report: Path) -> None:
    if dxf is None:
        print(f"  DXF withheld: the fit fails (--force writes it anyway); report {report}")
    else:
        print(f"  wrote {dxf}" + ("" if fit.ok else f" (marked {FORCED_NOTE})"))
        print(f"  wrote {report}")


# --- parser -----------------------------------------------------------------------------


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="geom",
        description="Cutout DXFs and worst-case fit checks for snap-in panel parts. "
        "All sizes in millimetres.",
        epilog="Exit status: 0 fit holds, 1 a fit check fails (or a DXF fails geom's lint: "
        "a bug), 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"geom {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an input error")
    sub = parser.add_subparsers(title="commands", parser_class=_Parser)

    listing = sub.add_parser(
        "list",
        help="one line per part: id, poles, grip range, name",
        description="List every part template.",
    )
    listing.set_defaults(run=_cmd_list)

    check = sub.add_parser(
        "check",
        help="worst-case fit report for a part",
        description="Worst-case fit report: clearance, corner radius, "
        "flange overlap, latch grip and reach.",
    )
    _part_args(check)
    _fit_args(check)
    check.add_argument("--json", action="store_true", help="print the JSON report")
    check.add_argument(
        "--3d",
        dest="three_d",
        action="store_true",
        help="add the 3D check: body against plates with the smallest and largest opening, "
        "thinnest and thickest finished plate (interference in mm3, latch catch in mm)",
    )
    check.set_defaults(run=_cmd_check)

    cutout = sub.add_parser(
        "cutout",
        help="write the cutout DXF and the fit report",
        description="Write DIR/<id>-cutout.dxf and DIR/<id>-fit.json "
        "(the id's '/' written as '_').",
    )
    _part_args(cutout)
    _fit_args(cutout)
    _output_args(cutout)
    dxf_format_args(cutout)
    cutout.add_argument("--json", action="store_true", help="print the JSON report")
    cutout.set_defaults(run=_cmd_cutout)

    body = sub.add_parser(
        "body",
        help="write the simplified 3D body as STEP",
        description="Write DIR/<id>-body.step (the id's '/' written as '_'): the part's "
        "simplified body, placed for a panel whose front face is Z = 0 with the cutout "
        "centred on X = Y = 0 (mm). The latch wings sit for the thickest finished plate "
        "(sheet plus coating on both faces); without --sheet, the top of the grip range.",
    )
    body.add_argument("part", metavar="PART", help="template id, unique id prefix or template path")
    _sheet_args(body)
    output_dir_arg(body)
    body.set_defaults(run=_cmd_body)

    build = sub.add_parser(
        "build",
        help="cutout DXF, fit report (with the 3D check) and body STEP for many parts",
        description="Cutout DXF, fit report (with the 3D check) and body STEP for the "
        "named parts (every template when none is named). The body's wings sit for the "
        "finished plate of --plate, or the thickest plate of the grip range.",
    )
    build.add_argument(
        "parts", nargs="*", metavar="PART", help="template id, unique id prefix or template path"
    )
    _fit_args(build)
    _output_args(build)
    catalog = build.add_argument_group("the whole catalog (--all)")
    catalog.add_argument(
        "--all",
        action="store_true",
        help="build every template: cutout DXF, fit report, previews (SVG, PNG), "
        "drawing (PDF, DXF), and DIR/index.html; in parallel processes",
    )
    catalog.add_argument(
        "--jobs", metavar="N", help="worker processes for --all (default: all cores)"
    )
    _render_args(catalog)
    build.set_defaults(run=_cmd_build)

    preview = sub.add_parser(
        "preview",
        help="SVG and PNG pictures of a DXF file",
        description="Write DIR/<name>.svg and DIR/<name>.png of a DXF file (mm), "
        "cut layer in one colour, annotation in another, on a white background.",
    )
    preview.add_argument("file", metavar="FILE", type=Path, help="a DXF file (units mm)")
    output_dir_arg(preview)
    _render_args(preview)
    preview.set_defaults(run=_cmd_preview)

    from geom.panel_cli import add_panel_parser

    add_panel_parser(sub, _cmd_panel)
    return parser


def _render_args(p: Any) -> None:
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


def _part_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "part",
        nargs="?",
        metavar="PART",
        help="template id (770-744/064-000), unique id prefix (770-744) or "
        "template path; or give the part inline with the options below",
    )
    inline = p.add_argument_group("a part given inline (instead of PART)")
    option: Callable[..., Any] = inline.add_argument
    option("--poles", metavar="N", help="number of poles")
    option("--pin-spacing", metavar="MM", help="pin spacing, mm")
    option("--width", metavar="MM", help="front flange width, mm")
    option("--height", metavar="MM", help="front flange height, mm")
    option("--depth", metavar="MM", help="depth, front face to rear, mm")
    option("--grip-min", metavar="MM", help="thinnest finished plate the part grips, mm")
    option("--grip-max", metavar="MM", help="thickest finished plate the part grips, mm")
    option("--plate-min", metavar="MM", help="old spelling of --grip-min (deprecated)")
    option("--plate-max", metavar="MM", help="old spelling of --grip-max (deprecated)")
    option("--tolerance", metavar="MM", help="cutout tolerance (+), mm")
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
        "--collar-width",
        metavar="MM",
        help="the part's collar through the cutout, largest width K, mm (without it the "
        "clearance, corner, flange and latch checks are unverified)",
    )
    option("--collar-height", metavar="MM", help="the collar's largest height, mm")
    option("--collar-minus", metavar="MM", help="the collar's own tolerance (-), mm (default 0)")
    option("--collar-corner-radius", metavar="MM", help="the collar's corner radius, mm")
    option("--latch-span", metavar="MM", help="latch tip to latch tip across the width, mm")
    option("--id", default="inline", help="id for the files written (default: inline)")
    option("--name", help="name for reports and drawings")


def _sheet_args(p: argparse.ArgumentParser) -> None:
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


def _fit_args(p: argparse.ArgumentParser) -> None:
    _sheet_args(p)
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


def _output_args(p: argparse.ArgumentParser) -> None:
    output_dir_arg(p)
    p.add_argument("--force", action="store_true", help="write the DXF even when the fit fails")


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
