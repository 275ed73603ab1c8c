"""The simplified 3D body of a part, as plain numbers (mm): prisms to add and to cut.

No CAD kernel here: geom.cad.body turns a `Body` into OpenCascade solids. Keeping the
geometry decisions in plain Python makes them testable in milliseconds.

Placement convention (README "Placement in 3D"): the panel's front face is Z = 0, the
panel occupies -t <= Z <= 0, the cutout is centred on X = Y = 0. A snap-in part's flange
rests on the front face (0 <= Z <= flange thickness); collar and housing go into -Z, down
to Z = flange thickness - depth (depth per the template's depth policy). The latch wings
lie on the latch axis; their tips reach latch span / 2 from the centre and their catching
(top) face is at Z = -t, t the finished plate the body is built for, held to the grip
range: a wing cannot spring further than the thickest plate it grips, nor closer than
the thinnest. So a plate outside the grip range shows up in 3D as the wing cutting into
the plate (too thick) or a gap under it (too thin).

The front (mating) face carries the pole openings (round, `poles` of them at
`pin_spacing`, centred, along the width) and the coding pocket; both, the wing size and
the colour come from the template's [body] table (all assumed). A part with a [rear]
table (a pot's can, a jack's housing) has that block behind the plate, from the plate's
back face (Z = -t) down to the rear.

A part mounted through a frame (770-1242 in 770-317) is the frame's body plus its own:
a block of the data sheet's width x height x depth, in the frame's window, its front face
`body.front` above the frame's front face.
"""

from __future__ import annotations

from dataclasses import dataclass

from geom.errors import InputError
from geom.model.contour import Circle, Rect, Vertex
from geom.model.part import ASSUMED, BodySpec, Part, SnapIn
from geom.model.tolerance import Size

DEFAULT_COLOUR = (0.5, 0.5, 0.5)
"""sRGB of a part whose template has no [body] table."""
DEFAULT_WING_THICKNESS_MM = 1.0
DEFAULT_WING_WIDTH_SHARE = 0.4
"""Wing width as a share of the collar's size across the latch axis, when not given."""
CUT_OVERSHOOT_MM = 1.0
"""Cutting tools go this far past the face they open, so no zero-thickness skin remains."""
WING_EMBED_MM = 0.5
"""How far a wing reaches into the collar it grows from (the two fuse into one solid)."""
MIN_WALL_MM = 0.2
"""Thinnest wall the simplified body may leave between an opening and the outside."""


@dataclass(frozen=True, slots=True)
class Prism:
    """A straight prism along Z from `z0` to `z1` (z0 < z1): a rectangle `width` x `height`
    centred on (x, y), corners rounded by `corner_radius`. With width = height =
    2 x corner_radius it is a round cylinder. All mm."""

    width: float
    height: float
    corner_radius: float
    x: float
    y: float
    z0: float
    z1: float
    outline: tuple[Vertex, ...] | None = None
    """The cross-section when it is not a rounded rectangle (a notched, flatted or
    trapezoid collar): a closed contour about (x, y); `width` x `height` is its box."""

    @property
    def round(self) -> bool:
        return self.outline is None and self.width == self.height == 2 * self.corner_radius


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box, mm."""

    xmin: float
    xmax: float
    ymin: float
    ymax: float
    zmin: float
    zmax: float

    def as_tuple(self) -> tuple[float, float, float, float, float, float]:
        return (self.xmin, self.xmax, self.ymin, self.ymax, self.zmin, self.zmax)


@dataclass(frozen=True, slots=True)
class SolidSpec:
    """One solid of a body: the union of `add` minus the union of `cut`."""

    name: str
    """Product name in the STEP file: the part's id and name."""
    part_id: str
    colour: tuple[float, float, float]
    """sRGB, each 0..1."""
    add: tuple[Prism, ...]
    cut: tuple[Prism, ...]
    envelope: Box
    """The data sheet's envelope at its place: the solid's bounding box must equal it."""
    front_z: float
    """Z of the mating (front) face."""
    poles: tuple[tuple[float, float], ...]
    """Centres (x, y) of the pole openings on the front face."""
    wings: tuple[Prism, ...]
    """The latch wings (also in `add`)."""


@dataclass(frozen=True, slots=True)
class Body:
    """A part's simplified body for one finished plate thickness (mm)."""

    part: Part
    plate: float
    """Finished plate thickness the body is built for."""
    wing_top: float
    """Z of the wings' catching face: -plate held to the grip range."""
    latch_span: float
    """Tip-to-tip span the wings are drawn with."""
    solids: tuple[SolidSpec, ...]
    defaults: tuple[str, ...]
    """[body] fields taken from geom.model.body's defaults (no [body] entry in the template)."""

    @property
    def assumed(self) -> bool:
        """True: every number in [body] is assumed (the shipped templates' case)."""
        return bool(self.defaults) or any(
            src == ASSUMED
            for p in (self.part, self.part.mount)
            for f, src in p.sources.items()
            if f.startswith("body.")
        )


def wing_plate(part: Part, sheet: Size | None, coating: Size) -> float:
    """The finished plate (mm) a part's body is built for, the one rule of every surface
    (docs/placement.md): the thickest finished plate under the part, the thickest sheet
    (or measured wall) plus the thickest coating on both faces, held to the part's grip
    range; with no sheet given the grip range's top (the wings then sit deepest: the
    conservative keep-out behind the plate)."""
    grip = part.fit.grip
    if sheet is None:
        return grip.max
    return min(max(sheet.max + 2 * coating.max, grip.min), grip.max)


def build_body(
    part: Part,
    plate: float,
    *,
    latch_span: float | None = None,
    collar: tuple[float, float] | None = None,
) -> Body:
    """The body of `part` for a finished plate `plate` mm thick (mm, > 0).

    `latch_span` (mm) overrides the wings' tip-to-tip span; default the nominal span. The
    fit check passes the smallest span of the part's tolerance (worst case for the catch).
    `collar` (width, height, mm) overrides the collar's size; default its largest (the
    keep-out, and the worst case for interference). The fit check passes the smallest
    collar for the latch catch (the part pushed to one side).
    Raises InputError when the [body] numbers do not fit the part's envelope.
    """
    mount = part.mount
    snap = part.fit
    nominal = snap.latch_span.nominal if snap.latch_span is not None else 0.0
    span = nominal if latch_span is None else latch_span
    wing_top = -min(max(plate, snap.grip.min), snap.grip.max)
    defaults: list[str] = []
    solids = [_snap_in_solid(mount, span, wing_top, defaults, collar)]
    if part.frame is not None:
        solids.append(_framed_solid(part, solids[0].front_z, defaults))
    return Body(part, plate, wing_top, span, tuple(solids), tuple(defaults))


def _collar_outline(snap: SnapIn) -> tuple[Vertex, ...] | None:
    """The largest collar's own shape, when the cutout is neither a rounded rectangle
    nor a round hole with a round collar (those are plain prisms), mm."""
    if isinstance(snap.cutout, Rect | Circle) or set(snap.collar_sizes) <= {"diameter"}:
        return None
    sizes = {n: s.max for n, s in snap.collar_sizes.items()}
    return tuple(snap.cutout.with_sizes(sizes).contour())


def _where(part: Part) -> str:
    return str(part.path) if part.path is not None else part.id


def _spec(part: Part, defaults: list[str]) -> BodySpec:
    if part.body is not None:
        return part.body
    defaults.append(f"{part.id}: [body] (colour, wings; no pole openings, no coding)")
    return BodySpec(colour=DEFAULT_COLOUR)


def _snap_in_solid(
    part: Part,
    span: float,
    wing_top: float,
    defaults: list[str],
    collar_size: tuple[float, float] | None,
) -> SolidSpec:
    snap = part.snap
    assert snap is not None
    spec = _spec(part, defaults)
    where = _where(part)
    ft = snap.flange_thickness
    rear = ft - part.depth
    cw, ch = collar_size or (snap.collar_width.max, snap.collar_height.max)
    if part.depth <= ft:
        raise InputError(
            where,
            "envelope.depth",
            part.depth,
            "not deeper than the flange",
            f"> flange.thickness ({ft} mm)",
        )
    flange = Prism(part.width, part.height, 0.0, 0.0, 0.0, 0.0, ft)
    collar = Prism(cw, ch, snap.collar_corner_radius, 0.0, 0.0, rear, ft, _collar_outline(snap))
    add = [flange, collar]
    if part.rear is not None and rear < wing_top:  # the can, housing or switch body
        add.append(Prism(*part.rear, 0.0, 0.0, 0.0, rear, wing_top))

    along_width = snap.latch_axis == "width"
    half_collar = (cw if along_width else ch) / 2
    across = ch if along_width else cw
    flange_half = (part.width if along_width else part.height) / 2
    wings: list[Prism] = []
    if snap.latch_span is not None:
        sizes = (half_collar, across, flange_half)
        wings = _wings(part, spec, span, wing_top, rear, defaults, sizes)
    return _finish_solid(part, spec, snap, [*add, *wings], wings, ft, rear, (cw, ch), where)


def _wings(
    part: Part,
    spec: BodySpec,
    span: float,
    wing_top: float,
    rear: float,
    defaults: list[str],
    sizes: tuple[float, float, float],
) -> list[Prism]:
    """The two latch wings of a snap-in part (mm): `sizes` are half the collar along the
    latch axis, the collar across it, and half the flange along it."""
    snap = part.snap
    assert snap is not None
    where = _where(part)
    half_collar, across, flange_half = sizes
    along_width = snap.latch_axis == "width"
    if not half_collar < span / 2 <= flange_half:
        raise InputError(
            where,
            "latch.span",
            span,
            "not between the collar and the flange edge",
            f"{2 * half_collar:g} < span <= {2 * flange_half:g} mm "
            "(the body's bounding box is the envelope)",
        )
    if spec.wing_width is None or spec.wing_thickness is None:
        wing_w, wing_t = across * DEFAULT_WING_WIDTH_SHARE, DEFAULT_WING_THICKNESS_MM
        if part.body is not None:
            defaults.append(f"{part.id}: body.wing_width, body.wing_thickness")
    else:
        wing_w, wing_t = spec.wing_width, spec.wing_thickness
    if wing_w > across - 2 * MIN_WALL_MM:
        raise InputError(
            where,
            "body.wing_width",
            wing_w,
            "wider than the collar",
            f"<= {across - 2 * MIN_WALL_MM:g} mm",
        )
    if wing_top - wing_t < rear:
        raise InputError(
            where,
            "body.wing_thickness",
            wing_t,
            "reaching past the rear",
            f"<= {wing_top - rear:g} mm for this plate",
        )
    inner = half_collar - WING_EMBED_MM
    length = span / 2 - inner
    wings = []
    for sign in (-1.0, 1.0):
        centre = sign * (inner + length / 2)
        x, y = (centre, 0.0) if along_width else (0.0, centre)
        w, h = (length, wing_w) if along_width else (wing_w, length)
        wings.append(Prism(w, h, 0.0, x, y, wing_top - wing_t, wing_top))
    return wings


def _finish_solid(
    part: Part,
    spec: BodySpec,
    snap: SnapIn,
    add: list[Prism],
    wings: list[Prism],
    ft: float,
    rear: float,
    collar: tuple[float, float],
    where: str,
) -> SolidSpec:
    """The part's solid from its prisms, with its front features and window cut (mm)."""
    cw, ch = collar
    half_w, half_h = max(part.width, part.rear_size[0]) / 2, max(part.height, part.rear_size[1]) / 2
    envelope = Box(-half_w, half_w, -half_h, half_h, rear, ft)
    cut, poles = _front_features(part, spec, ft, cw, ch, snap.collar_corner_radius, where)
    if snap.window is not None:
        win = snap.window
        if win.width > cw - 2 * MIN_WALL_MM or win.height > ch - 2 * MIN_WALL_MM:
            raise InputError(
                where,
                "window",
                f"{win.width} x {win.height}",
                "not inside the collar",
                f"< collar - {2 * MIN_WALL_MM:g} mm",
            )
        cut.append(
            Prism(
                win.width, win.height, 0.0, 0.0, 0.0, rear - CUT_OVERSHOOT_MM, ft + CUT_OVERSHOOT_MM
            )
        )
    return SolidSpec(
        f"{part.id} {part.name}",
        part.id,
        spec.colour,
        tuple(add),
        tuple(cut),
        envelope,
        ft,
        poles,
        tuple(wings),
    )


def _framed_solid(part: Part, frame_front: float, defaults: list[str]) -> SolidSpec:
    spec = _spec(part, defaults)
    front = frame_front + spec.front
    rear = front - part.depth
    block = Prism(part.width, part.height, 0.0, 0.0, 0.0, rear, front)
    cut, poles = _front_features(part, spec, front, part.width, part.height, 0.0, _where(part))
    envelope = Box(-part.width / 2, part.width / 2, -part.height / 2, part.height / 2, rear, front)
    return SolidSpec(
        f"{part.id} {part.name}",
        part.id,
        spec.colour,
        (block,),
        tuple(cut),
        envelope,
        front,
        poles,
        (),
    )


def _front_features(
    part: Part,
    spec: BodySpec,
    front: float,
    face_w: float,
    face_h: float,
    face_r: float,
    where: str,
) -> tuple[list[Prism], tuple[tuple[float, float], ...]]:
    """Pole openings and coding pocket in the front face; they must stay inside the
    `face_w` x `face_h` section (corner radius `face_r`) that runs the body's length."""
    cut: list[Prism] = []
    poles: list[tuple[float, float]] = []
    top = front + CUT_OVERSHOOT_MM
    if spec.pole_diameter is not None and spec.pole_depth is not None and part.poles:
        d, depth = spec.pole_diameter, spec.pole_depth
        pitch = part.pin_spacing or 0.0
        if part.poles > 1 and part.pin_spacing is None:
            raise InputError(
                where,
                "part.pin_spacing",
                "(none)",
                "missing for pole openings",
                "a pin spacing, or no body.pole_diameter",
            )
        if part.poles > 1 and d > pitch - MIN_WALL_MM:
            raise InputError(
                where,
                "body.pole_diameter",
                d,
                "not smaller than the pin spacing",
                f"<= {pitch - MIN_WALL_MM:g} mm",
            )
        reach = (part.poles - 1) * pitch / 2 + d / 2
        limit_x = face_w / 2 - max(face_r, MIN_WALL_MM)
        if reach > limit_x or d / 2 > face_h / 2 - MIN_WALL_MM:
            raise InputError(
                where,
                "body.pole_diameter",
                d,
                "too large for the front face",
                f"openings within {limit_x:g} mm of the centre",
            )
        if depth >= part.depth:
            raise InputError(
                where, "body.pole_depth", depth, "not less than the depth", f"< {part.depth} mm"
            )
        for i in range(part.poles):
            x = (i - (part.poles - 1) / 2) * pitch
            poles.append((x, 0.0))
            cut.append(Prism(d, d, d / 2, x, 0.0, front - depth, top))
    coding = spec.coding
    if coding is not None:
        inside = (
            abs(coding.x) + coding.width / 2 <= face_w / 2 - max(face_r, MIN_WALL_MM)
            and abs(coding.y) + coding.height / 2 <= face_h / 2 - MIN_WALL_MM
        )
        if not inside or coding.depth >= part.depth:
            raise InputError(
                where,
                "body.coding",
                f"{coding.width} x {coding.height} at ({coding.x}, {coding.y})",
                "not inside the front face",
                f"within the {face_w:g} x {face_h:g} mm face, shallower than the depth",
            )
        pocket = Prism(
            coding.width, coding.height, 0.0, coding.x, coding.y, front - coding.depth, top
        )
        for pole in cut:
            if _overlap(pocket, pole):
                raise InputError(
                    where,
                    "body.coding",
                    f"({coding.x}, {coding.y})",
                    "overlapping a pole opening",
                    "a place clear of the openings",
                )
        cut.append(pocket)
    return cut, tuple(poles)


def _overlap(a: Prism, b: Prism) -> bool:
    return (
        abs(a.x - b.x) < (a.width + b.width) / 2 + MIN_WALL_MM
        and abs(a.y - b.y) < (a.height + b.height) / 2 + MIN_WALL_MM
    )
