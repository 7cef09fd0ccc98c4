"""Periodic upkeep in every worker: ``boxoffice cleanup`` and ``boxoffice reconcile`` on a timer.

Cleanup marks expired pending bookings EXPIRED. Seats come free by themselves when their Redis
keys expire; this only tidies Postgres so a booking's status tells the truth. One worker at a
time runs it (a short Redis lock). Reconciliation settles payments a crash left in flight
(``server.booking.reconcile``); it locks each booking in Postgres itself, so it needs no Redis.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import redis
from flask import Flask

from server.booking.reconcile import run_reconcile_once
from server.booking.service import expire_stale_bookings
from server.extensions import db
from server.ops.metrics import HOLDS_EXPIRED

__all__ = ["run_cleanup_once", "start_cleanup"]

log = logging.getLogger(__name__)


def run_cleanup_once(app: Flask) -> int:
    """Expire what is due now; returns how many bookings were marked."""
    with app.app_context():
        try:
            return expire_stale_bookings(db.session(), datetime.now(UTC))
        finally:
            db.session.remove()


def _cleanup_round(app: Flask, interval: float) -> None:
    client: redis.Redis | None = app.extensions.get("boxoffice.redis")
    lock_key = f"{app.config['REDIS_PREFIX']}cleanup-lock"
    if client is not None and not client.set(lock_key, "1", nx=True, px=int(interval * 900)):
        return  # another worker did it this round
    expired = run_cleanup_once(app)
    if expired:
        HOLDS_EXPIRED.inc(expired)
        log.info("marked %d pending bookings expired", expired)


def _reconcile_round(app: Flask) -> None:
    for settled in run_reconcile_once(app):
        log.warning("reconciled a payment left in flight: %s", settled)


def _every(interval: float, stop: threading.Event, job: Callable[[], None], name: str) -> None:
    """Run ``job`` every ``interval`` seconds (the first after a random part of one, so that
    workers started together spread out) until ``stop`` is set; a failed round is logged."""
    delay = interval * random.uniform(0.5, 1.0)
    while not stop.wait(delay):
        delay = interval
        try:
            job()
        except Exception:
            log.exception("%s round failed", name)


def start_cleanup(app: Flask) -> threading.Event | None:
    """Start cleanup (``CLEANUP_SECONDS``) and reconciliation (``RECONCILE_SECONDS``) threads.

    ``CLEANUP_SECONDS`` 0 starts neither (command-line tools, tests); ``RECONCILE_SECONDS`` 0
    leaves out only the reconciliation. One event stops both.
    """
    interval = float(app.config.get("CLEANUP_SECONDS") or 0)
    if interval <= 0 or app.testing:
        return None
    stop = threading.Event()
    jobs: list[tuple[str, float, Callable[[], None]]] = [
        ("cleanup", interval, lambda: _cleanup_round(app, interval))
    ]
    reconcile_interval = float(app.config.get("RECONCILE_SECONDS") or 0)
    if reconcile_interval > 0:
        jobs.append(("reconcile", reconcile_interval, lambda: _reconcile_round(app)))
    for name, every, job in jobs:
        threading.Thread(
            target=_every, args=(every, stop, job, name), daemon=True, name=name
        ).start()
    app.extensions["boxoffice.cleanup_stop"] = stop
    return stop
