"""Panel files are validated whole before anything is written: every kind of bad entry
(unknown key, missing field, wrong type, NaN, off-90 rotation, a cutout or hole off the
sheet, absurd sizes and counts, unsafe file names) exits 2 with one line naming the file,
the entry and the field, and leaves the output directory empty; arrays expand in order."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
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

[[slot]]
x = 190.0
y = 50.0
length = 10.0
width = 6.5
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


def test_shop_fields_labels_and_slots(tmp_path: Path) -> None:
    text = GOOD.replace(
        "sheet = 1.5",
        'sheet = 1.5\nmaterial = "EN AW-5754"\nfinish = "RAL 7035"\n'
        'general_tolerance = "ISO 2768-m"\nnotes = ["Deburr.", "Film on the front."]',
    )
    text = text.replace("x = 50.0", 'x = 50.0\nlabel = "K1"')
    text = text.replace("pitch_y = 35.0", 'pitch_y = 35.0\nlabel = "A"')
    text = text.replace("diameter = 4.5", 'diameter = 4.5\nlabel = "PE"')
    text = text.replace("width = 6.5", 'width = 6.5\nangle = -90\ntolerance = 0.2\nlabel = "R1"')
    panel = load_panel(_write(tmp_path, text))
    assert (panel.material, panel.finish, panel.general_tolerance) == (
        "EN AW-5754",
        "RAL 7035",
        "ISO 2768-m",
    )
    assert panel.notes == ("Deburr.", "Film on the front.")
    # The array's prefix numbered row by row: (r0, c0), (r0, c1), (r1, c0), (r1, c1).
    assert [p.label for p in panel.places] == ["K1", "A1", "A2", "A3", "A4"]
    assert [(p.x, p.y) for p in panel.places[1:3]] == [(120.0, 30.0), (160.0, 30.0)]
    assert panel.holes[0].label == "PE"
    (slot,) = panel.slots
    assert (slot.entry, slot.x, slot.y, slot.length, slot.width) == ("slot[0]", 190, 50, 10, 6.5)
    assert (slot.angle, slot.tolerance, slot.label) == (270, 0.2, "R1")
    assert slot.size == (6.5, 10.0)  # turned upright: 6.5 wide along x, 10 along y


def test_unlabelled_fields_stay_empty(tmp_path: Path) -> None:
    panel = load_panel(_write(tmp_path, GOOD))
    assert (panel.material, panel.finish, panel.general_tolerance, panel.notes) == ("", "", "", ())
    assert {p.label for p in panel.places} == {""} and panel.slots[0].tolerance is None


def test_a_label_names_one_opening(tmp_path: Path) -> None:
    text = GOOD.replace("x = 50.0", 'x = 50.0\nlabel = "A3"')
    text = text.replace("pitch_y = 35.0", 'pitch_y = 35.0\nlabel = "A"')
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_panel(path)
    assert str(caught.value).startswith(f"{path}:array[0].label: 'A3' is the label of place[0] too")


def test_example_is_a_19_inch_3u_front() -> None:
    """The shipped example: EIA-310 width 482.6 mm (19 in), a 3U front panel 132.5 mm
    high, the rack slots on the standard's hole pattern, every field a shop needs."""
    panel = load_panel(EXAMPLE)
    assert (panel.width, panel.height) == (482.6, 132.5)
    assert panel.material and panel.finish and panel.general_tolerance == "ISO 2768-m"
    assert panel.notes
    side = (482.6 - 465.1) / 2  # EIA-310: holes 465.1 mm apart, centred on the panel
    low = 6.35 - (3 * 44.45 - 132.5) / 2  # lowest rail hole, panel centred in its 3U
    high = 2 * 44.45 + 38.1 - (3 * 44.45 - 132.5) / 2  # highest hole of the third U
    corners = sorted((s.x, s.y) for s in panel.slots)
    expected = sorted((x, y) for x in (side, 482.6 - side) for y in (low, high))
    assert [v for xy in corners for v in xy] == pytest.approx(
        [v for xy in expected for v in xy], abs=1e-9
    )
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    expected_ids = {e["part"] for e in (*data["place"], *data["array"])}
    assert {p.part.id for p in panel.places} == expected_ids
    assert {"770-744/064-000", "770-1242/076-000", "gland-M20"} <= expected_ids
    assert len(panel.places) == sum(a["cols"] * a["rows"] for a in data["array"]) + len(
        data["place"]
    )
    labels = [p.label for p in (*panel.places, *panel.holes, *panel.slots)]
    assert all(labels) and len(set(labels)) == len(labels)


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
    ("sheet = 1.5", 'sheet = 1.5\nmaterial = "Al\\nMg3"', "panel.material", "control char"),
    ("sheet = 1.5", "sheet = 1.5\nfinish = 7035", "panel.finish", "not a text"),
    (
        "sheet = 1.5",
        'sheet = 1.5\ngeneral_tolerance = " "',
        "panel.general_tolerance",
        "not a text",
    ),
    ("sheet = 1.5", 'sheet = 1.5\nnotes = "deburr"', "panel.notes", "not a list of texts"),
    ("sheet = 1.5", "sheet = 1.5\nnotes = []", "panel.notes", "not a list of texts"),
    ("sheet = 1.5", 'sheet = 1.5\nnotes = ["a", "b\\nc"]', "panel.notes[1]", "control char"),
    ("sheet = 1.5", 'sheet = 1.5\nnotes = ["a", 2]', "panel.notes[1]", "not a text"),
    ("x = 50.0", f'x = 50.0\nlabel = "{"X" * 41}"', "place[0].label", "too long"),
    ("pitch_y = 35.0", "pitch_y = 35.0\nlabel = 1", "array[0].label", "not a text"),
    ("diameter = 4.5", 'diameter = 4.5\nlabel = ""', "hole[0].label", "not a text"),
    ("length = 10.0", "length = 5.0", "slot[0].length", "shorter than the slot's width"),
    ("length = 10.0", "length = 10.0\nangle = 45", "slot[0].angle", "multiple of 90"),
    ("length = 10.0", "length = 10.0\ntolerance = 0", "slot[0].tolerance", "out of range"),
    ("length = 10.0", "length = 10.0\nrotation = 90", "slot[0].rotation", "not a known field"),
    ("length = 10.0\n", "", "slot[0].length", "missing"),
    ("width = 6.5", "width = -1.0", "slot[0].width", "out of range"),
    ("x = 190.0", "x = 197.0", "slot[0].x", "off the sheet"),
    ("x = 190.0\ny = 50.0", "x = 190.0\ny = 97.0", "slot[0].y", "off the sheet"),
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
