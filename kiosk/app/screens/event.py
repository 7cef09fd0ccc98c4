"""An event: what, when, where, the prices and the seat map; choose seats and hold them, or
let the server pick the best N together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from kiosk.app.formatting import SeatNames, money, when
from kiosk.app.screens.base import KioskScreen
from kiosk.app.screens.best_available import BestAvailableDialog, BestRequest
from kiosk.app.seatmap import SeatMapLegend, SeatMapView
from shared.errors import SeatsUnavailable
from shared.models import BookingInfo, EventDetail, TicketInfo
from shared.seatmap import SeatMap, parse_seatmap

__all__ = ["EventScreen"]


class EventScreen(KioskScreen):
    """Seats are picked on the map (arrows, Space); H holds them, B asks for the best N."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "hold", "Hold", id="hold", tooltip="Hold the selected seats"),
        Binding(
            "b",
            "best",
            "Best seats",
            id="best",
            tooltip="Let the server pick and hold the best N seats together",
        ),
        Binding("c", "clear", "Clear", id="clear", tooltip="Unselect every seat"),
        Binding("o", "showings", "Dates", id="showings", tooltip="Other dates and venues"),
    ]
    crumb = "Event"

    @dataclass
    class EventLoaded(Message):
        detail: EventDetail
        #: Parsed once per screen (a stadium's takes a few tenths of a second).
        layout: SeatMap | None

    @dataclass
    class HoldPlaced(Message):
        booking: BookingInfo

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id
        self.detail: EventDetail | None = None
        self.names = SeatNames(None)
        self._tickets: dict[int, TicketInfo] = {}
        #: Ticket IDs to flash once the map shows the fresh statuses.
        self._flash: list[int] = []
        self._holding = False

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="event-head"):
            yield Label(
                "Loading the event…", id="event-title", classes="screen-title", markup=False
            )
            yield Static("", id="event-when", markup=False)
            yield Static("", id="event-prices", markup=False)
        with Horizontal(id="event-body"):
            with Vertical(id="map-pane"):
                yield Static("Loading the seat map…", id="map-loading")
            with Vertical(id="side"):
                yield Label("Your seats", classes="pane-title")
                with VerticalScroll(id="selection-box"):
                    yield Static("", id="selection", markup=False)
                yield Static("", id="total")
                yield Button("Hold seats (H)", id="hold", variant="primary", disabled=True)
                yield Button("Best available (B)", id="best")

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.detail is not None:
            self.reload()  # back from a hold: who has bought what since?

    def reload(self) -> None:
        self.load_event()

    # loading -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="event", exit_on_error=False)
    def load_event(self) -> None:
        detail = self.api.event(self.event_id)
        layout = None
        if self.detail is None:
            layout = parse_seatmap(detail.venue.seating_arrangement, source=detail.venue.title)
        self.answer(self.EventLoaded(detail, layout))

    @on(EventLoaded)
    async def _show_event(self, message: EventLoaded) -> None:
        detail, first = message.detail, self.detail is None
        self.detail = detail
        self._tickets = {t.ticket_id: t for t in detail.tickets}
        if first:
            assert message.layout is not None
            self.names = SeatNames(message.layout)
            self._show_head(detail)
            await self.query_one("#map-loading").remove()
            seat_map = SeatMapView(
                message.layout, detail.tickets, currency=self.kiosk.currency, id="seat-map"
            )
            await self.query_one("#map-pane").mount(seat_map, SeatMapLegend(id="legend"))
            seat_map.focus()
        else:
            self.query_one(SeatMapView).update_tickets(detail.tickets)
        if self._flash:
            self.query_one(SeatMapView).flash(self._flash)
            self._flash = []
        self._show_selection(self.query_one(SeatMapView).selected)

    def _show_head(self, detail: EventDetail) -> None:
        event, venue = detail.event, detail.venue
        self.crumb = event.title
        self.show_trail()
        self.query_one("#event-title", Label).update(event.title)
        self.query_one("#event-when", Static).update(
            f"{when(event.start_time)}  ·  {venue.title}, {venue.location}"
        )
        currency = self.kiosk.currency
        prices = "   ".join(f"{p.name} {money(p.price, currency)}" for p in event.prices)
        self.query_one("#event-prices", Static).update(f"Prices: {prices}")

    # selection ---------------------------------------------------------------------------
    @on(SeatMapView.SelectionChanged)
    def _selection_changed(self, message: SeatMapView.SelectionChanged) -> None:
        self._show_selection(message.selected, message.total)

    @on(SeatMapView.SelectionRefused)
    def _selection_refused(self, message: SeatMapView.SelectionRefused) -> None:
        self.notify(message.reason, title="Seat not added", severity="warning", markup=False)

    def _show_selection(self, selected: Sequence[TicketInfo], total: Decimal | None = None) -> None:
        currency = self.kiosk.currency
        if not selected:
            text = "None yet. Pick seats on the map (arrows to move, Space to pick), or press B."
        else:
            text = "\n".join(
                f"{self.names.full(t):<16} {money(t.price, currency):>9}" for t in selected
            )
        self.query_one("#selection", Static).update(text)
        amount = total if total is not None else sum((t.price for t in selected), Decimal(0))
        count = len(selected)
        self.query_one("#total", Static).update(
            f"{count} seat{'s' if count != 1 else ''}   Total {money(amount, currency)}"
            if selected
            else ""
        )
        self.query_one("#hold", Button).disabled = not selected or self._holding

    def seat_labels(self, ticket_ids: list[int]) -> str:
        known = [self._tickets[i] for i in ticket_ids if i in self._tickets]
        if len(known) != len(ticket_ids):
            return super().seat_labels(ticket_ids)
        return self.names.listing(known)

    # holding -----------------------------------------------------------------------------
    def action_hold(self) -> None:
        if self.detail is None or self._holding:
            return
        selected = self.query_one(SeatMapView).selected
        if not selected:
            self.notify(
                "Pick seats on the map first (arrows and Space), or press B for the best "
                "available.",
                title="No seats chosen",
                severity="warning",
            )
            return
        self._set_holding(True)
        self.hold([t.ticket_id for t in selected])

    def action_best(self) -> None:
        if self.detail is None or self._holding:
            return
        selected = len(self.query_one(SeatMapView).selected)

        def chosen(request: BestRequest | None) -> None:
            if request is not None:
                self._set_holding(True)
                self.hold_best(request)

        dialog = BestAvailableDialog(
            self.detail.event.prices, self.kiosk.currency, quantity=selected or 2
        )
        self.app.push_screen(dialog, chosen)

    @on(Button.Pressed, "#hold")
    def _hold_pressed(self) -> None:
        self.action_hold()

    @on(Button.Pressed, "#best")
    def _best_pressed(self) -> None:
        self.action_best()

    def action_clear(self) -> None:
        if self.detail is not None:
            self.query_one(SeatMapView).clear_selection()

    def action_showings(self) -> None:
        from kiosk.app.screens.showings import ShowingsScreen

        self.app.push_screen(ShowingsScreen(self.event_id))

    @work(thread=True, exclusive=True, group="hold", exit_on_error=False)
    def hold(self, ticket_ids: list[int]) -> None:
        self.answer(self.HoldPlaced(self.api.hold(self.event_id, ticket_ids)))

    @work(thread=True, exclusive=True, group="hold", exit_on_error=False)
    def hold_best(self, request: BestRequest) -> None:
        booking = self.api.hold_best(self.event_id, request.quantity, request.category)
        self.answer(self.HoldPlaced(booking))

    @on(HoldPlaced)
    def _held(self, message: HoldPlaced) -> None:
        from kiosk.app.screens.hold import HoldScreen

        self._set_holding(False)
        assert self.detail is not None
        self.kiosk.hold_started(message.booking)
        self.app.push_screen(HoldScreen(message.booking, self.detail, self.names))

    def _set_holding(self, holding: bool) -> None:
        self._holding = holding
        hold = self.query_one("#hold", Button)
        hold.label = "Holding…" if holding else "Hold seats (H)"
        hold.disabled = holding or self.detail is None or not self.query_one(SeatMapView).selected
        self.query_one("#best", Button).disabled = holding

    def failed(self, error: BaseException) -> None:
        if self.detail is not None:
            self._set_holding(False)
        if isinstance(error, SeatsUnavailable):
            self._flash = list(error.ticket_ids)
            self.reload()
        super().failed(error)
