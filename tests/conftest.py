"""Shared fixtures: run the CLI in-process, list the shipped templates; the hypothesis
profiles.

Hypothesis profiles: `ci` (the default, what `pytest` and CI run) is derandomized, with
no example database and fixed example counts, so every run draws the same examples and
gives the same result; `deep` (`pytest --hypothesis-profile=deep`, or
HYPOTHESIS_PROFILE=deep) draws at random, five times as many, and keeps failing
examples in .hypothesis/ to replay them first next time. Both print the blob that
reproduces a failure (@reproduce_failure). Property tests take their example counts from
the profile: a settings(...) decorator there must not set max_examples, derandomize or
database (tests/test_properties.py checks).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from geom.cli import main
from geom.data.templates import load_catalog

PROFILE_EXAMPLES = 200
"""Examples per property in the `ci` profile (`deep`: five times as many)."""
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=PROFILE_EXAMPLES,
    deadline=None,
    print_blob=True,
)
settings.register_profile(
    "deep",
    derandomize=False,
    max_examples=5 * PROFILE_EXAMPLES,
    deadline=None,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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


@pytest.fixture(params=TEMPLATE_IDS)
def template_id(request: pytest.FixtureRequest) -> str:
    return str(request.param)
