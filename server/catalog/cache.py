"""Catalog answers cached in Redis: venues, events (not their seats) and search pages.

Catalog rows change only where the catalog is written (``server/catalog/loading.py``: new
venues and events, a venue's corrected seat map). Such a write marks its session, and once that
session commits, one generation number goes up. Every entry is stored under the generation it
was read in, so a change makes all of them unreachable at once — even an entry a request was
still writing from rows it read just before the commit. Entries also expire: venues and events
after :data:`DETAIL_SECONDS` (in case a change bypassed the code, such as a manual SQL edit),
search pages after :data:`SEARCH_SECONDS` (they depend on the time: events that have ended drop
out of them).

Seat status is never cached here: it comes from Postgres and the Redis holds on every request.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from server.extensions import db

__all__ = [
    "DETAIL_SECONDS",
    "SEARCH_SECONDS",
    "CatalogCache",
    "catalog_cache",
    "digest",
    "install_catalog_cache",
    "note_catalog_change",
]

log = logging.getLogger(__name__)

DETAIL_SECONDS = 600
SEARCH_SECONDS = 30

_EXTENSION = "boxoffice.catalog_cache"
#: ``session.info`` flag: this transaction wrote catalog rows.
_CHANGED = "boxoffice.catalog_changed"

# KEYS[1] the generation; ARGV[1] the key's prefix, ARGV[2] the rest -> {generation, entry}
_READ = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""


class CatalogCache:
    """Entries under ``<prefix>catalog:<generation>:<kind>:<key>``; one Redis call to read."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._generation = f"{prefix}catalog:generation"
        self._entries = f"{prefix}catalog:"
        self._read = client.register_script(_READ)

    def fetch(self, kind: str, key: str, seconds: int, build: Callable[[], bytes]) -> bytes:
        """The cached bytes, or ``build()`` stored for ``seconds``; without Redis, ``build()``.

        An exception from ``build`` (not found, a bad cursor) is raised and nothing is stored.
        """
        try:
            generation, cached = self._read(
                keys=[self._generation], args=[self._entries, f"{kind}:{key}"]
            )
        except redis.RedisError as error:
            log.warning("catalog cache unavailable: %s", error)
            return build()
        if cached is not None:
            return bytes(cached)
        built = build()
        try:
            self._client.set(
                f"{self._entries}{generation.decode()}:{kind}:{key}", built, ex=seconds
            )
        except redis.RedisError as error:
            log.warning("catalog cache unavailable: %s", error)
        return built

    def changed(self) -> None:
        """Make every entry unreachable (they expire on their own)."""
        self._client.incr(self._generation)


def digest(*parts: Any) -> str:
    """A short key for a request's parameters (dates and the like by ``str``)."""
    canonical = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def note_catalog_change(session: Session) -> None:
    """Say that ``session`` wrote catalog rows: the cache is cleared when it commits."""
    session.info[_CHANGED] = True


def install_catalog_cache(app: Flask, client: redis.Redis) -> None:
    """Register the app's cache, and (once) the hooks that clear it after catalog writes."""
    app.extensions[_EXTENSION] = CatalogCache(client, app.config["REDIS_PREFIX"])
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)


def catalog_cache() -> CatalogCache | None:
    """The current app's cache, if it has Redis."""
    cache: CatalogCache | None = current_app.extensions.get(_EXTENSION)
    return cache


def _after_commit(session: Session) -> None:
    if not session.info.pop(_CHANGED, False) or not has_app_context():
        return
    cache = catalog_cache()
    if cache is None:
        return
    try:
        cache.changed()
    except redis.RedisError as error:
        # Entries expire by themselves: details within DETAIL_SECONDS, searches sooner.
        log.warning("could not clear the catalog cache after a change: %s", error)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
