"""The flat panel as a surface of the layout model (geom.model.layout): one face, "base",
its outline, its sheet band, and the web and edge rules of its process. All sizes in mm.

Rules (defaults per process, overridable in the panel file with min_web / min_edge):
- laser: web between openings >= t, opening to the outline >= 1.5 t;
- punch: web and edge >= 2 t;

t the thickest sheet of the band. Every other rule (fits, flanges, plugs, bodies, holes
and slots under flanges, slot tolerances) is the layout model's, the same on every
surface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geom.model.bend import BASE, Frame3
from geom.model.conditions import Conditions
from geom.model.fit import Fit
from geom.model.layout import (
    FaceRules,
    Opening,
    Placement,
    Plan,
    Violation,
    part_openings,
    plan,
)
from geom.model.tolerance import Size
from geom.model.units import band
from geom.panel.model import Hole, Panel, Slot, edge_distance

FLAT = Frame3(np.zeros(3), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0]))
"""The flat panel's frame: its front face is z = 0, the sheet behind it."""


def rules_for(panel: Panel) -> FaceRules:
    """The process defaults (web and edge in sheets t, the thickest of the sheet band),
    unless the file overrides them."""
    t = panel.sheet.max
    if panel.process == "laser":
        web, edge, text = t, 1.5 * t, "laser default: web >= t, edge >= 1.5 t"
    else:
        web, edge, text = 2 * t, 2 * t, "punch default: web and edge >= 2 t"
    return FaceRules(
        min_web=web if panel.min_web is None else panel.min_web,
        min_edge=edge if panel.min_edge is None else panel.min_edge,
        web_source="panel.min_web" if panel.min_web is not None else text,
        edge_source="panel.min_edge" if panel.min_edge is not None else text,
    )


def conditions_of(panel: Panel) -> Conditions:
    """The sheet, coating, masking, target and shop of the panel."""
    return Conditions(panel.sheet, panel.coating, panel.masked, panel.target, panel.shop)


def plain_openings(
    holes: Sequence[Hole], slots: Sequence[Slot], face: str | None = None
) -> list[Opening]:
    """Every [[hole]], then every slot (an obround: a rounded rectangle with radius half
    its width), on `face` (None: every face), in file order: of a panel or of an
    enclosure's faces."""
    out: list[Opening] = []
    for hole in holes:
        if face is None or hole.face == face:
            d = hole.diameter
            out.append(
                Opening(
                    hole.entry,
                    hole.x,
                    hole.y,
                    d,
                    d,
                    d / 2,
                    hole.face,
                    "hole",
                    -1,
                    None,
                    hole.fastener,
                )
            )
    for slot in slots:
        if face is None or slot.face == face:
            w, h = slot.size
            r = slot.width / 2
            out.append(
                Opening(slot.entry, slot.x, slot.y, w, h, r, slot.face, "slot", -1, slot.tolerance)
            )
    return out


def openings(panel: Panel) -> list[Opening]:
    """Every cutout (as drawn, rotated), the parts' own fixing holes, every [[hole]] and
    every slot."""
    fits = [panel.fits[p.part.id] for p in panel.places]
    return [*part_openings(panel.places, fits), *plain_openings(panel.holes, panel.slots)]


@dataclass(frozen=True)
class FlatSheet:
    """A flat panel: one face, its outline and sheet band (geom.model.layout.Surface)."""

    panel: Panel
    across: str = "body_collision"

    def faces(self) -> Sequence[str]:
        return (BASE,)

    def frame(self, face: str) -> Frame3:
        return FLAT

    def sheet(self, placement: Placement) -> Size | None:
        return self.panel.sheet

    def openings(self) -> Sequence[Opening]:
        return plain_openings(self.panel.holes, self.panel.slots)

    def wall(self, opening: Opening) -> Size | None:
        return self.panel.sheet

    def rules(self, opening: Opening) -> FaceRules:
        return rules_for(self.panel)

    def edge(self, opening: Opening) -> float | None:
        p, o = self.panel, opening
        return edge_distance((p.width, p.height, p.corner_radius), o.x, o.y, *_size(o))

    def where(self, face: str) -> str:
        return ""

    def fit_context(self, fit: Fit) -> str:
        p = self.panel
        return (
            f"on this panel (sheet {band(p.sheet.min, p.sheet.max)} mm, "
            f"coating {band(fit.coating.min, fit.coating.max)} mm)"
        )

    def own_rules(self, plan: Plan) -> list[Violation]:
        return []


def _size(o: Opening) -> tuple[float, float, float]:
    return o.width, o.height, o.radius


def plan_flat(panel: Panel) -> Plan:
    """The flat panel's plan: every fit and every rule (geom.model.layout.plan)."""
    if panel.bends is not None:
        raise ValueError(f"panel {panel.name} has flanges: geom.panel.bent_layout.plan_bent")
    return plan(FlatSheet(panel), panel.places, conditions_of(panel))


def check_layout(panel: Panel) -> list[Violation]:
    """Every violation of every rule, in a fixed order (rule, then file order); a panel
    with flanges is geom.panel.bent_layout's (ValueError here)."""
    return plan_flat(panel).violations
