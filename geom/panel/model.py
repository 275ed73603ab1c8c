"""Panel files: one TOML file per panel (a contract users write by hand; see the README).

`load_panel` reads and validates the whole file into immutable values before anything is
built or written: the outline, sheet, coating, masking, process and shop, rule overrides,
what the shop's drawing states (material, finish, general tolerance, notes), every placed
part (from ``[[place]]`` and expanded ``[[array]]`` entries) with the cut drawn for this
panel's sheet and coating, every plain hole and every slot, each with its optional label
and legend, and every text (geom.panel.texts).
A bad value raises `InputError`
``<file>:<entry>.<field>: <value> is <problem>; allowed <range>``. All sizes in mm.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from geom.data.checked import Table, allowed_range, number, quarter_turn, read_toml
from geom.data.holes import fastener
from geom.data.inline import INLINE_SHAPES, shape_collar_fields, shape_part
from geom.data.shops import default_profile, profile_named
from geom.data.template_schema import MAX_PLATE_MM, MAX_TOLERANCE_MM, SHAPE_FIELDS
from geom.data.templates import Catalog, load_catalog
from geom.errors import GeomDeprecationWarning, InputError
from geom.model.conditions import BARE, MAX_COATING_MM, TARGETS, Conditions, Shop, Target
from geom.model.contour import Shape
from geom.model.fastener import HOLE_KINDS, Fastener, HoleKind
from geom.model.fit import Fit, evaluate
from geom.model.layout import Placement
from geom.model.lettering import Legend, Lettering
from geom.model.part import Part
from geom.model.shop import Profile
from geom.model.tolerance import Size
from geom.panel.flanges import Bends, face_bounds, off_flange, read_bends
from geom.panel.presets import EURORACK_WIDTHS, MAX_UNITS, PRESETS, Preset, eurorack, rack
from geom.panel.texts import legends, read_legends, read_texts

Process = Literal["laser", "punch"]
PROCESSES: tuple[Process, ...] = ("laser", "punch")
"""A panel file's `process`: each picks its default shop profile (geom.data.shops)."""

MAX_PANEL_MM = 3000.0
"""Larger than any standard sheet (3000 x 1500 mm): a larger outline is a unit slip."""
MAX_OPENINGS = 20000
"""Cutouts plus holes on one panel; more is a runaway array, not a panel."""
MAX_ARRAY_SIDE = 1000
MAX_HOLE_MM = 500.0
MAX_RULE_MM = 100.0
MAX_LABEL = 40
"""Characters of a label: it names an opening in the drawing's view and tables."""
MAX_NOTES = 20
"""Free notes of one panel: what fits the drawing's notes column."""
Placed = Placement
"""One part on the panel (geom.model.layout.Placement)."""
STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
EDGE_EPS_MM = 1e-9


@dataclass(frozen=True, slots=True)
class Hole:
    """A round hole: centre (x, y) and the diameter cut, mm. `fastener`: a countersunk,
    tapped or PEM hole's data (None: a plain hole)."""

    entry: str
    x: float
    y: float
    diameter: float
    face: str = "base"
    label: str = ""
    legend: Legend | None = None
    """The text to engrave or print above it (None: none)."""
    standard: str = ""
    """The standard that fixes where it sits (a preset's mounting hole), else ""."""
    fastener: Fastener | None = None

    @property
    def kind(self) -> HoleKind:
        return "plain" if self.fastener is None else self.fastener.kind

    @property
    def note(self) -> str:
        """What the shop reads beside the hole ("countersunk M3 90° Ø6.73"; "" plain)."""
        return "" if self.fastener is None else self.fastener.note


@dataclass(frozen=True, slots=True)
class Slot:
    """An obround (slotted) hole: centre (x, y), overall length and width (mm), the long
    axis turned `angle` degrees counter-clockwise from +X (0, 90, 180 or 270), and an
    optional symmetric tolerance (+/- mm) the shop must hold on the cut."""

    entry: str
    x: float
    y: float
    length: float
    width: float
    angle: int
    tolerance: float | None = None
    label: str = ""
    face: str = "base"
    standard: str = ""
    """The standard that fixes where it sits (a preset's rack slot), else ""."""

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the slot as placed (mm): its extent along x and y."""
        if self.angle in (90, 270):
            return self.width, self.length
        return self.length, self.width


@dataclass(frozen=True)
class Panel:
    """A validated panel file."""

    path: Path
    name: str
    """The file stem: the `<name>` of every output file."""
    width: float
    height: float
    corner_radius: float
    sheet: Size
    """Bare metal before coating: a value or a mill's band."""
    coating: Size
    """Per face."""
    masked: bool
    """Openings masked from the coating (edges bare, faces coated)."""
    process: str
    """The profile's process: "laser", "punch" or "mill"."""
    shop: Shop
    """What the shop holds: the file's `shop_tolerance`, else the profile's figure."""
    target: Target
    min_web: float | None
    """User override of the process default (None: the default, see geom.panel.layout)."""
    min_edge: float | None
    places: tuple[Placed, ...]
    holes: tuple[Hole, ...]
    fits: Mapping[str, Fit]
    """The fit of each part id on this panel: `fits[id].cut` is the drawn cutout."""
    bends: Bends | None = None
    """The flanges, bends and reliefs (None: a flat panel)."""
    slots: tuple[Slot, ...] = ()
    material: str = ""
    """What the shop cuts, e.g. "EN AW-5754 H22 aluminium" ("" when not stated)."""
    finish: str = ""
    """The coating as the shop orders it, e.g. "powder coat RAL 7035 fine texture"."""
    general_tolerance: str = ""
    """The general tolerance for dimensions without their own, e.g. "ISO 2768-m"."""
    notes: tuple[str, ...] = ()
    """Free notes for the shop, each one line."""
    texts: tuple[Lettering, ...] = ()
    """Every ``[[text]]`` entry, then every legend (geom.panel.texts)."""
    min_text_clearance: float | None = None
    """User override of the text clearance of both processes (None: the defaults,
    geom.model.lettering.CLEARANCES)."""
    profile: Profile | None = None
    """The shop's rules (`shop`, else the process's default profile); set by load_panel."""
    preset: str = ""
    """"eurorack" or "19in" when the outline and mounting holes come from a preset."""

    @property
    def rules_profile(self) -> Profile:
        """The shop profile (always set on a panel read by load_panel)."""
        assert self.profile is not None, "a panel read by load_panel has its profile"
        return self.profile

    def cut(self, placed: Placed) -> Shape:
        """The drawn cutout of a placed part, before its rotation."""
        return self.fits[placed.part.id].cut


def load_panel(
    path: Path, catalog: Catalog | None = None, data: dict[str, Any] | None = None
) -> Panel:
    """Read and validate a panel file; every part it names comes from `catalog`. `data`:
    the file's would-be content as read (geom.data.checked.read_toml_text), validated as
    if read from `path` (the same messages)."""
    where = str(path)
    stem = path.stem
    if not STEM.match(stem):
        raise InputError(
            "command line",
            "FILE",
            path.name,
            "not a safe file name for the outputs",
            "a stem of letters, digits, '.', '_' and '-' (up to 100, not starting with '.')",
        )
    data = read_toml(path) if data is None else data
    top = Entry(data, where, "")
    panel = top.must_table("panel")
    preset_name, preset = read_preset(panel)
    if preset is None:
        width = panel.must_number("width", 0.0, MAX_PANEL_MM)
        height = panel.must_number("height", 0.0, MAX_PANEL_MM)
    else:
        width, height = preset.width, preset.height
    radius = panel.number(
        "corner_radius", 0.0, min(width, height) / 2, low_open=False, required=False
    )
    sheet = _sheet(panel)
    coating = band_field(panel, "coating", 0.0, MAX_COATING_MM, low_open=False) or BARE
    masked = panel.flag("masked")
    profile = read_profile(panel, path)
    shop_tolerance = panel.number("shop_tolerance", 0.0, MAX_TOLERANCE_MM, required=False)
    shop = (
        profile.shop
        if shop_tolerance is None
        else Shop(shop_tolerance, f"{path.name}: panel.shop_tolerance")
    )
    target = cast(Target, panel.text("target", required=False, choices=TARGETS) or "mid")
    conditions = Conditions(sheet, coating, masked, target, shop)
    min_web = panel.number("min_web", 0.0, MAX_RULE_MM, low_open=False, required=False)
    min_edge = panel.number("min_edge", 0.0, MAX_RULE_MM, low_open=False, required=False)
    text_gap = panel.number("min_text_clearance", 0.0, MAX_RULE_MM, low_open=False, required=False)
    material = panel.text("material", required=False)
    finish = panel.text("finish", required=False)
    general_tolerance = panel.text("general_tolerance", required=False)
    notes = panel.texts("notes", MAX_NOTES)
    panel.done()
    bends = read_bends(top, (width, height, radius or 0.0), sheet, where)

    catalog = load_catalog() if catalog is None else catalog
    fits: dict[str, Fit] = {}
    outline = (width, height, radius or 0.0)

    def on_sheet(entry: Entry, placed: Placed) -> None:
        if placed.part.id not in fits:
            fits[placed.part.id] = evaluate(placed.part, conditions)
        cut, x, y = fits[placed.part.id].cut, placed.x, placed.y
        w, h = (cut.height, cut.width) if placed.turned else (cut.width, cut.height)
        if bends is not None and placed.face != "base":
            off_flange(bends, entry, placed.face, x, y, w, h, f"{w:g} x {h:g} mm cutout")
            return
        margin = edge_distance(outline, x, y, w, h, cut.corner_radius)
        if margin < -EDGE_EPS_MM:
            axis = _off_axis(outline, x, y, w, h)
            raise entry.error(
                axis,
                x if axis == "x" else y,
                f"placing the {w:g} x {h:g} mm cutout of {placed.entry} off the sheet "
                f"(it crosses the outline by {-margin:.3f} mm)",
                f"cutout inside the {width:g} x {height:g} mm outline",
            )

    def hole_on_sheet(entry: Entry, hole: Hole) -> None:
        x, y, d = hole.x, hole.y, hole.diameter
        if bends is not None and hole.face != "base":
            off_flange(bends, entry, hole.face, x, y, d, d, f"{d:g} mm hole")
            return
        if edge_distance(outline, x, y, d, d, d / 2) < -EDGE_EPS_MM:
            axis = _off_axis(outline, x, y, d, d)
            raise entry.error(
                axis,
                x if axis == "x" else y,
                f"placing the {d:g} mm hole off the sheet",
                f"hole inside the {width:g} x {height:g} mm outline",
            )

    places, holes = read_openings(
        top,
        path,
        catalog,
        (width, height),
        "panel",
        on_sheet,
        hole_on_sheet,
        face_bounds(bends),
        labelled=True,
        legends=True,
    )

    def slot_on_sheet(entry: Entry, slot: Slot) -> None:
        sx, sy = slot.size
        what = f"{slot.length:g} x {slot.width:g} mm slot"
        if bends is not None and slot.face != "base":
            off_flange(bends, entry, slot.face, slot.x, slot.y, sx, sy, what)
            return
        if edge_distance(outline, slot.x, slot.y, sx, sy, slot.width / 2) < -EDGE_EPS_MM:
            axis = _off_axis(outline, slot.x, slot.y, sx, sy)
            raise entry.error(
                axis,
                slot.x if axis == "x" else slot.y,
                f"placing the {what} off the sheet",
                f"slot inside the {width:g} x {height:g} mm outline",
            )

    slots = read_slots(
        top, (width, height), face_bounds(bends), len(places) + len(holes), slot_on_sheet
    )
    texts = read_texts(top, lambda entry: _face_of(entry, face_bounds(bends), (width, height)))
    texts += legends(places, fits, holes, text_gap)
    top.done()
    unique_labels(top, [*places, *holes, *slots])
    if preset is not None:
        holes = [*preset_holes(preset), *holes]
        slots = [*preset_slots(preset), *slots]

    return Panel(
        path=path,
        name=stem,
        width=width,
        height=height,
        corner_radius=radius or 0.0,
        sheet=sheet,
        coating=coating,
        masked=masked,
        process=profile.process,
        shop=shop,
        target=target,
        min_web=min_web,
        min_edge=min_edge,
        places=tuple(places),
        holes=tuple(holes),
        fits=dict(sorted(fits.items())),
        bends=bends,
        slots=tuple(slots),
        material=material,
        finish=finish,
        general_tolerance=general_tolerance,
        notes=notes,
        texts=tuple(texts),
        min_text_clearance=text_gap,
        profile=profile,
        preset=preset_name,
    )


def read_profile(table: Entry, path: Path) -> Profile:
    """The shop profile of a panel file's [panel] or a layout's settings: `shop` (a
    profile name, or a profile file relative to `path`), else the default profile of
    `process`; with both, the profile's process must be `process`."""
    name = table.text("shop", required=False)
    process = table.text("process", required=not name, choices=PROCESSES)
    if not name:
        return default_profile(process)
    profile = profile_named(name, table.where, table.path("shop"), path)
    if process and process != profile.process:
        raise table.error(
            "process",
            process,
            f"not the process of shop profile {profile.name} ({profile.process})",
            f'process = "{profile.process}", or no process (the profile gives it)',
        )
    return profile


def read_preset(panel: Entry) -> tuple[str, Preset | None]:
    """`preset = "eurorack"` with `hp`, or `"19in"` with `units`; ("", None) without one.
    A preset gives the outline: `width` and `height` are then not fields."""
    name = panel.text("preset", required=False, choices=PRESETS)
    if not name:
        return "", None
    for key in ("width", "height"):
        if panel.has(key):
            raise panel.error(
                key, panel.get(key), f"given with preset {name}", "the preset's outline only"
            )
    if name == "eurorack":
        hp = panel.integer("hp", 1, max(EURORACK_WIDTHS))
        if hp not in EURORACK_WIDTHS:
            raise panel.error(
                "hp",
                hp,
                "not a width of Doepfer's A-100 table",
                ", ".join(str(n) for n in EURORACK_WIDTHS),
            )
        return name, eurorack(hp)
    return name, rack(panel.integer("units", 1, MAX_UNITS))


def preset_holes(preset: Preset) -> list[Hole]:
    return [
        Hole(f"preset.hole[{i}]", x, y, d, standard=preset.standard)
        for i, (x, y, d) in enumerate(preset.holes)
    ]


def preset_slots(preset: Preset) -> list[Slot]:
    return [
        Slot(f"preset.slot[{i}]", x, y, length, w, 0, standard=preset.standard)
        for i, (x, y, length, w) in enumerate(preset.slots)
    ]


def edge_distance(
    outline: tuple[float, float, float],
    x: float,
    y: float,
    w: float,
    h: float,
    r: float,
) -> float:
    """Shortest distance (mm) from an axis-aligned rounded rectangle (centre x, y; size
    w x h; corner radius r) to the boundary of the outline (width, height, corner radius
    R; lower-left corner at the origin); negative when the shape crosses the outline.

    Both shapes are an inner rectangle grown by a disc, so the distance is exact: per
    outline corner, with a, b the gaps between the inner rectangles' corners along x and
    y, it is R - r + min(a, b), or R - r - hypot(a, b) when both gaps are negative.
    """
    width, height, big_r = outline
    r = min(r, w / 2, h / 2)
    hw, hh = w / 2 - r, h / 2 - r
    best = math.inf
    for sx in (-1.0, 1.0):
        for sy in (-1.0, 1.0):
            # Inner corner of the outline and of the shape in this quadrant.
            ox = width / 2 + sx * (width / 2 - big_r)
            oy = height / 2 + sy * (height / 2 - big_r)
            a = sx * (ox - (x + sx * hw))
            b = sy * (oy - (y + sy * hh))
            gap = -math.hypot(a, b) if a < 0 and b < 0 else min(a, b)
            best = min(best, big_r - r + gap)
    return best


# --- reading ----------------------------------------------------------------------------


def read_openings(
    top: Entry,
    path: Path,
    catalog: Catalog,
    bounds: tuple[float, float],
    scope: str,
    check_place: Callable[[Entry, Placed], None] = lambda entry, placed: None,
    check_hole: Callable[[Entry, Hole], None] = lambda entry, hole: None,
    faces: Mapping[str, tuple[float, float]] | None = None,
    *,
    labelled: bool = False,
    legends: bool = False,
    low: float = 0.0,
) -> tuple[list[Placed], list[Hole]]:
    """Every ``[[place]]``, expanded ``[[array]]`` and ``[[hole]]`` of a panel file or a
    cut layout: x, y (mm) within `bounds`, one template per part id (a template path is
    relative to `path`), at most MAX_OPENINGS in all; `check_place` and `check_hole` see
    each opening as it is read (`scope` names the panel or the face in errors). With
    `faces` (a bent panel: face name to its x, y range), each entry may name its `face`
    and its x, y lie in that face's frame. `labelled`: each entry may carry a `label` (an
    array's is a prefix, numbered from 1 row by row: the row at y left to right, then the
    one above; pitches are > 0). `low`: the least x and y (a frame centred on its face
    takes negative ones). `legends`: each entry may carry a `legend`
    (geom.panel.texts.read_legends; a panel file's, not yet a cut layout's)."""

    def face_of(entry: Entry) -> tuple[str, float, float]:
        return _face_of(entry, faces, bounds)

    parts: dict[str, Part] = {}
    places: list[Placed] = []
    holes: list[Hole] = []

    def resolve(entry: Entry) -> Part:
        if entry.has("shape"):
            part = inline_part(entry, catalog)
            if parts.setdefault(part.id, part) != part:
                raise entry.error(
                    "id",
                    part.id,
                    f"the id of a second, different part on this {scope}",
                    'an id of its own for each different inline part (id = "...")',
                )
            return part
        name = entry.text("part")
        try:
            if name.endswith(".toml") and not Path(name).is_absolute():
                name = str(path.parent / name)  # a template path, relative to the file
            part = catalog.resolve(name)
        except InputError as exc:
            if exc.where != "command line":  # a broken template: its own error names it
                raise
            raise entry.error("part", name, exc.problem, exc.allowed) from None
        if parts.setdefault(part.id, part) != part:
            raise entry.error(
                "part",
                name,
                f"a second, different template for {part.id}",
                f"one template per part id on a {scope}",
            )
        return part

    def add(entry: Entry, placed: Placed) -> None:
        check_place(entry, placed)
        places.append(placed)
        _count(entry, len(places) + len(holes), scope)

    for i, raw in enumerate(top.array("place")):
        entry = Entry(raw, top.where, top.path(f"place[{i}]."))
        part = resolve(entry)
        face, width, height = face_of(entry)
        x = entry.must_number("x", low, width, low_open=False)
        y = entry.must_number("y", low, height, low_open=False)
        rotation = entry.rotation()
        label = entry.label() if labelled else ""
        legend = read_legends(entry)[0] if legends else None
        entry.done()
        add(
            entry, Placed(top.path(f"place[{i}]"), part, x, y, rotation, face, label, legend=legend)
        )

    for i, raw in enumerate(top.array("array")):
        entry = Entry(raw, top.where, top.path(f"array[{i}]."))
        part = resolve(entry)
        face, width, height = face_of(entry)
        x = entry.must_number("x", low, width, low_open=False)
        y = entry.must_number("y", low, height, low_open=False)
        cols = entry.integer("cols", 1, MAX_ARRAY_SIDE)
        rows = entry.integer("rows", 1, MAX_ARRAY_SIDE)
        pitch_x = entry.number("pitch_x", 0.0, MAX_PANEL_MM, required=cols > 1) or 0.0
        pitch_y = entry.number("pitch_y", 0.0, MAX_PANEL_MM, required=rows > 1) or 0.0
        rotation = entry.rotation()
        prefix = entry.label() if labelled else ""
        legend_of = read_legends(entry, cols * rows) if legends else [None] * (cols * rows)
        entry.done()
        if cols * rows + len(places) + len(holes) > MAX_OPENINGS:
            raise entry.error(
                "cols",
                cols,
                f"making {cols * rows} cutouts, more than the {scope} limit",
                f"at most {MAX_OPENINGS} cutouts and holes on one {scope}",
            )
        for r in range(rows):
            for c in range(cols):
                name = top.path(f"array[{i}][r{r},c{c}]")
                label = f"{prefix}{r * cols + c + 1}" if prefix else ""
                at = (x + c * pitch_x, y + r * pitch_y)
                legend = legend_of[r * cols + c]
                add(entry, Placed(name, part, *at, rotation, face, label, legend=legend))

    for i, raw in enumerate(top.array("hole")):
        entry = Entry(raw, top.where, top.path(f"hole[{i}]."))
        face, width, height = face_of(entry)
        x = entry.must_number("x", low, width, low_open=False)
        y = entry.must_number("y", low, height, low_open=False)
        kind = cast(HoleKind, entry.text("kind", required=False, choices=HOLE_KINDS) or "plain")
        made = None if kind == "plain" else fastener(kind, entry)
        diameter = entry.must_number("diameter", 0.0, MAX_HOLE_MM) if made is None else made.hole
        label = entry.label() if labelled else ""
        legend = read_legends(entry)[0] if legends else None
        entry.done()
        hole = Hole(
            top.path(f"hole[{i}]"), x, y, diameter, face, label, legend=legend, fastener=made
        )
        check_hole(entry, hole)
        holes.append(hole)
        _count(entry, len(places) + len(holes), scope)
    return places, holes


def inline_part(entry: Entry, catalog: Catalog) -> Part:
    """A plain part given in the entry itself (``shape``, the shape's sizes, ``tolerance``,
    optional ``grip = [min, max]``, ``depth``, ``flange_width``/``flange_height``, the
    collar's sizes and ``id``), built by the one builder of every door that gives a part
    by its shape (geom.data.inline.shape_part). Without ``grip`` the grip check does not
    apply; without ``id`` the part is named by its shape and sizes (``circle-12.2``)."""
    if entry.has("part"):
        raise entry.error(
            "part", entry.get("part"), "given with shape", "either part or shape with its sizes"
        )
    kind = entry.text("shape", choices=INLINE_SHAPES)
    keys = [*SHAPE_FIELDS[kind], "tolerance", "depth", "flange_width", "flange_height"]
    keys += [*shape_collar_fields(kind), "collar_minus"]
    fields: dict[str, object] = {"shape": kind}
    for key in keys:
        fields[key] = entry.get(key, required=False)
    grip = entry.get("grip", required=False)
    if grip is not None:
        if not isinstance(grip, list) or len(grip) != 2:
            raise entry.error(
                "grip", grip, "not a pair", f"[min, max] in mm, 0 < min <= max <= {MAX_PLATE_MM:g}"
            )
        fields["grip_min"], fields["grip_max"] = grip
        if all(isinstance(v, int | float) for v in grip) and grip[0] > grip[1]:
            raise entry.error("grip", grip, "a falling range", "[min, max] with min <= max")
    given = [f"{v:g}" for n in SHAPE_FIELDS[kind] if isinstance(v := fields[n], int | float)]
    fields["id"] = entry.text("id", required=False) or "-".join([kind, "x".join(given)])
    fields["name"] = None
    grips = {"grip_min": "grip[0]", "grip_max": "grip[1]"}
    return shape_part(
        fields,
        catalog,
        where=entry.where,
        name=lambda field: entry.path(grips.get(field, field)),
        grip_optional=True,
    )


def _face_of(
    entry: Table, faces: Mapping[str, tuple[float, float]] | None, bounds: tuple[float, float]
) -> tuple[str, float, float]:
    """The entry's face ("base" on a flat panel) and the x, y range of its frame (mm)."""
    if not faces:
        return "base", bounds[0], bounds[1]
    face = entry.text("face", required=False) or "base"
    if face not in faces:
        raise entry.error("face", face, "not a face of this panel", " or ".join(faces))
    return face, *faces[face]


def read_slots(
    top: Entry,
    bounds: tuple[float, float],
    faces: Mapping[str, tuple[float, float]],
    counted: int,
    check: Callable[[Entry, Slot], None] = lambda entry, slot: None,
    scope: str = "panel",
    low: float = 0.0,
) -> list[Slot]:
    """Every ``[[slot]]`` of a panel file or a cut layout's face: centre within its
    face's frame (`faces` as in read_openings), length >= width (mm), the long axis at a
    multiple of 90 degrees, an optional +/- tolerance and label; `check` sees each slot
    as it is read (the whole slot on the sheet). `counted`: openings read before (for
    MAX_OPENINGS); `scope` names the panel or the face in errors; `low` the least x and
    y."""
    slots: list[Slot] = []
    for i, raw in enumerate(top.array("slot")):
        entry = Entry(raw, top.where, top.path(f"slot[{i}]."))
        face, width, height = _face_of(entry, faces, bounds)
        x = entry.must_number("x", low, width, low_open=False)
        y = entry.must_number("y", low, height, low_open=False)
        w = entry.must_number("width", 0.0, MAX_HOLE_MM)
        length = entry.must_number("length", 0.0, MAX_PANEL_MM)
        if length < w:
            raise entry.error(
                "length", length, f"shorter than the slot's width {w:g} mm", f"[{w:g}, 3000]"
            )
        angle = entry.rotation("angle")
        tolerance = entry.number("tolerance", 0.0, MAX_TOLERANCE_MM, required=False)
        label = entry.label()
        entry.done()
        slot = Slot(top.path(f"slot[{i}]"), x, y, length, w, angle, tolerance, label, face)
        check(entry, slot)
        slots.append(slot)
        _count(entry, counted + len(slots), scope)
    return slots


def unique_labels(top: Entry, items: Iterable[Placed | Hole | Slot]) -> None:
    """Each label names one opening in the file: a second use is bad input (the first
    entry named)."""
    seen: dict[str, str] = {}
    for item in items:
        if not item.label:
            continue
        first = seen.setdefault(item.label, item.entry)
        if first != item.entry:
            raise top.error(
                f"{item.entry.split('[r')[0]}.label",
                item.label,
                f"the label of {first} too",
                "a label used by one opening only",
            )


def _off_axis(outline: tuple[float, float, float], x: float, y: float, w: float, h: float) -> str:
    """The coordinate that puts a shape off the sheet: "x" unless x alone keeps it on."""
    width = outline[0]
    x_inside = x - w / 2 >= 0 and x + w / 2 <= width
    return "y" if x_inside else "x"


def _count(entry: Entry, total: int, scope: str) -> None:
    if total > MAX_OPENINGS:
        raise entry.error(
            "(count)",
            total,
            f"the count of cutouts and holes, more than the {scope} limit",
            f"at most {MAX_OPENINGS} cutouts and holes on one {scope}",
        )


def _sheet(panel: Entry) -> Size:
    """`sheet = T` or `[MIN, MAX]` (mm); the old spelling `thickness` still reads."""
    key = "sheet"
    if panel.has("thickness") and not panel.has("sheet"):
        key = "thickness"
        warnings.warn(
            f"{panel.where}: panel.thickness is now panel.sheet (the bare sheet before "
            "coating, a value or [min, max]); thickness still works for now",
            GeomDeprecationWarning,
            stacklevel=2,
        )
    sheet = band_field(panel, key, 0.0, MAX_PLATE_MM, low_open=True)
    if sheet is None:
        panel.get("sheet")  # raises: missing, naming a likely typo
        raise AssertionError("unreachable")
    return sheet


def band_field(panel: Entry, key: str, low: float, high: float, *, low_open: bool) -> Size | None:
    """`key = V` or `key = [MIN, MAX]` (mm); None when not given."""
    raw = panel.get(key, required=False)
    if raw is None:
        return None
    allowed = f"V or [MIN, MAX] with {allowed_range(low, high, low_open=low_open)}, MIN <= MAX"

    def value(v: object) -> float:
        if isinstance(v, str):
            raise panel.error(key, v, "not a number", allowed)
        return number(panel.where, panel.path(key), v, low, high, low_open=low_open)

    if isinstance(raw, list):
        if len(raw) != 2:
            raise panel.error(key, raw, "not a pair", allowed)
        first, last = value(raw[0]), value(raw[1])
        if last < first:
            raise panel.error(key, raw, "a falling range", allowed)
        return Size.between(first, last)
    return Size.exact(value(raw))


class Entry(Table):
    """One table of the panel file (geom.data.checked.Table) with the panel's own fields."""

    def sub(self, data: object, key: str) -> Entry:
        return Entry(data, self.where, self.path(key) + ".")

    def must_table(self, key: str) -> Entry:
        return cast(Entry, super().must_table(key))

    def flag(self, key: str) -> bool:
        """An optional true/false; false when not given."""
        raw = self.get(key, required=False)
        if raw is None:
            return False
        if not isinstance(raw, bool):
            raise self.error(key, raw, "not true or false", "true or false")
        return raw

    def integer(self, key: str, low: int, high: int) -> int:
        return int(self.must_number(key, low, high, low_open=False, integer=True))

    def rotation(self, key: str = "rotation") -> int:
        """Degrees counter-clockwise, a multiple of 90 in -360 .. 360; returned as 0..270."""
        return quarter_turn(self, key)

    def label(self) -> str:
        """An optional `label`: one line of 1 to MAX_LABEL characters ("" when absent)."""
        value = self.text("label", required=False)
        if len(value) > MAX_LABEL:
            raise self.error("label", value, "too long", f"1 to {MAX_LABEL} characters")
        return value.strip()

    def texts(self, key: str, most: int) -> tuple[str, ...]:
        """An optional list of one-line texts, at most `most` of them (() when absent)."""
        raw = self.get(key, required=False)
        if raw is None:
            return ()
        allowed = f"a list of 1 to {most} texts, each one line"
        if not isinstance(raw, list) or not 1 <= len(raw) <= most:
            raise self.error(key, raw, "not a list of texts", allowed)
        items = Entry({f"[{i}]": v for i, v in enumerate(raw)}, self.where, self.path(key))
        return tuple(items.text(f"[{i}]") for i in range(len(raw)))
