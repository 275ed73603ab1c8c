"""What a fit depends on besides the part: the sheet, the coating band, masking, where
the cut sits in the band (target) and what the shop holds; the tolerances every check
shares; and which sheets grip a part with a given coating (all mm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from geom.model.tolerance import Size

Target = Literal["mid", "nominal"]


TARGETS: tuple[Target, ...] = get_args(Target)


MAX_COATING_MM = 0.5
"""Per face; thicker than any paint or powder coat (60-120 um typical): a unit slip."""


EPS_MM = 1e-9
"""Float noise allowed in comparisons; far below any shop's resolution (1 um)."""


MIN_PROCESS_MM = 0.001
"""The least a cut must leave the shop per side: 1 um, finer than any shop works. A cut
that leaves +/- 0 cannot be made."""


BARE = Size.exact(0.0)


@dataclass(frozen=True, slots=True)
class Shop:
    """What the shop holds on a cut: +/- `tolerance` mm, and where that figure comes from
    (the command line, a panel file, or a published figure); `profile`: the shop profile
    it is from ("" when a file or the command line states it)."""

    tolerance: float
    source: str
    profile: str = ""

    def cited(self) -> tuple[str, str]:
        """The profile and its own source text (a violation's `profile` and `source`):
        ("", "") when the figure is no profile's."""
        if not self.profile:
            return "", ""
        return self.profile, self.source.removeprefix(f"profile {self.profile}: ")


@dataclass(frozen=True, slots=True)
class Conditions:
    """Everything a fit depends on besides the part (mm).

    `sheet` None: no sheet is given, and the fit finds the sheets whose finished plate
    the part grips with this coating."""

    sheet: Size | None = None
    coating: Size = BARE
    """Per face."""
    masked: bool = False
    """Openings masked from the coating: the opening keeps its cut, the plate is coated."""
    target: Target = "mid"
    shop: Shop | None = None

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {self.target!r}")
        if self.coating.min < 0 or (self.sheet is not None and self.sheet.min <= 0):
            raise ValueError(f"sheet must be > 0 and coating >= 0 mm, got {self}")
        if self.shop is not None and self.shop.tolerance <= 0:
            raise ValueError(f"shop tolerance must be > 0 mm, got {self.shop}")

    @property
    def edge_coating(self) -> Size:
        """The coating on the openings' edges: none when they are masked."""
        return BARE if self.masked else self.coating


def sheets_that_grip(grip: Size, coating: Size) -> Size | None:
    """Every sheet whose finished plate lies in `grip` with this coating band (mm); None
    when no sheet does (the coating band is wider than the grip range, or too thick)."""
    low = max(grip.min - 2 * coating.min, 0.0)
    high = grip.max - 2 * coating.max
    return Size.between(low, high) if high > 0 and low <= high else None
