"""Template families: one file, a table of rows, one template per row (geom.data.families);
bad rows are one line naming the file, the row, its id, the field and the value."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from geom.data.families import expand
from geom.data.templates import load_catalog_lenient
from geom.errors import InputError

DATA = Path(__file__).resolve().parent / "data"
FAMILY = DATA / "family-sockets.toml"
SINGLE = DATA / "round-ends.toml"


def _data() -> dict:
    return tomllib.loads(FAMILY.read_text(encoding="utf-8"))


def test_a_file_without_a_family_is_one_template() -> None:
    data = tomllib.loads(SINGLE.read_text(encoding="utf-8"))
    [one] = expand(data, "x.toml")
    assert one.where == "x.toml" and one.data == data


def test_each_row_is_the_base_with_its_dotted_keys_set() -> None:
    data = _data()
    before = copy.deepcopy(data)
    two, four = expand(data, "f.toml")
    assert data == before, "the parsed file is not changed"
    assert two.where == "f.toml: row 1 (test/socket-2p)"
    assert four.where == "f.toml: row 2 (test/socket-4p)"
    assert "family" not in two.data and "family" not in four.data
    assert two.data["part"]["id"] == "test/socket-2p"
    assert two.data["part"]["name"] == "Test socket, 2-pole (30 mm)"
    assert four.data["part"]["name"] == "Test socket, 4-pole (45.5 mm)"
    # Row 1 replaces five fields; everything else is the base's.
    assert two.data["cutout"]["width"] == {"value": 26.0, "source": "assumed"}
    assert two.data["latch"]["span"] == {"value": 29.0, "minus": 0.2, "source": "assumed"}
    assert two.data["cutout"]["height"] == before["cutout"]["height"]
    assert two.data["grip"] == before["grip"]
    # Row 2 sets nothing: the base with id and name.
    base = {k: v for k, v in before.items() if k != "family"}
    base["part"] = {**base["part"], "id": "test/socket-4p", "name": four.data["part"]["name"]}
    assert four.data == base


def test_a_dotted_key_makes_missing_tables() -> None:
    data = _data()
    data["family"]["rows"][1]["body.coding.x"] = {"value": 1.0, "source": "assumed"}
    four = expand(data, "f.toml")[1]
    assert four.data["body"] == {"coding": {"x": {"value": 1.0, "source": "assumed"}}}
    assert "body" not in data


def test_catalog_holds_every_row_with_its_numbers() -> None:
    catalog, errors = load_catalog_lenient([DATA])
    assert errors == {}
    two, four = catalog.parts["test/socket-2p"], catalog.parts["test/socket-4p"]
    assert (two.width, two.fit.cutout.width, two.fit.collar_width.max) == (30.0, 26.0, 26.0)
    assert (four.width, four.fit.cutout.width, four.poles) == (45.5, 41.5, 4)
    assert two.poles == 2 and two.fit.latch_span.max == 29.0
    assert two.path == four.path == FAMILY
    assert two.sources["cutout.width"] == "assumed" and two.sources["grip.min"] == "770-744"


def test_geom_list_shows_every_row_and_an_override_replaces_one_id(
    geom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    text = SINGLE.read_text(encoding="utf-8").replace('"test/round-ends"', '"test/socket-2p"')
    (mine / "socket-2p.toml").write_text(text, encoding="utf-8")
    family = tmp_path / "family"
    family.mkdir()
    (family / "sockets.toml").write_bytes(FAMILY.read_bytes())
    catalog, errors = load_catalog_lenient([mine, family])
    assert errors == {}
    assert catalog.parts["test/socket-2p"].path == mine / "socket-2p.toml"
    assert catalog.parts["test/socket-4p"].path == family / "sockets.toml"
    monkeypatch.setenv("GEOM_TEMPLATES", f"{mine}:{family}")
    run = geom("list")
    assert run.code == 0, run.err
    rows = {line.split()[0]: line for line in run.out.splitlines()}
    assert "770-744 with fully round" not in rows["test/socket-4p"]
    assert rows["test/socket-2p"].endswith(
        "770-744/064-000 with fully round collar ends (test data)"
    )
    assert rows["test/socket-4p"].endswith("Test socket, 4-pole (45.5 mm)")


def test_a_family_file_named_as_a_part_asks_for_one_id(geom, tmp_path: Path) -> None:
    run = geom("cutout", FAMILY, "-o", tmp_path / "out")
    assert run.code == 2
    assert run.err.strip().splitlines() == [
        f"geom: command line:PART: '{FAMILY}' is a family of 2 parts; allowed one of its "
        "ids: test/socket-2p, test/socket-4p"
    ]
    assert not (tmp_path / "out").exists()


ROW1 = "bad.toml: row 1 (test/socket-2p):"
ROW2 = "bad.toml: row 2 (test/socket-4p):"
BAD_ROWS = [
    (
        '"cutout.width" = { value = 26.0',
        '"cutout.width" = { value = -26.0',
        ROW1 + "cutout.width.value: -26.0 is out of range",
    ),
    (
        '"cutout.width" = {',
        '"cutout.widht" = {',
        ROW1 + "cutout.widht: 'widht' is not a known field",
    ),
    (
        'id = "test/socket-{poles}p"',
        'id = "test/socket-{pols}p"',
        "bad.toml: row 1:family.id: 'test/socket-{pols}p' is naming {pols}, not in this row; "
        "allowed fields in braces naming the row's plain keys: poles, width",
    ),
    (
        'id = "test/socket-{poles}p"',
        'id = "test/socket-{poles"',
        "bad.toml: row 1:family.id: 'test/socket-{poles' is not a format",
    ),
    (
        "poles = 4\n",
        "poles = 2\n",
        "bad.toml: row 2 (test/socket-2p):family.id: 'test/socket-2p' is a duplicate of "
        "{dir}/bad.toml: row 1 (test/socket-2p); allowed one row per id",
    ),
    (
        'kind = "snap-in socket"',
        'id = "x"\nkind = "snap-in socket"',
        "bad.toml:part.id: 'x' is given by [family] in a family file",
    ),
    (
        'width = "45.5"\n',
        'width = "45.5"\ncolour = "grey"\n',
        "bad.toml: row 2:colour: 'grey' is not used by family.id or family.name",
    ),
    (
        'width = "45.5"\n',
        'width = "45.5"\ncutout.width = { value = 40.0, source = "assumed" }\n',
        "bad.toml: row 2:cutout: {'width': {'value': 40.0, 'source': 'assumed'}} is not a text "
        "or a number; allowed a text or a number for the id and name; a field as a quoted "
        'dotted key ("cutout.width")',
    ),
    (
        'width = "45.5"\n',
        'width = "45.5"\n"part.mounting.kind" = "x"\n',
        ROW2 + "part.mounting.kind: 'x' is below part.mounting, not a table in the base",
    ),
    (
        'width = "45.5"\n',
        'width = "45.5"\n"part.name" = "x"\n',
        ROW2 + "part.name: 'x' is not a field path a row may set",
    ),
    ("[family]\n", "[family]\nsize = 1\n", "bad.toml:family.size: 'size' is not a known field"),
    ('name = "Test socket', 'nam = "Test socket', "bad.toml:family.name: missing"),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), BAD_ROWS, ids=[str(i) for i in range(len(BAD_ROWS))]
)
def test_bad_family_is_one_line_naming_file_row_id_field_value(
    geom, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = FAMILY.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = geom("cutout", bad, "-o", tmp_path / "out")
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.err
    assert lines[0].startswith(f"geom: {tmp_path}/"), lines[0]
    assert expected.replace("{dir}", str(tmp_path)) in lines[0], lines[0]
    assert not (tmp_path / "out").exists(), "nothing written"


def test_a_row_and_another_file_with_one_id_name_both(
    geom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SINGLE.read_text(encoding="utf-8").replace('"test/round-ends"', '"test/socket-4p"')
    (tmp_path / "a-single.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b-family.toml").write_bytes(FAMILY.read_bytes())
    _, errors = load_catalog_lenient([tmp_path])
    where = f"{tmp_path}/b-family.toml: row 2 (test/socket-4p)"
    assert list(errors) == [where]
    assert str(errors[where]) == (
        f"{where}:part.id: 'test/socket-4p' is a duplicate of {tmp_path}/a-single.toml; "
        "allowed one template per id"
    )
    monkeypatch.setenv("GEOM_TEMPLATES", str(tmp_path))
    run = geom("list")  # one warning; the family's other rows still list
    assert run.code == 0 and "test/socket-4p" not in run.out and "test/socket-2p" in run.out
    assert run.err.strip().splitlines() == [
        f"geom: warning: {errors[where]} (this template is skipped)"
    ]
    used = geom("check", "test/socket-4p")
    assert used.code == 2 and used.err.strip().splitlines()[-1] == f"geom: {errors[where]}"


def test_an_empty_family_is_an_error() -> None:
    data = _data()
    data["family"]["rows"] = []
    with pytest.raises(InputError, match=r"^f.toml:family.rows: \[\] is an empty family"):
        expand(data, "f.toml")
