"""Ways out are proven: every change a report offers, applied to the same command (or
the same panel file), makes it exit 0; where no change of one input helps, the report
says why. Figures checked against the data sheets' grip ranges and bands (mm)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Run

from geom.data.templates import load_catalog
from geom.panel.layout import check_layout
from geom.panel.model import load_panel

CATALOG = load_catalog()

SCHURTER = ["schurter-6100.4115", "--sheet", "2.0", "--coating", "0.06..0.12"]


def _options(base: list[str], change: dict[str, Any]) -> list[str]:
    """`base` (PART then options) with the options `change` names replaced."""
    args = list(base)
    for key, value in change.items():
        option = "--" + key.replace("_", "-")
        if option in args:
            i = args.index(option)
            del args[i : i + (1 if key == "masked" else 2)]
        if key == "masked":
            assert value is True
            args.append(option)
        elif isinstance(value, list):
            args += [option, f"{value[0]!r}..{value[1]!r}"]
        else:
            args += [option, str(value)]
    return args


COMMANDS = [
    SCHURTER,  # grip exactly 1.5 mm: no sheet grips with a coating band
    ["770-744", "--sheet", "1.5", "--coating", "0.06..0.12"],  # the band: 0.12 > 0.1
    ["770-744", "--sheet", "1.5", "--coating", "0.06..0.12", "--shop-tolerance", "0.1"],
    ["770-744", "--sheet", "2.0", "--coating", "0.08"],  # too thick: 2.16 > 2.0
    ["770-744", "--sheet", "0.3"],  # too thin: 0.3 < 0.5
    ["770-744", "--sheet", "1.5", "--coating", "0.06..0.12", "--target", "nominal"],
    ["gland-M20", "--sheet", "1.5", "--coating", "0.06..0.12", "--shop-tolerance", "0.1"],
    ["dsub-E9", "--sheet", "1.0", "--coating", "0.1..0.2"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_every_way_out_of_a_check_makes_it_pass(
    geom: Callable[..., Run], tmp_path: Path, command: list[str]
) -> None:
    run = geom("check", *command, "--json")
    assert run.code == 1, run.out
    report = run.json()
    assert report["ways_out"] or "no_way_out" in report, report
    for way in report["ways_out"]:
        assert set(way["change"]) <= {"sheet", "coating", "masked", "shop_tolerance", "target"}
        again = geom("check", *_options(command, way["change"]))
        assert again.code == 0, (way, again.out)
    cutout = geom("cutout", *command, "-o", tmp_path, "--json")
    assert cutout.code == 1
    assert cutout.json()["ways_out"] == report["ways_out"]  # the same advice, every door


def test_a_grip_of_exactly_1_5_mm_takes_no_coating_band(geom: Callable[..., Run]) -> None:
    """SCHURTER's one-step lock holds 1.5 mm: with 0.06 .. 0.12 mm per face the finished
    plate spreads over 0.12 mm, so no sheet, and no coating on a 2 mm sheet (2 > 1.5)."""
    report = geom("check", *SCHURTER, "--json").json()
    why = report["no_way_out"]
    assert "no sheet grips" in why and "0.120 mm" in why
    assert "2.000 mm sheet alone is thicker" in why
    assert "masked" not in str([w["change"] for w in report["ways_out"]])  # grip: no mask
    # Two inputs together: a coating held to one value, and the sheet 1.5 - 2 c.
    (way,) = report["ways_out"]
    c = way["change"]["coating"]
    assert c[0] == c[1]
    assert way["change"]["sheet"] == pytest.approx(1.5 - 2 * c[0])
    text = geom("check", *SCHURTER).out
    assert "no way out: no change of one input" in text
    assert text.count("way out:") == 2
    assert "1.260" not in text.split("no way out")[1]  # the old advice that did not work


def test_a_sheet_too_thick_for_the_grip_gets_the_thickest_that_grips(
    geom: Callable[..., Run],
) -> None:
    """770-744 grips 0.5 .. 2.0 mm: with 0.08 mm per face, 2.0 - 2 x 0.08 = 1.84 mm."""
    report = geom("check", "770-744", "--sheet", "2.0", "--coating", "0.08", "--json").json()
    changes = [w["change"] for w in report["ways_out"]]
    assert {"sheet": 1.84} in changes
    assert {"coating": [0.0, 0.0]} in changes  # bare 2.0 mm: the grip range's top
    assert all("masked" not in c for c in changes)
    assert "no_way_out" not in report


def test_a_fit_that_holds_offers_nothing(geom: Callable[..., Run]) -> None:
    report = geom("check", "770-744", "--sheet", "1.5", "--json").json()
    assert report["ok"] and report["ways_out"] == [] and "no_way_out" not in report
    assert "way out" not in geom("check", "770-744", "--sheet", "1.5").out


# --- panels ---------------------------------------------------------------------------

PANEL_2U: dict[str, Any] = {
    "width": 482.6,
    "height": 88.1,
    "corner_radius": 1.0,
    "sheet": 1.5,
    "coating": [0.06, 0.12],
    "process": "laser",
}
"""A 2U front (482.6 x 88.1 mm, EIA-310: 2 x 44.45 mm less 0.8 mm), powder-coated 0.06 ..
0.12 mm per face, with the example panel's parts (below)."""

PARTS_2U = """
[[array]]
part = "770-744/064-000"
x = 175.0
y = 60.0
cols = 4
rows = 1
pitch_x = 55.0
label = "X"

[[array]]
part = "770-1242/076-000"
x = 160.0
y = 25.0
cols = 6
rows = 1
pitch_x = 40.0
label = "XS"

[[place]]
part = "gland-M20"
x = 395.0
y = 44.0
label = "W1"

[[place]]
part = "iec61554-48x48"
x = 100.0
y = 44.0
label = "P1"

[[array]]
part = "pushbutton-22-22.3"
x = 450.0
y = 25.0
cols = 1
rows = 2
pitch_y = 38.0
label = "S"
"""

INLET = """
[[place]]
part = "schurter-6100.4115"
x = 40.0
y = 44.0
label = "XP"
"""


def _toml(key: str, value: Any) -> str:
    """`key = value` as TOML."""
    if isinstance(value, bool):
        return f"{key} = {'true' if value else 'false'}"
    return f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value!r}"


def _panel_file(folder: Path, name: str, panel: dict[str, Any], more: str) -> Path:
    """The 2U panel file with the [panel] table `panel` and the parts (and `more`)."""
    lines = ["[panel]", *(_toml(key, value) for key, value in panel.items())]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n" + PARTS_2U + more, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "more"),
    [({}, ""), ({"shop_tolerance": 0.05}, ""), ({"shop_tolerance": 0.05}, INLET), ({}, INLET)],
    ids=["laser-default-shop", "shop-0.05", "shop-0.05-inlet", "laser-default-shop-inlet"],
)
def test_every_way_out_of_a_coated_2u_panel_makes_it_pass(
    geom: Callable[..., Run], tmp_path: Path, extra: dict[str, Any], more: str
) -> None:
    path = _panel_file(tmp_path, "coated", PANEL_2U | extra, more)
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 1, run.out
    report = json.loads((tmp_path / "out" / "coated-report.json").read_text(encoding="utf-8"))
    ways = report["ways_out"]
    assert ways or "no_way_out" in report, report
    lines = run.out.splitlines()
    fails = [i for i, line in enumerate(lines) if line.startswith("  FAIL")]
    advice = [i for i, line in enumerate(lines) if "way out: " in line]
    assert advice and min(advice) > max(fails)  # after the FAIL lines
    assert len(advice) == len(ways) + ("no_way_out" in report)  # each once
    for k, way in enumerate(ways):
        changed = _panel_file(tmp_path, f"way{k}", PANEL_2U | extra | way["change"], more)
        # `geom panel` exits 0 exactly when the layout has no violation; the command itself
        # (which then writes every STEP file and drawing) runs for the first way out.
        assert check_layout(load_panel(changed, CATALOG)) == [], way
        if k == 0 and more == "" and extra:
            again = geom("panel", changed, "-o", tmp_path / f"out{k}")
            assert again.code == 0, (way, again.out)


# --- a layout cut into an enclosure ------------------------------------------------------


def test_every_way_out_of_a_coated_cut_makes_it_pass(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """Two 770-744 sockets in the 2 mm lid of a box, powder-coated 0.06 .. 0.12 mm: the
    finished plate 2.12 .. 2.24 mm is over the 2.0 mm grip, so only bare edges and faces
    (no coating) hold; masking leaves the grip as it is. The wall is measured: no sheet."""
    pytest.importorskip("cadquery")
    from test_cut import enclosure, layout

    step = enclosure(tmp_path)
    places = [(50.0, 50.0), (110.0, 50.0)]
    lid = layout(tmp_path, places, "coating = [0.06, 0.12]", name="coated")
    run = geom("cut", step, lid, "-o", tmp_path / "out")
    assert run.code == 1
    report = json.loads((tmp_path / "out" / "coated-report.json").read_text(encoding="utf-8"))
    changes = [w["change"] for w in report["ways_out"]]
    assert {"coating": [0.0, 0.0]} in changes  # 2.0 + 2 c <= 2.0
    assert all("sheet" not in c and "masked" not in c for c in changes)
    assert run.out.count("way out: ") == len(changes) + ("no_way_out" in report)
    for k, change in enumerate(changes):
        keys = "\n".join(_toml(key, value) for key, value in change.items())
        again = layout(tmp_path, places, keys, name=f"way{k}")
        assert geom("cut", step, again, "-o", tmp_path / f"out{k}").code == 0


BENT = """
[[flange]]
edge = "bottom"
height = 20.0
angle = 90.0
direction = "down"

[[place]]
part = "770-744/064-000"
x = 100.0
y = 40.0
"""


def test_every_way_out_of_a_coated_bent_panel_makes_it_pass(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """A bent panel keeps its sheet (its bends are drawn for it): masking and a shop that
    holds T/2 = 0.05 mm together, checked on the whole bent panel."""
    panel = {"width": 200.0, "height": 80.0, "sheet": 1.5, "coating": [0.06, 0.12]}
    panel["process"] = "laser"

    def write(name: str, table: dict[str, Any]) -> Path:
        path = tmp_path / f"{name}.toml"
        lines = ["[panel]", *(_toml(k, v) for k, v in table.items())]
        path.write_text("\n".join(lines) + "\n" + BENT, encoding="utf-8")
        return path

    run = geom("panel", write("bent", panel), "-o", tmp_path / "out")
    assert run.code == 1
    report = json.loads((tmp_path / "out" / "bent-report.json").read_text(encoding="utf-8"))
    changes = [w["change"] for w in report["ways_out"]]
    assert {"masked": True, "shop_tolerance": 0.05} in changes
    assert all("sheet" not in c for c in changes)
    for k, change in enumerate(changes):
        again = geom("panel", write(f"way{k}", panel | change), "-o", tmp_path / f"out{k}")
        assert again.code == 0, (change, again.out)


def test_a_slot_tighter_than_the_shop_gets_the_shop_it_needs(tmp_path: Path) -> None:
    """No part on the panel: a slot of +/-0.05 mm on a laser (+/-0.1 mm by default)."""
    from geom.panel.ways_out import panel_advice

    path = tmp_path / "slot.toml"
    path.write_text(
        '[panel]\nwidth = 100\nheight = 60\nsheet = 1.5\nprocess = "laser"\n'
        "[[slot]]\nx = 50\ny = 30\nlength = 10\nwidth = 6.5\ntolerance = 0.05\n",
        encoding="utf-8",
    )
    advice = panel_advice(load_panel(path, CATALOG))
    assert [w.change.as_json() for w in advice.ways_out] == [{"shop_tolerance": 0.05}]
