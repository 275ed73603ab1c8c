"""Edits made in a panel file's text (geom.serve.textedit): each changes the lines of its
`[[place]]` entry and nothing else, and what the text then says is read back with tomllib
and compared with the data the edit means; a text it cannot follow is refused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geom.serve import textedit
from geom.serve.textedit import NotEditable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "templates" / "panels" / "example.toml").read_text()
PLACES = len(tomllib.loads(EXAMPLE)["place"])


def edit(text: str, op: str, index: int, fields: dict[str, object]) -> str:
    data = tomllib.loads(text)
    if op == "add":
        new = textedit.append_place(text, fields)
    elif op == "delete":
        new = textedit.delete_place(text, index)
    else:
        new = textedit.set_fields(text, index, fields)
    textedit.checked(new, textedit.meant(data, op, index, fields))
    return new


def test_the_example_has_places_after_an_array() -> None:
    """The case a style-preserving TOML library got wrong: [[place]] after [[array]]."""
    lines = EXAMPLE.splitlines(keepends=True)
    spans = textedit.place_spans(lines)
    assert len(spans) == PLACES
    first_array = next(i for i, ln in enumerate(lines) if ln.startswith("[[array]]"))
    assert any(s.header > first_array for s in spans)


@given(
    index=st.integers(0, PLACES - 1),
    x=st.floats(0, 480, allow_nan=False).map(lambda v: round(v, 3)),
    label=st.one_of(st.none(), st.text("ABCXYZ0123 ", min_size=1, max_size=8)),
)
def test_a_set_changes_only_its_entrys_lines(index: int, x: float, label: str | None) -> None:
    new = edit(EXAMPLE, "set", index, {"x": x, "label": label})
    old_lines, new_lines = EXAMPLE.splitlines(), new.splitlines()
    span = textedit.place_spans(EXAMPLE.splitlines(keepends=True))[index]
    # Lines before the entry and after it are the same bytes.
    assert new_lines[: span.header] == old_lines[: span.header]
    tail = len(old_lines) - span.end
    assert new_lines[len(new_lines) - tail :] == old_lines[span.end :]
    assert tomllib.loads(new)["place"][index]["x"] == x


@given(index=st.integers(0, PLACES - 1))
def test_a_delete_keeps_every_comment(index: int) -> None:
    new = edit(EXAMPLE, "delete", index, {})
    comments = [ln for ln in EXAMPLE.splitlines() if ln.lstrip().startswith("#")]
    kept = new.splitlines()
    assert all(c in kept for c in comments)
    assert len(tomllib.loads(new)["place"]) == PLACES - 1


def test_a_value_keeps_its_comment_and_line_ending() -> None:
    text = '[panel]\r\nwidth = 1.0\r\n[[place]]\r\npart = "a"\r\nx  =  1.0  # here\r\ny = 2.0\r\n'
    new = edit(text, "set", 0, {"x": 12.5})
    assert new == text.replace("x  =  1.0  # here", "x  =  12.5  # here")


def test_crlf_files_stay_crlf() -> None:
    text = '[[place]]\r\npart = "a"\r\nx = 1.0\r\ny = 2.0\r\n'
    new = edit(text, "set", 0, {"label": "X1"})
    added = edit(new, "add", -1, {"part": "b", "x": 1.0, "y": 2.0})
    assert added.count("\n") == added.count("\r\n")


def test_a_new_field_goes_after_the_entrys_last_line() -> None:
    text = '[[place]]\npart = "a"\nx = 1.0\ny = 2.0\n\n# next\n[[hole]]\nx = 1.0\n'
    new = edit(text, "set", 0, {"rotation": 90, "label": 'say "hi"'})
    assert new == text.replace("y = 2.0\n", 'y = 2.0\nrotation = 90\nlabel = "say \\"hi\\""\n')


def test_an_add_to_a_file_without_a_last_newline() -> None:
    assert edit("[panel]\nwidth = 1.0", "add", -1, {"part": "a", "x": 1.0, "y": 2.0}) == (
        '[panel]\nwidth = 1.0\n\n[[place]]\npart = "a"\nx = 1.0\ny = 2.0\n'
    )


def test_a_header_inside_a_multi_line_string_is_text() -> None:
    text = '[panel]\nnote = """\n[[place]]\n"""\n\n[[place]]\npart = "a"\nx = 1.0\ny = 2.0\n'
    new = edit(text, "set", 0, {"x": 3.0})
    assert new == text.replace("x = 1.0", "x = 3.0")


@pytest.mark.parametrize(
    "text",
    [
        # A value spread over lines: the line-wise edit cannot follow it.
        '[[place]]\npart = "a"\nx = [\n1.0]\ny = 2.0\n',
        # Places as an inline array: no [[place]] header to edit.
        'place = [{part = "a", x = 1.0, y = 2.0}]\n',
    ],
)
def test_a_text_it_cannot_follow_is_refused(text: str) -> None:
    with pytest.raises(NotEditable):
        edit(text, "set", 0, {"x": 3.0})
