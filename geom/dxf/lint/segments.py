"""The segments as numpy arrays, and the candidate pairs: segments binned into a uniform
grid (cell about twice the median segment size), only pairs that share a cell and whose
bounding boxes overlap, never all pairs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from geom.dxf.lint.entities import Builder
from geom.dxf.lint.problems import TOL_MM, TWO_PI, Bools, Floats, Ints

# --- the arrays -------------------------------------------------------------------------


@dataclass
class Segs:
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


def segment_arrays(b: Builder, contour: Ints, ns: Ints, ne: Ints) -> Segs:
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
            inside = in_span(np.full(ia.size, ang), a0[ia], sw[ia], r[ia])
            px = cx[ia] + r[ia] * round(math.cos(ang))
            py = cy[ia] + r[ia] * round(math.sin(ang))
            hit = ia[inside]
            xmin[hit] = np.minimum(xmin[hit], px[inside])
            xmax[hit] = np.maximum(xmax[hit], px[inside])
            ymin[hit] = np.minimum(ymin[hit], py[inside])
            ymax[hit] = np.maximum(ymax[hit], py[inside])
    return Segs(
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


def in_span(ang: Floats, a0: Floats, sw: Floats, r: Floats) -> Bools:
    """Whether the angles `ang` lie on the CCW arcs [a0, a0 + sw], `TOL_MM` either end."""
    d = np.mod(ang - a0, TWO_PI)
    eps = TOL_MM / np.maximum(r, TOL_MM)
    return np.asarray((d <= sw + eps) | (d >= TWO_PI - eps), dtype=np.bool_)


# --- candidate pairs --------------------------------------------------------------------


def grid_pairs(s: Segs) -> tuple[Ints, Ints]:
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
