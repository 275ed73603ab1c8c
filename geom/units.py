"""Millimetre values as text: one format for every message, note and drawing."""

from __future__ import annotations


def mm(value: float, digits: int = 3) -> str:
    """`value` with `digits` decimals; never `-0.000` (a value that rounds to zero is 0)."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
