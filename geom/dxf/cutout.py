"""One part's cutout job: the DXF a shop cuts from, and the fit report beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.dxf.writer import DxfVersion, Note, write_dxf
from geom.model.contour import Vertex, shape_text
from geom.model.fit import Fit
from geom.model.notes import FORCED_NOTE, KERF_NOTE, VERIFY_NOTE
from geom.model.report import band_text, fit_report, holds_3d, with_3d, with_forced
from geom.model.units import band, deviation, mm
from geom.output import OutputSet, decide, opened

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
    out: Path | OutputSet,
    *,
    version: DxfVersion = "r2000",
    explode: bool = False,
    force: bool = False,
    fit_3d: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    also: Sequence[str] = (),
) -> CutoutFiles:
    """Write `<id>-cutout.dxf` and `<id>-fit.json` into `out` (a folder, written as one
    set, or a set of the caller's) through the output gate (geom.output.gate): the DXF
    only when the fit holds, 2D and (with `fit_3d`, the 3D check) 3D, or with `force`,
    then marked FORCED_NOTE and the report says `"forced": true`; a DXF of that name
    from an earlier run is removed otherwise and the report says so.

    `extra` entries (the body file) are added to the report; `also` names further files
    of the set the report lists with their SHA-256 (the body STEP)."""
    stem = fit.part.file_stem
    verdict = decide(fit.ok, holds_3d(fit_3d), force=force)
    name = f"{stem}-cutout.dxf"
    dxf = None
    with opened(out) as outputs:
        outputs.claim(name)
        if verdict.write:
            dxf = write_dxf(
                outputs.path(name),
                [cutout_contour(fit), *fit.hole_contours()],
                cutout_notes(fit, verdict.forced),
                version=version,
                explode=explode,
            )
        document = fit_report(fit)
        document["files"] = {
            "dxf": name if dxf else None,
            "dxf_version": version,
            "exploded": explode,
            "removed_stale": [],
        }
        if fit_3d is not None:
            document = with_3d(document, fit_3d)
        document["ok"] = verdict.holds
        document.update(extra or {})
        document = with_forced(document, verdict.forced)
        report = outputs.report(f"{stem}-fit.json", document, [name, *also])
    return CutoutFiles(None if dxf is None else outputs.final(dxf), report)
