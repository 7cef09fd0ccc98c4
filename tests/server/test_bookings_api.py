"""Holding, paying, releasing and extending over the API, on real Postgres, Redis and the
payment simulator (through the Flask test client; the races over real HTTP are in e2e/)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import jwt
import pytest
from conftest import JWT_SECRET, Catalog, bearer
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from server.booking.cleanup import run_cleanup_once
from server.extensions import db
from server.payments.gateway import PaymentDeclined
from shared.models import BookingInfo, PaymentResult

CARD_OK = {"method": "card", "cardNumber": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"}
CARD_DECLINED = {**CARD_OK, "cardNumber": "4000 0000 0000 0002"}
CARD_NO_FUNDS = {**CARD_OK, "cardNumber": "4000 0000 0000 9995"}


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["type"] == f"/problems/{slug}", body
    return body


@pytest.fixture
def event(catalog: Catalog) -> Any:
    return catalog.event(catalog.venue())


def tickets(client: FlaskClient, event_id: int) -> dict[str, dict[str, Any]]:
    """Ticket by seat ID (``stalls:A:1``) as the public seat map shows it."""
    detail = client.get(f"/events/{event_id}").get_json()
    return {t["seatID"]: t for t in detail["tickets"]}


def ids(client: FlaskClient, event_id: int, *seats: str) -> list[int]:
    by_seat = tickets(client, event_id)
    return [by_seat[f"stalls:{seat[0]}:{seat[1:]}"]["ticketID"] for seat in seats]


def status_of(client: FlaskClient, event_id: int, ticket_ids: list[int]) -> list[str]:
    by_id = {t["ticketID"]: t["ticketStatus"] for t in tickets(client, event_id).values()}
    return [by_id[t] for t in ticket_ids]


def hold(
    client: FlaskClient, user: str, event_id: int, ticket_ids: list[int], **headers: str
) -> Any:
    return client.post(
        f"/bookings/{event_id}", json={"ticketIDs": ticket_ids}, headers={**bearer(user), **headers}
    )


def pay(client: FlaskClient, user: str, booking: dict[str, Any], details: dict[str, Any]) -> Any:
    return client.post(
        booking["paymentInputURL"], json={"paymentDetails": details}, headers=bearer(user)
    )


def charges_for(app: Flask, booking_id: str) -> list[Any]:
    """What the payment service knows of this booking's payment attempts."""
    gateway = app.extensions["boxoffice.payments"]
    found = []
    for attempt in range(5):
        try:
            charge = gateway.lookup(f"booking-{booking_id}-{attempt}")
        except PaymentDeclined:
            continue  # a declined attempt: no money moved
        if charge is not None:
            found.append(charge)
    return found


@pytest.fixture
def short_holds(app_context: Flask) -> Iterator[None]:
    """Holds of 2 seconds, for expiry tests."""
    previous = app_context.config["HOLD_SECONDS"]
    app_context.config["HOLD_SECONDS"] = 2
    yield
    app_context.config["HOLD_SECONDS"] = previous


# --- reserve ------------------------------------------------------------------------------


def test_holding_seats_reserves_them_for_five_minutes(client: FlaskClient, event: Any) -> None:
    seats = ids(client, event.id, "A1", "A2")
    response = hold(client, "ana", event.id, seats)
    assert response.status_code == 201, response.get_json()
    booking = BookingInfo.model_validate(response.get_json())
    assert booking.status == "PENDING"
    assert [t.ticket_id for t in booking.tickets] == seats
    assert str(booking.price) == "80.00" and booking.currency == "GBP"
    remaining = booking.expires_at - datetime.now(UTC)
    assert timedelta(seconds=290) < remaining <= timedelta(seconds=300)
    assert response.headers["Location"] == f"/bookings/{booking.booking_id}"
    assert booking.payment_input_url == f"/bookings/{booking.booking_id}/payment"
    assert status_of(client, event.id, seats) == ["RESERVED", "RESERVED"]
    again = client.get(response.headers["Location"], headers=bearer("ana")).get_json()
    assert again["status"] == "PENDING" and again["bookingID"] == booking.booking_id


def test_first_request_wins_and_the_loser_holds_nothing(client: FlaskClient, event: Any) -> None:
    a1, a2, a3 = ids(client, event.id, "A1", "A2", "A3")
    assert hold(client, "ana", event.id, [a1, a2]).status_code == 201
    body = problem(hold(client, "ben", event.id, [a2, a3]), 409, "seats-unavailable")
    assert body["ticketIDs"] == [a2]
    assert status_of(client, event.id, [a3]) == ["AVAILABLE"], "all or nothing"
    assert hold(client, "ben", event.id, [a3]).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticketIDs": []}, "ticketIDs"),
        ({"ticketIDs": list(range(1, 12))}, "ticketIDs"),
        ({"ticketIDs": ["1"]}, "ticketIDs.0"),
        ({"ticketIDs": [True]}, "ticketIDs.0"),
        ({"ticketIDs": [1.5]}, "ticketIDs.0"),
        ({"ticketIDs": [2**70]}, "ticketIDs.0"),
        ({"ticketIDs": [-1]}, "ticketIDs.0"),
        ({"tickets": [1]}, "ticketIDs"),
        ({"ticketIDs": [1], "extra": 1}, "extra"),
        ([1, 2], "body"),
    ],
)
def test_malformed_selections_are_400_naming_the_field(
    client: FlaskClient, event: Any, body: Any, field: str
) -> None:
    raw = json.dumps(body)  # the stdlib, which writes numbers beyond 64 bits too
    response = client.post(
        f"/bookings/{event.id}",
        data=raw,
        headers={**bearer("ana"), "Content-Type": "application/json"},
    )
    found = problem(response, 400, "invalid-body")
    assert found["errors"][0]["field"] == field


def test_duplicates_foreign_and_unknown_tickets_are_refused(
    client: FlaskClient, catalog: Catalog, event: Any
) -> None:
    a1, a2 = ids(client, event.id, "A1", "A2")
    body = problem(hold(client, "ana", event.id, [a1, a1]), 400, "invalid-selection")
    assert "more than once" in body["detail"]
    other = catalog.event(catalog.venue("Elsewhere"))
    foreign = ids(client, other.id, "A1")[0]
    body = problem(hold(client, "ana", event.id, [a1, foreign]), 400, "invalid-selection")
    assert body["ticketIDs"] == [foreign]
    body = problem(hold(client, "ana", event.id, [a2, 999999]), 404, "not-found")
    assert body["ticketIDs"] == [999999]
    problem(hold(client, "ana", 424242, [a1]), 404, "not-found")
    assert status_of(client, event.id, [a1, a2]) == ["AVAILABLE", "AVAILABLE"]
    unsupported = client.post(f"/bookings/{event.id}", data="ticketIDs=1", headers=bearer("ana"))
    problem(unsupported, 415, "unsupported-media-type")
    broken = client.post(
        f"/bookings/{event.id}",
        data=b"{\xff\xfe",
        headers={**bearer("ana"), "Content-Type": "application/json"},
    )
    problem(broken, 400, "invalid-body")


def test_a_new_selection_replaces_the_users_hold_only_once_it_is_secured(
    client: FlaskClient, event: Any
) -> None:
    a1, a2, a3, a4 = ids(client, event.id, "A1", "A2", "A3", "A4")
    first = hold(client, "ana", event.id, [a1, a2]).get_json()
    assert hold(client, "ben", event.id, [a4]).status_code == 201
    problem(hold(client, "ana", event.id, [a2, a4]), 409, "seats-unavailable")
    assert status_of(client, event.id, [a1, a2]) == ["RESERVED", "RESERVED"], "old hold stays"
    assert (
        client.get(f"/bookings/{first['bookingID']}", headers=bearer("ana")).get_json()["status"]
        == "PENDING"
    )
    second = hold(client, "ana", event.id, [a2, a3])
    assert second.status_code == 201
    assert status_of(client, event.id, [a1, a2, a3]) == ["AVAILABLE", "RESERVED", "RESERVED"]
    old = client.get(f"/bookings/{first['bookingID']}", headers=bearer("ana")).get_json()
    assert old["status"] == "CANCELLED"
    assert hold(client, "ben", event.id, [a1]).status_code == 201, "the let-go seat is free"


# --- release and extend -------------------------------------------------------------------


def test_release_frees_the_seats_at_once(client: FlaskClient, event: Any) -> None:
    seats = ids(client, event.id, "B1", "B2")
    booking = hold(client, "ana", event.id, seats).get_json()
    response = client.delete(f"/bookings/{booking['bookingID']}", headers=bearer("ana"))
    assert response.status_code == 204
    assert status_of(client, event.id, seats) == ["AVAILABLE", "AVAILABLE"]
    info = client.get(f"/bookings/{booking['bookingID']}", headers=bearer("ana")).get_json()
    assert info["status"] == "CANCELLED"
    assert hold(client, "ben", event.id, seats).status_code == 201


def test_a_hold_can_be_extended_twice_by_two_minutes(client: FlaskClient, event: Any) -> None:
    booking = hold(client, "ana", event.id, ids(client, event.id, "C1")).get_json()
    url = f"/bookings/{booking['bookingID']}/extend"
    expires = datetime.fromisoformat(booking["expiresAt"])
    for left in (1, 0):
        extended = client.post(url, headers=bearer("ana"))
        assert extended.status_code == 200, extended.get_json()
        body = extended.get_json()
        assert datetime.fromisoformat(body["expiresAt"]) - expires == timedelta(seconds=120)
        assert body["extensionsLeft"] == left
        expires = datetime.fromisoformat(body["expiresAt"])
    problem(client.post(url, headers=bearer("ana")), 409, "extension-limit-reached")


# --- expiry -------------------------------------------------------------------------------


def test_an_expired_hold_frees_the_seat_by_itself(
    app_context: Flask, client: FlaskClient, event: Any, short_holds: None
) -> None:
    seats = ids(client, event.id, "A5")
    booking = hold(client, "ana", event.id, seats).get_json()
    assert status_of(client, event.id, seats) == ["RESERVED"]
    time.sleep(2.2)
    assert status_of(client, event.id, seats) == ["AVAILABLE"]
    assert run_cleanup_once(app_context) == 1
    info = client.get(f"/bookings/{booking['bookingID']}", headers=bearer("ana")).get_json()
    assert info["status"] == "EXPIRED"
    assert hold(client, "ben", event.id, seats).status_code == 201
    problem(
        client.post(f"/bookings/{booking['bookingID']}/extend", headers=bearer("ana")),
        409,
        "booking-closed",
    )


def test_a_hold_that_ran_out_while_paying_still_books_free_seats(
    app_context: Flask, client: FlaskClient, event: Any, short_holds: None
) -> None:
    seats = ids(client, event.id, "A6", "A7")
    booking = hold(client, "ana", event.id, seats).get_json()
    time.sleep(2.2)
    run_cleanup_once(app_context)
    paid = pay(client, "ana", booking, CARD_OK)
    assert paid.status_code == 200, paid.get_json()
    assert status_of(client, event.id, seats) == ["BOOKED", "BOOKED"]


def test_a_hold_that_ran_out_and_was_taken_is_not_charged(
    app_context: Flask, client: FlaskClient, event: Any, short_holds: None
) -> None:
    seats = ids(client, event.id, "A8")
    slow = hold(client, "ana", event.id, seats).get_json()
    time.sleep(2.2)
    fast = hold(client, "ben", event.id, seats).get_json()
    assert pay(client, "ben", fast, CARD_OK).status_code == 200
    body = problem(pay(client, "ana", slow, CARD_OK), 410, "hold-expired")
    assert body["ticketIDs"] == seats
    assert "not been charged" in body["detail"]
    assert charges_for(app_context, slow["bookingID"]) == []
    info = client.get(f"/bookings/{slow['bookingID']}", headers=bearer("ana")).get_json()
    assert info["status"] == "EXPIRED"


def test_seats_lost_after_charging_are_refunded_with_410(
    app_context: Flask, client: FlaskClient, event: Any, short_holds: None
) -> None:
    """Redis forgot everything (say it restarted) after someone else bought the seats."""
    seats = ids(client, event.id, "A9")
    slow = hold(client, "ana", event.id, seats).get_json()
    time.sleep(2.2)
    fast = hold(client, "ben", event.id, seats).get_json()
    assert pay(client, "ben", fast, CARD_OK).status_code == 200
    _forget_redis_state(app_context)
    body = problem(pay(client, "ana", slow, CARD_OK), 410, "hold-expired")
    assert "refunded" in body["detail"]
    [charge] = charges_for(app_context, slow["bookingID"])
    assert charge.status == "refunded"
    assert status_of(client, event.id, seats) == ["BOOKED"]
    owners = (
        db.session.execute(
            text(
                "SELECT b.user_id FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id "
                "WHERE bt.ticket_id = :t AND b.status = 'BOOKED'"
            ),
            {"t": seats[0]},
        )
        .scalars()
        .all()
    )
    assert owners == ["ben"]


def _forget_redis_state(app: Flask) -> None:
    client = app.extensions["boxoffice.redis"]
    keys = list(client.scan_iter(match=app.config["REDIS_PREFIX"] + "*"))
    if keys:
        client.delete(*keys)


def test_postgres_refuses_a_double_booking_when_redis_is_bypassed(
    app_context: Flask, client: FlaskClient, event: Any
) -> None:
    seats = ids(client, event.id, "B5", "B6")
    first = hold(client, "ana", event.id, seats).get_json()
    _forget_redis_state(app_context)  # Redis lost the hold: it now says the seats are free
    body = problem(hold(client, "ben", event.id, seats), 409, "seats-unavailable")
    assert body["ticketIDs"] == seats
    assert pay(client, "ana", first, CARD_OK).status_code == 200


# --- pay ----------------------------------------------------------------------------------


def test_paying_books_the_seats_and_paying_twice_charges_once(
    app_context: Flask, client: FlaskClient, event: Any
) -> None:
    seats = ids(client, event.id, "C1", "C2")
    booking = hold(client, "ana", event.id, seats).get_json()
    first = pay(client, "ana", booking, CARD_OK)
    assert first.status_code == 200, first.get_json()
    result = PaymentResult.model_validate(first.get_json())
    assert result.booking_ids == [booking["bookingID"]] and result.booking_status == "BOOKED"
    assert status_of(client, event.id, seats) == ["BOOKED", "BOOKED"]
    second = pay(client, "ana", booking, CARD_OK)
    assert second.status_code == 200 and second.get_json() == first.get_json()
    [charge] = charges_for(app_context, booking["bookingID"])
    assert charge.amount == Decimal("51.00") and charge.status == "succeeded"
    info = client.get(f"/bookings/{booking['bookingID']}", headers=bearer("ana")).get_json()
    assert info["status"] == "BOOKED" and info["confirmedAt"]
    problem(hold(client, "ben", event.id, seats[:1]), 409, "seats-unavailable")
    problem(
        client.delete(f"/bookings/{booking['bookingID']}", headers=bearer("ana")),
        409,
        "booking-closed",
    )


def test_a_declined_card_keeps_the_hold_for_another_card(
    app_context: Flask, client: FlaskClient, event: Any
) -> None:
    seats = ids(client, event.id, "C3")
    booking = hold(client, "ana", event.id, seats).get_json()
    declined = problem(pay(client, "ana", booking, CARD_DECLINED), 402, "payment-declined")
    assert declined["code"] == "card_declined" and "declined" in declined["detail"]
    broke = problem(pay(client, "ana", booking, CARD_NO_FUNDS), 402, "payment-declined")
    assert broke["code"] == "insufficient_funds"
    assert status_of(client, event.id, seats) == ["RESERVED"]
    assert pay(client, "ana", booking, CARD_OK).status_code == 200
    succeeded = [
        c for c in charges_for(app_context, booking["bookingID"]) if c.status == "succeeded"
    ]
    assert len(succeeded) == 1


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({**CARD_OK, "cardNumber": "4242 4242 4242 4241"}, "cardNumber"),
        ({**CARD_OK, "expiry": "01/20"}, "expiry"),
        ({**CARD_OK, "cvc": "12"}, "cvc"),
        ({"method": "cheque"}, "method"),
        (
            {"method": "card", "cardNumber": 4242424242424242, "expiry": "12/39", "cvc": "1"},
            "cardNumber",
        ),
    ],
)
def test_invalid_card_details_are_400_naming_the_field(
    client: FlaskClient, event: Any, details: dict[str, Any], field: str
) -> None:
    booking = hold(client, "ana", event.id, ids(client, event.id, "C4")).get_json()
    body = problem(pay(client, "ana", booking, details), 400, "invalid-payment")
    assert body["field"] == f"paymentDetails.{field}"


def test_cash_at_the_box_office_books_at_once(client: FlaskClient, event: Any) -> None:
    booking = hold(client, "till-1", event.id, ids(client, event.id, "C5")).get_json()
    assert pay(client, "till-1", booking, {"method": "cash"}).status_code == 200


def test_a_slow_payment_service_times_out_and_the_retry_charges_once(
    app_context: Flask, client: FlaskClient, event: Any
) -> None:
    from conftest import SLOW_CARD_SECONDS

    from server.payments.simulator.cards import SLOW_CARD

    booking = hold(client, "ana", event.id, ids(client, event.id, "C6")).get_json()
    slow = {**CARD_OK, "cardNumber": SLOW_CARD}
    problem(pay(client, "ana", booking, slow), 504, "payment-timeout")
    time.sleep(SLOW_CARD_SECONDS)
    assert pay(client, "ana", booking, slow).status_code == 200
    assert len(charges_for(app_context, booking["bookingID"])) == 1


# --- idempotency --------------------------------------------------------------------------


def test_an_idempotency_key_replays_the_first_answer(client: FlaskClient, event: Any) -> None:
    seats = ids(client, event.id, "A1")
    first = hold(client, "ana", event.id, seats, **{"Idempotency-Key": "k-1"})
    again = hold(client, "ana", event.id, seats, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json()["bookingID"] == first.get_json()["bookingID"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = hold(client, "ana", event.id, ids(client, event.id, "A2"), **{"Idempotency-Key": "k-1"})
    problem(other, 422, "idempotency-key-reused")
    # Another user's identical key is their own.
    assert (
        hold(
            client, "ben", event.id, ids(client, event.id, "A3"), **{"Idempotency-Key": "k-1"}
        ).status_code
        == 201
    )


# --- who may do what ----------------------------------------------------------------------


def _token(
    claims: dict[str, Any], secret: str = JWT_SECRET, algorithm: str = "HS256"
) -> dict[str, str]:
    key = secret * 2  # long enough for any HMAC size, so PyJWT does not warn
    if algorithm == "HS256":
        key = secret
    return {"Authorization": f"Bearer {jwt.encode(claims, key, algorithm=algorithm)}"}


def test_bookings_need_a_valid_token(client: FlaskClient, event: Any) -> None:
    url, body = f"/bookings/{event.id}", {"ticketIDs": ids(client, event.id, "A1")}
    now = datetime.now(UTC)
    refused = [
        {},
        {"Authorization": "Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
        {"Authorization": "Bearer not-a-jwt"},
        _token({"sub": "ana", "exp": now - timedelta(minutes=1)}),
        _token({"sub": "ana", "exp": now + timedelta(hours=1)}, secret="wrong-secret-" + "z" * 32),
        _token({"sub": "ana", "exp": now + timedelta(hours=1)}, algorithm="HS512"),
        _token({"exp": now + timedelta(hours=1)}),
        _token({"sub": "ana"}),
        {"Authorization": "Bearer " + jwt.encode({"sub": "ana"}, None, algorithm="none")},
    ]
    for headers in refused:
        response = client.post(url, json=body, headers=headers)
        problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert status_of(client, event.id, body["ticketIDs"]) == ["AVAILABLE"]


def test_only_the_owner_can_see_pay_extend_or_release(client: FlaskClient, event: Any) -> None:
    booking = hold(client, "ana", event.id, ids(client, event.id, "A1")).get_json()
    url = f"/bookings/{booking['bookingID']}"
    problem(client.get(url, headers=bearer("eve")), 404, "not-found")
    problem(client.delete(url, headers=bearer("eve")), 404, "not-found")
    problem(client.post(url + "/extend", headers=bearer("eve")), 404, "not-found")
    problem(pay(client, "eve", booking, CARD_OK), 404, "not-found")
    problem(client.get(f"/bookings/{uuid.uuid4()}", headers=bearer("ana")), 404, "not-found")
    problem(client.get("/bookings/not-a-uuid", headers=bearer("ana")), 404, "not-found")
    assert client.get(url, headers=bearer("ana")).get_json()["status"] == "PENDING"
