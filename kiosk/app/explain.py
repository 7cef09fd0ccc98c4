"""Every way a call to the server can fail, as a title and a sentence for the person at the
screen: what happened and what to do next. Never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.errors import (
    BookingClosed,
    BoxofficeError,
    HoldExpired,
    InvalidPayment,
    InvalidRequest,
    NoSeatsTogether,
    NotFound,
    PaymentDeclined,
    PaymentTimeout,
    RateLimited,
    SeatsUnavailable,
    ServiceUnavailable,
    Unauthorized,
)

__all__ = ["Explanation", "explain", "is_connection_problem"]

#: Seat labels for ticket IDs (``Stalls A3``), when the caller knows them.
Labeller = Callable[[list[int]], str]


@dataclass(frozen=True, slots=True)
class Explanation:
    title: str
    message: str


def is_connection_problem(error: BaseException) -> bool:
    """Worth a banner and a retry rather than a one-off message."""
    return isinstance(error, ServiceUnavailable | RateLimited) and not isinstance(
        error, PaymentTimeout
    )


def _seats(ids: list[int], labels: Labeller | None) -> str:
    if labels is not None and ids:
        return labels(ids)
    if ids:
        return f"{len(ids)} of the seats"
    return "some of the seats"


def explain(error: BaseException, labels: Labeller | None = None) -> Explanation:
    """The title and sentence for ``error``; ``labels`` names seats from ticket IDs."""
    if not isinstance(error, BoxofficeError):
        return Explanation(
            "Unexpected problem",
            f"Something went wrong in this terminal ({type(error).__name__}: {error}). "
            "Try again; if it keeps happening, call a supervisor.",
        )
    detail = error.message.strip()
    if isinstance(error, SeatsUnavailable):
        taken = _seats(error.ticket_ids, labels)
        return Explanation(
            "Seats just taken",
            f"Someone was faster: {taken} {'is' if len(error.ticket_ids) == 1 else 'are'} "
            "no longer free. Nothing was held; the map is up to date, choose again.",
        )
    if isinstance(error, NoSeatsTogether):
        return Explanation(
            "No seats together",
            f"{detail} Try fewer seats or another category, or pick seats on the map.",
        )
    if isinstance(error, HoldExpired):
        return Explanation(
            "Hold expired",
            f"The hold ran out and {_seats(error.ticket_ids, labels)} went to someone else. "
            "Nothing was charged. Choose seats again.",
        )
    if isinstance(error, BookingClosed):
        return Explanation("Booking closed", detail)
    if isinstance(error, PaymentDeclined):
        return Explanation(
            "Payment declined",
            f"{detail} The seats are still held: try another card.",
        )
    if isinstance(error, PaymentTimeout):
        return Explanation(
            "Payment not confirmed",
            "The payment service did not answer in time. Press Pay again: the card will "
            "never be charged twice.",
        )
    if isinstance(error, InvalidPayment):
        return Explanation("Check the card details", detail)
    if isinstance(error, InvalidRequest):
        return Explanation("Not accepted", detail)
    if isinstance(error, Unauthorized):
        return Explanation(
            "Terminal not signed in",
            f"{detail} Set BOXOFFICE_TOKEN (boxoffice token USER prints one) and restart.",
        )
    if isinstance(error, NotFound):
        return Explanation("Not found", f"{detail} It may have been removed; go back and refresh.")
    if isinstance(error, RateLimited):
        wait = f" in {error.retry_after:g} s" if error.retry_after else " in a moment"
        return Explanation("Server busy", f"The server is busy. Trying again{wait}.")
    if isinstance(error, ServiceUnavailable):
        return Explanation("Server unavailable", detail)
    # a problem this client has no class for (say, no-seats-together): the server's own title
    return Explanation(error.problem.title if error.problem else error.title, detail)
