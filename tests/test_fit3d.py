"""The 3D fit check (geom.cad.fit3d) agrees with the 2D one (geom.model.fit) on every template
it applies to (snap-in parts with latches in a rect cutout, chosen by the template's own
data), at both ends of the opening band and of the finished plate range, also with the
opening moved off the band and with plates outside the grip range; a cutout smaller than
the collar shows interference and fails; an opening whose corners are rounder than the
collar's, with play on both axes, holds the collar only where it fits, and 3D agrees
with 2D there too; `geom check --3d` and `geom build` report it,
and for every other part report that it does not apply, leaving the 2D checks to decide."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from fits import fit_of
from template_toml import IDS, grip, mount, mounting, shape, snap_in_rect, value

from geom.cad.fit3d import INTERFERENCE_LIMIT_MM3, check_3d
from geom.cli import main
from geom.data.templates import load_catalog
from geom.model.tolerance import Size

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
assert PART_IDS == IDS  # the catalog is the shipped templates, row by row
SNAP_IN_RECT = [pid for pid in IDS if snap_in_rect(pid)]
OTHERS = [pid for pid in IDS if pid not in SNAP_IN_RECT]
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NO_COATING = Size.exact(0.0)


def _snap_numbers(pid: str) -> tuple[dict[str, tuple[float, float]], float, float, str]:
    """From the template: the collar's band per axis (value - minus .. value), the
    smallest latch span, the minimum catch and the latch axis (mm)."""
    data = mount(pid)
    collar = {
        axis: (
            value(data, "collar", axis) - data["collar"][axis].get("minus", 0.0),
            value(data, "collar", axis),
        )
        for axis in ("width", "height")
    }
    latch = data["latch"]
    span = value(data, "latch", "span") - latch["span"].get("minus", 0.0)
    return collar, span, value(data, "latch", "min_catch"), latch["axis"]


@pytest.mark.parametrize("pid", SNAP_IN_RECT)
@pytest.mark.parametrize("shift", [-0.05, 0.0, 0.05])
def test_3d_agrees_with_2d_at_every_band_end(pid: str, shift: float) -> None:
    part = CATALOG.parts[pid]
    low, high = grip(pid)
    collar, span, min_catch, axis = _snap_numbers(pid)
    fit = fit_of(part, Size.between(low, high), NO_COATING)
    openings = {
        size: (fit.opening[size].min + shift, fit.opening[size].max + shift)  # type: ignore[index]
        for size in ("width", "height")
    }
    result = check_3d(fit, openings=openings)
    assert {(c.opening_end, c.plate) for c in result.cases} == {
        (e, t) for e in ("min", "max") for t in (low, high)
    }
    for case in result.cases:
        index = 0 if case.opening_end == "min" else 1
        clearance = min(openings[size][index] - collar[size][1] for size in ("width", "height"))
        interferes = case.interference_mm3 > INTERFERENCE_LIMIT_MM3
        assert interferes == (clearance < -1e-9), (case, clearance)
        assert case.decided
        # every shipped collar's corners are rounder than its cutout's: the collar moves
        # in a rectangle of half the clearance per axis, placed at its ends and corner
        half = {size: (openings[size][index] - collar[size][1]) / 2 for size in collar}
        assert case.feasible is (clearance >= -1e-9)
        if case.feasible:
            assert case.reason == ""
            w, h = half["width"], half["height"]
            assert set(case.positions) == {(w, 0.0), (0.0, h), (w, h)}
        else:  # it fits nowhere: measured centred, and the case fails with the reason
            assert case.positions == ((0.0, 0.0),) and not case.ok
            assert "fits nowhere in the opening" in case.reason
            assert "mm under the collar's" in case.reason
        edge = openings[axis][index]
        # pushed to each side by the play the opening leaves the largest collar
        play = max(0.0, half[axis]) if case.feasible else 0.0
        assert case.pushes == ((-play, play) if play > 0 else (0.0,))
        collar_beyond = edge < collar[axis][1] - 1e-9
        # each wing with the smallest collar pushed away from it by all the play it has
        push = max(0.0, (edge - collar[axis][0]) / 2)
        for latch in case.latches:
            assert latch.push == pytest.approx(push, abs=1e-12)
            catch = (span - edge) / 2 - push
            assert latch.catch == pytest.approx(catch, abs=1e-6)
            # Beyond the edge there is the wing only, under the back face; with a cutout
            # narrower than the collar, the collar too, up to the front face: that fails.
            assert latch.top == pytest.approx(0.0 if collar_beyond else -case.plate, abs=1e-6)
            assert latch.ok == (not collar_beyond and latch.catch >= min_catch)
    if shift == 0.0:
        assert result.ok == fit.ok
        reach = next(c for c in fit.checks if c.name == "latch_reach")
        catch = min(la.catch for c in result.cases for la in c.latches)
        assert catch == pytest.approx(reach.figures["catch_per_side"], abs=1e-6)
        assert result.interference_mm3 <= INTERFERENCE_LIMIT_MM3


def _outside_the_grip(pid: str, end: str) -> tuple[Size, Size]:
    """Sheet and coating (mm) whose finished plate lies past `end` of the template's grip
    range: the thickest grip as sheet with 0.06 .. 0.12 mm coating, or 0.1 mm under the
    thinnest, bare."""
    low, high = grip(pid)
    if end == "too-thick":
        return Size.exact(high), Size.between(0.06, 0.12)
    return Size.exact(low - 0.1), NO_COATING


@pytest.mark.parametrize("pid", SNAP_IN_RECT)
@pytest.mark.parametrize("end", ["too-thick", "too-thin"])
def test_plate_outside_the_grip_fails_in_3d_as_in_2d(pid: str, end: str) -> None:
    part = CATALOG.parts[pid]
    plate, coating = _outside_the_grip(pid, end)
    fit = fit_of(part, plate, coating)
    grip_check = next(c for c in fit.checks if c.name == "grip")
    assert not grip_check.ok
    result = check_3d(fit)
    assert not result.ok
    for case in result.cases:
        assert not all(la.ok for la in case.latches)  # wing in the plate, or a gap under it


@pytest.mark.parametrize("pid", OTHERS)
@pytest.mark.parametrize("end", ["in-the-grip", "too-thick", "too-thin"])
def test_the_3d_check_does_not_apply_and_2d_decides(
    pid: str, end: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not snap-in with latches in a rect cutout: `fit_3d` says it does not apply and
    why (the template's mounting kind and cutout shape), carries no `ok` (neither a pass
    nor a failure), and the 2D checks decide alone: a plate outside the grip range fails."""
    args = ["check", pid, "--3d", "--json"]
    if end != "in-the-grip":
        sheet, coating = _outside_the_grip(pid, end)
        args += ["--sheet", f"{sheet.max:g}", "--coating", f"{coating.min:g}..{coating.max:g}"]
    status = main(args)
    report = json.loads(capsys.readouterr().out)
    fit3d = report["fit_3d"]
    assert set(fit3d) == {"applies", "reason"} and fit3d["applies"] is False
    assert f"this part is {mounting(pid)} with a {shape(pid)} cutout" in fit3d["reason"]
    two_d = all(c["ok"] for c in report["checks"])
    assert report["ok"] is two_d and status == (0 if two_d else 1)
    grip_check = next(c for c in report["checks"] if c["name"] == "grip")
    assert grip_check["ok"] is (end == "in-the-grip")


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
    from geom.dxf.cutout import write_cutout
    from geom.model.tolerance import Size

    fit = fit_of(CATALOG.parts["770-744/064-000"], Size.exact(1.5), Size.exact(0.0))
    assert fit.ok
    fit_3d = {"applies": True, "ok": False, "interference_mm3": 1.0}
    files = write_cutout(fit, tmp_path, fit_3d=fit_3d)
    report = json.loads(files.report.read_text(encoding="utf-8"))
    assert report["ok"] is False and files.dxf is None
    assert not (tmp_path / "770-744_064-000-cutout.dxf").exists()


def test_check_3d_text_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "770-744", "--3d"]) == 0
    out = capsys.readouterr().out
    assert "ok   fit_3d" in out and "interference 0.000000 mm3" in out


def test_build_writes_dxf_report_with_3d_and_step_for_every_template(tmp_path: Path) -> None:
    assert main(["build", "-o", str(tmp_path)]) == 0
    for pid in IDS:
        part = CATALOG.parts[pid]
        stem = part.file_stem
        assert (tmp_path / f"{stem}-cutout.dxf").is_file()
        step = tmp_path / f"{stem}-body.step"
        assert step.read_bytes().startswith(b"ISO-10303-21;")
        report = json.loads((tmp_path / f"{stem}-fit.json").read_text(encoding="utf-8"))
        assert report["ok"] is True
        if snap_in_rect(pid):
            assert report["fit_3d"]["applies"] is True and report["fit_3d"]["ok"] is True
            assert report["fit_3d"]["interference_mm3"] <= INTERFERENCE_LIMIT_MM3
            # each end of the opening band on each end of the grip range (one plate when
            # the range is a single thickness)
            cases = {(c["opening_end"], c["finished_plate_mm"]) for c in report["fit_3d"]["cases"]}
            assert len(report["fit_3d"]["cases"]) == len(cases)
            assert cases == {(e, t) for e in ("min", "max") for t in grip(pid)}
        else:
            assert report["fit_3d"]["applies"] is False and "ok" not in report["fit_3d"]
        assert report["body"] == {"step": step.name, "finished_plate_mm": grip(pid)[1]}


def test_cutout_corners_rounder_than_the_collar_fail_in_3d_as_in_2d(tmp_path: Path) -> None:
    text = (TEMPLATES / "770-744_064-000.toml").read_text(encoding="utf-8")
    old = 'corner_radius = { value = 0.5, source = "assumed" }'  # the cutout's
    assert text.count(old) == 1
    path = tmp_path / "round.toml"
    path.write_text(text.replace(old, old.replace("0.5", "1.5")), encoding="utf-8")
    from geom.data.templates import load_file

    fit = fit_of(load_file(path, CATALOG), Size.exact(1.0), NO_COATING)
    assert not next(c for c in fit.checks if c.name == "corner_radius").ok
    result = check_3d(fit)
    assert not result.ok
    smallest = next(c for c in result.cases if c.opening_end == "min")
    assert smallest.interference_mm3 > INTERFERENCE_LIMIT_MM3


ROUNDER = [
    *("--width", "44", "--height", "24", "--depth", "10", "--grip-min", "1", "--grip-max", "1.5"),
    *("--tolerance", "0.4", "--cutout-width", "40", "--cutout-height", "20"),
    *("--corner-radius", "2", "--collar-corner-radius", "1.5", "--latch-span", "42"),
    *("--sheet", "1.2", "--shop-tolerance", "0.01", "--3d", "--json"),
]
"""An inline part: a 40 x 20 mm cutout of corner radius 2 (+0.4/0), cut by a shop that
holds +/-0.01 mm, so the opening is 40.19 .. 40.21 x 20.19 .. 20.21 mm; a collar of
corner radius 1.5 (no minus) given by its width (height: 20 mm less)."""


@pytest.mark.parametrize(("collar", "fits"), [(39.83, True), (40.09, False)])
def test_opening_corners_rounder_than_the_collar_with_play_on_both_axes(
    collar: float, fits: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """Play p = 0.36 (0.10) mm on each axis at the smallest opening. The collar's centre
    moves where its corners stay inside the opening's: within rho = 2 - 1.5 = 0.5 of the
    point c = p/2 - rho on each axis from the middle (c < 0: the four arcs bound a
    lens). It fits when hypot(c, c) <= rho: 0.453 <= 0.5 for p = 0.36, and then it goes
    c + sqrt(rho^2 - c^2) along an axis and c + rho/sqrt(2) along the diagonal; for
    p = 0.10, 0.636 > 0.5: the opening's corners cut 0.136 mm into the collar's, and
    2D and 3D both fail. (Pushed p/2 along the width, as the 3D check once did, the
    collar would cut into the corner: hypot(p/2 - c, c) > rho.)"""
    args = [*ROUNDER, "--collar-width", str(collar), "--collar-height", f"{collar - 20:.2f}"]
    status = main(["check", *args])
    report = json.loads(capsys.readouterr().out)
    checks = {c["name"]: c["ok"] for c in report["checks"]}
    assert checks["corner_radius"] is fits and all(checks.values()) is fits
    fit3d = report["fit_3d"]
    assert fit3d["ok"] is fits and report["ok"] is fits and status == (0 if fits else 1)
    rho = 0.5
    for case, opening in zip(fit3d["cases"], (40.19, 40.21), strict=True):
        assert case["opening_mm"]["width"] == pytest.approx(opening, abs=1e-9)
        c = (opening - collar) / 2 - rho
        assert (math.hypot(c, c) <= rho) is fits is case["feasible"]
        if not fits:
            gap = rho - math.hypot(c, c)
            assert case["positions_mm"] == [{"x": 0.0, "y": 0.0}] and not case["ok"]
            assert f"its corners cut {-gap:.3f} mm into the collar's" in case["reason"]
            continue
        along, diagonal = c + math.sqrt(rho**2 - c**2), c + rho / math.sqrt(2)
        expected = [along, 0.0, 0.0, along, diagonal, diagonal]  # x, y of each
        found = [p[k] for p in case["positions_mm"] for k in ("x", "y")]
        assert found == pytest.approx(expected, abs=1e-9)
        assert case["pushes_mm"] == pytest.approx([-along, along], abs=1e-9)
        assert case["interference_mm3"] <= INTERFERENCE_LIMIT_MM3
        assert [la["push_mm"] for la in case["latches"]] == pytest.approx([along] * 2)
    if fits:  # 2D pushes the collar for the latch as far as it goes, no further
        reach = next(c for c in report["checks"] if c["name"] == "latch_reach")["figures"]
        c = (40.21 - collar) / 2 - rho
        assert reach["shift"] == pytest.approx(c + math.sqrt(rho**2 - c**2), abs=1e-9)


def test_bad_plate_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["body", "770-744", "--sheet", "2.5", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("geom: command line:--sheet: '2.500' is a sheet whose finished")
    assert len(err.splitlines()) == 1
    assert not out.exists()


# --- failing closed: a boolean result that cannot be trusted never reads as a pass -------

DATA = Path(__file__).resolve().parent / "data"


def test_round_collar_ends_agree_with_2d_or_fail_as_undecidable() -> None:
    """tests/data/round-ends.toml: collar and cut corners half the collar height, so at
    the smallest opening the collar's round ends touch the opening's edge (tangent)."""
    from geom.data.templates import load_file

    part = load_file(DATA / "round-ends.toml", CATALOG)
    snap = part.fit
    assert snap.collar_corner_radius == snap.collar_height.max / 2
    fit = fit_of(part, snap.grip, NO_COATING)
    assert fit.ok
    result = check_3d(fit)
    assert result.ok or not result.decided
    if not result.decided:  # allowed, but then it fails and says why
        assert not result.ok and all(c.reason for c in result.cases if not c.decided)
        return
    # worked out from the template: span 43.5 - 0.2, opening 41.5 .. 41.6, collar 41.5
    # (no minus), so the play is 0 at the smallest opening and 0.05 mm at the largest
    for case in result.cases:
        push = 0.0 if case.opening_end == "min" else 0.05
        catch = (43.3 - (41.5 if case.opening_end == "min" else 41.6)) / 2 - push
        assert case.interference_mm3 == pytest.approx(0.0, abs=INTERFERENCE_LIMIT_MM3)
        assert [la.catch for la in case.latches] == pytest.approx([catch, catch], abs=1e-6)
        assert [la.top for la in case.latches] == pytest.approx([-case.plate] * 2, abs=1e-6)


def _empty_compound() -> object:
    from OCP.BRep import BRep_Builder
    from OCP.TopoDS import TopoDS_Compound

    compound = TopoDS_Compound()
    BRep_Builder().MakeCompound(compound)
    return compound


def _forge_common(monkeypatch: pytest.MonkeyPatch, result: str, times: int | None) -> None:
    """Make OpenCascade's boolean COMMON return `result` ("empty" compound or "null"
    shape) with no error and no warning, the first `times` times (None: always)."""
    import OCP.BOPAlgo
    from OCP.TopoDS import TopoDS_Shape

    real = OCP.BOPAlgo.BOPAlgo_BOP
    count = {"left": times}

    class Forged(real):  # type: ignore[misc, valid-type]
        def Shape(self) -> object:
            if self.Operation() != OCP.BOPAlgo.BOPAlgo_Operation.BOPAlgo_COMMON:
                return super().Shape()
            if count["left"] is not None:
                if count["left"] == 0:
                    return super().Shape()
                count["left"] -= 1
            return _empty_compound() if result == "empty" else TopoDS_Shape()

    monkeypatch.setattr(OCP.BOPAlgo, "BOPAlgo_BOP", Forged)


@pytest.mark.parametrize("result", ["empty", "null"])
def test_a_boolean_that_returns_nothing_makes_the_3d_check_fail_with_a_reason(
    monkeypatch: pytest.MonkeyPatch, result: str
) -> None:
    fit = fit_of(CATALOG.parts["770-744/064-000"], Size.exact(1.5), NO_COATING)
    assert fit.ok and check_3d(fit).ok
    _forge_common(monkeypatch, result, None)
    outcome = check_3d(fit)
    assert not outcome.ok and not outcome.decided
    for case in outcome.cases:
        assert not case.decided and not case.ok
        assert case.interference_mm3 is None and case.latches == ()
        assert "first try" in case.reason and "retry" in case.reason
        expected = "volumes disagree" if result == "empty" else "common: null result"
        assert expected in case.reason
    report = outcome.report()
    assert report["ok"] is False and report["decided"] is False
    assert report["interference_mm3"] is None
    assert all(c["decided"] is False and c["reason"] for c in report["cases"])


def test_check_3d_prints_undecidable_and_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _forge_common(monkeypatch, "empty", None)
    assert main(["check", "770-744", "--sheet", "1.5", "--3d"]) == 1
    out = capsys.readouterr().out
    assert "FAIL fit_3d" in out and "UNDECIDABLE in 2" in out
    undecided = [line for line in out.splitlines() if "UNDECIDABLE at opening" in line]
    assert len(undecided) == 2 and all("volumes disagree" in line for line in undecided)
    assert main(["check", "770-744", "--sheet", "1.5", "--3d", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["fit_3d"]["decided"] is False


def test_one_untrusted_result_is_measured_again_perturbed(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the first case the latch probe's common comes back empty (the forged first two
    results: the interference's, truly empty at this touching fit, and the latch
    probe's): that case is measured once more (opening offset inwards, fuzzy value) and
    then decided, the reason kept."""
    fit = fit_of(CATALOG.parts["770-744/064-000"], Size.exact(1.5), NO_COATING)
    _forge_common(monkeypatch, "empty", 2)
    outcome = check_3d(fit)
    assert outcome.ok and outcome.decided
    first, *rest = outcome.cases
    assert first.retried and first.reason.startswith("first try: latch regions: volumes disagree")
    assert not any(c.retried or c.reason for c in rest)
    # the retry's perturbation costs the catch RETRY_MM, nothing more
    from geom.cad.fit3d import RETRY_MM

    reference = check_3d(fit).cases[0]
    for forged, real in zip(first.latches, reference.latches, strict=True):
        assert forged.catch == pytest.approx(real.catch - RETRY_MM, abs=1e-9)
    assert first.interference_mm3 == pytest.approx(0.0, abs=INTERFERENCE_LIMIT_MM3)


def test_an_invalid_solid_is_refused_as_a_boolean_input() -> None:
    """OpenCascade's face merging (ShapeUpgrade_UnifySameDomain) of the round-ended body
    gives a solid its checker calls invalid; geom keeps the unmerged solid instead, and
    the merged one, given to `split`, comes back with the problem and no numbers."""
    from OCP.ShapeUpgrade import ShapeUpgrade_UnifySameDomain

    from geom.cad.body import boolean, operand, prism, solid, split, valid
    from geom.cad.fit3d import plate_with_cutout
    from geom.data.templates import load_file
    from geom.model.body import build_body

    part = load_file(DATA / "round-ends.toml", CATALOG)
    (spec,) = build_body(part, 1.5, latch_span=part.fit.latch_span.min).solids
    added = [prism(p) for p in spec.add]
    raw = boolean("cut", [boolean("fuse", added[:1], added[1:])], [prism(p) for p in spec.cut])
    unify = ShapeUpgrade_UnifySameDomain(raw, True, True, True)
    unify.Build()
    merged = unify.Shape()
    assert valid(raw) and not valid(merged)
    assert valid(solid(spec))
    body = operand("body", merged)
    assert body.problems and "not a valid boolean input" in body.problems[0]
    plate = plate_with_cutout(41.5, 15.5, 7.75, 1.5, (65.5, 38.5))
    assert plate.problems == ()
    outcome = split([body], [plate])
    assert outcome.problems == body.problems and outcome.common is None
