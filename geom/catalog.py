"""`geom build --all`: every template (and every example panel) built in parallel.

Every part gets its cutout DXF and fit report, previews (SVG, PNG), the dimensioned
drawing (DXF, PDF) and whatever else a producer in `PART_PRODUCERS` adds, as a few jobs
per part (one per producer group, so two cores share even a small catalog). Jobs run
in worker processes (default: one per core); a job that fails is reported in the
summary and does not stop the others (exit status 1). At the end, `DIR/index.html`: a static
page (no server, relative links) listing each part with its preview, key data and files.

Adding an output to every part is one line: a producer in `PART_PRODUCERS`. A producer
takes the `PartJob` and returns the files it wrote.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from geom.atomic import prepare_dir, write_text
from geom.fit import Fit, Target, evaluate
from geom.tolerance import Size

INDEX = "index.html"


@dataclass(frozen=True, slots=True)
class Options:
    """What every job of one catalog build shares (picklable: sent to the workers)."""

    out_dir: Path
    plate: float | None
    """Sheet thickness before finish (mm), or None for both ends of each part's range."""
    coating: tuple[float, float]
    """Coating per face, min and max (mm)."""
    target: Target
    scale: float
    """Preview scale, paper mm per model mm."""
    dpi: int
    template_dirs: tuple[Path, ...] = ()
    """Where templates are read; empty: geom.templates.template_dirs() in the parent.
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
    from geom.cutout import write_cutout

    files = write_cutout(job.fit, job.options.out_dir)
    job.files["fit_report"] = files.report
    if files.dxf is None:
        failed = "; ".join(c.message for c in job.fit.failures())
        raise JobFailed(f"fit fails, DXF withheld: {failed}")
    job.files["cutout_dxf"] = files.dxf
    return [files.dxf, files.report]


def _previews(job: PartJob) -> list[Path]:
    from geom.preview import write_preview

    dxf = job.files["cutout_dxf"]
    files = write_preview(
        dxf, job.options.out_dir, dxf.stem, scale=job.options.scale, dpi=job.options.dpi
    )
    job.files["preview_svg"], job.files["preview_png"] = files.svg, files.png
    return [files.svg, files.png]


def _drawing(job: PartJob) -> list[Path]:
    from geom.cutout import cutout_contour
    from geom.drawing import write_drawing

    if not job.fit.ok:  # as the cutout DXF: nobody should cut from a failing fit
        raise JobFailed("fit fails, drawing withheld")
    files = write_drawing(job.fit, cutout_contour(job.fit), job.options.out_dir)
    job.files["drawing_pdf"], job.files["drawing_dxf"] = files.pdf, files.dxf
    job.data["revision"] = files.revision
    return [files.pdf, files.dxf]


Producer = Callable[[PartJob], list[Path]]
PART_PRODUCERS: list[tuple[Producer, ...]] = [
    (_drawing,),
    (_cutout, _previews),
]
"""Every part gets one job per group, and the groups run in parallel; inside a group the
producers run in order and may use the files of those before them. The slowest group
comes first, so the longest jobs start first. One line per added output."""


# --- one job ----------------------------------------------------------------------------


def build_part(part_id: str, group: int, options: Options) -> Result:
    """Run one producer group for one part (in a worker process)."""
    from geom.templates import load_catalog_lenient

    start = time.perf_counter()
    written: list[Path] = []
    data: dict[str, Any] = {}
    try:
        catalog, _ = load_catalog_lenient(list(options.template_dirs))
        part = catalog.parts[part_id]
        grip = part.fit.grip
        plate = grip if options.plate is None else Size.exact(options.plate)
        fit = evaluate(part, plate, Size.between(*options.coating), options.target)
        job = PartJob(fit, options, data=data)
        data.update(_key_data(fit))
        try:
            for producer in PART_PRODUCERS[group]:
                written += producer(job)
        finally:
            data["files"] = {role: path.name for role, path in job.files.items()}
        return Result(part_id, "part", True, _names(written), _since(start), data=data)
    except JobFailed as exc:
        return Result(part_id, "part", False, _names(written), _since(start), str(exc), data)
    except Exception as exc:  # one part's bug must not stop the catalog: report it
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
        return Result(part_id, "part", False, _names(written), _since(start), error, data)


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
        "plate": [fit.plate.min, fit.plate.max],
        "cut": [cut.width, cut.height, cut.corner_radius],
        "band": [snap.cutout.width, snap.cutout.height, snap.tolerance],
        "fit_ok": fit.ok,
        "cut_assumed": part.cut_assumed,
    }


def _names(paths: Sequence[Path]) -> tuple[str, ...]:
    return tuple(p.name for p in paths)


def _since(start: float) -> float:
    return time.perf_counter() - start


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

    from geom.templates import load_catalog_lenient, template_dirs

    if not options.template_dirs:
        options = replace(options, template_dirs=tuple(template_dirs()))
    prepare_dir(options.out_dir)
    stream = out if out is not None else sys.stdout
    catalog, errors = load_catalog_lenient(list(options.template_dirs))
    results: list[Result] = [
        Result(Path(where).name, "template", False, (), 0.0, str(exc))
        for where, exc in sorted(errors.items())
    ]
    # Groups outer, parts inner: every part's slowest job is queued before the quick ones.
    tasks = [(pid, g) for g in range(len(PART_PRODUCERS)) for pid in catalog.parts]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    progress = _Progress(len(tasks) + len(results), stream)
    for result in results:
        progress.done(result)
    done: dict[tuple[str, int], Result] = {}
    if workers == 1:
        for key in tasks:
            done[key] = progress.done(build_part(*key, options))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            futures: dict[Future[Result], tuple[str, int]] = {
                pool.submit(build_part, *key, options): key for key in tasks
            }
            for future in as_completed(futures):
                key = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a worker died (e.g. killed): report, go on
                    result = Result(key[0], "part", False, (), 0.0, repr(exc))
                done[key] = progress.done(result)
    progress.close()
    for pid in catalog.parts:
        results.append(merge([done[(pid, g)] for g in reversed(range(len(PART_PRODUCERS)))]))
    ordered = tuple(sorted(results, key=lambda r: (r.kind != "template", r.kind, r.id)))
    index = write_text(options.out_dir / INDEX, index_html(ordered, options))
    _print_summary(ordered, index, stream)
    return Summary(ordered, index)


WARM_MODULES = ("geom.cutout", "geom.drawing", "geom.preview")
"""Imported (and fonts loaded) before forked workers start, so each starts warm."""


def _context() -> multiprocessing.context.BaseContext:
    """How workers start: `fork` when that is safe, `forkserver` otherwise.

    A forked worker starts at once with the parent's modules loaded; a forkserver first
    starts a new interpreter and imports them (about 1 s, most of a small catalog's
    time). Fork is unsafe in a process that runs threads or has loaded the OpenCascade
    kernel (OCP keeps global state that a fork copies half-way), so then: forkserver.
    geom's own parent process does neither (cadquery is imported in the workers)."""
    import importlib
    import threading

    if threading.active_count() == 1 and "OCP" not in sys.modules and hasattr(os, "fork"):
        for module in WARM_MODULES:
            importlib.import_module(module)
        from geom.preview import warm_up

        warm_up()
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["geom.catalog", *WARM_MODULES])
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
            self.bar = tqdm(total=total, file=stream, unit="part", dynamic_ncols=True)

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
    parts = sum(1 for r in results if r.kind != "panel")
    panels = sum(1 for r in results if r.kind == "panel")
    files = sum(len(r.files) for r in results)
    print(
        f"{parts} parts, {panels} panels, {files} files, {len(failed)} failures; index {index}",
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
        f"Coating {options.coating[0]:g} .. {options.coating[1]:g} mm per face, "
        f"target {e(options.target)}. All sizes in mm.</p>",
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
                ("plate", f"{d['plate'][0]:g} .. {d['plate'][1]:g} mm"),
                ("finished opening", f"{bw:.2f} x {bh:.2f} mm +{tol:.2f}/0"),
                ("cut as drawn", f"{w:.3f} x {h:.3f} mm, R {radius:.2f}"),
                ("fit", "holds" if d["fit_ok"] else "FAILS"),
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


def _href(name: str) -> str:
    """A relative link to a file in the output directory (safe characters escaped)."""
    from urllib.parse import quote

    return quote(name)
