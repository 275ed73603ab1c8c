"""The part model: immutable values in mm, loaded from a template (see geom.data.templates).

A snap-in part has a front flange (the data sheet's width x height), a collar through the
cutout and spring latches behind the plate (see geom.model.fit for the words). A part that does
not snap in by itself (770-1242) mounts through a frame that does; its fit is the frame's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from geom.model.contour import Rect as Rect
from geom.model.contour import Shape
from geom.model.tolerance import Size

ASSUMED = "assumed"
"""The source of every number that no data sheet gives."""
NOT_GIVEN = "not given"
"""The source of a placeholder for a value a part given inline leaves out: no check may
rest on it (geom.model.fit reports such a check as unverified)."""

Axis = Literal["width", "height"]
Mounting = Literal["snap-in", "frame", "nut", "screw", "clamp"]
"""What holds a part in the plate: its own latches, a frame that snaps in, a nut on its
bushing, screws through its flange, clamps behind the plate."""


@dataclass(frozen=True, slots=True)
class Holes:
    """Fixing holes that belong to a part: each one's band [diameter, diameter +
    tolerance] and the centres, from the cutout's centre before rotation (mm)."""

    diameter: float
    tolerance: float
    positions: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """A value as a source states it: a data-sheet item number, or `assumed`."""

    value: float | int | str
    source: str


@dataclass(frozen=True, slots=True)
class SnapIn:
    """What holds a part in a plate, and the numbers its checks walk (mm): the cutout
    band, the collar through it, the flange in front, and per mounting kind the latches
    (snap-in), the key and the nut (nut), the screws (screw). The name is historical: a
    nut-, screw- or clamp-mounted part has one too."""

    cutout: Shape
    """The cutout's source sizes; each size's band is [value + low, value + high] with
    (low, high) from `bands`, or (0, `tolerance`)."""
    tolerance: float
    grip: Size
    """Finished plate thickness the part holds (latches, nut, screws, clamps)."""
    collar_width: Size
    """The collar's extent across the width (and height), for the flange and latch checks."""
    collar_height: Size
    collar_corner_radius: float
    flange_thickness: float
    min_overlap: float
    """Flange cover per side still required at the largest opening."""
    latch_axis: Axis = "width"
    latch_span: Size | None = None
    """Latch tip to latch tip, across the cutout along `latch_axis`; None without latches."""
    latch_min_catch: float = 0.0
    """Latch tip overlap per side on the plate's back face still required."""
    window: Rect | None = None
    """A frame's opening that holds the mounted part; None for other parts."""
    mounting: Mounting = "snap-in"
    bands: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Sizes with their own band: (low, high) added to the size's value (mm)."""
    collar_sizes: Mapping[str, Size] = field(default_factory=dict)
    """The collar's sizes by the cutout's size names (each in [value - minus, value]);
    a rect cutout's collar is `collar_width` x `collar_height` instead."""
    holes: Holes | None = None
    key: Size | None = None
    """nut: the part's key width (in the notch or between the flats)."""
    nut_across_flats: float | None = None
    """nut: the nut's or washer's bearing size behind the plate."""
    screw_diameter: float | None = None
    """screw: the fixing screws' diameter (must pass the holes)."""
    collar_given: bool = True
    """False for a hole given inline by its shape alone: no collar, so the checks that
    rest on one (clearance, corner, flange cover, latches, key, nut) do not run."""

    def collar(self, axis: Axis) -> Size:
        return self.collar_width if axis == "width" else self.collar_height

    def collar_size(self, name: str) -> Size | None:
        """The collar's size facing the cutout's size `name`; None when the collar has
        none there (a round bushing in a notched hole: the notch)."""
        if isinstance(self.cutout, Rect) and name in ("width", "height"):
            return self.collar(cast(Axis, name))
        return self.collar_sizes.get(name)

    def band(self, size: str) -> tuple[float, float]:
        """The band of the cutout's size `size`: (lowest, highest) finished opening (mm)."""
        value = self.cutout.size(size)
        low, high = self.bands.get(size, (0.0, self.tolerance))
        return value + low, value + high


@dataclass(frozen=True, slots=True)
class Coding:
    """A rectangular coding pocket in the mating (front) face: size, depth, centre (mm)."""

    width: float
    height: float
    depth: float
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class BodySpec:
    """The template's [body] table: what the simplified STEP body needs beyond the data
    sheet (all assumed: the drawings did not survive). Sizes in mm; colour sRGB 0..1."""

    colour: tuple[float, float, float]
    pole_diameter: float | None = None
    """Round pole openings in the front face; None: no openings drawn."""
    pole_depth: float | None = None
    wing_width: float | None = None
    """Latch wing size across the latch axis; None for a part without latches."""
    wing_thickness: float | None = None
    """Latch wing size along Z, below its catching face."""
    coding: Coding | None = None
    front: float = 0.0
    """For a part mounted through a frame: its front face above the frame's front face."""


@dataclass(frozen=True, slots=True)
class Part:
    """One part, as its template describes it. All sizes in mm."""

    id: str
    name: str
    kind: str
    manufacturer: str
    poles: int | None
    pin_spacing: float | None
    width: float
    """Front flange width (the data sheet's width)."""
    height: float
    depth: float
    """Envelope depth, front face to rear, per `depth_policy` over `depths`."""
    depths: tuple[Quote, ...]
    depth_policy: str
    snap: SnapIn | None
    """None when the part mounts through `frame`."""
    frame: Part | None
    info: Mapping[str, Quote]
    """Data for drawings and bills of material; not used by the geometry."""
    sources: Mapping[str, str]
    """Source of every number, by field path (`cutout.width`, ...)."""
    path: Path | None = None
    """The template file; None for a part given on the command line."""
    body: BodySpec | None = None
    """The [body] table; None when the template has none (geom.model.body then assumes one)."""
    plug: Plug | None = None
    """The mated plug's envelope in front of the flange ([plug]); None when not given."""
    notes: tuple[Quote, ...] = ()
    """[part] notes: texts from the part's sources, printed with its outputs."""
    rear: tuple[float, float] | None = None
    """[rear] width x height: the body behind the plate (a pot's can, a jack's housing,
    a switch's body), centred on the cutout, down to `depth`; None: the envelope's
    width x height behind the plate too."""

    @property
    def rear_size(self) -> tuple[float, float]:
        """Width x height of the body behind the plate (mm): [rear], else the envelope's."""
        return self.rear if self.rear is not None else (self.width, self.height)

    @property
    def mount(self) -> Part:
        """The part that sits in the plate: the frame, or the part itself."""
        return self.frame if self.frame is not None else self

    @property
    def fit(self) -> SnapIn:
        """The snap-in geometry that decides the cutout and the fit."""
        snap = self.mount.snap
        assert snap is not None, "a loaded part snaps in or mounts through a frame that does"
        return snap

    @property
    def assumed(self) -> tuple[str, ...]:
        """Field paths whose value is assumed; a frame's are prefixed with its id."""
        own = [f for f, s in self.sources.items() if s == ASSUMED]
        if self.frame is not None:
            own += [f"{self.frame.id}:{f}" for f in self.frame.assumed]
        return tuple(sorted(own))

    @property
    def cut_assumed(self) -> bool:
        """True when any number that shapes the cut opening is assumed."""
        mount = self.mount
        return any(
            source == ASSUMED
            for f, source in mount.sources.items()
            if f.startswith("cutout.") and f not in ("cutout.shape",)
        )

    @property
    def note_texts(self) -> tuple[str, ...]:
        """The [part] notes of the frame, then of the part, each once: printed on the
        DXF's NOTES layer, the drawings and the reports of this part."""
        texts = [str(q.value) for p in (self.mount, self) for q in p.notes]
        return tuple(dict.fromkeys(texts))

    @property
    def file_stem(self) -> str:
        """The id as a file-name stem: `/` becomes `_`."""
        return self.id.replace("/", "_")


@dataclass(frozen=True, slots=True)
class Plug:
    """The mated plug's envelope in front of the part's flange, centred on the part (mm):
    what the panel layout keeps free in front (the plug and its locking lever)."""

    width: float
    height: float
    length: float
    """From the flange's front face forwards (+Z)."""
