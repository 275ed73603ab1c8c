"""Properties of bent parts over the parameter space (hypothesis, the profile's settings):
any base, 1 to 4 flanges of any angle, direction and radius, either relief. The flat
pattern's outline passes geom's DXF lint; the folded part is one valid solid whose
volume is the base's flat region, the flanges' flat regions and the bend sectors worked
out here; a part whose flanges collide when folded is reported, never silently built."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from profiles import kernel_property

from geom.dxf.flat import write_flat
from geom.model.bend import EDGES, Flange, Relief, SheetMetal, din_factor

pytest.importorskip("OCP")

FLANGE = st.tuples(
    st.floats(10.0, 180.0),  # angle
    st.booleans(),  # up
    st.floats(0.5, 6.0),  # radius
    st.floats(12.0, 40.0),  # height
)


@st.composite
def parts(draw: st.DrawFn) -> SheetMetal:
    s = draw(st.floats(0.5, 3.0))
    width, height = draw(st.floats(100.0, 300.0)), draw(st.floats(100.0, 300.0))
    edges = draw(st.lists(st.sampled_from(EDGES), min_size=1, max_size=4, unique=True))
    flanges = []
    for edge in EDGES:
        if edge in edges:
            angle, up, r, h = draw(FLANGE)
            h += (r + s) * 2  # a flat flange is left at any angle
            flanges.append(
                Flange(edge, h, angle, "up" if up else "down", r, "test", din_factor(r, s), s)
            )
    shape = draw(st.sampled_from(("square", "round")))
    relief = Relief(shape, draw(st.floats(0.0, 4.0)), "test")
    return SheetMetal(width, height, s, tuple(flanges), relief)


def worked_volume(metal: SheetMetal) -> float:
    """Flat regions and bend sectors (mm3), from the part's numbers and plain geometry."""
    s, e = metal.sheet, metal.relief.size
    inset = {f.edge: f.setback for f in metal.flanges}
    base = (metal.width - inset.get("left", 0) - inset.get("right", 0)) * (
        metal.height - inset.get("bottom", 0) - inset.get("top", 0)
    )
    corners = [("left", "bottom"), ("bottom", "right"), ("right", "top"), ("top", "left")]
    both = sum(a in inset and b in inset for a, b in corners)
    base -= both * (math.pi / 4 * e * e if metal.relief.shape == "round" else e * e)
    volume = base * s
    for f in metal.flanges:
        x0, x1 = metal.span(f.edge)
        volume += (x1 - x0) * (f.height - f.setback) * s
        volume += (x1 - x0) * math.radians(f.angle) / 2 * ((f.radius + s) ** 2 - f.radius**2)
    return volume


@kernel_property
@given(parts())
@example(
    SheetMetal(
        200.0,
        80.0,
        1.5,
        tuple(
            Flange(e, 20.0, 90.0, "down", 1.5, "test", din_factor(1.5, 1.5), 1.5)
            for e in ("bottom", "top")
        ),
        Relief("square", 1.5, "test"),
    )
)
def test_flat_pattern_lints_and_folded_part_is_one_solid(metal: SheetMetal) -> None:
    import tempfile

    from OCP.BRepCheck import BRepCheck_Analyzer
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    from geom.cad.folded import folded_shape
    from geom.model.bend import penetration

    with tempfile.TemporaryDirectory() as tmp:  # the lint runs before writing
        write_flat(Path(tmp) / "flat.dxf", [metal.outline()], [])
    pieces = list(metal.sheet_boxes())
    joined = {("base", f"bend {f.edge}") for f in metal.flanges}
    joined |= {(f"bend {f.edge}", f.edge) for f in metal.flanges}
    collide = any(
        penetration(a, b) > 1e-6
        for i, (na, a) in enumerate(pieces)
        for nb, b in pieces[i + 1 :]
        if (na, nb) not in joined
    )
    if collide:
        return  # geom reports bend.flange_collision and builds no folded part
    shape = folded_shape(metal, {})
    assert BRepCheck_Analyzer(shape).IsValid()
    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    assert props.Mass() == pytest.approx(worked_volume(metal), rel=1e-6)
