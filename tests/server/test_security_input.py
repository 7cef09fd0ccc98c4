"""Hostile input on every route: oversized bodies, overlong strings, out-of-range ticket
counts, huge, negative, fractional and boolean numbers, wrong JSON types, bytes that are not
UTF-8, control characters and SQL fragments. Each gets a 4xx problem+json that says what is
wrong (400, 404, 405, 413 or 415), never a 500 — and no booking, ticket or seat hold changes.

Every request is sent by ``ana``, who has a pending booking of two seats and a paid one, so
the routes that take a booking ID get a real one of her own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import Catalog, bearer
from conftest import _empty as empty
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from server.extensions import db

JSON = "application/json"
CARD = {"method": "card", "cardNumber": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"}


@dataclass(frozen=True)
class Scene:
    event_id: int
    booking_id: str
    paid_id: str
    free: list[int]

    def target(self, template: str) -> str:
        return template.format(
            event=self.event_id, booking=self.booking_id, paid=self.paid_id, free=self.free[0]
        )


def build_scene(client: FlaskClient) -> Scene:
    """An event; ana's pending booking of two seats; bo's paid booking of one."""
    catalog = Catalog()
    event = catalog.event(catalog.venue())
    seats = [t["ticketID"] for t in client.get(f"/events/{event.id}").get_json()["tickets"]]
    pending = client.post(
        f"/bookings/{event.id}", json={"ticketIDs": seats[:2]}, headers=bearer("ana")
    )
    assert pending.status_code == 201
    paid = client.post(
        f"/bookings/{event.id}", json={"ticketIDs": seats[2:3]}, headers=bearer("bo")
    )
    assert paid.status_code == 201
    cash = {"paymentDetails": {"method": "cash"}}
    paying = client.post(paid.get_json()["paymentInputURL"], json=cash, headers=bearer("bo"))
    assert paying.status_code == 200
    # bo's paid booking is ana's target too: a hostile request must not reveal or touch it
    return Scene(event.id, pending.get_json()["bookingID"], paid.get_json()["bookingID"], seats[3:])


@pytest.fixture
def scene(app_context: Flask, client: FlaskClient) -> Scene:
    """A scene of the test's own, for tests that change it."""
    return build_scene(client)


@pytest.fixture(scope="module")
def unchanging(app: Flask) -> Iterator[tuple[Flask, Scene]]:
    """One scene for every hostile request: each case asserts it changed nothing, so they
    can share it (building it per case took most of this file's time)."""
    with app.app_context():
        empty(app)
        yield app, build_scene(app.test_client())
        empty(app)


def snapshot(app: Flask) -> dict[str, Any]:
    """Every booking and ticket row's state, and every seat hold in Redis."""
    bookings = db.session.execute(
        text(
            "SELECT id, user_id, status, expires_at, extensions, payment_attempt, confirmed_at "
            "FROM bookings ORDER BY id"
        )
    ).all()
    tickets = db.session.execute(
        text("SELECT status, count(*), sum(version) FROM tickets GROUP BY status ORDER BY status")
    ).all()
    links = db.session.execute(text("SELECT count(*) FROM booking_tickets")).scalar()
    db.session.rollback()
    store = app.extensions["boxoffice.redis"]
    prefix = app.config["REDIS_PREFIX"]
    holds = {
        key: store.get(key) for key in store.scan_iter(match=f"{prefix}{{e*}}:hold:*", count=1000)
    }
    held = {
        key: store.zrange(key, 0, -1, withscores=True)
        for key in store.scan_iter(match=f"{prefix}{{e*}}:held", count=1000)
    }
    return {
        "bookings": [tuple(b) for b in bookings],
        "tickets": [tuple(t) for t in tickets],
        "links": links,
        "holds": holds,
        "held": held,
    }


def case(name: str, method: str, target: str, status: int, **request: Any) -> Any:
    return pytest.param(method, target, status, request, id=name)


def body(value: Any) -> dict[str, Any]:
    """A JSON body, as bytes so that anything Python can encode goes out unchanged."""
    return {"data": json.dumps(value).encode(), "content_type": JSON}


def raw(data: bytes, content_type: str = JSON) -> dict[str, Any]:
    return {"data": data, "content_type": content_type}


def card(**fields: Any) -> dict[str, Any]:
    return body({"paymentDetails": {**CARD, **fields}})


HOLD, PAY, BOOKING = "/bookings/{event}", "/bookings/{booking}/payment", "/bookings/{booking}"
#: Stands for a free ticket of the scene's event, so that a request wrong only in the way under
#: test would otherwise succeed.
FREE = ["<free>"]
CASES = [
    # --- body size ------------------------------------------------------------------------
    case("hold-body-too-large", "POST", HOLD, 413, **raw(b'{"ticketIDs": [1' + b" " * 70_000 + b"]}")),
    case("pay-body-too-large", "POST", PAY, 413, **raw(b'{"paymentDetails": {"method": "cash"' + b" " * 70_000 + b"}}")),
    case("chunked-body-too-large", "POST", HOLD, 413, input_stream=b'{"ticketIDs": [' + b"1, " * 30_000 + b"1]}"),
    case("deep-nesting", "POST", HOLD, 400, **raw(b'{"ticketIDs": ' + b"[" * 10_000 + b"]" * 10_000 + b"}")),
    # --- string lengths -------------------------------------------------------------------
    case("search-201-chars", "GET", "/events?searchQuery=" + "a" * 201, 400),
    case("search-201-after-trim", "GET", "/events?searchQuery=%20" + "%C3%A9" * 201, 400),
    case("cursor-1001-chars", "GET", "/venues?nextCursor=" + "A" * 1001, 400),
    case("date-41-chars", "GET", "/events?startDate=" + "2" * 41, 400),
    case("view-long", "GET", "/events/{event}?view=" + "full" * 100, 400),
    case("key-256-chars", "POST", HOLD, 400, headers={"Idempotency-Key": "k" * 256}, **body({"ticketIDs": FREE})),
    case("key-with-space", "POST", HOLD, 400, headers={"Idempotency-Key": "a b"}, **body({"ticketIDs": FREE})),
    case("key-not-ascii", "POST", HOLD, 400, headers={"Idempotency-Key": "cl\u00e9"}, **body({"ticketIDs": FREE})),
    case("key-control-char", "POST", PAY, 400, headers={"Idempotency-Key": "a\x01b"}, **body({"paymentDetails": {"method": "cash"}})),
    case("category-33-chars", "POST", HOLD, 400, **body({"quantity": 2, "category": "c" * 33})),
    case("card-number-65-chars", "POST", PAY, 400, **card(cardNumber="4" * 65)),
    case("card-number-50k-chars", "POST", PAY, 400, **card(cardNumber="4" * 50_000)),
    case("cvc-20k-chars", "POST", PAY, 400, **card(cvc="1" * 20_000)),
    case("expiry-long", "POST", PAY, 400, **card(expiry="12/" + "9" * 100)),
    case("payment-field-name-long", "POST", PAY, 400, **body({"paymentDetails": {"method": "cash", "k" * 15_000: "v"}})),
    case("payment-many-fields", "POST", PAY, 400, **body({"paymentDetails": {f"k{i}": "v" for i in range(3000)}})),
    # --- ticket counts --------------------------------------------------------------------
    case("no-tickets", "POST", HOLD, 400, **body({"ticketIDs": []})),
    case("eleven-tickets", "POST", HOLD, 400, **body({"ticketIDs": list(range(1, 12))})),
    case("same-ticket-twice", "POST", HOLD, 400, **body({"ticketIDs": FREE * 2})),
    case("quantity-0", "POST", HOLD, 400, **body({"quantity": 0})),
    case("quantity-11", "POST", HOLD, 400, **body({"quantity": 11})),
    case("quantity-negative", "POST", HOLD, 400, **body({"quantity": -2})),
    case("both-ways", "POST", HOLD, 400, **body({"ticketIDs": FREE, "quantity": 1})),
    case("neither-way", "POST", HOLD, 400, **body({})),
    # --- numbers --------------------------------------------------------------------------
    case("ticket-10e30", "POST", HOLD, 400, **body({"ticketIDs": [10**30]})),
    case("ticket-2e63", "POST", HOLD, 400, **body({"ticketIDs": [2**63]})),
    case("ticket-5000-digits", "POST", HOLD, 400, **raw(b'{"ticketIDs": [' + b"9" * 5000 + b"]}")),
    case("ticket-negative", "POST", HOLD, 400, **body({"ticketIDs": [-1]})),
    case("ticket-zero", "POST", HOLD, 400, **body({"ticketIDs": [0]})),
    case("ticket-fraction", "POST", HOLD, 400, **body({"ticketIDs": [1.5]})),
    case("ticket-bool", "POST", HOLD, 400, **body({"ticketIDs": [True]})),
    case("ticket-string", "POST", HOLD, 400, **body({"ticketIDs": ["1"]})),
    case("ticket-null", "POST", HOLD, 400, **body({"ticketIDs": [None]})),
    case("ticket-infinite", "POST", HOLD, 400, **raw(b'{"ticketIDs": [1e400]}')),
    case("ticket-nan", "POST", HOLD, 400, **raw(b'{"ticketIDs": [NaN]}')),
    case("quantity-10e30", "POST", HOLD, 400, **body({"quantity": 10**30})),
    case("quantity-fraction", "POST", HOLD, 400, **body({"quantity": 2.5})),
    case("quantity-bool", "POST", HOLD, 400, **body({"quantity": True})),
    case("quantity-string", "POST", HOLD, 400, **body({"quantity": "2"})),
    case("quantity-null", "POST", HOLD, 400, **body({"quantity": None})),
    case("card-number-nan", "POST", PAY, 400, **raw(b'{"paymentDetails": {"method": "card", "cardNumber": NaN, "expiry": "12/39", "cvc": "123"}}')),
    case("card-number-infinity", "POST", PAY, 400, **raw(b'{"paymentDetails": {"method": "card", "cardNumber": Infinity, "expiry": "12/39", "cvc": "123"}}')),
    case("card-number-1e400", "POST", PAY, 400, **raw(b'{"paymentDetails": {"method": "card", "cardNumber": -1e400, "expiry": "12/39", "cvc": "123"}}')),
    case("card-number-10e70", "POST", PAY, 400, **card(cardNumber=10**70)),
    case("card-number-int", "POST", PAY, 400, **card(cardNumber=4242424242424242)),
    case("limit-10e30", "GET", "/events?limit=" + "1" + "0" * 30, 400),
    case("limit-4000-digits", "GET", "/venues?limit=" + "9" * 4000, 400),
    case("limit-negative", "GET", "/venues?limit=-1", 400),
    case("limit-zero", "GET", "/venues?limit=0", 400),
    case("limit-fraction", "GET", "/venues?limit=1.5", 400),
    case("limit-bool", "GET", "/venues?limit=true", 400),
    case("limit-exponent", "GET", "/venues?limit=1e1", 400),
    case("event-id-10e30", "GET", "/events/1" + "0" * 30, 404),
    case("event-id-negative", "GET", "/events/-1", 404),
    case("event-id-fraction", "GET", "/events/1.5", 404),
    case("venue-id-19-digits", "GET", "/venues/" + "9" * 19 + "/events", 404),
    case("hold-on-event-10e30", "POST", "/bookings/1" + "0" * 30, 405, **body({"ticketIDs": FREE})),
    case("hold-on-unknown-event", "POST", "/bookings/" + "9" * 18, 404, **body({"ticketIDs": FREE})),
    case("queue-wait-10e30", "GET", "/events/{event}/queue?wait=1" + "0" * 30, 400),
    case("queue-wait-negative", "GET", "/events/{event}/queue?wait=-1", 400),
    case("queue-position-fraction", "GET", "/events/{event}/queue?position=1.5", 400),
    case("queue-on-event-10e30", "POST", "/events/1" + "0" * 30 + "/queue", 404),
    # --- wrong JSON types -----------------------------------------------------------------
    case("body-null", "POST", HOLD, 400, **raw(b"null")),
    case("body-list", "POST", HOLD, 400, **body([1, 2])),
    case("body-string", "POST", HOLD, 400, **body("ticketIDs")),
    case("body-number", "POST", HOLD, 400, **body(1)),
    case("body-empty", "POST", HOLD, 400, **raw(b"")),
    case("body-truncated", "POST", HOLD, 400, **raw(b'{"ticketIDs": [1')),
    case("tickets-a-string", "POST", HOLD, 400, **body({"ticketIDs": "1,2"})),
    case("tickets-an-object", "POST", HOLD, 400, **body({"ticketIDs": {"0": 1}})),
    case("category-a-number", "POST", HOLD, 400, **body({"quantity": 2, "category": 5})),
    case("hold-for-someone-else", "POST", HOLD, 400, **body({"ticketIDs": FREE, "userID": "eve"})),
    case("hold-with-a-status", "POST", HOLD, 400, **body({"ticketIDs": FREE, "status": "BOOKED"})),
    case("payment-details-a-string", "POST", PAY, 400, **body({"paymentDetails": "cash"})),
    case("payment-details-a-list", "POST", PAY, 400, **body({"paymentDetails": ["cash"]})),
    case("payment-details-null", "POST", PAY, 400, **body({"paymentDetails": None})),
    case("payment-details-missing", "POST", PAY, 400, **body({})),
    case("payment-with-an-amount", "POST", PAY, 400, **body({"paymentDetails": {"method": "cash"}, "amount": "0.01"})),
    case("payment-method-an-object", "POST", PAY, 400, **body({"paymentDetails": {"method": {"card": True}}})),
    case("payment-method-a-list", "POST", PAY, 400, **body({"paymentDetails": {"method": ["cash"]}})),
    case("payment-method-a-bool", "POST", PAY, 400, **body({"paymentDetails": {"method": True}})),
    case("card-as-text-plain", "POST", PAY, 415, **raw(b'{"paymentDetails": {"method": "cash"}}', "text/plain")),
    case("hold-as-a-form", "POST", HOLD, 415, data={"ticketIDs": "1"}),
    case("hold-without-content-type", "POST", HOLD, 415, data=b'{"ticketIDs": [1]}'),
    # --- bytes that are not UTF-8 ---------------------------------------------------------
    case("body-not-utf8", "POST", HOLD, 400, **raw(b"\xff\xfe")),
    case("body-latin1", "POST", PAY, 400, **raw('{"paymentDetails": {"method": "caf\xe9"}}'.encode("latin-1"))),
    case("body-utf16", "POST", HOLD, 400, **raw('{"ticketIDs": [1]}'.encode("utf-16"))),
    case("body-bom", "POST", HOLD, 400, **raw(b'\xef\xbb\xbf{"ticketIDs": [1]}')),
    case("body-lone-surrogate", "POST", HOLD, 400, **raw(b'{"quantity": 2, "category": "\\ud800"}')),
    case("search-not-utf8", "GET", "/events?searchQuery=%FF%FE", 400),
    case("search-overlong-utf8", "GET", "/events?searchQuery=%C0%AF", 400),
    case("search-surrogate-utf8", "GET", "/events?searchQuery=%ED%A0%80", 400),
    case("param-name-not-utf8", "GET", "/venues?%FF=1", 400),
    case("event-query-not-utf8", "GET", "/events/{event}?view=%FF", 400),
    case("queue-query-not-utf8", "GET", "/events/{event}/queue?wait=%FF", 400),
    case("booking-query-not-utf8", "GET", BOOKING + "?%FF=1", 400),
    case("release-query-not-utf8", "DELETE", BOOKING + "?x=%FF", 400),
    case("extend-query-not-utf8", "POST", BOOKING + "/extend?x=%FF", 400),
    case("pay-query-not-utf8", "POST", PAY + "?x=%FF", 400, **body({"paymentDetails": {"method": "cash"}})),
    case("booking-id-not-utf8", "GET", "/bookings/%FF%FE", 404),
    case("release-id-not-utf8", "DELETE", "/bookings/%FF%FE", 404),
    # --- unknown query parameters on booking routes ---------------------------------------
    case("hold-for-user", "POST", HOLD + "?user=eve", 400, **body({"ticketIDs": FREE})),
    case("read-as-user", "GET", BOOKING + "?user=bo", 400),
    case("extend-by-seconds", "POST", BOOKING + "/extend?seconds=99999", 400),
    case("pay-amount", "POST", PAY + "?amount=0", 400, **body({"paymentDetails": {"method": "cash"}})),
    # --- control characters ---------------------------------------------------------------
    case("search-nul", "GET", "/events?searchQuery=a%00b", 400),
    case("search-newline", "GET", "/events?searchQuery=a%0Ab", 400),
    case("search-escape", "GET", "/events?searchQuery=%1B%5B2J", 400),
    case("search-delete", "GET", "/events?searchQuery=a%7F", 400),
    case("date-nul", "GET", "/events?startDate=2026-01-01%00", 400),
    case("cursor-nul", "GET", "/venues?nextCursor=%00", 400),
    case("category-nul", "POST", HOLD, 400, **body({"quantity": 2, "category": "front\u0000"})),
    case("category-newline", "POST", HOLD, 400, **body({"quantity": 2, "category": "front\n"})),
    case("payment-method-nul", "POST", PAY, 400, **body({"paymentDetails": {"method": "cash\u0000"}})),
    case("card-number-nul", "POST", PAY, 400, **card(cardNumber="4242\u00004242 4242 4242")),
    case("booking-id-nul", "GET", "/bookings/%00", 404),
    case("booking-id-newline", "DELETE", BOOKING + "%0A", 404),
    case("event-id-nul", "GET", "/events/%00", 404),
    # --- SQL fragments --------------------------------------------------------------------
    case("booking-id-or-true", "GET", "/bookings/x'%20OR%20'1'='1", 404),
    case("booking-id-uuid-then-sql", "DELETE", BOOKING + "'%20OR%20'1'='1", 404),
    case("booking-id-union", "POST", "/bookings/1%20UNION%20SELECT%20id%20FROM%20bookings/extend", 404),
    case("paid-booking-id-comment", "DELETE", "/bookings/{paid}'--", 404),
    case("event-id-or-true", "GET", "/events/1%20OR%201=1", 404),
    case("category-drop-table", "POST", HOLD, 400, **body({"quantity": 2, "category": "x'; DROP TABLE tickets;--"})),
    case("ticket-id-sql", "POST", HOLD, 400, **body({"ticketIDs": ["1); DELETE FROM bookings;--"]})),
    case("cursor-sql", "GET", "/venues?nextCursor=1'%20OR%20'1'='1", 400),
    case("limit-sql", "GET", "/venues?limit=1;DROP%20TABLE%20venues", 400),
    case("date-sql", "GET", "/events?startDate=2026-01-01'%20OR%201=1--", 400),
    case("payment-method-sql", "POST", PAY, 400, **body({"paymentDetails": {"method": "cash' OR '1'='1"}})),
    # In a search, SQL is just words to look for: found nowhere, and nothing happens.
    case("search-drop-table", "GET", "/events?searchQuery=%27%3B%20DROP%20TABLE%20bookings%3B--", 200),
    case("search-tsquery-operators", "GET", "/events?searchQuery=a%20%26%20b%20%7C%20!c%20%3C-%3E%20d%3A*", 200),
    case("search-unbalanced", "GET", "/events?searchQuery=(((%22%22%22%5C", 200),
    case("search-only-punctuation", "GET", "/events?searchQuery=" + "%21" * 200, 200),
]  # fmt: skip


def _with_free_ticket(data: Any, ticket: int) -> Any:
    if isinstance(data, bytes):
        return data.replace(json.dumps(FREE[0]).encode(), str(ticket).encode())
    return data


@pytest.mark.parametrize(("method", "target", "status", "request_args"), CASES)
def test_hostile_input_is_a_clear_4xx_and_changes_nothing(
    unchanging: tuple[Flask, Scene],
    method: str,
    target: str,
    status: int,
    request_args: dict[str, Any],
) -> None:
    app, scene = unchanging
    client = app.test_client()
    arguments = dict(request_args)
    headers = {**bearer("ana"), **arguments.pop("headers", {})}
    if "data" in arguments:
        arguments["data"] = _with_free_ticket(arguments["data"], scene.free[0])
    if "input_stream" in arguments:  # chunked: no Content-Length, as a proxy may send it
        arguments["input_stream"] = io.BytesIO(arguments["input_stream"])
        arguments["environ_overrides"] = {"wsgi.input_terminated": True}
        headers["Content-Type"] = JSON
    before = snapshot(app)
    response = client.open(scene.target(target), method=method, headers=headers, **arguments)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status == 200:
        assert response.mimetype == JSON
    else:
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["status"] == status
        assert problem["type"].startswith("/problems/")
        assert problem["detail"]
        assert "Traceback" not in problem["detail"]
    assert snapshot(app) == before


def test_problems_name_the_field_that_is_wrong(client: FlaskClient, scene: Scene) -> None:
    """What a client developer reads: the field, and what it should be."""
    ana = bearer("ana")
    answers = {
        "ticketIDs.0": client.post(
            scene.target(HOLD), headers=ana, **body({"ticketIDs": [10**30]})
        ),
        "quantity": client.post(scene.target(HOLD), json={"quantity": 11}, headers=ana),
        "paymentDetails.cvc": client.post(
            scene.target(PAY), json={"paymentDetails": {**CARD, "cvc": "1" * 65}}, headers=ana
        ),
        "paymentDetails.cardNumber": client.post(
            scene.target(PAY),
            data=b'{"paymentDetails": {"method": "card", "cardNumber": NaN}}',
            content_type=JSON,
            headers=ana,
        ),
    }
    for field, response in answers.items():
        assert response.status_code == 400
        problem = response.get_json()
        assert problem["detail"].startswith(f"{field}: "), problem
        assert problem["errors"][0]["field"] == field
    search = client.get("/events?searchQuery=" + "a" * 201)
    assert search.get_json()["errors"] == [
        {"parameter": "searchQuery", "message": "at most 200 characters"}
    ]


def test_the_limits_themselves_are_accepted(client: FlaskClient, scene: Scene) -> None:
    """The edges are inside: a 200-character search, ten tickets, a 255-character key."""
    assert client.get("/events?searchQuery=" + "a" * 200).status_code == 200
    assert client.get("/venues?limit=100").status_code == 200
    ten = client.post(
        scene.target(HOLD),
        json={"ticketIDs": scene.free[:10]},
        headers={**bearer("cy"), "Idempotency-Key": "k" * 255},
    )
    assert ten.status_code == 201, ten.get_data(as_text=True)
    assert len(ten.get_json()["tickets"]) == 10
    whole = client.post(scene.target(HOLD), json={"quantity": 2.0}, headers=bearer("di"))
    assert whole.status_code == 201  # JSON has one number type: 2.0 is the integer 2


@pytest.mark.parametrize("wrong", ["unknown-ticket", "largest-ticket-id", "another-events-ticket"])
def test_a_refused_selection_leaves_the_earlier_hold_as_it_was(
    client: FlaskClient, catalog: Catalog, scene: Scene, wrong: str
) -> None:
    """ana mistypes a ticket ID: she gets the 404 (or 400), and keeps the seats she held."""
    other = catalog.event(catalog.venue("Elsewhere"), "Other show")
    others = client.get(f"/events/{other.id}").get_json()["tickets"]
    ticket = {"unknown-ticket": 999_999, "largest-ticket-id": 2**63 - 1}.get(
        wrong, others[0]["ticketID"]
    )
    ana = bearer("ana")
    refused = client.post(scene.target(HOLD), json={"ticketIDs": [ticket]}, headers=ana)
    assert refused.status_code in (400, 404)
    booking = client.get(scene.target(BOOKING), headers=ana).get_json()
    seat_map = client.get(f"/events/{scene.event_id}").get_json()["tickets"]
    status = {seat["ticketID"]: seat["ticketStatus"] for seat in seat_map}
    assert {status[t["ticketID"]] for t in booking["tickets"]} == {"RESERVED"}
    assert client.post(scene.target(BOOKING) + "/extend", headers=ana).status_code == 200
