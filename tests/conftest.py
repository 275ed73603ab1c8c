"""Shared fixtures, markers and Hypothesis set-up for the whole suite.

Conventions for every test file (the suite runs in parallel, pytest-xdist `-n auto --dist
loadfile` from pyproject.toml: each file's tests run in one worker process, in any order
beside other files, so no test may depend on what ran before it in its process; `-n 0`
runs everything in one process):
- Files go under `tmp_path` / `tmp_path_factory`, never a shared path.
- A CLI test runs geom in-process: the `geom` fixture (`geom("check", ...)`: exit code,
  stdout, stderr), about 0.7 CPU-s cheaper than `python -m geom` per run (3 s when the
  run loads OpenCascade). A test that needs a process of its own (a lock, a kill, runs
  side by side) uses `geom_forked`: forked from a pre-imported interpreter. Only a test
  of the start itself (what an import prints, hash seed, time zone, the command line,
  an optional extra missing) starts `python -m geom` or `python -c`.
- The full catalog (`geom build --all`, every shipped part and panel) is built once per
  run, shared by the workers: use the session fixture `catalog` (its folder and its
  summary) rather than building it again. Pool, progress and failure variants use
  `small_templates` (two parts and one panel) with `geom build --all --templates DIR`.
- Expensive per-template work parametrized over `TEMPLATE_IDS` is shared through a
  module or session fixture (compute once, assert per part); a module fixture is
  computed once, as the file runs in one worker.
- A test that kills a run at a chosen point sets $GEOM_TEST_KILL_AT=<event>:<k> in
  the child's environment (geom.data.atomic.checkpoint; events `write`, `commit`,
  `rename`): SIGKILL right after the k-th such event; never a sleep and a kill.
- A test that runs an outside program is marked so a developer can select or leave it
  out (`-m freecad`, `-m "not freecad"`); CI runs them all: `freecad` (freecadcmd),
  `openscad`, `librecad`, `chromium`. A test that runs OpenCascade per Hypothesis
  example uses `@kernel_property` (tests/profiles.py).
- Hypothesis: the profiles are in tests/profiles.py (`geom-ci`, the default, and
  `geom-deep`). A property's seed is fixed from its node name here (editing its body
  does not move its examples); its settings decorator must not set derandomize or
  database. The seed, the example count and a digest of the examples drawn print per
  property at the end of the run (the same on every run of the same commit).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import forked
import hypothesis
import pytest
from hypothesis import seed, settings
from profiles import CI, no_local_constants, register, seed_of

from geom.cli import main
from geom.data.templates import load_catalog

register()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", CI))

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_IDS = sorted(load_catalog().parts)


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def geom(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `geom ARGS...` in-process; returns exit code, stdout and stderr."""

    def run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def geom_forked(tmp_path: Path) -> Callable[..., forked.Run]:
    """Start `geom ARGS` as a process of its own, forked from an interpreter that has
    imported geom and OpenCascade (tests/forked.py): for a test that needs a separate
    process (a lock, a kill, an exit by a signal, runs side by side) but not the
    interpreter's start. `env` replaces the environment; `.wait()` gives the exit status,
    then `.stderr` what it printed there."""
    count = 0

    def start(*args: str | Path, env: dict[str, str] | None = None) -> forked.Run:
        nonlocal count
        count += 1
        stderr = tmp_path / f"geom-forked-{count}.stderr"
        return forked.Run(args, dict(os.environ) if env is None else env, stderr)

    return start


@pytest.fixture(scope="session")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The full catalog (`geom build --all`: every shipped part and panel, 2 workers),
    built once per test run: its folder and the summary it printed. Read only. Under
    pytest-xdist the first worker that needs it builds it in the run's temporary folder
    (under a lock: a worker that needs it meanwhile waits) and the others read it."""
    from geom.catalog import Options, build_all
    from geom.model.conditions import Conditions

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    out, summary = shared / "catalog", shared / "catalog-summary.txt"
    with (shared / "catalog.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not summary.exists():  # written last: the folder is whole
            shutil.rmtree(out, ignore_errors=True)  # a build that failed before
            stream = io.StringIO()
            built = build_all(Options(out, Conditions(), 1.0, 200), jobs=2, out=stream)
            assert not built.failures, stream.getvalue()
            summary.write_text(stream.getvalue(), encoding="utf-8")
    return out, summary.read_text(encoding="utf-8")


SMALL_PARTS = ("770-744_064-000.toml", "neutrik-d.toml")
"""The templates of the small catalog: a snap-in socket and a D-size connector."""
SMALL_PANEL = """[panel]
width = 120.0
height = 60.0
corner_radius = 2.0
sheet = 1.5
shop_tolerance = 0.05
coating = 0.0
process = "laser"

[[place]]
part = "770-744/064-000"
x = 40.0
y = 30.0
rotation = 0

[[place]]
part = "neutrik-d-series"
x = 95.0
y = 30.0
rotation = 0
"""


@pytest.fixture(scope="session")
def small_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template folder of two shipped parts and one panel of both (`panels/small.toml`),
    for `geom build --all --templates DIR`: the pool, progress and failure variants of
    the catalog build without building every part again. Read only: copy it to change it."""
    directory = tmp_path_factory.mktemp("small-templates")
    shipped = ROOT / "templates"
    for name in SMALL_PARTS:
        shutil.copy(shipped / name, directory / name)
    (directory / "panels").mkdir()
    (directory / "panels" / "small.toml").write_text(SMALL_PANEL, encoding="utf-8")
    return directory


@pytest.fixture(params=TEMPLATE_IDS)
def template_id(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"geom: hypothesis {hypothesis.__version__}, profile "
        f"{settings.get_current_profile_name()!r} ({settings()}); one seed per property, "
        "from its name"
    )


def _node_name(item: pytest.Item) -> str:
    """The test's node id without its parameters: `tests/test_x.py::test_y`."""
    return item.nodeid.split("[", 1)[0]


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


LONG_FILES = (
    "test_docs.py",
    "test_catalog.py",
    "test_properties.py",
    "test_drawing.py",
    "test_fit3d.py",
    "test_output_sets.py",
    "test_preview.py",
    "test_cutout_dxf.py",
    "test_cut.py",
    "test_serve_browser.py",
    "test_box.py",
    "test_bends.py",
    "test_step_good_citizen.py",
    "test_kill.py",
    "test_step_body.py",
    "test_panel_files.py",
    "test_api.py",
    "test_cq_plugin.py",
)
"""The test files that take longest (a full run's time per file, longest first; the two
that need the catalog first, as they wait for its build). pytest-xdist hands out files
in collection order (`--no-loadscope-reorder`; by default it orders them by their number
of tests, which put the long few-test files last and left one worker running them alone
at the end), so the long ones go first and the short ones fill in. A new file that
takes more than ~30 s goes in here."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _seed_and_count_properties(items)
    rank = {name: i for i, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: ties keep order


def _seed_and_count_properties(items: list[pytest.Item]) -> None:
    """Fix each property's seed from its name; count and digest the examples it runs."""
    if settings().derandomize:
        no_local_constants()
    for item in items:
        function = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        if not getattr(function, "is_hypothesis_test", False):
            continue
        pinned = getattr(function, "_hypothesis_internal_use_seed", None) is not None
        if settings().derandomize and not pinned:
            seed(seed_of(_node_name(item)))(function)
        inner = function.hypothesis.inner_test  # type: ignore[union-attr]
        if getattr(inner, "_geom_counted", False):
            continue
        fixtures = frozenset(item.fixturenames)  # type: ignore[attr-defined]

        def counted(*args: Any, __inner: Any = inner, __skip: Any = fixtures, **kwargs: Any) -> Any:
            drawn = sorted((k, v) for k, v in kwargs.items() if k not in __skip)
            _EXAMPLES.append(_ADDRESS.sub("", repr((args, drawn))))
            return __inner(*args, **kwargs)

        counted._geom_counted = True  # type: ignore[attr-defined]
        function.hypothesis.inner_test = counted  # type: ignore[union-attr]


_EXAMPLES: list[str] = []
"""The examples the running property has called its body with (repr, no addresses)."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    _EXAMPLES.clear()
    try:
        return (yield)
    finally:
        function = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        if getattr(function, "is_hypothesis_test", False):
            digest = hashlib.sha256("\n".join(_EXAMPLES).encode("utf-8")).hexdigest()[:12]
            used = function._hypothesis_internal_use_seed  # type: ignore[union-attr]
            if used is None:  # a profile that draws at random: the seed Hypothesis drew
                used = function._hypothesis_internal_use_generated_seed  # type: ignore[union-attr]
            item.user_properties.append(
                ("hypothesis", f"seed {used} examples {len(_EXAMPLES)} digest {digest}")
            )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per property: its seed, the examples its body ran, their digest."""
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == "hypothesis":
                    path, _, name = report.location
                    lines.append(f"{path}::{name}: {value}")
    if lines:
        terminalreporter.write_sep("-", f"hypothesis ({settings.get_current_profile_name()})")
        for line in sorted(lines):
            terminalreporter.write_line(line)
