"""The catalog's jobs, run in worker processes: one producer group for one part (cutout
DXF and fit report with the 3D check, previews, body STEP, drawing), or one example
panel (what `geom panel` writes, previews and the panel drawing). What they share and
report back is picklable."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geom.data.templates import Catalog
from geom.model.conditions import Conditions
from geom.model.contour import shape_fields
from geom.model.fit import Fit, evaluate
from geom.model.part import Part
from geom.model.report import NOT_APPLICABLE, holds_3d
from geom.model.units import band
from geom.output import OutputSet


@dataclass(frozen=True, slots=True)
class Options:
    """What every job of one catalog build shares (picklable: sent to the workers)."""

    out_dir: Path
    conditions: Conditions
    """Sheet, coating, masking, target and shop of every part's fit (panels: their own)."""
    scale: float
    """Preview scale, paper mm per model mm."""
    dpi: int
    template_dirs: tuple[Path, ...] = ()
    """Where templates are read; empty: geom.data.templates.template_dirs() in the parent.
    Resolved before the workers start: a worker process may not share our environment."""


@dataclass(frozen=True, slots=True)
class PartJob:
    """One part's job inside a worker: the fit, where to write, what is written so far."""

    fit: Fit
    options: Options
    files: dict[str, Path] = field(default_factory=dict)
    """Files written by earlier producers, by role (`cutout_dxf`, `preview_png`, ...)."""
    data: dict[str, Any] = field(default_factory=dict)
    """Key data for the index page."""


@dataclass(frozen=True, slots=True)
class Result:
    """What a job reports back (picklable)."""

    id: str
    kind: str
    ok: bool
    files: tuple[str, ...]
    """File names, relative to the output directory."""
    seconds: float
    error: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class JobFailed(Exception):
    """A producer's verdict that the part must not be used (e.g. the fit fails)."""


def _cutout(job: PartJob) -> list[Path]:
    """Cutout DXF and fit report, the report with the 3D fit check, through the same
    gate as `geom build` (geom.output.gate): a failing or undecided 3D check withholds
    the DXF as a failing 2D check does."""
    from geom.dxf.cutout import write_cutout
    from geom.services import body_plate_of, fit3d_report, step_name

    fit = job.fit
    fit3d = fit3d_report(fit)
    plate = body_plate_of(fit)
    extra = {"body": {"step": step_name(fit.part), "finished_plate_mm": plate}}
    outputs = OutputSet.direct(job.options.out_dir)
    files = write_cutout(fit, outputs, fit_3d=fit3d, extra=extra)
    outputs.finish()
    job.files["fit_report"] = files.report
    job.data["fit3d_ok"] = holds_3d(fit3d) is True if fit3d["applies"] else NOT_APPLICABLE
    if files.dxf is None:  # a failing 2D or 3D check withholds the DXF
        failed = [c.message for c in fit.failures()]
        if holds_3d(fit3d) is not True:
            failed.append(f"3D check fails or is undecided (see {files.report.name})")
        raise JobFailed(f"fit fails, DXF withheld: {'; '.join(failed)}")
    job.files["cutout_dxf"] = files.dxf
    return [files.dxf, files.report]


def _body(job: PartJob) -> list[Path]:
    """The simplified body as STEP, wings for the plate `geom build` uses."""
    from geom.services import body_plate_of, validate_bodies, write_body

    plate = body_plate_of(job.fit)
    validate_bodies(job.fit, plate)
    step = write_body(job.fit.part, plate, job.options.out_dir)
    job.files["body_step"] = step
    return [step]


def _previews(job: PartJob) -> list[Path]:
    from geom.render.preview import write_preview

    dxf = job.files["cutout_dxf"]
    files = write_preview(
        dxf, job.options.out_dir, dxf.stem, scale=job.options.scale, dpi=job.options.dpi
    )
    job.files["preview_svg"], job.files["preview_png"] = files.svg, files.png
    return [files.svg, files.png]


def _drawing(job: PartJob) -> list[Path]:
    from geom.dxf.cutout import cutout_contour
    from geom.render.part_drawing import write_drawing

    if not job.fit.ok:  # as the cutout DXF: nobody should cut from a failing fit
        raise JobFailed("fit fails, drawing withheld")
    files = write_drawing(job.fit, cutout_contour(job.fit), job.options.out_dir)
    job.files["drawing_pdf"], job.files["drawing_dxf"] = files.pdf, files.dxf
    job.data["revision"] = files.revision
    return [files.pdf, files.dxf]


PART_SUFFIXES = (
    "-cutout.dxf",
    "-fit.json",
    "-cutout.svg",
    "-cutout.png",
    "-body.step",
    "-drawing.pdf",
    "-drawing.dxf",
)
"""Every file a part's jobs may write, after its file stem (the catalog's set claims
them all: one a run withholds is a stale one of an earlier run, removed)."""
PANEL_SUFFIXES = (
    *(f"-{kind}.{ext}" for kind in ("panel", "flat") for ext in ("dxf", "svg", "png")),
    "-panel.step",
    "-folded.step",
    "-assembly.step",
    "-bom.csv",
    "-report.json",
)
"""Every file an example panel's job may write besides its drawing, after its name."""
WITHHELD_WITH_DXF = ("drawing_pdf", "drawing_dxf")
"""A part's files withheld with its cutout DXF (the drawing runs in its own group)."""

Producer = Callable[[PartJob], list[Path]]


PART_PRODUCERS: list[tuple[Producer, ...]] = [
    (_cutout, _previews),
    (_body,),
    (_drawing,),
]
"""Every part gets one job per group, and the groups run in parallel; inside a group the
producers run in order and may use the files of those before them. The last group is
queued first (the drawing: the longest job). One line per added output."""


def build_part(part: Part, group: int, options: Options) -> Result:
    """Run one producer group for one part (in a worker process)."""
    part_id = part.id
    start = time.perf_counter()
    written: list[Path] = []
    data: dict[str, Any] = {}
    try:
        fit = evaluate(part, options.conditions)
        job = PartJob(fit, options, data=data)
        data.update(_key_data(fit))
        try:
            for producer in PART_PRODUCERS[group]:
                written += producer(job)
        finally:
            data["files"] = {role: path.name for role, path in job.files.items()}
            # A producer that stops (JobFailed) may have written some files already.
            written += [p for p in job.files.values() if p not in written]
        return Result(part_id, "part", True, _names(written), _since(start), data=data)
    except JobFailed as exc:
        return Result(part_id, "part", False, _names(written), _since(start), str(exc), data)
    except Exception as exc:  # one part's bug must not stop the catalog: report it
        return Result(part_id, "part", False, _names(written), _since(start), _describe(exc), data)


def merge(results: Sequence[Result]) -> Result:
    """The results of one part's jobs as one: ok when all are, files in group order."""
    first = results[0]
    data: dict[str, Any] = {}
    files: dict[str, str] = {}
    for r in results:
        data.update(r.data)
        files.update(r.data.get("files", {}))
    data["files"] = files
    errors = list(dict.fromkeys(r.error for r in results if r.error))
    return Result(
        first.id,
        first.kind,
        all(r.ok for r in results),
        tuple(name for r in results for name in r.files),
        sum(r.seconds for r in results),
        "; ".join(errors),
        data,
    )


def _key_data(fit: Fit) -> dict[str, Any]:
    part, cut, snap = fit.part, fit.cut, fit.part.fit
    return {
        "name": part.name,
        "manufacturer": part.manufacturer,
        "poles": part.poles,
        "pin_spacing": part.pin_spacing,
        "frame": part.frame.id if part.frame else None,
        "sheet": [fit.sheet.min, fit.sheet.max],
        "grip": [snap.grip.min, snap.grip.max],
        "cut": [*cut.extent(), cut.corner_radius],
        "band": [snap.cutout.width, snap.cutout.height, snap.tolerance],
        "shape": shape_fields(cut),
        "bands": {n: list(snap.band(n)) for n in snap.cutout.SIZES},
        "holes": None if fit.hole_cut is None else [fit.hole_cut, str(snap.holes)],
        "mounting": snap.mounting,
        "fit_ok": fit.ok,
        "cut_assumed": part.cut_assumed,
    }


def _names(paths: Sequence[Path]) -> tuple[str, ...]:
    return tuple(p.name for p in paths)


def _since(start: float) -> float:
    return time.perf_counter() - start


PANELS_DIR = "panels"
"""Example panels: `<template dir>/panels/*.toml`, built by the catalog too."""


def panel_files(template_dirs: Sequence[Path]) -> list[Path]:
    """Every panel file in the `panels` folder of each template directory (sorted)."""
    found: dict[str, Path] = {}
    for directory in template_dirs:
        for path in sorted((directory / PANELS_DIR).glob("*.toml")):
            found.setdefault(path.stem, path)  # an earlier directory shadows a later one
    return [found[stem] for stem in sorted(found)]


def build_panel(path: Path, catalog: Catalog, options: Options) -> Result:
    """A panel's files (geom.panel.job: DXF, STEP, BOM, report; a panel with flanges:
    geom.panel.bent_job), previews and drawing."""
    from geom.panel.bent_job import run_bent
    from geom.panel.job import run_panel
    from geom.panel.model import load_panel
    from geom.render.bent_drawing import write_bent_drawing
    from geom.render.drawings import drawing_names, panel_template
    from geom.render.panel_drawing import write_panel_drawing
    from geom.render.preview import write_preview

    start = time.perf_counter()
    written: list[Path] = []
    roles: dict[str, str] = {}
    data: dict[str, Any] = {"files": roles}
    outputs = OutputSet.direct(options.out_dir)
    try:
        panel = load_panel(path, catalog)
        data.update(_panel_data(panel))
        run = run_panel if panel.bends is None else run_bent
        files = run(panel, outputs, also=drawing_names(panel))
        named = {
            "panel_dxf": files.dxf,
            "panel_step": files.step,
            "assembly_step": files.assembly,
            "bom": files.bom,
            "tayda": files.tayda.file,
            "report": files.report,
        }
        for role, file in named.items():
            if file is not None:
                roles[role] = file.name
                written.append(file)
        if files.violations or files.dxf is None:
            rules = sorted({v.rule for v in files.violations})
            raise JobFailed(f"layout violations ({', '.join(rules)}); DXF and STEP withheld")
        pics = write_preview(
            files.dxf, options.out_dir, files.dxf.stem, scale=options.scale, dpi=options.dpi
        )
        draw = write_panel_drawing if panel.bends is None else write_bent_drawing
        drawing = draw(panel, files.dxf, files.bom, options.out_dir)
        template = panel_template(panel, files.dxf, options.out_dir)
        roles.update(
            preview_svg=pics.svg.name,
            preview_png=pics.png.name,
            drawing_pdf=drawing.pdf.name,
            drawing_dxf=drawing.dxf.name,
            drawing_svg=drawing.svg.name,
            drawing_png=drawing.png.name,
            template_pdf=template.name,
        )
        data["revision"] = drawing.revision
        written += [
            pics.svg,
            pics.png,
            drawing.pdf,
            drawing.dxf,
            drawing.svg,
            drawing.png,
            template,
        ]
        if drawing.holes is not None:
            roles["holes_csv"] = drawing.holes.name
            written.append(drawing.holes)
        outputs.finish()  # the report, with every file of the panel
        return Result(path.stem, "panel", True, _names(written), _since(start), data=data)
    except JobFailed as exc:
        outputs.finish()
        return Result(path.stem, "panel", False, _names(written), _since(start), str(exc), data)
    except Exception as exc:  # one panel's problem must not stop the catalog
        outputs.finish()  # the report, if the panel job got that far
        error = _describe(exc)
        return Result(path.stem, "panel", False, _names(written), _since(start), error, data)


def _panel_data(panel: Any) -> dict[str, Any]:
    return {
        "name": f"panel {panel.name}: {panel.width:g} x {panel.height:g} mm, "
        f"sheet {band(panel.sheet.min, panel.sheet.max)} mm {panel.process}",
        "panel": {
            "size": [panel.width, panel.height],
            "sheet": [panel.sheet.min, panel.sheet.max],
            "coating": [panel.coating.min, panel.coating.max],
            "cutouts": len(panel.places),
            "holes": len(panel.holes),
            "slots": len(panel.slots),
        },
        "cut_assumed": any(p.part.cut_assumed for p in panel.places),
    }


def _describe(exc: Exception) -> str:
    """An unexpected error in one line, with where it happened (file:line)."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
