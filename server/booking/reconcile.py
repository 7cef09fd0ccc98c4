"""Settling payments that a crash cut off between the charge and the confirmation.

``pay`` commits ``payment_started_at`` before it asks for the charge, and the confirmation
(or refund) clears the attempt by setting ``payment_status``. A worker killed in between leaves
an attempt open: money may have been taken for a booking that still says PENDING. This finds
attempts open for longer than a grace period, asks the payment service what happened under the
attempt's idempotency key, and then

- a charge that succeeded: ``BookingService.settle`` — the very confirmation ``pay`` runs —
  books the seats if they are still free, or refunds the charge;
- a charge refunded already (the crash came after the refund): the booking is marked so;
- a declined charge, or none at all: the attempt is closed (the hold, if alive, can be paid);
- a charge still processing: left for the next run.

Safe to run in many places at once (every worker runs it periodically, ``boxoffice reconcile``
by hand): each booking is settled under a Postgres advisory lock taken with try-lock, and its
state is read again under the lock, so one run settles it and the others skip it. Live payments
need no lock: an attempt is only touched after the grace period, every payment-service call is
idempotent by key, and the SERIALIZABLE confirmation decides between a late customer retry and
this job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from flask import Flask
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from server.booking.errors import HoldExpired, SeatsUnavailable, ServiceBusy
from server.booking.records import BookingRecord, load_booking
from server.booking.service import BookingService, BookingSettings
from server.extensions import db
from server.live.changes import SeatChanges
from server.payments.gateway import (
    PaymentDeclined,
    PaymentTimeout,
    PaymentUnavailable,
)

__all__ = [
    "Reconciled",
    "booking_service_for",
    "close_after",
    "reconcile_payments",
    "run_reconcile_once",
]

log = logging.getLogger(__name__)

Outcome = Literal["confirmed", "refunded", "closed", "pending"]

#: First key of the two-key advisory locks this job takes (the second: hash of the booking).
_LOCK_SPACE = 0x626F78  # "box"

_IN_FLIGHT = """
    payment_started_at IS NOT NULL AND payment_status IS NULL
    AND payment_started_at < now() - make_interval(secs => :grace)
"""
_CANDIDATES = f"""
    SELECT id::text AS id, user_id FROM bookings WHERE {_IN_FLIGHT}
    ORDER BY payment_started_at LIMIT :limit
"""
_STILL_IN_FLIGHT = f"""
    SELECT payment_started_at, payment_attempt,
           extract(epoch FROM now() - payment_started_at) AS age
    FROM bookings WHERE id = CAST(:id AS uuid) AND {_IN_FLIGHT}
"""


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What one booking's open payment turned out to be, and what was done about it."""

    booking_id: str
    outcome: Outcome
    detail: str

    def __str__(self) -> str:
        return f"booking {self.booking_id}: {self.outcome} ({self.detail})"


@dataclass(frozen=True, slots=True)
class _Attempt:
    record: BookingRecord
    started_at: datetime
    age: float


def reconcile_payments(
    service: BookingService,
    lock: Connection,
    *,
    grace_seconds: float,
    close_after_seconds: float,
    limit: int = 200,
) -> list[Reconciled]:
    """Settle up to ``limit`` attempts open for more than ``grace_seconds``; oldest first.

    ``lock`` is an autocommit connection for the advisory locks (not ``service.session``'s,
    whose transactions come and go). An attempt without any charge is closed only once it is
    ``close_after_seconds`` old: by then the charge request, had it been sent, has arrived or
    timed out. Stops at the first sign that the payment service is down.
    """
    session = service.session
    rows = session.execute(text(_CANDIDATES), {"grace": grace_seconds, "limit": limit}).all()
    session.rollback()
    done: list[Reconciled] = []
    for row in rows:
        if not _try_lock(lock, row.id):
            continue  # another run has it
        try:
            attempt = _still_open(service, row.id, row.user_id, grace_seconds)
            if attempt is not None:
                done.append(_reconcile_one(service, attempt, close_after_seconds))
        except PaymentUnavailable as error:
            log.warning("reconciliation stopped, the payment service is unavailable: %s", error)
            detail = f"payment service unavailable ({error.message}); run stopped"
            done.append(Reconciled(row.id, "pending", detail))
            break
        finally:
            session.rollback()
            _unlock(lock, row.id)
    return done


def _try_lock(lock: Connection, booking_id: str) -> bool:
    locked = lock.execute(
        text("SELECT pg_try_advisory_lock(:space, hashtext(:id))"),
        {"space": _LOCK_SPACE, "id": booking_id},
    ).scalar_one()
    return bool(locked)


def _unlock(lock: Connection, booking_id: str) -> None:
    lock.execute(
        text("SELECT pg_advisory_unlock(:space, hashtext(:id))"),
        {"space": _LOCK_SPACE, "id": booking_id},
    )


def _still_open(
    service: BookingService, booking_id: str, user_id: str, grace_seconds: float
) -> _Attempt | None:
    """The attempt read again under the lock: another run may have settled it meanwhile."""
    session = service.session
    row = session.execute(
        text(_STILL_IN_FLIGHT), {"id": booking_id, "grace": grace_seconds}
    ).one_or_none()
    if row is None:
        return None
    record = load_booking(session, booking_id, user_id, service.settings.max_extensions)
    session.rollback()  # no transaction stays open across the payment service's answer
    if record is None or record.payment_attempt != row.payment_attempt:
        return None
    return _Attempt(record, row.payment_started_at, float(row.age))


def _reconcile_one(
    service: BookingService, attempt: _Attempt, close_after_seconds: float
) -> Reconciled:
    record = attempt.record
    key = record.payment_key

    def outcome(kind: Outcome, detail: str) -> Reconciled:
        done = Reconciled(record.booking_id, kind, detail)
        log.info("reconciled payment %s: %s", key, done)
        return done

    try:
        charge = service.gateway.lookup(key)
    except PaymentTimeout:
        return outcome("pending", f"charge {key} is still processing; checked again later")
    except PaymentDeclined as declined:
        _close(service.session, attempt, next_attempt=True)
        return outcome("closed", f"charge {key} was declined ({declined.code})")
    if charge is None:
        if attempt.age < close_after_seconds:
            return outcome("pending", f"no charge under {key} yet; checked again later")
        _close(service.session, attempt, next_attempt=False)
        return outcome("closed", f"no charge was made under {key}")
    if charge.status == "refunded":
        _mark_refunded(service.session, record.booking_id, charge.charge_id)
        return outcome("refunded", f"charge {charge.charge_id} had been refunded already")
    try:
        service.settle(record, charge)
    except (HoldExpired, SeatsUnavailable):
        detail = f"seats taken or booking cancelled meanwhile; charge {charge.charge_id} refunded"
        return outcome("refunded", detail)
    except (ServiceBusy, PaymentTimeout) as busy:
        return outcome("pending", f"charge {charge.charge_id}: {busy}; tried again later")
    return outcome("confirmed", f"charge {charge.charge_id} booked")


def _close(session: Session, attempt: _Attempt, *, next_attempt: bool) -> None:
    """Nothing was charged: no payment in flight. Only the attempt that was looked at: a
    customer paying again meanwhile has moved ``payment_started_at`` on."""
    bump = ", payment_attempt = payment_attempt + 1" if next_attempt else ""
    session.execute(
        text(
            f"UPDATE bookings SET payment_started_at = NULL{bump} "
            "WHERE id = CAST(:id AS uuid) AND payment_status IS NULL "
            "AND payment_started_at = :started AND payment_attempt = :attempt"
        ),
        {
            "id": attempt.record.booking_id,
            "started": attempt.started_at,
            "attempt": attempt.record.payment_attempt,
        },
    )
    session.commit()


def _mark_refunded(session: Session, booking_id: str, charge_id: str) -> None:
    """The refund went through but the crash came before the booking learnt of it."""
    session.execute(
        text(
            """
            UPDATE bookings SET payment_status = 'REFUNDED', payment_reference = :charge,
                   status = CASE WHEN status = 'PENDING' THEN 'EXPIRED' ELSE status END
            WHERE id = CAST(:id AS uuid) AND payment_status IS NULL AND status <> 'BOOKED'
            """
        ),
        {"id": booking_id, "charge": charge_id},
    )
    session.commit()


def booking_service_for(app: Flask, session: Session) -> BookingService:
    """A booking service outside any request: the app's hold store, gateway and settings."""
    config = app.config
    return BookingService(
        session,
        app.extensions["boxoffice.holds"],
        app.extensions["boxoffice.payments"],
        BookingSettings(
            hold_seconds=config["HOLD_SECONDS"],
            extension_seconds=config["HOLD_EXTENSION_SECONDS"],
            max_extensions=config["HOLD_MAX_EXTENSIONS"],
            currency=config["CURRENCY"],
        ),
        changes=SeatChanges(app.extensions.get("boxoffice.changes")),
    )


def close_after(app: Flask) -> float:
    """How old an attempt must be before "no charge" is final: past every timeout of the
    charge request (connect, then up to two reads, as the gateway retries one dropped
    connection)."""
    return 2 * float(app.config.get("PAYMENTS_TIMEOUT") or 10.0) + 2.0


def run_reconcile_once(
    app: Flask, *, grace_seconds: float | None = None, limit: int = 200
) -> list[Reconciled]:
    """One reconciliation run with the app's settings (``boxoffice reconcile``, the thread)."""
    grace = app.config["RECONCILE_GRACE_SECONDS"] if grace_seconds is None else grace_seconds
    with app.app_context():
        try:
            service = booking_service_for(app, db.session())
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
                done = reconcile_payments(
                    service,
                    lock,
                    grace_seconds=float(grace),
                    close_after_seconds=max(float(grace), close_after(app)),
                    limit=limit,
                )
        finally:
            db.session.remove()
    return done
