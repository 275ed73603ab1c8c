"""The template format: every table and field a part template may hold, its limits, and
its validation into a `RawTemplate` (the part before its frame is resolved). A bad field
raises `InputError` naming the file, the field, the value and what is allowed (mm)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast, get_args

from geom.data.checked import Table
from geom.errors import GeomDeprecationWarning
from geom.model.part import ASSUMED, Axis, BodySpec, Coding, Part, Plug, Quote, Rect, SnapIn
from geom.model.tolerance import Size

MAX_PART_MM = 1000.0
"""No connector or frame is a metre across: a larger size is a typo (a unit slip)."""


MAX_TOLERANCE_MM = 5.0


MAX_PLATE_MM = 20.0


MAX_POLES = 64


SAFE_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._/-]*")
"""Ids become file names (`/` written as `_`): nothing that could leave the output dir."""


DEPTH_POLICIES = ("max", "min", "first")


MOUNTINGS = ("snap-in", "frame")


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
            raise entry.error("value", raw, "not a number or a text")
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
    fields: dict[str, Any] = {
        "id": pid,
        "name": part.text("name"),
        "kind": part.text("kind"),
        "manufacturer": part.text("manufacturer"),
        "poles": poles,
        "pin_spacing": pin_spacing,
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

    snap = None
    if mounting == "snap-in":
        snap = _parse_snap_in(top, fields["width"], fields["height"])
    else:
        for key in ("grip", "plate", "cutout", "collar", "flange", "latch", "window"):
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


def _parse_snap_in(top: _Table, flange_w: float, flange_h: float) -> SnapIn:
    grip = _parse_grip(top)
    cut = top.must_table("cutout")
    cw = cut.quoted("width", 0.0, MAX_PART_MM).nominal
    ch = cut.quoted("height", 0.0, MAX_PART_MM).nominal
    half = min(cw, ch) / 2
    radius = cut.quoted("corner_radius", 0.0, half, low_open=False).nominal
    tolerance = cut.quoted("tolerance", 0.0, MAX_TOLERANCE_MM).nominal
    cut.done()

    flange = top.must_table("flange")
    flange_thickness = flange.quoted("thickness", 0.0, MAX_PART_MM).nominal
    min_overlap = flange.quoted("min_overlap", 0.0, MAX_PART_MM, low_open=False).nominal
    flange.done()

    collar = top.must_table("collar")
    collar_w = collar.quoted("width", 0.0, MAX_PART_MM, minus=True)
    collar_h = collar.quoted("height", 0.0, MAX_PART_MM, minus=True)
    collar_r = collar.quoted(
        "corner_radius", 0.0, min(collar_w.min, collar_h.min) / 2, low_open=False
    ).nominal
    collar.done()
    for axis, size, flange_size in (("width", collar_w, flange_w), ("height", collar_h, flange_h)):
        if size.max >= flange_size:
            raise collar.error(
                axis,
                size.max,
                "not smaller than the flange",
                f"< envelope.{axis} ({flange_size} mm)",
            )

    latch = top.must_table("latch")
    axis = cast(Axis, latch.text("axis", choices=get_args(Axis)))
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

    return SnapIn(
        cutout=Rect(cw, ch, radius),
        tolerance=tolerance,
        grip=grip,
        collar_width=collar_w,
        collar_height=collar_h,
        collar_corner_radius=collar_r,
        flange_thickness=flange_thickness,
        min_overlap=min_overlap,
        latch_axis=axis,
        latch_span=latch_span,
        latch_min_catch=min_catch,
        window=window,
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
