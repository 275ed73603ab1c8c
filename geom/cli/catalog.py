"""`geom build --all` (the catalog, in worker processes) and `geom preview` (SVG and PNG of
any DXF)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from geom.cli.options import (
    CLI,
    conditions,
    dpi_arg,
    output_dir_arg,
    render_args,
    scale_arg,
    whole_arg,
)
from geom.errors import InputError
from geom.output import output_set


def add_preview(sub: Any) -> None:
    preview = sub.add_parser(
        "preview",
        help="SVG and PNG pictures of a DXF file",
        description="Write DIR/<name>.svg and DIR/<name>.png of a DXF file (mm), "
        "cut layer in one colour, annotation in another, on a white background.",
    )
    preview.add_argument("file", metavar="FILE", type=Path, help="a DXF file (units mm)")
    output_dir_arg(preview)
    render_args(preview)
    preview.set_defaults(run=_cmd_preview)


def cmd_build_all(args: argparse.Namespace) -> int:
    from geom.catalog import Options, build_all

    if args.parts:
        raise InputError(CLI, "PART", args.parts[0], "given with --all", "either --all or PART...")
    if args.force:  # the catalog withholds every failing part's DXF: no forced files
        raise InputError(CLI, "--force", "--force", "given with --all", "--force with PART...")
    fit_conditions = conditions(args)
    jobs = None if args.jobs is None else whole_arg("--jobs", args.jobs, 1, 256)
    scale, dpi = scale_arg(args.scale), dpi_arg(args.dpi)
    dirs: list[Path] = args.templates or []
    for directory in dirs:  # every input checked before any file
        if not directory.is_dir():
            raise InputError(CLI, "--templates", str(directory), "not a folder", "a folder")
    options = Options(
        out_dir=args.output,
        conditions=fit_conditions,
        scale=scale,
        dpi=dpi,
        template_dirs=tuple(dirs),
    )
    if args.scheduler is None:
        summary = build_all(options, jobs)
    else:
        from geom.catalog.cluster import dask_executor

        with dask_executor(args.scheduler) as executor:
            summary = build_all(options, executor=executor)
    return 1 if summary.failures else 0


def _cmd_preview(args: argparse.Namespace) -> int:
    from geom.render.preview import read_dxf, write_preview

    path: Path = args.file
    if not path.is_file():
        raise InputError(CLI, "FILE", str(path), "not a file", "a DXF file")
    scale, dpi = scale_arg(args.scale), dpi_arg(args.dpi)
    doc = read_dxf(path, CLI, "FILE")
    with output_set(args.output) as outputs:
        files = write_preview(doc, outputs.dir, path.stem, scale=scale, dpi=dpi)
        outputs.claim(files.svg.name, files.png.name)
    print(f"wrote {outputs.final(files.svg)}")
    print(f"wrote {outputs.final(files.png)}")
    return 0
