"""Tables and the database constraints that are the last word on what may be sold.

Seat holds live in Redis and are advisory; what is written here must be impossible to get wrong:
a seat exists once per event, a ticket belongs to at most one live booking, prices are never
negative and an event ends after it starts.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Base

__all__ = [
    "LIVE_BOOKING_STATUSES",
    "Booking",
    "BookingStatus",
    "BookingTicket",
    "Event",
    "EventPerformer",
    "Performer",
    "Seat",
    "Ticket",
    "TicketStatus",
    "Venue",
]

Money = Numeric(10, 2)


class TicketStatus(enum.StrEnum):
    """What Postgres knows of a seat; RESERVED is not stored here but derived from Redis holds."""

    AVAILABLE = "AVAILABLE"
    BOOKED = "BOOKED"


class BookingStatus(enum.StrEnum):
    """A booking's life: PENDING while held, then BOOKED, EXPIRED or CANCELLED."""

    PENDING = "PENDING"
    BOOKED = "BOOKED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


#: Bookings that own their seats: at most one of these per ticket (partial unique index).
LIVE_BOOKING_STATUSES = (BookingStatus.PENDING, BookingStatus.BOOKED)


class Timestamped:
    """Creation and last-change times, set by the database clock."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class Venue(Timestamped, Base):
    """A partner venue with its seating arrangement (the seat-map JSON as written)."""

    __tablename__ = "venues"
    __table_args__ = (CheckConstraint("seating_capacity > 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    location: Mapped[str] = mapped_column(String(200), nullable=False)
    seating_capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    seating_arrangement: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)


class Seat(Base):
    """A venue's seat map expanded: one row per seat or general-admission place.

    Tickets of every event at the venue are copied from here inside Postgres. (No foreign key
    back from tickets: its per-row check doubled the time to create a stadium event.)
    """

    __tablename__ = "seats"

    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True
    )
    #: Stable seat ID from the seat map ("stalls:F:12"); ``label`` is what is printed.
    seat_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: Seat-map order, so tickets list seats as the layout draws them.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(20), nullable=False)
    section: Mapped[str] = mapped_column(String(100), nullable=False)
    row: Mapped[str | None] = mapped_column(String(20), nullable=True)
    category: Mapped[str] = mapped_column(String(50), nullable=False)


class EventPerformer(Base):
    """Who performs at an event, in billing order."""

    __tablename__ = "event_performers"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    performer_id: Mapped[int] = mapped_column(
        ForeignKey("performers.id", ondelete="CASCADE"), primary_key=True
    )
    billing: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))


class Performer(Base):
    """A band, company, comedian or orchestra; names feed event search."""

    __tablename__ = "performers"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class Event(Timestamped, Base):
    """One showing of a show at a venue; ``show_key`` ties together a touring show's dates."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        Index("ix_events_start_time_id", "start_time", "id"),
        Index("ix_events_venue_start", "venue_id", "start_time", "id"),
        Index("ix_events_show_key_start", "show_key", "start_time"),
        Index("ix_events_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_events_title_vector", "title_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    start_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    end_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venues.id", ondelete="RESTRICT"), nullable=False
    )
    show_key: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Price per seat-map category id, as decimal strings.
    prices: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    #: Maintained by a trigger from the title, description, performers and venue.
    search_vector: Mapped[Any] = mapped_column(TSVECTOR, nullable=True)
    #: Title and performers only (same trigger): the first tier of ranked search.
    title_vector: Mapped[Any] = mapped_column(TSVECTOR, nullable=True)

    venue: Mapped[Venue] = relationship(lazy="joined")
    performers: Mapped[list[Performer]] = relationship(
        secondary="event_performers", order_by="EventPerformer.billing", viewonly=True
    )


class Ticket(Base):
    """One sellable place (seat or general-admission place) of one event."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("event_id", "seat_id", name="uq_tickets_event_seat"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("status IN ('AVAILABLE', 'BOOKED')", name="status_known"),
        Index(
            "ix_tickets_event_available", "event_id", postgresql_where=text("status = 'AVAILABLE'")
        ),
        Index(
            "ix_tickets_event_booked", "event_id", "id", postgresql_where=text("status = 'BOOKED'")
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=False
    )
    venue_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: Stable seat ID from the seat map ("stalls:F:12"); the printed label is ``seat_number``.
    seat_id: Mapped[str] = mapped_column(String(100), nullable=False)
    seat_number: Mapped[str] = mapped_column(String(20), nullable=False)
    section: Mapped[str] = mapped_column(String(100), nullable=False)
    row: Mapped[str | None] = mapped_column(String(20), nullable=True)
    category: Mapped[str] = mapped_column(String(50), nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, server_default=TicketStatus.AVAILABLE.value
    )
    #: Bumped on every status change: optimistic-concurrency guard for confirmations.
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))


class Booking(Timestamped, Base):
    """A user's booking of 1–10 tickets of one event."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("total_price >= 0", name="total_not_negative"),
        CheckConstraint(
            "payment_status IS NULL OR payment_status IN ('CHARGED', 'REFUNDED')",
            name="payment_status_known",
        ),
        # A booking is BOOKED only with a charge behind it.
        CheckConstraint(
            "status <> 'BOOKED' OR payment_status IS NOT DISTINCT FROM 'CHARGED'",
            name="booked_means_paid",
        ),
        CheckConstraint(
            "status IN ('PENDING', 'BOOKED', 'EXPIRED', 'CANCELLED')", name="status_known"
        ),
        # Target of booking_tickets' composite key, so a status change cascades to its rows.
        UniqueConstraint("id", "status", name="uq_bookings_id_status"),
        Index("ix_bookings_user", "user_id", "created_at"),
        Index(
            "ix_bookings_pending_expiry", "expires_at", postgresql_where=text("status = 'PENDING'")
        ),
        Index(
            "ix_bookings_payment_in_flight",
            "payment_started_at",
            postgresql_where=text("payment_started_at IS NOT NULL AND payment_status IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[str] = mapped_column(String(200), nullable=False)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, server_default=BookingStatus.PENDING.value
    )
    total_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: How often the hold was extended (bounded by ``HOLD_MAX_EXTENSIONS``).
    extensions: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    #: Bumped after each declined card, so the next card gets a fresh idempotency key.
    payment_attempt: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    #: The processor's charge ID once paid; CHARGED, or REFUNDED when the seats were lost.
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    payment_status: Mapped[str | None] = mapped_column(String(16))
    #: When the open payment attempt asked for its charge; NULL once settled or known uncharged.
    #: Set with ``payment_status`` NULL it marks a payment in flight (``boxoffice reconcile``).
    payment_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BookingTicket(Base):
    """Links a booking to its tickets, carrying the booking's status for the live-seat index.

    ``booking_status`` follows ``bookings.status`` through ``ON UPDATE CASCADE`` of the composite
    foreign key, so the partial unique index on live rows is enforced by Postgres alone.
    """

    __tablename__ = "booking_tickets"
    __table_args__ = (
        ForeignKeyConstraint(
            ["booking_id", "booking_status"],
            ["bookings.id", "bookings.status"],
            name="fk_booking_tickets_booking",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        Index(
            "uq_booking_tickets_live_ticket",
            "ticket_id",
            unique=True,
            postgresql_where=text("booking_status IN ('PENDING', 'BOOKED')"),
        ),
    )

    booking_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    booking_status: Mapped[str] = mapped_column(String(16), nullable=False)
