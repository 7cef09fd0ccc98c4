"""One customer cannot see, release, extend or pay for another's booking, whatever state it is
in: each route answers exactly as it does for a booking that does not exist (404), and the
booking's row, its tickets, its Redis hold and its payments are just as they were."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import JWT_SECRET, Catalog, bearer
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from server.api.queue import waiting
from server.auth import issue_token
from server.extensions import db
from server.payments.gateway import PaymentDeclined
from server.waiting import start_surge
from shared.models import ADMISSION_HEADER

CARD = {"method": "card", "cardNumber": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"}
CASH = {"paymentDetails": {"method": "cash"}}


@dataclass(frozen=True)
class Attempt:
    """One route tried on a booking: method, path under ``/bookings/{id}``, JSON body."""

    method: str
    suffix: str = ""
    body: dict[str, Any] | None = None

    def send(self, client: FlaskClient, booking_id: str, headers: dict[str, str]) -> Any:
        return client.open(
            f"/bookings/{booking_id}{self.suffix}",
            method=self.method,
            json=self.body,
            headers=headers,
        )


ROUTES = {
    "read": Attempt("GET"),
    "release": Attempt("DELETE"),
    "extend": Attempt("POST", "/extend"),
    "pay-cash": Attempt("POST", "/payment", CASH),
    "pay-card": Attempt("POST", "/payment", {"paymentDetails": CARD}),
}


def staff(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, JWT_SECRET, staff=True)}"}


#: Everyone who is not ``ana``: user IDs are compared exactly, staff included.
INTRUDERS = {
    "eve": bearer("eve"),
    "box-office-staff": staff("box-office-1"),
    "upper-case": bearer("ANA"),
    "trailing-space": bearer("ana "),
    "sql-fragment": bearer("ana' OR '1'='1"),
}


def booking_state(app: Flask, booking_id: str) -> dict[str, Any]:
    """Everything about a booking that someone else's request could change."""
    row = db.session.execute(
        text(
            "SELECT user_id, status, expires_at, extensions, payment_attempt, confirmed_at "
            "FROM bookings WHERE id = :id"
        ),
        {"id": booking_id},
    ).one()
    tickets = db.session.execute(
        text(
            "SELECT t.id, t.status, t.version FROM tickets t "
            "JOIN booking_tickets bt ON bt.ticket_id = t.id WHERE bt.booking_id = :id ORDER BY t.id"
        ),
        {"id": booking_id},
    ).all()
    db.session.rollback()
    event_id = db.session.execute(
        text("SELECT event_id FROM bookings WHERE id = :id"), {"id": booking_id}
    ).scalar_one()
    return {
        "row": tuple(row),
        "tickets": [tuple(t) for t in tickets],
        "redis": redis_hold(app, event_id, [t.id for t in tickets], "ana"),
        "charges": charges(app, booking_id),
    }


def redis_hold(app: Flask, event_id: int, ticket_ids: list[int], user: str) -> dict[str, Any]:
    """Each seat's holder and hold expiry in Redis, and the user's pending-hold record."""
    store = app.extensions["boxoffice.redis"]
    base = f"{app.config['REDIS_PREFIX']}{{e{event_id}}}"
    seats = {}
    for ticket in ticket_ids:
        key = f"{base}:hold:{ticket}"
        seats[ticket] = (store.get(key), store.zscore(f"{base}:held", str(ticket)))
    pending = f"{base}:pending:{user}"
    return {"seats": seats, "pending": store.get(pending), "ttl": ttl_bucket(store.pttl(pending))}


def ttl_bucket(pttl: int) -> int:
    """Time left to the whole minute: an extension (+2 min) moves it, seconds passing do not."""
    return -1 if pttl < 0 else round(pttl / 60_000)


def charges(app: Flask, booking_id: str) -> list[str]:
    """Charges the payment service knows for this booking's first attempts."""
    gateway = app.extensions["boxoffice.payments"]
    found = []
    for attempt in range(3):
        try:
            charge = gateway.lookup(f"booking-{booking_id}-{attempt}")
        except PaymentDeclined:
            found.append("declined")
            continue
        if charge is not None:
            found.append(charge.status)
    return found


@pytest.fixture
def event(catalog: Catalog) -> Any:
    return catalog.event(catalog.venue())


def free_tickets(client: FlaskClient, event_id: int) -> list[int]:
    seats = client.get(f"/events/{event_id}").get_json()["tickets"]
    return [seat["ticketID"] for seat in seats if seat["ticketStatus"] == "AVAILABLE"]


def anas_booking(client: FlaskClient, event_id: int, state: str) -> dict[str, Any]:
    """A booking of ana's, left PENDING, BOOKED (paid in cash) or CANCELLED (released)."""
    held = client.post(
        f"/bookings/{event_id}",
        json={"ticketIDs": free_tickets(client, event_id)[:2]},
        headers=bearer("ana"),
    )
    assert held.status_code == 201, held.get_data(as_text=True)
    booking: dict[str, Any] = held.get_json()
    if state == "BOOKED":
        paid = client.post(booking["paymentInputURL"], json=CASH, headers=bearer("ana"))
        assert paid.status_code == 200
    elif state == "CANCELLED":
        assert (
            client.delete(f"/bookings/{booking['bookingID']}", headers=bearer("ana")).status_code
            == 204
        )
    return booking


def same_as_no_booking(
    client: FlaskClient, attempt: Attempt, booking_id: str, headers: dict[str, str], answer: Any
) -> None:
    """The answer equals the one for a booking that never existed, but for the ID itself
    (and the request's own ID, if the server adds one)."""
    assert answer.status_code == 404, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    nobody = str(uuid.uuid4())
    unknown = attempt.send(client, nobody, headers)
    assert unknown.status_code == 404

    def problem(response: Any, booking: str) -> dict[str, Any]:
        text_of = response.get_data(as_text=True).replace(booking, "<id>")
        found: dict[str, Any] = json.loads(text_of)
        found.pop("requestId", None)
        return found

    assert problem(answer, booking_id) == problem(unknown, nobody)


@pytest.mark.parametrize("state", ["PENDING", "BOOKED", "CANCELLED"])
@pytest.mark.parametrize("route", ROUTES)
def test_another_users_booking_is_not_found_and_stays_as_it_was(
    app_context: Flask, client: FlaskClient, event: Any, route: str, state: str
) -> None:
    booking = anas_booking(client, event.id, state)
    booking_id = booking["bookingID"]
    # eve has a hold of her own on the same event: a mix-up of the two would show
    eve_seat = free_tickets(client, event.id)[0]
    assert (
        client.post(
            f"/bookings/{event.id}", json={"ticketIDs": [eve_seat]}, headers=bearer("eve")
        ).status_code
        == 201
    )
    before = booking_state(app_context, booking_id)
    attempt = ROUTES[route]
    for name, headers in INTRUDERS.items():
        answer = attempt.send(client, booking_id, headers)
        same_as_no_booking(client, attempt, booking_id, headers, answer)
        assert booking_state(app_context, booking_id) == before, name
    mine = client.get(f"/bookings/{booking_id}", headers=bearer("ana"))
    assert mine.status_code == 200
    assert mine.get_json()["status"] == state


def test_the_owner_can_still_extend_and_pay_after_every_attempt_by_others(
    app_context: Flask, client: FlaskClient, event: Any
) -> None:
    """Others' extends did not use up ana's extensions and others' payments did not spend
    her payment attempts or charge anyone: her booking works as if nobody had tried."""
    booking = anas_booking(client, event.id, "PENDING")
    booking_id = booking["bookingID"]
    for attempt in ROUTES.values():
        for headers in INTRUDERS.values():
            assert attempt.send(client, booking_id, headers).status_code == 404
    extended = client.post(f"/bookings/{booking_id}/extend", headers=bearer("ana"))
    assert extended.status_code == 200
    assert extended.get_json()["extensionsLeft"] == booking["extensionsLeft"] - 1
    paid = client.post(
        booking["paymentInputURL"], json={"paymentDetails": CARD}, headers=bearer("ana")
    )
    assert paid.status_code == 200, paid.get_data(as_text=True)
    assert charges(app_context, booking_id) == ["succeeded"]  # attempt 0: nobody else's


def test_another_users_idempotency_key_replays_nothing_of_the_owners(
    app_context: Flask, client: FlaskClient, event: Any
) -> None:
    """A key is per user: eve sending ana's key and body gets her own answer, never ana's
    stored one (which would hand her ana's booking ID and payment URL)."""
    hold_key = {"Idempotency-Key": str(uuid.uuid4())}
    pay_key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"ticketIDs": free_tickets(client, event.id)[:2]}
    held = client.post(f"/bookings/{event.id}", json=body, headers={**bearer("ana"), **hold_key})
    assert held.status_code == 201
    booking_id = held.get_json()["bookingID"]
    paying = {**bearer("ana"), **pay_key}
    assert (
        client.post(held.get_json()["paymentInputURL"], json=CASH, headers=paying).status_code
        == 200
    )
    before = booking_state(app_context, booking_id)

    copied = client.post(f"/bookings/{event.id}", json=body, headers={**bearer("eve"), **hold_key})
    assert copied.status_code == 409  # ana's seats are taken: eve's own request, run for real
    assert "Idempotent-Replayed" not in copied.headers
    assert booking_id not in copied.get_data(as_text=True)
    answer = ROUTES["pay-cash"].send(client, booking_id, {**bearer("eve"), **pay_key})
    assert answer.status_code == 404
    assert "Idempotent-Replayed" not in answer.headers
    assert booking_state(app_context, booking_id) == before


def test_the_public_seat_map_does_not_say_whose_hold_it_is(client: FlaskClient, event: Any) -> None:
    booking = anas_booking(client, event.id, "PENDING")
    for view in ("full", "summary"):
        public = client.get(f"/events/{event.id}?view={view}", headers=bearer("eve"))
        assert public.status_code == 200
        text_of_map = public.get_data(as_text=True)
        assert booking["bookingID"] not in text_of_map
        assert '"ana"' not in text_of_map
    statuses = {
        seat["ticketID"]: seat["ticketStatus"]
        for seat in client.get(f"/events/{event.id}").get_json()["tickets"]
    }
    assert {statuses[t["ticketID"]] for t in booking["tickets"]} == {"RESERVED"}


@pytest.fixture
def high_demand(event: Any) -> Iterator[Any]:
    """The event in high demand; afterwards this worker forgets it (IDs restart per test)."""
    start_surge(db.session(), event.id, 60, None)
    waiting().surges.forget(event.id)
    yield event
    waiting().surges.forget()


def test_another_users_admission_token_holds_nothing(
    app_context: Flask, client: FlaskClient, high_demand: Any
) -> None:
    """A high-demand event's holds need the caller's own admission token: ana's does not
    let eve in, and eve's refused hold leaves no booking and no Redis hold."""
    event = high_demand
    admitted = client.post(f"/events/{event.id}/queue", headers=bearer("ana")).get_json()
    assert admitted["state"] == "admitted", admitted
    anas_pass = {ADMISSION_HEADER: admitted["admissionToken"]}
    seat_map = client.get(f"/events/{event.id}", headers={**bearer("ana"), **anas_pass})
    seat = seat_map.get_json()["tickets"][0]["ticketID"]

    stolen = client.post(
        f"/bookings/{event.id}", json={"ticketIDs": [seat]}, headers={**bearer("eve"), **anas_pass}
    )
    assert stolen.status_code == 403
    assert stolen.get_json()["type"] == "/problems/admission-required"
    assert db.session.execute(text("SELECT count(*) FROM bookings")).scalar() == 0
    assert redis_hold(app_context, event.id, [seat], "eve")["seats"] == {seat: (None, None)}
    # ana's pass still works for ana
    mine = client.post(
        f"/bookings/{event.id}", json={"ticketIDs": [seat]}, headers={**bearer("ana"), **anas_pass}
    )
    assert mine.status_code == 201
    assert mine.get_json()["status"] == "PENDING"
