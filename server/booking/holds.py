"""Seat holds in Redis: one key per ticket naming its holder, written all-or-nothing by Lua.

Holds make the first click win and keep a refusal cheap (decided here, without Postgres), but
they are advisory: Postgres decides at confirmation. Keys of one event share a hash tag, so
every script touches a single Redis Cluster slot.

Per event ``e``::

    {e}:hold:<ticket>    "u:<user>|<booking>" with a TTL, or "b|<booking>" once sold
    {e}:held             sorted set ticket -> hold expiry (ms), for drawing seat maps
    {e}:pending:<user>   "<booking>|<ticket>,<ticket>…": the user's one pending hold
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis

__all__ = ["HoldResult", "HoldStore", "Holder"]

#: Value of a sold seat's key (a holder's value always starts with ``u:``).
BOOKED_PREFIX = "b|"

# KEYS[1] held zset, KEYS[2] user's pending key, KEYS[3..] ticket keys
# ARGV: owner, ttl_ms, now_ms, ticket ids..., (prefix for old ticket keys is ARGV last)
_HOLD = """
local held, pending = KEYS[1], KEYS[2]
local owner, ttl, now, key_prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local user = string.match(owner, '^(.*)|')  -- "u:<user>", up to the last '|'
local previous = redis.call('GET', pending)
local previous_owner, previous_tickets = nil, {}
if previous then
    local booking, list = string.match(previous, '^([^|]*)|(.*)$')
    previous_owner = user .. '|' .. booking
    for id in string.gmatch(list, '[^,]+') do previous_tickets[id] = true end
end
local taken = {}
for i = 3, #KEYS do
    local current = redis.call('GET', KEYS[i])
    if current and current ~= previous_owner then
        table.insert(taken, ARGV[i + 2])
    end
end
if #taken > 0 then return taken end
local expiry = now + ttl
local wanted = {}
for i = 3, #KEYS do
    redis.call('SET', KEYS[i], owner, 'PX', ttl)
    redis.call('ZADD', held, expiry, ARGV[i + 2])
    wanted[ARGV[i + 2]] = true
end
for id, _ in pairs(previous_tickets) do
    if not wanted[id] then
        local key = key_prefix .. id
        if redis.call('GET', key) == previous_owner then
            redis.call('DEL', key)
            redis.call('ZREM', held, id)
        end
    end
end
local ids = {}
for i = 5, #ARGV do table.insert(ids, ARGV[i]) end
local booking = string.match(owner, '.*|(.*)$')
redis.call('SET', pending, booking .. '|' .. table.concat(ids, ','), 'PX', ttl)
redis.call('ZREMRANGEBYSCORE', held, '-inf', now)
return {}
"""

# KEYS[1] held zset, KEYS[2] pending key, KEYS[3..] ticket keys; ARGV: owner, ticket ids...
_RELEASE = """
local released = 0
for i = 3, #KEYS do
    if redis.call('GET', KEYS[i]) == ARGV[1] then
        redis.call('DEL', KEYS[i])
        redis.call('ZREM', KEYS[1], ARGV[i - 1])
        released = released + 1
    end
end
local pending = redis.call('GET', KEYS[2])
if pending and string.match(ARGV[1], '.*|(.*)$') == string.match(pending, '^([^|]*)|') then
    redis.call('DEL', KEYS[2])
end
return released
"""

# KEYS as _RELEASE; ARGV: owner, expiry_ms, ticket ids... -> number of keys still ours
_EXTEND = """
local owned = 0
for i = 3, #KEYS do
    if redis.call('GET', KEYS[i]) == ARGV[1] then owned = owned + 1 end
end
if owned < #KEYS - 2 then return owned end
for i = 3, #KEYS do
    redis.call('PEXPIREAT', KEYS[i], ARGV[2])
    redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i])
end
redis.call('PEXPIREAT', KEYS[2], ARGV[2])
return owned
"""

# KEYS as _RELEASE; ARGV: booked marker, keep until (ms), now (ms), ticket ids...
# (PX rather than PXAT: the embedded Redis is 6.2, which has no PXAT.)
_MARK_BOOKED = """
for i = 3, #KEYS do
    redis.call('SET', KEYS[i], ARGV[1], 'PX', math.max(1, tonumber(ARGV[2]) - tonumber(ARGV[3])))
    redis.call('ZREM', KEYS[1], ARGV[i + 1])
end
redis.call('DEL', KEYS[2])
return 1
"""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a seat: a user, for one booking."""

    user_id: str
    booking_id: str

    @property
    def token(self) -> str:
        return f"u:{self.user_id}|{self.booking_id}"


@dataclass(frozen=True, slots=True)
class HoldResult:
    """Either every seat was held (``taken`` empty) or none, and ``taken`` says which blocked."""

    taken: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return not self.taken


class HoldStore:
    """The Redis side of holding seats; every multi-key change is one atomic script."""

    def __init__(self, client: redis.Redis, prefix: str = "boxoffice:") -> None:
        self._redis = client
        self._prefix = prefix
        self._hold = client.register_script(_HOLD)
        self._release = client.register_script(_RELEASE)
        self._extend = client.register_script(_EXTEND)
        self._mark_booked = client.register_script(_MARK_BOOKED)

    # keys ---------------------------------------------------------------------------------
    def _event(self, event_id: int) -> str:
        return f"{self._prefix}{{e{event_id}}}"

    def _ticket_keys(self, event_id: int, ticket_ids: Iterable[int]) -> list[str]:
        base = self._event(event_id)
        return [f"{base}:hold:{ticket_id}" for ticket_id in ticket_ids]

    def _fixed_keys(self, event_id: int, user_id: str) -> list[str]:
        base = self._event(event_id)
        return [f"{base}:held", f"{base}:pending:{user_id}"]

    # operations ---------------------------------------------------------------------------
    def hold(
        self, event_id: int, ticket_ids: Sequence[int], holder: Holder, *, ttl_ms: int, now_ms: int
    ) -> HoldResult:
        """Hold every ticket for ``holder`` or none; the user's previous pending hold on this
        event is let go (for seats not held again) only once the new seats are secured."""
        keys = self._fixed_keys(event_id, holder.user_id) + self._ticket_keys(event_id, ticket_ids)
        args: list[Any] = [holder.token, ttl_ms, now_ms, f"{self._event(event_id)}:hold:"]
        taken = self._hold(keys=keys, args=args + [str(t) for t in ticket_ids])
        return HoldResult(taken=tuple(sorted(int(t) for t in cast(list[bytes], taken))))

    def release(self, event_id: int, ticket_ids: Sequence[int], holder: Holder) -> int:
        """Let go of the seats still held by ``holder``; returns how many were."""
        keys = self._fixed_keys(event_id, holder.user_id) + self._ticket_keys(event_id, ticket_ids)
        return int(cast(int, self._release(keys=keys, args=[holder.token, *ticket_ids])))

    def extend(
        self, event_id: int, ticket_ids: Sequence[int], holder: Holder, *, expires_at_ms: int
    ) -> bool:
        """Move the hold's expiry, only if every seat is still held by ``holder``."""
        keys = self._fixed_keys(event_id, holder.user_id) + self._ticket_keys(event_id, ticket_ids)
        owned = int(
            cast(int, self._extend(keys=keys, args=[holder.token, expires_at_ms, *ticket_ids]))
        )
        return owned == len(ticket_ids)

    def mark_booked(
        self,
        event_id: int,
        ticket_ids: Sequence[int],
        holder: Holder,
        *,
        until_ms: int,
        now_ms: int,
    ) -> None:
        """After a confirmation: the seats are sold; refusing them again stays a Redis answer."""
        keys = self._fixed_keys(event_id, holder.user_id) + self._ticket_keys(event_id, ticket_ids)
        args: list[str | int] = [BOOKED_PREFIX + holder.booking_id, until_ms, now_ms, *ticket_ids]
        self._mark_booked(keys=keys, args=args)

    def holders(self, event_id: int, ticket_ids: Sequence[int]) -> dict[int, str | None]:
        """The current value of each ticket's key (``u:user|booking``, ``b|booking`` or None)."""
        values = self._redis.mget(self._ticket_keys(event_id, ticket_ids))
        return {
            ticket_id: value.decode() if value is not None else None
            for ticket_id, value in zip(ticket_ids, cast(list[bytes | None], values), strict=True)
        }

    def held_tickets(self, event_id: int, *, now_ms: int) -> set[int]:
        """Tickets of the event held by anyone right now (for seat maps; information only)."""
        members = self._redis.zrangebyscore(f"{self._event(event_id)}:held", now_ms, "+inf")
        return {int(member) for member in cast(list[bytes], members)}
