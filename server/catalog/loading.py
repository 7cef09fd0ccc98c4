"""Write side of the catalog: add venues and events, creating one ticket per place.

A venue's seat map is expanded once into the ``seats`` table; each event's tickets are then
copied from it inside Postgres, because a stadium event has 50,000 of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from server.catalog.cache import note_catalog_change
from server.models import Event, Performer, Venue
from shared.seatmap import SeatMap

__all__ = [
    "CatalogError",
    "add_event",
    "add_performer",
    "add_venue",
    "replace_seatmap",
    "show_key_for",
]


class CatalogError(ValueError):
    """Catalog data that would break a rule: unpriced categories, negative prices, bad times."""


def show_key_for(title: str) -> str:
    """Default key tying together the dates of one show: its title, simplified."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def add_venue(session: Session, title: str, location: str, seatmap: SeatMap) -> Venue:
    """Add a partner venue with a validated seat map."""
    venue = Venue(
        title=title,
        location=location,
        seating_capacity=seatmap.capacity,
        seating_arrangement=seatmap.document,
    )
    session.add(venue)
    session.flush()
    _write_seats(session, venue.id, seatmap)
    note_catalog_change(session)
    return venue


def replace_seatmap(session: Session, venue: Venue, seatmap: SeatMap) -> Venue:
    """Give a venue a corrected seat map, while it has no events: their tickets were made
    from the old one."""
    if session.execute(
        text("SELECT EXISTS (SELECT 1 FROM events WHERE venue_id = :venue)"), {"venue": venue.id}
    ).scalar_one():
        raise CatalogError(
            f"venue {venue.id} has events, whose tickets follow its seat map; it cannot change"
        )
    venue.seating_capacity = seatmap.capacity
    venue.seating_arrangement = seatmap.document
    session.execute(text("DELETE FROM seats WHERE venue_id = :venue"), {"venue": venue.id})
    session.flush()
    _write_seats(session, venue.id, seatmap)
    note_catalog_change(session)
    return venue


def _write_seats(session: Session, venue_id: int, seatmap: SeatMap) -> None:
    """The seat map expanded into ``seats``, one row per place, by COPY."""
    with (
        _psycopg(session).cursor() as cursor,
        cursor.copy(
            "COPY seats (venue_id, seat_id, position, label, section, row, category) FROM STDIN"
        ) as copy,
    ):
        for position, place in enumerate(seatmap.places()):
            copy.write_row(
                (venue_id, place.seat_id, position, place.label, place.section, place.row,
                 place.category)
            )  # fmt: skip


def _psycopg(session: Session) -> psycopg.Connection[Any]:
    """The session's own psycopg connection, for COPY."""
    return cast("psycopg.Connection[Any]", session.connection().connection.driver_connection)


def add_performer(session: Session, name: str, description: str = "") -> Performer:
    performer = Performer(name=name, description=description)
    session.add(performer)
    session.flush()
    return performer


def _checked_prices(
    session: Session, venue: Venue, prices: Mapping[str, Decimal | str]
) -> dict[str, Decimal]:
    checked: dict[str, Decimal] = {}
    for category, raw in prices.items():
        try:
            price = Decimal(raw).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise CatalogError(f"price of category {category!r} is not a number: {raw!r}") from None
        if price < 0 or not price.is_finite():
            raise CatalogError(f"price of category {category!r} must not be negative: {price}")
        checked[category] = price
    used = session.execute(
        text("SELECT DISTINCT category FROM seats WHERE venue_id = :venue"), {"venue": venue.id}
    ).scalars()
    missing = sorted(set(used) - checked.keys())
    if missing:
        raise CatalogError(f"no price for seat-map categories {', '.join(missing)}")
    return checked


def add_event(
    session: Session,
    venue: Venue,
    *,
    title: str,
    description: str,
    start_time: datetime,
    end_time: datetime,
    prices: Mapping[str, Decimal | str],
    performers: Sequence[Performer] = (),
    show_key: str | None = None,
) -> Event:
    """Add an event at ``venue`` and one AVAILABLE ticket per seat and general-admission place."""
    if end_time <= start_time:
        raise CatalogError("an event must end after it starts")
    checked = _checked_prices(session, venue, prices)
    event = Event(
        title=title,
        description=description,
        start_time=start_time,
        end_time=end_time,
        venue_id=venue.id,
        show_key=show_key or show_key_for(title),
        prices={category: str(price) for category, price in checked.items()},
    )
    session.add(event)
    session.flush()
    for billing, performer in enumerate(performers):
        session.execute(
            text(
                "INSERT INTO event_performers (event_id, performer_id, billing) "
                "VALUES (:event, :performer, :billing)"
            ),
            {"event": event.id, "performer": performer.id, "billing": billing},
        )
    # One INSERT … SELECT from the venue's seats: a stadium's 50,000 tickets in one statement.
    session.execute(
        text(
            """
            INSERT INTO tickets
                (event_id, venue_id, seat_id, seat_number, section, row, category, price)
            SELECT :event, s.venue_id, s.seat_id, s.label, s.section, s.row, s.category,
                   CAST(CAST(:prices AS jsonb) ->> s.category AS numeric)
            FROM seats s WHERE s.venue_id = :venue
            ORDER BY s.position
            """
        ),
        {"event": event.id, "venue": venue.id, "prices": json.dumps(event.prices)},
    )
    note_catalog_change(session)
    return event
