"""The database itself refuses what must never happen, whatever the application does."""

from __future__ import annotations

import uuid

import pytest
from conftest import Catalog
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from server.extensions import db


def _booking(event_id: int, status: str, ticket_ids: list[int]) -> uuid.UUID:
    booking_id = uuid.uuid4()
    db.session.execute(
        text(
            "INSERT INTO bookings (id, user_id, event_id, status, total_price, expires_at, "
            "payment_status) "
            "VALUES (:id, 'u1', :event, :status, 10, now() + interval '5 minutes', CASE WHEN CAST(:status AS varchar) = 'BOOKED' THEN 'CHARGED' END)"
        ),
        {"id": booking_id, "event": event_id, "status": status},
    )
    for ticket_id in ticket_ids:
        db.session.execute(
            text(
                "INSERT INTO booking_tickets (booking_id, ticket_id, booking_status) "
                "VALUES (:b, :t, :s)"
            ),
            {"b": booking_id, "t": ticket_id, "s": status},
        )
    db.session.flush()
    return booking_id


def _first_ticket(event_id: int) -> int:
    return int(
        db.session.execute(
            text("SELECT min(id) FROM tickets WHERE event_id = :e"), {"e": event_id}
        ).scalar_one()
    )


def test_a_seat_exists_once_per_event(catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    with pytest.raises(IntegrityError, match="uq_tickets_event_seat"):
        db.session.execute(
            text(
                "INSERT INTO tickets (event_id, venue_id, seat_id, seat_number, section, "
                "category, price) VALUES (:e, :v, 'stalls:A:1', '1', 'stalls', 'front', 1)"
            ),
            {"e": event.id, "v": event.venue_id},
        )


def test_prices_are_never_negative(catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    with pytest.raises(IntegrityError, match="price_not_negative"):
        db.session.execute(
            text("UPDATE tickets SET price = -1 WHERE event_id = :e"), {"e": event.id}
        )


def test_an_event_ends_after_it_starts(catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    with pytest.raises(IntegrityError, match="ends_after_start"):
        db.session.execute(
            text("UPDATE events SET end_time = start_time WHERE id = :e"), {"e": event.id}
        )


def test_a_ticket_belongs_to_at_most_one_live_booking(catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    ticket = _first_ticket(event.id)
    _booking(event.id, "BOOKED", [ticket])
    with pytest.raises(IntegrityError, match="uq_booking_tickets_live_ticket"):
        _booking(event.id, "PENDING", [ticket])


def test_an_ended_booking_frees_its_ticket_and_cannot_come_back_over_a_live_one(
    catalog: Catalog,
) -> None:
    event = catalog.event(catalog.venue())
    ticket = _first_ticket(event.id)
    first = _booking(event.id, "PENDING", [ticket])
    db.session.execute(text("UPDATE bookings SET status = 'EXPIRED' WHERE id = :b"), {"b": first})
    status = db.session.execute(
        text("SELECT booking_status FROM booking_tickets WHERE booking_id = :b"), {"b": first}
    ).scalar_one()
    assert status == "EXPIRED", "the booking's status must cascade to its ticket links"
    _booking(event.id, "BOOKED", [ticket])
    with pytest.raises(IntegrityError, match="uq_booking_tickets_live_ticket"):
        db.session.execute(
            text("UPDATE bookings SET status = 'BOOKED', payment_status = 'CHARGED' WHERE id = :b"),
            {"b": first},
        )


def test_a_booking_is_booked_only_with_a_charge(catalog: Catalog) -> None:
    event = catalog.event(catalog.venue())
    booking = _booking(event.id, "PENDING", [_first_ticket(event.id)])
    with pytest.raises(IntegrityError, match="booked_means_paid"):
        db.session.execute(
            text("UPDATE bookings SET status = 'BOOKED' WHERE id = :b"), {"b": booking}
        )


def test_catalog_refuses_unpriced_categories_and_negative_prices(catalog: Catalog) -> None:
    from server.catalog.loading import CatalogError

    venue = catalog.venue()
    with pytest.raises(CatalogError, match="no price for seat-map categories back"):
        catalog.event(venue, prices={"front": "10"})
    db.session.rollback()
    with pytest.raises(CatalogError, match="must not be negative"):
        catalog.event(venue, prices={"front": "10", "back": "-1"})
    db.session.rollback()
    with pytest.raises(CatalogError, match="end after it starts"):
        catalog.event(venue, hours=-1)
    db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 0
