"""The flat panel as a surface of the layout model (geom.model.layout): one face, "base",
its outline, its sheet band, and the rules of its shop profile (geom.model.shop; web and
edge overridable in the panel file with min_web / min_edge). All sizes in mm.

The default profiles (no `shop` in the file), t the thickest sheet of the band:
- laser: web between openings >= t, opening to the outline >= 1.5 t, hole >= t;
- punch: web and edge >= 2 t, hole >= max(1.2 t + 0.2, 1.2).

Every other rule (fits, flanges, plugs, bodies, holes
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
from geom.model.lettering import CLEARANCES, PROCESSES, Clearance, Process
from geom.model.tolerance import Size
from geom.model.units import band
from geom.panel.model import Hole, Panel, Slot, edge_distance

FLAT = Frame3(np.zeros(3), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0]))
"""The flat panel's frame: its front face is z = 0, the sheet behind it."""


def rules_for(panel: Panel) -> FaceRules:
    """The shop profile's rules on the thickest sheet of the band, web and edge unless
    the file overrides them."""
    web, edge = panel.min_web, panel.min_edge
    return panel.rules_profile.rules(
        panel.sheet.max,
        min_web=None if web is None else (web, "panel.min_web"),
        min_edge=None if edge is None else (edge, "panel.min_edge"),
    )


def text_clearances(panel: Panel) -> dict[Process, Clearance]:
    """The text clearance of each process: the defaults (geom.model.lettering), unless
    the file overrides both with `min_text_clearance`."""
    if panel.min_text_clearance is None:
        return dict(CLEARANCES)
    given = Clearance(panel.min_text_clearance, "panel.min_text_clearance")
    return {process: given for process in PROCESSES}


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
                    fixed=hole.standard,
                    fastener=hole.fastener,
                )
            )
    for slot in slots:
        if face is None or slot.face == face:
            w, h = slot.size
            r = slot.width / 2
            out.append(
                Opening(
                    slot.entry,
                    slot.x,
                    slot.y,
                    w,
                    h,
                    r,
                    slot.face,
                    "slot",
                    -1,
                    slot.tolerance,
                    slot.standard,
                )
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
    return plan(
        FlatSheet(panel),
        panel.places,
        conditions_of(panel),
        texts=panel.texts,
        clearances=text_clearances(panel),
    )


def check_layout(panel: Panel) -> list[Violation]:
    """Every violation of every rule, in a fixed order (rule, then file order); a panel
    with flanges is geom.panel.bent_layout's (ValueError here)."""
    return plan_flat(panel).violations
