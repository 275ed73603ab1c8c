"""Reading a user's STEP file (ISO 10303-21) so that nothing in it takes geom down.

OpenCascade's STEP reader dies on some damaged files (a segmentation fault on one
changed character), which no Python `except` catches. So a file is read in three steps:

1. a syntax check here, in Python (`check_syntax`): the header, one DATA section with at
   least one entity, every entity `#n = NAME(...);` or `#n = (...);` with its brackets
   and quotes closed, the end marker; a file that fails it is bad input naming the line
   (`<file>:line <n>: '<its text>' is <problem>`);
2. OpenCascade's reader in a child process (forked when no other Python thread runs,
   as in the CLI; else a new interpreter, which imports OCP again), which sends the
   shape back as OpenCascade's binary BRep (BinTools): a crash there is the child's, and
   is bad input naming the signal; a child still reading after READ_LIMIT_S (the
   reader loops forever on some damaged files) is stopped, and the file is bad input;
3. the shape's solids; with none, the closed shells read as the solid they bound (the
   largest the outside, any shell inside it a cavity) with a note saying so; an open
   shell, or faces in no shell, is bad input.

A UTF-8 byte-order mark before the header is skipped. Only OCP is imported (lazily).
"""

from __future__ import annotations

import faulthandler
import io
import multiprocessing
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geom.errors import InputError

BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte-order mark some editors put before the header."""
ALLOWED = "a STEP file (ISO 10303-21) holding one solid, the enclosure"
READ_LIMIT_S = 120.0
"""How long OpenCascade's reader may take on one file, seconds: an enclosure of a few MB
reads in seconds; a reader still busy after this is looping on a damaged file."""

_STRING = re.compile(r"'(?:[^']|'')*'", re.DOTALL)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_DATA = re.compile(r"\bDATA\s*(?:\([^;]*\))?\s*;")
_ENDSEC = re.compile(r"\bENDSEC\s*;")
_END = re.compile(r"\bEND-ISO-10303-21\s*;")
_ENTITY = re.compile(r"#\d+\s*=\s*(?:!?[A-Za-z_][A-Za-z0-9_]*\s*)?\(")
_GROUP = re.compile(r"\([^()]*\)")
_FLAT = re.compile(r"(?:\s*#\d+\s*=\s*(?:!?[A-Za-z_][A-Za-z0-9_]*\s*)?@\s*;)*\s*")
"""A DATA section whose bracketed groups are `@` (`_flatten`): entities only."""


@dataclass(frozen=True)
class StepSolid:
    """The one solid a STEP file holds (an OCP TopoDS_Solid) and what reading it noted."""

    solid: Any
    notes: tuple[str, ...]


def read_solid(path: Path, where: str, field: str) -> StepSolid:
    """The one solid of the STEP file `path`; anything else raises InputError at
    `where`:`field`, or at the file's line (see the module's docstring)."""
    if not path.is_file():
        raise InputError(where, field, str(path), "not an existing file", ALLOWED)
    data = path.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM) :]

    def bad(problem: str) -> InputError:
        return InputError(where, field, str(path), problem, ALLOWED)

    found = check_syntax(data)
    if isinstance(found, SyntaxProblem):
        raise InputError(str(path), f"line {found.line}", found.text, found.problem, ENTITY)
    if found is not None:
        raise bad(found)
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


@dataclass(frozen=True)
class SyntaxProblem:
    """What is wrong at one line of a STEP file: the line (from 1), its text as written
    (up to SHOWN characters), the problem."""

    line: int
    text: str
    problem: str


SHOWN = 40
"""How much of a bad entity the message shows (characters)."""
ENTITY = "entities `#n = NAME(...);` with their brackets and quotes closed (ISO 10303-21)"


def check_syntax(data: bytes) -> SyntaxProblem | str | None:
    """What is wrong with the STEP text `data` (no byte-order mark): at one line, or of
    the whole file (a sentence); None when the reader may be given it."""
    text = data.decode("latin-1")
    if not text.lstrip().startswith("ISO-10303-21"):
        return "not a STEP file (no ISO-10303-21 header)"

    def blank(match: re.Match[str]) -> str:  # the same length, line breaks kept
        inside = match.group(0)[1:]
        return "$" + (re.sub(r"[^\n]", " ", inside) if "\n" in inside else " " * len(inside))

    def at(offset: int, problem: str) -> SyntaxProblem:
        line = text[offset:].split("\n", 1)[0].strip()[:SHOWN]
        return SyntaxProblem(text.count("\n", 0, offset) + 1, line, problem)

    plain = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), _STRING.sub(blank, text))
    if "'" in plain:
        return at(plain.index("'"), "a string left open (no closing quote)")
    data_at = _DATA.search(plain)
    if data_at is None:
        return "a STEP file with no DATA section"
    end = _ENDSEC.search(plain, data_at.end())
    if end is None or _END.search(plain, end.end()) is None:
        return "a STEP file cut short (no ENDSEC; and END-ISO-10303-21; after its DATA)"
    body = plain[data_at.end() : end.start()]
    if not body.strip():
        return "a STEP file that holds no shape (its DATA section is empty)"
    if _FLAT.fullmatch(_flatten(body)):
        return None
    *entities, rest = body.split(";")
    if rest.strip():
        return at(end.start() - len(rest.lstrip()), "an entity left open (no closing ;)")
    offset, count = data_at.end(), 0
    for entity in entities:
        stripped = entity.strip()
        start = offset + len(entity) - len(entity.lstrip())
        offset += len(entity) + 1
        if not stripped:
            continue
        count += 1
        if not (
            _ENTITY.match(stripped)
            and stripped.endswith(")")
            and _balanced(stripped[stripped.index("(") :])
        ):
            return at(start, "not a STEP entity")
    if count == 0:
        return "a STEP file that holds no shape (its DATA section is empty)"
    return None


def _flatten(text: str) -> str:
    """`text` with every bracketed group, innermost first, replaced by `@`."""
    count = 1
    while count:
        text, count = _GROUP.subn("@", text)
    return text


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


# --- 2. the reader, in a child --------------------------------------------------------------


def _read_in_child(data: bytes) -> tuple[str, Any]:
    """("ok", BRep bytes), ("unreadable", why) or ("crashed", the signal or exit code)."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return _forked(data)
    return _fresh(data)


def _forked(data: bytes) -> tuple[str, Any]:
    """The reader in a forked copy of this process: fast (OCP is loaded already), and
    safe while no other Python thread runs (native worker pools, NumPy's OpenBLAS and
    OpenCascade's own, sit idle while this thread reads)."""
    context: Any = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(data, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(READ_LIMIT_S):
            child.kill()
            child.join()
            return "unreadable", _too_long()
        outcome: tuple[str, Any] | None = receive.recv()
    except EOFError:
        outcome = None
    finally:
        receive.close()
    child.join()
    if outcome is None or child.exitcode != 0:
        return "crashed", _died(child.exitcode)
    return outcome


def _fresh(data: bytes) -> tuple[str, Any]:
    """The reader in a new interpreter running this module (the file on its stdin, the
    outcome pickled on its stdout): when other threads run, or no fork exists. Slower:
    it imports OCP."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", __name__],
            input=data,
            capture_output=True,
            env=env,
            check=False,
            timeout=READ_LIMIT_S,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return "unreadable", _too_long()
    if done.returncode != 0:
        return "crashed", _died(done.returncode)
    outcome: tuple[str, Any] = pickle.loads(done.stdout)  # our own child's answer
    return outcome


def _too_long() -> str:
    return f"it was still reading after {READ_LIMIT_S:g} s"


def _died(code: int | None) -> str:
    return signal.Signals(-code).name if code is not None and code < 0 else f"exit {code}"


def _child(data: bytes, send: Any) -> None:
    """Read `data` with OpenCascade's STEP reader and send the outcome (the child's
    stdout and stderr go nowhere: the reader prints its complaints there)."""
    _quiet()
    send.send(_outcome(data))
    send.close()


def _quiet() -> None:
    """Nothing from the child reaches the user: the reader's complaints, and no
    fault-handler dump when it crashes (pytest and PYTHONFAULTHANDLER enable one)."""
    faulthandler.disable()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)


def _outcome(data: bytes) -> tuple[str, Any]:
    try:
        return _read(data)
    except Exception as exc:  # the reader's own exceptions: the file is not read
        return "unreadable", f"{type(exc).__name__} in the reader"


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
        f"(the largest the outside, {n - 1} cavit{'y' if n == 2 else 'ies'})"
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


def _main() -> None:
    """`python -m geom.cad.step_read`: a STEP file's bytes on stdin, the outcome pickled
    on stdout (`_fresh`)."""
    data = sys.stdin.buffer.read()
    answer = os.dup(1)
    _quiet()
    with os.fdopen(answer, "wb") as out:
        out.write(pickle.dumps(_outcome(data)))


if __name__ == "__main__":
    _main()
