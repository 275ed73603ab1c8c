"""Geometry lint for DXF cut layers: what a sheet-metal CAM needs (shared/domain.md section 3).

`lint(doc)` checks the modelspace entities on layer `CUT` (layer names compare without
case) and returns one `Problem` per finding, in a fixed order:

- entity types: only LWPOLYLINE, 2D POLYLINE, LINE, ARC and CIRCLE, flat in the XY plane
  (extrusion (0, 0, 1) or the mirrored (0, 0, -1)); anything else (SPLINE, ELLIPSE, TEXT,
  INSERT, 3D polylines, ...) is a problem;
- zero-length segments: a segment (or arc) no longer than `TOL_MM`;
- closed contours: a closed polyline or CIRCLE is a contour by itself; LINE, ARC and open
  polylines are chained end to end, ends joining within `TOL_MM`. A chain end that joins
  nothing is an open end (a gap when another open end lies within `GAP_MM`); three or more
  ends at one point are a branch;
- overlap: two segments anywhere (same or different contours) that share a length over
  `TOL_MM` (collinear lines, co-circular arcs): a duplicate when they cover each other;
- self-intersection: two segments of one contour that cross or come within `TOL_MM`
  anywhere except at the vertex they share;
- crossing: segments of two contours that cross or come within `TOL_MM` (touching).
  Nesting (cutouts inside a panel outline) is fine: only boundaries are compared.

Arcs are handled exactly (centre, radius, span), never flattened; the only tolerance is
`TOL_MM` = 1e-6 mm for joins, touches and lengths (angles on an arc: `TOL_MM` / radius).
A bulge whose arc rises less than 1e-9 mm off its chord is taken as a straight line.

Speed: segments are binned into a uniform grid (cell about twice the median segment size)
and only pairs that share a cell and whose bounding boxes overlap are compared, in numpy;
never all pairs. Units: mm throughout.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from geom.dxf.layers import CUT_LAYER
from geom.errors import LintError

TOL_MM = 1e-6
"""Ends closer than this join; a touch closer than this is a touch; shorter is zero."""
GAP_MM = 1.0
"""Two open ends closer than this are reported as one gap between them."""
FLAT_SAGITTA_MM = 1e-9
"""A bulge arc rising less than this off its chord is a straight line."""
ALLOWED = ("LWPOLYLINE", "POLYLINE", "LINE", "ARC", "CIRCLE")
TWO_PI = 2 * math.pi
_NO_ARC = (math.nan, math.nan, math.nan, math.nan, math.nan)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: `kind`, what is wrong, the entity `handle` and a position (x, y) in mm.

    `other` is the handle of the second entity for overlaps, crossings and gaps."""

    kind: str
    message: str
    handle: str
    x: float
    y: float
    other: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.message} at ({self.x:.6f}, {self.y:.6f}) mm [#{self.handle}]"


# --- public entry points ----------------------------------------------------------------


def lint(doc: Any, layer: str = CUT_LAYER) -> list[Problem]:
    """Every CAM problem on `layer` of `doc`'s modelspace (an ezdxf document)."""
    builder = _Builder()
    for entity in doc.modelspace():
        if str(entity.dxf.get("layer", "0")).upper() == layer.upper():
            builder.add(entity)
    geometry = _check_geometry(builder)  # also adds chaining problems to builder's list
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
    """Raise `LintError` naming `what` (e.g. the file), the first problem and the count."""
    problems = lint(doc)
    if problems:
        n = len(problems)
        raise LintError(
            f"{what}: DXF lint found {n} problem{'s' if n > 1 else ''} on layer {CUT_LAYER}, "
            f"first {problems[0]}; nothing written (a bug in geom or its geometry)",
            problems,
        )


# --- reading entities into segments -----------------------------------------------------


class _Builder:
    """Segments (lines and CCW arcs) with their contour, entity and end nodes."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.handles: list[str] = []
        self.kinds: list[str] = []
        # per segment: start, end, bulge (polylines), arc centre/radius/start/sweep (ARC)
        self.rows: list[tuple[float, float, float, float, float]] = []
        self.arcs: list[tuple[float, float, float, float, float]] = []
        self.entity: list[int] = []
        self.contour: list[int] = []  # -1 for loose pieces, chained later
        self.vertex: list[int] = []  # a polyline segment's first vertex; -1 otherwise
        self.node: list[tuple[int, int]] = []
        self.node_xy: list[tuple[float, float]] = []
        self.loose: list[tuple[int, int, int]] = []  # (entity, first segment, end segment)
        self.contours = 0
        self.batch: list[tuple[int, Floats]] = []  # closed LWPOLYLINEs: (entity, x y b rows)

    def finish(self) -> None:
        """All segments as arrays: the closed LWPOLYLINEs (nearly all of a panel) are
        handled together in numpy, after the segments built one by one."""
        rows = np.asarray(self.rows, dtype=np.float64).reshape(-1, 5)
        arcs = np.asarray(self.arcs, dtype=np.float64).reshape(-1, 5)
        entity = np.asarray(self.entity, dtype=np.int64)
        contour = np.asarray(self.contour, dtype=np.int64)
        vertex = np.asarray(self.vertex, dtype=np.int64)
        nodes = np.asarray(self.node, dtype=np.int64).reshape(-1, 2)
        if self.batch:
            b_rows, b_ent, b_contour, b_vertex, b_nodes = self._closed_polylines()
            rows = np.concatenate([rows, b_rows])
            arcs = np.concatenate([arcs, np.full((b_rows.shape[0], 5), np.nan)])
            entity = np.concatenate([entity, b_ent])
            contour = np.concatenate([contour, b_contour])
            vertex = np.concatenate([vertex, b_vertex])
            nodes = np.concatenate([nodes, b_nodes])
        self.rows_a, self.arcs_a, self.entity_a = rows, arcs, entity
        self.contour_a, self.vertex_a, self.nodes_a = contour, vertex, nodes

    def _closed_polylines(self) -> tuple[Floats, Ints, Ints, Ints, Ints]:
        counts = np.asarray([len(xyb) for _, xyb in self.batch], dtype=np.int64)
        pts = np.concatenate([xyb for _, xyb in self.batch])
        x, y, bulge = pts[:, 0], pts[:, 1], pts[:, 2]
        n = x.size
        start = np.cumsum(counts) - counts
        pid = np.repeat(np.arange(counts.size), counts)
        pos = np.arange(n) - start[pid]
        nxt = np.where(pos == counts[pid] - 1, start[pid], np.arange(n) + 1)
        prev = np.maximum(np.arange(n) - 1, 0)
        same_prev = (pos > 0) & (np.hypot(x - x[prev], y - y[prev]) <= TOL_MM)
        offset = len(self.node_xy)
        node = np.cumsum(~same_prev) - 1 + offset
        last = start + counts - 1
        closing = (np.hypot(x[last] - x[start], y[last] - y[start]) <= TOL_MM) & (
            node[last] != node[start]
        )
        if closing.any():  # the last vertex repeats the first: one node
            remap = np.arange(offset, int(node.max()) + 1)
            remap[node[last][closing] - offset] = node[start][closing]
            node = remap[node - offset]
        fresh = ~same_prev
        self.node_xy.extend(zip(x[fresh].tolist(), y[fresh].tolist(), strict=True))
        zero = node == node[nxt]
        for k in np.flatnonzero(zero).tolist():
            ent = self.batch[int(pid[k])][0]
            self._problem(
                "zero-length",
                f"zero-length segment (LWPOLYLINE vertex {int(pos[k])})",
                ent,
                float(x[k]),
                float(y[k]),
            )
        keep = np.flatnonzero(~zero)
        x0, y0, x1, y1 = x[keep], y[keep], x[nxt[keep]], y[nxt[keep]]
        b = bulge[keep]
        b = np.where(np.abs(b) * np.hypot(x1 - x0, y1 - y0) / 2 < FLAT_SAGITTA_MM, 0.0, b)
        ents = np.asarray([ent for ent, _ in self.batch], dtype=np.int64)
        contour = self.contours + pid[keep]
        self.contours += counts.size
        nodes = np.stack([node[keep], node[nxt[keep]]], axis=1)
        rows = np.stack([x0, y0, x1, y1, b], axis=1)
        return rows, ents[pid[keep]], contour, pos[keep], nodes

    def _new_node(self, x: float, y: float) -> int:
        self.node_xy.append((x, y))
        return len(self.node_xy) - 1

    def _entity(self, e: Any) -> int:
        self.handles.append(str(e.dxf.handle))
        self.kinds.append(e.dxftype())
        return len(self.handles) - 1

    def _problem(self, kind: str, message: str, ent: int, x: float, y: float) -> None:
        self.problems.append(Problem(kind, message, self.handles[ent], x, y))

    def add(self, e: Any) -> None:
        kind = e.dxftype()
        ent = self._entity(e)
        if kind not in ALLOWED or (kind == "POLYLINE" and not e.is_2d_polyline):
            x, y = _somewhere(e)
            what = "3D POLYLINE/mesh" if kind == "POLYLINE" else kind
            self._problem(
                "entity",
                f"{what} on layer {CUT_LAYER}; allowed {', '.join(ALLOWED)} (2D)",
                ent,
                x,
                y,
            )
            return
        mirror = 1.0
        if kind != "LINE":
            ez = e.dxf.get("extrusion", (0.0, 0.0, 1.0))
            if abs(ez[0]) > 1e-12 or abs(ez[1]) > 1e-12:
                x, y = _somewhere(e)
                self._problem("entity", f"{kind} not in the XY plane", ent, x, y)
                return
            mirror = -1.0 if ez[2] < 0 else 1.0
        if kind == "LINE":
            s, t = e.dxf.start, e.dxf.end
            if abs(s[2] - t[2]) > TOL_MM:
                self._problem("entity", "LINE not in the XY plane", ent, s[0], s[1])
                return
            self._piece(ent, [(s[0], s[1], 0.0), (t[0], t[1], 0.0)], closed=False)
        elif kind == "LWPOLYLINE" and e.closed and len(e.lwpoints) >= 2:
            values = np.asarray(e.lwpoints.values, dtype=np.float64).reshape(-1, 5)
            xyb = values[:, (0, 1, 4)].copy()
            if not np.isfinite(xyb).all():
                self._problem("entity", "LWPOLYLINE with a non-finite coordinate", ent, 0, 0)
                return
            if mirror < 0:
                xyb[:, 0] *= -1
                xyb[:, 2] *= -1
            self.batch.append((ent, xyb))
        elif kind in ("LWPOLYLINE", "POLYLINE"):
            if kind == "LWPOLYLINE":
                pts = [(mirror * x, y, mirror * b) for x, y, b in e.get_points("xyb")]
                closed = bool(e.closed)
            else:
                pts = [
                    (mirror * v.dxf.location[0], v.dxf.location[1], mirror * v.dxf.get("bulge", 0))
                    for v in e.vertices
                ]
                closed = bool(e.is_closed)
            if len(pts) < 2:
                x, y = (pts[0][0], pts[0][1]) if pts else (0.0, 0.0)
                self._problem("zero-length", f"{kind} with {len(pts)} vertex", ent, x, y)
                return
            self._piece(ent, pts, closed)
        else:  # ARC, CIRCLE
            c, r = e.dxf.center, float(e.dxf.radius)
            cx = mirror * c[0]
            if kind == "CIRCLE":
                a0, sweep = 0.0, TWO_PI
            else:
                s_deg, e_deg = float(e.dxf.start_angle), float(e.dxf.end_angle)
                if mirror < 0:  # mirrored OCS: the arc runs the other way round
                    s_deg, e_deg = 180.0 - e_deg, 180.0 - s_deg
                a0 = math.radians(s_deg % 360.0)
                sweep = math.radians((e_deg - s_deg) % 360.0)
            if not all(math.isfinite(v) for v in (cx, c[1], r, a0, sweep)):
                self._problem("entity", f"{kind} with a non-finite value", ent, 0.0, 0.0)
                return
            if r <= TOL_MM or r * sweep <= TOL_MM:
                self._problem("zero-length", f"{kind} of length {r * sweep:.3g} mm", ent, cx, c[1])
                return
            x0, y0 = cx + r * math.cos(a0), c[1] + r * math.sin(a0)
            x1, y1 = cx + r * math.cos(a0 + sweep), c[1] + r * math.sin(a0 + sweep)
            if kind == "CIRCLE":
                node = self._new_node(x0, y0)
                self._segment(ent, (x0, y0, x0, y0, 0.0), (cx, c[1], r, a0, sweep), self.contours)
                self.node.append((node, node))
                self.contours += 1
            else:
                first = len(self.rows)
                self._segment(ent, (x0, y0, x1, y1, 0.0), (cx, c[1], r, a0, sweep), -1)
                self.node.append((-1, -1))
                self.loose.append((ent, first, first + 1))

    def _segment(
        self,
        ent: int,
        row: tuple[float, float, float, float, float],
        arc: tuple[float, float, float, float, float],
        contour: int,
        vertex: int = -1,
    ) -> None:
        self.vertex.append(vertex)
        self.rows.append(row)
        self.arcs.append(arc)
        self.entity.append(ent)
        self.contour.append(contour)

    def _piece(self, ent: int, pts: list[tuple[float, float, float]], closed: bool) -> None:
        """A polyline (or LINE): consecutive vertices that coincide share one node and
        their zero-length segment is reported and dropped."""
        kind = self.kinds[ent]
        n = len(pts)
        if not all(math.isfinite(v) for p in pts for v in p):
            self._problem("entity", f"{kind} with a non-finite coordinate", ent, 0.0, 0.0)
            return

        def zero(i: int) -> None:
            what = "LINE" if kind == "LINE" else f"{kind} vertex {i}"
            x, y = pts[i][0], pts[i][1]
            self._problem("zero-length", f"zero-length segment ({what})", ent, x, y)

        nodes = [self._new_node(pts[0][0], pts[0][1])]
        for i in range(1, n):
            if _same(pts[i], pts[i - 1]):
                zero(i - 1)
                nodes.append(nodes[-1])
            else:
                nodes.append(self._new_node(pts[i][0], pts[i][1]))
        if closed and nodes[-1] != nodes[0] and _same(pts[-1], pts[0]):
            zero(n - 1)
            last = nodes[-1]
            nodes = [nodes[0] if k == last else k for k in nodes]
        keep = [i for i in range(n if closed else n - 1) if nodes[i] != nodes[(i + 1) % n]]
        if not keep:
            return
        contour = self.contours if closed else -1
        if closed:
            self.contours += 1
        first = len(self.rows)
        for i in keep:
            x, y, b = pts[i]
            j = (i + 1) % n
            nx, ny = pts[j][0], pts[j][1]
            if abs(b) * math.hypot(nx - x, ny - y) / 2 < FLAT_SAGITTA_MM:
                b = 0.0
            vertex = i if self.kinds[ent] != "LINE" else -1
            self._segment(ent, (x, y, nx, ny, b), _NO_ARC, contour, vertex)
            self.node.append((nodes[i], nodes[j]))
        if not closed:
            self.loose.append((ent, first, len(self.rows)))


def _same(p: tuple[float, float, float], q: tuple[float, float, float]) -> bool:
    return math.hypot(p[0] - q[0], p[1] - q[1]) <= TOL_MM


def _somewhere(e: Any) -> tuple[float, float]:
    """A position of any entity, for a report."""
    for name in ("insert", "center", "start", "location"):
        try:
            value = e.dxf.get(name)
        except Exception:  # not an attribute of this entity type
            continue
        if value is not None:
            return float(value[0]), float(value[1])
    try:
        from ezdxf import bbox

        box = bbox.extents([e], fast=True)
        if box.has_data:
            return float(box.extmin.x), float(box.extmin.y)
    except Exception:  # a position is a courtesy; the problem stands
        pass
    return 0.0, 0.0


# --- the arrays -------------------------------------------------------------------------


@dataclass
class _Segs:
    x0: Floats
    y0: Floats
    x1: Floats
    y1: Floats
    arc: Bools
    cx: Floats
    cy: Floats
    r: Floats
    a0: Floats
    sw: Floats
    contour: Ints
    entity: Ints
    ns: Ints
    ne: Ints
    xmin: Floats
    ymin: Floats
    xmax: Floats
    ymax: Floats
    vertex: Ints


def _arrays(b: _Builder, contour: Ints, ns: Ints, ne: Ints) -> _Segs:
    rows, arcs = b.rows_a, b.arcs_a
    x0, y0, x1, y1, bulge = (col.copy() for col in rows.T)
    cx, cy, r, a0, sw = (col.copy() for col in arcs.T)
    direct = ~np.isnan(r)
    bul = (~direct) & (bulge != 0)
    if bul.any():
        bb = bulge[bul]
        dx, dy = (x1 - x0)[bul], (y1 - y0)[bul]
        chord = np.hypot(dx, dy)
        k = (1 - bb * bb) / (4 * bb)
        ccx = (x0[bul] + x1[bul]) / 2 - dy * k
        ccy = (y0[bul] + y1[bul]) / 2 + dx * k
        cx[bul], cy[bul] = ccx, ccy
        r[bul] = chord * (1 + bb * bb) / (4 * np.abs(bb))
        start = np.where(bb > 0, np.arctan2(y0[bul] - ccy, x0[bul] - ccx), 0.0)
        start = np.where(bb < 0, np.arctan2(y1[bul] - ccy, x1[bul] - ccx), start)
        a0[bul] = np.mod(start, TWO_PI)
        sw[bul] = 4 * np.arctan(np.abs(bb))
    arc = direct | bul
    xmin, xmax = np.minimum(x0, x1), np.maximum(x0, x1)
    ymin, ymax = np.minimum(y0, y1), np.maximum(y0, y1)
    if arc.any():
        ia = np.flatnonzero(arc)
        for q in range(4):  # axis extremes of a circle inside the arc's span
            ang = q * math.pi / 2
            inside = _in_span(np.full(ia.size, ang), a0[ia], sw[ia], r[ia])
            px = cx[ia] + r[ia] * round(math.cos(ang))
            py = cy[ia] + r[ia] * round(math.sin(ang))
            hit = ia[inside]
            xmin[hit] = np.minimum(xmin[hit], px[inside])
            xmax[hit] = np.maximum(xmax[hit], px[inside])
            ymin[hit] = np.minimum(ymin[hit], py[inside])
            ymax[hit] = np.maximum(ymax[hit], py[inside])
    return _Segs(
        x0,
        y0,
        x1,
        y1,
        arc,
        cx,
        cy,
        r,
        a0,
        sw,
        contour,
        b.entity_a,
        ns,
        ne,
        xmin,
        ymin,
        xmax,
        ymax,
        b.vertex_a,
    )


def _in_span(ang: Floats, a0: Floats, sw: Floats, r: Floats) -> Bools:
    """Whether the angles `ang` lie on the CCW arcs [a0, a0 + sw], `TOL_MM` either end."""
    d = np.mod(ang - a0, TWO_PI)
    eps = TOL_MM / np.maximum(r, TOL_MM)
    return np.asarray((d <= sw + eps) | (d >= TWO_PI - eps), dtype=np.bool_)


# --- chaining loose pieces --------------------------------------------------------------


def _components(n: int, a: Ints, c: Ints) -> Ints:
    """Connected components of n items linked by the pairs (a, c): the smallest member."""
    label = np.arange(n, dtype=np.int64)
    while True:
        low = np.minimum(label[a], label[c])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, c, low)
        new = new[new]  # pointer jumping: labels are members
        if np.array_equal(new, label):
            return label
        label = new


def _chain(b: _Builder) -> tuple[Ints, Ints, Ints]:
    """Contour ids and end nodes of every segment; open ends, gaps and branches reported.

    The ends of LINE, ARC and open polylines join when within `TOL_MM` (a sweep over x,
    in numpy); pieces joined end to end form one contour."""
    contour = b.contour_a.copy()
    nodes = b.nodes_a
    ns, ne = nodes[:, 0].copy(), nodes[:, 1].copy()
    if not b.loose:
        return contour, ns, ne
    loose = np.asarray(b.loose, dtype=np.int64).reshape(-1, 3)
    ent, first, stop = loose[:, 0], loose[:, 1], loose[:, 2]
    ex = np.stack([b.rows_a[first, 0], b.rows_a[stop - 1, 2]], axis=1).ravel()
    ey = np.stack([b.rows_a[first, 1], b.rows_a[stop - 1, 3]], axis=1).ravel()
    n_ends = ex.size
    order = np.argsort(ex, kind="stable")
    sx = ex[order]
    hi = np.searchsorted(sx, sx + TOL_MM, side="right")
    after = hi - np.arange(n_ends) - 1
    a_pos = np.repeat(np.arange(n_ends), after)
    c_pos = a_pos + 1 + np.arange(a_pos.size) - np.repeat(np.cumsum(after) - after, after)
    a, c = order[a_pos], order[c_pos]
    near = np.hypot(ex[a] - ex[c], ey[a] - ey[c]) <= TOL_MM
    label = _components(n_ends, a[near], c[near])
    reps, inverse = np.unique(label, return_inverse=True)
    base = len(b.node_xy)
    b.node_xy.extend(zip(ex[reps].tolist(), ey[reps].tolist(), strict=True))
    end_node = base + inverse.astype(np.int64)
    ns[first] = end_node[0::2]
    ne[stop - 1] = end_node[1::2]
    # pieces sharing a node are one contour
    piece = _components(reps.size, end_node[0::2] - base, end_node[1::2] - base)
    _, piece_contour = np.unique(piece[end_node[0::2] - base], return_inverse=True)
    lengths = stop - first
    seg = np.repeat(first, lengths) + (
        np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )
    contour[seg] = b.contours + np.repeat(piece_contour.astype(np.int64), lengths)
    # open ends (the nearest two within GAP_MM are one gap) and branches
    degree = np.bincount(end_node - base, minlength=reps.size)
    owner = ent[np.arange(n_ends) // 2]

    def entities_at(node: int) -> list[int]:
        return [int(e) for e in owner[end_node == node]]

    open_nodes = np.flatnonzero(degree == 1) + base
    ox = np.asarray([b.node_xy[k][0] for k in open_nodes.tolist()])
    oy = np.asarray([b.node_xy[k][1] for k in open_nodes.tolist()])
    used = np.zeros(open_nodes.size, dtype=np.bool_)
    for k, node in enumerate(open_nodes.tolist()):
        if used[k]:
            continue
        used[k] = True
        x, y = float(ox[k]), float(oy[k])
        (e,) = entities_at(node)
        dist = np.where(used, np.inf, np.hypot(ox - x, oy - y))
        m = int(np.argmin(dist)) if dist.size else 0
        if dist.size and dist[m] < GAP_MM:
            used[m] = True
            (other,) = entities_at(int(open_nodes[m]))
            text = (
                f"gap of {float(dist[m]):.6f} mm to the open end of #{b.handles[other]} "
                f"({float(ox[m]):.6f}, {float(oy[m]):.6f})"
            )
            b.problems.append(Problem("gap", text, b.handles[e], x, y, b.handles[other]))
        else:
            text = "open chain: this end joins no other segment"
            b.problems.append(Problem("open", text, b.handles[e], x, y))
    for node in (np.flatnonzero(degree > 2) + base).tolist():
        ents = entities_at(node)
        x, y = b.node_xy[node]
        others = ", ".join(f"#{b.handles[e]}" for e in ents[1:])
        b.problems.append(
            Problem(
                "branch",
                f"{len(ents)} segment ends meet at one point (also {others})",
                b.handles[ents[0]],
                x,
                y,
                b.handles[ents[1]],
            )
        )
    return contour, ns, ne


# --- candidate pairs --------------------------------------------------------------------


def _pairs(s: _Segs) -> tuple[Ints, Ints]:
    """Segment pairs i < j whose bounding boxes (grown by `TOL_MM`) overlap: a grid."""
    n = s.x0.size
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    ext = np.maximum(s.xmax - s.xmin, s.ymax - s.ymin)
    cell = max(2 * float(np.median(ext)), 1e3 * TOL_MM)
    gx, gy = float(s.xmin.min()), float(s.ymin.min())
    while True:
        ix0 = np.floor((s.xmin - TOL_MM - gx) / cell).astype(np.int64)
        ix1 = np.floor((s.xmax + TOL_MM - gx) / cell).astype(np.int64)
        iy0 = np.floor((s.ymin - TOL_MM - gy) / cell).astype(np.int64)
        iy1 = np.floor((s.ymax + TOL_MM - gy) / cell).astype(np.int64)
        nx, ny = ix1 - ix0 + 1, iy1 - iy0 + 1
        counts = nx * ny
        cells = float(ix1.max() - ix0.min() + 2) * float(iy1.max() - iy0.min() + 2)
        if int(counts.sum()) <= 64 * n + 4096 and cells < 2.0**62:
            break
        cell *= 2  # a few long segments (a panel outline) cover too many small cells
    seg = np.repeat(np.arange(n, dtype=np.int64), counts)
    local = np.arange(seg.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    cxs = ix0[seg] + local % nx[seg]
    cys = iy0[seg] + local // nx[seg]
    key = (cxs - int(ix0.min())) * (int(iy1.max() - iy0.min()) + 2) + (cys - int(iy0.min()))
    order = np.argsort(key, kind="stable")
    key, seg = key[order], seg[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, key.size])
    rank = np.arange(key.size) - np.repeat(starts, sizes)
    after = np.repeat(sizes, sizes) - 1 - rank  # partners after each entry in its cell
    first = np.repeat(np.arange(key.size), after)
    offs = np.arange(first.size) - np.repeat(np.cumsum(after) - after, after)
    second = first + 1 + offs
    a, c = seg[first], seg[second]
    i, j = np.minimum(a, c), np.maximum(a, c)
    uniq = np.unique(i * n + j)
    i, j = uniq // n, uniq % n
    keep = (
        (s.xmin[i] <= s.xmax[j] + TOL_MM)
        & (s.xmin[j] <= s.xmax[i] + TOL_MM)
        & (s.ymin[i] <= s.ymax[j] + TOL_MM)
        & (s.ymin[j] <= s.ymax[i] + TOL_MM)
    )
    return i[keep], j[keep]


# --- exact distances (vectorised) -------------------------------------------------------


def _pt_seg(
    px: Floats, py: Floats, ax: Floats, ay: Floats, bx: Floats, by: Floats
) -> tuple[Floats, Floats, Floats]:
    dx, dy = bx - ax, by - ay
    l2 = dx * dx + dy * dy
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / np.where(l2 > 0, l2, 1.0), 0.0, 1.0)
    qx, qy = ax + t * dx, ay + t * dy
    return np.hypot(px - qx, py - qy), qx, qy


def _pt_arc(px: Floats, py: Floats, s: _Segs, k: Ints) -> tuple[Floats, Floats, Floats]:
    vx, vy = px - s.cx[k], py - s.cy[k]
    d = np.hypot(vx, vy)
    on = _in_span(np.arctan2(vy, vx), s.a0[k], s.sw[k], s.r[k]) & (d > 0)
    safe = np.where(d > 0, d, 1.0)
    qx = np.where(on, s.cx[k] + s.r[k] * vx / safe, s.x0[k])
    qy = np.where(on, s.cy[k] + s.r[k] * vy / safe, s.y0[k])
    dist = np.where(on, np.abs(d - s.r[k]), np.hypot(px - s.x0[k], py - s.y0[k]))
    d1 = np.hypot(px - s.x1[k], py - s.y1[k])
    end = ~on & (d1 < dist)
    return np.where(end, d1, dist), np.where(end, s.x1[k], qx), np.where(end, s.y1[k], qy)


class _Best:
    """The smallest distance so far per pair, and a witness point near it."""

    def __init__(self, n: int) -> None:
        self.d = np.full(n, np.inf)
        self.x = np.zeros(n)
        self.y = np.zeros(n)

    def offer(self, d: Floats, x: Floats, y: Floats, where: Bools | None = None) -> None:
        better = d < self.d if where is None else (d < self.d) & where
        self.d = np.where(better, d, self.d)
        self.x = np.where(better, x, self.x)
        self.y = np.where(better, y, self.y)


def _line_line(s: _Segs, i: Ints, j: Ints) -> tuple[_Best, Floats]:
    """Distance and collinear overlap length of lines i and j."""
    ax, ay, bx, by = s.x0[i], s.y0[i], s.x1[i], s.y1[i]
    cx, cy, dx, dy = s.x0[j], s.y0[j], s.x1[j], s.y1[j]
    best = _Best(i.size)
    for px, py, qa, qb, qc, qd in (
        (ax, ay, cx, cy, dx, dy),
        (bx, by, cx, cy, dx, dy),
        (cx, cy, ax, ay, bx, by),
        (dx, dy, ax, ay, bx, by),
    ):
        dist, wx, wy = _pt_seg(px, py, qa, qb, qc, qd)
        best.offer(dist, (px + wx) / 2, (py + wy) / 2)
    d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
    d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
    d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
    proper = (d1 * d2 < 0) & (d3 * d4 < 0)
    t = d1 / np.where(proper, d1 - d2, 1.0)
    best.offer(np.zeros(i.size), cx + t * (dx - cx), cy + t * (dy - cy), proper)
    # collinear overlap along line i
    length = np.hypot(bx - ax, by - ay)
    ux, uy = (bx - ax) / length, (by - ay) / length
    off_c = np.abs(ux * (cy - ay) - uy * (cx - ax))
    off_d = np.abs(ux * (dy - ay) - uy * (dx - ax))
    tc = ux * (cx - ax) + uy * (cy - ay)
    td = ux * (dx - ax) + uy * (dy - ay)
    lo = np.maximum(0.0, np.minimum(tc, td))
    hi = np.minimum(length, np.maximum(tc, td))
    overlap = np.where((off_c <= TOL_MM) & (off_d <= TOL_MM), np.maximum(hi - lo, 0.0), 0.0)
    mid = (lo + hi) / 2
    best.offer(np.zeros(i.size), ax + mid * ux, ay + mid * uy, overlap > TOL_MM)
    return best, overlap


def _line_arc(s: _Segs, i: Ints, j: Ints) -> _Best:
    """Distance of lines i to arcs j."""
    ax, ay, bx, by = s.x0[i], s.y0[i], s.x1[i], s.y1[i]
    cx, cy, r = s.cx[j], s.cy[j], s.r[j]
    best = _Best(i.size)
    for px, py in ((ax, ay), (bx, by)):
        dist, wx, wy = _pt_arc(px, py, s, j)
        best.offer(dist, (px + wx) / 2, (py + wy) / 2)
    for px, py in ((s.x0[j], s.y0[j]), (s.x1[j], s.y1[j])):
        dist, wx, wy = _pt_seg(px, py, ax, ay, bx, by)
        best.offer(dist, (px + wx) / 2, (py + wy) / 2)
    length = np.hypot(bx - ax, by - ay)
    ux, uy = (bx - ax) / length, (by - ay) / length
    tf = ux * (cx - ax) + uy * (cy - ay)
    h = ux * (cy - ay) - uy * (cx - ax)  # signed distance of the centre from the line
    root = np.sqrt(np.maximum(r * r - h * h, 0.0))
    meets = np.abs(h) <= r
    for t in (tf - root, tf + root):
        px, py = ax + t * ux, ay + t * uy
        on = meets & (t >= -TOL_MM) & (t <= length + TOL_MM)
        on &= _in_span(np.arctan2(py - cy, px - cx), s.a0[j], s.sw[j], r)
        best.offer(np.zeros(i.size), px, py, on)
    for sign in (1.0, -1.0):  # the arc's points nearest and farthest from the line
        px, py = cx - sign * r * uy, cy + sign * r * ux
        on = _in_span(np.arctan2(py - cy, px - cx), s.a0[j], s.sw[j], r)
        dist, wx, wy = _pt_seg(px, py, ax, ay, bx, by)
        best.offer(dist, (px + wx) / 2, (py + wy) / 2, on)
    return best


def _arc_arc(s: _Segs, i: Ints, j: Ints) -> tuple[_Best, Floats]:
    """Distance and co-circular overlap length of arcs i and j."""
    best = _Best(i.size)
    for a, b in ((i, j), (j, i)):
        for px, py in ((s.x0[a], s.y0[a]), (s.x1[a], s.y1[a])):
            dist, wx, wy = _pt_arc(px, py, s, b)
            best.offer(dist, (px + wx) / 2, (py + wy) / 2)
    c1x, c1y, r1 = s.cx[i], s.cy[i], s.r[i]
    c2x, c2y, r2 = s.cx[j], s.cy[j], s.r[j]
    d = np.hypot(c2x - c1x, c2y - c1y)
    apart = d > TOL_MM
    safe = np.where(apart, d, 1.0)
    wx, wy = (c2x - c1x) / safe, (c2y - c1y) / safe
    # circle-circle intersections
    a = (d * d + r1 * r1 - r2 * r2) / (2 * safe)
    h = np.sqrt(np.maximum(r1 * r1 - a * a, 0.0))
    meets = apart & (d <= r1 + r2) & (d >= np.abs(r1 - r2))
    for sign in (1.0, -1.0):
        px = c1x + a * wx - sign * h * wy
        py = c1y + a * wy + sign * h * wx
        on = meets & _in_span(np.arctan2(py - c1y, px - c1x), s.a0[i], s.sw[i], r1)
        on &= _in_span(np.arctan2(py - c2y, px - c2x), s.a0[j], s.sw[j], r2)
        best.offer(np.zeros(i.size), px, py, on)
    # nearest points along the line of centres
    for s1 in (1.0, -1.0):
        for s2 in (1.0, -1.0):
            px, py = c1x + s1 * r1 * wx, c1y + s1 * r1 * wy
            qx, qy = c2x + s2 * r2 * wx, c2y + s2 * r2 * wy
            on = apart & _in_span(np.arctan2(s1 * wy, s1 * wx), s.a0[i], s.sw[i], r1)
            on &= _in_span(np.arctan2(s2 * wy, s2 * wx), s.a0[j], s.sw[j], r2)
            best.offer(np.hypot(px - qx, py - qy), (px + qx) / 2, (py + qy) / 2, on)
    # concentric arcs: overlapping spans are |r1 - r2| apart
    span = _span_overlap(s.a0[i], s.sw[i], s.a0[j], s.sw[j])
    mid = s.a0[j] + np.minimum(span / 2, s.sw[j] / 2)
    best.offer(np.abs(r1 - r2), c1x + r1 * np.cos(mid), c1y + r1 * np.sin(mid), ~apart & (span > 0))
    overlap = np.where(~apart & (np.abs(r1 - r2) <= TOL_MM), span * np.minimum(r1, r2), 0.0)
    return best, overlap


def _span_overlap(a0: Floats, s0: Floats, b0: Floats, s1: Floats) -> Floats:
    """Angle (rad) shared by the CCW spans [a0, a0 + s0] and [b0, b0 + s1]."""
    delta = np.mod(b0 - a0, TWO_PI)
    first = np.maximum(np.minimum(s0, delta + s1) - delta, 0.0)
    wrapped = np.maximum(np.minimum(s0, delta + s1 - TWO_PI), 0.0)
    return np.asarray(first + wrapped, dtype=np.float64)


# --- adjacent segments: they meet at their shared vertex and nowhere else ----------------


def _adjacent(s: _Segs, i: Ints, j: Ints) -> tuple[Bools, Floats, Floats, Floats]:
    """For pairs sharing a node: whether they also meet elsewhere, where, and the length
    they share when they fold back over each other."""
    n = i.size
    bad = np.zeros(n, dtype=np.bool_)
    shared = np.zeros(n)
    wx, wy = np.zeros(n), np.zeros(n)
    # shared node P, the other ends (far), and whether both ends are shared
    i_start = (s.ns[i] == s.ns[j]) | (s.ns[i] == s.ne[j])
    px = np.where(i_start, s.x0[i], s.x1[i])
    py = np.where(i_start, s.y0[i], s.y1[i])
    node = np.where(i_start, s.ns[i], s.ne[i])
    both = (np.minimum(s.ns[i], s.ne[i]) == np.minimum(s.ns[j], s.ne[j])) & (
        np.maximum(s.ns[i], s.ne[i]) == np.maximum(s.ns[j], s.ne[j])
    )
    fix = np.where(i_start, s.x1[i], s.x0[i])
    fiy = np.where(i_start, s.y1[i], s.y0[i])
    j_start = s.ns[j] == node
    fjx = np.where(j_start, s.x1[j], s.x0[j])
    fjy = np.where(j_start, s.y1[j], s.y0[j])

    def far_touch(k: Ints, fx: Floats, fy: Floats, m: Bools) -> None:
        if not m.any():
            return
        kk = k[m]
        line = ~s.arc[kk]
        dist = np.empty(kk.size)
        if line.any():
            dist[line] = _pt_seg(
                fx[m][line],
                fy[m][line],
                s.x0[kk][line],
                s.y0[kk][line],
                s.x1[kk][line],
                s.y1[kk][line],
            )[0]
        if (~line).any():
            dist[~line] = _pt_arc(fx[m][~line], fy[m][~line], s, kk[~line])[0]
        hit = np.flatnonzero(m)[dist <= TOL_MM]
        bad[hit] = True
        wx[hit], wy[hit] = fx[hit], fy[hit]

    la, lb = ~s.arc[i], ~s.arc[j]
    # two lines: only a collinear fold-back overlaps
    m = la & lb
    if m.any():
        _, overlap = _line_line(s, i[m], j[m])
        hit = np.flatnonzero(m)[overlap > TOL_MM]
        bad[hit] = True
        shared[hit] = overlap[overlap > TOL_MM]
        wx[hit], wy[hit] = px[hit], py[hit]
    # a line and an arc: the line's second point on the circle
    for line_first in (True, False):
        m = (la & ~lb) if line_first else (~la & lb)
        if not m.any():
            continue
        ar = j[m] if line_first else i[m]
        fx, fy = (fix[m], fiy[m]) if line_first else (fjx[m], fjy[m])
        p_x, p_y = px[m], py[m]
        length = np.hypot(fx - p_x, fy - p_y)
        ux, uy = (fx - p_x) / length, (fy - p_y) / length
        t2 = -2 * (ux * (p_x - s.cx[ar]) + uy * (p_y - s.cy[ar]))
        qx, qy = p_x + t2 * ux, p_y + t2 * uy
        on = (t2 > TOL_MM) & (t2 <= length + TOL_MM)
        on &= _in_span(np.arctan2(qy - s.cy[ar], qx - s.cx[ar]), s.a0[ar], s.sw[ar], s.r[ar])
        on &= ~(both[m] & (np.hypot(qx - fx, qy - fy) <= TOL_MM))
        hit = np.flatnonzero(m)[on]
        bad[hit] = True
        wx[hit], wy[hit] = qx[on], qy[on]
    # two arcs: fold-back on one circle, or the circles' second intersection
    m = ~la & ~lb
    if m.any():
        a, b = i[m], j[m]
        d = np.hypot(s.cx[b] - s.cx[a], s.cy[b] - s.cy[a])
        same = (d <= TOL_MM) & (np.abs(s.r[a] - s.r[b]) <= TOL_MM)
        overlap = _span_overlap(s.a0[a], s.sw[a], s.a0[b], s.sw[b]) * s.r[a]
        fold = same & (overlap > TOL_MM)
        # the reflection of P across the line of centres
        safe = np.where(d > 0, d, 1.0)
        ux, uy = (s.cx[b] - s.cx[a]) / safe, (s.cy[b] - s.cy[a]) / safe
        vx, vy = px[m] - s.cx[a], py[m] - s.cy[a]
        along = vx * ux + vy * uy
        qx = s.cx[a] + 2 * along * ux - vx
        qy = s.cy[a] + 2 * along * uy - vy
        on = ~same & (np.hypot(qx - px[m], qy - py[m]) > TOL_MM)
        on &= _in_span(np.arctan2(qy - s.cy[a], qx - s.cx[a]), s.a0[a], s.sw[a], s.r[a])
        on &= _in_span(np.arctan2(qy - s.cy[b], qx - s.cx[b]), s.a0[b], s.sw[b], s.r[b])
        far = np.where(i_start[m], s.x1[a], s.x0[a]), np.where(i_start[m], s.y1[a], s.y0[a])
        on &= ~(both[m] & (np.hypot(qx - far[0], qy - far[1]) <= TOL_MM))
        idx = np.flatnonzero(m)
        bad[idx[fold]] = True
        shared[idx[fold]] = overlap[fold]
        wx[idx[fold]], wy[idx[fold]] = px[m][fold], py[m][fold]
        bad[idx[on]] = True
        wx[idx[on]], wy[idx[on]] = qx[on], qy[on]
    # the far end of one segment touching the other
    far_touch(j, fix, fiy, ~both & ~bad)
    far_touch(i, fjx, fjy, ~both & ~bad)
    return bad, wx, wy, shared


# --- the geometry checks ----------------------------------------------------------------


PairFinder = Callable[["_Segs"], tuple[Ints, Ints]]


def _check_geometry(b: _Builder, pairs: PairFinder | None = None) -> list[Problem]:
    b.finish()
    if not b.rows_a.size:
        return []
    contour, ns, ne = _chain(b)
    s = _arrays(b, contour, ns, ne)
    i, j = (pairs or _pairs)(s)
    shared = (s.ns[i] == s.ns[j]) | (s.ns[i] == s.ne[j]) | (s.ne[i] == s.ns[j])
    shared |= s.ne[i] == s.ne[j]
    found: list[tuple[int, int, str, float, float, float]] = []  # (i, j, kind, x, y, length)

    adj = np.flatnonzero(shared)
    if adj.size:
        bad, wx, wy, folded = _adjacent(s, i[adj], j[adj])
        for k in np.flatnonzero(bad):
            kind = "overlap" if folded[k] > TOL_MM else "touch"
            found.append((int(i[adj][k]), int(j[adj][k]), kind, wx[k], wy[k], folded[k]))

    rest = np.flatnonzero(~shared)
    ri, rj = i[rest], j[rest]
    la, lb = ~s.arc[ri], ~s.arc[rj]
    groups: list[tuple[Ints, Ints, _Best, Floats]] = []
    m = la & lb
    if m.any():
        best, overlap = _line_line(s, ri[m], rj[m])
        groups.append((ri[m], rj[m], best, overlap))
    m = la & ~lb
    if m.any():
        groups.append((ri[m], rj[m], _line_arc(s, ri[m], rj[m]), np.zeros(int(m.sum()))))
    m = ~la & lb
    if m.any():
        groups.append((rj[m], ri[m], _line_arc(s, rj[m], ri[m]), np.zeros(int(m.sum()))))
    m = ~la & ~lb
    if m.any():
        best, overlap = _arc_arc(s, ri[m], rj[m])
        groups.append((ri[m], rj[m], best, overlap))
    for gi, gj, best, overlap in groups:
        for k in np.flatnonzero((best.d <= TOL_MM) | (overlap > TOL_MM)):
            kind = "overlap" if overlap[k] > TOL_MM else "touch"
            found.append((int(gi[k]), int(gj[k]), kind, best.x[k], best.y[k], overlap[k]))

    return _report(b, s, found)


def _report(
    b: _Builder, s: _Segs, found: Iterable[tuple[int, int, str, float, float, float]]
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


def _seg(b: _Builder, s: _Segs, k: int) -> str:
    """A segment as a reader finds it: the entity, and the vertex for a polyline."""
    ent = int(s.entity[k])
    vertex = int(s.vertex[k])
    return f"#{b.handles[ent]}" + (f" segment {vertex}" if vertex >= 0 else "")
