"""A check that does not apply says so (`"applies": false`, no `ok`) and counts neither
as a pass nor as a failure: the 2D checks decide alone, the terminal says n/a."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Run

from geom.model.report import holds_3d, with_3d


def test_a_3d_check_that_does_not_apply_is_not_passed(geom: Callable[..., Run]) -> None:
    """A cable gland (nut-held, round hole): no latches to measure in 3D."""
    report = geom("check", "gland-M20", "--sheet", "1.5", "--3d", "--json").json()
    assert report["fit_3d"]["applies"] is False and "ok" not in report["fit_3d"]
    assert report["ok"] is True  # the 2D checks hold
    text = geom("check", "gland-M20", "--sheet", "1.5", "--3d")
    assert text.code == 0
    line = next(x for x in text.out.splitlines() if "fit_3d" in x)
    assert line.split()[0] == "n/a" and "does not apply" in line


def test_not_applicable_neither_passes_nor_fails() -> None:
    na = {"applies": False, "reason": "no latches"}
    for ok in (True, False):
        assert with_3d({"ok": ok}, na)["ok"] is ok
    assert holds_3d(na) and holds_3d(None)
    assert not holds_3d({"applies": True, "ok": False})
    assert with_3d({"ok": True}, {"applies": True, "ok": False})["ok"] is False


def test_the_catalog_page_says_n_a() -> None:
    from geom.catalog.index import _verdict
    from geom.model.report import NOT_APPLICABLE

    assert [_verdict(v) for v in (True, False, NOT_APPLICABLE, None)] == [
        "holds",
        "FAILS",
        "n/a",
        "-",
    ]
