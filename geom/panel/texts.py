"""Reading a panel file's text: `[[text]]` entries and the `legend` of an opening entry,
set as geometry (geom.model.lettering). All sizes in mm.

A legend sits centred over its opening: its letters' lowest point `LEGEND_GAP_MM` more
than its process's text clearance above the top of what the opening shows on the front
(a part: its flange or its cutout, whichever reaches higher; a hole: the hole), upright.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, cast

from geom.data.checked import Table, quarter_turn
from geom.model.fit import Fit
from geom.model.layout import Placement
from geom.model.lettering import (
    ALIGNS,
    CLEARANCES,
    HORIZONTAL,
    PROCESSES,
    Legend,
    Lettering,
    Process,
    drawable,
    letter,
    moved,
)
from geom.model.panel_view import HoleView

MAX_CHARS = 80
"""Characters of one text or legend: a label, not a paragraph."""
MAX_TEXTS = 1000
MAX_HEIGHT_MM = 100.0
"""Cap height: larger is a unit slip on a front panel."""
LEGEND_HEIGHT_MM = 3.0
"""A legend's cap height when the entry gives none: assumed (readable at arm's length)."""
LEGEND_GAP_MM = 1.0
"""Room a legend keeps beyond the text clearance, so float noise never breaks the rule."""


class Hole(HoleView, Protocol):
    """What a legend needs of a plain hole (geom.panel.model.Hole): a drawn hole and
    its legend."""

    @property
    def legend(self) -> Legend | None: ...


FaceOf = Callable[[Table], tuple[str, float, float]]
"""An entry's face and the x, y range of its frame (mm): "base" and the outline on a flat
panel; on a bent panel the entry's `face`."""


def read_texts(top: Table, face_of: FaceOf) -> list[Lettering]:
    """Every ``[[text]]``: `text`, `x`, `y` within its face (`face_of`), `height` (cap
    height), optional `rotation` (a multiple of 90), `align` and `process`."""
    raws = top.array("text")
    if len(raws) > MAX_TEXTS:
        raise top.error("text", len(raws), "too many [[text]] entries", f"at most {MAX_TEXTS}")
    out: list[Lettering] = []
    for i, raw in enumerate(raws):
        entry = Table(raw, top.where, top.path(f"text[{i}]."))
        text = _words(entry, "text")
        face, x_max, y_max = face_of(entry)
        x = entry.must_number("x", 0.0, x_max, low_open=False)
        y = entry.must_number("y", 0.0, y_max, low_open=False)
        height = entry.must_number("height", 0.0, MAX_HEIGHT_MM)
        rotation = quarter_turn(entry)
        align = _align(entry)
        process = _process(entry, "process")
        entry.done()
        name = top.path(f"text[{i}]")
        out.append(
            letter(
                name, text, x, y, height, rotation=rotation, align=align, process=process, face=face
            )
        )
    return out


def read_legends(entry: Table, count: int = 1) -> list[Legend | None]:
    """An opening entry's optional `legend` (for an array of `count` parts: one text for
    every part, or a list of `count` texts in label order), `legend_height` and
    `legend_process`; [None] * count without a legend."""
    raw = entry.get("legend", required=False)
    height = entry.number("legend_height", 0.0, MAX_HEIGHT_MM, required=False)
    process = _process(entry, "legend_process") if entry.has("legend_process") else "engrave"
    if raw is None:
        for key in ("legend_height", "legend_process"):
            if entry.has(key):
                raise entry.error(key, entry.data[key], "given without a legend", "a legend")
        return [None] * count
    if isinstance(raw, list):
        if len(raw) != count:
            raise entry.error(
                "legend",
                raw,
                f"a list of {len(raw)} texts for {count} opening{'s' if count > 1 else ''}",
                f"one text, or a list of {count} (one per part of an array, in label order)",
            )
        items = Table({f"[{i}]": v for i, v in enumerate(raw)}, entry.where, entry.path("legend"))
        texts = [_words(items, f"[{i}]") for i in range(count)]
    else:
        texts = [_words(entry, "legend")] * count
    size = LEGEND_HEIGHT_MM if height is None else height
    return [Legend(t, size, process) for t in texts]


def legends(
    places: Sequence[Placement],
    fits: Mapping[str, Fit],
    holes: Sequence[Hole],
    clearance: float | None = None,
) -> list[Lettering]:
    """The legend of each part (file order), then of each hole, placed by the module's
    rule in the opening's face; `clearance`: the file's text clearance (None: the
    process's default)."""
    out: list[Lettering] = []
    for p in places:
        if p.legend is not None:
            cut, mount = fits[p.part.id].cut, p.part.mount
            tall = max(
                cut.width if p.turned else cut.height, mount.width if p.turned else mount.height
            )
            top = p.y + tall / 2
            out.append(_above(f"{p.entry}.legend", p.legend, p.x, top, p.face, clearance))
    for h in holes:
        if h.legend is not None:
            top = h.y + h.diameter / 2
            out.append(_above(f"{h.entry}.legend", h.legend, h.x, top, h.face, clearance))
    return out


def _above(
    name: str, legend: Legend, x: float, top: float, face: str, clearance: float | None
) -> Lettering:
    t = letter(
        name, legend.text, x, top, legend.height, align="center", process=legend.process, face=face
    )
    if not t.paths:
        return t
    keep = CLEARANCES[legend.process].value if clearance is None else clearance
    lowest = top + keep + LEGEND_GAP_MM
    return moved(t, 0.0, lowest - t.box[1])


def _words(entry: Table, key: str) -> str:
    """One line of 1 to MAX_CHARS printable ASCII characters, not only spaces."""
    allowed = f"one line of 1 to {MAX_CHARS} printable ASCII characters (space to ~)"
    value = entry.get(key, allowed=allowed)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_CHARS:
        raise entry.error(key, value, "not a text", allowed)
    bad = drawable(value)
    if bad is not None:
        raise entry.error(key, value, f"holding {bad!r}, which the fonts do not draw", allowed)
    return value


def _process(entry: Table, key: str) -> Process:
    return cast(Process, entry.text(key, required=False, choices=PROCESSES) or "engrave")


def _align(entry: Table) -> str:
    """`align`: a horizontal word, optionally followed by `baseline` or `middle`."""
    raw: Any = entry.get("align", required=False)
    if raw is None:
        return "left baseline"
    words = raw.split() if isinstance(raw, str) else []
    full = " ".join([*words, "baseline"][:2]) if len(words) in (1, 2) else ""
    if full not in ALIGNS:
        allowed = " or ".join(f'"{h}"' for h in HORIZONTAL) + ', each optionally + " middle"'
        raise entry.error("align", raw, "not a known alignment", allowed)
    return full
