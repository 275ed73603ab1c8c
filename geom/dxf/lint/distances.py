"""Exact distances between segment pairs, vectorised (lines and arcs, never flattened),
and the adjacent pairs: segments that share a vertex must meet there and nowhere else."""

from __future__ import annotations

import numpy as np

from geom.dxf.lint.problems import TOL_MM, TWO_PI, Bools, Floats, Ints
from geom.dxf.lint.segments import Segs, in_span

# --- exact distances (vectorised) -------------------------------------------------------


def pt_seg(
    px: Floats, py: Floats, ax: Floats, ay: Floats, bx: Floats, by: Floats
) -> tuple[Floats, Floats, Floats]:
    dx, dy = bx - ax, by - ay
    l2 = dx * dx + dy * dy
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / np.where(l2 > 0, l2, 1.0), 0.0, 1.0)
    qx, qy = ax + t * dx, ay + t * dy
    return np.hypot(px - qx, py - qy), qx, qy


def pt_arc(px: Floats, py: Floats, s: Segs, k: Ints) -> tuple[Floats, Floats, Floats]:
    vx, vy = px - s.cx[k], py - s.cy[k]
    d = np.hypot(vx, vy)
    on = in_span(np.arctan2(vy, vx), s.a0[k], s.sw[k], s.r[k]) & (d > 0)
    safe = np.where(d > 0, d, 1.0)
    qx = np.where(on, s.cx[k] + s.r[k] * vx / safe, s.x0[k])
    qy = np.where(on, s.cy[k] + s.r[k] * vy / safe, s.y0[k])
    dist = np.where(on, np.abs(d - s.r[k]), np.hypot(px - s.x0[k], py - s.y0[k]))
    d1 = np.hypot(px - s.x1[k], py - s.y1[k])
    end = ~on & (d1 < dist)
    return np.where(end, d1, dist), np.where(end, s.x1[k], qx), np.where(end, s.y1[k], qy)


class Best:
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


def line_line(s: Segs, i: Ints, j: Ints) -> tuple[Best, Floats]:
    """Distance and collinear overlap length of lines i and j."""
    ax, ay, bx, by = s.x0[i], s.y0[i], s.x1[i], s.y1[i]
    cx, cy, dx, dy = s.x0[j], s.y0[j], s.x1[j], s.y1[j]
    best = Best(i.size)
    for px, py, qa, qb, qc, qd in (
        (ax, ay, cx, cy, dx, dy),
        (bx, by, cx, cy, dx, dy),
        (cx, cy, ax, ay, bx, by),
        (dx, dy, ax, ay, bx, by),
    ):
        dist, wx, wy = pt_seg(px, py, qa, qb, qc, qd)
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


def line_arc(s: Segs, i: Ints, j: Ints) -> Best:
    """Distance of lines i to arcs j."""
    ax, ay, bx, by = s.x0[i], s.y0[i], s.x1[i], s.y1[i]
    cx, cy, r = s.cx[j], s.cy[j], s.r[j]
    best = Best(i.size)
    for px, py in ((ax, ay), (bx, by)):
        dist, wx, wy = pt_arc(px, py, s, j)
        best.offer(dist, (px + wx) / 2, (py + wy) / 2)
    for px, py in ((s.x0[j], s.y0[j]), (s.x1[j], s.y1[j])):
        dist, wx, wy = pt_seg(px, py, ax, ay, bx, by)
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
        on &= in_span(np.arctan2(py - cy, px - cx), s.a0[j], s.sw[j], r)
        best.offer(np.zeros(i.size), px, py, on)
    for sign in (1.0, -1.0):  # the arc's points nearest and farthest from the line
        px, py = cx - sign * r * uy, cy + sign * r * ux
        on = in_span(np.arctan2(py - cy, px - cx), s.a0[j], s.sw[j], r)
        dist, wx, wy = pt_seg(px, py, ax, ay, bx, by)
        best.offer(dist, (px + wx) / 2, (py + wy) / 2, on)
    return best


def arc_arc(s: Segs, i: Ints, j: Ints) -> tuple[Best, Floats]:
    """Distance and co-circular overlap length of arcs i and j."""
    best = Best(i.size)
    for a, b in ((i, j), (j, i)):
        for px, py in ((s.x0[a], s.y0[a]), (s.x1[a], s.y1[a])):
            dist, wx, wy = pt_arc(px, py, s, b)
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
        on = meets & in_span(np.arctan2(py - c1y, px - c1x), s.a0[i], s.sw[i], r1)
        on &= in_span(np.arctan2(py - c2y, px - c2x), s.a0[j], s.sw[j], r2)
        best.offer(np.zeros(i.size), px, py, on)
    # nearest points along the line of centres
    for s1 in (1.0, -1.0):
        for s2 in (1.0, -1.0):
            px, py = c1x + s1 * r1 * wx, c1y + s1 * r1 * wy
            qx, qy = c2x + s2 * r2 * wx, c2y + s2 * r2 * wy
            on = apart & in_span(np.arctan2(s1 * wy, s1 * wx), s.a0[i], s.sw[i], r1)
            on &= in_span(np.arctan2(s2 * wy, s2 * wx), s.a0[j], s.sw[j], r2)
            best.offer(np.hypot(px - qx, py - qy), (px + qx) / 2, (py + qy) / 2, on)
    # concentric arcs: overlapping spans are |r1 - r2| apart
    span = span_overlap(s.a0[i], s.sw[i], s.a0[j], s.sw[j])
    mid = s.a0[j] + np.minimum(span / 2, s.sw[j] / 2)
    best.offer(np.abs(r1 - r2), c1x + r1 * np.cos(mid), c1y + r1 * np.sin(mid), ~apart & (span > 0))
    overlap = np.where(~apart & (np.abs(r1 - r2) <= TOL_MM), span * np.minimum(r1, r2), 0.0)
    return best, overlap


def span_overlap(a0: Floats, s0: Floats, b0: Floats, s1: Floats) -> Floats:
    """Angle (rad) shared by the CCW spans [a0, a0 + s0] and [b0, b0 + s1]."""
    delta = np.mod(b0 - a0, TWO_PI)
    first = np.maximum(np.minimum(s0, delta + s1) - delta, 0.0)
    wrapped = np.maximum(np.minimum(s0, delta + s1 - TWO_PI), 0.0)
    return np.asarray(first + wrapped, dtype=np.float64)


# --- adjacent segments: they meet at their shared vertex and nowhere else ----------------


def adjacent(s: Segs, i: Ints, j: Ints) -> tuple[Bools, Floats, Floats, Floats]:
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
            dist[line] = pt_seg(
                fx[m][line],
                fy[m][line],
                s.x0[kk][line],
                s.y0[kk][line],
                s.x1[kk][line],
                s.y1[kk][line],
            )[0]
        if (~line).any():
            dist[~line] = pt_arc(fx[m][~line], fy[m][~line], s, kk[~line])[0]
        hit = np.flatnonzero(m)[dist <= TOL_MM]
        bad[hit] = True
        wx[hit], wy[hit] = fx[hit], fy[hit]

    la, lb = ~s.arc[i], ~s.arc[j]
    # two lines: only a collinear fold-back overlaps
    m = la & lb
    if m.any():
        _, overlap = line_line(s, i[m], j[m])
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
        on &= in_span(np.arctan2(qy - s.cy[ar], qx - s.cx[ar]), s.a0[ar], s.sw[ar], s.r[ar])
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
        overlap = span_overlap(s.a0[a], s.sw[a], s.a0[b], s.sw[b]) * s.r[a]
        fold = same & (overlap > TOL_MM)
        # the reflection of P across the line of centres
        safe = np.where(d > 0, d, 1.0)
        ux, uy = (s.cx[b] - s.cx[a]) / safe, (s.cy[b] - s.cy[a]) / safe
        vx, vy = px[m] - s.cx[a], py[m] - s.cy[a]
        along = vx * ux + vy * uy
        qx = s.cx[a] + 2 * along * ux - vx
        qy = s.cy[a] + 2 * along * uy - vy
        on = ~same & (np.hypot(qx - px[m], qy - py[m]) > TOL_MM)
        on &= in_span(np.arctan2(qy - s.cy[a], qx - s.cx[a]), s.a0[a], s.sw[a], s.r[a])
        on &= in_span(np.arctan2(qy - s.cy[b], qx - s.cx[b]), s.a0[b], s.sw[b], s.r[b])
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
