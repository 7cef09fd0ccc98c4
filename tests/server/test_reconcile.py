"""Reconciliation of payments a crash cut off between the charge and the confirmation, on real
Postgres, Redis and the payment simulator. The crash is a gateway that dies right after (or
before) the real charge, the way a killed worker would; over real HTTP with a real SIGKILL
it is in tests/e2e/test_faults.py."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import JWT_SECRET, SECRET_KEY, Catalog, SuiteServices
from flask import Flask
from sqlalchemy import text

from server import create_app
from server.booking.errors import BookingClosed, PaymentFailed
from server.booking.reconcile import Reconciled, booking_service_for, reconcile_payments
from server.booking.service import BookingService
from server.cli import main
from server.extensions import db
from server.payments.gateway import Charge, PaymentGateway

CASH = {"method": "cash"}
DECLINED = {"method": "card", "cardNumber": "4000000000000002", "expiry": "12/39", "cvc": "123"}


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs."""


class DyingGateway:
    """The real payment service, but the worker dies right after (or before) the charge."""

    def __init__(self, gateway: PaymentGateway, *, before_charge: bool = False) -> None:
        self.gateway = gateway
        self.before_charge = before_charge

    def charge(self, **request: Any) -> Charge:
        if not self.before_charge:
            self.gateway.charge(**request)
        raise WorkerDied

    def refund(self, *, idempotency_key: str, request_id: str | None = None) -> Charge:
        return self.gateway.refund(idempotency_key=idempotency_key, request_id=request_id)

    def lookup(self, idempotency_key: str) -> Charge | None:
        return self.gateway.lookup(idempotency_key)


def service(app: Flask, *, gateway: Any = None, hold_seconds: int = 300) -> BookingService:
    base = booking_service_for(app, db.session())
    return BookingService(
        base.session,
        base.holds,
        gateway or base.gateway,
        replace(base.settings, hold_seconds=hold_seconds),
        changes=base.changes,
    )


def crash_while_paying(
    app: Flask, user: str, tickets: list[int], *, before_charge: bool = False, hold: int = 300
) -> str:
    """Hold the seats and die while paying for them; returns the booking ID."""
    event_id = db.session.execute(
        text("SELECT event_id FROM tickets WHERE id = :t"), {"t": tickets[0]}
    ).scalar_one()
    record = service(app, hold_seconds=hold).reserve(user, event_id, tickets)
    dying = service(
        app, gateway=DyingGateway(app.extensions["boxoffice.payments"], before_charge=before_charge)
    )
    with pytest.raises(WorkerDied):
        dying.pay(user, record.booking_id, CASH)
    db.session.rollback()
    return record.booking_id


def reconcile(app: Flask, *, grace: float = 0.0, close_after: float = 0.0) -> list[Reconciled]:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
        return reconcile_payments(
            booking_service_for(app, db.session()),
            lock,
            grace_seconds=grace,
            close_after_seconds=close_after,
        )


def booking(booking_id: str) -> Mapping[str, Any]:
    db.session.rollback()
    return (
        db.session.execute(
            text(
                "SELECT status, payment_status, payment_reference, payment_started_at "
                "FROM bookings WHERE id = :id"
            ),
            {"id": booking_id},
        )
        .mappings()
        .one()
    )


def charge_of(app: Flask, booking_id: str) -> Charge | None:
    gateway: PaymentGateway = app.extensions["boxoffice.payments"]
    return gateway.lookup(f"booking-{booking_id}-0")


def free_tickets(event_id: int, count: int) -> list[int]:
    return list(
        db.session.execute(
            text("SELECT id FROM tickets WHERE event_id = :e ORDER BY id LIMIT :n"),
            {"e": event_id, "n": count},
        ).scalars()
    )


@pytest.fixture
def seats(catalog: Catalog) -> list[int]:
    return free_tickets(catalog.event(catalog.venue()).id, 12)


def test_a_charge_whose_confirmation_never_committed_gets_booked(
    app: Flask, seats: list[int]
) -> None:
    booking_id = crash_while_paying(app, "ana", seats[:2])
    assert booking(booking_id)["status"] == "PENDING"
    charge = charge_of(app, booking_id)
    assert charge is not None and charge.status == "succeeded"

    [settled] = reconcile(app)
    assert (settled.booking_id, settled.outcome) == (booking_id, "confirmed")
    row = booking(booking_id)
    assert (row["status"], row["payment_status"]) == ("BOOKED", "CHARGED")
    assert row["payment_reference"] == charge.charge_id
    assert reconcile(app) == [], "a second run finds nothing left to do"
    again = charge_of(app, booking_id)
    assert again is not None and again.status == "succeeded", "charged once, not refunded"


def test_seats_sold_to_someone_else_meanwhile_are_refunded(app: Flask, seats: list[int]) -> None:
    booking_id = crash_while_paying(app, "ana", seats[:2], hold=1)
    time.sleep(1.2)  # ana's hold runs out; ben buys the seats
    event_id = booking_event(booking_id)
    ben = service(app).reserve("ben", event_id, seats[:2])
    assert service(app).pay("ben", ben.booking_id, CASH).status == "BOOKED"

    [settled] = reconcile(app)
    assert settled.outcome == "refunded"
    row = booking(booking_id)
    assert (row["status"], row["payment_status"]) == ("EXPIRED", "REFUNDED")
    charge = charge_of(app, booking_id)
    assert charge is not None and charge.status == "refunded"
    assert booking(ben.booking_id)["status"] == "BOOKED"


def test_a_refunded_booking_cannot_be_paid_into_seats_that_came_free_again(
    app: Flask, seats: list[int]
) -> None:
    """The refunded key replays its first answer ("succeeded"): it must not book for free."""
    booking_id = crash_while_paying(app, "ana", seats[:1], hold=1)
    time.sleep(1.2)
    ben = service(app).reserve("ben", booking_event(booking_id), seats[:1])
    [settled] = reconcile(app)  # ben's live hold owns the seat: ana's charge goes back
    assert settled.outcome == "refunded"
    service(app).release("ben", ben.booking_id)

    with pytest.raises(BookingClosed):
        service(app).pay("ana", booking_id, CASH)
    assert booking(booking_id)["status"] == "EXPIRED"
    charge = charge_of(app, booking_id)
    assert charge is not None and charge.status == "refunded"


def test_no_charge_closes_the_attempt_and_the_hold_can_still_be_paid(
    app: Flask, seats: list[int]
) -> None:
    booking_id = crash_while_paying(app, "ana", seats[:2], before_charge=True)
    assert booking(booking_id)["payment_started_at"] is not None
    assert charge_of(app, booking_id) is None

    assert reconcile(app, close_after=60) == [
        Reconciled(
            booking_id,
            "pending",
            f"no charge under booking-{booking_id}-0 yet; checked again later",
        )
    ], "a charge request may still be on its way: not closed too early"
    [settled] = reconcile(app)
    assert settled.outcome == "closed"
    row = booking(booking_id)
    assert (row["status"], row["payment_started_at"]) == ("PENDING", None)
    assert service(app).pay("ana", booking_id, CASH).status == "BOOKED"


def test_an_attempt_younger_than_the_grace_period_is_left_to_its_customer(
    app: Flask, seats: list[int]
) -> None:
    booking_id = crash_while_paying(app, "ana", seats[:2])
    assert reconcile(app, grace=60) == []
    assert booking(booking_id)["status"] == "PENDING"


def test_a_declined_card_leaves_no_payment_in_flight(app: Flask, seats: list[int]) -> None:
    record = service(app).reserve("ana", booking_event_of_ticket(seats[0]), seats[:1])
    with pytest.raises(PaymentFailed) as declined:
        service(app).pay("ana", record.booking_id, DECLINED)
    assert declined.value.status == 402
    assert booking(record.booking_id)["payment_started_at"] is None
    assert reconcile(app) == []


def test_two_runs_at_once_settle_each_payment_exactly_once(app: Flask, seats: list[int]) -> None:
    crashed = [crash_while_paying(app, f"user-{n}", [seat]) for n, seat in enumerate(seats[:8])]
    barrier = threading.Barrier(2)
    results: list[list[Reconciled]] = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            results.append(reconcile(app))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    settled = [item for run_result in results for item in run_result]
    assert Counter(item.booking_id for item in settled) == dict.fromkeys(crashed, 1)
    assert {item.outcome for item in settled} == {"confirmed"}
    assert all(booking(b)["status"] == "BOOKED" for b in crashed)


def test_every_worker_reconciles_on_its_own_timer(
    services: SuiteServices, app: Flask, seats: list[int]
) -> None:
    booking_id = crash_while_paying(app, "ana", seats[:1])
    worker = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": services.database_url,
            "REDIS_URL": services.redis_url,
            "REDIS_PREFIX": services.redis_prefix,
            "DATA_DIR": services.data_dir,
            "JWT_SECRET": JWT_SECRET,
            "SECRET_KEY": SECRET_KEY,
            "PAYMENTS_URL": services.payments_url,
            "CLEANUP_SECONDS": 60,
            "RECONCILE_SECONDS": 0.2,
            "RECONCILE_GRACE_SECONDS": 0,
            "PAYMENTS_TIMEOUT": 1.0,
        }
    )
    try:
        deadline = time.monotonic() + 10
        while booking(booking_id)["status"] != "BOOKED" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert booking(booking_id)["status"] == "BOOKED"
    finally:
        worker.extensions["boxoffice.cleanup_stop"].set()
        with worker.app_context():
            db.engine.dispose()


def booking_event(booking_id: str) -> int:
    return int(
        db.session.execute(
            text("SELECT event_id FROM bookings WHERE id = :id"), {"id": booking_id}
        ).scalar_one()
    )


def booking_event_of_ticket(ticket_id: int) -> int:
    return int(
        db.session.execute(
            text("SELECT event_id FROM tickets WHERE id = :t"), {"t": ticket_id}
        ).scalar_one()
    )


def test_the_command_refuses_a_grace_period_shorter_than_the_payment_timeout(
    services: SuiteServices, app_context: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shorter one could close an attempt whose charge request is still on its way."""
    for variable, value in services.server_environment().items():
        monkeypatch.setenv(variable, value)
    refused = CliRunner().invoke(main, ["reconcile", "--grace", "0.5"])
    assert refused.exit_code == 2
    assert "at least the payment timeout (1 s)" in refused.output
    done = CliRunner().invoke(main, ["reconcile", "--grace", "1"])
    assert done.exit_code == 0, done.output
    assert done.output.endswith(
        "0 payments in flight: 0 confirmed, 0 refunded, "
        "0 closed without a charge, 0 left for later.\n"
    )
