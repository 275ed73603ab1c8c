"""The input boundary holds what the writers can write: inputs drawn across every
documented range (panels, bent panels, cut layouts, templates, free contours, the
smallest sizes and the extremes included) are either refused at the boundary as bad
input (`InputError`, one line in the documented form) or written lint-clean: never a
lint refusal, never any other exception.

Example counts come from the hypothesis profile (tests/profiles.py): `geom-ci` (the default)
is derandomized; `HYPOTHESIS_PROFILE=geom-deep` runs five times as many at random. mm.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from geom.cli import main
from geom.data.templates import load_catalog
from geom.errors import InputError

FORM = re.compile(r"^geom: \S.*?:[^ ].*?: (missing.*|.+? is .+?); allowed .+$")
"""`geom: <where>:<field>: <value> is <problem>; allowed <range>`, or `missing; allowed`."""

SHAPES = Path(__file__).parent / "data" / "shapes"
CATALOG = load_catalog()
PARTS = ["gland-M20", "dsub-E9", "770-744/064-000", "pushbutton-22-22.3", "iec61554-48x24"]
RES = 0.001
"""The smallest size the documents allow (mm)."""

lenient = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def size(low: float, high: float) -> st.SearchStrategy[float]:
    """A size in [low, high] mm: the ends, the smallest allowed, and values between,
    often small (log-spread)."""
    spread = st.floats(math.log10(low), math.log10(high)).map(lambda e: min(high, 10**e))
    return st.one_of(st.sampled_from([low, high, low * 1.5]), spread, st.floats(low, high))


def _refused_in_form(exc: InputError) -> None:
    event(f"refused: {exc.field.split('[')[0]}")
    line = f"geom: {exc}"
    assert "\n" not in line and FORM.match(line), line


# --- panels and bent panels ---------------------------------------------------------------


@st.composite
def panels(draw: st.DrawFn, bent: bool = False) -> str:
    w, h = draw(size(RES, 3000.0)), draw(size(RES, 3000.0))
    lines = [
        "[panel]",
        f"width = {w!r}",
        f"height = {h!r}",
        f"corner_radius = {0.0 if bent else draw(st.floats(0.0, min(w, h) / 2))!r}",
        f"sheet = {draw(size(RES, 20.0))!r}",
        f'process = "{draw(st.sampled_from(["laser", "punch"]))}"',
    ]
    faces = ["base"]
    if bent:
        # A list, not a set: a set of strings iterates in an order that moves with the
        # process's hash seed, and the examples with it (measured: two digests).
        edges = st.lists(st.sampled_from(["bottom", "top", "left", "right"]), unique=True)
        for edge in draw(edges):
            faces.append(edge)
            lines += [
                "[[flange]]",
                f'edge = "{edge}"',
                f"height = {draw(size(RES, 3000.0))!r}",
                f"angle = {draw(st.floats(1.0, 180.0))!r}",
                f'direction = "{draw(st.sampled_from(["up", "down"]))}"',
            ]
            if draw(st.booleans()):
                lines.append(f"radius = {draw(size(0.01, 100.0))!r}")
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["hole", "slot", "place"]))
        lines.append(f"[[{kind}]]")
        if bent:
            lines.append(f'face = "{draw(st.sampled_from(faces))}"')
        lines += [f"x = {draw(st.floats(0.0, w))!r}", f"y = {draw(st.floats(0.0, h))!r}"]
        if kind == "hole":
            lines.append(f"diameter = {draw(size(RES, 500.0))!r}")
        elif kind == "slot":
            width = draw(size(RES, 500.0))
            lines += [
                f"width = {width!r}",
                f"length = {draw(size(width, 3000.0))!r}",
                f"angle = {draw(st.sampled_from([0, 90, -90, 180]))}",
            ]
        else:
            lines += [
                f'part = "{draw(st.sampled_from(PARTS))}"',
                f"rotation = {draw(st.sampled_from([0, 90, 180, 270]))}",
            ]
    return "\n".join(lines) + "\n"


def _write_panel(tmp_path: Path, text: str) -> None:
    """Read the panel; if it reads, write its files (forced, no STEP): a lint refusal
    escapes run_panel only for a layout that breaks no rule, and fails the test."""
    from geom.panel.bent_job import run_bent
    from geom.panel.job import run_panel
    from geom.panel.model import load_panel

    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    try:
        panel = load_panel(path, CATALOG)
    except InputError as exc:
        _refused_in_form(exc)
        return
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    run = run_bent if panel.bends is not None else run_panel
    files = run(panel, out, force=True, step=False)
    assert files.refused is None or files.violations, files.refused
    event("written" if files.dxf else "refused by the layout rules")


@lenient
@given(text=panels())
def test_any_panel_in_the_documented_ranges_reads_and_writes_clean(
    tmp_path: Path, text: str
) -> None:
    _write_panel(tmp_path, text)


@lenient
@given(text=panels(bent=True))
def test_any_bent_panel_in_the_documented_ranges_reads_and_writes_clean(
    tmp_path: Path, text: str
) -> None:
    _write_panel(tmp_path, text)


# --- cut layouts (read only: cutting needs an enclosure) -----------------------------------


@st.composite
def layouts(draw: st.DrawFn) -> str:
    lines = ["[face]", 'select = ">Z"', f"coating = {draw(st.floats(0.0, 0.5))!r}"]
    for _ in range(draw(st.integers(0, 3))):
        lines += [
            "[[hole]]",
            f"x = {draw(st.floats(0.0, 3000.0))!r}",
            f"y = {draw(st.floats(0.0, 3000.0))!r}",
            f"diameter = {draw(size(RES, 500.0))!r}",
        ]
    return "\n".join(lines) + "\n"


@lenient
@given(text=layouts())
def test_any_cut_layout_reads_or_is_refused_in_form(tmp_path: Path, text: str) -> None:
    from geom.panel.cut_layout import load_cut_layout

    path = tmp_path / "lid.toml"
    path.write_text(text, encoding="utf-8")
    try:
        layout = load_cut_layout(path, CATALOG)
    except InputError as exc:
        _refused_in_form(exc)
        return
    assert all(h.diameter >= RES for h in layout.holes)


# --- templates and free contours, through `geom cutout --force` -----------------------------


def _cutout(tmp_path: Path, cutout: str, collar: str) -> None:
    """Write a snap-in template with this [cutout] and [collar] and run `geom cutout
    --force` on it: exit 2 with one line in form, or a DXF the lint passed."""
    base = (SHAPES / "contour-snap.toml").read_text(encoding="utf-8")
    head = base[: base.index("[cutout]")]
    tail = base[base.index("[flange]") : base.index("[collar]")]
    latch = base[base.index("[latch]") :]
    text = f"{head}[cutout]\n{cutout}\n{tail}[collar]\n{collar}\n\n{latch}"
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["cutout", str(path), "-o", str(out), "--force", "--sheet", "1.0"])
    lines = err.getvalue().splitlines()
    assert "DXF lint" not in err.getvalue() and "Traceback" not in err.getvalue(), lines
    if code == 2:
        assert len(lines) == 1 and FORM.match(lines[0]), lines
        event(f"refused: {lines[0].split(': ')[1].rpartition(':')[2]}")
    else:
        event("written")
        assert code in (0, 1), lines
        assert (out / "test_contour-snap-cutout.dxf").is_file(), lines


def _q(value: float) -> str:
    return f'{{ value = {value!r}, source = "test" }}'


@st.composite
def shapes(draw: st.DrawFn) -> tuple[str, str]:
    """A [cutout] of any shape with sizes across their ranges, and a [collar] of the
    shape's sizes a little under them."""
    kind = draw(st.sampled_from(["rect", "circle", "obround", "trapezoid", "polygon", "d"]))
    w, h = draw(size(RES, 60.0)), draw(size(RES, 60.0))
    cut = [f'shape = "{kind}"', f"tolerance = {_q(draw(size(RES, 5.0)))}"]
    collar: dict[str, float] = {}
    if kind in ("rect", "obround", "trapezoid"):
        cut += [f"width = {_q(w)}", f"height = {_q(h)}"]
        collar = {"width": w * 0.9, "height": h * 0.9}
    if kind == "rect":
        cut.append(f"corner_radius = {_q(draw(st.floats(0.0, min(w, h) / 2)))}")
        collar["corner_radius"] = 0.0
    elif kind == "circle":
        cut.append(f"diameter = {_q(w)}")
        collar = {"diameter": w * 0.9}
    elif kind == "trapezoid":
        closing = math.degrees(math.atan(w / (2 * h)))
        angle = draw(st.one_of(st.floats(0.0, 45.0), st.just(min(45.0, closing - 1e-4))))
        cut.append(f"side_angle = {_q(angle)}")
    elif kind == "polygon":
        cut += [f"sides = {_q(draw(st.integers(3, 64)))}", f"across_flats = {_q(w)}"]
        collar = {"across_flats": w * 0.9}
    elif kind == "d":
        af = draw(st.floats(RES, w))
        cut += [f"diameter = {_q(w)}", f"across_flat = {_q(af)}"]
        collar = {"diameter": w * 0.9}
    return "\n".join(cut), "\n".join(f"{k} = {_q(v)}" for k, v in collar.items())


@lenient
@given(case=shapes())
def test_any_template_shape_is_refused_in_form_or_cut_clean(
    tmp_path: Path, case: tuple[str, str]
) -> None:
    _cutout(tmp_path, *case)


@st.composite
def contours(draw: st.DrawFn) -> tuple[str, float, float]:
    """A star-shaped loop of 3 to 8 corners round the origin, each piece a line or an
    arc bulging out or in, mutated now and then into a degenerate one (a repeated or
    near-repeated corner, a spike, two corners swapped so the loop crosses itself);
    with its rough width and height (the corners' extent)."""
    n = draw(st.integers(3, 8))
    steps = draw(st.lists(st.integers(0, 35), min_size=n, max_size=n, unique=True))
    turns = [k / 36 for k in sorted(steps)]
    radius = st.one_of(st.floats(2.0, 20.0), st.floats(2.0, 20.0), size(RES, 20.0))
    radii = draw(st.lists(radius, min_size=n, max_size=n))
    points = [
        (r * math.cos(2 * math.pi * t), r * math.sin(2 * math.pi * t))
        for r, t in zip(radii, turns, strict=True)
    ]
    mutation = draw(st.sampled_from(["none"] * 6 + ["repeat", "near", "spike", "swap"]))
    k = draw(st.integers(0, n - 1))
    if mutation == "repeat":
        points.insert(k, points[k])
    elif mutation == "near":
        points.insert(k, (points[k][0] + 1e-7, points[k][1]))
    elif mutation == "spike":
        (x, y), (x1, y1) = points[k], points[(k + 1) % n]
        points[k + 1 : k + 1] = [(x + 2 * (x1 - x), y + 2 * (y1 - y)), (x1, y1)]
    elif mutation == "swap":
        points[k], points[(k + 1) % n] = points[(k + 1) % n], points[k]
    pieces = []
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        chord = math.hypot(x1 - x0, y1 - y0)
        sweep = draw(st.sampled_from([0.0, 0.0, 0.0, 20.0, 60.0, -20.0]))
        if sweep == 0 or chord == 0:
            pieces.append(f"{{ line = [[{x0!r}, {y0!r}], [{x1!r}, {y1!r}]] }}")
            continue
        r = chord / (2 * math.sin(math.radians(abs(sweep)) / 2))
        mid = math.atan2(y1 - y0, x1 - x0)
        off = r * math.cos(math.radians(sweep) / 2)  # centre left of the chord: bulging out
        side = 1.0 if sweep > 0 else -1.0
        cx = (x0 + x1) / 2 - side * off * math.sin(mid)
        cy = (y0 + y1) / 2 + side * off * math.cos(mid)
        a0 = math.degrees(math.atan2(y0 - cy, x0 - cx))
        a1 = math.degrees(math.atan2(y1 - cy, x1 - cx))
        start, end = (a0, a1) if sweep > 0 else (a1, a0)
        pieces.append(
            f"{{ arc = {{ centre = [{cx!r}, {cy!r}], radius = {r!r}, "
            f"start = {start!r}, end = {end!r} }} }}"
        )
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    segments = f'segments = {{ value = [{", ".join(pieces)}], source = "test" }}'
    return segments, max(xs) - min(xs), max(ys) - min(ys)


@lenient
@given(case=contours())
def test_any_free_contour_is_refused_in_form_or_cut_clean(
    tmp_path: Path, case: tuple[str, float, float]
) -> None:
    segments, w, h = case
    cut = f'shape = "contour"\n{segments}\ntolerance = {_q(0.2)}'
    collar = f"width = {_q(max(RES, 0.9 * w))}\nheight = {_q(max(RES, 0.9 * h))}"
    _cutout(tmp_path, cut, collar)


def test_the_cases_found_in_the_field_are_refused_in_form(tmp_path: Path) -> None:
    """A repeated vertex, an out-and-back spike, an inward corner at an arc, a bow tie,
    a loop touching itself, a point of 400 digits: each one line, exit 2."""
    line = "{{ line = [[{}, {}], [{}, {}]] }}"

    def loop(*pts: tuple[float | str, float | str]) -> str:
        pieces = [line.format(*a, *b) for a, b in zip(pts, pts[1:] + pts[:1], strict=True)]
        return f'shape = "contour"\nsegments = {{ value = [{", ".join(pieces)}], source = "test" }}'

    big = "1" + "0" * 400
    for segments in (
        loop((-10, -8), (10, -8), (10, -8), (10, 8), (-10, 8)),  # a repeated vertex
        loop((-10, -8), (10, -8), (15, -8), (10, -8), (10, 8), (-10, 8)),  # a spike
        loop((-10, -8), (10, 8), (10, -8), (-10, 8)),  # a bow tie
        loop((-10, -8), (10, -8), (0, 0), (10, 8), (-10, 8), (0, 0)),  # touching itself
        loop((f"-{big}", -8), (10, -8), (10, 8), (-10, 8)),  # beyond any float
    ):
        cut = f"{segments}\ntolerance = {_q(0.2)}"
        _refused_in_cutout(tmp_path, cut)
    inward = (
        'shape = "contour"\nsegments = { value = [{ line = [[-10.0, -8.0], [10.0, -8.0]] }, '
        "{ line = [[10.0, -8.0], [10.0, 8.0]] }, { line = [[10.0, 8.0], [5.0, 8.0]] }, "
        "{ arc = { centre = [0.0, 8.0], radius = 5.0, start = 0.0, end = 180.0 } }, "
        "{ line = [[-5.0, 8.0], [-10.0, 8.0]] }, { line = [[-10.0, 8.0], [-10.0, -8.0]] }], "
        f'source = "test" }}\ntolerance = {_q(0.2)}'
    )
    _refused_in_cutout(tmp_path, inward, "inward corner at (5, 8) joins an arc")


def _refused_in_cutout(tmp_path: Path, cut: str, *needles: str) -> Any:
    base = (SHAPES / "contour-snap.toml").read_text(encoding="utf-8")
    start, end = base.index("[cutout]"), base.index("[flange]")
    path = tmp_path / "t.toml"
    path.write_text(f"{base[:start]}[cutout]\n{cut}\n\n{base[end:]}", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["cutout", str(path), "-o", str(tmp_path / "out")])
    lines = err.getvalue().splitlines()
    assert code == 2 and len(lines) == 1 and FORM.match(lines[0]), lines
    assert lines[0].startswith(f"geom: {path}:cutout.segments.value: "), lines
    assert all(n in lines[0] for n in needles), lines
    assert not (tmp_path / "out").exists()
