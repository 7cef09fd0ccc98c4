"""``BoxofficeClient``: the one typed client the kiosk and scripts use to talk to the API.

Results are the same models the server serializes; errors are :mod:`shared.errors`. Requests
that are safe to repeat (GETs, DELETEs, and POSTs carrying an ``Idempotency-Key``, which the
client adds itself) are retried with backoff on connection errors and on 503/429, honouring
``Retry-After``. The transport is injectable (``httpx.WSGITransport`` runs the app in-process).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from shared.collector import many_new_objects
from shared.errors import BoxofficeError, ServiceUnavailable, error_from_problem
from shared.models import (
    ADMISSION_HEADER,
    CHANNEL_HEADER,
    BookingInfo,
    Channel,
    EventDetail,
    EventPage,
    EventSeatSummary,
    EventSummary,
    PaymentResult,
    QueueState,
    QueueStatus,
    SeatChange,
    ShowingList,
    VenueDetail,
    VenuePage,
    VenueSummary,
)
from shared.problems import PROBLEM_CONTENT_TYPE, Problem
from shared.seat_stream import SeatStream

__all__ = ["DEFAULT_SERVER", "DEFAULT_TIMEOUT", "STREAM_TIMEOUT", "BoxofficeClient"]

DEFAULT_SERVER = "http://127.0.0.1:8000"
#: Connecting should be quick; a 50,000-seat event can take a while to send.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=3.0)
#: A seat stream sends a heartbeat every 15 s, so 45 s of silence means a dead connection.
STREAM_TIMEOUT = httpx.Timeout(15.0, connect=3.0, read=45.0)
_RETRY_STATUSES = frozenset({429, 503})
#: Seconds of Retry-After the client waits out by itself; a longer one is raised at once.
MAX_RETRY_WAIT = 10.0

M = TypeVar("M", bound=BaseModel)
DateLike = date | datetime | str


def _segment(value: str) -> str:
    """One path segment: an ID containing ``/``, ``?`` or ``..`` cannot reach another endpoint."""
    return quote(value, safe="").replace(".", "%2E")


def _date_param(value: DateLike | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


class BoxofficeClient:
    """A synchronous client; use it as a context manager or call :meth:`close`."""

    def __init__(
        self,
        base_url: str = DEFAULT_SERVER,
        *,
        token: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        channel: Channel | str = Channel.API,
    ) -> None:
        """``channel`` (``box-office``, ``kiosk``, ``api``) labels this client's seat changes
        on the live stream."""
        headers = {"User-Agent": "boxoffice-client/1", "Accept-Encoding": "gzip"}
        headers[CHANNEL_HEADER] = Channel(channel).value
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        #: Waiting-room admission tokens by event, sent with that event's seat map and holds.
        self._admissions: dict[int, str] = {}

    def __enter__(self) -> BoxofficeClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # catalog ------------------------------------------------------------------------------
    def venues(self, *, limit: int | None = None, cursor: str | None = None) -> VenuePage:
        return self._get(VenuePage, "/venues", {"limit": limit, "nextCursor": cursor})

    def iter_venues(self, *, page_size: int = 100) -> Iterator[VenueSummary]:
        """Every partner venue, walking the pages."""
        cursor: str | None = None
        while True:
            page = self.venues(limit=page_size, cursor=cursor)
            yield from page.venues
            if not (cursor := page.next_cursor):
                return

    def venue(self, venue_id: int) -> VenueDetail:
        return self._get(VenueDetail, f"/venues/{venue_id}")

    def venue_events_page(
        self,
        venue_id: int,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> EventPage:
        params = {"startDate": _date_param(start), "endDate": _date_param(end)}
        return self._get(
            EventPage,
            f"/venues/{venue_id}/events",
            {**params, "limit": limit, "nextCursor": cursor},
        )

    def venue_events(
        self, venue_id: int, *, start: DateLike | None = None, end: DateLike | None = None
    ) -> Iterator[EventSummary]:
        """A venue's upcoming events across all pages."""
        return self._walk(
            lambda cursor: self.venue_events_page(
                venue_id, start=start, end=end, limit=100, cursor=cursor
            )
        )

    def search_page(
        self,
        query: str | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> EventPage:
        params = {
            "searchQuery": query or None,
            "startDate": _date_param(start),
            "endDate": _date_param(end),
            "limit": limit,
            "nextCursor": cursor,
        }
        return self._get(EventPage, "/events", params)

    def search_events(
        self,
        query: str | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        page_size: int = 50,
    ) -> Iterator[EventSummary]:
        """Matching events, best first, fetching further pages only as they are consumed."""
        return self._walk(
            lambda cursor: self.search_page(
                query, start=start, end=end, limit=page_size, cursor=cursor
            )
        )

    def event(self, event_id: int) -> EventDetail:
        """The event, its venue and every seat's status."""
        response = self._request(
            "GET", f"/events/{event_id}", retry=True, headers=self._admission(event_id)
        )
        with many_new_objects():  # a stadium: 50,000 tickets
            return _parse(EventDetail, response)

    def event_summary(self, event_id: int) -> EventSeatSummary:
        """Counts and seat ranges per section: small even for a stadium."""
        return self._get(
            EventSeatSummary,
            f"/events/{event_id}",
            {"view": "summary"},
            headers=self._admission(event_id),
        )

    def showings(self, event_id: int) -> ShowingList:
        """Every venue and time where the same show plays."""
        return self._get(ShowingList, f"/events/{event_id}/venues")

    # booking ------------------------------------------------------------------------------
    def hold(self, event_id: int, ticket_ids: list[int]) -> BookingInfo:
        """Hold 1–10 seats for a few minutes, all or none (raises SeatsUnavailable)."""
        return self._send(
            BookingInfo,
            "POST",
            f"/bookings/{event_id}",
            json={"ticketIDs": ticket_ids},
            headers=self._admission(event_id),
        )

    def hold_best(self, event_id: int, quantity: int, category: str | None = None) -> BookingInfo:
        """Best available: the server picks ``quantity`` adjacent seats (in ``category``) and
        holds them (raises NoSeatsTogether when there are none)."""
        body: dict[str, Any] = {"quantity": quantity}
        if category is not None:
            body["category"] = category
        return self._send(
            BookingInfo,
            "POST",
            f"/bookings/{event_id}",
            json=body,
            headers=self._admission(event_id),
        )

    def booking(self, booking_id: str) -> BookingInfo:
        return self._get(BookingInfo, f"/bookings/{_segment(booking_id)}")

    def release(self, booking_id: str) -> None:
        """Let a pending hold go at once."""
        self._request("DELETE", f"/bookings/{_segment(booking_id)}", retry=True)

    def extend(self, booking_id: str) -> BookingInfo:
        """Two more minutes to pay (twice at most)."""
        path = f"/bookings/{_segment(booking_id)}/extend"
        return self._send(BookingInfo, "POST", path, idempotent=False)

    def pay(self, booking: BookingInfo | str, details: Mapping[str, Any]) -> PaymentResult:
        """Pay by card (``method, cardNumber, expiry, cvc``) or ``{"method": "cash"}``."""
        url = (
            booking.payment_input_url
            if isinstance(booking, BookingInfo)
            else f"/bookings/{_segment(booking)}/payment"
        )
        return self._send(PaymentResult, "POST", url, json={"paymentDetails": dict(details)})

    # waiting room (high-demand events) ---------------------------------------------------
    def join_queue(self, event_id: int) -> QueueStatus:
        """Join the event's waiting room, or keep your place (state ``open``: no need)."""
        response = self._request("POST", f"/events/{event_id}/queue", retry=True)
        return self._admitted(_parse(QueueStatus, response))

    def queue_status(
        self, event_id: int, *, wait: float | None = None, position: int | None = None
    ) -> QueueStatus:
        """Your place; with ``wait`` the server answers once you have moved up noticeably
        from ``position`` (or from where you were), or your turn came, or after ``wait``
        seconds (at most 30). Once admitted, this client sends the token with the event's
        seat map and holds by itself."""
        params = {"wait": round(wait) if wait else None, "position": position}
        timeout = httpx.Timeout(wait + 15.0, connect=3.0) if wait else None
        extra: dict[str, Any] = {"timeout": timeout} if timeout else {}
        clean = {k: v for k, v in params.items() if v is not None}
        response = self._request(
            "GET", f"/events/{event_id}/queue", retry=True, params=clean, **extra
        )
        return self._admitted(_parse(QueueStatus, response))

    def leave_queue(self, event_id: int) -> None:
        """Give up your place (or an unused admission)."""
        self._admissions.pop(event_id, None)
        self._request("DELETE", f"/events/{event_id}/queue", retry=True)

    def use_admission(self, token: str) -> None:
        """Send ``token`` (``<eventID>.…``, from ``boxoffice queue``) with its event's
        requests from now on."""
        event, _, rest = token.partition(".")
        if not event.isdigit() or not rest:
            raise ValueError(f"{token!r} is not an admission token")
        self._admissions[int(event)] = token

    def _admitted(self, status: QueueStatus) -> QueueStatus:
        if status.state is QueueState.ADMITTED and status.admission_token:
            self._admissions[status.event_id] = status.admission_token
        return status

    def _admission(self, event_id: int) -> dict[str, str]:
        token = self._admissions.get(event_id)
        return {ADMISSION_HEADER: token} if token else {}

    # live ---------------------------------------------------------------------------------
    def seat_changes(self, event_id: int, *, last_event_id: str | None = None) -> SeatStream:
        """The event's seat changes as they happen, for as long as the caller iterates; close
        the stream (from any thread) to stop at once.

        A dropped connection is reopened with ``Last-Event-ID``, so nothing is missed; if the
        server can no longer replay what was missed, a ``reload`` change says to fetch the seat
        map again. Raises NotFound for an unknown event, ServiceUnavailable after ``retries``
        failed reconnections in a row.
        """
        return SeatStream(lambda stream: self._follow(stream, event_id, last_event_id))

    def _follow(
        self, stream: SeatStream, event_id: int, last_event_id: str | None
    ) -> Generator[SeatChange, None, None]:
        failures = 0
        while not stream.closed:
            headers = {"Accept": "text/event-stream"}
            if last_event_id:
                headers["Last-Event-ID"] = last_event_id
            try:
                with self._http.stream(
                    "GET", f"/events/{event_id}/stream", headers=headers, timeout=STREAM_TIMEOUT
                ) as response:
                    if not stream.opened(response):
                        return
                    if response.is_error:
                        response.read()
                        if not _should_retry(response) or failures >= self.retries:
                            raise _error(response)
                        failures += 1
                        if self._pause_stream(stream, failures, _retry_after(response)):
                            return
                        continue
                    failures = 0
                    for message_id, data in _server_sent_events(response.iter_lines()):
                        last_event_id = message_id or last_event_id
                        change = _seat_change(data)
                        if change is not None:
                            yield change
            except httpx.TransportError as error:
                if stream.closed:
                    return
                failures += 1
                if failures > self.retries:
                    raise ServiceUnavailable(
                        f"Lost the seat stream from {self._http.base_url}: {error}."
                    ) from None
                if self._pause_stream(stream, failures, None):
                    return
                continue
            finally:
                stream.opened(None)
            # the server ended the stream (a worker stopping): not all at once
            if self._pause_stream(stream, 1, None):
                return

    def _pause_stream(self, stream: SeatStream, attempt: int, retry_after: float | None) -> bool:
        """:meth:`_pause` for a stream, cut short by closing it; True when closed."""
        return stream.wait_closed(_delay(attempt, retry_after, self.backoff))

    # plumbing -----------------------------------------------------------------------------
    def _walk(self, fetch: Callable[[str | None], EventPage]) -> Iterator[EventSummary]:
        cursor: str | None = None
        while True:
            page = fetch(cursor)
            yield from page.events
            if not (cursor := page.next_cursor):
                return

    def _get(
        self,
        model: type[M],
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> M:
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        return _parse(model, self._request("GET", path, params=clean, retry=True, headers=headers))

    def _send(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        json: Any = None,
        idempotent: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> M:
        headers = dict(headers or {})
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        response = self._request(method, path, json=json, headers=headers, retry=idempotent)
        return _parse(model, response)

    def _request(self, method: str, path: str, *, retry: bool, **kwargs: Any) -> httpx.Response:
        """Send, retrying what is safe to repeat; raise the typed error for a problem."""
        attempts = self.retries + 1 if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TimeoutException as error:
                if attempt == attempts:
                    raise ServiceUnavailable(
                        f"The server at {self._http.base_url} did not answer in time ({error})."
                    ) from None
                self._pause(attempt, None)
                continue
            except httpx.TransportError as error:
                if attempt == attempts:
                    raise ServiceUnavailable(
                        f"Cannot reach the server at {self._http.base_url}: {error}."
                    ) from None
                self._pause(attempt, None)
                continue
            if _should_retry(response) and attempt < attempts:
                self._pause(attempt, _retry_after(response))
                continue
            if response.is_error:
                raise _error(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt: int, retry_after: float | None) -> None:
        self._sleep(_delay(attempt, retry_after, self.backoff))


def _delay(attempt: int, retry_after: float | None, backoff: float) -> float:
    """Seconds before the next attempt: as asked, or a jittered exponential backoff."""
    if retry_after is not None:
        return min(retry_after, 30.0)
    return random.uniform(0, backoff * 2 ** (attempt - 1))


def _should_retry(response: httpx.Response) -> bool:
    """503 and 429 — and our own earlier attempt still running under the same key — when
    the wait asked for is short: a rate limit that says "in a minute" is the caller's to tell
    its user, not a reason to hang for a minute."""
    if response.status_code in _RETRY_STATUSES:
        wait = _retry_after(response)
        return wait is None or wait <= MAX_RETRY_WAIT
    return response.status_code == 409 and b"idempotency-key-in-use" in response.content[:300]


def _server_sent_events(lines: Iterator[str]) -> Iterator[tuple[str | None, str]]:
    """``(id, data)`` of each message of a ``text/event-stream`` (comments and ``retry`` are
    skipped; a message with only an ``id`` moves the position and has empty data)."""
    message_id: str | None = None
    data: list[str] = []
    for line in lines:
        if not line:
            if message_id is not None or data:
                yield message_id, "\n".join(data)
            message_id, data = None, []
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "id" and "\0" not in value:
            message_id = value
        elif name == "data":
            data.append(value)


def _seat_change(data: str) -> SeatChange | None:
    """A message's change; None for a bare position and for kinds newer than this client."""
    if not data:
        return None
    try:
        return SeatChange.model_validate_json(data)
    except ValidationError:
        return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error(response: httpx.Response) -> BoxofficeError:
    retry_after = _retry_after(response)
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith(PROBLEM_CONTENT_TYPE):
        try:
            return error_from_problem(Problem.model_validate_json(response.content), retry_after)
        except ValidationError:
            pass
    problem = Problem(
        title=response.reason_phrase or "Error",
        status=response.status_code,
        detail=f"The server answered {response.status_code} {response.reason_phrase}.",
    )
    return error_from_problem(problem, retry_after)


def _parse(model: type[M], response: httpx.Response) -> M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        raise BoxofficeError(
            f"The server sent a {model.__name__} this client does not understand: {error}"
        ) from None
