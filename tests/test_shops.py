"""Shop rule profiles (`shop = "NAME"`), measured on what `geom panel` and `geom cut`
write: the smallest hole and the inner corner radius are rules of the plan, the same on
a flat panel, a bent panel's faces and an enclosure's faces, and every violation names
the profile and its source. Figures worked out from the sources the profiles cite: the
laser default's hole >= t (Dumaco), the milled panel's 1 mm hole and R 0.5 mm corner
(Schaeffer AG)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _report(out: Path) -> dict[str, Any]:
    (path,) = out.glob("*-report.json")
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _panel(head: str, body: str = "") -> str:
    return f"[panel]\nwidth = 100.0\nheight = 60.0\nsheet = 2.0\n{head}\n{body}"


HOLE = "[[hole]]\nx = 20.0\ny = 20.0\ndiameter = {d}\n"


def test_a_0_8_mm_hole_in_2_mm_fails_the_laser_default(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """Acceptance: exit 1 naming the rule, the profile and its source (hole >= t = 2 mm)."""
    path = _write(tmp_path, "small", _panel('process = "laser"', HOLE.format(d=0.8)))
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 1
    (line,) = [ln for ln in run.out.splitlines() if "FAIL" in ln]
    assert "hole_too_small" in line and "profile laser-default" in line and "Dumaco" in line
    assert "0.800 mm hole, smaller than the 2.000 mm" in line
    (v,) = _report(tmp_path / "out")["violations"]
    assert (v["rule"], v["profile"], v["entries"]) == (
        "hole_too_small",
        "laser-default",
        ["hole[0]"],
    )
    assert v["source"].startswith("hole >= t, Dumaco")
    assert v["figures"] == {"diameter": 0.8, "min_hole": 2.0}
    assert not (tmp_path / "out" / "small-panel.dxf").exists()
    # A 2 mm hole is what the rule allows.
    path.write_text(_panel('process = "laser"', HOLE.format(d=2.0)), encoding="utf-8")
    assert geom("panel", path, "-o", tmp_path / "out2").code == 0


def test_the_rule_holds_on_a_bent_panels_flange(geom: Callable[..., Run], tmp_path: Path) -> None:
    body = (
        '[[flange]]\nedge = "bottom"\nheight = 20.0\nangle = 90.0\ndirection = "down"\n'
        'radius = 2.0\n[[hole]]\nface = "bottom"\nx = 50.0\ny = 12.0\ndiameter = 0.8\n'
    )
    path = _write(tmp_path, "bent", _panel('process = "laser"', body))
    assert geom("panel", path, "-o", tmp_path / "out").code == 1
    small = [v for v in _report(tmp_path / "out")["violations"] if v["rule"] == "hole_too_small"]
    assert [(v["faces"], v["profile"]) for v in small] == [(["bottom"], "laser-default")]


def test_the_rule_holds_on_an_enclosure_face(geom: Callable[..., Run], tmp_path: Path) -> None:
    """A 100 x 60 x 30 mm box with a 2 mm wall: a 0.8 mm hole in its lid fails the
    laser default measured on the wall (t = 2 mm); the milled profile cuts it no more
    (1 mm), SendCutSend's 0.5 t = 1 mm neither; a 1.2 mm hole passes SendCutSend's."""
    cq = pytest.importorskip("cadquery")
    box = cq.Workplane().box(100, 60, 30).cut(cq.Workplane().box(96, 56, 26)).val()
    step = tmp_path / "box.step"
    box.exportStep(str(step))
    lid = _write(tmp_path, "lid", '[face]\nselect = ">Z"\n' + HOLE.format(d=0.8))
    assert geom("cut", step, lid, "-o", tmp_path / "out").code == 1
    (v,) = _report(tmp_path / "out")["violations"]
    assert (v["rule"], v["profile"], v["figures"]["min_hole"]) == (
        "hole_too_small",
        "laser-default",
        pytest.approx(2.0),
    )
    lid.write_text('[face]\nselect = ">Z"\nshop = "sendcutsend"\n' + HOLE.format(d=1.2))
    assert geom("cut", step, lid, "-o", tmp_path / "out2").code == 0


def test_a_milled_panel_needs_1_mm_holes_and_round_inner_corners(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """Schaeffer's 1 mm cutter: a 0.9 mm hole fails, a 1.0 mm one passes, whatever the
    sheet; the APEM rocker's cutout drawn with R 0.5 corners passes, the same with R 0.2
    fails inner_radius."""
    head = 'shop = "milled-fpd"\nshop_tolerance = 0.05'
    path = _write(tmp_path, "milled", _panel(head, HOLE.format(d=0.9)))
    assert geom("panel", path, "-o", tmp_path / "out").code == 1
    report = _report(tmp_path / "out")
    (v,) = report["violations"]
    assert (v["rule"], v["profile"], v["figures"]["min_hole"]) == (
        "hole_too_small",
        "milled-fpd",
        1.0,
    )
    assert report["process"] == "mill" and report["shop_profile"]["name"] == "milled-fpd"
    path.write_text(_panel(head, HOLE.format(d=1.0)), encoding="utf-8")
    assert geom("panel", path, "-o", tmp_path / "out2").code == 0
    apem = (ROOT / "templates" / "apem-kl.toml").read_text(encoding="utf-8")
    sharp = apem.replace('id = "apem-kl"', 'id = "apem-sharp"').replace(
        'corner_radius = { value = 0.5, source = "assumed" }',
        'corner_radius = { value = 0.2, source = "assumed" }',
    )
    (tmp_path / "sharp.toml").write_text(sharp, encoding="utf-8")
    for part, code in (("apem-kl", 0), ("sharp.toml", 1)):
        place = f'[[place]]\npart = "{part}"\nx = 50.0\ny = 30.0\n'
        path.write_text(_panel(head, place).replace("height = 60.0", "height = 80.0"))
        out = tmp_path / f"out-{part}"
        assert geom("panel", path, "-o", out).code == code
        found = [v for v in _report(out)["violations"] if v["rule"] == "inner_radius"]
        assert len(found) == code
    (v,) = found
    assert v["profile"] == "milled-fpd" and "Schaeffer" in v["source"]
    assert v["figures"]["corner_radius"] == pytest.approx(0.2)
    assert v["figures"]["min_inner_radius"] == 0.5


def test_no_shop_named_is_the_process_default(geom: Callable[..., Run], tmp_path: Path) -> None:
    """The example panel with `shop = "laser-default"` written out: the same DXF bytes."""
    text = EXAMPLE.read_text(encoding="utf-8")
    named = _write(
        tmp_path, "example", text.replace("[panel]\n", '[panel]\nshop = "laser-default"\n')
    )
    assert geom("panel", EXAMPLE, "-o", tmp_path / "a").code == 0
    assert geom("panel", named, "-o", tmp_path / "b").code == 0
    a = (tmp_path / "a" / "example-panel.dxf").read_bytes()
    assert a == (tmp_path / "b" / "example-panel.dxf").read_bytes()


def test_a_users_own_profile(
    geom: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In $GEOM_TEMPLATES/shops/, by name; or a path relative to the panel file."""
    own = (ROOT / "templates" / "shops" / "laser-default.toml").read_text(encoding="utf-8")
    own = own.replace('per_t = 1.0, source = "hole >= t', 'per_t = 0.3, source = "hole >= 0.3 t')
    (tmp_path / "mine" / "shops").mkdir(parents=True)
    (tmp_path / "mine" / "shops" / "my-laser.toml").write_text(own, encoding="utf-8")
    monkeypatch.setenv("GEOM_TEMPLATES", str(tmp_path / "mine"))
    path = _write(tmp_path, "own", _panel('shop = "my-laser"', HOLE.format(d=0.8)))
    assert geom("panel", path, "-o", tmp_path / "out").code == 0
    path.write_text(_panel('shop = "mine/shops/my-laser.toml"', HOLE.format(d=0.5)))
    assert geom("panel", path, "-o", tmp_path / "out2").code == 1
    (v,) = _report(tmp_path / "out2")["violations"]
    assert (v["profile"], v["source"]) == (
        "my-laser",
        "hole >= 0.3 t, Dumaco's DXF design guidelines (laser)",
    )


@pytest.mark.parametrize(
    ("head", "field", "words"),
    [
        ('shop = "no-such-shop"', "panel.shop", "not a known shop profile"),
        ('shop = "milled-fpd"\nprocess = "laser"', "panel.process", "not the process of"),
        ('shop = "bad.toml"', "min_hole.per_t", "out of range"),
        ('shop = "missing.toml"', "panel.shop", "not a shop profile file"),
    ],
)
def test_bad_shops_exit_2_in_one_line(
    geom: Callable[..., Run], tmp_path: Path, head: str, field: str, words: str
) -> None:
    bad = (ROOT / "templates" / "shops" / "laser-default.toml").read_text(encoding="utf-8")
    (tmp_path / "bad.toml").write_text(bad.replace("per_t = 1.0", "per_t = -1.0"), "utf-8")
    path = _write(tmp_path, "p", _panel(head, HOLE.format(d=3.0)))
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 2 and not (tmp_path / "out").exists()
    (line,) = run.err.strip().splitlines()
    assert line.startswith("geom: ") and f"{field}:" in line and words in line, line


def test_every_shipped_profile_reads_and_cites_every_figure() -> None:
    from geom.data.shops import load_profile, shop_dirs

    shipped = sorted(shop_dirs()[-1].glob("*.toml"))
    names = {p.stem for p in shipped}
    assert {"laser-default", "punch-default", "milled-fpd", "sendcutsend"} <= names
    for path in shipped:
        profile = load_profile(path)
        figures = [profile.min_hole, profile.web, profile.edge, profile.cut_to_bend]
        figures += [profile.countersink_edge, profile.countersink_bend]
        assert all(f.source for f in figures) and profile.shop.source, path
    laser = load_profile(shop_dirs()[-1] / "laser-default.toml")
    punch = load_profile(shop_dirs()[-1] / "punch-default.toml")
    # Today's numbers: web t / edge 1.5 t (laser), 2 t / 2 t (punch), shops 0.1 / 0.127.
    assert (laser.web.at(2.0), laser.edge.at(2.0), laser.shop.tolerance) == (2.0, 3.0, 0.1)
    assert (punch.web.at(2.0), punch.edge.at(2.0), punch.shop.tolerance) == (4.0, 4.0, 0.127)
    assert punch.min_hole.at(3.0) == pytest.approx(3.8) and punch.min_hole.at(0.5) == 1.2
    assert laser.cut_to_bend.at(1.5, 1.5) == pytest.approx(2.5 * 1.5 + 1.5)


def test_the_api_and_the_cadquery_plugin_name_the_profile_too(tmp_path: Path) -> None:
    """The same 0.8 mm hole through geom.api (a panel file) and Workplane.panelLayout (a
    layout file on a 2 mm walled box): the rule, the profile and its source."""
    import geom.api

    path = _write(tmp_path, "small", _panel('process = "laser"', HOLE.format(d=0.8)))
    (v,) = geom.api.check_panel(geom.api.load_panel(path))
    assert (v.rule, v.profile, v.source) == (
        "hole_too_small",
        "laser-default",
        "hole >= t, Dumaco's DXF design guidelines (laser)",
    )
    cq = pytest.importorskip("cadquery")
    import geom.cq

    box = cq.Workplane().box(100, 60, 30).cut(cq.Workplane().box(96, 56, 26))
    lid = _write(tmp_path, "lid", '[face]\nselect = ">Z"\n' + HOLE.format(d=0.8))
    with pytest.raises(geom.cq.LayoutError) as raised:
        box.panelLayout(lid)
    (record,) = raised.value.report["violations"]
    assert (record["rule"], record["profile"]) == ("hole_too_small", "laser-default")
    assert "profile laser-default" in str(raised.value)


def test_what_the_shop_holds_is_the_profiles_too(geom: Callable[..., Run], tmp_path: Path) -> None:
    """A slot asking +/-0.05 mm of the laser default's +/-0.1 mm (gosnapcut's published
    figure): slot_tolerance names the profile and the source; stated in the file, the
    figure is the file's and no profile's."""
    slot = "[[slot]]\nx = 50.0\ny = 30.0\nlength = 10.0\nwidth = 6.5\ntolerance = 0.05\n"
    path = _write(tmp_path, "slot", _panel('process = "laser"', slot))
    assert geom("panel", path, "-o", tmp_path / "out").code == 1
    (v,) = _report(tmp_path / "out")["violations"]
    assert (v["rule"], v["profile"]) == ("slot_tolerance", "laser-default")
    assert v["source"] == "+/-0.1 mm, gosnapcut's published laser-cutting tolerance"
    path.write_text(_panel('process = "laser"\nshop_tolerance = 0.06', slot))
    assert geom("panel", path, "-o", tmp_path / "out2").code == 1
    (v,) = _report(tmp_path / "out2")["violations"]
    assert (v["rule"], v["profile"], v["source"]) == ("slot_tolerance", None, None)
