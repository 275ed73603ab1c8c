"""A part given on the command line instead of a template (`--poles --pin-spacing ...`):
the same table a template holds, built from the option text and validated by the same
code (geom.data.templates.part_from_data). Numbers not given are assumed where the
template's margins allow (the report says so); a collar or latch span not given is a
placeholder, and the checks that rest on it are unverified, never passed (mm)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from geom.data.checked import RESOLUTION_MM, number
from geom.data.template_schema import (
    MAX_PART_MM,
    MAX_PLATE_MM,
    MAX_POLES,
    MAX_TOLERANCE_MM,
    SHAPE_FIELDS,
)
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


def _number(option: str, text: object, low: float, high: float, *, low_open: bool = True) -> float:
    return number(CLI, option, text, low, high, low_open=low_open)


def _whole(option: str, text: object, low: int, high: int) -> int:
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


def _connector(fields: Mapping[str, object], quote: Any) -> dict[str, Any]:
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


def shape_part(
    fields: Mapping[str, object],
    catalog: Catalog,
    *,
    where: str = CLI,
    name: Callable[[str], str] = option,
    grip_optional: bool = False,
) -> Part:
    """A hole given by its shape (`--shape`, its fields, --tolerance, the grip range),
    through the same validation as a template. Without --flange-width/--flange-height
    the flange is assumed 2 mm past the shape on every side; without a collar the
    checks that rest on one do not run and the report says so.

    The one builder of every door that gives a part by its shape: the command line
    (option text, errors naming `--diameter`) and a panel file's or cut layout's
    ``[[place]]`` (TOML values; `where` the file, `name` the entry's field). With
    `grip_optional` the grip range may be left out: a placeholder (NOT_GIVEN) on which
    no check rests, and the grip check does not apply (geom.model.fit)."""
    kind = str(fields.get("shape"))
    if kind not in INLINE_SHAPES:
        raise InputError(where, name("shape"), kind, "not a known shape", ", ".join(INLINE_SHAPES))
    names = SHAPE_FIELDS[kind]
    corner = ("corner_radius", "notch_corner_radius")
    grip_given = fields.get("grip_min") is not None or fields.get("grip_max") is not None
    grips = ("grip_min", "grip_max") if grip_given or not grip_optional else ()
    for field in (*[n for n in names if n not in corner], "tolerance", *grips):
        if fields.get(field) is None:
            unit = "a whole number" if field == "sides" else "a number in mm"
            if field == "side_angle":
                unit = "a number in degrees"
            raise InputError(where, name(field), MISSING, f"missing for a {kind} hole", unit)
    given = "inline"

    def quote(value: float, source: str = given, **more: float) -> dict[str, Any]:
        return {"value": value, **more, "source": source}

    def size(field: str, low: float = 0.0, high: float = MAX_PART_MM, **kw: Any) -> float:
        return number(where, name(field), fields.get(field), low, high, **kw)

    cut: dict[str, Any] = {"shape": kind}
    sizes: dict[str, float] = {}
    for field in names:
        if fields.get(field) is None:  # a corner radius: sharp, assumed
            cut[field] = quote(0.0, ASSUMED)
            sizes[field] = 0.0
            continue
        if field == "sides":
            sizes[field] = size("sides", 3, 64, low_open=False, integer=True)
        elif field == "side_angle":
            sizes[field] = size("side_angle", 0.0, 45.0, low_open=False, unit="deg")
        else:
            sizes[field] = size(field, low_open=field not in corner)
        cut[field] = quote(sizes[field])
    cut["tolerance"] = quote(size("tolerance", 0.0, MAX_TOLERANCE_MM))
    env_w, env_h = _shape_envelope(kind, sizes)
    a = INLINE_ASSUMED
    envelope: dict[str, Any] = {}
    for axis, extent in (("width", env_w), ("height", env_h)):
        envelope[axis] = (
            quote(extent + 2 * a["flange_cover_width"], ASSUMED)
            if fields.get(f"flange_{axis}") is None
            else quote(size(f"flange_{axis}"))
        )
    envelope["depth"] = [
        quote(INLINE_DEPTH_MM, ASSUMED) if fields.get("depth") is None else quote(size("depth"))
    ]
    envelope["depth_policy"] = "max"
    collar, collar_given = _shape_collar(kind, sizes, fields, quote, size)
    span = fields.get("latch_span")
    mounting = "snap-in" if span is not None else "nut" if kind in ROUND_SHAPES else "clamp"
    grip = (
        {"min": quote(size("grip_min")), "max": quote(size("grip_max"))}
        if grips
        else {"min": quote(RESOLUTION_MM, NOT_GIVEN), "max": quote(MAX_PLATE_MM, NOT_GIVEN)}
    )
    door = "on the command line" if where == CLI else "in the panel or layout file"
    data: dict[str, Any] = {
        "sources": {
            given: f"values given {door}",
            NOT_GIVEN: f"a placeholder: not given {door}, no check rests on it",
        },
        "part": {
            "id": fields["id"],
            "name": fields.get("name") or f"inline {kind} hole {fields['id']}",
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
            "span": quote(size("latch_span")),
            "min_catch": quote(a["min_catch"], ASSUMED),
        }
    try:
        part = part_from_data(data, where, catalog)
    except InputError as exc:  # a rule between fields (grip min over max, ...): the door's names
        if where == CLI:
            raise
        raise InputError(
            where, _field_of(exc.field, name), exc.value, exc.problem, exc.allowed
        ) from None
    if collar_given or part.snap is None:
        return part
    return replace(part, snap=replace(part.snap, collar_given=False))


def _field_of(template_field: str, name: Callable[[str], str]) -> str:
    """The door's name of a template field an inline part's check names (mm fields)."""
    table, _, rest = template_field.partition(".")
    field = rest.split(".")[0]  # grip.max.value: the grip's max
    if table == "part":
        return name(field)
    if table == "grip":
        return name(f"grip_{field}")
    if table == "cutout":
        return name(field)
    if table == "collar":
        return name(f"collar_{field}")
    if table == "envelope":
        return name("depth" if field.startswith("depth") else f"flange_{field}")
    if table == "latch":
        return name(f"latch_{field}")
    return name(template_field)


INLINE_DEPTH_MM = 20.0
"""A hole given by its shape without --depth: the body's assumed depth behind the flange
front (mm), for the simplified body and the layout's keep-out only."""


def _collar_sizes(kind: str) -> tuple[str, ...]:
    """The cutout's sizes a shape's collar gives (round shapes: the diameter alone)."""
    if kind in ROUND_SHAPES:
        return ("diameter",)
    return ("across_flats",) if kind == "polygon" else ("width", "height")


def shape_collar_fields(kind: str) -> tuple[str, ...]:
    """The inline fields of a shape's collar: `collar_diameter`, or `collar_width` and
    `collar_height` (a rect also `collar_corner_radius`), or `collar_across_flats`."""
    sizes = tuple(f"collar_{n}" for n in _collar_sizes(kind))
    return (*sizes, "collar_corner_radius") if kind == "rect" else sizes


def _shape_collar(
    kind: str,
    sizes: Mapping[str, float],
    fields: Mapping[str, object],
    quote: Any,
    size: Callable[..., float],
) -> tuple[dict[str, Any], bool]:
    """The collar of a hole given by its shape: --collar-diameter (round shapes) or
    --collar-width and --collar-height, each with --collar-minus; without them a
    placeholder of the cutout's sizes (NOT_GIVEN) and False. `size(field, ...)` reads
    one field as a number in mm."""
    minus = size("collar_minus", low_open=False) if fields.get("collar_minus") is not None else 0.0
    keys = dict(zip(_collar_sizes(kind), shape_collar_fields(kind), strict=False))
    collar: dict[str, Any] = {}
    given = all(fields.get(k) is not None for k in keys.values())
    for n, key in keys.items():
        if given:
            collar[n] = quote(size(key), minus=minus)
        else:
            collar[n] = quote(sizes[n], NOT_GIVEN)
    if kind == "rect":
        collar["corner_radius"] = (
            quote(size("collar_corner_radius", low_open=False))
            if fields.get("collar_corner_radius") is not None
            else quote(sizes["corner_radius"], NOT_GIVEN)
        )
    return collar, given
