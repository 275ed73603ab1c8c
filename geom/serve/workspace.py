"""One served panel file: its state (outline, openings, the plan's verdict, the fits), the
edits that change it, undo and redo, and its DXF.

The file is the source: every state is read from the file's bytes as they are now, an
accepted edit is written back atomically (geom.data.atomic) and nothing is written when
the edited text is refused by the panel file reader (its own one-line messages). The
verdict is `geom.panel.layout.plan_flat`, the plan `geom panel` runs. All sizes in mm.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from geom.data.atomic import write_bytes
from geom.data.checked import read_toml_text
from geom.data.templates import Catalog, template_dirs
from geom.errors import InputError
from geom.model.bend import BASE
from geom.model.contour import Vertex, circle
from geom.model.report import fit_report
from geom.panel.bent_job import flat_shift
from geom.panel.bent_layout import face_openings, plan_bent
from geom.panel.job import (
    cutout_contour,
    outline_contour,
    part_hole_contours,
    slot_contour,
    write_panel_dxf,
)
from geom.panel.layout import plan_flat, rules_for
from geom.panel.model import Panel, load_panel
from geom.panelset import write_panel_set
from geom.serve import textedit
from geom.serve.surface import (
    IDENTITY,
    Affine,
    face_at,
    face_maps,
    moved,
    surface_state,
    to_face,
    to_view,
    violation_view,
)
from geom.serve.textedit import NotEditable

if TYPE_CHECKING:
    from geom.dxf.writer import DxfVersion

ENTRY = re.compile(r"^place\[(\d+)\]$")
"""An editable entry: a `[[place]]` (an `[[array]]`'s parts are edited in the file)."""
OPS = ("add", "move", "rotate", "label", "set", "duplicate", "delete", "undo", "redo")
"""The edits POST /api/edit takes (docs/serve.md)."""
EXPORTS = ("step", "assembly", "drawing", "template")
"""The files GET /api/export/KIND serves besides the DXF: the plate STEP, the assembly
STEP, the drawing (PDF), the 1:1 drilling template (PDF), as `geom panel` writes them."""
Exported = tuple[str, bytes] | str
"""One export: its file name and bytes, or the one line saying why it is not written."""


class Refused(Exception):
    """A request that changes nothing: its HTTP status and the one-line reason."""

    def __init__(self, status: int, message: str, state: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.state = status, message, state


@dataclass(frozen=True, slots=True)
class Change:
    """An accepted edit: the file's text before and after it."""

    before: str
    after: str


def version_of(raw: bytes) -> str:
    """What identifies a file's content: 16 hex digits of its SHA-256."""
    return hashlib.sha256(raw).hexdigest()[:16]


def no_faces(path: Path, data: dict[str, Any]) -> None:
    """Refuse what `geom serve` does not serve yet: an enclosure's faces."""
    if "panel" not in data and any(key in data for key in ("face", "faces", "box")):
        raise InputError(
            str(path),
            "face",
            "an enclosure face layout",
            "not served yet",
            "a panel file, flat or bent (geom cut FILE writes an enclosure's faces)",
        )


class Workspace:
    """The served file and what `geom serve` keeps between requests: the parts catalog
    (read once, at start) and the undo and redo stacks of this run's edits."""

    def __init__(self, path: Path, catalog: Catalog) -> None:
        self.path = path
        self.catalog = catalog
        self.lock = threading.Lock()
        self.undone: list[Change] = []
        self.done: list[Change] = []
        self._read: tuple[str, dict[str, Any]] | None = None
        self.exporting = threading.Lock()
        self._exported: tuple[tuple[str, str, bool, bool], dict[str, Exported]] | None = None
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geom-serve-write")

    # --- reading -----------------------------------------------------------------------

    def raw(self) -> bytes:
        """FILE's bytes; Refused (404, the reader's line) when it cannot be read."""
        return self._stat_raw()[1]

    def _stat_raw(self) -> tuple[int, bytes]:
        where = str(self.path)
        try:
            with self.path.open("rb") as handle:
                return os.fstat(handle.fileno()).st_mtime_ns, handle.read()
        except OSError as exc:
            problem = f"unreadable ({exc.strerror})"
            raise Refused(404, _line(where, "(file)", where, problem, "a readable file")) from None

    def version(self) -> dict[str, Any]:
        """The file's version and modification time (ns): what the page polls."""
        mtime, raw = self._stat_raw()
        return {"version": version_of(raw), "mtime_ns": mtime}

    def text(self, raw: bytes) -> str:
        """FILE's bytes as text; not UTF-8 is the file reader's InputError."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = str(self.path)
            raise InputError(
                where, "(file)", f"byte {exc.start}", "not UTF-8 text", "a UTF-8 TOML file"
            ) from None

    def read(self, text: str) -> dict[str, Any]:
        """The data of `text` as the file reader reads it (the last one kept: an edit
        reads the file it changes once)."""
        cached = self._read  # one look: another request may replace it meanwhile
        if cached is None or cached[0] != text:
            cached = (text, read_toml_text(self.path, text))
            self._read = cached
        return cached[1]

    def load(self, text: str, data: dict[str, Any] | None = None) -> Panel:
        """The panel of `text` (already read: `data`) as the file reader reads it;
        InputError when refused."""
        data = self.read(text) if data is None else data
        no_faces(self.path, data)
        return load_panel(self.path, self.catalog, data)

    def state(self) -> dict[str, Any]:
        """The file's state now; a file the reader refuses gives its message in `error`."""
        raw = self.raw()
        try:
            panel = self.load(self.text(raw))
        except InputError as exc:
            return {**self._base(raw), "error": f"geom: {exc}"}
        return self._state(raw, panel)

    def _base(self, raw: bytes) -> dict[str, Any]:
        return {
            "file": self.path.name,
            "version": version_of(raw),
            "undo": len(self.done),
            "redo": len(self.undone),
        }

    def _state(self, raw: bytes, panel: Panel) -> dict[str, Any]:
        return {**self._base(raw), "error": None, **panel_state(panel)}

    # --- editing -----------------------------------------------------------------------

    def edit(self, request: Any) -> dict[str, Any]:
        """Apply one edit (docs/serve.md) and write the file; Refused when the request or
        the edited file is refused (nothing written) or the file changed since `base`."""
        if not isinstance(request, dict):
            raise Refused(400, _line("request", "(body)", request, "not an object", "{op: ...}"))
        op = request.get("op")
        if op not in OPS:
            raise Refused(400, _line("request", "op", op, "not an edit", ", ".join(OPS)))
        with self.lock:
            raw = self.raw()
            base = request.get("base")
            if base is not None and base != version_of(raw):
                raise Refused(
                    409,
                    f"geom: {self.path}: changed on disk since the page read it; the page "
                    "shows the file as it is now, make the edit again",
                    self.state(),
                )
            try:
                old = self.text(raw)
            except InputError as exc:
                raise Refused(422, f"geom: {exc}") from None
            if op in ("undo", "redo"):
                new = self._history(op, old)
                data = self.read(new)
            else:
                if request.get("frame") == "view":
                    request = self._from_view(op, old, request)
                new, data = self._edited(op, old, request)
            try:
                panel = self.load(new, data)
            except InputError as exc:
                raise Refused(422, f"geom: {exc}") from None
            if op not in ("undo", "redo"):
                self.done.append(Change(old, new))
                self.undone.clear()
            elif op == "undo":
                self.undone.append(self.done.pop())
            else:
                self.done.append(self.undone.pop())
            encoded = new.encode("utf-8")
            # The write (its fsync waits on the disk) runs while the state is built.
            written = self.writer.submit(self._write, encoded)
            state = self._state(encoded, panel)
            written.result()
            self._read = (new, data)
            return state

    def _from_view(self, op: str, text: str, request: dict[str, Any]) -> dict[str, Any]:
        """The request with its x and y (given in the view, geom.serve.surface) in the
        face's frame: the face of the entry moved or duplicated, the face under the point
        for a part added (a face other than the base written as `face`)."""
        x, y = request.get("x"), request.get("y")
        numbers = (int, float)
        if not (isinstance(x, numbers) and isinstance(y, numbers)) or True in (
            x is True,
            y is True,
        ):
            return request  # not numbers: the request is refused as it is
        try:
            panel = self.load(text)
        except InputError as exc:
            raise Refused(422, f"geom: {exc}") from None
        out = {k: v for k, v in request.items() if k != "frame"}
        if op == "add":
            face = face_at(panel, float(x), float(y))
            if face != BASE:
                out["face"] = face
        else:
            entry = request.get("entry")
            face = next((p.face for p in panel.places if p.entry == entry), BASE)
        out["x"], out["y"] = to_face(face_maps(panel)[face], float(x), float(y))
        return out

    def _history(self, op: str, text: str) -> str:
        """The text undo or redo goes back to (the stacks move once it is accepted)."""
        source = self.done if op == "undo" else self.undone
        if not source:
            raise Refused(409, f"geom: nothing to {op}")
        change = source[-1]
        if text != (change.after if op == "undo" else change.before):
            raise Refused(
                409,
                f"geom: {self.path}: changed on disk after that edit; {op} would lose it",
                self.state(),
            )
        return change.before if op == "undo" else change.after

    def _edited(self, op: str, text: str, request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The file's text after the edit and its data, read back as the edit means."""
        try:
            data = self.read(text)
        except InputError as exc:
            raise Refused(422, f"geom: {exc}") from None
        index = -1 if op == "add" else self._index(request, data)
        fields = _fields(op, request)
        if op == "duplicate":
            source = data["place"][index]
            fields = {
                "part": source.get("part"),
                "face": source.get("face"),
                **fields,
                "rotation": source.get("rotation"),
            }
            op, index = "add", -1
        try:
            if op == "add":
                new = textedit.append_place(text, fields)
            elif op == "delete":
                new = textedit.delete_place(text, index)
            else:
                new = textedit.set_fields(text, index, fields)
            return new, textedit.checked(new, textedit.meant(data, op, index, fields))
        except NotEditable as exc:
            where = "place" if index < 0 else f"place[{index}]"
            raise Refused(
                422,
                _line(
                    str(self.path),
                    where,
                    op,
                    f"not an edit geom serve can make here ({exc})",
                    "edit the file in a text editor",
                ),
            ) from None

    def _index(self, request: dict[str, Any], data: dict[str, Any]) -> int:
        entry = request.get("entry")
        found = ENTRY.match(entry) if isinstance(entry, str) else None
        places = data.get("place")
        count = len(places) if isinstance(places, list) else 0
        if found is None or int(found.group(1)) >= count:
            raise Refused(
                400,
                _line(
                    "request",
                    "entry",
                    entry,
                    "not an editable entry of the file",
                    f"place[0] .. place[{count - 1}] (an [[array]] is edited in the file)"
                    if count
                    else "none: the file has no [[place]]",
                ),
            )
        return int(found.group(1))

    def _write(self, data: bytes) -> None:
        """Write `data` to the file atomically, keeping its permission bits."""
        mode = self.path.stat().st_mode & 0o7777
        write_bytes(self.path, data)
        os.chmod(self.path, mode)

    # --- outputs -----------------------------------------------------------------------

    def dxf(self, version: str, explode: bool, force: bool) -> tuple[str, bytes]:
        """The panel DXF `geom panel FILE` writes (name, bytes); Refused (409) when the
        layout fails and not `force`, as `geom panel` withholds it."""
        if version not in ("r12", "r2000"):
            raise Refused(
                400, _line("request", "version", version, "not a DXF version", "r12 or r2000")
            )
        raw = self.raw()
        try:
            panel = self.load(self.text(raw))
        except InputError as exc:
            raise Refused(422, f"geom: {exc}") from None
        if panel.bends is not None:  # the flat pattern, with the set
            return self.export("dxf", version, explode, force)
        violations = plan_flat(panel).violations
        if violations and not force:
            raise Refused(
                409,
                f"geom: {self.path}: {len(violations)} layout violations; the DXF is "
                "withheld (force=1 writes it marked FIT FAILS - forced)",
            )
        name = f"{panel.name}-panel.dxf"
        with tempfile.TemporaryDirectory(prefix="geom-serve-") as tmp:
            path = write_panel_dxf(
                panel,
                Path(tmp) / name,
                cast("DxfVersion", version),
                explode,
                forced=bool(violations),
            )
            return name, path.read_bytes()

    def export(self, kind: str, version: str, explode: bool, force: bool) -> tuple[str, bytes]:
        """One file of the set `geom panel FILE -o DIR` writes with these options (name,
        bytes): `kind` one of EXPORTS. The whole set is written into a temporary folder by
        geom.panelset, the command's own code path, and kept for the next export of the
        same file and options. Refused (409) when the layout fails and not `force`, as
        `geom panel` withholds it."""
        if kind not in (*EXPORTS, "dxf"):
            raise Refused(
                404, _line("request", "export", kind, "not an output", ", ".join(EXPORTS))
            )
        if version not in ("r12", "r2000"):
            raise Refused(
                400, _line("request", "version", version, "not a DXF version", "r12 or r2000")
            )
        raw = self.raw()
        key = (version_of(raw), version, explode, force)
        with self.exporting:
            cached = self._exported
            if cached is None or cached[0] != key:
                cached = (key, self._write_set(raw, version, explode, force))
                self._exported = cached
        found = cached[1][kind]
        if isinstance(found, str):
            raise Refused(409, found)
        return found

    def _write_set(
        self, raw: bytes, version: str, explode: bool, force: bool
    ) -> dict[str, Exported]:
        """Every export of FILE's bytes `raw` (kind: name and bytes, or why it is not
        written)."""
        try:
            panel = self.load(self.text(raw))
        except InputError as exc:
            raise Refused(422, f"geom: {exc}") from None
        with tempfile.TemporaryDirectory(prefix="geom-serve-") as tmp:
            written = write_panel_set(
                panel,
                Path(tmp) / "out",
                version=cast("DxfVersion", version),
                explode=explode,
                force=force,
            )
            files, drawing = written.files, written.drawing
            paths = {
                "dxf": files.dxf,
                "step": files.step,
                "assembly": files.assembly,
                "drawing": drawing.pdf if drawing else None,
                "template": drawing.template if drawing else None,
            }
            if files.refused:
                why = f"geom: {self.path}: {files.refused}"
            else:
                why = (
                    f"geom: {self.path}: {len(files.violations)} layout violations; the "
                    "DXF, STEP and drawing are withheld (force=1 writes them marked FIT "
                    "FAILS - forced)"
                )
            return {
                kind: (path.name, path.read_bytes()) if path else why
                for kind, path in paths.items()
            }


def _line(where: str, field: str, value: object, problem: str, allowed: str) -> str:
    return f"geom: {InputError(where, field, value, problem, allowed)}"


def _fields(op: str, request: dict[str, Any]) -> dict[str, object]:
    """The `[[place]]` fields an edit sets (None: remove the field); values are written
    as given and the file reader decides."""
    wanted = {
        "add": ("part", "face", "x", "y", "rotation", "label"),
        "move": ("x", "y"),
        "rotate": ("rotation",),
        "label": ("label",),
        "set": textedit.FIELDS,
        "duplicate": ("x", "y"),
        "delete": (),
    }[op]
    required = {"add": ("part", "x", "y"), "move": ("x", "y"), "duplicate": ("x", "y")}
    out: dict[str, object] = {}
    for key in wanted:
        if key not in request:
            if key in required.get(op, ()) or op in ("rotate", "label"):
                raise Refused(400, _line("request", key, op, "missing", f"{key} in a {op}"))
            continue
        value = request[key]
        if isinstance(value, list | dict):
            raise Refused(
                400, _line("request", key, value, "not a value", "a number, true/false or text")
            )
        if key == "label" and value == "":
            value = None  # no label: the field goes
        if key in ("x", "y") and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # mm, written as the file's numbers are: 120.0
        out[key] = value
    return out


def panel_state(panel: Panel) -> dict[str, Any]:
    """What the page draws and lists: the panel, its view (geom.serve.surface: a bent
    panel's flat pattern with its faces and bends), its outline and openings as contours
    in the view (vertices x, y, bulge in mm), every placement (x, y in its face's frame as
    the file has them; vx, vy in the view), the plan's verdict and each part's fit
    report."""
    start = time.perf_counter()
    bent = panel.bends is not None
    result = plan_bent(panel) if bent else plan_flat(panel)
    plan_ms = (time.perf_counter() - start) * 1000
    rules = rules_for(panel)
    maps = face_maps(panel)
    on_face = _face_contours(panel)
    places = []
    for p in panel.places:
        mount, m = p.part.mount, maps[p.face]
        w, h = (mount.height, mount.width) if p.turned else (mount.width, mount.height)
        corners = [
            to_view(m, p.x + sx * w / 2, p.y + sy * h / 2) for sx in (-1, 1) for sy in (-1, 1)
        ]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        vx, vy = to_view(m, p.x, p.y)
        own = [c for key, c in on_face.items() if key.startswith(f"{p.entry}.holes[")]
        places.append(
            {
                "entry": p.entry,
                "editable": ENTRY.match(p.entry) is not None,
                "part": p.part.id,
                "name": p.part.name,
                "face": p.face,
                "x": p.x,
                "y": p.y,
                "vx": vx,
                "vy": vy,
                "rotation": p.rotation,
                "label": p.label,
                "cutout": moved(m, on_face[p.entry]),
                "holes": [moved(m, c) for c in own],
                "flange": [min(xs), min(ys), max(xs), max(ys)],
            }
        )
    return {
        "panel": {
            "name": panel.name,
            "width": panel.width,
            "height": panel.height,
            "corner_radius": panel.corner_radius,
            "sheet_mm": {"min": panel.sheet.min, "max": panel.sheet.max},
            "coating_mm": {"min": panel.coating.min, "max": panel.coating.max},
            "process": panel.process,
            "bent": bent,
        },
        **surface_state(panel),
        "rules_mm": {
            "min_web": rules.min_web,
            "min_web_source": rules.web_source,
            "min_edge": rules.min_edge,
            "min_edge_source": rules.edge_source,
        },
        "outline": _outline(panel),
        "places": places,
        "holes": [
            {
                "entry": h.entry,
                "label": h.label,
                "face": h.face,
                "x": h.x,
                "y": h.y,
                **_view_xy(maps[h.face], h.x, h.y),
                "diameter": h.diameter,
                "contour": moved(maps[h.face], on_face[h.entry]),
            }
            for h in panel.holes
        ],
        "slots": [
            {
                "entry": s.entry,
                "label": s.label,
                "face": s.face,
                "x": s.x,
                "y": s.y,
                **_view_xy(maps[s.face], s.x, s.y),
                "length": s.length,
                "width": s.width,
                "angle": s.angle,
                "contour": moved(maps[s.face], on_face[s.entry]),
            }
            for s in panel.slots
        ],
        "texts": [
            {
                "entry": t.entry,
                "text": t.text,
                "process": t.process,
                "face": t.face,
                "paths": [
                    [list(to_view(maps.get(t.face, IDENTITY), *p)) for p in path]
                    for path in t.paths
                ],
            }
            for t in panel.texts
        ],
        "ok": not result.violations,
        "violations": [violation_view(panel, v) for v in result.violations],
        "fits": {pid: fit_report(fit) for pid, fit in panel.fits.items()},
        "plan_ms": round(plan_ms, 3),
    }


def _view_xy(m: Affine, x: float, y: float) -> dict[str, float]:
    vx, vy = to_view(m, x, y)
    return {"vx": vx, "vy": vy}


def _outline(panel: Panel) -> list[list[float]]:
    """The sheet's outline in the view: a flat panel's, a bent panel's blank."""
    if panel.bends is None:
        return _contour(outline_contour(panel))
    dx, dy = flat_shift(panel.bends.metal)
    return [[x + dx, y + dy, b] for x, y, b in panel.bends.metal.outline()]


def _face_contours(panel: Panel) -> dict[str, list[Vertex]]:
    """Every opening's contour in its face's frame, by entry (a part's fixing holes as
    `place[N].holes[i]`)."""
    if panel.bends is not None:
        return {o.entry: o.contour for o in face_openings(panel)}
    out: dict[str, list[Vertex]] = {}
    for p in panel.places:
        out[p.entry] = cutout_contour(panel, p)
        for i, c in enumerate(part_hole_contours(panel, p)):
            out[f"{p.entry}.holes[{i}]"] = c
    for h in panel.holes:
        out[h.entry] = circle(h.diameter, h.x, h.y)
    for s in panel.slots:
        out[s.entry] = slot_contour(s)
    return out


def _contour(vertices: list[Vertex]) -> list[list[float]]:
    return [[x, y, b] for x, y, b in vertices]


def library(catalog: Catalog) -> list[dict[str, Any]]:
    """Every part of the catalog (the shipped templates and the user's folders, as the
    CLI finds them): id, name, kind, manufacturer, family (the stem of a family file, else
    the kind) and
    where it comes from ("shipped" or the folder)."""
    shipped = template_dirs()[-1].resolve()
    per_file = Counter(part.path for part in catalog.parts.values())
    out = []
    for part in catalog.parts.values():
        folder = part.path.resolve().parent if part.path else None
        out.append(
            {
                "id": part.id,
                "name": part.name,
                "kind": part.kind,
                "manufacturer": part.manufacturer,
                "family": part.path.stem if part.path and per_file[part.path] > 1 else part.kind,
                "source": "shipped" if folder == shipped else str(folder),
            }
        )
    return out
