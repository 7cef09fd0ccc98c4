"""Faults during a sale, over real HTTP against `boxoffice serve` with several workers: Redis
killed, Postgres restarted, a worker killed between charge and commit, the payment service
timing out. Each ends by balancing the books between Postgres and the payment service's ledger:
no seat sold twice, no paid booking lost, no money kept without a booking.

The servers run on a Postgres and a Redis of this module's own (the suite's must not be
disturbed) and the suite's payment simulator, whose journal is the ledger.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from conftest import JWT_SECRET, PAYMENTS_TIMEOUT, SECRET_KEY, Catalog, SuiteServices, bearer
from flask import Flask
from live_server import BOXOFFICE, clean_environment, free_port, stop, wait_until_answering
from sqlalchemy import text

from server import create_app
from server.booking.reconcile import run_reconcile_once
from server.extensions import db
from server.payments.debug import PAUSED_MESSAGE
from server.services import EmbeddedPostgres, EmbeddedRedis
from shared.seatmap import load_seatmap

CASH = {"paymentDetails": {"method": "cash"}}
SLOW_CARD = {
    "paymentDetails": {
        "method": "card",
        "cardNumber": "4000 0000 0000 0077",
        "expiry": "12/39",
        "cvc": "123",
    }
}
#: Long enough to kill the paused worker; it is killed long before.
PAUSE_SECONDS = 30
#: Holds on the pausing server last this long, so someone else can take the seats.
SHORT_HOLD_SECONDS = 2
STUDIO = Path(__file__).parents[2] / "seatmaps" / "studio.json"


@dataclass
class Stack:
    """A Postgres, a Redis and a `boxoffice serve --workers 3` of this module's own."""

    app: Flask
    postgres: EmbeddedPostgres
    redis: EmbeddedRedis
    env: dict[str, str]
    base: str
    journal: Path
    folder: Path
    pausing: tuple[subprocess.Popen[bytes], str]


def serve(
    env: dict[str, str], workers: int, log: Path, *, wait: bool = True
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*BOXOFFICE, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    if not wait:
        return process, base
    try:
        wait_until_answering(f"{base}/venues", process, 60)
    except BaseException:
        stop(process)
        raise
    return process, base


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every server at once, then wait for each (stopping one takes ~2 s)."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def stack(services: SuiteServices, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("faults")
    postgres = EmbeddedPostgres(folder / "pg", fast=True)
    redis_server = EmbeddedRedis(folder / "redis", persist=False)
    database_url = postgres.start()
    redis_url = redis_server.start()
    env = {
        **clean_environment(),
        **services.server_environment(),
        "BOXOFFICE_DATABASE_URL": database_url,
        "BOXOFFICE_REDIS_URL": redis_url,
        "BOXOFFICE_DATA_DIR": str(folder / "data"),
        "BOXOFFICE_RATE_LIMITS": "off",
        # The tests run the reconciliation themselves, to see what it did.
        "BOXOFFICE_RECONCILE_SECONDS": "0",
    }
    servers: list[subprocess.Popen[bytes]] = []
    app = None
    try:
        server, base = serve(env, 3, folder / "server.log")  # also migrates the database
        servers.append(server)
        # The pausing instance starts meanwhile; `pausing_server` waits for it.
        pausing_env = {
            **env,
            "BOXOFFICE_DEBUG_PAUSE_AFTER_CHARGE": str(PAUSE_SECONDS),
            "BOXOFFICE_HOLD_SECONDS": str(SHORT_HOLD_SECONDS),
        }
        pausing = serve(pausing_env, 2, folder / "pausing-server.log", wait=False)
        servers.append(pausing[0])
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "REDIS_URL": redis_url,
                "REDIS_PREFIX": services.redis_prefix,
                "DATA_DIR": folder / "data",
                "JWT_SECRET": JWT_SECRET,
                "SECRET_KEY": SECRET_KEY,
                "PAYMENTS_URL": services.payments_url,
                "PAYMENTS_TIMEOUT": PAYMENTS_TIMEOUT,
                # The tests restart Postgres under this app too.
                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            }
        )
        journal = services.data_dir / "payments" / "payments.jsonl"
        yield Stack(app, postgres, redis_server, env, base, journal, folder, pausing)
    finally:
        stop_all(servers)
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        redis_server.stop()
        postgres.stop()


@pytest.fixture
def pausing_server(stack: Stack) -> tuple[str, Path, subprocess.Popen[bytes]]:
    """A second instance on the same stack whose workers sleep after each charge, and whose
    holds are short: its base URL, its log, its process."""
    process, base = stack.pausing
    wait_until_answering(f"{base}/venues", process, 60)
    return base, stack.folder / "pausing-server.log", process


def new_event(stack: Stack, layout: dict[str, Any] | None = None) -> tuple[int, dict[str, int]]:
    """A fresh event; its ticket IDs by seat ID."""
    with stack.app.app_context():
        catalog = Catalog()
        if layout is None:
            event = catalog.event(catalog.venue())
        else:
            venue = catalog.venue("Studio", "Leeds", layout=layout)
            event = catalog.event(venue, "Faulty", prices={"A": "30.00", "B": "20.00"})
        rows = db.session.execute(
            text("SELECT seat_id, id FROM tickets WHERE event_id = :e"), {"e": event.id}
        ).all()
        db.session.remove()
    return event.id, {row.seat_id: row.id for row in rows}


# the books ---------------------------------------------------------------------------------
def ledger(journal: Path) -> dict[str, dict[str, Any]]:
    """The payment service's ledger as it stands: each completed charge by idempotency key."""
    charges: dict[str, dict[str, Any]] = {}
    for line in journal.read_bytes().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line being written right now
        if entry["op"] == "charge":
            charges[entry["charge_id"]] = entry
        elif entry["op"] == "refund":
            charges[entry["charge_id"]]["status"] = "refunded"
    return {charge["idempotency_key"]: charge for charge in charges.values()}


@dataclass
class Books:
    booked: int
    refunded: int
    bookings: dict[str, Any]


def assert_books_balance(stack: Stack, event_ids: list[int]) -> Books:
    """No seat in two paid bookings, every seat marked sold in exactly one, every paid booking
    backed by exactly one kept charge, and no kept charge without a paid booking."""
    with stack.app.app_context():
        bookings = {
            str(row.id): row
            for row in db.session.execute(
                text(
                    "SELECT id, status, payment_status, payment_reference FROM bookings "
                    "WHERE event_id = ANY(:e)"
                ),
                {"e": event_ids},
            )
        }
        sold = db.session.execute(
            text(
                "SELECT bt.ticket_id, count(*) AS n FROM booking_tickets bt "
                "JOIN bookings b ON b.id = bt.booking_id "
                "WHERE b.status = 'BOOKED' AND b.event_id = ANY(:e) GROUP BY bt.ticket_id"
            ),
            {"e": event_ids},
        ).all()
        marked = set(
            db.session.execute(
                text("SELECT id FROM tickets WHERE status = 'BOOKED' AND event_id = ANY(:e)"),
                {"e": event_ids},
            ).scalars()
        )
        db.session.remove()
    assert [row for row in sold if row.n != 1] == [], "a seat is in two paid bookings"
    assert {row.ticket_id for row in sold} == marked, "a seat is sold without a paid booking"
    kept: dict[str, list[str]] = {}
    refunded = 0
    for key, charge in ledger(stack.journal).items():
        match = re.fullmatch(r"booking-(.+)-\d+", key)
        if match is None or match.group(1) not in bookings:
            continue
        if charge["status"] == "succeeded":
            kept.setdefault(match.group(1), []).append(charge["charge_id"])
        refunded += charge["status"] == "refunded"
    for booking_id, row in bookings.items():
        if row.status == "BOOKED":
            assert kept.get(booking_id) == [row.payment_reference], f"{booking_id} not paid once"
        else:
            assert booking_id not in kept, f"charge kept for {row.status} booking {booking_id}"
    return Books(sum(r.status == "BOOKED" for r in bookings.values()), refunded, bookings)


def reconcile_command(stack: Stack, grace: float = PAYMENTS_TIMEOUT) -> str:
    """`boxoffice reconcile` as an operator runs it; its report."""
    done = subprocess.run(
        [*BOXOFFICE, "reconcile", "--grace", str(grace)],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# a sale with a fault in the middle -----------------------------------------------------------
@dataclass
class Sale:
    paid: set[str] = field(default_factory=set)
    last_hold_at: float = 0.0
    holds: Counter[int | str] = field(default_factory=Counter)
    payments: Counter[int | str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, counter: Counter[int | str], outcome: int | str) -> None:
        with self.lock:
            counter[outcome] += 1


def run_sale(
    base: str,
    event_id: int,
    tickets: list[int],
    fault: Callable[[], None],
    *,
    buyers: int = 8,
    seconds: float = 4.0,
) -> Sale:
    """``buyers`` clients hold and pay for 1–2 seats, over and over, for ``seconds``; ``fault``
    runs meanwhile. Every third buyer gives up on a payment answered 503 or cut off (the
    reconciliation has to finish those); the others repeat it as a client should."""
    sale = Sale()
    deadline = time.monotonic() + seconds

    def buyer(n: int) -> None:
        rng = random.Random(n)
        headers = bearer(f"buyer-{n}")
        with httpx.Client(base_url=base, timeout=15) as client:
            while time.monotonic() < deadline:
                pick = rng.sample(tickets, rng.randint(1, 2))
                try:
                    held = client.post(
                        f"/bookings/{event_id}", json={"ticketIDs": pick}, headers=headers
                    )
                except httpx.TransportError:
                    sale.count(sale.holds, "cut off")
                    continue
                sale.count(sale.holds, held.status_code)
                if held.status_code == 201:
                    sale.last_hold_at = time.monotonic()
                if held.status_code == 503:
                    time.sleep(0.2)
                if held.status_code != 201:
                    continue
                pay(client, held.json(), headers, patient=n % 3 != 0)

    def pay(
        client: httpx.Client, booking: dict[str, Any], headers: dict[str, str], *, patient: bool
    ) -> None:
        for _ in range(40):
            try:
                answer = client.post(booking["paymentInputURL"], json=CASH, headers=headers)
            except httpx.TransportError:
                outcome: int | str = "cut off"
            else:
                outcome = answer.status_code
            sale.count(sale.payments, outcome)
            if outcome == 200:
                with sale.lock:
                    sale.paid.add(booking["bookingID"])
                return
            if outcome not in (503, "cut off") or not patient:
                return
            time.sleep(0.25)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(buyers)]
    for thread in threads:
        thread.start()
    try:
        fault()
    finally:
        for thread in threads:
            thread.join()
    return sale


def assert_paid_bookings_kept(stack: Stack, sale: Sale) -> None:
    """Every customer told "paid" has a booked booking."""
    with stack.app.app_context():
        booked = set(
            db.session.execute(
                text("SELECT id::text FROM bookings WHERE status = 'BOOKED' AND id = ANY(:ids)"),
                {"ids": list(sale.paid)},
            ).scalars()
        )
        db.session.remove()
    assert booked == sale.paid


def test_redis_killed_and_restarted_during_a_sale(stack: Stack) -> None:
    event_id, seats = new_event(stack, load_seatmap(STUDIO).document)

    restarted_at = 0.0

    def kill_redis() -> None:
        nonlocal restarted_at
        time.sleep(1.0)
        stack.redis.kill()  # SIGKILL: every hold is gone with it
        time.sleep(1.0)
        stack.redis.start()
        restarted_at = time.monotonic()

    sale = run_sale(stack.base, event_id, list(seats.values()), kill_redis)
    print(f"holds {dict(sale.holds)}, payments {dict(sale.payments)}")
    assert sale.holds[503] > 0, "holds were refused while Redis was down"
    assert sale.last_hold_at > restarted_at, "the sale went on once Redis was back"
    assert "cut off" not in sale.holds, "no hold request went unanswered"
    time.sleep(PAYMENTS_TIMEOUT)
    print(*run_reconcile_once(stack.app, grace_seconds=PAYMENTS_TIMEOUT), sep="\n")
    books = assert_books_balance(stack, [event_id])
    assert_paid_bookings_kept(stack, sale)
    assert books.booked >= len(sale.paid) > 0


def test_postgres_restarted_during_confirmations(stack: Stack) -> None:
    event_id, seats = new_event(stack, load_seatmap(STUDIO).document)

    def restart_postgres() -> None:
        time.sleep(1.0)
        stack.postgres.stop()  # fast shutdown: every connection, mid-transaction or not, ends
        time.sleep(1.0)
        stack.postgres.start()

    sale = run_sale(stack.base, event_id, list(seats.values()), restart_postgres)
    print(f"holds {dict(sale.holds)}, payments {dict(sale.payments)}")
    assert sale.payments[503] > 0, "payments were answered 503 while Postgres was down"
    assert sale.payments[200] > sale.payments[503]
    time.sleep(PAYMENTS_TIMEOUT)
    print(*run_reconcile_once(stack.app, grace_seconds=PAYMENTS_TIMEOUT), sep="\n")
    books = assert_books_balance(stack, [event_id])
    assert_paid_bookings_kept(stack, sale)
    assert books.booked >= len(sale.paid) > 0


def kill_worker_after_charge(
    pausing: tuple[str, Path, subprocess.Popen[bytes]], booking: dict[str, Any], user: str
) -> None:
    """Pay on the pausing server; SIGKILL the worker as it sleeps between charge and commit."""
    base, log, server = pausing
    answers: list[Any] = []

    def pay() -> None:
        try:
            answers.append(
                httpx.post(
                    base + booking["paymentInputURL"], json=CASH, headers=bearer(user), timeout=60
                )
            )
        except httpx.TransportError as error:
            answers.append(error)

    paying = threading.Thread(target=pay)
    paying.start()
    key = f"booking-{booking['bookingID']}-0"
    deadline = time.monotonic() + 20
    pid = None
    while pid is None and time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            found = re.search(r"worker pid (\d+)", line)
            if PAUSED_MESSAGE in line and key in line and found:
                pid = int(found.group(1))
        time.sleep(0.05)
    assert pid is not None, "the worker never reached the pause after the charge"
    workers = {child.pid for child in psutil.Process(server.pid).children(recursive=True)}
    assert pid in workers, "only ever kill our own server's worker"
    os.kill(pid, signal.SIGKILL)
    paying.join()
    [answer] = answers
    assert isinstance(answer, httpx.TransportError), "the customer never heard back"


def booking_status(stack: Stack, booking_id: str) -> tuple[str, str | None]:
    with stack.app.app_context():
        row = db.session.execute(
            text("SELECT status, payment_status FROM bookings WHERE id = :id"), {"id": booking_id}
        ).one()
        db.session.remove()
    return row.status, row.payment_status


def test_worker_killed_between_charge_and_commit_is_booked_by_reconcile(
    stack: Stack, pausing_server: tuple[str, Path, subprocess.Popen[bytes]]
) -> None:
    event_id, seats = new_event(stack)
    wanted = [seats["stalls:A:1"], seats["stalls:A:2"]]
    held = httpx.post(
        f"{pausing_server[0]}/bookings/{event_id}",
        json={"ticketIDs": wanted},
        headers=bearer("ana"),
    )
    assert held.status_code == 201, held.text
    booking = held.json()
    kill_worker_after_charge(pausing_server, booking, "ana")
    assert booking_status(stack, booking["bookingID"]) == ("PENDING", None)
    assert ledger(stack.journal)[f"booking-{booking['bookingID']}-0"]["status"] == "succeeded"
    with pytest.raises(AssertionError, match="charge kept for PENDING booking"):
        assert_books_balance(stack, [event_id])  # the books do not balance yet

    time.sleep(PAYMENTS_TIMEOUT)
    report = reconcile_command(stack)
    assert f"booking {booking['bookingID']}: confirmed" in report
    assert booking_status(stack, booking["bookingID"]) == ("BOOKED", "CHARGED")
    seen = httpx.get(f"{stack.base}/bookings/{booking['bookingID']}", headers=bearer("ana"))
    assert seen.json()["status"] == "BOOKED"
    assert assert_books_balance(stack, [event_id]).booked == 1
    again = run_reconcile_once(stack.app, grace_seconds=PAYMENTS_TIMEOUT)
    assert booking["bookingID"] not in {settled.booking_id for settled in again}, "settled once"


def test_worker_killed_between_charge_and_commit_is_refunded_when_seats_went_to_another(
    stack: Stack, pausing_server: tuple[str, Path, subprocess.Popen[bytes]]
) -> None:
    event_id, seats = new_event(stack)
    wanted = [seats["stalls:A:3"], seats["stalls:A:4"]]
    held = httpx.post(
        f"{pausing_server[0]}/bookings/{event_id}",
        json={"ticketIDs": wanted},
        headers=bearer("ana"),
    )
    assert held.status_code == 201, held.text
    booking = held.json()
    kill_worker_after_charge(pausing_server, booking, "ana")
    time.sleep(SHORT_HOLD_SECONDS)  # ana's hold runs out; ben buys the seats
    ben = httpx.post(
        f"{stack.base}/bookings/{event_id}", json={"ticketIDs": wanted}, headers=bearer("ben")
    )
    assert ben.status_code == 201, ben.text
    paid = httpx.post(stack.base + ben.json()["paymentInputURL"], json=CASH, headers=bearer("ben"))
    assert paid.status_code == 200, paid.text

    report = reconcile_command(stack)
    assert f"booking {booking['bookingID']}: refunded" in report
    assert booking_status(stack, booking["bookingID"]) == ("EXPIRED", "REFUNDED")
    assert ledger(stack.journal)[f"booking-{booking['bookingID']}-0"]["status"] == "refunded"
    books = assert_books_balance(stack, [event_id])
    assert (books.booked, books.refunded) == (1, 1)


def test_payment_service_timing_out_is_settled_once_it_answers(stack: Stack) -> None:
    event_id, seats = new_event(stack)
    held = httpx.post(
        f"{stack.base}/bookings/{event_id}",
        json={"ticketIDs": [seats["stalls:B:1"]]},
        headers=bearer("ana"),
    )
    assert held.status_code == 201, held.text
    booking = held.json()
    timed_out = httpx.post(
        stack.base + booking["paymentInputURL"], json=SLOW_CARD, headers=bearer("ana"), timeout=30
    )
    assert timed_out.status_code == 504, timed_out.text
    assert booking_status(stack, booking["bookingID"]) == ("PENDING", None)

    time.sleep(0.2)  # past the grace period, long before the slow charge completes
    [pending] = run_reconcile_once(stack.app, grace_seconds=PAYMENTS_TIMEOUT)
    assert (pending.booking_id, pending.outcome) == (booking["bookingID"], "pending")
    assert booking_status(stack, booking["bookingID"]) == ("PENDING", None)

    key = f"booking-{booking['bookingID']}-0"
    deadline = time.monotonic() + 10
    while key not in ledger(stack.journal) and time.monotonic() < deadline:
        time.sleep(0.1)
    report = reconcile_command(stack)
    assert f"booking {booking['bookingID']}: confirmed" in report
    assert booking_status(stack, booking["bookingID"]) == ("BOOKED", "CHARGED")
    assert assert_books_balance(stack, [event_id]).booked == 1
