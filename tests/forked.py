"""`geom ARGS` as a process of its own, forked from an interpreter that has imported geom
and the CAD kernel already (multiprocessing's forkserver, started once per test process).

A forked run is a real process: its own pid, its own file lock, its own environment
($GEOM_TEST_KILL_AT), an exit status (negative: the signal that ended it). What it skips
is the interpreter's start and the imports (about 3 s of CPU per `python -m geom` run on
the CI machine: OpenCascade alone is most of it), and the command line: /proc/<pid>/cmdline
is the forkserver's, not `python -m geom ...`. A test of the real entry point (the
command line, start-up, what Python prints before geom runs) starts `python -m geom`.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from geom.catalog.pool import KERNEL, WARM_MODULES

PRELOAD = [
    "geom.cli",
    "geom.catalog.jobs",
    *WARM_MODULES,
    "geom.cad.plate",
    "geom.cad.step",
    KERNEL,
]
"""What a `geom panel` run imports, imported once in the forkserver (the catalog pool
preloads the same modules but `geom.cli`, so either may start the server)."""


def _main(args: list[str], env: dict[str, str], stderr: str) -> None:
    """The forked child: the given environment, stdout to /dev/null, stderr to a file."""
    os.environ.clear()
    os.environ.update(env)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    from geom.cli import main

    sys.exit(main(args))


class Run:
    """A started `geom` run: `wait()` for its exit status, then its `stderr`."""

    def __init__(self, args: Sequence[str | Path], env: Mapping[str, str], stderr: Path):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self._stderr = stderr
        words = [str(a) for a in args]
        self._process = context.Process(target=_main, args=(words, dict(env), str(stderr)))
        self._process.start()
        self.pid = self._process.pid

    def wait(self) -> int:
        """The exit status: the code geom returned, or -N for signal N."""
        self._process.join()
        code = self._process.exitcode
        assert code is not None
        return code

    @property
    def stderr(self) -> str:
        return self._stderr.read_text(encoding="utf-8")


class Started:
    """`python -m geom ARGS` started the ordinary way, with the same interface as `Run`."""

    def __init__(self, args: Sequence[str | Path], env: Mapping[str, str], stderr: Path):
        self._stderr = stderr
        command = [sys.executable, "-m", "geom", *(str(a) for a in args)]
        with stderr.open("wb") as handle:
            self._process = subprocess.Popen(
                command, env=dict(env), stdout=subprocess.DEVNULL, stderr=handle
            )
        self.pid = self._process.pid

    def wait(self) -> int:
        return self._process.wait()

    @property
    def stderr(self) -> str:
        return self._stderr.read_text(encoding="utf-8")
