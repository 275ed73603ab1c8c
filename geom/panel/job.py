"""The panel job: check a validated panel's layout and write its files.

- `<name>-panel.dxf`: outline, every cutout and slot as closed LWPOLYLINEs, every round
  hole (the panel file's and the parts' own fixing holes) as a CIRCLE on CUT,
  lower-left corner at (0, 0), Y up; labels and notes on NOTES (geom.dxf.writer).
- `<name>-panel.step`: the plate with its openings (geom.cad.plate).
- `<name>-assembly.step`: the plate plus every part's simplified body, placed by the
  placement convention (front face Z = 0, plate in -t <= Z <= 0, bodies into -Z), named
  and coloured; a part placed many times is one shape with many instances.
- `<name>-bom.csv`: one line per part (frames counted with the parts they hold).
- `<name>-report.json`: panel, rules, fits, every violation with positions, files.

The files go through the output gate and as one set (geom.output): a layout violation
withholds the CAM files (DXF, STEP) unless `force`, a CAM file an earlier run left under
the same name is removed (a stale DXF must not pass for this layout); a DXF written only
because of `force` carries "FIT FAILS - forced" on NOTES and the report says
`"forced": true`. The BOM and the report are always written. Same input, same bytes.
All sizes in mm.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.data.atomic import write_text
from geom.dxf.writer import DxfVersion, Note, write_dxf
from geom.errors import LintError
from geom.model.advice import NO_ADVICE, Advice
from geom.model.bend import BASE
from geom.model.body import wing_plate
from geom.model.contour import Shape, Vertex, circle, rounded_rect
from geom.model.layout import Violation, fixed_edge_notes, own_web_notes, violation_record
from geom.model.notes import FORCED_NOTE, KERF_NOTE, VERIFY_NOTE
from geom.model.part import Part
from geom.model.report import fit_report, no_way_out_report, ways_out_report, with_forced
from geom.model.units import band, mm
from geom.output import OutputSet, Verdict, decide, opened
from geom.panel.hole_cam import hole_marks, hole_notes
from geom.panel.layout import FlatSheet, check_layout, plain_openings, rules_for, text_clearances
from geom.panel.model import Hole, Panel, Placed, Slot
from geom.panel.tayda import NO_TAYDA, TaydaFiles, tayda_name, write_tayda
from geom.panel.ways_out import panel_advice

CAM_SUFFIXES = ("-panel.dxf", "-panel.step", "-assembly.step")
"""The CAM files of a flat panel, after its name: withheld when the layout fails."""
PLATE_COLOUR = (0.80, 0.80, 0.78)
"""sRGB of the plate in the assembly: light grey (RAL 7035-like), not a data-sheet fact."""
NOTE_HEIGHT_MM = 2.5
BOM_FIELDS = (
    "part",
    "count",
    "name",
    "manufacturer",
    "kind",
    "used_in",
    "poles",
    "width_mm",
    "height_mm",
    "depth_mm",
    "colour",
    "coding",
    "rated_voltage_v",
    "rated_current_a",
    "counterpart",
    "cut_width_mm",
    "cut_height_mm",
    "cut_corner_radius_mm",
    "cut_assumed",
)


@dataclass(frozen=True, slots=True)
class PanelFiles:
    violations: tuple[Violation, ...]
    dxf: Path | None
    """None when withheld (violations, no force)."""
    step: Path | None
    assembly: Path | None
    bom: Path
    report: Path
    refused: str | None = None
    """Why forced CAM files were not written (the DXF lint refused crossing contours)."""
    forced: bool = False
    """The CAM files were written only because of `force` (and say so)."""
    advice: Advice = NO_ADVICE
    """The ways out of the violations (geom.panel.ways_out)."""
    tayda: TaydaFiles = NO_TAYDA
    """Tayda's drill-tool text (final path) or why it was not written."""

    @property
    def ok(self) -> bool:
        return not self.violations


# --- geometry ---------------------------------------------------------------------------


def outline_contour(panel: Panel) -> list[Vertex]:
    return rounded_rect(
        panel.width, panel.height, panel.corner_radius, panel.width / 2, panel.height / 2
    )


def cutout_contour(panel: Panel, placed: Placed) -> list[Vertex]:
    return panel.cut(placed).contour(placed.x, placed.y, placed.rotation)


def part_hole_contours(panel: Panel, placed: Placed) -> list[list[Vertex]]:
    """The fixing holes that belong to a placed part, placed and turned with it."""
    return panel.fits[placed.part.id].hole_contours(placed.x, placed.y, placed.rotation)


def slot_contour(slot: Slot) -> list[Vertex]:
    """An obround: two straights and two half circles of radius width / 2 (true arcs)."""
    return rounded_rect(slot.length, slot.width, slot.width / 2, slot.x, slot.y, slot.angle)


def opening_contours(panel: Panel) -> list[list[Vertex]]:
    """Every cutout (file order), every part's own fixing holes (file order), every hole
    of the panel file, then every slot (each in file order)."""
    cuts = [cutout_contour(panel, p) for p in panel.places]
    own = [c for p in panel.places for c in part_hole_contours(panel, p)]
    holes = [circle(h.diameter, h.x, h.y) for h in panel.holes]
    return cuts + own + holes + [slot_contour(s) for s in panel.slots]


def _part_notes(panel: Panel) -> list[str]:
    """The [part] notes of the placed parts, each text once, in file order."""
    return list(dict.fromkeys(t for p in panel.places for t in p.part.note_texts))


def cutout_note(p: Placed, cut: Shape) -> Note:
    """The text in a placed part's cutout `cut` (as drawn, before its turn): its label
    and part id, as large as fits (at most NOTE_HEIGHT_MM), from its left side (mm)."""
    h = cut.width if p.turned else cut.height
    w = cut.height if p.turned else cut.width
    text = f"{p.label} {p.part.id}" if p.label else p.part.id
    size = round(min(NOTE_HEIGHT_MM, h / 3, w / len(text) / 0.8), 3)
    return Note(text, p.x - w / 2 + cut.corner_radius, p.y - size / 2, size)


def panel_notes(panel: Panel, forced: bool = False) -> list[Note]:
    """A label in each cutout (its label and part id) and the panel's notes below the outline;
    `forced` (a layout rule fails) adds FORCED_NOTE above the outline, at least twice
    the text height and 1/50 of the panel's width (mm): large enough to see at once."""
    notes = [cutout_note(p, panel.cut(p)) for p in panel.places]
    lines = [
        f"panel {panel.name}: {mm(panel.width)} x {mm(panel.height)} mm, corner R "
        f"{mm(panel.corner_radius)} mm, sheet {band(panel.sheet.min, panel.sheet.max)} mm, "
        f"coating {band(panel.coating.min, panel.coating.max)} mm per face"
        f"{' (openings masked)' if panel.masked else ''}, {panel.process}, shop "
        f"+/-{mm(panel.shop.tolerance)} mm",
        f"{len(panel.places)} cutouts, {len(panel.holes)} holes, {len(panel.slots)} slots; "
        f"origin lower-left corner, Y up, mm; {KERF_NOTE}",
        *shop_lines(panel),
    ]
    lines += _part_notes(panel)
    if any(p.part.cut_assumed for p in panel.places):
        lines.append(VERIFY_NOTE)
    if forced:
        size = max(2 * NOTE_HEIGHT_MM, panel.width / 50)
        notes.append(Note(FORCED_NOTE, 0.0, panel.height + size / 2, size))
    return notes + [
        Note(text, 0.0, -3 * NOTE_HEIGHT_MM - i * 1.6 * NOTE_HEIGHT_MM, NOTE_HEIGHT_MM)
        for i, text in enumerate(lines)
    ]


def countersinks(panel: Panel, thickness: float) -> tuple[tuple[int, float, float], ...]:
    """(index in `opening_contours`, radius at the face, depth) of each countersunk hole
    whose cone ends inside a `thickness` sheet (mm)."""
    first = len(panel.places) + sum(len(part_hole_contours(panel, p)) for p in panel.places)
    return tuple(
        (first + i, h.fastener.countersink / 2, h.fastener.depth)
        for i, h in enumerate(panel.holes)
        if h.fastener is not None
        and h.fastener.countersink is not None
        and 0.0 < h.fastener.depth < thickness
    )


def hole_record(h: Hole) -> dict[str, Any]:
    """A hole as the report lists it; a countersunk, tapped or PEM hole adds its `kind`
    and `note` (a plain hole's record is as before)."""
    record: dict[str, Any] = {
        "entry": h.entry,
        "label": h.label or None,
        "x": h.x,
        "y": h.y,
        "diameter": h.diameter,
    }
    if h.fastener is not None:
        record |= {"kind": h.kind, "note": h.note}
    return record


def shop_lines(panel: Panel) -> list[str]:
    """What the panel file states for the shop: material, finish, general tolerance and
    its free notes, one line each (only those given)."""
    stated = (
        ("material", panel.material),
        ("finish", panel.finish),
        ("general tolerance", panel.general_tolerance),
    )
    return [f"{name}: {value}" for name, value in stated if value] + list(panel.notes)


# --- the job ----------------------------------------------------------------------------


def run_panel(
    panel: Panel,
    out: Path | OutputSet,
    *,
    version: DxfVersion = "r2000",
    explode: bool = False,
    force: bool = False,
    step: bool = True,
    also: Sequence[str] = (),
) -> PanelFiles:
    """Check the layout and write the files into `out` (a folder, written as one set, or
    a set of the caller's; `also` names the caller's further files of the set, the
    drawing, which the report lists). A panel with flanges is geom.panel.bent_job's
    (ValueError here)."""
    if panel.bends is not None:
        raise ValueError(f"panel {panel.name} has flanges: geom.panel.bent_job.run_bent")
    violations = tuple(check_layout(panel))
    verdict = decide(not violations, force=force)
    stem = panel.name
    cam = [f"{stem}{suffix}" for suffix in CAM_SUFFIXES if step or suffix.endswith(".dxf")]
    dxf = step_file = assembly = None
    refused = None
    with opened(out) as outputs:
        outputs.claim(*cam)
        if verdict.write:
            try:
                dxf = write_panel_dxf(
                    panel, outputs.path(cam[0]), version, explode, forced=verdict.forced
                )
            except LintError as exc:
                if verdict.holds:
                    raise  # a clean layout that lints badly is geom's bug: the CLI says so
                # Forced through overlapping openings: no CAM program could cut this DXF.
                refused = f"DXF and STEP not written even with --force: {exc}"
            if step and dxf is not None:
                step_file, assembly = write_panel_steps(panel, outputs.dir)
        files = {"dxf_version": version, "exploded": explode}
        return finish_panel(
            panel,
            violations,
            outputs,
            verdict,
            (dxf, step_file, assembly),
            files,
            refused,
            [*cam, *also],
            panel_report,
        )


def write_panel_dxf(
    panel: Panel, path: Path, version: DxfVersion, explode: bool, *, forced: bool
) -> Path:
    """The flat panel's DXF at `path`: the outline, every opening, the text (ENGRAVE,
    PRINT), the notes (`forced`: marked FORCED_NOTE). `geom panel` and `geom serve`'s
    export write it alike."""
    return write_dxf(
        path,
        [outline_contour(panel), *opening_contours(panel)],
        [*panel_notes(panel, forced=forced), *hole_notes(panel.holes)],
        version=version,
        explode=explode,
        texts=panel.texts,
        circles=hole_marks(panel.holes),
    )


ReportOf = Callable[[Panel, tuple[Violation, ...], Advice], dict[str, Any]]
"""A surface's report: `panel_report` (flat) or `bent_report` (bent)."""


def finish_panel(
    panel: Panel,
    violations: tuple[Violation, ...],
    outputs: OutputSet,
    verdict: Verdict,
    cam: tuple[Path | None, Path | None, Path | None],
    files: dict[str, Any],
    refused: str | None,
    listed: Sequence[str],
    report_of: ReportOf,
) -> PanelFiles:
    """What a flat and a bent panel write alike once their CAM files are staged in
    `outputs` (`cam`: the DXF, the STEP, the assembly; None where not written): the BOM,
    the ways out of a failing layout, and the report (`report_of`, with `files` after the
    DXF's name in its `files` table, listing `listed` and the BOM with their SHA-256)."""
    dxf, step_file, assembly = cam
    forced = dxf is not None and verdict.forced
    tayda = panel_tayda(panel, outputs, write=dxf is not None, forced=forced)
    bom = write_text(outputs.path(f"{panel.name}-bom.csv"), bom_csv(panel))
    advice = panel_advice(panel) if violations else NO_ADVICE
    document = with_forced(report_of(panel, violations, advice), forced)
    document["files"] = {
        "dxf": dxf.name if dxf else None,
        **files,
        "step": step_file.name if step_file else None,
        "assembly": assembly.name if assembly else None,
        "bom": bom.name,
        "tayda": tayda.file.name if tayda.file else None,
        "tayda_refused": tayda.refused,
        "withheld": verdict.withheld,
        "removed_stale": [],
        "refused": refused,
    }
    covers = [*listed, bom.name, tayda_name(panel.name)]
    report = outputs.report(f"{panel.name}-report.json", document, covers)
    return PanelFiles(
        violations,
        outputs.final_of(dxf),
        outputs.final_of(step_file),
        outputs.final_of(assembly),
        outputs.final(bom),
        report,
        refused,
        forced,
        advice,
        TaydaFiles(outputs.final_of(tayda.file), tayda.refused),
    )


def panel_tayda(panel: Panel, outputs: OutputSet, *, write: bool, forced: bool) -> TaydaFiles:
    """A flat panel's Tayda text (geom.panel.tayda): face A, from the panel's centre;
    every opening in `opening_contours`' order, own fixing holes named as `geom cut`
    names them. A bent panel has none."""
    if panel.bends is not None:
        why = "a bent panel has no Tayda text: its flat pattern is no face of a box"
        return write_tayda(outputs, panel.name, [], {}, write=write, forced=forced, refused=why)
    own = [
        f"{p.entry}.holes[{i}]"
        for p in panel.places
        for i, _ in enumerate(part_hole_contours(panel, p))
    ]
    entries = [
        *(p.entry for p in panel.places),
        *own,
        *(h.entry for h in panel.holes),
        *(s.entry for s in panel.slots),
    ]
    openings = [(e, "A", c) for e, c in zip(entries, opening_contours(panel), strict=True)]
    centre = {"A": (panel.width / 2, panel.height / 2)}
    return write_tayda(outputs, panel.name, openings, centre, write=write, forced=forced)


def write_panel_steps(panel: Panel, out_dir: Path) -> tuple[Path, Path]:
    """The plate-only STEP and the assembly STEP."""
    from geom.cad.plate import stand_in, write_prism_step
    from geom.cad.prism_step import Prism
    from geom.cad.step import Component, write_step

    t = panel.sheet.nominal
    prism = Prism(outline_contour(panel), opening_contours(panel), t, countersinks(panel, t))
    product = f"panel {panel.name}"
    step_file = write_prism_step(out_dir / f"{panel.name}-panel.step", product, prism)
    plate = Component(product, stand_in(prism), PLATE_COLOUR, prism=prism)
    components = [plate, *part_components(panel)]
    target = out_dir / f"{panel.name}-assembly.step"
    # No pcurves: half the entities and export time for a plate with many openings.
    assembly = write_step(target, f"{product} assembly", components, pcurves=False)
    return step_file, assembly


def part_components(panel: Panel) -> list[Any]:
    """One component per solid of each distinct part's simplified body (geom.model.body),
    placed at every use of the part: repeated parts are instances of one shape."""
    from geom.cad.step import Component, Placement

    by_part: dict[str, list[Placed]] = {}
    for p in panel.places:
        by_part.setdefault(p.part.id, []).append(p)
    out: list[Any] = []
    names: set[str] = set()
    for pid in sorted(by_part):
        uses = by_part[pid]
        placements = tuple(Placement(p.x, p.y, 0.0, float(p.rotation)) for p in uses)
        plate = wing_plate(uses[0].part, panel.sheet, panel.coating)
        for name, shape, colour in body_solids(uses[0].part, plate):
            unique = name if name not in names else f"{name} (with {pid})"
            names.add(unique)
            out.append(Component(unique, shape, colour, placements))
    return out


def body_solids(part: Part, plate: float) -> list[tuple[str, Any, tuple[float, float, float]]]:
    """(name, OCP shape centred on the cutout, sRGB) per solid of the part's body."""
    from geom.cad.body import build
    from geom.model.body import build_body

    return [(b.spec.name, b.shape, b.spec.colour) for b in build(build_body(part, plate))]


# --- BOM and report ---------------------------------------------------------------------


def bom_csv(panel: Panel) -> str:
    """One row per part id (sorted), frames counted with the parts mounted through them."""
    counts: Counter[str] = Counter()
    parts: dict[str, Part] = {}
    used_in: dict[str, set[str]] = {}
    for p in panel.places:
        counts[p.part.id] += 1
        parts[p.part.id] = p.part
        used_in.setdefault(p.part.id, set())
        if p.part.frame is not None:
            frame = p.part.frame
            counts[frame.id] += 1
            parts[frame.id] = frame
            used_in.setdefault(frame.id, set()).add(p.part.id)
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(BOM_FIELDS)
    for pid in sorted(counts):
        part = parts[pid]
        fit = panel.fits.get(pid)
        cut = fit.cut if fit is not None else None
        size = cut.extent() if cut else None

        def info(key: str, part: Part = part) -> str:
            quote = part.info.get(key)
            return "" if quote is None else str(quote.value)

        writer.writerow(
            [
                pid,
                counts[pid],
                part.name,
                part.manufacturer,
                part.kind,
                " ".join(sorted(used_in[pid])),
                part.poles if part.poles is not None else "",
                mm(part.width),
                mm(part.height),
                mm(part.depth),
                info("colour"),
                info("coding"),
                info("rated_voltage_v"),
                info("rated_current_a"),
                info("counterpart"),
                mm(size[0]) if size else "",
                mm(size[1]) if size else "",
                mm(cut.corner_radius) if cut else "",
                ("yes" if part.cut_assumed else "no") if cut else "",
            ]
        )
    return stream.getvalue()


def data_sheet_notes(panel: Panel) -> list[str]:
    """Where the data sheet wins over a rule of thumb: a part's own fixing holes nearer
    its cutout than the web rule (geom.model.layout.own_web_notes)."""
    rules = rules_for(panel)
    return own_web_notes(panel.fits.values(), rules.min_web, rules.web_source)


def standard_notes(panel: Panel) -> list[str]:
    """Where a standard wins over the edge rule: a preset's mounting holes or slots,
    which the standard puts nearer the outline (geom.model.layout.fixed_edge_notes)."""
    ops = plain_openings(panel.holes, panel.slots, BASE)
    return fixed_edge_notes(FlatSheet(panel), ops)


def panel_report(
    panel: Panel, violations: tuple[Violation, ...], advice: Advice = NO_ADVICE
) -> dict[str, Any]:
    rules = rules_for(panel)
    assumed = sorted({a for p in panel.places for a in p.part.assumed})
    notes = [KERF_NOTE, *_part_notes(panel), *data_sheet_notes(panel), *standard_notes(panel)]
    if any(p.part.cut_assumed for p in panel.places):
        notes.insert(0, VERIFY_NOTE)
    return {
        "panel": panel.name,
        "file": panel.path.name,
        "ok": not violations,
        "outline_mm": {
            "width": panel.width,
            "height": panel.height,
            "corner_radius": panel.corner_radius,
        },
        "sheet_mm": {"min": panel.sheet.min, "max": panel.sheet.max},
        "coating_mm": {"min": panel.coating.min, "max": panel.coating.max},
        "masked": panel.masked,
        "material": panel.material or None,
        "finish": panel.finish or None,
        "general_tolerance": panel.general_tolerance or None,
        "process": panel.process,
        "shop_tolerance_mm": {"value": panel.shop.tolerance, "source": panel.shop.source},
        "target": panel.target,
        "rules_mm": {
            "min_web": rules.min_web,
            "min_web_source": rules.web_source,
            "min_edge": rules.min_edge,
            "min_edge_source": rules.edge_source,
            "min_hole": rules.min_hole,
            "min_hole_source": rules.hole_source,
            "min_inner_radius": rules.min_inner_radius or None,
            "min_inner_radius_source": rules.radius_source or None,
            **{
                f"text_clearance_{process}{key}": value
                for process, c in text_clearances(panel).items()
                for key, value in (("", c.value), ("_source", c.source))
            },
        },
        "shop_profile": {
            "name": panel.rules_profile.name,
            "title": panel.rules_profile.title,
        },
        "preset": panel.preset or None,
        "counts": {
            "cutouts": len(panel.places),
            "holes": len(panel.holes),
            "slots": len(panel.slots),
            "by_part": dict(sorted(Counter(p.part.id for p in panel.places).items())),
        },
        "violations": [violation_record(v) for v in violations],
        "ways_out": ways_out_report(advice.ways_out),
        **no_way_out_report(advice.no_way_out),
        "fits": [fit_report(fit) for fit in panel.fits.values()],
        "cutouts": [
            {
                "entry": p.entry,
                "label": p.label or None,
                "part": p.part.id,
                "x": p.x,
                "y": p.y,
                "rotation": p.rotation,
            }
            for p in panel.places
        ],
        "holes": [hole_record(h) for h in panel.holes],
        "slots": [
            {
                "entry": s.entry,
                "label": s.label or None,
                "x": s.x,
                "y": s.y,
                "length": s.length,
                "width": s.width,
                "angle": s.angle,
                "tolerance": s.tolerance,
            }
            for s in panel.slots
        ],
        "texts": [
            {
                "entry": t.entry,
                "text": t.text,
                "process": t.process,
                "x": t.x,
                "y": t.y,
                "height": t.height,
                "rotation": t.rotation,
                "align": t.align,
                "box_mm": list(t.box) if t.paths else None,
            }
            for t in panel.texts
        ],
        "assumed": assumed,
        "notes": notes,
        "shop_notes": list(panel.notes),
    }
