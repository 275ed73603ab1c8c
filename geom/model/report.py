"""The fit report: a plain, deterministic JSON document (same input, same bytes)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from geom.model.advice import WayOut
from geom.model.checks import Check
from geom.model.contour import Rect, shape_fields
from geom.model.fit import Fit
from geom.model.notes import FORCED_NOTE, KERF_NOTE, MASKED_NOTE, NO_COLLAR_NOTE, VERIFY_NOTE
from geom.model.part import NOT_GIVEN
from geom.model.tolerance import Size
from geom.model.units import deviation, mm

SCHEMA = "geom.report/1"
"""The report schema's name and version (geom/output/report.schema.json)."""
NOT_APPLICABLE = "n/a"
"""What text outputs (terminal, catalog page) say of a check that does not apply."""

DECIMALS = 9
"""Report precision in mm: 1 nm, far below any shop's resolution, free of float noise."""


def fit_report(fit: Fit) -> dict[str, Any]:
    """The JSON-ready report of one fit (see the README for the fields)."""
    part, cond = fit.part, fit.conditions
    snap = part.fit
    notes = [KERF_NOTE, *part.note_texts]
    if not snap.collar_given:
        notes.append(NO_COLLAR_NOTE)
    if cond.masked:
        notes.append(MASKED_NOTE)
    if part.cut_assumed:
        notes.insert(0, VERIFY_NOTE)
    return {
        "part": part.id,
        "name": part.name,
        "mounted_through": part.frame.id if part.frame else None,
        "ok": fit.ok,
        "target": fit.target,
        "sheet_mm": _band(fit.sheet),
        "sheet_given": fit.sheet_given,
        "coating_mm": _band(fit.coating),
        "masked": cond.masked,
        "finished_plate_mm": _band(fit.finished_plate),
        "grip_mm": _band(snap.grip) if part.mount.sources.get("grip.min") != NOT_GIVEN else None,
        "tolerance_mm": snap.tolerance,
        "mounting": snap.mounting,
        "band_mm": {
            name: {"min": snap.band(name)[0], "max": snap.band(name)[1]}
            for name in snap.cutout.SIZES
        },
        "cutout_mm": shape_fields(fit.cut),
        "finished_mm": shape_fields(fit.finished),
        "holes_mm": _holes(fit),
        "opening_mm": {axis: _band(size) for axis, size in fit.opening.items()},
        "process_tolerance_mm": {"minus": fit.process_minus, "plus": fit.process_plus},
        "shop_tolerance_mm": (
            None
            if cond.shop is None
            else {"value": cond.shop.tolerance, "source": cond.shop.source}
        ),
        "clearance_mm": _band(fit.clearance),
        "checks": [check_record(c) for c in fit.checks],
        "ways_out": ways_out_report(fit.ways_out),
        **no_way_out_report(fit.no_way_out),
        "assumed": list(part.assumed),
        "cut_assumed": part.cut_assumed,
        "notes": notes,
    }


def check_record(c: Check) -> dict[str, Any]:
    """One check as reports write it; a check that does not apply has no `ok`, only
    `"applies": false` and its reason."""
    if not c.applies:
        return {"name": c.name, "applies": False, "reason": c.message}
    return {
        "name": c.name,
        "ok": c.ok,
        "verified": c.verified,
        "message": c.message,
        "figures": c.figures,
    }


def ways_out_report(ways_out: Sequence[WayOut]) -> list[dict[str, Any]]:
    """Each way out as `{"change": {...}, "text": "..."}` (geom.model.advice)."""
    return [{"change": w.change.as_json(), "text": w.text} for w in ways_out]


def no_way_out_report(no_way_out: str | None) -> dict[str, str]:
    """`{"no_way_out": why}` when no change of one input helps, else nothing."""
    return {} if no_way_out is None else {"no_way_out": no_way_out}


def band_text(fit: Fit) -> str:
    """The finished opening's band, size by size: `41.500 x 17.000 mm +0.100/0`, or
    `diameter 16.000 +0.200/0, ... mm` (mm)."""
    snap = fit.part.fit
    if isinstance(snap.cutout, Rect) and not snap.bands:
        return (
            f"{mm(snap.cutout.width)} x {mm(snap.cutout.height)} mm "
            f"{deviation('+', snap.tolerance)}/0"
        )
    sizes = []
    for name in snap.cutout.SIZES:
        low, high = snap.band(name)
        sizes.append(f"{name.replace('_', ' ')} {mm(low)} {deviation('+', high - low)}/0")
    return f"{', '.join(sizes)} mm"


def holds_3d(fit_3d: Mapping[str, Any] | None) -> bool | None:
    """The 3D check's verdict: True when not run or when it does not apply (`"applies":
    false`, no `ok`: the 2D checks decide alone; it counts neither as a pass nor as a
    failure), else its `ok` when every case was decided, None (undecided) otherwise."""
    if fit_3d is None or fit_3d.get("applies") is False:
        return True
    if fit_3d.get("decided") is False or not isinstance(fit_3d.get("ok"), bool):
        return None
    return bool(fit_3d["ok"])


def with_3d(document: dict[str, Any], fit_3d: dict[str, Any]) -> dict[str, Any]:
    """`document` with the 3D check attached; its `ok` then requires the 3D check too
    where it applies."""
    return {**document, "ok": bool(document["ok"]) and holds_3d(fit_3d) is True, "fit_3d": fit_3d}


def with_forced(document: dict[str, Any], forced: bool) -> dict[str, Any]:
    """`document` with `"forced"` after `"ok"`; when `forced`, FORCED_NOTE first in notes."""
    out: dict[str, Any] = {}
    for key, value in document.items():
        out[key] = [FORCED_NOTE, *value] if forced and key == "notes" else value
        if key == "ok":
            out["forced"] = forced
    return out


def stamped(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with `"schema": SCHEMA` as its first key (a report's top level)."""
    return {"schema": SCHEMA, **{k: v for k, v in document.items() if k != "schema"}}


def dumps(document: Any) -> str:
    """JSON text with floats rounded to `DECIMALS` and a final newline."""
    return json.dumps(_rounded(document), indent=2, ensure_ascii=False) + "\n"


def _band(size: Size) -> dict[str, float]:
    return {"min": size.min, "max": size.max}


def _holes(fit: Fit) -> dict[str, Any] | None:
    """The part's fixing holes: band, drawn and finished diameter, centres (mm)."""
    holes = fit.part.fit.holes
    if holes is None or fit.hole_cut is None or fit.hole_opening is None:
        return None
    return {
        "band": {"min": holes.diameter, "max": holes.diameter + holes.tolerance},
        "cut_diameter": fit.hole_cut,
        "opening": _band(fit.hole_opening),
        "positions": [list(p) for p in holes.positions],
    }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
