"""An event with the exact status of every seat, in full or summarised per section.

A 50,000-seat event is a large document, so the full view is built from plain tuples straight
into JSON-ready dicts (same field names as :class:`shared.models.TicketInfo`), and the summary
view compresses each section to counts and seat ranges such as ``A1-14,B3``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from server.catalog.queries import NotFoundError, performers_of
from shared.models import EventInfo, PriceCategoryPrice, SeatStatus, SectionAvailability

__all__ = ["event_detail", "event_seat_summary", "seat_ranges"]


def _event_and_venue(session: Session, event_id: int) -> tuple[EventInfo, dict[str, Any]]:
    row = session.execute(
        text(
            """
            SELECT e.id, e.title, e.description, e.start_time, e.end_time, e.prices,
                   v.id AS venue_id, v.title AS venue_title, v.location, v.seating_capacity,
                   v.seating_arrangement
            FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.id = :id
            """
        ),
        {"id": event_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError("event", event_id)
    names = {c["id"]: c["name"] for c in row.seating_arrangement.get("priceCategories", [])}
    prices = [
        PriceCategoryPrice(category=category, name=names.get(category, category), price=Decimal(p))
        for category, p in row.prices.items()
    ]
    order = list(names)
    prices.sort(key=lambda p: order.index(p.category) if p.category in order else len(order))
    event = EventInfo(
        event_id=row.id,
        title=row.title,
        description=row.description,
        start_time=row.start_time,
        end_time=row.end_time,
        performers=performers_of(session, [row.id]).get(row.id, []),
        prices=prices,
    )
    venue = {
        "venueID": row.venue_id,
        "title": row.venue_title,
        "location": row.location,
        "seatingCapacity": row.seating_capacity,
        "seatingArrangement": row.seating_arrangement,
    }
    return event, venue


def _status(stored: str, ticket_id: int, held: Collection[int]) -> str:
    """Postgres decides BOOKED; a Redis hold turns an available seat RESERVED."""
    if stored == SeatStatus.BOOKED:
        return SeatStatus.BOOKED.value
    return SeatStatus.RESERVED.value if ticket_id in held else SeatStatus.AVAILABLE.value


def event_detail(session: Session, event_id: int, held: Collection[int] = ()) -> dict[str, Any]:
    """``GET /events/{id}``: the event, its venue and every ticket with its status."""
    event, venue = _event_and_venue(session, event_id)
    rows = session.execute(
        text(
            "SELECT id, seat_id, seat_number, section, row, category, price, status "
            "FROM tickets WHERE event_id = :id ORDER BY id"
        ),
        {"id": event_id},
    ).all()
    tickets = []
    available = 0
    for ticket_id, seat_id, number, section, row, category, price, stored in rows:
        status = _status(stored, ticket_id, held)
        available += status == "AVAILABLE"
        tickets.append(
            {
                "ticketID": ticket_id,
                "seatID": seat_id,
                "seatNumber": number,
                "section": section,
                "row": row,
                "category": category,
                "price": str(price),
                "ticketStatus": status,
            }
        )
    venue["ticketsAvailable"] = available
    return {"event": event.to_wire(), "venue": venue, "tickets": tickets}


def seat_ranges(labels: Iterable[tuple[str | None, str]]) -> str:
    """Compress (row, seat) pairs in seat-map order into ``A1-14,B3``; GA places lose the row.

    Consecutive numbers in one row make a run; a label such as ``12A`` stands on its own.
    """
    runs: list[tuple[str, int | None, int | None, str]] = []  # (row, first, last, odd label)
    for row, label in labels:
        prefix = row or ""
        if not label.isdigit():
            runs.append((prefix, None, None, label))
            continue
        number = int(label)
        if runs:
            last_row, first, last, _ = runs[-1]
            if last_row == prefix and last is not None and last + 1 == number:
                runs[-1] = (prefix, first, number, "")
                continue
        runs.append((prefix, number, number, ""))
    return ",".join(
        f"{row}{odd}" if first is None
        else f"{row}{first}" if first == last
        else f"{row}{first}-{last}"
        for row, first, last, odd in runs
    )  # fmt: skip


def event_seat_summary(
    session: Session, event_id: int, held: Collection[int] = ()
) -> dict[str, Any]:
    """``GET /events/{id}?view=summary``: counts and seat ranges per section, no ticket list."""
    event, venue = _event_and_venue(session, event_id)
    arrangement = venue["seatingArrangement"]
    names = {s["id"]: s.get("name", s["id"]) for s in arrangement.get("sections", [])}
    names.update({a["id"]: a.get("name", a["id"]) for a in arrangement.get("generalAdmission", [])})
    rows = session.execute(
        text(
            "SELECT id, section, row, seat_number, status FROM tickets "
            "WHERE event_id = :id ORDER BY id"
        ),
        {"id": event_id},
    ).all()
    by_section: dict[str, dict[str, list[tuple[str | None, str]]]] = {}
    for ticket_id, section, row, number, stored in rows:
        statuses = by_section.setdefault(section, {"AVAILABLE": [], "RESERVED": [], "BOOKED": []})
        statuses[_status(stored, ticket_id, held)].append((row, number))
    sections = [
        SectionAvailability(
            section=section,
            name=names.get(section, section),
            available=len(statuses["AVAILABLE"]),
            reserved=len(statuses["RESERVED"]),
            booked=len(statuses["BOOKED"]),
            available_seats=seat_ranges(statuses["AVAILABLE"]),
            reserved_seats=seat_ranges(statuses["RESERVED"]),
            booked_seats=seat_ranges(statuses["BOOKED"]),
        ).to_wire()
        for section, statuses in by_section.items()
    ]
    venue["ticketsAvailable"] = sum(s["available"] for s in sections)
    return {"event": event.to_wire(), "venue": venue, "sections": sections}
