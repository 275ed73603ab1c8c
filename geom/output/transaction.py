"""Output sets as transactions: a run's files appear in the output folder all together.

A run takes a lock on the output folder (`flock` on the folder itself: the kernel drops
it when the process dies, even by SIGKILL), clears what a killed run left behind, and
writes every file into a staging folder inside the output folder,
`.geom-staging-<pid>-<random>`. At the end it writes a journal into the staging folder
(the files to move in and the stale files to remove) and only then moves each file to
its final name. A run killed before the journal is written leaves the previous set
untouched (its staging folder is removed by the next run); one killed after it is
completed by the next run (roll forward). Each report lists the files of its set with
their SHA-256, so a reader can tell a set from a mix.

A second run into a folder another run holds waits for it (one `geom: note:` line on
stderr names the run it waits for) and then writes its own set: the folder holds one
run's complete set at the end, never a mix.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from geom.data.atomic import checkpoint, prepare_dir, write_text
from geom.model.report import dumps, stamped

STAGING = ".geom-staging-"
JOURNAL = ".geom-commit.json"
"""In a staging folder: the set is complete and moves in (written last, atomically)."""


@dataclasses.dataclass
class _Report:
    name: str
    document: dict[str, Any]
    covers: tuple[str, ...]


class OutputSet:
    """The files one run writes into `out` (the final folder), staged in `dir`.

    Writers write into `dir`; `claim` names every file the run owns (written or
    withheld: a claimed file not written this time is a stale one of an earlier run and
    is removed); `report` registers a report, written last with the files it covers."""

    def __init__(self, out: Path, staging: Path) -> None:
        self.out = out
        self.dir = staging
        self._claims: dict[str, None] = {}
        self._reports: list[_Report] = []
        self.removed: list[str] = []
        """The stale files of earlier runs removed at the commit (names)."""

    @classmethod
    def direct(cls, folder: Path) -> OutputSet:
        """A set written straight into `folder`: for a worker writing into a staging
        folder that a parent run holds (the catalog)."""
        return cls(folder, folder)

    def path(self, name: str) -> Path:
        """Where a writer writes the file `name` (in the staging folder)."""
        self.claim(name)
        return self.dir / name

    def claim(self, *names: str) -> None:
        for name in names:
            self._claims[name] = None

    def staged(self, path: Path) -> Path:
        """The staged file of a final `path` (what a later writer of the run reads)."""
        return self.dir / path.name

    def final(self, path: Path) -> Path:
        """The final path of a staged file."""
        return self.out / path.name

    def final_of(self, path: Path | None) -> Path | None:
        """`final` of a file that may not have been written (None)."""
        return None if path is None else self.final(path)

    def report(self, name: str, document: dict[str, Any], covers: Iterable[str]) -> Path:
        """Register the report `name`: written at the end, with the schema first, its
        `files.removed_stale` (the files of `covers` not written this time that an
        earlier run left) and `outputs` (name and SHA-256 of each written file of
        `covers`). Returns its final path."""
        covered = tuple(covers)
        self.claim(name, *covered)
        self._reports.append(_Report(name, document, covered))
        return self.out / name

    def relist(self, name: str, covers: Iterable[str]) -> None:
        """Rewrite the staged report `name` (written by a worker into a set this run
        holds) with `outputs` listing the staged files of `covers`."""
        path = self.dir / name
        document = json.loads(path.read_text(encoding="utf-8"))
        written = sorted({n for n in covers if n != name and self._written(n)})
        document["outputs"] = [{"file": n, "sha256": sha256(self.dir / n)} for n in written]
        write_text(path, dumps(document))

    @property
    def report_names(self) -> set[str]:
        return {r.name for r in self._reports}

    def stale(self, names: Iterable[str]) -> list[str]:
        """The files of `names` not staged this time that lie in the final folder."""
        return [n for n in names if not self._written(n) and (self.out / n).is_file()]

    def _written(self, name: str) -> bool:
        return (self.dir / name).is_file()

    def finish(self) -> list[str]:
        """Write the registered reports; returns the stale files to remove (names)."""
        for r in self._reports:
            written = [n for n in r.covers if n != r.name and self._written(n)]
            document = stamped(r.document)
            files = document.get("files")
            if isinstance(files, dict) and self.dir != self.out:
                files["removed_stale"] = self.stale(n for n in r.covers if n != r.name)
            document["outputs"] = [
                {"file": n, "sha256": sha256(self.dir / n)} for n in sorted(written)
            ]
            write_text(self.dir / r.name, dumps(document))
        if self.dir == self.out:
            return []
        return self.stale(self._claims)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def output_set(out_dir: Path) -> Iterator[OutputSet]:
    """Lock `out_dir` (created if needed), stage the run's files, and move the whole set
    in when the block ends without an exception; an exception leaves the folder as it
    was. Waits while another run holds the folder."""
    out = prepare_dir(out_dir)
    fd = os.open(out, os.O_RDONLY)
    try:
        _lock(fd, out)
        recover(out)
        staging = out / f"{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
        staging.mkdir()
        try:
            outputs = OutputSet(out, staging)
            yield outputs
            _commit(outputs)
        finally:  # a committed set stopped mid-way stays for the next run to complete
            if not (staging / JOURNAL).exists():
                shutil.rmtree(staging, ignore_errors=True)
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def opened(out: Path | OutputSet) -> Iterator[OutputSet]:
    """`out` itself when it is a set (the caller commits it), else a set of its own."""
    if isinstance(out, OutputSet):
        yield out
        return
    with output_set(out) as outputs:
        yield outputs


def _lock(fd: int, out: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    print(f"geom: note: {out}: waiting for {_holder(out)} to finish writing", file=sys.stderr)
    fcntl.flock(fd, fcntl.LOCK_EX)


def _holder(out: Path) -> str:
    """The run writing into `out`, as far as its staging folder tells (pid and command)."""
    for entry in sorted(out.glob(f"{STAGING}*")):
        pid = entry.name[len(STAGING) :].split("-")[0]
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [w.decode(errors="replace") for w in command if w]
        if words[1:3] == ["-m", "geom"]:
            words = ["geom", *words[3:]]
        return f"the run {' '.join(words)!r} (pid {pid})"
    return "another geom run"


def _commit(outputs: OutputSet) -> None:
    removed = outputs.finish()
    outputs.removed = removed
    moved = sorted(p.name for p in outputs.dir.iterdir() if not p.name.startswith("."))
    # Reports last: their old versions stay beside the old files until the end.
    reports = outputs.report_names
    moved = [n for n in moved if n not in reports] + [n for n in moved if n in reports]
    journal = {"move": moved, "remove": removed}
    write_text(outputs.dir / JOURNAL, json.dumps(journal))
    _sync(outputs.dir)
    checkpoint("commit")
    _roll_forward(outputs.out, outputs.dir, journal)


def _roll_forward(out: Path, staging: Path, journal: Mapping[str, Sequence[str]]) -> None:
    for name in journal["remove"]:
        (out / name).unlink(missing_ok=True)
    for name in journal["move"]:
        source = staging / name
        if source.exists():
            os.replace(source, out / name)
            checkpoint("rename")
    _sync(out)
    shutil.rmtree(staging, ignore_errors=True)


def recover(out: Path) -> None:
    """Complete a set whose journal was written, discard every other staging folder and
    temporary file a killed run left in `out` (call with the folder's lock held)."""
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(STAGING) and entry.is_dir():
            try:
                journal = json.loads((entry / JOURNAL).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                shutil.rmtree(entry, ignore_errors=True)
                continue
            _roll_forward(out, entry, journal)
        elif entry.name.startswith(".") and entry.name.endswith(".part") and entry.is_file():
            entry.unlink(missing_ok=True)  # an atomic write killed mid-way


def _sync(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
