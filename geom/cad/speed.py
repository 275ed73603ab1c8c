"""Switch off OpenCascade's SplitCommonVertex pre-processing on a STEP writer.

OpenCascade 7.9's STEPControl_Writer and STEPCAFControl_Writer run, unless told
otherwise, the shape-processing operators SplitCommonVertex and DirectFaces on every
shape before the transfer. SplitCommonVertex compares every pair of wires of every face
(O(w^2) per face with w wires): a plate with 1000 openings spends 4.5 s of a 6 s
transfer there, for nothing (its openings never share a vertex). Measured in
benchmarks/bench_panel.py.

The writers' `SetShapeProcessFlags(std::bitset<18>)` is the switch, but the Python
binding (OCP 7.9.3) has no converter for std::bitset, so the call cannot be made from
Python directly. This module calls the exported C++ method through ctypes with the
writer's C++ object address. That address comes from pybind11's instance layout (the
value pointer right after the Python object header); the layout is verified first on a
gp_Pnt of known coordinates, and the symbol must exist, else nothing is done and the
writer keeps its defaults (correct, only slower). DirectFaces stays on.

The flags end up in the STEP controller's write actor, which OpenCascade shares across
the process: once set, later writers in the same process skip SplitCommonVertex too
(measured: a default writer after a skipping one is as fast). geom's writers all set it.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
from typing import Any

DIRECT_FACES = 1 << 0
"""ShapeProcess::Operation::DirectFaces (bit 0 of ShapeProcess::OperationsFlags)."""

_SYMBOLS = {
    "STEPControl_Writer": "_ZN18STEPControl_Writer20SetShapeProcessFlagsERKSt6bitsetILm18EE",
    "STEPCAFControl_Writer": "_ZN21STEPCAFControl_Writer20SetShapeProcessFlagsERKSt6bitsetILm18EE",
}


def skip_split_common_vertex(writer: Any) -> bool:
    """Set `writer`'s shape-processing flags to DirectFaces only. True when done; False
    when this OCP build does not allow it (the writer then keeps its slow defaults)."""
    function = _setter(type(writer).__name__)
    if function is None or not _layout_ok():
        return False
    flags = ctypes.c_uint64(DIRECT_FACES)  # std::bitset<18> is one unsigned long
    function(_address(writer), ctypes.addressof(flags))
    return True


def _address(obj: Any) -> int:
    """The C++ object behind a pybind11 instance (simple layout: the first word after
    the PyObject header holds the value pointer)."""
    value = ctypes.c_void_p.from_address(id(obj) + object.__basicsize__).value
    return int(value or 0)


@functools.cache
def _layout_ok() -> bool:
    from OCP.gp import gp_Pnt

    probe = gp_Pnt(1.25, -2.5, 3.75)
    address = _address(probe)
    if not address:
        return False
    coords = ctypes.cast(address, ctypes.POINTER(ctypes.c_double * 3)).contents
    return list(coords) == [1.25, -2.5, 3.75]


@functools.cache
def _setter(class_name: str) -> Any:
    symbol = _SYMBOLS.get(class_name)
    if symbol is None:
        return None
    import OCP

    libs = os.path.join(os.path.dirname(os.path.dirname(OCP.__file__)), "cadquery_ocp.libs")
    for candidate in sorted(glob.glob(os.path.join(libs, "libTKDESTEP*.so*"))):
        try:
            function = getattr(ctypes.CDLL(candidate), symbol)
        except (OSError, AttributeError):
            continue
        function.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        function.restype = None
        return function
    return None
