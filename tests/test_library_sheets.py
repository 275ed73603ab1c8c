"""Every library part on every sheet its data sheet names (the ends of its grip range),
alone on a panel of each process with that process's default shop: it passes, or the
failure is in docs/library.md's table with its cause, rule by rule, and the panel's
report offers a way out that holds. Where a rule of thumb meets what the data sheet fixes
(a part's own fixing holes nearer its cutout than the web rule), the data sheet wins and
the report says so with both figures."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from geom.data.templates import load_catalog
from geom.model.conditions import Conditions
from geom.model.fit import evaluate
from geom.model.tolerance import Size
from geom.panel.layout import check_layout
from geom.panel.model import PROCESSES, load_panel

CATALOG = load_catalog()
DOC = Path(__file__).resolve().parents[1] / "docs" / "library.md"
SECTION = "## Where a part fails on its own data"


def _alone(folder: Path, pid: str, sheet: float, process: str) -> Path:
    """The part centred on a square panel with room all round (mm)."""
    part = CATALOG.parts[pid]
    side = 2 * max(part.width, part.height) + 40
    path = folder / f"alone-{process}-{sheet:g}.toml"
    path.write_text(
        f'[panel]\nwidth = {side}\nheight = {side}\nsheet = {sheet}\nprocess = "{process}"\n'
        f'[[place]]\npart = "{pid}"\nx = {side / 2}\ny = {side / 2}\n',
        encoding="utf-8",
    )
    return path


def _sheets(pid: str) -> list[float]:
    grip = CATALOG.parts[pid].fit.grip
    return sorted({grip.min, grip.max})


def _documented() -> dict[tuple[str, str, str], str]:
    """(part, process, sheets) -> rules of the table in docs/library.md (a part fails on
    some sheets for other rules than on others: a row per set of rules)."""
    text = DOC.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (\w+) \| ([\d., ]+) \| ([\w., ]+) \|", text, re.M)
    out = {(pid, process, sheets.strip()): rules.strip() for pid, process, sheets, rules in rows}
    assert out, "the table is missing"
    return out


@pytest.mark.parametrize("pid", sorted(CATALOG.parts))
def test_every_part_on_its_own_sheets_passes_or_is_documented(pid: str, tmp_path: Path) -> None:
    documented = _documented()
    for sheet in _sheets(pid):  # `geom check` (no shop stated): every sheet passes
        assert evaluate(CATALOG.parts[pid], Conditions(Size.exact(sheet))).ok, (pid, sheet)
    for process in PROCESSES:
        failing: dict[float, str] = {}
        for sheet in _sheets(pid):
            found = check_layout(load_panel(_alone(tmp_path, pid, sheet, process), CATALOG))
            rules = sorted({v.rule for v in found})
            if rules:
                failing[sheet] = ", ".join(rules)
        rows = {k: v for k, v in documented.items() if k[:2] == (pid, process)}
        groups: dict[str, list[float]] = {}
        for sheet, rules in failing.items():
            groups.setdefault(rules, []).append(sheet)
        found = {(pid, process, ", ".join(f"{s:g}" for s in ss)): r for r, ss in groups.items()}
        assert found == rows, f"{pid} on a {process} default shop fails {failing}"


def test_every_documented_failure_has_a_way_out(geom: Callable[..., Run], tmp_path: Path) -> None:
    """The band is narrower than the default shop can hold: a shop that holds half the
    band (or better), offered in the report, makes the panel pass. A fixing hole smaller
    than the punch profile's smallest hole has none (the shop must laser or drill it): the
    report names the rule, the profile and its source."""
    for (pid, process, sheets), rules in sorted(_documented().items()):
        sheet = float(sheets.split(",")[0])
        out = tmp_path / f"{pid.replace('/', '_')}-{process}-{sheet:g}"
        run = geom("panel", _alone(tmp_path, pid, sheet, process), "-o", out)
        assert run.code == 1
        (report,) = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*-report.json")]
        if "hole_too_small" in rules:
            small = [v for v in report["violations"] if v["rule"] == "hole_too_small"]
            assert small and all(v["profile"] == "punch-default" for v in small), report
            assert all("1.2 t + 0.2" in v["source"] for v in small)
            continue
        changes = [w["change"] for w in report["ways_out"]]
        assert any(set(c) == {"shop_tolerance"} for c in changes), (pid, process, report)


def test_own_fixing_holes_nearer_than_the_web_rule_pass_and_say_so(
    geom: Callable[..., Run], tmp_path: Path
) -> None:
    """dsub-E9 on a 2 mm laser panel: its holes (3.05 +0.1/0, drawn 3.1) sit at +/-12.495
    (half the 24.99 mm screw pitch) beside a cutout 18.6 +0.2/0 wide (drawn 18.7): web
    12.495 - 18.7/2 - 3.1/2 = 1.595 mm, under the laser's web >= t = 2 mm. The data sheet
    fixes where the holes sit: the panel passes and its report says so with both figures."""
    web = 12.495 - (18.6 + 0.1) / 2 - (3.05 + 0.05) / 2
    path = tmp_path / "dsub.toml"
    path.write_text(
        '[panel]\nwidth = 100\nheight = 60\nsheet = 2.0\nprocess = "laser"\n'
        'shop_tolerance = 0.05\n[[place]]\npart = "dsub-E9"\nx = 50\ny = 30\n',
        encoding="utf-8",
    )
    run = geom("panel", path, "-o", tmp_path / "out")
    assert run.code == 0, run.out
    report = json.loads((tmp_path / "out" / "dsub-report.json").read_text(encoding="utf-8"))
    (note,) = [n for n in report["notes"] if "data sheet wins" in n]
    assert f"web of {web:.3f} mm" in note and "the 2.000 mm minimum" in note
    assert f"data sheet wins: {note}" in run.out
    # A plain hole as near the cutout is where the user put it: the rule of thumb holds.
    y = 30 + (9.86 + 0.1) / 2 + web + 3.1 / 2
    with path.open("a", encoding="utf-8") as f:
        f.write(f"[[hole]]\nx = 50.0\ny = {y}\ndiameter = 3.1\n")
    assert geom("panel", path, "-o", tmp_path / "out2").code == 1
    report = json.loads((tmp_path / "out2" / "dsub-report.json").read_text(encoding="utf-8"))
    webs = [v for v in report["violations"] if v["rule"] == "web"]
    assert [v["entries"] for v in webs] == [["place[0]", "hole[0]"]]
    assert webs[0]["figures"]["web"] == pytest.approx(web)
