"""Reading a user's STEP file (ISO 10303-21) so that nothing in it takes geom down.

OpenCascade's STEP reader dies on some damaged files (a segmentation fault on one
changed character), which no Python `except` catches. So a file is read in three steps:

1. a syntax check here, in Python (`check_syntax`): the header, one DATA section with at
   least one entity, every entity `#n = NAME(...);` or `#n = (...);` with its brackets
   and quotes closed, the end marker; a file that fails it is bad input naming the line;
2. OpenCascade's reader in a child process (`fork` when this process runs one thread,
   else `spawn`), which sends the shape back as OpenCascade's binary BRep (BinTools):
   a crash there is the child's, and is bad input naming the signal;
3. the shape's solids; with none, the closed shells read as the solid they bound (the
   largest the outside, any shell inside it a cavity) with a note saying so; an open
   shell, or faces in no shell, is bad input.

A UTF-8 byte-order mark before the header is skipped. Only OCP is imported (lazily).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.errors import InputError

BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte-order mark some editors put before the header."""
ALLOWED = "a STEP file (ISO 10303-21) holding one solid, the enclosure"

_STRING = re.compile(r"'(?:[^']|'')*'", re.DOTALL)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_DATA = re.compile(r"\bDATA\s*(?:\([^;]*\))?\s*;")
_ENDSEC = re.compile(r"\bENDSEC\s*;")
_END = re.compile(r"\bEND-ISO-10303-21\s*;")
_ENTITY = re.compile(r"#\d+\s*=\s*(?:!?[A-Za-z_][A-Za-z0-9_]*\s*)?\(")


@dataclass(frozen=True)
class StepSolid:
    """The one solid a STEP file holds (an OCP TopoDS_Solid) and what reading it noted."""

    solid: Any
    notes: tuple[str, ...]


def read_solid(path: Path, where: str, field: str) -> StepSolid:
    """The one solid of the STEP file `path`; anything else raises InputError at
    `where`:`field` (see the module's docstring)."""
    if not path.is_file():
        raise InputError(where, field, str(path), "not an existing file", ALLOWED)
    data = path.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM) :]

    def bad(problem: str) -> InputError:
        return InputError(where, field, str(path), problem, ALLOWED)

    problem = check_syntax(data)
    if problem is not None:
        raise bad(problem)
    outcome, detail = _read_in_child(data)
    if outcome == "crashed":
        raise bad(f"a STEP file OpenCascade's reader cannot read (it crashed: {detail})")
    if outcome == "unreadable":
        raise bad(f"a STEP file OpenCascade's reader cannot read ({detail})")
    from OCP.BinTools import BinTools
    from OCP.TopoDS import TopoDS_Shape

    shape = TopoDS_Shape()
    BinTools.Read_s(shape, io.BytesIO(detail))
    if shape.IsNull() or not _children(shape, "FACE"):
        raise bad("a STEP file that holds no shape")
    solid, note = _one_solid(shape, bad)
    return StepSolid(solid, (f"{path.name}: {note}",) if note else ())


# --- 1. syntax ----------------------------------------------------------------------------


def check_syntax(data: bytes) -> str | None:
    """What is wrong with the STEP text `data` (no byte-order mark), where; None when
    the reader may be given it."""
    text = data.decode("latin-1")
    if not text.lstrip().startswith("ISO-10303-21"):
        return "not a STEP file (no ISO-10303-21 header)"

    def blank(match: re.Match[str]) -> str:  # a string as `$`, its line breaks kept
        return "$" + "\n" * match.group(0).count("\n")

    plain = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), _STRING.sub(blank, text))
    if "'" in plain:
        return f"a STEP file with a string left open at line {_line(plain, plain.index(chr(39)))}"
    data_at = _DATA.search(plain)
    if data_at is None:
        return "a STEP file with no DATA section"
    end = _ENDSEC.search(plain, data_at.end())
    if end is None or _END.search(plain, end.end()) is None:
        return "a STEP file cut short (no ENDSEC; and END-ISO-10303-21; after its DATA)"
    body = plain[data_at.end() : end.start()]
    *entities, rest = body.split(";")
    at = data_at.end()
    if rest.strip():
        start = end.start() - len(rest.lstrip())
        return f"a STEP file with an entity left open at line {_line(plain, start)}"
    count = 0
    for entity in entities:
        stripped = entity.strip()
        start = at + len(entity) - len(entity.lstrip())
        at += len(entity) + 1
        if not stripped:
            continue
        count += 1
        if not (
            _ENTITY.match(stripped)
            and stripped.endswith(")")
            and _balanced(stripped[stripped.index("(") :])
        ):
            shown = " ".join(stripped.split())[:40]
            return f"a STEP file with a syntax error at line {_line(plain, start)} ({shown!r})"
    if count == 0:
        return "a STEP file that holds no shape (its DATA section is empty)"
    return None


def _balanced(text: str) -> bool:
    """The brackets of `text` (strings blanked) close in order, and only at its end."""
    depth = 0
    for i, part in enumerate(re.split(r"([()])", text)):
        if part == "(":
            depth += 1
        elif part == ")":
            depth -= 1
            if depth < 0:
                return False
        elif depth == 0 and part.strip() and i:
            return False  # anything after the outer bracket closed
    return depth == 0


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- 2. the reader, in a child --------------------------------------------------------------


def _read_in_child(data: bytes) -> tuple[str, Any]:
    """("ok", BRep bytes), ("unreadable", why) or ("crashed", the signal or exit code)."""
    single = threading.active_count() == 1 and _threads() == 1
    context: Any = multiprocessing.get_context("fork" if single else "spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(data, send), daemon=True)
    child.start()
    send.close()
    try:
        outcome: tuple[str, Any] | None = receive.recv()
    except EOFError:
        outcome = None
    finally:
        receive.close()
    child.join()
    code = child.exitcode
    if outcome is None or code != 0:
        died = signal.Signals(-code).name if code is not None and code < 0 else f"exit {code}"
        return "crashed", died
    return outcome


def _threads() -> int:
    """This process's threads as the OS counts them (OpenCascade's own included); 2 when
    that cannot be told (then the child is spawned, never forked)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 2


def _child(data: bytes, send: Any) -> None:
    """Read `data` with OpenCascade's STEP reader and send the outcome (the child's
    stdout and stderr go nowhere: the reader prints its complaints there)."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    try:
        send.send(_read(data))
    except Exception as exc:  # the reader's own exceptions: the file is not read
        send.send(("unreadable", f"{type(exc).__name__} in the reader"))
    send.close()


def _read(data: bytes) -> tuple[str, Any]:
    from OCP.BinTools import BinTools
    from OCP.IFSelect import IFSelect_RetDone
    from OCP.STEPControl import STEPControl_Reader

    reader = STEPControl_Reader()
    status = reader.ReadStream("enclosure.step", io.BytesIO(data))
    if status != IFSelect_RetDone:
        return "unreadable", f"its status: {status.name}"
    reader.TransferRoots()
    shape = reader.OneShape()
    stream = io.BytesIO()
    BinTools.Write_s(shape, stream)
    return "ok", stream.getvalue()


# --- 3. one solid ---------------------------------------------------------------------------


def _one_solid(shape: Any, bad: Any) -> tuple[Any, str | None]:
    """The one solid of `shape`, or the one its closed shells bound, and the note that
    says so (None for a solid as it was)."""
    from OCP.BRep import BRep_Tool
    from OCP.ShapeFix import ShapeFix_Solid
    from OCP.TopoDS import TopoDS

    solids = _children(shape, "SOLID")
    if solids:
        if len(solids) != 1:
            raise bad(f"a STEP file with {len(solids)} solids")
        return solids[0], None
    shells = _children(shape, "SHELL")
    faces = len(_children(shape, "FACE"))
    if not shells or sum(len(_children(s, "FACE")) for s in shells) != faces:
        raise bad(f"a STEP file with no solid and {faces} faces in no closed shell")
    open_ = [s for s in shells if not BRep_Tool.IsClosed_s(s)]
    if open_:
        raise bad(
            f"a STEP file with no solid and {len(open_)} open shell"
            f"{'s' if len(open_) > 1 else ''} (free edges: it bounds no volume)"
        )
    made = [ShapeFix_Solid().SolidFromShell(TopoDS.Shell_s(s)) for s in shells]
    made.sort(key=_volume, reverse=True)
    outer, *rest = made
    cavities = [s for s in rest if _inside(s, outer)]
    if len(cavities) != len(rest):
        raise bad(f"a STEP file with no solid and {len(rest) - len(cavities) + 1} closed shells")
    solid = outer
    if cavities:
        solid = _cut(outer, cavities)
        if solid is None:
            raise bad("a STEP file whose closed shells bound no one valid solid")
    n = len(shells)
    note = (
        "holds no solid: its closed shell is read as the solid it bounds"
        if n == 1
        else f"holds no solid: its {n} closed shells are read as the solid they bound "
        f"({n - 1} of them cavities)"
    )
    return solid, note


def _children(shape: Any, kind: str) -> list[Any]:
    """The distinct sub-shapes of `kind` ("SOLID", "SHELL", "FACE") of `shape`."""
    from OCP import TopAbs
    from OCP.TopExp import TopExp
    from OCP.TopTools import TopTools_IndexedMapOfShape

    found = TopTools_IndexedMapOfShape()
    TopExp.MapShapes_s(shape, getattr(TopAbs, f"TopAbs_{kind}"), found)
    return [found.FindKey(i) for i in range(1, found.Extent() + 1)]


def _volume(solid: Any) -> float:
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.VolumeProperties_s(solid, props)
    return float(props.Mass())


def _inside(inner: Any, outer: Any) -> bool:
    """A vertex of `inner` lies inside `outer` (OpenCascade's solid classifier)."""
    from OCP.BRep import BRep_Tool
    from OCP.BRepClass3d import BRepClass3d_SolidClassifier
    from OCP.TopAbs import TopAbs_IN
    from OCP.TopoDS import TopoDS

    vertex = TopoDS.Vertex_s(_children(inner, "VERTEX")[0])
    classifier = BRepClass3d_SolidClassifier(outer, BRep_Tool.Pnt_s(vertex), 1e-7)
    return bool(classifier.State() == TopAbs_IN)


def _cut(outer: Any, cavities: list[Any]) -> Any:
    """`outer` less `cavities` (one boolean), when that is one valid solid; else None."""
    from OCP.BOPAlgo import BOPAlgo_BOP, BOPAlgo_Operation
    from OCP.BRepCheck import BRepCheck_Analyzer

    op = BOPAlgo_BOP()
    op.AddArgument(outer)
    for cavity in cavities:
        op.AddTool(cavity)
    op.SetOperation(BOPAlgo_Operation.BOPAlgo_CUT)
    op.Perform()
    if op.HasErrors():
        return None
    solids = _children(op.Shape(), "SOLID")
    if len(solids) != 1 or not BRepCheck_Analyzer(solids[0]).IsValid():
        return None
    return solids[0]
