"""Holds that ran out become ``expired`` messages within about a second, with no request.

A hold is a Redis key with a TTL, so nothing happens when it runs out. Every server process
runs a sweeper thread (started by its first request: holds and streams are requests, so
whenever there is a hold to expire or a client to tell, some process is sweeping) that takes
the due seats out of each event's ``live:due`` set in one script — so of all the processes
sweeping, exactly one reports each seat — and appends one ``expired`` entry per event.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, cast

import redis
from flask import Flask

from server.live.changes import KEEP_MS, MAX_LEN, LiveKeys

__all__ = ["ExpirySweeper", "ensure_sweeping"]

log = logging.getLogger(__name__)

#: Seconds between sweeps (``EXPIRY_SWEEP_SECONDS``).
SWEEP_SECONDS = 0.5

# KEYS[1] stream, KEYS[2] due; ARGV: hold key prefix, now ms, max len, keep ms, batch
# -> {seats looked at, seats expired, latest expiry of a seat still held (0: none)}
_SWEEP = """
local stream, due = KEYS[1], KEYS[2]
local key_prefix, now = ARGV[1], tonumber(ARGV[2])
local expired, later = {}, 0
local candidates = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))
for _, ticket in ipairs(candidates) do
    local key = key_prefix .. ticket
    local value = redis.call('GET', key)
    if not value then
        redis.call('ZREM', due, ticket)
        table.insert(expired, ticket)
    elseif string.sub(value, 1, 2) == 'u:' then
        -- extended, or held again, before that was reported: follow the key's own TTL
        local ttl = redis.call('PTTL', key)
        if ttl > 0 then
            redis.call('ZADD', due, now + ttl, ticket)
            if now + ttl > later then later = now + ttl end
        else
            redis.call('ZREM', due, ticket)
        end
    else
        redis.call('ZREM', due, ticket)  -- sold: the booked message says so
    end
end
if #expired > 0 then
    redis.call('XADD', stream, 'MAXLEN', '~', ARGV[3], '*',
               'k', 'expired', 't', table.concat(expired, ','), 'c', '')
    redis.call('PEXPIRE', stream, ARGV[4])
end
return {#candidates, #expired, later}
"""


class ExpirySweeper:
    """Finds events with announced holds and reports the seats whose hold ran out."""

    def __init__(self, client: redis.Redis, prefix: str, *, batch: int = 500) -> None:
        self.client = client
        self.keys = LiveKeys(prefix)
        self.batch = batch
        self._sweep = client.register_script(_SWEEP)

    def sweep_once(self) -> int:
        """One pass over every event with announced holds; returns seats reported expired."""
        started = int(time.time() * 1000)
        members = cast(list[bytes], self.client.zrange(self.keys.due_events, 0, -1))
        reported = 0
        for member in members:
            reported += self._sweep_event(int(member), started)
        # An event whose latest expiry had passed before this pass has nothing left to sweep.
        self.client.zremrangebyscore(self.keys.due_events, "-inf", f"({started}")
        return reported

    def _sweep_event(self, event_id: int, now_ms: int) -> int:
        keys = [self.keys.stream(event_id), self.keys.due(event_id)]
        args: list[Any] = [self.keys.hold_prefix(event_id), now_ms, MAX_LEN, KEEP_MS, self.batch]
        reported = 0
        while True:
            seen, expired, later = cast(list[int], self._sweep(keys=keys, args=args))
            reported += expired
            if later:
                self.client.zadd(self.keys.due_events, {str(event_id): later}, gt=True)
            if seen < self.batch:
                return reported


def _loop(sweeper: ExpirySweeper, interval: float) -> None:
    failing = False
    while True:
        time.sleep(interval)
        try:
            sweeper.sweep_once()
            failing = False
        except redis.RedisError as error:
            if not failing:  # once per outage, not twice a second
                log.warning("expiry sweep failed: %s", error)
            failing = True
        except Exception:
            log.exception("expiry sweep failed")


_starting = threading.Lock()


def ensure_sweeping(app: Flask) -> None:
    """Start this process's sweeper once (not under tests, nor without Redis)."""
    if app.extensions.get("boxoffice.sweeper") is not None or app.testing:
        return
    client: redis.Redis | None = app.extensions.get("boxoffice.redis")
    interval = float(app.config.get("EXPIRY_SWEEP_SECONDS", SWEEP_SECONDS))
    if client is None or interval <= 0:
        return
    with _starting:
        if app.extensions.get("boxoffice.sweeper") is not None:
            return
        sweeper = ExpirySweeper(client, app.config["REDIS_PREFIX"])
        thread = threading.Thread(
            target=_loop, args=(sweeper, interval), daemon=True, name="expiry-sweeper"
        )
        thread.start()
        app.extensions["boxoffice.sweeper"] = sweeper
