"""Best available over the API (``POST /bookings/{eventID}`` with ``quantity``), on real
Postgres and Redis: the server picks N seats side by side and holds them in one step.

The tiny room (tests/conftest.py): row A 1-10 (front), rows B and C 1-5 | aisle | 6-9 (back),
5 standing places (back); the stage is in front of row A's middle, between A5 and A6.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Catalog, bearer
from flask import Flask
from flask.testing import FlaskClient

from server.api.bookings import booking_service
from server.booking import hold_best
from server.booking.errors import ServiceBusy
from server.booking.holds import HoldStore
from server.booking.service import BookingService
from shared.models import BookingInfo


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["type"] == f"/problems/{slug}", body
    return body


@pytest.fixture
def event(catalog: Catalog) -> Any:
    return catalog.event(catalog.venue())


def best(client: FlaskClient, user: str, event_id: int, quantity: int, **extra: Any) -> Any:
    return client.post(
        f"/bookings/{event_id}", json={"quantity": quantity, **extra}, headers=bearer(user)
    )


def held(response: Any) -> list[str]:
    """Seat IDs of a 201 booking, in order."""
    assert response.status_code == 201, response.get_data(as_text=True)
    return [t.seat_id for t in BookingInfo.model_validate(response.get_json()).tickets]


def tickets(client: FlaskClient, event_id: int) -> dict[str, dict[str, Any]]:
    detail = client.get(f"/events/{event_id}").get_json()
    return {t["seatID"]: t for t in detail["tickets"]}


def seat_ids(*labels: str) -> list[str]:
    return [f"stalls:{label[0]}:{label[1:]}" for label in labels]


def hold(client: FlaskClient, user: str, event_id: int, *labels: str) -> Any:
    by_seat = tickets(client, event_id)
    ids = [by_seat[seat]["ticketID"] for seat in seat_ids(*labels)]
    response = client.post(f"/bookings/{event_id}", json={"ticketIDs": ids}, headers=bearer(user))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_best_two_are_the_front_row_centre_held_like_any_hold(
    client: FlaskClient, event: Any
) -> None:
    response = best(client, "ana", event.id, 2)
    assert held(response) == seat_ids("A5", "A6")
    booking = response.get_json()
    assert booking["status"] == "PENDING" and booking["price"] == "80.00"
    assert response.headers["Location"] == f"/bookings/{booking['bookingID']}"
    assert response.headers["Cache-Control"] == "no-store"
    states = tickets(client, event.id)
    assert [states[s]["ticketStatus"] for s in seat_ids("A5", "A6")] == ["RESERVED"] * 2
    again = client.get(f"/bookings/{booking['bookingID']}", headers=bearer("ana")).get_json()
    assert again["status"] == "PENDING"


def test_held_and_sold_seats_are_passed_over_without_stranding_one(
    client: FlaskClient, event: Any
) -> None:
    hold(client, "ben", event.id, "A5", "A6")
    sold = hold(client, "cat", event.id, "A3", "A4")
    paid = client.post(
        sold["paymentInputURL"], json={"paymentDetails": {"method": "cash"}}, headers=bearer("cat")
    )
    assert paid.status_code == 200
    # Free in row A: 1-2 and 7-10. A7-8 is nearest, and leaves A9-10 as a pair.
    assert held(best(client, "ana", event.id, 2)) == seat_ids("A7", "A8")
    # Three together: row A has none left. In the back rows B3-5 is nearest of those that
    # strand no one (B6-8 or B7-9 would leave one seat beside the aisle).
    assert held(best(client, "dan", event.id, 3)) == seat_ids("B3", "B4", "B5")


def test_a_price_category_keeps_to_its_seats(client: FlaskClient, event: Any) -> None:
    response = best(client, "ana", event.id, 4, category="back")
    assert held(response) == seat_ids("B6", "B7", "B8", "B9")
    assert {t["category"] for t in response.get_json()["tickets"]} == {"back"}
    assert held(best(client, "ben", event.id, 3, category="front")) == seat_ids("A4", "A5", "A6")


def test_standing_places_when_no_seated_group_fits(client: FlaskClient, event: Any) -> None:
    """Five in the back category: with B1 and C1 taken no stretch of seats is that long."""
    hold(client, "ben", event.id, "B1", "C1")
    response = best(client, "ana", event.id, 5, category="back")
    assert held(response) == [f"standing:GA:{n}" for n in range(1, 6)]


def test_no_group_together_is_a_409_of_its_own(client: FlaskClient, event: Any) -> None:
    body = problem(best(client, "ana", event.id, 6, category="back"), 409, "no-seats-together")
    assert body["quantity"] == 6 and body["category"] == "back"
    assert "no 6 adjacent seats available together in category back" in body["detail"]
    assert "ticketIDs" not in body
    hold(client, "ben", event.id, "A3", "A4", "A7", "A8")
    body = problem(best(client, "ana", event.id, 3, category="front"), 409, "no-seats-together")
    assert "category" in body and body["quantity"] == 3
    states = tickets(client, event.id)
    assert sum(t["ticketStatus"] == "RESERVED" for t in states.values()) == 4, "nothing held"


def test_a_new_pick_replaces_the_users_hold_and_may_keep_its_seats(
    client: FlaskClient, event: Any
) -> None:
    first = best(client, "ana", event.id, 2)
    assert held(first) == seat_ids("A5", "A6")
    # Her own held seats count as free to her: four together around the centre.
    second = best(client, "ana", event.id, 4)
    assert held(second) == seat_ids("A4", "A5", "A6", "A7")
    old = client.get(f"/bookings/{first.get_json()['bookingID']}", headers=bearer("ana"))
    assert old.get_json()["status"] == "CANCELLED"
    # Now a smaller pick: A5-6 again, and A4, A7 are let go.
    assert held(best(client, "ana", event.id, 2)) == seat_ids("A5", "A6")
    states = tickets(client, event.id)
    assert [states[s]["ticketStatus"] for s in seat_ids("A4", "A5", "A6", "A7")] == [
        "AVAILABLE",
        "RESERVED",
        "RESERVED",
        "AVAILABLE",
    ]


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"quantity": 2, "ticketIDs": [1, 2]}, "body", "not both"),
        ({}, "ticketIDs", "or quantity"),
        ({"category": "front"}, "ticketIDs", "or quantity"),
        ({"ticketIDs": [1], "category": "front"}, "body", "category goes with quantity"),
        ({"quantity": 0}, "quantity", "greater than or equal to 1"),
        ({"quantity": 11}, "quantity", "less than or equal to 10"),
        ({"quantity": "2"}, "quantity", "valid integer"),
        ({"quantity": 2.5}, "quantity", "valid integer"),
        ({"quantity": None}, "quantity", "leave the field out"),
        ({"quantity": 2, "category": None}, "category", "leave the field out"),
        ({"quantity": 2, "category": "a b"}, "category", "pattern"),
        ({"quantity": 2, "best": True}, "best", "Extra inputs"),
    ],
)
def test_malformed_best_available_requests_are_400_saying_why(
    client: FlaskClient, event: Any, body: dict[str, Any], field: str, says: str
) -> None:
    found = problem(
        client.post(f"/bookings/{event.id}", json=body, headers=bearer("ana")), 400, "invalid-body"
    )
    assert found["errors"][0]["field"] == field
    assert says in found["detail"]


def test_an_unknown_category_or_event_is_refused(client: FlaskClient, event: Any) -> None:
    body = problem(best(client, "ana", event.id, 2, category="gold"), 400, "invalid-selection")
    assert body["field"] == "category"
    assert "no price category 'gold'" in body["detail"] and "front, back" in body["detail"]
    problem(best(client, "ana", 424242, 2), 404, "not-found")
    assert client.post(f"/bookings/{event.id}", json={"quantity": 2}).status_code == 401


def test_an_event_that_is_over_sells_nothing(client: FlaskClient, catalog: Catalog) -> None:
    past = catalog.event(catalog.venue(), days=-1)
    body = problem(best(client, "ana", past.id, 2), 400, "invalid-selection")
    assert "over" in body["detail"]


# --- losing a race: a stale view of the holds widens the window ------------------------------


class StaleHolds(HoldStore):
    """The real Redis store, but its seat-map view never shows a hold: as if every other
    request held its seats between our look and our hold."""

    def held_tickets(self, event_id: int, *, now_ms: int) -> set[int]:
        return set()


@pytest.fixture
def stale_service(app_context: Flask) -> Iterator[BookingService]:
    with app_context.test_request_context():
        service = booking_service()
        service.holds = StaleHolds(
            app_context.extensions["boxoffice.redis"], app_context.config["REDIS_PREFIX"]
        )
        yield service


def test_seats_lost_to_a_faster_request_are_left_out_and_the_next_best_held(
    client: FlaskClient, event: Any, stale_service: BookingService
) -> None:
    hold(client, "ben", event.id, "A5", "A6")
    record = stale_service.reserve_best("ana", event.id, 2)
    seats = [t.seat_id for t in record.tickets]
    assert seats in (seat_ids("A3", "A4"), seat_ids("A7", "A8"))
    assert tickets(client, event.id)["stalls:A:5"]["ticketStatus"] == "RESERVED"


def test_a_request_that_keeps_losing_is_told_to_retry_not_that_nothing_is_free(
    client: FlaskClient,
    event: Any,
    stale_service: BookingService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hold(client, "ben", event.id, "A5", "A6")
    monkeypatch.setattr(hold_best, "ATTEMPTS", 1)
    with pytest.raises(ServiceBusy) as busy:
        stale_service.reserve_best("ana", event.id, 2)
    assert busy.value.status == 503 and busy.value.headers["Retry-After"] == "1"
    states = tickets(client, event.id)
    assert sum(t["ticketStatus"] == "RESERVED" for t in states.values()) == 2, "nothing held"
