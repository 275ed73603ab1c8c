"""Shared fixtures: run the CLI in-process, list the shipped templates."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from geom.cli import main
from geom.templates import load_catalog

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
