"""Atomic file output: write a temporary file beside the target, then rename it.

A run killed mid-way leaves no partial file under the final name, and two runs writing
the same file leave one whole file, never a mix.

Test hook: `checkpoint` (below) kills the process at an exact moment, set by
``$GEOM_TEST_KILL_AT`` (tests/test_kill.py, tests/test_output_sets.py). Unset, it costs
one environment look-up per file. A whole run's files move in as one set:
geom.output.transaction.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections import Counter
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
    checkpoint("write")
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


KILL_AT = "GEOM_TEST_KILL_AT"
"""Test hook: `<event>:<k>` makes the process kill itself (SIGKILL) right after the k-th
`event` ("write": a file landed under its name; "commit": a set's journal is written;
"rename": a staged file moved in), so tests stop a run at exact moments, not by time."""
_events: Counter[str] = Counter()


def checkpoint(event: str) -> None:
    """Count `event`; SIGKILL this process when `KILL_AT` names this occurrence."""
    wanted = os.environ.get(KILL_AT)
    if not wanted:
        return
    _events[event] += 1
    if wanted == f"{event}:{_events[event]}":
        os.kill(os.getpid(), signal.SIGKILL)
