"""Rate limits on reserving and paying: per user, per IP address, off by a setting, and still
no 500 when Redis is gone. Apps of their own with small limits, on the suite's Postgres and
Redis (the ``catalog`` fixture empties both, limit counters included, around each test)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import JWT_SECRET, SECRET_KEY, Catalog, SuiteServices, bearer
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.auth import issue_token
from server.config import load_config
from server.extensions import db
from server.services import EmbeddedRedis
from shared.client import BoxofficeClient
from shared.errors import RateLimited

CASH = {"paymentDetails": {"method": "cash"}}
DECLINED = {
    "paymentDetails": {
        "method": "card",
        "cardNumber": "4000 0000 0000 0002",
        "expiry": "12/39",
        "cvc": "123",
    }
}
#: Small limits, so a test reaches them in a few requests.
SMALL = {
    "RATE_LIMIT_RESERVE": "3/minute",
    "RATE_LIMIT_RESERVE_PER_IP": "6/minute",
    "RATE_LIMIT_PAYMENT": "2/minute",
    "RATE_LIMIT_PAYMENT_PER_IP": "100/minute",
}


def _app(services: SuiteServices, **overrides: Any) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": services.database_url,
            "REDIS_URL": services.redis_url,
            "REDIS_PREFIX": services.redis_prefix,
            "DATA_DIR": services.data_dir,
            "JWT_SECRET": JWT_SECRET,
            "SECRET_KEY": SECRET_KEY,
            "PAYMENTS_URL": services.payments_url,
            "CLEANUP_SECONDS": 0,
            **SMALL,
            **overrides,
        }
    )


@pytest.fixture(scope="module")
def limited(services: SuiteServices, app: Flask) -> Iterator[Flask]:
    limited = _app(services)
    yield limited
    with limited.app_context():
        db.engine.dispose()


@pytest.fixture
def seats(catalog: Catalog, limited: Flask) -> tuple[int, list[int]]:
    """An event of the tiny room and its ticket IDs in seat-map order."""
    event = catalog.event(catalog.venue())
    detail = limited.test_client().get(f"/events/{event.id}").get_json()
    return event.id, [t["ticketID"] for t in detail["tickets"]]


def _hold(
    client: FlaskClient, event_id: int, ticket: int, user: str, key: str | None = None, **kw: Any
) -> Any:
    headers = bearer(user) | ({"Idempotency-Key": key} if key else {}) | kw.pop("headers", {})
    return client.post(f"/bookings/{event_id}", json={"ticketIDs": [ticket]}, headers=headers, **kw)


def _refused(response: Any, who: str) -> dict[str, Any]:
    """A 429 rate-limited problem with a Retry-After of at most the one-minute window."""
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["type"] == "/problems/rate-limited"
    assert who in body["detail"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["Cache-Control"] == "no-store"
    return body


def _status(client: FlaskClient, event_id: int, ticket: int) -> str:
    tickets = client.get(f"/events/{event_id}").get_json()["tickets"]
    return next(t["ticketStatus"] for t in tickets if t["ticketID"] == ticket)


def test_a_user_over_the_limit_gets_429_with_retry_after_and_holds_nothing(
    limited: Flask, seats: tuple[int, list[int]]
) -> None:
    event_id, tickets = seats
    client = limited.test_client()
    for ticket in tickets[:3]:  # each new selection replaces the last: a person changing seats
        assert _hold(client, event_id, ticket, "ana").status_code == 201
    body = _refused(_hold(client, event_id, tickets[3], "ana"), "this account")
    assert "at most 3 per 1 minute" in body["detail"]
    assert _status(client, event_id, tickets[3]) == "AVAILABLE"
    assert _status(client, event_id, tickets[2]) == "RESERVED"  # the last hold stands


def test_another_user_on_the_same_address_is_not_affected(
    limited: Flask, seats: tuple[int, list[int]]
) -> None:
    event_id, tickets = seats
    client = limited.test_client()
    for _ in range(4):
        _hold(client, event_id, tickets[0], "ana")
    _refused(_hold(client, event_id, tickets[0], "ana"), "this account")
    assert _hold(client, event_id, tickets[1], "ben").status_code == 201


def test_the_typed_client_raises_rate_limited_with_the_wait(
    limited: Flask, seats: tuple[int, list[int]]
) -> None:
    event_id, tickets = seats
    token = issue_token("ana", JWT_SECRET)
    transport = httpx.WSGITransport(app=limited)
    with BoxofficeClient("http://boxoffice", token=token, transport=transport, retries=0) as api:
        for ticket in tickets[:3]:
            api.hold(event_id, [ticket])
        with pytest.raises(RateLimited) as refused:
            api.hold(event_id, [tickets[3]])
    assert refused.value.retry_after is not None
    assert 1 <= refused.value.retry_after <= 60


def test_the_per_ip_limit_counts_every_user_of_an_address(
    limited: Flask, seats: tuple[int, list[int]]
) -> None:
    event_id, tickets = seats
    client = limited.test_client()
    for n in range(6):  # six people at one venue's terminals: within the address's limit
        assert _hold(client, event_id, tickets[n], f"user-{n}").status_code == 201
    _refused(_hold(client, event_id, tickets[6], "user-6"), "this network address")
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
    assert _hold(client, event_id, tickets[6], "user-6", environ_base=elsewhere).status_code == 201


def test_behind_a_load_balancer_each_client_address_has_its_own_limit(
    services: SuiteServices, catalog: Catalog
) -> None:
    """With PROXY_HOPS 1 the balancer's X-Forwarded-For names the client; without it, every
    customer would share the balancer's one address."""
    behind = _app(services, PROXY_HOPS=1)
    try:
        event = catalog.event(catalog.venue())
        client = behind.test_client()
        tickets = [t["ticketID"] for t in client.get(f"/events/{event.id}").get_json()["tickets"]]
        balancer = {"REMOTE_ADDR": "10.0.0.2"}
        for n in range(6):
            forwarded = {"X-Forwarded-For": "198.51.100.1"}
            held = _hold(
                client, event.id, tickets[n], f"u{n}", environ_base=balancer, headers=forwarded
            )
            assert held.status_code == 201
        over = {"X-Forwarded-For": "198.51.100.1"}
        _refused(
            _hold(client, event.id, tickets[6], "u6", environ_base=balancer, headers=over),
            "this network address",
        )
        other = {"X-Forwarded-For": "198.51.100.2"}
        held = _hold(client, event.id, tickets[6], "u6", environ_base=balancer, headers=other)
        assert held.status_code == 201
    finally:
        with behind.app_context():
            db.engine.dispose()


def test_paying_has_its_own_stricter_limit(limited: Flask, seats: tuple[int, list[int]]) -> None:
    event_id, tickets = seats
    client = limited.test_client()
    held = _hold(client, event_id, tickets[0], "ana").get_json()
    pay_url = held["paymentInputURL"]
    for _ in range(2):  # a declined card, tried twice: the hold stays
        assert client.post(pay_url, json=DECLINED, headers=bearer("ana")).status_code == 402
    _refused(client.post(pay_url, json=CASH, headers=bearer("ana")), "payments from this account")
    # Holding is counted apart from paying.
    assert _hold(client, event_id, tickets[1], "ana").status_code == 201


def test_a_refusal_is_not_replayed_for_its_idempotency_key(
    services: SuiteServices, seats: tuple[int, list[int]]
) -> None:
    """A client that waits Retry-After and repeats the request with the same key gets the real
    answer, not the stored 429."""
    event_id, tickets = seats
    fast = _app(services, RATE_LIMIT_RESERVE="1/second")
    client = fast.test_client()
    assert _hold(client, event_id, tickets[0], "ana").status_code == 201
    key = str(uuid.uuid4())
    refused = _hold(client, event_id, tickets[1], "ana", key)
    _refused(refused, "this account")
    time.sleep(float(refused.headers["Retry-After"]) + 0.2)
    again = _hold(client, event_id, tickets[1], "ana", key)
    assert again.status_code == 201, again.get_json()
    with fast.app_context():
        db.engine.dispose()


def test_rate_limits_off_lets_everything_through(
    services: SuiteServices, seats: tuple[int, list[int]]
) -> None:
    event_id, tickets = seats
    unlimited = _app(services, RATE_LIMITS=False)
    client = unlimited.test_client()
    answers = {_hold(client, event_id, tickets[n % 2], "ana").status_code for n in range(10)}
    assert answers == {201}
    with unlimited.app_context():
        db.engine.dispose()


def test_the_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOXOFFICE_RATE_LIMITS", "off")
    monkeypatch.setenv("BOXOFFICE_RATE_LIMIT_RESERVE", "5/second;20/minute")
    config = load_config({"JWT_SECRET": "j", "SECRET_KEY": "s"})
    assert config["RATE_LIMITS"] is False
    assert config["RATE_LIMIT_RESERVE"] == "5/second;20/minute"
    monkeypatch.setenv("BOXOFFICE_RATE_LIMITS", "sometimes")
    with pytest.raises(ValueError, match="BOXOFFICE_RATE_LIMITS must be on or off"):
        load_config({"JWT_SECRET": "j", "SECRET_KEY": "s"})


def test_a_malformed_limit_stops_the_start_naming_the_setting(services: SuiteServices) -> None:
    with pytest.raises(ValueError, match="BOXOFFICE_RATE_LIMIT_PAYMENT_PER_IP: 'lots'"):
        _app(services, RATE_LIMIT_PAYMENT_PER_IP="lots")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A Redis of this test's own, so it can be stopped mid-sale."""
    server = EmbeddedRedis(tmp_path / "redis", persist=False)
    server.start()
    yield server
    server.stop()


def test_without_redis_nothing_is_a_500_and_limits_count_in_memory(
    services: SuiteServices, catalog: Catalog, own_redis: EmbeddedRedis
) -> None:
    event = catalog.event(catalog.venue())
    alone = _app(services, REDIS_URL=own_redis.url)
    client = alone.test_client()
    tickets = [t["ticketID"] for t in client.get(f"/events/{event.id}").get_json()["tickets"]]
    held = _hold(client, event.id, tickets[0], "ana")
    assert held.status_code == 201

    own_redis.kill()
    # Paying works through Postgres alone, and the limiter does not stand in its way.
    paid = client.post(held.get_json()["paymentInputURL"], json=CASH, headers=bearer("ben"))
    assert paid.status_code == 404  # not ben's booking: the request reached the service
    paid = client.post(held.get_json()["paymentInputURL"], json=CASH, headers=bearer("ana"))
    assert paid.status_code == 200, paid.get_json()
    # Holding needs Redis: 503 to retry, until this worker's own count says 429.
    answers = [_hold(client, event.id, tickets[1], "cy").status_code for _ in range(4)]
    assert answers == [503, 503, 503, 429]
    with alone.app_context():
        db.engine.dispose()


def test_the_api_contract_names_the_refusal(limited: Flask) -> None:
    document = limited.test_client().get("/openapi.json").get_json()
    for path in ("/bookings/{eventID}", "/bookings/{bookingID}/payment"):
        refusal = document["paths"][path]["post"]["responses"]["429"]
        assert "rate-limited" in refusal["description"]
        assert "Retry-After" in refusal["headers"]
