"""One part's cutout job: the DXF a shop cuts from, and the fit report beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.data.atomic import write_text
from geom.dxf.writer import DxfVersion, Note, write_dxf
from geom.model.contour import Vertex, shape_text
from geom.model.fit import Fit
from geom.model.notes import FORCED_NOTE, KERF_NOTE, VERIFY_NOTE
from geom.model.report import band_text, dumps, fit_report, holds_3d, with_3d, with_forced
from geom.model.units import band, deviation, mm

NOTE_HEIGHT_MM = 2.5


@dataclass(frozen=True, slots=True)
class CutoutFiles:
    dxf: Path | None
    """None when the fit failed and the DXF was withheld."""
    report: Path


def cutout_contour(fit: Fit) -> list[Vertex]:
    """The cut as drawn, centred on (0, 0) (its fixing holes: `Fit.hole_contours`)."""
    return fit.cut.contour()


def cutout_notes(fit: Fit, forced: bool = False) -> list[Note]:
    """Annotation lines below the cutout (layer NOTES), ASCII only for old CAM software.
    `forced` (written only because of --force) adds FORCED_NOTE above the cutout, at
    twice the text height (mm)."""
    part, cut, snap = fit.part, fit.cut, fit.part.fit
    lines = [f"{part.id}  {part.name}"]
    if part.frame is not None:
        lines.append(f"mounts through snap-in frame {part.frame.id}: cut is the frame's")
    lines += [
        f"cut {shape_text(cut)} ({fit.target} of band, {KERF_NOTE})",
        f"finished opening {band_text(fit)}; shop process "
        f"{deviation('-', fit.process_minus)}/{deviation('+', fit.process_plus)} mm",
        f"sheet {band(fit.sheet.min, fit.sheet.max)} mm"
        f"{'' if fit.sheet_given else ' (those that grip)'}, coating "
        f"{band(fit.coating.min, fit.coating.max)} mm per face"
        f"{', openings masked' if fit.conditions.masked else ''}",
        *part.note_texts,
    ]
    holes = snap.holes
    if holes is not None and fit.hole_cut is not None:
        lines.insert(
            len(lines) - len(part.note_texts) - 1,
            f"{len(holes.positions)} fixing holes cut {mm(fit.hole_cut)} mm, finished "
            f"{mm(holes.diameter)} {deviation('+', holes.tolerance)}/0 mm",
        )
    if part.cut_assumed:
        lines.append(VERIFY_NOTE)
    top = -cut.height / 2 - 3 * NOTE_HEIGHT_MM
    notes = [
        Note(text, -cut.width / 2, top - i * 1.6 * NOTE_HEIGHT_MM, NOTE_HEIGHT_MM)
        for i, text in enumerate(lines)
    ]
    if forced:
        above = cut.height / 2 + NOTE_HEIGHT_MM
        notes.insert(0, Note(FORCED_NOTE, -cut.width / 2, above, 2 * NOTE_HEIGHT_MM))
    return notes


def write_cutout(
    fit: Fit,
    out_dir: Path,
    *,
    version: DxfVersion = "r2000",
    explode: bool = False,
    force: bool = False,
    fit_3d: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> CutoutFiles:
    """Write `<id>-cutout.dxf` (only when the fit holds, or with `force`; else a DXF of that
    name from an earlier run is removed and the report says so) and `<id>-fit.json`.
    A DXF written only because of `force` carries FORCED_NOTE, and the report says
    `"forced": true`.

    `out_dir` must exist (see geom.data.atomic.prepare_dir). With `fit_3d` (the 3D check) the
    fit holds only when both checks hold; `extra` entries (the body file) are added to
    the report."""
    stem = fit.part.file_stem
    holds = fit.ok and holds_3d(fit_3d)
    forced = force and not holds
    dxf = None
    target = out_dir / f"{stem}-cutout.dxf"
    stale = not (holds or force) and target.exists()
    if stale:  # a DXF from an earlier run beside a failing report could be cut by mistake
        target.unlink()
    if holds or force:
        dxf = write_dxf(
            target,
            [cutout_contour(fit), *fit.hole_contours()],
            cutout_notes(fit, forced),
            version=version,
            explode=explode,
        )
    document = fit_report(fit)
    document["files"] = {
        "dxf": dxf.name if dxf else None,
        "dxf_version": version,
        "exploded": explode,
        "removed": [target.name] if stale else [],
    }
    if fit_3d is not None:
        document = with_3d(document, fit_3d)
    document.update(extra or {})
    document = with_forced(document, forced)
    report = write_text(out_dir / f"{stem}-fit.json", dumps(document))
    return CutoutFiles(dxf, report)
