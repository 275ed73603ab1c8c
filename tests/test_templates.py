"""Templates: every number carries its source, conflicts are kept, overrides need no code."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from geom.data.templates import load_catalog, template_dirs

TEMPLATE_FILES = sorted(template_dirs()[-1].glob("770-*.toml"))
"""The WAGO templates (the sourced library of other parts: tests/test_library.py)."""
WAGO_IDS = sorted(pid for pid, p in load_catalog().parts.items() if p.manufacturer == "WAGO")


def _bare_numbers(node: Any, path: str = "") -> list[str]:
    """Paths of numbers that are not inside a {value, source} table."""
    if isinstance(node, dict):
        if "source" in node:
            return []
        return [p for k, v in node.items() for p in _bare_numbers(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _bare_numbers(v, f"{path}[{i}]")]
    return [path] if isinstance(node, int | float) and not isinstance(node, bool) else []


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: p.name)
def test_every_number_has_a_source(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert _bare_numbers(data) == []
    listed = set(data["sources"]) | {"assumed"}
    part = load_catalog().resolve(str(path))
    assert set(part.sources.values()) <= listed
    assert part.assumed, "the data sheets give no cutout: something is assumed"
    assert part.cut_assumed


def test_both_depths_of_770_744_are_kept_and_the_larger_is_used() -> None:
    part = load_catalog().parts["770-744/064-000"]
    assert [(q.value, q.source) for q in part.depths] == [
        (36.0, "770-744/064-000"),
        (37.5, "770-744"),
    ]
    assert part.depth_policy == "max"
    assert part.depth == 37.5


@pytest.mark.parametrize("template_id", WAGO_IDS)
def test_data_sheet_facts_recorded(template_id: str) -> None:
    part = load_catalog().parts[template_id]
    assert part.info["colour"].source != "assumed"
    assert part.fit.grip.min == 0.5 and part.fit.grip.max == 2.0


def test_socket_mounts_through_its_frame() -> None:
    catalog = load_catalog()
    socket = catalog.parts["770-1242/076-000"]
    assert socket.snap is None
    assert socket.frame is not None and socket.frame.id == "770-317"
    assert socket.info["counterpart"].value == "770-1252/076-000"
    assert any(a.startswith("770-317:") for a in socket.assumed)


def test_user_template_directory_overrides_assumed_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, geom
) -> None:
    shipped = template_dirs()[-1] / "770-744_064-000.toml"
    text = shipped.read_text(encoding="utf-8")
    text = text.replace("[sources]\n", '[sources]\n"drawing" = "maker drawing rev B"\n')
    text = text.replace(
        'width = { value = 41.5, source = "assumed" }',
        'width = { value = 41.8, source = "drawing" }',
    )
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("GEOM_TEMPLATES", str(tmp_path))
    part = load_catalog().parts["770-744/064-000"]
    assert part.fit.cutout.width == 41.8
    assert part.sources["cutout.width"] == "drawing"
    assert load_catalog().parts.keys() == load_catalog([template_dirs()[-1]]).parts.keys()
    run = geom("check", "770-744", "--json")
    assert run.json()["cutout_mm"]["width"] == pytest.approx(41.85)
    assert "cutout.width" not in run.json()["assumed"]


def test_template_file_path_as_part(tmp_path: Path, geom) -> None:
    copy = tmp_path / "copy.toml"
    shutil.copy(template_dirs()[-1] / "770-317.toml", copy)
    run = geom("check", copy, "--json")
    assert run.code == 0 and run.json()["part"] == "770-317"


def test_frame_cycle_is_an_input_error_not_a_recursion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, geom
) -> None:
    """Regression: two parts mounting through each other recursed without end."""
    socket = (template_dirs()[-1] / "770-1242_076-000.toml").read_text(encoding="utf-8")
    for me, other in (("a-1", "b-1"), ("b-1", "a-1")):
        text = socket.replace('id = "770-1242/076-000"', f'id = "{me}"')
        (tmp_path / f"{me}.toml").write_text(
            text.replace('frame = "770-317"', f'frame = "{other}"')
        )
    monkeypatch.setenv("GEOM_TEMPLATES", str(tmp_path))
    run = geom("list")  # both skipped, each with one warning; the rest still lists
    assert run.code == 0 and "770-317" in run.out and "a-1" not in run.out
    assert len(run.err.splitlines()) == 2
    assert all(line.startswith("geom: warning: ") for line in run.err.splitlines())
    used = geom("check", "a-1")
    assert used.code == 2
    assert "part.frame" in used.err and "not a snap-in part itself" in used.err


def test_id_prefix_with_a_slash_is_a_prefix_not_a_path(geom) -> None:
    """Regression: '770-744/064' was taken for a file path because it holds a '/'."""
    run = geom("check", "770-744/064", "--json")
    assert run.code == 0 and run.json()["part"] == "770-744/064-000"
