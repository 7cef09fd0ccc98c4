"""The booking rules: hold seats, pay, confirm, release, extend. No Flask in here.

A seat goes AVAILABLE → RESERVED (a Redis hold for one user) → BOOKED (Postgres). The atomic
Redis hold is the only gate for reserving — availability shown to clients is information —
and the SERIALIZABLE confirmation plus the database constraints are the last word, so even a
lost or wrong Redis cannot sell a seat twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import redis
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from server.booking.errors import (
    BookingClosed,
    BookingError,
    ExtensionLimitReached,
    HoldExpired,
    InvalidSelection,
    NotFound,
    PaymentFailed,
    SeatsUnavailable,
    ServiceBusy,
)
from server.booking.hold_best import hold_best_available
from server.booking.holds import BOOKED_PREFIX, Holder, HoldStore
from server.booking.records import BookingRecord, booked_ticket, load_booking
from server.booking.transaction import run_serializable
from server.live.changes import SeatChanges
from server.payments.gateway import (
    Charge,
    PaymentDeclined,
    PaymentError,
    PaymentGateway,
    PaymentInvalid,
    PaymentTimeout,
)

__all__ = ["BookingService", "BookingSettings", "expire_stale_bookings"]

log = logging.getLogger(__name__)

_HOLD_BOOKING = "SELECT * FROM hold_booking(%s, %s, %s, %s, %s, %s)"
#: Raised by ``hold_booking`` when a ticket is already in a live booking.
_ALREADY_BOOKED = "BX409"


@dataclass(frozen=True, slots=True)
class BookingSettings:
    hold_seconds: int = 300
    extension_seconds: int = 120
    max_extensions: int = 2
    max_tickets: int = 10
    currency: str = "GBP"


class _SeatsLost(Exception):
    """Raised inside the confirmation so that its partial writes roll back."""

    def __init__(self, ticket_ids: list[int]) -> None:
        super().__init__(ticket_ids)
        self.ticket_ids = ticket_ids


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class BookingService:
    """One request's worth of booking work over a session, the hold store and the gateway."""

    def __init__(
        self,
        session: Session,
        holds: HoldStore,
        gateway: PaymentGateway,
        settings: BookingSettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        changes: SeatChanges | None = None,
    ) -> None:
        self.session = session
        self.holds = holds
        self.gateway = gateway
        self.settings = settings
        self.clock = clock
        #: Where seat changes go for the live stream (nowhere if not given); never raises.
        self.changes = changes or SeatChanges(None)

    # reserve ------------------------------------------------------------------------------
    def reserve(self, user_id: str, event_id: int, ticket_ids: Sequence[int]) -> BookingRecord:
        """Hold 1–10 seats for ``user_id``, all or none; the first request for a seat wins.

        A user's earlier pending hold on the same event is replaced, but only once the new
        seats are secured: if they are taken the earlier hold stays as it was.
        """
        self._check_selection(ticket_ids)
        now = self.clock()
        booking_id = str(uuid.uuid4())
        holder = Holder(user_id, booking_id)
        try:
            result = self.holds.hold(
                event_id,
                ticket_ids,
                holder,
                ttl_ms=self.settings.hold_seconds * 1000,
                now_ms=_ms(now),
            )
        except redis.RedisError as error:
            log.warning("hold store unavailable: %s", error)
            raise ServiceBusy("Seat holds are unavailable right now; try again shortly.") from None
        if not result.ok:
            raise SeatsUnavailable(result.taken)
        try:
            record = self._record_pending(holder, event_id, ticket_ids, now)
        except BaseException:
            self.session.rollback()
            self._release_quietly(event_id, ticket_ids, holder)
            self._restore_earlier_hold(user_id, event_id)
            raise
        self.changes.held(event_id, ticket_ids, holder, record.expires_at)
        return record

    def _restore_earlier_hold(self, user_id: str, event_id: int) -> None:
        """Hold the user's earlier pending seats again after Postgres refused a new selection.

        The hold script lets them go as it takes the new seats, but Postgres can still refuse
        those (an unknown ticket, another event's): without this the earlier booking stayed
        PENDING with no hold in Redis, its seats shown free and its extension refused.
        """
        now = self.clock()
        try:
            earlier = self.session.execute(
                text(
                    """
                    SELECT b.id, b.expires_at, array_agg(bt.ticket_id ORDER BY bt.ticket_id) AS ids
                    FROM bookings b JOIN booking_tickets bt ON bt.booking_id = b.id
                    WHERE b.user_id = :user AND b.event_id = :event
                      AND b.status = 'PENDING' AND b.expires_at > :now
                    GROUP BY b.id ORDER BY b.expires_at DESC LIMIT 1
                    """
                ),
                {"user": user_id, "event": event_id, "now": now},
            ).first()
            self.session.rollback()
            if earlier is None:
                return
            self.holds.hold(
                event_id,
                list(earlier.ids),
                Holder(user_id, str(earlier.id)),
                ttl_ms=max(1, _ms(earlier.expires_at) - _ms(now)),
                now_ms=_ms(now),
            )
        except (redis.RedisError, DBAPIError) as error:
            self.session.rollback()
            log.warning(
                "could not restore %s's earlier hold on event %s: %s", user_id, event_id, error
            )

    def reserve_best(
        self, user_id: str, event_id: int, quantity: int, category: str | None = None
    ) -> BookingRecord:
        """Best available: the server picks N adjacent free seats and holds them in one step."""
        return hold_best_available(self, user_id, event_id, quantity, category)

    def _check_selection(self, ticket_ids: Sequence[int]) -> None:
        limit = self.settings.max_tickets
        if not 1 <= len(ticket_ids) <= limit:
            raise InvalidSelection(
                f"Choose 1 to {limit} tickets; got {len(ticket_ids)}.", field="ticketIDs"
            )
        duplicates = sorted({t for t in ticket_ids if ticket_ids.count(t) > 1})
        if duplicates:
            raise InvalidSelection(
                f"Tickets {', '.join(map(str, duplicates))} are listed more than once.",
                field="ticketIDs",
            )

    def _record_pending(
        self, holder: Holder, event_id: int, ticket_ids: Sequence[int], now: datetime
    ) -> BookingRecord:
        """Write the PENDING booking: one call of ``hold_booking`` (migration 0004) in
        autocommit, one round trip, as this runs once per successful hold."""
        ids = list(ticket_ids)
        expires_at = now + timedelta(seconds=self.settings.hold_seconds)
        engine = self.session.get_bind().engine
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                rows = conn.exec_driver_sql(
                    _HOLD_BOOKING,
                    (holder.booking_id, holder.user_id, event_id, ids, now, expires_at),
                ).all()
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) != _ALREADY_BOOKED:
                raise
            # Redis said free but Postgres knows a live booking: Redis lost it. Postgres wins.
            detail = getattr(getattr(error.orig, "diag", None), "message_detail", None) or ""
            raise SeatsUnavailable({int(t) for t in detail.split(",") if t}) from None
        created_at = rows[0].created_at
        if created_at is None:
            raise self._unholdable(event_id, rows, now)
        return BookingRecord(
            booking_id=holder.booking_id,
            user_id=holder.user_id,
            event_id=event_id,
            event_end=rows[0].event_end,
            status="PENDING",
            price=sum((row.price for row in rows), Decimal("0")),
            expires_at=expires_at,
            extensions=0,
            extensions_left=self.settings.max_extensions,
            payment_attempt=0,
            created_at=created_at,
            confirmed_at=None,
            tickets=tuple(booked_ticket(row) for row in sorted(rows, key=lambda r: r.id)),
        )

    @staticmethod
    def _unholdable(event_id: int, rows: Sequence[Any], now: datetime) -> BookingError:
        """Why ``hold_booking`` wrote nothing, from the ticket rows it returned."""
        event_end = rows[0].event_end
        if event_end is None:
            return NotFound(f"There is no event with ID {event_id}.")
        if event_end <= now:
            return InvalidSelection("This event is over; its tickets are no longer on sale.")
        unknown = sorted(row.wanted for row in rows if row.id is None)
        if unknown:
            return NotFound(
                f"There are no tickets with IDs {', '.join(map(str, unknown))}.", ticketIDs=unknown
            )
        foreign = sorted(row.id for row in rows if row.event_id != event_id)
        if foreign:
            return InvalidSelection(
                f"Tickets {', '.join(map(str, foreign))} are not for event {event_id}.",
                field="ticketIDs",
                ticketIDs=foreign,
            )
        return SeatsUnavailable([row.id for row in rows if row.status == "BOOKED"])

    # read, release, extend ----------------------------------------------------------------
    def get(self, user_id: str, booking_id: str) -> BookingRecord:
        """The owner's view of a booking; anyone else is told it does not exist."""
        return self._record(user_id, booking_id)

    def _record(self, user_id: str, booking_id: str) -> BookingRecord:
        record = load_booking(self.session, booking_id, user_id, self.settings.max_extensions)
        if record is None:
            raise NotFound(f"There is no booking {booking_id} of yours.")
        return record

    def release(self, user_id: str, booking_id: str) -> None:
        """Let the seats go at once; a booked (paid) booking cannot be released here."""
        record = self._record(user_id, booking_id)
        if record.status == "BOOKED":
            raise BookingClosed("This booking is paid for; it cannot be released.")
        if record.status == "PENDING":
            self.session.execute(
                text(
                    "UPDATE bookings SET status = 'CANCELLED' WHERE id = :id AND status = 'PENDING'"
                ),
                {"id": booking_id},
            )
            self.session.commit()
        holder = Holder(user_id, booking_id)
        self._release_quietly(record.event_id, record.ticket_ids, holder)
        self.changes.released(record.event_id, record.ticket_ids, holder)

    def extend(self, user_id: str, booking_id: str) -> BookingRecord:
        """Give a paying customer more time, a bounded number of times."""
        record = self._record(user_id, booking_id)
        if record.status != "PENDING":
            raise BookingClosed(f"This booking is {record.status.lower()}; it cannot be extended.")
        if record.extensions >= self.settings.max_extensions:
            raise ExtensionLimitReached(
                f"A hold can be extended {self.settings.max_extensions} times; "
                "complete the payment or choose again."
            )
        now = self.clock()
        if record.expires_at <= now:
            raise HoldExpired(record.ticket_ids, "The hold has already run out.")
        expires_at = record.expires_at + timedelta(seconds=self.settings.extension_seconds)
        holder = Holder(user_id, booking_id)
        try:
            still_ours = self.holds.extend(
                record.event_id, record.ticket_ids, holder, expires_at_ms=_ms(expires_at)
            )
        except redis.RedisError:
            raise ServiceBusy("Seat holds are unavailable right now; try again shortly.") from None
        if not still_ours:
            raise HoldExpired(record.ticket_ids, "The hold has run out; choose seats again.")
        self.session.execute(
            text(
                "UPDATE bookings SET expires_at = :expires, extensions = extensions + 1 "
                "WHERE id = :id AND status = 'PENDING'"
            ),
            {"expires": expires_at, "id": booking_id},
        )
        self.session.commit()
        self.changes.extended(record.event_id, record.ticket_ids, holder, expires_at)
        return self._record(user_id, booking_id)

    # pay ----------------------------------------------------------------------------------
    def pay(
        self,
        user_id: str,
        booking_id: str,
        details: Mapping[str, Any],
        *,
        request_id: str | None = None,
    ) -> BookingRecord:
        """Charge, then confirm in one SERIALIZABLE transaction; paying twice charges once.

        A hold that ran out while the customer was paying still books the seats if nobody
        else took them; if someone did, any charge is refunded and the answer says so.
        """
        record = self._record(user_id, booking_id)
        if record.status == "BOOKED":
            return record
        if record.status == "CANCELLED":
            raise BookingClosed("This booking was cancelled; choose seats again.")
        holder = Holder(user_id, booking_id)
        others = self._held_by_others(record, holder)
        if others:
            self._mark_expired(booking_id)
            raise HoldExpired(
                others,
                "Your hold ran out and someone else has taken some of the seats; "
                "you have not been charged.",
            )
        if not self._start_attempt(record):
            current = self._record(user_id, booking_id)
            if current.status == "BOOKED":
                return current
            raise BookingClosed(
                "The payment for this booking was refunded because its seats went to someone "
                "else; choose seats again."
            )
        try:
            charge = self._charge(record, details, request_id)
        except PaymentFailed as failed:
            if _nothing_charged(failed):
                self._close_attempt(record.booking_id)
            raise
        return self.settle(record, charge, request_id)

    def settle(
        self, record: BookingRecord, charge: Charge, request_id: str | None = None
    ) -> BookingRecord:
        """Book the seats ``charge`` paid for, or refund it when they are gone.

        The second half of ``pay``, and what ``boxoffice reconcile`` does with a charge whose
        confirmation never committed (the server died in between): one path, one set of rules.
        Raises ``HoldExpired`` or ``SeatsUnavailable`` once the charge has been refunded.
        """
        holder = Holder(record.user_id, record.booking_id)
        lost: list[int] = []
        confirmed_at = None
        try:
            confirmed_at = run_serializable(
                self.session, lambda s: self._confirm(s, record, charge)
            )
        except _SeatsLost as seats:
            lost = seats.ticket_ids
        except IntegrityError:
            # The live-booking index refused: another booking owns a seat. Postgres wins.
            self.session.rollback()
            lost = list(record.ticket_ids)
        if lost:
            self._refund(record, charge, request_id)
            if record.status == "EXPIRED" or record.expires_at <= self.clock():
                raise HoldExpired(
                    lost,
                    "Your hold ran out and someone else took some of the seats while you were "
                    "paying; the charge has been refunded.",
                )
            raise SeatsUnavailable(
                lost, "Some seats were sold to someone else; the charge has been refunded."
            )
        self._mark_sold_in_redis(record, holder)
        self.changes.booked(record.event_id, record.ticket_ids, holder)
        # What the confirmation wrote, without reading the booking back (four round trips).
        return replace(record, status="BOOKED", confirmed_at=confirmed_at)

    def _start_attempt(self, record: BookingRecord) -> bool:
        """Note, and commit, that a charge is about to be asked for; False if the booking is
        already paid or refunded. A crash after the charge then leaves a trace that the
        reconciliation follows (``server.booking.reconcile``)."""
        started = self.session.execute(
            text(
                "UPDATE bookings SET payment_started_at = now() "
                "WHERE id = :id AND payment_status IS NULL RETURNING id"
            ),
            {"id": record.booking_id},
        ).first()
        self.session.commit()
        return started is not None

    def _close_attempt(self, booking_id: str) -> None:
        """The attempt's key charged nothing: no payment is in flight any more."""
        self.session.execute(
            text(
                "UPDATE bookings SET payment_started_at = NULL "
                "WHERE id = :id AND payment_status IS NULL"
            ),
            {"id": booking_id},
        )
        self.session.commit()

    def _held_by_others(self, record: BookingRecord, holder: Holder) -> list[int]:
        """Seats another user holds or bought, as far as Redis knows (nothing if it is down)."""
        try:
            values = self.holds.holders(record.event_id, record.ticket_ids)
        except redis.RedisError:
            return []
        return [
            ticket
            for ticket, value in values.items()
            if value is not None
            and value != holder.token
            and value != BOOKED_PREFIX + holder.booking_id
        ]

    def _charge(
        self, record: BookingRecord, details: Mapping[str, Any], request_id: str | None
    ) -> Charge:
        from server.ops.metrics import PAYMENTS

        key = record.payment_key
        try:
            charge = self.gateway.charge(
                idempotency_key=key,
                amount=record.price,
                currency=self.settings.currency,
                details=details,
                request_id=request_id,
            )
            PAYMENTS.labels("succeeded").inc()
            return charge
        except PaymentDeclined as declined:
            PAYMENTS.labels("declined").inc()
            # The next card gets a fresh key; the hold stays so the customer can try it.
            self.session.execute(
                text("UPDATE bookings SET payment_attempt = payment_attempt + 1 WHERE id = :id"),
                {"id": record.booking_id},
            )
            self.session.commit()
            raise PaymentFailed(
                declined.message,
                status=402,
                slug="payment-declined",
                title="Payment declined",
                code=declined.code,
            ) from None
        except PaymentInvalid as invalid:
            PAYMENTS.labels("invalid").inc()
            raise PaymentFailed(
                invalid.message,
                status=400,
                slug="invalid-payment",
                title="Invalid payment details",
                field=f"paymentDetails.{invalid.field}",
            ) from None
        except PaymentTimeout:
            PAYMENTS.labels("timeout").inc()
            raise PaymentFailed(
                "The payment service did not answer in time. Your seats are still held; "
                "pay again to find out whether the charge went through — you will not be "
                "charged twice.",
                status=504,
                slug="payment-timeout",
                title="Payment timed out",
            ) from None
        except PaymentError as error:
            PAYMENTS.labels("unavailable").inc()
            raise PaymentFailed(
                f"The payment service is unavailable ({error.message}); try again shortly.",
                status=503,
                slug="service-unavailable",
                title="Payment service unavailable",
            ) from None

    def _confirm(self, session: Session, record: BookingRecord, charge: Charge) -> datetime:
        """Inside the SERIALIZABLE transaction: book every seat, or raise ``_SeatsLost``.

        It reads as little as it can — every page read is a predicate lock that concurrent
        confirmations can collide with. Seats booked by someone else show up as rows the
        UPDATE skips; seats in someone else's live booking (possible only when ours had
        expired) make the status cascade trip the live-ticket unique index.
        """
        # A sequential scan takes a predicate lock on a whole table, and then every concurrent
        # confirmation conflicts with every other; index scans lock only the pages they read.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        status, confirmed_at, payment_status = session.execute(
            text("SELECT status, confirmed_at, payment_status FROM bookings WHERE id = :id"),
            {"id": record.booking_id},
        ).one()
        if status == "BOOKED":
            return cast(datetime, confirmed_at)
        ids = list(record.ticket_ids)
        # A refunded charge replays as "succeeded" under its key: it must not book anything.
        if status not in ("PENDING", "EXPIRED") or payment_status == "REFUNDED":
            raise _SeatsLost(ids)
        booked = set(
            session.execute(
                text(
                    "UPDATE tickets SET status = 'BOOKED', version = version + 1 "
                    "WHERE id = ANY(:ids) AND status = 'AVAILABLE' RETURNING id"
                ),
                {"ids": ids},
            ).scalars()
        )
        if len(booked) != len(ids):
            raise _SeatsLost(sorted(set(ids) - booked))
        confirmed: datetime = session.execute(
            text(
                """
                UPDATE bookings SET status = 'BOOKED', confirmed_at = now(),
                       payment_reference = :charge, payment_status = 'CHARGED'
                WHERE id = :id RETURNING confirmed_at
                """
            ),
            {"charge": charge.charge_id, "id": record.booking_id},
        ).scalar_one()
        return confirmed

    def _refund(self, record: BookingRecord, charge: Charge, request_id: str | None) -> None:
        self.gateway.refund(idempotency_key=record.payment_key, request_id=request_id)
        self.session.execute(
            text(
                """
                UPDATE bookings SET status = CASE WHEN status = 'BOOKED' THEN status
                                                  ELSE 'EXPIRED' END,
                       payment_reference = :charge, payment_status = 'REFUNDED'
                WHERE id = :id AND status <> 'BOOKED'
                """
            ),
            {"charge": charge.charge_id, "id": record.booking_id},
        )
        self.session.commit()

    def _mark_expired(self, booking_id: str) -> None:
        self.session.execute(
            text("UPDATE bookings SET status = 'EXPIRED' WHERE id = :id AND status = 'PENDING'"),
            {"id": booking_id},
        )
        self.session.commit()

    def _mark_sold_in_redis(self, record: BookingRecord, holder: Holder) -> None:
        """Best effort: refusals of sold seats stay cheap; Postgres already has the truth."""
        keep_until = record.event_end + timedelta(days=1)
        try:
            self.holds.mark_booked(
                record.event_id,
                record.ticket_ids,
                holder,
                until_ms=_ms(keep_until),
                now_ms=_ms(self.clock()),
            )
        except redis.RedisError as error:
            log.warning("could not mark booking %s sold in Redis: %s", record.booking_id, error)

    def _release_quietly(self, event_id: int, ticket_ids: Sequence[int], holder: Holder) -> None:
        try:
            self.holds.release(event_id, ticket_ids, holder)
        except redis.RedisError as error:
            log.warning("could not release holds of %s: %s", holder.booking_id, error)


def _nothing_charged(failed: PaymentFailed) -> bool:
    """A decline or invalid details: the processor charged nothing under the attempt's key.

    Not a key reused with other details (the key may hold an earlier charge), a timeout or
    an outage: those leave the attempt open for the reconciliation.
    """
    if failed.slug == "payment-declined":
        return True
    field = failed.extensions.get("field")
    return failed.slug == "invalid-payment" and field != "paymentDetails.idempotency_key"


def expire_stale_bookings(session: Session, now: datetime) -> int:
    """Mark PENDING bookings past their expiry EXPIRED; their Redis keys expired by themselves."""
    count = session.execute(
        text(
            "UPDATE bookings SET status = 'EXPIRED' WHERE status = 'PENDING' AND expires_at < :now"
        ),
        {"now": now},
    ).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(count)
