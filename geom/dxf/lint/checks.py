"""The lint's entry points (`lint`, `lint_file`, `check`) and the geometry checks: which
pairs touch, cross, overlap or duplicate, reported one problem per pair of contours."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from geom.dxf.layers import CUT_LAYER, ENGRAVE_LAYER, PRINT_LAYER
from geom.dxf.lint.distances import Best, adjacent, arc_arc, line_arc, line_line
from geom.dxf.lint.entities import Builder, chain_pieces
from geom.dxf.lint.marks import lint_marks
from geom.dxf.lint.problems import TOL_MM, Floats, Ints, Problem
from geom.dxf.lint.segments import Segs, grid_pairs, segment_arrays
from geom.errors import LintError

# --- public entry points ----------------------------------------------------------------


def lint(doc: Any, layer: str = CUT_LAYER) -> list[Problem]:
    """Every CAM problem on `layer` of `doc`'s modelspace (an ezdxf document)."""
    builder = Builder()
    for entity in doc.modelspace():
        if str(entity.dxf.get("layer", "0")).upper() == layer.upper():
            builder.add(entity)
    geometry = check_geometry(builder)  # also adds chaining problems to builder's list
    return builder.problems + geometry


def lint_file(source: Path | str | bytes) -> list[Problem]:
    """`lint` of a DXF file (a path) or of DXF file bytes."""
    import ezdxf
    from ezdxf import recover

    if isinstance(source, bytes):
        doc, _ = recover.read(io.BytesIO(source))
    else:
        doc = ezdxf.readfile(source)
    return lint(doc)


def check(doc: Any, what: str) -> None:
    """Raise `LintError` naming `what` (e.g. the file), the first problem and the count:
    `lint` on CUT, then the text layers (geom.dxf.lint.marks)."""
    cut = lint(doc)
    layers = CUT_LAYER if cut else f"{ENGRAVE_LAYER} or {PRINT_LAYER}"
    problems = cut + lint_marks(doc)
    if problems:
        n = len(problems)
        raise LintError(
            f"{what}: DXF lint found {n} problem{'s' if n > 1 else ''} on layer {layers}, "
            f"first {problems[0]}; nothing written (a bug in geom or its geometry)",
            problems,
        )


# --- the geometry checks ----------------------------------------------------------------


PairFinder = Callable[["Segs"], tuple[Ints, Ints]]


def check_geometry(b: Builder, pairs: PairFinder | None = None) -> list[Problem]:
    b.finish()
    if not b.rows_a.size:
        return []
    contour, ns, ne = chain_pieces(b)
    s = segment_arrays(b, contour, ns, ne)
    i, j = (pairs or grid_pairs)(s)
    shared = (s.ns[i] == s.ns[j]) | (s.ns[i] == s.ne[j]) | (s.ne[i] == s.ns[j])
    shared |= s.ne[i] == s.ne[j]
    found: list[tuple[int, int, str, float, float, float]] = []  # (i, j, kind, x, y, length)

    adj = np.flatnonzero(shared)
    if adj.size:
        bad, wx, wy, folded = adjacent(s, i[adj], j[adj])
        for k in np.flatnonzero(bad):
            kind = "overlap" if folded[k] > TOL_MM else "touch"
            found.append((int(i[adj][k]), int(j[adj][k]), kind, wx[k], wy[k], folded[k]))

    rest = np.flatnonzero(~shared)
    ri, rj = i[rest], j[rest]
    la, lb = ~s.arc[ri], ~s.arc[rj]
    groups: list[tuple[Ints, Ints, Best, Floats]] = []
    m = la & lb
    if m.any():
        best, overlap = line_line(s, ri[m], rj[m])
        groups.append((ri[m], rj[m], best, overlap))
    m = la & ~lb
    if m.any():
        groups.append((ri[m], rj[m], line_arc(s, ri[m], rj[m]), np.zeros(int(m.sum()))))
    m = ~la & lb
    if m.any():
        groups.append((rj[m], ri[m], line_arc(s, rj[m], ri[m]), np.zeros(int(m.sum()))))
    m = ~la & ~lb
    if m.any():
        best, overlap = arc_arc(s, ri[m], rj[m])
        groups.append((ri[m], rj[m], best, overlap))
    for gi, gj, best, overlap in groups:
        for k in np.flatnonzero((best.d <= TOL_MM) | (overlap > TOL_MM)):
            kind = "overlap" if overlap[k] > TOL_MM else "touch"
            found.append((int(gi[k]), int(gj[k]), kind, best.x[k], best.y[k], overlap[k]))

    return _report(b, s, found)


def _report(
    b: Builder, s: Segs, found: Iterable[tuple[int, int, str, float, float, float]]
) -> list[Problem]:
    """One problem per pair of contours (an overlap before a mere touch), one per contour
    for self-intersections; in segment order."""
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    found = list(found)
    lengths = np.where(s.arc, s.r * s.sw, np.hypot(s.x1 - s.x0, s.y1 - s.y0))
    perimeter = np.bincount(s.contour, weights=lengths)
    shared: dict[tuple[int, int], float] = {}  # overlap length per pair of contours
    for i, j, kind, *_, length in found:
        if kind == "overlap":
            pair = (int(s.contour[min(i, j)]), int(s.contour[max(i, j)]))
            shared[pair] = shared.get(pair, 0.0) + length

    def order(f: tuple[int, int, str, float, float, float]) -> tuple[int, int, int]:
        return (f[2] != "overlap", min(f[0], f[1]), max(f[0], f[1]))

    for i, j, kind, x, y, length in sorted(found, key=order):
        a, c = sorted((i, j))
        ca, cc = int(s.contour[a]), int(s.contour[c])
        key = (min(ca, cc), max(ca, cc))
        if key in seen:
            continue
        seen.add(key)
        ha, hc = b.handles[int(s.entity[a])], b.handles[int(s.entity[c])]
        total = shared.get((ca, cc), 0.0)
        if kind == "overlap" and ca != cc and _near(total, perimeter[ca], perimeter[cc]):
            name, text = "duplicate", f"contour drawn twice (also {_seg(b, s, c)})"
        elif kind == "overlap" and _near(length, lengths[a], lengths[c]):
            name, text = "duplicate", f"segment drawn twice (also {_seg(b, s, c)})"
        elif kind == "overlap":
            name = "overlap"
            text = f"segments overlap over {length:.6f} mm (also {_seg(b, s, c)})"
        elif ca == cc:
            name = "self-intersection"
            text = f"contour crosses or touches itself ({_seg(b, s, a)} and {_seg(b, s, c)})"
        else:
            name = "crossing"
            text = f"contour crosses or touches the contour of {_seg(b, s, c)}"
        problems.append(Problem(name, text, ha, float(x), float(y), hc))
    return sorted(problems, key=lambda p: _order.get(p.kind, 9))


def _near(value: float, *others: float) -> bool:
    return all(abs(value - float(o)) <= TOL_MM * max(1.0, len(others)) for o in others)


_order = {"duplicate": 0, "overlap": 1, "self-intersection": 2, "crossing": 3}


def _seg(b: Builder, s: Segs, k: int) -> str:
    """A segment as a reader finds it: the entity, and the vertex for a polyline."""
    ent = int(s.entity[k])
    vertex = int(s.vertex[k])
    return f"#{b.handles[ent]}" + (f" segment {vertex}" if vertex >= 0 else "")
