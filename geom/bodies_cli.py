"""The 3D side of the command line: `geom body`, `geom check --3d`, and what `geom build`
adds (the 3D fit check in the report, the body STEP). geom.cli only registers the options
and calls these; the CAD kernel (geom.cad) is imported here, inside the functions, so the
commands that need no 3D never load it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from geom.errors import InputError
from geom.model.fit import EPS_MM, Conditions, Fit, sheets_that_grip
from geom.model.part import Part
from geom.model.units import band, mm


def body_plate(part: Part, conditions: Conditions) -> float:
    """The finished plate (mm) `geom body` builds the wings for: the thickest finished
    plate of the sheet and coating bands, or without a sheet the grip range's top (the
    wings then sit deepest: the conservative keep-out behind the panel). A finished plate
    the part cannot grip is bad input: the wings could not sit."""
    grip = part.fit.grip
    if conditions.sheet is None:
        return grip.max
    coating = conditions.coating
    plate = conditions.sheet.max + 2 * coating.max
    thinnest = conditions.sheet.min + 2 * coating.min
    if not (grip.min - EPS_MM <= thinnest and plate <= grip.max + EPS_MM):
        works = sheets_that_grip(grip, coating)
        allowed = "no sheet" if works is None else f"{mm(works.min)} .. {mm(works.max)} mm"
        raise InputError(
            "command line",
            "--sheet",
            band(conditions.sheet.min, conditions.sheet.max),
            f"a sheet whose finished plate {part.mount.id} cannot grip with "
            f"{mm(coating.min)} .. {mm(coating.max)} mm coating per face",
            f"sheet {allowed} (grip range {grip.min:g} .. {grip.max:g} mm)",
        )
    return plate


def body_plate_of(fit: Fit) -> float:
    """The finished plate (mm) `geom build` draws the wings for: as `body_plate`, held to
    the grip range (outside it the fit fails and says so)."""
    grip = fit.part.fit.grip
    if not fit.sheet_given:
        return grip.max
    return min(max(fit.finished_plate.max, grip.min), grip.max)


def validate_bodies(fit: Fit, plate: float) -> None:
    """Build (as numbers only, no kernel) every body the STEP file and the 3D check of
    `fit` will need, so a bad [body] table stops the command before any file is written."""
    from geom.model.body import build_body

    snap = fit.part.fit
    span = snap.latch_span.min
    smallest = (snap.collar_width.min, snap.collar_height.min)
    build_body(fit.part, plate)
    for t in (fit.finished_plate.min, fit.finished_plate.max):
        build_body(fit.part, t, latch_span=span)
        build_body(fit.part, t, latch_span=span, collar=smallest)


def step_name(part: Part) -> str:
    return f"{part.file_stem}-body.step"


def write_body(part: Part, plate: float, out: Path) -> Path:
    """Build the body of `part` for a finished plate `plate` mm and write its STEP file."""
    from geom.cad.body import write_body_step
    from geom.model.body import build_body

    body = build_body(part, plate)
    return write_body_step(body, out / step_name(part))


def warn_body(part: Part) -> None:
    print(
        f"geom: note: {part.id}: the body's openings, wings, coding and colour are assumed "
        "(template [body]); its envelope is the data sheet's",
        file=sys.stderr,
    )


def fit3d_report(fit: Fit) -> dict[str, Any]:
    """The 3D fit check of `fit`, as the report's `fit_3d` entry."""
    from geom.cad.fit3d import check_3d

    return check_3d(fit).report()


def print_fit3d(report: dict[str, Any]) -> None:
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
        print(
            f"       fails {where}: interference {case['interference_mm3']:.6f} mm3, latches "
            + ", ".join(
                f"catch {mm(la['catch_mm'])} mm top Z {mm(la['top_z_mm'])}"
                for la in case["latches"]
            )
        )
