"""Tayda's drill-tool text, both ways: one round hole per line, tab-separated, no header:
the face letter (A the top, B to E the sides), the diameter, x and y, in mm, from the
centre of the face, +X right and +Y up seen from outside. Tayda's box-drill tool exports
this text and imports it; the open pedal-drill tool reads it the same way (blank lines
and lines starting with `#` skipped). A line of six columns is a construction line in
Tayda's tool, not a hole: refused here (it cuts nothing). A forced layout's text starts
with the comment line `# FIT FAILS - forced`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geom.errors import InputError, Plain
from geom.model.notes import FORCED_NOTE

FACES = ("A", "B", "C", "D", "E")
"""The faces Tayda's tool names: A the top (the box's largest face), B to E the sides."""
MAX_MM = 1000.0
"""A diameter or a coordinate beyond this is a unit slip (no pedal box is that large)."""
DIGITS = 3
"""Decimals written (mm): 0.001 mm, well inside a drill's own tolerance."""


@dataclass(frozen=True, slots=True)
class TaydaHole:
    """One round hole: its face letter, diameter and centre from the face's centre (mm)."""

    face: str
    diameter: float
    x: float
    y: float
    line: int = 0
    """The line of the text it was read from (from 1); 0 when not read."""


def number_text(value: float) -> str:
    """`value` (mm) with at most DIGITS decimals, trailing zeros dropped, never `-0`."""
    text = f"{value:.{DIGITS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def tayda_text(holes: Sequence[TaydaHole], forced: bool = False) -> str:
    """The text Tayda's tool imports: one line per hole, in the order given."""
    lines = [f"# {FORCED_NOTE}"] if forced else []
    lines += [
        "\t".join((h.face, number_text(h.diameter), number_text(h.x), number_text(h.y)))
        for h in holes
    ]
    return "".join(f"{line}\n" for line in lines)


def read_tayda(path: Path) -> list[TaydaHole]:
    """The holes of a Tayda text file (UTF-8, a byte-order mark skipped); a bad line
    raises InputError naming it (`<file>:line <n>...`)."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "not readable"
        if isinstance(exc, FileNotFoundError):
            problem = "not found"
        raise InputError("command line", "FILE", str(path), problem, "a Tayda text file") from None
    holes = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        holes.append(_hole(where, n, line))
    if not holes:
        raise InputError(
            where,
            "line 1",
            Plain("no hole"),
            "all the file holds",
            "one line per hole: face, diameter, x, y (tab-separated, mm)",
        )
    return holes


def _hole(where: str, n: int, line: str) -> TaydaHole:
    fields = [f.strip() for f in line.split("\t")]
    if len(fields) != 4:
        what = "a construction line (it cuts nothing)" if len(fields) == 6 else "not a hole"
        raise InputError(
            where,
            f"line {n}",
            line.strip(),
            f"{what}: {len(fields)} tab-separated columns",
            "4 columns: face, diameter, x, y (mm, from the face's centre)",
        )
    face = fields[0].upper()
    if face not in FACES:
        raise InputError(where, f"line {n}.face", fields[0], "not a face", "A, B, C, D or E")
    diameter = _number(where, n, "diameter", fields[1], 0.0, MAX_MM)
    x = _number(where, n, "x", fields[2], -MAX_MM, MAX_MM)
    y = _number(where, n, "y", fields[3], -MAX_MM, MAX_MM)
    return TaydaHole(face, diameter, x, y, n)


def _number(where: str, n: int, field: str, text: str, low: float, high: float) -> float:
    """A finite number: low < value <= high for the diameter (low 0), else within
    low .. high (mm)."""
    allowed = (
        f"a number in mm, {low:g} < {field} <= {high:g}"
        if low == 0
        else (f"a number in mm, {low:g} .. {high:g}")
    )
    try:
        value = float(text)
    except ValueError:
        raise InputError(where, f"line {n}.{field}", text, "not a number", allowed) from None
    inside = low < value <= high if low == 0 else low <= value <= high
    if not (math.isfinite(value) and inside):
        raise InputError(where, f"line {n}.{field}", text, "out of range", allowed)
    return value
