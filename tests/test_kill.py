"""A `geom panel` run killed (SIGKILL: no clean-up runs) over a folder holding another
panel's set of the same names: the folder holds the previous set whole, or (once the
next run has completed the committed set, as it does first) the new set whole; the next
run leaves no staging folder or temporary file. The kills land at exact moments through
the GEOM_TEST_KILL_AT hook (geom.data.atomic.checkpoint), not at a time: after the k-th
file staged, after the set's journal is written, after the k-th file moved in. The runs
are real processes; all but the killed run at `REAL` are forked from a pre-imported
interpreter (tests/forked.py), which saves the start-up and imports of each."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

from test_output_sets import _one_set, _panel, _start

from geom.output import recover

MOMENTS = [
    "write:1",  # the DXF staged
    "write:3",  # ... the plate and assembly STEP
    "write:5",  # ... the Tayda text and the BOM
    "write:7",  # ... the first drawing files
    "write:11",  # every file (the drawing's four and the template too) and the report staged
    "commit:1",  # the journal written: the set is committed, nothing moved yet
    "rename:1",
    "rename:4",
    "rename:8",
    "rename:11",  # every file moved, the staging folder not yet removed
]
REAL = "commit:1"
"""The moment whose killed run is `python -m geom` started from nothing."""


def test_a_killed_run_leaves_one_whole_set(tmp_path: Path) -> None:
    old, new = _panel(tmp_path / "a", 2), _panel(tmp_path / "b", 5)
    out = tmp_path / "out"
    assert _start(old, out).wait() == 0
    for moment in MOMENTS:  # the folder holds the 2-hole set before each kill
        assert _one_set(out) == 2
        killed = _start(new, out, kill_at=moment, real=moment == REAL)
        assert killed.wait() == -signal.SIGKILL, (moment, killed.stderr)
        committed = not moment.startswith("write")
        if not committed:  # the previous set untouched; its staging folder beside it
            assert _one_set(out, staged=1) == 2, moment
        # What the next run finds, once it has cleared or completed what the kill left.
        seen = tmp_path / f"seen-{moment.replace(':', '-')}"
        shutil.copytree(out, seen, symlinks=True)
        recover(seen)
        assert _one_set(seen) == (5 if committed else 2), moment
        # The next run: its own complete set, nothing left behind (checked above).
        assert _start(old, out).wait() == 0, moment
    assert _one_set(out) == 2
