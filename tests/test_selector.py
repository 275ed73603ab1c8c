"""geom's face selectors (geom.cad.selector, OCP alone) pick exactly the faces CadQuery's
own string selectors pick (`Workplane.faces(selector)`), for every form docs/cut.md
lists, on solids with faces on several levels, curved faces and slanted ones; a string
CadQuery refuses (or an index past the last level) geom refuses too, and `geom cut`
says so in one line (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geom.cad.enclosure import faces
from geom.cad.selector import SelectorError, facts, select
from geom.cli import main

cq = pytest.importorskip("cadquery")

SELECTORS = [
    # a direction alone, along, against, parallel, perpendicular
    "Z",
    "X",
    "XY",
    "+Z",
    "-Z",
    "+X",
    "-Y",
    "|Z",
    "|X",
    "|XY",
    "#Z",
    "#X",
    "+(1, 1, 0)",
    "|(0,0,1)",
    # furthest, least far, n-th level
    ">Z",
    "<Z",
    ">X",
    "<X",
    ">Y",
    "<Y",
    ">XY",
    "<YZ",
    ">XZ",
    ">(1, 1, 0)",
    "<(0.5, -1, 2)",
    ">Z[0]",
    ">Z[1]",
    ">Z[-1]",
    ">Z[-2]",
    "<Z[0]",
    "<Z[1]",
    "<Z[-2]",
    ">X[1]",
    ">Z[ 1 ]",
    ">>Z",
    "<<Z",
    ">>Z[1]",
    "<<X[-2]",
    ">>Y[0]",
    # kinds, named views
    "%PLANE",
    "%plane",
    "%CYLINDER",
    "%TORUS",
    "%LINE",
    "front",
    "back",
    "left",
    "right",
    "top",
    "bottom",
    # combined
    ">Z and |Z",
    "|Z or |X",
    "|Z exc >Z",
    "|Z except <Z",
    "not |Z",
    "not (>Z or <Z)",
    "(>X or <X) and %PLANE",
    "%PLANE and not |X",
    "|Z and >Z or <X",
    ">Z or <Z and |X",
    "|X or |Y exc >X",
    "not %PLANE and >Z",
    "|Z or not >Z",
    "|Z and not >Z or <X",
    "not not >Z",
    "> Z",
    "  >Z  ",
]
BAD = [">Q", ">", "|Z and", "(>Z", ">Z)", "%FOO", ">Z[7]", "<X[-9]", "Q"]


def _solids() -> dict[str, Any]:
    """A plain box, a stepped block (three levels up), a hollow box with every edge
    filleted and a hole in its lid, and a block turned 30 degrees about Z (slanted
    sides)."""
    box = cq.Workplane().box(40, 30, 20).val()
    stepped = (
        cq.Workplane()
        .box(60, 30, 10)
        .faces(">Z")
        .workplane()
        .center(-10, 0)
        .rect(40, 30)
        .extrude(10)
        .faces(">Z")
        .workplane()
        .center(-10, 0)
        .rect(20, 30)
        .extrude(5)
        .val()
    )
    outer = cq.Workplane().box(160, 100, 50).edges().fillet(3)
    inner = cq.Workplane().box(156, 96, 46).edges().fillet(1)
    hollow = outer.cut(inner).faces(">Z").workplane().hole(10).val()
    turned = cq.Workplane().box(30, 20, 10).rotate((0, 0, 0), (0, 0, 1), 30).val()
    return {"box": box, "stepped": stepped, "hollow": hollow, "turned": turned}


SOLIDS = _solids()


def _cadquery(solid: Any, text: str) -> set[int] | None:
    """The indices (in geom's face order) of the faces CadQuery picks; None when it
    refuses the selector."""
    try:
        picked = cq.Workplane().add(solid).faces(text).vals()
    except Exception:  # pyparsing's ParseException, IndexError, ValueError
        return None
    every = faces(solid.wrapped)
    out = set()
    for face in picked:
        (index,) = [i for i, f in enumerate(every) if f.IsSame(face.wrapped)]
        out.add(index)
    return out


def _geom(solid: Any, text: str) -> set[int] | None:
    try:
        return set(select([facts(f) for f in faces(solid.wrapped)], text))
    except SelectorError:
        return None


@pytest.mark.parametrize("name", sorted(SOLIDS))
@pytest.mark.parametrize("text", SELECTORS + BAD)
def test_geom_picks_the_faces_cadquery_picks(name: str, text: str) -> None:
    solid = SOLIDS[name]
    expected = _cadquery(solid, text)
    assert _geom(solid, text) == expected
    if text in BAD and name == "box":
        assert expected is None


def test_the_selectors_are_not_all_trivial() -> None:
    """The list exercises levels: on the stepped block `>Z[1]` is the middle step and
    `<Z` the bottom, `|Z` three levels up plus the bottom; a bad index is refused."""
    stepped = SOLIDS["stepped"]
    assert len(_geom(stepped, "|Z") or ()) == 4
    assert _geom(stepped, ">Z[1]") == _cadquery(stepped, ">Z[1]") != _geom(stepped, ">Z")
    assert _geom(stepped, ">Z[3]") is not None and _geom(stepped, ">Z[4]") is None


def test_a_bad_selector_is_one_line_exit_2(tmp_path: Path, capsys: Any) -> None:
    step = tmp_path / "box.step"
    SOLIDS["box"].exportStep(str(step))
    for text in ('">Q"', '">Z[5]"', '"|Z and"'):
        lid = tmp_path / "lid.toml"
        lid.write_text(f"[face]\nselect = {text}\n[[hole]]\nx = 5.0\ny = 5.0\ndiameter = 3.0\n")
        out = tmp_path / "out"
        assert main(["cut", str(step), str(lid), "-o", str(out)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1, err
        assert err[0].startswith(f"geom: {lid}:face.select: ")
        assert "not a CadQuery face selector" in err[0] and "; allowed " in err[0]
        assert not out.exists()
