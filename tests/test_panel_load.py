"""Panel files are validated whole before anything is written: every kind of bad entry
(unknown key, missing field, wrong type, NaN, off-90 rotation, a cutout or hole off the
sheet, absurd sizes and counts, unsafe file names) exits 2 with one line naming the file,
the entry and the field, and leaves the output directory empty; arrays expand in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geom.cli import main
from geom.errors import InputError
from geom.panel.model import MAX_OPENINGS, MAX_PANEL_MM, load_panel

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"

GOOD = """
[panel]
width = 200.0
height = 100.0
sheet = 1.5
shop_tolerance = 0.05
process = "laser"

[[place]]
part = "770-744/064-000"
x = 50.0
y = 50.0

[[array]]
part = "770-1242"
x = 120.0
y = 30.0
cols = 2
rows = 2
pitch_x = 40.0
pitch_y = 35.0
rotation = 90

[[hole]]
x = 10.0
y = 10.0
diameter = 4.5
"""


def _write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_expands_arrays_in_order(tmp_path: Path) -> None:
    panel = load_panel(_write(tmp_path, GOOD))
    assert [p.entry for p in panel.places] == [
        "place[0]",
        "array[0][r0,c0]",
        "array[0][r0,c1]",
        "array[0][r1,c0]",
        "array[0][r1,c1]",
    ]
    assert [(p.x, p.y, p.rotation) for p in panel.places[1:]] == [
        (120.0, 30.0, 90),
        (160.0, 30.0, 90),
        (120.0, 65.0, 90),
        (160.0, 65.0, 90),
    ]
    assert panel.places[1].part.id == "770-1242/076-000"
    assert [h.entry for h in panel.holes] == ["hole[0]"]
    assert panel.coating.max == 0.0 and panel.name == "p"


def test_example_panel_loads() -> None:
    panel = load_panel(EXAMPLE)
    ids = {p.part.id for p in panel.places}
    assert len(ids) >= 2 and panel.holes
    assert any("array" in p.entry for p in panel.places)


BAD = [
    # (replace this, with this, expected field, expected words)
    ("width = 200.0", "width = 200.0\nwidht = 3", "panel.widht", "not a known field"),
    ("sheet = 1.5\n", "", "panel.sheet", "missing"),
    ("width = 200.0", 'width = "200"', "panel.width", "not a number"),
    ("width = 200.0", "width = nan", "panel.width", "not finite"),
    ("width = 200.0", "width = inf", "panel.width", "not finite"),
    ("width = 200.0", "width = -5.0", "panel.width", "out of range"),
    ("width = 200.0", f"width = {MAX_PANEL_MM * 10}", "panel.width", "out of range"),
    ("sheet = 1.5", "sheet = 0.0", "panel.sheet", "out of range"),
    ('process = "laser"', 'process = "plasma"', "panel.process", "not a known choice"),
    ('process = "laser"', 'process = "laser"\ncoating = [0.1, 0.05]', "panel.coating", "falling"),
    ('process = "laser"', 'process = "laser"\nmin_web = -1', "panel.min_web", "out of range"),
    ("x = 50.0", "x = 50.0\nrotation = 45", "place[0].rotation", "multiple of 90"),
    ("x = 50.0", "x = 50.0\nrotaton = 90", "place[0].rotaton", "not a known field"),
    ('part = "770-744/064-000"', 'part = "no-such-part"', "place[0].part", "not a known part"),
    ('part = "770-744/064-000"', "part = 770", "place[0].part", "not a text"),
    ("x = 50.0", "x = 500.0", "place[0].x", "out of range"),
    ("x = 50.0", "x = 5.0", "place[0].x", "off the sheet"),
    ("y = 10.0", "y = 1.0", "hole[0].y", "off the sheet"),
    ("diameter = 4.5", "diameter = 0", "hole[0].diameter", "out of range"),
    ("cols = 2", "cols = 2.5", "array[0].cols", "not a whole number"),
    ("cols = 2", "cols = 0", "array[0].cols", "out of range"),
    ("cols = 2\nrows = 2", "cols = 1000\nrows = 1000", "array[0].cols", "limit"),
    ("pitch_x = 40.0\n", "", "array[0].pitch_x", "missing"),
    ("pitch_x = 40.0", "pitch_x = 40.0\npitch = 3", "array[0].pitch", "not a known field"),
    ("[[hole]]", "[[holes]]", "holes", "not a known field"),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), BAD)
def test_bad_entry_is_named(tmp_path: Path, old: str, new: str, field: str, words: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as caught:
        load_panel(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:{field}: "), text
    assert words in text, text
    assert "\n" not in text


def test_opening_limit_named(tmp_path: Path) -> None:
    text = GOOD.replace("cols = 2", "cols = 1000").replace("rows = 2", "rows = 21")
    with pytest.raises(InputError, match=f"at most {MAX_OPENINGS}"):
        load_panel(_write(tmp_path, text))


def test_unsafe_stem_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a safe file name"):
        load_panel(_write(tmp_path, GOOD, "bad name!.toml"))


def test_not_toml_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid TOML"):
        load_panel(_write(tmp_path, "[panel\nwidth = 1"))
    path = tmp_path / "b.toml"
    path.write_bytes(b"\xff\xfe[panel]")
    with pytest.raises(InputError, match="not UTF-8"):
        load_panel(path)


@pytest.mark.parametrize(("old", "new", "field", "words"), BAD[:6] + BAD[16:18])
def test_cli_exit_2_one_line_no_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    field: str,
    words: str,
) -> None:
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    out = tmp_path / "out"
    assert main(["panel", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"geom: {path}:{field}: ")
    assert not out.exists() or not any(out.iterdir())


def test_cli_without_traceback() -> None:
    """Through a real process: exit 2, one line on stderr, nothing on stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "geom", "panel", "/nonexistent/panel.toml", "-o", "/tmp/x"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "unreadable" in done.stderr
    assert done.stdout == ""


PROBE = """
import sys
from geom.cli import main
code = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules if m.startswith(("cadquery", "OCP"))})
print(f"CODE={code} LOADED=" + ",".join(loaded))
"""


@pytest.mark.parametrize(("text", "code"), [(GOOD.replace("x = 50.0", "x = 5.0"), 2), (GOOD, 0)])
def test_no_cad_kernel_before_validation(tmp_path: Path, text: str, code: int) -> None:
    """A bad panel file fails before the 3D kernel is loaded; a good one loads OCP (for
    the STEP files) but never cadquery."""
    path = _write(tmp_path, text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "panel", str(path), "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("CODE=")][-1]
    assert line.startswith(f"CODE={code} ")
    loaded = set(filter(None, line.split("LOADED=")[1].split(",")))
    assert loaded == (set() if code == 2 else {"OCP"})


def test_two_templates_for_one_id_refused(tmp_path: Path) -> None:
    """A local copy of a template (same id, other numbers) next to the shipped one would
    draw one of them with the other's cut: refused."""
    shipped = (ROOT / "templates" / "770-744_064-000.toml").read_text(encoding="utf-8")
    copy = shipped.replace(
        'width = { value = 41.5, source = "assumed" }',
        'width = { value = 41.0, source = "assumed" }',
        1,
    )
    assert copy != shipped
    (tmp_path / "mine.toml").write_text(copy, encoding="utf-8")
    text = GOOD.replace('part = "770-744/064-000"', 'part = "mine.toml"')
    text += '[[place]]\npart = "770-744"\nx = 50.0\ny = 80.0\n'
    with pytest.raises(InputError, match=r"place\[1\]\.part: .* a second, different template"):
        load_panel(_write(tmp_path, text))
