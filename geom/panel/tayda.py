"""Tayda's drill-tool text of a flat panel or of a `geom cut` layout, and a layout read
back from such a text (geom.data.tayda holds the format).

Written beside the DXF (`<name>-tayda.txt`), through the output gate like it: withheld
when the DXF is, forced with it (then its first line says so). The text holds round holes
only: a layout with any other opening (a rectangular or notched cutout, a slot) gets no
Tayda text, and the report's `files.tayda_refused` names the openings (an order that left
them out would make a box with openings missing). A flat panel is face A; a layout's
faces must be named A to E (a one-face layout is face A). A bent panel has no Tayda
text: its flat pattern is no face of a box. Positions are from each face's centre (its
bounding box's centre in the face frame), mm."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from geom.data.atomic import write_text
from geom.data.tayda import FACES, TaydaHole, number_text, tayda_text
from geom.errors import InputError
from geom.model.contour import Vertex, circle_of
from geom.output import OutputSet

SHOWN = 3
"""Openings named in a refusal; the rest are counted."""


@dataclass(frozen=True, slots=True)
class TaydaFiles:
    """Tayda's text as a run wrote it, or why it did not."""

    file: Path | None
    """The staged text, None when not written."""
    refused: str | None
    """Why no text was written though the CAM files were (non-round openings, faces
    without a letter, a bent panel)."""


NO_TAYDA = TaydaFiles(None, None)
"""No text written, nothing refused (the CAM files were withheld)."""


def tayda_name(stem: str) -> str:
    return f"{stem}-tayda.txt"


def write_tayda(
    outputs: OutputSet,
    stem: str,
    openings: Sequence[tuple[str, str, list[Vertex]]],
    centres: Mapping[str, tuple[float, float]],
    *,
    write: bool,
    forced: bool,
    refused: str | None = None,
) -> TaydaFiles:
    """`<stem>-tayda.txt` of `openings` (entry, face letter, contour in the face frame)
    on faces whose centres are `centres` (face frame, mm), staged in `outputs` when
    `write` (the CAM files are written) and every opening is round; the name is claimed
    either way (an earlier run's text must not pass for this layout)."""
    name = tayda_name(stem)
    outputs.claim(name)
    if not write:
        return NO_TAYDA
    if refused is not None:
        return TaydaFiles(None, refused)
    holes, other = [], []
    for entry, face, contour in openings:
        found = circle_of(contour)
        if found is None:
            other.append(entry)
            continue
        x, y, r = found
        cx, cy = centres[face]
        holes.append(TaydaHole(face, 2 * r, x - cx, y - cy))
    if other:
        named = ", ".join(other[:SHOWN]) + (
            f" and {len(other) - SHOWN} more" if other[SHOWN:] else ""
        )
        return TaydaFiles(
            None,
            f"Tayda's text holds round holes only; not round: {named}",
        )
    text = tayda_text(holes, forced=forced)
    return TaydaFiles(write_text(outputs.path(name), text), None)


def face_letter(name: str, several: bool) -> str | None:
    """The Tayda letter of a layout's face: its name when it is A to E, A for the one
    face of a one-face layout, else None."""
    if not several:
        return "A"
    return name if name in FACES else None


def unlettered(names: Iterable[str], several: bool) -> str | None:
    """Why a layout of faces `names` has no Tayda text (a face named other than A to E),
    or None."""
    other = [n for n in names if face_letter(n, several) is None]
    if not other:
        return None
    return f"Tayda's text names faces A to E, not: {', '.join(other)}"


# --- reading -------------------------------------------------------------------------


def layout_text(
    holes: Iterable[TaydaHole],
    source: str,
    *,
    box: str | None = None,
    sizes: Mapping[str, tuple[float, float]] | None = None,
    selects: Mapping[str, str] | None = None,
) -> str:
    """A `geom cut` layout (TOML) of Tayda `holes`: one [[face]] per letter (in A to E
    order) named by it, each hole a [[face.hole]]. On a library `box` (its model) the
    faces are the box's and x, y stay from each face's centre; else each face is
    selected by `selects[letter]` and its holes move from the face's centre to its
    frame's lower-left corner (`sizes[letter]`: the face's width and height, mm)."""
    by_face: dict[str, list[TaydaHole]] = {}
    for h in holes:
        by_face.setdefault(h.face, []).append(h)
    lines = [f"# Read from Tayda's drill-tool text {source} by `geom tayda`; mm."]
    if box is not None:
        lines += ["", "[box]", f"model = {json.dumps(box)}"]
    for letter in FACES:
        if letter not in by_face:
            continue
        lines += ["", "[[face]]", f"name = {json.dumps(letter)}"]
        dx = dy = 0.0
        if box is None:
            assert sizes is not None and selects is not None
            lines.append(f"select = {json.dumps(selects[letter])}")
            dx, dy = sizes[letter][0] / 2, sizes[letter][1] / 2
        for h in by_face[letter]:
            lines += [
                "",
                "[[face.hole]]",
                f"x = {_toml_number(h.x + dx)}",
                f"y = {_toml_number(h.y + dy)}",
                f"diameter = {_toml_number(h.diameter)}",
            ]
    return "\n".join(lines) + "\n"


def _toml_number(value: float) -> str:
    """A TOML float (a decimal point always), at most 3 decimals (mm)."""
    text = number_text(value)
    return text if "." in text else f"{text}.0"


def face_sizes(
    enclosure: Path, selects: Mapping[str, str], where: str
) -> dict[str, tuple[float, float]]:
    """The width and height of each selected face of the enclosure (a STEP solid): its
    frame's bounding box, as `geom cut` measures it (mm)."""
    from geom.cad import enclosure as kernel

    solid, _ = kernel.read_step(enclosure)
    return {
        letter: (frame.width, frame.height)
        for letter, select in selects.items()
        for frame in [kernel.find_face(solid, where, select)]
    }


def check_faces(holes: Sequence[TaydaHole], selects: Mapping[str, str], where: str) -> None:
    """Every face letter the holes use was given a face of the enclosure."""
    for h in holes:
        if h.face not in selects:
            raise InputError(
                where,
                f"line {h.line}.face",
                h.face,
                "not given a face of the enclosure",
                f"--face {h.face}=SELECTOR, a CadQuery selector (e.g. --face {h.face}='>Z')",
            )


def check_within(
    holes: Sequence[TaydaHole], sizes: Mapping[str, tuple[float, float]], where: str
) -> None:
    """Every hole's circle lies within its face's bounding box (`sizes`: width, height)."""
    for h in holes:
        width, height = sizes[h.face]
        r = h.diameter / 2
        if abs(h.x) + r > width / 2 or abs(h.y) + r > height / 2:
            raise InputError(
                where,
                f"line {h.line}",
                f"{h.face} {number_text(h.diameter)} at ({number_text(h.x)}, {number_text(h.y)})",
                f"a hole reaching past face {h.face}, {number_text(width)} x "
                f"{number_text(height)} mm",
                "a hole within the face, x and y from its centre",
            )
