"""Scaling out: two separate `boxoffice serve` instances (two workers each, own ports) on one
Postgres and one Redis, as behind a load balancer. Clients split across both race for the
same seats; the instances share no memory, so only Redis and Postgres can keep the seats apart.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Catalog, SuiteServices, bearer
from flask import Flask
from live_server import BOXOFFICE, clean_environment, free_port, wait_until_answering
from sqlalchemy import text

from server.extensions import db

CASH = {"paymentDetails": {"method": "cash"}}


@pytest.fixture(scope="module")
def instances(
    services: SuiteServices, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[str]]:
    """Base URLs of two instances; ``app`` has migrated the database before they start."""
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    for name in ("one", "two"):
        folder: Path = tmp_path_factory.mktemp(f"instance-{name}")
        env = {
            **clean_environment(),
            **services.server_environment(),
            "BOXOFFICE_DATA_DIR": str(folder),
            "BOXOFFICE_RATE_LIMITS": "off",
        }
        port = free_port()
        processes.append(
            subprocess.Popen(
                [*BOXOFFICE, "serve", "--port", str(port), "--workers", "2"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, process in zip(bases, processes, strict=True):
            wait_until_answering(f"{base}/venues", process, 60)
        yield bases
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def race(clients: int, attempt: Callable[[int, httpx.Client], Any]) -> list[Any]:
    """Run ``attempt`` in ``clients`` threads that all start at the same moment."""
    barrier = threading.Barrier(clients)

    def run(n: int) -> Any:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            return attempt(n, client)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(run, range(clients)))


def ticket_ids(base: str, event_id: int, *seats: str) -> list[int]:
    detail = httpx.get(f"{base}/events/{event_id}", timeout=30).json()
    by_seat = {t["seatID"]: t["ticketID"] for t in detail["tickets"]}
    return [by_seat[seat] for seat in seats]


def paid_bookings_per_ticket(event_id: int) -> Counter[int]:
    db.session.rollback()
    return Counter(
        db.session.execute(
            text(
                "SELECT bt.ticket_id FROM booking_tickets bt "
                "JOIN bookings b ON b.id = bt.booking_id "
                "WHERE b.event_id = :e AND b.status = 'BOOKED'"
            ),
            {"e": event_id},
        ).scalars()
    )


def pay_on_the_other_instance(
    instances: list[str], won: list[tuple[int, dict[str, Any]]]
) -> list[int]:
    """Each winner pays through the instance it did not hold on: nothing is kept in memory."""

    def pay(n: int, client: httpx.Client) -> int:
        who, booking = won[n]
        other = instances[(who // 10 + 1) % 2]
        answer = client.post(
            other + booking["paymentInputURL"], json=CASH, headers=bearer(f"racer-{who}")
        )
        return answer.status_code

    return race(len(won), pay)


def test_clients_split_across_two_instances_get_one_winner_per_seat(
    instances: list[str], catalog: Catalog
) -> None:
    event_id = catalog.event(catalog.venue()).id
    seats = ticket_ids(instances[0], event_id, *(f"stalls:B:{n}" for n in range(1, 7)))

    def attempt(n: int, client: httpx.Client) -> tuple[int, int, dict[str, Any]]:
        seat = seats[n % len(seats)]  # every seat is raced for from both instances
        answer = client.post(
            f"{instances[n // 10 % 2]}/bookings/{event_id}",
            json={"ticketIDs": [seat]},
            headers=bearer(f"racer-{n}"),
        )
        return seat, answer.status_code, answer.json()

    results = race(60, attempt)
    assert Counter(status for _, status, _ in results) == {201: 6, 409: 54}
    winners = Counter(seat for seat, status, _ in results if status == 201)
    assert winners == dict.fromkeys(seats, 1), "exactly one winner per seat"
    won = [(n, body) for n, (_, status, body) in enumerate(results) if status == 201]
    assert pay_on_the_other_instance(instances, won) == [200] * 6
    assert paid_bookings_per_ticket(event_id) == dict.fromkeys(seats, 1), "0 double bookings"


def test_overlapping_blocks_raced_on_two_instances_never_share_a_seat(
    instances: list[str], catalog: Catalog
) -> None:
    event_id = catalog.event(catalog.venue()).id
    row = ticket_ids(instances[0], event_id, *(f"stalls:A:{n}" for n in range(1, 11)))
    blocks = [row[start : start + 3] for start in range(8)]  # A1-3, A2-4, … A8-10

    def attempt(n: int, client: httpx.Client) -> tuple[int, dict[str, Any]]:
        answer = client.post(
            f"{instances[n // 10 % 2]}/bookings/{event_id}",
            json={"ticketIDs": blocks[n % len(blocks)]},
            headers=bearer(f"racer-{n}"),
        )
        return answer.status_code, answer.json()

    results = race(40, attempt)
    assert {status for status, _ in results} <= {201, 409}
    won = [(n, body) for n, (status, body) in enumerate(results) if status == 201]
    held = Counter(t["ticketID"] for _, body in won for t in body["tickets"])
    assert won and set(held.values()) == {1}, "no seat is in two holds"
    assert pay_on_the_other_instance(instances, won) == [200] * len(won)
    assert paid_bookings_per_ticket(event_id) == held, "0 double bookings"
