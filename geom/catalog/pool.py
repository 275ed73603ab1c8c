"""The whole catalog: every job in worker processes (fork when safe, else forkserver),
progress on a terminal or one line per job, the summary table and the index page."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO, cast

from geom.catalog.index import INDEX, index_html
from geom.catalog.jobs import (
    PANEL_SUFFIXES,
    PART_PRODUCERS,
    PART_SUFFIXES,
    WITHHELD_WITH_DXF,
    Options,
    Result,
    build_panel,
    build_part,
    merge,
    panel_files,
)
from geom.data.atomic import write_text
from geom.output import output_set
from geom.render.drawings import DRAWING_SUFFIXES


@dataclass(frozen=True, slots=True)
class Summary:
    results: tuple[Result, ...]
    index: Path

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.ok]


def build_all(
    options: Options,
    jobs: int | None = None,
    out: TextIO | None = None,
    *,
    executor: Executor | None = None,
) -> Summary:
    """Build every part (in `jobs` processes; default: all cores) and write the index.

    `executor`: a concurrent.futures Executor to run the jobs on instead (`jobs` is then
    not used), e.g. a Dask cluster's (geom.catalog.cluster): the same jobs, the same
    files, written by its workers into `options.out_dir` (which they must reach)."""
    from geom.data.templates import load_catalog_lenient, template_dirs

    if not options.template_dirs:
        options = replace(options, template_dirs=tuple(template_dirs()))
    stream = out if out is not None else sys.stdout
    catalog, errors = load_catalog_lenient(list(options.template_dirs))
    results: list[Result] = [
        Result(Path(where).name, "template", False, (), 0.0, str(exc))
        for where, exc in sorted(errors.items())
    ]
    # Longest first: panels, then part groups (last group first), parts inner.
    groups = range(len(PART_PRODUCERS))
    panels = panel_files(options.template_dirs)
    with output_set(options.out_dir) as outputs:  # the whole catalog is one set
        staged = replace(options, out_dir=outputs.dir)
        for part in catalog.parts.values():
            outputs.claim(*(f"{part.file_stem}{suffix}" for suffix in PART_SUFFIXES))
        for path in panels:
            outputs.claim(*(f"{path.stem}{suffix}" for suffix in PANEL_SUFFIXES))
            outputs.claim(*(f"{path.stem}{suffix}" for suffix in DRAWING_SUFFIXES))
        # The parsed catalog goes to the workers: no job reads the templates again.
        tasks: list[Task] = [(build_panel, (path, catalog, staged)) for path in panels]
        tasks += [
            (build_part, (part, g, staged))
            for g in reversed(groups)
            for part in catalog.parts.values()
        ]
        workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
        progress = _Progress(len(tasks) + len(results), stream)
        for result in results:
            progress.done(result)
        done = _run(tasks, workers, progress, executor)
        progress.close()
        by_part: dict[str, dict[int, Result]] = {}
        for (fn, args), result in zip(tasks, done, strict=True):
            if fn is build_part:
                by_part.setdefault(args[0].id, {})[args[1]] = result
            else:
                results.append(result)
        merged = [merge([by_part[pid][g] for g in groups]) for pid in catalog.parts]
        results += [_gated(r, outputs.dir) for r in merged]
        for r in results:  # each report lists every file of its part or panel
            roles = r.data.get("files", {})
            report = roles.get("fit_report") or roles.get("report")
            if report is not None and (outputs.dir / report).is_file():
                outputs.relist(report, roles.values())
        kinds = {"template": 0, "part": 1, "panel": 2}
        ordered = tuple(sorted(results, key=lambda r: (kinds.get(r.kind, 3), r.id)))
        index = write_text(outputs.path(INDEX), index_html(ordered, options))
    _print_summary(ordered, outputs.final(index), stream)
    return Summary(ordered, outputs.final(index))


def _gated(result: Result, staging: Path) -> Result:
    """A part whose cutout DXF was withheld has no drawing either (the drawing's job ran
    beside the 3D check, in another group): it is taken out of the set."""
    roles: dict[str, str] = result.data.get("files", {})
    if "cutout_dxf" in roles or not any(r in roles for r in WITHHELD_WITH_DXF):
        return result
    gone = {roles.pop(role) for role in WITHHELD_WITH_DXF if role in roles}
    for name in gone:
        (staging / name).unlink(missing_ok=True)
    files = tuple(n for n in result.files if n not in gone)
    error = result.error or "fit fails, drawing withheld"
    return replace(result, ok=False, files=files, error=error)


Task = tuple[Callable[..., "Result"], tuple[Any, ...]]
"""A job: a function of this module and its (picklable) arguments."""


def _run(
    tasks: Sequence[Task], workers: int, progress: _Progress, executor: Executor | None
) -> list[Result]:
    """Every task's result, in the tasks' order, run on `executor`, else here (one
    worker) or in `workers` processes."""
    if executor is not None:
        return _collect(executor, tasks, progress)
    if workers == 1:
        return [progress.done(fn(*args)) for fn, args in tasks]
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        return _collect(pool, tasks, progress)


def _collect(executor: Executor, tasks: Sequence[Task], progress: _Progress) -> list[Result]:
    """Every task submitted to `executor`; the results in the tasks' order, each
    reported as it finishes. A task whose worker failed (killed, lost, unreachable)
    fails with its part or panel named, and the others go on."""
    done: list[Result | None] = [None] * len(tasks)
    futures = {executor.submit(fn, *args): i for i, (fn, args) in enumerate(tasks)}
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
    context.set_forkserver_preload(["geom.catalog.jobs", *WARM_MODULES, KERNEL])
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
