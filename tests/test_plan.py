"""One layout plan on every surface: the same rule codes for the same parts on a flat
panel and on an enclosure's faces, parts on different faces checked against each other,
measured on the reports the commands write (and on the plan alone, without a kernel).

The M12 cable gland (templates/cable-glands-metric.toml): a 20.5 x 20.5 mm hex in front
(5 mm thick) and a 20.5 x 20.5 mm envelope 15 mm deep; two of them 15 mm apart overlap
by 20.5 - 15 = 5.5 mm in front and behind. The Neutrik D-series jack (neutrik-d.toml):
a 26 x 31 mm flange, 1.5 mm thick, and a 26 x 31 mm envelope 30 mm deep.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from geom.cli import main
from geom.data.templates import load_catalog
from geom.model.bend import Frame3
from geom.model.conditions import BARE, Conditions
from geom.model.fit import Fit
from geom.model.layout import (
    FaceRules,
    Opening,
    Placement,
    Plan,
    Rule,
    Violation,
    plan,
    violation_record,
)
from geom.model.tolerance import Size

GLAND = "gland-M12"
JACK = "neutrik-d-series"


def _rules(report: Path) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    for v in json.loads(report.read_text())["violations"]:
        found.setdefault(v["rule"], []).append(v["entries"])
    return found


# --- the plan alone: no files, no kernel -------------------------------------------------


class Box:
    """Two faces of a 100 mm cube seen from outside: the lid (z = 50, X = +x, Y = +y)
    and the front (y = 0, X = +x, Y = +z), 2 mm sheet, 100 x 100 mm each, no edge rule."""

    across = Rule.BODY_COLLISION
    frames: ClassVar[dict[str, Frame3]] = {
        "lid": Frame3(np.array([0, 0, 50.0]), np.eye(3)[0], np.eye(3)[1], np.eye(3)[2]),
        "front": Frame3(np.zeros(3), np.eye(3)[0], np.eye(3)[2], -np.eye(3)[1]),
    }

    def faces(self) -> list[str]:
        return ["lid", "front"]

    def frame(self, face: str) -> Frame3:
        return self.frames[face]

    def sheet(self, placement: Placement) -> Size | None:
        return Size.exact(2.0)

    def openings(self) -> list[Opening]:
        return []

    def wall(self, opening: Opening) -> Size | None:
        return Size.exact(2.0)

    def rules(self, opening: Opening) -> FaceRules:
        return FaceRules(2.0, 0.0, "web >= t", "none", "the face's boundary")

    def edge(self, opening: Opening) -> float | None:
        return 100.0

    def where(self, face: str) -> str:
        return f" (on face {face})"

    def fit_context(self, fit: Fit) -> str:
        return "(wall 2 mm)"

    def own_rules(self, plan: Plan) -> list[Violation]:
        return []


def test_the_plan_finds_the_same_codes_on_a_face_and_across_faces() -> None:
    parts = load_catalog().parts
    gland, jack = parts[GLAND], parts[JACK]
    places = [
        Placement("a", gland, 50.0, 20.0, 0, "lid"),
        Placement("b", gland, 65.0, 20.0, 0, "lid"),
        # The jack's envelope reaches 30 - 1.5 = 28.5 mm behind the front's face
        # (y 2 .. 28.5) at z 36.5 .. 67.5: into the lid glands' at y 9.75 .. 30.25,
        # z 40 .. 48 (15 - 5 = 10 mm behind the lid's face, to the 2 mm sheet's back).
        Placement("c", jack, 50.0, 52.0, 0, "front"),
    ]
    done = plan(Box(), places, Conditions(None, BARE))
    codes = {(str(v.rule), v.entries, v.faces) for v in done.violations}
    assert (Rule.FLANGE_OVERLAP, ("a", "b"), ("lid", "lid")) in codes
    assert (Rule.BODY_COLLISION, ("a", "b"), ("lid", "lid")) in codes
    across = [v for v in done.violations if v.faces in (("lid", "front"), ("front", "lid"))]
    assert {v.entries for v in across} == {("a", "c"), ("b", "c")}
    assert all(v.rule == Rule.BODY_COLLISION for v in across)
    record = violation_record(across[0])
    assert list(record) == [
        "rule",
        "message",
        "entries",
        "faces",
        "positions_mm",
        "figures",
        "profile",
        "source",
    ]


# --- the same positions on a flat panel and on an enclosure's lid --------------------------


def test_two_glands_15_mm_apart_fail_alike_on_every_surface(tmp_path: Path, capsys: Any) -> None:
    cq = pytest.importorskip("cadquery")
    box = cq.Workplane().box(160, 100, 50)
    solid = box.cut(cq.Workplane().box(156, 96, 46)).val().Solids()[0]
    step = tmp_path / "box.step"
    solid.exportStep(str(step))
    places = "".join(f'[[place]]\npart = "{GLAND}"\nx = {x}\ny = 50.0\n' for x in (70.0, 85.0))
    lid = tmp_path / "lid.toml"
    lid.write_text('[face]\nselect = ">Z"\n' + places, encoding="utf-8")
    panel = tmp_path / "flat.toml"
    panel.write_text(
        '[panel]\nwidth = 160.0\nheight = 100.0\nsheet = 2.0\nprocess = "laser"\n' + places,
        encoding="utf-8",
    )
    bent = tmp_path / "bent.toml"  # the same base with a 20 mm flange bent down at the top
    bent.write_text(
        panel.read_text(encoding="utf-8").replace(
            "[[place]]",
            '[[flange]]\nedge = "top"\nheight = 20.0\nangle = 90.0\ndirection = "down"\n[[place]]',
            1,
        ),
        encoding="utf-8",
    )
    assert main(["cut", str(step), str(lid), "-o", str(tmp_path / "cut")]) == 1
    printed = capsys.readouterr().out
    both = "[place[0] at (70.000, 50.000), place[1] at (85.000, 50.000)]"
    assert "FAIL flange_overlap: place[0] (gland-M12) and place[1] (gland-M12)" in printed
    assert "FAIL body_collision: place[0] (gland-M12) and place[1] (gland-M12)" in printed
    assert printed.count(both) == 2
    assert main(["panel", str(panel), "-o", str(tmp_path / "flat")]) == 1
    assert main(["panel", str(bent), "-o", str(tmp_path / "bent")]) == 1
    pair = [["place[0]", "place[1]"]]
    expected = {"flange_overlap": pair, "body_collision": pair}
    assert _rules(tmp_path / "cut" / "lid-report.json") == expected
    assert _rules(tmp_path / "flat" / "flat-report.json") == expected
    assert _rules(tmp_path / "bent" / "bent-report.json") == expected


def test_a_jack_on_the_front_reaching_a_gland_under_the_lid_fails(
    tmp_path: Path, capsys: Any
) -> None:
    """The box: 160 x 100 x 50 mm, 2 mm walls, sharp edges; the lid's frame origin is
    world (-80, -50, 25), the front's (<Y) (-80, -50, -25), its Y world +Z. The gland at
    lid (80, 18) has its envelope at world y -42.25 .. -21.75, z 15 .. 23 (15 - 5 mm
    behind the lid's face, to the 2 mm lid's inner face); the jack at front (80, 29) has
    its envelope at world y -48 .. -21.5 (30 - 1.5 mm behind its face, from the wall's
    inner face), z -11.5 .. 19.5, both round x = 0: they share x -10.25 .. 10.25,
    y -42.25 .. -21.75, z 15 .. 19.5 (4.5 mm deep)."""
    step, layout = _box_with_two_faces(tmp_path, "coating = 0.0", jack_y=29.0)
    out = tmp_path / "out"
    assert main(["cut", str(step), str(layout), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    report = json.loads((out / "box-faces-report.json").read_text())
    (hit,) = [v for v in report["violations"] if v["rule"] == "body_collision"]
    assert hit["entries"] == ["face[0].place[0]", "face[1].place[0]"]
    assert hit["faces"] == ["lid", "front"]
    assert hit["figures"]["depth"] == pytest.approx(19.5 - 15.0)
    assert "face[0].place[0] on lid at (80.000, 18.000)" in text
    assert "face[1].place[0] on front at (80.000, 29.000)" in text
    assert not (out / "box-faces-cut.step").exists()


def test_a_face_named_twice_is_bad_input(tmp_path: Path, capsys: Any) -> None:
    layout = tmp_path / "two.toml"
    face = f'[[face]]\nname = "lid"\nselect = ">Z"\n[[face.place]]\npart = "{GLAND}"\n'
    layout.write_text((face + "x = 50.0\ny = 50.0\n") * 2, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["cut", str(tmp_path / "box.step"), str(layout), "-o", str(out)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"geom: {layout}:face[1].name: 'lid' is not a new, safe face name; "
        "allowed a name unique in the file"
    )
    assert not out.exists()


def test_two_faces_that_hold_write_one_dxf_per_face(tmp_path: Path) -> None:
    """The jack 9 mm lower on the front (frame y 20: its envelope at world z -20.5 ..
    10.5) stays below the gland's (z 15 .. 23): exit 0, each face's DXF holds its own
    openings in its own frame: the gland's hole at lid (80, 18); the jack's 24 mm hole at
    front (80, 20) and its four 3.2 mm fixing holes at (80 +/- 9.5, 20 +/- 12)."""
    from measure import cut_loops

    # The jack's fixing holes leave 1.63 mm to its 24 mm hole: less than t = 2 mm, the
    # laser default; the 3.2 .. 3.3 mm hole band needs a shop holding +/-0.02 mm.
    step, layout = _box_with_two_faces(
        tmp_path, "min_web = 1.5\nshop_tolerance = 0.02", jack_y=20.0
    )
    out = tmp_path / "out"
    assert main(["cut", str(step), str(layout), "-o", str(out)]) == 0

    def centres(name: str) -> list[tuple[float, float]]:
        loops = [lp for lp in cut_loops(out / name) if lp.width < 50]  # not the outline
        return sorted((round(lp.centre[0], 6), round(lp.centre[1], 6)) for lp in loops)

    assert centres("box-faces-lid-face.dxf") == [(80.0, 18.0)]
    holes = [(80.0 + dx, 20.0 + dy) for dx in (-9.5, 9.5) for dy in (-12.0, 12.0)]
    assert centres("box-faces-front-face.dxf") == sorted([(80.0, 20.0), *holes])
    report = json.loads((out / "box-faces-report.json").read_text())
    assert report["files"]["dxf"] == ["box-faces-lid-face.dxf", "box-faces-front-face.dxf"]
    assert [f["name"] for f in report["faces"]] == ["lid", "front"]


def _box_with_two_faces(tmp_path: Path, enclosure: str, jack_y: float) -> tuple[Path, Path]:
    """The 160 x 100 x 50 mm box with 2 mm walls as a STEP file, and a layout with the
    gland on its lid at (80, 18) and the jack on its front at (80, `jack_y`), the
    `[enclosure]` table holding `enclosure`."""
    cq = pytest.importorskip("cadquery")
    box = cq.Workplane().box(160, 100, 50)
    solid = box.cut(cq.Workplane().box(156, 96, 46)).val().Solids()[0]
    step = tmp_path / "box.step"
    solid.exportStep(str(step))
    layout = tmp_path / "box-faces.toml"
    layout.write_text(
        f"[enclosure]\n{enclosure}\n"
        f'[[face]]\nname = "lid"\nselect = ">Z"\n'
        f'[[face.place]]\npart = "{GLAND}"\nx = 80.0\ny = 18.0\n'
        f'[[face]]\nname = "front"\nselect = "<Y"\n'
        f'[[face.place]]\npart = "{JACK}"\nx = 80.0\ny = {jack_y}\n',
        encoding="utf-8",
    )
    return step, layout
