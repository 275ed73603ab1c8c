"""The lint's tolerances, array types and its one finding, `Problem` (mm)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

TOL_MM = 1e-6
"""Ends closer than this join; a touch closer than this is a touch; shorter is zero."""
GAP_MM = 1.0
"""Two open ends closer than this are reported as one gap between them."""
FLAT_SAGITTA_MM = 1e-9
"""A bulge arc rising less than this off its chord is a straight line."""
ALLOWED = ("LWPOLYLINE", "POLYLINE", "LINE", "ARC", "CIRCLE")
TWO_PI = 2 * math.pi
NO_ARC = (math.nan, math.nan, math.nan, math.nan, math.nan)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: `kind`, what is wrong, the entity `handle` and a position (x, y) in mm.

    `other` is the handle of the second entity for overlaps, crossings and gaps."""

    kind: str
    message: str
    handle: str
    x: float
    y: float
    other: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.message} at ({self.x:.6f}, {self.y:.6f}) mm [#{self.handle}]"
