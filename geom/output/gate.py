"""The one output policy of every door (CLI, API, catalog) and every surface: the CAM
files of a job (cut DXF, plate / folded / cut STEP, assembly, drawing, preview) are
written only when every check holds and was decided; a check that fails or cannot be
decided withholds them, unless `force`, which writes them marked FORCED. Reports, BOMs
and body STEPs are always written."""

from __future__ import annotations

from dataclasses import dataclass

WITHHELD = "a check fails or cannot be decided (--force writes them anyway)"
"""The report's `files.withheld` when the CAM files are withheld."""


@dataclass(frozen=True, slots=True)
class Verdict:
    holds: bool
    """Every check passed and was decided."""
    force: bool

    @property
    def write(self) -> bool:
        """The CAM files are written."""
        return self.holds or self.force

    @property
    def forced(self) -> bool:
        """Written only because of `force`: marked FORCED, the report says so."""
        return self.force and not self.holds

    @property
    def withheld(self) -> str | None:
        return None if self.write else WITHHELD


def decide(*checks: bool | None, force: bool = False) -> Verdict:
    """The verdict over `checks`: True holds; False fails; None could not be decided,
    which fails too (closed)."""
    return Verdict(all(c is True for c in checks), force)
