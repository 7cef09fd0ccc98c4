"""``/healthz`` and ``/readyz`` on real Postgres and Redis: ready when both answer and the
schema is current; a 503 naming the failed check when Redis is unreachable or hangs, when
Postgres is unreachable, or when the database is a migration behind the code."""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from conftest import JWT_SECRET, SECRET_KEY, SuiteServices
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from server import MIGRATIONS_DIR, create_app
from server.extensions import db


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
            "RATE_LIMITS": False,
            **overrides,
        }
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_socket() -> Iterator[int]:
    """A port that accepts connections and never says a word: a hung server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


def _not_ready(response: Any) -> dict[str, Any]:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["type"] == "/problems/service-unavailable"
    return body


def test_healthz_answers_while_postgres_and_redis_are_unreachable(
    services: SuiteServices,
) -> None:
    """Liveness touches no dependency: a database outage must not get every instance
    restarted."""
    port = _closed_port()
    app = _app(
        services,
        SQLALCHEMY_DATABASE_URI=f"postgresql://nobody@127.0.0.1:{port}/nothing",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}

    body = _not_ready(client.get("/readyz"))
    assert body["failed"] == ["postgres", "redis", "migrations"]
    assert "connect" in body["checks"]["postgres"]["detail"].lower()
    assert "postgres" in body["detail"] and "redis" in body["detail"]


def test_readyz_reports_every_check_when_ready(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ready"
    checks = body["checks"]
    assert {name: check["ok"] for name, check in checks.items()} == {
        "postgres": True,
        "redis": True,
        "migrations": True,
    }
    assert checks["migrations"]["database"] == checks["migrations"]["code"]
    assert checks["postgres"]["ms"] >= 0 and checks["redis"]["ms"] >= 0


def test_readyz_fails_naming_redis_when_it_is_unreachable(
    services: SuiteServices, app: Flask
) -> None:
    unreachable = _app(services, REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    body = _not_ready(unreachable.test_client().get("/readyz"))
    assert body["failed"] == ["redis"]
    assert body["checks"]["postgres"]["ok"] and body["checks"]["migrations"]["ok"]
    assert "redis:" in body["detail"]


def test_a_hung_redis_gets_503_within_two_seconds(
    services: SuiteServices, app: Flask, silent_socket: int
) -> None:
    hung = _app(services, REDIS_URL=f"redis://127.0.0.1:{silent_socket}/0")
    client = hung.test_client()
    for _ in range(2):  # the second probe finds the first one's check still stuck
        started = time.monotonic()
        body = _not_ready(client.get("/readyz"))
        assert time.monotonic() - started < 2.0
        assert body["failed"] == ["redis"]
        detail = body["checks"]["redis"]["detail"]
        assert "no answer within" in detail or "Timeout reading" in detail


def test_a_hung_postgres_gets_503_within_two_seconds(
    services: SuiteServices, silent_socket: int
) -> None:
    app = _app(services, SQLALCHEMY_DATABASE_URI=f"postgresql://nobody@127.0.0.1:{silent_socket}/x")
    started = time.monotonic()
    body = _not_ready(app.test_client().get("/readyz"))
    assert time.monotonic() - started < 2.0
    assert body["failed"] == ["postgres", "migrations"]
    assert body["checks"]["redis"]["ok"]


@pytest.fixture
def spare_database(services: SuiteServices) -> Iterator[str]:
    """An empty database of its own on the suite's Postgres server, dropped after."""
    url = make_url(services.database_url)
    name = f"boxoffice_ops_{secrets.token_hex(4)}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_readyz_fails_until_the_schema_is_migrated_to_the_codes_head(
    services: SuiteServices, spare_database: str
) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    (head,) = scripts.get_heads()
    previous = scripts.get_revision(head).down_revision
    assert isinstance(previous, str)

    app = _app(services, SQLALCHEMY_DATABASE_URI=spare_database)
    client = app.test_client()
    try:
        body = _not_ready(client.get("/readyz"))
        assert body["failed"] == ["migrations"]
        assert "no schema version" in body["checks"]["migrations"]["detail"]

        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR), revision=previous)
        body = _not_ready(client.get("/readyz"))
        assert body["failed"] == ["migrations"]
        migrations = body["checks"]["migrations"]
        assert migrations["database"] == [previous] and migrations["code"] == [head]
        assert "boxoffice db upgrade" in migrations["detail"]

        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
        assert client.get("/readyz").status_code == 200

        # A newer release migrated the database during a rolling upgrade: still ready.
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = 'zz_future'"))
            db.session.commit()
        ahead = client.get("/readyz")
        assert ahead.status_code == 200
        assert "newer than this code" in ahead.get_json()["checks"]["migrations"]["detail"]
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
