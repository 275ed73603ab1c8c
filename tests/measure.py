"""Measure DXF files as a shop's CAM would read them: independent of geom's own contour
code. Reads LWPOLYLINE, POLYLINE (R12), LINE and ARC, chains segments into loops and
measures each loop's bounding box (ezdxf.bbox), arc radii and closure."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ezdxf
from ezdxf import bbox
from ezdxf.math import Vec2, bulge_to_arc

JOIN_MM = 1e-6
"""Ends closer than this join; CAM programs join within 0.001 mm at best."""


@dataclass
class Segment:
    start: Vec2
    end: Vec2
    radius: float = 0.0  # 0 for a line
    sweep_deg: float = 0.0

    @property
    def length(self) -> float:
        if self.radius:
            return self.radius * math.radians(abs(self.sweep_deg))
        return float(self.start.distance(self.end))


@dataclass
class Loop:
    segments: list[Segment]
    closed: bool
    entities: list[Any] = field(default_factory=list)

    @property
    def extents(self) -> tuple[float, float, float, float]:
        box = bbox.extents(self.entities, fast=False)
        return box.extmin.x, box.extmin.y, box.extmax.x, box.extmax.y

    @property
    def width(self) -> float:
        x0, _, x1, _ = self.extents
        return x1 - x0

    @property
    def height(self) -> float:
        _, y0, _, y1 = self.extents
        return y1 - y0

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.extents
        return (x0 + x1) / 2, (y0 + y1) / 2

    @property
    def radii(self) -> list[float]:
        return [s.radius for s in self.segments if s.radius]

    @property
    def arcs(self) -> list[Segment]:
        return [s for s in self.segments if s.radius]


def _bulge_segments(points: list[tuple[float, float, float]], closed: bool) -> list[Segment]:
    segments = []
    n = len(points)
    for i in range(n if closed else n - 1):
        x, y, b = points[i]
        nx, ny, _ = points[(i + 1) % n]
        start, end = Vec2(x, y), Vec2(nx, ny)
        if b:
            r = bulge_to_arc(start, end, b)[3]
            segments.append(Segment(start, end, r, math.degrees(4 * math.atan(b))))
        else:
            segments.append(Segment(start, end))
    return segments


def read(path: Path) -> Any:
    return ezdxf.readfile(path)


def cut_loops(path: Path, layer: str = "CUT") -> list[Loop]:
    """Every loop on `layer`: polylines as they are, LINE/ARC chained end to end."""
    doc = read(path)
    loops: list[Loop] = []
    loose: list[tuple[Segment, Any]] = []
    for e in doc.modelspace().query(f'*[layer=="{layer}"]'):
        kind = e.dxftype()
        if kind == "LWPOLYLINE":
            pts = [(x, y, b) for x, y, b in e.get_points("xyb")]
            loops.append(Loop(_bulge_segments(pts, e.closed), bool(e.closed), [e]))
        elif kind == "POLYLINE":
            pts = [(v.dxf.location.x, v.dxf.location.y, v.dxf.bulge) for v in e.vertices]
            loops.append(Loop(_bulge_segments(pts, e.is_closed), bool(e.is_closed), [e]))
        elif kind == "LINE":
            loose.append((Segment(Vec2(e.dxf.start), Vec2(e.dxf.end)), e))
        elif kind == "ARC":
            s, t = Vec2(e.start_point), Vec2(e.end_point)
            sweep = (e.dxf.end_angle - e.dxf.start_angle) % 360
            loose.append((Segment(s, t, e.dxf.radius, sweep), e))
        elif kind == "CIRCLE":
            p = Vec2(e.dxf.center) + Vec2(e.dxf.radius, 0)
            loops.append(Loop([Segment(p, p, e.dxf.radius, 360.0)], True, [e]))
        else:
            raise AssertionError(f"{kind} on layer {layer}: not a CAM contour entity")
    loops += _chain(loose)
    return loops


def _chain(loose: list[tuple[Segment, Any]]) -> list[Loop]:
    loops = []
    todo = list(loose)
    while todo:
        seg, ent = todo.pop(0)
        chain, ents = [seg], [ent]
        while True:
            tail = chain[-1].end
            nxt = next(
                (
                    i
                    for i, (s, _) in enumerate(todo)
                    if min(s.start.distance(tail), s.end.distance(tail)) <= JOIN_MM
                ),
                None,
            )
            if nxt is None:
                break
            s, e = todo.pop(nxt)
            if s.start.distance(tail) > JOIN_MM:  # drawn the other way round
                s = Segment(s.end, s.start, s.radius, s.sweep_deg)
            chain.append(s)
            ents.append(e)
        closed = chain[-1].end.distance(chain[0].start) <= JOIN_MM
        loops.append(Loop(chain, closed, ents))
    return loops


def header(path: Path, name: str) -> Any:
    return read(path).header.get(name)


def texts(path: Path, layer: str) -> list[str]:
    msp = read(path).modelspace()
    return [e.dxf.text for e in msp.query(f'TEXT MTEXT[layer=="{layer}"]')]


def placed_envelope(part: Any, owner: Any) -> tuple[float, float, float, float, float, float]:
    """Where the README's placement convention puts the envelope of `owner` (the part or
    the frame it mounts through): x, y and z ranges in mm, panel front face at Z = 0,
    the mount's flange on it, a framed part's front `[body] front` above the frame's."""
    flange = part.fit.flange_thickness
    front = flange if owner is part.mount else flange + (owner.body.front if owner.body else 0.0)
    return (
        -owner.width / 2,
        owner.width / 2,
        -owner.height / 2,
        owner.height / 2,
        front - owner.depth,
        front,
    )


def freecad(script: str, tmp_path: Path, **env: str) -> Any:
    """Run `script` in FreeCAD's command-line interpreter (Debian freecad-python3) and
    return the JSON it printed after `GEOM_RESULT `; skip the test when FreeCAD is absent."""
    import json
    import os
    import shutil
    import subprocess

    import pytest

    program = shutil.which("freecadcmd")
    if program is None:
        pytest.skip(
            "FreeCAD (Debian freecad-python3) is not installed: "
            "scripts/install-test-tools.sh installs it when run as root"
        )
    path = tmp_path / "freecad_script.py"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [program, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env, "HOME": str(tmp_path)},
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("GEOM_RESULT ")]
    assert lines, proc.stdout + proc.stderr
    return json.loads(lines[-1].removeprefix("GEOM_RESULT "))
