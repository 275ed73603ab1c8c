"""The errors geom raises on purpose. Each subclasses the matching built-in, so callers
may catch either; the CLI turns every `GeomError` into one line on stderr and exit 2
(exit 1 for a `LintError`: geom's own output is wrong, not the user's input)."""

from __future__ import annotations

from collections.abc import Sequence


class _Missing:
    """The type of MISSING: one object, the same after pickling (errors cross into the
    catalog's worker processes)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING = _Missing()
"""The value of a field that was not given at all."""


class GeomError(Exception):
    """Base of every error geom raises on purpose."""


class InputError(GeomError, ValueError):
    """A bad input value: where it is, which field, the value, what is wrong, what is allowed.

    Renders as ``<where>:<field>: <value> is <problem>; allowed <allowed>``.
    """

    def __init__(
        self, where: str, field: str, value: object, problem: str, allowed: str = ""
    ) -> None:
        self.where, self.field, self.value = where, field, value
        self.problem, self.allowed = problem, allowed
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, object, str, str]]:
        # Pickled with its fields (a catalog's broken templates go to worker processes).
        return type(self), (self.where, self.field, self.value, self.problem, self.allowed)

    def __str__(self) -> str:
        if self.value is MISSING:
            text = f"{self.where}:{self.field}: {self.problem}"
        else:
            text = f"{self.where}:{self.field}: {_show(self.value)} is {self.problem}"
        return f"{text}; allowed {self.allowed}" if self.allowed else text


class MissingExtra(GeomError, ImportError):
    """An optional package that a command or module needs is not installed. Renders as
    ``<who> needs <package>, which is not installed; allowed pip install
    'geom-panel[<extra>]'`` (the CLI: one line, exit 2)."""

    def __init__(self, who: str, package: str, extra: str) -> None:
        self.who, self.package, self.extra = who, package, extra
        super().__init__(
            f"{who} needs {package}, which is not installed; allowed pip install "
            f"'geom-panel[{extra}]'",
            name=package,
        )

    def __reduce__(self) -> tuple[type[MissingExtra], tuple[str, str, str]]:
        return type(self), (self.who, self.package, self.extra)


class OutputError(GeomError, OSError):
    """An output file or directory that cannot be written."""


class Plain(str):
    """A value shown as it is, without quotes: a place or a piece of input described
    (`the line (0, 0) -> (1, 0)`), not a text the user typed."""


def _show(value: object) -> str:
    """A value as the user wrote it, shortened to keep the message on one line."""
    text = repr(value) if isinstance(value, str) and not isinstance(value, Plain) else str(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= 60 else text[:57] + "..."


class LintError(GeomError, RuntimeError):
    """geom built a DXF that a CAM would choke on (see geom.dxf.lint): a bug in geom or in
    the geometry it was given, not bad user input. `problems` lists every finding."""

    def __init__(self, message: str, problems: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class GeomDeprecationWarning(FutureWarning):
    """An old spelling in a user's file or command line that still works (the message
    names the new one). The CLI prints each as one `geom: note:` line."""


class TemplateWarning(UserWarning):
    """A template in a user's template folder that cannot be read: skipped, every other
    part still works. The CLI prints each as one `geom: warning:` line."""
