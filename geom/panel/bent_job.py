"""The job of a bent panel (one with `[[flange]]` entries): check its layout
(geom.panel.bent_layout) and write its files (mm):

- `<name>-flat.dxf`: the flat pattern (geom.dxf.flat): the blank with its reliefs and
  every opening unfolded into place on CUT, the bend lines on BEND_UP / BEND_DOWN (or by
  colour), the bend data and the panel's notes on NOTES. The blank's lower-left corner is
  at (0, 0); the notes say where the base's outside corner lies.
- `<name>-folded.step`: the folded part, one solid (geom.cad.folded).
- `<name>-assembly.step`: the folded part plus every part's simplified body on its face.
- `<name>-bom.csv` and `<name>-report.json` as for a flat panel, the report with every
  bend (angle, direction, radius, K in both conventions, allowance, v) and each opening's
  face and flat-pattern position.

Violations withhold the CAM files as for a flat panel; the folded STEP files are not
written when an opening reaches into a bend zone (no solid can hold it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from geom.dxf.flat import BendMark, Marks, write_flat
from geom.dxf.writer import DxfVersion, Note
from geom.errors import LintError
from geom.model.advice import NO_ADVICE, Advice
from geom.model.bend import Flange, SheetMetal, bend_notes
from geom.model.body import wing_plate
from geom.model.layout import Violation
from geom.model.lettering import Lettering
from geom.model.notes import FORCED_NOTE
from geom.model.units import mm
from geom.output import OutputSet, decide, opened
from geom.panel.bent_layout import (
    HEIGHT_SOURCE,
    bends_of,
    check_bent,
    face_openings,
    min_cut_to_bend,
    min_flange_height,
)
from geom.panel.hole_cam import hole_marks, hole_notes
from geom.panel.job import (
    NOTE_HEIGHT_MM,
    PLATE_COLOUR,
    PanelFiles,
    body_solids,
    finish_panel,
    panel_notes,
    panel_report,
)
from geom.panel.model import Hole, Panel

SUFFIXES = ("-flat.dxf", "-folded.step", "-assembly.step")


def flat_shift(metal: SheetMetal) -> tuple[float, float]:
    """What moves the blank's lower-left corner to (0, 0) in the flat DXF (mm)."""
    xs = [v[0] for v in metal.outline()]
    ys = [v[1] for v in metal.outline()]
    return -min(xs), -min(ys)


def bend_text(f: Flange) -> str:
    """The text beside a bend line: direction, angle, inside radius, K (both), allowance."""
    return (
        f"{f.direction.upper()} {f.angle:g} deg R{mm(f.radius)} K{f.factor.k_ansi:.3f} ANSI "
        f"(k{f.factor.k_din:.3f} DIN 6935) BA {mm(f.allowance)}"
    )


def write_flat_dxf(
    panel: Panel,
    path: Path,
    *,
    marks: Marks = "layer",
    version: DxfVersion = "r2000",
    explode: bool = False,
    forced: bool = False,
) -> Path:
    """The flat pattern of `panel` to `path`."""
    metal = bends_of(panel).metal
    dx, dy = flat_shift(metal)

    def moved(contour: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
        return [(x + dx, y + dy, b) for x, y, b in contour]

    contours = [moved(metal.outline()), *(moved(o.flat) for o in face_openings(panel))]
    bends = []
    for f in metal.flanges:
        (x0, y0), (x1, y1) = metal.bend_line(f.edge)
        bends.append(
            BendMark((x0 + dx, y0 + dy), (x1 + dx, y1 + dy), f.direction == "up", bend_text(f))
        )
    labels = {p.part.id for p in panel.places}
    texts = [n.text for n in panel_notes(panel) if n.text not in labels]
    texts += [
        f"flat pattern: base outside corner at ({mm(dx)}, {mm(dy)}); bend lines "
        + ("on BEND_UP / BEND_DOWN" if marks == "layer" else "on BEND: up green, down magenta"),
        *bend_notes(metal.flanges),
    ]
    notes = [
        Note(text, 0.0, -3 * NOTE_HEIGHT_MM - i * 1.6 * NOTE_HEIGHT_MM, NOTE_HEIGHT_MM)
        for i, text in enumerate(texts)
    ]
    for p, o in zip(panel.places, face_openings(panel), strict=False):  # cutouts first
        pid, shape = p.part.id, o.shape
        size = round(min(NOTE_HEIGHT_MM, shape.height / 3, shape.width / max(len(pid), 1) / 0.8), 3)
        x = shape.x - shape.width / 2 + shape.radius + dx
        notes.append(Note(pid, x, shape.y - size / 2 + dy, size))
    if forced:
        size = max(2 * NOTE_HEIGHT_MM, panel.width / 50)
        top = max(v[1] for v in metal.outline()) + dy
        notes.append(Note(FORCED_NOTE, 0.0, top + size / 2, size))
    lettering = [flat_lettering(metal, t, dx, dy) for t in panel.texts]

    def at(hole: Hole) -> tuple[float, float]:
        x, y = metal.to_flat(hole.face, hole.x, hole.y)
        return x + dx, y + dy

    notes += hole_notes(panel.holes, at)
    return write_flat(
        path,
        contours,
        bends,
        notes,
        marks=marks,
        version=version,
        explode=explode,
        texts=lettering,
        circles=hole_marks(panel.holes, at),
    )


def flat_lettering(metal: SheetMetal, t: Lettering, dx: float, dy: float) -> Lettering:
    """A text on a face, in the flat DXF's frame (moved by dx, dy mm)."""
    paths = tuple(
        tuple((fx + dx, fy + dy) for fx, fy in (metal.to_flat(t.face, x, y) for x, y in path))
        for path in t.paths
    )
    x, y = metal.to_flat(t.face, t.x, t.y)
    turned = (t.rotation + metal.turn(t.face)) % 360
    return replace(t, x=x + dx, y=y + dy, rotation=turned, paths=paths)


def write_folded_steps(panel: Panel, out_dir: Path) -> tuple[Path, Path]:
    """`<name>-folded.step` (one solid) and `<name>-assembly.step`."""
    from geom.cad.folded import folded_shape
    from geom.cad.plate import write_plate_step
    from geom.cad.step import Component, write_step

    metal = bends_of(panel).metal
    openings: dict[str, list[Any]] = {}
    for o in face_openings(panel):
        openings.setdefault(o.face, []).append(o.contour)
    shape = folded_shape(metal, openings)
    product = f"panel {panel.name}"
    folded = write_plate_step(out_dir / f"{panel.name}-folded.step", product, shape)
    components = [Component(product, shape, PLATE_COLOUR), *face_components(panel)]
    target = out_dir / f"{panel.name}-assembly.step"
    assembly = write_step(target, f"{product} assembly", components, pcurves=False)
    return folded, assembly


def face_components(panel: Panel) -> list[Any]:
    """One component per solid of each distinct part's body, placed at every use on its
    face (geom.model.bend.Frame3): repeated parts are instances of one shape."""
    from geom.cad.step import Component, Placement

    metal = bends_of(panel).metal
    by_part: dict[str, list[Placement]] = {}
    parts = {}
    for p in panel.places:
        frame = metal.frame3(p.face)
        origin = frame.point(p.x, p.y)
        axes = (
            (float(frame.ax[0]), float(frame.ax[1]), float(frame.ax[2])),
            (float(frame.az[0]), float(frame.az[1]), float(frame.az[2])),
        )
        placement = Placement(
            float(origin[0]), float(origin[1]), float(origin[2]), float(p.rotation), axes
        )
        by_part.setdefault(p.part.id, []).append(placement)
        parts[p.part.id] = p.part
    out: list[Any] = []
    names: set[str] = set()
    for pid in sorted(by_part):
        plate = wing_plate(parts[pid], panel.sheet, panel.coating)
        for name, shape, colour in body_solids(parts[pid], plate):
            unique = name if name not in names else f"{name} (with {pid})"
            names.add(unique)
            out.append(Component(unique, shape, colour, tuple(by_part[pid])))
    return out


def run_bent(
    panel: Panel,
    out: Path | OutputSet,
    *,
    version: DxfVersion = "r2000",
    explode: bool = False,
    force: bool = False,
    step: bool = True,
    marks: Marks = "layer",
    also: Sequence[str] = (),
) -> PanelFiles:
    """Check the bent panel's layout and write its files into `out` (a folder, written as
    one set, or a set of the caller's; `also` as for geom.panel.job.run_panel)."""
    violations = tuple(check_bent(panel))
    verdict = decide(not violations, force=force)
    stem = panel.name
    cam = [f"{stem}{suffix}" for suffix in SUFFIXES if step or suffix == "-flat.dxf"]
    dxf = folded = assembly = None
    refused = None
    with opened(out) as outputs:
        outputs.claim(*cam)
        if verdict.write:
            try:
                dxf = write_flat_dxf(
                    panel,
                    outputs.path(cam[0]),
                    marks=marks,
                    version=version,
                    explode=explode,
                    forced=verdict.forced,
                )
            except LintError as exc:
                if verdict.holds:
                    raise
                refused = f"flat DXF and STEP not written even with --force: {exc}"
            in_zone = any(v.rule in ("bend.zone", "bend.flange_collision") for v in violations)
            if step and dxf is not None and in_zone:
                refused = "folded STEP not written: an opening in a bend zone or colliding flanges"
            elif step and dxf is not None:
                folded, assembly = write_folded_steps(panel, outputs.dir)
        files = {"dxf_version": version, "exploded": explode, "bend_marks": marks}
        return finish_panel(
            panel,
            violations,
            outputs,
            verdict,
            (dxf, folded, assembly),
            files,
            refused,
            [*cam, *also],
            bent_report,
        )


def bent_report(
    panel: Panel, violations: tuple[Violation, ...], advice: Advice = NO_ADVICE
) -> dict[str, Any]:
    """The flat panel's report plus the bends, the faces and the flat pattern."""
    metal = bends_of(panel).metal
    document = panel_report(panel, violations, advice)
    dx, dy = flat_shift(metal)
    flat = {o.entry: o for o in face_openings(panel)}
    for key in ("cutouts", "holes", "slots"):
        for item in document[key]:
            item["face"] = flat[item["entry"]].face
            shape = flat[item["entry"]].shape
            item["flat_x"], item["flat_y"] = shape.x + dx, shape.y + dy
    xs = [v[0] + dx for v in metal.outline()]
    ys = [v[1] + dy for v in metal.outline()]
    document["sheet_metal"] = {
        "thickness_mm": metal.sheet,
        "blank_mm": {"width": max(xs), "height": max(ys)},
        "base_corner_in_flat_mm": [dx, dy],
        "relief": {
            "shape": metal.relief.shape,
            "size_mm": metal.relief.size,
            "source": metal.relief.source,
        },
        "bends": [
            {
                "edge": f.edge,
                "height_mm": f.height,
                "angle_deg": f.angle,
                "opening_angle_deg": f.opening_angle,
                "direction": f.direction,
                "radius_mm": f.radius,
                "radius_source": f.radius_source,
                "k": {
                    "given": f.factor.convention,
                    "k_din": f.factor.k_din,
                    "K_ansi": f.factor.k_ansi,
                    "source": f.factor.source,
                },
                "allowance_mm": f.allowance,
                "setback_mm": f.setback,
                "v_mm": f.v,
                "span_mm": list(metal.span(f.edge)),
                "min_cut_to_bend_mm": min_cut_to_bend(panel, f)[0],
                "min_flange_height_mm": min_flange_height(panel, f)[0],
            }
            for f in metal.flanges
        ],
        "rules": {
            "min_cut_to_bend": panel.rules_profile.cite(panel.rules_profile.cut_to_bend.source),
            "min_flange_height": HEIGHT_SOURCE,
        },
    }
    return document
