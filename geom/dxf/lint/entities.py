"""Reading the entities on a cut layer into segments (lines and CCW arcs, exact), and
chaining loose pieces (LINE, ARC, open polylines) into contours: entity types,
zero-length segments, open ends, gaps and branches."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geom.dxf.layers import CUT_LAYER
from geom.dxf.lint.problems import (
    ALLOWED,
    FLAT_SAGITTA_MM,
    GAP_MM,
    NO_ARC,
    TOL_MM,
    TWO_PI,
    Floats,
    Ints,
    Problem,
)

# --- reading entities into segments -----------------------------------------------------


class Builder:
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
            self._segment(ent, (x, y, nx, ny, b), NO_ARC, contour, vertex)
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


def chain_pieces(b: Builder) -> tuple[Ints, Ints, Ints]:
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
