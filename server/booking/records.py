"""Reading bookings back: one query for the booking, one for its tickets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from shared.models import BookedTicket

__all__ = ["BookingRecord", "booked_ticket", "load_booking", "load_booking_tickets"]


@dataclass(frozen=True, slots=True)
class BookingRecord:
    booking_id: str
    user_id: str
    event_id: int
    event_end: datetime
    status: str
    price: Decimal
    expires_at: datetime
    extensions: int
    extensions_left: int
    payment_attempt: int
    created_at: datetime
    confirmed_at: datetime | None
    tickets: tuple[BookedTicket, ...]

    @property
    def ticket_ids(self) -> list[int]:
        return [ticket.ticket_id for ticket in self.tickets]

    @property
    def payment_key(self) -> str:
        """Idempotency key of the current payment attempt: a retry of the same attempt (after
        a timeout or a crash) can never charge twice; a new card after a decline gets a new one."""
        return f"booking-{self.booking_id}-{self.payment_attempt}"


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def load_booking(
    session: Session, booking_id: str, user_id: str, max_extensions: int
) -> BookingRecord | None:
    """The booking if it exists and belongs to ``user_id``; None otherwise (same answer)."""
    key = _uuid_or_none(booking_id)
    if key is None:
        return None
    row = session.execute(
        text(
            """
            SELECT b.id, b.user_id, b.event_id, b.status, b.total_price, b.expires_at,
                   b.extensions, b.payment_attempt, b.created_at, b.confirmed_at,
                   e.end_time AS event_end
            FROM bookings b JOIN events e ON e.id = b.event_id
            WHERE b.id = :id AND b.user_id = :user
            """
        ),
        {"id": key, "user": user_id},
    ).one_or_none()
    if row is None:
        return None
    return BookingRecord(
        booking_id=str(row.id),
        user_id=row.user_id,
        event_id=row.event_id,
        event_end=row.event_end,
        status=row.status,
        price=row.total_price,
        expires_at=row.expires_at,
        extensions=row.extensions,
        extensions_left=max(0, max_extensions - row.extensions),
        payment_attempt=row.payment_attempt,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        tickets=tuple(load_booking_tickets(session, key)),
    )


def load_booking_tickets(session: Session, booking_id: uuid.UUID) -> list[BookedTicket]:
    rows = session.execute(
        text(
            """
            SELECT t.id, t.seat_id, t.seat_number, t.section, t.row, t.category, t.price
            FROM booking_tickets bt JOIN tickets t ON t.id = bt.ticket_id
            WHERE bt.booking_id = :id ORDER BY t.id
            """
        ),
        {"id": booking_id},
    ).all()
    return [booked_ticket(row) for row in rows]


def booked_ticket(row: Any) -> BookedTicket:
    """A ticket row (``id, seat_id, seat_number, section, row, category, price``) as sent."""
    return BookedTicket(
        ticket_id=row.id,
        seat_id=row.seat_id,
        seat_number=row.seat_number,
        section=row.section,
        row=row.row,
        category=row.category,
        price=row.price,
    )
