"""The on-sale's buyers: asyncio tasks in this process, each a user of its own on a keep-alive
connection of its own (``bench._booking_http.RawConnection``).

Each buyer sends what ``shared.client.BoxofficeClient`` sends (same paths, bodies and headers:
Bearer token, channel, ``Accept-Encoding: gzip``, ``Idempotency-Key``, ``X-Admission-Token``)
but not through it: the typed client parses an 18,000-ticket seat map with pydantic at about
four times orjson's CPU, and httpx's connection pool spent more CPU still with a few hundred
clients (the first quick runs: the generator took 0.7 cores while the app took 0.3), all on
the two cores the server needs; and the typed client retries 503/429 by itself, which would
hide the server's refusals from the counts. A buyer:

1. with a waiting room: joins the queue and long-polls its place (``?wait=30&position=``,
   as the kiosk does) until admitted;
2. loads the seat map, wants 1-6 adjacent seats (a party size drawn once), picks a random
   run of that many free seats in one row from what it saw (fewer when no run is that long);
3. holds them, pays with the simulator's succeeding test card;
4. on a 409 (or any failed hold or payment) starts again from 2, ``ATTEMPTS`` times at most,
   then gives up. A map with no free seat ends the buyer: sold out.

At most ``SHOPPERS`` buyers shop (steps 2-4) at once; all of them may wait in the queue.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import orjson

from bench._booking_http import Answer, RawConnection, headers_of
from server.payments.simulator.cards import SUCCEEDING_CARD
from shared.models import ADMISSION_HEADER, CHANNEL_HEADER, Channel

__all__ = ["ATTEMPTS", "SHOPPERS", "Plan", "Sale", "run_buyers"]

ATTEMPTS = 5
SHOPPERS = 200
POLL_SECONDS = 30
RETRIES = 3
_RETRY_AFTER = 2.0
_TIMEOUT = 120.0
_POLL_TIMEOUT = POLL_SECONDS + 15.0
_GZIP_MAGIC = b"\x1f\x8b"
_PAYMENT = orjson.dumps(
    {
        "paymentDetails": {
            "method": "card",
            "cardNumber": SUCCEEDING_CARD,
            "expiry": "12/39",
            "cvc": "123",
        }
    }
)


@dataclass(frozen=True)
class Plan:
    """One scenario's buyers."""

    base_url: str
    event_id: int
    tokens: Sequence[str]
    waiting_room: bool
    arrival_seconds: float
    """Buyers arrive spread evenly over this long (everyone at the on-sale's start)."""
    deadline: float = 1800.0
    """Seconds after which buyers stop: a queued one leaves, a shopper ends after its step."""
    seed: int = 1
    shopping: bool = True
    """False: an admitted buyer leaves at once (what waiting alone costs: ``bench.queue_wait``)."""


@dataclass
class Sale:
    """Everything the buyers saw; times in seconds since the first buyer arrived."""

    seconds: float = 0.0
    steps: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    """step -> (when it started, milliseconds) of every request, whatever its answer."""
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    holds: list[tuple[float, int]] = field(default_factory=list)
    """(when, seats) of each 201 hold."""
    sales: list[tuple[float, int]] = field(default_factory=list)
    """(when, seats) of each paid booking."""
    paid: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    retries: int = 0
    """503/429 answers retried (as the typed client would)."""
    polls: int = 0
    settled_for_fewer: int = 0
    errors: list[str] = field(default_factory=list)
    sold_out_at: float | None = None

    def note(self, step: str, began: float, ms: float) -> None:
        self.steps.setdefault(step, []).append((began, ms))

    def count(self, step: str, status: int) -> None:
        self.statuses.setdefault(step, Counter())[status] += 1

    def unexpected(self, step: str, status: int, body: bytes) -> None:
        """Keep the first few surprises of each step and status for the report."""
        kind = f"{step}: HTTP {status}"
        if sum(error.startswith(kind) for error in self.errors) < 3:
            self.errors.append(f"{kind} {body[:200]!r}")


def _runs(tickets: list[dict[str, object]]) -> list[list[int]]:
    """Free tickets in runs of neighbours: same section and row, next to each other in the
    seat map's order (a standing area is one run)."""
    runs: list[list[int]] = []
    current: list[int] = []
    where: tuple[object, object] | None = None
    for ticket in tickets:
        if ticket["ticketStatus"] != "AVAILABLE":
            if current:
                runs.append(current)
                current, where = [], None
            continue
        here = (ticket["section"], ticket["row"])
        if here != where and current:
            runs.append(current)
            current = []
        where = here
        current.append(ticket["ticketID"])  # type: ignore[arg-type]
    if current:
        runs.append(current)
    return runs


def _pick(runs: list[list[int]], wanted: int, rng: random.Random) -> list[int]:
    """``wanted`` adjacent free seats at random (as many as the longest run, if fewer)."""
    size = min(wanted, max(len(run) for run in runs))
    fitting = [run for run in runs if len(run) >= size]
    run = rng.choices(fitting, weights=[len(r) - size + 1 for r in fitting])[0]
    start = rng.randrange(len(run) - size + 1)
    return run[start : start + size]


class _Buyer:
    """One buyer on one keep-alive connection of its own, as a browser tab would have."""

    def __init__(self, plan: Plan, sale: Sale, number: int, clock0: float) -> None:
        self.plan, self.sale, self.clock0 = plan, sale, clock0
        self.rng = random.Random(plan.seed * 1_000_003 + number)
        parts = urlsplit(plan.base_url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.connection = RawConnection(*self.address)
        self.headers = {
            "User-Agent": "boxoffice-client/1",
            "Accept-Encoding": "gzip",
            "Authorization": f"Bearer {plan.tokens[number]}",
            CHANNEL_HEADER: Channel.API.value,
        }

    def now(self) -> float:
        return time.perf_counter() - self.clock0

    async def _send(
        self,
        step: str,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        extra: dict[str, str] | None = None,
        timeout: float = _TIMEOUT,
    ) -> Answer | None:
        """One step as the typed client takes it: 503 and 429 retried ``RETRIES`` times
        after ``_RETRY_AFTER`` (the ``Retry-After`` the server's busy answers carry; the raw
        connection keeps no headers), each answer counted under
        ``step``, the whole step timed; None if it never got an answer."""
        began = self.now()
        headers = headers_of(self.headers | (extra or {}))
        answer: Answer | None = None
        for attempt in range(1, RETRIES + 2):
            try:
                answer = await asyncio.wait_for(
                    self.connection.request(method, path, body, headers), timeout
                )
            except (TimeoutError, OSError) as error:
                self.connection.close()
                self.connection = RawConnection(*self.address)
                self.sale.count(step, 0)
                self.sale.unexpected(step, 0, repr(error).encode())
                answer = None
                break
            self.sale.count(step, answer.status)
            if answer.status not in (429, 503) or attempt > RETRIES:
                break
            self.sale.retries += 1
            await asyncio.sleep(_RETRY_AFTER)
        self.sale.note(step, began, (self.now() - began) * 1000)
        if answer is not None and answer.body[:2] == _GZIP_MAGIC:  # never JSON's first bytes
            answer = Answer(answer.status, gzip.decompress(answer.body), answer.milliseconds)
        return answer

    def close(self) -> None:
        self.connection.close()

    async def queue(self) -> bool:
        """Join and wait until admitted; False if the show sold out meanwhile."""
        path = f"/events/{self.plan.event_id}/queue"
        began = self.now()
        response = await self._send("join", "POST", path)
        while True:
            if self.sale.sold_out_at is not None or self.now() > self.plan.deadline:
                return False
            if response is None or response.status >= 400:
                if response is not None:
                    self.sale.unexpected("queue", response.status, response.body)
                await asyncio.sleep(1.0)
                response = await self._send("join", "POST", path)
                continue
            status = orjson.loads(response.body)
            state = status["state"]
            if state in ("admitted", "open"):
                if status.get("admissionToken"):
                    self.headers[ADMISSION_HEADER] = status["admissionToken"]
                self.sale.note("queue", began, (self.now() - began) * 1000)
                return True
            if state == "not-queued":  # an admission that lapsed: join again
                response = await self._send("join", "POST", path)
                continue
            self.sale.polls += 1
            where = f"{path}?wait={POLL_SECONDS}&position={status.get('position') or 0}"
            response = await self._send("poll", "GET", where, timeout=_POLL_TIMEOUT)

    async def shop(self) -> str:
        """Map, pick, hold, pay; returns the buyer's outcome."""
        event = self.plan.event_id
        wanted = self.rng.randint(1, 6)
        for _attempt in range(ATTEMPTS):
            if self.now() > self.plan.deadline:
                return "out of time"
            response = await self._send("map", "GET", f"/events/{event}")
            if response is None or response.status != 200:
                if response is not None:
                    self.sale.unexpected("map", response.status, response.body)
                continue
            tickets = orjson.loads(response.body)["tickets"]
            runs = _runs(tickets)
            if not runs:
                if all(t["ticketStatus"] == "BOOKED" for t in tickets):
                    self.sale.sold_out_at = self.sale.sold_out_at or self.now()
                return "found it sold out"
            seats = _pick(runs, wanted, self.rng)
            body = orjson.dumps({"ticketIDs": seats})
            key = {"Idempotency-Key": str(uuid.uuid4())}
            response = await self._send("hold", "POST", f"/bookings/{event}", body, extra=key)
            if response is None:
                continue
            if response.status == 409:
                self.sale.conflicts += 1
                continue
            if response.status != 201:
                self.sale.unexpected("hold", response.status, response.body)
                continue
            self.sale.holds.append((self.now(), len(seats)))
            booking = orjson.loads(response.body)
            key = {"Idempotency-Key": str(uuid.uuid4())}
            response = await self._send(
                "pay", "POST", booking["paymentInputURL"], _PAYMENT, extra=key
            )
            if response is None or response.status != 200:
                if response is not None:
                    self.sale.unexpected("pay", response.status, response.body)
                continue
            self.sale.sales.append((self.now(), len(seats)))
            self.sale.paid.append(booking["bookingID"])
            if len(seats) < wanted:
                self.sale.settled_for_fewer += 1
            return "bought"
        return "gave up"


async def _buyers(plan: Plan, sale: Sale) -> None:
    shoppers = asyncio.Semaphore(SHOPPERS)
    clock0 = time.perf_counter()
    gap = plan.arrival_seconds / max(1, len(plan.tokens))

    async def buyer(number: int) -> None:
        await asyncio.sleep(number * gap)
        one = _Buyer(plan, sale, number, clock0)
        try:
            if plan.waiting_room and not await one.queue():
                late = sale.sold_out_at is None
                sale.outcomes["out of time" if late else "sold out while queued"] += 1
                return
            if not plan.shopping:
                sale.outcomes["admitted"] += 1
                return
            async with shoppers:
                sale.outcomes[await one.shop()] += 1
        finally:
            one.close()

    await asyncio.gather(*(buyer(n) for n in range(len(plan.tokens))))
    sale.seconds = time.perf_counter() - clock0


def run_buyers(plan: Plan) -> Sale:
    """Run every buyer of ``plan`` to the end; what they saw."""
    sale = Sale()
    asyncio.run(_buyers(plan, sale))
    return sale
