"""Every bad input is refused in one form: exit 2, one line on stderr
`geom: <where>:<field>: <value> is <problem>; allowed <range>` (a missing field:
`<where>:<field>: missing; allowed <range>`), no traceback, and the output folder as it
was. A corpus of bad inputs, each kind geom reads: panel files, bent panels, cut
layouts, templates, free contours inline and in a DXF, part names, option values, the
command line itself. Sizes in mm."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geom.data.templates import template_dirs

FORM = re.compile(
    r"^geom: (?P<where>\S.*?):(?P<field>[^ ].*?): (missing.*|.+? is .+?); allowed .+$"
)

SHAPES = Path(__file__).parent / "data" / "shapes"
BIG = "1" + "0" * 400
"""An integer of 401 digits: beyond any float."""

PANEL = """[panel]
width = 100.0
height = 80.0
sheet = 1.5
process = "laser"

[[hole]]
x = 20.0
y = 20.0
diameter = 6.0

[[slot]]
x = 70.0
y = 20.0
width = 5.0
length = 12.0

[[place]]
part = "gland-M20"
x = 50.0
y = 50.0
"""

BENT = """[panel]
width = 100.0
height = 80.0
sheet = 1.5
process = "laser"

[[flange]]
edge = "bottom"
height = 20.0
angle = 90.0
direction = "down"
radius = 1.5
"""

LAYOUT = """[face]
select = ">Z"

[[hole]]
x = 20.0
y = 20.0
diameter = 6.0
"""

PANEL_CASES = [
    ("width = 100.0", "", "panel.width", "missing; allowed 0.001 <= x <= 3000 mm"),
    ("sheet = 1.5", "", "panel.sheet", "missing; allowed"),
    ('process = "laser"', "", "panel.process", "missing; allowed laser or punch"),
    ("width = 100.0", "width = 0", "panel.width", "0 is out of range"),
    ("width = 100.0", "width = -1.0", "panel.width", "out of range"),
    ("width = 100.0", f"width = {BIG}", "panel.width", "is out of range"),
    ("width = 100.0", "width = 1e400", "panel.width", "inf is not finite"),
    ("width = 100.0", "width = nan", "panel.width", "nan is not finite"),
    ("width = 100.0", 'width = "100"', "panel.width", "'100' is not a number"),
    ("width = 100.0", "width = true", "panel.width", "True is not a number"),
    ("width = 100.0", "widht = 100.0", "panel.width", "missing (is 'widht' a typo of it?)"),
    ("sheet = 1.5", "sheet = 1e-9", "panel.sheet", "allowed 0.001 <= x <= 20 mm"),
    ("diameter = 6.0", "diameter = 1e-6", "hole[0].diameter", "allowed 0.001 <= x <= 500 mm"),
    ("diameter = 6.0", "", "hole[0].diameter", "missing; allowed 0.001 <= x <= 500 mm"),
    ("x = 20.0", f"x = {BIG}", "hole[0].x", "is out of range"),
    ("width = 5.0", "width = 1e-7", "slot[0].width", "allowed 0.001 <= x <= 500 mm"),
    ('part = "gland-M20"', 'part = "gland-m20"', "place[0].part", "did you mean gland-M20?"),
    ('part = "gland-M20"', 'part = "gland"', "place[0].part", "an ambiguous prefix of 8 parts"),
    ('part = "gland-M20"', "", "place[0].part", "missing; allowed"),
    ("x = 50.0", "x = 50.0\ncolour = 1", "place[0].colour", "'colour' is not a known field"),
]


def _refused(geom, args: list[str | Path], out: Path) -> str:
    """Run geom with a filled output folder; assert the form and that the folder is as
    it was. The one line, returned."""
    out.mkdir(exist_ok=True)
    (out / "keep.txt").write_text("an earlier run's file", encoding="utf-8")
    run = geom(*args, "-o", out) if args[0] != "check" else geom(*args)
    lines = run.err.splitlines()
    assert run.code == 2, (run.code, run.err)
    assert len(lines) == 1 and "Traceback" not in run.err, run.err
    assert FORM.match(lines[0]), lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "an earlier run's file"
    return lines[0]


@pytest.mark.parametrize(("old", "new", "field", "words"), PANEL_CASES)
def test_a_bad_panel_is_one_line_in_form(
    geom, tmp_path: Path, old: str, new: str, field: str, words: str
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(PANEL.replace(old, new, 1), encoding="utf-8")
    line = _refused(geom, ["panel", path], tmp_path / "out")
    assert line.startswith(f"geom: {path}:{field}: "), line
    assert words in line, line


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        # DIN 6935's k is negative below r/s = 10**-1.3 = 0.0501: on 1.5 mm sheet the
        # bound is 0.07518 mm, stated (and checked) as the next micron up, 0.076 mm.
        ("radius = 1.5", "radius = 0.075", "0.075 is too tight for DIN 6935"),
        ("height = 20.0", "height = 0.0005", "allowed 0.001 <= x <= 3000 mm"),
        ('edge = "bottom"', 'edge = "bottm"', "'bottm' is not a known choice"),
        ('direction = "down"', "", "missing; allowed up or down"),
    ],
)
def test_a_bad_bent_panel_is_one_line_in_form(
    geom, tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = tmp_path / "b.toml"
    path.write_text(BENT.replace(old, new, 1), encoding="utf-8")
    line = _refused(geom, ["panel", path], tmp_path / "out")
    assert words in line, line
    if "DIN" in words:
        assert line.endswith("allowed radius >= 0.076 mm, or a [bend] k_factor"), line


def test_the_din_bound_stated_is_the_bound_checked(geom, tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(BENT.replace("radius = 1.5", "radius = 0.076"), encoding="utf-8")
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 0, run.err


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "[[hole]]\nx = 20.0\ny = 20.0\ndiameter = 6.0\n",
            "",
            "lid.toml:place: missing: the layout is empty, nothing to cut; allowed one or more",
        ),
        ('select = ">Z"', "", "face.select: missing (and point and normal"),
        ("diameter = 6.0", "diameter = 1e-5", "allowed 0.001 <= x <= 500 mm"),
    ],
)
def test_a_bad_cut_layout_is_one_line_in_form(
    geom, tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = tmp_path / "lid.toml"
    path.write_text(LAYOUT.replace(old, new, 1), encoding="utf-8")
    line = _refused(geom, ["cut", tmp_path / "no-box.step", path], tmp_path / "out")
    assert words in line, line


def _template(tmp_path: Path, cutout: str) -> Path:
    base = (SHAPES / "contour-snap.toml").read_text(encoding="utf-8")
    start, end = base.index("[cutout]"), base.index("[flange]")
    path = tmp_path / "t.toml"
    path.write_text(f"{base[:start]}[cutout]\n{cutout}\n\n{base[end:]}", encoding="utf-8")
    return path


TOLERANCE = 'tolerance = { value = 0.2, source = "test" }'


@pytest.mark.parametrize(
    ("cutout", "words"),
    [
        (
            'shape = "trapezoid"\nwidth = { value = 10.0, source = "test" }\n'
            'height = { value = 10.0, source = "test" }\n'
            'side_angle = { value = 26.5650, source = "test" }',
            "cutout.side_angle: 26.565 is closing the trapezoid",
        ),
        ('shape = "circle"\ndiameter = { value = 1e-7, source = "test" }', "cutout.diameter"),
        ('shape = "contour"', "cutout.segments: missing; allowed"),
        ('shape = "contour"\ndxf = "nowhere.dxf"', "nowhere.dxf is unreadable"),
    ],
)
def test_a_bad_template_is_one_line_in_form(geom, tmp_path: Path, cutout: str, words: str) -> None:
    path = _template(tmp_path, f"{cutout}\n{TOLERANCE}")
    line = _refused(geom, ["cutout", path], tmp_path / "out")
    assert words in line, line


def _dxf(*entities: str) -> str:
    """An ASCII DXF of these ENTITIES-section entities (group code / value lines)."""
    body = "".join(entities)
    return f"0\nSECTION\n2\nENTITIES\n{body}0\nENDSEC\n0\nEOF\n"


def _lwpolyline(points: list[tuple[str, str]], closed: bool = True) -> str:
    pts = "".join(f"10\n{x}\n20\n{y}\n" for x, y in points)
    return f"0\nLWPOLYLINE\n8\n0\n90\n{len(points)}\n70\n{1 if closed else 0}\n{pts}"


SQUARE = [("-10", "-8"), ("10", "-8"), ("10", "8"), ("-10", "8")]


@pytest.mark.parametrize(
    ("dxf", "words"),
    [
        (_dxf(_lwpolyline(SQUARE), "0\nCIRCLE\n8\n0\n10\n0\n20\n0\n40\n2\n"), "CIRCLE is in"),
        (_dxf(_lwpolyline(SQUARE), "0\nSPLINE\n8\n0\n"), "SPLINE is in the file"),
        (_dxf(_lwpolyline(SQUARE), "0\nELLIPSE\n8\n0\n"), "ELLIPSE is in the file"),
        (_dxf(_lwpolyline(SQUARE), "0\nPOLYLINE\n8\n0\n"), "POLYLINE is in the file"),
        (_dxf(_lwpolyline([("nan", "0"), *SQUARE[1:]])), "where a finite number belongs"),
        (_dxf(_lwpolyline([])), "a polyline of 0 vertices"),
        (_dxf(_lwpolyline([*SQUARE[:2], ("10", "-8"), *SQUARE[2:]])), "within 0.001 mm"),
        (_dxf(_lwpolyline([("-10", "-8"), ("10", "8"), ("10", "-8"), ("-10", "8")])), "crossing"),
        (_dxf(_lwpolyline(SQUARE), _lwpolyline(SQUARE)), "2 closed loops is not one"),
    ],
)
def test_a_bad_contour_dxf_is_one_line_in_form_and_names_what_is_wrong(
    geom, tmp_path: Path, dxf: str, words: str
) -> None:
    (tmp_path / "outline.dxf").write_text(dxf, encoding="utf-8")
    path = _template(tmp_path, f'shape = "contour"\ndxf = "outline.dxf"\n{TOLERANCE}')
    line = _refused(geom, ["cutout", path], tmp_path / "out")
    assert line.startswith(f"geom: {tmp_path / 'outline.dxf'}:ENTITIES: "), line
    assert words in line, line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "dsub-e9"], "'dsub-e9' is not a known part (did you mean dsub-E9?)"),
        (
            ["check", "gland"],
            "'gland' is an ambiguous prefix of 8 parts; allowed one of gland-M12, gland-M16, "
            "gland-M20, gland-M25, gland-M32, gland-M40, gland-M50, gland-M63",
        ),
        (["check", "glnd-M20"], "did you mean gland-M20"),
        (["check", "770-744", "--coating", "0.06-0.12"], "MIN..MAX (e.g. 0.06..0.12)"),
        (["check", "770-744", "--sheet", "1e400"], "'1e400' is out of range"),
        (["check", "770-744", "--sheet", BIG], "is out of range"),
        (["check", "770-744", "--sheet", "0.0001"], "allowed 0.001 <= x <= 20 mm"),
        (["cutout", "770-744", "--target", "middle"], "'middle' is not a known choice"),
        (["check", "770-744", "--plate"], "--plate: missing its value"),
        (["check", "770-744", "--frobnicate"], "--frobnicate is not an option"),
    ],
)
def test_a_bad_command_line_is_one_line_in_form(
    geom, tmp_path: Path, args: list[str], words: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("an earlier run's file", encoding="utf-8")
    try:
        run = geom(*args)
        code, err = run.code, run.err
    except SystemExit as exc:  # argparse exits itself, after writing its line
        code, err = int(str(exc.code)), ""
    if not err:  # argparse wrote to the real stderr: run it again, captured
        import contextlib
        import io

        from geom.cli import main

        buffer = io.StringIO()
        with contextlib.redirect_stderr(buffer), pytest.raises(SystemExit):
            main([str(a) for a in args])
        err = buffer.getvalue()
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1 and FORM.match(lines[0]), err
    assert words in lines[0], lines[0]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_a_bad_template_in_a_users_folder_stays_local(
    geom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One `geom: warning:` line naming the broken file; every other part lists and
    builds; the broken part, used by id, is its own error."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "broken-toml.toml").write_text("[part\nid = 1\n", encoding="utf-8")
    broken = _template(tmp_path, 'shape = "contour"')
    (folder / "mine.toml").write_text(
        broken.read_text(encoding="utf-8").replace("test/contour-snap", "mine"), encoding="utf-8"
    )
    monkeypatch.setenv("GEOM_TEMPLATES", str(folder))
    listed = geom("list")
    assert listed.code == 0
    warnings = listed.err.splitlines()
    assert len(warnings) == 2 and all(w.startswith("geom: warning: ") for w in warnings)
    assert any(f"{folder / 'broken-toml.toml'}:line 1" in w for w in warnings), warnings
    assert any(f"{folder / 'mine.toml'}:cutout.segments: missing" in w for w in warnings)
    ids = [line.split()[0] for line in listed.out.splitlines()]
    shipped = sorted(p.stem for p in template_dirs()[-1].glob("*.toml"))
    assert "mine" not in ids and len(ids) >= len(shipped)
    built = geom("cutout", "gland-M20", "-o", tmp_path / "out")
    assert built.code == 0 and (tmp_path / "out" / "gland-M20-cutout.dxf").is_file()
    used = geom("check", "mine")
    assert used.code == 2
    assert used.err.splitlines()[-1].startswith(f"geom: {folder / 'mine.toml'}:cutout.segments")
