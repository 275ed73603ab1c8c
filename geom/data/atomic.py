"""Atomic file output: write a temporary file beside the target, then rename it.

A run killed mid-way leaves no partial file under the final name, and two runs writing
the same file leave one whole file, never a mix.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from geom.errors import OutputError


def prepare_dir(directory: Path) -> Path:
    """Create the output directory if needed; refuse a file or an unwritable directory."""
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{directory}: is not a directory; allowed an output directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot be created ({exc.strerror})") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OutputError(f"{directory}: is not writable; allowed a writable directory")
    return directory


def write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (same directory temporary file, fsync, rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))
