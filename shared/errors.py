"""What can go wrong talking to Boxoffice, as exceptions a kiosk or a script can catch.

Every API error is a problem+json document; the client turns it into the matching class by
its type slug (falling back on the HTTP status), so callers never parse error bodies::

    BoxofficeError                      message, problem (or None)
    ├── ServiceUnavailable              server unreachable, 503, 504 (retry_after)
    │   └── PaymentTimeout              the payment service did not answer (504)
    ├── RateLimited                     429 (retry_after)
    ├── InvalidRequest                  400: a parameter, body field or selection is wrong
    │   └── InvalidPayment              400: a card field is wrong (field)
    ├── Unauthorized                    401: missing, expired or forged token
    ├── PaymentDeclined                 402: card declined (code, reason); the hold stays
    ├── AdmissionRequired               403: a high-demand event: join its waiting room first
    ├── NotFound                        404
    ├── Conflict                        409
    │   ├── SeatsUnavailable            someone else has them (ticket_ids)
    │   ├── NoSeatsTogether             best available: no N adjacent seats free (quantity)
    │   └── BookingClosed               cancelled, expired, paid, or no extensions left
    └── HoldExpired                     410: the hold ran out and seats were taken (ticket_ids)
"""

from __future__ import annotations

from typing import Any

from shared.problems import Problem

__all__ = [
    "AdmissionRequired",
    "BookingClosed",
    "BoxofficeError",
    "Conflict",
    "HoldExpired",
    "InvalidPayment",
    "InvalidRequest",
    "NoSeatsTogether",
    "NotFound",
    "PaymentDeclined",
    "PaymentTimeout",
    "RateLimited",
    "SeatsUnavailable",
    "ServiceUnavailable",
    "Unauthorized",
    "error_from_problem",
]


class BoxofficeError(Exception):
    """Base of every client error; ``str()`` is a sentence a person can act on."""

    title = "Something went wrong"

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problem = problem

    @property
    def status(self) -> int | None:
        return self.problem.status if self.problem else None


class ServiceUnavailable(BoxofficeError):
    title = "Service unavailable"

    def __init__(
        self, message: str, problem: Problem | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, problem)
        self.retry_after = retry_after


class PaymentTimeout(ServiceUnavailable):
    title = "Payment timed out"


class RateLimited(BoxofficeError):
    title = "Too many requests"

    def __init__(
        self, message: str, problem: Problem | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, problem)
        self.retry_after = retry_after


class InvalidRequest(BoxofficeError):
    title = "Invalid request"


class InvalidPayment(InvalidRequest):
    title = "Invalid payment details"

    @property
    def field(self) -> str | None:
        value = _extension(self.problem, "field")
        return str(value) if value is not None else None


class Unauthorized(BoxofficeError):
    title = "Not signed in"


class PaymentDeclined(BoxofficeError):
    title = "Payment declined"

    @property
    def code(self) -> str | None:
        value = _extension(self.problem, "code")
        return str(value) if value is not None else None

    @property
    def reason(self) -> str:
        return self.message


class AdmissionRequired(BoxofficeError):
    """The event is in high demand: its seat map and holds need an admission token, which
    :meth:`BoxofficeClient.join_queue` and ``queue_status`` get (and then send by themselves)."""

    title = "Waiting room"

    @property
    def event_id(self) -> int | None:
        value = _extension(self.problem, "eventID")
        return int(value) if value is not None else None

    @property
    def queue_url(self) -> str | None:
        value = _extension(self.problem, "queueURL")
        return str(value) if value is not None else None


class NotFound(BoxofficeError):
    title = "Not found"


class Conflict(BoxofficeError):
    title = "Conflict"


class SeatsUnavailable(Conflict):
    title = "Seats unavailable"

    @property
    def ticket_ids(self) -> list[int]:
        return list(_extension(self.problem, "ticketIDs") or [])


class NoSeatsTogether(Conflict):
    title = "No seats together"

    @property
    def quantity(self) -> int | None:
        value = _extension(self.problem, "quantity")
        return int(value) if value is not None else None


class BookingClosed(Conflict):
    title = "Booking closed"


class HoldExpired(BoxofficeError):
    title = "Hold expired"

    @property
    def ticket_ids(self) -> list[int]:
        return list(_extension(self.problem, "ticketIDs") or [])


def _extension(problem: Problem | None, name: str) -> Any:
    return problem.extensions.get(name) if problem else None


_BY_SLUG: dict[str, type[BoxofficeError]] = {
    "seats-unavailable": SeatsUnavailable,
    "no-seats-together": NoSeatsTogether,
    "booking-closed": BookingClosed,
    "extension-limit-reached": BookingClosed,
    "hold-expired": HoldExpired,
    "payment-declined": PaymentDeclined,
    "invalid-payment": InvalidPayment,
    "payment-timeout": PaymentTimeout,
    "unauthorized": Unauthorized,
    "not-found": NotFound,
    "service-unavailable": ServiceUnavailable,
    "rate-limited": RateLimited,
    "admission-required": AdmissionRequired,
}
_BY_STATUS: dict[int, type[BoxofficeError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    402: PaymentDeclined,
    404: NotFound,
    409: Conflict,
    410: HoldExpired,
    413: InvalidRequest,
    415: InvalidRequest,
    422: InvalidRequest,
    429: RateLimited,
    503: ServiceUnavailable,
    504: ServiceUnavailable,
}


def error_from_problem(problem: Problem, retry_after: float | None = None) -> BoxofficeError:
    """The exception for a problem document: by slug first, then by status."""
    cls = _BY_SLUG.get(problem.slug) or _BY_STATUS.get(problem.status) or BoxofficeError
    message = problem.detail or problem.title
    if issubclass(cls, ServiceUnavailable | RateLimited):
        return cls(message, problem, retry_after=retry_after)
    return cls(message, problem)
