"""When Redis or Postgres fails: the catalog keeps serving, reserving says 503 with
Retry-After, paying still works through Postgres alone, and nothing is half-written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import JWT_SECRET, SECRET_KEY, Catalog, SuiteServices, bearer
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from server import create_app
from server.extensions import db
from server.services import EmbeddedPostgres, EmbeddedRedis

CASH = {"paymentDetails": {"method": "cash"}}


def _app(services: SuiteServices, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": services.database_url,
        "REDIS_URL": services.redis_url,
        "REDIS_PREFIX": services.redis_prefix,
        "DATA_DIR": services.data_dir,
        "JWT_SECRET": JWT_SECRET,
        "SECRET_KEY": SECRET_KEY,
        "PAYMENTS_URL": services.payments_url,
        **overrides,
    }
    return create_app(config)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A Redis of this test's own, so it can be stopped mid-sale."""
    server = EmbeddedRedis(tmp_path / "redis", persist=False)
    server.start()
    yield server
    server.stop()


def test_redis_down_mid_sale(
    services: SuiteServices, catalog: Catalog, own_redis: EmbeddedRedis
) -> None:
    event = catalog.event(catalog.venue())
    app = _app(services, REDIS_URL=own_redis.url)
    client = app.test_client()
    tickets = client.get(f"/events/{event.id}").get_json()["tickets"]
    first, second = tickets[0]["ticketID"], tickets[1]["ticketID"]
    held = client.post(f"/bookings/{event.id}", json={"ticketIDs": [first]}, headers=bearer("ana"))
    assert held.status_code == 201

    own_redis.kill()
    # The catalog still serves (seat status falls back to what Postgres knows).
    assert client.get(f"/events/{event.id}").status_code == 200
    assert client.get("/events").status_code == 200
    # Reserving needs the hold store: a clear 503 to retry, and nothing written.
    refused = client.post(
        f"/bookings/{event.id}", json={"ticketIDs": [second]}, headers=bearer("ben")
    )
    assert refused.status_code == 503
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    with app.app_context():
        count = db.session.execute(text("SELECT count(*) FROM bookings")).scalar_one()
        assert count == 1
    # Paying for the existing hold succeeds through Postgres alone.
    paid = client.post(held.get_json()["paymentInputURL"], json=CASH, headers=bearer("ana"))
    assert paid.status_code == 200, paid.get_json()

    own_redis.start()
    # Redis came back empty: the sold seat is still refused, by Postgres.
    again = client.post(f"/bookings/{event.id}", json={"ticketIDs": [first]}, headers=bearer("ben"))
    assert again.status_code == 409
    assert (
        client.post(
            f"/bookings/{event.id}", json={"ticketIDs": [second]}, headers=bearer("ben")
        ).status_code
        == 201
    )
    with app.app_context():
        db.engine.dispose()


def test_postgres_restarting_answers_503_then_recovers(
    services: SuiteServices, tmp_path: Path
) -> None:
    postgres = EmbeddedPostgres(tmp_path / "pg", fast=True)
    url = postgres.start()
    try:
        app = _app(services, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
        client = app.test_client()
        assert client.get("/venues").status_code == 200
        postgres.stop()
        down = client.get("/venues")
        assert down.status_code == 503
        assert down.get_json()["type"] == "/problems/service-unavailable"
        assert "Retry-After" in down.headers
        postgres.start()
        assert client.get("/venues").status_code == 200
        with app.app_context():
            db.engine.dispose()
    finally:
        postgres.stop()


def test_no_free_database_connection_answers_503_not_500(
    services: SuiteServices, catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    """Every pooled connection busy (an on-sale's peak): shed with a retry hint, and the log
    says which request it was (it is a warning, and operators look for the route)."""
    options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2}
    app = _app(services, SQLALCHEMY_ENGINE_OPTIONS=options)
    client = app.test_client()
    with app.app_context():  # requests outside it, so each one gives its connection back
        taken = db.engine.connect()  # the pool's only connection
    try:
        busy = client.get("/venues")
    finally:
        taken.close()
    assert busy.status_code == 503
    assert busy.mimetype == "application/problem+json"
    assert busy.get_json()["type"] == "/problems/service-unavailable"
    assert busy.headers["Retry-After"] == "2"
    (warning,) = [r for r in caplog.records if r.name == "server.api.problems"]
    assert warning.getMessage().startswith("no database connection free on GET /venues: ")
    assert client.get("/venues").status_code == 200  # free again: served
    with app.app_context():
        db.engine.dispose()
