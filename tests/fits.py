"""`evaluate` as tests call it: a part under a sheet, coating and target (mm)."""

from __future__ import annotations

from typing import Any

from geom.model.conditions import Conditions
from geom.model.fit import Fit, evaluate
from geom.model.part import Part
from geom.model.tolerance import Size

BARE = Size.exact(0.0)
SHEET = Size.exact(1.5)


def fit_of(
    part: Part, sheet: Size | None = SHEET, coating: Size = BARE, target: str = "mid", **more: Any
) -> Fit:
    """The fit of `part` on `sheet` (None: the sheets that grip) with `coating` per face;
    `more`: masked=, shop=."""
    return evaluate(part, Conditions(sheet, coating, target=target, **more))  # type: ignore[arg-type]
