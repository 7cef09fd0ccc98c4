"""The booking benchmark's data and its checks: a 5,000-seat hall, fresh events, and what the
database and Redis say after a workload (double holds, winners, confirmations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import psycopg
import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench._common import BenchServices, libpq
from server.catalog.loading import add_event, add_venue
from server.models import Venue
from shared.seatmap import SeatMap, parse_seatmap

__all__ = [
    "HALL_SEATS",
    "add_events",
    "check_confirmations",
    "check_hot",
    "check_spread",
    "hall_seatmap",
    "load_hall",
    "serialization_failures",
    "ticket_ids",
    "transactions",
]

# (section id, name, price category, rows, seats per row): 2,000 + 1,500 + 1,500 seats.
_SECTIONS = (
    ("stalls", "Stalls", "stalls", 25, 80),
    ("circle", "Circle", "circle", 20, 75),
    ("upper", "Upper circle", "upper", 20, 75),
)
_PRICES = {"stalls": Decimal("65"), "circle": Decimal("45"), "upper": Decimal("25")}
HALL_SEATS = sum(rows * seats for *_, rows, seats in _SECTIONS)


def hall_seatmap() -> SeatMap:
    """A concert hall of three tiers, 5,000 seats, built in code and validated like any file."""
    sections, y = [], 4
    for section_id, name, category, rows, seats in _SECTIONS:
        row = {"labels": f"A-{chr(ord('A') + rows - 1)}", "x": 1, "y": y, "seats": f"1-{seats}"}
        sections.append({"id": section_id, "name": name, "category": category, "rows": [row]})
        y += rows + 1
    document = {
        "formatVersion": 1,
        "name": "Bench Hall",
        "grid": {"width": 82, "height": y},
        "stage": {"label": "Stage", "x": 21, "y": 0, "width": 40, "height": 3},
        "priceCategories": [
            {"id": "stalls", "name": "Stalls"},
            {"id": "circle", "name": "Circle"},
            {"id": "upper", "name": "Upper circle"},
        ],
        "sections": sections,
    }
    seatmap = parse_seatmap(document)
    assert seatmap.capacity == HALL_SEATS
    return seatmap


def load_hall(database_url: str) -> int:
    """The hall as a venue; returns its ID."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            venue = add_venue(session, "Bench Hall", "London, UK", hall_seatmap())
            session.commit()
            return venue.id
    finally:
        engine.dispose()


def add_events(database_url: str, venue_id: int, count: int, label: str) -> list[int]:
    """``count`` new events at the hall, 5,000 AVAILABLE tickets each; returns their IDs."""
    engine = create_engine(database_url)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
    try:
        with Session(engine) as session:
            venue = session.get_one(Venue, venue_id)
            ids = []
            for number in range(count):
                event = add_event(
                    session,
                    venue,
                    title=f"Bench night {label} {number}",
                    description="Seats for the booking benchmark.",
                    start_time=start,
                    end_time=start + timedelta(hours=3),
                    prices=_PRICES,
                )
                session.flush()
                ids.append(event.id)
            session.commit()
            return ids
    finally:
        engine.dispose()


def ticket_ids(database_url: str, event_id: int) -> list[int]:
    """The event's tickets in seat-map order (stalls row A first)."""
    with psycopg.connect(libpq(database_url)) as conn:
        rows = conn.execute(
            "SELECT id FROM tickets WHERE event_id = %s ORDER BY id", (event_id,)
        ).fetchall()
    return [row[0] for row in rows]


def transactions(database_url: str) -> int:
    """Committed plus rolled-back transactions of the database so far (pg_stat_database).

    Backends report these when they go idle, at most once a second and at the latest 10 s
    later, so a reading is only complete once the server has been idle for a while.
    """
    with psycopg.connect(libpq(database_url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


def serialization_failures(services: BenchServices) -> int:
    """SQLSTATE 40001/40P01 errors in the embedded server's log so far (-1: no log to read)."""
    log = services.data_dir / "postgres.log"
    if not services.embedded_postgres or not log.exists():
        return -1
    text = log.read_text(errors="replace")
    return text.count("could not serialize access") + text.count("deadlock detected")


def _redis_holders(services: BenchServices, event_id: int) -> dict[int, str]:
    """ticket -> the holder's value of each hold key of the event in Redis."""
    client = redis.Redis.from_url(services.redis_url)
    try:
        base = f"{services.redis_prefix}{{e{event_id}}}:hold:"
        keys = list(client.scan_iter(match=base + "*", count=5000))
        values = cast(list[bytes | None], client.mget(keys)) if keys else []
    finally:
        client.close()
    return {
        int(key.decode()[len(base) :]): value.decode()
        for key, value in zip(cast(list[bytes], keys), values, strict=True)
        if value is not None
    }


def _live_links(database_url: str, event_id: int) -> list[tuple[int, str, str]]:
    """(ticket, booking, status) of every PENDING or BOOKED booking of the event."""
    with psycopg.connect(libpq(database_url)) as conn:
        rows = conn.execute(
            """
            SELECT bt.ticket_id, bt.booking_id::text, b.status
            FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id
            WHERE b.event_id = %s AND b.status IN ('PENDING', 'BOOKED')
            """,
            (event_id,),
        ).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


def check_spread(
    services: BenchServices, database_url: str, event_id: int, won: Sequence[int]
) -> dict[str, Any]:
    """Every way a seat could have been held twice, counted after a spread run (all must be 0).

    - in answers: a ticket in two 201 answers;
    - in Postgres: a ticket in two live (PENDING/BOOKED) bookings;
    - Redis vs Postgres: a ticket whose Redis holder is not the booking Postgres has for it.
    """
    links = _live_links(database_url, event_id)
    per_ticket = Counter(ticket for ticket, _, _ in links)
    owner = {ticket: booking for ticket, booking, _ in links}
    holders = _redis_holders(services, event_id)
    disagree = sum(
        1 for ticket, value in holders.items() if value.rsplit("|", 1)[-1] != owner.get(ticket)
    )
    answered = Counter(won)
    return {
        "double_holds_in_answers": sum(n - 1 for n in answered.values() if n > 1),
        "double_holds_in_postgres": sum(n - 1 for n in per_ticket.values() if n > 1),
        "redis_postgres_disagree": disagree + len(set(owner) - set(holders)),
        "seats_held_in_answers": len(won),
        "seats_held_in_postgres": len(per_ticket),
        "seats_held_in_redis": len(holders),
        "bookings_in_postgres": len({booking for _, booking, _ in links}),
    }


def check_hot(database_url: str, event_id: int, tickets: Iterable[int]) -> dict[str, int]:
    """After a hot run: each of the contested seats is held once, by one booking."""
    wanted = set(tickets)
    links = [link for link in _live_links(database_url, event_id) if link[0] in wanted]
    per_ticket = Counter(ticket for ticket, _, _ in links)
    return {
        "seats_held_in_postgres": len(per_ticket),
        "double_holds_in_postgres": sum(n - 1 for n in per_ticket.values() if n > 1),
    }


def check_confirmations(
    database_url: str, event_id: int, paid: Sequence[str], held_seats: int
) -> dict[str, int]:
    """After paying: every paid booking BOOKED, its tickets BOOKED, no ticket in two bookings."""
    with psycopg.connect(libpq(database_url)) as conn:
        not_booked = conn.execute(
            "SELECT count(*) FROM bookings WHERE id = ANY(%s::uuid[]) AND status <> 'BOOKED'",
            (list(paid),),
        ).fetchone()
        tickets = conn.execute(
            """
            SELECT count(*) FILTER (WHERE t.status = 'BOOKED'),
                   count(*) FILTER (WHERE t.status <> 'BOOKED')
            FROM booking_tickets bt JOIN tickets t ON t.id = bt.ticket_id
            WHERE bt.booking_id = ANY(%s::uuid[])
            """,
            (list(paid),),
        ).fetchone()
        twice = conn.execute(
            """
            SELECT count(*) FROM (
                SELECT bt.ticket_id FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id
                WHERE b.event_id = %s AND b.status = 'BOOKED'
                GROUP BY bt.ticket_id HAVING count(*) > 1) AS doubled
            """,
            (event_id,),
        ).fetchone()
        booked_tickets = conn.execute(
            "SELECT count(*) FROM tickets WHERE event_id = %s AND status = 'BOOKED'", (event_id,)
        ).fetchone()
    assert not_booked and tickets and twice and booked_tickets
    return {
        "paid_not_booked": int(not_booked[0]),
        "paid_tickets_booked": int(tickets[0]),
        "paid_tickets_not_booked": int(tickets[1]),
        "tickets_in_two_booked_bookings": int(twice[0]),
        "tickets_booked_in_event": int(booked_tickets[0]),
        "seats_held_for_payment": held_seats,
    }
