"""What the command line, the catalog and the public API share: the one place option
text becomes fit `Conditions` (mm), the finished plate a body's wings are built for, the
simplified body's STEP file and the 3D fit check as a report entry. The CAD kernel
(geom.cad) is imported inside the functions, so callers that need no 3D never load it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geom.data.checked import number, number_band
from geom.data.template_schema import MAX_PLATE_MM, MAX_TOLERANCE_MM
from geom.errors import InputError
from geom.model.body import wing_plate
from geom.model.conditions import EPS_MM, MAX_COATING_MM, Conditions, Shop, Target, sheets_that_grip
from geom.model.fit import Fit
from geom.model.part import Part, Rect
from geom.model.units import band, mm

COMMAND_LINE = "command line"


def conditions(
    sheet: str | None,
    coating: str,
    *,
    masked: bool = False,
    target: Target = "mid",
    shop: str | None = None,
    sheet_option: str = "--sheet",
    where: str = COMMAND_LINE,
) -> Conditions:
    """The fit conditions from option text (mm): `sheet` and `coating` are ``V`` or
    ``MIN..MAX``, `shop` the shop's +/- tolerance. `sheet_option` names the option that
    gave the sheet in an error. Bad text raises `InputError` naming the option."""
    sheet_band = None
    if sheet is not None:
        sheet_band = number_band(where, sheet_option, sheet, 0.0, MAX_PLATE_MM, low_open=True)
    coating_band = number_band(where, "--coating", coating, 0.0, MAX_COATING_MM, low_open=False)
    shop_figure = None
    if shop is not None:
        value = number(where, "--shop-tolerance", shop, 0.0, MAX_TOLERANCE_MM)
        shop_figure = Shop(value, where)
    return Conditions(
        sheet=sheet_band, coating=coating_band, masked=masked, target=target, shop=shop_figure
    )


def body_plate(part: Part, conditions: Conditions, *, where: str = COMMAND_LINE) -> float:
    """The finished plate (mm) `geom body` builds the wings for: the thickest finished
    plate of the sheet and coating bands, or without a sheet the grip range's top (the
    wings then sit deepest: the conservative keep-out behind the panel). A finished plate
    the part cannot grip is bad input: the wings could not sit."""
    grip = part.fit.grip
    if conditions.sheet is None:
        return wing_plate(part, None, conditions.coating)
    coating = conditions.coating
    plate = conditions.sheet.max + 2 * coating.max
    thinnest = conditions.sheet.min + 2 * coating.min
    if not (grip.min - EPS_MM <= thinnest and plate <= grip.max + EPS_MM):
        works = sheets_that_grip(grip, coating)
        allowed = "no sheet" if works is None else f"{mm(works.min)} .. {mm(works.max)} mm"
        raise InputError(
            where,
            "--sheet" if where == COMMAND_LINE else "sheet",
            band(conditions.sheet.min, conditions.sheet.max),
            f"a sheet whose finished plate {part.mount.id} cannot grip with "
            f"{mm(coating.min)} .. {mm(coating.max)} mm coating per face",
            f"sheet {allowed} (grip range {grip.min:g} .. {grip.max:g} mm)",
        )
    return wing_plate(part, conditions.sheet, coating)


def body_plate_of(fit: Fit) -> float:
    """The finished plate (mm) `geom build` draws the wings for (`wing_plate`; outside
    the grip range the fit fails and says so)."""
    return wing_plate(fit.part, fit.sheet if fit.sheet_given else None, fit.coating)


def validate_bodies(fit: Fit, plate: float) -> None:
    """Build (as numbers only, no kernel) every body the STEP file and the 3D check of
    `fit` will need, so a bad [body] table stops the command before any file is written."""
    from geom.model.body import build_body

    snap = fit.part.fit
    span = snap.latch_span.min if snap.latch_span is not None else None
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


def fit3d_report(fit: Fit) -> dict[str, Any]:
    """The 3D fit check of `fit`, as the report's `fit_3d` entry: `{"applies": true,
    "ok": ..., ...}`. It measures latches and a rectangular collar in a rectangular
    opening: for any other part it does not apply, `{"applies": false, "reason": ...}`
    with no `ok` (neither a pass nor a failure), and the 2D checks decide alone."""
    from geom.cad.fit3d import check_3d

    snap = fit.part.fit
    if snap.latch_span is None or not isinstance(snap.cutout, Rect):
        reason = (
            f"the 3D check measures snap-in latches in a rect cutout; this part is "
            f"{snap.mounting} with a {snap.cutout.kind} cutout: the 2D checks decide"
        )
        return {"applies": False, "reason": reason}
    try:
        return {"applies": True, **check_3d(fit).report()}
    except Exception as exc:  # the kernel could not compute it: fails closed, says why
        reason = f"the 3D check could not be computed ({type(exc).__name__}: {exc})"
        return {"applies": True, "ok": False, "decided": False, "reason": reason, "cases": []}
