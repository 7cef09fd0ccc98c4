"""BoxofficeClient against the real thing: `boxoffice serve` over HTTP for every call and every
typed error, and a tiny real HTTP server that answers 503/429 on cue for the retry rules."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import JWT_SECRET, TINY_CAPACITY, Catalog
from live_server import free_port
from sqlalchemy import text
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from server.auth import issue_token
from server.extensions import db
from shared.client import BoxofficeClient
from shared.errors import (
    BookingClosed,
    HoldExpired,
    InvalidPayment,
    InvalidRequest,
    NotFound,
    PaymentDeclined,
    PaymentTimeout,
    RateLimited,
    SeatsUnavailable,
    ServiceUnavailable,
    Unauthorized,
)
from shared.models import (
    BookingInfo,
    BookingStatus,
    SeatStatus,
    VenuePage,
    VenueSummary,
)

CARD = {"method": "card", "cardNumber": "4242424242424242", "expiry": "12/39", "cvc": "123"}
Connect = Callable[..., BoxofficeClient]


def card(number: str, **changes: str) -> dict[str, str]:
    return {**CARD, "cardNumber": number, **changes}


@pytest.fixture
def connect(live_server: str) -> Iterator[Connect]:
    """Clients of the live server, signed in as ``user`` if given, closed after the test."""
    opened: list[BoxofficeClient] = []

    def make(user: str | None = None, **options: Any) -> BoxofficeClient:
        token = issue_token(user, JWT_SECRET) if user else None
        client = BoxofficeClient(live_server, token=token, **options)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


def seats(client: BoxofficeClient, event_id: int) -> dict[str, int]:
    """Ticket IDs by seat ID."""
    return {t.seat_id: t.ticket_id for t in client.event(event_id).tickets}


# catalog ------------------------------------------------------------------------------------
def test_venues_come_in_pages_and_iter_venues_walks_them(
    catalog: Catalog, connect: Connect
) -> None:
    made = {catalog.venue(f"{name} Hall").id for name in ("Alder", "Birch", "Cedar")}
    client = connect()
    first = client.venues(limit=2)
    assert len(first.venues) == 2 and first.next_cursor and first.limit == 2
    second = client.venues(limit=2, cursor=first.next_cursor)
    assert len(second.venues) == 1 and second.next_cursor is None
    walked = [venue.venue_id for venue in client.iter_venues(page_size=2)]
    assert sorted(walked) == sorted(made)
    assert {v.seating_capacity for v in first.venues} == {TINY_CAPACITY}


def test_search_events_walks_every_page_and_returns_each_match_once(
    catalog: Catalog, connect: Connect
) -> None:
    venue = catalog.venue()
    jazz = {catalog.event(venue, f"Jazz Night {n}", days=n).id for n in range(1, 8)}
    others = {catalog.event(venue, "Poetry Reading", days=n + 0.5).id for n in range(1, 4)}
    client = connect()
    found = [event.event_id for event in client.search_events("jazz", page_size=2)]
    assert len(found) == len(set(found)) == 7
    assert set(found) == jazz
    everything = [event.event_id for event in client.search_events(page_size=3)]
    assert sorted(everything) == sorted(jazz | others)
    later = client.search_events("jazz", start=catalog.now + timedelta(days=3.5), page_size=2)
    assert [event.title for event in later] == [f"Jazz Night {n}" for n in range(4, 8)]


def test_venue_events_lists_only_that_venues_events(catalog: Catalog, connect: Connect) -> None:
    here, there = catalog.venue("Here"), catalog.venue("There")
    mine = [catalog.event(here, f"Show {n}", days=n).id for n in range(1, 4)]
    catalog.event(there, "Elsewhere")
    assert [event.event_id for event in connect().venue_events(here.id)] == mine


def test_event_summary_and_showings_describe_the_same_event(
    catalog: Catalog, connect: Connect
) -> None:
    event = catalog.event(catalog.venue(), "Touring", show_key="tour")
    catalog.event(catalog.venue("Other Room", "York"), "Touring", days=3, show_key="tour")
    client = connect()
    detail = client.event(event.id)
    assert detail.event.title == "Touring" and detail.venue.title == "The Tiny Room"
    assert len(detail.tickets) == TINY_CAPACITY == detail.venue.tickets_available
    assert {t.ticket_status for t in detail.tickets} == {SeatStatus.AVAILABLE}
    assert {(p.category, p.price) for p in detail.event.prices} == {
        ("front", Decimal("40.00")),
        ("back", Decimal("25.50")),
    }
    summary = client.event_summary(event.id)
    assert {s.section: s.available for s in summary.sections} == {"stalls": 28, "standing": 5}
    showings = client.showings(event.id)
    assert [s.venue.location for s in showings.showings] == ["Leeds", "York"]


# booking ------------------------------------------------------------------------------------
def test_hold_extend_release_and_pay_round_trip(catalog: Catalog, connect: Connect) -> None:
    event_id = catalog.event(catalog.venue()).id
    client = connect("ana")
    ids = seats(client, event_id)
    pair = [ids["stalls:A:1"], ids["stalls:A:2"]]

    held = client.hold(event_id, pair)
    assert held.status is BookingStatus.PENDING and held.price == Decimal("80.00")
    assert sorted(t.ticket_id for t in held.tickets) == sorted(pair)
    assert client.booking(held.booking_id) == held
    statuses = {t.ticket_id: t.ticket_status for t in client.event(event_id).tickets}
    assert {statuses[t] for t in pair} == {SeatStatus.RESERVED}

    extended = client.extend(held.booking_id)
    assert extended.expires_at > held.expires_at and extended.extensions_left == 1

    client.release(held.booking_id)
    assert client.booking(held.booking_id).status is BookingStatus.CANCELLED
    statuses = {t.ticket_id: t.ticket_status for t in client.event(event_id).tickets}
    assert {statuses[t] for t in pair} == {SeatStatus.AVAILABLE}

    again = client.hold(event_id, pair)
    paid = client.pay(again, CARD)
    assert paid.booking_ids == [again.booking_id] and paid.booking_status is BookingStatus.BOOKED
    assert client.pay(again.booking_id, CARD) == paid  # by ID too; paying twice charges once
    booked = client.booking(again.booking_id)
    assert booked.status is BookingStatus.BOOKED and booked.confirmed_at is not None
    statuses = {t.ticket_id: t.ticket_status for t in client.event(event_id).tickets}
    assert {statuses[t] for t in pair} == {SeatStatus.BOOKED}


class RecordingTransport(httpx.HTTPTransport):
    """The real transport, keeping every request it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)


def test_holds_and_payments_carry_a_fresh_idempotency_key(
    catalog: Catalog, connect: Connect
) -> None:
    event_id = catalog.event(catalog.venue()).id
    transport = RecordingTransport()
    client = connect("ana", transport=transport)
    ids = seats(client, event_id)
    client.hold(event_id, [ids["stalls:A:1"]])
    held = client.hold(event_id, [ids["stalls:A:2"]])
    client.extend(held.booking_id)
    client.pay(held, {"method": "cash"})
    sent = [(r.method, r.url.path, r.headers.get("Idempotency-Key")) for r in transport.sent]
    keys = {(method, path): key for method, path, key in sent}
    holds = [
        key for method, path, key in sent if (method, path) == ("POST", f"/bookings/{event_id}")
    ]
    assert len(holds) == 2 and None not in holds and len(set(holds)) == 2, "a fresh key each"
    assert keys["POST", f"/bookings/{held.booking_id}/payment"]
    assert keys["POST", f"/bookings/{held.booking_id}/extend"] is None
    assert keys["GET", f"/events/{event_id}"] is None


# typed errors from the real server ------------------------------------------------------------
def test_unknown_things_are_not_found(catalog: Catalog, connect: Connect) -> None:
    event_id = catalog.event(catalog.venue()).id
    client = connect("ana")
    with pytest.raises(NotFound) as missing:
        client.event(event_id + 1000)
    assert missing.value.status == 404 and missing.value.problem is not None
    with pytest.raises(NotFound):
        client.booking("00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFound):
        client.hold(event_id, [10**9])


def test_bad_parameters_are_invalid_requests_naming_the_parameter(connect: Connect) -> None:
    client = connect()
    with pytest.raises(InvalidRequest) as limit:
        client.search_page(limit=0)
    assert limit.value.problem is not None
    assert limit.value.problem.slug == "invalid-parameter"
    assert limit.value.problem.extensions["errors"][0]["parameter"] == "limit"
    with pytest.raises(InvalidRequest, match="startDate"):
        client.search_page(start="the day after tomorrow")


def test_a_bad_or_missing_token_is_unauthorized(connect: Connect, live_server: str) -> None:
    with BoxofficeClient(live_server, token="not-a-token") as forged, pytest.raises(Unauthorized):
        forged.booking("00000000-0000-0000-0000-000000000000")
    with pytest.raises(Unauthorized):
        connect().hold(1, [1])


def test_seats_someone_else_holds_are_unavailable_with_exactly_those_tickets(
    catalog: Catalog, connect: Connect
) -> None:
    event_id = catalog.event(catalog.venue()).id
    ana, ben = connect("ana"), connect("ben")
    ids = seats(ana, event_id)
    ana.hold(event_id, [ids["stalls:A:1"], ids["stalls:A:2"]])
    with pytest.raises(SeatsUnavailable) as taken:
        ben.hold(event_id, [ids["stalls:A:2"], ids["stalls:A:3"]])
    assert taken.value.ticket_ids == [ids["stalls:A:2"]]
    assert taken.value.status == 409


def test_a_released_booking_and_a_spent_extension_are_closed(
    catalog: Catalog, connect: Connect
) -> None:
    event_id = catalog.event(catalog.venue()).id
    client = connect("ana")
    ids = seats(client, event_id)
    released = client.hold(event_id, [ids["stalls:A:1"]])
    client.release(released.booking_id)
    with pytest.raises(BookingClosed, match="cancelled"):
        client.pay(released, CARD)
    held = client.hold(event_id, [ids["stalls:A:2"]])
    client.extend(held.booking_id)
    client.extend(held.booking_id)
    with pytest.raises(BookingClosed) as spent:
        client.extend(held.booking_id)
    assert spent.value.problem is not None
    assert spent.value.problem.slug == "extension-limit-reached"


def test_extending_a_hold_that_ran_out_is_hold_expired(catalog: Catalog, connect: Connect) -> None:
    """The clock is moved by backdating the booking, so this takes no five minutes."""
    event_id = catalog.event(catalog.venue()).id
    client = connect("ana")
    ids = seats(client, event_id)
    held = client.hold(event_id, [ids["stalls:B:1"], ids["stalls:B:2"]])
    db.session.execute(
        text("UPDATE bookings SET expires_at = now() - interval '1 second' WHERE id = :id"),
        {"id": held.booking_id},
    )
    db.session.commit()
    with pytest.raises(HoldExpired) as expired:
        client.extend(held.booking_id)
    assert expired.value.status == 410
    assert expired.value.ticket_ids == sorted([ids["stalls:B:1"], ids["stalls:B:2"]])


@pytest.mark.parametrize(
    ("number", "code"),
    [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds")],
)
def test_a_declined_card_says_why_and_keeps_the_hold(
    catalog: Catalog, connect: Connect, number: str, code: str
) -> None:
    event_id = catalog.event(catalog.venue()).id
    client = connect("ana")
    held = client.hold(event_id, [seats(client, event_id)["stalls:A:1"]])
    with pytest.raises(PaymentDeclined) as declined:
        client.pay(held, card(number))
    assert declined.value.code == code and declined.value.status == 402
    assert declined.value.reason
    assert client.booking(held.booking_id).status is BookingStatus.PENDING


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (card("1234"), "paymentDetails.cardNumber"),
        (card("4242424242424242", expiry="13/40"), "paymentDetails.expiry"),
        (card("4242424242424242", cvc="x"), "paymentDetails.cvc"),
    ],
)
def test_a_wrong_card_field_is_invalid_payment_naming_the_field(
    catalog: Catalog, connect: Connect, details: dict[str, str], field: str
) -> None:
    event_id = catalog.event(catalog.venue()).id
    client = connect("ana")
    held = client.hold(event_id, [seats(client, event_id)["stalls:A:1"]])
    with pytest.raises(InvalidPayment) as invalid:
        client.pay(held, details)
    assert invalid.value.field == field and invalid.value.status == 400


def test_a_payment_service_that_does_not_answer_is_a_payment_timeout(
    catalog: Catalog, connect: Connect
) -> None:
    event_id = catalog.event(catalog.venue()).id
    client = connect("ana")
    held = client.hold(event_id, [seats(client, event_id)["stalls:A:1"]])
    with pytest.raises(PaymentTimeout) as timeout:
        client.pay(held, card("4000000000000077"))
    assert isinstance(timeout.value, ServiceUnavailable) and timeout.value.status == 504


def test_no_server_listening_is_service_unavailable_after_retries() -> None:
    pauses: list[float] = []
    url = f"http://127.0.0.1:{free_port()}"
    with (
        BoxofficeClient(url, retries=2, sleep=pauses.append) as client,
        pytest.raises(ServiceUnavailable, match="Cannot reach") as down,
    ):
        client.venues()
    assert len(pauses) == 2, "connection errors are retried"
    assert down.value.problem is None


# retries, against a real HTTP server that answers from a script --------------------------------
Answer = tuple[int, dict[str, str], bytes]
PAGE = VenuePage(
    venues=[VenueSummary(venue_id=1, title="Hall", location="Leeds", seating_capacity=10)],
    next_cursor=None,
    limit=20,
)
BOOKING = BookingInfo(
    booking_id="b-1",
    event_id=1,
    status=BookingStatus.PENDING,
    tickets=[],
    price=Decimal("0"),
    currency="GBP",
    expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    extensions_left=2,
    payment_input_url="/bookings/b-1/payment",
    created_at=datetime(2030, 1, 1, tzinfo=UTC),
    confirmed_at=None,
)


def ok(model: VenuePage | BookingInfo, status: int = 200) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(model.to_wire()).encode()


def busy(status: int = 503, retry_after: str = "0") -> Answer:
    slug = "service-unavailable" if status == 503 else "rate-limited"
    body = {"type": f"/problems/{slug}", "title": "Busy", "status": status, "detail": "Busy."}
    headers = {"Content-Type": "application/problem+json", "Retry-After": retry_after}
    return status, headers, json.dumps(body).encode()


class ScriptedServer:
    """Answers requests in order from ``answers`` (the last one forever), recording them."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = answers
        self.requests: list[tuple[str, str, str | None]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.requests.append((request.method, request.path, request.headers.get("Idempotency-Key")))
        status, headers, body = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return Response(body, status=status, headers=headers)(environ, start_response)


Scripted = Callable[[list[Answer]], tuple[ScriptedServer, str]]


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    servers = []

    def start(answers: list[Answer]) -> tuple[ScriptedServer, str]:
        app = ScriptedServer(answers)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return app, f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("status", [503, 429])
def test_a_get_is_retried_after_busy_and_then_succeeds(scripted: Scripted, status: int) -> None:
    app, url = scripted([busy(status), ok(PAGE)])
    pauses: list[float] = []
    with BoxofficeClient(url, sleep=pauses.append) as client:
        assert client.venues() == PAGE
    assert [method for method, _, _ in app.requests] == ["GET", "GET"]
    assert pauses == [0.0], "Retry-After is honoured"


@pytest.mark.parametrize(("status", "error"), [(503, ServiceUnavailable), (429, RateLimited)])
def test_a_long_retry_after_is_raised_at_once_not_waited_out(
    scripted: Scripted, status: int, error: type[ServiceUnavailable | RateLimited]
) -> None:
    app, url = scripted([busy(status, retry_after="60"), ok(PAGE)])
    pauses: list[float] = []
    with (
        BoxofficeClient(url, sleep=pauses.append) as client,
        pytest.raises(error) as refused,
    ):
        client.venues()
    assert isinstance(refused.value, ServiceUnavailable | RateLimited)
    assert refused.value.retry_after == 60.0
    assert len(app.requests) == 1 and pauses == []


def test_a_hold_is_retried_with_the_same_idempotency_key(scripted: Scripted) -> None:
    app, url = scripted([busy(), ok(BOOKING, 201)])
    with BoxofficeClient(url, token="t", sleep=lambda _: None) as client:
        assert client.hold(1, [1]) == BOOKING
    keys = [key for _, _, key in app.requests]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]


def test_a_post_without_a_key_is_not_retried(scripted: Scripted) -> None:
    app, url = scripted([busy(), ok(BOOKING)])
    with (
        BoxofficeClient(url, token="t", sleep=lambda _: None) as client,
        pytest.raises(ServiceUnavailable),
    ):
        client.extend("b-1")
    assert app.requests == [("POST", "/bookings/b-1/extend", None)]


@pytest.mark.parametrize(("status", "error"), [(503, ServiceUnavailable), (429, RateLimited)])
def test_retrying_gives_up_after_retries_with_retry_after(
    scripted: Scripted, status: int, error: type[ServiceUnavailable | RateLimited]
) -> None:
    app, url = scripted([busy(status, retry_after="7")])
    pauses: list[float] = []
    with (
        BoxofficeClient(url, retries=2, sleep=pauses.append) as client,
        pytest.raises(error) as gave_up,
    ):
        client.venues()
    assert isinstance(gave_up.value, ServiceUnavailable | RateLimited)
    assert gave_up.value.retry_after == 7.0
    assert len(app.requests) == 3 and pauses == [7.0, 7.0]
