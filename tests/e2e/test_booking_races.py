"""Concurrency claims proven the hard way: many clients over real HTTP against gunicorn with
several workers, on real Postgres and Redis. No seat is ever sold or held twice."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from conftest import Catalog, bearer
from sqlalchemy import text

from server.extensions import db

CASH = {"paymentDetails": {"method": "cash"}}


def race(clients: int, attempt: Callable[[int, httpx.Client], Any]) -> list[Any]:
    """Run ``attempt`` in ``clients`` threads that all start at the same moment."""
    barrier = threading.Barrier(clients)

    def run(n: int) -> Any:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            return attempt(n, client)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(run, range(clients)))


def pay_until_answered(client: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Response:
    """Pay as a well-behaved client does: a 503 "busy" means wait Retry-After and repeat the
    same request under the same Idempotency-Key (it can never charge twice)."""
    key = {"Idempotency-Key": f"pay-{url}"}
    for _ in range(20):
        response = client.post(url, json=CASH, headers={**headers, **key})
        if response.status_code != 503:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response


def seat_ids(base: str, event_id: int) -> dict[str, int]:
    detail = httpx.get(f"{base}/events/{event_id}", timeout=30).json()
    return {t["seatID"]: t["ticketID"] for t in detail["tickets"]}


def live_bookings_per_ticket() -> Counter[int]:
    rows = db.session.execute(
        text(
            "SELECT bt.ticket_id FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id "
            "WHERE b.status IN ('PENDING', 'BOOKED')"
        )
    ).scalars()
    return Counter(rows)


def test_fifty_clients_racing_for_the_same_seats_get_exactly_one_hold(
    live_server: str, catalog: Catalog
) -> None:
    event_id = catalog.event(catalog.venue()).id
    ids = seat_ids(live_server, event_id)
    wanted = [ids["stalls:A:4"], ids["stalls:A:5"], ids["stalls:A:6"]]

    def attempt(n: int, client: httpx.Client) -> int:
        response = client.post(
            f"{live_server}/bookings/{event_id}",
            json={"ticketIDs": wanted},
            headers=bearer(f"racer-{n}"),
        )
        return response.status_code

    statuses = race(50, attempt)
    assert Counter(statuses) == {201: 1, 409: 49}
    db.session.expire_all()
    assert set(live_bookings_per_ticket().values()) == {1}


def test_one_winner_per_seat_when_clients_race_for_single_seats(
    live_server: str, catalog: Catalog
) -> None:
    event_id = catalog.event(catalog.venue()).id
    ids = seat_ids(live_server, event_id)
    seats = [ids[f"stalls:B:{n}"] for n in range(1, 7)]

    def attempt(n: int, client: httpx.Client) -> tuple[int, int]:
        seat = seats[n % len(seats)]
        response = client.post(
            f"{live_server}/bookings/{event_id}",
            json={"ticketIDs": [seat]},
            headers=bearer(f"racer-{n}"),
        )
        return seat, response.status_code

    results = race(60, attempt)
    winners = Counter(seat for seat, status in results if status == 201)
    assert winners == dict.fromkeys(seats, 1), "exactly one 201 per seat"
    assert all(status in (201, 409) for _, status in results)


@pytest.mark.slow
def test_a_1500_seat_theatre_sells_out_with_every_seat_sold_exactly_once(
    live_server: str, catalog: Catalog
) -> None:
    from pathlib import Path

    from shared.seatmap import load_seatmap

    layout = load_seatmap(Path(__file__).parents[2] / "seatmaps" / "theatre.json")
    venue = catalog.venue("Grand Theatre", "Leeds", layout=layout.document)
    prices = {c.id: "30.00" for c in layout.categories}
    event_id = catalog.event(venue, "Sell-out", prices=prices).id
    capacity = layout.capacity
    sold: list[int] = []
    lock = threading.Lock()

    def buyer(n: int, client: httpx.Client) -> int:
        rng = random.Random(n)
        conflicts = 0
        headers = bearer(f"buyer-{n}")
        while True:
            detail = client.get(f"{live_server}/events/{event_id}").json()
            free = [t["ticketID"] for t in detail["tickets"] if t["ticketStatus"] == "AVAILABLE"]
            if not free:
                return conflicts
            pick = rng.sample(free, min(len(free), rng.randint(1, 4)))
            held = client.post(
                f"{live_server}/bookings/{event_id}", json={"ticketIDs": pick}, headers=headers
            )
            if held.status_code == 409:
                conflicts += 1
                continue
            assert held.status_code == 201, held.text
            paid = pay_until_answered(client, live_server + held.json()["paymentInputURL"], headers)
            assert paid.status_code == 200, paid.text
            with lock:
                sold.extend(pick)

    conflicts = race(16, buyer)
    assert sorted(sold) == sorted(set(sold)), "a seat was sold twice"
    assert len(sold) == capacity
    db.session.expire_all()
    booked = db.session.execute(
        text("SELECT count(*) FROM tickets WHERE event_id = :e AND status = 'BOOKED'"),
        {"e": event_id},
    ).scalar_one()
    assert booked == capacity
    per_ticket = live_bookings_per_ticket()
    assert len(per_ticket) == capacity and set(per_ticket.values()) == {1}
    in_booked = db.session.execute(
        text(
            "SELECT count(*) FROM booking_tickets bt JOIN bookings b ON b.id = bt.booking_id "
            "WHERE b.event_id = :e AND b.status = 'BOOKED'"
        ),
        {"e": event_id},
    ).scalar_one()
    assert in_booked == capacity
    print(f"sold {capacity} seats to 16 buyers with {sum(conflicts)} conflicts")
    db.session.expire_all()
    paid_twice = db.session.execute(
        text("SELECT count(*) FROM bookings WHERE event_id = :e AND payment_status = 'REFUNDED'"),
        {"e": event_id},
    ).scalar_one()
    assert paid_twice == 0, "no payment needed refunding"
