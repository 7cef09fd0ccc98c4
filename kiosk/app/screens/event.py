"""An event: what, when, where, the prices and the seat map; choose seats and hold them, or
let the server pick the best N together.

The map keeps the one selection. The seat list (L) and, at the box office, seats typed in (T)
are other ways to ask it for seats, so the limit, the messages and the total are the same.

While the screen is shown it follows the event's seat changes (``kiosk.app.live``): seats
others hold, buy or let go change on the map as it happens, with a brief highlight, and a seat
I had picked that someone else takes leaves my selection with a notice naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Label, Static
from textual.worker import Worker

from kiosk.app.available_seats import AvailableSeats
from kiosk.app.formatting import SeatNames, money, when
from kiosk.app.layouts import prepare_venue
from kiosk.app.live import LiveTickets, SeatFeed, describe
from kiosk.app.screens.base import KioskScreen
from kiosk.app.screens.best_available import MAX_SEATS, BestAvailableDialog, BestRequest
from kiosk.app.seatmap import SeatMapLegend, SeatMapView, grid_of
from kiosk.app.typed_seats import SeatsNotChosen, read_typed_seats
from kiosk.app.widgets.live_note import LiveNote
from kiosk.app.widgets.seat_entry import SeatEntry
from kiosk.app.widgets.seat_list import SeatList
from kiosk.seat_specs import SeatIndex
from shared.errors import AdmissionRequired, SeatsUnavailable
from shared.models import BookingInfo, EventDetail, TicketInfo
from shared.seatmap import SeatMap

__all__ = ["EventScreen"]


class EventScreen(KioskScreen):
    """Seats are picked on the map (arrows, Space) or the list (L), or typed (T, box office
    only); H holds them, B asks for the best N."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "hold", "Hold", id="hold", tooltip="Hold the selected seats"),
        Binding(
            "b",
            "best",
            "Best",
            id="best",
            tooltip="Let the server pick and hold the best N seats together",
        ),
        Binding("c", "clear", "Clear", id="clear", tooltip="Unselect every seat"),
        Binding(
            "l",
            "show_list",
            "List",
            id="seat-list",
            tooltip="The free seats as a list, to pick from instead of the map",
        ),
        Binding("l", "show_map", "Map", id="seat-map", tooltip="Back to the seat map"),
        Binding(
            "t",
            "type_seats",
            "Type seats",
            id="type-seats",
            tooltip="Type the seats to choose, such as B12-15",
            show=False,  # said on the box itself: the footer is full at 80 columns
        ),
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

    def __init__(self, event_id: int, *, venue_id: int | None = None) -> None:
        """``venue_id``, when the caller knows it, lets the screen fetch and lay out the
        venue's seating while the event's own (much larger) answer is on its way."""
        super().__init__()
        self.event_id = event_id
        self.venue_id = venue_id
        self.detail: EventDetail | None = None
        self.names = SeatNames(None)
        #: The tickets as the map shows them, kept current by the seat stream.
        self._live = LiveTickets()
        #: Ticket IDs to flash once the map shows the fresh statuses.
        self._flash: list[int] = []
        self._holding = False
        self._layout: SeatMap | None = None
        #: Built when first needed (a stadium has 50,000 seats): the list's and the typing's.
        self._available: AvailableSeats | None = None
        self._index: SeatIndex | None = None
        #: Mounted the first time L is pressed.
        self._seat_list: SeatList | None = None
        #: Seats a failed hold already named: not named again as they leave the selection.
        self._told_taken: set[int] = set()
        self._list_stale = False

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
                if self.kiosk.settings.box_office:
                    yield SeatEntry(id="seat-entry")
                yield Label("Your seats", classes="pane-title")
                with VerticalScroll(id="selection-box"):
                    yield Static("", id="selection", markup=False)
                yield LiveNote(id="live-note")
                yield Static("", id="total")
                yield Button("Hold seats (H)", id="hold", variant="primary", disabled=True)
                yield Button("Best available (B)", id="best")
        yield SeatFeed(self.api, self.event_id, id="seat-feed")

    @property
    def _feed(self) -> SeatFeed:
        return self.query_one(SeatFeed)

    def on_mount(self) -> None:
        if self.venue_id is not None:  # nothing to do if the venue is laid out already
            self.prepare_layout(self.venue_id)
        self._feed.start()
        self.reload()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.detail is not None:
            self._feed.start()  # resuming after the last change it saw
            self.reload()  # back from a hold: who has bought what since?

    def on_screen_suspend(self) -> None:
        """Another screen is on top (the hold, a dialog): no following what is not seen."""
        self._feed.stop()

    def reload(self) -> None:
        self._live.fetching()
        self.load_event()
        if self.is_current:
            self._feed.start()  # again, if the stream was lost (the banner's retry)

    # loading -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="layout", exit_on_error=False)
    def prepare_layout(self, venue_id: int) -> None:
        """The venue's layout and grid, built while the event's answer (a stadium's: 7 MB, half
        a second) is on its way; ``load_event`` then finds them ready."""
        prepare_venue(self.api, self.kiosk.layouts, venue_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "layout":
            return  # the early layout says nothing about the screen's own data
        super().on_worker_state_changed(event)

    @work(thread=True, exclusive=True, group="event", exit_on_error=False)
    def load_event(self) -> None:
        detail = self.api.event(self.event_id)
        layout = None
        if self.detail is None:
            layout = self.kiosk.layouts.get(
                detail.venue.venue_id, detail.venue.seating_arrangement, detail.venue.title
            )
            grid_of(layout)  # here, not on the UI thread when the map is mounted
        self.answer(self.EventLoaded(detail, layout))

    @on(EventLoaded)
    async def _show_event(self, message: EventLoaded) -> None:
        detail, first = message.detail, self.detail is None
        self.detail = detail
        self._flash += self._live.fetched(detail.tickets)
        self._index = None
        tickets = list(self._live.tickets.values())
        if first:
            assert message.layout is not None
            self._layout = layout = message.layout
            self.names = SeatNames(layout)
            self._show_head(detail)
            await self.query_one("#map-loading").remove()
            seat_map = SeatMapView(
                layout,
                tickets,
                max_selected=MAX_SEATS,
                currency=self.kiosk.currency,
                id="seat-map",
            )
            overview = seat_map.is_overview
            legend = SeatMapLegend(
                overview=overview,
                seats=not overview,
                standing=bool(layout.general_admission),
                id="legend",
            )
            await self.query_one("#map-pane").mount(seat_map, legend)
            seat_map.focus()
            self.refresh_bindings()
        else:
            self.query_one(SeatMapView).update_tickets(tickets)
            self._show_list_tickets()
        if self._flash:
            self.query_one(SeatMapView).flash(self._flash)
            self._flash = []
        self._show_selection(self.query_one(SeatMapView).selected)

    # live changes -----------------------------------------------------------------------
    @on(SeatFeed.SeatsChanged)
    def _seats_changed(self, message: SeatFeed.SeatsChanged) -> None:
        """Others' holds, purchases and releases, shown as they happen (a batch at a time)."""
        if not self._feed.running:
            return  # sent before the screen was left
        if self._live.arrived(message.changes):
            self.load_event()  # missed too much: the map again, with what follows on top
        self._show_changes()

    @on(SeatFeed.Lost)
    def _feed_lost(self, message: SeatFeed.Lost) -> None:
        self.failed(message.error)  # the server-down banner, retrying (reload restarts it)

    def _show_changes(self) -> None:
        """Put the changes waiting on the map, unless it is loading or my own hold is on its
        way (its seats would look taken by someone else for a moment)."""
        if self.detail is None or self._holding:
            return
        changed = self._live.take_waiting()
        if not changed:
            return
        self._index = None  # typed seats are checked against the statuses
        tickets = self._live.tickets
        seat_map = self.query_one(SeatMapView)
        seat_map.update_tickets(list(tickets.values()))
        seat_map.flash(changed)
        self._show_list_tickets()
        self.query_one(LiveNote).say(describe([tickets[i] for i in changed], self.names))

    def _show_list_tickets(self) -> None:
        """The seat list follows the map: now if shown, else when it is shown next."""
        seat_list = self._seat_list
        if seat_list is None:
            return
        if seat_list.display:
            seat_list.show_tickets(
                list(self._live.tickets.values()), self.query_one(SeatMapView).selected
            )
            self._list_stale = False
        else:
            self._list_stale = True

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
        if self._seat_list is not None:
            self._seat_list.show_selection(message.selected)
        taken = [t for t in message.dropped if t.ticket_id not in self._told_taken]
        self._told_taken.clear()
        if taken:
            many = len(taken) > 1
            self.notify(
                f"Someone else just took {self.names.listing(taken)}: "
                f"{'they are' if many else 'it is'} no longer in your selection.",
                title="Seats taken" if many else "Seat taken",
                severity="warning",
                timeout=8,
                markup=False,
            )

    @on(SeatMapView.ViewChanged)
    def _view_changed(self, message: SeatMapView.ViewChanged) -> None:
        """The legend explains what the map shows: section shades, or seats."""
        legend = self.query_one(SeatMapLegend)
        legend.overview, legend.seats = message.overview, not message.overview

    @on(SeatMapView.SelectionRefused)
    def _selection_refused(self, message: SeatMapView.SelectionRefused) -> None:
        self.notify(message.reason, title="Seat not added", severity="warning", markup=False)

    def _show_selection(self, selected: Sequence[TicketInfo], total: Decimal | None = None) -> None:
        currency = self.kiosk.currency
        if not selected:
            text = (
                "None yet. Pick seats on the map (arrows to move, Space to pick) or in the "
                "list (L), or press B."
            )
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
        known = [self._live.tickets[i] for i in ticket_ids if i in self._live.tickets]
        if len(known) != len(ticket_ids):
            return super().seat_labels(ticket_ids)
        return self.names.listing(known)

    # the list of free seats --------------------------------------------------------------
    @property
    def _list_shown(self) -> bool:
        return self._seat_list is not None and self._seat_list.display

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """L shows the list or the map, whichever is hidden; T is for the box office."""
        if action == "show_list":
            return self.detail is not None and not self._list_shown
        if action == "show_map":
            return self._list_shown
        if action == "type_seats":
            return self.detail is not None and self.kiosk.settings.box_office
        return True

    async def action_show_list(self) -> None:
        if self.detail is None or self._layout is None:
            return
        seat_map = self.query_one(SeatMapView)
        here = seat_map.highlighted
        seat_list = self._seat_list
        if seat_list is None:
            if self._available is None:
                self._available = AvailableSeats(self._layout, self.names)
            seat_list = SeatList(
                self._available,
                self.kiosk.currency,
                near=here.section if here is not None else None,
                id="seat-list",
            )
            seat_list.show_tickets(list(self._live.tickets.values()), seat_map.selected)
            self._seat_list = seat_list
            self._list_stale = False
            await self.query_one("#map-pane").mount(seat_list)
        elif self._list_stale:
            seat_list.show_tickets(list(self._live.tickets.values()), seat_map.selected)
            self._list_stale = False
        elif here is not None and self._available is not None and not self._available.list_all:
            seat_list.show_section(here.section)  # one section at a time: the map's
        seat_map.display = False
        self.query_one(SeatMapLegend).display = False
        seat_list.display = True
        seat_list.focus_table()
        self.refresh_bindings()

    def action_show_map(self) -> None:
        seat_list = self._seat_list
        if seat_list is None:
            return
        seat_list.display = False
        seat_map = self.query_one(SeatMapView)
        seat_map.display = True
        self.query_one(SeatMapLegend).display = True
        seat_map.focus()
        here = seat_map.highlighted
        if here is not None:  # a pair picked in the list moved it while it was hidden
            self.call_after_refresh(seat_map.move_cursor_to, here.seat_id)
        self.refresh_bindings()

    @on(SeatList.SeatPicked)
    def _picked_from_list(self, message: SeatList.SeatPicked) -> None:
        self.query_one(SeatMapView).toggle(message.key)

    @on(SeatList.PairPicked)
    def _pair_picked_from_list(self, message: SeatList.PairPicked) -> None:
        seat_map = self.query_one(SeatMapView)
        if seat_map.move_cursor_to(message.key):
            with suppress(SkipAction):  # not a wheelchair space after all
                seat_map.action_pick_pair()

    @on(SeatList.PlaceGivenBack)
    def _place_given_back(self, message: SeatList.PlaceGivenBack) -> None:
        seat_map = self.query_one(SeatMapView)
        if seat_map.move_cursor_to(message.area):
            with suppress(SkipAction):  # none picked there
                seat_map.action_give_back()

    # typed seats (box office) ------------------------------------------------------------
    def action_type_seats(self) -> None:
        self.query_one(SeatEntry).input.focus()

    @on(SeatEntry.Submitted)
    def _seats_typed(self, message: SeatEntry.Submitted) -> None:
        """Choose every seat typed, or none of them and say why."""
        if self.detail is None or self._layout is None:
            return
        entry, seat_map = message.entry, self.query_one(SeatMapView)
        if self._index is None:
            self._index = SeatIndex.build(list(self._live.tickets.values()))
        layout = self._layout
        sections = {s.id: s.name for s in layout.sections}
        sections.update({a.id: a.name for a in layout.general_admission})
        try:
            typed = read_typed_seats(
                message.text,
                self._index,
                names=self.names,
                sections=sections,
                chosen={t.ticket_id for t in seat_map.selected},
                limit=MAX_SEATS,
            )
        except SeatsNotChosen as error:
            entry.say(str(error), refused=True)
            return
        for count, ticket in enumerate(typed.new):
            seat_map.toggle(ticket.seat_id)
            if ticket.ticket_id not in {t.ticket_id for t in seat_map.selected}:
                for undo in typed.new[:count]:  # the map said no (and why): all or none
                    seat_map.toggle(undo.seat_id)
                entry.say("Nothing chosen.", refused=True)
                return
        said = f"Chosen: {self.names.listing(typed.new)}." if typed.new else ""
        if typed.already:
            said += f" Already chosen: {self.names.listing(typed.already)}."
        entry.say(said.strip())
        entry.clear()
        if typed.new and seat_map.display:  # show where they are
            seat_map.move_cursor_to(typed.new[-1].seat_id)
        self._focus_seats()

    def _focus_seats(self) -> None:
        """Back to where seats are picked: the list when it is shown, else the map."""
        seat_list = self._seat_list
        if seat_list is not None and seat_list.display:
            seat_list.focus_table()
        else:
            self.query_one(SeatMapView).focus()

    def action_back(self) -> None:
        """Escape steps back: out of the typed seats, from the list to the map, then a screen."""
        focused = self.focused
        if focused is not None and self.detail is not None:
            if any(isinstance(node, SeatEntry) for node in focused.ancestors):
                self._focus_seats()
                return
            if self._list_shown:
                self.action_show_map()
                return
        super().action_back()

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

        self._feed.stop()  # before my own hold's change comes in: the map is left for now
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
            self._show_changes()
        if isinstance(error, AdmissionRequired) and self.app.screen is self:
            from kiosk.app.screens.waiting import WaitingScreen  # a high-demand event

            self.app.switch_screen(WaitingScreen(self.event_id, venue_id=self.venue_id))
            return
        if isinstance(error, SeatsUnavailable):
            self._flash = list(error.ticket_ids)
            self._told_taken = set(error.ticket_ids)  # the notice below names them
            self.reload()
        super().failed(error)
