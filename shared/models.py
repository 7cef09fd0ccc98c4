"""The wire format: every JSON payload the API sends, as one set of typed models.

The server serializes with these models and the client parses with them, so the format is
defined once. Field names are snake_case in Python and camelCase on the wire, with ``ID``
spelled as in the API (``venueID``, ``ticketIDs``).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = [
    "ADMISSION_HEADER",
    "CHANNEL_HEADER",
    "BookedTicket",
    "BookingInfo",
    "BookingStatus",
    "Channel",
    "EventDetail",
    "EventInfo",
    "EventPage",
    "EventSeatSummary",
    "EventSummary",
    "EventVenue",
    "PaymentRequest",
    "PaymentResult",
    "PerformerRef",
    "PriceCategoryPrice",
    "QueueLane",
    "QueueState",
    "QueueStatus",
    "ReserveRequest",
    "SeatChange",
    "SeatChangeKind",
    "SeatStatus",
    "SectionAvailability",
    "Showing",
    "ShowingList",
    "TicketInfo",
    "VenueDetail",
    "VenuePage",
    "VenueRef",
    "VenueSummary",
    "WireModel",
    "wire_name",
]


def wire_name(field_name: str) -> str:
    """``venue_id`` → ``venueID``, ``ticket_ids`` → ``ticketIDs``, ``payment_input_url`` →
    ``paymentInputURL``, ``start_time`` → ``startTime``."""
    return re.sub(r"(Id|Url)(s?)$", lambda m: m.group(1).upper() + m.group(2), to_camel(field_name))


class WireModel(BaseModel):
    """Base of every payload: immutable, camelCase on the wire, unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=wire_name, populate_by_name=True, frozen=True, extra="ignore"
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict the API sends."""
        return self.model_dump(mode="json", by_alias=True)


class SeatStatus(StrEnum):
    """A seat as a buyer sees it: RESERVED means held by someone, for a few minutes."""

    AVAILABLE = "AVAILABLE"
    RESERVED = "RESERVED"
    BOOKED = "BOOKED"


class VenueRef(WireModel):
    venue_id: int
    title: str
    location: str


class VenueSummary(VenueRef):
    seating_capacity: int


class VenueDetail(VenueSummary):
    seating_arrangement: dict[str, Any]


class VenuePage(WireModel):
    venues: list[VenueSummary]
    next_cursor: str | None
    limit: int


class PerformerRef(WireModel):
    performer_id: int
    name: str


class EventSummary(WireModel):
    event_id: int
    title: str
    description: str
    start_time: datetime
    end_time: datetime
    venue: VenueRef
    performers: list[PerformerRef]


class EventPage(WireModel):
    events: list[EventSummary]
    next_cursor: str | None
    limit: int


class PriceCategoryPrice(WireModel):
    category: str
    name: str
    price: Decimal


class EventInfo(WireModel):
    event_id: int
    title: str
    description: str
    start_time: datetime
    end_time: datetime
    performers: list[PerformerRef]
    prices: list[PriceCategoryPrice]


class EventVenue(VenueDetail):
    tickets_available: int


class TicketInfo(WireModel):
    ticket_id: int
    #: Stable seat ID from the seat map, e.g. ``stalls:F:12``; labels below are as printed.
    seat_id: str
    seat_number: str
    section: str
    row: str | None
    category: str
    price: Decimal
    ticket_status: SeatStatus


class EventDetail(WireModel):
    event: EventInfo
    venue: EventVenue
    tickets: list[TicketInfo]


class SectionAvailability(WireModel):
    """Counts and compact seat ranges (``A1-14,B3``) of one section or GA area."""

    section: str
    name: str
    available: int
    reserved: int
    booked: int
    available_seats: str
    reserved_seats: str
    booked_seats: str


class EventSeatSummary(WireModel):
    """``GET /events/{id}?view=summary``: enough to draw an overview of a large venue."""

    event: EventInfo
    venue: EventVenue
    sections: list[SectionAvailability]


class Showing(WireModel):
    event_id: int
    start_time: datetime
    end_time: datetime
    venue: VenueRef
    tickets_available: int


class ShowingList(WireModel):
    """Every venue and time where the same show plays (a touring show)."""

    event_id: int
    title: str
    showings: list[Showing]


class BookingStatus(StrEnum):
    PENDING = "PENDING"
    BOOKED = "BOOKED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


class BookedTicket(WireModel):
    ticket_id: int
    seat_id: str
    seat_number: str
    section: str
    row: str | None
    category: str
    price: Decimal


class BookingInfo(WireModel):
    """A booking as its owner sees it; ``paymentInputURL`` is where to POST the payment."""

    booking_id: str
    event_id: int
    status: BookingStatus
    tickets: list[BookedTicket]
    price: Decimal
    currency: str
    expires_at: datetime
    extensions_left: int
    payment_input_url: str
    created_at: datetime
    confirmed_at: datetime | None


class PaymentResult(WireModel):
    booking_ids: list[str]
    booking_status: BookingStatus


#: The request header a client names its channel in (absent or unknown: ``api``).
CHANNEL_HEADER = "X-Boxoffice-Channel"


class Channel(StrEnum):
    """Where a seat change was made, as the live stream tells it (never who made it)."""

    BOX_OFFICE = "box-office"
    KIOSK = "kiosk"
    API = "api"


class SeatChangeKind(StrEnum):
    HELD = "held"
    RELEASED = "released"
    EXPIRED = "expired"
    BOOKED = "booked"
    #: Changes were missed and are gone (or too many): fetch the seat map again.
    RELOAD = "reload"


class SeatChange(WireModel):
    """One message of ``GET /events/{eventID}/stream``; ``id`` is what to resume after.

    ``channel`` is None for an expiry (nobody made it) and for ``reload``, whose
    ``ticketIDs`` is empty.
    """

    id: str
    kind: SeatChangeKind
    event_id: int
    ticket_ids: list[int]
    channel: Channel | None

    @property
    def seat_status(self) -> SeatStatus | None:
        """What the seats show now (None for ``reload``)."""
        return _STATUS_AFTER.get(self.kind)


#: The request header that carries a waiting room's admission token (high-demand events).
ADMISSION_HEADER = "X-Admission-Token"


class QueueState(StrEnum):
    """Where a user stands in an event's waiting room."""

    WAITING = "waiting"
    #: Your turn: send ``admissionToken`` (``X-Admission-Token``) with the event's requests.
    ADMITTED = "admitted"
    #: The event is not in high demand (any more): no token is needed.
    OPEN = "open"
    #: Not in the queue: never joined, left, or an admission that went unused ran out.
    NOT_QUEUED = "not-queued"


class QueueLane(StrEnum):
    """Box-office staff have a lane of their own, with a reserved share of the admissions."""

    PUBLIC = "public"
    STAFF = "staff"


class QueueStatus(WireModel):
    """``POST`` / ``GET /events/{eventID}/queue``: your place, or your admission token.

    ``position`` is 1 for the next to be admitted, counted in your ``lane``; ``queueLength``
    is how many wait in it. ``expiresAt``: an unused token lapses then (once used, it lasts
    the shopping session, and the new expiry is given).
    """

    event_id: int
    state: QueueState
    lane: QueueLane | None = None
    position: int | None = None
    queue_length: int | None = None
    estimated_wait_seconds: int | None = None
    admission_token: str | None = None
    expires_at: datetime | None = None
    status_url: str


_STATUS_AFTER = {
    SeatChangeKind.HELD: SeatStatus.RESERVED,
    SeatChangeKind.RELEASED: SeatStatus.AVAILABLE,
    SeatChangeKind.EXPIRED: SeatStatus.AVAILABLE,
    SeatChangeKind.BOOKED: SeatStatus.BOOKED,
}


def _whole_number(value: Any) -> Any:
    """JSON has one number type: ``7.0`` is the integer 7 (JSON Schema agrees); ``7.5`` is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Ticket IDs are Postgres bigints; strict, so ``"7"`` and ``true`` are refused.
TicketID = Annotated[StrictInt, Field(ge=1, le=2**63 - 1), BeforeValidator(_whole_number)]


#: Best available: how many seats side by side the server should pick.
Quantity = Annotated[StrictInt, Field(ge=1, le=10), BeforeValidator(_whole_number)]
#: A price category id of the venue's layout (the seat-map format's id rule).
CategoryID = Annotated[
    str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+([_-][A-Za-z0-9]+)*$")
]


class ReserveRequest(WireModel):
    """``POST /bookings/{eventID}``: the seats to hold, all or none — or, instead of
    ``ticketIDs``, a ``quantity`` (and optionally a price ``category``) for the server to pick
    the best adjacent seats itself."""

    model_config = ConfigDict(extra="forbid")

    ticket_ids: Annotated[list[TicketID], Field(min_length=1, max_length=10)] | None = None
    quantity: Quantity | None = None
    category: CategoryID | None = None

    @field_validator("ticket_ids", "quantity", "category", mode="before")
    @classmethod
    def _no_null(cls, value: Any) -> Any:
        """Leave a field out rather than send null: the wire contract has no null here."""
        if value is None:
            raise PydanticCustomError("null", "leave the field out instead of sending null")
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _one_way(
        cls, data: Any, handler: ModelWrapValidatorHandler[ReserveRequest]
    ) -> ReserveRequest:
        """Exactly one of ticketIDs and quantity; a body with neither is told what it lacks."""
        if isinstance(data, dict) and not data.keys() & {"ticketIDs", "ticket_ids", "quantity"}:
            missing = PydanticCustomError(
                "missing", "send ticketIDs (the seats to hold) or quantity (best available)"
            )
            raise ValidationError.from_exception_data(
                cls.__name__, [InitErrorDetails(type=missing, loc=("ticketIDs",), input=data)]
            )
        request = handler(data)
        if request.ticket_ids is not None and request.quantity is not None:
            raise PydanticCustomError(
                "one_way",
                "send ticketIDs (the seats to hold) or quantity (best available), not both",
            )
        if request.category is not None and request.quantity is None:
            raise PydanticCustomError("one_way", "category goes with quantity, not with ticketIDs")
        return request


class PaymentRequest(WireModel):
    """``POST {paymentInputURL}``: card (number, expiry, CVC) or cash at the box office."""

    model_config = ConfigDict(extra="forbid")

    payment_details: dict[str, Any]
