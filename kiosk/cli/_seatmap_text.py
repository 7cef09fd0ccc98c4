"""A seat map drawn as text, one character per grid cell, so a terminal or a log shows at a
glance which seats are free, held or sold. Pure: no I/O, no client."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from shared.models import SeatStatus
from shared.seatmap import GeneralAdmissionArea, Seat, SeatMap

__all__ = ["GLYPHS", "LEGEND", "draw_seat_map"]

GLYPHS: dict[SeatStatus, str] = {
    SeatStatus.AVAILABLE: "o",
    SeatStatus.RESERVED: "h",
    SeatStatus.BOOKED: "x",
}
_STYLES: dict[str, str] = {"o": "green", "h": "yellow", "x": "red", "#": "bold", "~": "cyan"}
_UNKNOWN = "?"
_STAGE = "#"
_STANDING = "~"
LEGEND = "o available   h held   x booked   # stage   ~ standing"


class _Canvas:
    """The grid plus a margin each side for row labels; each cell is a character and a style."""

    def __init__(self, width: int, height: int, margin: int) -> None:
        self.margin = margin
        self.width = width + 2 * margin
        self.chars = [[" "] * self.width for _ in range(height)]
        self.styles: list[list[str | None]] = [[None] * self.width for _ in range(height)]

    def put(self, x: int, y: int, char: str) -> None:
        """A grid cell, styled by what it shows."""
        self.chars[y][x + self.margin] = char
        self.styles[y][x + self.margin] = _STYLES.get(char)

    def is_free(self, column: int, y: int, length: int) -> bool:
        if not (0 <= y < len(self.chars) and column >= 0 and column + length <= self.width):
            return False
        return all(cell == " " for cell in self.chars[y][column : column + length])

    def write(self, column: int, y: int, text: str) -> None:
        """Plain text (labels) from a canvas column, margin included."""
        for offset, char in enumerate(text):
            self.chars[y][column + offset] = char
            self.styles[y][column + offset] = None

    def lines(self) -> list[Text]:
        lines = []
        for chars, styles in zip(self.chars, self.styles, strict=True):
            line = Text()
            start = 0
            for end in range(1, len(chars) + 1):
                if end == len(chars) or styles[end] != styles[start]:
                    line.append("".join(chars[start:end]), styles[start])
                    start = end
            line.rstrip()
            lines.append(line)
        return lines


def _label_block(canvas: _Canvas, x: int, y: int, width: int, height: int, text: str) -> None:
    """Write ``text`` centred on the middle line of a rectangle, cut to fit; spaced off the
    fill when there is room for some fill on either side."""
    text = f" {text} " if len(text) + 4 <= width else text[:width]
    column = canvas.margin + x + (width - len(text)) // 2
    canvas.write(column, y + height // 2, text)


def _fill(canvas: _Canvas, x: int, y: int, width: int, height: int, char: str) -> None:
    for row in range(y, y + height):
        for column in range(x, x + width):
            canvas.put(column, row, char)


def _standing_text(area: GeneralAdmissionArea, available: int, width: int) -> str:
    """The longest description of a standing area that fits its rectangle."""
    for text in (
        f"{area.name}: {available:,} of {area.capacity:,} left",
        f"{area.name} {available}/{area.capacity}",
        f"{available}/{area.capacity}",
    ):
        if len(text) <= width:
            return text
    return area.name


def _label_rows(canvas: _Canvas, seats: tuple[Seat, ...]) -> None:
    """Row labels just outside each row's first and last seat, where there is room."""
    rows: dict[str, list[Seat]] = {}
    for seat in seats:
        if seat.row is not None and seat.x is not None:
            rows.setdefault(seat.row, []).append(seat)
    for label, row in rows.items():
        xs = [s.x for s in row if s.x is not None]
        ys = [s.y for s in row if s.y is not None]
        m = canvas.margin
        if len(set(ys)) == 1:  # across the grid: label, a space, the seats, a space, label
            y = ys[0]
            left = m + min(xs) - 1 - len(label)
            if canvas.is_free(left, y, len(label) + 1):
                canvas.write(left, y, label)
            right = m + max(xs) + 1
            if canvas.is_free(right, y, len(label) + 1):
                canvas.write(right + 1, y, label)
        elif len(set(xs)) == 1:  # down the grid: label above and below
            column = m + xs[0]
            for y in (min(ys) - 1, max(ys) + 1):
                if canvas.is_free(column, y, len(label)):
                    canvas.write(column, y, label)


def draw_seat_map(
    seatmap: SeatMap,
    status: Mapping[str, SeatStatus],
    standing_available: Mapping[str, int],
) -> list[Text]:
    """The map as lines of text: a glyph per seat by ``status`` (keyed by seat ID), the stage,
    standing areas with the places left (``standing_available`` by area id), row labels."""
    rows = {seat.row for seat in seatmap.seats() if seat.row is not None}
    margin = max((len(row) for row in rows), default=0) + 1
    canvas = _Canvas(seatmap.width, seatmap.height, margin)
    stage = seatmap.stage
    _fill(canvas, stage.x, stage.y, stage.width, stage.height, _STAGE)
    _label_block(canvas, stage.x, stage.y, stage.width, stage.height, stage.label)
    for area in seatmap.general_admission:
        _fill(canvas, area.x, area.y, area.width, area.height, _STANDING)
        text = _standing_text(area, standing_available.get(area.id, 0), area.width)
        _label_block(canvas, area.x, area.y, area.width, area.height, text)
    for seat in seatmap.seats():
        if seat.x is not None and seat.y is not None:
            state = status.get(seat.seat_id)
            canvas.put(seat.x, seat.y, GLYPHS[state] if state else _UNKNOWN)
    for section in seatmap.sections:
        _label_rows(canvas, section.seats)
    return canvas.lines()
