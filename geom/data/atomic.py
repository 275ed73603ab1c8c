"""Atomic file output: write a temporary file beside the target, then rename it.

A run killed mid-way leaves no partial file under the final name, and two runs writing
the same file leave one whole file, never a mix.

Test hook: with ``$GEOM_TEST_KILL_AFTER_REPLACE=k`` set, the process kills itself (SIGKILL,
no clean-up) right after its k-th file is put in place, so a test crashes a run at a
deterministic point rather than at a moment on a clock (tests/test_kill.py). Unset, it
costs one environment look-up per file. Any other writer that puts files in place calls
`kill_point` after each, so the same k counts its files too.
"""

from __future__ import annotations

import os
import signal
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
    kill_point()
    return path


KILL_AFTER_REPLACE_ENV = "GEOM_TEST_KILL_AFTER_REPLACE"
_replaced = [0]  # files put in place by this process; counted only when the hook is set


def kill_point() -> None:
    """The test hook (see the module doc): SIGKILL this process after its k-th call."""
    limit = os.environ.get(KILL_AFTER_REPLACE_ENV)
    if not limit:
        return
    _replaced[0] += 1
    if _replaced[0] == int(limit):
        os.kill(os.getpid(), signal.SIGKILL)


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))
