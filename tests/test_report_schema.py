"""One report schema: every report geom writes (check --json, cutout, build, build --all,
panel flat and bent, cut) validates against geom/output/report.schema.json, and the same
thing has the same key on every surface (flat panel, bent panel, enclosure face)."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import geom.output
from geom.model.report import SCHEMA
from geom.output.transaction import sha256

SCHEMA_FILE = Path(geom.output.__file__).with_name("report.schema.json")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PART = "770-744/064-000"

FLAT = """
[panel]
width = 200.0
height = {height}
sheet = 1.5
process = "laser"
shop_tolerance = 0.05

[[place]]
part = "770-744/064-000"
x = 100.0
y = {y}

[[hole]]
x = 20.0
y = 20.0
diameter = 5.0
"""
BENT = """
[[flange]]
edge = "bottom"
height = 20.0
angle = 90.0
direction = "down"
radius = 1.5
"""


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"]["const"] == SCHEMA
    return jsonschema.Draft202012Validator(schema)


def _valid(validator: jsonschema.Draft202012Validator, report: dict[str, Any]) -> None:
    errors = [
        f"{e.json_path} ({e.validator}): {e.message[-200:]}" for e in validator.iter_errors(report)
    ]
    assert not errors, errors
    assert next(iter(report)) == "schema" and report["schema"] == SCHEMA


def _reports(folder: Path) -> Iterator[dict[str, Any]]:
    found = sorted(folder.glob("*-fit.json")) + sorted(folder.glob("*-report.json"))
    assert found, folder
    for path in found:
        yield json.loads(path.read_text(encoding="utf-8"))


def _panel(tmp: Path, name: str, *, bent: bool = False, y: float = 40.0) -> Path:
    text = FLAT.format(height=80.0, y=y) + (BENT if bent else "")
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_cutout_and_build_reports_validate(
    geom: Callable[..., Any], validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    for extra in ([], ["--3d"]):
        run = geom("check", "770-744", "--sheet", "1.5", "--json", *extra)
        _valid(validator, json.loads(run.out))
    assert geom("cutout", "770-744", "--sheet", "1.5", "-o", tmp_path / "ok").code == 0
    failing = ("--sheet", "2.0", "--coating", "0.08")
    assert geom("cutout", "770-744", *failing, "-o", tmp_path / "fail").code == 1
    assert geom("build", "770-744", "770-317", "--sheet", "1.5", "-o", tmp_path / "b").code in (
        0,
        1,
    )
    for folder in ("ok", "fail", "b"):
        for report in _reports(tmp_path / folder):
            _valid(validator, report)


def test_catalog_reports_validate(
    validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    from geom.catalog import Options, build_all
    from geom.model.conditions import Conditions

    templates = tmp_path / "templates"
    (templates / "panels").mkdir(parents=True)
    shutil.copy(TEMPLATES / "770-744_064-000.toml", templates)
    _panel(templates / "panels", "small")
    out = tmp_path / "out"
    options = Options(out, Conditions(), 1.0, 50, template_dirs=(templates,))
    summary = build_all(options, jobs=1, out=io.StringIO())
    assert not summary.failures, [r.error for r in summary.failures]
    reports = list(_reports(out))
    assert len(reports) == 2
    for report in reports:
        _valid(validator, report)
    part = json.loads((out / "770-744_064-000-fit.json").read_text(encoding="utf-8"))
    listed = {o["file"]: o["sha256"] for o in part["outputs"]}
    suffixes = ("-cutout.dxf", "-cutout.svg", "-cutout.png", "-body.step", "-drawing.pdf")
    assert set(listed) == {f"770-744_064-000{s}" for s in (*suffixes, "-drawing.dxf")}
    assert all(sha256(out / name) == digest for name, digest in listed.items())


@pytest.fixture(scope="module")
def surfaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One report per surface, each with an edge violation: a 770-744 whose opening
    comes too near the sheet's edge (flat, bent) or the face's boundary (cut)."""
    from geom.cli import main

    tmp = tmp_path_factory.mktemp("surfaces")
    reports = {}
    for name, bent in (("flat", False), ("bent", True)):
        path = _panel(tmp, name, bent=bent, y=9.0)
        assert main(["panel", str(path), "-o", str(tmp / name)]) == 1
        reports[name] = json.loads((tmp / name / f"{name}-report.json").read_text())
    pytest.importorskip("cadquery")
    from test_cut import enclosure, layout

    box = enclosure(tmp)
    lid = layout(tmp, [(22.0, 50.0)])
    assert main(["cut", str(box), str(lid), "-o", str(tmp / "cut")]) == 1
    reports["cut"] = json.loads((tmp / "cut" / "lid-report.json").read_text())
    return reports


def test_every_surface_report_validates(
    surfaces: dict[str, dict[str, Any]], validator: jsonschema.Draft202012Validator
) -> None:
    for report in surfaces.values():
        _valid(validator, report)


def test_the_same_thing_has_the_same_key_on_every_surface(
    surfaces: dict[str, dict[str, Any]],
) -> None:
    """The keys each surface writes for what they share, listed side by side."""
    shared = {"schema", "ok", "forced", "coating_mm", "violations", "files", "outputs"}
    shared.add("shop_profile")
    keys = {name: set(report) for name, report in surfaces.items()}
    for name, found in keys.items():
        assert shared <= found, (name, shared - found)
    records = {name: [set(v) for v in report["violations"]] for name, report in surfaces.items()}
    expected = {"rule", "message", "entries", "positions_mm", "figures", "profile", "source"}
    for name, found_records in records.items():
        assert found_records and all(r - {"faces"} == expected for r in found_records), name
    edge = {
        name: [v for v in r["violations"] if "edge" in v["rule"]] for name, r in surfaces.items()
    }
    assert all(edge.values()), edge
    files = {name: set(report["files"]) for name, report in surfaces.items()}
    common = {"dxf", "step", "assembly", "withheld", "removed_stale", "refused"}
    for name, found_files in files.items():
        assert common <= found_files, (name, common - found_files)
    for report in surfaces.values():  # withheld through the one gate, in the same words
        assert report["ok"] is False and report["forced"] is False
        assert report["files"]["dxf"] is None
        assert {o["file"] for o in report["outputs"]} <= {report["files"].get("bom")}
    assert len({r["files"]["withheld"] for r in surfaces.values()}) == 1
