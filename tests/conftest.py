"""Real Postgres and Redis for the whole suite: embedded ones, or the servers named by
``BOXOFFICE_DATABASE_URL`` / ``BOXOFFICE_REDIS_URL``. Either way each test session gets a fresh
database and its own Redis key prefix, and everything it started or created is removed after.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from server import create_app
from server.extensions import db
from server.services import normalise_database_url, running_services


@dataclass(frozen=True)
class SuiteServices:
    database_url: str
    redis_url: str
    redis_prefix: str
    data_dir: Path


def _libpq(url: str) -> str:
    """psycopg's own conninfo for a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteServices]:
    data_dir = tmp_path_factory.mktemp("boxoffice")
    with running_services(
        data_dir,
        database_url=os.environ.get("BOXOFFICE_DATABASE_URL") or None,
        redis_url=os.environ.get("BOXOFFICE_REDIS_URL") or None,
        fast=True,
    ) as urls:
        name = f"boxoffice_test_{secrets.token_hex(4)}"
        server_url = normalise_database_url(urls.database_url)
        with psycopg.connect(_libpq(server_url), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        prefix = f"boxoffice-test-{secrets.token_hex(4)}:"
        try:
            yield SuiteServices(
                database_url=make_url(server_url).set(database=name).render_as_string(False),
                redis_url=urls.redis_url,
                redis_prefix=prefix,
                data_dir=data_dir,
            )
        finally:
            with psycopg.connect(_libpq(server_url), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            client = redis.Redis.from_url(urls.redis_url)
            keys = list(client.scan_iter(match=prefix + "*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()


@pytest.fixture(scope="session")
def app(services: SuiteServices) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": services.database_url,
            "REDIS_URL": services.redis_url,
            "REDIS_PREFIX": services.redis_prefix,
            "DATA_DIR": services.data_dir,
            "JWT_SECRET": "test-secret-" + "x" * 32,
            "SECRET_KEY": "test-key-" + "y" * 32,
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    yield app
    with app.app_context():
        db.engine.dispose()


_TABLES = "booking_tickets, bookings, tickets, event_performers, events, performers, seats, venues"


@pytest.fixture
def app_context(app: Flask) -> Iterator[Flask]:
    """An app context on an empty catalog; what the test wrote is removed after it."""
    with app.app_context():
        db.session.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
        db.session.commit()
        yield app
        db.session.rollback()
        db.session.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def client(app_context: Flask) -> FlaskClient:
    return app_context.test_client()


#: A small room: 28 reserved seats in two categories and 5 standing places.
TINY_LAYOUT = {
    "formatVersion": 1,
    "name": "Tiny Room",
    "grid": {"width": 12, "height": 6},
    "stage": {"label": "STAGE", "x": 2, "y": 0, "width": 8, "height": 1},
    "priceCategories": [{"id": "front", "name": "Front"}, {"id": "back", "name": "Back"}],
    "sections": [
        {
            "id": "stalls",
            "name": "Stalls",
            "category": "back",
            "rows": [
                {"label": "A", "x": 1, "y": 2, "seats": "1-10", "category": "front"},
                {"labels": "B-C", "x": 1, "y": 3, "seats": "1-5, gap, 6-9"},
            ],
        }
    ],
    "generalAdmission": [
        {
            "id": "standing",
            "name": "Standing",
            "capacity": 5,
            "category": "back",
            "x": 0,
            "y": 5,
            "width": 12,
            "height": 1,
        }
    ],
}
TINY_CAPACITY = 33
TINY_PRICES = {"front": "40.00", "back": "25.50"}


class Catalog:
    """Adds venues, performers and events to the test database and commits them."""

    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.now = datetime.now(UTC).replace(microsecond=0)

    def venue(
        self, title: str = "The Tiny Room", location: str = "Leeds", layout: dict | None = None
    ):
        from server.catalog.loading import add_venue
        from shared.seatmap import parse_seatmap

        venue = add_venue(db.session, title, location, parse_seatmap(layout or TINY_LAYOUT))
        db.session.commit()
        return venue

    def performer(self, name: str, description: str = ""):
        from server.catalog.loading import add_performer

        performer = add_performer(db.session, name, description)
        db.session.commit()
        return performer

    def event(
        self,
        venue,
        title: str = "An Evening",
        *,
        description: str = "",
        days: float = 1,
        hours: float = 2,
        performers=(),
        show_key: str | None = None,
        prices: dict[str, str] | None = None,
    ):
        from datetime import timedelta

        from server.catalog.loading import add_event

        start = self.now + timedelta(days=days)
        event = add_event(
            db.session,
            venue,
            title=title,
            description=description,
            start_time=start,
            end_time=start + timedelta(hours=hours),
            prices=prices or TINY_PRICES,
            performers=list(performers),
            show_key=show_key,
        )
        db.session.commit()
        return event


@pytest.fixture
def catalog(app_context: Flask) -> Catalog:
    return Catalog()
