"""The booking workloads as asyncio clients: spread holds, hot holds, holds to pay, payments.

Fifty clients share one process and one event loop, each on its own keep-alive connection
(``bench._booking_http``), so the generator costs a fraction of a core. Every hold is made by
a user of its own: a user's new hold on an event replaces their earlier one, so reusing a
user would release seats the benchmark counts as held.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson

from bench._booking_http import RawConnection, bearer, open_connections

__all__ = [
    "CLIENTS",
    "FreeView",
    "Held",
    "Tokens",
    "WorkloadResult",
    "confirm",
    "hold_for_payment",
    "hot_python",
    "spread",
]

CLIENTS = 50
_STALE_AFTER = 4
"""A client whose view led to this many refusals in a row fetches the seat map again."""
_JSON = b"application/json"


class Tokens:
    """Pre-issued Bearer tokens, one user each; ``take`` hands out each user once per event."""

    def __init__(self, users: Sequence[str], tokens: Sequence[str]) -> None:
        self.users = list(users)
        self.headers = [bearer(token) for token in tokens]
        self._next = 0

    def __len__(self) -> int:
        return len(self.headers)

    def restart(self) -> None:
        """A new event: every user may hold once more."""
        self._next = 0

    def take(self) -> int:
        if self._next >= len(self.headers):
            raise RuntimeError(f"all {len(self.headers):,} pre-issued tokens used on one event")
        self._next += 1
        return self._next - 1


class FreeView:
    """The seats a client believes free: O(1) random picks and removals."""

    def __init__(self, tickets: Sequence[int]) -> None:
        self._items = list(tickets)
        self._where = {ticket: index for index, ticket in enumerate(self._items)}

    def __len__(self) -> int:
        return len(self._items)

    def pick(self, rng: random.Random, count: int) -> list[int]:
        return rng.sample(self._items, min(count, len(self._items)))

    def discard(self, ticket: int) -> None:
        index = self._where.pop(ticket, None)
        if index is None:
            return
        last = self._items.pop()
        if index < len(self._items):
            self._items[index] = last
            self._where[last] = index


@dataclass
class WorkloadResult:
    """What one workload run saw, from the client's side."""

    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    """Of the timed requests (holds, or payments): every answer, whatever its status."""
    seats_won: int = 0
    won: list[int] = field(default_factory=list)
    """Every ticket in a 201 answer, so a ticket given to two clients shows up twice."""
    refreshes: int = 0
    refresh_ms: list[float] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    """The first few unexpected answers, for the report."""

    def unexpected(self, status: int, body: bytes) -> None:
        if len(self.other) < 5:
            self.other.append(f"HTTP {status}: {body[:300]!r}")


async def _free_tickets(connection: RawConnection, event_id: int) -> tuple[list[int], float]:
    answer = await connection.request("GET", f"/events/{event_id}")
    if answer.status != 200:
        raise RuntimeError(f"GET /events/{event_id}: HTTP {answer.status} {answer.body[:200]!r}")
    tickets = orjson.loads(answer.body)["tickets"]
    free = [t["ticketID"] for t in tickets if t["ticketStatus"] == "AVAILABLE"]
    return free, answer.milliseconds


async def spread(base_url: str, event_id: int, tokens: Tokens, *, seed: int) -> WorkloadResult:
    """50 clients each hold 1-4 random seats they believe free, until no seat is left.

    Each client starts from one shared GET of the event (not timed). A refusal's ``ticketIDs``
    leave that client's view; after a few refusals in a row, or when its view is empty, the
    client fetches the event again (counted as a refresh) and stops when nothing is free.
    """
    result = WorkloadResult()
    connections = await open_connections(base_url, CLIENTS)
    initial, _ = await _free_tickets(connections[0], event_id)
    path = f"/bookings/{event_id}"

    async def client(number: int, connection: RawConnection) -> None:
        rng = random.Random(seed * 1000 + number)
        view = FreeView(initial)
        refused_in_a_row = 0
        while True:
            if not view or refused_in_a_row >= _STALE_AFTER:
                free, elapsed = await _free_tickets(connection, event_id)
                result.refreshes += 1
                result.refresh_ms.append(elapsed)
                if not free:
                    return
                view, refused_in_a_row = FreeView(free), 0
            wanted = view.pick(rng, rng.randint(1, 4))
            user = tokens.take()
            body = b'{"ticketIDs":[%b]}' % ",".join(map(str, wanted)).encode()
            answer = await connection.request("POST", path, body, tokens.headers[user])
            result.statuses[answer.status] += 1
            result.latencies_ms.append(answer.milliseconds)
            if answer.status == 201:
                tickets = [t["ticketID"] for t in orjson.loads(answer.body)["tickets"]]
                result.won += tickets
                result.seats_won += len(tickets)
                for ticket in wanted:
                    view.discard(ticket)
                refused_in_a_row = 0
            elif answer.status == 409:
                for ticket in orjson.loads(answer.body).get("ticketIDs", wanted):
                    view.discard(ticket)
                refused_in_a_row += 1
            else:
                result.unexpected(answer.status, answer.body)
                refused_in_a_row += 1

    began = time.perf_counter()
    await asyncio.gather(*(client(n, c) for n, c in enumerate(connections)))
    result.seconds = time.perf_counter() - began
    for connection in connections:
        connection.close()
    return result


async def hot_python(
    base_url: str, event_id: int, tickets: Sequence[int], tokens: Tokens, *, seconds: float
) -> WorkloadResult:
    """50 clients ask for one of the same ``tickets`` per request, each time as a new user.

    Used only when ``wrk`` is not installed (it costs this process more CPU than wrk).
    """
    result = WorkloadResult()
    connections = await open_connections(base_url, CLIENTS)
    path = f"/bookings/{event_id}"
    bodies = [b'{"ticketIDs":[%d]}' % ticket for ticket in tickets]
    deadline = time.perf_counter() + seconds

    async def client(number: int, connection: RawConnection) -> None:
        rng = random.Random(number)
        while time.perf_counter() < deadline:
            user = tokens.take()
            answer = await connection.request(
                "POST", path, rng.choice(bodies), tokens.headers[user]
            )
            result.statuses[answer.status] += 1
            result.latencies_ms.append(answer.milliseconds)
            if answer.status == 201:
                result.won += [t["ticketID"] for t in orjson.loads(answer.body)["tickets"]]
            elif answer.status != 409:
                result.unexpected(answer.status, answer.body)

    began = time.perf_counter()
    await asyncio.gather(*(client(n, c) for n, c in enumerate(connections)))
    result.seconds = time.perf_counter() - began
    result.seats_won = len(result.won)
    for connection in connections:
        connection.close()
    return result


@dataclass(frozen=True, slots=True)
class Held:
    """A pending booking to pay: its owner (an index into ``Tokens``) and where to pay."""

    user: int
    booking_id: str
    payment_path: str
    tickets: tuple[int, ...]


async def hold_for_payment(
    base_url: str, event_id: int, tickets: Sequence[int], tokens: Tokens, *, seats: int
) -> tuple[list[Held], WorkloadResult]:
    """Hold consecutive groups of ``seats`` tickets, one booking per user, 50 at a time."""
    result = WorkloadResult()
    connections = await open_connections(base_url, CLIENTS)
    groups = [tickets[i : i + seats] for i in range(0, len(tickets) - seats + 1, seats)]
    queue = iter(groups)
    held: list[Held] = []
    path = f"/bookings/{event_id}"

    async def client(connection: RawConnection) -> None:
        for group in queue:
            user = tokens.take()
            body = b'{"ticketIDs":[%b]}' % ",".join(map(str, group)).encode()
            answer = await connection.request("POST", path, body, tokens.headers[user])
            result.statuses[answer.status] += 1
            result.latencies_ms.append(answer.milliseconds)
            if answer.status != 201:
                result.unexpected(answer.status, answer.body)
                continue
            booking = orjson.loads(answer.body)
            held.append(Held(user, booking["bookingID"], booking["paymentInputURL"], tuple(group)))

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    result.seconds = time.perf_counter() - began
    for connection in connections:
        connection.close()
    return held, result


PAYMENTS = {
    "cash": b'{"paymentDetails":{"method":"cash"}}',
    "card": b'{"paymentDetails":{"method":"card","cardNumber":"4242 4242 4242 4242",'
    b'"expiry":"12/34","cvc":"123"}}',
}


async def confirm(
    base_url: str, held: Sequence[Held], tokens: Tokens
) -> tuple[WorkloadResult, dict[str, list[str]]]:
    """50 clients pay the held bookings, alternately in cash and by card (4242…).

    Returns the client's view and the booking IDs each method paid (200 answers).
    """
    result = WorkloadResult()
    connections = await open_connections(base_url, CLIENTS)
    queue = iter(enumerate(held))
    paid: dict[str, list[str]] = {method: [] for method in PAYMENTS}

    async def client(connection: RawConnection) -> None:
        for index, booking in queue:
            method = "cash" if index % 2 == 0 else "card"
            answer = await connection.request(
                "POST", booking.payment_path, PAYMENTS[method], tokens.headers[booking.user]
            )
            result.statuses[answer.status] += 1
            result.latencies_ms.append(answer.milliseconds)
            if answer.status == 200:
                paid[method].append(booking.booking_id)
            else:
                result.unexpected(answer.status, answer.body)

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    result.seconds = time.perf_counter() - began
    for connection in connections:
        connection.close()
    return result, paid
