"""geom.model.body (no CAD kernel): every template's simplified body stays inside the data
sheet's envelope at the placement the README states, reaches it on every side, puts the
wings (snap-in parts with latches; no others have any) and pole openings where the
template says, and bad [body] numbers are refused with
the file, field, value and what is allowed."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from measure import placed_envelope
from template_toml import IDS, grip, mount, value

from geom.data.templates import load_catalog, load_file
from geom.errors import InputError
from geom.model.body import Prism, build_body

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
assert PART_IDS == IDS  # the catalog is the shipped templates, row by row
WITH_LATCHES = [pid for pid in IDS if "latch" in mount(pid)]

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _extent(prisms: tuple[Prism, ...]) -> tuple[float, ...]:
    return (
        min(p.x - p.width / 2 for p in prisms),
        max(p.x + p.width / 2 for p in prisms),
        min(p.y - p.height / 2 for p in prisms),
        max(p.y + p.height / 2 for p in prisms),
        min(p.z0 for p in prisms),
        max(p.z1 for p in prisms),
    )


@pytest.mark.parametrize("pid", PART_IDS)
@pytest.mark.parametrize("end", ["min", "max"])
def test_added_prisms_fill_exactly_the_envelope(pid: str, end: str) -> None:
    part = CATALOG.parts[pid]
    plate = getattr(part.fit.grip, end)
    body = build_body(part, plate)
    for solid in body.solids:
        expected = placed_envelope(part, CATALOG.parts[solid.part_id])
        assert _extent(solid.add) == pytest.approx(expected, abs=1e-9)
        assert solid.envelope.as_tuple() == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("pid", WITH_LATCHES)
def test_wings_catch_at_the_back_face_and_reach_half_the_span(pid: str) -> None:
    """Worked out from the template: the wings' catching face at -t for every finished
    plate t of the grip range, their tips at half the nominal span along the latch axis."""
    part = CATALOG.parts[pid]
    data = mount(pid)
    low, high = grip(pid)
    span = value(data, "latch", "span")
    for plate in (low, (low + high) / 2, high):
        body = build_body(part, plate)
        wings = body.solids[0].wings
        assert len(wings) == 2
        for wing in wings:
            assert wing.z1 == pytest.approx(-plate)
        axis = 0 if data["latch"]["axis"] == "width" else 2
        extent = _extent(wings)
        assert (-extent[axis], extent[axis + 1]) == pytest.approx((span / 2,) * 2)
    # Outside the grip range the wing stays at the range's end (it cannot spring further).
    assert build_body(part, high + 0.3).wing_top == pytest.approx(-high)
    assert build_body(part, low - 0.2).wing_top == pytest.approx(-low)


@pytest.mark.parametrize("pid", [pid for pid in IDS if pid not in WITH_LATCHES])
def test_a_part_without_latches_has_no_wings(pid: str) -> None:
    part = CATALOG.parts[pid]
    low, high = grip(pid)
    for plate in (low, high):
        assert all(solid.wings == () for solid in build_body(part, plate).solids)


@pytest.mark.parametrize("pid", PART_IDS)
def test_pole_openings_centred_at_the_pin_spacing(pid: str) -> None:
    part = CATALOG.parts[pid]
    for solid in build_body(part, part.fit.grip.max).solids:
        owner = CATALOG.parts[solid.part_id]
        if owner.pin_spacing is None:
            assert solid.poles == ()
            continue
        xs = [x for x, _ in solid.poles]
        assert len(xs) == owner.poles
        assert sum(xs) == pytest.approx(0.0, abs=1e-9)
        assert [b - a for a, b in itertools.pairwise(xs)] == pytest.approx(
            [owner.pin_spacing] * (len(xs) - 1)
        )


def _with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('value = "#8F9695"', 'value = "grey"', "body.colour.value: 'grey' is not an sRGB colour"),
        ("pole_diameter = { value = 4.0", "pole_diameter = { value = 9.9", "body.pole_diameter"),
        ("wing_width = { value = 6.0", "wing_width = { value = 16.0", "body.wing_width"),
        ("y = { value = 5.0", "y = { value = 7.0", "body.coding"),
        ("pole_depth = { value = 10.0", "pole_depth = { value = 40.0", "body.pole_depth"),
        ("wing_thickness = { value = 2.0", "wing_thickness = { value = 34.0", "wing_thickness"),
        ("wing_width = { value = 6.0", "wing_wide = { value = 6.0", "body.wing_wide"),
    ],
)
def test_bad_body_numbers_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _with(tmp_path, "770-744_064-000.toml", old, new)
    with pytest.raises(InputError, match=r"770-744_064-000\.toml") as info:
        part = load_file(path, CATALOG)
        build_body(part, part.fit.grip.max)
    assert message in str(info.value)
    assert "allowed" in str(info.value)


def test_a_template_without_body_gets_a_default_body(tmp_path: Path) -> None:
    text = (TEMPLATES / "770-744_064-000.toml").read_text(encoding="utf-8")
    start, end = text.index("[body]"), text.index("[info]")
    path = tmp_path / "plain.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    part = load_file(path, CATALOG)
    assert part.body is None
    body = build_body(part, 1.0)
    assert body.defaults and body.assumed
    assert body.solids[0].poles == ()
    assert len(body.solids[0].wings) == 2
