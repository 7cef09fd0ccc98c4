"""Connect to configured servers or start embedded ones for as long as a ``with`` block runs."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from server.services._postgres import EmbeddedPostgres
from server.services._redis import EmbeddedRedis

__all__ = [
    "ServiceUrls",
    "normalise_database_url",
    "running_services",
    "services_from_environment",
]

_DRIVERLESS_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2")


@dataclass(frozen=True)
class ServiceUrls:
    """Where the app finds its database and Redis."""

    database_url: str
    """SQLAlchemy URL with the psycopg (3) driver."""
    redis_url: str
    """redis-py URL; ``unix://...?db=0`` for the embedded server."""


def normalise_database_url(url: str) -> str:
    """Accept the libpq forms (``postgresql://``, ``postgres://``) and use psycopg 3."""
    scheme, separator, rest = url.strip().partition("://")
    if not separator or scheme.lower() not in _DRIVERLESS_SCHEMES:
        raise ValueError(f"Not a PostgreSQL URL (postgresql://...): {_redact(url)}")
    return f"postgresql+psycopg://{rest}"


@contextlib.contextmanager
def running_services(
    data_dir: Path,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    fast: bool = False,
    log: Callable[[str], None] | None = None,
) -> Iterator[ServiceUrls]:
    """Yield URLs for PostgreSQL and Redis, starting embedded servers for those not configured.

    What was started here is stopped on the way out, after an exception too; callers that
    want the same on SIGTERM install a handler that raises (SystemExit). ``fast`` is for
    tests: PostgreSQL without fsync, Redis without persistence.
    """
    say = log or _quiet
    with contextlib.ExitStack() as stack:
        if database_url:
            database_url = normalise_database_url(database_url)
            say(f"PostgreSQL: using {_redact(database_url)}")
        else:
            postgres = EmbeddedPostgres(data_dir, fast=fast)
            stack.callback(_stop, postgres, "PostgreSQL", say)
            database_url = _start(postgres, "PostgreSQL", say)
        if redis_url:
            say(f"Redis: using {_redact(redis_url)}")
        else:
            redis = EmbeddedRedis(data_dir, persist=not fast)
            stack.callback(_stop, redis, "Redis", say)
            redis_url = _start(redis, "Redis", say)
        yield ServiceUrls(database_url=database_url, redis_url=redis_url)


def services_from_environment(
    data_dir: Path | None = None,
    *,
    fast: bool = False,
    log: Callable[[str], None] | None = None,
) -> contextlib.AbstractContextManager[ServiceUrls]:
    """running_services() set up by BOXOFFICE_DATABASE_URL, _REDIS_URL and _DATA_DIR."""
    env = os.environ
    if data_dir is None:
        data_dir = Path(env.get("BOXOFFICE_DATA_DIR") or ".boxoffice")
    return running_services(
        data_dir,
        database_url=env.get("BOXOFFICE_DATABASE_URL") or None,
        redis_url=env.get("BOXOFFICE_REDIS_URL") or None,
        fast=fast,
        log=log,
    )


def _start(server: EmbeddedPostgres | EmbeddedRedis, name: str, say: Callable[[str], None]) -> str:
    began = time.monotonic()
    url = server.start()
    how = "started" if server.started_here else "reusing the running"
    say(f"{name}: {how} embedded server at {url} ({time.monotonic() - began:.1f} s)")
    return url


def _stop(server: EmbeddedPostgres | EmbeddedRedis, name: str, say: Callable[[str], None]) -> None:
    if server.started_here:
        server.stop()
        if not server.started_here:
            say(f"{name}: stopped the embedded server")


def _quiet(message: str) -> None:
    """Default log sink: say nothing."""


def _redact(url: str) -> str:
    """Hide the password in a URL before it is logged."""
    scheme, separator, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{location}"
