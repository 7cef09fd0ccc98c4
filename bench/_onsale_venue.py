"""The on-sale's venue and events (the seat maps in ``seatmaps/``, loaded by the server's own
catalog code) and what PostgreSQL says afterwards: no seat sold twice, every sold seat counted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench._common import libpq
from server.catalog.loading import add_event, add_venue
from server.models import Venue
from shared.seatmap import load_seatmap

__all__ = ["SEATMAPS", "add_onsale_events", "check_sales", "load_venue"]

SEATMAPS = Path(__file__).resolve().parent.parent / "seatmaps"
_PRICE = Decimal("55")


def load_venue(database_url: str, layout: str) -> tuple[int, int]:
    """``seatmaps/<layout>.json`` as a venue; returns (venue ID, places)."""
    seatmap = load_seatmap(SEATMAPS / f"{layout}.json")
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            venue = add_venue(session, seatmap.name, "Bench City", seatmap)
            session.commit()
            return venue.id, seatmap.capacity
    finally:
        engine.dispose()


def add_onsale_events(database_url: str, venue_id: int, labels: list[str]) -> list[int]:
    """One event per scenario, every place AVAILABLE at one price; returns their IDs."""
    engine = create_engine(database_url)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=90)
    try:
        with Session(engine) as session:
            venue = session.get_one(Venue, venue_id)
            categories = {c["id"] for c in venue.seating_arrangement["priceCategories"]}
            ids = []
            for label in labels:
                event = add_event(
                    session,
                    venue,
                    title=f"On-sale {label}",
                    description="The on-sale benchmark's show.",
                    start_time=start,
                    end_time=start + timedelta(hours=3),
                    prices=dict.fromkeys(categories, _PRICE),
                )
                session.flush()
                ids.append(event.id)
            session.commit()
            return ids
    finally:
        engine.dispose()


_CHECKS = {
    # a ticket in two BOOKED bookings: a seat sold twice
    "tickets_in_two_booked_bookings": """
        SELECT count(*) FROM (
            SELECT bt.ticket_id FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id
            WHERE b.event_id = %(event)s AND b.status = 'BOOKED'
            GROUP BY bt.ticket_id HAVING count(*) > 1) AS doubled""",
    "tickets_booked": """
        SELECT count(*) FROM tickets WHERE event_id = %(event)s AND status = 'BOOKED'""",
    "seats_in_booked_bookings": """
        SELECT count(*) FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id
        WHERE b.event_id = %(event)s AND b.status = 'BOOKED'""",
    "booked_bookings": """
        SELECT count(*) FROM bookings WHERE event_id = %(event)s AND status = 'BOOKED'""",
    "pending_bookings": """
        SELECT count(*) FROM bookings WHERE event_id = %(event)s AND status = 'PENDING'""",
    # a BOOKED ticket no BOOKED booking accounts for, or the other way round
    "booked_tickets_without_booked_booking": """
        SELECT count(*) FROM tickets t WHERE t.event_id = %(event)s AND t.status = 'BOOKED'
        AND NOT EXISTS (SELECT 1 FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id
                        WHERE bt.ticket_id = t.id AND b.status = 'BOOKED')""",
    "booked_booking_tickets_not_booked": """
        SELECT count(*) FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id
        JOIN tickets t ON t.id = bt.ticket_id
        WHERE b.event_id = %(event)s AND b.status = 'BOOKED' AND t.status <> 'BOOKED'""",
    "confirmed_by_buyers_not_booked": """
        SELECT count(*) FROM bookings WHERE id = ANY(%(paid)s::uuid[]) AND status <> 'BOOKED'""",
}


def check_sales(database_url: str, event_id: int, paid: list[str]) -> dict[str, Any]:
    """Straight from PostgreSQL after the on-sale. ``double_bookings`` must be 0: no ticket in
    two BOOKED bookings, and BOOKED tickets equal the seats of the BOOKED bookings."""
    with psycopg.connect(libpq(database_url)) as conn:
        found: dict[str, Any] = {}
        for name, sql in _CHECKS.items():
            row = conn.execute(sql, {"event": event_id, "paid": paid}).fetchone()
            found[name] = int(row[0]) if row else -1
    found["double_bookings"] = (
        found["tickets_in_two_booked_bookings"]
        + abs(found["tickets_booked"] - found["seats_in_booked_bookings"])
        + found["booked_tickets_without_booked_booking"]
        + found["booked_booking_tickets_not_booked"]
    )
    return found
