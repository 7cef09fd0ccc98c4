"""Best available under a rush: 40 customers at once ask for "the best 2" of a small event over
real HTTP (gunicorn, three workers, four threads each). Every pair they get is disjoint, and
exactly as many succeed as pairs fit; the others are told no two seats are together."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import JWT_SECRET, Catalog
from sqlalchemy import text

from server.auth import issue_token
from server.extensions import db
from shared.client import BoxofficeClient
from shared.errors import NoSeatsTogether
from shared.models import BookingInfo
from shared.seatmap import parse_seatmap

CUSTOMERS = 40
#: 3 rows of two blocks of four (12 pairs), a row of five (2 pairs and a seat that stays
#: alone) and 5 standing places (2 pairs): 16 pairs. Blocks of four and the rule against
#: stranding one seat make that number independent of who wins which race.
RUSH_ROOM = {
    "formatVersion": 1,
    "name": "Rush Room",
    "grid": {"width": 12, "height": 9},
    "stage": {"label": "STAGE", "x": 2, "y": 0, "width": 8, "height": 1},
    "priceCategories": [{"id": "front", "name": "Front"}, {"id": "back", "name": "Back"}],
    "sections": [
        {
            "id": "stalls",
            "name": "Stalls",
            "category": "front",
            "rows": [
                {"labels": "A-C", "x": 1, "y": 2, "seats": "1-4, gap 2, 5-8"},
                {"label": "D", "x": 3, "y": 5, "seats": "1-5", "category": "back"},
            ],
        }
    ],
    "generalAdmission": [
        {"id": "standing", "name": "Standing", "capacity": 5, "category": "back",
         "x": 0, "y": 7, "width": 12, "height": 2},
    ],
}  # fmt: skip
PAIRS_THAT_FIT = 16


def ask_for_two(base: str, event_id: int) -> list[BookingInfo | NoSeatsTogether]:
    barrier = threading.Barrier(CUSTOMERS)

    def customer(n: int) -> BookingInfo | NoSeatsTogether:
        token = issue_token(f"rusher-{n}", JWT_SECRET)
        with BoxofficeClient(base, token=token, timeout=30) as client:
            barrier.wait()
            try:
                return client.hold_best(event_id, 2)
            except NoSeatsTogether as refused:
                return refused

    with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
        return list(pool.map(customer, range(CUSTOMERS)))


def together(seat_ids: list[str]) -> bool:
    """Two standing places, or two seats of one row on neighbouring cells (no aisle between)."""
    cells = {seat.seat_id: seat for seat in parse_seatmap(RUSH_ROOM).places()}
    a, b = (cells[seat_id] for seat_id in seat_ids)
    if a.general_admission and b.general_admission:
        return True
    if a.row != b.row or a.x is None or a.y is None or b.x is None or b.y is None:
        return False
    return abs(a.x - b.x) + abs(a.y - b.y) == 1


@pytest.mark.slow
def test_forty_customers_asking_for_the_best_two_get_disjoint_pairs_until_none_fit(
    live_server: str, catalog: Catalog
) -> None:
    event_id = catalog.event(catalog.venue("Rush Room", layout=RUSH_ROOM)).id

    answers = ask_for_two(live_server, event_id)

    bookings = [a for a in answers if isinstance(a, BookingInfo)]
    refusals = [a for a in answers if isinstance(a, NoSeatsTogether)]
    assert (len(bookings), len(refusals)) == (PAIRS_THAT_FIT, CUSTOMERS - PAIRS_THAT_FIT)
    pairs = [[t.seat_id for t in booking.tickets] for booking in bookings]
    seats = Counter(seat for pair in pairs for seat in pair)
    assert max(seats.values()) == 1, "a seat held twice"
    assert [pair for pair in pairs if len(pair) != 2 or not together(pair)] == []
    assert not together(["stalls:A:4", "stalls:A:5"]), "the aisle separates them"
    assert all(r.quantity == 2 and "no 2 adjacent seats" in r.message for r in refusals)
    # Postgres agrees: one live booking per ticket, one pending booking per winner.
    per_ticket = Counter(
        db.session.execute(
            text(
                "SELECT bt.ticket_id FROM booking_tickets bt JOIN bookings b "
                "ON b.id = bt.booking_id WHERE b.status = 'PENDING' AND b.event_id = :event"
            ),
            {"event": event_id},
        ).scalars()
    )
    assert len(per_ticket) == 2 * PAIRS_THAT_FIT and max(per_ticket.values()) == 1
    # And what is left really holds no pair: the seat alone in row D and one standing place.
    with BoxofficeClient(live_server) as viewer:
        free = {t.seat_id for t in viewer.event(event_id).tickets if t.ticket_status == "AVAILABLE"}
    assert len(free) == 2 and sum(seat.startswith("standing:") for seat in free) == 1
