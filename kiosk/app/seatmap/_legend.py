"""The legend: every glyph the map draws, in its colour, with words, so no one has to guess
(and a buyer who cannot tell the colours apart still can tell the glyphs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from kiosk.app.seatmap._marks import (
    COMPONENT_CLASSES,
    FULLNESS,
    MARKS,
    PARTS,
    Mark,
    Part,
    component_css,
)

__all__ = ["SeatMapLegend"]

_SEAT_MARKS = (
    Mark.AVAILABLE,
    Mark.SELECTED,
    Mark.HELD,
    Mark.BOOKED,
    Mark.ACCESSIBLE,
    Mark.COMPANION,
    Mark.OBSTRUCTED,
)


class _Entries:
    """Legend entries packed into lines as wide as the widget, never split inside one."""

    def __init__(self, entries: list[Text]) -> None:
        self.entries = entries

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        line = Text()
        for entry in self.entries:
            gap = 3 if line.cell_len else 0
            if line.cell_len and line.cell_len + gap + entry.cell_len > width:
                yield line
                line = Text()
                gap = 0
            line.append(" " * gap)
            line.append_text(entry)
        yield line


class SeatMapLegend(Widget):
    """Glyph + colour + words for every seat state; with ``overview`` also the shades of the
    section overview, and with ``standing`` the standing-area block."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENT_CLASSES)
    DEFAULT_CSS = """
    SeatMapLegend {
        height: auto;
        width: 1fr;
        padding: 0 1;
    }
    """ + component_css("SeatMapLegend")

    overview: reactive[bool] = reactive(False, layout=True)
    """Explain the overview's shades too (a large venue)."""
    standing: reactive[bool] = reactive(False, layout=True)
    """Explain the standing-area block too."""
    seats: reactive[bool] = reactive(True, layout=True)
    """Explain the seat glyphs (off while the map shows the overview, which draws none)."""

    def __init__(
        self,
        *,
        overview: bool = False,
        standing: bool = False,
        seats: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(SeatMapLegend.overview, overview)
        self.set_reactive(SeatMapLegend.standing, standing)
        self.set_reactive(SeatMapLegend.seats, seats)

    def _entry(self, glyph: str, component: str, words: str) -> Text:
        style: Style = self.get_component_rich_style(component)
        return Text.assemble((glyph, style), " ", words)

    def _entries(self) -> Iterator[Text]:
        for mark in _SEAT_MARKS if self.seats else ():
            look = MARKS[mark]
            yield self._entry(look.glyph, look.component, look.words)
        if self.standing:
            yield self._entry("░", PARTS[Part.STANDING], "standing area (places left)")
        if self.overview:
            for look in FULLNESS.values():
                yield self._entry(look.glyph * 2, look.component, f"section {look.words}")
            yield Text("number: places left")

    def render(self) -> _Entries:
        return _Entries(list(self._entries()))
