"""The pedal examples in examples/ cut as a builder cuts them (`geom cut LAYOUT -o DIR`, no
STEP file: the layout names the box) and give what they promise: exit 0, every hole a
CIRCLE on its face's `CUT` at the layout's x, y and the diameter its data gives, the cut
box one solid whose volume is the box's less every hole's area times the wall, and the
Tayda text read back by `geom tayda` the same layout."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from measure import read as read_dxf

from geom.cli import main

ROOT = Path(__file__).resolve().parents[1]
DIAMETER = {
    "pedal-pot-16": 7.2 + 0.15,
    "pedal-led-5": 6.5 + 0.15,
    "pedal-3pdt": 12.2 + 0.15,
    "pedal-jack-6.35": 9.5 + 0.15,
    "pedal-dc-2.1": 7.4 + 0.35,
}
"""Each part's hole as drawn (mm): the builders' drilling guide's hole plus half its band
(the fit model's mid target): 0.3 mm bands, and 0 .. 0.7 for the DC jack's 7.4 .. 8.1."""
WALL = {"1590BB": 2.26, "125B": 2.5}
"""The walls (mm): the 1590BB's measured on a Hammond box, the 125B's assumed."""


def _volume(shape: Any) -> float:
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(shape, props)
    return float(props.Mass())


def _solids(path: Path) -> list[Any]:
    from OCP.STEPControl import STEPControl_Reader
    from OCP.TopAbs import TopAbs_SOLID
    from OCP.TopExp import TopExp_Explorer

    reader = STEPControl_Reader()
    reader.ReadFile(str(path))
    reader.TransferRoots()
    found, explorer = [], TopExp_Explorer(reader.OneShape(), TopAbs_SOLID)
    while explorer.More():
        found.append(explorer.Current())
        explorer.Next()
    return found


@pytest.mark.parametrize("example", ["pedal-1590bb-fuzz", "pedal-125b"])
def test_a_pedal_example_cuts_its_box(example: str, tmp_path: Path) -> None:
    from OCP.BRepCheck import BRepCheck_Analyzer

    import geom

    layout = ROOT / "examples" / f"{example}.toml"
    data = tomllib.loads(layout.read_text(encoding="utf-8"))
    model = data["box"]["model"]
    assert main(["cut", str(layout), "-o", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    holes = 0.0
    for face in data["face"]:
        doc = read_dxf(out / f"{example}-{face['name']}-face.dxf")
        circles = sorted(
            (round(e.dxf.center.x, 6), round(e.dxf.center.y, 6), round(2 * e.dxf.radius, 6))
            for e in doc.modelspace()
            if e.dxf.layer == "CUT"
        )
        expected = sorted((p["x"], p["y"], round(DIAMETER[p["part"]], 6)) for p in face["place"])
        assert len(circles) == len(expected)
        for got, want in zip(circles, expected, strict=True):
            assert got == pytest.approx(want, abs=1e-6)
        holes += sum(math.pi * d * d / 4 for _, _, d in expected)
    (cut,) = _solids(out / f"{example}-cut.step")
    assert BRepCheck_Analyzer(cut).IsValid()
    before = _volume(geom.box_solids(model)["body"])
    assert _volume(cut) == pytest.approx(before - holes * WALL[model], rel=1e-9)

    again = tmp_path / "again.toml"
    tayda = out / f"{example}-tayda.txt"
    assert main(["tayda", str(tayda), "--box", model, "-o", str(again)]) == 0
    back = tomllib.loads(again.read_text(encoding="utf-8"))
    read_back = sorted(
        (f["name"], h["x"], h["y"], h["diameter"]) for f in back["face"] for h in f["hole"]
    )
    written = sorted(
        (f["name"], p["x"], p["y"], round(DIAMETER[p["part"]], 6))
        for f in data["face"]
        for p in f["place"]
    )
    assert [r[0] for r in read_back] == [w[0] for w in written]
    for got, want in zip(read_back, written, strict=True):
        assert got[1:] == pytest.approx(want[1:], abs=0.01)
