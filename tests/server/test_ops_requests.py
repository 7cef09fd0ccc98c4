"""Request IDs, JSON log lines and in-process metrics, through the Flask test client on real
Postgres, Redis and the payment simulator (over real HTTP with several workers: e2e/)."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from conftest import SECRET_KEY, Catalog, SuiteServices, bearer
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.orm import Session

from server.booking.transaction import run_serializable
from server.extensions import db
from server.ops.hooks import pseudonym
from server.ops.logs import JsonFormatter
from server.ops.request_id import request_id

CARD_OK = {"method": "card", "cardNumber": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"}
GENERATED = re.compile(r"[0-9a-f]{32}")

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: FlaskClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    """What the request logger writes, formatted as gunicorn workers format it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("server.ops.tracking")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_sane_request_id_is_kept_and_returned_even_on_errors(client: FlaskClient) -> None:
    for path, status in (("/venues", 200), ("/nowhere", 404), ("/events/1", 404)):
        response = client.get(path, headers={"X-Request-ID": "abc-123:retry.2"})
        assert response.status_code == status
        assert response.headers["X-Request-ID"] == "abc-123:retry.2"
    problem = client.post("/venues", headers={"X-Request-ID": "req/7=="})
    assert problem.status_code == 405
    assert problem.headers["X-Request-ID"] == "req/7=="
    assert problem.get_json()["requestId"] == "req/7==", "a problem quotes the ID to report"


def test_an_odd_or_missing_request_id_is_replaced_by_a_new_one(client: FlaskClient) -> None:
    seen = set()
    for offered in (None, "", "has space", "x" * 129, 'quote"d', "semi;colon'"):
        headers = {} if offered is None else {"X-Request-ID": offered}
        answered = client.get("/venues", headers=headers).headers["X-Request-ID"]
        assert GENERATED.fullmatch(answered), (offered, answered)
        seen.add(answered)
    assert len(seen) == 6, "every request gets its own"


def test_each_request_logs_one_json_line_with_its_id_route_and_a_hashed_user(
    client: FlaskClient, catalog: Catalog, request_log: io.StringIO
) -> None:
    event = catalog.event(catalog.venue())
    ticket = client.get(f"/events/{event.id}").get_json()["tickets"][0]["ticketID"]
    held = client.post(
        f"/bookings/{event.id}",
        json={"ticketIDs": [ticket]},
        headers={**bearer("ana@example.com"), "X-Request-ID": "hold-1"},
    )
    assert held.status_code == 201
    missing = client.get("/bookings/nope", headers=bearer("ana@example.com"))
    for response in (held, missing):
        response.close()  # the line is written when the body is done (as a server does)

    logged = lines(request_log)
    hold = next(line for line in logged if line.get("request_id") == "hold-1")
    assert hold["level"] == "INFO" and hold["logger"] == "server.ops.tracking"
    assert hold["method"] == "POST" and hold["status"] == 201
    assert hold["route"] == "/bookings/<id:event_id>", "the URL rule, not the path"
    assert hold["user"] == pseudonym("ana@example.com", SECRET_KEY)
    assert "ana" not in json.dumps(hold)
    assert isinstance(hold["duration_ms"], float) and hold["duration_ms"] >= 0
    assert datetime.fromisoformat(hold["time"]).utcoffset() is not None
    miss = next(line for line in logged if line["request_id"] == missing.headers["X-Request-ID"])
    assert (miss["route"], miss["status"]) == ("/bookings/<booking_id>", 404)


def test_log_lines_written_while_serving_carry_the_request_id() -> None:
    record = logging.LogRecord(
        "server.booking.transaction", logging.INFO, __file__, 1, "two\nlines %s", ("x",), None
    )
    token = request_id.set("inner-9")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "inner-9"
    assert entry["message"] == "two\nlines x"
    assert entry["logger"] == "server.booking.transaction"
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert "ValueError: boom" in json.loads(JsonFormatter().format(failed))["exception"]


def test_the_payment_service_gets_the_requests_id_even_a_generated_one(
    client: FlaskClient, catalog: Catalog, services: SuiteServices
) -> None:
    event = catalog.event(catalog.venue())
    first, second = (
        t["ticketID"] for t in client.get(f"/events/{event.id}").get_json()["tickets"][:2]
    )
    for seat, offered in ((first, "pay-in-process-1"), (second, None)):
        user = bearer(f"payer-{seat}")
        booking = client.post(f"/bookings/{event.id}", json={"ticketIDs": [seat]}, headers=user)
        headers = {**user, "X-Request-ID": offered} if offered else user
        paid = client.post(
            booking.get_json()["paymentInputURL"],
            json={"paymentDetails": CARD_OK},
            headers=headers,
        )
        assert paid.status_code == 200, paid.get_data(as_text=True)
        rid = paid.headers["X-Request-ID"]
        assert rid == offered if offered else GENERATED.fullmatch(rid)
        assert _simulator_saw(services, rid), f"the charge was made with request ID {rid}"


def _simulator_saw(services: SuiteServices, rid: str) -> bool:
    """Whether the simulator's access log has a charge made with this request ID."""
    log = services.data_dir / "payments" / "payments.log"
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if "POST /v1/charges" in line and f"request={rid}" in line:
                return True
        time.sleep(0.05)
    return False


def test_latency_is_measured_per_route_not_per_path(client: FlaskClient, catalog: Catalog) -> None:
    venue = catalog.venue()
    first, second = catalog.event(venue), catalog.event(venue, "Another")
    before = scrape(client)
    for event_id in (first.id, second.id):
        assert client.get(f"/events/{event_id}").status_code == 200
    assert client.get("/events/999999").status_code == 404
    client.get("/no/such/thing")
    after = scrape(client)

    def count(route: str, status: str) -> float:
        name = "boxoffice_http_request_duration_seconds_count"
        labels = {"route": route, "method": "GET", "status": status}
        return value(after, name, **labels) - value(before, name, **labels)

    assert count("/events/<id:event_id>", "2xx") == 2
    assert count("/events/<id:event_id>", "4xx") == 1
    assert count("<unmatched>", "4xx") == 1
    assert not any("999999" in str(key) or "/no/such" in str(key) for key in after)


def test_a_serialization_failure_in_postgres_is_retried_and_counted(
    client: FlaskClient,
) -> None:
    """Two SERIALIZABLE transactions that each read what the other writes: Postgres aborts
    one with SQLSTATE 40001, and run_serializable runs it again."""
    session: Session = db.session()
    session.execute(text("CREATE TABLE ops_write_skew (v integer)"))
    session.commit()
    try:
        before = scrape(client)
        attempts = 0

        def work(s: Session) -> int:
            nonlocal attempts
            attempts += 1
            total = int(
                s.execute(text("SELECT coalesce(sum(v), 0) FROM ops_write_skew")).scalar_one()
            )
            if attempts == 1:
                with db.engine.connect().execution_options(isolation_level="SERIALIZABLE") as other:
                    other.execute(text("SELECT coalesce(sum(v), 0) FROM ops_write_skew"))
                    other.execute(text("INSERT INTO ops_write_skew VALUES (1)"))
                    other.commit()
            s.execute(text("INSERT INTO ops_write_skew VALUES (:v)"), {"v": total + 1})
            return total

        assert run_serializable(session, work) == 1, "the retry saw the other's row"
        assert attempts == 2
        retries = "boxoffice_serialization_retries_total"
        assert value(scrape(client), retries) - value(before, retries) == 1
    finally:
        session.rollback()
        session.execute(text("DROP TABLE ops_write_skew"))
        session.commit()
