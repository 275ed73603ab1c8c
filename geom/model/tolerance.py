"""Toleranced sizes: every fit check reads the ends of a band, never only the nominal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Size:
    """A size in mm that lies anywhere in [min, max]; `nominal` is the design value."""

    min: float
    nominal: float
    max: float

    def __post_init__(self) -> None:
        if not self.min <= self.nominal <= self.max:
            raise ValueError(f"Size needs min <= nominal <= max, got {self}")

    @classmethod
    def exact(cls, value: float) -> Size:
        return cls(value, value, value)

    @classmethod
    def of(cls, nominal: float, minus: float = 0.0, plus: float = 0.0) -> Size:
        """`nominal` with deviations `-minus` / `+plus` (both >= 0, mm)."""
        return cls(nominal - minus, nominal, nominal + plus)

    @classmethod
    def held(cls, low: float, nominal: float, high: float) -> Size:
        """[low, high] with `nominal` held inside it (a sum's float noise, 1e-15 mm)."""
        return cls(low, min(max(nominal, low), high), high)

    @classmethod
    def between(cls, low: float, high: float) -> Size:
        """Anything in [low, high]; the nominal is the middle."""
        return cls(low, (low + high) / 2, high)

    @property
    def spread(self) -> float:
        return self.max - self.min

    def __add__(self, other: Size | float) -> Size:
        """Worst-case sum: the ends add up."""
        o = other if isinstance(other, Size) else Size.exact(other)
        return Size(self.min + o.min, self.nominal + o.nominal, self.max + o.max)

    def scaled(self, factor: float) -> Size:
        """Every end times `factor` (>= 0)."""
        return Size(self.min * factor, self.nominal * factor, self.max * factor)
