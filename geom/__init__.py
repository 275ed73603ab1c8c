"""geom: panel cutout DXFs, simplified STEP bodies and worst-case fit checks.

Millimetres are the one unit throughout. `import geom` loads the part model and the fit
arithmetic only; ezdxf, OpenCascade (OCP) and PyMuPDF load inside the functions that
need them, on first use. See docs/api.md for examples.
"""

from geom.api import (
    Band,
    body_solids,
    box_solids,
    build_panel,
    check_fit,
    check_panel,
    cutout_contour,
    cutout_face,
    fit_report,
    inline_part,
    list_parts,
    load_panel,
    load_part,
    write_body_step,
    write_cutout_dxf,
)
from geom.errors import GeomError, InputError, LintError, OutputError
from geom.model.checks import Check
from geom.model.conditions import Conditions, Shop
from geom.model.contour import Arc, Line
from geom.model.fit import Fit
from geom.model.part import Part
from geom.model.tolerance import Size
from geom.version import __version__

__all__ = [
    "Arc",
    "Band",
    "Check",
    "Conditions",
    "Fit",
    "GeomError",
    "InputError",
    "Line",
    "LintError",
    "OutputError",
    "Part",
    "Shop",
    "Size",
    "__version__",
    "body_solids",
    "box_solids",
    "build_panel",
    "check_fit",
    "check_panel",
    "cutout_contour",
    "cutout_face",
    "fit_report",
    "inline_part",
    "list_parts",
    "load_panel",
    "load_part",
    "write_body_step",
    "write_cutout_dxf",
]
