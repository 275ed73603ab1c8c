"""The 3D fit check: the body against a plate with the cutout, at every end of the bands.

For each finished opening end (the smallest and the largest of the band, from
geom.fit.evaluate) and each finished plate end (thinnest and thickest), a plate with
that opening is built (front face Z = 0, back face Z = -t, corner radius the largest the
coating leaves) and the body built for that plate (latch wings at the part's smallest
span) is intersected with it (BRepAlgoAPI_Common). Measured on the solids:

- `interference_mm3`: volume of body and plate in common; the fit needs <= 1e-3 mm^3
  (touching faces give zero or slivers, shared/domain.md section 4);
- latch: per wing, the part of the body beyond the opening's edge and behind the front
  face; its catch (how far past the edge it reaches) >= the template's min_catch, its top
  on or behind the plate's back face, and touching it (no gap: the plate within grip);
- for a part in a frame, the volume the part and the frame share (must be 0 too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from geom.body import Prism, build_body
from geom.cad.body import boolean, bounding_box, build, prism, volume
from geom.fit import EPS_MM, Fit

INTERFERENCE_LIMIT_MM3 = 1e-3
"""Largest common volume that still counts as touching (mm^3)."""
CONTACT_MM = 1e-6
"""Latch top to back face: how close counts as touching (mm); the body is exact."""
PLATE_MARGIN_MM = 10.0
"""The test plate reaches this far beyond the flange on every side."""
FAR_MM = 1000.0

End = Literal["min", "max"]


@dataclass(frozen=True)
class Latch3D:
    side: int
    """-1 or +1: which end of the latch axis."""
    catch: float
    """How far the wing reaches past the opening's edge, mm (<= 0: it does not)."""
    top: float
    """Z of the wing's highest point beyond the edge, mm."""
    ok: bool


@dataclass(frozen=True)
class Case3D:
    opening_end: End
    plate: float
    """Finished plate thickness, mm."""
    opening: tuple[float, float, float]
    """Finished opening width, height, corner radius, mm."""
    interference_mm3: float
    latches: tuple[Latch3D, ...]
    overlap_mm3: float
    """Volume the solids of the body share among themselves (part in frame)."""

    @property
    def ok(self) -> bool:
        return (
            self.interference_mm3 <= INTERFERENCE_LIMIT_MM3
            and self.overlap_mm3 <= INTERFERENCE_LIMIT_MM3
            and all(latch.ok for latch in self.latches)
        )


@dataclass(frozen=True)
class Fit3D:
    cases: tuple[Case3D, ...]
    min_catch: float

    @property
    def interference_mm3(self) -> float:
        return max(c.interference_mm3 for c in self.cases)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cases)

    def report(self) -> dict[str, Any]:
        """JSON-ready figures (mm, mm^3)."""
        worst_catch = min((la.catch for c in self.cases for la in c.latches), default=0.0)
        return {
            "ok": self.ok,
            "interference_mm3": self.interference_mm3,
            "interference_limit_mm3": INTERFERENCE_LIMIT_MM3,
            "latch_catch_min_mm": worst_catch,
            "latch_catch_required_mm": self.min_catch,
            "cases": [
                {
                    "opening_end": c.opening_end,
                    "plate_mm": c.plate,
                    "opening_mm": dict(
                        zip(("width", "height", "corner_radius"), c.opening, strict=True)
                    ),
                    "interference_mm3": c.interference_mm3,
                    "overlap_mm3": c.overlap_mm3,
                    "latches": [
                        {"side": la.side, "catch_mm": la.catch, "top_z_mm": la.top, "ok": la.ok}
                        for la in c.latches
                    ],
                    "ok": c.ok,
                }
                for c in self.cases
            ],
        }


def plate_with_cutout(
    width: float, height: float, radius: float, thickness: float, outer: tuple[float, float]
) -> Any:
    """A plate (front face Z = 0, back face Z = -thickness) with a centred cutout, mm."""
    full = prism(Prism(outer[0], outer[1], 0.0, 0.0, 0.0, -thickness, 0.0))
    hole = prism(Prism(width, height, radius, 0.0, 0.0, -thickness - 1.0, 1.0))
    return boolean("cut", [full], [hole])


def check_3d(fit: Fit, *, openings: dict[str, tuple[float, float]] | None = None) -> Fit3D:
    """The 3D check of `fit` (see the module doc).

    `openings` ({"width": (min, max), "height": (min, max)}, mm) replaces the fit's
    finished openings; tests use it to try a deliberately wrong cutout."""
    part = fit.part
    snap = part.fit
    mount = part.mount
    finished_plate = fit.finished_plate
    radius = max(fit.cut.corner_radius - fit.coating.min, 0.0)
    ends = {
        "width": (fit.opening["width"].min, fit.opening["width"].max),
        "height": (fit.opening["height"].min, fit.opening["height"].max),
    }
    if openings is not None:
        ends = dict(openings)
    outer = (mount.width + 2 * PLATE_MARGIN_MM, mount.height + 2 * PLATE_MARGIN_MM)
    plates = sorted({finished_plate.min, finished_plate.max})
    cases = []
    for t in plates:
        body = build_body(part, t, latch_span=snap.latch_span.min)
        solids = build(body)
        overlap = 0.0
        if len(solids) > 1:
            overlap = volume(boolean("common", [solids[0].shape], [s.shape for s in solids[1:]]))
        for index, end in enumerate(("min", "max")):
            w, h = ends["width"][index], ends["height"][index]
            r = min(radius, w / 2, h / 2)
            plate = plate_with_cutout(w, h, r, t, outer)
            common = boolean("common", [plate], [s.shape for s in solids])
            interference = volume(common)
            edge = (w if snap.latch_axis == "width" else h) / 2
            latches = tuple(
                _latch(solids[0].shape, snap.latch_axis, side, edge, t, snap.latch_min_catch)
                for side in (-1, 1)
            )
            cases.append(Case3D(end, t, (w, h, r), interference, latches, overlap))  # type: ignore[arg-type]
    return Fit3D(tuple(cases), snap.latch_min_catch)


def _latch(shape: Any, axis: str, side: int, edge: float, plate: float, required: float) -> Latch3D:
    """The part of `shape` beyond the opening's edge on `side`, behind the front face."""
    lo, hi = (edge, FAR_MM) if side > 0 else (-FAR_MM, -edge)
    span = hi - lo
    if axis == "width":
        region = Prism(span, 2 * FAR_MM, 0.0, (lo + hi) / 2, 0.0, -FAR_MM, 0.0)
    else:
        region = Prism(2 * FAR_MM, span, 0.0, 0.0, (lo + hi) / 2, -FAR_MM, 0.0)
    beyond = boolean("common", [shape], [prism(region)])
    if volume(beyond) <= INTERFERENCE_LIMIT_MM3:
        return Latch3D(side, 0.0, 0.0, False)
    box = bounding_box(beyond)
    reach = (
        (box.xmax if side > 0 else -box.xmin)
        if axis == "width"
        else (box.ymax if side > 0 else -box.ymin)
    )
    catch = reach - edge
    top = box.zmax
    ok = catch >= required - EPS_MM and abs(top + plate) <= CONTACT_MM
    return Latch3D(side, catch, top, ok)
