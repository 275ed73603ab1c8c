"""Layout files for `geom cut`: faces of an enclosure and the parts placed on them.

A layout file is a panel file (docs/panels.md) whose ``[panel]`` table is replaced by
``[face]``: which planar face of the enclosure (a CadQuery string selector, or a point
and a normal) and the face's coating, masking, target and shop (`shop`: a shop profile,
geom.data.shops; default the laser profile). ``[[place]]``,
``[[array]]``, ``[[hole]]`` and ``[[slot]]`` read as in panel files (each with its
optional `label`, unique in the file), with x, y in the face's own frame (docs/cut.md).
Several faces of one enclosure: an ``[enclosure]`` table (coating, masking, target,
shop and rule overrides for every face) and one ``[[face]]`` table per face (its
`name`, its selector or point and normal, its own ``[[face.place]]``,
``[[face.array]]``, ``[[face.hole]]`` and ``[[face.slot]]``). A box of the library
instead of a STEP file: ``[box] model = "1590BB"`` (geom.data.boxes) and ``[[face]]``
tables named "A" to "E" with no selector, x, y from the face's centre (docs/boxes.md).
The wall is not in the file: `geom cut` measures it. A bad value raises `InputError`
``<file>:<entry>.<field>: <value> is <problem>; allowed <range>``. mm.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from geom.data.boxes import FACES, Box, find_box
from geom.data.checked import read_toml
from geom.data.shops import default_profile, profile_named
from geom.data.template_schema import MAX_TOLERANCE_MM
from geom.data.templates import Catalog, load_catalog
from geom.errors import MISSING, InputError
from geom.model.conditions import BARE, MAX_COATING_MM, TARGETS, Target
from geom.model.shop import Profile
from geom.model.tolerance import Size
from geom.panel.model import (
    MAX_PANEL_MM,
    MAX_RULE_MM,
    STEM,
    Entry,
    Hole,
    Placed,
    Slot,
    band_field,
    read_openings,
    read_slots,
    unique_labels,
)

MAX_COORDINATE_MM = 10000.0
"""A point of the face selector further out than this is a unit slip."""


@dataclass(frozen=True)
class FaceLayout:
    """One face of the enclosure and the parts and holes on it (x, y in its frame)."""

    name: str
    """"face" in a one-face file (``[face]``), else the face's `name`."""
    select: str | None
    """A CadQuery string selector on the enclosure's faces, or None (point and normal)."""
    point: tuple[float, float, float] | None
    normal: tuple[float, float, float] | None
    places: tuple[Placed, ...]
    holes: tuple[Hole, ...]
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class CutLayout:
    """A validated layout file: the faces, their conditions, the parts and holes."""

    path: Path
    name: str
    """The file stem: the `<name>` of every output file."""
    faces: tuple[FaceLayout, ...]
    coating: Size
    masked: bool
    target: Target
    shop_tolerance: float | None
    min_web: float | None
    min_edge: float | None
    several: bool = False
    """Written as ``[[face]]`` tables (one output DXF per face)."""
    box: Box | None = None
    """The library box the layout names (``[box]``): geom builds it, no STEP file."""
    profile: Profile | None = None
    """The shop's rules: the file's `shop`, else the laser default (set by the reader)."""

    @property
    def rules_profile(self) -> Profile:
        assert self.profile is not None, "a layout read by load_cut_layout has its profile"
        return self.profile

    @property
    def places(self) -> tuple[Placed, ...]:
        return tuple(p for f in self.faces for p in f.places)

    @property
    def holes(self) -> tuple[Hole, ...]:
        return tuple(h for f in self.faces for h in f.holes)

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(s for f in self.faces for s in f.slots)


def load_cut_layout(path: Path, catalog: Catalog | None = None) -> CutLayout:
    """Read and validate a layout file; every part it names comes from `catalog`."""
    where = str(path)
    if not STEM.match(path.stem):
        raise InputError(
            "command line",
            "LAYOUT",
            path.name,
            "not a safe file name for the outputs",
            "a stem of letters, digits, '.', '_' and '-' (up to 100, not starting with '.')",
        )
    top = Entry(read_toml(path), where, "")
    several = isinstance(top.get("face", required=False), list)
    box = _box(top, several)
    if several:
        settings = top.sub(top.get("enclosure", required=False) or {}, "enclosure")
    else:
        settings = top.must_table("face")
    coating = band_field(settings, "coating", 0.0, MAX_COATING_MM, low_open=False) or BARE
    masked = settings.flag("masked")
    target = settings.text("target", required=False, choices=TARGETS) or "mid"
    shop_tolerance = settings.number("shop_tolerance", 0.0, MAX_TOLERANCE_MM, required=False)
    shop = settings.text("shop", required=False)
    profile = (
        profile_named(shop, where, settings.path("shop"), path)
        if shop
        else default_profile("laser")
    )
    min_web = settings.number("min_web", 0.0, MAX_RULE_MM, low_open=False, required=False)
    min_edge = settings.number("min_edge", 0.0, MAX_RULE_MM, low_open=False, required=False)
    catalog = load_catalog() if catalog is None else catalog
    faces: list[FaceLayout] = []
    if several:
        settings.done()
        for i, raw in enumerate(top.array("face")):
            table = Entry(raw, where, f"face[{i}].")
            name = table.text("name")
            if not STEM.match(name) or any(f.name == name for f in faces):
                raise table.error(
                    "name", name, "not a new, safe face name", "a name unique in the file"
                )
            faces.append(_face(table, path, catalog, name, box=box))
            table.done()
    else:
        faces.append(_face(settings, path, catalog, "face", top))
        settings.done()
    top.done()
    unique_labels(top, [*(p for f in faces for p in f.places), *_plain(faces)])
    return CutLayout(
        path=path,
        name=path.stem,
        faces=tuple(faces),
        coating=coating,
        masked=masked,
        target=target,  # type: ignore[arg-type]
        shop_tolerance=shop_tolerance,
        min_web=min_web,
        min_edge=min_edge,
        several=several,
        box=box,
        profile=profile,
    )


def _box(top: Entry, several: bool) -> Box | None:
    """The ``[box]`` table's box (None without one); it needs ``[[face]]`` tables."""
    table = top.table("box", required=False)
    if table is None:
        return None
    box = find_box(table.text("model"), table.where, table.path("model"))
    table.done()
    if not several:
        raise top.error(
            "face",
            "[face]",
            "a single face with [box]",
            '[[face]] tables, each named "A" to "E"',
        )
    return box


def _plain(faces: list[FaceLayout]) -> list[Hole | Slot]:
    """Every hole, then every slot, of every face (the panel file's order of labels)."""
    return [*(h for f in faces for h in f.holes), *(s for f in faces for s in f.slots)]


def _face(
    face: Entry,
    path: Path,
    catalog: Catalog,
    name: str,
    entries: Entry | None = None,
    box: Box | None = None,
) -> FaceLayout:
    """The face's selector (or point and normal) and the openings on it: read from
    `entries` (the file's top level in a one-face file), else from the face's table. On
    a `box` the face is named "A" .. "E", its plane comes from the box and its x, y from
    its centre."""
    if box is not None:
        return _box_face(face, path, catalog, name, box)
    select = face.text("select", required=False) or None
    point = _vector(face, "point", unit=False)
    normal = _vector(face, "normal", unit=True)
    if select is not None and (point is not None or normal is not None):
        raise face.error(
            "select", select, "given with point and normal", "select, or point and normal"
        )
    if select is None and (point is None or normal is None):
        raise face.error(
            "select",
            MISSING,
            "missing (and point and normal are not both given)",
            'select = ">Z", or point = [x, y, z] and normal = [nx, ny, nz]',
        )
    top = face if entries is None else entries
    return _openings(top, path, catalog, FaceLayout(name, select, point, normal, (), ()))


def _box_face(face: Entry, path: Path, catalog: Catalog, name: str, box: Box) -> FaceLayout:
    """A face of a library box: named "A" .. "E", no selector (the box gives its plane),
    x, y from the face's centre."""
    if name not in FACES:
        raise face.error("name", name, f"not a face of a box ({box.model})", ", ".join(FACES))
    for key in ("select", "point", "normal"):
        if face.has(key):
            raise face.error(
                key, face.get(key), "given for a face of a [box]", "no selector: the name"
            )
    point, normal = box.face_plane(name)
    found = FaceLayout(name, None, point, normal, (), ())
    return _openings(face, path, catalog, found, low=-MAX_PANEL_MM)


def _openings(
    top: Entry, path: Path, catalog: Catalog, face: FaceLayout, low: float = 0.0
) -> FaceLayout:
    """`face` with the openings of the table `top` (x, y from `low` to MAX_PANEL_MM)."""
    name = face.name
    bounds = (MAX_PANEL_MM, MAX_PANEL_MM)  # the face's own size is known once it is found
    places, holes = read_openings(top, path, catalog, bounds, "face", labelled=True, low=low)
    slots = read_slots(top, bounds, {}, len(places) + len(holes), scope="face", low=low)
    places = [replace(p, face=name) for p in places]
    holes = [replace(h, face=name) for h in holes]
    slots = [replace(s, face=name) for s in slots]
    if not places and not holes and not slots:
        raise top.error(
            "place",
            MISSING,
            "missing: the layout is empty, nothing to cut",
            "one or more [[place]], [[array]], [[hole]] or [[slot]] entries, e.g. "
            '[[place]] part = "gland-M20" x = 30 y = 30',
        )
    return replace(face, places=tuple(places), holes=tuple(holes), slots=tuple(slots))


def _vector(face: Entry, key: str, *, unit: bool) -> tuple[float, float, float] | None:
    """`key = [x, y, z]` (mm); a normal must not be the zero vector (it is normalised)."""
    raw = face.get(key, required=False)
    if raw is None:
        return None
    allowed = f"[x, y, z], numbers in [-{MAX_COORDINATE_MM:g}, {MAX_COORDINATE_MM:g}]"
    if (
        not isinstance(raw, list)
        or len(raw) != 3
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw)
        or not all(abs(v) <= MAX_COORDINATE_MM for v in raw)
    ):
        raise face.error(key, raw, "not a 3D vector", allowed)
    x, y, z = (float(v) for v in raw)
    if unit:
        length = (x * x + y * y + z * z) ** 0.5
        if length < 1e-9:
            raise face.error(key, raw, "the zero vector", "a direction, [nx, ny, nz] not 0")
        x, y, z = x / length, y / length, z / length
    return x, y, z
