"""Seat changes, written to one Redis Stream per event for every worker to serve.

Why a Redis Stream (``XADD … MAXLEN ~``, read with ``XREAD BLOCK``) rather than pub/sub:
pub/sub fans a message out to every worker but forgets it at once, so a client that
reconnects could not be told what it missed without a second store and a race between the
two. A stream is both: every worker's reader sees every entry (fan-out), and the entry ID —
which is the SSE ``id:`` — is a position to replay from (``XRANGE (id +``). Trimming with
``MAXLEN ~`` keeps memory bounded; an ID that was trimmed away is answered with ``reload``.

Each write is one Lua script that first checks the seats' hold keys (:mod:`server.booking.holds`)
and appends only what is still true, so two requests reporting in the opposite order of their
hold scripts cannot leave a client believing a seat free that someone holds. A per-event
sorted set ``live:due`` (ticket → hold expiry) is what the expiry sweeper reads; holds.py's own
``held`` set is left alone, as holds trim it themselves. Per event ``e`` (same hash tag as
holds.py, so every script stays in one Redis Cluster slot)::

    {e}:changes          the stream: k=<kind> t=<ticket,ticket…> c=<channel or "">
    {e}:live:due         sorted set ticket -> expiry (ms) of holds announced as held
    {e}:live:user:<u>    "<booking>|<ticket,…>": the hold last announced for user u, so that
                         seats a new hold replaced are announced as released
    live:due-events      sorted set event -> latest expiry: the events the sweeper visits

Publishing never makes a booking fail: :class:`SeatChanges` logs a Redis error and goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis

from server.booking.holds import Holder
from server.ops.metrics import BOOKINGS_CONFIRMED, HOLDS_MADE, HOLDS_RELEASED
from shared.models import Channel, SeatChange, SeatChangeKind

__all__ = [
    "OPENED",
    "ChangeLog",
    "LiveKeys",
    "SeatChanges",
    "decode_entry",
]

log = logging.getLogger(__name__)

#: Kind of the entry that starts an empty stream, so even a first client has an ID to resume
#: from; it is never sent.
OPENED = "opened"
#: Entries kept per event stream (approximately): replay reaches back this far.
MAX_LEN = 10_000
#: How long an event's stream and sets outlive its last change.
KEEP_MS = 24 * 3600 * 1000
#: How long after its expiry a user's announced hold is still remembered.
_SLACK_MS = 60_000


@dataclass(frozen=True, slots=True)
class LiveKeys:
    """Key names; ``{prefix}{e<id>}`` is the same hash tag :class:`HoldStore` uses."""

    prefix: str

    def event(self, event_id: int) -> str:
        return f"{self.prefix}{{e{event_id}}}"

    def stream(self, event_id: int) -> str:
        return f"{self.event(event_id)}:changes"

    def due(self, event_id: int) -> str:
        return f"{self.event(event_id)}:live:due"

    def announced(self, event_id: int, user_id: str) -> str:
        return f"{self.event(event_id)}:live:user:{user_id}"

    def hold_prefix(self, event_id: int) -> str:
        """Prefix of the seats' hold keys (``HoldStore._ticket_keys``)."""
        return f"{self.event(event_id)}:hold:"

    @property
    def due_events(self) -> str:
        return f"{self.prefix}live:due-events"


# KEYS[1] stream, KEYS[2] due, KEYS[3] user's announced hold
# ARGV: hold key prefix, owner token, booking, expiry ms, announced ttl ms, channel,
#       max len, keep ms, ticket ids...
_HELD = """
local stream, due, announced = KEYS[1], KEYS[2], KEYS[3]
local key_prefix, owner, booking, expiry = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local channel, max_len, keep = ARGV[6], ARGV[7], ARGV[8]
local held, wanted = {}, {}
for i = 9, #ARGV do
    local ticket = ARGV[i]
    wanted[ticket] = true
    if redis.call('GET', key_prefix .. ticket) == owner then
        redis.call('ZADD', due, expiry, ticket)
        table.insert(held, ticket)
    end
end
local released = {}
local previous = redis.call('GET', announced)
if previous then
    local list = string.match(previous, '^[^|]*|(.*)$') or ''
    for ticket in string.gmatch(list, '[^,]+') do
        if not wanted[ticket] and redis.call('EXISTS', key_prefix .. ticket) == 0
                and redis.call('ZREM', due, ticket) == 1 then
            table.insert(released, ticket)
        end
    end
end
if #released > 0 then
    redis.call('XADD', stream, 'MAXLEN', '~', max_len, '*',
               'k', 'released', 't', table.concat(released, ','), 'c', channel)
    redis.call('PEXPIRE', stream, keep)
end
-- No seat still ours: this hold was already replaced or released, and whoever did that
-- reports its seats; the earlier announced hold stays for seats both wanted.
if #held == 0 then return 0 end
local ids = {}
for i = 9, #ARGV do table.insert(ids, ARGV[i]) end
redis.call('SET', announced, booking .. '|' .. table.concat(ids, ','), 'PX', ARGV[5])
redis.call('XADD', stream, 'MAXLEN', '~', max_len, '*',
           'k', 'held', 't', table.concat(held, ','), 'c', channel)
redis.call('PEXPIRE', stream, keep)
redis.call('PEXPIRE', due, keep)
return #held
"""

# KEYS as _HELD; ARGV: hold key prefix, booking, channel, max len, keep ms, ticket ids...
# A seat is announced released only if its key is gone and it was announced held (ZREM says
# so): a seat someone else holds by now, or one already announced free, is left alone.
_RELEASED = """
local stream, due, announced = KEYS[1], KEYS[2], KEYS[3]
local key_prefix, booking, channel, max_len, keep = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local freed = {}
for i = 6, #ARGV do
    local ticket = ARGV[i]
    if redis.call('EXISTS', key_prefix .. ticket) == 0 and redis.call('ZREM', due, ticket) == 1 then
        table.insert(freed, ticket)
    end
end
local previous = redis.call('GET', announced)
if previous and string.match(previous, '^([^|]*)|') == booking then
    redis.call('DEL', announced)
end
if #freed == 0 then return 0 end
redis.call('XADD', stream, 'MAXLEN', '~', max_len, '*',
           'k', 'released', 't', table.concat(freed, ','), 'c', channel)
redis.call('PEXPIRE', stream, keep)
return #freed
"""

# KEYS as _HELD; ARGV: booking, channel, max len, keep ms, ticket ids...
# Sold is final (Postgres decided), so it is announced whatever the keys say.
_BOOKED = """
local stream, due, announced = KEYS[1], KEYS[2], KEYS[3]
local booking, channel, max_len, keep = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ids = {}
for i = 5, #ARGV do
    redis.call('ZREM', due, ARGV[i])
    table.insert(ids, ARGV[i])
end
local previous = redis.call('GET', announced)
if previous and string.match(previous, '^([^|]*)|') == booking then
    redis.call('DEL', announced)
end
redis.call('XADD', stream, 'MAXLEN', '~', max_len, '*',
           'k', 'booked', 't', table.concat(ids, ','), 'c', channel)
redis.call('PEXPIRE', stream, keep)
return #ids
"""

# KEYS[1] due, KEYS[2] user's announced hold; ARGV: hold key prefix, owner, expiry ms,
# announced ttl ms, ticket ids... -> seats moved (an extension changes no seat: no entry)
_EXTENDED = """
local moved = 0
for i = 5, #ARGV do
    if redis.call('GET', ARGV[1] .. ARGV[i]) == ARGV[2] then
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[i])
        moved = moved + 1
    end
end
if moved > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return moved
"""


def _ids(ticket_ids: Sequence[int]) -> list[str]:
    return [str(ticket) for ticket in ticket_ids]


def decode_entry(event_id: int, entry_id: Any, fields: Any) -> SeatChange | None:
    """A stream entry as the message clients get (None for the ``opened`` marker).

    ``fields`` is a dict (redis-py's XREAD/XRANGE) or a flat list (from a script).
    """
    if isinstance(fields, list):
        fields = dict(zip(fields[::2], fields[1::2], strict=True))
    values = {_text(key): _text(value) for key, value in fields.items()}
    kind = values.get("k", OPENED)
    if kind == OPENED:
        return None
    tickets = values.get("t", "")
    return SeatChange(
        id=_text(entry_id),
        kind=SeatChangeKind(kind),
        event_id=event_id,
        ticket_ids=[int(ticket) for ticket in tickets.split(",") if ticket],
        channel=Channel(values["c"]) if values.get("c") else None,
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class ChangeLog:
    """Appends seat changes to the event streams; each call is one round trip."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "boxoffice:",
        *,
        max_len: int = MAX_LEN,
        keep_ms: int = KEEP_MS,
    ) -> None:
        self.client = client
        self.keys = LiveKeys(prefix)
        self.max_len = max_len
        self.keep_ms = keep_ms
        self._held = client.register_script(_HELD)
        self._released = client.register_script(_RELEASED)
        self._booked = client.register_script(_BOOKED)
        self._extended = client.register_script(_EXTENDED)

    def _fixed(self, event_id: int, user_id: str) -> list[str]:
        keys = self.keys
        return [keys.stream(event_id), keys.due(event_id), keys.announced(event_id, user_id)]

    def held(
        self,
        event_id: int,
        ticket_ids: Sequence[int],
        holder: Holder,
        *,
        expires_ms: int,
        now_ms: int,
        channel: Channel,
    ) -> None:
        """Seats now held by ``holder``; the user's seats the new hold let go are released."""
        args: list[Any] = [
            self.keys.hold_prefix(event_id),
            holder.token,
            holder.booking_id,
            expires_ms,
            max(1, expires_ms - now_ms) + _SLACK_MS,
            channel.value,
            self.max_len,
            self.keep_ms,
            *_ids(ticket_ids),
        ]
        pipe = self.client.pipeline(transaction=False)
        self._held(keys=self._fixed(event_id, holder.user_id), args=args, client=pipe)
        pipe.zadd(self.keys.due_events, {str(event_id): expires_ms}, gt=True)
        pipe.execute()

    def released(
        self, event_id: int, ticket_ids: Sequence[int], holder: Holder, *, channel: Channel
    ) -> None:
        """Seats let go of; announced only if still free and last announced as held."""
        args: list[Any] = [
            self.keys.hold_prefix(event_id),
            holder.booking_id,
            channel.value,
            self.max_len,
            self.keep_ms,
            *_ids(ticket_ids),
        ]
        self._released(keys=self._fixed(event_id, holder.user_id), args=args)

    def booked(
        self, event_id: int, ticket_ids: Sequence[int], holder: Holder, *, channel: Channel
    ) -> None:
        """Seats sold (after the confirmation committed)."""
        args: list[Any] = [
            holder.booking_id,
            channel.value,
            self.max_len,
            self.keep_ms,
            *_ids(ticket_ids),
        ]
        self._booked(keys=self._fixed(event_id, holder.user_id), args=args)

    def extended(
        self,
        event_id: int,
        ticket_ids: Sequence[int],
        holder: Holder,
        *,
        expires_ms: int,
        now_ms: int,
    ) -> None:
        """A hold lasts longer: no message, but the sweeper must not call it expired."""
        keys = [self.keys.due(event_id), self.keys.announced(event_id, holder.user_id)]
        args: list[Any] = [
            self.keys.hold_prefix(event_id),
            holder.token,
            expires_ms,
            max(1, expires_ms - now_ms) + _SLACK_MS,
            *_ids(ticket_ids),
        ]
        pipe = self.client.pipeline(transaction=False)
        self._extended(keys=keys, args=args, client=pipe)
        pipe.zadd(self.keys.due_events, {str(event_id): expires_ms}, gt=True)
        pipe.execute()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _now_ms() -> int:
    return int(time.time() * 1000)


@contextmanager
def _never_failing(what: str) -> Iterator[None]:
    try:
        yield
    except redis.RedisError as error:
        log.warning("could not publish seat change (%s): %s", what, error)


class SeatChanges:
    """What the booking service reports, tagged with the channel of the request. It never
    raises: a seat map that lags is better than a booking that fails. Without a change log
    (no Redis configured) it reports nothing."""

    def __init__(self, changes: ChangeLog | None, channel: Channel = Channel.API) -> None:
        self._log = changes
        self.channel = channel

    def held(
        self, event_id: int, ticket_ids: Sequence[int], holder: Holder, expires_at: datetime
    ) -> None:
        HOLDS_MADE.inc()
        if self._log is None:
            return
        with _never_failing("held"):
            self._log.held(
                event_id,
                ticket_ids,
                holder,
                expires_ms=_ms(expires_at),
                now_ms=_now_ms(),
                channel=self.channel,
            )

    def released(self, event_id: int, ticket_ids: Sequence[int], holder: Holder) -> None:
        HOLDS_RELEASED.inc()
        if self._log is None:
            return
        with _never_failing("released"):
            self._log.released(event_id, ticket_ids, holder, channel=self.channel)

    def booked(self, event_id: int, ticket_ids: Sequence[int], holder: Holder) -> None:
        BOOKINGS_CONFIRMED.inc()
        if self._log is None:
            return
        with _never_failing("booked"):
            self._log.booked(event_id, ticket_ids, holder, channel=self.channel)

    def extended(
        self, event_id: int, ticket_ids: Sequence[int], holder: Holder, expires_at: datetime
    ) -> None:
        if self._log is None:
            return
        with _never_failing("extended"):
            self._log.extended(
                event_id, ticket_ids, holder, expires_ms=_ms(expires_at), now_ms=_now_ms()
            )
