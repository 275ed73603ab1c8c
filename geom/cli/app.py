"""The geom command line (a contract: users' scripts build on it): the parser, the
subcommands registered from their modules, and the exit status.

Exit status: 0 the fit holds / the job is done, 1 a fit check fails or geom built a DXF
its lint refuses (a bug, reason on stderr, nothing written), 2 bad input (one line
on stderr: ``geom: <where>:<field>: <value> is <problem>; allowed <range>``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import NoReturn, cast, get_args

from geom.cli.body import add_body
from geom.cli.catalog import add_preview
from geom.cli.cut import add_cut
from geom.cli.panel import add_panel
from geom.cli.parts import add_build, add_list_check_cutout
from geom.cli.serve import add_serve
from geom.cli.tayda import add_tayda
from geom.errors import (
    MISSING,
    GeomDeprecationWarning,
    GeomError,
    InputError,
    LintError,
    Plain,
    TemplateWarning,
)
from geom.model.part import Mounting
from geom.version import __version__


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors in geom's form and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"geom: {_usage_error(self.prog, message)}\n")


_ARGPARSE: tuple[tuple[str, str], ...] = (
    (
        r"argument (?P<field>[^:]+): invalid choice: (?P<value>'.*?') "
        r"\(choose from (?P<allowed>.*)\)",
        "not a known choice",
    ),
    (r"argument (?P<field>[^:]+): invalid (?P<kind>\w+) value: (?P<value>'.*')", "not a {kind}"),
    (r"argument (?P<field>[^:]+): expected one argument", "missing its value"),
    (r"the following arguments are required: (?P<field>.*)", "missing"),
    (r"unrecognized arguments: (?P<value>.*)", "not an option or argument of this command"),
)
"""argparse's messages (their text, Python 3.11 to 3.13) and what each problem is."""


def _usage_error(prog: str, message: str) -> InputError:
    """argparse's `message` as geom's one line: `command line:<field>: <value> is <problem>;
    allowed <what --help lists>`."""
    allowed = f"what '{prog} --help' lists"
    for pattern, problem in _ARGPARSE:
        found = re.fullmatch(pattern, message)
        if found:
            parts = found.groupdict()
            value, field = parts.get("value"), parts.get("field") or prog
            return InputError(
                "command line",
                "COMMAND" if field.startswith("{") else field,
                MISSING if value is None else Plain(value),
                problem.format(kind=parts.get("kind")),
                parts.get("allowed") or allowed,
            )
    return InputError("command line", prog, Plain(message), "not a valid command line", allowed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        with _library_logs_quiet(args.debug), warnings.catch_warnings():
            warnings.simplefilter("always", GeomDeprecationWarning)
            warnings.simplefilter("default", TemplateWarning)
            warnings.showwarning = _note
            return cast(int, args.run(args))
    except LintError as exc:  # geom's own output is wrong: not the user's input
        if args.debug:
            raise
        print(f"geom: {exc}", file=sys.stderr)
        return 1
    except GeomError as exc:
        if args.debug:
            raise
        print(f"geom: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _note(message: Warning | str, *_: object, **__: object) -> None:
    """A deprecation warning as one `geom: note:` line on stderr, a skipped template as
    one `geom: warning:` line; any other library's warning stays off the user's
    screen."""
    if isinstance(message, TemplateWarning):
        print(f"geom: warning: {message}", file=sys.stderr)
    elif isinstance(message, GeomDeprecationWarning):
        print(f"geom: note: {message}", file=sys.stderr)


@contextlib.contextmanager
def _library_logs_quiet(debug: bool) -> Iterator[None]:
    """Keep ezdxf's log records (font cache, font fallbacks) off stderr for the command's
    duration, unless `debug`: geom's own messages are the only lines a user sees there.
    The `ezdxf` logger is restored afterwards; the root logger is never touched."""
    logger = logging.getLogger("ezdxf")
    if debug:
        yield
        return
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="geom",
        description="Cutout DXFs, panels and worst-case fit checks for panel-mounted parts "
        f"({', '.join(get_args(Mounting))} mounting). All sizes in millimetres.",
        epilog="Exit status: 0 fit holds, 1 a fit check fails (or a DXF fails geom's lint: "
        "a bug), 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"geom {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an input error")
    sub = parser.add_subparsers(title="commands", parser_class=_Parser)
    add_list_check_cutout(sub)
    add_body(sub)
    add_build(sub)
    add_preview(sub)
    add_panel(sub)
    add_cut(sub)
    add_tayda(sub)
    add_serve(sub)
    return parser
