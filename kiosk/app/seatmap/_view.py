"""``SeatMapView``: the venue's seats to pick from, by keyboard or mouse, with the price under
the cursor and the running total. Large venues open on an overview of sections."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from time import monotonic
from typing import ClassVar, cast

from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from kiosk.app.seatmap import _messages
from kiosk.app.seatmap._book import SeatBook
from kiosk.app.seatmap._canvas import SeatCanvas
from kiosk.app.seatmap._grid import grid_of
from kiosk.app.seatmap._navigation import (
    Direction,
    best_target,
    first_block,
    nearest_point,
    next_block,
    next_section_target,
    step_on_grid,
)
from kiosk.app.seatmap._overview import OverviewGrid
from kiosk.app.seatmap._paint import DetailPainter, Highlight, OverviewPainter
from kiosk.app.seatmap._status import StatusWriter
from shared.models import TicketInfo
from shared.seatmap import SeatMap

__all__ = ["FLASH_SECONDS", "OVERVIEW_FROM", "SeatMapView"]

#: Venues with at least this many places open on the overview of sections.
OVERVIEW_FROM = 5_000
#: How long :meth:`SeatMapView.flash` keeps seats highlighted.
FLASH_SECONDS = 1.5


def _binding(keys: str, action: str, words: str, tip: str, *, show: bool = True) -> Binding:
    name = action.split("(")[0].replace("_", "-")
    suffix = action.split("'")[1] if "'" in action else ""
    binding_id = f"seatmap.{name}{'-' + suffix if suffix else ''}"
    return Binding(keys, action, words, show=show, id=binding_id, tooltip=tip)


class SeatMapView(Widget, can_focus=True):
    """A venue's seat map to pick up to ``max_selected`` places from.

    Arrow keys move between seats (jumping aisles), space or enter picks and unpicks, tab goes
    to the next section, a click picks too; ``p`` on a wheelchair space picks it with the
    companion seat beside it. A standing area is one block: each pick adds one of its
    available places, ``-`` gives the last one back. Venues of ``OVERVIEW_FROM``
    places or more (or ``overview=True``) open on an overview where each section is a block
    shaded by how full it is; enter shows its seats, escape goes back.

    Posts :class:`SelectionChanged` whenever the picked places change, :class:`SelectionRefused`
    when a pick is not allowed (a taken seat, one too many), :class:`ViewChanged` on zooming.
    """

    DEFAULT_CSS = """
    SeatMapView {
        height: 1fr;
        width: 1fr;
        layout: vertical;
    }
    SeatMapView > .seatmap--status {
        height: 2;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    SeatMapView > .seatmap--status.-refused {
        background: $warning 30%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("up", "move('up')", "Up", "Seat above", show=False),
        _binding("down", "move('down')", "Down", "Seat below", show=False),
        _binding("left", "move('left')", "Left", "Seat to the left", show=False),
        _binding("right", "move('right')", "Right", "Seat to the right", show=False),
        _binding(
            "enter,space",
            "activate",
            "Select",
            "Select or deselect the seat under the cursor; on the overview, show the section",
        ),
        _binding("tab", "next_section", "Next section", "The next section's best free seat"),
        _binding(
            "shift+tab", "previous_section", "Previous section", "The previous section", show=False
        ),
        _binding("escape", "overview", "All sections", "Back to the overview of all sections"),
        _binding("minus,backspace", "give_back", "One place fewer", "Give back a standing place"),
        _binding(
            "p",
            "pick_pair",
            "With companion",
            "Pick this wheelchair space and the companion seat beside it (or unpick both)",
        ),
    ]

    class SelectionChanged(_messages.SelectionChanged):
        """The picked places changed; ``selected``, ``total``, and ``dropped`` (picked
        places someone else took, after ``update_tickets``)."""

    class SelectionRefused(_messages.SelectionRefused):
        """A pick was not allowed; ``reason`` says why, in words for the buyer."""

    class ViewChanged(_messages.ViewChanged):
        """Zoomed into a section (``section`` is its name) or back to the overview."""

    def __init__(
        self,
        layout: SeatMap,
        tickets: Sequence[TicketInfo],
        *,
        max_selected: int = 10,
        currency: str = "GBP",
        overview: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._grid = grid_of(layout)
        self._book = SeatBook(self._grid, tickets, max_selected)
        self._words = StatusWriter(self._grid, self._book, currency)
        self._large = layout.capacity >= OVERVIEW_FROM if overview is None else overview
        self._seats = Highlight()
        self._blocks = Highlight()
        self._detail = DetailPainter(self._grid, self._book, self._seats)
        self._overview: OverviewPainter | None = None
        self._zoomed = not self._large
        self._refusal: str | None = None
        self._flash_until: dict[int, float] = {}
        self._sized = False
        self._canvas = SeatCanvas()
        self._status = Static(classes="seatmap--status")
        if not self._large:
            self._seats.cursor = best_target(self._grid, self._book, range(self._grid.target_count))

    # --- Public interface ------------------------------------------------------------------

    @property
    def selected(self) -> tuple[TicketInfo, ...]:
        """The picked places, in the order picked."""
        return tuple(self._book.selected.values())

    @property
    def total(self) -> Decimal:
        return self._book.total

    @property
    def is_overview(self) -> bool:
        """True while the overview of sections is shown (large venues only)."""
        return not self._zoomed

    @property
    def highlighted(self) -> TicketInfo | None:
        """The ticket under the cursor (for a standing area, the place a pick would add)."""
        if not self._zoomed or self._seats.cursor is None:
            return None
        return self._book.ticket_of(self._seats.cursor)

    @property
    def status_text(self) -> str:
        """What the status line under the map says (the cursor's seat and price, the total)."""
        content = self._status.content
        return content.plain if isinstance(content, Text) else str(content)

    def update_tickets(self, tickets: Sequence[TicketInfo]) -> None:
        """New statuses from the server; selected seats that are no longer AVAILABLE are
        dropped (and a SelectionChanged is posted)."""
        changed, dropped = self._book.update(tickets)
        if self._zoomed:  # the overview's counts may all have changed: it is small
            self._canvas.repaint_targets(changed)
            if self._overview is not None:
                self._canvas.forget(self._overview)
        else:
            self._canvas.repaint_all()
            self._canvas.forget(self._detail, changed)
        if dropped:
            self._selection_changed(tuple(dropped))
        self._show_status()

    def flash(self, ticket_ids: Iterable[int]) -> None:
        """Briefly highlight seats that just changed (live updates later)."""
        targets = self._book.targets_of(ticket_ids)
        if not targets:
            return
        until = monotonic() + FLASH_SECONDS
        self._flash_until.update(dict.fromkeys(targets, until))
        self._apply_flash()
        self.set_timer(FLASH_SECONDS, self._end_flash)

    def clear_selection(self) -> None:
        """Unpick everything (after a booking, or when the buyer starts again)."""
        if not self._book.selected:
            return
        targets = self._book.clear()
        self._repaint(targets, {self._grid.block_of(t) for t in targets})
        self._selection_changed()
        self._show_status()

    def toggle(self, seat_id: str) -> bool:
        """Pick or unpick a seat as space on it would (a standing area's ID: one more place),
        without moving the cursor: for other ways of choosing, such as a list of the seats.
        Posts :class:`SelectionChanged` or :class:`SelectionRefused`; False when the map has
        no such seat."""
        grid = self._grid
        target = grid.target_of_id(seat_id)
        if target is None:
            return False
        self._refusal = None
        if grid.is_area(target):
            self._add_place(grid.area_of(target))
        else:
            reason = self._book.toggle_seat(target, self._words.seat_name(target))
            if reason is None:
                self._repaint([target], [grid.block_of(target)])
                self._selection_changed()
            else:
                self._refuse(reason)
        self._show_status()
        return True

    def move_cursor_to(self, seat_id: str) -> bool:
        """Put the cursor on a seat (a standing place or area id: on its area), showing the
        seats first on a large venue; False when the map has no such seat."""
        target = self._grid.target_of_id(seat_id)
        if target is None:
            return False
        self._refusal = None
        if not self._zoomed:
            self._zoomed = True
            self._canvas.show(self._detail)
            self.refresh_bindings()
            block_name = self._grid.block_name(self._grid.block_of(target))
            self.post_message(self.ViewChanged(self, False, block_name))
        self._move_cursor(target, centre=True)
        self._show_status()
        return True

    def region_of(self, seat_id: str) -> Region | None:
        """Where a seat is drawn on screen now, or None when it is not in view: its cell, or
        on the overview a line of its section's block (``seat_id`` may be a section id).
        To point at a seat, or to click one in a test."""
        grid = self._grid
        target = grid.target_of_id(seat_id)
        if self._zoomed:
            if target is None:
                return None
            box = grid.box_of(target)
            region = Region(box.x, box.y, box.width, box.height)
        else:
            block = grid.block_of(target) if target is not None else grid.section_index(seat_id)
            spans = (
                []
                if block is None or not self._overview
                else self._overview.overview.label_spans[block]
            )
            if not spans:
                return None
            region = Region(spans[0].start, spans[0].y, spans[0].width, 1)
        canvas = self._canvas
        shown = canvas.map_region
        visible = region.translate(shown.offset - canvas.scroll_offset).intersection(shown)
        return visible if visible.area else None

    # --- Composition and size --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self._canvas
        yield self._status

    def on_mount(self) -> None:
        if self._zoomed:
            self._canvas.show(self._detail)
        self._show_status()

    def on_resize(self, event: events.Resize) -> None:
        if self._large:
            self._fit_overview(event.size.width - 1)
        if not self._sized:  # the canvas knows its size only after this first layout
            self._sized = True
            self.call_after_refresh(self._reveal_cursor, True)

    def _fit_overview(self, width: int) -> None:
        """(Re)build the overview to fit the width: each character ``kx`` × ``2kx`` cells."""
        kx = max(1, -(-self._grid.layout.width // max(width, 1)))
        if self._overview is not None and self._overview.overview.kx == kx:
            return
        overview = OverviewGrid(self._grid, kx, 2 * kx)
        if self._overview is None:
            self._blocks.cursor = first_block(overview, self._grid, self._book)
        old, self._overview = self._overview, OverviewPainter(overview, self._book, self._blocks)
        if old is not None:
            self._canvas.discard(old)
        self._apply_flash()
        if not self._zoomed:
            self._canvas.show(self._overview)
            self._show_status()

    # --- Key actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape and ``-`` only mean something in some places; elsewhere the screen's own
        bindings for those keys apply (escape goes back a screen)."""
        if action == "overview":
            return self._large and self._zoomed
        if action == "give_back":
            area = self._cursor_area()
            return area is not None and self._book.area_selected[area] > 0
        if action == "pick_pair":
            return self._cursor_wheelchair_space() is not None
        return True

    def action_move(self, direction: str) -> None:
        self._refusal = None
        way = cast(Direction, direction)
        if self._zoomed:
            if self._seats.cursor is not None:
                target = step_on_grid(self._grid, self._seats.cursor, way)
                if target is not None:
                    self._move_cursor(target)
        elif self._overview is not None and self._blocks.cursor is not None:
            block = nearest_point(self._overview.overview.centres, self._blocks.cursor, way)
            if block is not None:
                self._move_block(block)
        self._show_status()

    def action_activate(self) -> None:
        """Enter or space: pick/unpick the seat, add a standing place, or zoom in."""
        self._refusal = None
        grid = self._grid
        if not self._zoomed:
            block = self._blocks.cursor
            if block is not None and block < len(grid.section_ranges):
                self._zoom(block)
            elif block is not None:
                self._add_place(block - len(grid.section_ranges))
        elif self._seats.cursor is not None:
            target = self._seats.cursor
            if grid.is_area(target):
                self._add_place(grid.area_of(target))
            else:
                reason = self._book.toggle_seat(target, self._words.seat_name(target))
                if reason is None:
                    self._canvas.repaint_targets([target])
                    self._selection_changed()
                else:
                    self._refuse(reason)
        self._show_status()

    def action_give_back(self) -> None:
        area = self._cursor_area()
        if area is None or not self._book.remove_place(area):
            raise SkipAction()
        self._refusal = None
        self._repaint_area(area)
        self._selection_changed()
        self.refresh_bindings()
        self._show_status()

    def action_pick_pair(self) -> None:
        """``p`` on a wheelchair space: it and its companion seat, as one choice."""
        seat = self._cursor_wheelchair_space()
        if seat is None:
            raise SkipAction()
        self._refusal = None
        reason, changed = self._book.toggle_pair(seat, self._words.seat_name(seat))
        if reason is not None:
            self._refuse(reason)
        else:
            self._canvas.repaint_targets(changed)
            self._selection_changed()
        self._show_status()

    def action_next_section(self) -> None:
        self._step_section(1)

    def action_previous_section(self) -> None:
        self._step_section(-1)

    def action_overview(self) -> None:
        """Escape: from a section's seats back to all sections."""
        if not (self._large and self._zoomed) or self._overview is None:
            raise SkipAction()
        self._refusal = None
        old = self._blocks.cursor
        if self._seats.cursor is not None:
            self._blocks.cursor = self._grid.block_of(self._seats.cursor)
        self._zoomed = False
        self._show_row_labels()
        self._canvas.show(self._overview)
        self._canvas.repaint_targets([b for b in (old, self._blocks.cursor) if b is not None])
        self._reveal_cursor(True)
        self.refresh_bindings()
        self.post_message(self.ViewChanged(self, True, None))
        self._show_status()

    # --- Mouse and focus -------------------------------------------------------------------

    def on_seat_canvas_clicked(self, message: SeatCanvas.Clicked) -> None:
        message.stop()
        self.focus()
        if self._zoomed:
            target = self._grid.target_at(message.x, message.y)
            if target is None:
                return
            self._move_cursor(target)
        else:
            block = (
                None
                if self._overview is None
                else self._overview.overview.target_at(message.x, message.y)
            )
            if block is None:
                return
            self._move_block(block)
        self.action_activate()

    def on_focus(self) -> None:
        self._seats.focused = self._blocks.focused = True
        self._repaint_cursors()

    def on_blur(self) -> None:
        self._seats.focused = self._blocks.focused = False
        self._repaint_cursors()

    # --- Helpers ---------------------------------------------------------------------------

    def _repaint(self, seats: Iterable[int] = (), blocks: Iterable[int] = ()) -> None:
        """Redraw seat-view targets and overview blocks that changed, in the view shown; the
        hidden view forgets those lines, to paint them afresh when shown again."""
        self._canvas.forget(self._detail, seats)
        if self._overview is not None:
            self._canvas.forget(self._overview, blocks)

    def _cursor_wheelchair_space(self) -> int | None:
        cursor = self._seats.cursor if self._zoomed else None
        if cursor is None or self._grid.is_area(cursor):
            return None
        return cursor if self._grid.seats[cursor].accessible else None

    def _cursor_area(self) -> int | None:
        """The standing area under the cursor, if it is on one."""
        grid = self._grid
        if self._zoomed:
            cursor = self._seats.cursor
            return None if cursor is None or not grid.is_area(cursor) else grid.area_of(cursor)
        block, sections = self._blocks.cursor, len(grid.section_ranges)
        return None if block is None or block < sections else block - sections

    def _add_place(self, area: int) -> None:
        reason = self._book.add_place(area, self._grid.areas[area].name)
        if reason is not None:
            self._refuse(reason)
            return
        self._repaint_area(area)
        self._selection_changed()
        self.refresh_bindings()

    def _repaint_area(self, area: int) -> None:
        grid = self._grid
        self._repaint([len(grid.seats) + area], [len(grid.section_ranges) + area])

    def _repaint_cursors(self) -> None:
        seat, block = self._seats.cursor, self._blocks.cursor
        self._repaint([] if seat is None else [seat], [] if block is None else [block])

    def _move_cursor(self, target: int, *, centre: bool = False) -> None:
        old, self._seats.cursor = self._seats.cursor, target
        self._show_row_labels()
        self._canvas.repaint_targets([target] if old is None else [old, target])
        self._reveal_cursor(centre)
        self.refresh_bindings()

    def _move_block(self, block: int) -> None:
        old, self._blocks.cursor = self._blocks.cursor, block
        self._canvas.repaint_targets([block] if old is None else [old, block])
        self._reveal_cursor()
        self.refresh_bindings()

    def _reveal_cursor(self, centre: bool = False) -> None:
        """Scroll the cursor into view (a standing area: its label line)."""
        grid = self._grid
        if self._zoomed:
            target = self._seats.cursor
            if target is None:
                return
            box = grid.box_of(target)
            y = grid.area_label_line(grid.area_of(target)) if grid.is_area(target) else box.y
            region = Region(box.x, y, box.width, 1)
        else:
            if self._overview is None or self._blocks.cursor is None:
                return
            box = self._overview.overview.boxes[self._blocks.cursor]
            region = Region(box.x, box.y, box.width, box.height)
        self._canvas.show_region(region, centre=centre)

    def _zoom(self, section: int) -> None:
        """Show the seats, centred on ``section``, the cursor on its best available seat."""
        self._zoomed = True
        old = self._seats.cursor
        self._seats.cursor = best_target(self._grid, self._book, self._grid.section_ranges[section])
        self._show_row_labels()
        self._canvas.show(self._detail)
        self._canvas.repaint_targets([t for t in (old, self._seats.cursor) if t is not None])
        box = self._grid.section_boxes[section]
        self._canvas.show_region(Region(box.x, box.y, box.width, box.height), centre=True)
        self._reveal_cursor()
        self.refresh_bindings()
        self.post_message(self.ViewChanged(self, False, self._grid.block_name(section)))

    def _show_row_labels(self) -> None:
        """On a large venue's seats, the cursor's section's row labels stay in a margin at the
        left: its sections are packed too close for labels of two characters between them."""
        cursor = self._seats.cursor
        if not (self._large and self._zoomed) or cursor is None or self._grid.is_area(cursor):
            self._canvas.show_row_labels({}, 0)
            return
        self._canvas.show_row_labels(
            self._grid.row_lines(self._grid.block_of(cursor)), self._grid.margin
        )

    def _step_section(self, step: int) -> None:
        """Tab: the next section's best seat (or block); past the last one focus moves on."""
        self._refusal = None
        if self._zoomed and self._seats.cursor is not None:
            target = next_section_target(self._grid, self._book, self._seats.cursor, step)
            if target is None:
                raise SkipAction()
            self._move_cursor(target)
        elif not self._zoomed and self._overview is not None and self._blocks.cursor is not None:
            block = next_block(self._overview.overview, self._blocks.cursor, step)
            if block is None:
                raise SkipAction()
            self._move_block(block)
        else:
            raise SkipAction()
        self._show_status()

    def _refuse(self, reason: str) -> None:
        self._refusal = reason
        self.post_message(self.SelectionRefused(self, reason))

    def _selection_changed(self, dropped: tuple[TicketInfo, ...] = ()) -> None:
        self.post_message(self.SelectionChanged(self, self.selected, self._book.total, dropped))

    def _apply_flash(self) -> None:
        """Give both views' highlights the flashing targets, and redraw what changed."""
        before = self._seats.flashing
        targets = set(self._flash_until)
        self._seats.flashing = targets
        self._blocks.flashing = {self._grid.block_of(t) for t in targets}
        self._repaint(targets | before, {self._grid.block_of(t) for t in targets | before})

    def _end_flash(self) -> None:
        now = monotonic() + 0.05  # a timer may fire a hair early
        expired = [t for t, until in self._flash_until.items() if until <= now]
        for target in expired:
            del self._flash_until[target]
        if expired:
            self._apply_flash()

    def _show_status(self) -> None:
        words = self._words
        if self._zoomed:
            cursor = self._seats.cursor
            first = words.seat_line(cursor) if cursor is not None else Text("No seats here")
            hint = "esc: all sections" if self._large else ""
        else:
            block = self._blocks.cursor
            first = words.block_line(block) if block is not None else Text("")
            hint = ""
        second = words.selection_line(self._refusal, hint)
        self._status.update(Text.assemble(first, "\n", second, no_wrap=True, overflow="ellipsis"))
        self._status.set_class(self._refusal is not None, "-refused")
