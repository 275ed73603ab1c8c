"""The hole kinds' tables (``templates/holes/*.toml``): countersinks, tap drills and
self-clinching (PEM) fasteners, each number with its source (mm; an imperial
countersink's inch figures are converted at 25.4 mm per inch).

`fastener(kind, table)` reads a ``[[hole]]`` entry's kind fields (`screw` and `standard`,
`thread`, or `part`) into a geom.model.fastener.Fastener; an unknown size is an
`InputError` naming the allowed sizes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from geom.data.checked import Table, read_toml
from geom.model.fastener import Fastener, HoleKind

INCH_MM = 25.4
_PACKAGE = Path(__file__).resolve().parents[1]  # geom/: shipped templates, else the repo's
HOLES_DIR = (
    _PACKAGE / "templates" if (_PACKAGE / "templates").is_dir() else _PACKAGE.parent / "templates"
) / "holes"
STANDARDS = ("metric", "imperial")


def _g(value: float) -> str:
    """`value` mm as the note prints it: at most 3 decimals, no trailing zeros."""
    return f"{round(value, 3):g}"


@cache
def _table(name: str) -> dict[str, Any]:
    return read_toml(HOLES_DIR / f"{name}.toml")


def _size(entry: Table, key: str, sizes: dict[str, Any], skip: tuple[str, ...]) -> str:
    names = [k for k in sizes if k not in skip]
    value = entry.text(key)
    if value not in names:
        raise entry.error(key, value, "not a known size", ", ".join(names))
    return value


def fastener(kind: HoleKind, entry: Table) -> Fastener:
    """The fastener of a ``[[hole]]`` of `kind` (not "plain"), read from `entry`."""
    if kind == "countersunk":
        standard = entry.text("standard", required=False) or "metric"
        if standard not in STANDARDS:
            raise entry.error("standard", standard, "not a known choice", " or ".join(STANDARDS))
        sizes = _table("countersinks")[standard]
        screw = _size(entry, "screw", sizes, ("angle", "source"))
        row = sizes[screw]
        scale = INCH_MM if standard == "imperial" else 1.0
        hole = row["hole_in" if standard == "imperial" else "hole"] * scale
        sink = row["countersink_in" if standard == "imperial" else "countersink"] * scale
        angle = float(sizes["angle"])
        return Fastener(
            "countersunk",
            screw,
            hole,
            f"countersunk {screw} {angle:g}° Ø{_g(sink)}",
            sizes["source"],
            countersink=sink,
            angle=angle,
        )
    if kind == "tapped":
        data = _table("threads")
        keys = ("pitch_source", "drill_source", "min_threads", "min_threads_source")
        thread = _size(entry, "thread", data, keys)
        row = data[thread]
        pitch = float(row["pitch"])
        return Fastener(
            "tapped",
            thread,
            float(row["drill"]),
            f"tapped {thread}x{pitch:g}, tap drill Ø{_g(row['drill'])}",
            f"{data['drill_source']}; {data['pitch_source']}",
            min_sheet=data["min_threads"] * pitch,
            major=float(thread[1:]),
            min_sheet_source=f"{data['min_threads']} threads of {pitch:g} mm pitch "
            f"({data['min_threads_source']})",
        )
    data = _table("pem")
    part = _size(entry, "part", data, ("source",))
    row = data[part]
    source = row.get("source", data["source"])
    return Fastener(
        "pem",
        part,
        float(row["hole"]),
        f"PEM {part} ({row['thread']}), hole Ø{_g(row['hole'])}",
        source,
        min_sheet=float(row["min_sheet"]),
        min_sheet_source=f"{part} data sheet ({source})",
        min_edge=float(row["min_edge"]),
    )
