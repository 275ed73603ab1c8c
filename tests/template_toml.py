"""The shipped templates as their TOML files state them (a family's file expanded to one
template per row), read with tomllib: tests select parts by the template's own data
(mounting kind, cutout shape, latches, pole openings) and work out expected figures from
its numbers, independently of geom's model and reports. Sizes in mm."""

from __future__ import annotations

import tomllib
from typing import Any

from geom.data.families import expand
from geom.data.templates import template_dirs

SHIPPED = template_dirs()[-1]


def _load() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(SHIPPED.glob("*.toml")):
        for item in expand(tomllib.loads(path.read_text(encoding="utf-8")), str(path)):
            found[item.data["part"]["id"]] = item.data
    return found


RAW = _load()
IDS = sorted(RAW)


def mount(pid: str) -> dict[str, Any]:
    """The data of the template that mounts in the plate: the part's own, or for a part
    mounted through a frame (`mounting = "frame"`) the frame's."""
    data = RAW[pid]
    if data["part"]["mounting"] == "frame":
        return RAW[data["part"]["frame"]]
    return data


def mounting(pid: str) -> str:
    return str(mount(pid)["part"]["mounting"])


def shape(pid: str) -> str:
    """The cutout's shape; a template without `shape` has a rect cutout."""
    return str(mount(pid)["cutout"].get("shape", "rect"))


def value(data: dict[str, Any], *path: str) -> Any:
    """The `value` of the quoted number at `path` (e.g. "grip", "max")."""
    node: Any = data
    for key in path:
        node = node[key]
    return node["value"]


def grip(pid: str) -> tuple[float, float]:
    """The grip range [min, max] (finished plate, mm) of the mounting template."""
    data = mount(pid)
    return float(value(data, "grip", "min")), float(value(data, "grip", "max"))


def snap_in_rect(pid: str) -> bool:
    """The 3D check's parts: snap-in with latches, in a rect cutout."""
    return mounting(pid) == "snap-in" and shape(pid) == "rect" and "latch" in mount(pid)


def owners(pid: str) -> list[str]:
    """The ids of the bodies in a part's STEP file: the mounting template's, and the
    part's own when it mounts through a frame."""
    frame = RAW[pid]["part"].get("frame")
    return [frame, pid] if frame is not None else [pid]


def pole_openings(pid: str) -> int:
    """How many round pole openings the template asks for in its own body's front face:
    `[part] poles` when `[body]` gives their diameter and depth, else none."""
    data = RAW[pid]
    body = data.get("body", {})
    poles = data["part"].get("poles")
    if poles is None or "pole_diameter" not in body or "pole_depth" not in body:
        return 0
    return int(value(data["part"], "poles"))


def colour(pid: str) -> tuple[float, float, float]:
    """The body's sRGB colour (0..1): `[body] colour` ("#RRGGBB"), else the mid grey a
    template without one gets (docs/placement.md)."""
    body = RAW[pid].get("body", {})
    if "colour" not in body:
        return (0.5, 0.5, 0.5)
    text = str(body["colour"]["value"]).lstrip("#")
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b)
