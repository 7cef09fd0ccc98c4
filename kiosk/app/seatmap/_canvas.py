"""The scrolling surface the map is painted on: Textual's Line API, so only the lines on
screen are painted, each one kept until something on it changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kiosk.app.seatmap._marks import COMPONENT_CLASSES, PARTS, Part, component_css
from kiosk.app.seatmap._paint import Styles

__all__ = ["Painter", "SeatCanvas"]


class Painter(Protocol):
    """One view of the map (every seat, or the overview of sections)."""

    width: int
    height: int

    def paint(self, y: int, styles: Styles, start: int, end: int) -> tuple[int, list[Segment]]:
        """Line ``y``, at least columns ``start``..``end``; returns where the segments begin."""
        ...

    def lines_of(self, target: int) -> range: ...


#: Columns painted beyond each side of the view.
_SLACK = 24


@dataclass(frozen=True, slots=True)
class _Painted:
    """A painted line: the columns from ``origin`` on (only what was in view, on a stadium)."""

    origin: int
    strip: Strip

    def covers(self, start: int, end: int) -> bool:
        return self.origin <= start and end <= self.origin + self.strip.cell_length


class SeatCanvas(ScrollView, can_focus=False):
    """Paints the lines of its :class:`Painter` that are in view; the map widget owns it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENT_CLASSES)
    DEFAULT_CSS = """
    SeatCanvas {
        height: 1fr;
        width: 1fr;
        scrollbar-size: 1 1;
    }
    """ + component_css("SeatCanvas")

    class Clicked(Message):
        """A cell of the painted map was clicked (in map coordinates)."""

        def __init__(self, x: int, y: int) -> None:
            super().__init__()
            self.x = x
            self.y = y

    def __init__(self) -> None:
        super().__init__()
        self.painter: Painter | None = None
        #: Painted lines per painter, kept while another is shown: going back to the seats
        #: after the overview repaints only what changed meanwhile.
        self._kept: dict[int, dict[int, _Painted]] = {}
        self._strips: dict[int, _Painted] = {}
        self._styles: dict[str, Style] | None = None
        #: Row labels by map line, drawn in a margin at the left of the view that stays put
        #: as the map scrolls (``_gutter`` columns wide, 0: none).
        self._row_labels: Mapping[int, str] = {}
        self._gutter = 0

    def show(self, painter: Painter) -> None:
        """Paint ``painter`` from now on (the view changed)."""
        self.painter = painter
        self._strips = self._kept.setdefault(id(painter), {})
        self.virtual_size = Size(painter.width + self._gutter, painter.height)
        self.refresh()

    def show_row_labels(self, labels: Mapping[int, str], width: int) -> None:
        """Keep ``labels`` (by map line) in a margin ``width`` columns wide at the left of the
        view; an empty mapping and 0 take the margin away."""
        if labels is self._row_labels and width == self._gutter:
            return
        self._row_labels, self._gutter = labels, width if labels else 0
        if self.painter is not None:
            self.virtual_size = Size(self.painter.width + self._gutter, self.painter.height)
        self.refresh()

    def forget(self, painter: Painter, targets: Iterable[int] | None = None) -> None:
        """Drop what was painted for ``painter``'s ``targets`` (all when None): it is not
        shown now, but they changed. For the painter shown, this repaints them."""
        if painter is self.painter:
            if targets is None:
                self.repaint_all()
            else:
                self.repaint_targets(targets)
        elif targets is None:
            self._kept.pop(id(painter), None)
        elif (kept := self._kept.get(id(painter))) is not None:
            for target in targets:
                for y in painter.lines_of(target):
                    kept.pop(y, None)

    def discard(self, painter: Painter) -> None:
        """Forget a painter for good (replaced by another): a later one may reuse its id."""
        self._kept.pop(id(painter), None)

    def repaint_lines(self, lines: Iterable[int]) -> None:
        """Forget the painted lines given (map coordinates) and redraw those in view."""
        top, height = self.scroll_offset.y, self.size.height
        for y in set(lines):
            self._strips.pop(y, None)
            if top <= y < top + height:
                self.refresh(Region(0, y - top, self.size.width, 1))

    def repaint_targets(self, targets: Iterable[int]) -> None:
        if self.painter is not None:
            painter = self.painter
            self.repaint_lines(y for target in targets for y in painter.lines_of(target))

    def repaint_all(self) -> None:
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """The theme or the CSS changed: every painted line has stale colours."""
        super().notify_style_update()
        self._styles = None
        self._kept.clear()
        self._strips = {}
        if self.painter is not None:
            self._kept[id(self.painter)] = self._strips

    def _paint_styles(self) -> Styles:
        """Full styles for what is painted; the cursor and the flash are added on top of a
        seat's own style, so they keep its colour: text attributes, or a background only."""
        if self._styles is None:
            styles = {name: self.get_component_rich_style(name) for name in COMPONENT_CLASSES}
            cursor, flash = PARTS[Part.CURSOR], PARTS[Part.FLASH]
            styles[cursor] = self.get_component_rich_style(cursor, partial=True)
            styles[flash] = Style(bgcolor=styles[flash].bgcolor)
            styles[""] = self.rich_style
            self._styles = styles
        return self._styles

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        gutter = self._gutter
        width = self.size.width - gutter
        base = self.rich_style
        line = scroll_y + y
        painter = self.painter
        if painter is None or line >= painter.height:
            return Strip.blank(width + gutter, base)
        painted = self._strips.get(line)
        right = min(scroll_x + width, painter.width)
        if painted is None or not painted.covers(scroll_x, right):
            # A little more than is in view, so that scrolling a few columns reuses the line.
            start, end = max(0, scroll_x - _SLACK), min(painter.width, right + _SLACK)
            origin, segments = painter.paint(line, self._paint_styles(), start, end)
            painted = _Painted(origin, Strip(segments))
            self._strips[line] = painted
        left = scroll_x - painted.origin
        strip = painted.strip.crop_extend(left, left + width, base)
        if not gutter:
            return strip
        label = self._row_labels.get(line, "")[: gutter - 1].rjust(gutter - 1) + " "
        style = self._paint_styles()[PARTS[Part.ROW_LABEL]]
        return Strip.join([Strip([Segment(label, style)], gutter), strip])

    @property
    def map_region(self) -> Region:
        """Where the map is drawn on screen: the content region less the row-label margin."""
        region = self.content_region
        return Region(region.x + self._gutter, region.y, region.width - self._gutter, region.height)

    def show_region(self, region: Region, *, centre: bool = False) -> None:
        """Scroll (without animation) so that ``region`` is in view. Forced: just after
        :meth:`show` the scrollbars of the new view are not laid out yet, and the first frame
        of a zoom must already show the right place."""
        self.scroll_to_region(
            region,
            spacing=Spacing(1, 2 + self._gutter, 1, 2),  # the margin hides the view's right
            animate=False,
            center=centre,
            immediate=True,
            force=True,
        )

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.x < self._gutter:
            return  # a row label
        x = offset.x - self._gutter + self.scroll_offset.x
        self.post_message(self.Clicked(x, offset.y + self.scroll_offset.y))
