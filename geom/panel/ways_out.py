"""The ways out of a failing panel or layout: changes of the file's sheet, coating,
masking, shop tolerance or target (geom.model.advice), each offered only after it was
checked again with the change and held: a panel's on the whole panel (every part's fit
and every layout rule), a layout cut into an enclosure on every part's fit with the wall
measured under it. A bent panel's sheet is not changed (its bends are drawn for it), nor
a layout's (the wall is measured). Sizes in mm."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from geom.model.advice import INPUTS, Advice, Change, Door, Input, advise
from geom.model.conditions import Conditions
from geom.model.fit import Fit, evaluate
from geom.model.layout import Rule
from geom.panel.bent_layout import check_bent
from geom.panel.layout import check_layout
from geom.panel.model import Panel

WHERE_THEY_SIT = frozenset(
    {
        Rule.FLANGE_OVERLAP,
        Rule.FLANGE_OFF_SHEET,
        Rule.PLUG_CLEARANCE,
        Rule.HOLE_UNDER_FLANGE,
        Rule.SLOT_UNDER_FLANGE,
    }
)
"""Rules that only the parts' positions decide (their flanges and plugs, the file's
holes and slots): no change of the sheet, coating, masking, shop or target helps."""


def panel_advice(panel: Panel) -> Advice:
    """The ways out of `panel`'s violations (none when it holds)."""
    subject = _PanelSubject(panel)
    placed = sorted({r.split(" ")[0] for r in subject.failures(Change())} & WHERE_THEY_SIT)
    if placed:
        return Advice(
            (),
            f"no change of the inputs helps: {', '.join(placed)} depend only on where the "
            "parts sit: move them",
        )
    return advise(subject)


def layout_advice(fits: Sequence[Fit]) -> Advice:
    """The ways out of the failing fits of a layout cut into an enclosure (each fit on
    its own measured wall; none when every fit holds)."""
    return advise(_LayoutSubject(tuple(fits)))


def changed_panel(panel: Panel, change: Change) -> Panel:
    """`panel` as if its file said what `change` says: every fit evaluated again."""
    cond = change.applied(_conditions(panel))
    fits = {pid: evaluate(f.part, cond) for pid, f in panel.fits.items()}
    assert cond.sheet is not None and cond.shop is not None
    return replace(
        panel,
        sheet=cond.sheet,
        coating=cond.coating,
        masked=cond.masked,
        target=cond.target,
        shop=cond.shop,
        fits=fits,
    )


def _conditions(panel: Panel) -> Conditions:
    return Conditions(panel.sheet, panel.coating, panel.masked, panel.target, panel.shop)


@dataclass
class _PanelSubject:
    panel: Panel
    door: Door = "file"
    seen: dict[Change, Panel] = field(default_factory=dict)

    @property
    def conditions(self) -> Conditions:
        return _conditions(self.panel)

    @property
    def inputs(self) -> tuple[Input, ...]:
        bent = self.panel.bends is not None
        return tuple(n for n in INPUTS if not (bent and n == "sheet"))

    def _panel(self, change: Change) -> Panel:
        if change not in self.seen:
            self.seen[change] = changed_panel(self.panel, change)
        return self.seen[change]

    def fits(self, change: Change) -> list[Fit]:
        return list(self._panel(change).fits.values())

    def failures(self, change: Change) -> list[str]:
        panel = self._panel(change)
        found = check_bent(panel) if panel.bends is not None else check_layout(panel)
        counts = Counter(v.rule for v in found)
        return [f"{rule} ({n})" if n > 1 else rule for rule, n in counts.items()]


@dataclass(frozen=True)
class _LayoutSubject:
    given: tuple[Fit, ...]
    door: Door = "file"
    inputs: tuple[Input, ...] = tuple(n for n in INPUTS if n != "sheet")

    @property
    def conditions(self) -> Conditions:
        if not self.given:
            return Conditions()
        return replace(self.given[0].conditions, sheet=None)

    def fits(self, change: Change) -> list[Fit]:
        return [evaluate(f.part, change.applied(f.conditions)) for f in self.given]

    def failures(self, change: Change) -> list[str]:
        counts = Counter(c.name for f in self.fits(change) for c in f.failures())
        return [f"fit.{name} ({n})" if n > 1 else f"fit.{name}" for name, n in counts.items()]
