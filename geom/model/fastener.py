"""What a countersunk, tapped or self-clinching (PEM) hole asks of its sheet (mm).

A `Fastener` rides on a panel hole whose `kind` is not "plain": the hole it cuts, what
the shop reads beside it (the note), and what it needs from the sheet, each with the
source of its number. Pure data: the rules that read it are geom.model.layout's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

HoleKind = Literal["plain", "countersunk", "tapped", "pem"]
HOLE_KINDS: tuple[HoleKind, ...] = ("plain", "countersunk", "tapped", "pem")


@dataclass(frozen=True, slots=True)
class Fastener:
    """A hole kind's data: `kind`, its size name (`M3`, `#4`, `CLS-M3-1`), the `hole`
    cut through the sheet, the shop's `note`; a countersink's diameter at the face and
    included angle (degrees); the least sheet and the least centre-to-edge distance the
    fastener needs (None: none stated), each with where the number comes from."""

    kind: HoleKind
    size: str
    hole: float
    note: str
    source: str
    countersink: float | None = None
    angle: float | None = None
    min_sheet: float | None = None
    min_sheet_source: str = ""
    min_edge: float | None = None
    """From the hole's centre to the sheet's edge (the maker's data sheet)."""
    major: float | None = None
    """A tapped hole's nominal thread diameter."""

    @property
    def depth(self) -> float:
        """How deep the countersink's cone reaches below the face before it meets the
        hole (mm): (countersink - hole) / 2 / tan(angle / 2); 0 without a countersink."""
        if self.countersink is None or self.angle is None:
            return 0.0
        return (self.countersink - self.hole) / 2 / math.tan(math.radians(self.angle) / 2)
