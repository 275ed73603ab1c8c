"""Reading input with checks, the one way: TOML tables (templates, panel files) and
numbers given on the command line. Every failure is an `InputError` naming where, the
field, the value and what is allowed; nothing is built from half an input."""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from geom.errors import MISSING, InputError, Plain
from geom.model.tolerance import Size

MAX_TEXT = 200

RESOLUTION_MM = 0.001
"""The smallest length geom takes (1 um): a size in mm given as "more than 0" is at least
this, and no piece of a contour is shorter. A thousand times the DXF lint's join
tolerance (1e-6 mm), so no offset, turn or rounding brings a written length under it."""
MAX_FILE_BYTES = 5_000_000
"""No template or panel file is this large: refuse it before parsing (a wrong file)."""


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's data; an unreadable, oversized, non-UTF-8 or malformed file is an
    `InputError` naming the file."""
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            where, "(file)", where, f"unreadable ({exc.strerror})", "a readable file"
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            where, "(file)", f"{len(raw)} bytes", "too large", f"at most {MAX_FILE_BYTES} bytes"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            where, "(file)", f"byte {exc.start}", "not UTF-8 text", "a UTF-8 TOML file"
        ) from None
    return read_toml_text(path, text)


def read_toml_text(path: Path, text: str) -> dict[str, Any]:
    """The data of `text`, the would-be content of the TOML file `path` (the edit a
    workspace checks before writing it); malformed or oversized text is the `InputError`
    `read_toml` gives for the same file."""
    where = str(path)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise InputError(
            where, "(file)", f"{size} bytes", "too large", f"at most {MAX_FILE_BYTES} bytes"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(where, text, exc) from None


_WHERE_IN_TOML = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")
"""How tomllib ends its messages before Python 3.14 added `lineno` and `colno`."""


def toml_error(where: str, text: str, exc: tomllib.TOMLDecodeError) -> InputError:
    """The `InputError` of a TOML syntax error in `text`: the field is `line N, column M`
    (1-based), the value the text of that line, the problem tomllib's reason."""
    message = str(exc)
    found = _WHERE_IN_TOML.search(message)
    reason: str = getattr(exc, "msg", None) or (message[: found.start()] if found else message)
    line: int | None = getattr(exc, "lineno", None)
    column: int | None = getattr(exc, "colno", None)
    if (line is None or column is None) and found is not None:
        if found.group(1):
            line, column = int(found.group(1)), int(found.group(2))
        else:  # at the end of the document, where tomllib gives no line
            line = text.count("\n") + 1
            column = len(text) - text.rfind("\n")
    problem = f"not valid TOML ({reason[:1].lower()}{reason[1:]})"
    if line is None or column is None:
        return InputError(where, "(file)", Plain("the file"), problem, "TOML syntax")
    lines = text.split("\n")
    source = lines[line - 1].rstrip() if line <= len(lines) else ""
    field = f"line {line}, column {column}"
    return InputError(where, field, source or Plain("the line"), problem, "TOML syntax")


def _resolved(low: float, low_open: bool, unit: str, integer: bool) -> tuple[float, bool]:
    """The bound as checked: a length in mm "more than 0" is at least `RESOLUTION_MM`."""
    if unit == "mm" and not integer and low_open and low == 0:
        return RESOLUTION_MM, False
    return low, low_open


def allowed_range(
    low: float, high: float, *, low_open: bool = True, unit: str = "mm", integer: bool = False
) -> str:
    """`0.001 <= x <= 1000 mm`, `0 < x <= 5 deg`, or `a whole number 1 <= n <= 64`: the
    range as `number` checks it."""
    low, low_open = _resolved(low, low_open, unit, integer)
    if integer:
        return f"a whole number {low:g} {'<' if low_open else '<='} n <= {high:g}"
    return f"{low:g} {'<' if low_open else '<='} x <= {high:g} {unit}".rstrip()


def number(
    where: str,
    field: str,
    raw: object,
    low: float,
    high: float,
    *,
    low_open: bool = True,
    unit: str = "mm",
    integer: bool = False,
) -> float:
    """`raw` (a TOML number, or command-line text) as a finite number in (low, high], or
    [low, high] without `low_open`; with `integer`, a whole number. A length in mm
    "more than 0" is at least `RESOLUTION_MM` (see `allowed_range`)."""
    allowed = allowed_range(low, high, low_open=low_open, unit=unit, integer=integer)
    low, low_open = _resolved(low, low_open, unit, integer)
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise InputError(where, field, raw, "not a number", allowed)
    try:
        value = float(raw)
    except ValueError:
        raise InputError(where, field, raw, "not a number", allowed) from None
    except OverflowError:  # an integer of 309 digits or more
        raise InputError(where, field, raw, "out of range", allowed) from None
    if math.isinf(value) and isinstance(raw, str) and "inf" not in raw.lower():  # 1e400
        raise InputError(where, field, raw, "out of range", allowed)
    if not math.isfinite(value):
        raise InputError(where, field, raw, "not finite", allowed)
    if integer and not value.is_integer():
        raise InputError(where, field, raw, "not a whole number", allowed)
    if value > high or value < low or (low_open and value == low):
        raise InputError(where, field, raw, "out of range", allowed)
    return value


class Table:
    """One TOML table, read with checks. Every key must be read: `done()` names a key
    nobody asked for (a typo such as `thicknes`); a missing key names a similar key
    present, as the likely typo."""

    def __init__(self, data: object, where: str, prefix: str = "") -> None:
        if not isinstance(data, dict):
            raise InputError(
                where, prefix.rstrip(".") or "(file)", data, "not a table", "a TOML table"
            )
        self.data: dict[str, Any] = data
        self.where, self.prefix = where, prefix
        self.seen: set[str] = set()

    def path(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, value: object, problem: str, allowed: str = "") -> InputError:
        return InputError(self.where, self.path(key), value, problem, allowed)

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, required: bool = True, allowed: str = "a value") -> Any:
        """The value at `key`; a required one missing is an error stating `allowed`."""
        self.seen.add(key)
        if key in self.data:
            return self.data[key]
        if required:
            similar = difflib.get_close_matches(key, [k for k in self.data if k != key], 1)
            hint = f" (is {similar[0]!r} a typo of it?)" if similar else ""
            raise self.error(key, MISSING, "missing" + hint, allowed)
        return None

    def sub(self, data: object, key: str) -> Table:
        """A nested table (the type of `self`, so subclasses keep their context)."""
        return Table(data, self.where, self.path(key) + ".")

    def table(self, key: str, required: bool = True) -> Table | None:
        value = self.get(key, required, f"a [{self.path(key)}] table")
        return None if value is None else self.sub(value, key)

    def must_table(self, key: str) -> Table:
        table = self.table(key)
        assert table is not None
        return table

    def array(self, key: str) -> list[Any]:
        """An optional array of tables (`[[key]]`); empty when absent."""
        value = self.get(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, value, "not an array of tables", f"[[{key}]] entries")
        return value

    def text(self, key: str, required: bool = True, choices: tuple[str, ...] = ()) -> str:
        """One line of text; with `choices`, one of them. "" when optional and absent."""
        allowed = " or ".join(choices) or f"a text of 1 to {MAX_TEXT} characters"
        value = self.get(key, required, allowed)
        if value is None:
            return ""
        if choices and value not in choices:
            raise self.error(key, value, "not a known choice", " or ".join(choices))
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            raise self.error(key, value, "not a text", f"1 to {MAX_TEXT} characters")
        if any(ch in value for ch in "\x00\r\n"):
            raise self.error(key, value, "a text with control characters", "one line of text")
        return value

    def number(
        self,
        key: str,
        low: float,
        high: float,
        *,
        low_open: bool = True,
        unit: str = "mm",
        integer: bool = False,
        required: bool = True,
    ) -> float | None:
        """A plain number (see `number`); None when optional and absent."""
        allowed = allowed_range(low, high, low_open=low_open, unit=unit, integer=integer)
        raw = self.get(key, required, allowed)
        if raw is None:
            return None
        if isinstance(raw, str):  # a quoted "41.5" in a file is a typo, not a number
            raise self.error(key, raw, "not a number", allowed)
        return number(
            self.where,
            self.path(key),
            raw,
            low,
            high,
            low_open=low_open,
            unit=unit,
            integer=integer,
        )

    def must_number(
        self,
        key: str,
        low: float,
        high: float,
        *,
        low_open: bool = True,
        unit: str = "mm",
        integer: bool = False,
    ) -> float:
        value = self.number(key, low, high, low_open=low_open, unit=unit, integer=integer)
        assert value is not None
        return value

    def done(self) -> None:
        for key in self.data:
            if key not in self.seen:
                raise self.error(key, key, "not a known field", ", ".join(sorted(self.seen)))


def quarter_turn(table: Table, key: str = "rotation") -> int:
    """An optional angle at `key`: degrees counter-clockwise, a multiple of 90 in
    -360 .. 360, returned as 0..270 (0 when absent)."""
    raw = table.get(key, required=False)
    if raw is None:
        return 0
    allowed = "0, 90, 180 or 270 (a multiple of 90 in -360 .. 360)"
    if isinstance(raw, str):
        raise table.error(key, raw, "not a number", allowed)
    value = number(table.where, table.path(key), raw, -360.0, 360.0, low_open=False, unit="degrees")
    if value % 90:
        raise table.error(key, raw, "not a multiple of 90 degrees", allowed)
    return int(value) % 360


def number_band(
    where: str, field: str, text: str, low: float, high: float, *, low_open: bool
) -> Size:
    """`V` or `MIN..MAX` (mm) option text as a band, each end a `number` in the allowed
    range; a falling range is an error."""
    low_text, ranged, high_text = text.partition("..")
    try:
        first = number(where, field, low_text, low, high, low_open=low_open)
        last = number(where, field, high_text, low, high, low_open=low_open) if ranged else first
    except InputError as exc:
        if exc.problem != "not a number":
            raise
        pair = re.fullmatch(r"\s*([0-9.eE+]+)\s*(?:-|\u2013|,|;|:|/|\s|to)\s*([0-9.eE+]+)\s*", text)
        example = f"{pair[1]}..{pair[2]}" if pair else f"{low:g}..{high:g}"
        raise InputError(
            where, field, text, "not a number", f"{exc.allowed}, as V or MIN..MAX (e.g. {example})"
        ) from None
    if last < first:
        raise InputError(where, field, text, "a falling range", "MIN..MAX with MIN <= MAX")
    return Size.between(first, last)
