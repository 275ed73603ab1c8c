"""The 3D fit check (geom.cad.fit3d) agrees with the 2D one (geom.fit) on every template,
at both ends of the opening band and of the finished plate range, also with the opening
moved off the band and with plates outside the grip range; a cutout smaller than the
collar shows interference and fails; `geom check --3d` and `geom build` report it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fits import fit_of

from geom.cad.fit3d import INTERFERENCE_LIMIT_MM3, check_3d
from geom.cli import main
from geom.templates import load_catalog
from geom.tolerance import Size

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NO_COATING = Size.exact(0.0)


@pytest.mark.parametrize("pid", PART_IDS)
@pytest.mark.parametrize("shift", [-0.05, 0.0, 0.05])
def test_3d_agrees_with_2d_at_every_band_end(pid: str, shift: float) -> None:
    part = CATALOG.parts[pid]
    snap = part.fit
    fit = fit_of(part, snap.grip, NO_COATING)
    openings = {
        axis: (fit.opening[axis].min + shift, fit.opening[axis].max + shift)  # type: ignore[index]
        for axis in ("width", "height")
    }
    result = check_3d(fit, openings=openings)
    assert {(c.opening_end, c.plate) for c in result.cases} == {
        (e, t) for e in ("min", "max") for t in (snap.grip.min, snap.grip.max)
    }
    for case in result.cases:
        index = 0 if case.opening_end == "min" else 1
        clearance = min(
            openings["width"][index] - snap.collar_width.max,
            openings["height"][index] - snap.collar_height.max,
        )
        interferes = case.interference_mm3 > INTERFERENCE_LIMIT_MM3
        assert interferes == (clearance < -1e-9), (case, clearance)
        if not interferes:
            assert case.interference_mm3 <= INTERFERENCE_LIMIT_MM3
        edge = openings[snap.latch_axis][index]
        collar_beyond = edge < snap.collar(snap.latch_axis).max - 1e-9
        for latch in case.latches:
            assert latch.catch == pytest.approx((snap.latch_span.min - edge) / 2, abs=1e-6)
            # Beyond the edge there is the wing only, under the back face; with a cutout
            # narrower than the collar, the collar too, up to the front face: that fails.
            assert latch.top == pytest.approx(0.0 if collar_beyond else -case.plate, abs=1e-6)
            assert latch.ok == (not collar_beyond and latch.catch >= snap.latch_min_catch)
    if shift == 0.0:
        assert result.ok == fit.ok
        reach = next(c for c in fit.checks if c.name == "latch_reach")
        catch = min(la.catch for c in result.cases for la in c.latches)
        assert catch == pytest.approx(reach.figures["catch_per_side"], abs=1e-6)
        assert result.interference_mm3 <= INTERFERENCE_LIMIT_MM3


@pytest.mark.parametrize("pid", PART_IDS)
@pytest.mark.parametrize(
    ("plate", "coating"),
    [(Size.exact(2.0), Size.between(0.06, 0.12)), (Size.exact(0.4), NO_COATING)],
    ids=["too-thick", "too-thin"],
)
def test_plate_outside_the_grip_fails_in_3d_as_in_2d(pid: str, plate: Size, coating: Size) -> None:
    part = CATALOG.parts[pid]
    fit = fit_of(part, plate, coating)
    grip = next(c for c in fit.checks if c.name == "grip")
    assert not grip.ok
    result = check_3d(fit)
    assert not result.ok
    for case in result.cases:
        assert not all(la.ok for la in case.latches)  # wing in the plate, or a gap under it


def _wrong_cutout(tmp_path: Path) -> Path:
    """770-744/064-000 with its cutout band 0.3 mm under the collar in width."""
    text = (TEMPLATES / "770-744_064-000.toml").read_text(encoding="utf-8")
    old = 'width = { value = 41.5, source = "assumed" }'
    assert text.count(old) == 1  # the [cutout] width; the collar's has a minus
    path = tmp_path / "wrong.toml"
    path.write_text(text.replace(old, 'width = { value = 41.2, source = "assumed" }'), "utf-8")
    return path


def test_wrong_cutout_shows_interference_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _wrong_cutout(tmp_path)
    assert main(["check", str(path), "--3d", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    clearance = next(c for c in report["checks"] if c["name"] == "clearance")
    assert not clearance["ok"]
    fit3d = report["fit_3d"]
    assert not fit3d["ok"]
    assert fit3d["interference_mm3"] > INTERFERENCE_LIMIT_MM3
    assert all(c["interference_mm3"] > INTERFERENCE_LIMIT_MM3 for c in fit3d["cases"])
    assert not any(c["ok"] for c in fit3d["cases"])
    assert report["ok"] is False


def test_top_level_ok_needs_the_3d_check_too(tmp_path: Path) -> None:
    """A report with a 3D result says ok only when 2D and 3D both hold; a 3D failure
    alone withholds the DXF."""
    from geom.cutout import write_cutout
    from geom.tolerance import Size

    fit = fit_of(CATALOG.parts["770-744/064-000"], Size.exact(1.5), Size.exact(0.0))
    assert fit.ok
    files = write_cutout(fit, tmp_path, fit_3d={"ok": False, "interference_mm3": 1.0})
    report = json.loads(files.report.read_text(encoding="utf-8"))
    assert report["ok"] is False and files.dxf is None
    assert not (tmp_path / "770-744_064-000-cutout.dxf").exists()


def test_check_3d_text_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "770-744", "--3d"]) == 0
    out = capsys.readouterr().out
    assert "ok   fit_3d" in out and "interference 0.000000 mm3" in out


def test_build_writes_dxf_report_with_3d_and_step_for_every_template(tmp_path: Path) -> None:
    assert main(["build", "-o", str(tmp_path)]) == 0
    for part in CATALOG.parts.values():
        stem = part.file_stem
        assert (tmp_path / f"{stem}-cutout.dxf").is_file()
        step = tmp_path / f"{stem}-body.step"
        assert step.read_bytes().startswith(b"ISO-10303-21;")
        report = json.loads((tmp_path / f"{stem}-fit.json").read_text(encoding="utf-8"))
        assert report["fit_3d"]["ok"] is True and report["ok"] is True
        assert report["fit_3d"]["interference_mm3"] <= INTERFERENCE_LIMIT_MM3
        assert len(report["fit_3d"]["cases"]) == 4
        assert report["body"] == {"step": step.name, "finished_plate_mm": part.fit.grip.max}


def test_cutout_corners_rounder_than_the_collar_fail_in_3d_as_in_2d(tmp_path: Path) -> None:
    text = (TEMPLATES / "770-744_064-000.toml").read_text(encoding="utf-8")
    old = 'corner_radius = { value = 0.5, source = "assumed" }'  # the cutout's
    assert text.count(old) == 1
    path = tmp_path / "round.toml"
    path.write_text(text.replace(old, old.replace("0.5", "1.5")), encoding="utf-8")
    from geom.templates import load_file

    fit = fit_of(load_file(path, CATALOG), Size.exact(1.0), NO_COATING)
    assert not next(c for c in fit.checks if c.name == "corner_radius").ok
    result = check_3d(fit)
    assert not result.ok
    smallest = next(c for c in result.cases if c.opening_end == "min")
    assert smallest.interference_mm3 > INTERFERENCE_LIMIT_MM3


def test_bad_plate_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["body", "770-744", "--sheet", "2.5", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("geom: command line:--sheet: '2.500' is a sheet whose finished")
    assert len(err.splitlines()) == 1
    assert not out.exists()
