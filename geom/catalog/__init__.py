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

from geom.catalog.jobs import Options, panel_files
from geom.catalog.pool import Summary, build_all

__all__ = ["Options", "Summary", "build_all", "panel_files"]
