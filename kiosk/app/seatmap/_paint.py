"""Turning one line of a grid plus the current statuses into styled segments.

Only lines on screen are painted, and the canvas keeps each painted line until something on
it changes, so a cursor move repaints two lines whatever the venue's size.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style

from kiosk.app.seatmap._book import STATE_MARKS, SeatBook
from kiosk.app.seatmap._grid import DetailGrid
from kiosk.app.seatmap._marks import FULLNESS, MARKS, PARTS, Mark, Part
from kiosk.app.seatmap._overview import LabelSpan, OverviewGrid

__all__ = ["DetailPainter", "Highlight", "OverviewPainter", "Styles", "standing_text"]

#: Component class name -> Rich style; ``""`` is the widget's own style.
Styles = Mapping[str, Style]


@dataclass(slots=True)
class Highlight:
    """What is drawn on top of the statuses: the cursor, and targets that just changed."""

    cursor: int | None = None
    #: Targets of the current view to flash.
    flashing: set[int] = field(default_factory=set)
    #: Keys go to the map: the cursor is a solid block; otherwise only underlined.
    focused: bool = False


class _Line:
    """Segments of one line, merging neighbours that share a style."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self._text: list[str] = []
        self._style: Style | None = None

    def add(self, text: str, style: Style) -> None:
        if style is not self._style:
            self._flush()
            self._style = style
        self._text.append(text)

    def _flush(self) -> None:
        if self._text:
            self.segments.append(Segment("".join(self._text), self._style))
            self._text = []

    def finish(self) -> list[Segment]:
        self._flush()
        return self.segments


def _centred(width: int, text: str) -> tuple[int, str]:
    """Where ``text`` (cut to ``width``) starts inside a run of ``width`` cells."""
    text = text[:width]
    return (width - len(text)) // 2, text


_UNFOCUSED_CURSOR = Style(underline=True)
_SELECTED = int(Mark.SELECTED)


def _cursor_style(highlight: Highlight, styles: Styles) -> Style:
    return styles[PARTS[Part.CURSOR]] if highlight.focused else _UNFOCUSED_CURSOR


def _seat_flash(styles: Styles) -> Style:
    """A seat that just changed: the flash background, and the glyph in the text colour so
    its shape (held, booked, free) reads clearly on it; its own colour comes back after."""
    return styles[PARTS[Part.FLASH]] + Style(color=styles[""].color, bold=True)


def standing_text(name: str, left: int, mine: int, width: int) -> str:
    """The longest description of a standing area that fits its rectangle."""
    yours = f" · {mine} picked" if mine else ""
    for text in (f"{name}: {left:,} left{yours}", f"{name} {left:,}{yours}", f"{left:,}{yours}"):
        if len(text) <= width:
            return text
    return f"{left:,}"[:width]


class DetailPainter:
    """Every seat at one character, with row labels, section names and the stage."""

    def __init__(self, grid: DetailGrid, book: SeatBook, highlight: Highlight) -> None:
        self.grid, self.book, self.highlight = grid, book, highlight
        self.width, self.height = grid.width, grid.height

    def lines_of(self, target: int) -> range:
        box = self.grid.box_of(target)
        return range(box.y, box.bottom + 1)

    def paint(self, y: int, styles: Styles, left: int, right: int) -> tuple[int, list[Segment]]:
        """Line ``y`` from the run holding column ``left`` to the one holding ``right - 1``
        (a stadium line is wider than the screen): one glyph per seat, neighbours of the same
        look in one segment. The loop is written out as it runs for every seat on screen."""
        grid, book, highlight = self.grid, self.book, self.highlight
        cursor, flashing = highlight.cursor, highlight.flashing
        seats = len(grid.seats)
        text = grid.text[y]
        glyphs = [MARKS[mark].glyph for mark in Mark]
        mark_styles = [styles[MARKS[mark].component] for mark in Mark]
        part_styles = [styles[PARTS[part]] for part in Part]
        cursor_style, flash_style = _cursor_style(highlight, styles), _seat_flash(styles)
        selected, status, features = book.selected_seats, book.status, book.features
        segments: list[Segment] = []
        pending: list[str] = []
        pending_style: Style | None = None
        starts, ends, codes = grid.runs(y)
        first = max(0, bisect_right(starts, left) - 1)
        last = bisect_left(starts, right)
        for start, end, code in zip(
            starts[first:last], ends[first:last], codes[first:last], strict=True
        ):
            if code >= seats:  # a standing area: drawn on its own
                if pending:
                    segments.append(Segment("".join(pending), pending_style))
                    pending, pending_style = [], None
                line = _Line()
                self._paint_area(line, y, start, end, code, styles)
                segments += line.finish()
                continue
            if code < 0:
                piece, style = text[start:end], part_styles[-code - 1]
            else:  # SeatBook.mark, inlined
                if code in selected:
                    mark = _SELECTED
                else:
                    state = status[code]
                    mark = features[code] if state == 0 else STATE_MARKS[state]
                piece, style = glyphs[mark], mark_styles[mark]
                if code == cursor:
                    style = style + cursor_style
                elif code in flashing:
                    style = style + flash_style
            if style is not pending_style:
                if pending:
                    segments.append(Segment("".join(pending), pending_style))
                pending, pending_style = [piece], style
            else:
                pending.append(piece)
        if pending:
            segments.append(Segment("".join(pending), pending_style))
        return (starts[first] if first < last else left), segments

    def _paint_area(
        self, line: _Line, y: int, start: int, end: int, target: int, styles: Styles
    ) -> None:
        area = self.grid.area_of(target)
        fill = styles[PARTS[Part.STANDING]]
        label = styles[PARTS[Part.STANDING_LABEL]]
        if target == self.highlight.cursor:
            cursor = _cursor_style(self.highlight, styles)
            fill, label = fill + cursor, label + cursor
        elif target in self.highlight.flashing:
            fill, label = fill + styles[PARTS[Part.FLASH]], label + styles[PARTS[Part.FLASH]]
        width = end - start
        if y != self.grid.area_label_line(area):
            line.add("░" * width, fill)
            return
        name = self.grid.areas[area].name
        words = standing_text(
            name, self.book.places_left(area), self.book.area_selected[area], width - 2
        )
        offset, words = _centred(width, f" {words} ")
        line.add("░" * offset, fill)
        line.add(words, label)
        line.add("░" * (width - offset - len(words)), fill)


class OverviewPainter:
    """Each section one block, shaded and coloured by how full it is, labelled with its name
    and the places left."""

    def __init__(self, overview: OverviewGrid, book: SeatBook, highlight: Highlight) -> None:
        self.overview, self.book, self.highlight = overview, book, highlight
        self.width, self.height = overview.width, overview.height

    def lines_of(self, target: int) -> range:
        box = self.overview.boxes[target]
        return range(box.y, box.bottom + 1)

    def label_lines(self, target: int) -> list[str]:
        """Name, then places left, each only if it fits whole: a cut label misleads, and a bare
        number would read as a section's name."""
        spans = self.overview.label_spans[target]
        name = self.overview.names[target]
        if not spans or len(name) > spans[0].width:
            return []
        if len(spans) < 2:
            return [name]
        available = self.book.section_fullness(target)[0]
        width = spans[1].width
        count = f"{available:,} left" if available else "sold out"
        return [name, count] if len(count) <= width else [name]

    def paint(self, y: int, styles: Styles, left: int, right: int) -> tuple[int, list[Segment]]:
        """The whole line ``y`` (an overview is about as wide as the screen)."""
        overview, book, highlight = self.overview, self.book, self.highlight
        text = overview.text[y]
        part_styles = [styles[PARTS[part]] for part in Part]
        line = _Line()
        for start, end, code in overview.runs[y]:
            if code < 0:
                line.add(text[start:end], part_styles[-code - 1])
                continue
            look = FULLNESS[book.section_fullness(code)[2]]
            fill, label = styles[look.component], styles[PARTS[Part.OVERVIEW_LABEL]]
            label_weight = Style(bold=True)
            extra = None
            if code == highlight.cursor:
                extra = _cursor_style(highlight, styles)
            elif code in highlight.flashing:
                extra = styles[PARTS[Part.FLASH]]
            if extra is not None:  # the label takes the block's colour, so it stays one block
                fill, label = fill + extra, fill + extra + label_weight
            span = self._span_on(code, y, start, end)
            if span is None:
                line.add(look.glyph * (end - start), fill)
                continue
            index, found = span
            words = self.label_lines(code)
            if index >= len(words):
                line.add(look.glyph * (end - start), fill)
                continue
            offset, word = _centred(found.width, words[index])
            before = found.start - start + offset
            line.add(look.glyph * before, fill)
            line.add(word, label)
            line.add(look.glyph * (end - start - before - len(word)), fill)
        return 0, line.finish()

    def _span_on(self, target: int, y: int, start: int, end: int) -> tuple[int, LabelSpan] | None:
        for index, span in enumerate(self.overview.label_spans[target]):
            if span.y == y and start <= span.start and span.end <= end:
                return index, span
        return None
