"""The catalog build (`geom build --all`): every template gets its cutout DXF, fit
report, previews and drawing, each file non-empty and parsing; index.html links only
to files that exist; a bad template and a part whose fit fails are reported in the
summary (exit 1) while every other part is still built; output is plain lines when
stdout is not a terminal."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import ezdxf
import pymupdf
import pytest

from geom.catalog import Options, build_all, panel_files
from geom.cli import main
from geom.data.templates import load_catalog, template_dirs
from geom.model.conditions import Conditions

PART_IDS = sorted(load_catalog().parts)
SUFFIXES = (
    "-cutout.dxf",
    "-fit.json",
    "-cutout.svg",
    "-cutout.png",
    "-body.step",
    "-drawing.pdf",
    "-drawing.dxf",
)
PANELS = panel_files(template_dirs())
PANEL_SUFFIXES = (
    "-panel.dxf",
    "-panel.step",
    "-assembly.step",
    "-bom.csv",
    "-report.json",
    "-panel.svg",
    "-panel.png",
    "-panel-drawing.pdf",
    "-panel-drawing.dxf",
    "-panel-drawing.svg",
    "-panel-drawing.png",
    "-template.pdf",
    "-holes.csv",
)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


@pytest.mark.parametrize("part_id", PART_IDS)
def test_every_part_has_every_file_and_each_parses(catalog: tuple[Path, str], part_id: str):
    out, _ = catalog
    stem = part_id.replace("/", "_")
    for suffix in SUFFIXES:
        path = out / f"{stem}{suffix}"
        assert path.is_file() and path.stat().st_size > 0, path
    # The cut: a polyline, or a CIRCLE for a round one (fixing holes are CIRCLEs too).
    assert (
        ezdxf.readfile(out / f"{stem}-cutout.dxf")
        .modelspace()
        .query("LWPOLYLINE CIRCLE[layer=='CUT']")
    )
    assert ezdxf.readfile(out / f"{stem}-drawing.dxf").modelspace().query("DIMENSION")
    assert (out / f"{stem}-body.step").read_bytes().startswith(b"ISO-10303-21;")
    assert ET.parse(out / f"{stem}-cutout.svg").getroot().tag.endswith("svg")
    assert pymupdf.open(out / f"{stem}-drawing.pdf").page_count == 1
    png = pymupdf.open(out / f"{stem}-cutout.png")
    assert png.page_count == 1 and png[0].rect.width > 0


@pytest.mark.skipif(not PANELS, reason="no example panel in the template directories")
@pytest.mark.parametrize("panel", PANELS, ids=lambda p: p.stem)
def test_every_panel_has_every_file_and_each_parses(catalog: tuple[Path, str], panel: Path):
    out, _ = catalog
    for suffix in PANEL_SUFFIXES:
        path = out / f"{panel.stem}{suffix}"
        assert path.is_file() and path.stat().st_size > 0, path
    drawing = pymupdf.open(out / f"{panel.stem}-panel-drawing.pdf")
    assert drawing.page_count == 1
    assert (drawing[0].rect.width, drawing[0].rect.height) == pytest.approx(
        (420 * 72 / 25.4, 297 * 72 / 25.4), abs=0.01
    )
    assert ET.parse(out / f"{panel.stem}-panel.svg").getroot().tag.endswith("svg")
    assert pymupdf.open(out / f"{panel.stem}-panel.png").page_count == 1


def test_summary_lists_every_part(catalog: tuple[Path, str]):
    _, text = catalog
    for part_id in PART_IDS:
        assert re.search(rf"^{re.escape(part_id)}\s+part\s+ok\s+{len(SUFFIXES)}\s", text, re.M)
    files = len(PART_IDS) * len(SUFFIXES) + len(PANELS) * len(PANEL_SUFFIXES)
    assert f"{len(PART_IDS)} parts, {len(PANELS)} panels, {files} files, 0 failures" in text
    # Not a terminal: one plain line per finished job, no progress bar.
    lines = re.findall(r"^\[(\d+)/(\d+)\] ok   (part|panel)\s+(\S+)$", text, re.M)
    total = int(lines[0][1])
    assert [int(n) for n, _, _, _ in lines] == list(range(1, total + 1))
    assert {name for _, _, kind, name in lines if kind == "part"} == set(PART_IDS)
    assert {name for _, _, kind, name in lines if kind == "panel"} == {p.stem for p in PANELS}
    assert "\r" not in text


def test_every_link_in_index_resolves_to_a_file(catalog: tuple[Path, str]):
    out, _ = catalog
    page = (out / "index.html").read_text(encoding="utf-8")
    parser = Links()
    parser.feed(page)
    assert len(parser.links) >= len(PART_IDS) * len(SUFFIXES)
    for link in parser.links:
        assert "://" not in link and not link.startswith("/"), link  # relative only
        target = out / unquote(link)
        assert target.is_file() and target.stat().st_size > 0, link
    for part_id in PART_IDS:
        assert part_id in page
    assert "ASSUMED cut dimensions" in page


def test_one_failing_part_does_not_stop_the_others(
    tmp_path: Path, small_templates: Path, capsys: pytest.CaptureFixture[str]
):
    """A broken template, a failing part and a failing panel in one folder, the small
    catalog in another (`--templates` twice): every other part and panel is built."""
    shipped = load_catalog().parts["770-744/064-000"].path
    assert shipped is not None
    text = shipped.read_text(encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    # A broken template: a negative cutout width.
    broken = text.replace('id = "770-744/064-000"', 'id = "broken/1"').replace(
        "width = { value = 41.5, source", "width = { value = -41.5, source", 1
    )
    (templates / "broken.toml").write_text(broken, encoding="utf-8")
    # A valid template whose fit fails: the collar is larger than the cutout band.
    tight = text.replace('id = "770-744/064-000"', 'id = "tight/1"').replace(
        "width = { value = 41.5, minus = 0.0", "width = { value = 41.7, minus = 0.0", 1
    )
    (templates / "tight.toml").write_text(tight, encoding="utf-8")
    # A panel that breaks a layout rule: two sockets on the same spot.
    crowded = (
        "[panel]\nwidth = 100.0\nheight = 60.0\ncorner_radius = 2.0\nsheet = 1.5\n"
        "shop_tolerance = 0.05\n"
        'coating = 0.0\nprocess = "laser"\n'
        + '[[place]]\npart = "770-744/064-000"\nx = 50.0\ny = 30.0\nrotation = 0\n'
        * 2
    )
    (templates / "panels").mkdir()
    (templates / "panels" / "crowded.toml").write_text(crowded, encoding="utf-8")
    out = tmp_path / "out"
    dirs = ["--templates", str(templates), "--templates", str(small_templates)]
    status = main(["build", "--all", *dirs, "-o", str(out), "--jobs", "2"])
    printed = capsys.readouterr().out
    assert status == 1
    assert re.search(r"^broken\.toml\s+template\s+FAIL\s+0\s", printed, re.M)
    assert re.search(r"^tight/1\s+part\s+FAIL\s", printed, re.M)
    assert "FAIL broken.toml: " in printed and "cutout.width" in printed
    assert "FAIL tight/1: fit fails, DXF withheld: interference" in printed
    # Its report is written (and listed); its DXF and drawing are withheld.
    assert re.search(r"^tight/1\s+part\s+FAIL\s+2\s", printed, re.M)  # report + body
    assert (out / "tight_1-fit.json").is_file()
    assert not (out / "tight_1-cutout.dxf").exists()
    assert not (out / "tight_1-drawing.pdf").exists()
    assert re.search(r"^crowded\s+panel\s+FAIL\s", printed, re.M)
    assert "FAIL crowded: layout violations" in printed
    assert "3 failures" in printed
    others = load_catalog([small_templates]).parts
    assert len(others) == 2
    for panel in panel_files([small_templates]):  # every other panel still built
        assert re.search(rf"^{re.escape(panel.stem)}\s+panel\s+ok\s", printed, re.M)
    for part_id in others:  # every other part still built
        assert re.search(rf"^{re.escape(part_id)}\s+part\s+ok\s", printed, re.M)
        assert (out / f"{part_id.replace('/', '_')}-drawing.pdf").is_file()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "FAILED" in page and "tight/1" in page and "broken.toml" in page and "crowded" in page


def test_templates_must_be_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    missing = tmp_path / "missing"
    assert main(["build", "--all", "--templates", str(missing), "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geom: command line:--templates: '") and err.count("\n") == 1
    assert err.endswith(" is not a folder; allowed a folder\n")
    assert not (tmp_path / "x").exists()
    assert main(["build", "770-744", "--templates", str(tmp_path), "-o", str(tmp_path / "x")]) == 2
    assert "--templates" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_all_with_part_names_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["build", "--all", "770-317", "-o", str(tmp_path / "x")]) == 2
    assert "given with --all" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [("--jobs", "0"), ("--jobs", "1.5"), ("--scale", "0"), ("--dpi", "5"), ("--coating", "x")],
)
def test_bad_option_is_an_input_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
):
    assert main(["build", "--all", option, value, "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"geom: command line:{option}: '{value}' is ")
    assert err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_copying_the_catalog_keeps_links_working(catalog: tuple[Path, str], tmp_path: Path):
    """Relative links: the folder can be moved or zipped and still opens."""
    out, _ = catalog
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    parser = Links()
    parser.feed((moved / "index.html").read_text(encoding="utf-8"))
    assert all((moved / unquote(link)).is_file() for link in parser.links)


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory, small_templates: Path) -> Path:
    """The small catalog (two parts, one panel) built by 2 worker processes, at the
    catalog's default 200 dpi (as the shared full catalog it is compared with)."""
    out = tmp_path_factory.mktemp("small-catalog")
    options = Options(out, Conditions(), 1.0, 200, (small_templates,))
    assert not build_all(options, jobs=2, out=io.StringIO()).failures
    return out


def _same_files(first: Path, second: Path) -> None:
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_jobs_1_and_jobs_2_write_the_same_bytes(
    small_catalog: Path, small_templates: Path, catalog: tuple[Path, str], tmp_path: Path
):
    serial = tmp_path / "serial"
    options = Options(serial, Conditions(), 1.0, 200, (small_templates,))
    assert not build_all(options, jobs=1, out=io.StringIO()).failures
    _same_files(small_catalog, serial)
    # A part's files do not depend on what else the catalog holds.
    out, _ = catalog
    for path in serial.iterdir():
        if path.name.startswith(("770-744", "neutrik")):
            assert path.read_bytes() == (out / path.name).read_bytes(), path.name


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(tmp_path: Path, small_templates: Path):
    stream = FakeTerminal()
    options = Options(tmp_path, Conditions(), 1.0, 50, (small_templates,))
    assert not build_all(options, jobs=1, out=stream).failures
    text = stream.getvalue()
    assert "\r" in text and "100%" in text  # a bar redrawn in place, finished
    assert not re.search(r"^\[\d+/\d+\] ok", text, re.M)  # no plain lines
    assert "0 failures" in text


def test_forkserver_workers_write_the_same_bytes(
    small_catalog: Path, small_templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The start method used when the parent has loaded OCP (see geom.catalog.pool._context)."""
    import multiprocessing

    import geom.catalog.pool

    def forkserver() -> multiprocessing.context.BaseContext:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["geom.catalog.jobs", *geom.catalog.pool.WARM_MODULES])
        return context

    monkeypatch.setattr(geom.catalog.pool, "_context", forkserver)
    other = tmp_path / "forkserver"
    options = Options(other, Conditions(), 1.0, 200, (small_templates,))
    assert not build_all(options, jobs=2, out=io.StringIO()).failures
    _same_files(small_catalog, other)


def test_all_with_force_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The catalog never writes a failing part's DXF: --force would silently do nothing."""
    assert main(["build", "--all", "--force", "-o", str(tmp_path / "x")]) == 2
    assert "--force: '--force' is given with --all" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
