"""Support for the kiosk app's tests: a fixed in-memory stand-in for the server (snapshots
only: every purchase test runs against a live server) and a driver that waits for the app's
worker threads and reads what is on screen."""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from conftest import TINY_LAYOUT, TINY_PRICES
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from shared.errors import NotFound, ServiceUnavailable
from shared.models import (
    BookedTicket,
    BookingInfo,
    BookingStatus,
    EventDetail,
    EventInfo,
    EventPage,
    EventSummary,
    EventVenue,
    PaymentResult,
    PerformerRef,
    PriceCategoryPrice,
    SeatChange,
    SeatStatus,
    Showing,
    ShowingList,
    TicketInfo,
    VenueDetail,
    VenuePage,
    VenueRef,
    VenueSummary,
)
from shared.seatmap import parse_seatmap

#: The snapshots' "now": the countdown and the card expiry check read this clock.
FIXED_NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
BOOKING_ID = "7d1f0c2a-5b3e-4c8d-9f60-1a2b3c4d5e6f"


def frozen_clock() -> datetime:
    return FIXED_NOW


class QuietStream:
    """A seat stream with nothing to say unless a test :meth:`send` s a change (or makes it
    :meth:`fail`); it blocks its reader until closed, as the server's does."""

    def __init__(self) -> None:
        self._queue: queue.Queue[SeatChange | Exception | None] = queue.Queue()
        self.closed = False

    def __iter__(self) -> QuietStream:
        return self

    def __next__(self) -> SeatChange:
        item = None if self.closed else self._queue.get()
        if isinstance(item, Exception):
            raise item
        if item is None:
            raise StopIteration
        return item

    def send(self, change: SeatChange) -> None:
        self._queue.put(change)

    def fail(self, error: Exception) -> None:
        """The reader gets ``error``, as when the connection is lost for good."""
        self._queue.put(error)

    def close(self) -> None:
        self.closed = True
        self._queue.put(None)


class FixedBoxoffice:
    """Two venues, three events of one small room, a booking that always succeeds."""

    def __init__(self) -> None:
        self.tiny = VenueDetail(
            venue_id=1,
            title="The Tiny Room",
            location="Leeds",
            seating_capacity=33,
            seating_arrangement=TINY_LAYOUT,
        )
        self.hall = VenueDetail(
            venue_id=2,
            title="Alder Hall",
            location="York",
            seating_capacity=33,
            seating_arrangement=TINY_LAYOUT,
        )
        show = datetime(2030, 6, 14, 19, 30, tzinfo=UTC)
        self.events = [
            self._summary(1, "Jazz Night", show, self.tiny),
            self._summary(2, "Jazz Night", show + timedelta(days=7), self.hall),
            self._summary(3, "Poetry Reading", show + timedelta(days=2), self.tiny),
        ]
        layout = parse_seatmap(TINY_LAYOUT)
        taken = {"stalls:A:1": SeatStatus.BOOKED, "stalls:A:2": SeatStatus.BOOKED}
        taken |= {"stalls:B:7": SeatStatus.RESERVED, "standing:GA:1": SeatStatus.BOOKED}
        self.tickets = [
            TicketInfo(
                ticket_id=n,
                seat_id=seat.seat_id,
                seat_number=seat.label,
                section=seat.section,
                row=seat.row,
                category=seat.category,
                price=Decimal(TINY_PRICES[seat.category]),
                ticket_status=taken.get(seat.seat_id, SeatStatus.AVAILABLE),
            )
            for n, seat in enumerate(layout.places(), start=1)
        ]
        self.current: BookingInfo | None = None
        #: Every seat stream opened, newest last.
        self.streams: list[QuietStream] = []

    @staticmethod
    def _summary(event_id: int, title: str, start: datetime, venue: VenueDetail) -> EventSummary:
        return EventSummary(
            event_id=event_id,
            title=title,
            description="",
            start_time=start,
            end_time=start + timedelta(hours=2),
            venue=VenueRef(venue_id=venue.venue_id, title=venue.title, location=venue.location),
            performers=[PerformerRef(performer_id=1, name="The Quartet")],
        )

    def venues(self, *, limit: int | None = None, cursor: str | None = None) -> VenuePage:
        venues = [VenueSummary.model_validate(v.model_dump()) for v in (self.tiny, self.hall)]
        return VenuePage(venues=venues, next_cursor=None, limit=limit or 100)

    def venue(self, venue_id: int) -> VenueDetail:
        return self.tiny if venue_id == 1 else self.hall

    def venue_events_page(self, venue_id: int, **_: Any) -> EventPage:
        events = [e for e in self.events if e.venue.venue_id == venue_id]
        return EventPage(events=events, next_cursor=None, limit=100)

    def search_page(self, query: str | None = None, **_: Any) -> EventPage:
        words = (query or "").casefold().replace("*", "").split()  # a trailing * is a prefix
        events = [e for e in self.events if all(w in e.title.casefold() for w in words)]
        return EventPage(
            events=sorted(events, key=lambda e: e.start_time), next_cursor=None, limit=50
        )

    def event(self, event_id: int) -> EventDetail:
        summary = next((e for e in self.events if e.event_id == event_id), None)
        if summary is None:
            raise NotFound(f"There is no event {event_id}.")
        venue = self.venue(summary.venue.venue_id)
        info = EventInfo(
            event_id=event_id,
            title=summary.title,
            description="",
            start_time=summary.start_time,
            end_time=summary.end_time,
            performers=summary.performers,
            prices=[
                PriceCategoryPrice(category="front", name="Front", price=Decimal("40.00")),
                PriceCategoryPrice(category="back", name="Back", price=Decimal("25.50")),
            ],
        )
        return EventDetail(
            event=info,
            venue=EventVenue(**venue.model_dump(), tickets_available=29),
            tickets=self.tickets,
        )

    def showings(self, event_id: int) -> ShowingList:
        shows = [
            Showing(
                event_id=e.event_id,
                start_time=e.start_time,
                end_time=e.end_time,
                venue=e.venue,
                tickets_available=29,
            )
            for e in self.events
            if e.title == "Jazz Night"
        ]
        return ShowingList(event_id=event_id, title="Jazz Night", showings=shows)

    def hold(self, event_id: int, ticket_ids: list[int]) -> BookingInfo:
        chosen = [t for t in self.tickets if t.ticket_id in ticket_ids]
        self.current = BookingInfo(
            booking_id=BOOKING_ID,
            event_id=event_id,
            status=BookingStatus.PENDING,
            tickets=[BookedTicket.model_validate(t.model_dump()) for t in chosen],
            price=sum((t.price for t in chosen), Decimal(0)),
            currency="GBP",
            expires_at=FIXED_NOW + timedelta(minutes=5),
            extensions_left=2,
            payment_input_url=f"/bookings/{BOOKING_ID}/payment",
            created_at=FIXED_NOW,
            confirmed_at=None,
        )
        return self.current

    def hold_best(self, event_id: int, quantity: int, category: str | None = None) -> BookingInfo:
        free = [
            t.ticket_id
            for t in self.tickets
            if t.ticket_status is SeatStatus.AVAILABLE and category in (None, t.category)
        ]
        return self.hold(event_id, free[:quantity])

    def booking(self, booking_id: str) -> BookingInfo:
        if self.current is None:
            raise NotFound("No such booking.")
        return self.current

    def release(self, booking_id: str) -> None:
        self.current = None

    def extend(self, booking_id: str) -> BookingInfo:
        assert self.current is not None
        self.current = self.current.model_copy(
            update={
                "expires_at": self.current.expires_at + timedelta(minutes=2),
                "extensions_left": self.current.extensions_left - 1,
            }
        )
        return self.current

    def pay(self, booking: BookingInfo | str, details: Mapping[str, Any]) -> PaymentResult:
        assert self.current is not None
        self.current = self.current.model_copy(
            update={"status": BookingStatus.BOOKED, "confirmed_at": FIXED_NOW}
        )
        return PaymentResult(booking_ids=[BOOKING_ID], booking_status=BookingStatus.BOOKED)

    def seat_changes(self, event_id: int, *, last_event_id: str | None = None) -> QuietStream:
        self.streams.append(QuietStream())
        return self.streams[-1]


# driving the app ----------------------------------------------------------------------------
async def settle(pilot: Pilot[Any], seconds: float = 0.05) -> None:
    """Let worker threads finish and their answers be shown (all but an open seat map's
    stream of live changes, which runs until the map is left)."""
    app = pilot.app
    await pilot.pause()
    await finish_calls(app)
    await pilot.pause(seconds)
    await finish_calls(app)
    await pilot.pause()


async def finish_calls(app: App[Any]) -> None:
    """Wait for the server calls under way; the live seat stream never finishes by itself."""
    calls = [w for w in app.workers if w.group != "seat-feed"]
    if calls:  # none given means all of them to Textual
        await app.workers.wait_for_complete(calls)


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, seconds: float = 10
) -> None:
    """Wait until ``condition()`` holds (server calls take real time), or fail saying ``what``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen:\n{screen_text(pilot.app)}")
        await asyncio.sleep(0.05)
        await pilot.pause()


def screen_text(app: App[Any]) -> str:
    """Everything the current screen says (and the notifications), as plain text."""
    parts: list[str] = []
    for widget in app.screen.query(Widget):
        if isinstance(widget, Static):
            parts.append(str(widget.render()))
    parts.extend(f"{n.title}: {n.message}" for n in app._notifications)
    return "\n".join(parts)


def text_of(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def today() -> date:
    return FIXED_NOW.date()


#: What the client says when nothing answers at the server's address.
UNREACHABLE = "Cannot reach the server at http://kiosk.example: [Errno 111] Connection refused."


class FlakyBoxoffice(FixedBoxoffice):
    """The same data until ``down`` is set; then reading fails as with an unreachable server."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def _reach(self) -> None:
        if self.down:
            raise ServiceUnavailable(UNREACHABLE)

    def venues(self, *, limit: int | None = None, cursor: str | None = None) -> VenuePage:
        self._reach()
        return super().venues(limit=limit, cursor=cursor)

    def search_page(self, query: str | None = None, **options: Any) -> EventPage:
        self._reach()
        return super().search_page(query, **options)

    def event(self, event_id: int) -> EventDetail:
        self._reach()
        return super().event(event_id)


class TouringBoxoffice(FixedBoxoffice):
    """Five more shows at a third venue, so that the attract screen has pages to turn."""

    def __init__(self) -> None:
        super().__init__()
        arena = VenueDetail(
            venue_id=3,
            title="Riverside Arena",
            location="Hull",
            seating_capacity=33,
            seating_arrangement=TINY_LAYOUT,
        )
        first = datetime(2030, 6, 20, 20, 0, tzinfo=UTC)
        titles = [
            "Brass Band Gala",
            "Comedy Club",
            "Film Night: Seven Samurai (1954), restored, with a talk by the projectionist",
            "Folk Session",
            "Opera Live",
        ]
        self.events += [
            self._summary(4 + n, title, first + timedelta(days=n), arena)
            for n, title in enumerate(titles)
        ]
