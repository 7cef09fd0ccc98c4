"""What each cell of the map shows: one glyph AND one colour per seat state, so the map reads
without colour too, and the legend is generated from the same table it is drawn with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "COMPONENT_CLASSES",
    "FULLNESS",
    "MARKS",
    "PARTS",
    "Fullness",
    "Mark",
    "MarkLook",
    "Part",
    "component_css",
    "fullness_of",
]


class Mark(IntEnum):
    """How one seat is drawn: its sale state first, its features only while it can be bought."""

    AVAILABLE = 0
    ACCESSIBLE = 1
    COMPANION = 2
    OBSTRUCTED = 3
    HELD = 4
    BOOKED = 5
    SELECTED = 6
    UNSOLD = 7


@dataclass(frozen=True, slots=True)
class MarkLook:
    glyph: str
    #: Component class that gives the colour (see ``component_css``).
    component: str
    #: Words for the legend and the status line.
    words: str


MARKS: dict[Mark, MarkLook] = {
    Mark.AVAILABLE: MarkLook("●", "seatmap--available", "available"),
    Mark.ACCESSIBLE: MarkLook("w", "seatmap--accessible", "wheelchair space"),
    Mark.COMPANION: MarkLook("c", "seatmap--companion", "companion seat"),
    Mark.OBSTRUCTED: MarkLook("◐", "seatmap--obstructed", "restricted view"),
    Mark.HELD: MarkLook("◌", "seatmap--held", "held by someone else"),
    Mark.BOOKED: MarkLook("×", "seatmap--booked", "booked"),
    Mark.SELECTED: MarkLook("✓", "seatmap--selected", "your selection"),
    Mark.UNSOLD: MarkLook("·", "seatmap--unsold", "not on sale"),
}


class Fullness(IntEnum):
    """How full a section is, for the overview of a large venue: shade and colour both say it."""

    PLENTY = 0
    FILLING = 1
    NEARLY_FULL = 2
    SOLD_OUT = 3


FULLNESS: dict[Fullness, MarkLook] = {
    Fullness.PLENTY: MarkLook("░", "seatmap--plenty", "under half sold"),
    Fullness.FILLING: MarkLook("▒", "seatmap--filling", "half sold or more"),
    Fullness.NEARLY_FULL: MarkLook("▓", "seatmap--nearly-full", "90% sold or more"),
    Fullness.SOLD_OUT: MarkLook("█", "seatmap--sold-out", "sold out"),
}


def fullness_of(available: int, total: int) -> Fullness:
    """Sold means not available (held seats count: nobody else can buy them now)."""
    if available <= 0:
        return Fullness.SOLD_OUT
    taken = total - available
    if taken * 10 >= total * 9:
        return Fullness.NEARLY_FULL
    if taken * 2 >= total:
        return Fullness.FILLING
    return Fullness.PLENTY


class Part(IntEnum):
    """Everything on the map that is not a seat."""

    BLANK = 0
    STAGE = 1
    STAGE_LABEL = 2
    ROW_LABEL = 3
    SECTION_NAME = 4
    STANDING = 5
    STANDING_LABEL = 6
    CURSOR = 7
    FLASH = 8
    OVERVIEW_LABEL = 9


PARTS: dict[Part, str] = {
    Part.BLANK: "",
    Part.STAGE: "seatmap--stage",
    Part.STAGE_LABEL: "seatmap--stage-label",
    Part.ROW_LABEL: "seatmap--row-label",
    Part.SECTION_NAME: "seatmap--section-name",
    Part.STANDING: "seatmap--standing",
    Part.STANDING_LABEL: "seatmap--standing-label",
    Part.CURSOR: "seatmap--cursor",
    Part.FLASH: "seatmap--flash",
    Part.OVERVIEW_LABEL: "seatmap--overview-label",
}

COMPONENT_CLASSES: frozenset[str] = frozenset(
    [look.component for look in MARKS.values()]
    + [look.component for look in FULLNESS.values()]
    + [name for name in PARTS.values() if name]
)

# Free seats are the brightest thing on the map; taken ones recede; the selection is a block.
_RULES = """
.seatmap--available { color: $success; text-style: bold; }
.seatmap--accessible { color: #5aa9ff; text-style: bold; }
.seatmap--companion { color: #5aa9ff; }
.seatmap--obstructed { color: #c792ea; text-style: bold; }
.seatmap--held { color: $warning; }
.seatmap--booked { color: $error 80%; }
.seatmap--selected { color: #1a1a1a; background: #ffd75f; text-style: bold; }
.seatmap--unsold { color: $text-disabled; }
.seatmap--plenty { color: $success; }
.seatmap--filling { color: $warning; }
.seatmap--nearly-full { color: $error; }
.seatmap--sold-out { color: $text-disabled; }
.seatmap--overview-label { color: $text; text-style: bold; }
.seatmap--stage { color: $text-muted; background: $panel; }
.seatmap--stage-label { color: $text; background: $panel; text-style: bold; }
.seatmap--row-label { color: $text-muted; }
.seatmap--section-name { color: $text; text-style: bold italic; }
.seatmap--standing { color: #4ec9b0; }
.seatmap--standing-label { color: $text; text-style: bold; }
.seatmap--cursor { text-style: reverse bold; }
.seatmap--flash { background: $primary 70%; }
"""


def component_css(owner: str) -> str:
    """The colour rules for ``owner``'s component classes (the map and its legend share them)."""
    lines = []
    for line in _RULES.strip().splitlines():
        lines.append(f"{owner} > {line}")
    return "\n".join(lines) + "\n"
