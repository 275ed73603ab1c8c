"""Template families: one TOML file with a ``[family]`` table and ``[[family.rows]]``,
expanded into one template per row before the schema reads it (geom.data.template_schema).

```toml
[family]
id = "gland-M{thread}"                      # str.format over the row's plain keys
name = "Cable gland clearance hole M{thread} x 1.5"

[[family.rows]]
thread = "12"                               # plain key: for id and name only
"cutout.diameter" = { value = 12.5, source = "motortech" }   # dotted key: a field path
```

The rest of the file is the base every row shares; a row's dotted keys set (or replace)
fields in a copy of it, and the family gives `[part] id` and `name`. Each row is one
template, named ``<file>: row N (<id>)`` in errors.
"""

from __future__ import annotations

import copy
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geom.data.checked import MAX_TEXT, Table
from geom.errors import InputError

FAMILY = "family"
"""The table that makes a template file a family."""


def _hint(key: str = "", value: object = None) -> str:
    """What a row's plain key may hold; for a table (an unquoted dotted key), its path
    written as the quoted dotted key it was meant to be."""
    path = key
    while isinstance(value, dict) and value and "value" not in value:
        sub, value = next(iter(value.items()))
        path = f"{path}.{sub}"
    example = path if path != key else "cutout.diameter"
    return f'a text or a number for the id and name; a field as a quoted dotted key ("{example}")'


@dataclass(frozen=True)
class Expanded:
    """One template of a file: its data and where it came from (`<file>` for a plain
    template, `<file>: row N (<id>)` for a family's row)."""

    where: str
    data: dict[str, Any]


def is_family(data: Mapping[str, Any]) -> bool:
    """Whether parsed template data is a family (has a ``[family]`` table)."""
    return FAMILY in data


def expand(data: Mapping[str, Any], where: str) -> list[Expanded]:
    """The templates of one parsed file: the file itself, or one per family row. A bad
    ``[family]`` table or row, or two rows with one id, is an `InputError`."""
    if not is_family(data):
        return [Expanded(where, dict(data))]
    family = Table(data[FAMILY], where, f"{FAMILY}.")
    id_format = family.text("id")
    name_format = family.text("name")
    rows = family.array("rows")
    family.done()
    if not rows:
        raise InputError(
            where, f"{FAMILY}.rows", rows, "an empty family", "one or more [[family.rows]]"
        )
    base = {key: value for key, value in data.items() if key != FAMILY}
    part = base.get("part", {})
    if not isinstance(part, dict):
        raise InputError(where, "part", part, "not a table", "a TOML table")
    for key in ("id", "name"):
        if key in part:
            raise InputError(
                where,
                f"part.{key}",
                part[key],
                "given by [family] in a family file",
                f"no part.{key}; [family] {key} names every row",
            )
    first: dict[str, str] = {}
    expanded: list[Expanded] = []
    for number, row in enumerate(rows, start=1):
        item = _row(base, row, f"{where}: row {number}", id_format, name_format)
        if item.data["part"]["id"] in first:
            pid = item.data["part"]["id"]
            raise InputError(
                item.where, f"{FAMILY}.id", pid, f"a duplicate of {first[pid]}", "one row per id"
            )
        first[item.data["part"]["id"]] = item.where
        expanded.append(item)
    return expanded


def _row(
    base: Mapping[str, Any], row: object, where: str, id_format: str, name_format: str
) -> Expanded:
    """One row's template: the base with the row's dotted keys set and the family's id
    and name formatted from its plain keys."""
    if not isinstance(row, dict):
        raise InputError(where, f"{FAMILY}.rows", row, "not a table", "[[family.rows]] tables")
    plain: dict[str, str | int | float] = {}
    for key, value in row.items():
        if "." in key:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InputError(where, key, value, "not a text or a number", _hint(key, value))
        plain[key] = value
    used: set[str] = set()
    pid = _format(id_format, plain, where, "id", used)
    name = _format(name_format, plain, where, "name", used)
    for key in plain:
        if key not in used:
            raise InputError(
                where, key, plain[key], f"not used by {FAMILY}.id or {FAMILY}.name", _hint()
            )
    where = f"{where} ({pid})"
    data = copy.deepcopy(dict(base))
    data["part"] = {**data.get("part", {}), "id": pid, "name": name}
    dotted = sorted((key for key in row if "." in key), key=lambda k: k.count("."))
    for key in dotted:
        _set(data, key, row[key], where)
    return Expanded(where, data)


def _format(
    pattern: str, plain: Mapping[str, str | int | float], where: str, key: str, used: set[str]
) -> str:
    """`pattern` formatted with the row's plain keys; each field must be one of them."""
    field = f"{FAMILY}.{key}"
    allowed = "fields in braces naming the row's plain keys: " + (
        ", ".join(sorted(plain)) or "none"
    )
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise InputError(where, field, pattern, f"not a format ({exc})", allowed) from None
    for name in names:
        if name not in plain:
            raise InputError(where, field, pattern, f"naming {{{name}}}, not in this row", allowed)
    used.update(names)
    try:
        text = pattern.format_map(plain)
    except (ValueError, TypeError) as exc:
        raise InputError(where, field, pattern, f"not a format ({exc})", allowed) from None
    if not text.strip() or len(text) > MAX_TEXT:
        raise InputError(where, field, text, "not a text", f"1 to {MAX_TEXT} characters")
    return text


def _set(data: dict[str, Any], path: str, value: object, where: str) -> None:
    """Set the field at dotted `path` in `data` to a copy of `value`, making missing
    tables on the way."""
    keys = path.split(".")
    if any(not k for k in keys) or keys[0] == FAMILY or path in ("part.id", "part.name"):
        raise InputError(
            where,
            path,
            value,
            "not a field path a row may set",
            "table.field of the template (not part.id, part.name or family)",
        )
    node = data
    for depth, key in enumerate(keys[:-1], start=1):
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise InputError(
                where,
                path,
                value,
                f"below {'.'.join(keys[:depth])}, not a table in the base",
                "a field path through the base template's tables",
            )
        node = child
    node[keys[-1]] = copy.deepcopy(value)
