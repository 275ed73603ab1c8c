"""`geom list`, `geom check`, `geom cutout` and `geom build` (named parts): their options,
their work and what they print (mm)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geom.cli.catalog import cmd_build_all
from geom.cli.options import (
    CLI,
    dxf_format_args,
    fit_args,
    fit_of,
    output_args,
    part_args,
    part_of,
    print_ways_out,
    render_args,
    warn_assumed,
    warn_dxf,
)
from geom.data.atomic import prepare_dir
from geom.data.templates import load_catalog
from geom.errors import InputError
from geom.model.contour import Rect, shape_text
from geom.model.fit import Fit
from geom.model.notes import FORCED_NOTE, NO_COLLAR_NOTE
from geom.model.report import (
    NOT_APPLICABLE,
    band_text,
    dumps,
    fit_report,
    holds_3d,
    stamped,
    with_3d,
)
from geom.model.units import band, deviation, mm
from geom.output import decide, output_set


def add_list_check_cutout(sub: Any) -> None:
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
    part_args(check)
    fit_args(check)
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
    part_args(cutout)
    fit_args(cutout)
    output_args(cutout)
    dxf_format_args(cutout)
    cutout.add_argument("--json", action="store_true", help="print the JSON report")
    cutout.set_defaults(run=_cmd_cutout)


def add_build(sub: Any) -> None:
    build = sub.add_parser(
        "build",
        help="cutout DXF, fit report (with the 3D check) and body STEP for many parts",
        description="Cutout DXF, fit report (with the 3D check) and body STEP for the "
        "named parts (every template when none is named). The body's wings sit for the "
        "thickest finished plate of --sheet and --coating, or the top of the grip range.",
    )
    build.add_argument(
        "parts", nargs="*", metavar="PART", help="template id, unique id prefix or template path"
    )
    fit_args(build)
    output_args(build)
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
    catalog.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run --all's jobs on the Dask cluster of this scheduler (e.g. tcp://host:8786) "
        "instead of local processes; its workers write into DIR (needs geom-panel[dask])",
    )
    catalog.add_argument(
        "--templates",
        metavar="DIR",
        type=Path,
        action="append",
        help="build the parts and panels (DIR/panels) of this template folder only, not "
        "$GEOM_TEMPLATES and the shipped templates; repeat for more folders, the first "
        "that has an id wins",
    )
    render_args(catalog)
    build.set_defaults(run=_cmd_build)


def _cmd_list(args: argparse.Namespace) -> int:
    for part in load_catalog().parts.values():
        grip = part.fit.grip
        via = f" via {part.frame.id}" if part.frame else ""
        poles = f"{part.poles}-pole" if part.poles else "-"
        grips = f"grip {mm(grip.min)} .. {mm(grip.max)} mm"
        print(f"{part.id:<18} {poles:<7} {grips}{via:<12} {part.name}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    fit = fit_of(args, part_of(args, load_catalog()))
    warn_assumed(fit.part)
    fit3d = None
    if args.three_d:
        from geom.services import fit3d_report

        fit3d = fit3d_report(fit)
    if args.json:
        report = fit_report(fit)
        sys.stdout.write(dumps(stamped(report if fit3d is None else with_3d(report, fit3d))))
    else:
        _print_fit(fit)
        if fit3d is not None:
            print_fit3d(fit3d)
    return 0 if decide(fit.ok, holds_3d(fit3d)).holds else 1


def _cmd_cutout(args: argparse.Namespace) -> int:
    from geom.dxf.cutout import write_cutout

    fit = fit_of(args, part_of(args, load_catalog()))
    prepare_dir(args.output)  # a bad folder is bad input, before any warning
    warn_assumed(fit.part)
    warn_dxf(args)
    with output_set(args.output) as outputs:
        files = write_cutout(
            fit, outputs, version=args.dxf_version, explode=args.explode, force=args.force
        )
    if args.json:
        sys.stdout.write(files.report.read_text(encoding="utf-8"))
    else:
        _print_fit(fit)
        _print_files(fit, files.dxf, files.report)
    return 0 if fit.ok else 1


def _cmd_build(args: argparse.Namespace) -> int:
    if args.all:
        return cmd_build_all(args)
    if args.templates:  # parts are looked up in $GEOM_TEMPLATES and the shipped templates
        directory = str(args.templates[0])
        raise InputError(CLI, "--templates", directory, "given without --all", "--all --templates")
    from geom.dxf.cutout import write_cutout

    catalog = load_catalog()
    parts = [catalog.resolve(name) for name in args.parts] or list(catalog.parts.values())
    fits = [fit_of(args, part) for part in parts]  # every input checked before any file
    from geom.services import body_plate_of, fit3d_report, validate_bodies, write_body

    plates = [body_plate_of(f) for f in fits]
    for fit, plate in zip(fits, plates, strict=True):
        validate_bodies(fit, plate)  # every [body] checked before any file
    prepare_dir(args.output)
    failed = 0
    lines = []
    with output_set(args.output) as outputs:
        for fit, plate in zip(fits, plates, strict=True):
            warn_assumed(fit.part)
            fit3d = fit3d_report(fit)
            step = write_body(fit.part, plate, outputs.dir)
            extra = {"body": {"step": step.name, "finished_plate_mm": plate}}
            ok = decide(fit.ok, holds_3d(fit3d)).holds
            files = write_cutout(
                fit, outputs, force=args.force, fit_3d=fit3d, extra=extra, also=[step.name]
            )
            status = "ok  " if ok else "FAIL"
            dxf = files.dxf.name if files.dxf else "(DXF withheld: fit fails)"
            dxf += f" ({FORCED_NOTE})" if files.dxf and not ok else ""
            lines.append(f"{status} {fit.part.id:<18} {dxf}  {files.report.name}  {step.name}")
            failed += not ok
    for line in lines:
        print(line)
    print(f"{len(fits)} parts, {len(fits) - failed} fit, {failed} fail; files in {outputs.out}")
    return 1 if failed else 0


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
    if isinstance(cut, Rect):
        print(
            f"  cut as drawn     {mm(cut.width)} x {mm(cut.height)} mm, corner radius "
            f"{mm(cut.corner_radius)} mm"
        )
    else:
        print(f"  cut as drawn     {shape_text(cut)}")
    if fit.hole_cut is not None and snap.holes is not None:
        print(f"  fixing holes     {len(snap.holes.positions)} x {mm(fit.hole_cut)} mm as drawn")
    print(f"  finished band    {band_text(fit)}")
    shop = f"; shop holds +/-{mm(cond.shop.tolerance)}" if cond.shop else ""
    left = f"{deviation('-', fit.process_minus)} / {deviation('+', fit.process_plus)}"
    print(f"  shop process     {left} mm left{shop}")
    if snap.collar_given:
        print(f"  clearance        {mm(fit.clearance.min)} .. {mm(fit.clearance.max)} mm")
    else:
        print(f"  {NO_COLLAR_NOTE}")
    for check in fit.checks:
        status = "ok  " if check.ok else "FAIL" if check.verified else "UNVERIFIED"
        status = status if check.applies else f"{NOT_APPLICABLE:<4}"
        print(f"  {status} {check.name:<18} {check.message}")
    print_ways_out(fit.ways_out, fit.no_way_out)
    if part.assumed:
        print(f"  assumed: {', '.join(part.assumed)}")
    print(f"  {'fit holds' if fit.ok else 'FIT FAILS'}")


def _print_files(fit: Fit, dxf: Path | None, report: Path) -> None:
    if dxf is None:
        print(f"  DXF withheld: the fit fails (--force writes it anyway); report {report}")
    else:
        print(f"  wrote {dxf}" + ("" if fit.ok else f" (marked {FORCED_NOTE})"))
        print(f"  wrote {report}")


def print_fit3d(report: dict[str, Any]) -> None:
    if not report["applies"]:
        print(f"  {NOT_APPLICABLE:<4} {'fit_3d':<18} does not apply: {report['reason']}")
        return
    if not report["cases"]:  # the check could not be computed
        print(f"  FAIL {'fit_3d':<18} UNDECIDABLE: {report['reason']}")
        return
    status = "ok  " if report["ok"] else "FAIL"
    cases = report["cases"]
    undecided = [c for c in cases if not c["decided"]]
    interference = report["interference_mm3"]
    worst = "none decided" if interference is None else f"{interference:.6f} mm3"
    print(
        f"  {status} {'fit_3d':<18} interference {worst} "
        f"(limit {report['interference_limit_mm3']:g}); latch catch at least "
        f"{mm(report['latch_catch_min_mm'])} mm (required "
        f"{mm(report['latch_catch_required_mm'])}) over {len(cases)} cases"
        + (f"; UNDECIDABLE in {len(undecided)}" if undecided else "")
    )
    for case in cases:
        if case["ok"]:
            continue
        o = case["opening_mm"]
        plate = case["finished_plate_mm"]
        where = f"at opening {mm(o['width'])} x {mm(o['height'])} mm, finished plate {mm(plate)} mm"
        if not case["decided"]:
            print(f"       UNDECIDABLE {where}: {case['reason']}")
            continue
        figures = f"interference {case['interference_mm3']:.6f} mm3, latches " + ", ".join(
            f"catch {mm(la['catch_mm'])} mm top Z {mm(la['top_z_mm'])}" for la in case["latches"]
        )
        if not case["feasible"]:
            figures = f"{case['reason']}; centred: {figures}"
        print(f"       fails {where}: {figures}")
