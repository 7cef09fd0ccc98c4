"""Domain errors of booking: raised by the service layer, mapped to problem+json by the API.

Each class's ``slug`` is its problem type, so the names never drift apart::

    BookingError
    ├── InvalidSelection        400 invalid-selection
    ├── NotFound                404 not-found
    ├── SeatsUnavailable        409 seats-unavailable   (ticketIDs)
    ├── NoSeatsTogether         409 no-seats-together   (quantity, category): best available
    ├── BookingClosed           409 booking-closed
    ├── ExtensionLimitReached   409 extension-limit-reached
    ├── HoldExpired             410 hold-expired        (ticketIDs; any charge refunded)
    ├── PaymentFailed           402 payment-declined / 400 invalid-payment / 504 payment-timeout
    └── ServiceBusy             503 service-unavailable (Redis down, or contention; Retry-After)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "BookingClosed",
    "BookingError",
    "ExtensionLimitReached",
    "HoldExpired",
    "InvalidSelection",
    "NoSeatsTogether",
    "NotFound",
    "PaymentFailed",
    "SeatsUnavailable",
    "ServiceBusy",
]


class BookingError(Exception):
    """Base: ``status``, ``slug`` and ``title`` for the API; the message is the detail."""

    status = 400
    slug = "invalid-selection"
    title = "Booking refused"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}


class InvalidSelection(BookingError):
    """The request is malformed: no seats, too many, duplicates, seats of another event."""

    title = "Invalid seat selection"


class NotFound(BookingError):
    """No such event, ticket or booking — or a booking that belongs to someone else."""

    status = 404
    slug = "not-found"
    title = "Not found"


class SeatsUnavailable(BookingError):
    """Some seats are held by someone else or sold; nothing was held or charged."""

    status = 409
    slug = "seats-unavailable"
    title = "Seats unavailable"

    def __init__(self, ticket_ids: Iterable[int], detail: str | None = None) -> None:
        ids = sorted(set(ticket_ids))
        super().__init__(
            detail or f"Someone else has tickets {', '.join(map(str, ids))}; nothing was held.",
            ticketIDs=ids,
        )
        self.ticket_ids = ids


class NoSeatsTogether(BookingError):
    """Best available found no N free seats side by side (nor N standing places); nothing held."""

    status = 409
    slug = "no-seats-together"
    title = "No seats together"

    def __init__(self, quantity: int, category: str | None = None) -> None:
        where = f" in category {category}" if category is not None else ""
        what = (
            "There is no seat available"
            if quantity == 1
            else f"There are no {quantity} adjacent seats available together"
        )
        extensions: dict[str, Any] = {"quantity": quantity}
        if category is not None:
            extensions["category"] = category
        super().__init__(f"{what}{where}; nothing was held.", **extensions)
        self.quantity = quantity
        self.category = category


class BookingClosed(BookingError):
    """The booking is cancelled or expired and cannot be paid or extended."""

    status = 409
    slug = "booking-closed"
    title = "Booking closed"


class ExtensionLimitReached(BookingError):
    status = 409
    slug = "extension-limit-reached"
    title = "Hold cannot be extended again"


class HoldExpired(BookingError):
    """The hold ran out and someone else took seats; any charge has been refunded."""

    status = 410
    slug = "hold-expired"
    title = "Hold expired"

    def __init__(self, ticket_ids: Iterable[int], detail: str) -> None:
        ids = sorted(set(ticket_ids))
        super().__init__(detail, ticketIDs=ids)
        self.ticket_ids = ids


class PaymentFailed(BookingError):
    """The processor declined, found a field invalid, or did not answer; the hold stays."""

    status = 402
    slug = "payment-declined"
    title = "Payment declined"

    def __init__(self, detail: str, *, status: int, slug: str, title: str, **extensions: Any):
        super().__init__(detail, **extensions)
        self.status = status
        self.slug = slug
        self.title = title


class ServiceBusy(BookingError):
    """Redis is down or Postgres kept refusing under contention: try again shortly."""

    status = 503
    slug = "service-unavailable"
    title = "Service unavailable"

    def __init__(self, detail: str, retry_after: int = 2) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}
