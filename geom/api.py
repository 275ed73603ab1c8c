"""geom's public API: load parts, check their fit, write what a panel builder needs.

Every size is in millimetres. This module loads the part model and the fit arithmetic
only (plain Python); ezdxf loads with the first DXF written, OpenCascade (OCP) with the
first STEP file, face or solid asked for. Errors are `GeomError`s: `InputError` (also a
`ValueError`) names the argument, its value and what is allowed; `OutputError` (also an
`OSError`) a file that cannot be written; `LintError` a DXF geom refuses to write.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from geom.data.checked import number
from geom.data.template_schema import MAX_PLATE_MM, MAX_TOLERANCE_MM
from geom.data.templates import load_catalog
from geom.errors import InputError
from geom.model.conditions import MAX_COATING_MM, TARGETS, Conditions, Shop, Target
from geom.model.contour import Arc, Line, segments
from geom.model.fit import Fit, evaluate
from geom.model.part import Part
from geom.model.report import fit_report as _fit_report
from geom.model.tolerance import Size

if TYPE_CHECKING:
    from geom.dxf.cutout import CutoutFiles
    from geom.dxf.writer import DxfVersion
    from geom.model.layout import Violation
    from geom.panel.job import PanelFiles
    from geom.panel.model import Panel

Band = float | tuple[float, float]
"""A value in mm, or a band (min, max) in mm."""
API = "geom API"
"""Where an error in an argument of these functions is, in its message."""


def list_parts() -> list[Part]:
    """Every part in the template directories ($GEOM_TEMPLATES first, then the templates
    shipped with geom), sorted by id."""
    return list(load_catalog().parts.values())


def load_part(name: str | Path) -> Part:
    """A part by template id (``"770-744/064-000"``), unique id prefix (``"770-744"``) or
    the path of a template file."""
    return load_catalog().resolve(str(name))


def inline_part(
    *,
    id: str,
    width: float,
    height: float,
    depth: float,
    grip_min: float,
    grip_max: float,
    tolerance: float,
    poles: int | None = None,
    pin_spacing: float | None = None,
    **optional: float,
) -> Part:
    """A part without a template, from its data sheet's numbers (mm): the flange `width`
    x `height`, `depth`, the grip range (finished plate) and the cutout `tolerance` (+);
    `poles` and `pin_spacing` (connectors only) are optional.

    `optional` (mm): `cutout_width`, `cutout_height`, `corner_radius` (assumed from the
    flange when not given: outputs then say so), `collar_width`, `collar_height`,
    `collar_minus`, `collar_corner_radius`, `latch_span` (never assumed: the checks
    resting on one that is not given are unverified, and the fit does not hold)."""
    from geom.data.inline import INLINE_OPTIONAL
    from geom.data.inline import inline_part as build

    unknown = sorted(set(optional) - set(INLINE_OPTIONAL))
    if unknown:
        raise InputError(
            API, unknown[0], optional[unknown[0]], "not a field", ", ".join(INLINE_OPTIONAL)
        )
    connector = {"poles": poles, "pin_spacing": pin_spacing}
    numbers = {
        **{k: v for k, v in connector.items() if v is not None},
        "width": width,
        "height": height,
        "depth": depth,
        "grip_min": grip_min,
        "grip_max": grip_max,
        "tolerance": tolerance,
        **optional,
    }
    fields: dict[str, str | None] = {"id": id, "name": None}
    fields |= {k: repr(v) for k, v in numbers.items()}
    return build(fields, load_catalog())


def check_fit(
    part: Part,
    sheet: Band | None = None,
    coating: Band = 0.0,
    *,
    masked: bool = False,
    target: Target = "mid",
    shop_tolerance: float | None = None,
) -> Fit:
    """Where to draw the cut for `part`, and every check at every end of every band.

    `sheet`: the bare sheet, mm or (min, max); None finds the sheets the part grips.
    `coating`: per face, mm or (min, max). `masked`: the openings are masked while
    coating. `target`: "mid" or "nominal" of the cutout band. `shop_tolerance`: what the
    shop holds on a cut, +/- mm. The result's `ok`, `checks`, `ways_out`, `sheet`, `cut`
    (as drawn) and `opening` say how the part fits; `fit_report` gives the JSON report."""
    if target not in TARGETS:
        raise InputError(API, "target", target, "not a known target", " or ".join(TARGETS))
    shop = None
    if shop_tolerance is not None:
        shop = Shop(number(API, "shop_tolerance", shop_tolerance, 0.0, MAX_TOLERANCE_MM), API)
    sheet_size = None if sheet is None else _band("sheet", sheet, MAX_PLATE_MM, low_open=True)
    coating_size = _band("coating", coating, MAX_COATING_MM, low_open=False)
    return evaluate(part, Conditions(sheet_size, coating_size, masked, target, shop))


def fit_report(fit: Fit) -> dict[str, Any]:
    """The fit as the JSON report `geom check --json` prints (plain dicts and lists, mm)."""
    return _fit_report(fit)


def cutout_contour(fit: Fit) -> list[Line | Arc]:
    """The cut as drawn in the DXF, centred on (0, 0), counter-clockwise: lines and true
    arcs (mm, degrees)."""
    from geom.dxf.cutout import cutout_contour as contour  # plain Python: loads no ezdxf

    return segments(contour(fit))


def write_cutout_dxf(
    fit: Fit,
    out_dir: str | Path,
    *,
    version: str = "r2000",
    explode: bool = False,
    force: bool = False,
) -> CutoutFiles:
    """Write ``<id>-cutout.dxf`` and ``<id>-fit.json`` into `out_dir` (created if needed).
    The DXF is written only when the fit holds, or with `force` (then marked "FIT FAILS -
    forced"); `version` "r2000" (mm units) or "r12"; `explode`: LINE and ARC entities."""
    from geom.dxf.cutout import write_cutout

    dxf_version = _version(version)
    return write_cutout(fit, Path(out_dir), version=dxf_version, explode=explode, force=force)


def write_body_step(
    part: Part, out_dir: str | Path, sheet: Band | None = None, coating: Band = 0.0
) -> Path:
    """Write the part's simplified body as ``<id>-body.step`` into `out_dir` (created if
    needed), placed for a panel whose front face is Z = 0, the cutout centred on X = Y = 0.
    The latch wings sit for the thickest finished plate of `sheet` and `coating` (mm or
    (min, max) mm), or without a sheet for the top of the grip range."""
    from geom.output import output_set
    from geom.services import write_body

    plate = _body_plate(part, sheet, coating)
    with output_set(Path(out_dir)) as outputs:
        step = write_body(part, plate, outputs.dir)
        outputs.claim(step.name)
    return outputs.final(step)


def cutout_face(fit: Fit) -> Any:
    """The cut as drawn, as a planar OpenCascade face (`OCP.TopoDS.TopoDS_Face`) at Z = 0,
    centred on (0, 0), mm: extrude it through a wall, or cut it from one."""
    from geom.cad.plate import contour_face
    from geom.dxf.cutout import cutout_contour as contour

    return contour_face(contour(fit))


def body_solids(part: Part, sheet: Band | None = None, coating: Band = 0.0) -> dict[str, Any]:
    """The part's simplified body as OpenCascade solids (`OCP.TopoDS.TopoDS_Solid`) by
    name (a part in a frame: the frame's and its own), placed as `write_body_step` places
    them, mm."""
    from geom.cad.body import build
    from geom.model.body import build_body

    plate = _body_plate(part, sheet, coating)
    return {b.spec.name: b.shape for b in build(build_body(part, plate))}


def box_solids(model: str) -> dict[str, Any]:
    """A die-cast box of the library ([boxes](docs/boxes.md)) as OpenCascade solids
    (`OCP.TopoDS.TopoDS_Solid`): "body" (drafted walls, open at Z = 0, face A at the
    body's height) and "lid" (below Z = 0), mm. An unknown model is an `InputError`
    listing the library."""
    from geom.cad.box import build
    from geom.data.boxes import find_box

    solids = build(find_box(model, "box_solids", "model"))
    return {"body": solids.body, "lid": solids.lid}


def load_panel(path: str | Path) -> Panel:
    """A panel file (TOML), read and checked: outline, sheet, coating, every part's fit."""
    from geom.panel.model import load_panel as load

    return load(Path(path))


def check_panel(panel: Panel) -> list[Violation]:
    """Every layout rule the panel breaks (fits, webs, edges, flanges, bodies, plugs),
    with the entries and positions; empty when the layout holds."""
    from geom.panel.bent_layout import check_bent
    from geom.panel.layout import check_layout

    return check_layout(panel) if panel.bends is None else check_bent(panel)


def build_panel(
    panel: Panel,
    out_dir: str | Path,
    *,
    version: str = "r2000",
    explode: bool = False,
    force: bool = False,
) -> PanelFiles:
    """Write the panel's DXF, plate STEP, assembly STEP, panel drawing (PDF, DXF, SVG,
    PNG), 1:1 drilling template, Tayda text (round holes only), BOM and report into
    `out_dir` (created if needed), as `geom panel` does: the DXF, STEP, drawing,
    template and Tayda files only when the layout holds, or with `force` (then
    marked)."""
    from geom.panelset import write_panel_set

    out = Path(out_dir)
    return write_panel_set(
        panel, out, version=_version(version), explode=explode, force=force
    ).files


# --- arguments --------------------------------------------------------------------------


def _band(name: str, value: Band, high: float, *, low_open: bool) -> Size:
    """`value` (mm, or (min, max) mm) as a checked Size."""
    if isinstance(value, tuple):
        if len(value) != 2:
            raise InputError(API, name, value, "not a pair", "a number or (min, max) in mm")
        low = number(API, name, value[0], 0.0, high, low_open=low_open)
        top = number(API, name, value[1], 0.0, high, low_open=low_open)
        if top < low:
            raise InputError(API, name, value, "a falling range", "(min, max) with min <= max")
        return Size.between(low, top)
    return Size.exact(number(API, name, value, 0.0, high, low_open=low_open))


def _version(version: str) -> DxfVersion:
    if version in ("r2000", "r12"):
        return cast("DxfVersion", version)
    raise InputError(API, "version", version, "not a DXF version geom writes", "r2000 or r12")


def _body_plate(part: Part, sheet: Band | None, coating: Band) -> float:
    from geom.services import body_plate

    sheet_size = None if sheet is None else _band("sheet", sheet, MAX_PLATE_MM, low_open=True)
    coating_size = _band("coating", coating, MAX_COATING_MM, low_open=False)
    return body_plate(part, Conditions(sheet_size, coating_size), where=API)
