"""`geom build --all`: every template and every example panel, built in parallel.

Every part gets its cutout DXF and fit report (with the 3D check), previews (SVG, PNG),
body STEP and dimensioned drawing (DXF, PDF): a few jobs per part, one per producer
group in `PART_PRODUCERS`, so two cores share even a small catalog. Every example panel
(`<template dir>/panels/*.toml`) is one job: what `geom panel` writes, previews of the
panel DXF and the panel drawing. Jobs run in worker processes (default: one per core);
a job that fails is reported in the summary and does not stop the others (exit status
1). At the end, `DIR/index.html`: a static page (no server, relative links) listing
each part and panel with its preview, key data and files.

Adding an output to every part is one line: a producer in `PART_PRODUCERS` (a function
that takes the `PartJob` and returns the files it wrote).
"""

from __future__ import annotations

import html
import multiprocessing
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

from geom.data.atomic import prepare_dir, write_text
from geom.data.templates import Catalog
from geom.model.fit import Conditions, Fit, evaluate
from geom.model.part import Part
from geom.model.units import band

INDEX = "index.html"


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


# --- producers --------------------------------------------------------------------------


def _cutout(job: PartJob) -> list[Path]:
    """Cutout DXF and fit report, the report with the 3D fit check (as `geom build`)."""
    from geom.dxf.cutout import write_cutout
    from geom.services import body_plate_of, fit3d_report, step_name

    fit = job.fit
    fit3d = fit3d_report(fit)
    plate = body_plate_of(fit)
    extra = {"fit_3d": fit3d, "body": {"step": step_name(fit.part), "finished_plate_mm": plate}}
    files = write_cutout(fit, job.options.out_dir, extra=extra)
    job.files["fit_report"] = files.report
    job.data["fit3d_ok"] = fit3d["ok"]
    if files.dxf is None:  # a failing 2D or 3D check withholds the DXF
        failed = [c.message for c in fit.failures()]
        if not fit3d["ok"]:
            failed.append(f"3D check fails (see {files.report.name})")
        raise JobFailed(f"fit fails, DXF withheld: {'; '.join(failed)}")
    job.files["cutout_dxf"] = files.dxf
    return [files.dxf, files.report]


def _body(job: PartJob) -> list[Path]:
    """The simplified body as STEP (issue 3), wings for the plate `geom build` uses."""
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


Producer = Callable[[PartJob], list[Path]]
PART_PRODUCERS: list[tuple[Producer, ...]] = [
    (_cutout, _previews),
    (_body,),
    (_drawing,),
]
"""Every part gets one job per group, and the groups run in parallel; inside a group the
producers run in order and may use the files of those before them. The last group is
queued first (the drawing: the longest job). One line per added output."""


# --- one job ----------------------------------------------------------------------------


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


def _conditions_text(c: Conditions) -> str:
    """The parts' fit conditions in words, for the index page (mm)."""
    sheet = (
        "sheets that grip" if c.sheet is None else f"sheet {c.sheet.min:g} .. {c.sheet.max:g} mm"
    )
    masked = ", openings masked" if c.masked else ""
    shop = f", shop +/-{c.shop.tolerance:g} mm" if c.shop else ""
    return (
        f"{sheet}, coating {c.coating.min:g} .. {c.coating.max:g} mm per face{masked}, "
        f"target {c.target}{shop}"
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
        "cut": [cut.width, cut.height, cut.corner_radius],
        "band": [snap.cutout.width, snap.cutout.height, snap.tolerance],
        "fit_ok": fit.ok,
        "cut_assumed": part.cut_assumed,
    }


def _names(paths: Sequence[Path]) -> tuple[str, ...]:
    return tuple(p.name for p in paths)


def _since(start: float) -> float:
    return time.perf_counter() - start


# --- panels -----------------------------------------------------------------------------

PANELS_DIR = "panels"
"""Example panels: `<template dir>/panels/*.toml` (issue 4), built by the catalog too."""


def panel_files(template_dirs: Sequence[Path]) -> list[Path]:
    """Every panel file in the `panels` folder of each template directory (sorted)."""
    found: dict[str, Path] = {}
    for directory in template_dirs:
        for path in sorted((directory / PANELS_DIR).glob("*.toml")):
            found.setdefault(path.stem, path)  # an earlier directory shadows a later one
    return [found[stem] for stem in sorted(found)]


def build_panel(path: Path, catalog: Catalog, options: Options) -> Result:
    """A panel's files (geom.panel.job: DXF, STEP, BOM, report), previews and drawing."""
    from geom.panel.job import run_panel
    from geom.panel.model import load_panel
    from geom.render.panel_drawing import write_panel_drawing
    from geom.render.preview import write_preview

    start = time.perf_counter()
    written: list[Path] = []
    roles: dict[str, str] = {}
    data: dict[str, Any] = {"files": roles}
    try:
        panel = load_panel(path, catalog)
        data.update(_panel_data(panel))
        files = run_panel(panel, options.out_dir)
        named = {
            "panel_dxf": files.dxf,
            "panel_step": files.step,
            "assembly_step": files.assembly,
            "bom": files.bom,
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
        drawing = write_panel_drawing(panel, files.dxf, files.bom, options.out_dir)
        roles.update(
            preview_svg=pics.svg.name,
            preview_png=pics.png.name,
            drawing_pdf=drawing.pdf.name,
            drawing_dxf=drawing.dxf.name,
        )
        data["revision"] = drawing.revision
        written += [pics.svg, pics.png, drawing.pdf, drawing.dxf]
        return Result(path.stem, "panel", True, _names(written), _since(start), data=data)
    except JobFailed as exc:
        return Result(path.stem, "panel", False, _names(written), _since(start), str(exc), data)
    except Exception as exc:  # one panel's problem must not stop the catalog
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
        },
        "cut_assumed": any(p.part.cut_assumed for p in panel.places),
    }


def _describe(exc: Exception) -> str:
    """An unexpected error in one line, with where it happened (file:line)."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"


# --- the whole catalog ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    results: tuple[Result, ...]
    index: Path

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.ok]


def build_all(options: Options, jobs: int | None = None, out: TextIO | None = None) -> Summary:
    """Build every part (in `jobs` processes; default: all cores) and write the index."""
    from dataclasses import replace

    from geom.data.templates import load_catalog_lenient, template_dirs

    if not options.template_dirs:
        options = replace(options, template_dirs=tuple(template_dirs()))
    prepare_dir(options.out_dir)
    stream = out if out is not None else sys.stdout
    catalog, errors = load_catalog_lenient(list(options.template_dirs))
    results: list[Result] = [
        Result(Path(where).name, "template", False, (), 0.0, str(exc))
        for where, exc in sorted(errors.items())
    ]
    # Longest first: panels, then part groups (last group first), parts inner.
    groups = range(len(PART_PRODUCERS))
    panels = panel_files(options.template_dirs)
    # The parsed catalog goes to the workers: no job reads the templates again.
    tasks: list[Task] = [(build_panel, (path, catalog, options)) for path in panels]  # longest
    tasks += [
        (build_part, (part, g, options))
        for g in reversed(groups)
        for part in catalog.parts.values()
    ]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    progress = _Progress(len(tasks) + len(results), stream)
    for result in results:
        progress.done(result)
    done = _run(tasks, workers, progress)
    progress.close()
    by_part: dict[str, dict[int, Result]] = {}
    for (fn, args), result in zip(tasks, done, strict=True):
        if fn is build_part:
            by_part.setdefault(args[0].id, {})[args[1]] = result
        else:
            results.append(result)
    results += [merge([by_part[pid][g] for g in groups]) for pid in catalog.parts]
    kinds = {"template": 0, "part": 1, "panel": 2}
    ordered = tuple(sorted(results, key=lambda r: (kinds.get(r.kind, 3), r.id)))
    index = write_text(options.out_dir / INDEX, index_html(ordered, options))
    _print_summary(ordered, index, stream)
    return Summary(ordered, index)


Task = tuple[Callable[..., "Result"], tuple[Any, ...]]
"""A job: a function of this module and its (picklable) arguments."""


def _run(tasks: Sequence[Task], workers: int, progress: _Progress) -> list[Result]:
    """Every task's result, in the tasks' order, run here (one worker) or in `workers`
    processes."""
    if workers == 1:
        return [progress.done(fn(*args)) for fn, args in tasks]
    done: list[Result | None] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures = {pool.submit(fn, *args): i for i, (fn, args) in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # a worker died (e.g. killed): report, go on
                fn, args = tasks[i]
                kind, name = ("part", args[0].id) if fn is build_part else ("panel", str(args[0]))
                result = Result(name, kind, False, (), 0.0, f"worker failed: {exc!r}")
            done[i] = progress.done(result)
    assert all(r is not None for r in done), "every submitted task reports"
    return cast(list[Result], done)


WARM_MODULES = (
    "geom.dxf.cutout",
    "geom.render.part_drawing",
    "geom.render.panel_drawing",
    "geom.render.preview",
    "geom.panel.job",
)
"""Imported (and fonts loaded) before the workers start, so each starts warm."""
KERNEL = "OCP"
"""The 3D kernel (geom.cad uses OCP directly, not cadquery), imported once before the
workers start: about 0.7 s that each worker would otherwise spend importing it again."""


def _context() -> multiprocessing.context.BaseContext:
    """How workers start: `fork` when that is safe, `forkserver` otherwise.

    A forked worker starts at once with the parent's modules loaded. Forking is safe when
    the parent runs no other thread and has not *used* the OpenCascade kernel (OCCT's
    global state, its thread pools): if OCP is already loaded when the build starts,
    someone may have used it, so a forkserver starts the workers instead. Otherwise this
    function imports the kernel itself, without running any of it, and forks: the same
    state a forkserver with the kernel preloaded forks from, without starting and
    importing everything in a second interpreter first (about 2.5 s)."""
    import importlib
    import threading

    if threading.active_count() == 1 and "OCP" not in sys.modules and hasattr(os, "fork"):
        for module in (*WARM_MODULES, KERNEL):
            importlib.import_module(module)
        from geom.render.preview import warm_up

        warm_up()
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["geom.catalog", *WARM_MODULES, KERNEL])
    return context


class _Progress:
    """A tqdm bar on a terminal; one plain line per finished job otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.count, self.stream = total, 0, stream
        self.bar: Any = None
        if stream.isatty():
            import tqdm as tqdm_module
            from tqdm import tqdm

            # No monitor thread: the bar is updated from this thread only, and the
            # workers may be forked (see _context).
            tqdm_module.tqdm.monitor_interval = 0
            # A terminal that reports no size (some ptys say 0 x 0) gets 80 x 24: tqdm
            # would otherwise draw nothing at all.
            sized = shutil.get_terminal_size((0, 0)).columns > 0
            self.bar = tqdm(
                total=total,
                file=stream,
                unit="job",
                dynamic_ncols=sized,
                ncols=None if sized else 80,
                nrows=None if sized else 24,
            )

    def done(self, result: Result) -> Result:
        self.count += 1
        status = "ok  " if result.ok else "FAIL"
        line = f"[{self.count}/{self.total}] {status} {result.kind:<8} {result.id}"
        if result.error:
            line += f": {result.error}"
        if self.bar is not None:
            self.bar.set_postfix_str(result.id, refresh=False)
            self.bar.update(1)
            if not result.ok:
                self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)
        return result

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _print_summary(results: Sequence[Result], index: Path, stream: TextIO) -> None:
    width = max([len(r.id) for r in results] + [4])
    print(file=stream)
    print(f"{'part':<{width}}  {'kind':<8}  {'status':<6}  {'files':>5}  {'time':>7}", file=stream)
    for r in results:
        status = "ok" if r.ok else "FAIL"
        print(
            f"{r.id:<{width}}  {r.kind:<8}  {status:<6}  {len(r.files):>5}  {r.seconds:>6.2f}s",
            file=stream,
        )
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"FAIL {r.id}: {r.error}", file=stream)
    parts = sum(1 for r in results if r.kind == "part")
    panels = sum(1 for r in results if r.kind == "panel")
    bad = sum(1 for r in results if r.kind == "template")
    files = sum(len(r.files) for r in results)
    unread = f", {bad} unreadable template files" if bad else ""
    print(
        f"{parts} parts, {panels} panels{unread}, {files} files, {len(failed)} failures; "
        f"index {index}",
        file=stream,
    )


# --- index.html -------------------------------------------------------------------------

_CSS = """
body { font-family: sans-serif; margin: 2em; background: #fafafa; color: #222; }
h1 { font-size: 1.4em; }
.part { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: 1em;
  margin: 0 0 1.2em 0; display: flex; gap: 1.5em; align-items: flex-start; }
.part img { max-width: 360px; max-height: 220px; border: 1px solid #eee; }
.fail { border-color: #c00000; }
.assumed { color: #8a4b00; font-weight: bold; }
table { border-collapse: collapse; } td, th { padding: 2px 8px; text-align: left; }
ul { padding-left: 1.2em; margin: 0.3em 0; }
"""


def index_html(results: Sequence[Result], options: Options) -> str:
    """The catalog page: one block per part, relative links only, no scripts, no dates."""
    e = html.escape
    ok = sum(r.ok for r in results)
    rows = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>geom catalog</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>geom catalog</h1>",
        f"<p>{len(results)} entries, {ok} built, {len(results) - ok} failed. "
        f"Parts: {e(_conditions_text(options.conditions))}; panels: as their files say. "
        "All sizes in mm.</p>",
    ]
    for r in results:
        rows.append(f'<div class="part{"" if r.ok else " fail"}" id="{e(r.id)}">')
        png = r.data.get("files", {}).get("preview_png")
        if png:
            rows.append(
                f'<a href="{e(_href(png))}"><img src="{e(_href(png))}" alt="{e(r.id)}"></a>'
            )
        rows.append("<div>")
        rows.append(f"<h2>{e(r.id)}</h2>")
        d = r.data
        if d.get("name"):
            rows.append(f"<p>{e(str(d['name']))}</p>")
        if not r.ok:
            rows.append(f"<p><b>FAILED</b>: {e(r.error)}</p>")
        if d.get("cut_assumed"):
            rows.append(
                '<p class="assumed">ASSUMED cut dimensions: verify against the '
                "manufacturer's drawing before cutting</p>"
            )
        if "cut" in d:
            w, h, radius = d["cut"]
            bw, bh, tol = d["band"]
            facts = [
                ("poles", d["poles"] or "-"),
                ("pin spacing", f"{d['pin_spacing']:g} mm" if d["pin_spacing"] else "-"),
                ("mounts through", d["frame"] or "-"),
                ("grip range", f"{d['grip'][0]:g} .. {d['grip'][1]:g} mm finished plate"),
                ("sheet", f"{d['sheet'][0]:g} .. {d['sheet'][1]:g} mm"),
                ("finished opening", f"{bw:.2f} x {bh:.2f} mm +{tol:.2f}/0"),
                ("cut as drawn", f"{w:.3f} x {h:.3f} mm, R {radius:.2f}"),
                ("fit", "holds" if d["fit_ok"] else "FAILS"),
                ("3D fit", _verdict(d.get("fit3d_ok"))),
                ("drawing revision", d.get("revision", "-")),
            ]
            rows.append("<table>")
            rows += [f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts]
            rows.append("</table>")
        if "panel" in d:
            p = d["panel"]
            facts = [
                ("size", f"{p['size'][0]:g} x {p['size'][1]:g} mm"),
                ("sheet", f"{band(*p['sheet'])} mm"),
                ("coating", f"{p['coating'][0]:g} .. {p['coating'][1]:g} mm per face"),
                ("cutouts", p["cutouts"]),
                ("holes", p["holes"]),
                ("drawing revision", d.get("revision", "-")),
            ]
            rows.append("<table>")
            rows += [f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts]
            rows.append("</table>")
        if r.files:
            rows.append("<ul>")
            rows += [f'<li><a href="{e(_href(n))}">{e(n)}</a></li>' for n in r.files]
            rows.append("</ul>")
        rows.append("</div></div>")
    rows.append("</body></html>")
    return "\n".join(rows) + "\n"


def _verdict(ok: object) -> str:
    return "holds" if ok is True else "FAILS" if ok is False else "-"


def _href(name: str) -> str:
    """A relative link to a file in the output directory (safe characters escaped)."""
    from urllib.parse import quote

    return quote(name)
