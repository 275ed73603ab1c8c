"""Millimetre values as text: one format for every message, note and drawing."""

from __future__ import annotations


def mm(value: float, digits: int = 3) -> str:
    """`value` with `digits` decimals; never `-0.000` (a value that rounds to zero is 0)."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def band(low: float, high: float, digits: int = 3) -> str:
    """`low .. high` in mm, or one value when both ends are the same."""
    return (
        mm(low, digits)
        if mm(low, digits) == mm(high, digits)
        else f"{mm(low, digits)} .. {mm(high, digits)}"
    )


def deviation(sign: str, value: float, digits: int = 3) -> str:
    """A tolerance `value` in mm with its `sign` (`+` or `-`), as `+0.050`; `0` when it
    rounds to zero (never `-0.000`); a negative value gets the other sign."""
    text = mm(abs(value), digits)
    if float(text) == 0:
        return "0"
    return (sign if value > 0 else {"+": "-", "-": "+"}[sign]) + text
