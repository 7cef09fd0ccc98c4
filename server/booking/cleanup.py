"""Marking expired pending bookings EXPIRED: ``boxoffice cleanup`` and a periodic thread.

Seats come free by themselves when their Redis keys expire; this only tidies Postgres so a
booking's status tells the truth. One worker at a time runs it (a short Redis lock).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import redis
from flask import Flask

from server.booking.service import expire_stale_bookings
from server.extensions import db

__all__ = ["run_cleanup_once", "start_cleanup"]

log = logging.getLogger(__name__)


def run_cleanup_once(app: Flask) -> int:
    """Expire what is due now; returns how many bookings were marked."""
    with app.app_context():
        try:
            return expire_stale_bookings(db.session(), datetime.now(UTC))
        finally:
            db.session.remove()


def _loop(app: Flask, interval: float, stop: threading.Event) -> None:
    client: redis.Redis | None = app.extensions.get("boxoffice.redis")
    lock_key = f"{app.config['REDIS_PREFIX']}cleanup-lock"
    while not stop.wait(interval):
        try:
            if client is not None and not client.set(
                lock_key, "1", nx=True, px=int(interval * 900)
            ):
                continue  # another worker did it this round
            expired = run_cleanup_once(app)
            if expired:
                log.info("marked %d pending bookings expired", expired)
        except Exception:
            log.exception("cleanup round failed")


def start_cleanup(app: Flask) -> threading.Event | None:
    """Start the periodic cleanup in a daemon thread unless ``CLEANUP_SECONDS`` is 0."""
    interval = float(app.config.get("CLEANUP_SECONDS") or 0)
    if interval <= 0 or app.testing:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(app, interval, stop), daemon=True, name="cleanup")
    thread.start()
    app.extensions["boxoffice.cleanup_stop"] = stop
    return stop
