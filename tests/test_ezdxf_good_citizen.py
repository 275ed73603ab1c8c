"""geom's DXF, preview and drawing writers leave the process-wide state of ezdxf (its
options, the drawing add-on's section of them), PyMuPDF (its TOOLS switches), logging and
warnings as they found it, also when a write fails: a user's own ezdxf work in the same
process is unaffected."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ezdxf
import pymupdf
import pytest
from ezdxf.document import Drawing
from fits import fit_of

from geom.data.templates import load_catalog
from geom.dxf.cutout import cutout_contour, write_cutout
from geom.model.fit import Fit
from geom.render.part_drawing import write_drawing
from geom.render.preview import write_preview

PART = "770-744/064-000"


def _loggers() -> dict[str, tuple[int, bool, bool, int]]:
    manager = logging.root.manager
    found = {n: v for n, v in manager.loggerDict.items() if isinstance(v, logging.Logger)}
    found["(root)"] = logging.root
    return {n: (v.level, v.disabled, v.propagate, len(v.handlers)) for n, v in found.items()}


def _state() -> dict[str, Any]:
    options = ezdxf.options
    tools = pymupdf.TOOLS
    return {
        "ezdxf.options": {s: dict(options._config[s]) for s in options._config.sections()},
        "ezdxf.options attributes": {k: v for k, v in vars(options).items() if k != "_config"},
        "pymupdf.TOOLS": (
            tools.mupdf_display_errors(),
            tools.mupdf_display_warnings(),
            tools.show_aa_level(),
            tools.set_small_glyph_heights(),
            tools.set_subset_fontnames(),
            tools.unset_quad_corrections(),
        ),
        "loggers": _loggers(),
        "warnings": list(warnings.filters),
    }


def _same(before: dict[str, Any], after: dict[str, Any]) -> None:
    """`after` equals `before`, except that loggers a library created meanwhile (on a lazy
    import) may be new: those must be left unconfigured."""
    new = {n: v for n, v in after["loggers"].items() if n not in before["loggers"]}
    assert all(v == (logging.NOTSET, False, True, 0) for v in new.values()), new
    assert {**after, "loggers": {n: after["loggers"][n] for n in before["loggers"]}} == before


def _fit() -> Fit:
    part = load_catalog().parts[PART]
    return fit_of(part, part.fit.grip)


def _cutout(out: Path) -> object:
    return write_cutout(_fit(), out).dxf


def _preview(out: Path) -> object:
    source = write_cutout(_fit(), out).dxf
    assert source is not None
    before = _state()
    files = write_preview(source, out, "preview")
    _same(before, _state())
    return files


def _drawing(out: Path) -> object:
    fit = _fit()
    return write_drawing(fit, cutout_contour(fit), out)


WRITERS: dict[str, Callable[[Path], object]] = {
    "cutout": _cutout,
    "preview": _preview,
    "drawing": _drawing,
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_writers_leave_ezdxf_state_as_found(kind: str, tmp_path: Path) -> None:
    before = _state()
    assert WRITERS[kind](tmp_path)
    _same(before, _state())


def test_a_failed_dxf_write_leaves_ezdxf_state_as_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError("no space left on device")

    before = _state()
    monkeypatch.setattr(Drawing, "write", full)
    with pytest.raises(OSError, match="no space"):
        write_cutout(_fit(), tmp_path)
    _same(before, _state())
    assert not list(tmp_path.glob("*.dxf"))
