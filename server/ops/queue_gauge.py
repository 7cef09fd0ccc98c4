"""Waiting-room queue lengths, read at scrape time: Redis has the truth, and a gauge kept by
whichever worker last looked would be stale in all the others.

Every instance reports the same numbers (they read one Redis), so aggregate with ``max``,
not ``sum``, across instances.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import redis
from flask import Flask
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.extensions import db
from server.waiting.room import WaitingRoom

__all__ = ["QueueLengths", "queue_lengths"]

log = logging.getLogger(__name__)

_ROOM_EXTENSION = "boxoffice.ops.room"
_SURGING = text(
    "SELECT id FROM events WHERE admission_per_minute IS NOT NULL ORDER BY id LIMIT 1000"
)


class QueueLengths:
    """A prometheus_client collector: ``boxoffice_waiting_room_queue_length{event_id,lane}``."""

    def __init__(self, read: Callable[[], dict[int, tuple[int, int]]]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "boxoffice_waiting_room_queue_length",
            "People waiting in the waiting room of each high-demand event, by lane.",
            labels=["event_id", "lane"],
        )
        for event_id, (public, staff) in sorted(self._read().items()):
            family.add_metric([str(event_id), "public"], public)
            family.add_metric([str(event_id), "staff"], staff)
        yield family


def queue_lengths(app: Flask) -> dict[int, tuple[int, int]]:
    """Per high-demand event: (public, staff) waiting; nothing if Postgres or Redis fails
    (a scrape should still show the other metrics)."""
    client: redis.Redis | None = app.extensions.get("boxoffice.redis")
    if client is None:
        return {}
    try:
        with app.app_context(), db.engine.connect() as connection:
            connection.execute(text("SET LOCAL statement_timeout = 1000"))
            event_ids = [int(row[0]) for row in connection.execute(_SURGING)]
        if not event_ids:
            return {}
        room = app.extensions.get(_ROOM_EXTENSION)
        if room is None:
            room = app.extensions[_ROOM_EXTENSION] = WaitingRoom(client, app.config["REDIS_PREFIX"])
        return room.queue_lengths(event_ids)
    except (SQLAlchemyError, redis.RedisError) as error:
        log.warning("could not read waiting-room queue lengths: %s", error)
        return {}
