"""Real Postgres and Redis for the whole suite: embedded ones, or the servers named by
``BOXOFFICE_DATABASE_URL`` / ``BOXOFFICE_REDIS_URL``. Either way each test session gets a fresh
database and its own Redis key prefix, and everything it started or created is removed after.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import psycopg
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from live_server import BOXOFFICE, clean_environment, free_port, stop, wait_until_answering
from sqlalchemy import text
from sqlalchemy.engine import make_url

from server import create_app
from server.auth import issue_token
from server.extensions import db
from server.payments.process import running_payment_service
from server.services import normalise_database_url, running_services
from shared.client import BoxofficeClient

if TYPE_CHECKING:
    from kiosk.app.app import KioskApp
    from kiosk.app.settings import Mode


@dataclass(frozen=True)
class SuiteServices:
    database_url: str
    redis_url: str
    redis_prefix: str
    data_dir: Path
    payments_url: str

    def server_environment(self) -> dict[str, str]:
        """What a `boxoffice serve` subprocess needs to run on this suite's services."""
        return {
            "BOXOFFICE_DATABASE_URL": self.database_url,
            "BOXOFFICE_REDIS_URL": self.redis_url,
            "BOXOFFICE_REDIS_PREFIX": self.redis_prefix,
            "BOXOFFICE_PAYMENTS_URL": self.payments_url,
            "BOXOFFICE_JWT_SECRET": JWT_SECRET,
            "BOXOFFICE_SECRET_KEY": SECRET_KEY,
            "BOXOFFICE_PAYMENTS_TIMEOUT": str(PAYMENTS_TIMEOUT),
        }


JWT_SECRET = "test-secret-" + "x" * 32
SECRET_KEY = "test-key-" + "y" * 32
#: The gateway gives up after this long; the slow test card answers after SLOW_CARD_SECONDS.
PAYMENTS_TIMEOUT = 1.0
SLOW_CARD_SECONDS = 3.0


def _libpq(url: str) -> str:
    """psycopg's own conninfo for a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteServices]:
    data_dir = tmp_path_factory.mktemp("boxoffice")
    with (
        running_services(
            data_dir,
            database_url=os.environ.get("BOXOFFICE_DATABASE_URL") or None,
            redis_url=os.environ.get("BOXOFFICE_REDIS_URL") or None,
            fast=True,
        ) as urls,
        running_payment_service(
            data_dir / "payments", slow_seconds=SLOW_CARD_SECONDS
        ) as payments_url,
    ):
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
                payments_url=payments_url,
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
            "JWT_SECRET": JWT_SECRET,
            "SECRET_KEY": SECRET_KEY,
            "PAYMENTS_URL": services.payments_url,
            "PAYMENTS_TIMEOUT": PAYMENTS_TIMEOUT,
            # Tests hold and pay far faster than people; test_rate_limits.py turns limits on.
            "RATE_LIMITS": False,
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    yield app
    with app.app_context():
        db.engine.dispose()


_TABLES = "booking_tickets, bookings, tickets, event_performers, events, performers, seats, venues"


def _empty(app: Flask) -> None:
    """No catalog, no bookings, no holds: IDs restart, so old Redis keys would collide."""
    db.session.rollback()
    db.session.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
    db.session.commit()
    store = app.extensions["boxoffice.redis"]
    keys = list(store.scan_iter(match=app.config["REDIS_PREFIX"] + "*", count=1000))
    if keys:
        store.delete(*keys)


@pytest.fixture
def app_context(app: Flask) -> Iterator[Flask]:
    """An app context on an empty catalog; what the test wrote is removed after it."""
    with app.app_context():
        _empty(app)
        yield app
        _empty(app)


@pytest.fixture
def client(app_context: Flask) -> FlaskClient:
    return app_context.test_client()


def bearer(user_id: str) -> dict[str, str]:
    """Headers of a request made by ``user_id``."""
    return {"Authorization": f"Bearer {issue_token(user_id, JWT_SECRET)}"}


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


@contextmanager
def suite_server(
    services: SuiteServices, data_dir: Path, *, workers: int, settings: Mapping[str, str]
) -> Iterator[str]:
    """Base URL of `boxoffice serve --workers N` on the suite's Postgres, Redis and payments,
    with extra ``BOXOFFICE_*`` settings; stopped when the block ends."""
    port = free_port()
    env = {
        **clean_environment(),
        **services.server_environment(),
        "BOXOFFICE_DATA_DIR": str(data_dir),
        **settings,
    }
    process = subprocess.Popen(
        [*BOXOFFICE, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/venues", process, 60)
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="module")
def live_server(
    services: SuiteServices, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of `boxoffice serve --workers 3` sharing the suite's Postgres, Redis, payments."""
    # The races send hundreds of holds from one address and user in seconds: they test the
    # booking rules, not the rate limits (tests/server/test_rate_limits.py does).
    settings = {"BOXOFFICE_RATE_LIMITS": "off"}
    with suite_server(
        services, tmp_path_factory.mktemp("live"), workers=3, settings=settings
    ) as base:
        yield base


# clients and terminals on the live server (the kiosk's pilot tests) --------------------------
Connect = Callable[..., BoxofficeClient]


@contextmanager
def clients_of(base_url: str) -> Iterator[Connect]:
    """``client(user, staff=False)``: a client of ``base_url`` for that user (a terminal's own,
    or another customer's); all closed when the block ends."""
    opened: list[BoxofficeClient] = []

    def client(user: str, *, staff: bool = False) -> BoxofficeClient:
        token = issue_token(user, JWT_SECRET, staff=staff)
        opened.append(BoxofficeClient(base_url, token=token))
        return opened[-1]

    try:
        yield client
    finally:
        for each in opened:
            each.close()


@pytest.fixture
def connect(live_server: str) -> Iterator[Connect]:
    """Clients of the suite's live server (see :func:`clients_of`)."""
    with clients_of(live_server) as client:
        yield client


@pytest.fixture
def make_app(connect: Connect, tmp_path: Path) -> Callable[..., KioskApp]:
    """``make(mode, **settings)``: a terminal on its own client of the live server, saving
    tickets under the test's folder."""
    from kiosk.app.app import KioskApp
    from kiosk.app.settings import KioskSettings

    def make(mode: Mode = "box-office", **settings: Any) -> KioskApp:
        chosen = KioskSettings(mode=mode, tickets_dir=tmp_path / "tickets", **settings)
        return KioskApp(connect(f"kiosk-{mode}"), mode, settings=chosen)

    return make


# the waiting room on the live server ---------------------------------------------------------
def surge(
    live_server: str, event_id: int, per_minute: int, staff_share: float | None = None
) -> None:
    """Make the event high-demand at this rate, and wait until every worker of the live server
    uses it: each trusts its reading for a second, and an earlier test's event had the same ID
    and maybe another rate (or none). ``staff_share`` None: the server's default."""
    from server.waiting import start_surge
    from server.waiting.settings import WaitingSettings

    start_surge(db.session(), event_id, per_minute, staff_share)
    time.sleep(WaitingSettings().surge_cache_seconds + 0.2)
    deadline, seen = time.monotonic() + 5, 0
    while seen < 6:  # the workers, each asked a few times
        answer = httpx.get(f"{live_server}/events/{event_id}?view=summary", headers=bearer("x"))
        seen = seen + 1 if answer.status_code == 403 else 0
        assert time.monotonic() < deadline, "the server never saw the surge"
