"""Part templates: one TOML file per part, or per family of parts (geom.data.families).
Discovery, expansion, validation, lookup by id.

Every number in a template is a table ``{value = ..., source = "..."}`` whose source is a
key of the template's ``[sources]`` table (a data-sheet item number) or ``"assumed"``.
Validation happens here, at the boundary: a bad field raises `InputError` naming the
file, the field, the value and what is allowed; nothing is built from half a template.

Where templates are found (the first directory that has an id wins):
1. each directory named in ``$GEOM_TEMPLATES`` (separated like ``$PATH``), so a user with
   the manufacturer's drawing overrides an assumed number in one file, without code;
2. the templates shipped in the package (``geom/templates`` inside the wheel), or, in a
   source checkout, the repository's ``templates/``.
"""

from __future__ import annotations

import difflib
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geom.data.checked import read_toml
from geom.data.families import expand
from geom.data.template_schema import RawTemplate, parse_template
from geom.errors import InputError, TemplateWarning
from geom.model.part import Part

TEMPLATES_ENV = "GEOM_TEMPLATES"


def template_dirs() -> list[Path]:
    """The directories searched for templates, in order (see the module doc)."""
    dirs = [Path(p) for p in os.environ.get(TEMPLATES_ENV, "").split(os.pathsep) if p]
    package = Path(__file__).resolve().parents[1]  # geom/
    shipped = package / "templates"
    dirs.append(shipped if shipped.is_dir() else package.parent / "templates")
    return dirs


@dataclass(frozen=True)
class Catalog:
    """Every template found, by id; frames resolved. `broken`: the error of each id whose
    template could not be read (using it is that error; every other part still works)."""

    parts: Mapping[str, Part]
    broken: Mapping[str, InputError] = field(default_factory=dict)

    def resolve(self, name: str) -> Part:
        """A part by id, by unique id prefix, or by the path of a template file; an
        unknown name is refused with the ids it may mean (case-insensitive, prefix and
        close matches; a family prefix lists the family)."""
        if name in self.parts:
            return self.parts[name]
        if name in self.broken:
            raise self.broken[name]
        if name.endswith(".toml") or Path(name).is_file():
            return load_file(Path(name), self)
        matches = [pid for pid in self.parts if pid.startswith(name)]
        if len(matches) == 1:
            return self.parts[matches[0]]
        raise unknown_part(name, sorted(self.parts))


def unknown_part(
    name: str, ids: list[str], where: str = "command line", field: str = "PART"
) -> InputError:
    """The error for a part name that is no id (nor a unique id prefix) of `ids`, with
    the ids it may mean: the same id in another case, the ids it (any case) begins, or
    close spellings (difflib)."""
    allowed = "a template id (`geom list`), a unique id prefix or a template path"
    lower = name.lower()
    family = [pid for pid in ids if pid.lower().startswith(lower)]
    if len(family) > 1:
        return InputError(
            where,
            field,
            name,
            f"an ambiguous prefix of {len(family)} parts",
            "one of " + ", ".join(family),
        )
    same = [pid for pid in ids if pid.lower() == lower] or family
    close = same or difflib.get_close_matches(lower, [pid.lower() for pid in ids], 3, 0.6)
    by_lower = {pid.lower(): pid for pid in ids}
    hint = [by_lower.get(c, c) for c in close]
    if hint:
        return InputError(
            where, field, name, f"not a known part (did you mean {' or '.join(hint)}?)", allowed
        )
    return InputError(
        where, field, name, "not a known part", f"{', '.join(ids)}, or a template path"
    )


def load_catalog(dirs: list[Path] | None = None) -> Catalog:
    """Read every ``*.toml`` in the template directories (not their subfolders). A bad
    template in a user's directory is one `TemplateWarning` naming it, and the rest of
    the catalog works; a bad shipped template (a bug in geom) raises its `InputError`."""
    searched = template_dirs() if dirs is None else dirs
    catalog, errors = load_catalog_lenient(searched)
    shipped = str(searched[-1]) if dirs is None else None
    for where, exc in errors.items():
        if shipped is not None and where.startswith(shipped):
            raise exc
        warnings.warn(TemplateWarning(f"{exc} (this template is skipped)"), stacklevel=2)
    return catalog


def load_file(path: Path, catalog: Catalog) -> Part:
    """One template file; its frame, if any, comes from `catalog`."""
    if not path.is_file():
        raise InputError(
            "command line",
            "PART",
            str(path),
            "not a template file",
            "a template id, a unique id prefix or a path to a .toml file",
        )
    items = _read(path)
    if len(items) > 1:
        raise InputError(
            "command line",
            "PART",
            str(path),
            f"a family of {len(items)} parts",
            "one of its ids: " + ", ".join(item.id for item in items),
        )
    item = items[0]
    frames = {pid: RawTemplate.of_part(p) for pid, p in catalog.parts.items()}
    return _build(item, {**frames, item.id: item})


def part_from_data(data: Mapping[str, Any], where: str, catalog: Catalog) -> Part:
    """A part from template-shaped data (used for parts given on the command line)."""
    item = parse_template(data, where)
    frames = {pid: RawTemplate.of_part(p) for pid, p in catalog.parts.items()}
    return _build(item, {**frames, item.id: item})


def _read(path: Path) -> list[RawTemplate]:
    """The templates of one file: the file's own, or one per family row (each named
    `<file>: row N (<id>)` in errors); the first bad one raises its `InputError`."""
    return [_parse(path, item.where, item.data) for item in expand(read_toml(path), str(path))]


def _parse(path: Path, where: str, data: Mapping[str, Any]) -> RawTemplate:
    item = parse_template(data, where)
    return RawTemplate(item.id, where, {**item.fields, "path": path}, item.frame_id)


def _build(item: RawTemplate, known: Mapping[str, RawTemplate]) -> Part:
    if item.part is not None:
        return item.part
    frame = None
    if item.frame_id is not None:
        target = known.get(item.frame_id)
        if target is None:
            raise InputError(
                item.where,
                "part.frame",
                item.frame_id,
                "not a known part",
                ", ".join(sorted(known)),
            )
        snap = target.part.snap if target.part is not None else target.fields.get("snap")
        if target.frame_id is not None or snap is None or snap.mounting != "snap-in":
            raise InputError(
                item.where,
                "part.frame",
                item.frame_id,
                "not a snap-in part itself",
                "a frame that snaps into the plate",
            )
        frame = _build(target, known)
    return Part(frame=frame, **item.fields)


def load_catalog_lenient(
    dirs: list[Path] | None = None,
) -> tuple[Catalog, dict[str, InputError]]:
    """Every template that loads, and the error of every one that does not, by file
    path or family row (a part whose frame fails to load fails too): one bad part must
    not stop the rest of a catalog build (geom.catalog). An earlier directory shadows a
    later one, id by id (a family's row too)."""
    raw: dict[str, RawTemplate] = {}
    errors: dict[str, InputError] = {}
    broken: dict[str, InputError] = {}
    for directory in template_dirs() if dirs is None else dirs:
        if not directory.is_dir():
            errors[str(directory)] = InputError(
                str(directory),
                "(directory)",
                str(directory),
                "not a directory",
                f"directories of templates in ${TEMPLATES_ENV}",
            )
            continue
        here: dict[str, RawTemplate] = {}
        for path in sorted(directory.glob("*.toml")):
            try:
                expanded = expand(read_toml(path), str(path))
            except InputError as exc:
                errors[str(path)] = exc
                continue
            for one in expanded:
                try:
                    item = _parse(path, one.where, one.data)
                except InputError as exc:
                    errors[one.where] = exc
                    pid = (
                        one.data.get("part", {}).get("id")
                        if isinstance(one.data.get("part"), dict)
                        else None
                    )
                    if isinstance(pid, str) and pid not in raw:
                        broken.setdefault(pid, exc)  # it shadows a later directory's id
                    continue
                if item.id in here:
                    errors[item.where] = InputError(
                        item.where,
                        "part.id",
                        item.id,
                        f"a duplicate of {here[item.id].where}",
                        "one template per id",
                    )
                    if item.id not in raw:  # neither file is the part: using it is the error
                        broken.setdefault(item.id, errors[item.where])
                    continue
                here[item.id] = item
        for pid, item in here.items():
            if pid not in broken:
                raw.setdefault(pid, item)
    parts: dict[str, Part] = {}
    for pid in sorted(raw):
        try:
            parts[pid] = _build(raw[pid], raw)
        except InputError as exc:
            errors[raw[pid].where] = exc
            broken[pid] = exc
    return Catalog(parts, broken), errors
