"""Edits of a panel file's `[[place]]` entries made in its text, keeping every other byte:
comments, order, blank lines and number spellings stay as the user wrote them.

A `[[place]]` entry's lines are found by their header; a field is changed on its own
line (its trailing comment kept) or added after the entry's last line; an entry is
removed with its header and fields (the comments around it stay); a new entry is
appended at the end of the file. Every result is read back (tomllib) and compared with
the data the edit means; a file whose text this reading cannot follow (a field spread
over lines, an inline table of places) is refused, never written wrong.

(A style-preserving TOML library was tried first: tomlkit 0.15 moves `[[place]]` tables
that follow an `[[array]]` table when it writes the shipped example back, so it is not
used.) All sizes in mm.
"""

from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*([A-Za-z0-9_.-]+)[ \t]*\]\]?[ \t]*(#.*)?$")
"""A table or array-of-tables header line: `[panel]`, `[[place]]` (bare names)."""
PLACE = "place"
FIELDS = ("part", "face", "x", "y", "rotation", "label")
"""The fields of a `[[place]]` entry an edit may set, in the order a new entry has them."""
_VALUE = r"""("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s#]+)"""


class NotEditable(ValueError):
    """The file's text cannot be changed safely by this module (the reason)."""


@dataclass(frozen=True, slots=True)
class Span:
    """The lines of one `[[place]]` entry: its header line and the line after its last
    field (blank and comment lines after it belong to what follows)."""

    header: int
    end: int


def toml_value(value: object) -> str:
    """A JSON value as a TOML scalar: a number, a true/false, a one-line string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise NotEditable(f"{json.dumps(value)} is not a number, true/false or text")


def place_spans(lines: list[str]) -> list[Span]:
    """Every `[[place]]` entry's lines, in file order (skipping multi-line strings)."""
    headers: list[tuple[int, str, bool]] = []
    in_string: str | None = None
    for i, line in enumerate(lines):
        if in_string is not None:
            if line.count(in_string) % 2:
                in_string = None
            continue
        found = HEADER.match(line.rstrip("\r\n"))
        if found:
            headers.append((i, found.group(1), line.lstrip().startswith("[[")))
            continue
        for quote in ('"""', "'''"):
            if line.count(quote) % 2:
                in_string = quote
                break
    spans: list[Span] = []
    for k, (i, name, many) in enumerate(headers):
        if name != PLACE or not many:
            continue
        stop = headers[k + 1][0] if k + 1 < len(headers) else len(lines)
        end = i + 1
        for j in range(i + 1, stop):
            text = lines[j].strip()
            if text and not text.startswith("#"):
                end = j + 1
        spans.append(Span(i, end))
    return spans


def _key_line(lines: list[str], span: Span, key: str) -> tuple[int, re.Match[str]] | None:
    """The line of `key` in the entry and its parts (before the value, the value, after)."""
    pattern = re.compile(
        rf"""^([ \t]*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')[ \t]*=[ \t]*)"""
        rf"{_VALUE}([ \t]*(?:#.*)?)$"
    )
    for j in range(span.header + 1, span.end):
        found = pattern.match(lines[j].rstrip("\r\n"))
        if found:
            return j, found
    return None


def set_fields(text: str, index: int, fields: Mapping[str, object]) -> str:
    """`text` with `place[index]`'s `fields` set (a value None removes the field)."""
    lines = text.splitlines(keepends=True)
    spans = place_spans(lines)
    if not 0 <= index < len(spans):
        raise NotEditable(f"place[{index}] is not found in the file's text")
    span = spans[index]
    nl = _newline(text)
    added: list[str] = []
    removed: list[int] = []
    for key, value in fields.items():
        found = _key_line(lines, span, key)
        if value is None:
            if found is not None:
                removed.append(found[0])
            continue
        new = toml_value(value)
        if found is None:
            added.append(f"{key} = {new}{nl}")
            continue
        j, parts = found
        ending = lines[j][len(lines[j].rstrip("\r\n")) :]
        lines[j] = f"{parts.group(1)}{new}{parts.group(3)}{ending}"
    if added:
        last = span.end - 1
        if not lines[last].endswith("\n"):
            lines[last] += nl
        lines[span.end : span.end] = added
    for j in sorted(removed, reverse=True):
        del lines[j]
    return "".join(lines)


def delete_place(text: str, index: int) -> str:
    """`text` without `place[index]`'s header and fields (comments kept)."""
    lines = text.splitlines(keepends=True)
    spans = place_spans(lines)
    if not 0 <= index < len(spans):
        raise NotEditable(f"place[{index}] is not found in the file's text")
    span = spans[index]
    start, end = span.header, span.end
    # One blank line of the two around it goes with it.
    if end < len(lines) and not lines[end].strip() and (start == 0 or not lines[start - 1].strip()):
        end += 1
    del lines[start:end]
    return "".join(lines)


def append_place(text: str, fields: Mapping[str, object]) -> str:
    """`text` with a new `[[place]]` entry at its end (fields in FIELDS order, None left
    out)."""
    nl = _newline(text)
    body = "".join(
        f"{key} = {toml_value(fields[key])}{nl}" for key in FIELDS if fields.get(key) is not None
    )
    head = text if not text or text.endswith("\n") else text + nl
    return f"{head}{nl}[[{PLACE}]]{nl}{body}"


def _newline(text: str) -> str:
    """The file's line ending: CR LF when its first line ends so, else LF."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def checked(new: str, expected: Mapping[str, Any]) -> dict[str, Any]:
    """The data of `new` when it reads as `expected` (the data the edit means);
    NotEditable if it does not."""
    try:
        data = tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        raise NotEditable("the edit would make the file unreadable") from None
    if data != expected:
        raise NotEditable("the file's text does not change as the edit means")
    return data


def meant(data: Mapping[str, Any], op: str, index: int, fields: Mapping[str, object]) -> Any:
    """The file's data after the edit `op` ("set", "delete", "add") on `place[index]`."""
    out = copy.deepcopy(dict(data))
    places = out.setdefault(PLACE, [])
    if not isinstance(places, list):
        raise NotEditable(f"{PLACE} is not an array of tables")
    if op == "add":
        places.append({k: fields[k] for k in FIELDS if fields.get(k) is not None})
    elif op == "delete":
        del places[index]
        if not places:
            del out[PLACE]
    else:
        entry = places[index]
        for key, value in fields.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value
    return out
