"""Ways out of a failing fit: each is the changed input itself (the sheet, the coating
band, masking, the shop's tolerance, the target), offered only after the fit (or the
whole panel or layout) was run again with the change applied and held. When no change
of one input holds, the advice says why for each input, and offers the changes of two
inputs that hold. All sizes mm.

The inputs, as a `Change` spells them in a report (`as_json`), on the command line and
in a panel or layout file (`spelled`):

| input | JSON | command line | file |
|---|---|---|---|
| sheet | `1.2` or `[1.15, 1.25]` | `--sheet 1.2` | `sheet = 1.2` |
| coating | `[0.06, 0.09]` | `--coating 0.06..0.09` | `coating = [0.06, 0.09]` |
| masked | `true` | `--masked` | `masked = true` |
| shop_tolerance | `0.05` | `--shop-tolerance 0.05` | `shop_tolerance = 0.05` |
| target | `"nominal"` | `--target nominal` | `target = "nominal"` |
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import permutations
from typing import Any, Literal, Protocol

from geom.model.conditions import MIN_PROCESS_MM, Conditions, Shop, Target
from geom.model.part import Part
from geom.model.tolerance import Size
from geom.model.units import band, mm

Door = Literal["command line", "file"]
"""How a way out spells its change: as command-line options or as a file's keys."""

Input = Literal["sheet", "coating", "masked", "shop_tolerance", "target"]
INPUTS: tuple[Input, ...] = ("sheet", "coating", "masked", "shop_tolerance", "target")

STEP_MM = 0.001
"""The grid a changed value is rounded to, inward (1 um): a figure a shop can state."""
SHEET_STEP_MM = 0.01
"""A changed sheet is rounded to 0.01 mm where the sheets that work allow it."""
WAY_OUT_SHOP = "the way out's shop"
"""The source of a shop tolerance a way out tries."""


@dataclass(frozen=True, slots=True)
class Change:
    """Inputs changed from what was given (None: as given)."""

    sheet: Size | None = None
    coating: Size | None = None
    masked: bool | None = None
    shop_tolerance: float | None = None
    target: Target | None = None

    def applied(self, conditions: Conditions) -> Conditions:
        """`conditions` with this change."""
        shop = conditions.shop
        if self.shop_tolerance is not None:
            shop = Shop(self.shop_tolerance, WAY_OUT_SHOP)
        return Conditions(
            sheet=self.sheet if self.sheet is not None else conditions.sheet,
            coating=self.coating if self.coating is not None else conditions.coating,
            masked=self.masked if self.masked is not None else conditions.masked,
            target=self.target if self.target is not None else conditions.target,
            shop=shop,
        )

    def __or__(self, other: Change) -> Change:
        """Both changes (`other` wins where both change an input)."""
        fields = {n: getattr(other, n) for n in INPUTS if getattr(other, n) is not None}
        return replace(self, **fields)

    @property
    def inputs(self) -> tuple[Input, ...]:
        return tuple(n for n in INPUTS if getattr(self, n) is not None)

    def as_json(self) -> dict[str, Any]:
        """The change as report keys: `sheet` a number or [min, max], `coating` [min,
        max], `masked` true, `shop_tolerance` a number, `target` "mid" or "nominal"."""
        out: dict[str, Any] = {}
        if self.sheet is not None:
            s = self.sheet
            out["sheet"] = s.min if s.min == s.max else [s.min, s.max]
        if self.coating is not None:
            out["coating"] = [self.coating.min, self.coating.max]
        if self.masked is not None:
            out["masked"] = self.masked
        if self.shop_tolerance is not None:
            out["shop_tolerance"] = self.shop_tolerance
        if self.target is not None:
            out["target"] = self.target
        return out

    def spelled(self, door: Door) -> str:
        """The change as command-line options or as a file's keys."""
        cli = door == "command line"
        parts: list[str] = []
        for name, value in self.as_json().items():
            if cli:
                option = "--" + name.replace("_", "-")
                if isinstance(value, bool):
                    parts.append(option)
                elif isinstance(value, list):
                    low, high = (_g(v) for v in value)
                    parts.append(f"{option} {low if low == high else f'{low}..{high}'}")
                else:
                    parts.append(f"{option} {value if isinstance(value, str) else _g(value)}")
            elif isinstance(value, bool):
                parts.append(f"{name} = {'true' if value else 'false'}")
            elif isinstance(value, list):
                parts.append(f"{name} = [{', '.join(_g(v) for v in value)}]")
            elif isinstance(value, str):
                parts.append(f'{name} = "{value}"')
            else:
                parts.append(f"{name} = {_g(value)}")
        return " ".join(parts) if cli else ", ".join(parts)


@dataclass(frozen=True, slots=True)
class WayOut:
    """A change that was applied and held, and what it is in words."""

    change: Change
    text: str


@dataclass(frozen=True, slots=True)
class Advice:
    """The ways out of a failure; `no_way_out` says why no change of one input holds
    (then `ways_out` holds only changes of two inputs, or nothing)."""

    ways_out: tuple[WayOut, ...] = ()
    no_way_out: str | None = None


NO_ADVICE = Advice()
"""What a fit or panel that holds gets."""


class Fit(Protocol):
    """What advice reads of a fit (geom.model.fit.Fit): the part and its conditions."""

    @property
    def part(self) -> Part: ...

    @property
    def conditions(self) -> Conditions: ...


class Subject(Protocol):
    """What advice is given for: one part's fit, a panel, a layout on an enclosure."""

    @property
    def conditions(self) -> Conditions:
        """The inputs as given (a layout: its sheet None, each fit has its wall)."""
        ...

    @property
    def inputs(self) -> tuple[Input, ...]:
        """The inputs a way out may change."""
        ...

    @property
    def door(self) -> Door: ...

    def fits(self, change: Change) -> Sequence[Fit]:
        """Every fit under `change`, each with its own sheet."""
        ...

    def failures(self, change: Change) -> list[str]:
        """What fails under `change` (check or rule names); [] when everything holds."""
        ...


@dataclass(frozen=True, slots=True)
class _Try:
    """One input's candidate changes, in the order to try, or why there is none."""

    changes: tuple[tuple[Change, str], ...]
    why_not: str = ""


MAX_PAIRS = 3
"""Changes of two inputs offered when no change of one holds."""


def advise(subject: Subject) -> Advice:
    """The ways out of `subject`'s failures, each verified with `subject.failures`."""
    base = Change()
    if not subject.failures(base):
        return NO_ADVICE
    found: list[WayOut] = []
    why_not: list[str] = []
    for name in subject.inputs:
        tried = _candidates(name, subject, base, free=None)
        held = _first_that_holds(subject, tried)
        if held is not None:
            found.append(held)
        else:
            why_not.append(f"{_LABEL[name]}: {_why_not(subject, tried)}")
    if found:
        return Advice(tuple(found))
    pairs: list[WayOut] = []
    seen: set[Change] = set()
    for first, second in permutations(subject.inputs, 2):
        if len(pairs) >= MAX_PAIRS:
            break
        for change, text in _candidates(first, subject, base, free=second).changes:
            rest = _candidates(second, subject, change, free=None)
            done = _first_that_holds(subject, rest, change, text)
            if done is not None and done.change not in seen:
                seen.add(done.change)
                pairs.append(done)
                break
    reason = "no change of one input makes it hold: " + "; ".join(why_not)
    return Advice(tuple(pairs), reason)


_LABEL: dict[Input, str] = {
    "sheet": "sheet",
    "coating": "coating",
    "masked": "masking",
    "shop_tolerance": "shop",
    "target": "target",
}


def _first_that_holds(
    subject: Subject, tried: _Try, before: Change | None = None, before_text: str = ""
) -> WayOut | None:
    for change, text in tried.changes:
        whole = change if before is None else before | change
        if not subject.failures(whole):
            words = text if before is None else f"{before_text}, and {text}"
            return WayOut(whole, words)
    return None


def _why_not(subject: Subject, tried: _Try) -> str:
    if not tried.changes:
        return tried.why_not
    change, _ = tried.changes[0]
    still = ", ".join(subject.failures(change))
    return f"{change.spelled(subject.door)} still fails {still}"


def _candidates(name: Input, subject: Subject, base: Change, *, free: Input | None) -> _Try:
    """The candidate changes of input `name` on top of `base`. `free`: the input that
    will be changed next, so a coating band need not suit the sheet, the shop or the
    unmasked edges as given."""
    return _MAKERS[name](subject, base, free)


def _sheet(subject: Subject, base: Change, free: Input | None) -> _Try:
    cond = base.applied(subject.conditions)
    if cond.sheet is None:
        return _Try((), "no sheet given: the check already takes every sheet that grips")
    fits = subject.fits(base)
    if not fits:
        return _Try(
            (), "no part grips it: the sheet sets only the layout minimums (web, edge, hole)"
        )
    coating = cond.coating
    low = max(f.part.fit.grip.min - 2 * coating.min for f in fits)
    high = min(f.part.fit.grip.max - 2 * coating.max for f in fits)
    width = cond.sheet.spread
    coat = f"{band(coating.min, coating.max)} mm coating per face"
    who = _who(fits)
    if high <= 0 or high - low < width - 1e-9:
        spread = 2 * coating.spread
        grips = _grips(fits)
        return _Try(
            (),
            f"no sheet {band(cond.sheet.min, cond.sheet.max)} mm wide grips {who} with {coat} "
            f"(the coating spreads the finished plate over {mm(spread)} mm; {grips})"
            if width > 0
            else f"no sheet grips {who} with {coat} (the coating spreads the finished plate "
            f"over {mm(spread)} mm; {grips})",
        )
    low = max(low, STEP_MM)
    out: list[tuple[Change, str]] = []
    for start in (min(max(cond.sheet.min, low), high - width), low):
        size = _sheet_band(start, width, low, high)
        change = Change(sheet=size)
        if all(c.sheet != size for c, _ in out) and size != cond.sheet:
            text = (
                f"a {band(size.min, size.max)} mm sheet ({change.spelled(subject.door)}): "
                f"sheets {band(low, high)} mm grip {who} with {coat}"
            )
            out.append((change, text))
    if not out:
        return _Try((), f"the sheet given already grips {who}: something else fails")
    return _Try(tuple(out))


def _sheet_band(start: float, width: float, low: float, high: float) -> Size:
    """A sheet band of `width` starting near `start`, inside [low, high], its ends on
    the 0.01 mm grid where that fits, else on the 1 um grid (mm)."""
    for step in (SHEET_STEP_MM, STEP_MM):
        s = _round(start, step)
        if s < low - 1e-9:
            s = _up(low, step)
        if s + width > high + 1e-9:
            s = _down(high - width, step)
        if low - 1e-9 <= s and s + width <= high + 1e-9:
            return Size.between(s, s + width) if width else Size.exact(s)
    return Size.between(start, start + width) if width else Size.exact(start)


def _coating(subject: Subject, base: Change, free: Input | None) -> _Try:
    cond = base.applied(subject.conditions)
    fits = subject.fits(base)
    given = cond.coating
    low, high, widest = 0.0, math.inf, math.inf
    narrow = ""  # what sets the widest band
    for f in fits:
        grip = f.part.fit.grip
        sheet = f.conditions.sheet
        if sheet is None or free == "sheet":
            room = grip.spread / 2
            high = min(high, grip.max / 2)
            if room < widest:
                widest, narrow = room, f"{_grip(f)} lets the finished plate vary {mm(2 * room)} mm"
        else:
            low = max(low, (grip.min - sheet.min) / 2)
            high = min(high, (grip.max - sheet.max) / 2)
    if not cond.masked and free not in ("masked", "shop_tolerance"):
        # A shop changed next finds its own figure for the band as given (`_shop`).
        need = cond.shop.tolerance if cond.shop else MIN_PROCESS_MM
        shop = f"+/-{mm(need)} mm" if cond.shop else "1 um"
        for f in fits:
            tol = _tolerance(f)
            room = tol / 2 - need if cond.target == "mid" else (tol - need) / 2
            if room < widest:
                widest, narrow = room, f"{f.part.id}'s {mm(tol)} mm band must leave the shop {shop}"
    width = min(given.spread, widest)
    if high < -1e-9:
        sheet = fits[0].conditions.sheet if len(fits) == 1 else None
        alone = f"a {band(sheet.min, sheet.max)} mm sheet" if sheet else "the sheet"
        return _Try((), f"{alone} alone is thicker than {_grips(fits)}")
    if widest < -1e-9:
        return _Try((), f"no coating band is narrow enough: {narrow}")
    if high < low - 1e-9:
        return _Try((), f"no coating grips {_who(fits)} on this sheet ({_grips(fits)})")
    width = max(min(width, high - low), 0.0)
    start = _up(min(max(given.min, low), high - width), STEP_MM)
    end = _down(start + width, STEP_MM)
    if end < start:  # the grid leaves no room: the exact figures
        start = end = min(max(given.min, low), high)
    size = Size.between(max(start, 0.0), max(end, start, 0.0))
    if size == given:
        return _Try((), "the coating given already suits every band and grip")
    change = Change(coating=size)
    what = "no coating" if size.max == 0 else f"a coating of {band(size.min, size.max)} mm per face"
    why = []
    if size.spread < given.spread - 1e-9 and widest <= high - low:
        why.append(f"at most {mm(max(widest, 0.0))} mm wide: {narrow}")
    if free != "sheet" and (given.max > high + 1e-9 or given.min < low - 1e-9):
        why.append(f"{band(low, high)} mm per face for {_grips(fits)} on this sheet")
    reason = f": {'; '.join(why)}" if why else ""
    return _Try(((change, f"{what} ({change.spelled(subject.door)}){reason}"),))


def _masked(subject: Subject, base: Change, free: Input | None) -> _Try:
    cond = base.applied(subject.conditions)
    if cond.masked:
        return _Try((), "the openings are masked already")
    if cond.coating.max == 0:
        return _Try((), "no coating to mask")
    change = Change(masked=True)
    text = (
        f"mask the openings while coating ({change.spelled(subject.door)}): their edges "
        "stay bare and the cut is drawn for the bare sheet"
    )
    return _Try(((change, text),))


def _shop(subject: Subject, base: Change, free: Input | None) -> _Try:
    cond = base.applied(subject.conditions)
    if cond.shop is None:
        given = "no shop tolerance given: the check already lets the shop use all the room"
        return _Try((), f"{given} the cut leaves")
    # The opening, every check on it and the shop's room only get better as the shop
    # holds tighter: the loosest tolerance that holds is found by bisection (1 um grid).
    steps = round(cond.shop.tolerance / STEP_MM)

    def holds(k: int) -> bool:
        return not subject.failures(base | Change(shop_tolerance=k * STEP_MM))

    if steps <= 1:
        return _Try((), f"the shop holds +/-{mm(cond.shop.tolerance)} mm already")
    if not holds(1):
        tight = base | Change(shop_tolerance=STEP_MM)
        still = ", ".join(subject.failures(tight))
        return _Try((), f"even a shop that holds +/-{mm(STEP_MM)} mm still fails {still}")
    good, bad = 1, steps
    while bad - good > 1:
        mid = (good + bad) // 2
        good, bad = (mid, bad) if holds(mid) else (good, mid)
    change = Change(shop_tolerance=round(good * STEP_MM, 6))
    text = (
        f"a shop that holds +/-{mm(good * STEP_MM)} mm or better "
        f"({change.spelled(subject.door)}), not +/-{mm(cond.shop.tolerance)} mm"
    )
    return _Try(((change, text),))


def _target(subject: Subject, base: Change, free: Input | None) -> _Try:
    cond = base.applied(subject.conditions)
    other: Target = "nominal" if cond.target == "mid" else "mid"
    change = Change(target=other)
    where = (
        "at the middle of the band"
        if other == "mid"
        else "at the band's lower limit plus the coating"
    )
    return _Try(((change, f"draw the cut {where} ({change.spelled(subject.door)})"),))


_MAKERS: dict[Input, Callable[[Subject, Change, Input | None], _Try]] = {
    "sheet": _sheet,
    "coating": _coating,
    "masked": _masked,
    "shop_tolerance": _shop,
    "target": _target,
}


def _tolerance(fit: Fit) -> float:
    """The narrowest band of the part's cutout sizes and fixing holes (mm)."""
    snap = fit.part.fit
    tols = [snap.band(n)[1] - snap.band(n)[0] for n in snap.cutout.SIZES]
    if snap.holes is not None:
        tols.append(snap.holes.tolerance)
    return min(tols)


def _who(fits: Sequence[Fit]) -> str:
    ids = sorted({f.part.id for f in fits})
    return ids[0] if len(ids) == 1 else "every part"


def _grips(fits: Sequence[Fit]) -> str:
    """The narrowest grip range of the parts (mm)."""
    return _grip(min(fits, key=lambda f: (f.part.fit.grip.spread, f.part.id)))


def _grip(fit: Fit) -> str:
    g = fit.part.fit.grip
    return f"{fit.part.id}'s grip range {band(g.min, g.max)} mm"


def _g(value: float) -> str:
    """A figure as typed: 1.38, not 1.380000001."""
    return f"{round(value, 6):g}"


def _round(value: float, step: float) -> float:
    return round(round(value / step) * step, 6)


def _up(value: float, step: float) -> float:
    return round(math.ceil(value / step - 1e-6) * step, 6)


def _down(value: float, step: float) -> float:
    return round(math.floor(value / step + 1e-6) * step, 6)
