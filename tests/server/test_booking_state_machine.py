"""A property test of the booking state machine against the real services.

Hypothesis drives random sequences of holds, releases, payments and extensions by three users
over six seats, and after every step the API and the database must agree with a simple model:
a seat is free, held by one user, or sold to one user — never two at once.
"""

from __future__ import annotations

import pytest
from conftest import Catalog, bearer
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import text

from server.extensions import db

USERS = ("ana", "ben", "cy")
CARDS = {
    "ok": {"method": "card", "cardNumber": "4242424242424242", "expiry": "12/39", "cvc": "123"},
    "declined": {
        "method": "card",
        "cardNumber": "4000000000000002",
        "expiry": "12/39",
        "cvc": "123",
    },
}


class BookingMachine(RuleBasedStateMachine):
    client: FlaskClient
    catalog: Catalog

    def __init__(self) -> None:
        super().__init__()
        event = self.catalog.event(self.catalog.venue())
        self.event_id = event.id
        detail = self.client.get(f"/events/{self.event_id}").get_json()
        self.seats: list[int] = [t["ticketID"] for t in detail["tickets"][:6]]
        self.held: dict[int, tuple[str, str]] = {}  # seat -> (user, booking)
        self.sold: dict[int, str] = {}
        self.pending: dict[str, tuple[str, list[int], int]] = {}  # user -> booking, seats, ext.
        self.bookings: dict[str, str] = {}  # booking -> user

    @rule(user=st.sampled_from(USERS), picks=st.sets(st.integers(0, 5), min_size=1, max_size=3))
    def hold(self, user: str, picks: set[int]) -> None:
        wanted = sorted(self.seats[i] for i in picks)
        response = self.client.post(
            f"/bookings/{self.event_id}", json={"ticketIDs": wanted}, headers=bearer(user)
        )
        blocked = sorted(
            seat
            for seat in wanted
            if seat in self.sold or (seat in self.held and self.held[seat][0] != user)
        )
        if blocked:
            assert response.status_code == 409, response.get_json()
            assert response.get_json()["ticketIDs"] == blocked
            return
        assert response.status_code == 201, response.get_json()
        booking = response.get_json()["bookingID"]
        if user in self.pending:
            _, old_seats, _ = self.pending.pop(user)
            for seat in old_seats:
                self.held.pop(seat, None)
        for seat in wanted:
            self.held[seat] = (user, booking)
        self.pending[user] = (booking, wanted, 0)
        self.bookings[booking] = user

    @rule(user=st.sampled_from(USERS))
    def release(self, user: str) -> None:
        if user not in self.pending:
            return
        booking, seats, _ = self.pending.pop(user)
        response = self.client.delete(f"/bookings/{booking}", headers=bearer(user))
        assert response.status_code == 204
        for seat in seats:
            self.held.pop(seat, None)

    @rule(user=st.sampled_from(USERS), card=st.sampled_from(sorted(CARDS)))
    def pay(self, user: str, card: str) -> None:
        if user not in self.pending:
            return
        booking, seats, _ = self.pending[user]
        response = self.client.post(
            f"/bookings/{booking}/payment",
            json={"paymentDetails": CARDS[card]},
            headers=bearer(user),
        )
        if card == "declined":
            assert response.status_code == 402
            return
        assert response.status_code == 200, response.get_json()
        del self.pending[user]
        for seat in seats:
            self.held.pop(seat)
            self.sold[seat] = user

    @rule(user=st.sampled_from(USERS))
    def extend(self, user: str) -> None:
        if user not in self.pending:
            return
        booking, seats, extensions = self.pending[user]
        response = self.client.post(f"/bookings/{booking}/extend", headers=bearer(user))
        if extensions >= 2:
            assert response.status_code == 409
            return
        assert response.status_code == 200, response.get_json()
        self.pending[user] = (booking, seats, extensions + 1)

    @rule(intruder=st.sampled_from(USERS), victim=st.sampled_from(USERS))
    def touch_someone_elses_booking(self, intruder: str, victim: str) -> None:
        if intruder == victim or victim not in self.pending:
            return
        booking = self.pending[victim][0]
        assert self.client.get(f"/bookings/{booking}", headers=bearer(intruder)).status_code == 404
        assert (
            self.client.delete(f"/bookings/{booking}", headers=bearer(intruder)).status_code == 404
        )

    @invariant()
    def seat_map_matches_the_model(self) -> None:
        detail = self.client.get(f"/events/{self.event_id}").get_json()
        status = {t["ticketID"]: t["ticketStatus"] for t in detail["tickets"]}
        for seat in self.seats:
            expected = (
                "BOOKED" if seat in self.sold else "RESERVED" if seat in self.held else "AVAILABLE"
            )
            assert status[seat] == expected, (seat, self.held, self.sold)

    @invariant()
    def postgres_never_has_a_seat_twice(self) -> None:
        rows = db.session.execute(
            text(
                """
                SELECT bt.ticket_id, b.user_id, b.status FROM booking_tickets bt
                JOIN bookings b ON b.id = bt.booking_id
                WHERE b.event_id = :e AND b.status IN ('PENDING', 'BOOKED')
                """
            ),
            {"e": self.event_id},
        ).all()
        db.session.rollback()
        seats = [row.ticket_id for row in rows]
        assert len(seats) == len(set(seats))
        booked = {row.ticket_id: row.user_id for row in rows if row.status == "BOOKED"}
        assert booked == self.sold
        pending = {row.ticket_id: row.user_id for row in rows if row.status == "PENDING"}
        assert pending == {seat: user for seat, (user, _) in self.held.items()}


@pytest.mark.slow
def test_booking_state_machine(app_context: Flask, client: FlaskClient, catalog: Catalog) -> None:
    BookingMachine.client = client
    BookingMachine.catalog = catalog
    BookingMachine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    BookingMachine.TestCase().runTest()
