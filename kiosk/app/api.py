"""What the screens need from the server, as an interface: ``shared.client.BoxofficeClient``
is the real one; snapshot tests pass a small in-memory one with fixed data."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any, Protocol

from shared.models import (
    BookingInfo,
    EventDetail,
    EventPage,
    PaymentResult,
    QueueStatus,
    SeatChange,
    ShowingList,
    VenueDetail,
    VenuePage,
)

__all__ = ["BoxofficeApi", "SeatChangeStream"]

DateLike = date | datetime | str


class SeatChangeStream(Protocol):
    """An event's live seat changes: iterated in a worker thread until closed, and closable
    from any other thread, which ends the iteration at once (``shared.seat_stream``)."""

    def __iter__(self) -> Iterator[SeatChange]: ...

    def __next__(self) -> SeatChange: ...

    def close(self) -> None: ...


class BoxofficeApi(Protocol):
    """Blocking calls, made from worker threads; failures raise ``shared.errors``."""

    def venues(self, *, limit: int | None = None, cursor: str | None = None) -> VenuePage: ...

    def venue(self, venue_id: int) -> VenueDetail: ...

    def venue_events_page(
        self,
        venue_id: int,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> EventPage: ...

    def search_page(
        self,
        query: str | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> EventPage: ...

    def event(self, event_id: int) -> EventDetail: ...

    def showings(self, event_id: int) -> ShowingList: ...

    def hold(self, event_id: int, ticket_ids: list[int]) -> BookingInfo: ...

    def hold_best(
        self, event_id: int, quantity: int, category: str | None = None
    ) -> BookingInfo: ...

    def booking(self, booking_id: str) -> BookingInfo: ...

    def release(self, booking_id: str) -> None: ...

    def extend(self, booking_id: str) -> BookingInfo: ...

    def pay(self, booking: BookingInfo | str, details: Mapping[str, Any]) -> PaymentResult: ...

    # a high-demand event's waiting room; once admitted, the seat map and holds just work
    def join_queue(self, event_id: int) -> QueueStatus: ...

    def queue_status(
        self, event_id: int, *, wait: float | None = None, position: int | None = None
    ) -> QueueStatus: ...

    def leave_queue(self, event_id: int) -> None: ...

    # live seat changes while a seat map is open
    def seat_changes(
        self, event_id: int, *, last_event_id: str | None = None
    ) -> SeatChangeStream: ...
