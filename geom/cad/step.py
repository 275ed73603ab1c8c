"""STEP writer: AP214, millimetres, named products, colours, instances, same bytes every run.

`write_step` builds an XCAF document (one top assembly named `product`, one shape per
`Component`, placed once per `Placement`: repeated placements are instances of one shape)
and writes it with OpenCascade's STEPCAFControl_Writer. Two things OpenCascade would
make differ between runs are normalised:

- the header's FILE_NAME time stamp: `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when
  set, else `FIXED_TIME_STAMP`;
- the ids of NEXT_ASSEMBLY_USAGE_OCCURRENCE entities, which OpenCascade takes from a
  per-process counter (the second file written in one process would start at 3, not 1):
  they are renumbered 1..n in the model's order before writing.

OpenCascade keeps its STEP settings process-wide. geom sets those it needs only for the
time of a write and puts them back (`step_settings`), and gives each of its writers a
controller of its own (`own_controller`), so that a user's own exports in the same
process (a CadQuery session) come out as they would without geom.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geom.cad.prism_step import Prism, splice
from geom.data.atomic import write_bytes
from geom.errors import InputError
from geom.version import __version__

FIXED_TIME_STAMP = "2000-01-01T00:00:00"
"""FILE_NAME time stamp when SOURCE_DATE_EPOCH is not set (ISO 8601, UTC)."""
EPOCH_ENV = "SOURCE_DATE_EPOCH"
SCHEMA = "AP214IS"
UNIT = "MM"


Axes = tuple[tuple[float, float, float], tuple[float, float, float]]


@dataclass(frozen=True)
class Placement:
    """Where a component's own origin goes (x, y, z in mm), turned `rotation` degrees
    about +Z (counter-clockwise seen from the front, +Z) before it is moved; with `axes`
    (unit x and z directions, at right angles), its own X and Z then point along them (a
    part on a bent panel's flange)."""

    x: float
    y: float
    z: float = 0.0
    rotation: float = 0.0
    axes: Axes | None = None


@dataclass(frozen=True)
class Component:
    """One shape (an OCP TopoDS_Shape, mm), its name and sRGB colour (each 0..1), placed
    once per placement: the placements are instances of one shape in the STEP file."""

    name: str
    shape: Any
    colour: tuple[float, float, float]
    placements: tuple[Placement, ...] = (Placement(0.0, 0.0),)
    prism: Prism | None = None
    """A flat plate written directly in `shape`'s place (`shape` is then its stand-in,
    geom.cad.plate.stand_in; see geom.cad.prism_step)."""


def time_stamp(environ: dict[str, str] | None = None) -> str:
    """The FILE_NAME time stamp: SOURCE_DATE_EPOCH as ISO 8601 UTC, else the fixed one."""
    env = os.environ if environ is None else environ
    raw = env.get(EPOCH_ENV)
    if raw is None or raw == "":
        return FIXED_TIME_STAMP
    allowed = "a whole number of seconds since 1970-01-01 UTC, 0 .. 253402300799"
    if not raw.isdigit():
        raise InputError("environment", EPOCH_ENV, raw, "not a whole number", allowed)
    seconds = int(raw)
    if seconds > 253402300799:
        raise InputError("environment", EPOCH_ENV, raw, "out of range", allowed)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def write_step(
    path: Path, product: str, components: Sequence[Component], *, pcurves: bool = True
) -> Path:
    """Write `components` as one STEP assembly named `product` to `path` (atomically).

    Names are written as ASCII (see `ascii_name`). The directory of `path` must exist
    (geom.data.atomic.prepare_dir). Returns `path`. `pcurves=False` leaves out the edges'
    curves on surfaces (a panel plate's thousands of edges: half the entities and half
    the export time)."""
    product = ascii_name(product)
    components = [replace(c, name=ascii_name(c.name)) for c in components]
    _validate(product, components)
    stamp = time_stamp()
    with step_settings(pcurves):
        doc, shapes = _document(product, components)
        plates = {i: c.prism for i, c in enumerate(components) if c.prism is not None}
        data = _write(doc, product, stamp, [(shapes[i], p) for i, p in plates.items()])
    return write_bytes(path, data)


# --- internals --------------------------------------------------------------------------


def _validate(product: str, components: Sequence[Component]) -> None:
    where = "write_step"
    if not product.strip():
        raise InputError(where, "product", product, "empty", "a product name")
    if not components:
        raise InputError(where, "components", "()", "empty", "one or more components")
    names = [c.name for c in components]
    for c in components:
        if not c.name.strip() or names.count(c.name) > 1:
            raise InputError(where, "component.name", c.name, "empty or repeated", "unique names")
        if len(c.colour) != 3 or not all(0.0 <= v <= 1.0 for v in c.colour):
            raise InputError(where, f"{c.name}.colour", c.colour, "not sRGB", "3 values 0..1")
        if not c.placements:
            raise InputError(where, f"{c.name}.placements", "()", "empty", "one or more")
        for p in c.placements:
            axes = () if p.axes is None else (*p.axes[0], *p.axes[1])
            if not all(math.isfinite(v) for v in (p.x, p.y, p.z, p.rotation, *axes)):
                raise InputError(where, f"{c.name}.placements", p, "not finite", "finite mm")
        if c.shape is None or c.shape.IsNull():
            raise InputError(where, f"{c.name}.shape", "null", "a null shape", "a solid")


def statics(pcurves: bool) -> dict[str, str]:
    """The OpenCascade Interface_Static values geom writes STEP with (text form): AP214,
    millimetres in and out, the average precision, and the edges' curves on surfaces
    (pcurves) or, without them, edges as 3D curves only (less than half the entities of
    a plate with many openings; readers rebuild the pcurves)."""
    return {
        "write.step.schema": SCHEMA,
        "xstep.cascade.unit": UNIT,
        "write.step.unit": UNIT,
        "write.surfacecurve.mode": "On" if pcurves else "Off",
        "write.precision.mode": "Average",
    }


@contextmanager
def step_settings(pcurves: bool) -> Iterator[None]:
    """OpenCascade's process-wide settings as one geom STEP write needs them, and as they
    were once the block ends, also when it fails: the Interface_Static values of
    `statics(pcurves)`, the length unit OpenCascade works in (UnitsMethods, mm, which a
    transfer sets from xstep.cascade.unit), XCAF's automatic naming (off) and the trace
    level of each printer of the default messenger (failures only: no transfer
    statistics on stdout). A user's own writers in the same process find their settings
    again afterwards (not during the block: it is not for threads). A setting OpenCascade
    refuses raises RuntimeError before anything is written."""
    from OCP.Interface import Interface_Static
    from OCP.Message import Message, Message_Gravity
    from OCP.STEPControl import STEPControl_Controller
    from OCP.UnitsMethods import UnitsMethods
    from OCP.XCAFDoc import XCAFDoc_ShapeTool

    STEPControl_Controller.Init_s()  # the write.* statics exist only from here on
    wanted = statics(pcurves)
    before = {key: Interface_Static.CVal_s(key) for key in wanted}
    length_unit = UnitsMethods.GetCasCadeLengthUnit_s()
    naming = XCAFDoc_ShapeTool.AutoNaming_s()
    printers = [(p, p.GetTraceLevel()) for p in Message.DefaultMessenger_s().Printers()]
    try:
        for key, value in wanted.items():
            if not Interface_Static.SetCVal_s(key, value):
                raise RuntimeError(f"OpenCascade refused the STEP setting {key} = {value}")
        XCAFDoc_ShapeTool.SetAutoNaming_s(False)
        for printer, _ in printers:
            printer.SetTraceLevel(Message_Gravity.Message_Fail)
        yield
    finally:
        for key, value in before.items():
            Interface_Static.SetCVal_s(key, value)
        UnitsMethods.SetCasCadeLengthUnit_s(float(length_unit))
        XCAFDoc_ShapeTool.SetAutoNaming_s(naming)
        for printer, level in printers:
            printer.SetTraceLevel(level)


def own_controller(session: Any) -> None:
    """Give `session` (an XSControl_WorkSession a STEP writer has just selected STEP on) a
    STEP controller of its own, of the class OpenCascade chose. The writer's product
    counter is its controller's write actor's, and OpenCascade's own controller, with its
    actor, is shared by every writer in the process."""
    session.SetController(type(session.NormAdaptor())())


def _document(product: str, components: Sequence[Component]) -> tuple[Any, list[Any]]:
    """The XCAF document and the shape each component went in as."""
    from OCP.BRepBuilderAPI import BRepBuilderAPI_Copy
    from OCP.gp import gp_Ax1, gp_Ax3, gp_Dir, gp_Pnt, gp_Trsf, gp_Vec
    from OCP.Quantity import Quantity_Color, Quantity_TOC_sRGB
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.TDataStd import TDataStd_Name
    from OCP.TDocStd import TDocStd_Document
    from OCP.TopLoc import TopLoc_Location
    from OCP.XCAFApp import XCAFApp_Application
    from OCP.XCAFDoc import XCAFDoc_ColorGen, XCAFDoc_DocumentTool

    def name(label: Any, text: str) -> None:
        TDataStd_Name.Set_s(label, TCollection_ExtendedString(text))

    app = XCAFApp_Application.GetApplication_s()
    doc = TDocStd_Document(TCollection_ExtendedString("XmlXCAF"))
    app.InitDocument(doc)
    shapes = XCAFDoc_DocumentTool.ShapeTool_s(doc.Main())  # no automatic names: step_settings
    colours = XCAFDoc_DocumentTool.ColorTool_s(doc.Main())

    top = shapes.NewShape()
    name(top, product)
    seen: list[Any] = []
    for component in components:
        shape = component.shape
        if any(shape.TShape() == other.TShape() for other in seen):
            shape = BRepBuilderAPI_Copy(shape).Shape()  # one product per component
        seen.append(shape)
        label = shapes.AddShape(shape, False)
        name(label, component.name)
        r, g, b = component.colour
        colours.SetColor(label, Quantity_Color(r, g, b, Quantity_TOC_sRGB), XCAFDoc_ColorGen)
        many = len(component.placements) > 1
        for i, p in enumerate(component.placements, start=1):
            turn = gp_Trsf()
            turn.SetRotation(gp_Ax1(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1)), math.radians(p.rotation))
            move = gp_Trsf()
            if p.axes is None:
                move.SetTranslation(gp_Vec(p.x, p.y, p.z))
            else:  # the frame's coordinates to the assembly's: the inverse of SetTransformation
                x_dir, z_dir = p.axes
                move.SetTransformation(
                    gp_Ax3(gp_Pnt(p.x, p.y, p.z), gp_Dir(*z_dir), gp_Dir(*x_dir))
                )
                move.Invert()
            instance = shapes.AddComponent(top, label, TopLoc_Location(move.Multiplied(turn)))
            name(instance, f"{component.name} #{i}" if many else component.name)
    shapes.UpdateAssemblies()
    return doc, seen


def _write(doc: Any, product: str, stamp: str, plates: list[tuple[Any, Prism]]) -> bytes:
    """The document as STEP text, within step_settings, by a writer with a controller of
    its own (own_controller): nothing stays changed for the process's other writers.
    Each stand-in shape of `plates` holds its prism's faces (geom.cad.prism_step)."""
    from OCP.STEPCAFControl import STEPCAFControl_Writer
    from OCP.STEPControl import STEPControl_StepModelType
    from OCP.XSControl import XSControl_WorkSession

    session = XSControl_WorkSession()
    writer = STEPCAFControl_Writer(session, False)
    own_controller(session)
    writer.SetColorMode(True)
    writer.SetNameMode(True)
    writer.SetLayerMode(False)
    if not writer.Transfer(doc, STEPControl_StepModelType.STEPControl_AsIs):
        raise RuntimeError(f"OpenCascade could not transfer {product!r} to STEP")
    model = writer.ChangeWriter().Model()
    solids = {solid_number(session, model, shape): p for shape, p in plates}
    data = _finish(writer, product, stamp)
    if not solids:
        return data
    return splice(data.decode("utf-8", "surrogateescape"), solids).encode(
        "utf-8", "surrogateescape"
    )


def solid_number(session: Any, model: Any, shape: Any) -> int:
    """The record number of the MANIFOLD_SOLID_BREP `shape` was transferred to by the
    writer of `session` (a work session) into `model`."""
    from OCP.STEPConstruct import STEPConstruct
    from OCP.StepShape import StepShape_ManifoldSolidBrep

    finder = session.TransferWriter().FinderProcess()
    item = STEPConstruct.FindEntity_s(finder, shape)
    if isinstance(item, StepShape_ManifoldSolidBrep):
        for number in range(1, model.NbEntities() + 1):
            if model.Value(number) == item:
                return number
    raise RuntimeError("the stand-in plate was not written as one solid")


def _finish(writer: Any, product: str, stamp: str) -> bytes:
    """The transferred model's STEP text: assembly ids renumbered, header filled in,
    styles in a fixed order."""
    from OCP.APIHeaderSection import APIHeaderSection_MakeHeader
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.StepRepr import StepRepr_NextAssemblyUsageOccurrence
    from OCP.TCollection import TCollection_HAsciiString

    model = writer.ChangeWriter().Model()
    count = 0
    for i in range(1, model.NbEntities() + 1):
        entity = model.Value(i)
        if isinstance(entity, StepRepr_NextAssemblyUsageOccurrence):
            count += 1
            entity.SetId(TCollection_HAsciiString(str(count)))
    header = APIHeaderSection_MakeHeader(model)
    header.SetName(TCollection_HAsciiString(product.replace("'", "")))
    header.SetTimeStamp(TCollection_HAsciiString(stamp))
    header.SetOriginatingSystem(TCollection_HAsciiString(f"geom {__version__}"))

    with tempfile.TemporaryDirectory(prefix="geom-step-") as tmp:
        target = Path(tmp) / "out.step"
        status = writer.Write(str(target))
        if status != IFSelect_ReturnStatus.IFSelect_RetDone or not target.is_file():
            raise RuntimeError(f"OpenCascade could not write the STEP file of {product!r}")
        text = target.read_bytes().decode("utf-8", "surrogateescape")
    return canonical_styles(text).encode("utf-8", "surrogateescape")


MDGPR = "MECHANICAL_DESIGN_GEOMETRIC_PRESENTATION_REPRESENTATION"
_REF = re.compile(r"#(\d+)")
_STRING = re.compile(r"'[^']*'")
_FIRST_STYLE = re.compile(rf"(?m)^#\d+\s*=\s*{MDGPR}\b")
_RECORD = re.compile(r"\s*#(\d+)\s*=\s*(.*)", re.DOTALL)


def canonical_styles(text: str) -> str:
    """The STEP text with its colour (style) entities in an order fixed by the content.

    OpenCascade (7.9) appends one MECHANICAL_DESIGN_GEOMETRIC_PRESENTATION_REPRESENTATION
    per coloured shape, each followed by its styles, after all geometry. It visits the
    shapes in the order of a map keyed by memory address, so with two or more colours the
    blocks come out in a different order from run to run (and within one process). From the
    first of them on, the records are laid out again: the blocks sorted by the
    representation context they colour (a record written before them, in a fixed order),
    each followed by what it references, depth first in argument order (as OpenCascade lays
    a block out), renumbered in that order and written one record per line. Nothing
    before them refers to them. Text inside STEP strings is never touched.
    """
    head, sep, rest = text.partition("\nDATA;\n")
    body_end = rest.rfind("ENDSEC;")
    if not sep or body_end < 0:
        raise RuntimeError("STEP text without a DATA section")
    # Only the style records are parsed one by one; the geometry before them (hundreds
    # of thousands of records for a panel plate) is scanned with regular expressions.
    data = rest[:body_end]
    start_match = _FIRST_STYLE.search(data)
    if start_match is None:
        return text
    start = start_match.start()
    records = _records(data[start:])
    tail = {n: b for n, b in records}
    base = records[0][0]
    if sorted(tail) != list(range(base, base + len(tail))):
        raise RuntimeError("STEP style records are not numbered contiguously")
    head_refs = _REF.findall(_STRING.sub("''", data[:start]))
    if head_refs and max(map(int, head_refs)) >= base:
        raise RuntimeError("a STEP record before the styles refers to a style record")

    def key(number: int) -> tuple[int, str]:
        refs = [int(r) for r in _refs(tail[number])]
        return (refs[-1] if refs else 0, _signature(number, tail, set()))

    order: list[int] = []
    seen: set[int] = set()

    def visit(number: int) -> None:
        if number in seen or number not in tail:
            return
        seen.add(number)
        order.append(number)
        for ref in _refs(tail[number]):
            visit(int(ref))

    for number in sorted((n for n, b in tail.items() if b.startswith(MDGPR)), key=key):
        visit(number)
    order += [n for n in tail if n not in seen]
    renumber = {old: base + i for i, old in enumerate(order)}
    lines = [f"#{renumber[old]} = {_flat(_sub_refs(tail[old], renumber))};\n" for old in order]
    kept = rest[:start]
    return head + sep + kept + "".join(lines) + rest[body_end:]


def _records(data: str) -> list[tuple[int, str]]:
    """`(number, body)` per `#n = body;` record (body without the `;`)."""
    out: list[tuple[int, str]] = []
    start, quoted = 0, False
    for i, ch in enumerate(data):
        if ch == "'":
            quoted = not quoted
        elif ch == ";" and not quoted:
            match = _RECORD.fullmatch(data[start:i])
            if match is None:
                raise RuntimeError(f"STEP record not understood: {data[start:i][:60]!r}")
            out.append((int(match.group(1)), match.group(2)))
            start = i + 1
    return out


def _outside_strings(body: str) -> list[tuple[bool, str]]:
    """`body` cut into (is_string, text) pieces."""
    return [(i % 2 == 1, piece) for i, piece in enumerate(body.split("'"))]


def _refs(body: str) -> list[str]:
    pieces = _outside_strings(body)
    return [ref for quoted, piece in pieces if not quoted for ref in _REF.findall(piece)]


def _sub_refs(body: str, renumber: dict[int, int]) -> str:
    def sub(match: re.Match[str]) -> str:
        return f"#{renumber.get(int(match.group(1)), int(match.group(1)))}"

    pieces = [p if q else _REF.sub(sub, p) for q, p in _outside_strings(body)]
    return "'".join(pieces)


def _flat(body: str) -> str:
    """The record on one line: line breaks and indents outside strings removed."""
    pieces = [p if q else re.sub(r"\n\s*", "", p) for q, p in _outside_strings(body)]
    return "'".join(pieces)


def _signature(number: int, tail: dict[int, str], path: set[int]) -> str:
    """A record's content with references into `tail` replaced by their content."""
    if number in path:
        return "<cycle>"
    body = _flat(tail[number])

    def sub(match: re.Match[str]) -> str:
        ref = int(match.group(1))
        return f"({_signature(ref, tail, path | {number})})" if ref in tail else match.group(0)

    return "'".join(p if q else _REF.sub(sub, p) for q, p in _outside_strings(body))


def ascii_name(text: str) -> str:
    """A name as plain ASCII: OpenCascade 7.9 writes other characters double-encoded (a
    reader gets "grÃ¼n" back for "grün"), so letters are folded (ü -> u, ² -> 2) and what
    has no ASCII form becomes "?"."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch if ch.isascii() else "?" for ch in folded if not unicodedata.combining(ch))
