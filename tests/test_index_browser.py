"""index.html opens in a real browser with no server: headless Chromium (Debian's
`chromium`, installed by scripts/install-test-tools.sh from `make test`) loads the page
from file:// and writes a screenshot; without chromium the test skips and says why."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")


@pytest.mark.chromium
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (scripts/install-test-tools.sh installs it "
    "when run as root with apt-get)",
)
def test_index_opens_in_headless_chromium(tmp_path: Path, catalog: tuple[Path, str]):
    assert CHROMIUM is not None
    index = catalog[0] / "index.html"
    shot = tmp_path / "shot.png"
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            index.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 0
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 1600)
    # A blank page compresses to almost nothing; the catalog page with pictures does not.
    assert len(data) > 20_000
