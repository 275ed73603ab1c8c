"""A part given on the command line instead of a template (`--poles --pin-spacing ...`):
the same table a template holds, built from the option text and validated by the same
code (geom.data.templates.part_from_data). Numbers not given are assumed where the
template's margins allow (the report says so); a collar or latch span not given is a
placeholder, and the checks that rest on it are unverified, never passed (mm)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from geom.data.checked import number
from geom.data.template_schema import MAX_PART_MM, MAX_POLES, MAX_TOLERANCE_MM, SHAPE_FIELDS
from geom.data.templates import Catalog, part_from_data
from geom.errors import MISSING, GeomDeprecationWarning, InputError
from geom.model.contour import shape_of
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
    "width",
    "height",
    "depth",
    "grip_min",
    "grip_max",
    "tolerance",
)
INLINE_OPTIONAL = (
    "poles",
    "pin_spacing",
    "cutout_width",
    "cutout_height",
    "corner_radius",
    "collar_width",
    "collar_height",
    "collar_minus",
    "collar_corner_radius",
    "latch_span",
)
SHAPE_OPTIONS = (
    "shape",
    "diameter",
    "notch_width",
    "notch_reach",
    "notch_corner_radius",
    "across_flat",
    "across_flats",
    "side_angle",
    "sides",
    "flange_width",
    "flange_height",
    "collar_diameter",
)
"""A hole given by its shape (`--shape circle --diameter 16 ...`): the shape's own
fields (the template's names: with --shape, --width and --height are the cutout's), the
flange and the collar."""
INLINE_SHAPES = (
    "rect",
    "circle",
    "circle-notch",
    "d",
    "double-d",
    "obround",
    "trapezoid",
    "polygon",
)
ROUND_SHAPES = ("circle", "circle-notch", "d", "double-d")
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
    given = [
        n for n in INLINE_REQUIRED + INLINE_OPTIONAL + SHAPE_OPTIONS if fields.get(n) is not None
    ]
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
            + " ".join(option(n) for n in INLINE_REQUIRED)
            + ", or --shape with its fields",
        )
    part = shape_part(fields, catalog) if fields.get("shape") else inline_part(fields, catalog)
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
            raise InputError(
                CLI, option(name), MISSING, "missing for a part given inline", "a number in mm"
            )
    shaped = [n for n in SHAPE_OPTIONS if fields.get(n) is not None]
    if shaped:
        raise InputError(
            CLI, option(shaped[0]), fields.get(shaped[0]), "given without --shape", "--shape"
        )
    a = INLINE_ASSUMED
    v = {
        n: _number(option(n), fields.get(n), 0.0, MAX_PART_MM)
        for n in INLINE_REQUIRED
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
            **_connector(fields, quote),
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


def _connector(fields: Mapping[str, str | None], quote: Any) -> dict[str, Any]:
    """[part] poles and pin_spacing, when given (connectors only)."""
    out: dict[str, Any] = {}
    if fields.get("poles") is not None:
        out["poles"] = quote(_whole("--poles", fields.get("poles"), 1, MAX_POLES))
    if fields.get("pin_spacing") is not None:
        out["pin_spacing"] = quote(
            _number("--pin-spacing", fields.get("pin_spacing"), 0.0, MAX_PART_MM)
        )
    return out


def _shape_envelope(kind: str, sizes: Mapping[str, float]) -> tuple[float, float]:
    """Width and height of the shape's origin-centred box (mm); the largest size both
    ways when the sizes do not make the shape (the template check then says why)."""
    try:
        shape = shape_of(kind, sizes)
        return shape.width, shape.height
    except (ValueError, ZeroDivisionError, KeyError, TypeError):
        biggest = max(sizes.values(), default=1.0)
        return biggest, biggest


def shape_part(fields: Mapping[str, str | None], catalog: Catalog) -> Part:
    """A hole given by its shape (`--shape`, its fields, --tolerance, the grip range),
    through the same validation as a template. Without --flange-width/--flange-height
    the flange is assumed 2 mm past the shape on every side; without a collar the
    checks that rest on one do not run and the report says so."""
    kind = str(fields.get("shape"))
    if kind not in INLINE_SHAPES:
        raise InputError(CLI, "--shape", kind, "not a known shape", ", ".join(INLINE_SHAPES))
    names = SHAPE_FIELDS[kind]
    corner = ("corner_radius", "notch_corner_radius")
    for name in (*[n for n in names if n not in corner], "tolerance", "grip_min", "grip_max"):
        if fields.get(name) is None:
            unit = "a whole number" if name == "sides" else "a number in mm"
            if name == "side_angle":
                unit = "a number in degrees"
            raise InputError(CLI, option(name), MISSING, f"missing for a {kind} hole", unit)
    given = "inline"

    def quote(value: float, source: str = given, **more: float) -> dict[str, Any]:
        return {"value": value, **more, "source": source}

    cut: dict[str, Any] = {"shape": kind}
    sizes: dict[str, float] = {}
    for name in names:
        text = fields.get(name)
        if text is None:  # a corner radius: sharp, assumed
            cut[name] = quote(0.0, ASSUMED)
            sizes[name] = 0.0
            continue
        if name == "sides":
            sizes[name] = _whole("--sides", text, 3, 64)
        elif name == "side_angle":
            sizes[name] = number(CLI, "--side-angle", text, 0.0, 45.0, low_open=False, unit="deg")
        else:
            low_open = name not in corner
            sizes[name] = _number(option(name), text, 0.0, MAX_PART_MM, low_open=low_open)
        cut[name] = quote(sizes[name])
    cut["tolerance"] = quote(_number("--tolerance", fields.get("tolerance"), 0.0, MAX_TOLERANCE_MM))
    env_w, env_h = _shape_envelope(kind, sizes)
    a = INLINE_ASSUMED
    envelope: dict[str, Any] = {}
    for axis, extent in (("width", env_w), ("height", env_h)):
        text = fields.get(f"flange_{axis}")
        envelope[axis] = (
            quote(extent + 2 * a["flange_cover_width"], ASSUMED)
            if text is None
            else quote(_number(f"--flange-{axis}", text, 0.0, MAX_PART_MM))
        )
    depth = fields.get("depth")
    envelope["depth"] = [
        quote(INLINE_DEPTH_MM, ASSUMED)
        if depth is None
        else quote(_number("--depth", depth, 0.0, MAX_PART_MM))
    ]
    envelope["depth_policy"] = "max"
    collar, collar_given = _shape_collar(kind, sizes, fields, quote)
    span = fields.get("latch_span")
    mounting = "snap-in" if span is not None else "nut" if kind in ROUND_SHAPES else "clamp"
    grip = {
        "min": quote(_number("--grip-min", fields.get("grip_min"), 0.0, MAX_PART_MM)),
        "max": quote(_number("--grip-max", fields.get("grip_max"), 0.0, MAX_PART_MM)),
    }
    data: dict[str, Any] = {
        "sources": {
            given: "values given on the command line",
            NOT_GIVEN: "a placeholder: not given on the command line, no check rests on it",
        },
        "part": {
            "id": fields["id"],
            "name": fields["name"] or f"inline {kind} hole {fields['id']}",
            "kind": f"{kind} hole",
            "manufacturer": "(inline)",
            "mounting": mounting,
            **_connector(fields, quote),
        },
        "envelope": envelope,
        "grip": grip,
        "cutout": cut,
        "flange": {
            "thickness": quote(a["flange_thickness"], ASSUMED),
            "min_overlap": quote(a["min_overlap"], ASSUMED),
        },
        "collar": collar,
    }
    if span is not None:
        data["latch"] = {
            "axis": "width",
            "span": quote(_number("--latch-span", span, 0.0, MAX_PART_MM)),
            "min_catch": quote(a["min_catch"], ASSUMED),
        }
    part = part_from_data(data, CLI, catalog)
    if collar_given or part.snap is None:
        return part
    return replace(part, snap=replace(part.snap, collar_given=False))


INLINE_DEPTH_MM = 20.0
"""A hole given by its shape without --depth: the body's assumed depth behind the flange
front (mm), for the simplified body and the layout's keep-out only."""


def _shape_collar(
    kind: str, sizes: Mapping[str, float], fields: Mapping[str, str | None], quote: Any
) -> tuple[dict[str, Any], bool]:
    """The collar of a hole given by its shape: --collar-diameter (round shapes) or
    --collar-width and --collar-height, each with --collar-minus; without them a
    placeholder of the cutout's sizes (NOT_GIVEN) and False."""
    minus = (
        _number("--collar-minus", fields["collar_minus"], 0.0, MAX_PART_MM, low_open=False)
        if fields.get("collar_minus") is not None
        else 0.0
    )
    if kind in ROUND_SHAPES:
        names: tuple[str, ...] = ("diameter",)
    elif kind == "polygon":
        names = ("across_flats",)
    else:
        names = ("width", "height")
    keys = {n: "collar_diameter" if n == "diameter" else f"collar_{n}" for n in names}
    texts = {n: fields.get(k) for n, k in keys.items()}
    collar: dict[str, Any] = {}
    given = all(t is not None for t in texts.values())
    for n, text in texts.items():
        if given:
            assert text is not None
            value = _number(option(keys[n]), text, 0.0, MAX_PART_MM)
            collar[n] = quote(value, minus=minus)
        else:
            collar[n] = quote(sizes[n], NOT_GIVEN)
    if kind == "rect":
        radius = fields.get("collar_corner_radius")
        collar["corner_radius"] = (
            quote(_number("--collar-corner-radius", radius, 0.0, MAX_PART_MM, low_open=False))
            if radius is not None
            else quote(sizes["corner_radius"], NOT_GIVEN)
        )
    return collar, given
