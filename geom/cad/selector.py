"""Face selectors: CadQuery's string selector syntax (its documentation, "String
Selectors Reference") read and applied to a solid's faces with OpenCascade alone, so
`geom cut` picks the same faces CadQuery would without CadQuery installed.

Atoms, D a direction (`X`, `Y`, `Z`, `XY`, `YZ`, `XZ` or a vector `(x, y, z)`):

- `D`, `+D`: planar faces whose normal points along D; `-D` against it;
- `|D`: planar faces whose normal is parallel to D; `#D`: perpendicular to D;
- `>D`, `<D`: the faces whose centre (of area) lies furthest along D, or least far
  (every kind of face; centres within 1e-4 mm of each other count as one level);
- `>D[n]`, `<D[n]`: the planar faces parallel to D, on the n-th level counted from the
  far end (`>`) or the near end (`<`), n from 0, negative from the other end;
- `>>D`, `<<D`, `>>D[n]`, `<<D[n]`: as `>D[n]` over every kind of face (n = -1 when
  none is given);
- `%TYPE`: faces of that kind (PLANE, CYLINDER, CONE, SPHERE, TORUS, BEZIER, BSPLINE,
  REVOLUTION, EXTRUSION, OFFSET, OTHER; any case);
- `front`, `back`, `left`, `right`, `top`, `bottom`: `>Z`, `<Z`, `<X`, `>X`, `>Y`, `<Y`.

Atoms combine with `and`, `or` and `exc` (or `except`), binding in that order (`and`
tightest), with brackets, and with `not`, which takes everything after it (`A and not B
or C` is A and not (B or C), as CadQuery reads it). Angles within 1e-4 rad. Sizes mm.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

TOLERANCE = 1e-4
"""CadQuery's tolerance: radians for directions, mm for levels."""

AXES = {
    "X": (1.0, 0.0, 0.0),
    "Y": (0.0, 1.0, 0.0),
    "Z": (0.0, 0.0, 1.0),
    "XY": (1.0, 1.0, 0.0),
    "YZ": (0.0, 1.0, 1.0),
    "XZ": (1.0, 0.0, 1.0),
}
VIEWS = {
    "front": ("Z", True),
    "back": ("Z", False),
    "left": ("X", False),
    "right": ("X", True),
    "top": ("Y", True),
    "bottom": ("Y", False),
}
KINDS = [
    "PLANE",
    "CYLINDER",
    "CONE",
    "SPHERE",
    "TORUS",
    "BEZIER",
    "BSPLINE",
    "REVOLUTION",
    "EXTRUSION",
    "OFFSET",
    "OTHER",
    "LINE",
    "CIRCLE",
    "ELLIPSE",
    "HYPERBOLA",
    "PARABOLA",
]
"""CadQuery's type names (of faces, and of edges, which no face has)."""

_NUMBER = r"[+-]?\d+(?:\.\d*)?"
_TOKEN = re.compile(
    rf"\s*(?:(?P<vector>\(\s*{_NUMBER}\s*,\s*{_NUMBER}\s*,\s*{_NUMBER}\s*\))"
    r"|(?P<index>\[\s*-?\s*\d+\s*\])"
    r"|(?P<op>>>|<<|[<>|#+\-%()])"
    r"|(?P<word>[A-Za-z]+))"
)


class SelectorError(ValueError):
    """A selector that cannot be read, or an index past its levels: the message says
    which."""


@dataclass(frozen=True)
class FaceFacts:
    """What the selectors read of one face: its kind, its centre of area and, for a
    plane, its outward normal at the middle of its parameters (CadQuery's `normalAt()`)."""

    kind: str
    centre: Any  # gp_Vec
    normal: Any  # gp_Vec or None


def facts(face: Any) -> FaceFacts:
    """The kind, centre and normal of an OCP face."""
    from OCP.BRepAdaptor import BRepAdaptor_Surface
    from OCP.BRepGProp import BRepGProp_Face
    from OCP.BRepTools import BRepTools
    from OCP.GeomAbs import GeomAbs_SurfaceType as S
    from OCP.gp import gp_Pnt, gp_Vec

    kinds = {
        S.GeomAbs_Plane: "PLANE",
        S.GeomAbs_Cylinder: "CYLINDER",
        S.GeomAbs_Cone: "CONE",
        S.GeomAbs_Sphere: "SPHERE",
        S.GeomAbs_Torus: "TORUS",
        S.GeomAbs_BezierSurface: "BEZIER",
        S.GeomAbs_BSplineSurface: "BSPLINE",
        S.GeomAbs_SurfaceOfRevolution: "REVOLUTION",
        S.GeomAbs_SurfaceOfExtrusion: "EXTRUSION",
        S.GeomAbs_OffsetSurface: "OFFSET",
    }
    kind = kinds.get(BRepAdaptor_Surface(face).GetType(), "OTHER")
    normal = None
    if kind == "PLANE":
        u0, u1, v0, v1 = BRepTools.UVBounds_s(face)
        p, n = gp_Pnt(), gp_Vec()
        BRepGProp_Face(face).Normal(0.5 * (u0 + u1), 0.5 * (v0 + v1), p, n)
        normal = n.Normalized()
    return FaceFacts(kind, centre(face), normal)


def centre(face: Any) -> Any:
    """The centre of area of an OCP face (a gp_Vec, mm; OpenCascade's BRepGProp)."""
    from OCP.BRepGProp import BRepGProp
    from OCP.gp import gp_Vec
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.SurfaceProperties_s(face, props)
    return gp_Vec(props.CentreOfMass().XYZ())


Select = Callable[[Sequence[FaceFacts]], set[int]]
"""A parsed selector: the indices of the faces it picks."""


def select(faces: Sequence[FaceFacts], text: str) -> list[int]:
    """The indices of the faces `text` picks, in order; SelectorError when `text` is no
    selector or names a level past the last."""
    tokens = _tokens(text)
    parser = _Parser(tokens)
    chosen = parser.expression()
    if parser.at < len(tokens):
        raise SelectorError(f"not a selector from {tokens[parser.at][1]!r} on")
    return sorted(chosen(faces))


def _tokens(text: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(text.rstrip()):
        found = _TOKEN.match(text, at)
        if found is None or found.lastgroup is None:
            raise SelectorError(f"not a selector from {text[at:].strip()!r} on")
        kind = found.lastgroup
        out.append((kind, re.sub(r"\s", "", found.group(kind))))
        at = found.end()
    if not out:
        raise SelectorError("empty")
    return out


class _Parser:
    """CadQuery's grammar: exc (loosest), or, and (tightest) between operands; an
    operand is an atom, a bracket, or `not` and everything after it."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token[0] == "end":
            raise SelectorError("ending too early")
        self.at += 1
        return token

    def expression(self) -> Select:
        return self._chain(("exc", "except"), self._or, lambda a, b: a - b)

    def _or(self) -> Select:
        return self._chain(("or",), self._and, lambda a, b: a | b)

    def _and(self) -> Select:
        return self._chain(("and",), self._operand, lambda a, b: a & b)

    def _chain(
        self,
        words: tuple[str, ...],
        operand: Callable[[], Select],
        join: Callable[[set[int], set[int]], set[int]],
    ) -> Select:
        first = operand()
        rest = []
        while self._peek()[0] == "word" and self._peek()[1] in words:
            self._take()
            rest.append(operand())

        def chained(faces: Sequence[FaceFacts]) -> set[int]:
            out = first(faces)
            for other in rest:
                out = join(out, other(faces))
            return out

        return chained

    def _operand(self) -> Select:
        if self._peek() == ("word", "not"):  # as CadQuery reads it: not all that follows
            self._take()
            inner = self.expression()
            return lambda faces: set(range(len(faces))) - inner(faces)
        if self._peek() == ("op", "("):
            self._take()
            inner = self.expression()
            if self._take() != ("op", ")"):
                raise SelectorError("a bracket not closed")
            return inner
        return self._atom()

    def _direction(self) -> Any:
        from OCP.gp import gp_Vec

        kind, value = self._take()
        if kind == "vector":
            x, y, z = (float(v) for v in value[1:-1].split(","))
            return gp_Vec(x, y, z)
        if kind == "word" and value in AXES:
            return gp_Vec(*AXES[value])
        raise SelectorError(f"{value!r} is not a direction (X, Y, Z, XY, YZ, XZ or (x, y, z))")

    def _index(self) -> int | None:
        if self._peek()[0] != "index":
            return None
        return int(self._take()[1][1:-1])

    def _atom(self) -> Select:
        kind, value = self._peek()
        if kind == "end":
            raise SelectorError("ending too early")
        if kind in ("vector", "word") and (kind == "vector" or value in AXES):
            d = self._direction()
            return _along(d)
        if kind == "word" and value in VIEWS:
            self._take()
            axis, far = VIEWS[value]
            return _nth(_along_axis(axis), -1, far, planar_only=False)
        if kind != "op":
            raise SelectorError(f"{value!r} is not a selector")
        self._take()
        if value == "%":
            _, name = self._take()
            if name.upper() not in KINDS:
                raise SelectorError(f"{name!r} is not a kind of face ({', '.join(KINDS[:11])})")
            return lambda faces: {i for i, f in enumerate(faces) if f.kind == name.upper()}
        if value in (">", "<", ">>", "<<"):
            d = self._direction()
            n = self._index()
            planar = value in (">", "<") and n is not None
            return _nth(d, -1 if n is None else n, value.startswith(">"), planar_only=planar)
        if value in ("+", "-", "|", "#"):
            d = self._direction()
            if value == "-":
                return _along(d.Multiplied(-1.0))
            if value == "+":
                return _along(d)
            test = _parallel if value == "|" else _perpendicular
            return lambda faces: {
                i for i, f in enumerate(faces) if f.normal is not None and test(d, f.normal)
            }
        raise SelectorError(f"{value!r} is not a selector")


def _along_axis(axis: str) -> Any:
    from OCP.gp import gp_Vec

    return gp_Vec(*AXES[axis])


def _along(d: Any) -> Select:
    return lambda faces: {
        i for i, f in enumerate(faces) if f.normal is not None and d.Angle(f.normal) < TOLERANCE
    }


def _parallel(d: Any, normal: Any) -> bool:
    return bool(d.Crossed(normal).Magnitude() < TOLERANCE)


def _perpendicular(d: Any, normal: Any) -> bool:
    return bool(abs(d.Angle(normal) - math.pi / 2) < TOLERANCE)


def _nth(d: Any, n: int, far: bool, planar_only: bool) -> Select:
    """The faces on the n-th level along `d` (from the far end when `far`): the
    centres' distances along `d` sorted, a level starting at its nearest face and
    holding every face within TOLERANCE of it; with `planar_only`, planar faces parallel
    to `d` only."""

    def chosen(faces: Sequence[FaceFacts]) -> set[int]:
        keyed = sorted(
            (
                (f.centre.Dot(d), i)
                for i, f in enumerate(faces)
                if not planar_only or (f.normal is not None and _parallel(d, f.normal))
            ),
            key=lambda pair: pair[0],
        )
        if not keyed:
            raise SelectorError("no face to count levels on")
        levels: list[list[int]] = [[]]
        start = keyed[0][0]
        for key, i in keyed:
            if abs(key - start) <= TOLERANCE:
                levels[-1].append(i)
            else:
                levels.append([i])
                start = key
        if not far:
            levels.reverse()
        if not -len(levels) <= n < len(levels):
            raise SelectorError(f"index {n} past its {len(levels)} levels")
        return set(levels[n])

    return chosen
