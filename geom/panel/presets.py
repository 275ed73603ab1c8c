"""Panel presets: a Eurorack module panel (Doepfer A-100) and a 19-inch rack front
(EIA-310-E, IEC 60297-3-100): the outline and the mounting holes or slots, whose centres
the standard fixes (mm, from the panel's lower-left corner, Y up).

Eurorack (Doepfer, "A-100 Construction Details", doepfer.de/a100_man/a100m_e.htm):
128.5 mm high (3U less the rails' lips); 1 HP = 5.08 mm, the panel a few tenths narrower
than HP x 5.08 (`EURORACK_WIDTHS`, Doepfer's table); M3 holes (3.2 mm) 7.5 mm from the
left edge and 3.0 mm from top and bottom; up to 10 HP one hole top and one bottom, wider
two each, the second a whole number of HP to the right (hp - 3 HP: as far from the right
edge as the first is from the left, to within the panel's few tenths).

19-inch (EIA-310-E; IEC 60297-3-100): 482.6 mm wide; 1U = 44.45 mm; a panel of N units
1/32 in (0.79375 mm) shorter than N U, centred in its space; the rail holes 465.1 mm apart
across, and in every U at 6.35, 22.225 and 38.1 mm from its lower boundary. The preset's
slots sit on the lowest and the highest rail hole the panel covers (1U: 31.75 mm apart,
2U: 76.2 mm), left and right. The slot, 10 x 6.5 mm horizontal for M6 rack screws with
room to align the panel, is assumed (no standard gives it).
"""

from __future__ import annotations

from dataclasses import dataclass

HP_MM = 5.08
EURORACK_HEIGHT_MM = 128.5
EURORACK_WIDTHS = {
    2: 9.8,
    4: 20.0,
    6: 30.0,
    8: 40.3,
    10: 50.5,
    12: 60.6,
    14: 70.8,
    16: 80.9,
    18: 91.3,
    20: 101.3,
    22: 111.4,
    24: 121.9,
    28: 141.9,
    42: 213.0,
}
"""Panel width (mm) by HP, Doepfer's A-100 table; its 1 HP (5.0 mm) is left out: the
mounting hole at 7.5 mm lies beyond that panel's right edge."""
EURORACK_HOLE_MM = 3.2
EURORACK_HOLE_X_MM = 7.5
EURORACK_HOLE_Y_MM = 3.0
EURORACK_ONE_PAIR_HP = 10
"""Up to this width one hole top and one bottom; wider, two each."""
EURORACK = "Doepfer A-100 (Eurorack)"

RACK_WIDTH_MM = 482.6
U_MM = 44.45
RACK_CLEARANCE_MM = 25.4 / 32
"""A panel is 1/32 in shorter than its units (EIA-310-E)."""
RACK_HOLE_SPACING_MM = 465.1
RACK_HOLES_IN_U_MM = (6.35, 22.225, 38.1)
RACK_SLOT_MM = (10.0, 6.5)
"""Length and width of the rack slots: assumed, for M6 rack screws."""
MAX_UNITS = 20
RACK = "EIA-310-E (19-inch rack)"

PRESETS = ("eurorack", "19in")


@dataclass(frozen=True)
class Preset:
    """What a preset puts on the panel: its outline, its mounting holes (x, y, diameter)
    and slots (x, y, length, width; long axis along x), and the standard that fixes
    where they sit."""

    width: float
    height: float
    standard: str
    holes: tuple[tuple[float, float, float], ...] = ()
    slots: tuple[tuple[float, float, float, float], ...] = ()


def eurorack(hp: int) -> Preset:
    """A Doepfer A-100 panel `hp` HP wide (a width of Doepfer's table)."""
    width = EURORACK_WIDTHS[hp]
    xs = [EURORACK_HOLE_X_MM]
    if hp > EURORACK_ONE_PAIR_HP:
        xs.append(EURORACK_HOLE_X_MM + (hp - 3) * HP_MM)
    ys = (EURORACK_HOLE_Y_MM, EURORACK_HEIGHT_MM - EURORACK_HOLE_Y_MM)
    holes = tuple((x, y, EURORACK_HOLE_MM) for x in xs for y in ys)
    return Preset(width, EURORACK_HEIGHT_MM, EURORACK, holes)


def rack(units: int) -> Preset:
    """A 19-inch front `units` U high with its four rack slots."""
    height = units * U_MM - RACK_CLEARANCE_MM
    below = RACK_CLEARANCE_MM / 2  # the panel is centred in its space
    ys = (RACK_HOLES_IN_U_MM[0] - below, (units - 1) * U_MM + RACK_HOLES_IN_U_MM[-1] - below)
    margin = (RACK_WIDTH_MM - RACK_HOLE_SPACING_MM) / 2
    xs = (margin, RACK_WIDTH_MM - margin)
    slots = tuple((x, y, *RACK_SLOT_MM) for y in ys for x in xs)
    return Preset(RACK_WIDTH_MM, height, RACK, slots=slots)
