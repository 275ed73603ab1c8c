"""Switch off OpenCascade's SplitCommonVertex pre-processing on one of geom's STEP writers.

OpenCascade 7.9's STEPControl_Writer and STEPCAFControl_Writer run, unless told
otherwise, the shape-processing operators SplitCommonVertex and DirectFaces on every
shape before the transfer. SplitCommonVertex compares every pair of wires of every face
(O(w^2) per face with w wires): a plate with 1000 openings spends 4.5 s of a 6 s
transfer there, for nothing (its openings never share a vertex). Measured in
benchmarks/bench_panel.py.

The writers' `SetShapeProcessFlags(std::bitset<18>)` is the switch, but the Python
binding (cadquery-ocp 7.9.3.1.1, and 8.0.1.1.0 too) has no converter for std::bitset, so
neither it nor `GetShapeProcessFlags` can be called from Python. This module calls the
exported C++ methods through ctypes, in the OpenCascade library the process has already
loaded (found in /proc/self/maps, opened with RTLD_NOLOAD: never a second copy), with
the writer's C++ address taken from pybind11's instance layout (the value pointer right
after the Python object header). Before anything is written through that address it is
checked on the writer itself: its first word must be the work session that the
Python-side `WS()` returns, and a distinctive flag pattern set through the exported
setter must come back through the exported getter, from inside the write actor that the
Python-side `WS().NormAdaptor().ActorWrite()` returns. When any check fails, or the
library or a symbol is missing, nothing is done and the writer keeps OpenCascade's
defaults (the same file, only slower). DirectFaces stays on.

The flags live in the write actor of the session's STEP controller. OpenCascade shares
one controller (and so one actor) across the process, so geom gives each of its writers
a controller of its own first (geom.cad.step.own_controller): the switch never reaches a
user's writers.
"""

from __future__ import annotations

import ctypes
import functools
import os
from typing import Any

DIRECT_FACES = 1 << 0
"""ShapeProcess::Operation::DirectFaces (bit 0 of ShapeProcess::OperationsFlags)."""
SPLIT_COMMON_VERTEX = 1 << 17
"""ShapeProcess::Operation::SplitCommonVertex (bit 17, the last)."""
DEFAULT_FLAGS = SPLIT_COMMON_VERTEX | DIRECT_FACES
"""What OpenCascade's STEP writers run when nobody set the flags."""
_PROBE = 0b10_1100_1010_0101_0011
"""A distinctive 18-bit pattern, written and read back before the real flags."""
_ACTOR_BYTES = 4096
"""The flags must lie this close behind the actor's address (the actor is far smaller)."""

_LIBRARY = "libTKDESTEP"
_SYMBOLS = {
    "STEPControl_Writer": (
        "_ZN18STEPControl_Writer20SetShapeProcessFlagsERKSt6bitsetILm18EE",
        "_ZNK18STEPControl_Writer20GetShapeProcessFlagsEv",
    ),
    "STEPCAFControl_Writer": (
        "_ZN21STEPCAFControl_Writer20SetShapeProcessFlagsERKSt6bitsetILm18EE",
        "_ZNK21STEPCAFControl_Writer20GetShapeProcessFlagsEv",
    ),
}


class _Flags(ctypes.Structure):
    """std::pair<std::bitset<18>, bool> (XSAlgo_ShapeProcessor::ProcessingFlags): the
    operations and whether anyone set them."""

    _fields_ = [("bits", ctypes.c_uint64), ("set", ctypes.c_bool)]


def skip_split_common_vertex(writer: Any) -> bool:
    """Set `writer`'s shape-processing flags to DirectFaces only. True when done; False
    when this build or writer does not allow it safely (the writer then keeps the slow
    defaults). The writer's session should have a controller of its own
    (geom.cad.step.own_controller): the flags are its actor's."""
    functions = _functions(type(writer).__name__)
    if functions is None:
        return False
    setter, getter = functions
    address = _verified_address(writer, getter)
    if address is None:
        return False
    for bits in (_PROBE, DIRECT_FACES):
        setter(address, ctypes.byref(ctypes.c_uint64(bits)))
        flags = _Flags.from_address(getter(address))
        if (flags.bits, flags.set) != (bits, True):
            raise RuntimeError("OpenCascade's STEP writer did not keep its shape-process flags")
    return True


def shape_process_flags(writer: Any) -> tuple[int, bool] | None:
    """(operations bit mask, set) of the write actor `writer` would use, read through the
    writer's own exported getter; None when that cannot be done safely. A writer made
    with OpenCascade's defaults reports the actor shared across the process."""
    functions = _functions(type(writer).__name__)
    if functions is None:
        return None
    address = _verified_address(writer, functions[1])
    if address is None:
        return None
    flags = _Flags.from_address(functions[1](address))
    return int(flags.bits), bool(flags.set)


def _verified_address(writer: Any, getter: Any) -> int | None:
    """The C++ address of `writer` when the checks on the writer itself pass, else None.

    Reading the first word at the address is safe whatever pybind11's layout: the word
    after the object header is a valid pointer in its simple and its non-simple layout."""
    address = _address(writer)
    python_side = writer.WS() if hasattr(writer, "WS") else writer.ChangeWriter().WS()
    session = _address(python_side)
    if not address or not session:
        return None
    # Both writers start with their session handle (STEPCAFControl_Writer through its
    # STEPControl_Writer member): the first word must be the session Python sees.
    if ctypes.c_void_p.from_address(address).value != session:
        return None
    actor = _address(python_side.NormAdaptor().ActorWrite())
    flags = getter(address)
    if not actor or not flags or not actor < flags < actor + _ACTOR_BYTES:
        return None
    return address


def _address(obj: Any) -> int:
    """The C++ object behind a pybind11 instance (simple layout: the first word after
    the PyObject header holds the value pointer)."""
    value = ctypes.c_void_p.from_address(id(obj) + object.__basicsize__).value
    return int(value or 0)


@functools.cache
def _functions(class_name: str) -> tuple[Any, Any] | None:
    """The exported (setter, getter) of `class_name`'s shape-process flags, from the
    OpenCascade library already loaded in this process; None when not available."""
    symbols = _SYMBOLS.get(class_name)
    path = _loaded_library()
    if symbols is None or path is None:
        return None
    try:
        library = ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
        setter, getter = (getattr(library, symbol) for symbol in symbols)
    except (OSError, AttributeError):
        return None
    setter.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    setter.restype = None
    getter.argtypes = [ctypes.c_void_p]
    getter.restype = ctypes.c_void_p
    return setter, getter


def _loaded_library() -> str | None:
    """The path of the one OpenCascade STEP library mapped into this process (the one
    OCP's STEPControl module uses), or None when there is not exactly one."""
    import OCP.STEPControl  # noqa: F401  (maps the library)

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = {line.split(None, 5)[5].strip() for line in maps if _LIBRARY in line}
    except (OSError, IndexError):
        return None
    found = [p for p in paths if os.path.basename(p).startswith(_LIBRARY)]
    return found[0] if len(found) == 1 else None
