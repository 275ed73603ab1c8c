"""Where a part can sit in its opening: the feasible positions of its collar's centre, for
a rounded-rectangle collar in a rounded-rectangle opening (a circle is the case of a
square with corner radius half its side). All sizes mm.

Derivation. Write Q(p, q) = [-p, p] x [-q, q] and D(t) for the disk of radius t about the
origin. An opening of half sizes (A, B) and corner radius R <= min(A, B) is the
Minkowski sum Q(A - R, B - R) + D(R); the collar of half sizes (a, b) and corner radius
r <= min(a, b) is Q(a - r, b - r) + D(r). The collar centred on c lies in the opening O
exactly when c lies in the Minkowski difference (the erosion of O by the collar K)

    F = {c : c + K in O} = (O - D(r)) - Q(a - r, b - r),

since eroding by a sum is eroding by each term in turn.

1. O - D(r), the points at least r inside O. If r <= R, it is Q(A - R, B - R) + D(R - r)
   (eroding the outer parallel body of a convex set shrinks its radius). If r > R, it is
   the sharp rectangle Q(A - r, B - r): an opening of corner radius R is the union of
   the disks of radius R inside the sharp rectangle Q(A, B), so it holds every disk of
   radius r >= R inside Q(A, B). Either way: half sizes (A - r, B - r), corner radius
   rho = max(R - r, 0), corner centres at (A - r - rho, B - r - rho).
2. ... - Q(a - r, b - r): a convex set holds a rectangle exactly when it holds the
   rectangle's four corners, and by symmetry the corner (|x| + a - r, |y| + b - r) is
   the one that decides for c = (x, y). A point (u, v), u, v >= 0, lies in the set of
   step 1 exactly when max(u - (A - r - rho), 0)^2 + max(v - (B - r - rho), 0)^2 <=
   rho^2. With u = |x| + a - r, v = |y| + b - r:

       F = {(x, y) : max(|x| - cx, 0)^2 + max(|y| - cy, 0)^2 <= rho^2},
       sx = A - a, sy = B - b, cx = sx - rho, cy = sy - rho.

So F is the rounded rectangle of half sizes (sx, sy), half the clearance on each axis,
and corner radius rho = max(R - r, 0) when cx, cy >= 0: a sharp rectangle when the
collar's corners are at least as round as the opening's, corner arcs of radius R - r
where the opening's are rounder. When cx < 0 (or cy < 0) the opening's corner arcs leave
less room than the play across that axis: F is the lens the four arcs bound, and a push
along x ends at cx + sqrt(rho^2 - cy^2) (cy < 0), short of sx. F is empty exactly when
sx < 0 or sy < 0 (interference on a side) or hypot(max(-cx, 0), max(-cy, 0)) > rho (the
opening's corners cut into the collar's; `gap` is rho minus that distance).

The extreme positions (F is symmetric about both axes; in the first quadrant): along
each axis, (reach_x, 0) and (0, reach_y); along the diagonal, the point of F furthest
towards (1, 1): the middle of its corner arc, (cx + rho / sqrt 2, cy + rho / sqrt 2),
the corner of F when rho = 0, or, where a lens cuts the arc short, its end on an axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geom.model.conditions import EPS_MM
from geom.model.part import Axis

Position = tuple[float, float]
"""A collar centre (x, y), mm; (0, 0) is the opening's centre."""


@dataclass(frozen=True, slots=True)
class Feasible:
    """F for one opening and one collar (module doc): `sx`, `sy` half the clearance per
    axis (mm, < 0: interference), `rho` the corner radius of F (mm)."""

    sx: float
    sy: float
    rho: float
    rounder: bool
    """The opening's corners are rounder than the collar's (R > r): `gap` is finite."""

    @property
    def gap(self) -> float:
        """How far the collar's corner arcs keep inside the opening's with the collar
        centred, mm (< 0: they cut in); infinite when the opening's are not rounder."""
        if not self.rounder:
            return math.inf
        dx, dy = max(self.rho - self.sx, 0.0), max(self.rho - self.sy, 0.0)
        return self.rho - math.hypot(dx, dy)

    @property
    def empty(self) -> bool:
        """No position fits, to the checks' float noise (EPS_MM on the clearance and
        on the corner gap, as the 2D clearance and corner checks count it)."""
        return 2 * self.sx < -EPS_MM or 2 * self.sy < -EPS_MM or self.gap < -EPS_MM

    def reach(self, axis: Axis) -> float:
        """How far the centre moves from the middle along `axis` (mm, >= 0). When F is
        empty the collar fits nowhere: the axis's half clearance (the push a check
        that ignores the corners would make), at least 0."""
        along, across = (self.sx, self.sy) if axis == "width" else (self.sy, self.sx)
        if self.empty:
            return max(along, 0.0)
        if self.rho == 0:
            return max(along, 0.0)
        short = max(self.rho - across, 0.0)
        return max(along - self.rho + math.sqrt(max(self.rho**2 - short**2, 0.0)), 0.0)

    def diagonal(self) -> Position:
        """The point of F furthest towards (+1, +1), mm (module doc)."""
        if self.rho == 0:
            return (max(self.sx, 0.0), max(self.sy, 0.0))
        cx, cy = self.sx - self.rho, self.sy - self.rho
        low = math.asin(min(max(-cy / self.rho, 0.0), 1.0))  # the arc's end on the x axis
        high = math.acos(min(max(-cx / self.rho, 0.0), 1.0))  # ... on the y axis
        if low >= min(math.pi / 4, high):  # the arc ends on the x axis first
            return (self.reach("width"), 0.0)
        if high <= math.pi / 4:
            return (0.0, self.reach("height"))
        return (cx + self.rho * math.sqrt(0.5), cy + self.rho * math.sqrt(0.5))

    def positions(self) -> tuple[Position, ...]:
        """The extreme positions towards +x, +y and (+1, +1) (module doc), each once; none
        when F is empty. F is symmetric about both axes: the other extremes are their
        mirror images."""
        if self.empty:
            return ()
        found: list[Position] = []
        for point in ((self.reach("width"), 0.0), (0.0, self.reach("height")), self.diagonal()):
            if point not in found:
                found.append(point)
        return tuple(found)

    def contains(self, x: float, y: float, slack: float = 0.0) -> bool:
        """(x, y) lies in F grown by `slack` mm."""
        cx, cy = self.sx - self.rho, self.sy - self.rho
        dx, dy = max(abs(x) - cx, 0.0), max(abs(y) - cy, 0.0)
        return math.hypot(dx, dy) <= self.rho + slack


def feasible(opening: tuple[float, float, float], collar: tuple[float, float, float]) -> Feasible:
    """F for an opening and a collar, each (width, height, corner radius), mm; each
    corner radius is held to [0, half the shorter side], as the contours draw it."""
    w, h, big = opening
    k, m, small = collar
    big = min(max(big, 0.0), w / 2, h / 2)
    small = min(max(small, 0.0), k / 2, m / 2)
    return Feasible((w - k) / 2, (h - m) / 2, max(big - small, 0.0), big > small)
