"""One output gate for every door: `geom build` and the catalog (`geom build --all`)
decide the same for a part whose 2D checks hold but whose 3D check fails, cannot decide
a case, or cannot be computed at all: no cutout DXF (nor drawing), `"ok": false`."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import geom.cad.fit3d as fit3d
from geom.catalog import Options, build_all
from geom.model.conditions import Conditions
from geom.model.report import holds_3d
from geom.output import decide

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
STEM = "770-744_064-000"
REAL = fit3d.check_3d


def _fails(fit: Any, **_: Any) -> fit3d.Fit3D:
    """The real 3D check against an opening 0.3 mm narrower than the collar: it finds
    interference (decided, fails) while the 2D checks of the true opening hold."""
    return REAL(fit, openings={"width": (41.2, 41.3), "height": (15.5, 15.6)})


def _undecided(fit: Any, **_: Any) -> fit3d.Fit3D:
    """The real 3D check with every case marked as OpenCascade's untrusted result."""
    real = REAL(fit)
    cases = tuple(dataclasses.replace(c, decided=False, reason="forged") for c in real.cases)
    return dataclasses.replace(real, cases=cases)


def _raises(fit: Any, **_: Any) -> fit3d.Fit3D:
    raise RuntimeError("the kernel gave up")


@pytest.mark.parametrize("check", [_fails, _undecided, _raises], ids=lambda f: f.__name__)
def test_build_and_catalog_decide_the_same(
    check: Callable[..., fit3d.Fit3D],
    geom: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fit3d, "check_3d", check)
    built = geom("build", "770-744", "-o", tmp_path / "build")
    assert built.code == 1
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(TEMPLATES / f"{STEM}.toml", templates)
    options = Options(tmp_path / "catalog", Conditions(), 1.0, 50, template_dirs=(templates,))
    summary = build_all(options, jobs=1, out=io.StringIO())  # in this process: patched
    (failed,) = summary.failures
    assert failed.id == "770-744/064-000" and "DXF withheld" in failed.error
    for folder in ("build", "catalog"):
        out = tmp_path / folder
        names = {p.name for p in out.iterdir()}
        assert f"{STEM}-cutout.dxf" not in names, folder
        assert not any("drawing" in n or n.endswith((".svg", ".png")) for n in names), names
        report = json.loads((out / f"{STEM}-fit.json").read_text(encoding="utf-8"))
        assert report["ok"] is False and report["forced"] is False, folder
        assert report["files"]["dxf"] is None
        assert all(c["ok"] for c in report["checks"])  # the 2D checks hold
        assert holds_3d(report["fit_3d"]) is not True
    reports = [
        json.loads((tmp_path / f / f"{STEM}-fit.json").read_text(encoding="utf-8"))
        for f in ("build", "catalog")
    ]
    assert reports[0]["fit_3d"] == reports[1]["fit_3d"]


def test_force_writes_a_3d_failure_marked(
    geom: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fit3d, "check_3d", _raises)
    assert geom("build", "770-744", "--force", "-o", tmp_path).code == 1
    report = json.loads((tmp_path / f"{STEM}-fit.json").read_text(encoding="utf-8"))
    assert report["ok"] is False and report["forced"] is True
    assert report["notes"][0].startswith("FIT FAILS")
    assert (tmp_path / f"{STEM}-cutout.dxf").is_file()


def test_a_check_that_cannot_be_decided_fails_closed() -> None:
    assert decide(True, True).write and not decide(True, None).write
    assert decide(True, None, force=True).forced
    assert holds_3d({"applies": False, "reason": "x"}) is True
    assert holds_3d({"ok": True, "decided": False}) is None
    assert holds_3d({"applies": True}) is None
