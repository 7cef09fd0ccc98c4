"""Whether this server can serve: Postgres and Redis answer, and the schema is current.

Each dependency is checked in a thread of its own and waited for at most ``timeout``
seconds, so one that hangs (a stopped process, a black-holed address) makes ``/readyz``
answer 503 within about two seconds instead of hanging the probe. A check still running
from an earlier probe is waited on again rather than started twice: a hung dependency holds
at most one thread per check. Postgres is asked on a fresh connection (not the app's pool),
so a full pool does not look like a dead database, nor a probe take a request's connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import redis
from alembic.config import Config
from alembic.script import ScriptDirectory
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

__all__ = ["TIMEOUT_SECONDS", "Check", "Readiness"]

#: How long a probe waits for its checks together.
TIMEOUT_SECONDS = 1.5
#: libpq's connect_timeout is whole seconds, at least 2; the probe stops waiting before.
_CONNECT_TIMEOUT = 2
_UNDEFINED_TABLE = "42P01"


@dataclass(frozen=True, slots=True)
class Check:
    """One check's result; ``detail`` says what went wrong, or what was found."""

    name: str
    ok: bool
    detail: str
    milliseconds: float | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok, "detail": self.detail}
        if self.milliseconds is not None:
            body["ms"] = round(self.milliseconds, 1)
        body.update(self.facts)
        return body


class Readiness:
    """The checks of one app; thread-safe, one instance per app."""

    def __init__(
        self,
        database_url: str | None,
        redis_url: str | None,
        migrations_dir: Path,
        *,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.migrations_dir = migrations_dir
        self.timeout = timeout
        self._lock = threading.Lock()
        self._running: dict[str, Future[Any]] = {}

    def check(self) -> list[Check]:
        """Postgres, Redis and migrations, in that order."""
        postgres = self._start("postgres", self._database_revisions)
        cache = self._start("redis", self._ping_redis)
        wait([postgres, cache], timeout=self.timeout)
        database, revisions = _settle("postgres", postgres, self.timeout)
        cache_check, _pong = _settle("redis", cache, self.timeout)
        if database.ok:
            migrations = self._migrations(revisions)
        else:
            migrations = Check("migrations", False, "unknown: Postgres did not answer")
        return [database, cache_check, migrations]

    # running checks ---------------------------------------------------------------------
    def _start(self, name: str, work: Callable[[], Any]) -> Future[Any]:
        with self._lock:
            future = self._running.get(name)
            if future is None or future.done():
                future = self._running[name] = Future()
                threading.Thread(
                    target=_run, args=(future, work), daemon=True, name=f"readyz-{name}"
                ).start()
            return future

    # the checks -------------------------------------------------------------------------
    @cached_property
    def _engine(self) -> Engine:
        if not self.database_url:
            raise RuntimeError("no database configured")
        return create_engine(
            self.database_url,
            poolclass=NullPool,
            connect_args={"connect_timeout": _CONNECT_TIMEOUT},
        )

    def _database_revisions(self) -> list[str]:
        """The database's Alembic revisions (empty: never migrated)."""
        with self._engine.connect() as connection:
            connection.execute(text("SET LOCAL statement_timeout = 1500"))
            try:
                rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            except ProgrammingError as error:
                if getattr(error.orig, "sqlstate", None) == _UNDEFINED_TABLE:
                    return []
                raise
            return [str(row[0]) for row in rows]

    @cached_property
    def _redis(self) -> redis.Redis:
        if not self.redis_url:
            raise RuntimeError("no Redis configured")
        return redis.Redis.from_url(
            self.redis_url,
            socket_timeout=self.timeout,
            socket_connect_timeout=self.timeout,
            retry=Retry(NoBackoff(), 0),
        )

    def _ping_redis(self) -> bool:
        return bool(self._redis.ping())

    @cached_property
    def _scripts(self) -> ScriptDirectory:
        config = Config()
        config.set_main_option("script_location", str(self.migrations_dir))
        return ScriptDirectory.from_config(config)

    def _migrations(self, revisions: Sequence[str]) -> Check:
        """Current when the database is at this code's head. A database *ahead* of the code
        (a revision it does not know: a newer release migrated it during a rolling upgrade)
        still counts as ready; one behind does not."""
        heads = sorted(self._scripts.get_heads())
        facts = {"database": sorted(revisions), "code": heads}
        if set(revisions) == set(heads):
            return Check("migrations", True, "at the code's head revision", facts=facts)
        if not revisions:
            detail = "the database has no schema version: run `boxoffice db upgrade`"
            return Check("migrations", False, detail, facts=facts)
        unknown = [revision for revision in revisions if not self._known(revision)]
        if unknown:
            detail = f"the database is at {', '.join(unknown)}, newer than this code"
            return Check("migrations", True, detail, facts=facts)
        detail = (
            f"the database is at {', '.join(sorted(revisions))}, this code needs "
            f"{', '.join(heads)}: run `boxoffice db upgrade`"
        )
        return Check("migrations", False, detail, facts=facts)

    def _known(self, revision: str) -> bool:
        try:
            return self._scripts.get_revision(revision) is not None
        except Exception:
            return False


def _run(future: Future[Any], work: Callable[[], Any]) -> None:
    """Sets ``(value, milliseconds taken)`` or the exception."""
    if not future.set_running_or_notify_cancel():
        return
    started = time.monotonic()
    try:
        value = work()
    except BaseException as error:
        future.set_exception(error)
    else:
        future.set_result((value, (time.monotonic() - started) * 1000))


def _settle(name: str, future: Future[Any], timeout: float) -> tuple[Check, Any]:
    """The check's result and value, as things stand now (looked at once: a check that
    finishes meanwhile must not count as both done and not)."""
    if not future.done():
        return Check(name, False, f"no answer within {timeout:g} s"), None
    error = future.exception()
    if error is not None:
        return Check(name, False, _one_line(error)), None
    value, milliseconds = future.result()
    return Check(name, True, "answered", milliseconds), value


def _one_line(error: BaseException) -> str:
    message = " ".join(str(error).split()) or type(error).__name__
    return message[:300]
