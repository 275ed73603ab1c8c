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
    assert list(record) == ["rule", "message", "entries", "faces", "positions_mm", "figures"]


# --- the same positions on a flat panel and on an enclosure's lid --------------------------


def test_two_glands_15_mm_apart_fail_alike_on_a_panel_and_a_lid(tmp_path: Path) -> None:
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
    assert main(["cut", str(step), str(lid), "-o", str(tmp_path / "cut")]) == 1
    assert main(["panel", str(panel), "-o", str(tmp_path / "flat")]) == 1
    on_lid = _rules(tmp_path / "cut" / "lid-report.json")
    on_panel = _rules(tmp_path / "flat" / "flat-report.json")
    pair = [["place[0]", "place[1]"]]
    assert on_lid["flange_overlap"] == pair and on_lid["body_collision"] == pair
    assert set(on_lid) == set(on_panel) == {"flange_overlap", "body_collision"}
    assert on_panel["flange_overlap"] == pair and on_panel["body_collision"] == pair


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
    cq = pytest.importorskip("cadquery")
    box = cq.Workplane().box(160, 100, 50)
    solid = box.cut(cq.Workplane().box(156, 96, 46)).val().Solids()[0]
    step = tmp_path / "box.step"
    solid.exportStep(str(step))
    layout = tmp_path / "box-faces.toml"
    layout.write_text(
        "[enclosure]\ncoating = 0.0\n"
        f'[[face]]\nname = "lid"\nselect = ">Z"\n'
        f'[[face.place]]\npart = "{GLAND}"\nx = 80.0\ny = 18.0\n'
        f'[[face]]\nname = "front"\nselect = "<Y"\n'
        f'[[face.place]]\npart = "{JACK}"\nx = 80.0\ny = 29.0\n',
        encoding="utf-8",
    )
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
