"""The sourced library of panel parts (templates/ besides the WAGO ones): every row of
every family and every template loads, has a unique id, quotes every number, and carries
the published numbers of its sources. The expected numbers below are copied from the
sources (data sheets, standards, vendor pages), not from the templates."""

from __future__ import annotations

import math
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from ezdxf.math import bulge_to_arc

from geom.data.families import expand
from geom.data.templates import load_catalog_lenient, template_dirs

SHIPPED = template_dirs()[-1]
LIBRARY_FILES = sorted(p for p in SHIPPED.glob("*.toml") if not p.name.startswith("770-"))
ASSUMED = "assumed"


def _expanded(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, where, data) of every template in one file."""
    items = expand(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
    return [(item.data["part"]["id"], item.where, item.data) for item in items]


ALL = [one for path in sorted(SHIPPED.glob("*.toml")) for one in _expanded(path)]
LIBRARY = {pid: (where, data) for path in LIBRARY_FILES for pid, where, data in _expanded(path)}


def _q(value: Any, source: str, band: tuple[float, float] | None = None) -> dict[str, Any]:
    """A quoted number as the sources give it."""
    quote = {"value": value, "source": source}
    if band is not None:
        quote["band"] = list(band)
    return quote


def _holes(pitch: float, source: str) -> dict[str, Any]:
    """Two fixing holes at +/- half the screw pitch, on the cutout's centre line."""
    return _q([[-pitch / 2, 0.0], [pitch / 2, 0.0]], source)


_SCHNEIDER, _IDEC, _EATON = "schneider-zb5aa334c0", "idec-xw", "eaton-pub17978"
_CAL, _TM5 = "cal3300", "tm5-3895-374"


def _instrument(width: float, height: Any, source: str, tolerance: Any) -> dict[str, Any]:
    return {
        "part.mounting": "clamp",
        "cutout.shape": "rect",
        "cutout.width": _q(width, source),
        "cutout.height": height if isinstance(height, dict) else _q(height, source),
        "cutout.tolerance": tolerance,
    }


def _gland(hole: float, source: str) -> dict[str, Any]:
    return {
        "part.mounting": "nut",
        "cutout.shape": "circle",
        "cutout.diameter": _q(hole, source),
        "cutout.tolerance": _q(0.3, ASSUMED),  # no band found
    }


def _dsub(flange_w: float, flange_h: float, pitch: float, source: str) -> dict[str, Any]:
    return {
        "part.mounting": "screw",
        "cutout.shape": "trapezoid",
        "envelope.width": _q(flange_w, source),
        "envelope.height": _q(flange_h, source),
        "cutout.holes.diameter": _q(3.05, "nopscadlib"),
        "cutout.holes.positions": _holes(pitch, source),
        "collar.corner_radius": _q(2.5, "nopscadlib"),
        # No published cutout outline: every size of the trapezoid is assumed.
        "cutout.side_angle": _q(10.0, ASSUMED),
    }


def _pedal(hole: float, source: str) -> dict[str, Any]:
    return {
        "part.mounting": "nut",
        "cutout.shape": "circle",
        "cutout.diameter": _q(hole, source),
        "cutout.tolerance": _q(0.3, ASSUMED),  # no band found
    }


EXPECTED: dict[str, dict[str, Any]] = {
    # Schneider eRef ZB5AA334C0: hole 22.3 +0.4/0; IDEC XW: notch bottom 24.1 from the
    # far edge, R0.8; the notch width 3.2 is only given with Eaton's 22.5 hole.
    "pushbutton-22-22.3": {
        "part.mounting": "nut",
        "cutout.shape": "circle-notch",
        "cutout.diameter": _q(22.3, _SCHNEIDER),
        "cutout.tolerance": _q(0.4, _SCHNEIDER),
        "cutout.notch_width": _q(3.2, ASSUMED),
        "cutout.notch_reach": _q(24.1, _IDEC),
        "cutout.notch_corner_radius": _q(0.8, _IDEC),
    },
    # Eaton pub17978 (E22): hole 22.5 +0.4/0, notch 3.2 +0.2/0, 24.3 +0.4/0, R0.8, panel 1-6.35.
    "pushbutton-22-22.5": {
        "part.mounting": "nut",
        "cutout.shape": "circle-notch",
        "cutout.diameter": _q(22.5, _EATON),
        "cutout.tolerance": _q(0.4, _EATON),
        "cutout.notch_width": _q(3.2, _EATON, band=(0.0, 0.2)),
        "cutout.notch_reach": _q(24.3, _EATON),
        "cutout.notch_corner_radius": _q(0.8, _EATON),
        "grip.min": _q(1.0, _EATON),
        "grip.max": _q(6.35, _EATON),
    },
    # IEC 61554: CAL 3300 manual 59423-5 (45 x 45 +0.6/0; 45 x 22.2 +0.6/+0.3; panel up
    # to 9.5); 92 x 92 in TM 5-3895-374-24-2 without a band; the rest unconfirmed.
    "iec61554-48x48": {
        **_instrument(45.0, 45.0, _CAL, _q(0.6, _CAL)),
        "grip.max": _q(9.5, _CAL),
    },
    "iec61554-48x24": {
        **_instrument(45.0, _q(22.2, _CAL, band=(0.3, 0.6)), _CAL, _q(0.6, _CAL)),
        "grip.max": _q(9.5, _CAL),
    },
    "iec61554-96x96": _instrument(92.0, 92.0, _TM5, _q(0.6, ASSUMED)),
    "iec61554-96x48": _instrument(92.0, 45.0, ASSUMED, _q(0.6, ASSUMED)),
    "iec61554-72x72": _instrument(68.0, 68.0, ASSUMED, _q(0.6, ASSUMED)),
    "iec61554-144x144": _instrument(138.0, 138.0, ASSUMED, _q(0.6, ASSUMED)),
    # Cable glands: M12 12.5 (MOTORTECH DetCon); M16..M50 one source; M63 pattern only.
    "gland-M12": _gland(12.5, "motortech-detcon"),
    "gland-M16": _gland(16.5, ASSUMED),
    "gland-M20": _gland(20.5, ASSUMED),
    "gland-M25": _gland(25.5, ASSUMED),
    "gland-M32": _gland(32.5, ASSUMED),
    "gland-M40": _gland(40.5, ASSUMED),
    "gland-M50": _gland(50.5, ASSUMED),
    "gland-M63": _gland(63.5, ASSUMED),
    # D-sub (NopSCADlib d_connectors.scad): flange W x H, screw pitch; C and D unconfirmed.
    "dsub-E9": _dsub(30.81, 12.55, 24.99, "nopscadlib"),
    "dsub-A15": _dsub(39.14, 12.55, 33.32, "nopscadlib"),
    "dsub-B25": _dsub(53.04, 12.55, 47.04, "nopscadlib"),
    "dsub-C37": _dsub(69.32, 12.55, 63.50, ASSUMED),
    "dsub-D50": _dsub(66.93, 15.37, 61.11, ASSUMED),
    # Neutrik D-series: hole 24; fixing holes 3.2 min on 19.0 x 24.0; flange unconfirmed.
    "neutrik-d-series": {
        "part.mounting": "screw",
        "cutout.shape": "circle",
        "cutout.diameter": _q(24.0, "neutrik-d"),
        "cutout.holes.diameter": _q(3.2, "neutrik-d"),
        "cutout.holes.positions": _q(
            [[-9.5, -12.0], [9.5, -12.0], [-9.5, 12.0], [9.5, 12.0]], "neutrik-d"
        ),
        "envelope.width": _q(26.0, ASSUMED),
        "envelope.height": _q(31.0, ASSUMED),
        "cutout.tolerance": _q(0.2, ASSUMED),  # no band found
    },
    # SCHURTER 6100.4115 C14 snap-in: 27.5 x 20 for a 1.5 mm panel; band unconfirmed.
    "schurter-6100.4115": {
        "part.mounting": "snap-in",
        "cutout.shape": "rect",
        "cutout.width": _q(27.5, "schurter-6100.4115"),
        "cutout.height": _q(20.0, "schurter-6100.4115"),
        "cutout.tolerance": _q(0.2, ASSUMED),
        "grip.min": _q(1.5, "schurter-6100.4115"),
        "grip.max": _q(1.5, "schurter-6100.4115"),
    },
    # APEM KL: 21.08 +0.3/0 x 36.80 +0.3/0, panel 0.8-4.6.
    "apem-kl": {
        "part.mounting": "snap-in",
        "cutout.shape": "rect",
        "cutout.width": _q(21.08, "apem-kl"),
        "cutout.height": _q(36.80, "apem-kl"),
        "cutout.tolerance": _q(0.3, "apem-kl"),
        "grip.min": _q(0.8, "apem-kl"),
        "grip.max": _q(4.6, "apem-kl"),
    },
    # Pedal parts: holes from the builders' drilling templates (RWL DRILLING.md: footswitch
    # 12.2, pots 7.2-7.4, jacks 9.5-9.7, power jack 7.4, 5 mm bezel 6.5, mini toggle 6.6;
    # pedal-bench: slimline DC jack 8.1); no band, grip or body but the 16 mm pot's can
    # (Bourns 0502: 16.0, nut SW 10), the 9 mm pot's width (ALPS RK09: 9.8) and the
    # footswitch's total height (smalldevices listing: 42.15) is published.
    "pedal-3pdt": {
        **_pedal(12.2, "rwl-drilling"),
        "envelope.depth": [_q(42.15, "smalldevices-3pdt")],
    },
    "pedal-pot-16": {
        **_pedal(7.2, "rwl-drilling"),
        "rear.width": _q(16.0, "bourns-0502"),
        "rear.height": _q(16.0, "bourns-0502"),
        "nut.across_flats": _q(10.0, "bourns-0502"),
    },
    "pedal-pot-9": {**_pedal(7.2, "rwl-drilling"), "rear.width": _q(9.8, "alps-rk09")},
    "pedal-jack-6.35": _pedal(9.5, "rwl-drilling"),
    "pedal-dc-2.1": {
        **_pedal(7.4, "rwl-drilling"),
        "cutout.diameter": _q(7.4, "rwl-drilling", band=(0.0, 0.7)),  # up to 8.1
    },
    "pedal-dc-2.1-12": _pedal(12.0, ASSUMED),  # 12 mm: unconfirmed
    "pedal-led-5": _pedal(6.5, "rwl-drilling"),
    "pedal-led-3": _pedal(4.8, ASSUMED),  # no source found
    "pedal-toggle-mini": _pedal(6.6, "rwl-drilling"),
}
# The plug shells of E, A and B (NopSCADlib: 18 x 9.26, 26.25 x 9.26, 40 x 9.26).
for _pid, _w in (("dsub-E9", 18.0), ("dsub-A15", 26.25), ("dsub-B25", 40.0)):
    EXPECTED[_pid]["info.shell_width"] = _q(_w, "nopscadlib")
    EXPECTED[_pid]["info.shell_height"] = _q(9.26, "nopscadlib")

SOURCE_DOCUMENTS = {
    "schneider-zb5aa334c0": "ZB5AA334C0",
    "idec-xw": "IDEC XW",
    "eaton-pub17978": "pub17978",
    "iec61554": "IEC 61554:1999",
    "cal3300": "59423-5",
    "tm5-3895-374": "TM 5-3895-374-24-2",
    "panel-tool-table": "IEC 61554",
    "motortech-detcon": "MOTORTECH DetCon",
    "punch-table": "punching-tool",
    "crouse-hinds": "Crouse-Hinds",
    "nopscadlib": "d_connectors.scad",
    "db9-guide": "DB9",
    "dsub-report": "D-sub",
    "neutrik-d": "Neutrik D-series",
    "schurter-6100.4115": "6100.4115",
    "openscad-iec": "OpenSCAD",
    "apem-kl": "APEM KL",
    "rwl-drilling": "DRILLING.md",
    "pedal-bench": "pedal-bench",
    "smalldevices-3pdt": "smalldevices.com.au",
    "bourns-0502": "Bourns 0502",
    "alps-rk09": "RK09",
    "threads": "ISO 261",
}
"""Each source key and a words its description must hold: the original document."""

IDS = sorted(LIBRARY)
CATALOG, ERRORS = load_catalog_lenient([SHIPPED])


def _at(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        assert isinstance(node, dict) and key in node, f"{path} is not in the template"
        node = node[key]
    return node


def _bare_numbers(node: Any, path: str = "") -> list[str]:
    """Paths of numbers that are not inside a {value, source} table."""
    if isinstance(node, dict):
        if "source" in node:
            return []
        return [p for k, v in node.items() for p in _bare_numbers(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _bare_numbers(v, f"{path}[{i}]")]
    return [path] if isinstance(node, int | float) and not isinstance(node, bool) else []


def test_every_library_row_has_its_sources_numbers_here() -> None:
    assert sorted(EXPECTED) == IDS
    assert len(LIBRARY_FILES) == 8 and len(IDS) == 2 + 6 + 8 + 5 + 1 + 1 + 1 + 9


def test_every_id_is_unique() -> None:
    counts = Counter(pid for pid, _, _ in ALL)
    assert [pid for pid, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("pid", IDS)
def test_loads(pid: str) -> None:
    where, _ = LIBRARY[pid]
    assert where not in ERRORS, str(ERRORS.get(where))
    part = CATALOG.parts[pid]
    assert part.id == pid and str(part.path) == where.split(": row ")[0]
    for path, expected in EXPECTED[pid].items():
        if isinstance(expected, dict):
            assert part.sources[path] == expected["source"], path


@pytest.mark.parametrize("pid", IDS)
def test_no_bare_numbers_and_every_source_known(pid: str) -> None:
    _, data = LIBRARY[pid]
    assert _bare_numbers(data) == []
    known = set(data["sources"]) | {ASSUMED}
    used: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "source" in node:
                used.append(node["source"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in data.items() if k != "sources"})
    assert set(used) <= known
    assert ASSUMED in used, "bezel, depth or latches are in no source: something is assumed"


@pytest.mark.parametrize("pid", IDS)
def test_the_sources_numbers_are_the_templates(pid: str) -> None:
    _, data = LIBRARY[pid]
    for path, expected in EXPECTED[pid].items():
        found = _at(data, path)
        if isinstance(expected, dict) and "positions" in path:
            assert found["source"] == expected["source"], path
            assert len(found["value"]) == len(expected["value"]), path
            for got, want in zip(found["value"], expected["value"], strict=True):
                assert got == pytest.approx(want, abs=1e-9), path
        else:
            assert found == expected, path


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.name)
def test_sources_name_the_original_documents(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["sources"], "at least one source"
    for key, description in data["sources"].items():
        assert SOURCE_DOCUMENTS[key] in description, key
    text = path.read_text(encoding="utf-8").lower()
    assert "parts-library" not in text and "shared/" not in text


def _sources(node: Any) -> list[str]:
    """The source of every quoted value below `node`."""
    if isinstance(node, dict):
        own = [node["source"]] if "source" in node else []
        return own + [s for v in node.values() if isinstance(v, dict | list) for s in _sources(v)]
    if isinstance(node, list):
        return [s for v in node for s in _sources(v)]
    return []


VERIFY = "verify against the manufacturer's drawing before cutting"


@pytest.mark.parametrize("pid", IDS)
def test_the_fit_holds_and_an_assumed_cut_asks_to_verify(geom, pid: str) -> None:
    """Every row fits its own grip range with the assumed numbers; its outputs ask to
    verify exactly when the cut rests on an assumed number."""
    _, data = LIBRARY[pid]
    assumed = ASSUMED in _sources(data["cutout"])
    if any(ASSUMED in _sources(e) for p, e in EXPECTED[pid].items() if p.startswith("cutout.")):
        assert assumed
    assert CATALOG.parts[pid].cut_assumed == assumed
    run = geom("check", pid)
    assert run.code == 0, run.out + run.err
    assert "fit holds" in run.out
    assert (VERIFY in run.err) == assumed, run.err


def test_only_the_eaton_hole_is_sourced_in_every_size() -> None:
    """The one library row whose cut rests on no assumed number (the others ask to
    verify): Eaton's E22 hole with its notch, every size and band from pub17978."""
    sourced = [pid for pid in IDS if ASSUMED not in _sources(LIBRARY[pid][1]["cutout"])]
    assert sourced == ["pushbutton-22-22.5"]


TOL = 1e-6


def _band_mid(pid: str, size: str) -> float:
    """Where the cut of `size` is drawn (target mid, bare sheet): the source's value plus
    the middle of its band (its own band, or [0, tolerance]) (mm)."""
    expected = EXPECTED[pid]
    entry = expected[f"cutout.{size}"]
    low, high = entry.get("band", [0.0, expected["cutout.tolerance"]["value"]])
    return entry["value"] + (low + high) / 2


def _extents(entity: Any) -> tuple[float, float, float, float]:
    """Exact extents of one closed CUT entity: a CIRCLE, or a polyline's vertices and the
    axis points its arcs pass (ezdxf's bulge_to_arc; never geom's contour code)."""
    if entity.dxftype() == "CIRCLE":
        (cx, cy, _), r = entity.dxf.center, entity.dxf.radius
        return cx - r, cy - r, cx + r, cy + r
    points = list(entity.get_points("xyb"))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    for i, (x, y, bulge) in enumerate(points):
        if bulge:
            nx, ny, _ = points[(i + 1) % len(points)]
            centre, a0, a1, r = bulge_to_arc((x, y), (nx, ny), bulge)
            for k in range(4):
                if (k * math.pi / 2 - a0) % math.tau <= (a1 - a0) % math.tau:
                    xs.append(centre.x + r * math.cos(k * math.pi / 2))
                    ys.append(centre.y + r * math.sin(k * math.pi / 2))
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("pid", IDS)
def test_the_dxf_measures_the_source_plus_the_fits_offset(geom, pid: str, tmp_path: Path) -> None:
    """The written DXF, re-read with ezdxf, measures each sourced size of the cut as the
    source's value plus the middle of its band, and the fixing holes at the source's
    positions; round cuts and holes are CIRCLE entities."""
    _, data = LIBRARY[pid]
    expected = EXPECTED[pid]
    sheet = str(data["grip"]["min"]["value"])
    run = geom("cutout", pid, "--sheet", sheet, "-o", tmp_path)
    assert run.code == 0, run.out + run.err
    dxf = tmp_path / f"{pid}-cutout.dxf"
    cut = list(ezdxf.readfile(dxf).modelspace().query('*[layer=="CUT"]'))
    main = [e for e in cut if e.dxftype() != "CIRCLE" or tuple(e.dxf.center)[:2] == (0, 0)]
    holes = [e for e in cut if e not in main]
    assert len(main) == 1
    x0, y0, x1, y1 = _extents(main[0])
    shape = expected["cutout.shape"]
    if shape == "circle":
        assert main[0].dxftype() == "CIRCLE"
        assert 2 * main[0].dxf.radius == pytest.approx(_band_mid(pid, "diameter"), abs=TOL)
    elif shape == "circle-notch":
        assert x1 - x0 == pytest.approx(_band_mid(pid, "diameter"), abs=TOL)
        # The notch at +Y: from the hole's far edge (-Y) to the notch's bottom.
        assert y1 - y0 == pytest.approx(_band_mid(pid, "notch_reach"), abs=TOL)
        assert y0 == pytest.approx(-_band_mid(pid, "diameter") / 2, abs=TOL)
        sides = [x for (x, y, _), (nx, ny, _) in _pairs(main[0]) if abs(x - nx) < TOL and y > 0]
        assert max(sides) - min(sides) == pytest.approx(_band_mid(pid, "notch_width"), abs=TOL)
    elif shape == "rect":
        assert x1 - x0 == pytest.approx(_band_mid(pid, "width"), abs=TOL)
        assert y1 - y0 == pytest.approx(_band_mid(pid, "height"), abs=TOL)
    if "cutout.holes.positions" not in expected:
        assert holes == []
        return
    tolerance = data["cutout"]["holes"].get("tolerance", data["cutout"]["tolerance"])["value"]
    diameter = expected["cutout.holes.diameter"]["value"] + tolerance / 2
    centres = sorted((round(e.dxf.center.x, 6), round(e.dxf.center.y, 6)) for e in holes)
    want = sorted(
        (round(x, 6), round(y, 6)) for x, y in expected["cutout.holes.positions"]["value"]
    )
    assert centres == want
    for hole in holes:
        assert hole.dxftype() == "CIRCLE"
        assert 2 * hole.dxf.radius == pytest.approx(diameter, abs=TOL)


def _pairs(entity: Any) -> list[tuple[Any, Any]]:
    """A closed polyline's straight edges, as (start, end) vertex pairs."""
    points = list(entity.get_points("xyb"))
    return [(p, points[(i + 1) % len(points)]) for i, p in enumerate(points) if not p[2]]
