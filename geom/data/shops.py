"""Shop rule profiles: one TOML file per shop, ``shops/<name>.toml`` in the template
directories (geom.data.templates.template_dirs: ``$GEOM_TEMPLATES`` first, so a user's
own profile or an edited copy of a shipped one wins; then the shipped ``templates/``).
A panel file or a cut layout names one with ``shop = "<name>"``, or gives the path of a
profile file (``.toml``, relative to the file that names it).

A profile file::

    [profile]
    title = "Laser cutting, geom's default rules of thumb"
    process = "laser"                 # laser, punch or mill
    tolerance = { value = 0.1, source = "..." }   # +/- mm the shop holds

    [rules]                           # each minimum: max(per_t t + plus, at_least) mm
    min_hole = { per_t = 1.0, source = "..." }
    web = { per_t = 1.0, source = "..." }
    edge = { per_t = 1.5, source = "..." }
    cut_to_bend = { per_t = 2.5, bend = true, source = "..." }   # + R, the bend radius
    countersink_edge = { per_t = 4.0, source = "..." }
    countersink_bend = { per_t = 4.0, bend = true, source = "..." }
    min_inner_radius = { at_least = 0.5, source = "..." }        # optional: milled

A bad field raises `InputError` ``<file>:<field>: <value> is <problem>; allowed <range>``.
"""

from __future__ import annotations

import re
from pathlib import Path

from geom.data.checked import Table, read_toml
from geom.data.template_schema import MAX_TOLERANCE_MM
from geom.data.templates import template_dirs
from geom.errors import InputError
from geom.model.conditions import Shop
from geom.model.shop import Figure, Profile

DEFAULTS = {"laser": "laser-default", "punch": "punch-default"}
"""The profile of each process when a file names no shop: today's rules of thumb."""
PROCESSES = ("laser", "punch", "mill")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_PER_T = 20.0
MAX_RULE_MM = 100.0
FIGURES = ("min_hole", "web", "edge", "cut_to_bend", "countersink_edge", "countersink_bend")


def shop_dirs() -> list[Path]:
    """Where profiles are found, in order: ``shops/`` in each template directory."""
    return [d / "shops" for d in template_dirs()]


def find_profile(name: str, where: str, field: str, relative_to: Path | None = None) -> Path:
    """The file of profile `name` (or a `.toml` path, relative to `relative_to`'s folder);
    an unknown name is an `InputError` at `where`:`field` listing the known ones."""
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to.parent / path
        if path.is_file():
            return path
        raise InputError(where, field, name, "not a shop profile file", "a path to a .toml file")
    if NAME.match(name):
        for folder in shop_dirs():
            path = folder / f"{name}.toml"
            if path.is_file():
                return path
    known = sorted({p.stem for d in shop_dirs() if d.is_dir() for p in d.glob("*.toml")})
    raise InputError(
        where,
        field,
        name,
        "not a known shop profile",
        f"{', '.join(known)}, or a path to a profile .toml file",
    )


def load_profile(path: Path) -> Profile:
    """Read and check one profile file; its name is the file's stem."""
    where = str(path)
    top = Table(read_toml(path), where)
    head = top.must_table("profile")
    title = head.text("title")
    process = head.text("process", choices=PROCESSES)
    tolerance = head.must_table("tolerance")
    shop = Shop(
        tolerance.must_number("value", 0.0, MAX_TOLERANCE_MM),
        f"profile {path.stem}: {_source(tolerance)}",
        path.stem,
    )
    tolerance.done()
    head.done()
    rules = top.must_table("rules")
    figures = {key: _figure(rules.must_table(key)) for key in FIGURES}
    corner = rules.table("min_inner_radius", required=False)
    rules.done()
    top.done()
    return Profile(
        name=path.stem,
        title=title,
        process=process,
        shop=shop,
        min_inner_radius=None if corner is None else _figure(corner),
        **figures,
    )


def profile_named(
    name: str, where: str, field: str = "shop", relative_to: Path | None = None
) -> Profile:
    """The profile `name` names (see the module doc)."""
    return load_profile(find_profile(name, where, field, relative_to))


def default_profile(process: str) -> Profile:
    """The profile a file that names no shop gets for its `process` ("laser" or
    "punch"): the shipped ``laser-default`` or ``punch-default`` (found like any other
    profile, so a user's file of that name replaces it)."""
    return profile_named(DEFAULTS[process], "command line", "shop")


def _figure(table: Table) -> Figure:
    per_t = table.number("per_t", 0.0, MAX_PER_T, low_open=False, unit="", required=False)
    plus = table.number("plus", -MAX_RULE_MM, MAX_RULE_MM, low_open=False, required=False)
    at_least = table.number("at_least", 0.0, MAX_RULE_MM, low_open=False, required=False)
    bend = table.get("bend", required=False)
    if bend is not None and not isinstance(bend, bool):
        raise table.error("bend", bend, "not true or false", "true or false")
    figure = Figure(per_t or 0.0, plus or 0.0, at_least or 0.0, _source(table), bool(bend))
    table.done()
    return figure


def _source(table: Table) -> str:
    """Where the figure comes from: one line of text (a named document, or "assumed")."""
    return table.text("source")
