"""A part given on the command line instead of a template (`--poles --pin-spacing ...`):
the same table a template holds, built from the option text and validated by the same
code (geom.data.templates.part_from_data). Numbers not given are assumed where the
template's margins allow (the report says so); a collar or latch span not given is a
placeholder, and the checks that rest on it are unverified, never passed (mm)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from geom.data.checked import number
from geom.data.template_schema import MAX_PART_MM, MAX_POLES, MAX_TOLERANCE_MM
from geom.data.templates import Catalog, part_from_data
from geom.errors import MISSING, GeomDeprecationWarning, InputError
from geom.model.part import ASSUMED, NOT_GIVEN, Part

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


def option(name: str) -> str:
    return "--" + name.replace("_", "-")


def deprecated(old: str, new: str, meaning: str) -> None:
    """Warn that option `old` is now `new` (the command line shows one `geom: note:`)."""
    warnings.warn(
        f"{old} is now {new} ({meaning}); {old} still works for now",
        GeomDeprecationWarning,
        stacklevel=3,
    )


def _number(
    option: str, text: str | None, low: float, high: float, *, low_open: bool = True
) -> float:
    return number(CLI, option, text, low, high, low_open=low_open)


def _whole(option: str, text: str | None, low: int, high: int) -> int:
    return int(number(CLI, option, text, low, high, low_open=False, integer=True))


def resolve_part(
    name: str | None, given_fields: Mapping[str, str | None], catalog: Catalog
) -> Part:
    """The part of `geom check`, `cutout` and `build` from PART (`name`: a template id,
    unique prefix or path) or from the inline fields (`given_fields`, option text by field
    name: `poles`, `pin_spacing`, ..., `id`, `name`), never both."""
    fields = dict(given_fields)
    renamed = [old for old in INLINE_RENAMED if fields.get(old) is not None]
    for old in renamed:
        new = INLINE_RENAMED[old]
        if fields.get(new) is not None:
            raise InputError(
                CLI, option(old), fields.get(old), f"given with {option(new)}", option(new)
            )
        fields[new] = fields[old]
    given = [n for n in INLINE_REQUIRED + INLINE_OPTIONAL if fields.get(n) is not None]
    if name and given:
        raise InputError(
            CLI,
            option(given[0]),
            fields.get(given[0]),
            "given together with PART",
            "either PART or the inline part fields",
        )
    if name:
        return catalog.resolve(name)
    if not given:
        raise InputError(
            CLI,
            "PART",
            MISSING,
            "missing",
            "a template id, a unique id prefix, a template path, or "
            + " ".join(option(n) for n in INLINE_REQUIRED),
        )
    part = inline_part(fields, catalog)
    for old in renamed:  # only once the part is known good: bad input is one line
        meaning = "the grip range: the finished plate the part holds"
        deprecated(option(old), option(INLINE_RENAMED[old]), meaning)
    return part


def inline_part(fields: Mapping[str, str | None], catalog: Catalog) -> Part:
    """A part from command-line fields, through the same validation as a template. A
    collar or latch span not given is a placeholder (source NOT_GIVEN): the checks that
    rest on it are unverified, never passed."""
    for name in INLINE_REQUIRED:
        if fields.get(name) is None:
            unit = "a whole number" if name == "poles" else "a number in mm"
            raise InputError(CLI, option(name), MISSING, "missing for a part given inline", unit)
    a = INLINE_ASSUMED
    poles = _whole("--poles", fields.get("poles"), 1, MAX_POLES)
    v = {
        n: _number(option(n), fields.get(n), 0.0, MAX_PART_MM)
        for n in INLINE_REQUIRED[1:]
        if n != "tolerance"
    }
    v["tolerance"] = _number("--tolerance", fields.get("tolerance"), 0.0, MAX_TOLERANCE_MM)
    given = "inline"

    def quote(value: float, source: str = given, **more: float) -> dict[str, Any]:
        return {"value": value, **more, "source": source}

    def optional(name: str, low_open: bool = True) -> float | None:
        text = fields.get(name)
        return (
            None
            if text is None
            else _number(option(name), text, 0.0, MAX_PART_MM, low_open=low_open)
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
                fields.get(axis),
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
            "id": fields["id"],
            "name": fields["name"] or f"inline part {fields['id']}",
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
