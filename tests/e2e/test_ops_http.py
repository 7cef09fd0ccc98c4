"""Metrics and logs of `boxoffice serve --workers 2` over real HTTP: every worker's counts
in every worker's /metrics, JSON log lines carrying the ID the response header shows, and
the same ID at the payment service."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from conftest import SECRET_KEY, Catalog, SuiteServices, bearer
from flask import Flask
from live_server import BOXOFFICE, clean_environment, free_port, stop, wait_until_answering
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from server.extensions import db
from server.ops.hooks import pseudonym
from server.waiting.settings import WaitingSettings
from server.waiting.surge import start_surge

CARD = {"method": "card", "cardNumber": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"}
DECLINED = {**CARD, "cardNumber": "4000 0000 0000 0002"}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@dataclass(frozen=True)
class OpsServer:
    base: str
    log: Path


@pytest.fixture(scope="module")
def ops_server(
    services: SuiteServices, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OpsServer]:
    """`boxoffice serve --workers 2` whose standard error (the log) goes to a file."""
    folder = tmp_path_factory.mktemp("ops")
    port = free_port()
    env = {
        **clean_environment(),
        **services.server_environment(),
        "BOXOFFICE_DATA_DIR": str(folder / "data"),
        "BOXOFFICE_RATE_LIMITS": "off",
        # Expired holds are counted by the cleanup round: run it every second.
        "BOXOFFICE_CLEANUP_SECONDS": "1",
    }
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*BOXOFFICE, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=output,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, 60)
        yield OpsServer(base, log)
    finally:
        stop(process)


class Worker:
    """An HTTP client whose one kept-alive connection is served by one known worker."""

    def __init__(self, client: httpx.Client, pid: int) -> None:
        self.http = client
        self.pid = pid


def _connection_pid(response: httpx.Response, server_port: int) -> int | None:
    client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    for conn in psutil.net_connections("tcp"):
        ends = (conn.laddr and conn.laddr.port, conn.raddr and conn.raddr.port)
        if conn.pid and ends == (server_port, client_port):
            return int(conn.pid)
    return None


@pytest.fixture
def two_workers(ops_server: OpsServer) -> Iterator[tuple[Worker, Worker]]:
    """Connections until two distinct gunicorn workers serve one each."""
    port = httpx.URL(ops_server.base).port
    assert port is not None
    found: dict[int, Worker] = {}
    spare: list[httpx.Client] = []
    for _ in range(40):
        client = httpx.Client(
            base_url=ops_server.base,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=10,
        )
        pid = _connection_pid(client.get("/healthz"), port)
        if pid is None or pid in found:
            spare.append(client)
            continue
        found[pid] = Worker(client, pid)
        if len(found) == 2:
            break
    for client in spare:
        client.close()
    assert len(found) == 2, "two workers took connections"
    first, second = found.values()
    try:
        yield first, second
    finally:
        first.http.close()
        second.http.close()


def scrape(worker: Worker) -> Samples:
    response = worker.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def tickets(base: str, event_id: int) -> list[int]:
    return [t["ticketID"] for t in httpx.get(f"{base}/events/{event_id}").json()["tickets"]]


def test_health_and_readiness_over_http(ops_server: OpsServer) -> None:
    """In a gevent worker too, the checks run side by side and answer at once."""
    assert httpx.get(f"{ops_server.base}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{ops_server.base}/readyz")
    assert ready.status_code == 200, ready.text
    assert {name: check["ok"] for name, check in ready.json()["checks"].items()} == {
        "postgres": True,
        "redis": True,
        "migrations": True,
    }


def test_every_worker_reports_the_counts_of_all_workers(
    ops_server: OpsServer, catalog: Catalog, two_workers: tuple[Worker, Worker]
) -> None:
    one, other = two_workers
    event = catalog.event(catalog.venue()).id
    seats = tickets(ops_server.base, event)
    before = scrape(one)

    def hold(worker: Worker, user: str, seat: int) -> httpx.Response:
        return worker.http.post(
            f"/bookings/{event}", json={"ticketIDs": [seat]}, headers=bearer(user)
        )

    ana = hold(one, "ana", seats[0]).json()
    ben = hold(one, "ben", seats[1]).json()
    cat = hold(other, "cat", seats[2]).json()
    taken = hold(other, "dan", seats[0])
    assert taken.status_code == 409
    assert taken.json()["type"] == "/problems/seats-unavailable"
    released = other.http.delete(f"/bookings/{ben['bookingID']}", headers=bearer("ben"))
    assert released.status_code == 204
    paid = other.http.post(
        ana["paymentInputURL"], json={"paymentDetails": CARD}, headers=bearer("ana")
    )
    assert paid.status_code == 200
    declined = one.http.post(
        cat["paymentInputURL"], json={"paymentDetails": DECLINED}, headers=bearer("cat")
    )
    assert declined.status_code == 402

    for worker in (one, other):  # each worker's scrape adds up both workers' files
        after = scrape(worker)
        assert moved(before, after, "boxoffice_holds_made_total") == 3
        assert moved(before, after, "boxoffice_holds_released_total") == 1
        assert moved(before, after, "boxoffice_bookings_confirmed_total") == 1
        assert moved(before, after, "boxoffice_conflicts_total", problem="seats-unavailable") == 1
        assert moved(before, after, "boxoffice_payments_total", outcome="succeeded") == 1
        assert moved(before, after, "boxoffice_payments_total", outcome="declined") == 1
        latency = "boxoffice_http_request_duration_seconds_count"
        route = "/bookings/<id:event_id>"
        assert moved(before, after, latency, route=route, method="POST", status="2xx") == 3
        assert moved(before, after, latency, route=route, method="POST", status="4xx") == 1
        pay = "/bookings/<booking_id>/payment"
        assert moved(before, after, latency, route=pay, method="POST", status="2xx") == 1
        assert moved(before, after, latency, route=pay, method="POST", status="4xx") == 1
        release = "/bookings/<booking_id>"
        assert moved(before, after, latency, route=release, method="DELETE", status="2xx") == 1
        assert not any(ana["bookingID"] in str(key) for key in after), "paths are not labels"


def _log_lines(log: Path, request_id: str, *, seconds: float = 3.0) -> list[dict[str, Any]]:
    """The server's JSON log lines that carry ``request_id`` (written once a body is done)."""
    deadline = time.monotonic() + seconds
    while True:
        found = [
            entry
            for line in log.read_text(errors="replace").splitlines()
            if line.startswith("{") and (entry := json.loads(line)).get("request_id") == request_id
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_log_lines_are_json_and_carry_the_request_id_to_the_payment_service(
    ops_server: OpsServer, catalog: Catalog, services: SuiteServices
) -> None:
    event = catalog.event(catalog.venue()).id
    seat = tickets(ops_server.base, event)[0]
    user = bearer("erin@example.com")
    held = httpx.post(
        f"{ops_server.base}/bookings/{event}", json={"ticketIDs": [seat]}, headers=user
    )
    paid = httpx.post(
        f"{ops_server.base}{held.json()['paymentInputURL']}",
        json={"paymentDetails": CARD},
        headers={**user, "X-Request-ID": f"ops-pay-{event}"},
    )
    assert paid.status_code == 200
    rid = paid.headers["X-Request-ID"]
    assert rid == f"ops-pay-{event}"
    odd = httpx.get(f"{ops_server.base}/events/{event}", headers={"X-Request-ID": "no spaces"})
    generated = odd.headers["X-Request-ID"]
    assert generated != "no spaces" and len(generated) == 32

    logged = _log_lines(ops_server.log, rid)
    (line,) = [entry for entry in logged if entry["logger"] == "server.ops.tracking"]
    assert any("/v1/charges" in entry["message"] for entry in logged), (
        "lines written while serving (here: the call to the payment service) carry the ID"
    )
    assert line["route"] == "/bookings/<booking_id>/payment"
    assert (line["method"], line["status"], line["level"]) == ("POST", 200, "INFO")
    assert line["user"] == pseudonym("erin@example.com", SECRET_KEY)
    assert line["duration_ms"] > 0
    (odd_line,) = _log_lines(ops_server.log, generated)
    assert odd_line["route"] == "/events/<id:event_id>"

    whole = ops_server.log.read_text()
    card_numbers = re.compile(r"4242[ -]?4242|4000[ -]?0000")  # not a hex ID's chance "4242"
    assert not card_numbers.search(whole) and "erin" not in whole, "no card numbers, no user IDs"
    served = whole[whole.index('{"time"') :].splitlines()  # from gunicorn's first line on
    entries = [json.loads(line) for line in served]
    assert any(entry["logger"] == "gunicorn.error" for entry in entries)
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)

    payments_log = services.data_dir / "payments" / "payments.log"
    charges = [line for line in payments_log.read_text().splitlines() if "POST /v1/charges" in line]
    assert any(f"request={rid}" in line for line in charges), "the simulator got the same ID"


def test_a_hold_that_ran_out_is_counted_once_as_expired(
    ops_server: OpsServer, catalog: Catalog, two_workers: tuple[Worker, Worker]
) -> None:
    one, other = two_workers
    event = catalog.event(catalog.venue()).id
    seat = tickets(ops_server.base, event)[0]
    before = scrape(one)
    held = one.http.post(f"/bookings/{event}", json={"ticketIDs": [seat]}, headers=bearer("fay"))
    assert held.status_code == 201
    db.session.execute(
        text("UPDATE bookings SET expires_at = now() - interval '1 second' WHERE id = :id"),
        {"id": held.json()["bookingID"]},
    )
    db.session.commit()
    deadline = time.monotonic() + 5
    while moved(before, scrape(other), "boxoffice_holds_expired_total") < 1:
        assert time.monotonic() < deadline, "the expired hold was never counted"
        time.sleep(0.2)
    time.sleep(1.5)  # more cleanup rounds on both workers: still counted once
    for worker in (one, other):
        assert moved(before, scrape(worker), "boxoffice_holds_expired_total") == 1


def test_queue_length_is_read_from_the_waiting_room(
    ops_server: OpsServer, catalog: Catalog, two_workers: tuple[Worker, Worker]
) -> None:
    """Last in this module: the workers remember an event's surge setting for a while, and
    the next test's event would get the same ID."""
    event = catalog.event(catalog.venue()).id
    start_surge(db.session(), event, per_minute=1, staff_share=0)
    time.sleep(WaitingSettings().surge_cache_seconds + 0.2)  # workers read the setting again
    states = []
    for user in ("q1", "q2", "q3", "q4"):
        joined = httpx.post(f"{ops_server.base}/events/{event}/queue", headers=bearer(user))
        assert joined.status_code in (200, 201, 202), joined.text
        states.append(joined.json()["state"])
    waiting = states.count("waiting")
    assert waiting >= 3, "a room admitting one a minute lets at most one in at once"
    for worker in two_workers:
        samples = scrape(worker)
        gauge = "boxoffice_waiting_room_queue_length"
        public = samples[(gauge, frozenset({"event_id": str(event), "lane": "public"}.items()))]
        staff = samples[(gauge, frozenset({"event_id": str(event), "lane": "staff"}.items()))]
        assert (public, staff) == (waiting, 0)
