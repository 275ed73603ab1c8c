"""stderr holds geom's own lines only (`geom: ...`), never a library's log records.

ezdxf logs a warning on import when it cannot write its font cache (and when a font is
missing); Python prints such records to stderr unless the application routes them. The
commands run as a user runs them, in an environment where ezdxf's cache directory cannot
be created: a bare `import ezdxf` there prints the warning (the control), geom does not.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, check=False
    )


def test_no_library_log_lines_on_stderr(tmp_path: Path, small_templates: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_CACHE_HOME": str(blocker / "cache"),  # ezdxf cannot create its cache here
    }
    control = _run(["-c", "import ezdxf"], env)
    assert "Cannot create cache home directory" in control.stderr, control.stderr

    out = tmp_path / "out"
    commands = [
        ["cutout", "770-744", "-o", str(out)],
        ["preview", str(out / "770-744_064-000-cutout.dxf"), "-o", str(out)],
        ["panel", str(EXAMPLE), "-o", str(out / "panel")],
        ["build", "--all", "--templates", str(small_templates), "--jobs", "2", "-o", f"{out}/all"],
    ]
    for args in commands:
        proc = _run(["-m", "geom", *args], env)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        foreign = [line for line in proc.stderr.splitlines() if not line.startswith("geom: ")]
        assert foreign == [], (args, proc.stderr)
    assert (out / "770-744_064-000-cutout.svg").is_file()
    assert (out / "all" / "index.html").is_file()


def test_debug_lets_library_logs_through(tmp_path: Path) -> None:
    """--debug shows everything, ezdxf's records included (the logger is left as is)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(blocker / "cache")}
    proc = _run(["-m", "geom", "--debug", "cutout", "770-744", "-o", str(tmp_path)], env)
    assert proc.returncode == 0, proc.stderr
    assert "Cannot create cache home directory" in proc.stderr


def test_the_ezdxf_logger_is_restored_after_a_command(geom, tmp_path: Path) -> None:
    logger = logging.getLogger("ezdxf")
    before = (list(logger.handlers), logger.propagate, logger.level)
    root = (list(logging.getLogger().handlers), logging.getLogger().level)
    assert geom("cutout", "770-744", "-o", tmp_path).code == 0
    assert (list(logger.handlers), logger.propagate, logger.level) == before
    assert (list(logging.getLogger().handlers), logging.getLogger().level) == root
