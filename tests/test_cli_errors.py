"""Bad input gets a clear error and nothing else: exit 2, one line on stderr naming where,
field, value and what is allowed, no traceback, no file written."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from geom.data.checked import toml_error
from geom.data.templates import template_dirs

SHIPPED = template_dirs()[-1] / "770-744_064-000.toml"
CUTOUT_LINE = SHIPPED.read_text(encoding="utf-8").splitlines().index("[cutout]") + 1
"""The shipped template's `[cutout]` line: where a broken table header is reported."""


def _assert_refused(run, tmp_path: Path, *needles: str) -> None:
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("geom: ")
    assert "Traceback" not in run.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not any(tmp_path.glob("out/*")), "no file written"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-1", "out of range"),
        ("0", "out of range"),
        ("25", "out of range"),
        ("nan", "not finite"),
        ("inf", "not finite"),
        ("1,5", "not a number"),
        ("", "not a number"),
        ("1.6..1.4", "a falling range"),
    ],
)
@pytest.mark.parametrize("option", ["--sheet", "--plate"])
@pytest.mark.parametrize("command", ["check", "cutout"])
def test_bad_sheet(
    geom, tmp_path: Path, command: str, option: str, value: str, problem: str
) -> None:
    run = (
        geom(command, "770-744", option, value, "-o", tmp_path / "out")
        if command == "cutout"
        else geom(command, "770-744", option, value)
    )
    _assert_refused(run, tmp_path, option, problem)


@pytest.mark.parametrize(("value", "why"), [("2.5", "too thick"), ("0.3", "too thin")])
def test_a_sheet_the_part_cannot_grip_fails_the_fit_not_the_input(
    geom, tmp_path: Path, value: str, why: str
) -> None:
    """A sheet is bad input only when it is no sheet; one outside the grip range is a
    failing fit (exit 1) that says which sheets would grip."""
    run = geom("cutout", "770-744", "--sheet", value, "-o", tmp_path / "out", "--json")
    assert run.code == 1, run.err
    (grip,) = (c for c in run.json()["checks"] if c["name"] == "grip")
    assert not grip["ok"] and why in grip["message"]
    assert "sheet 0.500 .. 2.000 mm grips" in grip["message"]
    assert not (tmp_path / "out" / "770-744_064-000-cutout.dxf").exists()


def test_old_plate_option_still_works_with_a_note(geom) -> None:
    old = geom("check", "770-744", "--plate", "1.5", "--json")
    new = geom("check", "770-744", "--sheet", "1.5", "--json")
    assert old.code == new.code == 0 and old.out == new.out
    notes = [line for line in old.err.splitlines() if line.startswith("geom: note:")]
    assert notes == [
        "geom: note: --plate is now --sheet (the bare sheet, before coating); "
        "--plate still works for now"
    ]
    assert "note" not in new.err
    both = geom("check", "770-744", "--plate", "1.5", "--sheet", "1.5")
    assert both.code == 2 and "given with --sheet" in both.err


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-0.1", "out of range"),
        ("0.6", "out of range"),
        ("nan", "not finite"),
        ("0.1..0.05", "a falling range"),
        ("0.05..", "not a number"),
    ],
)
def test_bad_coating(geom, tmp_path: Path, value: str, problem: str) -> None:
    run = geom("cutout", "770-744", "--coating", value, "-o", tmp_path / "out")
    _assert_refused(run, tmp_path, "--coating", problem)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("770-999", "not a known part"),
        ("770-", "an ambiguous prefix"),
        ("nothing/here.toml", "not a template file"),
    ],
)
def test_unknown_part(geom, tmp_path: Path, name: str, problem: str) -> None:
    _assert_refused(geom("cutout", name, "-o", tmp_path / "out"), tmp_path, "PART", problem)


INLINE = [
    "--poles",
    "4",
    "--pin-spacing",
    "10",
    "--width",
    "45.5",
    "--height",
    "18.5",
    "--depth",
    "36",
    "--plate-min",
    "0.5",
    "--plate-max",
    "2",
    "--tolerance",
    "0.1",
]


COLLAR = [
    "--collar-width",
    "41.5",
    "--collar-height",
    "15.5",
    "--collar-corner-radius",
    "1",
    "--latch-span",
    "44.3",
]


def test_inline_part_works(geom, tmp_path: Path) -> None:
    run = geom("cutout", *INLINE, *COLLAR, "--id", "my-socket", "-o", tmp_path / "out")
    assert run.code == 0, run.err
    assert (tmp_path / "out" / "my-socket-cutout.dxf").exists()
    report = geom("check", *INLINE, *COLLAR, "--json").json()
    assert report["cutout_mm"]["width"] == pytest.approx(41.55)
    assert "cutout.width" in report["assumed"]
    given = geom(
        "check",
        *INLINE,
        *COLLAR,
        "--cutout-width",
        "42",
        "--cutout-height",
        "15",
        "--corner-radius",
        "0.3",
        "--json",
    ).json()
    assert given["band_mm"]["width"]["min"] == 42
    assert "cutout.width" not in given["assumed"] and given["cut_assumed"] is False


def test_inline_part_without_its_collar_is_unverified_not_passed(geom, tmp_path: Path) -> None:
    """No collar given: the checks resting on it cannot be computed, so they fail as
    UNVERIFIED (never a pass from a collar made of the cutout itself)."""
    run = geom("check", *INLINE, "--json")
    assert run.code == 1
    checks = {c["name"]: c for c in run.json()["checks"]}
    unverified = {n for n, c in checks.items() if not c["verified"]}
    assert unverified == {"clearance", "corner_radius", "flange_overlap", "latch_reach"}
    assert all(not checks[n]["ok"] for n in unverified)
    assert "--collar-width" in checks["clearance"]["message"]
    assert "--latch-span" in checks["latch_reach"]["message"]
    text = geom("check", *INLINE)
    assert "UNVERIFIED clearance" in text.out and "FIT FAILS" in text.out
    # The collar given: its own fit decides, and it can fail.
    small = ["--collar-width", "41.2", *COLLAR[2:]]
    loose = geom("check", *INLINE, *small)
    assert loose.code == 1 and "play" in loose.out


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--width", "-45.5", "out of range"),
        ("--height", "nan", "not finite"),
        ("--depth", "1e9", "out of range"),
        ("--poles", "2.5", "not a whole number"),
        ("--tolerance", "0", "out of range"),
        ("--height", "2", "too small to assume a cutout"),
    ],
)
def test_bad_inline_value(geom, tmp_path: Path, option: str, value: str, problem: str) -> None:
    args = list(INLINE)
    args[args.index(option) + 1] = value
    run = geom("cutout", *args, "-o", tmp_path / "out")
    _assert_refused(run, tmp_path, option, problem)


def test_inline_missing_field_and_mixed_with_part(geom, tmp_path: Path) -> None:
    run = geom("cutout", *INLINE[:-2], "-o", tmp_path / "out")
    _assert_refused(run, tmp_path, "--tolerance", "missing")
    run = geom("cutout", "770-744", "--width", "40", "-o", tmp_path / "out")
    _assert_refused(run, tmp_path, "--width", "given together with PART")
    _assert_refused(geom("check"), tmp_path, "PART", "missing")


BROKEN_TEMPLATES = [
    ('width = { value = 41.5, source = "assumed" }', "", "cutout.width", "missing"),
    (
        "[flange]\nthickness",
        "[flange]\nthicknes",
        "flange.thickness",
        "missing (is 'thicknes' a typo of it?)",
    ),
    ("min_catch =", "min_cach =", "latch.min_catch", "missing (is 'min_cach' a typo of it?)"),
    ("[flange]\n", "[flange]\nthicknes = 1\n", "flange.thicknes", "not a known field"),
    (
        'width = { value = 41.5, source = "assumed" }',
        'width = { value = "41.5", source = "assumed" }',
        "cutout.width.value",
        "not a number",
    ),
    (
        'width = { value = 41.5, source = "assumed" }',
        'width = { value = -41.5, source = "assumed" }',
        "cutout.width.value",
        "out of range",
    ),
    (
        'width = { value = 41.5, source = "assumed" }',
        'width = { value = nan, source = "assumed" }',
        "cutout.width.value",
        "not finite",
    ),
    (
        'width = { value = 41.5, source = "assumed" }',
        'width = { value = 41.5, source = "wago" }',
        "cutout.width.source",
        "not a known choice",
    ),
    ("poles = { value = 4,", "poles = { value = 4.5,", "part.poles.value", "not a whole number"),
    ("max = { value = 2.0,", "max = { value = 0.2,", "grip.min", "above grip.max"),
    ('axis = "width"', 'axis = "diagonal"', "latch.axis", "not a known choice"),
    (
        'depth_policy = "max"',
        'depth_policy = "deepest"',
        "envelope.depth_policy",
        "not a known choice",
    ),
    ('id = "770-744/064-000"', 'id = "../../etc/x"', "part.id", "not usable in a file name"),
    ("[cutout]", "[cutout", f"line {CUTOUT_LINE}, column 8", "not valid TOML"),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    BROKEN_TEMPLATES,
    ids=[b[2] + ":" + b[3] for b in BROKEN_TEMPLATES],
)
def test_broken_template(
    geom, tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = geom("cutout", bad, "-o", tmp_path / "out")
    _assert_refused(run, tmp_path, "bad.toml:", field, problem)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "missing"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"\x00\x01\x02\x03", "not valid TOML"),
    ],
)
def test_empty_binary_and_non_utf8_templates(
    geom, tmp_path: Path, content: bytes, problem: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(content)
    _assert_refused(geom("check", bad), tmp_path, "bad.toml:", problem)


PANEL_START = "[panel]\nwidth = 300.0\n"


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        (
            "check",
            SHIPPED.read_text(encoding="utf-8").replace("[cutout]", "[cutout", 1),
            f"line {CUTOUT_LINE}, column 8: '[cutout' is not valid TOML",
        ),
        (
            "cutout",
            "a = 1\n\n  x = 3.0.0\n",
            "line 3, column 10: '  x = 3.0.0' is not valid TOML (expected newline",
        ),
        (
            "panel",
            PANEL_START + "height = = 200.0\n",
            "line 3, column 10: 'height = = 200.0' is not valid TOML (invalid value)",
        ),
        (  # tomllib says "at end of document": the position is computed from the text
            "panel",
            PANEL_START + "coating = [0.05,",
            "line 3, column 17: 'coating = [0.05,' is not valid TOML (invalid value)",
        ),
    ],
    ids=["template-check", "template-cutout", "panel", "panel-end-of-document"],
)
def test_toml_syntax_error_names_line_and_column(
    geom, tmp_path: Path, command: str, text: str, expected: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    args = [command, bad] if command == "check" else [command, bad, "-o", tmp_path / "out"]
    run = geom(*args)
    _assert_refused(run, tmp_path, f"geom: {bad}:{expected}", "; allowed TOML syntax")


def test_toml_error_position_from_the_exception_attributes() -> None:
    """Python 3.14's TOMLDecodeError carries msg, lineno and colno: they are used as given."""
    exc = tomllib.TOMLDecodeError("Invalid value (at line 2, column 5)")
    exc.msg, exc.lineno, exc.colno = "Invalid value", 2, 5
    error = toml_error("t.toml", "a = 1\nb = \n", exc)
    assert str(error) == (
        "t.toml:line 2, column 5: 'b =' is not valid TOML (invalid value); allowed TOML syntax"
    )
    unplaced = toml_error("t.toml", "", tomllib.TOMLDecodeError("Something else"))
    assert str(unplaced) == (
        "t.toml:(file): the file is not valid TOML (something else); allowed TOML syntax"
    )


def test_duplicate_ids_in_one_directory(
    geom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_bytes(SHIPPED.read_bytes())
    monkeypatch.setenv("GEOM_TEMPLATES", str(tmp_path))
    listed = geom("list")
    assert listed.code == 0 and "770-744/064-000" not in listed.out and "dsub-E9" in listed.out
    (warning,) = listed.err.splitlines()
    assert warning.startswith("geom: warning: ") and "b.toml:part.id" in warning
    assert "a duplicate of" in warning and "(this template is skipped)" in warning
    used = geom("check", "770-744/064-000")
    assert used.code == 2 and used.err.splitlines()[-1].startswith("geom: ")
    assert "b.toml:part.id" in used.err.splitlines()[-1]


def test_output_directory_is_a_file(geom, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a directory")
    run = geom("cutout", "770-744", "-o", target)
    assert run.code == 2 and "is not a directory" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_argparse_errors_are_one_line_exit_2(geom, tmp_path: Path) -> None:
    for args in (
        ["cutout", "770-744", "--target", "middle"],
        ["frobnicate"],
        ["check", "770-744", "--plate"],
    ):
        with pytest.raises(SystemExit) as exc:
            geom(*args)
        assert exc.value.code == 2


def test_subprocess_one_line_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    (tmp_path / "bad.toml").write_text("[panel]\nwidth = = 1\n", encoding="utf-8")
    for args in (
        ["cutout", "770-744", "--sheet", "-2.5", "-o", str(tmp_path / "out")],
        ["cutout", "770-744", "--target", "middle"],
        ["check", str(tmp_path / "missing.toml")],
        ["panel", str(tmp_path / "bad.toml"), "-o", str(tmp_path / "out")],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "geom", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "bad_id",
    ["../escape", "/etc/passwd", "a\x00b", "..", "a\\b", "a b", "x:y", ".hidden", "a//b/.."],
)
def test_ids_that_would_write_outside_the_output_directory(
    geom, tmp_path: Path, bad_id: str
) -> None:
    run = geom("cutout", *INLINE, "--id", bad_id, "-o", tmp_path / "out")
    _assert_refused(run, tmp_path, "part.id")
    assert not any(tmp_path.parent.glob("escape*"))


def test_output_directory_that_cannot_be_created(geom, tmp_path: Path) -> None:
    run = geom("cutout", "770-744", "-o", "/proc/geom-cannot-be-here")
    assert run.code == 2 and run.err.startswith("geom: /proc/geom-cannot-be-here")
    assert len(run.err.strip().splitlines()) == 1


def test_debug_shows_the_traceback(geom) -> None:
    with pytest.raises(ValueError, match="--sheet"):
        geom("--debug", "check", "770-744", "--sheet", "70")


def test_errors_cross_process_boundaries_whole() -> None:
    """A catalog's broken templates travel to its worker processes: every error geom
    raises pickles with its fields (a bare Exception pickle would call __init__ with the
    message alone and kill the worker: measured, BrokenProcessPool for every job)."""
    import pickle

    from geom.errors import MISSING, InputError, MissingExtra

    for error in (
        InputError("a.toml", "cutout.width", -41.5, "out of range", "0.001 <= x <= 1000 mm"),
        InputError("a.toml", "panel.width", MISSING, "missing", "a number"),
        MissingExtra("geom.cq (the CadQuery plugin)", "CadQuery", "cadquery"),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING
