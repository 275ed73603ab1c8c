"""The bent-sheet-metal tables of a panel file: `[[flange]]`, `[bend]` and `[relief]`.

A flange sits on an edge of the rectangular outline ("bottom", "top", "left", "right");
its `height` is the outside length (mm), `angle` the bend angle in degrees (0, 180],
`direction` "up" (toward the front) or "down" (toward the back), `radius` the inside
radius (default `[bend].radius`, else r = t). `[bend].k_factor` gives an ANSI K-factor;
without it DIN 6935's k comes from r / s. `[relief]` sets the corner reliefs (shape,
size). Openings name their face with `face` (geom.panel.model reads it). All sizes mm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from geom.data.checked import Table
from geom.errors import InputError
from geom.model.bend import (
    BASE,
    DIRECTIONS,
    EDGES,
    MIN_DIN_RATIO,
    RADIUS_SOURCE,
    RELIEF_SHAPES,
    Direction,
    Edge,
    Flange,
    Relief,
    ReliefShape,
    SheetMetal,
    ansi_factor,
    din_factor,
)
from geom.model.tolerance import Size

MAX_RADIUS_MM = 100.0
MIN_RADIUS_MM = 0.01
"""A sharper bend has no cylinder to build (and no press brake makes it)."""
MIN_ANGLE = 1.0
"""Degrees: a smaller bend is no bend (DIN 6935 takes v = 0 from beta = 165 on)."""
MAX_HEIGHT_MM = 3000.0
MAX_K_ANSI = 0.5
"""The neutral fibre lies inside the sheet: K in (0, 0.5]."""
RELIEF_SOURCE = (
    "assumed: relief size t (rule of thumb: relief width >= t; no standard) - ask the shop"
)


@dataclass(frozen=True)
class Bends:
    """The bent part of a panel file and the bend rules' overrides (mm; None: default)."""

    metal: SheetMetal
    min_cut_to_bend: float | None
    min_flange_height: float | None


def read_bends(
    top: Table, outline: tuple[float, float, float], sheet: Size, where: str
) -> Bends | None:
    """`[[flange]]`, `[bend]` and `[relief]` of `top` (the panel file); None without any
    flange (then `[bend]` and `[relief]` are bad input too)."""
    raw_flanges = top.array("flange")
    bend = top.table("bend", required=False)
    relief_table = top.table("relief", required=False)
    if not raw_flanges:
        for key, table in (("bend", bend), ("relief", relief_table)):
            if table is not None:
                raise InputError(where, key, f"[{key}]", "given without a flange", "[[flange]]")
        return None
    width, height, corner_radius = outline
    if corner_radius > 0:
        raise InputError(
            where,
            "panel.corner_radius",
            corner_radius,
            "a rounded corner on a panel with flanges (a flange needs a straight edge)",
            "0 with [[flange]] entries",
        )
    s = sheet.nominal
    name = Path(where).name  # sources name the file, not where it lies
    k_ansi = default_radius = None
    min_cut = min_height = None
    if bend is not None:
        k_ansi = bend.number("k_factor", 0.0, MAX_K_ANSI, unit="", required=False)
        default_radius = bend.number(
            "radius", MIN_RADIUS_MM, MAX_RADIUS_MM, low_open=False, required=False
        )
        min_cut = bend.number("min_cut_to_bend", 0.0, 100.0, low_open=False, required=False)
        min_height = bend.number("min_flange_height", 0.0, 100.0, low_open=False, required=False)
        bend.done()
    relief = Relief("square", s, RELIEF_SOURCE)
    if relief_table is not None:
        shape = relief_table.text("shape", required=False, choices=RELIEF_SHAPES) or "square"
        size = relief_table.number("size", 0.0, 100.0, low_open=False, required=False)
        relief_table.done()
        given = size is not None
        relief = Relief(
            cast(ReliefShape, shape),
            s if size is None else size,
            "panel.relief.size" if given else RELIEF_SOURCE,
        )

    flanges: dict[Edge, Flange] = {}
    entries: dict[Edge, Table] = {}
    for i, raw in enumerate(raw_flanges):
        entry = Table(raw, where, f"flange[{i}].")
        edge = cast(Edge, entry.text("edge", choices=EDGES))
        if edge in flanges:
            raise entry.error("edge", edge, "a second flange on this edge", "one flange per edge")
        h = entry.must_number("height", 0.0, MAX_HEIGHT_MM)
        angle = entry.must_number("angle", MIN_ANGLE, 180.0, low_open=False, unit="degrees")
        direction = cast(Direction, entry.text("direction", choices=DIRECTIONS))
        r = entry.number("radius", MIN_RADIUS_MM, MAX_RADIUS_MM, low_open=False, required=False)
        entry.done()
        if r is not None:
            r_source = f"{name}: flange[{i}].radius"
        elif default_radius is not None:
            r, r_source = default_radius, f"{name}: bend.radius"
        else:
            r, r_source = s, RADIUS_SOURCE
        if k_ansi is not None:
            factor = ansi_factor(k_ansi, f"{name}: bend.k_factor")
        elif r < (tightest := math.ceil(MIN_DIN_RATIO * s * 1000) / 1000):
            raise entry.error(
                "radius",
                r,
                f"too tight for DIN 6935 on {s:g} mm sheet (k < 0 below r/s = 0.0501)",
                f"radius >= {tightest:.3f} mm, or a [bend] k_factor",
            )
        else:
            factor = din_factor(r, s)
        flange = Flange(edge, h, angle, direction, r, r_source, factor, s)
        if h - flange.setback <= 0:
            raise entry.error(
                "height",
                h,
                f"no longer than the bend's setback of {flange.setback:.3f} mm (no flat "
                "flange is left)",
                f"height > {flange.setback:.3f} mm for this angle and radius",
            )
        flanges[edge] = flange
        entries[edge] = entry
    metal = SheetMetal(width, height, s, tuple(flanges[e] for e in EDGES if e in flanges), relief)
    for edge, entry in entries.items():
        x0, x1 = metal.span(edge)
        if x1 - x0 <= 0:
            raise entry.error(
                "edge",
                edge,
                "left no length between its neighbours' bends and reliefs",
                f"an edge longer than the neighbours' setbacks and reliefs ({x0:.3f} mm "
                f"at each end)",
            )
    return Bends(metal, min_cut, min_height)


def face_bounds(bends: Bends | None) -> dict[str, tuple[float, float]]:
    """Each face's x, y range for an opening's centre (from 0, mm): the base's outline,
    a flange's edge length and height."""
    if bends is None:
        return {}
    out: dict[str, tuple[float, float]] = {}
    for face in bends.metal.faces:
        _, _, x1, y1 = bends.metal.face_rect(face)
        out[face] = (bends.metal.width, bends.metal.height) if face == BASE else (x1, y1)
    return out


def face_margin(
    bends: Bends, face: str, x: float, y: float, w: float, h: float
) -> tuple[float, str]:
    """How far an axis-aligned w x h shape centred on (x, y) stays inside a flange's
    rectangle (mm, negative: it crosses it), and the axis it is nearest to crossing."""
    x0, y0, x1, y1 = bends.metal.face_rect(face)
    gaps = {"x": min(x - w / 2 - x0, x1 - x - w / 2), "y": min(y - h / 2 - y0, y1 - y - h / 2)}
    axis = min(gaps, key=lambda k: gaps[k])
    return gaps[axis], axis


def off_flange(
    bends: Bends, entry: Table, face: str, x: float, y: float, w: float, h: float, what: str
) -> None:
    """Raise when the shape lies off its flange (bad input, as off the outline)."""
    margin, axis = face_margin(bends, face, x, y, w, h)
    if margin < -1e-9:
        x0, y0, x1, y1 = bends.metal.face_rect(face)
        raise entry.error(
            axis,
            x if axis == "x" else y,
            f"placing the {what} off the {face} flange (it crosses its edge by {-margin:.3f} mm)",
            f"inside the flange: x {x0:g} .. {x1:g}, y {y0:g} .. {y1:g} mm in its frame",
        )
