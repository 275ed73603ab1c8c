"""Pictures of DXF documents: SVG, PNG and PDF pages through ezdxf's drawing add-on.

ezdxf's drawing add-on does the rendering (its SVG backend, and its PyMuPDF backend for
PDF and PNG); this module only chooses the look and the scale:

- light background; cut geometry (layer `CUT`) in one colour, annotation (`DIM`, `NOTES`,
  title block) in another, reference outlines (`PLATE`, `BODY`: side views) in grey;
- `scale` is paper mm per model mm: `scale=1` draws 1:1 on paper (the SVG states its
  size in mm, the PDF page is sized in points from mm, the PNG carries its dpi);
- same document, same bytes: no dates, no ids (PDF metadata and /ID are fixed).

The PDF backend of ezdxf 1.4 truncates the page size to whole points (595.27 pt -> 595)
and scales by that truncated size, a 0.1 % error that breaks "1:1 on paper"; `_PdfPage`
replays the same recording with the exact factor 72 / 25.4 pt per mm instead. It also
writes paths straight as PDF path operators: the backend's per-segment PyMuPDF calls
took most of a drawing's time (text is thousands of glyph curves), and drew quadratic
curves (TrueType glyphs) with a circle-arc constant instead of the exact 2/3 rule.

ezdxf draws text as filled glyph outlines, which PDF readers cannot search or copy. The
PDF therefore also carries every TEXT and MTEXT (and the dimension texts) as invisible
text at the same place: the page looks the same, and its text can be extracted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ezdxf
import numpy as np
import pymupdf
from ezdxf.addons.drawing import Frontend, RenderContext, config, layout, recorder
from ezdxf.addons.drawing import pymupdf as ezdxf_pdf
from ezdxf.addons.drawing.svg import SVGBackend
from ezdxf.math import Matrix44, Vec2
from ezdxf.path import Command

from geom.data.atomic import write_bytes
from geom.dxf.layers import BODY_LAYER, CUT_LAYER, PLATE_LAYER, REFERENCE_LAYER
from geom.errors import InputError
from geom.model.contour import Vertex

_MOVE, _CURVE3, _CURVE4 = (int(c) for c in (Command.MOVE_TO, Command.CURVE3_TO, Command.CURVE4_TO))
"""ezdxf's path command codes (NumpyPath2d.command_codes)."""

MM_TO_PT = 72.0 / 25.4
"""PDF points per millimetre (exact)."""

BACKGROUND = "#ffffff"
CUT_COLOUR = "#c00000"
ANNOTATION_COLOUR = "#1f4e99"
REFERENCE_COLOUR = "#707070"
CUT_LAYERS = frozenset({CUT_LAYER})
REFERENCE_LAYERS = frozenset({PLATE_LAYER, BODY_LAYER, REFERENCE_LAYER})
CUT_LINEWEIGHT_MM = 0.35
REFERENCE_LINEWEIGHT_MM = 0.25
ANNOTATION_LINEWEIGHT_MM = 0.18
DEFAULT_MARGIN_MM = 5.0
DEFAULT_DPI = 200


@dataclass(frozen=True, slots=True)
class PreviewFiles:
    svg: Path
    png: Path


# --- public API -------------------------------------------------------------------------


def read_dxf(path: Path, where: str, field: str) -> Any:
    """The ezdxf document of the DXF file `path`; a file ezdxf cannot read is bad input
    (`InputError` naming `where` and `field`)."""
    try:
        return ezdxf.readfile(path)
    except (OSError, ezdxf.DXFError) as exc:
        raise InputError(
            where, field, str(path), f"not a readable DXF ({exc})", "a DXF file"
        ) from None


def write_preview(
    source: Path | Any,
    out_dir: Path,
    stem: str,
    *,
    scale: float = 1.0,
    dpi: int = DEFAULT_DPI,
    margin: float = DEFAULT_MARGIN_MM,
) -> PreviewFiles:
    """Write `<stem>.svg` and `<stem>.png` of a DXF file (or an ezdxf document) to `out_dir`.

    `scale`: paper mm per model mm (1 = true size); `dpi`: PNG resolution; `margin`: paper
    mm of white around the content."""
    doc = ezdxf.readfile(source) if isinstance(source, Path) else source
    svg = write_bytes(out_dir / f"{stem}.svg", svg_bytes(doc, scale=scale, margin=margin))
    png = write_bytes(out_dir / f"{stem}.png", png_bytes(doc, scale=scale, dpi=dpi, margin=margin))
    return PreviewFiles(svg, png)


def contour_document(contours: Iterable[Iterable[Vertex]]) -> Any:
    """A DXF document (mm) holding `contours` on layer CUT, for a quick picture of them."""
    doc = ezdxf.new("R2000", units=4)  # for pictures only: never written as DXF
    doc.layers.add(CUT_LAYER, color=1)
    for contour in contours:
        doc.modelspace().add_lwpolyline(
            [(x, y, 0, 0, b) for x, y, b in contour],
            format="xyseb",
            close=True,
            dxfattribs={"layer": CUT_LAYER},
        )
    return doc


def render(doc: Any) -> Any:
    """The model space rendered once (ezdxf's recording of its drawing add-on), for
    `pdf_document` and `svg_bytes` to make their pages from (each from its own copy)."""
    recording = recorder.Recorder()
    _draw(doc, recording)
    return recording


def _replay_into(recording: Any, backend: Any) -> Any:
    """`backend` (an ezdxf Recorder) holding a copy of `recording`'s records."""
    player = recording.player().copy()
    backend.config, backend.background = player.config, player.background
    backend.records, backend.properties = player.records, player.properties
    return backend


def svg_bytes(
    doc: Any,
    *,
    scale: float = 1.0,
    margin: float = DEFAULT_MARGIN_MM,
    recording: Any = None,
) -> bytes:
    """The model space as SVG; its width and height attributes are paper mm at `scale`.
    `recording`: the document's `render`, when it is drawn to other files too."""
    backend = SVGBackend()
    if recording is None:
        _draw(doc, backend)
    else:
        _replay_into(recording, backend)
    page = layout.Page(0, 0, layout.Units.mm, layout.Margins.all(margin))
    settings = layout.Settings(fit_page=False, scale=scale)
    text = backend.get_string(page, settings=settings)
    return text.encode("utf-8")


def png_bytes(
    doc: Any, *, scale: float = 1.0, dpi: int = DEFAULT_DPI, margin: float = DEFAULT_MARGIN_MM
) -> bytes:
    """The model space as PNG at `dpi` (stored in the file, so 1:1 prints true size)."""
    return page_png(pdf_document(doc, scale=scale, margin=margin), dpi)


def page_png(pdf: Any, dpi: int = DEFAULT_DPI) -> bytes:
    """The first page of a `pymupdf.Document` as PNG at `dpi` (stored in the file)."""
    pixmap = pdf[0].get_pixmap(dpi=dpi, alpha=False)
    pixmap.set_dpi(dpi, dpi)
    return bytes(pixmap.tobytes(output="png"))


def pdf_document(
    doc: Any,
    *,
    scale: float = 1.0,
    margin: float = DEFAULT_MARGIN_MM,
    box: tuple[float, float, float, float] | None = None,
    title: str = "",
    recording: Any = None,
) -> Any:
    """A one-page `pymupdf.Document` of the model space at exactly `scale`.

    `box` = (x0, y0, x1, y1) in model mm is the region that becomes the page (a drawing
    sheet); without it, the content's extents plus `margin` paper mm. `recording`: the
    document's `render`, when it is drawn to other files too."""
    pdf_recorder = ezdxf_pdf.PyMuPdfBackend()
    if recording is None:
        _draw(doc, pdf_recorder)
    else:
        _replay_into(recording, pdf_recorder)
    player = pdf_recorder.player()
    if box is None:
        bbox = player.bbox()
        pad = margin / scale
        box = (bbox.extmin.x - pad, bbox.extmin.y - pad, bbox.extmax.x + pad, bbox.extmax.y + pad)
    x0, y0, x1, y1 = box
    factor = scale * MM_TO_PT
    # Model (mm, Y up) to page (pt, origin top left, Y down).
    m = Matrix44.translate(-x0, -y1, 0) @ Matrix44.scale(factor, -factor, 1)
    player.transform(m)
    width_mm, height_mm = (x1 - x0) * scale, (y1 - y0) * scale
    page = layout.Page(width_mm, height_mm, layout.Units.mm)
    settings = layout.Settings(fit_page=False, scale=scale)
    settings.output_coordinate_space = max(width_mm, height_mm) * MM_TO_PT
    backend = _PdfPage(page, settings, width_mm * MM_TO_PT, height_mm * MM_TO_PT, title)
    # Text first: each insert_text rescans the page's content, still empty here.
    _add_searchable_text(backend.page, doc, m, factor)
    player.replay(backend)
    return backend.doc


def pdf_bytes(pdf: Any) -> bytes:
    """A `pymupdf.Document` as bytes, the same for the same content (no dates, fixed ID)."""
    return bytes(pdf.tobytes(garbage=3, deflate=True, no_new_id=True))


# --- rendering --------------------------------------------------------------------------


def _configuration() -> config.Configuration:
    return config.Configuration(
        background_policy=config.BackgroundPolicy.CUSTOM,
        custom_bg_color=BACKGROUND,
        color_policy=config.ColorPolicy.COLOR,
        lineweight_policy=config.LineweightPolicy.ABSOLUTE,
        lineweight_scaling=1.0,
    )


def _style(entity: Any, properties: Any) -> None:
    """Colour and line weight by layer (text and dimension parts follow their entity)."""
    layer = properties.layer.upper()
    if layer in CUT_LAYERS:
        properties.color, properties.lineweight = CUT_COLOUR, CUT_LINEWEIGHT_MM
    elif layer in REFERENCE_LAYERS:
        properties.color, properties.lineweight = REFERENCE_COLOUR, REFERENCE_LINEWEIGHT_MM
    else:
        properties.color, properties.lineweight = ANNOTATION_COLOUR, ANNOTATION_LINEWEIGHT_MM


def _draw(doc: Any, backend: Any) -> None:
    frontend = Frontend(RenderContext(doc), backend, config=_configuration())
    frontend.push_property_override_function(_style)
    frontend.draw_layout(doc.modelspace(), finalize=True)


class _PdfPage(ezdxf_pdf.PyMuPdfRenderBackend):
    """ezdxf's PyMuPDF render backend on a page of exactly `width_pt` x `height_pt`."""

    def __init__(
        self,
        page: layout.Page,
        settings: layout.Settings,
        width_pt: float,
        height_pt: float,
        title: str,
    ) -> None:
        super().__init__(page, settings)
        self.doc.delete_page(0)
        # ezdxf types these as int (whole points): exact floats are the point here.
        self.page_width_in_pt = width_pt  # type: ignore[assignment]
        self.page_height_in_pt = height_pt  # type: ignore[assignment]
        self.page = self.doc.new_page(-1, width_pt, height_pt)
        self.content_shape = self.page.new_shape()
        self._finished: list[str] = []
        self.doc.set_metadata(
            {
                "title": title,
                "creator": "geom",
                "producer": f"ezdxf {ezdxf.__version__}, PyMuPDF {pymupdf.VersionBind}",
                "creationDate": "",
                "modDate": "",
            }
        )

    def draw_path(self, path: Any, properties: Any) -> None:
        if len(path) == 0:
            return
        self._add_path(path, close=False)
        self.finish_line(self.content_shape, properties, close=False)

    def draw_filled_paths(self, paths: Iterable[Any], properties: Any) -> None:
        for path in paths:
            self._add_path(path, close=True)
        self.finish_filling(self.content_shape, properties)

    def finish_line(self, shape: Any, properties: Any, close: bool) -> None:
        super().finish_line(shape, properties, close)
        self._keep(shape)

    def finish_filling(self, shape: Any, properties: Any) -> None:
        super().finish_filling(shape, properties)
        self._keep(shape)

    def _keep(self, shape: Any) -> None:
        """Move the shape's finished content into a list: PyMuPDF appends each finished
        path to one growing string (a copy of all content so far per path)."""
        self._finished.append(shape.totalcont)
        shape.totalcont = ""

    def finalize(self) -> None:
        shape = self.content_shape
        shape.totalcont = "".join(self._finished) + shape.totalcont
        self._finished.clear()
        super().finalize()

    def _add_path(self, path: Any, close: bool) -> None:
        """Append `path` (an ezdxf NumpyPath2d in page coordinates, pt, Y down) as PDF
        operators to the shape; all its points mapped and written at once (numpy)."""
        shape = self.content_shape
        m = shape.ipctm
        v = path.np_vertices()
        order: list[int] = [0]  # the points in writing order; >= len(v): curve controls
        ops: list[tuple[int, str]] = [(1, "m")]  # (points, operator)
        quads: list[tuple[int, int, int]] = []  # (current, control, end) of CURVE3_TO
        i = current = 0
        for code in path.command_codes():
            if code == _CURVE3:  # quadratic to cubic: controls at 2/3 of the way
                quads.append((current, i + 1, i + 2))
                k = len(v) + 2 * (len(quads) - 1)
                order += [k, k + 1, i + 2]
                ops.append((3, "c"))
                i += 2
            elif code == _CURVE4:  # ezdxf keeps the end point last
                order += [i + 1, i + 2, i + 3]
                ops.append((3, "c"))
                i += 3
            else:
                order.append(i + 1)
                if code == _MOVE and close:
                    ops.append((0, "h"))  # the sub-path before the move closed
                ops.append((1, "m" if code == _MOVE else "l"))
                i += 1
            current = i
        points = v
        if quads:
            q = np.array(quads)
            start, ctrl, end = v[q[:, 0]], v[q[:, 1]], v[q[:, 2]]
            c1 = start + (ctrl - start) * (2 / 3)
            c2 = end + (ctrl - end) * (2 / 3)
            points = np.concatenate([v, np.stack([c1, c2], axis=1).reshape(-1, 2)])
        chosen = points[order]
        x, y = chosen[:, 0], chosen[:, 1]
        px = (m.a * x + m.c * y + m.e).tolist()
        py = (m.b * x + m.d * y + m.f).tolist()
        text = [f"{a:.3f} {b:.3f}" for a, b in zip(px, py, strict=True)]
        pieces: list[str] = []
        k = 0
        for count, op in ops:
            pieces.append(" ".join([*text[k : k + count], op]))
            k += count
        if close:
            pieces.append("h")
        shape.draw_cont += "\n".join(pieces) + "\n"
        rect = (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
        shape.updateRect(pymupdf.Rect(*rect))  # type: ignore[no-untyped-call]
        end_x, end_y = (float(c) for c in v[current])
        shape.last_point = pymupdf.Point(end_x, end_y)  # type: ignore[no-untyped-call]


# --- searchable text --------------------------------------------------------------------


def _texts(entities: Iterable[Any]) -> Iterator[Any]:
    """TEXT and MTEXT entities, also those inside dimensions and block references."""
    for entity in entities:
        kind = entity.dxftype()
        if kind in ("TEXT", "MTEXT"):
            yield entity
        elif kind in ("DIMENSION", "INSERT"):
            yield from _texts(entity.virtual_entities())


def _add_searchable_text(page: Any, doc: Any, m: Matrix44, factor: float) -> None:
    """Every text of the model space as invisible PDF text (render mode 3) in its place,
    committed to the page at once (a commit per text rescans the page's content)."""
    shape = page.new_shape()
    for entity in _texts(doc.modelspace()):
        if entity.dxftype() == "TEXT":
            lines = [entity.plain_text()]
            height = float(entity.dxf.height)
            angle = float(entity.dxf.get("rotation", 0.0))
            _, p1, _ = entity.get_placement()
            origin = Vec2(p1)
            top = False
        else:
            lines = entity.plain_text(split=True)
            height = float(entity.dxf.char_height)
            angle = math.degrees(Vec2(entity.dxf.get("text_direction", (1, 0))).angle)
            if entity.dxf.hasattr("rotation"):
                angle = float(entity.dxf.rotation)
            origin = _mtext_origin(entity, lines, height, angle)
            top = True
        size = height * factor
        if size < 0.5:
            continue
        direction = Vec2.from_deg_angle(angle)
        down = direction.orthogonal(ccw=False)
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            baseline = origin + down * (height * (1.0 if top else 0.0) + i * height * 1.667)
            point = m.transform(baseline)
            shape.insert_text(
                (point.x, point.y),
                line,
                fontsize=size,
                fontname="helv",
                render_mode=3,
                rotate=_page_rotation(angle),
            )
    shape.commit()


def _mtext_origin(entity: Any, lines: list[str], height: float, angle: float) -> Vec2:
    """Top-left corner of an MTEXT block from its attachment point (estimated extents)."""
    attach = int(entity.dxf.get("attachment_point", 1))
    width = max((len(t) for t in lines), default=0) * height * 0.6
    total = len(lines) * height * 1.667
    col, row = (attach - 1) % 3, (attach - 1) // 3
    direction = Vec2.from_deg_angle(angle)
    up = direction.orthogonal()
    return Vec2(entity.dxf.insert) - direction * (width * col / 2) + up * (total * row / 2)


def _page_rotation(angle: float) -> int:
    """PyMuPDF's text rotation (multiples of 90) for a DXF text angle (degrees, CCW)."""
    return round(angle / 90.0) % 4 * 90


def warm_up() -> None:
    """Render a tiny document once: loads fonts and caches, so that worker processes
    forked afterwards (geom.catalog) start with them instead of each loading them."""
    doc = contour_document([[(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (1.0, 1.0, 0.0)]])
    doc.modelspace().add_text("0", height=1.0)
    svg_bytes(doc)
    pdf_bytes(pdf_document(doc))
