"""The box library: die-cast boxes (Hammond 1590, 1550, ...) read from
``templates/boxes/*.toml`` (and ``boxes/`` in each ``$GEOM_TEMPLATES`` directory, first
found wins), every number with its source or "assumed".

A box file holds ``[sources]`` (key = {kind, text}: kind "drawing", a maker's drawing;
"model", measured on the maker's CAD model; "measured", on a real box) and one ``[[box]]``
per model: `model` and eight numbers, each ``{value, source}`` (a key of [sources] or
"assumed"): `length` and `width` (outside at the open end, mm), `height` (the closed box,
mm), `body_height` (open end to face A, mm), `lid` (the lid's projection below the body,
mm), `wall` (mm), `draft` (degrees: the outside walls lean inward toward face A),
`corner_radius` (the plan's corners at the open end, mm). A bad value raises
`InputError` ``<file>:box[i].<field>: <value> is <problem>; allowed <range>``.

The box in the world (mm): the open end in the plane z = 0, face A at z = body_height,
length along Y, width along X, centred on the Z axis; the lid below z = 0. Faces as
Tayda's drill tool names them, seen from above with B at the top: A the closed top (+Z),
B the end at +Y, C the side at -X, D the end at -Y, E the side at +X.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from geom.data.checked import Table, read_toml
from geom.data.templates import template_dirs
from geom.errors import InputError

FIELDS = ("length", "width", "height", "body_height", "lid", "wall", "draft", "corner_radius")
"""The numbers of a box, in the order a file lists them."""
KINDS = ("drawing", "model", "measured")
"""What a source is: the maker's drawing, a measurement of the maker's CAD model, a
measurement of a real box."""
ASSUMED = "assumed"
MAX_BOX_MM = 1000.0
MAX_DRAFT_DEG = 10.0
HEIGHT_SLACK_MM = 0.01
"""`height` is `body_height` + `lid` to this (mm)."""
FACES = ("A", "B", "C", "D", "E")
"""A the closed top; B .. E the sides, clockwise seen from above starting at the far end."""
SIDE_DIRECTIONS = {"B": (0.0, 1.0), "C": (-1.0, 0.0), "D": (0.0, -1.0), "E": (1.0, 0.0)}
"""Each side's outward direction in the plan (x, y)."""


@dataclass(frozen=True)
class Value:
    """One number of a box and where it comes from."""

    value: float
    source: str
    """A key of the file's [sources], or "assumed"."""
    text: str
    """The source's text ("assumed: verify on the box" for an assumed number)."""
    kind: str
    """"drawing", "model", "measured" or "assumed"."""


@dataclass(frozen=True)
class Box:
    """A die-cast box: outside sizes, wall, draft and lid (mm, degrees), each sourced."""

    model: str
    path: Path
    values: Mapping[str, Value]

    def __getattr__(self, name: str) -> float:
        if name in FIELDS:
            return self.values[name].value
        raise AttributeError(name)

    @property
    def assumed(self) -> tuple[str, ...]:
        """The fields no source gives (verify them on the box)."""
        return tuple(f for f in FIELDS if self.values[f].kind == ASSUMED)

    @property
    def inset(self) -> float:
        """How far each wall leans in from the open end to face A (mm)."""
        return self.body_height * math.tan(math.radians(self.draft))

    def face_plane(
        self, face: str
    ) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """A point on the outside plane of `face` (the middle of its flat part) and its
        outward normal, in the box's world placement (the module's docstring)."""
        h = self.body_height
        if face == "A":
            return (0.0, 0.0, h), (0.0, 0.0, 1.0)
        dx, dy = SIDE_DIRECTIONS[face]
        half = (self.width if dx else self.length) / 2 - self.inset / 2
        a = math.radians(self.draft)
        return (dx * half, dy * half, h / 2), (dx * math.cos(a), dy * math.cos(a), math.sin(a))

    def record(self) -> dict[str, object]:
        """The box as a report lists it: model, each number with its source, and what
        each source is."""
        used = {v.source: f"{v.kind}: {v.text}" for v in self.values.values() if v.kind != ASSUMED}
        return {
            "model": self.model,
            "file": self.path.name,
            **{f: {"value": v.value, "source": v.source} for f, v in self.values.items()},
            "sources": dict(sorted(used.items())),
        }


def box_dirs() -> list[Path]:
    """Where box files are searched, in order: ``boxes/`` in each template directory."""
    return [d / "boxes" for d in template_dirs()]


def load_boxes(dirs: list[Path] | None = None) -> dict[str, Box]:
    """Every box of every file, by model (the first directory naming a model wins)."""
    found: dict[str, Box] = {}
    for directory in box_dirs() if dirs is None else dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            for box in read_box_file(path):
                found.setdefault(box.model, box)
    return found


def find_box(model: str, where: str, field: str, dirs: list[Path] | None = None) -> Box:
    """The box named `model`; an unknown model raises InputError listing the known ones."""
    boxes = load_boxes(dirs)
    if model not in boxes:
        raise InputError(where, field, model, "not a box of the library", ", ".join(boxes))
    return boxes[model]


def read_box_file(path: Path) -> list[Box]:
    """The boxes of one file, each number checked (mm, degrees) and sourced."""
    where = str(path)
    top = Table(read_toml(path), where)
    sources: dict[str, tuple[str, str]] = {}
    raw_sources = top.table("sources", required=False)
    if raw_sources is not None:
        for key in list(raw_sources.data):
            entry = raw_sources.sub(raw_sources.get(key), key)
            kind = entry.text("kind", choices=KINDS)
            sources[key] = (kind, entry.text("text"))
            entry.done()
        raw_sources.done()
    boxes: list[Box] = []
    for i, raw in enumerate(top.array("box")):
        table = Table(raw, where, f"box[{i}].")
        model = table.text("model")
        if len(model) > 40 or not model.replace("-", "").isalnum():
            raise table.error("model", model, "not a model name", "letters, digits and '-'")
        if any(b.model == model for b in boxes):
            raise table.error("model", model, "a second box of that model", "one per model")
        values = {f: _value(table, f, sources) for f in FIELDS}
        table.done()
        box = Box(model, path, values)
        _consistent(table, box)
        boxes.append(box)
    top.done()
    if not boxes:
        raise top.error("box", [], "empty", "one or more [[box]] tables")
    return boxes


def _value(table: Table, field: str, sources: Mapping[str, tuple[str, str]]) -> Value:
    """`field = {value = V, source = KEY}`: V in the field's range, KEY in [sources] or
    "assumed"."""
    entry = table.sub(table.get(field, allowed='{value = V, source = KEY or "assumed"}'), field)
    if field == "draft":
        value = entry.must_number("value", 0.0, MAX_DRAFT_DEG, low_open=False, unit="degrees")
    else:
        value = entry.must_number("value", 0.0, MAX_BOX_MM)
    known = (ASSUMED, *sources)
    source = entry.text("source")
    if source not in known:
        raise entry.error("source", source, "not a key of [sources]", " or ".join(known))
    entry.done()
    kind, text = sources.get(source, (ASSUMED, "assumed: verify on the box"))
    return Value(value, source, text, kind)


def _consistent(table: Table, box: Box) -> None:
    """The numbers make a box: height = body + lid; the wall, the corners and face A fit."""
    total = box.body_height + box.lid
    if abs(box.height - total) > HEIGHT_SLACK_MM:
        raise table.error(
            "height.value",
            box.height,
            f"not body_height + lid ({total:g} mm)",
            f"{total:g} +/- {HEIGHT_SLACK_MM:g}",
        )
    flat = box.wall / math.cos(math.radians(box.draft))  # the wall across, in the plan
    if box.corner_radius <= flat + box.inset:
        least = flat + box.inset
        raise table.error(
            "corner_radius.value",
            box.corner_radius,
            "no larger than the wall across plus the draft's inset (the corners inside "
            "and at face A would have no radius left)",
            f"more than {least:.3f} mm",
        )
    if box.wall >= box.body_height / 2 or 2 * box.corner_radius >= min(box.length, box.width):
        raise table.error(
            "wall.value",
            box.wall,
            "too thick for the box (or its corners too large)",
            f"under half the body height {box.body_height:g} mm, corners under half the width",
        )
