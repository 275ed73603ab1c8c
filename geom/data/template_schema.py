"""The template format: every table and field a part template may hold, its limits, and
its validation into a `RawTemplate` (the part before its frame is resolved). A bad field
raises `InputError` naming the file, the field, the value and what is allowed (mm)."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast, get_args

from geom.data.checked import RESOLUTION_MM, Table
from geom.data.contour_file import BadLoop, loop_of_segments, read_dxf_loop
from geom.errors import MISSING, GeomDeprecationWarning, InputError
from geom.model.checks import KEY_SLOTS
from geom.model.contour import (
    Circle,
    CircleNotch,
    DFlat,
    DoubleD,
    FreeContour,
    Obround,
    Polygon,
    Rect,
    Shape,
    Trapezoid,
    bounds,
)
from geom.model.part import (
    ASSUMED,
    Axis,
    BodySpec,
    Coding,
    Holes,
    Mounting,
    Part,
    Plug,
    Quote,
    SnapIn,
)
from geom.model.tolerance import Size

MAX_PART_MM = 1000.0
"""No connector or frame is a metre across: a larger size is a typo (a unit slip)."""


MAX_TOLERANCE_MM = 5.0


MAX_PLATE_MM = 20.0


MAX_POLES = 64


SAFE_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._/-]*")
"""Ids become file names (`/` written as `_`): nothing that could leave the output dir."""


DEPTH_POLICIES = ("max", "min", "first")


MOUNTINGS: tuple[str, ...] = get_args(Mounting)


@dataclass
class RawTemplate:
    """A parsed template before its frame is resolved."""

    id: str
    where: str
    fields: dict[str, Any]
    frame_id: str | None
    part: Part | None = None

    @classmethod
    def of_part(cls, part: Part) -> RawTemplate:
        return cls(part.id, str(part.path), {}, None, part)


class _Table(Table):
    """A template table: its numbers are quoted ``{value, source}`` tables, and the source
    of every quoted value read is recorded by field path."""

    def __init__(
        self,
        data: object,
        where: str,
        prefix: str,
        sources: frozenset[str],
        record: dict[str, str],
    ) -> None:
        super().__init__(data, where, prefix)
        self.sources, self.record = sources, record

    def sub(self, data: object, key: str) -> _Table:
        return _Table(data, self.where, self.path(key) + ".", self.sources, self.record)

    def table(self, key: str, required: bool = True) -> _Table | None:
        return cast(_Table | None, super().table(key, required))

    def must_table(self, key: str) -> _Table:
        return cast(_Table, super().must_table(key))

    def source(self) -> str:
        return self.text("source", choices=tuple(sorted(self.sources)))

    def quote(self, key: str, required: bool = True) -> Quote | None:
        """A ``{value, source}`` table; the value a number or a text."""
        entry = self.table(key, required)
        if entry is None:
            return None
        raw = entry.get("value")
        if isinstance(raw, str):
            value: float | int | str = entry.text("value")
        elif isinstance(raw, bool) or not isinstance(raw, int | float):
            raise entry.error("value", raw, "not a number or a text", "a number or a quoted text")
        else:
            value = raw
        source = entry.source()
        entry.done()
        self.record[self.path(key)] = source
        return Quote(value, source)

    def quoted(
        self,
        key: str,
        low: float,
        high: float,
        *,
        low_open: bool = True,
        unit: str = "mm",
        integer: bool = False,
        minus: bool = False,
    ) -> Size:
        """A quoted number in (low, high] (or [low, high]); with `minus`, a toleranced one
        (``minus`` in [0, value])."""
        entry = self.must_table(key)
        value = entry.must_number("value", low, high, low_open=low_open, unit=unit, integer=integer)
        deviation = 0.0
        if minus:
            deviation = (
                entry.number("minus", 0.0, value, low_open=False, unit=unit, required=False) or 0.0
            )
        source = entry.source()
        entry.done()
        self.record[self.path(key)] = source
        return Size.of(value, minus=deviation)


def parse_template(data: Mapping[str, Any], where: str) -> RawTemplate:
    """Check a template's data and turn it into `Part` fields (frame not yet resolved)."""
    record: dict[str, str] = {}
    top = _Table(data, where, "", frozenset({ASSUMED}), record)
    src_table = top.must_table("sources")
    sources = {k: src_table.text(k) for k in src_table.data}
    src_table.done()
    allowed = frozenset(sources) | {ASSUMED}
    top = _Table(data, where, "", allowed, record)
    top.seen.add("sources")

    part = top.must_table("part")
    pid = part.text("id")
    if not SAFE_ID.fullmatch(pid) or ".." in pid:
        raise part.error(
            "id",
            pid,
            "not usable in a file name",
            "letters, digits, '.', '-', '_' and '/' (written as '_'), not starting with '.'",
        )
    mounting = part.text("mounting", choices=MOUNTINGS)
    frame_id = part.text("frame") if mounting == "frame" else None
    poles = pin_spacing = None
    if "poles" in part.data:
        poles = int(
            part.quoted("poles", 1, MAX_POLES, low_open=False, unit="", integer=True).nominal
        )
    if "pin_spacing" in part.data:
        pin_spacing = part.quoted("pin_spacing", 0.0, MAX_PART_MM).nominal
    notes = _parse_notes(part)
    fields: dict[str, Any] = {
        "id": pid,
        "name": part.text("name"),
        "kind": part.text("kind"),
        "manufacturer": part.text("manufacturer"),
        "poles": poles,
        "pin_spacing": pin_spacing,
        "notes": notes,
    }
    part.done()

    envelope = top.must_table("envelope")
    fields["width"] = envelope.quoted("width", 0.0, MAX_PART_MM).nominal
    fields["height"] = envelope.quoted("height", 0.0, MAX_PART_MM).nominal
    fields["depth_policy"] = envelope.text("depth_policy", choices=DEPTH_POLICIES)
    depths = envelope.get("depth")
    if not isinstance(depths, list) or not depths:
        raise envelope.error(
            "depth",
            depths,
            "not a list of {value, source}",
            "one or more depths, each with its source",
        )
    quotes = []
    for i, entry in enumerate(depths):
        holder = _Table({f"depth[{i}]": entry}, where, envelope.prefix, allowed, record)
        quotes.append(
            Quote(
                holder.quoted(f"depth[{i}]", 0.0, MAX_PART_MM).nominal,
                record[envelope.path(f"depth[{i}]")],
            )
        )
    values = [float(q.value) for q in quotes]
    fields["depths"] = tuple(quotes)
    policy = fields["depth_policy"]
    fields["depth"] = (
        max(values) if policy == "max" else min(values) if policy == "min" else values[0]
    )
    envelope.done()
    fields["plug"] = _parse_plug(top)
    fields["rear"] = _parse_rear(top, mounting)

    snap = None
    if mounting != "frame":
        snap = _parse_mount(top, cast(Mounting, mounting), fields["width"], fields["height"])
    else:
        for key in ("grip", "plate", "cutout", "collar", "flange", "latch", "window", *KIND_TABLES):
            if key in data:
                raise top.error(
                    key,
                    key,
                    "not used by a part that mounts through a frame",
                    "[part] frame = the id of the frame",
                )
    fields["snap"] = snap

    fields["body"] = _parse_body(top, frame_id is not None)

    info = top.table("info", required=False)
    fields["info"] = {}
    if info is not None:
        fields["info"] = {key: info.quote(key) for key in list(info.data)}
        info.done()
    top.done()
    fields["sources"] = dict(sorted(record.items()))
    fields["path"] = Path(where) if where.endswith(".toml") else None
    return RawTemplate(pid, where, fields, frame_id)


def _parse_notes(part: _Table) -> tuple[Quote, ...]:
    """[part] notes: a list of quoted texts ``{ value = "...", source = "..." }``."""
    raw = part.get("notes", required=False)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise part.error("notes", raw, "not a list", '[{ value = "text", source = "key" }, ...]')
    out = []
    for i, entry in enumerate(raw):
        holder = _Table({f"notes[{i}]": entry}, part.where, part.prefix, part.sources, part.record)
        quote = holder.quote(f"notes[{i}]")
        assert quote is not None
        if not isinstance(quote.value, str):
            raise holder.error(f"notes[{i}].value", quote.value, "not a text", "a quoted text")
        out.append(quote)
    return tuple(out)


def _parse_plug(top: _Table) -> Plug | None:
    """The optional [plug] table: the mated plug's envelope in front of the flange."""
    table = top.table("plug", required=False)
    if table is None:
        return None
    plug = Plug(
        table.quoted("width", 0.0, MAX_PART_MM).nominal,
        table.quoted("height", 0.0, MAX_PART_MM).nominal,
        table.quoted("length", 0.0, MAX_PART_MM).nominal,
    )
    table.done()
    return plug


def _parse_rear(top: _Table, mounting: str) -> tuple[float, float] | None:
    """The optional [rear] table: width x height of the body behind the plate (mm)."""
    table = top.table("rear", required=False)
    if table is None:
        return None
    if mounting == "frame":
        raise top.error("rear", "rear", "not used by a part that mounts through a frame", "")
    rear = (
        table.quoted("width", 0.0, MAX_PART_MM).nominal,
        table.quoted("height", 0.0, MAX_PART_MM).nominal,
    )
    table.done()
    return rear


def _parse_mount(top: _Table, mounting: Mounting, flange_w: float, flange_h: float) -> SnapIn:
    """Every table of a part that sits in the plate itself (all kinds but "frame"): the
    cutout (any shape, its fixing holes), [grip], [flange], [collar] and the kind's own
    tables ([latch]; [key], [nut]; [screw])."""
    for name, kinds in KIND_TABLES.items():
        if name in top.data and mounting not in kinds:
            allowed = f"a table of {', '.join(kinds)} parts"
            raise top.error(name, name, f"not used by a {mounting} part", allowed)
    grip = _parse_grip(top)
    cut = top.must_table("cutout")
    shape, bands = parse_shape(cut)
    names = shape.SIZES
    need_tolerance = any(n not in bands for n in names)
    tolerance = (
        cut.quoted("tolerance", 0.0, MAX_TOLERANCE_MM).nominal
        if need_tolerance or "tolerance" in cut.data
        else max(high - low for low, high in bands.values())
    )
    holes = _parse_holes(cut, tolerance)
    cut.done()
    if mounting == "screw" and holes is None:
        raise cut.error("holes", MISSING, "missing", "[cutout.holes] for a screw-fixed part")

    flange = top.must_table("flange")
    flange_thickness = flange.quoted("thickness", 0.0, MAX_PART_MM).nominal
    min_overlap = flange.quoted("min_overlap", 0.0, MAX_PART_MM, low_open=False).nominal
    flange.done()

    collar = top.must_table("collar")
    sizes = _parse_collar_sizes(collar, shape)
    low = _collar_extent(shape, {n: v.min for n, v in sizes.items()})
    nominal = _collar_extent(shape, {n: v.nominal for n, v in sizes.items()})
    high = _collar_extent(shape, {n: v.max for n, v in sizes.items()})
    # An extent computed at each end of the sizes may land a rounding error (1e-14 mm)
    # past the nominal's: the band's ends are clamped to hold it.
    collar_w = Size(min(low[0], nominal[0]), nominal[0], max(high[0], nominal[0]))
    collar_h = Size(min(low[1], nominal[1]), nominal[1], max(high[1], nominal[1]))
    round_collar = set(sizes) <= ROUND_COLLAR and "diameter" in sizes
    if isinstance(shape, Rect):
        collar_r = collar.quoted(
            "corner_radius", 0.0, min(collar_w.min, collar_h.min) / 2, low_open=False
        ).nominal
    elif round_collar:
        collar_r = collar_w.max / 2
    elif "corner_radius" in collar.data:
        collar_r = collar.quoted(
            "corner_radius", 0.0, min(collar_w.min, collar_h.min) / 2, low_open=False
        ).nominal
    else:
        collar_r = 0.0
    collar.done()
    for axis, size, flange_size in (("width", collar_w, flange_w), ("height", collar_h, flange_h)):
        if size.max >= flange_size:
            raise collar.error(
                axis if axis in sizes else next(iter(sizes)),
                size.max,
                "not smaller than the flange",
                f"< envelope.{axis} ({flange_size} mm)",
            )

    latch_axis: Axis = "width"
    latch_span: Size | None = None
    min_catch = 0.0
    if mounting == "snap-in":
        latch = top.must_table("latch")
        latch_axis = cast(Axis, latch.text("axis", choices=get_args(Axis)))
        latch_span = latch.quoted("span", 0.0, MAX_PART_MM, minus=True)
        min_catch = latch.quoted("min_catch", 0.0, MAX_PART_MM, low_open=False).nominal
        latch.done()

    window = None
    win = top.table("window", required=False)
    if win is not None:
        window = Rect(
            win.quoted("width", 0.0, MAX_PART_MM).nominal,
            win.quoted("height", 0.0, MAX_PART_MM).nominal,
        )
        win.done()

    key: Size | None = None
    nut_af = screw = None
    if (table := top.table("key", required=False)) is not None:
        if shape.kind not in KEY_SLOTS:
            raise top.error(
                "key", "key", f"not used with a {shape.kind} cutout", "circle-notch, d or double-d"
            )
        key = table.quoted("width", 0.0, MAX_PART_MM, minus=True)
        table.done()
    if (table := top.table("nut", required=False)) is not None:
        nut_af = table.quoted("across_flats", 0.0, MAX_PART_MM).nominal
        table.done()
    if (table := top.table("screw", required=False)) is not None:
        screw = table.quoted("diameter", 0.0, MAX_PART_MM).nominal
        table.done()

    return SnapIn(
        cutout=shape,
        tolerance=tolerance,
        grip=grip,
        collar_width=collar_w,
        collar_height=collar_h,
        collar_corner_radius=collar_r,
        flange_thickness=flange_thickness,
        min_overlap=min_overlap,
        latch_axis=latch_axis,
        latch_span=latch_span,
        latch_min_catch=min_catch,
        window=window,
        mounting=mounting,
        bands=bands,
        collar_sizes={} if isinstance(shape, Rect) else sizes,
        holes=holes,
        key=key,
        nut_across_flats=nut_af,
        screw_diameter=screw,
    )


KIND_TABLES: dict[str, tuple[str, ...]] = {
    "latch": ("snap-in",),
    "window": ("snap-in",),
    "key": ("nut",),
    "nut": ("nut",),
    "screw": ("screw",),
}
"""The tables only some mounting kinds read."""

ROUND_COLLAR = frozenset({"diameter"})
"""A round shape's collar may give only its diameter: a round bushing or shell."""


def _collar_extent(shape: Shape, sizes: Mapping[str, float]) -> tuple[float, float]:
    """The collar's extent across and up (mm): a round collar its diameter both ways,
    else the cutout's shape with the collar's sizes (its bounding box)."""
    if set(sizes) <= ROUND_COLLAR:
        return sizes["diameter"], sizes["diameter"]
    x0, y0, x1, y1 = bounds(shape.with_sizes(dict(sizes)).contour())
    return x1 - x0, y1 - y0


def _parse_collar_sizes(collar: _Table, shape: Shape) -> dict[str, Size]:
    """The collar's sizes, by the cutout's size names, each with its `minus`: every one
    of them, or for a round shape (circle, circle-notch, d, double-d) its diameter alone
    (a round collar), with or without the flats."""
    names = shape.SIZES
    if shape.kind in ("circle", "circle-notch"):
        given = ["diameter"]  # in a notch sits the key ([key]), not the collar
    elif shape.kind in ("d", "double-d"):
        given = list(names) if names[-1] in collar.data else ["diameter"]
    else:
        given = list(names)
    return {n: collar.quoted(n, 0.0, MAX_PART_MM, minus=True) for n in given}


SHAPE_FIELDS: dict[str, tuple[str, ...]] = {
    "rect": ("width", "height", "corner_radius"),
    "circle": ("diameter",),
    "circle-notch": ("diameter", "notch_width", "notch_reach", "notch_corner_radius"),
    "d": ("diameter", "across_flat"),
    "double-d": ("diameter", "across_flats"),
    "obround": ("width", "height"),
    "trapezoid": ("width", "height", "side_angle", "corner_radius"),
    "polygon": ("sides", "across_flats", "corner_radius"),
    "contour": (),
}
"""Every cutout shape and its fields (mm; `side_angle` degrees, `sides` a count)."""

MAX_SIDE_ANGLE = 45.0


def parse_shape(cut: _Table) -> tuple[Shape, dict[str, tuple[float, float]]]:
    """The [cutout] table's shape (its `shape`, default "rect") and the bands sizes give
    themselves (``band = [low, high]``, mm above the value)."""
    kind = cut.text("shape", required=False, choices=tuple(SHAPE_FIELDS)) or "rect"
    bands: dict[str, tuple[float, float]] = {}

    def size(key: str, low: float = 0.0, high: float = MAX_PART_MM) -> float:
        value, band = _sized(cut, key, low, high)
        if band is not None:
            bands[key] = band
        return value

    def plain(key: str, high: float, *, low_open: bool = False, unit: str = "mm") -> float:
        return cut.quoted(key, 0.0, high, low_open=low_open, unit=unit).nominal

    shape: Shape
    if kind == "rect":
        w, h = size("width"), size("height")
        shape = Rect(w, h, plain("corner_radius", min(w, h) / 2))
    elif kind == "circle":
        shape = Circle(size("diameter"))
    elif kind == "circle-notch":
        d = size("diameter")
        nw = size("notch_width", 0.0, d)
        if nw >= d:
            raise cut.error("notch_width", nw, "not narrower than the hole", f"< diameter ({d} mm)")
        edge = d / 2 + math.sqrt((d / 2) ** 2 - (nw / 2) ** 2)  # the notch's side meets the hole
        reach = size("notch_reach")
        if reach <= edge:
            raise cut.error("notch_reach", reach, "not past the hole's edge", f"> {edge:.6g} mm")
        shape = CircleNotch(d, nw, reach, plain("notch_corner_radius", min(nw / 2, reach - edge)))
    elif kind == "d":
        d = size("diameter")
        af = size("across_flat")
        if af >= d:
            raise cut.error("across_flat", af, "not under the diameter", f"< diameter ({d} mm)")
        shape = DFlat(d, af)
    elif kind == "double-d":
        d = size("diameter")
        af = size("across_flats")
        if af >= d:
            raise cut.error("across_flats", af, "not under the diameter", f"< diameter ({d} mm)")
        shape = DoubleD(d, af)
    elif kind == "obround":
        shape = Obround(size("width"), size("height"))
    elif kind == "trapezoid":
        w, h = size("width"), size("height")
        angle = plain("side_angle", MAX_SIDE_ANGLE, unit="degrees")
        narrow = w - 2 * h * math.tan(math.radians(angle))
        if narrow < RESOLUTION_MM:
            widest = math.degrees(math.atan((w - RESOLUTION_MM) / (2 * h)))
            raise cut.error(
                "side_angle",
                angle,
                f"closing the trapezoid (its narrow side {narrow:.6g} mm)",
                f"side_angle <= {math.floor(widest * 1e4) / 1e4:g} degrees for a narrow "
                f"side of at least {RESOLUTION_MM:g} mm",
            )
        shape = Trapezoid(w, h, angle, plain("corner_radius", narrow / 2))
    elif kind == "polygon":
        sides = int(
            cut.quoted("sides", 3, MAX_SIDES, low_open=False, unit="", integer=True).nominal
        )
        af = size("across_flats")
        side = af * math.tan(math.pi / sides)
        shape = Polygon(sides, af, plain("corner_radius", side / 2))
    else:
        shape = parse_free_contour(cut)
    return shape, bands


MAX_SIDES = 64


def _sized(
    cut: _Table, key: str, low: float, high: float
) -> tuple[float, tuple[float, float] | None]:
    """A toleranced size: its value (mm) and its own band (low, high above the value,
    mm) when it gives one."""
    entry = cut.must_table(key)
    value = entry.must_number("value", low, high)
    band = None
    raw = entry.get("band", required=False)
    if raw is not None:
        allowed = f"[low, high] with 0 <= low < high <= {MAX_TOLERANCE_MM:g} mm"
        if (
            not isinstance(raw, list)
            or len(raw) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw)
            or not 0 <= raw[0] < raw[1] <= MAX_TOLERANCE_MM
            or not all(math.isfinite(v) for v in raw)
        ):
            raise entry.error("band", raw, "not a band", allowed)
        band = (float(raw[0]), float(raw[1]))
    source = entry.source()
    entry.done()
    cut.record[cut.path(key)] = source
    return value, band


def _parse_holes(cut: _Table, tolerance: float) -> Holes | None:
    """[cutout.holes]: the part's fixing holes (diameter, tolerance, positions, mm)."""
    table = cut.table("holes", required=False)
    if table is None:
        return None
    diameter = table.quoted("diameter", 0.0, MAX_PART_MM).nominal
    tol = (
        table.quoted("tolerance", 0.0, MAX_TOLERANCE_MM).nominal
        if "tolerance" in table.data
        else tolerance
    )
    entry = table.must_table("positions")
    raw = entry.get("value")
    allowed = "a list of [x, y] centres in mm, -1000 <= x, y <= 1000"
    if not isinstance(raw, list) or not raw:
        raise entry.error("value", raw, "not a list of points", allowed)
    positions = []
    for i, point in enumerate(raw):
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
            or not all(math.isfinite(v) and abs(v) <= MAX_PART_MM for v in point)
        ):
            raise entry.error(f"value[{i}]", point, "not a point", allowed)
        positions.append((float(point[0]), float(point[1])))
    source = entry.source()
    entry.done()
    table.record[table.path("positions")] = source
    table.done()
    return Holes(diameter, tol, tuple(positions))


def parse_free_contour(cut: _Table) -> FreeContour:
    """`segments` (inline lines and arcs) or `dxf` (a file beside the template, one
    closed loop, optionally on `layer`) as a counter-clockwise loop (mm)."""
    if "segments" in cut.data and "dxf" in cut.data:
        raise cut.error(
            "dxf", cut.data["dxf"], "given beside segments", "segments or dxf, not both"
        )
    if "segments" not in cut.data and "dxf" not in cut.data:
        raise cut.error(
            "segments", MISSING, "missing", 'segments = { value = [...] } or dxf = "file"'
        )
    if "dxf" in cut.data:
        name = cut.text("dxf")
        layer = cut.text("layer", required=False) or None
        path = Path(cut.where).parent / name
        try:
            loop = read_dxf_loop(path, layer)
        except BadLoop as exc:
            field = "ENTITIES" if layer is None else f"ENTITIES on layer {layer}"
            raise InputError(str(path), field, exc.value, exc.problem, DXF_ALLOWED) from None
        cut.record[cut.path("dxf")] = name
        return FreeContour(tuple(loop), origin=(cut.where, cut.path("dxf")))
    entry = cut.must_table("segments")
    raw = entry.get("value", allowed=SEGMENTS_ALLOWED)
    try:
        loop = loop_of_segments(raw)
    except BadLoop as exc:
        raise entry.error("value", exc.value, exc.problem, SEGMENTS_ALLOWED) from None
    source = entry.source()
    entry.done()
    cut.record[cut.path("segments")] = source
    return FreeContour(tuple(loop), origin=(cut.where, cut.path("segments")))


SEGMENTS_ALLOWED = (
    "a closed chain of { line = [[x0, y0], [x1, y1]] } and { arc = { centre = [x, y], "
    "radius = r, start = a0, end = a1 } } (mm, degrees, arcs counter-clockwise) that "
    "meets itself nowhere, every piece at least 0.001 mm long"
)

DXF_ALLOWED = (
    "one closed loop of LWPOLYLINE, LINE and ARC entities that meets itself nowhere, "
    "every piece at least 0.001 mm long, and no other entity"
)


def _parse_grip(top: _Table) -> Size:
    """[grip] min, max: the finished plate range the part holds. The old name [plate]
    still reads, with a deprecation note."""
    key = "grip"
    if "plate" in top.data and "grip" not in top.data:
        key = "plate"
        warnings.warn(
            f"{top.where}: [plate] is now [grip] (the finished plate range the part "
            "grips); rename the table, [plate] still works for now",
            GeomDeprecationWarning,
            stacklevel=2,
        )
    table = top.must_table(key)
    low = table.quoted("min", 0.0, MAX_PLATE_MM).nominal
    high = table.quoted("max", 0.0, MAX_PLATE_MM).nominal
    table.done()
    if low > high:
        raise table.error("min", low, f"above {key}.max", f"<= {high} mm")
    return Size.between(low, high)


def _parse_body(top: _Table, framed: bool) -> BodySpec | None:
    """The optional [body] table: the simplified STEP body's assumed numbers (geom.model.body)."""
    body = top.table("body", required=False)
    if body is None:
        return None
    colour = body.quote("colour")
    assert colour is not None
    text = str(colour.value)
    if len(text) != 7 or text[0] != "#" or any(c not in "0123456789abcdefABCDEF" for c in text[1:]):
        raise body.error("colour.value", text, "not an sRGB colour", "#RRGGBB (hex)")
    rgb = tuple(int(text[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def size(key: str) -> float | None:
        return body.quoted(key, 0.0, MAX_PART_MM).nominal if key in body.data else None

    spec = BodySpec(
        colour=(rgb[0], rgb[1], rgb[2]),
        pole_diameter=size("pole_diameter"),
        pole_depth=size("pole_depth"),
        wing_width=size("wing_width"),
        wing_thickness=size("wing_thickness"),
    )
    coding = body.table("coding", required=False)
    if coding is not None:
        spec = replace(
            spec,
            coding=Coding(
                coding.quoted("width", 0.0, MAX_PART_MM).nominal,
                coding.quoted("height", 0.0, MAX_PART_MM).nominal,
                coding.quoted("depth", 0.0, MAX_PART_MM).nominal,
                coding.quoted("x", -MAX_PART_MM, MAX_PART_MM).nominal,
                coding.quoted("y", -MAX_PART_MM, MAX_PART_MM).nominal,
            ),
        )
        coding.done()
    if "front" in body.data:
        if not framed:
            raise body.error("front", "front", "only for a part mounted through a frame", "")
        front = body.quoted("front", -MAX_PART_MM, MAX_PART_MM, low_open=False).nominal
        spec = replace(spec, front=front)
    body.done()
    if (spec.pole_diameter is None) != (spec.pole_depth is None):
        raise body.error(
            "pole_depth",
            spec.pole_depth,
            "given without pole_diameter (or the reverse)",
            "both or neither",
        )
    if (spec.wing_width is None) != (spec.wing_thickness is None):
        raise body.error(
            "wing_thickness",
            spec.wing_thickness,
            "given without wing_width (or the reverse)",
            "both or neither",
        )
    return spec
