"""Shop rule profiles: what one shop (or one process's rules of thumb) asks of a layout,
each figure with its source (pure data; read from templates/shops/*.toml by
geom.data.shops). All sizes in mm; t the sheet (the thickest of its band, or the wall
measured under an opening), R a bend's inside radius."""

from __future__ import annotations

from dataclasses import dataclass

from geom.model.conditions import Shop
from geom.model.layout import FaceRules


@dataclass(frozen=True, slots=True)
class Figure:
    """A rule's minimum: max(per_t t + plus (+ R when `bend`), at_least) mm, and where
    it comes from."""

    per_t: float
    plus: float
    at_least: float
    source: str
    bend: bool = False
    """The inside bend radius R adds to it (a distance from a bend)."""

    def at(self, t: float, radius: float = 0.0) -> float:
        """The minimum on a sheet `t` mm thick next to a bend of inside radius `radius`."""
        extra = radius if self.bend else 0.0
        return max(self.per_t * t + self.plus + extra, self.at_least)


@dataclass(frozen=True, slots=True)
class Profile:
    """One shop's rules. `min_inner_radius` None: the process cuts sharp inner corners
    (laser, punch) and no corner rule applies. `countersink_edge` is rule
    countersink.edge's figure; `countersink_bend` is stored, no check reads it yet."""

    name: str
    title: str
    process: str
    """"laser", "punch" or "mill": the report's process."""
    shop: Shop
    """What the shop holds on a cut (+/- mm) and its source."""
    min_hole: Figure
    web: Figure
    edge: Figure
    cut_to_bend: Figure
    countersink_edge: Figure
    countersink_bend: Figure
    min_inner_radius: Figure | None = None

    def cite(self, source: str) -> str:
        """A source as violations and reports state it: the profile, then the source."""
        return f"profile {self.name}: {source}"

    def rules(
        self,
        t: float,
        *,
        min_web: tuple[float, str] | None = None,
        min_edge: tuple[float, str] | None = None,
        boundary: str = "the outline",
        measured: str = "",
    ) -> FaceRules:
        """The rules of an opening on a sheet `t` mm thick (the thickest of its band, or
        the wall measured under it); `min_web` / `min_edge`: a file's override (value,
        where it is written), which replaces the profile's figure; `measured` ends each
        profile source (e.g. ", t = 2 mm measured")."""

        def cited(figure: Figure) -> str:
            return self.cite(figure.source) + measured

        web = min_web or (self.web.at(t), cited(self.web))
        edge = min_edge or (self.edge.at(t), cited(self.edge))
        corner = self.min_inner_radius
        return FaceRules(
            min_web=web[0],
            min_edge=edge[0],
            web_source=web[1],
            edge_source=edge[1],
            boundary=boundary,
            min_hole=self.min_hole.at(t),
            hole_source=cited(self.min_hole),
            min_inner_radius=0.0 if corner is None else corner.at(t),
            radius_source="" if corner is None else cited(corner),
            profile=self.name,
            min_countersink_edge=self.countersink_edge.at(t),
            countersink_source=cited(self.countersink_edge),
        )
