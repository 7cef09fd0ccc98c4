"""Best available in one step: pick the best free group, hold it, and pick again if beaten.

The pick reads who holds what, which is information only; the atomic hold of
:meth:`BookingService.reserve` stays the one gate. When another request was faster the lost
seats are left out and the next best group is tried, a bounded number of times. Retries blur
the distance rule a little (see :func:`pick_best`'s ``spread``): requests that lost the same
seats at the same moment would otherwise all reach for the same next group again.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import redis

from server.booking.best_available import Group, pick_best
from server.booking.errors import (
    InvalidSelection,
    NoSeatsTogether,
    NotFound,
    SeatsUnavailable,
    ServiceBusy,
)
from server.booking.records import BookingRecord
from server.booking.seat_plans import (
    EventPlan,
    booked_tickets,
    load_event_plan,
    pending_tickets_of,
)

if TYPE_CHECKING:
    from server.booking.service import BookingService

__all__ = ["ATTEMPTS", "hold_best_available"]

#: Holds tried before giving up on a busy event (each one a single Redis script).
ATTEMPTS = 4
#: How far each retry may stretch distances: the n-th retry by up to n × this.
_SPREAD_PER_RETRY = 0.5


def hold_best_available(
    service: BookingService,
    user_id: str,
    event_id: int,
    quantity: int,
    category: str | None = None,
) -> BookingRecord:
    """Hold the best ``quantity`` adjacent free seats (in ``category``) for ``user_id``.

    Raises NoSeatsTogether when no such group is free, and ServiceBusy when groups are free
    but others kept taking them first (the client may retry). Like ``reserve``, the new hold
    replaces the user's pending hold on the event; those seats count as free for the pick.
    """
    limit = service.settings.max_tickets
    if not 1 <= quantity <= limit:
        raise InvalidSelection(f"Choose 1 to {limit} tickets; got {quantity}.", field="quantity")
    now = service.clock()
    event = load_event_plan(service.session, event_id)
    if event is None:
        raise NotFound(f"There is no event with ID {event_id}.")
    if event.event_end <= now:
        raise InvalidSelection("This event is over; its tickets are no longer on sale.")
    categories = event.plan.categories
    if category is not None and category not in categories:
        raise InvalidSelection(
            f"Event {event_id} has no price category {category!r}; "
            f"its categories are {', '.join(categories)}.",
            field="category",
        )
    booked = booked_tickets(service.session, event_id)
    mine = pending_tickets_of(service.session, user_id, event_id, now)
    lost: set[int] = set()
    rng = random.Random()
    for attempt in range(ATTEMPTS):
        taken = _taken(service, event, booked, mine, lost)
        group = pick_best(
            event.plan,
            quantity,
            taken,
            category=category,
            spread=_SPREAD_PER_RETRY * attempt,
            rng=rng,
        )
        if group is None:
            raise NoSeatsTogether(quantity, category)
        try:
            return service.reserve(user_id, event_id, group.ticket_ids)
        except SeatsUnavailable as beaten:
            lost.update(beaten.ticket_ids or group.ticket_ids)
    if _still_free(service, event, quantity, category, booked, mine, lost) is None:
        raise NoSeatsTogether(quantity, category)
    raise ServiceBusy(
        "Many people are choosing seats for this event right now; try again in a moment.",
        retry_after=1,
    )


def _taken(
    service: BookingService, event: EventPlan, booked: set[int], mine: set[int], lost: set[int]
) -> set[int]:
    """Booked, held by someone else, or just lost to someone faster."""
    try:
        held = service.holds.held_tickets(
            event.event_id, now_ms=int(service.clock().timestamp() * 1000)
        )
    except redis.RedisError:
        raise ServiceBusy("Seat holds are unavailable right now; try again shortly.") from None
    return booked | (held - mine) | lost


def _still_free(
    service: BookingService,
    event: EventPlan,
    quantity: int,
    category: str | None,
    booked: set[int],
    mine: set[int],
    lost: set[int],
) -> Group | None:
    taken = _taken(service, event, booked, mine, lost)
    return pick_best(event.plan, quantity, taken, category=category)
